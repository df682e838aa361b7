"""Typed server events: what :func:`parse_server_message` turns a frame into.

Every event is a frozen dataclass with ``raw`` (the wire sub-object, camelCase keys). Token
usage is :class:`gemlive_nb.protocol.Usage`, an event too. Example::

    [e for e in parse_server_message(frame) if isinstance(e, AudioChunk)]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .constants import OUTPUT_RATE


@dataclass(frozen=True, slots=True)
class Event:
    """Base of every server event.

    ``raw`` is the wire sub-object the event came from (camelCase keys, unknown fields kept);
    it is left out of ``==`` and ``repr``.
    """

    raw: dict[str, Any] = field(default_factory=dict, kw_only=True, repr=False, compare=False)
    extra: dict[str, Any] = field(default_factory=dict, kw_only=True, repr=False, compare=False)
    """The fields of ``raw`` this version does not know (kept, and saved in ``events.jsonl``)."""


@dataclass(frozen=True, slots=True)
class SetupComplete(Event):
    """The service accepted ``setup``; other messages may now be sent."""

    session_id: str | None = None
    voice_consent_signature: str | None = None


@dataclass(frozen=True, slots=True)
class AudioChunk(Event):
    """Model speech: PCM16 LE mono bytes at ``rate`` Hz.

    Example::

        chunk.samples      # numpy int16 array
        chunk.duration     # seconds
    """

    data: bytes
    rate: int = OUTPUT_RATE
    mime_type: str = "audio/pcm;rate=24000"

    @property
    def samples(self) -> Any:
        """The samples as a read-only ``numpy.int16`` view (a trailing odd byte is dropped)."""
        import numpy as np

        return np.frombuffer(self.data, dtype="<i2", count=len(self.data) // 2)

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.data) // 2 / self.rate


@dataclass(frozen=True, slots=True)
class TextPart(Event):
    """Text from the model; ``thought`` marks a thinking summary."""

    text: str
    thought: bool = False


@dataclass(frozen=True, slots=True)
class InlineData(Event):
    """Non-audio bytes in the model's turn (an image, a file)."""

    data: bytes
    mime_type: str


@dataclass(frozen=True, slots=True)
class CodePart(Event):
    """``executableCode`` or ``codeExecutionResult`` (``kind``); ``raw`` is that object."""

    kind: str
    raw: dict[str, Any] = field(default_factory=dict, kw_only=True)


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a transcript with its timing (seconds from the start of the audio)."""

    word: str
    start: float | None = None
    end: float | None = None


@dataclass(frozen=True, slots=True)
class Transcript(Event):
    """A transcription delta; ``finished`` is None when the service did not say.

    With the transcription options on, the service may add the ``language_code``, a
    ``speaker`` label (diarization), ``words`` with timings and the delta's ``start``/``end``.
    """

    text: str
    finished: bool | None = None
    language_code: str | None = field(default=None, kw_only=True)
    speaker: str | None = field(default=None, kw_only=True)
    words: tuple[Word, ...] = field(default=(), kw_only=True)
    start: float | None = field(default=None, kw_only=True)
    end: float | None = field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class InputTranscript(Transcript):
    """What the user said (``inputTranscription``)."""


@dataclass(frozen=True, slots=True)
class OutputTranscript(Transcript):
    """What the model said (``outputTranscription``)."""


@dataclass(frozen=True, slots=True)
class InterimInputTranscript(Transcript):
    """A provisional transcript of the user's speech (``interimInputTranscription``).

    It may still change, so it is not added to the turn's words.
    """


@dataclass(frozen=True, slots=True)
class Interrupted(Event):
    """The user barged in: stop playback and drop queued audio."""


@dataclass(frozen=True, slots=True)
class GenerationComplete(Event):
    """The model finished generating this turn (playback may still be running)."""


@dataclass(frozen=True, slots=True)
class TurnComplete(Event):
    """The turn is over; ``reason`` is ``turnCompleteReason`` when given."""

    reason: str | None = None


@dataclass(frozen=True, slots=True)
class TurnCompleteReason(Event):
    """``turnCompleteReason`` sent without ``turnComplete`` (why the turn will end)."""

    reason: str


@dataclass(frozen=True, slots=True)
class WaitingForInput(Event):
    """The model is waiting for the user."""


@dataclass(frozen=True, slots=True)
class InteractionStatus(Event):
    """``interactionStatus``: ``IN_PROGRESS``, ``REQUIRES_ACTION`` or ``IDLE``."""

    status: str


@dataclass(frozen=True, slots=True)
class UrlStatus:
    """One URL the model read for URL context, and whether that worked."""

    url: str | None
    status: str | None


@dataclass(frozen=True, slots=True)
class UrlContextMetadata(Event):
    """The URLs the URL-context tool retrieved for this reply."""

    urls: tuple[UrlStatus, ...] = ()


@dataclass(frozen=True, slots=True)
class FunctionCall:
    """One call the model asks for; answer it with a :class:`FunctionResponse` of the same id."""

    id: str | None
    name: str
    args: dict[str, Any]
    partial_args: tuple[dict[str, Any], ...] = ()
    will_continue: bool | None = None


@dataclass(frozen=True, slots=True)
class ToolCall(Event):
    """The model calls one or more functions."""

    calls: tuple[FunctionCall, ...]


@dataclass(frozen=True, slots=True)
class ToolCallCancellation(Event):
    """Pending calls with these ids were cancelled (the user interrupted)."""

    ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GroundingSource:
    """A source behind a grounded answer (``kind``: ``web``, ``retrievedContext``, ``maps``…)."""

    title: str | None
    uri: str | None
    domain: str | None = None
    kind: str = "web"


@dataclass(frozen=True, slots=True)
class GroundingSupport:
    """A span of the reply backed by sources.

    ``text`` and ``start``..``end`` locate the span; ``sources`` are indices into
    :attr:`GroundingMetadata.sources`, with their ``confidence``.
    """

    text: str | None
    start: int | None
    end: int | None
    sources: tuple[int, ...] = ()
    confidence: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class GroundingMetadata(Event):
    """Search grounding: the sources, queries, supports and the search entry point.

    ``search_entry_point`` is HTML from the service: display it only sanitised (a Turn's HTML
    does that, see :mod:`gemlive_nb.conversation.grounding`).
    """

    sources: tuple[GroundingSource, ...] = ()
    queries: tuple[str, ...] = ()
    supports: tuple[GroundingSupport, ...] = ()
    search_entry_point: str | None = None
    retrieval_queries: tuple[str, ...] = ()
    image_search_queries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GoAway(Event):
    """The connection will close in ``time_left`` seconds; resume on a new one."""

    time_left: float


@dataclass(frozen=True, slots=True)
class SessionResumptionUpdate(Event):
    """A new resumption ``handle`` (None when the session cannot be resumed now)."""

    handle: str | None
    resumable: bool
    last_consumed_index: int | None = None


@dataclass(frozen=True, slots=True)
class VoiceActivity(Event):
    """Server-side voice activity (``voiceActivity``): ``ACTIVITY_START`` / ``ACTIVITY_END``.

    ``offset`` is the audio offset in seconds when the service gives it.
    """

    kind: str
    offset: float | None = None


@dataclass(frozen=True, slots=True)
class VoiceActivitySignal(VoiceActivity):
    """``voiceActivityDetectionSignal`` (``vadSignalType``, e.g. ``VAD_SIGNAL_TYPE_SOS``)."""


@dataclass(frozen=True, slots=True)
class Unknown(Event):
    """A top-level message type (or model part) this version does not know; kept, not fatal.

    ``raw`` is its value (wrapped as ``{key: value}`` when that is not an object).
    """

    key: str
    raw: dict[str, Any] = field(default_factory=dict, kw_only=True)
