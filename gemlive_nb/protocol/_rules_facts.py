"""The vocabulary of the service rules: Fact, Dated, Refusal, ModelRules, the regimes.

Their home, with the rules every model shares; the table is read through :mod:`.service_rules`
and its per-model data is in :mod:`._rules_data` (which imports this, never the reader).

Example::

    Fact(600.0, "ai.google.dev/gemini-api/docs/live-session").value   # 600.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

__all__ = [
    "AUDIO_SESSION_S",
    "CONNECTION_LIFETIME_S",
    "INTERNAL_ERROR",
    "INVALID",
    "LATEST",
    "MEDIA_CHUNKS",
    "ONE_MODALITY",
    "REFUSE_MEDIA_CHUNKS_V1ALPHA",
    "REFUSE_TWO_MODALITIES",
    "REGIMES",
    "REPORTED",
    "SESSION_DOC",
    "UNVERIFIED",
    "VIDEO_SESSION_S",
    "Dated",
    "Fact",
    "ModelRules",
    "Refusal",
    "TextRoute",
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
