"""Which language a reply was spoken in: the transcript's ``languageCode``, else a guess.

The service may send ``inputTranscription.languageCode`` / ``outputTranscription.languageCode``
(a BCP-47 code; google-genai ``types.Transcription.language_code``); when it does not, this tiny
offline identifier reads the text: the writing system first (Japanese kana, Hangul, Han,
Thai, Devanagari, Bengali, Tamil, Telugu, Arabic, Cyrillic with Ukrainian letters), then, for
Latin script, the language whose common words and letters occur most. It names a base language
(``'de'``), or None when there is too little text to tell::

    guess_language("Hier ist eine kurze Antwort zu Paris.")   # 'de'
    guess_language("こんにちは")                               # 'ja'
    same_language("de-DE", "de")                               # True
"""

from __future__ import annotations

import re

__all__ = ["guess_language", "same_language"]

# (language, character class) in the order tried: kana before Han (Japanese mixes both).
_SCRIPTS: tuple[tuple[str, str], ...] = (
    ("ja", r"[\u3040-\u30ff]"),
    ("ko", r"[\uac00-\ud7af\u1100-\u11ff]"),
    ("zh", r"[\u4e00-\u9fff\u3400-\u4dbf]"),
    ("th", r"[\u0e00-\u0e7f]"),
    ("bn", r"[\u0980-\u09ff]"),
    ("ta", r"[\u0b80-\u0bff]"),
    ("te", r"[\u0c00-\u0c7f]"),
    ("hi", r"[\u0900-\u097f]"),
    ("ar", r"[\u0600-\u06ff]"),
    ("uk", r"[іїєґІЇЄҐ]"),
    ("ru", r"[\u0400-\u04ff]"),
)
_SCRIPT_RES = tuple((lang, re.compile(cls)) for lang, cls in _SCRIPTS)

# Common short words per Latin-script language (function words; lower case).
_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(text.split())
    for lang, text in {
        "en": "the and is are a an of to in it you i what about here short answer this that "
        "with for on sure how can help me my your thanks",
        "de": "der die das und ist ein eine zu nicht ich sie es wie was hier kurze antwort mit "
        "auf für gerne hallo danke bitte",
        "fr": "le la les et est un une des du de pour pas je vous il sur voici courte réponse "
        "avec bien sûr bonjour merci",
        "es": "el la los las y es un una de que para por no yo usted aquí tienes respuesta "
        "breve sobre claro hola gracias",
        "it": "il lo la gli le e è un una di che per non io ecco breve risposta su certo ciao "
        "grazie",
        "pt": "o a os as e é um uma de que para não eu aqui está resposta curta sobre claro "
        "olá obrigado",
        "nl": "de het een en is van ik je niet hier kort antwoord over natuurlijk hallo dank",
        "pl": "i w na nie jest to że się oto krótka odpowiedź temat oczywiście cześć dziękuję",
        "ro": "și este un o de la nu eu iată răspuns scurt despre sigur bună mulțumesc",
        "tr": "ve bir bu da de için hakkında kısa cevap tabii merhaba teşekkürler",
        "id": "dan yang ini itu di ke dari jawaban singkat tentang tentu halo terima kasih",
        "vi": "và là của một có không đây câu trả lời ngắn về vâng xin chào cảm ơn",
    }.items()
}
# Letters that only (or mostly) one Latin-script language uses.
_LETTERS: dict[str, str] = {
    "de": "äöüß",
    "fr": "çœêèàâîûù",
    "es": "ñ¿¡",
    "pt": "ãõ",
    "pl": "ąęłńśźż",
    "ro": "ășțşţ",
    "tr": "ğış",
    "vi": "ơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ",
}
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)


def guess_language(text: str) -> str | None:
    """The base language of ``text`` (``'en'``, ``'de'``, ``'ja'``…), or None if unsure."""
    if not text or not text.strip():
        return None
    for lang, pattern in _SCRIPT_RES:
        if pattern.search(text):
            return lang
    tokens = [w.lower() for w in _WORD_RE.findall(text)]
    if not tokens:
        return None
    scores: dict[str, float] = {}
    for lang, stop in _STOPWORDS.items():
        scores[lang] = sum(1.0 for w in tokens if w in stop)
    lower = text.lower()
    for lang, letters in _LETTERS.items():
        scores[lang] = scores.get(lang, 0.0) + 1.5 * sum(lower.count(ch) for ch in letters)
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else None


def base_language(code: str | None) -> str | None:
    """``'de-DE'`` -> ``'de'`` (None stays None)."""
    return None if not code else code.replace("_", "-").split("-")[0].lower()


def same_language(a: str | None, b: str | None) -> bool:
    """True when two language codes name the same base language (``'de-DE'`` ~ ``'de'``)."""
    return a is not None and b is not None and base_language(a) == base_language(b)
