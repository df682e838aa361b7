"""Where the user spoke: a small energy voice-activity detector over the input track.

Used for latency ("from the end of the user's speech") when the server sends no voice-activity
signal, and for subtitle cues of spoken turns. Frames of 20 ms are voiced when their level is
at least 12 dB over the running noise floor and above -50 dBFS; a span ends after 300 ms
without a voiced frame, at the end of its last voiced frame. It sees every input chunk whatever
``record=`` keeps, costs one numpy pass per chunk, and remembers the last 256 spans::

    vad = SpeechSpans(16000)
    vad.feed(samples, start=1.25)       # samples placed at 1.25 s on the session timeline
    vad.last_span(after=0.0, before=3.0)   # (start, end) of the last speech ending in that window
    has_speech(clip_samples, 16000)     # any speech in a clip?
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

__all__ = ["SpeechSpans", "has_speech"]

_FRAME_S = 0.02
_HANGOVER_S = 0.3
_OVER_FLOOR_DB = 12.0
_MIN_DBFS = -50.0
_MIN_SPAN_S = 0.06  # shorter blips (a click) are not speech
_FULL = 32768.0**2


def _frame_db(samples: np.ndarray, frame: int) -> np.ndarray:
    n = len(samples) // frame
    if not n:
        return np.zeros(0)
    x = samples[: n * frame].astype(np.float32).reshape(n, frame) / 32768.0
    return 10.0 * np.log10(np.mean(x * x, axis=1) + 1e-12)


class SpeechSpans:
    """Streaming detector of speech spans on a timeline (see the module docstring)."""

    def __init__(self, rate: int, max_spans: int = 256) -> None:
        self.rate = rate
        self.frame = round(rate * _FRAME_S)
        self.spans: deque[tuple[float, float]] = deque(maxlen=max_spans)
        self._floor = -70.0
        self._start: float | None = None  # the open span
        self._last_voiced: float | None = None
        self._rest = np.zeros(0, np.int16)
        self._rest_t = 0.0

    def feed(self, samples: np.ndarray, start: float) -> None:
        """Add input ``samples`` placed at ``start`` seconds."""
        if not len(self._rest) and len(samples) == self.frame:  # a 20 ms chunk: the hot path
            x = samples.astype(np.float32)
            self._frame(
                10.0 * math.log10(float(np.dot(x, x)) / (self.frame * _FULL) + 1e-12), start
            )
            return
        if len(self._rest) and abs(self._rest_t + len(self._rest) / self.rate - start) < 1e-3:
            samples, start = np.concatenate([self._rest, samples]), self._rest_t
        db = _frame_db(samples, self.frame)
        used = len(db) * self.frame
        self._rest, self._rest_t = samples[used:].copy(), start + used / self.rate
        for i, level in enumerate(db.tolist()):
            self._frame(level, start + i * _FRAME_S)

    def _frame(self, level: float, t: float) -> None:
        voiced = level > max(self._floor + _OVER_FLOOR_DB, _MIN_DBFS)
        # the floor follows quiet frames quickly and loud ones slowly
        self._floor += (level - self._floor) * (0.2 if level < self._floor else 0.002)
        if voiced:
            if self._start is None or t - (self._last_voiced or t) > _HANGOVER_S:
                self._close()
                self._start = t
            self._last_voiced = t + _FRAME_S
        elif self._start is not None and t - (self._last_voiced or t) > _HANGOVER_S:
            self._close()

    def _close(self) -> None:
        if (
            self._start is not None
            and self._last_voiced is not None
            and self._last_voiced - self._start >= _MIN_SPAN_S
        ):
            self.spans.append((round(self._start, 6), round(self._last_voiced, 6)))
        self._start = self._last_voiced = None

    def last_span(self, after: float, before: float) -> tuple[float, float] | None:
        """The speech that ended last in ``(after, before]``, as ``(start, end)``, or None.

        The span covers the run of spans less than a second apart that ends there (one
        utterance with pauses).
        """
        spans = list(self.spans)
        if self._start is not None and self._last_voiced is not None:
            spans.append((self._start, self._last_voiced))
        inside = [s for s in spans if after < s[1] <= before + _FRAME_S]
        if not inside:
            return None
        start, end = inside[-1]
        for s, e in reversed(inside[:-1]):
            if start - e > 1.0:
                break
            start = s
        return start, end


def has_speech(samples: np.ndarray, rate: int) -> bool:
    """Whether a clip holds any speech (a span of voiced frames) by :class:`SpeechSpans`."""
    vad = SpeechSpans(rate)
    vad.feed(np.asarray(samples, np.int16), 0.0)
    vad.feed(np.zeros(round(rate * (_HANGOVER_S + 2 * _FRAME_S)), np.int16), len(samples) / rate)
    return bool(vad.spans)
