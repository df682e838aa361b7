"""Sample conversions (PCM16 bytes, int16, float) and the checks every audio function shares."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from ..exceptions import AudioError

SILENCE_DBFS = -120.0
"""Level reported for digital silence (and empty audio) instead of ``-inf``."""

INT16_SCALE = 32768.0
# No real audio runs faster (professional gear stops at 768 kHz); larger is a slip.
_MAX_RATE = 10_000_000


def _describe(x: Any) -> str:
    return f"dtype {x.dtype}" if isinstance(x, np.ndarray) else f"type {type(x).__name__}"


def pcm16_to_array(data: bytes | bytearray | memoryview) -> np.ndarray:
    """Decode little-endian 16-bit mono PCM into a writable ``int16`` array.

    Example::

        pcm16_to_array(b"\\x01\\x00\\xff\\xff")     # array([ 1, -1], dtype=int16)
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise AudioError(
            f"PCM16 data must be bytes, bytearray or memoryview, not {type(data).__name__}; "
            "for an array use Audio(samples, rate) or array_to_pcm16()"
        )
    view = memoryview(data)
    if not view.c_contiguous:
        view = memoryview(view.tobytes())
    if view.nbytes % 2:
        raise AudioError(
            f"PCM16 data must have an even number of bytes, got an odd length of {view.nbytes} "
            "bytes; 16-bit samples take 2 bytes each — a chunk was probably cut mid-sample "
            "(keep the last byte for the next chunk)"
        )
    return np.frombuffer(view.cast("B"), dtype="<i2").astype(np.int16)


def array_to_pcm16(samples: np.ndarray) -> bytes:
    """Encode mono samples as little-endian 16-bit PCM bytes.

    ``int16`` is written as is; float input in [-1, 1] is scaled and clipped (no wraparound).

    Example::

        array_to_pcm16(np.array([0.0, 1.0, -1.0]))    # b'\\x00\\x00\\xff\\x7f\\x00\\x80'
    """
    arr = mono_samples(samples, "samples")
    if arr.dtype != np.int16:
        arr = float_to_int16(arr)
    return arr.astype("<i2", copy=False).tobytes()


def float_to_int16(x: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] -> ``int16``, rounded and clipped (1.0 -> 32767, never wraps).

    NaN becomes 0. An ``int16`` array is returned unchanged (as a copy).

    Example::

        float_to_int16(np.array([0.5, 1.5, -2.0]))     # array([ 16384,  32767, -32768])
    """
    arr = np.asarray(x)
    if arr.dtype == np.int16:
        return arr.copy()
    if not np.issubdtype(arr.dtype, np.floating):
        raise AudioError(
            f"float_to_int16 needs float samples in [-1, 1], got {_describe(arr)}; "
            "convert integers with int16_to_float() or .astype(np.int16) first"
        )
    scaled = np.nan_to_num(arr.astype(np.float64, copy=False) * INT16_SCALE)
    return np.clip(np.rint(scaled), -32768, 32767).astype(np.int16)


def int16_to_float(x: np.ndarray) -> np.ndarray:
    """``int16`` samples -> ``float32`` in [-1, 1) (divided by 32768; exact round trip).

    A float array is returned as ``float32`` unchanged in value.

    Example::

        int16_to_float(np.array([16384, -32768], dtype=np.int16))   # array([ 0.5, -1. ])
    """
    arr = np.asarray(x)
    if np.issubdtype(arr.dtype, np.floating):
        return arr.astype(np.float32)
    if arr.dtype != np.int16:
        raise AudioError(
            f"int16_to_float needs int16 samples, got {_describe(arr)}; "
            "use .astype(np.int16) if the values are already in int16 range"
        )
    return (arr.astype(np.float32) / np.float32(INT16_SCALE)).astype(np.float32)


def is_audio(value: Any) -> bool:
    """An :class:`Audio` value (checked by shape, so this module needs no import of it)."""
    return isinstance(getattr(value, "samples", None), np.ndarray) and hasattr(value, "rate")


def samples_of(value: Any) -> Any:
    """The samples of an Audio value; anything else unchanged."""
    return value.samples if is_audio(value) else value


def mono_samples(samples: Any, what: str) -> np.ndarray:
    """Validate a 1-D int16 or float array (a (n, 1) array is squeezed)."""
    if is_audio(samples):
        return samples.samples
    if isinstance(samples, (str, bytes, bytearray, memoryview, dict)) or samples is None:
        hint = " (PCM16 bytes: use pcm16_to_array(data))" if isinstance(samples, bytes) else ""
        raise AudioError(
            f"{what} must be a numpy array of samples, not {type(samples).__name__}{hint}"
        )
    arr = np.asarray(samples)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise AudioError(
            f"{what} must be mono (1-D), got shape {arr.shape}; mix down with "
            ".mean(axis=1) or take one channel with [:, 0]"
        )
    if arr.dtype != np.int16 and not np.issubdtype(arr.dtype, np.floating):
        raise AudioError(
            f"{what} must be int16 or float in [-1, 1], got {_describe(arr)}; "
            "convert with .astype(np.int16) (int16 range) or int16_to_float()"
        )
    return arr


def check_rate(rate: Any, what: str = "rate") -> int:
    if isinstance(rate, (bool, np.bool_)) or not isinstance(rate, (int, float, np.number)):
        raise AudioError(
            f"{what} must be a positive whole number of Hz, got {rate!r}; e.g. 16000 or 24000"
        )
    if isinstance(rate, int) and not 0 < rate <= _MAX_RATE:
        raise AudioError(
            f"{what} must be a positive whole number of Hz up to {_MAX_RATE:,}, got "
            f"{rate if abs(rate) < 10**20 else 'a ' + str(len(str(abs(rate)))) + '-digit number'}"
        )
    if not math.isfinite(float(rate)) or rate <= 0 or float(rate) != int(rate):
        raise AudioError(
            f"{what} must be a positive whole number of Hz, got {rate!r}; e.g. 16000 or 24000"
        )
    return int(rate)


def sample_count(seconds: float, rate: int) -> int:
    if not isinstance(seconds, (int, float, np.number)) or not 0 <= seconds < math.inf:
        raise AudioError(f"duration must be a non-negative number of seconds, got {seconds!r:.40}")
    count = round(seconds * rate)
    if count > _MAX_SAMPLES:
        raise AudioError(
            f"duration {seconds!r:.40} s is too long to hold in memory at {rate} Hz "
            f"(over {_MAX_SAMPLES:,} samples); make it shorter"
        )
    return count


_MAX_SAMPLES = 1 << 32


def ms_to_samples(ms: Any, rate: int) -> int:
    """``round(rate * ms / 1000)``, for any size of ``ms``.

    0 for a non-positive, non-finite or non-numeric ``ms`` (the caller names the bad value).
    """
    if isinstance(ms, (bool, np.bool_)) or not isinstance(ms, (int, float, np.number)):
        return 0
    if isinstance(ms, (int, np.integer)):
        return max(0, round(Fraction(rate * int(ms), 1000)))  # exact; float() would overflow
    if not math.isfinite(ms) or ms <= 0:
        return 0
    return round(rate * float(ms) / 1000)


def seconds_to_index(t: Any, rate: int, length: int, what: str) -> int:
    """A slice index for ``t`` seconds, clamped to ``[-length, length]`` like Python slicing."""
    if isinstance(t, (bool, np.bool_)) or not isinstance(t, (int, float, np.number)) or t != t:
        raise AudioError(f"{what} must be a number of seconds, got {t!r:.40}")
    if isinstance(t, (float, np.floating)) and math.isinf(t):
        return length if t > 0 else -length
    index = round(t * rate) if isinstance(t, (float, np.floating)) else int(t) * rate
    return max(-length, min(length, index))
