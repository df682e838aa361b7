"""Model features with an observable effect, as pure functions tests can predict.

Proactive audio, affective dialog, live translation and context-window compression, each a pure
function of the conversation.

- **Proactive audio**: the model may stay silent on speech not addressed to it. Here speech is
  addressed to it when it asks something (a question mark or a leading question word), names the
  assistant ("you", "assistant", "Gemini") or gives a command ("please", "tell", "show" …).
- **Affective dialog**: the reply opens by acknowledging the feeling the user expressed
  ("I'm sorry to hear that." after "I'm sad …").
- **Live translation** (a model whose catalog entry is a translator): the reply is the user's
  words rendered for the target language, spoken in that language, instead of an answer.
- **Context-window compression**: once the context passes ``triggerTokens``, the oldest turns are
  dropped until it fits ``slidingWindow.targetTokens`` (the prompt count in usage shrinks).

Example::

    addressed("the bus is late again")         # False: a proactive model stays silent
    empathetic_opening("I'm so sad today", "en-US")   # "I'm sorry to hear that."
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .responder import PHRASES, words

__all__ = ["addressed", "compress", "empathetic_opening", "is_translator", "translation"]

_QUESTION_WORDS = frozenset(
    "what whats what's how who where when which why do does did can could would will is are "
    "should may shall".split()
)
_ADDRESS_WORDS = frozenset(
    "you your assistant gemini please tell show give explain describe help remind find".split()
)
_SAD = frozenset("sad upset unhappy lonely worried anxious afraid scared tired stressed".split())
_ANGRY = frozenset("angry furious annoyed frustrated mad".split())
_HAPPY = frozenset("happy glad excited thrilled delighted great wonderful".split())
_OPENINGS = {
    "sad": "I'm sorry to hear that.",
    "angry": "I understand why that is frustrating.",
    "happy": "That's wonderful to hear!",
}
_TRANSLATION_LEAD = {  # "in <language>:" as the target language says it
    "en": "In English:", "de": "Auf Deutsch:", "fr": "En français :", "es": "En español:",
    "it": "In italiano:", "pt": "Em português:", "nl": "In het Nederlands:", "pl": "Po polsku:",
    "ja": "日本語で：", "ko": "한국어로:", "zh": "中文：", "ru": "По-русски:", "hi": "हिंदी में:",
}  # fmt: skip


def addressed(text: str) -> bool:
    """Whether an utterance is meant for the assistant (a proactive model answers only these)."""
    ws = words(text)
    if not ws:
        return False
    return "?" in text or ws[0] in _QUESTION_WORDS or any(w in _ADDRESS_WORDS for w in ws)


def empathetic_opening(text: str, language: str) -> str:
    """The sentence an affective model opens with for the feeling in ``text`` ("" for none)."""
    ws = set(words(text))
    for feeling, vocabulary in (("sad", _SAD), ("angry", _ANGRY), ("happy", _HAPPY)):
        if ws & vocabulary:
            return _OPENINGS[feeling]
    return ""


def is_translator(model: str) -> bool:
    """Whether ``model`` is a live-translation model (it translates instead of answering)."""
    return "translate" in model


def translation(text: str, target: str) -> str:
    """The emulator's stand-in translation of ``text`` into ``target`` (a language code)."""
    base = target.split("-")[0].lower()
    lead = _TRANSLATION_LEAD.get(base) or PHRASES.get(base, PHRASES["en"])[1]
    return f"{lead} {text.strip()}"


def compress(
    history: list[dict[str, Any]], fixed: int, trigger: int, target: int, cost: Callable
) -> list[dict[str, Any]]:
    """``history`` with its oldest entries dropped once it grows past ``trigger``.

    Once ``fixed`` plus the summed ``cost`` of the entries passes ``trigger``, the oldest entries
    go until the total fits ``target``; the newest entry always stays.
    """
    total = fixed + sum(cost(h) for h in history)
    if total <= trigger:
        return history
    kept = list(history)
    while len(kept) > 1 and total > target:
        total -= cost(kept.pop(0))
    return kept
