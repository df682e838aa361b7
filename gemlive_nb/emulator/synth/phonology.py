"""Text to phrases of syllables of phones: scripts, letter-to-sound rules, syllabification."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .languages import (
    AFFRICATES,
    CONSONANTS,
    LANGS,
    LanguageProfile,
    is_vowel,
    language_profile,
)
from .text_channel import MAX_PHRASE_CHARS, new_sentence
from .voices import crc

# Text -> phrases of syllables

PAUSES = {",": 0.16, "、": 0.16, "，": 0.16, ";": 0.24, ":": 0.22, "；": 0.24, "：": 0.22,
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
class Syllable:
    """One syllable's phones, stress and tone."""

    phones: list[str]
    stressed: bool = False
    tone: int = -1  # index into the language's tones, -1 = none


@dataclass
class Phrase:
    """A stretch of text between pauses, as syllables, and the punctuation that ended it."""

    text: str
    syllables: list[Syllable]
    end: str  # the punctuation that closed it ('' if none)


def _hashed_syllable(key: str, prof: LanguageProfile) -> list[str]:
    """A deterministic consonant+vowel syllable of the language for an unknown character."""
    h = crc(key)
    onset = prof.onsets[h % len(prof.onsets)].split("_")
    nucleus = prof.nuclei[(h >> 8) % len(prof.nuclei)].split("_")
    return onset + nucleus


def _script_phones(ch: str) -> list[str] | None:
    """Phones for one non-Latin character (None when it is not a letter of a known script)."""
    cp = ord(ch)
    if 0x3041 <= cp <= 0x30F6:  # kana
        idx = (cp - 0x3041) % 0x60
        ro = _KANA[idx] if idx < len(_KANA) else "a"
        return ["?"] if ro == "Q" else _latin_phones(ro, LANGS["ja"])
    if 0xAC00 <= cp <= 0xD7A3:  # hangul syllable = initial + vowel + final
        s = cp - 0xAC00
        ro = _HANGUL_L[s // 588] + _HANGUL_V[(s % 588) // 28] + _HANGUL_T[s % 28]
        return _latin_phones(ro.replace("_", ""), LANGS["ko"])
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
    phones = [p for p in phones if p in CONSONANTS or p in AFFRICATES or is_vowel(p)]
    if prof.epenthesis:  # no clusters: a vowel after consonants not followed by a vowel
        fixed: list[str] = []
        for i, p in enumerate(phones):
            fixed.append(p)
            nxt = phones[i + 1] if i + 1 < len(phones) else None
            if not is_vowel(p) and p not in ("n", "N", "?") and (nxt is None or not is_vowel(nxt)):
                fixed.append(prof.epenthesis)
        phones = fixed
    syllables: list[list[str]] = []
    current: list[str] = []
    for p in phones:
        glide = p.rstrip(":~") in _OFFGLIDES and current and is_vowel(current[-1])
        if is_vowel(p) and any(is_vowel(q) for q in current) and not glide:
            split = len(current)
            while split > 0 and not is_vowel(current[split - 1]):
                split -= 1
            onset = current[split:]
            keep = current[:split]
            if len(onset) > 1:  # one coda consonant stays behind
                keep, onset = keep + onset[:1], onset[1:]
            syllables.append(keep)
            current = onset
        current.append(p)
    if current:
        if syllables and not any(is_vowel(q) for q in current):
            syllables[-1].extend(current)
        else:
            syllables.append(current)
    # a word of consonants only ('k', 'hmm') still gets a vowel to be heard on
    return [s if any(is_vowel(q) for q in s) else [*s, "@"] for s in syllables if s]


def _split_phrases(text: str) -> list[tuple[str, str]]:
    """(phrase text including its punctuation, punctuation) pieces covering the whole text."""
    pieces: list[tuple[str, str]] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in PAUSES:
            nxt = text[i + 1] if i + 1 < len(text) else " "
            if ch in ".:," and nxt.isalnum():  # 3.5, 10:30, 1,000 stay in one phrase
                continue
            if new_sentence(ch, nxt):  # "Hi!Bye": the reader would take Bye for another clip's
                continue
            pieces.append((text[start : i + 1], ch))
            start = i + 1
    if start < len(text):
        pieces.append((text[start:], ""))
    return [part for piece in pieces for part in _limit(*piece)]


def _limit(piece: str, end: str) -> list[tuple[str, str]]:
    """Split an over-long phrase (at spaces when it has them) so each part's message fits."""
    parts: list[tuple[str, str]] = []
    while len(piece) > MAX_PHRASE_CHARS:
        cut = piece.rfind(" ", 1, MAX_PHRASE_CHARS)
        cut = cut if cut > 0 else MAX_PHRASE_CHARS
        if new_sentence(piece[:cut], piece[cut:]):  # as in _split_phrases: not before "Bye"
            cut -= 1
        parts.append((piece[:cut], ""))
        piece = piece[cut:]
    parts.append((piece, end))
    return parts


def parse(text: str, language: str) -> list[Phrase]:
    """Text -> phrases of syllables (with stress and tones) in the given language."""
    lang = language.split("-")[0].lower()
    prof = language_profile(language)
    phrases: list[Phrase] = []
    pending = ""
    vietnamese = lang == "vi" and bool(_VI_LETTERS.intersection(unicodedata.normalize("NFD", text)))
    for piece, end in _split_phrases(text):
        syllables: list[Syllable] = []
        for word in piece.split():
            word_clean = "".join(
                c for c in word if c.isalnum() or unicodedata.category(c)[0] == "M"
            )
            if not word_clean:
                continue
            phones, marks = _word_phones(word_clean, prof, lang)
            sylls = [Syllable(s) for s in _syllabify(phones, prof)]
            if not sylls:
                continue
            _mark_word(sylls, word_clean, marks, prof, lang, vietnamese)
            syllables += sylls
        if syllables:
            phrases.append(Phrase(pending + piece, syllables, end))
            pending = ""
        elif phrases:  # bare punctuation joins the phrase before it (its text is kept)
            phrases[-1].text += piece
        else:
            pending += piece
    return phrases


def _mark_word(
    sylls: list[Syllable],
    word: str,
    marks: list[int],
    prof: LanguageProfile,
    lang: str,
    marked: bool = False,
) -> None:
    n = len(sylls)
    h = crc(lang + word)
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
                s.tone = crc(f"{i}|{lang}{word}") % len(prof.tones)
