"""Resampling: a windowed-sinc polyphase filter with an exact rational ratio, numpy only."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..exceptions import AudioError
from ._convert import check_rate, mono_samples
from ._levels import chunk

_STOPBAND_DB = 80.0  # Kaiser design attenuation; the tests require >= 70 dB measured
_TRANSITION = 0.125  # transition band as a fraction of the lower Nyquist: pass to 7 kHz of 8 kHz
_BLOCK = 1 << 15  # outputs per block: keeps the direct path's input slice in L2 cache
_FEED = 1 << 18  # input samples per step of a one-shot resample()


@dataclass(frozen=True)
class _Design:
    up: int
    down: int
    h: np.ndarray  # prototype low-pass at the up-sampled rate, gain `up`, odd length
    delay: int  # (len(h) - 1) // 2, in up-sampled samples
    taps: int  # taps per polyphase branch, ceil(len(h) / up)
    branches: np.ndarray  # (up, taps): branches[phi, k] = h[phi + k * up], then reversed
    use_fft: bool  # overlap-save FFT path instead of the direct polyphase one
    nfft: int  # FFT size of the overlap-save path
    spectrum: np.ndarray  # rfft(h, nfft), empty on the direct path


@functools.lru_cache(maxsize=16)
def _design(up: int, down: int) -> _Design:
    """Kaiser-windowed sinc for the ratio up/down (gcd-reduced), cached per (up, down)."""
    nyquist = 0.5 / max(up, down)  # the lower Nyquist, in cycles per up-sampled sample
    width = _TRANSITION * nyquist  # pass band ends at 0.875 Nyquist, stop band starts at Nyquist
    cutoff = nyquist - width / 2
    length = math.ceil((_STOPBAND_DB - 7.95) / (2.285 * 2 * math.pi * width)) + 1
    length += 1 - length % 2  # odd, so the delay is a whole number of samples
    beta = 0.1102 * (_STOPBAND_DB - 8.7)
    t = np.arange(length) - (length - 1) / 2
    h = 2 * cutoff * np.sinc(2 * cutoff * t) * np.kaiser(length, beta)
    h *= up / h.sum()
    taps = -(-length // up)
    padded = np.zeros(taps * up)
    padded[:length] = h
    branches = np.ascontiguousarray(padded.reshape(taps, up).T[:, ::-1])
    nfft = 1 << max(12, math.ceil(math.log2(16 * length)))
    # The direct path is one BLAS matrix-vector product per branch on a strided view, which needs
    # down >= taps; for small `down` (48k->16k, 16k->24k, 24k->48k) FFT is several times faster.
    fast = up <= 8 and down < taps
    spectrum = np.fft.rfft(h, nfft) if fast else np.zeros(0, complex)
    for arr in (h, branches, spectrum):
        arr.setflags(write=False)
    return _Design(up, down, h, (length - 1) // 2, taps, branches, fast, nfft, spectrum)


_MAX_RATIO_TERM = 10_000  # beyond this the exact-ratio filter needs ~80 * term taps


def _ratio(from_rate: int, to_rate: int) -> tuple[int, int]:
    g = math.gcd(from_rate, to_rate)
    up, down = to_rate // g, from_rate // g
    if max(up, down) > _MAX_RATIO_TERM:
        raise AudioError(
            f"cannot resample {from_rate} -> {to_rate} Hz exactly: the reduced ratio {up}/{down} "
            f"needs a filter of about {80 * max(up, down):,} taps; use standard rates "
            "(8000, 16000, 22050, 24000, 44100, 48000, ...) or go through one"
        )
    return up, down


class Resampler:
    """Streaming resampler: feed chunks to :meth:`process`, then call :meth:`flush` once.

    Filter state is kept across chunks, so the concatenated output equals one-shot
    :func:`resample` of the whole signal (to within float rounding; 1 LSB for int16).
    ``int16`` in gives ``int16`` out (rounded, clipped); float in gives ``float32`` out (not
    clipped). Output lags input by half the filter (about 2.5 ms for 48k -> 16k): those samples
    come with the next chunk or from :meth:`flush`, after which the resampler takes a new stream.

    Example::

        r = Resampler(48000, 16000)
        out = [r.process(c) for c in chunk(mic_48k, 960)]
        out.append(r.flush())
        y = np.concatenate(out)          # == resample(mic_48k, 48000, 16000)
    """

    def __init__(self, from_rate: int, to_rate: int) -> None:
        self.from_rate = check_rate(from_rate, "from_rate")
        self.to_rate = check_rate(to_rate, "to_rate")
        self._up, self._down = _ratio(self.from_rate, self.to_rate)
        self._design = _design(self._up, self._down) if self._up != self._down else None
        self._dtype: np.dtype | None = None
        self._reset()

    def __repr__(self) -> str:
        return f"Resampler({self.from_rate} -> {self.to_rate} Hz)"

    def _reset(self) -> None:
        self._dtype = None
        self._n_in = 0  # input samples received
        self._n_out = 0  # output samples produced
        if self._design is None:
            self._buf = np.zeros(0)
            self._start = 0
        else:
            self._start = self._first_needed(0)
            self._buf = np.zeros(-self._start)  # zeros before the signal start

    def _first_needed(self, n: int) -> int:
        """The first input index output `n` (and every later one) depends on."""
        d = self._design
        assert d is not None
        u = n * self._down + d.delay
        direct = u // self._up - d.taps + 1
        fft = (u - (len(d.h) - 1)) // self._up
        return min(direct, fft)

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Resample the next chunk; returns as many output samples as are already determined."""
        arr = mono_samples(samples, "chunk")
        if self._dtype is None:
            self._dtype = np.dtype(np.int16 if arr.dtype == np.int16 else np.float32)
        elif (arr.dtype == np.int16) != (self._dtype == np.int16):
            raise AudioError(
                f"chunk has dtype {arr.dtype} but this stream started as {self._dtype}; "
                "feed one kind per stream (or call flush() to start a new one)"
            )
        if self._design is None:
            self._n_in += len(arr)
            return self._finish(arr.astype(np.float64))
        buf = np.empty(len(self._buf) + len(arr))
        buf[: len(self._buf)] = self._buf
        buf[len(self._buf) :] = arr
        self._buf = buf
        self._n_in += len(arr)
        d = self._design
        ready = (self._n_in * self._up - 1 - d.delay) // self._down + 1
        return self._emit(max(ready, self._n_out))

    def flush(self) -> np.ndarray:
        """Produce the remaining output (the signal is taken to be zero after its end) and reset."""
        dtype = self._dtype
        if self._design is None or dtype is None:
            self._reset()
            return np.zeros(0, dtype or np.float32)
        d = self._design
        total = -(-self._n_in * self._up // self._down)
        pad = d.delay // self._up + 2
        self._buf = np.concatenate([self._buf, np.zeros(pad)])
        out = self._emit(total)
        self._reset()
        return out

    def _emit(self, stop: int) -> np.ndarray:
        y = _polyphase(self._design, self._buf, self._start, self._n_out, stop)
        self._n_out = stop
        keep = self._first_needed(stop) - self._start
        if keep > 0:
            self._buf = self._buf[keep:].copy()
            self._start += keep
        return self._finish(y)

    def _finish(self, y: np.ndarray) -> np.ndarray:
        if self._dtype == np.int16:
            return np.clip(np.rint(y), -32768, 32767).astype(np.int16)
        return y.astype(np.float32)


def _polyphase(d: _Design | None, x: np.ndarray, start: int, na: int, nb: int) -> np.ndarray:
    """Outputs y[na:nb] of upsample-filter-downsample, from x[start:start+len(x)]."""
    assert d is not None
    out = np.empty(max(nb - na, 0))
    kernel = _fft_kernel if d.use_fft else _direct_kernel
    for b in range(na, nb, _BLOCK):
        e = min(b + _BLOCK, nb)
        out[b - na : e - na] = kernel(d, x, start, b, e)
    return out


def _direct_kernel(d: _Design, x: np.ndarray, start: int, na: int, nb: int) -> np.ndarray:
    # Output n = na + j + m*up uses branch phi_j and inputs x[i_j + m*down - k], k < taps:
    # one matrix-vector product per branch on a strided window view (no copy).
    up, down, taps = d.up, d.down, d.taps
    out = np.empty(nb - na)
    windows = sliding_window_view(x, taps)
    for j in range(min(up, nb - na)):
        imax, phi = divmod((na + j) * down + d.delay, up)
        first = imax - start - taps + 1
        count = (nb - na - j + up - 1) // up
        rows = windows[first : first + (count - 1) * down + 1 : down]
        out[j::up] = rows @ d.branches[phi]
    return out


def _fft_kernel(d: _Design, x: np.ndarray, start: int, na: int, nb: int) -> np.ndarray:
    # Overlap-save convolution of the zero-stuffed input with h, keeping every down-th output.
    up, down, length, nfft = d.up, d.down, len(d.h), d.nfft
    t0 = na * down + d.delay - start * up  # first wanted index of the full convolution
    lo = t0 - (length - 1)  # first stuffed input sample it needs
    per_seg = (nfft - length) // down + 1  # outputs per FFT segment
    n_seg = -(-(nb - na) // per_seg)
    hop = per_seg * down
    span = (n_seg - 1) * hop + nfft
    i0 = lo // up  # stuffed index lo lies at or after input i0 * up
    z = np.zeros(span + up)
    src = x[i0 : i0 + -(-(span + up) // up)]
    z[: len(src) * up : up] = src
    z = z[lo - i0 * up : lo - i0 * up + span]
    segments = sliding_window_view(z, nfft)[::hop]
    conv = np.fft.irfft(np.fft.rfft(segments, axis=1) * d.spectrum, nfft, axis=1)
    y = conv[:, length - 1 : length - 1 + (per_seg - 1) * down + 1 : down]
    return y.reshape(-1)[: nb - na]


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Resample mono audio from ``from_rate`` to ``to_rate`` Hz (any integer rates).

    Polyphase windowed-sinc (Kaiser, 80 dB) designed for the gcd-reduced ratio: flat to 0.875 of
    the lower Nyquist, no aliasing above it. ``int16`` in gives ``int16`` out (rounded, clipped);
    float in gives ``float32`` out. Output length is ``ceil(len * to_rate / from_rate)``.

    Example::

        y = resample(x_48k, 48000, 16000)     # len(y) == ceil(len(x_48k) / 3)
    """
    arr = mono_samples(samples, "samples")
    r = Resampler(from_rate, to_rate)
    # Feeding pieces keeps the float64 working buffer small (cache-resident, no page faults).
    parts = [r.process(piece) for piece in chunk(arr, _FEED)] or [r.process(arr)]
    parts.append(r.flush())
    return np.concatenate(parts)


class StreamResamplers:
    """One streaming :class:`Resampler` per source rate, all to ``to_rate``.

    For a stream whose chunks may arrive at several rates (each rate keeps its own filter
    state); a chunk already at ``to_rate`` is returned as is. Example::

        to_24k = StreamResamplers(24000)
        to_24k.process(chunk_16k, 16000)     # resampled, filter state kept for the next chunk
    """

    def __init__(self, to_rate: int) -> None:
        self.to_rate = to_rate
        self._by_rate: dict[int, Resampler] = {}

    def process(self, samples: np.ndarray, rate: int) -> np.ndarray:
        """``samples`` at ``rate`` resampled to :attr:`to_rate` (unchanged when equal)."""
        if rate == self.to_rate:
            return samples
        resampler = self._by_rate.get(rate)
        if resampler is None:
            resampler = self._by_rate[rate] = Resampler(rate, self.to_rate)
        return resampler.process(samples)
