"""Reading frames: server frames into typed events, client frames into ``(type, body)``."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from ..exceptions import ProtocolError
from ._codec import (
    _INT64_MAX,
    _count,
    _flag,
    _kind,
    _list,
    _obj,
    _opt_flag,
    _opt_str,
    decode_b64,
    normalize_keys,
)
from .constants import CLIENT_MESSAGE_TYPES, OUTPUT_RATE
from .events import (
    AudioChunk,
    CodePart,
    Event,
    FunctionCall,
    GenerationComplete,
    GoAway,
    GroundingMetadata,
    GroundingSource,
    InlineData,
    InputTranscript,
    Interrupted,
    OutputTranscript,
    SessionResumptionUpdate,
    SetupComplete,
    TextPart,
    ToolCall,
    ToolCallCancellation,
    Transcript,
    TurnComplete,
    Unknown,
    VoiceActivity,
    WaitingForInput,
)
from .usage import Usage

_DURATION_RE = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*s?\s*")


def _duration(value: Any, path: str) -> float:
    """Seconds from a proto Duration: ``"9.5s"``, a number, or ``{seconds, nanos}``."""
    if value is None:
        return 0.0
    if isinstance(value, dict):
        seconds = _count(value.get("seconds", 0), f"{path}.seconds") or 0
        nanos = _count(value.get("nanos", 0), f"{path}.nanos") or 0
        return seconds + nanos / 1e9
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 0 <= value <= _INT64_MAX and math.isfinite(value):
            return float(value)
    elif isinstance(value, str):
        match = _DURATION_RE.fullmatch(value)
        if match:
            return float(match.group(1))
    raise ProtocolError(f"{path} must be a duration like '9.5s', got {value!r:.40}")


def _audio_rate(mime_type: str, path: str) -> int:
    """The ``rate=`` parameter of an ``audio/pcm`` mime type (24000 when absent)."""
    for param in mime_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "rate":
            value = value.strip()
            if not value.isdecimal() or not 0 < int(value) < 10_000_000:
                raise ProtocolError(f"{path} has a bad rate {value!r}: expected e.g. rate=24000")
            return int(value)
    return OUTPUT_RATE


_PCM_MIME_PREFIXES = ("audio/pcm", "audio/l16")


def _part_inline(value: Any, part: dict[str, Any], path: str) -> Event:
    blob = _obj(value, path)
    mime = _opt_str(blob.get("mimeType"), f"{path}.mimeType") or ""
    data = decode_b64(blob.get("data") or "", f"{path}.data")
    if mime.lower().startswith(_PCM_MIME_PREFIXES):
        return AudioChunk(data, _audio_rate(mime, f"{path}.mimeType"), mime, raw=part)
    return InlineData(data, mime, raw=part)


def _part_text(value: Any, part: dict[str, Any], path: str) -> Event:
    text = _opt_str(value, path) or ""
    return TextPart(
        text, _flag(part.get("thought"), path.rpartition(".")[0] + ".thought"), raw=part
    )


def _part_code(kind: str) -> Callable[[Any, dict[str, Any], str], Event]:
    def handler(value: Any, part: dict[str, Any], path: str) -> Event:
        return CodePart(kind, raw=_obj(value, path))

    return handler


_PART_HANDLERS: dict[str, Callable[[Any, dict[str, Any], str], Event]] = {
    "text": _part_text,
    "inlineData": _part_inline,
    "executableCode": _part_code("executableCode"),
    "codeExecutionResult": _part_code("codeExecutionResult"),
}

Events = list[Event]
_ContentHandler = Callable[[Any, dict[str, Any], str], Events]


def _model_turn(value: Any, content: dict[str, Any], path: str) -> Events:
    events: Events = []
    for i, part in enumerate(_list(_obj(value, path).get("parts"), f"{path}.parts")):
        where = f"{path}.parts[{i}]"
        part = _obj(part, where)
        key = next((k for k in part if k in _PART_HANDLERS), None)
        if key is not None:
            events.append(_PART_HANDLERS[key](part[key], part, f"{where}.{key}"))
        elif part:
            events.append(Unknown(f"modelTurn.parts.{next(iter(part))}", raw=part))
    return events


def _transcript(cls: type[Transcript]) -> _ContentHandler:
    def handler(value: Any, content: dict[str, Any], path: str) -> Events:
        t = _obj(value, path)
        text = _opt_str(t.get("text"), f"{path}.text") or ""
        return [cls(text, _opt_flag(t.get("finished"), f"{path}.finished"), raw=t)]

    return handler


def _flag_event(cls: type[Event]) -> _ContentHandler:
    def handler(value: Any, content: dict[str, Any], path: str) -> Events:
        return [cls(raw=content)] if _flag(value, path) else []

    return handler


def _turn_complete(value: Any, content: dict[str, Any], path: str) -> Events:
    if not _flag(value, path):
        return []
    reason = _opt_str(content.get("turnCompleteReason"), "serverContent.turnCompleteReason")
    return [TurnComplete(reason, raw=content)]


def _grounding(value: Any, content: dict[str, Any], path: str) -> Events:
    g = _obj(value, path)
    sources = []
    for i, chunk in enumerate(_list(g.get("groundingChunks"), f"{path}.groundingChunks")):
        where = f"{path}.groundingChunks[{i}]"
        for key, source in _obj(chunk, where).items():  # web | retrievedContext | maps
            if isinstance(source, dict):
                title = _opt_str(source.get("title"), f"{where}.{key}.title")
                uri = _opt_str(source.get("uri"), f"{where}.{key}.uri")
                sources.append(GroundingSource(title, uri))
                break
    queries = _list(g.get("webSearchQueries"), f"{path}.webSearchQueries")
    for i, q in enumerate(queries):
        _opt_str(q, f"{path}.webSearchQueries[{i}]")
    return [GroundingMetadata(tuple(sources), tuple(q for q in queries if q is not None), raw=g)]


# Table order is event order inside one serverContent (the order the service sends them in).
_CONTENT_HANDLERS: dict[str, _ContentHandler] = {
    "inputTranscription": _transcript(InputTranscript),
    "modelTurn": _model_turn,
    "outputTranscription": _transcript(OutputTranscript),
    "interrupted": _flag_event(Interrupted),
    "generationComplete": _flag_event(GenerationComplete),
    "waitingForInput": _flag_event(WaitingForInput),
    "turnComplete": _turn_complete,
    "groundingMetadata": _grounding,
}


def _server_content(value: Any, path: str) -> Events:
    content = _obj(value, path)
    events: Events = []
    for key, handler in _CONTENT_HANDLERS.items():
        if key in content:
            events.extend(handler(content[key], content, f"{path}.{key}"))
    return events


def _setup_complete(value: Any, path: str) -> Events:
    body = _obj(value, path)
    return [SetupComplete(_opt_str(body.get("sessionId"), f"{path}.sessionId"), raw=body)]


def _tool_call(value: Any, path: str) -> Events:
    body = _obj(value, path)
    calls = []
    for i, call in enumerate(_list(body.get("functionCalls"), f"{path}.functionCalls")):
        where = f"{path}.functionCalls[{i}]"
        call = _obj(call, where)
        name = _opt_str(call.get("name"), f"{where}.name")
        if not name:
            raise ProtocolError(f"{where}.name is missing: a function call needs a name")
        args = _obj(call.get("args"), f"{where}.args")
        calls.append(FunctionCall(_opt_str(call.get("id"), f"{where}.id"), name, args))
    return [ToolCall(tuple(calls), raw=body)]


def _tool_call_cancellation(value: Any, path: str) -> Events:
    body = _obj(value, path)
    ids = _list(body.get("ids"), f"{path}.ids")
    for i, x in enumerate(ids):
        if not isinstance(x, str):
            raise ProtocolError(f"{path}.ids[{i}] must be a string, got {_kind(x)}")
    return [ToolCallCancellation(tuple(ids), raw=body)]


def _go_away(value: Any, path: str) -> Events:
    body = _obj(value, path)
    return [GoAway(_duration(body.get("timeLeft"), f"{path}.timeLeft"), raw=body)]


def _resumption(value: Any, path: str) -> Events:
    body = _obj(value, path)
    handle = _opt_str(body.get("newHandle"), f"{path}.newHandle") or None
    resumable = _flag(body.get("resumable"), f"{path}.resumable")
    index_key = "lastConsumedClientMessageIndex"
    index = _count(body.get(index_key), f"{path}.{index_key}")
    return [SessionResumptionUpdate(handle, resumable, index, raw=body)]


def _voice_activity(kind_key: str) -> Callable[[Any, str], Events]:
    def handler(value: Any, path: str) -> Events:
        body = _obj(value, path)
        kind = _opt_str(body.get(kind_key), f"{path}.{kind_key}") or "UNSPECIFIED"
        return [VoiceActivity(kind, raw=body)]

    return handler


def _usage(value: Any, path: str) -> Events:
    return [Usage.from_dict(_obj(value, path), path)]


# Table order is event order inside one frame; usage always comes last, after unknown types.
_MESSAGE_HANDLERS: dict[str, Callable[[Any, str], Events]] = {
    "setupComplete": _setup_complete,
    "serverContent": _server_content,
    "toolCall": _tool_call,
    "toolCallCancellation": _tool_call_cancellation,
    "goAway": _go_away,
    "sessionResumptionUpdate": _resumption,
    "voiceActivity": _voice_activity("type"),
    "voiceActivityDetectionSignal": _voice_activity("vadSignalType"),
}
_USAGE_KEY = "usageMetadata"


def _load(frame: Any) -> dict[str, Any]:
    """JSON text or UTF-8 bytes -> the message object, normalised to camelCase keys."""
    if isinstance(frame, (bytes, bytearray, memoryview)):
        try:
            frame = bytes(frame).decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise ProtocolError(f"frame is not UTF-8 text: {e}") from None
    if not isinstance(frame, str):
        raise ProtocolError(f"frame must be str or bytes, got {type(frame).__name__}")
    try:
        message = json.loads(frame)
    except RecursionError:
        raise ProtocolError("frame is not JSON: nested too deeply") from None
    except ValueError as e:
        raise ProtocolError(f"frame is not JSON: {e} (starts {frame[:40]!r})") from None
    if not isinstance(message, dict):
        raise ProtocolError(f"frame must be a JSON object, got {_kind(message)}")
    return normalize_keys(message)


def _guarded(fn: Callable[[Any], Any], frame: Any) -> Any:
    # The handlers check every type they touch; this net turns any slip into a ProtocolError
    # so that one odd frame can never crash a session's receive loop with a bare TypeError.
    try:
        return fn(frame)
    except ProtocolError:
        raise
    except RecursionError:
        raise ProtocolError("frame is nested too deeply to parse") from None
    except (ArithmeticError, AttributeError, LookupError, TypeError, ValueError) as e:
        raise ProtocolError(f"malformed frame: {type(e).__name__}: {e}") from None


def _parse_server(frame: Any) -> Events:
    message = _load(frame)
    events: Events = []
    for key, handler in _MESSAGE_HANDLERS.items():
        if key in message:
            events.extend(handler(message[key], key))
    for key, value in message.items():
        if key not in _MESSAGE_HANDLERS and key != _USAGE_KEY:
            events.append(Unknown(key, raw=value if isinstance(value, dict) else {key: value}))
    if _USAGE_KEY in message:
        events.extend(_usage(message[_USAGE_KEY], _USAGE_KEY))
    return events


def parse_server_message(frame: str | bytes | bytearray | memoryview) -> list[Event]:
    """Turn one server frame (text or binary JSON, either key casing) into typed events.

    Raises :class:`ProtocolError` (and nothing else) for a frame that is not valid Live API JSON.
    Example::

        parse_server_message(b'{"serverContent":{"turnComplete":true},'
                             b'"usageMetadata":{"totalTokenCount":9}}')
        # [TurnComplete(reason=None), Usage(prompt_tokens=None, …, total_tokens=9, …)]
    """
    return _guarded(_parse_server, frame)


def _parse_client(frame: Any) -> tuple[str, dict[str, Any]]:
    message = _load(frame)
    kinds = [k for k in message if k in CLIENT_MESSAGE_TYPES]
    if len(kinds) != 1 or len(message) != 1:
        raise ProtocolError(
            f"a client message needs exactly one of {', '.join(CLIENT_MESSAGE_TYPES)}; "
            f"got keys {sorted(message)}"
        )
    kind = kinds[0]
    return kind, _obj(message[kind], kind)


def parse_client_message(frame: str | bytes | bytearray | memoryview) -> tuple[str, dict[str, Any]]:
    """Read a client frame: ``(type, body)`` with the body's keys normalised to camelCase.

    Example::

        parse_client_message('{"realtime_input": {"audio_stream_end": true}}')
        # ('realtimeInput', {'audioStreamEnd': True})
    """
    return _guarded(_parse_client, frame)
