"""What the emulated model says: reply text, tool matching with plausible args, token counts.

Everything is a pure function of the conversation and the seed, so runs are reproducible::

    r = Responder(seed=0)
    r.reply(["My name is Ada."], "en-US")          # 'Nice to meet you. Your name is Ada; ...'
    r.reply(["My name is Ada.", "What is my name?"], "en-US")   # 'Your name is Ada.'
    match_tool("What's the weather in Paris?", [get_weather_decl])   # (decl, {'city': 'Paris'})

Token counts follow simple, documented rules (see :func:`text_tokens`, :func:`audio_tokens`):
text ≈ 1 token per 4 characters, audio 25 tokens per second in and out, 258 per video frame.
"""

from __future__ import annotations

import math
import re
import zlib
from typing import Any

from .setup import FunctionDecl

__all__ = [
    "AUDIO_TOKENS_PER_S",
    "VIDEO_FRAME_TOKENS",
    "Responder",
    "audio_tokens",
    "grounding_metadata",
    "match_tool",
    "text_tokens",
    "tool_args",
    "tool_result_text",
]

AUDIO_TOKENS_PER_S = 25
VIDEO_FRAME_TOKENS = 258


def text_tokens(text: str) -> int:
    """Tokens of a text: one per 4 characters, rounded up (0 for empty text)."""
    return math.ceil(len(text) / 4) if text else 0


def audio_tokens(seconds: float) -> int:
    """Tokens of audio: 25 per second (input and output alike), rounded up."""
    return math.ceil(seconds * AUDIO_TOKENS_PER_S - 1e-9) if seconds > 0 else 0


_WORD_RE = re.compile(r"[\w'’-]+", re.UNICODE)
_STOP = frozenset(
    """a an the is are was were be been am i me my you your it its of to in on at for and or but
    with what whats what's how who where when which why do does did can could would will shall
    should please tell about this that these those there here is it's im i'm hey hi hello some
    any get set give let us we our they them he she his her just like want need know show find
    check turn make take go okay ok so then than also very really much many now today""".split()
)
_GENERIC = frozenset({"get", "set", "the", "for", "of", "a", "an", "to", "returns", "return"})

# base language -> (greeting, acknowledgement, "a short answer about {topic}")
PHRASES: dict[str, tuple[str, str, str]] = {
    "en": ("Hello!", "Sure.", "Here is a short answer about {topic}."),
    "de": ("Hallo!", "Gerne.", "Hier ist eine kurze Antwort zu {topic}."),
    "fr": ("Bonjour !", "Bien sûr.", "Voici une courte réponse sur {topic}."),
    "es": ("¡Hola!", "Claro.", "Aquí tienes una respuesta breve sobre {topic}."),
    "it": ("Ciao!", "Certo.", "Ecco una breve risposta su {topic}."),
    "pt": ("Olá!", "Claro.", "Aqui está uma resposta curta sobre {topic}."),
    "nl": ("Hallo!", "Natuurlijk.", "Hier is een kort antwoord over {topic}."),
    "pl": ("Cześć!", "Oczywiście.", "Oto krótka odpowiedź na temat {topic}."),
    "ro": ("Bună!", "Sigur.", "Iată un răspuns scurt despre {topic}."),
    "tr": ("Merhaba!", "Tabii.", "{topic} hakkında kısa bir cevap."),
    "id": ("Halo!", "Tentu.", "Ini jawaban singkat tentang {topic}."),
    "vi": ("Xin chào!", "Vâng.", "Đây là câu trả lời ngắn về {topic}."),
    "ru": ("Привет!", "Конечно.", "Вот короткий ответ про {topic}."),
    "uk": ("Привіт!", "Звісно.", "Ось коротка відповідь про {topic}."),
    "ar": ("مرحبا!", "بالتأكيد.", "إليك إجابة قصيرة عن {topic}."),
    "hi": ("नमस्ते!", "ज़रूर।", "{topic} के बारे में एक छोटा जवाब।"),
    "bn": ("নমস্কার!", "অবশ্যই।", "{topic} সম্পর্কে একটি ছোট উত্তর।"),
    "mr": ("नमस्कार!", "नक्कीच.", "{topic} बद्दल एक छोटे उत्तर."),
    "ta": ("வணக்கம்!", "நிச்சயமாக.", "{topic} பற்றி ஒரு சிறிய பதில்."),
    "te": ("నమస్కారం!", "తప్పకుండా.", "{topic} గురించి ఒక చిన్న సమాధానం."),
    "ja": ("こんにちは！", "もちろんです。", "{topic}について短くお答えします。"),
    "ko": ("안녕하세요!", "물론이죠.", "{topic}에 대한 짧은 답변입니다."),
    "zh": ("你好！", "当然。", "关于{topic}的简短回答。"),
    "th": ("สวัสดี", "ได้เลย", "นี่คือคำตอบสั้นๆ เกี่ยวกับ{topic}"),
}
_EN_VARIANTS = (
    "Here is a short answer about {topic}.",
    "Let me tell you a little about {topic}.",
    "Good question about {topic}; the short version is simple.",
    "I can help with {topic}, briefly.",
)
_GREETINGS = frozenset("hi hello hey hallo bonjour hola ciao olá привет こんにちは 你好".split())
_FACT_RE = re.compile(r"\bmy ([a-z][a-z ]{1,30}?) (?:is|are) ([^.,!?;]+)", re.I)
_ASK_RE = re.compile(r"\bwhat(?:'s| is| are)? my ([a-z][a-z ]{1,30}?)\s*(?:\?|$|\.)", re.I)
_REMEMBER_RE = re.compile(r"\bremember (?:that )?([^.!?]+)", re.I)
_MARKER_RE = re.compile(r"^\[speech ([\d.]+) ?s\]$")
_REPEAT_RE = re.compile(r"^repeat after me[^:]*:\s*(\S.*)$", re.I | re.S)  # the VoiceExplorer


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased."""
    return [w.lower().strip("'’-") for w in _WORD_RE.findall(text)]


def _stem(word: str) -> str:
    for suffix in ("ing", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> list[str]:
    """Lower-cased words of ``text`` without stop words, in order, without repeats."""
    return list(dict.fromkeys(w for w in words(text) if w not in _STOP and len(w) > 1))


class Responder:
    """Deterministic replies: ``reply(user_texts, language)`` for the latest user text.

    ``user_texts`` is every user utterance of the conversation so far, oldest first (facts told
    earlier are remembered, which makes resumed sessions testable).
    """

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def _pick(self, options: tuple[str, ...] | list[str], key: str) -> str:
        return options[zlib.crc32(f"{self.seed}:{key}".encode()) % len(options)]

    def reply(self, user_texts: list[str], language: str) -> str:
        """The reply to the latest of ``user_texts``, in ``language``, given what came before.

        Example::

            Responder().reply(["My name is Ada.", "What is my name?"], "en-US")
            # 'Your name is Ada.'
        """
        text = user_texts[-1].strip() if user_texts else ""
        base = language.split("-")[0].lower()
        greet, ack, about = PHRASES.get(base, PHRASES["en"])
        marker = _MARKER_RE.match(text)
        if marker:
            secs = float(marker.group(1))
            return f"{ack} I heard you speak for about {secs:.1f} seconds. How can I help?"
        if not text:
            return f"{greet} How can I help you today?"
        repeat = _REPEAT_RE.match(text)
        if repeat:
            return repeat.group(1).strip()
        facts = _facts(user_texts[:-1])
        asked = _ASK_RE.search(text)
        if asked:
            key = asked.group(1).strip().lower()
            if key in facts:
                return f"Your {key} is {facts[key]}."
            return f"You have not told me your {key} yet."
        if re.search(r"\bwhat did i (?:ask you to )?remember\b", text, re.I):
            remembered = facts.get("__remember__")
            return (
                f"You asked me to remember that {remembered}."
                if remembered
                else ("You did not ask me to remember anything yet.")
            )
        told = _FACT_RE.search(text)
        if told:
            key, value = told.group(1).strip().lower(), told.group(2).strip()
            return f"{ack} Your {key} is {value}; I will remember that."
        kept = _REMEMBER_RE.search(text)
        if kept:
            return f"{ack} I will remember that {kept.group(1).strip()}."
        topic_words = content_words(text)[:4]
        if not topic_words or (set(words(text)) & _GREETINGS and len(words(text)) <= 3):
            return f"{greet} {ack} How can I help you today?"
        spelled = {w.lower().strip("'’-"): w.strip("'’-") for w in _WORD_RE.findall(text)}
        topic = " ".join(spelled.get(w, w) for w in topic_words)
        if base == "en":
            about = self._pick(_EN_VARIANTS, f"{len(user_texts)}:{text}")
        return f"{ack} {about.format(topic=topic)}"


def _facts(user_texts: list[str]) -> dict[str, str]:
    facts: dict[str, str] = {}
    for text in user_texts:
        for m in _FACT_RE.finditer(text):
            facts[m.group(1).strip().lower()] = m.group(2).strip()
        kept = _REMEMBER_RE.search(text)
        if kept:
            facts["__remember__"] = kept.group(1).strip()
    return facts


# ---------------------------------------------------------------- tools


def _name_words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name).replace("_", " ").replace("-", " ")
    return [w.lower() for w in spaced.split() if w.lower() not in _GENERIC]


def match_tool(text: str, functions: list[FunctionDecl]) -> tuple[FunctionDecl, dict] | None:
    """The declared function the user's words ask for, with args; None when nothing matches.

    A function matches when a word of its name (minus get/set) appears in the text, or two
    words of its description do; the best score wins, declaration order breaks ties.
    """
    said = {_stem(w) for w in content_words(text)} | {_stem(w) for w in words(text)}
    best: tuple[int, int] = (0, 0)
    chosen: FunctionDecl | None = None
    for i, fn in enumerate(functions):
        name_hits = sum(_stem(w) in said for w in _name_words(fn.name))
        desc_hits = sum(_stem(w) in said for w in content_words(fn.description))
        score = 2 * name_hits + desc_hits
        if score >= 2 and (score, -i) > best:
            best, chosen = (score, -i), fn
    if chosen is None:
        return None
    return chosen, tool_args(text, chosen)


_PLACE_NAMES = ("location", "city", "place", "country", "destination", "region", "town", "where")
_PLACE_RE = re.compile(
    r"\b(?:in|for|at|to|near|from)\s+(?:the\s+)?([\w’'-]+(?:\s+[A-Z][\w’'-]*){0,2})", re.U
)
_NUMBER_WORDS = {
    w: i for i, w in enumerate("zero one two three four five six seven eight nine ten".split())
}
_NUM_RE = re.compile(r"-?\d+(?:\.\d+)?")


def _place(text: str) -> str | None:
    for m in _PLACE_RE.finditer(text):
        candidate = m.group(1).strip()
        if candidate.lower() not in _STOP:
            return candidate
    caps = [w for w in re.findall(r"\b[A-Z][\w’'-]+", text)[1:] if w.lower() not in _STOP]
    return caps[0] if caps else None


def _numbers(text: str) -> list[float]:
    found = [float(n) for n in _NUM_RE.findall(text)]
    found += [float(_NUMBER_WORDS[w]) for w in words(text) if w in _NUMBER_WORDS]
    return found


def _value(name: str, schema: dict[str, Any], text: str, numbers: list[float]) -> Any:
    kind = schema.get("type", "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    lname = name.lower()
    if schema.get("enum"):
        said = set(words(text))
        options = [str(v) for v in schema["enum"]]
        return next((v for v in options if v.lower() in said), options[0])
    if kind in ("number", "integer"):
        value = numbers.pop(0) if numbers else 1.0
        return int(value) if kind == "integer" else value
    if kind == "boolean":
        return not ({"off", "not", "no", "false", "disable", "stop"} & set(words(text)))
    if kind == "array":
        return [_value(name, schema.get("items") or {}, text, numbers)]
    if kind == "object":
        props = schema.get("properties") or {}
        return {k: _value(k, v, text, numbers) for k, v in props.items()}
    if any(p in lname for p in _PLACE_NAMES) or lname in ("room", "area", "tz", "timezone"):
        return _place(text) or "here"
    if "date" in lname or "day" in lname:
        return next((w for w in words(text) if w in ("today", "tomorrow", "yesterday")), "today")
    if lname in ("query", "q", "text", "question", "topic", "prompt", "message", "search"):
        return text.strip()
    return _place(text) or " ".join(content_words(text)[:3]) or text.strip()


def tool_args(text: str, fn: FunctionDecl) -> dict[str, Any]:
    """Plausible arguments for ``fn`` from the user's words and the parameter schemas."""
    numbers = _numbers(text)
    return {name: _value(name, schema, text, numbers) for name, schema in fn.properties.items()}


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        out: list[tuple[str, str]] = []
        for k, v in value.items():
            key = prefix if k in ("result", "output", "response") and prefix else k
            out += _flatten(v, key if not prefix or key == prefix else f"{prefix} {k}")
        return out
    if isinstance(value, list):
        return [(prefix, ", ".join(str(v) for v in value))]
    return [(prefix, str(value))]


def tool_result_text(responses: list[dict[str, Any]]) -> str:
    """A spoken answer that mentions every value the tool responses returned."""
    pieces = []
    for r in responses:
        pairs = _flatten(r.get("response") or {})
        said = ", ".join(f"{k.replace('_', ' ')} {v}".strip() for k, v in pairs[:8])
        name = str(r.get("name") or "the tool").replace("_", " ")
        pieces.append(f"{name} returned {said}" if said else f"{name} is done")
    return "Here is what I found: " + "; ".join(pieces) + "."


def grounding_metadata(query: str, answer: str) -> dict[str, Any]:
    """A fake but well-formed Google Search groundingMetadata for ``query``."""
    slug = "-".join(content_words(query)[:4]) or "search"
    uri = f"https://example.com/search/{slug}"
    return {
        "webSearchQueries": [query.strip()],
        "groundingChunks": [{"web": {"uri": uri, "title": "example.com"}}],
        "groundingSupports": [
            {
                "segment": {"startIndex": 0, "endIndex": len(answer.encode()), "text": answer},
                "groundingChunkIndices": [0],
            }
        ],
        "searchEntryPoint": {
            "renderedContent": f'<div class="search-entry"><a href="{uri}">{slug}</a></div>'
        },
    }
