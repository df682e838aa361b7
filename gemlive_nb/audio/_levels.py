"""Chunking and levels: fixed-size pieces, RMS and peak in dBFS, windowed level curves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..exceptions import AudioError
from ._convert import INT16_SCALE, SILENCE_DBFS, check_rate, mono_samples, ms_to_samples, samples_of


def chunk(samples: np.ndarray, size: int, pad: bool = False) -> Iterator[np.ndarray]:
    """Yield consecutive ``size``-sample pieces (views); the last is shorter unless ``pad``.

    With ``pad=True`` the last piece is zero-padded to ``size``.

    Example::

        [len(c) for c in chunk(np.zeros(10, np.int16), 4)]             # [4, 4, 2]
        [len(c) for c in chunk(np.zeros(10, np.int16), 4, pad=True)]   # [4, 4, 4]
    """
    arr = np.asarray(samples_of(samples))
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise AudioError(f"chunk size must be a positive number of samples, got {size!r}")
    for i in range(0, len(arr), size):
        piece = arr[i : i + size]
        if pad and len(piece) < size:
            fill = np.zeros((size - len(piece), *arr.shape[1:]), arr.dtype)
            piece = np.concatenate([piece, fill])
        yield piece


def chunk_ms(samples: np.ndarray, rate: int, ms: float, pad: bool = False) -> Iterator[np.ndarray]:
    """Yield pieces of ``ms`` milliseconds each (``round(rate * ms / 1000)`` samples).

    Example::

        list(chunk_ms(x_16k, 16000, 20))     # 320-sample pieces, the size the Live API likes
    """
    rate = check_rate(rate)
    size = ms_to_samples(ms, rate)
    if size < 1:
        raise AudioError(
            f"chunk length must be at least one sample: {ms!r:.40} ms at {rate} Hz is {size}; "
            "use a positive duration such as 20"
        )
    return chunk(samples, size, pad)


# --------------------------------------------------------------------------- levels


def _unit(samples: Any) -> np.ndarray:
    arr = mono_samples(samples, "samples")
    x = arr.astype(np.float64)
    return x / INT16_SCALE if arr.dtype == np.int16 else x


def _db(power: np.ndarray | float) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.maximum(10 * np.log10(power), SILENCE_DBFS)


def rms_dbfs(samples: Any) -> float:
    """RMS level in dBFS (full-scale sine = -3.01); silence and empty audio give SILENCE_DBFS.

    int16 full scale is 32768; float full scale is 1.0.

    Example::

        rms_dbfs(np.sin(np.linspace(0, 200 * np.pi, 48000)))    # -3.01
    """
    x = _unit(samples)
    return float(_db(np.mean(x * x))) if len(x) else SILENCE_DBFS


def peak_dbfs(samples: Any) -> float:
    """Peak level in dBFS (0.0 at full scale); silence and empty audio give SILENCE_DBFS.

    Example::

        peak_dbfs(np.array([0.5, -0.25]))     # -6.02
    """
    x = _unit(samples)
    return float(_db(np.max(x * x))) if len(x) else SILENCE_DBFS


def levels(samples: Any, rate: int, window_ms: float = 50) -> np.ndarray:
    """RMS dBFS per ``window_ms`` window (the last window may be shorter), as a float array.

    Example::

        levels(Audio.tone(440, 1.0, 16000).samples, 16000)    # 20 values near -9.03
    """
    rate = check_rate(rate)
    x = _unit(samples)
    size = ms_to_samples(window_ms, rate)
    if size < 1:
        raise AudioError(f"window_ms must cover at least one sample, got {window_ms!r:.40} ms")
    if not len(x):
        return np.zeros(0)
    starts = np.arange(0, len(x), min(size, len(x)))  # a window longer than x is all of x
    counts = np.diff(np.append(starts, len(x)))
    return _db(np.add.reduceat(x * x, starts) / counts)
