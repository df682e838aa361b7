"""Every event a session yields, in one namespace: ``gl.events``.

What lives here: the typed server events of :mod:`gemlive_nb.protocol` (their home) and the
session's own events (:class:`SessionStatus`, :class:`PlaybackCut`, :class:`AudioDropped`, home
:mod:`gemlive_nb.session`). Nothing is defined here; this is the place to import them from.
Example::

    import gemlive_nb as gl
    async for event in session:
        if isinstance(event, gl.events.OutputTranscript):
            print(event.text)
        elif isinstance(event, gl.events.SessionStatus):
            print("connection:", event.state)
"""

from __future__ import annotations

from .protocol.events import (
    AudioChunk,
    CodePart,
    Event,
    FunctionCall,
    GenerationComplete,
    GoAway,
    GroundingMetadata,
    GroundingSource,
    GroundingSupport,
    InlineData,
    InputTranscript,
    InteractionStatus,
    InterimInputTranscript,
    Interrupted,
    OutputTranscript,
    SessionResumptionUpdate,
    SetupComplete,
    TextPart,
    ToolCall,
    ToolCallCancellation,
    Transcript,
    TurnComplete,
    TurnCompleteReason,
    Unknown,
    UrlContextMetadata,
    UrlStatus,
    VoiceActivity,
    VoiceActivitySignal,
    WaitingForInput,
    Word,
)
from .protocol.usage import Usage
from .session import AudioDropped, PlaybackCut, SessionStatus

__all__ = [
    "AudioChunk",
    "AudioDropped",
    "CodePart",
    "Event",
    "FunctionCall",
    "GenerationComplete",
    "GoAway",
    "GroundingMetadata",
    "GroundingSource",
    "GroundingSupport",
    "InlineData",
    "InputTranscript",
    "InteractionStatus",
    "InterimInputTranscript",
    "Interrupted",
    "OutputTranscript",
    "PlaybackCut",
    "SessionResumptionUpdate",
    "SessionStatus",
    "SetupComplete",
    "TextPart",
    "ToolCall",
    "ToolCallCancellation",
    "Transcript",
    "TurnComplete",
    "TurnCompleteReason",
    "Unknown",
    "UrlContextMetadata",
    "UrlStatus",
    "Usage",
    "VoiceActivity",
    "VoiceActivitySignal",
    "WaitingForInput",
    "Word",
]
