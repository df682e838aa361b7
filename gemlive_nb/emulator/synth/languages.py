"""Phone and language tables (pure data plus the lookup).

Formants per phone, letter-to-sound rules, and rhythm and tone per language.
"""

from __future__ import annotations

from dataclasses import dataclass

from .voices import crc

# Phones: symbol -> (kind, F1, F2, F3, duration ms). Kinds: V vowel, P voiceless stop, B voiced
# stop, F voiceless fricative, Z voiced fricative, N nasal, L liquid, G glide, T tap, Q glottal.
# Fricatives/stops store their noise band centre (Hz) in place of F3.

VOWELS = {
    "i": (280, 2250, 2890), "I": (400, 1920, 2560), "e": (400, 2100, 2700),
    "E": (550, 1770, 2490), "ae": (690, 1660, 2490), "a": (750, 1350, 2500),
    "A": (730, 1090, 2440), "O": (570, 840, 2410), "o": (450, 800, 2400),
    "U": (440, 1020, 2240), "u": (300, 870, 2240), "V": (640, 1190, 2390),
    "@": (500, 1450, 2500), "y": (280, 1750, 2150), "2": (380, 1550, 2250),
    "9": (550, 1450, 2400), "1": (320, 1500, 2450), "M": (330, 1300, 2450),
}  # fmt: skip
CONSONANTS = {
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
AFFRICATES = {"tS": ("t", "S"), "dZ": ("d", "Z"), "ts": ("t", "s"), "dz": ("d", "z")}


def is_vowel(phone: str) -> bool:
    """Whether ``phone`` is a vowel (length and nasal marks ignored)."""
    return phone.rstrip(":~") in VOWELS


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
    """How a language sounds.

    Letter-to-sound rules, rhythm ('stress', 'syllable', 'mora'), stress position ('first',
    'penult', 'last', 'hash', 'word-pitch', 'none'), tones (pitch contours picked per syllable),
    syllable rate factor, formant shifts and the vowel added after a lone consonant (languages
    without consonant clusters), plus the onsets/nuclei used for hashed syllables.
    """

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


LANGS: dict[str, LanguageProfile] = {
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
LANGS["en-in"] = _profile(
    {**{k: v for k, v in LANGS["en"].rules.items() if k not in _BASE_RULES}, "t": "rt",
     "d": "rd", "th": "t_h", "w": "v", "v": "v", "r": "4", "o": "o", "a": "a"},
    rhythm="syllable", stress="penult", rate=1.08, shift=(1.0, 1.0, 0.96),
)  # fmt: skip
LANGS["mr"] = LANGS["hi"]
LANGS["ta"] = _profile(
    "t=rt d=rd zh=r l=l a=a",
    rhythm="syllable",
    stress="first",
    rate=1.12,
    shift=(1.0, 0.98, 0.96),
    onsets="k tS J rt N t n p m j r l v rd",
    nuclei="a a: i i: u u: e e: o o:",
)
LANGS["te"] = _profile(
    "t=rt d=rd",
    rhythm="syllable",
    stress="first",
    rate=1.1,
    shift=(1.0, 1.0, 0.97),
    onsets="k g tS dZ rt rd t d n p b m j r l v S s h",
    nuclei="a a: i i: u u: e e: o o:",
)
LANGS["bn"] = _profile(
    "a=O aa=a: t=rt d=rd th=t_h dh=d_h sh=S s=S",
    rhythm="syllable",
    stress="first",
    rate=1.05,
    onsets="k k_h g tS dZ rt rd t t_h d d_h n p p_h b b_h m r l S h",
    nuclei="O a i u e o",
)


def language_profile(code: str) -> LanguageProfile:
    """The profile for a BCP-47 code's base language.

    Unknown bases get a generic profile (syllable-timed, penultimate stress) with a rate and
    vowel colour derived from the code.
    """
    base = code.split("-")[0].lower()
    for key in (code.lower(), base):
        if key in LANGS:
            return LANGS[key]
    h = crc("lang" + base)
    prof = _profile(
        rate=0.95 + (h % 20) / 100,
        shift=(1.0, 0.95 + (h >> 8) % 10 / 100, 1.0),
        stress=("penult", "first", "last")[h % 3],
    )
    LANGS[base] = prof
    return prof
