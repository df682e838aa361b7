"""Voice activity detection for the emulator: an energy VAD for ``automaticActivityDetection``.

The detector works on 10 ms frames. A frame is *speech* when its energy is far enough above an
adaptive noise floor (and above an absolute minimum); noise-like frames (high zero-crossing rate)
need a larger margin, so steady hiss does not trigger while a loud burst still does.

How the settings map (PROTOCOL.md §2; the API docs define ``prefixPaddingMs`` as "the required
duration of detected speech before start-of-speech is committed"):

=============================  =================================================================
``disabled``                   ``feed`` returns nothing (the client sends activityStart/End).
``startOfSpeechSensitivity``   HIGH (service default): 9 dB above the floor, floor -52 dBFS, one
                               non-speech frame tolerated inside the run; LOW: 15 dB, -44 dBFS,
                               no gap tolerated.
``prefixPaddingMs``            speech needed before ``start`` is reported (default 40 ms for HIGH,
                               120 ms for LOW). The event's offset is where that burst of sound
                               began: the first speech frame, or an earlier quieter onset (6 dB
                               over the floor, after 200 ms of quiet, at most 1 s before), so a
                               soft first syllable is not cut off.
``endOfSpeechSensitivity``     HIGH (default): frames under floor + 8 dB count as silence and a
                               single loud frame does not reset the silence timer (ends sooner);
                               LOW: floor + 4 dB, any speech frame resets it. Speech that has
                               started may continue 12 dB under the start's absolute minimum.
``silenceDurationMs``          non-speech needed before ``end`` is reported (default 800 ms, the
                               service's observed default). The end offset is the first sample
                               after the last speech frame.
=============================  =================================================================

Events come out of :meth:`EnergyVad.feed` when they are *committed* (after the prefix or the
silence duration has passed), carrying the sample offset (since :meth:`EnergyVad.reset`) where
speech began or ended. Results do not depend on how the audio is chunked.

Example::

    vad = EnergyVad({"silenceDurationMs": 300})
    for chunk in mic_chunks:                      # int16 mono at 16 kHz, any size
        for event in vad.feed(chunk):
            print(event.kind, event.sample_offset / 16000)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ..exceptions import AudioError, ConfigError

__all__ = [
    "DEFAULT_PREFIX_PADDING_MS",
    "DEFAULT_SILENCE_DURATION_MS",
    "EnergyVad",
    "Vad",
    "VadEvent",
    "VadSettings",
    "feed_many",
]

START_HIGH, START_LOW = "START_SENSITIVITY_HIGH", "START_SENSITIVITY_LOW"
END_HIGH, END_LOW = "END_SENSITIVITY_HIGH", "END_SENSITIVITY_LOW"
DEFAULT_SILENCE_DURATION_MS = 800
DEFAULT_PREFIX_PADDING_MS = {START_HIGH: 40, START_LOW: 120}

# (margin dB over the floor, absolute minimum dBFS, frames of gap tolerated while starting)
_START = {START_HIGH: (9.0, -52.0, 1), START_LOW: (15.0, -44.0, 0)}
# (margin dB over the floor to stay in speech, consecutive speech frames that reset the silence)
_END = {END_HIGH: (8.0, 2), END_LOW: (4.0, 1)}
_HOLD_BELOW_START_DB = 12.0  # speech already started may continue this much quieter
# The start offset goes back to where the burst of sound began (a quieter first syllable), if
# that was after 200 ms of quiet and at most 1 s before the speech that committed the start.
_ONSET_MARGIN_DB = 6.0
_ONSET_QUIET_FRAMES = 20
_ONSET_MAX_FRAMES = 100
_NOISY_ZCR = 0.35  # zero crossings per sample above which a frame is noise-like
_NOISY_EXTRA_DB = 6.0
_FULL_SCALE_DB = 20 * math.log10(32768.0)  # energy in int16 units -> dBFS
_FLOOR_INIT_DBFS = -55.0
_FLOOR_MIN_DBFS = -90.0
_FLOOR_FALL = 0.3  # fraction of the gap closed per frame when the level drops
_FLOOR_RISE_DB = (0.05, 0.01)  # dB per frame when not speech / speech (5 dB/s, 1 dB/s)

_KEYS = {
    "disabled": "disabled",
    "startofspeechsensitivity": "startOfSpeechSensitivity",
    "endofspeechsensitivity": "endOfSpeechSensitivity",
    "prefixpaddingms": "prefixPaddingMs",
    "silencedurationms": "silenceDurationMs",
}


@dataclass(frozen=True)
class VadEvent:
    """Speech started or ended.

    ``kind`` is ``'start'`` or ``'end'``; ``sample_offset`` counts samples since the detector was
    created or reset.
    """

    kind: str
    sample_offset: int


class Vad(Protocol):
    """What the emulator needs from a voice activity detector.

    The real-speech extra may add another implementation with the same three members.
    """

    def feed(self, samples: np.ndarray) -> list[VadEvent]:
        """Process the next int16 mono ``samples``; return the speech starts/ends they commit."""
        ...

    def reset(self) -> None:
        """Forget all audio so far: silence, and sample offsets count from zero again."""
        ...

    @property
    def in_speech(self) -> bool:
        """Whether the audio fed so far ends inside speech."""
        ...


def _normalise(config: dict[str, Any] | None) -> dict[str, Any]:
    """CamelCase keys (snake_case tolerated); unknown keys are ignored like the service does."""
    out: dict[str, Any] = {}
    for key, value in (config or {}).items():
        canon = _KEYS.get(str(key).replace("_", "").lower())
        if canon is not None and value is not None:
            out[canon] = value
    return out


def _choice(cfg: dict[str, Any], key: str, allowed: tuple[str, str]) -> str:
    value = cfg.get(key, allowed[0])
    if value not in allowed:
        raise ConfigError(
            f"automaticActivityDetection.{key} is {value!r}; use {allowed[0]!r} or {allowed[1]!r}"
        )
    return value


def _duration_ms(cfg: dict[str, Any], key: str, default: int) -> int:
    value = cfg.get(key, default)
    try:
        ms = int(value)
    except (TypeError, ValueError):
        ms = -1
    if isinstance(value, bool) or ms < 0 or ms != float(value):
        raise ConfigError(
            f"automaticActivityDetection.{key} is {value!r}; use a whole number of milliseconds ≥ 0"
        )
    return ms


class VadSettings:
    """What every detector shares: the activity-detection settings and :attr:`in_speech`.

    The ``automaticActivityDetection`` settings are ``disabled``, ``prefix_padding_ms``,
    ``silence_duration_ms`` and ``rate``.

    A subclass calls :meth:`_configure` first in ``__init__`` and keeps ``_in_speech`` current.

    Example::

        class MyVad(VadSettings):
            def __init__(self, config=None, rate=16000):
                start, end = self._configure(config, rate)   # sets disabled, rate, ...
    """

    disabled: bool
    prefix_padding_ms: int
    silence_duration_ms: int
    rate: int
    _in_speech: bool

    def _configure(self, config: dict[str, Any] | None, rate: int) -> tuple[str, str]:
        """Read ``config`` into the attributes; return the start and end sensitivities."""
        cfg = _normalise(config)
        self.disabled = bool(cfg.get("disabled", False))
        start = _choice(cfg, "startOfSpeechSensitivity", (START_HIGH, START_LOW))
        end = _choice(cfg, "endOfSpeechSensitivity", (END_HIGH, END_LOW))
        self.prefix_padding_ms = _duration_ms(
            cfg, "prefixPaddingMs", DEFAULT_PREFIX_PADDING_MS[start]
        )
        self.silence_duration_ms = _duration_ms(
            cfg, "silenceDurationMs", DEFAULT_SILENCE_DURATION_MS
        )
        self.rate = rate
        return start, end

    @property
    def in_speech(self) -> bool:
        """True between a reported ``start`` and the following ``end``."""
        return self._in_speech


class EnergyVad(VadSettings):
    """Energy + zero-crossing voice activity detector with an adaptive noise floor.

    ``config`` is an ``automaticActivityDetection`` dict (camelCase; see the module docstring for
    what each field does); ``rate`` is the sample rate of the int16 mono audio passed to
    :meth:`feed`.

    Example::

        vad = EnergyVad({"startOfSpeechSensitivity": "START_SENSITIVITY_LOW"}, rate=16000)
        events = vad.feed(samples)     # [VadEvent('start', 4640), VadEvent('end', 20800)]
    """

    def __init__(self, config: dict[str, Any] | None = None, rate: int = 16000) -> None:
        if not isinstance(rate, int) or rate < 1000:
            raise ConfigError(f"VAD sample rate {rate!r} is not usable; pass e.g. rate=16000")
        start, end = self._configure(config, rate)
        self._frame = rate // 100
        self._start_margin, self._abs_min, self._gap_ok = _START[start]
        self._end_margin, self._resume_frames = _END[end]
        self._start_frames = max(1, math.ceil(self.prefix_padding_ms / 10))
        self._end_frames = max(1, math.ceil(self.silence_duration_ms / 10))
        self._abs_min_db = self._abs_min + _FULL_SCALE_DB
        self._hold_min_db = self._abs_min_db - _HOLD_BELOW_START_DB
        self._zcr_limit = _NOISY_ZCR * self._frame
        self.reset()

    def reset(self) -> None:
        """Forget all audio: offsets restart at 0 and the noise floor at its initial guess."""
        self._rest = np.zeros(0, dtype=np.int16)
        self._frames_done = 0
        self._floor = _FLOOR_INIT_DBFS + _FULL_SCALE_DB
        self._in_speech = False
        self._run = 0  # speech frames in the current candidate run
        self._gap = 0  # non-speech frames inside the candidate run
        self._run_start = 0
        self._silence = 0  # non-speech frames since the last speech frame (in speech)
        self._hot = 0  # consecutive speech frames while counting silence
        self._speech_end = 0
        self._onset = 0  # first frame of the current burst of sound (quieter than speech)
        self._quiet = _ONSET_QUIET_FRAMES  # frames since the last such sound

    def feed(self, samples: np.ndarray) -> list[VadEvent]:
        """Process the next chunk (int16 mono, any length) and return the committed events."""
        if self.disabled:
            return []
        block = self._whole_frames(samples)
        if block is None:
            return []
        return self._step(*_features(block, self._frame))

    def _whole_frames(self, samples: np.ndarray) -> np.ndarray | None:
        """The whole 10 ms frames now available (kept back: the rest, for the next chunk)."""
        size = self._frame
        if (  # the streaming case (whole int16 frames, nothing kept back) costs no numpy call
            not self._rest.size
            and type(samples) is np.ndarray
            and samples.dtype == np.int16
            and samples.ndim == 1
            and samples.size % size == 0
        ):
            return samples if samples.size else None
        x = np.asarray(samples)
        if x.ndim != 1:
            raise AudioError(f"VAD expects mono 1-D samples, got shape {x.shape}; pass one channel")
        if x.dtype != np.int16:
            if not np.issubdtype(x.dtype, np.integer):
                raise AudioError(f"VAD expects int16 samples, got {x.dtype}; convert with int16")
            x = x.astype(np.int16)
        if self._rest.size:
            x = np.concatenate((self._rest, x))
        n = x.size // size
        self._rest = x[n * size :].copy()
        return x[: n * size] if n else None

    def _step(self, levels: list[float], crossings: list[int]) -> list[VadEvent]:
        events: list[VadEvent] = []
        size = self._frame
        index = self._frames_done
        for level, zc in zip(levels, crossings, strict=True):
            floor = self._floor
            extra = _NOISY_EXTRA_DB if zc > self._zcr_limit else 0.0
            if not self._in_speech:
                if level > floor + _ONSET_MARGIN_DB + extra and level > self._hold_min_db:
                    if self._quiet >= _ONSET_QUIET_FRAMES:
                        self._onset = index
                    self._quiet = 0
                else:
                    self._quiet += 1
                if level > self._abs_min_db + extra and level > floor + self._start_margin + extra:
                    if self._run == 0:
                        self._run_start = index
                    self._run += 1
                    self._gap = 0
                    if self._run >= self._start_frames:
                        self._in_speech = True
                        self._silence = self._hot = 0
                        first = self._run_start
                        if 0 <= first - self._onset <= _ONSET_MAX_FRAMES:
                            first = self._onset  # the quieter sound this burst began with
                        events.append(VadEvent("start", first * size))
                elif self._run:
                    self._gap += 1
                    if self._gap > self._gap_ok:
                        self._run = self._gap = 0
            else:
                if level > floor + self._end_margin + extra and level > self._hold_min_db:
                    self._hot += 1
                    if self._silence and self._hot < self._resume_frames:
                        self._silence += 1  # a lone blip does not hold the turn open
                    else:
                        self._silence = 0
                else:
                    if self._silence == 0:
                        self._speech_end = index
                    self._silence += 1
                    self._hot = 0
                if self._silence >= self._end_frames:
                    self._in_speech = False
                    self._run = self._gap = 0
                    self._quiet = self._silence
                    events.append(VadEvent("end", self._speech_end * size))
            if level < floor:
                floor += (level - floor) * _FLOOR_FALL
                self._floor = max(floor, _FLOOR_MIN_DBFS + _FULL_SCALE_DB)
            else:
                rise = _FLOOR_RISE_DB[1 if self._in_speech else 0]
                self._floor = floor + min(level - floor, rise)
            index += 1
        self._frames_done = index
        return events


def _features(x: np.ndarray, size: int) -> tuple[list[float], list[int]]:
    """Level (dB, int16 units) and zero crossings of each ``size``-sample frame of ``x``."""
    # few numpy calls per chunk: at 20 ms chunks their fixed cost is most of the work
    frames = x.astype(np.float32).reshape(-1, size)
    sign = np.signbit(frames)
    crossings = np.count_nonzero(sign[:, 1:] ^ sign[:, :-1], axis=1).tolist()
    log10 = math.log10
    power = np.einsum("ij,ij->i", frames, frames).tolist()
    return [10.0 * log10(p / size + 1e-3) for p in power], crossings


def feed_many(items: list[tuple[EnergyVad, np.ndarray]]) -> list[list[VadEvent]]:
    """``vad.feed(chunk)`` for each ``(vad, chunk)`` in order, in one numpy pass for all chunks.

    The same events as separate feeds, at a fraction of the cost of many small ones.

    Example::

        events_a, events_b = feed_many([(vad_a, chunk_a), (vad_b, chunk_b)])
    """
    out: list[list[VadEvent]] = [[] for _ in items]
    taken: list[tuple[int, EnergyVad, np.ndarray]] = []
    for i, (vad, samples) in enumerate(items):
        block = None if vad.disabled else vad._whole_frames(samples)
        if block is not None:
            taken.append((i, vad, block))
    if len({vad._frame for _, vad, _ in taken}) > 1:  # detectors at different rates
        for i, vad, block in taken:
            out[i] = vad._step(*_features(block, vad._frame))
        return out
    if taken:
        size = taken[0][1]._frame
        levels, crossings = _features(np.concatenate([b for _, _, b in taken]), size)
        at = 0
        for i, vad, block in taken:
            n = block.size // size
            out[i] = vad._step(levels[at : at + n], crossings[at : at + n])
            at += n
    return out
