"""Audio as numpy: PCM16 bytes <-> arrays, resampling, WAV I/O, chunking, levels, and ``Audio``.

Audio in gemlive_nb is ``numpy.int16`` mono at a known rate; every conversion is explicit.
The Live API takes 16 kHz PCM16 in and sends 24 kHz PCM16 out.

Example::

    import gemlive_nb as gl
    a = gl.Audio.tone(440, 1.0, 24000)          # Audio(1.00 s @ 24000 Hz, -9.0 dBFS)
    mic = a.resample(16000)                     # windowed-sinc polyphase, numpy only
    wire = mic.to_pcm16()                       # bytes for the socket
    gl.Audio.from_pcm16(wire, 16000) == mic     # True
    a                                           # in a notebook: an <audio> player
"""

from __future__ import annotations

import base64
import functools
import html
import io
import math
import os
import struct
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .exceptions import AudioError

__all__ = [
    "SILENCE_DBFS",
    "Audio",
    "Resampler",
    "array_to_pcm16",
    "chunk",
    "chunk_ms",
    "float_to_int16",
    "int16_to_float",
    "levels",
    "pcm16_to_array",
    "peak_dbfs",
    "read_wav",
    "resample",
    "rms_dbfs",
    "write_wav",
]

SILENCE_DBFS = -120.0
"""Level reported for digital silence (and empty audio) instead of ``-inf``."""

# A player embeds the whole WAV in the notebook; beyond this it embeds only the start.
HTML_MAX_SECONDS = 600.0

_INT16_SCALE = 32768.0


# --------------------------------------------------------------------------- conversions


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
    arr = _mono(samples, "samples")
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
    scaled = np.nan_to_num(arr.astype(np.float64, copy=False) * _INT16_SCALE)
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
    return (arr.astype(np.float32) / np.float32(_INT16_SCALE)).astype(np.float32)


def _mono(samples: Any, what: str) -> np.ndarray:
    """Validate a 1-D int16 or float array (a (n, 1) array is squeezed)."""
    if isinstance(samples, Audio):
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


def _check_rate(rate: Any, what: str = "rate") -> int:
    if isinstance(rate, (bool, np.bool_)) or not isinstance(rate, (int, float, np.number)):
        raise AudioError(
            f"{what} must be a positive whole number of Hz, got {rate!r}; e.g. 16000 or 24000"
        )
    if not math.isfinite(float(rate)) or rate <= 0 or float(rate) != int(rate):
        raise AudioError(
            f"{what} must be a positive whole number of Hz, got {rate!r}; e.g. 16000 or 24000"
        )
    return int(rate)


# --------------------------------------------------------------------------- resampling

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
        self.from_rate = _check_rate(from_rate, "from_rate")
        self.to_rate = _check_rate(to_rate, "to_rate")
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
        arr = _mono(samples, "chunk")
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
    arr = _mono(samples, "samples")
    r = Resampler(from_rate, to_rate)
    # Feeding pieces keeps the float64 working buffer small (cache-resident, no page faults).
    parts = [r.process(piece) for piece in chunk(arr, _FEED)] or [r.process(arr)]
    parts.append(r.flush())
    return np.concatenate(parts)


# --------------------------------------------------------------------------- WAV

_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE


def _source_name(src: Any) -> str:
    if isinstance(src, (str, os.PathLike)):
        return os.fspath(src)
    if isinstance(src, (bytes, bytearray, memoryview)):
        return "<WAV bytes>"
    return str(getattr(src, "name", "<file object>"))


def _read_all(src: Any, name: str) -> bytes:
    if isinstance(src, (bytes, bytearray, memoryview)):
        return bytes(src)
    if isinstance(src, (str, os.PathLike)):
        try:
            with open(src, "rb") as f:
                return f.read()
        except OSError as e:
            raise AudioError(f"cannot read WAV file {name!r}: {e.strerror or e}") from e
    if hasattr(src, "read"):
        data = src.read()
        if not isinstance(data, (bytes, bytearray)):
            raise AudioError(f"{name!r} was opened in text mode; open WAV files with 'rb'")
        return bytes(data)
    raise AudioError(
        f"read_wav needs a path, a binary file object or bytes, got {type(src).__name__}"
    )


def _parse_wav(data: bytes, name: str) -> tuple[np.ndarray, int]:
    """-> (float64 samples of shape (n, channels) in [-1, 1] or int16-scaled, rate)."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioError(
            f"{name!r} is not a WAV file (starts with {data[:12]!r}, expected b'RIFF....WAVE')"
        )
    fmt: tuple[int, int, int, int, int] | None = None
    pcm: bytes | None = None
    pos = 12
    while pos + 8 <= len(data):
        cid, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        # a truncated chunk, or a streaming writer's 0xFFFFFFFF size: take what is there
        body = data[pos + 8 : pos + 8 + size]
        if cid == b"fmt ":
            if len(body) < 16:
                raise AudioError(f"{name!r} has a truncated 'fmt ' chunk ({len(body)} bytes)")
            tag, channels, rate, _, align, bits = struct.unpack("<HHIIHH", body[:16])
            if tag == _EXTENSIBLE and len(body) >= 26:
                tag = struct.unpack("<H", body[24:26])[0]  # first two bytes of the subformat GUID
            fmt = (tag, channels, rate, align, bits)
        elif cid == b"data":
            pcm = body
            break
        pos += 8 + size + (size & 1)
    if fmt is None:
        raise AudioError(f"{name!r} has no 'fmt ' chunk before its data; the file is damaged")
    if pcm is None:
        raise AudioError(f"{name!r} has no 'data' chunk; the file is empty or damaged")
    tag, channels, rate, align, bits = fmt
    if channels < 1 or rate < 1:
        raise AudioError(f"{name!r} declares {channels} channels at {rate} Hz; the file is damaged")
    width = bits // 8
    kinds = {(_PCM, 8), (_PCM, 16), (_PCM, 24), (_PCM, 32), (_FLOAT, 32), (_FLOAT, 64)}
    if (tag, bits) not in kinds or align != width * channels:
        raise AudioError(
            f"{name!r} is format {tag} with {bits}-bit samples (block align {align}); "
            "supported: PCM 8/16/24/32-bit and float 32/64-bit — convert it, e.g. "
            "`ffmpeg -i in.wav -c:a pcm_s16le out.wav`"
        )
    usable = len(pcm) - len(pcm) % align
    raw = np.frombuffer(pcm[:usable], dtype=np.uint8)
    if tag == _FLOAT:
        x = np.frombuffer(raw.tobytes(), dtype=f"<f{width}").astype(np.float64) * _INT16_SCALE
    elif bits == 8:
        x = (raw.astype(np.float64) - 128.0) * 256.0
    elif bits == 24:
        b = raw.reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        x = (np.where(v >= 1 << 23, v - (1 << 24), v)).astype(np.float64) / 256.0
    else:
        ints = np.frombuffer(raw.tobytes(), dtype=f"<i{width}").astype(np.float64)
        x = ints / (1 << (bits - 16))
    return x.reshape(-1, channels), rate


def read_wav(path_or_file: Any, channels: Literal["mix", "first"] = "mix") -> Audio:
    """Read a WAV file (PCM 8/16/24/32-bit, float 32/64-bit; WAVE_FORMAT_EXTENSIBLE too).

    Multi-channel files become mono: ``channels="mix"`` averages the channels,
    ``channels="first"`` keeps the first. Samples are rounded to ``int16``.
    Accepts a path, a binary file object or the file's bytes.

    Example::

        a = read_wav("hello.wav")        # Audio(1.20 s @ 44100 Hz, -18.2 dBFS)
    """
    if channels not in ("mix", "first"):
        raise AudioError(f"channels must be 'mix' or 'first', got {channels!r}")
    name = _source_name(path_or_file)
    x, rate = _parse_wav(_read_all(path_or_file, name), name)
    mono = x.mean(axis=1) if channels == "mix" else x[:, 0]
    return Audio(np.clip(np.rint(mono), -32768, 32767).astype(np.int16), rate)


def write_wav(path_or_file: Any, samples: Any, rate: int | None = None) -> None:
    """Write 16-bit PCM WAV: mono from a 1-D array or ``Audio``, multi-channel from ``(n, c)``.

    Float input in [-1, 1] is scaled and clipped. ``rate`` defaults to an ``Audio``'s rate.

    Example::

        write_wav("tone.wav", Audio.tone(440, 1.0, 16000))
        write_wav("stereo.wav", np.stack([left, right], axis=1), 24000)
    """
    if isinstance(samples, Audio):
        rate = samples.rate if rate is None else rate
        samples = samples.samples
    if rate is None:
        raise AudioError("write_wav needs the sample rate: write_wav(path, samples, rate)")
    rate = _check_rate(rate)
    arr = np.asarray(samples)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[1] < 1:
        raise AudioError(
            f"write_wav needs samples of shape (n,) or (n, channels), got shape {arr.shape}"
        )
    if arr.dtype != np.int16 and not np.issubdtype(arr.dtype, np.floating):
        raise AudioError(
            f"write_wav needs int16 or float samples in [-1, 1], got dtype {arr.dtype}; "
            "convert with .astype(np.int16) (int16 range) or int16_to_float()"
        )
    frames = float_to_int16(arr).astype("<i2").tobytes()
    own = isinstance(path_or_file, (str, os.PathLike))
    try:
        target = open(path_or_file, "wb") if own else path_or_file  # noqa: SIM115
    except OSError as e:
        raise AudioError(f"cannot write WAV file {os.fspath(path_or_file)!r}: {e}") from e
    try:
        with wave.open(target, "wb") as w:
            w.setnchannels(arr.shape[1])
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(frames)
    finally:
        if own:
            target.close()


# --------------------------------------------------------------------------- chunking


def chunk(samples: np.ndarray, size: int, pad: bool = False) -> Iterator[np.ndarray]:
    """Yield consecutive ``size``-sample pieces (views); the last is shorter unless ``pad``.

    With ``pad=True`` the last piece is zero-padded to ``size``.

    Example::

        [len(c) for c in chunk(np.zeros(10, np.int16), 4)]             # [4, 4, 2]
        [len(c) for c in chunk(np.zeros(10, np.int16), 4, pad=True)]   # [4, 4, 4]
    """
    arr = samples.samples if isinstance(samples, Audio) else np.asarray(samples)
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
    rate = _check_rate(rate)
    size = round(rate * ms / 1000) if isinstance(ms, (int, float)) and ms > 0 else 0
    if size < 1:
        raise AudioError(
            f"chunk length must be at least one sample: {ms!r} ms at {rate} Hz is {size}; "
            "use a positive duration such as 20"
        )
    return chunk(samples, size, pad)


# --------------------------------------------------------------------------- levels


def _unit(samples: Any) -> np.ndarray:
    arr = _mono(samples, "samples")
    x = arr.astype(np.float64)
    return x / _INT16_SCALE if arr.dtype == np.int16 else x


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
    rate = _check_rate(rate)
    x = _unit(samples)
    size = round(rate * window_ms / 1000) if window_ms > 0 else 0
    if size < 1:
        raise AudioError(f"window_ms must cover at least one sample, got {window_ms!r} ms")
    if not len(x):
        return np.zeros(0)
    starts = np.arange(0, len(x), size)
    counts = np.diff(np.append(starts, len(x)))
    return _db(np.add.reduceat(x * x, starts) / counts)


# --------------------------------------------------------------------------- Audio


@dataclass(frozen=True, eq=False, repr=False)
class Audio:
    """Mono ``int16`` samples with their rate: an immutable value with a notebook player.

    Float samples in [-1, 1] are converted (clipped); a ``(n, 1)`` array is squeezed.
    The samples array is read-only; equality compares rate and samples.

    Example::

        a = Audio(np.zeros(24000, np.int16), 24000)      # Audio(1.00 s @ 24000 Hz, silent)
        b = Audio.tone(440, 0.5, 24000) + a               # concatenation
        b.slice(0.25, 1.0).resample(16000).to_wav("x.wav")
    """

    samples: np.ndarray
    rate: int

    def __post_init__(self) -> None:
        arr = self.samples
        if isinstance(arr, (bytes, bytearray, memoryview)):
            raise AudioError(
                "Audio needs an array, got bytes; for PCM16 use Audio.from_pcm16(data, rate)"
            )
        if isinstance(arr, (str, dict)) or arr is None:
            raise AudioError(f"Audio samples must be a numpy array, not {type(arr).__name__}")
        arr = np.asarray(arr)
        if arr.ndim == 2 and arr.shape[1] >= 2:
            raise AudioError(
                f"Audio is mono, got {arr.shape[1]} channels (shape {arr.shape}); "
                "mix down with samples.mean(axis=1) or take one with samples[:, 0]"
            )
        arr = _mono(arr, "Audio samples")
        arr = float_to_int16(arr) if arr.dtype != np.int16 else arr.copy()
        arr.setflags(write=False)
        object.__setattr__(self, "samples", arr)
        object.__setattr__(self, "rate", _check_rate(self.rate, "Audio rate"))

    # -- constructors
    @classmethod
    def from_pcm16(cls, data: bytes | bytearray | memoryview, rate: int) -> Audio:
        """Audio from little-endian PCM16 bytes. Example: ``Audio.from_pcm16(chunk, 24000)``."""
        return cls(pcm16_to_array(data), rate)

    @classmethod
    def from_wav(cls, path_or_file: Any, channels: Literal["mix", "first"] = "mix") -> Audio:
        """Read a WAV file (see :func:`read_wav`). Example: ``Audio.from_wav("in.wav")``."""
        return read_wav(path_or_file, channels)

    @classmethod
    def silence(cls, seconds: float, rate: int) -> Audio:
        """Digital silence. Example: ``Audio.silence(0.5, 16000)``."""
        rate = _check_rate(rate)
        return cls(np.zeros(_sample_count(seconds, rate), np.int16), rate)

    @classmethod
    def tone(cls, freq: float, seconds: float, rate: int, amplitude: float = 0.5) -> Audio:
        """A sine (amplitude relative to full scale). Example: ``Audio.tone(440, 1, 24000)``."""
        rate = _check_rate(rate)
        if not 0 <= freq < rate / 2:
            raise AudioError(
                f"tone frequency {freq!r} Hz must be in [0, {rate / 2:g}) at {rate} Hz "
                "(below Nyquist); raise the rate or lower the frequency"
            )
        if not 0 <= amplitude <= 1:
            raise AudioError(f"tone amplitude {amplitude!r} must be in [0, 1] (1 = full scale)")
        t = np.arange(_sample_count(seconds, rate)) / rate
        return cls(amplitude * np.sin(2 * np.pi * freq * t), rate)

    @classmethod
    def concat(cls, *audios: Audio) -> Audio:
        """Join clips of one rate. Example: ``Audio.concat(a, Audio.silence(0.2, a.rate), b)``."""
        if not audios:
            raise AudioError("Audio.concat needs at least one Audio (the rate comes from it)")
        for a in audios:
            if not isinstance(a, Audio):
                raise AudioError(f"Audio.concat takes Audio values, got {type(a).__name__}")
        rates = sorted({a.rate for a in audios})
        if len(rates) > 1:
            raise AudioError(
                f"cannot join audio at different rates {rates} Hz; "
                f"resample first, e.g. a.resample({audios[0].rate})"
            )
        return cls(np.concatenate([a.samples for a in audios]), rates[0])

    # -- conversions
    def to_pcm16(self) -> bytes:
        """Little-endian PCM16 bytes (what the Live API sends and receives)."""
        return array_to_pcm16(self.samples)

    def to_float(self) -> np.ndarray:
        """The samples as ``float32`` in [-1, 1)."""
        return int16_to_float(self.samples)

    def to_wav(self, path_or_file: Any) -> None:
        """Write a 16-bit mono WAV file. Example: ``a.to_wav("out.wav")``."""
        write_wav(path_or_file, self.samples, self.rate)

    def wav_bytes(self) -> bytes:
        """The 16-bit mono WAV file as bytes."""
        buf = io.BytesIO()
        self.to_wav(buf)
        return buf.getvalue()

    def resample(self, rate: int) -> Audio:
        """The same audio at another rate (see :func:`resample`). Example: ``a.resample(16000)``."""
        rate = _check_rate(rate)
        if rate == self.rate:
            return self
        return Audio(resample(self.samples, self.rate, rate), rate)

    # -- measures and pieces
    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.rate

    @property
    def rms_dbfs(self) -> float:
        """RMS level in dBFS (SILENCE_DBFS for silence)."""
        return rms_dbfs(self.samples)

    @property
    def peak_dbfs(self) -> float:
        """Peak level in dBFS (SILENCE_DBFS for silence)."""
        return peak_dbfs(self.samples)

    def slice(self, start_s: float = 0.0, end_s: float | None = None) -> Audio:
        """The part from ``start_s`` to ``end_s`` seconds (clamped like Python slicing).

        Example: ``a.slice(0.5, 1.5)``; ``a.slice(-0.2)`` is the last 200 ms.
        """
        start = round(start_s * self.rate)
        end = None if end_s is None else round(end_s * self.rate)
        return Audio(self.samples[start:end], self.rate)

    def chunks(self, ms: float = 20, pad: bool = False) -> Iterator[Audio]:
        """Consecutive ``ms``-millisecond pieces. Example: ``for c in a.chunks(20): ...``."""
        for piece in chunk_ms(self.samples, self.rate, ms, pad):
            yield Audio(piece, self.rate)

    def __len__(self) -> int:
        return len(self.samples)

    def __add__(self, other: object) -> Audio:
        if not isinstance(other, Audio):
            return NotImplemented
        return Audio.concat(self, other)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Audio):
            return NotImplemented
        return self.rate == other.rate and np.array_equal(self.samples, other.samples)

    def __hash__(self) -> int:
        return hash((self.rate, self.samples.tobytes()))

    def __reduce__(self) -> tuple[Any, ...]:  # unpickled samples are read-only again
        return (Audio, (self.samples, self.rate))

    # -- display
    def __repr__(self) -> str:
        level = self.rms_dbfs
        loud = "silent" if level <= SILENCE_DBFS else f"{level:.1f} dBFS"
        return f"Audio({self.duration:.2f} s @ {self.rate} Hz, {loud})"

    def _repr_html_(self) -> str:
        clip, note = self, ""
        if self.duration > HTML_MAX_SECONDS:
            clip = self.slice(0, HTML_MAX_SECONDS)
            note = f" — player holds the first {HTML_MAX_SECONDS:g} s"
        data = base64.b64encode(clip.wav_bytes()).decode("ascii")
        caption = html.escape(repr(self) + note)
        return (
            '<div class="gemlive-audio">'
            f'<audio controls preload="metadata" src="data:audio/wav;base64,{data}"></audio>'
            f'<div style="font-size:smaller;opacity:0.7">{caption}</div></div>'
        )


def _sample_count(seconds: float, rate: int) -> int:
    if not isinstance(seconds, (int, float, np.number)) or not 0 <= seconds < math.inf:
        raise AudioError(f"duration must be a non-negative number of seconds, got {seconds!r}")
    return round(seconds * rate)
