"""The :class:`Audio` value: mono int16 samples with their rate, and its notebook player."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..exceptions import AudioError
from ._convert import (
    SILENCE_DBFS,
    array_to_pcm16,
    check_rate,
    float_to_int16,
    int16_to_float,
    mono_samples,
    pcm16_to_array,
    sample_count,
    seconds_to_index,
)
from ._levels import chunk_ms, peak_dbfs, rms_dbfs
from ._resampling import resample
from ._wav import parse_wav, read_all, source_name, write_wav

# A player's WAV is stored in the notebook (base64, 4/3 larger): at most this much of it, and
# longer audio only as a preview at HTML_PREVIEW_RATE. 2 MB holds 42 s at 24 kHz, 125 s at 8 kHz.
HTML_MAX_BYTES = 2_000_000
HTML_PREVIEW_RATE = 8000
HTML_MAX_SECONDS = 600.0


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
        arr = mono_samples(arr, "Audio samples")
        arr = float_to_int16(arr) if arr.dtype != np.int16 else arr.copy()
        arr.setflags(write=False)
        object.__setattr__(self, "samples", arr)
        object.__setattr__(self, "rate", check_rate(self.rate, "Audio rate"))

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
        rate = check_rate(rate)
        return cls(np.zeros(sample_count(seconds, rate), np.int16), rate)

    @classmethod
    def tone(cls, freq: float, seconds: float, rate: int, amplitude: float = 0.5) -> Audio:
        """A sine (amplitude relative to full scale). Example: ``Audio.tone(440, 1, 24000)``."""
        rate = check_rate(rate)
        if not 0 <= freq < rate / 2:
            raise AudioError(
                f"tone frequency {freq!r:.40} Hz must be in [0, {rate / 2:g}) at {rate} Hz "
                "(below Nyquist); raise the rate or lower the frequency"
            )
        if not 0 <= amplitude <= 1:
            raise AudioError(f"tone amplitude {amplitude!r:.40} must be in [0, 1] (1 = full scale)")
        t = np.arange(sample_count(seconds, rate)) / rate
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
        rate = check_rate(rate)
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
        n = len(self.samples)
        start = seconds_to_index(start_s, self.rate, n, "slice start")
        end = None if end_s is None else seconds_to_index(end_s, self.rate, n, "slice end")
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
        clip, note = _player_clip(self)
        data = base64.b64encode(clip.wav_bytes()).decode("ascii")
        caption = html.escape(repr(self) + note)
        return (
            '<div class="gemlive-audio">'
            f'<audio controls preload="metadata" src="data:audio/wav;base64,{data}"></audio>'
            f'<div style="font-size:smaller;opacity:0.7">{caption}</div></div>'
        )


def _player_clip(audio: Audio) -> tuple[Audio, str]:
    """What a notebook player embeds, and a note when that is less than all of ``audio``.

    The player's WAV is saved inside the notebook, so it is bounded: audio that fits in
    HTML_MAX_BYTES (and HTML_MAX_SECONDS) goes in whole; longer audio as a preview at
    HTML_PREVIEW_RATE (telephone quality, still clear speech), cut to what fits.
    """
    if audio.samples.nbytes <= HTML_MAX_BYTES and audio.duration <= HTML_MAX_SECONDS:
        return audio, ""
    rate = min(audio.rate, HTML_PREVIEW_RATE)
    seconds = min(audio.duration, HTML_MAX_SECONDS, HTML_MAX_BYTES / (2 * rate))
    clip = audio.slice(0, seconds).resample(rate)
    parts = []
    if seconds < audio.duration:
        parts.append(f"the first {seconds:g} s")
    if rate != audio.rate:
        parts.append(f"at {rate} Hz")
    keep = "to_wav(path) saves all of it"
    return clip, f" — player holds {' '.join(parts)} (kept small in the notebook); {keep}"


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
    name = source_name(path_or_file)
    x, rate = parse_wav(read_all(path_or_file, name), name)
    mono = x.mean(axis=1) if channels == "mix" else x[:, 0]
    return Audio(np.clip(np.rint(mono), -32768, 32767).astype(np.int16), rate)
