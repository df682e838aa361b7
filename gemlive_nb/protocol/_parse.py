"""Reading frames: server frames into typed events, client frames into ``(type, body)``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..exceptions import ProtocolError

# public helpers of the private _codec, under short local names (this file's call sites unchanged)
from ._codec import as_count as _count
from ._codec import as_flag as _flag
from ._codec import as_list as _list
from ._codec import as_object as _obj
from ._codec import kind_of as _kind
from ._codec import normalize_keys
from ._codec import opt_flag as _opt_flag
from ._codec import opt_str as _opt_str
from ._content import READ, Spec, server_content, unread, wire_seconds
from .constants import CLIENT_MESSAGE_TYPES
from .events import (
    Event,
    FunctionCall,
    GoAway,
    SessionResumptionUpdate,
    SetupComplete,
    ToolCall,
    ToolCallCancellation,
    Unknown,
    VoiceActivity,
    VoiceActivitySignal,
)
from .usage import Usage

Events = list[Event]


def _setup_complete(value: Any, path: str) -> Events:
    body = _obj(value, path)
    # The SDK's type is an object, VoiceConsentSignature{signature} (google-genai types.py);
    # a bare string is read too.
    signature = body.get("voiceConsentSignature")
    where = f"{path}.voiceConsentSignature"
    if isinstance(signature, dict):
        signature = _opt_str(signature.get("signature"), f"{where}.signature")
    return [
        SetupComplete(
            _opt_str(body.get("sessionId"), f"{path}.sessionId"),
            _opt_str(signature, where),
            raw=body,
            extra=unread(body, READ["setupComplete"]),
        )
    ]


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
        partial = tuple(
            _obj(item, f"{where}.partialArgs[{j}]")
            for j, item in enumerate(_list(call.get("partialArgs"), f"{where}.partialArgs"))
        )
        more = _opt_flag(call.get("willContinue"), f"{where}.willContinue")
        calls.append(
            FunctionCall(_opt_str(call.get("id"), f"{where}.id"), name, args, partial, more)
        )
    return [ToolCall(tuple(calls), raw=body, extra=unread(body, READ["toolCall"]))]


def _tool_call_cancellation(value: Any, path: str) -> Events:
    body = _obj(value, path)
    ids = _list(body.get("ids"), f"{path}.ids")
    for i, x in enumerate(ids):
        if not isinstance(x, str):
            raise ProtocolError(f"{path}.ids[{i}] must be a string, got {_kind(x)}")
    extra = unread(body, READ["toolCallCancellation"])
    return [ToolCallCancellation(tuple(ids), raw=body, extra=extra)]


def _go_away(value: Any, path: str) -> Events:
    body = _obj(value, path)
    left = wire_seconds(body.get("timeLeft"), f"{path}.timeLeft") or 0.0
    return [GoAway(left, raw=body, extra=unread(body, READ["goAway"]))]


def _resumption(value: Any, path: str) -> Events:
    body = _obj(value, path)
    handle = _opt_str(body.get("newHandle"), f"{path}.newHandle") or None
    resumable = _flag(body.get("resumable"), f"{path}.resumable")
    index_key = "lastConsumedClientMessageIndex"
    index = _count(body.get(index_key), f"{path}.{index_key}")
    extra = unread(body, READ["sessionResumptionUpdate"])
    return [SessionResumptionUpdate(handle, resumable, index, raw=body, extra=extra)]


def _voice_activity(cls: type[VoiceActivity], kind_key: str) -> Callable[[Any, str], Events]:
    def handler(value: Any, path: str) -> Events:
        body = _obj(value, path)
        kind = _opt_str(body.get(kind_key), f"{path}.{kind_key}") or "UNSPECIFIED"
        offset = wire_seconds(body.get("audioOffset"), f"{path}.audioOffset")
        read: Spec = {kind_key: None, "audioOffset": None}
        return [cls(kind, offset, raw=body, extra=unread(body, read))]

    return handler


def _usage(value: Any, path: str) -> Events:
    return [Usage.from_dict(_obj(value, path), path)]


# Table order is event order inside one frame; usage always comes last, after unknown types.
_MESSAGE_HANDLERS: dict[str, Callable[[Any, str], Events]] = {
    "setupComplete": _setup_complete,
    "serverContent": server_content,
    "toolCall": _tool_call,
    "toolCallCancellation": _tool_call_cancellation,
    "goAway": _go_away,
    "sessionResumptionUpdate": _resumption,
    "voiceActivity": _voice_activity(VoiceActivity, "type"),
    "voiceActivityDetectionSignal": _voice_activity(VoiceActivitySignal, "vadSignalType"),
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
