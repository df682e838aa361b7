"""Parameter tracks to samples, and the cached :class:`Synthesizer`.

Glottal source, spectral shaping and overlap-add.
"""

from __future__ import annotations

import numpy as np

from ..cache import BoundedCache
from .languages import LanguageProfile, language_profile
from .phonology import Syllable, parse
from .text_channel import embed_text
from .tracks import AV, NB, SYL, VOWEL_AV, segments, smooth
from .voices import (
    AF_GAIN,
    AH_GAIN,
    BAND_EDGE_HZ,
    HOP,
    NFFT,
    PEAK,
    RATE,
    SPEECH_TOP_HZ,
    VOICE_PARAMS,
    WIN,
    VoiceParams,
    crc,
)

# Rendering


_WINDOW = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(WIN) / WIN)).astype(np.float32)
_FREQS = np.fft.rfftfreq(NFFT, 1 / RATE).astype(np.float32)
_VOICE_BINS = int(BAND_EDGE_HZ[1] / (RATE / NFFT)) + 2  # bins above are silent
_LOWPASS = np.where(
    _FREQS < SPEECH_TOP_HZ, 1.0, np.exp(-(((_FREQS - SPEECH_TOP_HZ) / 300.0) ** 2))
).astype(np.float32)


def _pitch_track(
    n_frames: int,
    syl_index: np.ndarray,
    syl_pos: np.ndarray,
    phrase_pos: np.ndarray,
    sylls: list[Syllable],
    syl_info: list[tuple[int, str, int, int]],
    prof: LanguageProfile,
    voice: VoiceParams,
    rng: np.random.Generator,
) -> np.ndarray:
    """Per-frame F0 in Hz: declination, accents or tones, phrase-final contours."""
    count = max(1, len(sylls))
    contour = np.ones((count, 3))
    tonal = bool(prof.tones)
    rng_acc = rng.uniform(-0.04, 0.04, size=(count, 3))
    for i, (s, (_pi, end, pos, total)) in enumerate(zip(sylls, syl_info, strict=True)):
        if tonal and s.tone >= 0:
            contour[i] = prof.tones[s.tone % len(prof.tones)]
        elif s.tone == -2:
            contour[i] = (0.94, 0.93, 0.92)
        elif s.tone == -3:
            contour[i] = (1.08, 1.1, 1.1)
        elif s.stressed:
            contour[i] = (1.02, 1.14, 1.06)
        else:
            contour[i] = (0.99, 0.98, 0.97)
        contour[i] += rng_acc[i] * (0.3 if tonal else 1.0)
        if pos == total - 1:
            if end in "?？":
                contour[i] = contour[i] * (1.0, 1.12, 1.42)
            elif end in ",，、;；:：—–":
                contour[i] = contour[i] * (1.0, 1.03, 1.1)
            elif not tonal:
                contour[i] = contour[i] * (1.0, 0.92, 0.8)
    contour = 1.0 + (contour - 1.0) * voice.pitch_range
    idx = np.clip(syl_index, 0, count - 1)
    c0, c1, c2 = contour[idx, 0], contour[idx, 1], contour[idx, 2]
    p = syl_pos
    shape = c0 * (1 - p) ** 2 + 2 * c1 * p * (1 - p) + c2 * p * p
    decline = 1.1 - (0.12 if tonal else 0.22) * phrase_pos
    drift = np.cumsum(rng.normal(0, 0.004, n_frames))
    width = min(40, n_frames)
    drift -= np.convolve(drift, np.ones(width) / width, mode="same")[:n_frames]
    f0 = voice.f0 * shape * decline * (1 + drift)
    return np.clip(f0, 50.0, 450.0)


def _glottal(
    f0_frames: np.ndarray, n: int, voice: VoiceParams, rng: np.random.Generator
) -> np.ndarray:
    """Glottal flow derivative pulses at the per-frame pitch; jitter, shimmer, subharmonics."""
    t_frames = np.arange(len(f0_frames)) * HOP
    f0 = np.interp(np.arange(n), t_frames, f0_frames)
    phase = np.cumsum(f0 / RATE)
    cycles = int(phase[-1]) + 2
    jit = 1 + voice.jitter * rng.standard_normal(cycles)
    f0 = f0 * jit[phase.astype(np.int64)]
    phase = np.cumsum(f0 / RATE)
    k = phase.astype(np.int64)
    p = (phase - k).astype(np.float32)
    open_q = 0.6
    tp = open_q * 0.65
    flow = np.where(
        p < tp,
        0.5 - 0.5 * np.cos(np.pi * p / tp),
        np.where(p < open_q, np.cos(0.5 * np.pi * (p - tp) / (open_q - tp)), 0.0),
    ).astype(np.float32)
    amp = 1 + voice.shimmer * rng.standard_normal(k[-1] + 2).astype(np.float32)
    if voice.subharmonic:
        amp = amp * (1 - voice.subharmonic * (np.arange(amp.size) % 2))
    src = np.diff(flow, prepend=flow[:1]) * amp[k]
    return src * (RATE / voice.f0 / 20.0)


def _spectra(x: np.ndarray, n_frames: int) -> np.ndarray:
    """Spectra of windowed frames centred every HOP samples (zero-padded to NFFT)."""
    padded = np.concatenate([np.zeros(WIN // 2, np.float32), x, np.zeros(WIN, np.float32)])
    view = np.lib.stride_tricks.sliding_window_view(padded, WIN)[::HOP][:n_frames]
    return np.fft.rfft(view * _WINDOW, n=NFFT)


def _overlap_add(frames: np.ndarray, n: int) -> np.ndarray:
    n_frames = frames.shape[0]
    blocks = frames.reshape(n_frames, NFFT // HOP, HOP)
    out = np.zeros((n_frames + NFFT // HOP, HOP), np.float32)
    for j in range(NFFT // HOP):
        out[j : j + n_frames] += blocks[:, j]
    flat = out.reshape(-1) / (WIN / (2 * HOP))
    return flat[WIN // 2 : WIN // 2 + n]


def _fast_size(n: int) -> int:
    """The smallest 2^a * 3^b * 5^c ≥ n (sizes the FFT computes quickly)."""
    best = 1 << max(0, (n - 1).bit_length())
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            size = p35 << max(0, (n - 1) // p35).bit_length() if p35 < n else p35
            best = min(best, size)
            p35 *= 3
        p5 *= 5
    return best


def _band_limit(y: np.ndarray) -> np.ndarray:
    """Remove everything above the voice band (frame edges splatter a little) in one FFT."""
    size = _fast_size(max(1024, y.size))
    spec = np.fft.rfft(y, n=size)
    freqs = np.arange(spec.size) * (RATE / size)
    edge = np.clip((freqs - BAND_EDGE_HZ[0]) / (BAND_EDGE_HZ[1] - BAND_EDGE_HZ[0]), 0, 1)
    spec *= 0.5 + 0.5 * np.cos(np.pi * edge)
    return np.fft.irfft(spec, n=size)[: y.size].astype(np.float32)


def _render(text: str, voice: str, language: str) -> tuple[np.ndarray, list[tuple[int, int, str]]]:
    """Float samples in [-1, 1] and the (start, end, text) sample span of each phrase."""
    prof = language_profile(language)
    vp = VOICE_PARAMS[voice]
    rng = np.random.default_rng(crc(f"{voice}|{language}|{text}"))
    phrases = parse(text, language)
    sylls = [s for ph in phrases for s in ph.syllables]
    if not sylls:
        return np.zeros(0, np.float32), []
    durs, rows, syl_info = segments(phrases, prof, vp)
    ends = np.round(np.cumsum(durs) * RATE / HOP).astype(np.int64)
    counts = np.diff(np.concatenate([[0], ends]))
    n_frames = int(ends[-1])
    track = np.repeat(rows, counts, axis=0)
    n = n_frames * HOP

    # syllable position (0..1) and phrase position per frame, before smoothing
    syl_index = track[:, SYL].astype(np.int64)
    frame_no = np.arange(n_frames)
    syl_first = np.full(len(sylls) + 1, n_frames, np.int64)
    syl_last = np.zeros(len(sylls) + 1, np.int64)
    valid = syl_index >= 0
    np.minimum.at(syl_first, syl_index[valid], frame_no[valid])
    np.maximum.at(syl_last, syl_index[valid], frame_no[valid])
    # frames outside syllables (pauses) keep the previous syllable's index
    carry = np.maximum.accumulate(np.where(valid, frame_no, 0))
    syl_index = np.where(valid, syl_index, syl_index[carry])
    syl_index = np.maximum(syl_index, 0)
    span = np.maximum(1, syl_last[syl_index] - syl_first[syl_index])
    syl_pos = np.clip((frame_no - syl_first[syl_index]) / span, 0, 1)
    phrase_of = np.array([info[0] for info in syl_info])[syl_index]
    ph_first = np.full(len(phrases), n_frames, np.int64)
    ph_last = np.zeros(len(phrases), np.int64)
    np.minimum.at(ph_first, phrase_of, frame_no)
    np.maximum.at(ph_last, phrase_of, frame_no)
    phrase_pos = np.clip(
        (frame_no - ph_first[phrase_of]) / np.maximum(1, ph_last[phrase_of] - ph_first[phrase_of]),
        0,
        1,
    )

    f0 = _pitch_track(n_frames, syl_index, syl_pos, phrase_pos, sylls, syl_info, prof, vp, rng)
    formants = smooth(track[:, :3], 7) * np.array(prof.shift) * vp.formant_scale
    amps = smooth(track[:, AV : NB + 1], 3)
    av, ah, af, nf, nb = (amps[:, i : i + 1].astype(np.float32) for i in range(5))
    ah = ah + vp.breathiness * av
    av = av * (1 - 0.5 * vp.breathiness)

    # formant filter (cascade of 2-pole resonators + a fixed F4), per frame, on the voice band
    f = _FREQS[:_VOICE_BINS]
    lowpass = _LOWPASS[:_VOICE_BINS]
    bandwidths = (90.0, 110.0, 170.0, 250.0)
    widen = 1.0 + 1.5 * vp.breathiness
    denom = np.ones((n_frames, f.size), np.complex64)
    centres = [formants[:, 0:1], formants[:, 1:2], formants[:, 2:3]]
    centres.append(np.full((n_frames, 1), 3500.0 * vp.formant_scale))
    for centre, bw in zip(centres, bandwidths, strict=True):
        inv = (1.0 / centre).astype(np.float32)
        r = f * inv
        denom *= (1 - r * r) + 1j * (r * (bw * widen) * inv)
    shape = (1.0 / denom) * lowpass
    # higher-pole correction and brightness: lifts the cascade's steep fall above 1.5 kHz
    tilt = ((1 + (f / 1500.0) ** 2) ** ((3.2 - vp.tilt) / 2)).astype(np.float32) * 3.0
    band = np.exp(-(((f - nf) / nb) ** 2)).astype(np.float32) * lowpass
    voiced_h = shape * (av * tilt)
    noise_h = shape * (ah * AH_GAIN) + band * (af * AF_GAIN)

    src = _glottal(f0, n, vp, rng)
    noise = rng.standard_normal(n).astype(np.float32)
    spec = np.zeros((n_frames, _FREQS.size), np.complex64)
    spec[:, :_VOICE_BINS] = _spectra(src, n_frames)[:, :_VOICE_BINS] * voiced_h
    spec[:, :_VOICE_BINS] += _spectra(noise, n_frames)[:, :_VOICE_BINS] * noise_h
    y = _band_limit(_overlap_add(np.fft.irfft(spec, n=NFFT).astype(np.float32), n))

    peak = float(np.max(np.abs(y))) or 1.0
    y *= PEAK / peak
    fade = min(len(y) // 2, 120)
    ramp = np.linspace(0, 1, fade, dtype=np.float32)
    y[:fade] *= ramp
    y[len(y) - fade :] *= ramp[::-1]

    # each phrase's text rides on its vowels: a VAD surely hears from the first to the last
    vowel = track[:, AV] >= VOWEL_AV
    v_first = np.full(len(phrases), n_frames, np.int64)
    v_last = np.zeros(len(phrases), np.int64)
    np.minimum.at(v_first, phrase_of[vowel], frame_no[vowel])
    np.maximum.at(v_last, phrase_of[vowel], frame_no[vowel])
    spans = [
        (int(v_first[pi]) * HOP, int(v_last[pi] + 1) * HOP, phrase.text)
        for pi, phrase in enumerate(phrases)
        if v_first[pi] < n_frames
    ]
    return y, spans


class Synthesizer:
    """Renders text with a catalog voice in a language; a bounded LRU caches recent results.

    Thread-safe. Returned arrays are read-only and shared with the cache.

    Example::

        s = Synthesizer(cache_size=128)
        a = s.render("Good morning", "Charon", "en-US")
        a.dtype, a.size / RATE        # (dtype('int16'), 0.9...)
    """

    def __init__(self, cache_size: int = 256) -> None:
        self.cache_size = cache_size
        self._cache: BoundedCache[tuple[str, str, str], np.ndarray] = BoundedCache(cache_size)

    def render(self, text: str, voice: str, language: str) -> np.ndarray:
        """int16 mono samples at :data:`RATE` (voice: canonical catalog name; language: code)."""
        key = (text, voice, language)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        y, spans = _render(text, voice, language)
        y = embed_text(y, spans)
        pcm = np.clip(np.round(y * 32767), -32768, 32767).astype(np.int16)
        pcm.flags.writeable = False
        return self._cache.put(key, pcm)
