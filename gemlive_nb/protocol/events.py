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


@dataclass(frozen=True, slots=True)
class SetupComplete(Event):
    """The service accepted ``setup``; other messages may now be sent."""

    session_id: str | None = None


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
class Transcript(Event):
    """A transcription delta; ``finished`` is None when the service did not say."""

    text: str
    finished: bool | None = None


@dataclass(frozen=True, slots=True)
class InputTranscript(Transcript):
    """What the user said (``inputTranscription``)."""


@dataclass(frozen=True, slots=True)
class OutputTranscript(Transcript):
    """What the model said (``outputTranscription``)."""


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
class WaitingForInput(Event):
    """The model is waiting for the user."""


@dataclass(frozen=True, slots=True)
class FunctionCall:
    """One call the model asks for; answer it with a :class:`FunctionResponse` of the same id."""

    id: str | None
    name: str
    args: dict[str, Any]


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
    """A web source behind a grounded answer."""

    title: str | None
    uri: str | None


@dataclass(frozen=True, slots=True)
class GroundingMetadata(Event):
    """Search grounding: the sources and the queries the model ran."""

    sources: tuple[GroundingSource, ...] = ()
    queries: tuple[str, ...] = ()


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
    """Server-side VAD signal, e.g. ``ACTIVITY_START`` / ``ACTIVITY_END``."""

    kind: str


@dataclass(frozen=True, slots=True)
class Unknown(Event):
    """A top-level message type (or model part) this version does not know; kept, not fatal.

    ``raw`` is its value (wrapped as ``{key: value}`` when that is not an object).
    """

    key: str
    raw: dict[str, Any] = field(default_factory=dict, kw_only=True)
