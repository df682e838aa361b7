"""Reading frames: server frames into typed events, client frames into ``(type, body)``."""

from __future__ import annotations

import binascii
import json
import sys
from collections.abc import Callable
from typing import Any

from ..exceptions import ProtocolError

# public helpers of the private _codec, under short local names (this file's call sites unchanged)
from ._codec import as_count as _count
from ._codec import as_flag as _flag
from ._codec import as_list as _list
from ._codec import as_object as _obj
from ._codec import decode_b64, normalize_keys, wire_seconds
from ._codec import kind_of as _kind
from ._codec import opt_flag as _opt_flag
from ._codec import opt_str as _opt_str
from ._content import server_content
from ._known import READ, Spec, unread
from .constants import CLIENT_MESSAGE_TYPES
from .events import (
    AudioChunk,
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
    return normalize_keys(_json(frame))


def _json(frame: Any) -> dict[str, Any]:
    """JSON text or UTF-8 bytes -> the message object, as sent."""
    if isinstance(frame, (bytes, bytearray, memoryview)):
        try:  # UTF-8, a byte-order mark allowed (utf-8-sig, whose codec is slower)
            frame = bytes(frame).decode("utf-8").removeprefix("\ufeff")
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
    return message


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


# The reply's audio frame, ~25 a second: read without the general path's copies. The mime types
# the service sends (real frames: pydantic-ai's cassettes; Vertex leaves out the rate).
_HOT_MIMES = {"audio/pcm;rate=24000": 24000, "audio/pcm": 24000}
# What may ride with it (3.1 sends its words in the audio's message): parsed after modelTurn,
# its event's raw is its own object (a flag's is the whole serverContent: the general way)
_HOT_BESIDE = frozenset({"outputTranscription"})
_PLAIN_WORDS = frozenset({"text", "finished"})  # a transcript piece's keys, none to normalise
_HOT_PATH = "serverContent.modelTurn.parts[0].inlineData.data"


# The same frame exactly as the service writes it (compact, keys in this order), read without
# JSON: the text between is the mime type, then the base64 data.
_HOT_HEAD = '{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"'
_HOT_DATA = '","data":"'
_HOT_TAIL = '"}}]}}}'
_HOT_HEAD_BYTES, _HOT_TAIL_BYTES = _HOT_HEAD.encode(), _HOT_TAIL.encode()

if sys.version_info >= (3, 11):

    def _b64(data: str) -> bytes:
        """:func:`decode_b64` without its wrapper's copy, for the common standard alphabet."""
        try:
            return binascii.a2b_base64(data, strict_mode=True)  # what b64decode(validate=) does
        except (binascii.Error, ValueError):
            return decode_b64(data, _HOT_PATH)  # the URL-safe alphabet, no padding, or an error

    def _hot_frame(frame: Any) -> Events | None:
        """The events of a frame in exactly the service's audio shape, else None.

        The mime type must be one of ``_HOT_MIMES`` and the data strict base64, so the frame is
        the JSON the general path would read and the events are the ones it gives; fields after
        ``modelTurn`` (``_HOT_BESIDE``) are read as JSON. Anything else goes the general way.
        """
        if type(frame) is bytes:
            if not frame.startswith(_HOT_HEAD_BYTES):
                return None
            try:
                frame = frame.decode("ascii")
            except UnicodeDecodeError:
                return None
        elif type(frame) is not str or not frame.startswith(_HOT_HEAD):
            return None
        at = len(_HOT_HEAD)
        end = frame.find('"', at)
        mime = frame[at:end]
        rate = _HOT_MIMES.get(mime)
        if rate is None or not frame.startswith(_HOT_DATA, end):
            return None
        at = end + len(_HOT_DATA)
        end = frame.find('"', at)
        data = frame[at:end]
        tail = frame[end:]
        try:
            pcm = binascii.a2b_base64(data, strict_mode=True)  # refuses '"', '\\', anything odd
            rest = None if tail == _HOT_TAIL else _hot_rest(tail)
        except (binascii.Error, ValueError, RecursionError):
            return None
        part = {"inlineData": {"mimeType": mime, "data": data}}
        events: Events = [AudioChunk(pcm, rate, mime, raw=part)]
        if rest is not None:
            events.extend(server_content(normalize_keys(rest), "serverContent"))
        return events

    def _hot_rest(tail: str) -> dict[str, Any]:
        """The serverContent fields after the audio's modelTurn; ValueError if not that."""
        if not (tail.startswith(_HOT_TAIL[:-2] + ",") and tail.endswith("}")):
            raise ValueError(tail[:20])
        rest = json.loads("{" + tail[len(_HOT_TAIL) - 1 : -1])
        if type(rest) is not dict or not rest or not _HOT_BESIDE.issuperset(rest):
            raise ValueError(tail[:20])
        return rest

else:  # pragma: no cover - Python 3.10

    def _b64(data: str) -> bytes:
        return decode_b64(data, _HOT_PATH)

    def _hot_frame(frame: Any) -> Events | None:
        return None


def _hot_audio(message: dict[str, Any]) -> Events | None:
    """The events of a frame holding one audio part (and fields after it), else None.

    The same events as the general path: camelCase keys only, one part with nothing beside
    ``inlineData`` and nothing beside ``mimeType`` and ``data`` in it. A message with only an
    output-transcript piece (2.5 sends them between the audio) is read without copies too.
    """
    if len(message) != 1:
        return None
    content = message.get("serverContent")
    if type(content) is not dict:
        return None
    if len(content) == 1:
        words = content.get("outputTranscription")
        if type(words) is dict and _PLAIN_WORDS.issuperset(words):
            return server_content(content, "serverContent")
    turn = content.get("modelTurn")
    if type(turn) is not dict or len(turn) != 1:
        return None
    parts = turn.get("parts")
    if type(parts) is not list or len(parts) != 1:
        return None
    part = parts[0]
    if type(part) is not dict or len(part) != 1:
        return None
    blob = part.get("inlineData")
    if type(blob) is not dict or len(blob) != 2:
        return None
    mime, data = blob.get("mimeType"), blob.get("data")
    if type(mime) is not str or type(data) is not str:
        return None
    rate = _HOT_MIMES.get(mime)
    if rate is None:
        return None
    events: Events = [AudioChunk(_b64(data), rate, mime, raw=part)]
    if len(content) > 1:
        rest = {k: v for k, v in content.items() if k != "modelTurn"}
        if not _HOT_BESIDE.issuperset(rest):
            return None
        events.extend(server_content(normalize_keys(rest), "serverContent"))
    return events


def _parse_server(frame: Any) -> Events:
    hot = _hot_frame(frame)
    if hot is not None:
        return hot
    loaded = _json(frame)
    hot = _hot_audio(loaded)
    return _general(loaded) if hot is None else hot


def _general(loaded: dict[str, Any]) -> Events:
    """The events of any message (the hot paths give the same for theirs)."""
    message = normalize_keys(loaded)
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
