"""What the Live service accepts from each model, and how it refuses the rest: the one table.

Every rule is a :class:`Fact` — a value and the public source it comes from (``"unverified"``
where there is none). Where the sources changed over time the rule is :class:`Dated`: each regime
keeps its date (``"2026-03"``, ``"2026-08"``), and :data:`LATEST` is the newest evidence. The kit
(``gemlive_nb.catalog``, the session's text routing), the emulator (``rules="2026-03"``) and the
README's Models table all read this table; the data itself is in :mod:`._rules_data`.

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
from dataclasses import dataclass, fields
from typing import Any, Generic, Literal, TypeVar

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

T = TypeVar("T")

UNVERIFIED = "unverified"
# The dated regimes the table knows, oldest first: the 3.1 launch rules, then the later evidence.
REGIMES: tuple[str, ...] = ("2026-03", "2026-08")
LATEST = REGIMES[-1]

TextRoute = Literal["client_content", "realtime_text"]


@dataclass(frozen=True)
class Fact(Generic[T]):
    """One rule's ``value`` and its public ``source`` (or ``"unverified"``)."""

    value: T
    source: str

    @property
    def verified(self) -> bool:
        """Whether a public source backs the value."""
        return not self.source.startswith(UNVERIFIED)


@dataclass(frozen=True)
class Dated(Generic[T]):
    """A rule that changed over time: ``(since, Fact)`` pairs, oldest first.

    ``at(regime)`` is the newest entry dated at or before ``regime`` (the oldest entry also covers
    earlier regimes: a model's first known rule is its rule before then).
    """

    history: tuple[tuple[str, Fact[T]], ...]

    def at(self, regime: str = LATEST) -> Fact[T]:
        """The fact in force in ``regime`` (a ``"YYYY-MM"`` date)."""
        chosen = self.history[0][1]
        for since, fact in self.history:
            if since <= regime:
                chosen = fact
        return chosen

    @property
    def latest(self) -> Fact[T]:
        """The fact of the newest evidence."""
        return self.history[-1][1]

    @classmethod
    def always(cls, value: T, source: str) -> Dated[T]:
        """A rule that has not changed in any regime."""
        return cls(((REGIMES[0], Fact(value, source)),))

    def in_every_regime(self) -> list[T]:
        """The value in each of :data:`REGIMES`, oldest first."""
        return [self.at(r).value for r in REGIMES]


@dataclass(frozen=True)
class Refusal:
    """How the service ends a session that asked for something a model does not take."""

    code: int
    reason: str


@dataclass(frozen=True)
class ModelRules:
    """The service rules of one Live model (see the module docstring; data in ``_rules_data``).

    Features: ``thinking`` is ``"budget"`` (``thinkingBudget``), ``"level"`` (``thinkingLevel``)
    or ``"none"`` (no thinking config accepted). Client messages: ``realtime_text`` is
    ``realtimeInput.text``; ``client_content_mid_session`` whether ``clientContent`` turns are
    taken after the first turn; ``history_needs_config`` whether seeding history with
    ``clientContent`` needs ``historyConfig.initialHistoryInClientContent`` in the setup.
    Refusals: the close a session gets for TEXT output, for a ``codeExecution`` tool and for
    ``realtimeInput.mediaChunks`` (None where the service takes it).
    """

    name: str
    description: str
    endpoints: tuple[str, ...]
    current: bool
    native_audio: Fact[bool]
    text_modality: Fact[bool]
    language_code: Fact[bool]
    affective_dialog: Fact[bool]
    proactive_audio: Fact[bool]
    thinking: Fact[str]
    non_blocking_tools: Fact[bool]
    code_execution: Fact[bool]
    google_search: Fact[bool]
    url_context: Fact[bool]
    compression: Fact[bool]
    resumption: Fact[bool]
    transcription: Fact[bool]
    translation: Fact[bool]
    context_window: Fact[int]
    realtime_text: Fact[bool]
    client_content_mid_session: Dated[bool]
    history_needs_config: Dated[bool]
    refuse_text_modality: Dated[Refusal | None]
    refuse_code_execution: Fact[Refusal | None]
    refuse_media_chunks: Fact[Refusal | None]

    @property
    def text_route(self) -> TextRoute:
        """How user text goes mid-conversation: the path every regime of this model accepts.

        ``clientContent`` where every regime takes it after the first turn (ordered history,
        the SDK's ``send_client_content``), else ``realtimeInput.text``.
        """
        if all(self.client_content_mid_session.in_every_regime()):
            return "client_content"
        return "realtime_text"

    @property
    def turns_only_as_history(self) -> bool:
        """True when some regime takes ``clientContent`` only as initial history (3.1 at launch)."""
        return not all(self.client_content_mid_session.in_every_regime())

    @property
    def history_config_required(self) -> bool:
        """True when some regime needs ``historyConfig`` to seed history with ``clientContent``."""
        return any(self.history_needs_config.in_every_regime())


# Sources shared with the data module; a refusal quoted publicly whose thread was not found is
# kept, marked unverified.
REPORTED = UNVERIFIED + " (quoted in public reports; thread not found)"
ONE_MODALITY = "googleapis/js-genai#382 (maintainer), googleapis/go-genai#490"
INVALID = "Request contains an invalid argument."
INTERNAL_ERROR = "Internal error occurred."
MEDIA_CHUNKS = "realtime_input.media_chunks is deprecated. Use audio, video, or text instead."
SESSION_DOC = "ai.google.dev/gemini-api/docs/live-session (lifetime, session length, compression)"
# Limits of every model (the emulator's defaults): a connection lasts about 10 minutes (goAway
# comes first); a session without context compression 15 minutes audio-only, 2 with video.
CONNECTION_LIFETIME_S: Fact[float] = Fact(600.0, SESSION_DOC)
AUDIO_SESSION_S: Fact[float] = Fact(900.0, SESSION_DOC)
VIDEO_SESSION_S: Fact[float] = Fact(120.0, SESSION_DOC)
# Rules of every model: two response modalities in one setup; mediaChunks on the v1alpha API.
REFUSE_TWO_MODALITIES: Fact[Refusal] = Fact(Refusal(1007, INVALID), ONE_MODALITY)
REFUSE_MEDIA_CHUNKS_V1ALPHA: Fact[Refusal] = Fact(Refusal(1007, MEDIA_CHUNKS), REPORTED)


def all_rules() -> tuple[ModelRules, ...]:
    """Every model's rules, newest models first."""
    from ._rules_data import MODEL_RULES

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
    from ._rules_data import GLOBAL_FACTS

    lines.append("")
    for label, fact in GLOBAL_FACTS:
        lines.append(f"- {label}: {_cell(fact, notes)}")
    lines.append("")
    lines.append("Sources: " + "; ".join(f"<sup>{n}</sup> {s}" for s, n in notes.items()) + ".")
    lines.append("A `?` marks a value no public source confirms (unverified).")
    return "\n".join(lines) + "\n"
