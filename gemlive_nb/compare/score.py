"""Measures that tell voices apart: word error rate, speaking rate and median pitch.

Pure functions of text and audio (numpy only)::

    word_error_rate("Hello there, friend!", "hello their friend")   # 0.333…
    speaking_rate("Hello there, friend!", 1.5)                      # 2.0 words per second
    median_pitch(turn.audio)                                        # e.g. 182.4 (Hz) or None

Words are Unicode word runs, lower-cased, punctuation dropped; in scripts written without
spaces (Chinese, Japanese, Thai) every character counts as a word, so the rate stays comparable.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..audio import resample

__all__ = ["edit_distance", "median_pitch", "speaking_rate", "word_error_rate", "words"]

_WORD_RE = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
# Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar: one character ≈ one word unit.
_UNSPACED_RE = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]"
)
_PITCH_RATE = 8000  # analysis rate: below the emulator's 5.4-7 kHz text tones, above any voice
_FRAME_S, _HOP_S = 0.04, 0.01
_F0_LO, _F0_HI = 60.0, 400.0


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased, without punctuation.

    Example: ``words("Hello, World!")`` → ``['hello', 'world']``
    """
    out: list[str] = []
    for token in _WORD_RE.findall(text.lower()):
        if _UNSPACED_RE.search(token):
            out.extend(ch for ch in token if ch.strip())
        else:
            out.append(token.replace("’", "'"))
    return out


def edit_distance(a: list[str], b: list[str]) -> int:
    """Levenshtein distance between two word lists (substitutions, deletions, insertions)."""
    row = list(range(len(b) + 1))
    for i, wa in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, wb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (wa != wb))
    return row[-1]


def word_error_rate(reference: str, hypothesis: str) -> float | None:
    """The word error rate of ``hypothesis`` against ``reference``.

    The word-level edit distance between them divided by the number of reference words (0.0 =
    identical; may exceed 1). None when the reference has no words.

    Example: ``word_error_rate("the cat sat", "the cat sat down")`` → ``0.333…``
    """
    ref = words(reference)
    if not ref:
        return None
    return edit_distance(ref, words(hypothesis)) / len(ref)


def speaking_rate(transcript: str, duration_s: float | None) -> float | None:
    """Words per second of ``transcript`` over ``duration_s`` (None without words or audio)."""
    n = len(words(transcript))
    if not n or not duration_s or duration_s <= 0:
        return None
    return n / duration_s


def median_pitch(audio: Any) -> float | None:
    """The median fundamental frequency (Hz) over the voiced frames of ``audio`` (an Audio).

    Found by normalised autocorrelation on 40 ms frames; None when no frame is voiced.

    Example: ``median_pitch(res["Puck"].audio)``
    """
    if audio is None or len(audio.samples) < audio.rate * _FRAME_S:
        return None
    x = resample(audio.to_float(), audio.rate, _PITCH_RATE).astype(np.float64)
    n, hop = int(_FRAME_S * _PITCH_RATE), int(_HOP_S * _PITCH_RATE)
    if len(x) < n:
        return None
    frames = np.lib.stride_tricks.sliding_window_view(x, n)[::hop]
    frames = frames - frames.mean(axis=1, keepdims=True)
    energy = (frames**2).sum(axis=1)
    loud = energy > 0.05 * np.percentile(energy, 90) + 1e-9
    frames, energy = frames[loud], energy[loud]
    if not len(frames):
        return None
    size = 1 << (2 * n - 1).bit_length()
    spec = np.fft.rfft(frames * np.hanning(n), size, axis=1)
    ac = np.fft.irfft(np.abs(spec) ** 2, size, axis=1)[:, :n]
    ac /= ac[:, :1] + 1e-12
    lo, hi = int(_PITCH_RATE / _F0_HI), int(_PITCH_RATE / _F0_LO)
    window = ac[:, lo : hi + 1]
    best = window.argmax(axis=1)
    strength = window[np.arange(len(window)), best]
    voiced = strength > 0.45
    if not voiced.any():
        return None
    # parabolic refinement of the peak position
    k = best[voiced] + lo
    k = np.clip(k, 1, n - 2)
    rows = ac[voiced]
    idx = np.arange(len(rows))
    a, b, c = rows[idx, k - 1], rows[idx, k], rows[idx, k + 1]
    denom = a - 2 * b + c
    shift = np.where(np.abs(denom) > 1e-12, 0.5 * (a - c) / np.where(denom == 0, 1, denom), 0.0)
    lags = k + np.clip(shift, -0.5, 0.5)
    return float(np.median(_PITCH_RATE / lags))
