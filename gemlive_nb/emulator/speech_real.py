"""The ``"real"`` speech backend (the ``gemlive_nb[speech]`` extra): offline TTS, ASR and VAD.

- **TTS**: espeak-ng (PyPI ``espeakng-loader``, driven by :mod:`.espeak`) in all 25 catalog
  languages, resampled from 22.05 kHz to 24 kHz PCM16. Each of the 30 catalog voices gets its own
  espeak-ng variant (``f1``-``f5`` for the female voices, ``m1``-``m7`` for the male ones),
  base pitch, pitch range and rate, derived from the built-in voice's parameters
  (:func:`.synth.voice_params`), so voices differ audibly and keep their relative order.
  Weak spots: Japanese kanji are read poorly (kana are fine), Thai is rough, and Chinese (voice
  ``cmn``) relies on espeak-ng's Mandarin dictionary for characters (common ones; pinyin with
  tone digits always works) — the tests check that every language gives speech of a plausible
  duration, not how intelligible it is. espeak-ng is not bit-exact from call to call (a few
  samples of pitch flutter); the cache makes repeated replies identical.
- **ASR**: audio from the built-in voice is read back exactly (:func:`.synth.decode_text`); other
  English audio (``en-*``) is recognised by pocketsphinx (:mod:`.asr`, the model in its wheel);
  other languages have no offline model on PyPI, so they give ``"[speech N.N s]"`` markers like
  the built-in backend. No grammar or keyword hints are used (``transcribe`` does not see the
  session's tools, and a grammar would reject everything outside it): on Debian flite's voices
  the default language model gives a word error rate of about 8-13 %.
- **VAD**: :meth:`RealSpeech.make_vad` returns a Silero detector (:mod:`.vad_silero`) for
  ``automaticActivityDetection``.

Importing this module raises ImportError when a package of the extra is missing, so
``get_speech("auto")`` falls back to the built-in backend.

Example::

    speech = RealSpeech()
    pcm = speech.synthesize("Hello there!", voice="Puck", language="en-US")  # int16 @ 24 kHz
    speech.transcribe(pcm16k, "en-US")                                         # 'Hello there'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..audio import resample
from ..catalog import VOICES, Language, normalize_language_code
from ..exceptions import ConfigError
from . import asr, synth
from .cache import BoundedCache
from .espeak import get_espeak
from .speech import OUTPUT_RATE, _check_text, _transcribe
from .vad_silero import SileroVad

__all__ = ["ESPEAK_VOICES", "EspeakVoice", "RealSpeech", "espeak_voice"]

# catalog language (base, or full code where the base is ambiguous) -> espeak-ng voice
ESPEAK_VOICES = {
    "ar": "ar",
    "de": "de",
    "en-US": "en-us",
    "en-IN": "en",  # British English (espeak-ng has no Indian English voice)
    "en": "en-us",
    "es": "es-419",
    "fr": "fr",
    "hi": "hi",
    "id": "id",
    "it": "it",
    "ja": "ja",
    "ko": "ko",
    "pt": "pt-br",
    "ru": "ru",
    "nl": "nl",
    "pl": "pl",
    "th": "th",
    "tr": "tr",
    "vi": "vi",
    "ro": "ro",
    "uk": "uk",
    "bn": "bn",
    "mr": "mr",
    "ta": "ta",
    "te": "te",
    "zh": "cmn",
}
_PEAK = 0.6  # like the built-in voice: about -4.4 dBFS
_FEMALE_VARIANTS = ("f1", "f2", "f3", "f4", "f5")
_MALE_VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "m7")
# Median f0 (Hz) of each espeak-ng variant at pitch parameter 0, 20, ..., 100 (measured on
# en-us with espeak-ng 1.52): the pitch parameter is chosen to hit the built-in voice's f0.
_PITCH_STEPS = (0, 20, 40, 60, 80, 100)
_VARIANT_F0 = {
    "f1": (115, 135, 163, 197, 245, 306),
    "f2": (133, 152, 182, 218, 263, 324),
    "f3": (148, 168, 196, 230, 279, 339),
    "f4": (114, 135, 163, 201, 251, 311),
    "f5": (134, 155, 187, 230, 283, 350),
    "m1": (76, 81, 90, 104, 128, 159),
    "m2": (72, 76, 92, 113, 143, 178),
    "m3": (84, 90, 100, 117, 143, 175),
    "m4": (76, 82, 91, 104, 127, 154),
    "m5": (75, 84, 96, 114, 140, 172),
    "m6": (75, 82, 93, 113, 140, 174),
    "m7": (86, 94, 103, 119, 142, 172),
}


@dataclass(frozen=True)
class EspeakVoice:
    """How one catalog voice is rendered by espeak-ng: variant, pitch (0-100), range, rate (wpm)."""

    variant: str
    pitch: int
    pitch_range: int
    rate: int


def _build_voices() -> dict[str, EspeakVoice]:
    params = {v.name: synth.voice_params(v.name) for v in VOICES}
    female = sorted((n for n, p in params.items() if p.f0 >= 160), key=lambda n: params[n].f0)
    male = sorted((n for n, p in params.items() if p.f0 < 160), key=lambda n: params[n].f0)
    out: dict[str, EspeakVoice] = {}
    for group, variants in ((female, _FEMALE_VARIANTS), (male, _MALE_VARIANTS)):
        for rank, name in enumerate(group):
            p = params[name]
            variant = variants[rank % len(variants)]
            out[name] = EspeakVoice(
                variant=variant,
                pitch=round(float(np.interp(p.f0, _VARIANT_F0[variant], _PITCH_STEPS))),
                pitch_range=round(min(100, 50 * p.pitch_range)),
                rate=round(165 * p.rate),
            )
    return out


_VOICE_MAP = _build_voices()


def espeak_voice(voice: str, language: str) -> tuple[str, EspeakVoice]:
    """The espeak-ng voice name (with variant) and settings for a catalog voice and language.

    Example::

        espeak_voice("Kore", "de-DE")     # ('de+f4', EspeakVoice(variant='f4', pitch=..., ...))
    """
    settings = _VOICE_MAP[VOICES[voice].name]
    code = normalize_language_code(language)
    base = Language(code, code).base
    name = ESPEAK_VOICES.get(code) or ESPEAK_VOICES.get(base)
    if name is None:
        raise ConfigError(
            f"no espeak-ng voice for language {language!r}; use a catalog language such as 'en-US'"
        )
    return f"{name}+{settings.variant}", settings


class RealSpeech:
    """espeak-ng speech out, pocketsphinx recognition in, Silero activity detection.

    Example::

        speech = RealSpeech()
        audio = speech.synthesize("Wie spät ist es?", "Kore", "de-DE")   # int16 @ 24 kHz
        speech.transcribe(audio_16k, "en-US")                            # 'What time is it'
    """

    name = "real"

    def __init__(self, cache_size: int = 256) -> None:
        self._engine = get_espeak()
        self._cache: BoundedCache[tuple[str, str, str], np.ndarray] = BoundedCache(cache_size)

    def synthesize(self, text: str, voice: str, language: str) -> np.ndarray:
        """Render ``text`` as int16 mono at 24 kHz (read-only; shared with the cache)."""
        _check_text(text)
        name, settings = espeak_voice(voice, language)
        key = (text, name, f"{settings.pitch}/{settings.rate}")
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        raw = self._engine.synthesize(
            text, name, settings.pitch, settings.pitch_range, settings.rate
        )
        y = resample(raw.astype(np.float32) / 32768.0, self._engine.sample_rate, OUTPUT_RATE)
        peak = float(np.max(np.abs(y))) if y.size else 0.0
        gain = _PEAK / peak if peak > 0 else 0.0  # one level for every voice and language
        out = np.round(y * (gain * 32767.0)).astype(np.int16)
        out.flags.writeable = False
        return self._cache.put(key, out)

    def transcribe(self, samples: np.ndarray, language: str) -> str:
        """Text of int16 mono 16 kHz audio: built-in voice text, English words, else a marker."""

        def english_words(x: np.ndarray) -> str:
            english = normalize_language_code(language).lower().startswith("en")
            return asr.recognize(x) if english else ""

        return _transcribe(samples, english_words)

    def make_vad(self, config: dict[str, Any] | None, rate: int) -> SileroVad:
        """A Silero VAD for an ``automaticActivityDetection`` config (int16 audio at ``rate``)."""
        return SileroVad(config, rate=rate)
