"""The Gemini Live wire format: build client messages, parse server frames. No I/O.

One namespace for all of it (PROTOCOL.md §2–§3, §7). Example::

    from gemlive_nb import protocol as p
    p.dumps(p.realtime_text("hi"))        # '{"realtimeInput":{"text":"hi"}}'
    p.parse_server_message(b'{"setupComplete":{}}')   # [SetupComplete(session_id=None)]

What lives where: ``constants`` (rates, dialects, the tool-name rule, close codes — their one
home), ``client`` (message builders), ``events`` and ``usage`` (typed server events),
``_codec`` (key casing, base64, JSON text, typed field readers), ``_parse`` (frames into
events), ``_content`` (``serverContent`` into events), ``_known`` (what is read of each server
object, and the rest kept as ``extra``), ``service_rules`` (what
the service takes from each model, with sources and dated regimes; its data in ``_rules_data``,
its types in ``_rules_facts``).
"""

from __future__ import annotations

from ..exceptions import ProtocolError, ProtocolTypeError
from ._codec import decode_b64, dumps, encode_b64, normalize_keys, to_camel
from ._known import KNOWN_FIELDS
from ._parse import Events, parse_client_message, parse_server_message
from .client import (
    FunctionResponse,
    activity_end,
    activity_start,
    audio_stream_end,
    client_content,
    media_chunks,
    realtime_audio,
    realtime_audio_frame,
    realtime_text,
    realtime_video,
    setup_message,
    tool_response,
)
from .constants import (
    CLIENT_MESSAGE_TYPES,
    DIALECTS,
    INPUT_RATE,
    OUTPUT_RATE,
    SCHEDULING_VALUES,
    SERVER_MESSAGE_TYPES,
    TOOL_NAME_RE,
    CloseCode,
    check_tool_name,
)
from .context import assemble_args, context_update, inline_part
from .events import (
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
from .usage import Usage

__all__ = [
    "CLIENT_MESSAGE_TYPES",
    "DIALECTS",
    "INPUT_RATE",
    "KNOWN_FIELDS",
    "OUTPUT_RATE",
    "SCHEDULING_VALUES",
    "SERVER_MESSAGE_TYPES",
    "TOOL_NAME_RE",
    "AudioChunk",
    "CloseCode",
    "CodePart",
    "Event",
    "Events",
    "FunctionCall",
    "FunctionResponse",
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
    "ProtocolError",
    "ProtocolTypeError",
    "SessionResumptionUpdate",
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
    "activity_end",
    "activity_start",
    "assemble_args",
    "audio_stream_end",
    "check_tool_name",
    "client_content",
    "context_update",
    "decode_b64",
    "dumps",
    "encode_b64",
    "inline_part",
    "media_chunks",
    "normalize_keys",
    "parse_client_message",
    "parse_server_message",
    "realtime_audio",
    "realtime_audio_frame",
    "realtime_text",
    "realtime_video",
    "setup_message",
    "to_camel",
    "tool_response",
]
