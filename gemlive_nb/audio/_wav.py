"""WAV files: read PCM 8/16/24/32-bit and float (extensible too), write 16-bit PCM."""

from __future__ import annotations

import os
import struct
import wave
from typing import Any

import numpy as np

from ..exceptions import AudioError
from ._convert import INT16_SCALE, check_rate, float_to_int16, is_audio

_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE


def source_name(src: Any) -> str:
    if isinstance(src, (str, os.PathLike)):
        return os.fspath(src)
    if isinstance(src, (bytes, bytearray, memoryview)):
        return "<WAV bytes>"
    return str(getattr(src, "name", "<file object>"))


def read_all(src: Any, name: str) -> bytes:
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


def parse_wav(data: bytes, name: str) -> tuple[np.ndarray, int]:
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
        x = np.frombuffer(raw.tobytes(), dtype=f"<f{width}").astype(np.float64) * INT16_SCALE
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


def write_wav(path_or_file: Any, samples: Any, rate: int | None = None) -> None:
    """Write 16-bit PCM WAV: mono from a 1-D array or ``Audio``, multi-channel from ``(n, c)``.

    Float input in [-1, 1] is scaled and clipped. ``rate`` defaults to an ``Audio``'s rate.

    Example::

        write_wav("tone.wav", Audio.tone(440, 1.0, 16000))
        write_wav("stereo.wav", np.stack([left, right], axis=1), 24000)
    """
    if is_audio(samples):
        rate = samples.rate if rate is None else rate
        samples = samples.samples
    if rate is None:
        raise AudioError("write_wav needs the sample rate: write_wav(path, samples, rate)")
    rate = check_rate(rate)
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
