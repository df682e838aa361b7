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

Example::

    synth = Synthesizer()
    pcm = synth.render("Is it raining in Paris?", "Puck", "fr-FR")   # int16 mono @ 24 kHz
    decode_text(resample(pcm, 24000, 16000), 16000)                  # 'Is it raining in Paris?'
"""

from __future__ import annotations

import itertools
import threading
import unicodedata
import zlib
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from ..catalog import VOICES

__all__ = ["RATE", "Synthesizer", "VoiceParams", "decode_text", "voice_params"]

RATE = 24000
_HOP = 128  # 5.33 ms frames, hann windows overlapping by half
_WIN = 256
_NFFT = 512  # room after each window for the (causal) resonators' ringing
_PEAK = 0.6  # about -4.4 dBFS
_SPEECH_TOP_HZ = 4400.0  # the voice rolls off above this, leaving the text band clean
_BAND_EDGE_HZ = (4700.0, 5250.0)  # the whole voice fades out over this range
AH_GAIN = 5.0  # aspiration/breath noise through the formants, relative to voicing
AF_GAIN = 1.0  # frication noise bands


# --------------------------------------------------------------------------------------------
# Voices


@dataclass(frozen=True)
class VoiceParams:
    """How one catalog voice sounds.

    ``f0`` mean pitch (Hz); ``formant_scale`` vocal-tract length factor (>1 = shorter tract,
    higher formants); ``rate`` speaking-rate factor; ``breathiness`` aspiration mixed into the
    voicing (0-1); ``jitter``/``shimmer`` cycle-to-cycle pitch/amplitude variation;
    ``subharmonic`` alternate-cycle damping (raspiness); ``tilt`` spectral roll-off (higher =
    darker); ``pitch_range`` intonation excursion factor.
    """

    f0: float
    formant_scale: float
    rate: float
    breathiness: float
    jitter: float
    shimmer: float
    subharmonic: float
    tilt: float
    pitch_range: float


# Apparent gender of the 30 voices (per Google's voice list) sets the pitch and tract ranges.
_FEMALE = frozenset(
    "Zephyr Kore Leda Aoede Callirrhoe Autonoe Despina Erinome Laomedeia Achernar Gacrux "
    "Pulcherrima Vindemiatrix Sulafat".split()
)
# style word -> (pitch-rank nudge, rate, breathiness, tilt (higher = darker), pitch_range)
_STYLE = {
    "Bright": (1, 1.03, 0.04, 0.55, 1.10),
    "Cheerful": (1, 1.06, 0.05, 0.70, 1.35),
    "Informative": (0, 1.00, 0.03, 0.85, 0.85),
    "Firm": (-1, 0.98, 0.02, 0.75, 0.90),
    "Excited": (2, 1.14, 0.05, 0.65, 1.50),
    "Youthful": (2, 1.08, 0.06, 0.70, 1.25),
    "Light": (1, 1.05, 0.08, 0.80, 1.10),
    "Easy-going": (0, 0.92, 0.08, 1.00, 1.00),
    "Breathy": (0, 0.95, 0.32, 1.15, 0.95),
    "Clear": (0, 1.00, 0.02, 0.60, 1.00),
    "Relaxed": (-1, 0.88, 0.10, 1.05, 0.90),
    "Smooth": (0, 0.95, 0.07, 1.10, 0.95),
    "Flowing": (0, 1.02, 0.07, 0.95, 1.15),
    "Raspy": (-1, 0.97, 0.12, 0.90, 0.95),
    "Soft": (0, 0.93, 0.18, 1.25, 0.90),
    "Strong": (-1, 1.00, 0.02, 0.60, 1.05),
    "Steady": (0, 0.96, 0.04, 0.90, 0.75),
    "Mature": (-2, 0.93, 0.06, 1.00, 0.90),
    "Positive": (1, 1.05, 0.05, 0.75, 1.25),
    "Friendly": (0, 1.02, 0.06, 0.85, 1.20),
    "Casual": (0, 0.97, 0.08, 0.95, 1.05),
    "Gentle": (0, 0.92, 0.15, 1.20, 0.95),
    "Lively": (1, 1.12, 0.04, 0.70, 1.40),
    "Scholarly": (0, 0.94, 0.04, 0.95, 0.80),
    "Warm": (-1, 0.95, 0.10, 1.15, 1.00),
}


def _crc(text: str) -> int:
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def _spread(names: list[str], lo: float, hi: float, salt: str) -> dict[str, float]:
    """Geometrically spaced values over [lo, hi], given to names in a fixed pseudo-random order."""
    order = sorted(names, key=lambda n: _crc(salt + n))
    return _even(order, lo, hi)


def _even(order: list[str], lo: float, hi: float) -> dict[str, float]:
    ratio = (hi / lo) ** (1 / max(1, len(order) - 1))
    return {n: lo * ratio**i for i, n in enumerate(order)}


def _build_voices() -> dict[str, VoiceParams]:
    params = {}
    female = [v.name for v in VOICES if v.name in _FEMALE]
    male = [v.name for v in VOICES if v.name not in _FEMALE]
    styles = {v.name: _STYLE.get(v.style, (0, 1.0, 0.06, 0.9, 1.0)) for v in VOICES}
    pitch: dict[str, float] = {}
    for group, lo, hi in ((male, 85.0, 150.0), (female, 165.0, 255.0)):
        # a hashed rank nudged by the style (Excited higher, Mature lower), then evenly spaced so
        # that no two voices share a pitch
        order = sorted(group, key=lambda n: (_crc("f0" + n) % 1000) / 1000 + 0.35 * styles[n][0])
        pitch.update(_even(order, lo, hi))
    tract = {**_spread(male, 0.92, 1.04, "vt"), **_spread(female, 1.10, 1.24, "vt")}
    for voice in VOICES:
        _step, rate, breath, tilt, prange = styles[voice.name]
        raspy = voice.style == "Raspy"
        params[voice.name] = VoiceParams(
            f0=round(pitch[voice.name], 1),
            formant_scale=round(tract[voice.name], 3),
            rate=round(rate * (0.97 + 0.06 * (_crc("rate" + voice.name) % 1000) / 1000), 3),
            breathiness=breath,
            jitter=0.03 if raspy else 0.004,
            shimmer=0.14 if raspy else 0.03,
            subharmonic=0.45 if raspy else 0.0,
            tilt=tilt,
            pitch_range=prange,
        )
    return params


_VOICES = _build_voices()


def voice_params(name: str) -> VoiceParams:
    """The synthesis parameters of a catalog voice (case-insensitive; ConfigError if unknown)."""
    return _VOICES[VOICES[name].name]


# --------------------------------------------------------------------------------------------
# Phones: symbol -> (kind, F1, F2, F3, duration ms). Kinds: V vowel, P voiceless stop, B voiced
# stop, F voiceless fricative, Z voiced fricative, N nasal, L liquid, G glide, T tap, Q glottal.
# Fricatives/stops store their noise band centre (Hz) in place of F3.

_VOWELS = {
    "i": (280, 2250, 2890), "I": (400, 1920, 2560), "e": (400, 2100, 2700),
    "E": (550, 1770, 2490), "ae": (690, 1660, 2490), "a": (750, 1350, 2500),
    "A": (730, 1090, 2440), "O": (570, 840, 2410), "o": (450, 800, 2400),
    "U": (440, 1020, 2240), "u": (300, 870, 2240), "V": (640, 1190, 2390),
    "@": (500, 1450, 2500), "y": (280, 1750, 2150), "2": (380, 1550, 2250),
    "9": (550, 1450, 2400), "1": (320, 1500, 2450), "M": (330, 1300, 2450),
}  # fmt: skip
_CONSONANTS = {
    # stops: (kind, locus F1, locus F2, burst centre, closure ms)
    "p": ("P", 300, 900, 1200, 60), "t": ("P", 300, 1700, 4000, 55),
    "k": ("P", 300, 2000, 2300, 60), "b": ("B", 250, 900, 1200, 50),
    "d": ("B", 250, 1700, 3800, 45), "g": ("B", 250, 2000, 2300, 50),
    "rt": ("P", 300, 1500, 2800, 55), "rd": ("B", 250, 1500, 2800, 45),
    "q": ("P", 350, 1200, 1400, 65), "c": ("P", 300, 2200, 3200, 55),
    # fricatives: (kind, F1, F2, noise centre, ms)
    "f": ("F", 300, 1000, 3900, 90), "v": ("Z", 300, 1000, 3900, 70),
    "T": ("F", 300, 1500, 4200, 85), "D": ("Z", 300, 1500, 4200, 60),
    "s": ("F", 300, 1700, 4500, 95), "z": ("Z", 300, 1700, 4500, 75),
    "S": ("F", 300, 1900, 2900, 95), "Z": ("Z", 300, 1900, 2900, 75),
    "x": ("F", 300, 1300, 1700, 85), "G": ("Z", 300, 1300, 1700, 65),
    "X": ("F", 350, 1100, 1250, 85), "H": ("F", 600, 1100, 1100, 80),
    "C": ("F", 300, 2200, 3400, 85), "h": ("F", 0, 0, 0, 60),
    "R": ("Z", 400, 1100, 1300, 60),
    # sonorants: (kind, F1, F2, F3, ms)
    "m": ("N", 250, 1100, 2300, 65), "n": ("N", 250, 1600, 2600, 60),
    "N": ("N", 250, 2000, 2700, 65), "J": ("N", 250, 2200, 2900, 65),
    "l": ("L", 360, 1300, 2700, 55), "r": ("L", 420, 1300, 1650, 55),
    "rr": ("L", 450, 1400, 2400, 75), "4": ("T", 400, 1600, 2600, 25),
    "j": ("G", 280, 2200, 3000, 45), "w": ("G", 300, 700, 2300, 45),
    "?": ("Q", 300, 1500, 2500, 45),
}  # fmt: skip
_AFFRICATES = {"tS": ("t", "S"), "dZ": ("d", "Z"), "ts": ("t", "s"), "dz": ("d", "z")}


def _is_vowel(phone: str) -> bool:
    return phone.rstrip(":~") in _VOWELS


# --------------------------------------------------------------------------------------------
# Languages

# Letter-to-sound rules shared by Latin-script languages (longest match wins; per-language rules
# override). Keys ending in "$" match only at the end of a word. Values are phone lists.
_BASE_RULES = {
    "a": "a", "b": "b", "c": "k", "d": "d", "e": "e", "f": "f", "g": "g", "h": "h", "i": "i",
    "j": "dZ", "k": "k", "l": "l", "m": "m", "n": "n", "o": "o", "p": "p", "q": "k", "r": "r",
    "s": "s", "t": "t", "u": "u", "v": "v", "w": "w", "x": "k s", "y": "i", "z": "z",
    "ch": "tS", "sh": "S", "th": "T", "ph": "f", "ng": "N", "qu": "k w", "ck": "k",
    "ä": "E", "ö": "2", "ü": "y", "ß": "s", "ç": "s", "ñ": "J", "é": "e", "è": "E", "ê": "E",
    "à": "a", "â": "A", "î": "i", "ô": "o", "û": "u", "ó": "o", "á": "a", "í": "i", "ú": "u",
    "ã": "a~", "õ": "o~", "ł": "w", "ś": "C", "ć": "tS", "ż": "Z", "ź": "Z", "ń": "J",
    "ą": "o~", "ę": "E~", "ş": "S", "ğ": "", "ı": "M", "ț": "ts", "ș": "S", "ă": "@",
}  # fmt: skip


def _rules(rules: str | dict[str, str]) -> dict[str, str]:
    """'key=phone_phone ...' (or a dict of the same) -> {grapheme: 'phone phone'}."""
    pairs = rules.items() if isinstance(rules, dict) else (i.split("=") for i in rules.split())
    return {k: v.replace("_", " ") for k, v in pairs}


@dataclass(frozen=True)
class LanguageProfile:
    """How a language sounds: rules, rhythm ('stress', 'syllable', 'mora'), stress position
    ('first', 'penult', 'last', 'hash', 'word-pitch', 'none'), tones (pitch contours picked per
    syllable), syllable rate factor, formant shifts and the vowel added after a lone consonant
    (languages without consonant clusters), plus the onsets/nuclei used for hashed syllables."""

    rules: dict[str, str]
    rhythm: str
    stress: str
    tones: tuple[tuple[float, float, float], ...]
    rate: float
    shift: tuple[float, float, float]
    epenthesis: str
    onsets: tuple[str, ...]
    nuclei: tuple[str, ...]


_TONES_ZH = ((1.22, 1.22, 1.22), (0.92, 1.0, 1.28), (0.9, 0.72, 0.95), (1.32, 1.05, 0.76))
_TONES_TH = (
    (1.0, 1.0, 0.98), (0.9, 0.85, 0.8), (1.12, 1.22, 0.8), (1.08, 1.18, 1.26), (0.88, 0.84, 1.2)
)  # fmt: skip
# Vietnamese: ngang, huyền, sắc, hỏi, ngã, nặng (picked from the diacritics when present)
_TONES_VI = (
    (1.1, 1.1, 1.1), (0.95, 0.87, 0.8), (1.0, 1.12, 1.32),
    (0.95, 0.78, 0.92), (1.0, 0.84, 1.3), (0.9, 0.78, 0.68),
)  # fmt: skip
_ON = tuple("p t k b d g m n s l r h j w f".split())
_NU = tuple("a e i o u".split())


def _profile(
    rules: str | dict[str, str] = "",
    rhythm: str = "syllable",
    stress: str = "penult",
    tones: tuple[tuple[float, float, float], ...] = (),
    rate: float = 1.0,
    shift: tuple[float, float, float] = (1.0, 1.0, 1.0),
    epenthesis: str = "",
    onsets: str = "",
    nuclei: str = "",
) -> LanguageProfile:
    return LanguageProfile(
        {**_BASE_RULES, **_rules(rules)},
        rhythm,
        stress,
        tones,
        rate,
        shift,
        epenthesis,
        tuple(onsets.split()) or _ON,
        tuple(nuclei.split()) or _NU,
    )


_LANGS: dict[str, LanguageProfile] = {
    "en": _profile(
        "a=ae e=E i=I o=A u=V y=i ee=i ea=i oo=u ou=a_U ow=o_U ai=e_I ay=e_I oa=o_U igh=a_I "
        "e$= es$=z ed$=d er=@_r er$=@ or=O_r ar=A_r ir=@_r ur=@_r th=D ce=s_E ci=s_I cy=s_i "
        "wh=w tion=S_@_n ge=dZ_E r=r the$=D_@ a$=@",
        rhythm="stress", stress="first", rate=1.0,
    ),
    "de": _profile(
        "e=E ei=a_I ie=i eu=O_I äu=O_I au=a_U sch=S ch=x w=v v=f z=ts s=z ss=s sp=S_p st=S_t "
        "er$=@ e$=@ en$=@_n j=j r=R ig$=I_C h=h ah=a: eh=e: oh=o: uh=u:",
        rhythm="stress", stress="first", rate=0.93, shift=(1.0, 1.02, 1.0),
    ),
    "nl": _profile(
        "e=E ee=e: oe=u ij=E_i ei=E_i ui=9_y ou=A_u au=A_u g=x ch=x sch=s_x w=v v=f j=j "
        "e$=@ en$=@ ie=i uu=y r=R",
        rhythm="stress", stress="first", rate=0.96,
    ),
    "fr": _profile(
        "e=@ é=e è=E ai=E ei=E au=o eau=o ou=u oi=w_a u=y an=A~ en=A~ on=O~ in=E~ un=9~ "
        "ch=S j=Z g=g ge=Z gi=Z_i r=R qu=k e$= es$= s$= t$= d$= x$= er$=e ez$=e ent$= "
        "h= ill=i_j gn=J",
        rhythm="syllable", stress="last", rate=1.08, shift=(1.0, 1.03, 1.02),
    ),
    "es": _profile(
        "j=x ll=j ñ=J r=4 rr=rr ce=T_e ci=T_i z=T v=b h= qu=k gu=g ge=x_e gi=x_i y=j y$=i",
        rhythm="syllable", stress="penult", rate=1.15,
    ),
    "it": _profile(
        "ci=tS_i ce=tS_e chi=k_i che=k_e gi=dZ_i ge=dZ_e gli=l_j_i gn=J z=ts sc=S h= r=4 "
        "cc=k_k tt=t_t ss=s_s ll=l_l",
        rhythm="syllable", stress="penult", rate=1.1,
    ),
    "pt": _profile(
        "ão=a~_u ões=o~_j_s ç=s lh=l_j nh=J ch=S j=Z r=h rr=h o$=u e$=i de$=dZ_i te$=tS_i "
        "s$=S x=S qu=k h= em$=e~_j am$=a~_u",
        rhythm="stress", stress="penult", rate=1.05, shift=(0.98, 1.0, 1.0),
    ),
    "ro": _profile(
        "ă=@ â=1 î=1 ș=S ț=ts ce=tS_e ci=tS_i ge=dZ_e gi=dZ_i che=k_e chi=k_i j=Z r=4",
        rhythm="syllable", stress="penult", rate=1.05,
    ),
    "pl": _profile(
        "w=v ł=w sz=S cz=tS rz=Z ż=Z dz=dz dź=dZ dż=dZ ch=x y=1 j=j ó=u ą=o~ ę=E~ "
        "ci=tS_i si=C_i zi=Z_i ni=J_i c=ts e=E r=4",
        rhythm="syllable", stress="penult", rate=1.02,
    ),
    "tr": _profile(
        "ı=M ö=2 ü=y ş=S ç=tS c=dZ ğ=: j=Z y=j r=4 e=E",
        rhythm="syllable", stress="last", rate=1.08,
    ),
    "id": _profile(
        "c=tS j=dZ ny=J ng=N sy=S kh=x y=j r=4 e=@ au=a_U ai=a_I",
        rhythm="syllable", stress="penult", rate=1.1,
    ),
    "vi": _profile(
        "đ=d d=z gi=z ph=f th=t_h kh=x nh=J ng=N ngh=N tr=tS ch=tS x=s r=z â=@ ê=e ô=o ơ=@: "
        "ư=M ă=a y=i",
        rhythm="syllable", stress="none", tones=_TONES_VI, rate=1.12,
    ),
    "ru": _profile(
        "o=a y=1 e=j_E ch=tS sh=S zh=Z kh=x ts=ts r=rr",
        rhythm="stress", stress="hash", rate=1.0, shift=(1.0, 0.97, 1.0),
    ),
    "uk": _profile(
        "y=I e=E ch=tS sh=S zh=Z kh=x ts=ts h=G r=rr g=g",
        rhythm="stress", stress="hash", rate=1.0, shift=(1.0, 0.98, 1.0),
    ),
    "ar": _profile(
        "e=a o=u a=a: kh=X gh=R sh=S th=T dh=D q=q h=H j=dZ",
        rhythm="stress", stress="penult", rate=1.0, shift=(1.05, 0.93, 0.98),
        onsets="b t t_h dZ H X d r z s S q k l m n h w j ?", nuclei="a a: i i: u u:",
    ),
    "hi": _profile(
        "t=rt d=rd th=t_h dh=d_h bh=b_h gh=g_h kh=k_h ph=p_h ch=tS chh=tS_h sh=S a=@ aa=a: "
        "ee=i: oo=u: ai=E: au=O: w=v v=v",
        rhythm="syllable", stress="penult", rate=1.05, shift=(1.0, 1.0, 0.95),
        onsets="k k_h g g_h tS dZ rt rd t t_h d d_h n p p_h b b_h m j r l v S s h",
        nuclei="@ a: i i: u u: e: o:",
    ),
    "ja": _profile(
        "a=a i=i u=M e=e o=o r=4 l=4 v=b th=s f=h_M si=S_i ti=tS_i tu=ts_M hu=h_M fu=h_M "
        "shi=S_i chi=tS_i tsu=ts_M y=j",
        rhythm="mora", stress="word-pitch", rate=1.2, epenthesis="M",
        onsets="k s t n h m j r w g z d b p S tS ts", nuclei="a i M e o",
    ),
    "ko": _profile(
        "eo=V eu=M ae=E oe=w_e ui=M_i r=4 f=p v=b z=dZ th=s",
        rhythm="syllable", stress="none", rate=1.1, epenthesis="M",
        onsets="k n t r m p s j tS tS_h k_h t_h p_h h", nuclei="a V o u M i E e",
    ),
    "zh": _profile(
        "x=C q=tS_h j=tS zh=rt_S ch=rt_S_h sh=S r=Z c=ts_h z=ts e=@ ü=y",
        rhythm="syllable", stress="none", tones=_TONES_ZH, rate=1.0,
        onsets="b p m f d t n l g k h tS tS_h C S Z ts s",
        nuclei="a o @ i u y a_I e_I a_U o_U a_n @_n a_N @_N",
    ),
    "th": _profile(
        "ph=p_h th=t_h kh=k_h ch=tS r=4 ng=N",
        rhythm="syllable", stress="none", tones=_TONES_TH, rate=1.05,
        onsets="k k_h N tS tS_h s j d t t_h n b p p_h f m r l w h ?",
        nuclei="a a: i i: M u e E o O @",
    ),
}  # fmt: skip
_LANGS["en-in"] = _profile(
    {**{k: v for k, v in _LANGS["en"].rules.items() if k not in _BASE_RULES}, "t": "rt",
     "d": "rd", "th": "t_h", "w": "v", "v": "v", "r": "4", "o": "o", "a": "a"},
    rhythm="syllable", stress="penult", rate=1.08, shift=(1.0, 1.0, 0.96),
)  # fmt: skip
_LANGS["mr"] = _LANGS["hi"]
_LANGS["ta"] = _profile(
    "t=rt d=rd zh=r l=l a=a",
    rhythm="syllable",
    stress="first",
    rate=1.12,
    shift=(1.0, 0.98, 0.96),
    onsets="k tS J rt N t n p m j r l v rd",
    nuclei="a a: i i: u u: e e: o o:",
)
_LANGS["te"] = _profile(
    "t=rt d=rd",
    rhythm="syllable",
    stress="first",
    rate=1.1,
    shift=(1.0, 1.0, 0.97),
    onsets="k g tS dZ rt rd t d n p b m j r l v S s h",
    nuclei="a a: i i: u u: e e: o o:",
)
_LANGS["bn"] = _profile(
    "a=O aa=a: t=rt d=rd th=t_h dh=d_h sh=S s=S",
    rhythm="syllable",
    stress="first",
    rate=1.05,
    onsets="k k_h g tS dZ rt rd t t_h d d_h n p p_h b b_h m r l S h",
    nuclei="O a i u e o",
)


def language_profile(code: str) -> LanguageProfile:
    """The profile for a BCP-47 code's base language; unknown bases get a generic profile
    (syllable-timed, penultimate stress) with a rate and vowel colour derived from the code."""
    base = code.split("-")[0].lower()
    for key in (code.lower(), base):
        if key in _LANGS:
            return _LANGS[key]
    h = _crc("lang" + base)
    prof = _profile(
        rate=0.95 + (h % 20) / 100,
        shift=(1.0, 0.95 + (h >> 8) % 10 / 100, 1.0),
        stress=("penult", "first", "last")[h % 3],
    )
    _LANGS[base] = prof
    return prof


# --------------------------------------------------------------------------------------------
# Text -> phrases of syllables

_PAUSES = {",": 0.16, "、": 0.16, "，": 0.16, ";": 0.24, ":": 0.22, "；": 0.24, "：": 0.22,
           ".": 0.36, "。": 0.36, "!": 0.36, "！": 0.36, "?": 0.36, "？": 0.36, "\n": 0.36,
           "…": 0.36, "—": 0.18, "–": 0.18, "(": 0.12, ")": 0.12}  # fmt: skip
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
        "a b v g d e jo zh z i j k l m n o p r s t u f kh ts ch sh shch _ y _ e ju ja i ji je "
        "g".split(),
        strict=True,
    )
)
_KANA = (
    "a a i i u u e e o o ka ga ki gi ku gu ke ge ko go sa za shi ji su zu se ze so zo ta da chi "
    "ji Q tsu zu te de to do na ni nu ne no ha ba pa hi bi pi fu bu pu he be pe ho bo po ma mi mu "
    "me mo ya ya yu yu yo yo ra ri ru re ro wa wa wi we wo n vu ka ke"
).split()  # U+3041..U+3096; Q = small tsu (a pause)
_HANGUL_L = "g kk n d tt r m b pp s ss _ j jj ch k t p h".split()
_HANGUL_V = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()
_HANGUL_T = "_ k k k n n n t l k m p l l p l m p p t t N t t k t p t".split()
# Brahmic blocks share one layout (offsets from the block start): independent vowels, consonants
# with an inherent vowel, dependent vowel signs, virama.
_BRAHMI_VOWELS = {5: "a", 6: "a:", 7: "i", 8: "i:", 9: "u", 10: "u:", 11: "r_i", 14: "e",
                  15: "e:", 16: "E:", 18: "o", 19: "o:", 20: "O:"}  # fmt: skip
_BRAHMI_CONS = (
    "k k_h g g_h N tS tS_h dZ dZ_h J rt rt_h rd rd_h n t t_h d d_h n n p p_h b b_h m j r r l l l "
    "v S S s h"
).split()  # offsets 0x15..0x39
_BRAHMI_SIGNS = {0x3E: "a:", 0x3F: "i", 0x40: "i:", 0x41: "u", 0x42: "u:", 0x43: "r_i", 0x46: "e",
                 0x47: "e:", 0x48: "E:", 0x4A: "o", 0x4B: "o:", 0x4C: "O:"}  # fmt: skip
_BRAHMI_BLOCKS = (0x0900, 0x0980, 0x0A00, 0x0A80, 0x0B00, 0x0B80, 0x0C00, 0x0C80, 0x0D00)
_ARABIC = dict(
    zip(
        range(0x0621, 0x064B),
        "? ?_a: ? ? ? ? <_a: b# a t# T# dZ# H# X# d# D# r# z# s# S# s# d# t# z# ?# R# _ _ _ _ _ _ "
        "f# q# k# l# m# n# h# w# <_a: j#".split(),
        strict=True,
    )
)
_ARABIC_VOWELS = {0x064E: "a", 0x064F: "u", 0x0650: "i", 0x0627: "a:", 0x0648: "u:", 0x064A: "i:"}
_THAI_CONS = (
    "k k_h k_h k_h k_h k_h N tS tS_h tS_h s tS_h j d t t_h t_h t_h n d t t_h t_h t_h n b p p_h f "
    "p_h f p_h m j r r l l w s s s h l ? h"
).split()  # U+0E01..U+0E2E
_THAI_VOWELS = {0x0E30: "a", 0x0E31: "a", 0x0E32: "a:", 0x0E33: "a_m", 0x0E34: "i", 0x0E35: "i:",
                0x0E36: "M", 0x0E37: "M:", 0x0E38: "u", 0x0E39: "u:", 0x0E40: "e:", 0x0E41: "E:",
                0x0E42: "o:", 0x0E43: "a_j", 0x0E44: "a_j"}  # fmt: skip


@dataclass
class _Syllable:
    phones: list[str]
    stressed: bool = False
    tone: int = -1  # index into the language's tones, -1 = none


@dataclass
class _Phrase:
    text: str
    syllables: list[_Syllable]
    end: str  # the punctuation that closed it ('' if none)


def _hashed_syllable(key: str, prof: LanguageProfile) -> list[str]:
    """A deterministic consonant+vowel syllable of the language for an unknown character."""
    h = _crc(key)
    onset = prof.onsets[h % len(prof.onsets)].split("_")
    nucleus = prof.nuclei[(h >> 8) % len(prof.nuclei)].split("_")
    return onset + nucleus


def _script_phones(ch: str) -> list[str] | None:
    """Phones for one non-Latin character (None when it is not a letter of a known script)."""
    cp = ord(ch)
    if 0x3041 <= cp <= 0x30F6:  # kana
        idx = (cp - 0x3041) % 0x60
        ro = _KANA[idx] if idx < len(_KANA) else "a"
        return ["?"] if ro == "Q" else _latin_phones(ro, _LANGS["ja"])
    if 0xAC00 <= cp <= 0xD7A3:  # hangul syllable = initial + vowel + final
        s = cp - 0xAC00
        ro = _HANGUL_L[s // 588] + _HANGUL_V[(s % 588) // 28] + _HANGUL_T[s % 28]
        return _latin_phones(ro.replace("_", ""), _LANGS["ko"])
    for block in _BRAHMI_BLOCKS:
        if block <= cp < block + 0x80:
            off = cp - block
            if 0x15 <= off <= 0x39:
                return [*_BRAHMI_CONS[off - 0x15].split("_"), "#"]  # '#' = inherent vowel slot
            if off in _BRAHMI_VOWELS:
                return _BRAHMI_VOWELS[off].split("_")
            if off in _BRAHMI_SIGNS:
                return ["<", *_BRAHMI_SIGNS[off].split("_")]  # '<' replaces the inherent vowel
            if off == 0x4D:
                return ["<"]  # virama: drop the inherent vowel
            if off in (1, 2):
                return ["n"]
            if off == 3:
                return ["h"]
            return []
    if 0x0621 <= cp <= 0x064A:
        return [q for p in _ARABIC[cp].split("_") for q in (p[:-1], "#") if p.endswith("#")] or [
            p for p in _ARABIC[cp].split("_") if p
        ]
    if 0x064B <= cp <= 0x0652:
        return ["<", _ARABIC_VOWELS[cp]] if cp in _ARABIC_VOWELS else []
    if 0x0E01 <= cp <= 0x0E2E:
        return [*_THAI_CONS[cp - 0x0E01].split("_"), "#"]
    if cp in _THAI_VOWELS:
        return ["<", *_THAI_VOWELS[cp].split("_")]
    if 0x0E47 <= cp <= 0x0E4E:
        return []
    return None


def _latin_phones(word: str, prof: LanguageProfile) -> list[str]:
    """Letter-to-sound for a lower-case word in Latin (or transliterated) letters."""
    rules = prof.rules
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        for size in (4, 3, 2, 1):
            chunk = word[i : i + size]
            if len(chunk) < size:
                continue
            if i + size == n and chunk + "$" in rules:
                value = rules[chunk + "$"]
                break
            if chunk in rules:
                value = rules[chunk]
                break
        else:
            size = 1
            base = unicodedata.normalize("NFD", word[i])[0]
            value = rules.get(base, "")
        out.extend(p for p in value.split() if p)
        i += size
    # ':' alone (e.g. Turkish ğ) lengthens the previous vowel
    merged: list[str] = []
    for p in out:
        if p == ":" and merged:
            merged[-1] = merged[-1].rstrip(":") + ":"
        elif p != ":":
            merged.append(p)
    return merged


def _resolve_inherent(phones: list[str], inherent: str) -> list[str]:
    """Brahmic/Thai/Arabic marks: '#' is an inherent vowel that a following '<' removes."""
    out: list[str] = []
    for p in phones:
        if p == "<":
            if out and out[-1] == "#":
                out.pop()
        else:
            out.append(p)
    return [inherent if p == "#" else p for p in out]


_VI_TONE_MARKS = {"\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}
_THAI_LEADING = range(0x0E40, 0x0E45)  # vowels written before the consonant they follow


def _vietnamese(word: str, prof: LanguageProfile) -> tuple[list[str], list[int]]:
    """A Vietnamese syllable: its tone comes from the diacritics, which are then removed."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tone = next((_VI_TONE_MARKS[c] for c in decomposed if c in _VI_TONE_MARKS), 0)
    plain = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _VI_TONE_MARKS))
    return _latin_phones(plain, prof), [tone]


def _word_phones(word: str, prof: LanguageProfile, lang: str) -> tuple[list[str], list[int]]:
    """Phones of one word, and the tone marks found in it (Vietnamese diacritics)."""
    if lang == "vi":
        return _vietnamese(word, prof)
    phones: list[str] = []
    latin = ""
    leading: list[str] = []
    for ch in word:
        low = ch.lower()
        if low in _CYRILLIC:
            latin += _CYRILLIC[low].replace("_", "")
            continue
        if low.isalpha() and (low.isascii() or unicodedata.name(low, "").startswith("LATIN")):
            latin += low
            continue
        if latin:
            phones += _latin_phones(latin, prof)
            latin = ""
        script = _script_phones(ch)
        if script is None:
            if ch.isalnum():  # digits and letters of other scripts: one syllable each
                phones += _hashed_syllable(lang + ch, prof)
        elif ord(ch) in _THAI_LEADING:
            leading = script
        elif leading and script[-1:] == ["#"]:
            phones += script[:-1] + leading[1:]
            leading = []
        else:
            phones += script
    if latin:
        phones += _latin_phones(latin, prof)
    inherent = "O" if lang == "bn" else ("a" if lang in ("ar", "th", "ta", "te") else "@")
    return _resolve_inherent(phones, inherent), []


_VI_LETTERS = frozenset("\u0300\u0301\u0309\u0303\u0323\u0306\u0302\u031b\u0111")
_OFFGLIDES = frozenset("I U i u y".split())  # a vowel after another forms a diphthong


def _syllabify(phones: list[str], prof: LanguageProfile) -> list[list[str]]:
    """Split phones into syllables: consonants before a vowel start its syllable."""
    phones = [p for p in phones if p in _CONSONANTS or p in _AFFRICATES or _is_vowel(p)]
    if prof.epenthesis:  # no clusters: a vowel after consonants not followed by a vowel
        fixed: list[str] = []
        for i, p in enumerate(phones):
            fixed.append(p)
            nxt = phones[i + 1] if i + 1 < len(phones) else None
            if (
                not _is_vowel(p)
                and p not in ("n", "N", "?")
                and (nxt is None or not _is_vowel(nxt))
            ):
                fixed.append(prof.epenthesis)
        phones = fixed
    syllables: list[list[str]] = []
    current: list[str] = []
    for p in phones:
        glide = p.rstrip(":~") in _OFFGLIDES and current and _is_vowel(current[-1])
        if _is_vowel(p) and any(_is_vowel(q) for q in current) and not glide:
            split = len(current)
            while split > 0 and not _is_vowel(current[split - 1]):
                split -= 1
            onset = current[split:]
            keep = current[:split]
            if len(onset) > 1:  # one coda consonant stays behind
                keep, onset = keep + onset[:1], onset[1:]
            syllables.append(keep)
            current = onset
        current.append(p)
    if current:
        if syllables and not any(_is_vowel(q) for q in current):
            syllables[-1].extend(current)
        else:
            syllables.append(current)
    # a word of consonants only ('k', 'hmm') still gets a vowel to be heard on
    return [s if any(_is_vowel(q) for q in s) else [*s, "@"] for s in syllables if s]


def _split_phrases(text: str) -> list[tuple[str, str]]:
    """(phrase text including its punctuation, punctuation) pieces covering the whole text."""
    pieces: list[tuple[str, str]] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in _PAUSES:
            nxt = text[i + 1] if i + 1 < len(text) else " "
            if ch in ".:," and nxt.isalnum():  # 3.5, 10:30, 1,000 stay in one phrase
                continue
            pieces.append((text[start : i + 1], ch))
            start = i + 1
    if start < len(text):
        pieces.append((text[start:], ""))
    return [part for piece in pieces for part in _limit(*piece)]


def _limit(piece: str, end: str) -> list[tuple[str, str]]:
    """Split an over-long phrase (at spaces when it has them) so each part's message fits."""
    parts: list[tuple[str, str]] = []
    while len(piece) > _MAX_PHRASE_CHARS:
        cut = piece.rfind(" ", 1, _MAX_PHRASE_CHARS)
        cut = cut if cut > 0 else _MAX_PHRASE_CHARS
        parts.append((piece[:cut], ""))
        piece = piece[cut:]
    parts.append((piece, end))
    return parts


def parse(text: str, language: str) -> list[_Phrase]:
    """Text -> phrases of syllables (with stress and tones) in the given language."""
    lang = language.split("-")[0].lower()
    prof = language_profile(language)
    phrases: list[_Phrase] = []
    pending = ""
    vietnamese = lang == "vi" and bool(_VI_LETTERS.intersection(unicodedata.normalize("NFD", text)))
    for piece, end in _split_phrases(text):
        syllables: list[_Syllable] = []
        for word in piece.split():
            word_clean = "".join(
                c for c in word if c.isalnum() or unicodedata.category(c)[0] == "M"
            )
            if not word_clean:
                continue
            phones, marks = _word_phones(word_clean, prof, lang)
            sylls = [_Syllable(s) for s in _syllabify(phones, prof)]
            if not sylls:
                continue
            _mark_word(sylls, word_clean, marks, prof, lang, vietnamese)
            syllables += sylls
        if syllables:
            phrases.append(_Phrase(pending + piece, syllables, end))
            pending = ""
        elif phrases:  # bare punctuation joins the phrase before it (its text is kept)
            phrases[-1].text += piece
        else:
            pending += piece
    return phrases


def _mark_word(
    sylls: list[_Syllable],
    word: str,
    marks: list[int],
    prof: LanguageProfile,
    lang: str,
    marked: bool = False,
) -> None:
    n = len(sylls)
    h = _crc(lang + word)
    stress = {"first": 0, "penult": max(0, n - 2), "last": n - 1, "hash": h % n}.get(prof.stress)
    if stress is not None and n > 0:
        sylls[stress].stressed = True
    if prof.stress == "word-pitch":  # Japanese: low first mora, high until the accent
        accent = h % (n + 1)
        for i, s in enumerate(sylls):
            s.tone = -2 if (i == 0 and accent != 1) or (accent and i >= accent) else -3
    if prof.tones:
        for i, s in enumerate(sylls):
            if marked:  # Vietnamese spelling: the diacritics give the tones, none = level
                s.tone = marks[i] if i < len(marks) else 0
            else:
                s.tone = _crc(f"{i}|{lang}{word}") % len(prof.tones)


# --------------------------------------------------------------------------------------------
# Phrases -> parameter tracks

# columns of the segment table
_F1, _F2, _F3, _AV, _AH, _AF, _NF, _NB, _SYL, _PHR = range(10)
_VOWEL_AV = 0.7  # vowels are voiced at least this much (nasalised ones 0.75), consonants less


def _segments(
    phrases: list[_Phrase], prof: LanguageProfile, voice: VoiceParams
) -> tuple[np.ndarray, np.ndarray, list[tuple[int, str, int, int]]]:
    """Segment table (durations in seconds, parameter rows) plus syllable/phrase bookkeeping.

    Returns (durations, rows, syllable info) where syllable info is (phrase index, phrase end
    punctuation, position in phrase, syllables in phrase) per syllable index.
    """
    durs: list[float] = [0.04]
    rows: list[list[float]] = [[500, 1500, 2500, 0, 0, 0, 3000, 800, -1, -1]]
    syl_info: list[tuple[int, str, int, int]] = []
    base = 0.19 / (prof.rate * voice.rate)
    for pi, phrase in enumerate(phrases):
        count = len(phrase.syllables)
        first_seg = len(durs)
        for si, syl in enumerate(phrase.syllables):
            sid = len(syl_info)
            syl_info.append((pi, phrase.end, si, count))
            target = base
            reduce = 0.0
            if prof.rhythm == "stress":
                target *= 1.3 if syl.stressed else 0.78
                reduce = 0.0 if syl.stressed else 0.35
            elif prof.rhythm == "mora":
                target *= 0.8
            elif syl.stressed:
                target *= 1.08
            if si == count - 1:
                target *= 1.35
            _syllable_segments(syl.phones, target, reduce, sid, pi, durs, rows)
        vowels = [k for k in range(first_seg, len(durs)) if rows[k][_AV] >= _VOWEL_AV]
        if vowels:  # slow a dense phrase down until its text fits between its first/last vowel
            spoken = sum(durs[vowels[0] : vowels[-1] + 1])
            need = message_seconds(phrase.text)
            if spoken < need:
                durs[first_seg:] = [d * need / spoken for d in durs[first_seg:]]
        last = not any(ph.syllables for ph in phrases[pi + 1 :])
        if count and not last:
            pause = _PAUSES.get(phrase.end, 0.0)
            if pause:
                durs.append(pause / voice.rate)
                rows.append([*rows[-1][:3], 0, 0, 0, 3000, 800, -1, pi])
    durs.append(0.08)
    rows.append([*rows[-1][:3], 0, 0, 0, 3000, 800, -1, -1])
    return np.asarray(durs), np.asarray(rows, dtype=np.float64), syl_info


def _syllable_segments(
    phones: list[str],
    target: float,
    reduce: float,
    sid: int,
    pi: int,
    durs: list[float],
    rows: list[list[float]],
) -> None:
    consonant_time = 0.0
    expanded: list[str] = []
    for p in phones:
        expanded.extend(_AFFRICATES.get(p, (p,)))
    vowels = [p for p in expanded if _is_vowel(p)]
    for p in expanded:
        if not _is_vowel(p):
            consonant_time += _CONSONANTS[p][4] / 1000
    vowel_time = max(0.05, target - 0.75 * consonant_time)
    per_vowel = vowel_time / max(1, len(vowels))
    nucleus = _VOWELS[vowels[0].rstrip(":~")] if vowels else (500, 1500, 2500)
    for i, p in enumerate(expanded):
        if _is_vowel(p):
            f = np.array(_VOWELS[p.rstrip(":~")], dtype=float)
            if reduce:
                f = f * (1 - reduce) + np.array(_VOWELS["@"]) * reduce
            length = per_vowel * (1.5 if p.endswith(":") else 1.0)
            nasal = 0.25 if p.endswith("~") else 0.0
            durs.append(length)
            rows.append([f[0], f[1], f[2], 1.0 - nasal, 0.0, 0.0, 3000, 800, sid, pi])
            continue
        kind, l1, l2, centre, ms = _CONSONANTS[p]
        dur = ms / 1000
        after = expanded[i + 1] if i + 1 < len(expanded) else None
        aspirated = after == "h" and kind == "P"
        if kind in "PB":  # closure, burst, (aspiration)
            bar = 0.12 if kind == "B" else 0.0
            durs += [dur * 0.8, 0.012]
            rows.append([200, l2, nucleus[2], bar, 0, 0, 3000, 800, sid, pi])
            rows.append([l1, l2, nucleus[2], bar * 2, 0.1, 0.9, centre, centre * 0.35, sid, pi])
            if kind == "P":
                durs.append(0.05 if aspirated else 0.022)
                rows.append([*nucleus, 0, 0.5, 0.1, centre, centre * 0.5, sid, pi])
        elif kind in "FZ":
            if p == "h":
                durs.append(dur)
                rows.append([*nucleus, 0, 0.55, 0, 3000, 800, sid, pi])
                continue
            voiced = kind == "Z"
            strength = {"f": 0.15, "v": 0.12, "T": 0.12, "D": 0.1, "H": 0.4}.get(p, 0.8)
            durs.append(dur)
            rows.append(
                [l1, l2, nucleus[2], 0.35 if voiced else 0, 0, strength, centre, centre * 0.22,
                 sid, pi]
            )  # fmt: skip
        elif kind == "Q":
            durs.append(dur)
            rows.append([*nucleus, 0, 0, 0, 3000, 800, sid, pi])
        else:  # sonorants
            amp = {"N": 0.4, "L": 0.6, "G": 0.65, "T": 0.45}[kind]
            durs.append(dur)
            rows.append([l1, l2, centre, amp, 0, 0, 3000, 800, sid, pi])


def _smooth(track: np.ndarray, width: int) -> np.ndarray:
    """Moving average over `width` frames along axis 0 (edges held)."""
    if width <= 1:
        return track
    pad = width // 2
    padded = np.concatenate([np.repeat(track[:1], pad, 0), track, np.repeat(track[-1:], pad, 0)])
    cs = np.cumsum(padded, axis=0)
    cs = np.concatenate([np.zeros((1, track.shape[1])), cs])
    return (cs[width:] - cs[:-width])[: len(track)] / width


# --------------------------------------------------------------------------------------------
# Rendering


_WINDOW = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(_WIN) / _WIN)).astype(np.float32)
_FREQS = np.fft.rfftfreq(_NFFT, 1 / RATE).astype(np.float32)
_VOICE_BINS = int(_BAND_EDGE_HZ[1] / (RATE / _NFFT)) + 2  # bins above are silent
_LOWPASS = np.where(
    _FREQS < _SPEECH_TOP_HZ, 1.0, np.exp(-(((_FREQS - _SPEECH_TOP_HZ) / 300.0) ** 2))
).astype(np.float32)


def _pitch_track(
    n_frames: int,
    syl_index: np.ndarray,
    syl_pos: np.ndarray,
    phrase_pos: np.ndarray,
    sylls: list[_Syllable],
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


def _glottal(f0_frames: np.ndarray, n: int, voice: VoiceParams, rng: np.random.Generator):
    """Glottal flow derivative pulses at the per-frame pitch; jitter, shimmer, subharmonics."""
    t_frames = np.arange(len(f0_frames)) * _HOP
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
    """Spectra of windowed frames centred every _HOP samples (zero-padded to _NFFT)."""
    padded = np.concatenate([np.zeros(_WIN // 2, np.float32), x, np.zeros(_WIN, np.float32)])
    view = np.lib.stride_tricks.sliding_window_view(padded, _WIN)[::_HOP][:n_frames]
    return np.fft.rfft(view * _WINDOW, n=_NFFT)


def _overlap_add(frames: np.ndarray, n: int) -> np.ndarray:
    n_frames = frames.shape[0]
    blocks = frames.reshape(n_frames, _NFFT // _HOP, _HOP)
    out = np.zeros((n_frames + _NFFT // _HOP, _HOP), np.float32)
    for j in range(_NFFT // _HOP):
        out[j : j + n_frames] += blocks[:, j]
    flat = out.reshape(-1) / (_WIN / (2 * _HOP))
    return flat[_WIN // 2 : _WIN // 2 + n]


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
    edge = np.clip((freqs - _BAND_EDGE_HZ[0]) / (_BAND_EDGE_HZ[1] - _BAND_EDGE_HZ[0]), 0, 1)
    spec *= 0.5 + 0.5 * np.cos(np.pi * edge)
    return np.fft.irfft(spec, n=size)[: y.size].astype(np.float32)


def _render(text: str, voice: str, language: str) -> tuple[np.ndarray, list[tuple[int, int, str]]]:
    """Float samples in [-1, 1] and the (start, end, text) sample span of each phrase."""
    prof = language_profile(language)
    vp = _VOICES[voice]
    rng = np.random.default_rng(_crc(f"{voice}|{language}|{text}"))
    phrases = parse(text, language)
    sylls = [s for ph in phrases for s in ph.syllables]
    if not sylls:
        return np.zeros(0, np.float32), []
    durs, rows, syl_info = _segments(phrases, prof, vp)
    ends = np.round(np.cumsum(durs) * RATE / _HOP).astype(np.int64)
    counts = np.diff(np.concatenate([[0], ends]))
    n_frames = int(ends[-1])
    track = np.repeat(rows, counts, axis=0)
    n = n_frames * _HOP

    # syllable position (0..1) and phrase position per frame, before smoothing
    syl_index = track[:, _SYL].astype(np.int64)
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
    formants = _smooth(track[:, :3], 7) * np.array(prof.shift) * vp.formant_scale
    amps = _smooth(track[:, _AV : _NB + 1], 3)
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
    y = _band_limit(_overlap_add(np.fft.irfft(spec, n=_NFFT).astype(np.float32), n))

    peak = float(np.max(np.abs(y))) or 1.0
    y *= _PEAK / peak
    fade = min(len(y) // 2, 120)
    ramp = np.linspace(0, 1, fade, dtype=np.float32)
    y[:fade] *= ramp
    y[len(y) - fade :] *= ramp[::-1]

    # each phrase's text rides on its vowels: a VAD surely hears from the first to the last
    vowel = track[:, _AV] >= _VOWEL_AV
    v_first = np.full(len(phrases), n_frames, np.int64)
    v_last = np.zeros(len(phrases), np.int64)
    np.minimum.at(v_first, phrase_of[vowel], frame_no[vowel])
    np.maximum.at(v_last, phrase_of[vowel], frame_no[vowel])
    spans = [
        (int(v_first[pi]) * _HOP, int(v_last[pi] + 1) * _HOP, phrase.text)
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
        self._cache: OrderedDict[tuple[str, str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def render(self, text: str, voice: str, language: str) -> np.ndarray:
        """int16 mono samples at :data:`RATE` (voice: canonical catalog name; language: code)."""
        key = (text, voice, language)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        y, spans = _render(text, voice, language)
        y = embed_text(y, spans)
        pcm = np.clip(np.round(y * 32767), -32768, 32767).astype(np.int16)
        pcm.flags.writeable = False
        with self._lock:
            self._cache[key] = pcm
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return pcm


# --------------------------------------------------------------------------------------------
# The text band: each phrase's text as 10 ms tones (17 frequencies, 100 Hz apart, 5.4-7.0 kHz,
# inside the pass band of a 16 kHz signal). A symbol is a nibble sent as the step from the previous
# tone, so consecutive tones always differ and the reader can find symbol edges. A message is a
# 30 ms start tone, then [length][text in a compact code][crc16], high nibble first.

_TONE_BASE = 5400.0
_TONE_STEP = 100.0
_N_TONES = 17
_START_TONE = 16
_SYMBOL_S = 0.010
_PREAMBLE = 3
_MSG_LEAD_S = 0.03  # after the phrase's first vowel starts (where any VAD has started)
_MSG_TAIL_S = 0.02  # before its last vowel ends
_TONE_LEVEL = _PEAK * 10 ** (-40 / 20)  # 40 dB under the voice's peak
_MAX_PHRASE_CHARS = 60  # keeps every message under 255 bytes
_READ_RATE = 16000


def _pack_text(text: str) -> bytes:
    """Compact code: ASCII as is; other characters as one byte (0x80 + offset) inside the
    128-character block of the previous one, else 0xFE + 3-byte code point (sets the block)."""
    out = bytearray()
    block = -1
    for ch in text:
        cp = ord(ch)
        if cp < 0x80:
            out.append(cp)
        elif cp >> 7 == block and (cp & 0x7F) < 0x7E:
            out.append(0x80 + (cp & 0x7F))
        else:
            out += bytes((0xFE, cp >> 16, (cp >> 8) & 0xFF, cp & 0xFF))
            block = cp >> 7
    return bytes(out)


def _unpack_text(data: bytes) -> str | None:
    chars: list[str] = []
    block = -1
    i = 0
    while i < len(data):
        b = data[i]
        if b < 0x80:
            chars.append(chr(b))
        elif b == 0xFE and i + 3 < len(data):
            cp = int.from_bytes(data[i + 1 : i + 4], "big")
            if cp > 0x10FFFF:
                return None
            chars.append(chr(cp))
            block = cp >> 7
            i += 3
        elif b < 0xFE and block >= 0:
            chars.append(chr((block << 7) + b - 0x80))
        else:
            return None
        i += 1
    return "".join(chars)


def _crc16(data: bytes) -> bytes:
    return (zlib.crc32(data) & 0xFFFF).to_bytes(2, "big")


def _message_tones(text: str) -> list[int]:
    payload = _pack_text(text)[:255]
    body = bytes((len(payload),)) + payload + _crc16(payload)
    tones = [_START_TONE] * _PREAMBLE
    prev = _START_TONE
    for byte in body:
        for nibble in (byte >> 4, byte & 15):
            prev = (prev + 1 + nibble) % _N_TONES
            tones.append(prev)
    return tones


def message_seconds(text: str) -> float:
    """How long the phrase ``text`` must sound to carry its message."""
    return _MSG_LEAD_S + len(_message_tones(text)) * _SYMBOL_S + _MSG_TAIL_S


def embed_text(y: np.ndarray, spans: list[tuple[int, int, str]]) -> np.ndarray:
    """Add each phrase's text as faint tones above the voice (read back by :func:`decode_text`)."""
    per_symbol = round(_SYMBOL_S * RATE)
    for start, _end, text in spans:
        tones = np.asarray(_message_tones(text))
        freqs = np.repeat(_TONE_BASE + _TONE_STEP * tones, per_symbol)
        t0 = start + round(_MSG_LEAD_S * RATE)
        if t0 + freqs.size > y.size:
            y = np.concatenate([y, np.zeros(t0 + freqs.size - y.size, y.dtype)])
        phase = np.cumsum(2 * np.pi * freqs / RATE)
        ramp = np.minimum(1.0, np.minimum(np.arange(freqs.size), np.arange(freqs.size)[::-1]) / 48)
        y[t0 : t0 + freqs.size] += (_TONE_LEVEL * ramp * np.sin(phase)).astype(y.dtype)
    return y


def _read_region(power: np.ndarray, purity: np.ndarray, a: int, b: int, step: int) -> str | None:
    """Decode one message from the tone powers of positions a..b (one position per ms)."""
    best = max(range(step), key=lambda phi: float(purity[a + phi : b : step].sum()))
    # one symbol past the region: the last tone's aligned window may fall just outside it
    idx = np.arange(a + best, min(b + step, len(purity)), step)
    tones = np.argmax(power[idx], axis=1).tolist()
    if _START_TONE not in tones[: _PREAMBLE + 2]:
        return None
    lead = tones.index(_START_TONE)  # a stray symbol may precede the start tone
    while lead < len(tones) and tones[lead] == _START_TONE:
        lead += 1
    nibbles: list[int] = []
    need = 2
    for prev, tone in itertools.pairwise(tones[lead - 1 :]):
        value = (tone - prev - 1) % _N_TONES
        if value == _N_TONES - 1:
            return None
        nibbles.append(value)
        if len(nibbles) == 2:
            need = 2 * ((nibbles[0] << 4 | nibbles[1]) + 3)
        if len(nibbles) == need:
            break
    if len(nibbles) < need:
        return None
    data = bytes((hi << 4) | lo for hi, lo in zip(nibbles[::2], nibbles[1::2], strict=True))
    payload = data[1:-2]
    if _crc16(payload) != data[-2:]:
        return None
    return _unpack_text(payload)


def decode_text(samples: np.ndarray, rate: int) -> str:
    """The text the built-in voice embedded in ``samples`` ('' when none is found).

    Works on int16 or float mono audio at any rate ≥ 16 kHz, at any level, after resampling
    (the band sits under 7 kHz) and with moderate added noise; a phrase whose message is damaged
    is left out rather than guessed.
    """
    x = np.asarray(samples, dtype=np.float32)
    if rate < _READ_RATE or x.ndim != 1:
        return ""
    if rate != _READ_RATE:
        from ..audio import resample

        x = resample(x, rate, _READ_RATE)
    width = round(_SYMBOL_S * _READ_RATE)
    hop = _READ_RATE // 1000
    if x.size < 8 * width:
        return ""
    # keep only the tone band: short rectangular windows would leak the voice into it
    size = 1 << (x.size - 1).bit_length()
    spec = np.fft.rfft(x, n=size)
    freqs = np.arange(spec.size) * (_READ_RATE / size)
    spec[(freqs < _TONE_BASE - 250) | (freqs > _TONE_BASE + _N_TONES * _TONE_STEP + 150)] = 0
    x = np.fft.irfft(spec, n=size)[: x.size].astype(np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(x, width)[::hop]
    k0 = round(_TONE_BASE / _TONE_STEP)
    power = np.abs(np.fft.rfft(frames, axis=1)[:, k0 : k0 + _N_TONES]) ** 2
    band = power.sum(axis=1)
    purity = power.max(axis=1) / (band + 1e-12)
    active = (purity > 0.55) & (band > 1e-3 * float(band.max()) + 1e-6)  # within 30 dB
    pos = np.flatnonzero(active)
    if pos.size == 0:
        return ""
    step = round(_SYMBOL_S * 1000)
    breaks = np.flatnonzero(np.diff(pos) > 2 * step)
    starts = np.concatenate([[pos[0]], pos[breaks + 1]])
    ends = np.concatenate([pos[breaks], [pos[-1]]]) + 1
    pieces = []
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        if b - a >= (_PREAMBLE + 6) * step:
            text = _read_region(power, purity, a, b, step)
            if text:
                pieces.append(text)
    return "".join(pieces).strip()
