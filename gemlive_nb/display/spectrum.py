"""A fast short-time Fourier transform in numpy, and column pooling for display. No matplotlib.

Frames are strided views of float32 samples, windowed and transformed block by block, so ten
minutes of 24 kHz audio take a fraction of a second and memory stays bounded::

    from gemlive_nb.display.spectrum import stft_db
    spec = stft_db(samples, 24_000, nfft=512)
    spec.db.shape            # (257, n_frames): rows are frequency bins, columns are frames
    spec.freqs[spec.db.mean(axis=1).argmax()]   # the loudest frequency
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..audio import int16_to_float
from ..exceptions import AudioError

__all__ = ["Spectrogram", "pool_frames", "stft_db", "to_float32"]

# Frames transformed per block: large enough for a vectorised rfft, small enough for the cache.
_BLOCK = 4096
_FLOOR = 1e-12


@dataclass(frozen=True)
class Spectrogram:
    """Power in dB: ``db[i, j]`` is frequency ``freqs[i]`` (Hz) at time ``times[j]`` (s)."""

    freqs: np.ndarray
    times: np.ndarray
    db: np.ndarray
    duration: float

    @property
    def peak_frequency(self) -> float:
        """The frequency (Hz) with the most energy on average over time."""
        return float(self.freqs[int(self.db.mean(axis=1).argmax())])


def to_float32(samples: np.ndarray) -> np.ndarray:
    """Mono samples as float32 in [-1, 1] (int16 scaled by 1/32768, floats kept as they are)."""
    arr = np.asarray(samples)
    if arr.ndim != 1:
        raise AudioError(
            f"expected mono audio (1-D samples), got shape {arr.shape}; pick a channel"
        )
    return int16_to_float(arr)


def pool_frames(power: np.ndarray, factor: int) -> np.ndarray:
    """Max-pool groups of ``factor`` rows (frames); a short last group is pooled on its own.

    Max (not mean) keeps short clicks and onsets visible after decimation.
    """
    if factor <= 1:
        return power
    full = (power.shape[0] // factor) * factor
    pooled = power[:full].reshape(-1, factor, *power.shape[1:]).max(axis=1)
    if full < power.shape[0]:
        pooled = np.concatenate([pooled, power[full:].max(axis=0, keepdims=True)], axis=0)
    return pooled


def stft_db(
    samples: np.ndarray,
    rate: int,
    *,
    nfft: int = 512,
    hop: int | None = None,
    max_columns: int | None = None,
) -> Spectrogram:
    """Hann-windowed power spectrogram in dB (re full scale), computed in float32.

    ``hop`` defaults to ``nfft // 2``. With ``max_columns`` the frames are max-pooled as they are
    computed, so the result is never wider than a display needs. Example::

        spec = stft_db(np.sin(2 * np.pi * 1000 * np.arange(24000) / 24000), 24000)
        round(spec.peak_frequency)   # 1008 (the bin nearest 1 kHz)
    """
    if nfft < 8 or nfft & (nfft - 1):
        raise AudioError(f"nfft must be a power of two ≥ 8, got {nfft}")
    hop = hop or nfft // 2
    if hop <= 0:
        raise AudioError(f"hop must be a positive number of samples, got {hop}")
    x = np.ascontiguousarray(to_float32(samples))
    duration = len(x) / rate
    if len(x) < nfft:
        x = np.pad(x, (0, nfft - len(x)))
    n_frames = (len(x) - nfft) // hop + 1
    frames = as_strided(x, (n_frames, nfft), (hop * x.itemsize, x.itemsize), writeable=False)
    window = np.hanning(nfft).astype(np.float32)
    scale = np.float32(1.0 / (window.sum() ** 2 / 4))  # a full-scale sine reads about 0 dB
    # Blocks are a multiple of the pooling factor so pooling never straddles two blocks.
    factor = max(1, -(-n_frames // max_columns)) if max_columns else 1
    block = max(factor, (_BLOCK // factor) * factor)
    parts = []
    for start in range(0, n_frames, block):
        spec = np.fft.rfft(frames[start : start + block] * window, axis=1)
        power = spec.real * spec.real
        power += spec.imag * spec.imag
        parts.append(pool_frames(power, factor))
    power = np.concatenate(parts, axis=0).T
    db = 10 * np.log10(np.maximum(power * scale, _FLOOR, dtype=np.float32))
    centers = (np.arange(power.shape[1]) * factor + factor / 2) * hop + nfft / 2
    times = np.minimum(centers / rate, duration)
    freqs = np.fft.rfftfreq(nfft, 1 / rate).astype(np.float32)
    return Spectrogram(
        freqs=freqs, times=times, db=db.astype(np.float32, copy=False), duration=duration
    )
