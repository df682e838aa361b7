"""The emulator's built-in voice: a small source-filter speech synthesizer (numpy only).

Text becomes phrases (split at punctuation) of syllables of phones, through per-language
letter-to-sound rules (or script tables and code-point hashing for non-Latin text). Phones become
5 ms parameter tracks (formants, voicing, aspiration, frication, pitch) that are smoothed so
transitions glide and nothing clicks. A glottal pulse train (pitch with declination, question
rises, tones for zh/th/vi, jitter and shimmer) and white noise are then shaped frame by frame in
the frequency domain by the formant resonators and fricative noise bands, and overlap-added.

Voices differ in pitch, vocal-tract length (formant scale), speaking rate, breathiness,
raspiness (jitter, shimmer, subharmonics) and brightness; languages differ in sounds, rhythm
(stress-, syllable- or mora-timed), stress position and tone. Everything is seeded by the text,
so the same (text, voice, language) always gives the same samples.

The voice also carries its own words: the voice is band-limited to 5.2 kHz and each phrase's text
rides along as faint tones 40 dB under the voice's peak in the 5.4-7.0 kHz band (a soft chirp
when listened to closely), which :func:`decode_text` reads back from audio at any rate ≥ 16 kHz,
at any level and after resampling, so offline round trips (speak, stream as a 16 kHz microphone,
cut by the VAD, transcribe) give the text back. Rendering costs about 5 ms per second of speech.

Modules: :mod:`.voices` (signal constants, voice parameters), :mod:`.languages` (phone and
language tables), :mod:`.phonology` (text to syllables), :mod:`.tracks` (syllables to parameter
tracks), :mod:`.render` (tracks to samples, :class:`Synthesizer`), :mod:`.text_channel` (the
text band and its reader).

Example::

    synth = Synthesizer()
    pcm = synth.render("Is it raining in Paris?", "Puck", "fr-FR")   # int16 mono @ 24 kHz
    decode_text(resample(pcm, 24000, 16000), 16000)                  # 'Is it raining in Paris?'
"""

from __future__ import annotations

from .languages import LanguageProfile, language_profile
from .phonology import parse
from .render import Synthesizer
from .text_channel import decode_text, embed_text, message_seconds
from .voices import RATE, VoiceParams, voice_params

__all__ = [
    "RATE",
    "LanguageProfile",
    "Synthesizer",
    "VoiceParams",
    "decode_text",
    "embed_text",
    "language_profile",
    "message_seconds",
    "parse",
    "voice_params",
]
