"""What the Live service accepts from each model, and how it refuses the rest: the one table.

Every rule is a :class:`Fact` — a value and the public source it comes from (``"unverified"``
where there is none). Where the sources changed over time the rule is :class:`Dated`: each regime
keeps its date (``"2026-03"``, ``"2026-08"``), and :data:`LATEST` is the newest evidence. The kit
(``gemlive_nb.catalog``, the session's text routing), the emulator (``rules="2026-03"``) and the
README's Models table all read this table; the data itself is in :mod:`._rules_data`, the
types in :mod:`._rules_facts`.

Example::

    from gemlive_nb.protocol import service_rules as sr
    rules = sr.rules_for("models/gemini-3.1-flash-live-preview")
    rules.client_content_mid_session.at("2026-03").value   # False (launch: history only)
    rules.client_content_mid_session.at(sr.LATEST).value   # True (Aug 2026 frames)
    sr.text_route("gemini-3.1-flash-live-preview")         # 'realtime_text': every regime takes it
    sr.text_route("gemini-2.5-flash-native-audio-latest")  # 'client_content'
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from typing import Any

from ._rules_data import GLOBAL_FACTS, MODEL_RULES
from ._rules_facts import (
    AUDIO_SESSION_S,
    CONNECTION_LIFETIME_S,
    INTERNAL_ERROR,
    INVALID,
    LATEST,
    REFUSE_MEDIA_CHUNKS_V1ALPHA,
    REFUSE_TWO_MODALITIES,
    REGIMES,
    UNVERIFIED,
    VIDEO_SESSION_S,
    Dated,
    Fact,
    ModelRules,
    Refusal,
    TextRoute,
)

__all__ = [
    "AUDIO_SESSION_S",
    "CONNECTION_LIFETIME_S",
    "INTERNAL_ERROR",
    "INVALID",
    "LATEST",
    "REFUSE_MEDIA_CHUNKS_V1ALPHA",
    "REFUSE_TWO_MODALITIES",
    "REGIMES",
    "UNVERIFIED",
    "VIDEO_SESSION_S",
    "Dated",
    "Fact",
    "ModelRules",
    "Refusal",
    "all_rules",
    "check_regime",
    "iter_facts",
    "models_markdown",
    "rules_for",
    "text_route",
]


def all_rules() -> tuple[ModelRules, ...]:
    """Every model's rules, newest models first."""
    return MODEL_RULES


def rules_for(model: str | None) -> ModelRules | None:
    """The rules of ``model`` (``models/x`` and ``publishers/google/models/x`` work), or None."""
    if not model:
        return None
    bare = model.rsplit("models/", 1)[-1].strip("/").lower()
    return next((r for r in all_rules() if r.name == bare), None)


def text_route(model: str | None) -> TextRoute:
    """How user text is sent to ``model`` mid-conversation (``client_content`` if unknown)."""
    rules = rules_for(model)
    return rules.text_route if rules is not None else "client_content"


def check_regime(regime: object) -> str:
    """``regime`` if it is one of :data:`REGIMES`; else ValueError naming the choices."""
    if regime not in REGIMES:
        raise ValueError(
            f"rules must be one of {', '.join(map(repr, REGIMES))} (the dated service rules; "
            f"default {LATEST!r}, the newest evidence), got {regime!r}"
        )
    return str(regime)


def iter_facts(rules: ModelRules) -> Iterator[tuple[str, str | None, Fact[object]]]:
    """``(field, regime or None, fact)`` for every fact of one model's rules."""
    for f in fields(rules):
        value = getattr(rules, f.name)
        if isinstance(value, Fact):
            yield f.name, None, value
        elif isinstance(value, Dated):
            for since, fact in value.history:
                yield f.name, since, fact


# ----------------------------------------------------------------- the README's Models table

_COLUMNS: tuple[tuple[str, str], ...] = (
    ("native_audio", "native audio"),
    ("text_modality", "TEXT out"),
    ("language_code", "languageCode"),
    ("affective_dialog", "affective"),
    ("proactive_audio", "proactive"),
    ("thinking", "thinking"),
    ("non_blocking_tools", "NON_BLOCKING"),
    ("code_execution", "code exec"),
    ("google_search", "search"),
    ("url_context", "URL context"),
    ("context_window", "context"),
)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Refusal):
        return f"{value.code} {value.reason}"
    return "—" if value is None else str(value)


def _cell(fact: Fact[Any], notes: dict[str, int]) -> str:
    """The value, with the number of its source (``?`` when unverified)."""
    if not fact.verified:
        mark = "?" if isinstance(fact.value, (bool, int)) else " (unverified)"
        return f"{_text(fact.value)}{mark}"
    number = notes.setdefault(fact.source, len(notes) + 1)
    return f"{_text(fact.value)}<sup>{number}</sup>"


def _dated_cell(dated: Dated[Any], notes: dict[str, int]) -> str:
    if len(dated.history) == 1:
        return _cell(dated.latest, notes)
    return "; ".join(f"{since}: {_cell(fact, notes)}" for since, fact in dated.history)


def models_markdown() -> str:
    """The README's Models table (Markdown) with numbered sources, generated from this table.

    A ``?`` marks a value no public source confirms. Example::

        print(models_markdown())
    """
    notes: dict[str, int] = {}
    head = ["model", "endpoints", "text goes as", "clientContent mid-session"]
    head += [title for _, title in _COLUMNS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for rules in all_rules():
        name = f"`{rules.name}`" + ("" if rules.current else " (superseded)")
        row = [name, ", ".join(rules.endpoints), f"`{rules.text_route}`"]
        row.append(_dated_cell(rules.client_content_mid_session, notes))
        row += [_cell(getattr(rules, key), notes) for key, _ in _COLUMNS]
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "What the service answers when a session asks for what a model does not take:"]
    head = ["model", "TEXT response", "`codeExecution` tool", "`realtimeInput.mediaChunks`"]
    lines.append("")
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for rules in all_rules():
        row = [f"`{rules.name}`", _dated_cell(rules.refuse_text_modality, notes)]
        row += [_cell(rules.refuse_code_execution, notes), _cell(rules.refuse_media_chunks, notes)]
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    for label, fact in GLOBAL_FACTS:
        lines.append(f"- {label}: {_cell(fact, notes)}")
    lines.append("")
    lines.append("Sources: " + "; ".join(f"<sup>{n}</sup> {s}" for s, n in notes.items()) + ".")
    lines.append("A `?` marks a value no public source confirms (unverified).")
    return "\n".join(lines) + "\n"
