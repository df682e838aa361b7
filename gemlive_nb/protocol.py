"""The Gemini Live wire format: build client messages, parse server frames. No I/O.

Everything here works on plain dicts and JSON text (PROTOCOL.md §2–§3, §7)::

    from gemlive_nb import protocol as p
    p.dumps(p.realtime_text("hi"))        # '{"realtimeInput":{"text":"hi"}}'
    p.parse_server_message(b'{"setupComplete":{}}')   # [SetupComplete(session_id=None)]
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from functools import lru_cache
from typing import Any

from .exceptions import ProtocolError

__all__ = [
    "CLIENT_MESSAGE_TYPES",
    "INPUT_RATE",
    "OUTPUT_RATE",
    "SCHEDULING_VALUES",
    "SERVER_MESSAGE_TYPES",
    "AudioChunk",
    "CloseCode",
    "CodePart",
    "Event",
    "FunctionCall",
    "FunctionResponse",
    "GenerationComplete",
    "GoAway",
    "GroundingMetadata",
    "GroundingSource",
    "InlineData",
    "InputTranscript",
    "Interrupted",
    "OutputTranscript",
    "ProtocolError",
    "SessionResumptionUpdate",
    "SetupComplete",
    "TextPart",
    "ToolCall",
    "ToolCallCancellation",
    "Transcript",
    "TurnComplete",
    "Unknown",
    "Usage",
    "VoiceActivity",
    "WaitingForInput",
    "activity_end",
    "activity_start",
    "audio_stream_end",
    "client_content",
    "decode_b64",
    "dumps",
    "encode_b64",
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

# Keys whose *values* are free-form user data (proto Struct): their inner keys are data, not
# field names, and must reach the other side unchanged.
_OPAQUE_KEYS = frozenset({"args", "response", "parametersJsonSchema", "responseJsonSchema"})
# Keys whose value maps user-chosen names to schemas: the names stay, the schemas are normalised.
_NAMED_SCHEMA_KEYS = frozenset({"properties"})


@lru_cache(maxsize=4096)
def to_camel(key: str) -> str:
    """Turn a snake_case field name into camelCase; other names come back unchanged.

    Leading underscores are kept. Example::

        to_camel("voice_config")   # 'voiceConfig'
        to_camel("voiceConfig")    # 'voiceConfig'
    """
    if "_" not in key:
        return key
    stripped = key.lstrip("_")
    lead = key[: len(key) - len(stripped)]
    head, *rest = stripped.split("_")
    return lead + head + "".join(w[:1].upper() + w[1:] for w in rest)


def _copy_data(obj: Any) -> Any:
    """A deep copy of JSON data with keys untouched."""
    if isinstance(obj, dict):
        return {k: _copy_data(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_copy_data(v) for v in obj]
    return obj


def normalize_keys(obj: Any) -> Any:
    """A copy of ``obj`` with snake_case keys turned camelCase at every depth.

    Free-form payloads are left as they are: the values of ``args``, ``response``,
    ``parametersJsonSchema`` and ``responseJsonSchema`` (either spelling), and the property names
    directly under a schema's ``properties`` (the schemas under them are still normalised)::

        normalize_keys({"tool_response": {"function_responses": [
            {"id": "1", "name": "f", "response": {"snake_key": 1}}]}})
        # {'toolResponse': {'functionResponses': [
        #     {'id': '1', 'name': 'f', 'response': {'snake_key': 1}}]}}
    """
    if isinstance(obj, dict):
        out: dict[Any, Any] = {}
        for key, value in obj.items():
            name = to_camel(key) if isinstance(key, str) else key
            if name in _OPAQUE_KEYS:
                out[name] = _copy_data(value)
            elif name in _NAMED_SCHEMA_KEYS and isinstance(value, dict):
                out[name] = {k: normalize_keys(v) for k, v in value.items()}
            else:
                out[name] = normalize_keys(value)
        return out
    if isinstance(obj, (list, tuple)):
        return [normalize_keys(v) for v in obj]
    return obj


_URLSAFE_TO_STD = str.maketrans("-_", "+/")


def decode_b64(data: str | bytes, field: str = "data") -> bytes:
    """Decode base64 in the standard or URL-safe alphabet, padded or not.

    ``field`` names the value in the error message. Example::

        decode_b64("AAECAw==") == decode_b64("AAECAw") == b"\\x00\\x01\\x02\\x03"
        decode_b64("_9j_4A")   # URL-safe, as the Python SDK sends
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        try:
            data = bytes(data).decode("ascii")
        except UnicodeDecodeError:
            raise ProtocolError(f"{field} is not base64: it contains non-ASCII bytes") from None
    if not isinstance(data, str):
        raise ProtocolError(f"{field} must be a base64 string, got {type(data).__name__}")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        pass
    text = "".join(data.split()).translate(_URLSAFE_TO_STD).rstrip("=")
    if len(text) % 4 == 1:
        raise ProtocolError(f"{field} is not base64: length {len(text)} is impossible")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError) as e:
        raise ProtocolError(f"{field} is not base64: {e} (value starts {data[:16]!r})") from None


def encode_b64(data: bytes | bytearray | memoryview) -> str:
    """Standard, padded base64 text, as the service sends bytes. Example::

    encode_b64(b"\\x00\\x01\\x02\\x03")   # 'AAECAw=='
    """
    return base64.b64encode(data).decode("ascii")


_ENCODER = json.JSONEncoder(separators=(",", ":"))


def dumps(message: dict[str, Any]) -> str:
    """Compact JSON text for one client frame. Example::

    dumps({"realtimeInput": {"text": "hi"}})   # '{"realtimeInput":{"text":"hi"}}'
    """
    return _ENCODER.encode(message)


# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------

INPUT_RATE = 16000
"""Native sample rate of microphone audio sent to the service (Hz)."""
OUTPUT_RATE = 24000
"""Sample rate of the audio the service sends (Hz)."""
# Stand-in until the layout branch lands (it defines the same name in gemlive_nb/protocol/).
TOOL_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]{0,127}")

CLIENT_MESSAGE_TYPES = ("setup", "clientContent", "realtimeInput", "toolResponse", "contextUpdate")
SERVER_MESSAGE_TYPES = (
    "setupComplete",
    "serverContent",
    "toolCall",
    "toolCallCancellation",
    "goAway",
    "sessionResumptionUpdate",
    "voiceActivity",
    "voiceActivityDetectionSignal",
    "usageMetadata",
)
SCHEDULING_VALUES = ("SILENT", "WHEN_IDLE", "INTERRUPT")


class CloseCode(IntEnum):
    """WebSocket close codes the Live API uses (PROTOCOL.md §1). ``CloseCode(1007).name``."""

    NORMAL = 1000
    GOING_AWAY = 1001
    PROTOCOL_ERROR = 1002
    ABNORMAL = 1006  # no close frame arrived
    INVALID_ARGUMENT = 1007  # bad setup, bad language code, expired key, …
    POLICY_VIOLATION = 1008  # bad credentials, unknown model, end of connection lifetime
    MESSAGE_TOO_BIG = 1009
    INTERNAL_ERROR = 1011

    @classmethod
    def describe(cls, code: int) -> str:
        """``'INVALID_ARGUMENT (1007)'``, or ``'1234'`` for a code without a name."""
        try:
            return f"{cls(code).name} ({int(code)})"
        except ValueError:
            return str(code)


# --------------------------------------------------------------------------------------------
# Client message builders
# --------------------------------------------------------------------------------------------

_BYTES_LIKE = (bytes, bytearray, memoryview)


def _check_bytes(value: object, name: str) -> int:
    """Raise unless ``value`` is bytes-like; return its length in bytes."""
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    if isinstance(value, memoryview):
        return value.nbytes
    hint = " (for a numpy array use samples.astype('<i2').tobytes())" if name == "pcm" else ""
    raise TypeError(
        f"{name} must be bytes, bytearray or memoryview, not {type(value).__name__}{hint}"
    )


def _check_pcm(pcm: object) -> None:
    if _check_bytes(pcm, "pcm") % 2:
        raise ProtocolError("pcm has an odd number of bytes; PCM16 needs 2 bytes per sample")


def _check_rate(rate: object) -> int:
    if isinstance(rate, bool) or not isinstance(rate, int):
        raise TypeError(f"rate must be an int (Hz), not {type(rate).__name__}: {rate!r}")
    if rate <= 0:
        raise ProtocolError(f"rate must be a positive sample rate in Hz, got {rate}")
    return rate


def _check_str(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}: {value!r:.60}")
    return value


def _check_bool(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, not {type(value).__name__}: {value!r:.60}")
    return value


def _check_dict(value: object, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a dict, not {type(value).__name__}: {value!r:.60}")
    return value


def _pcm_mime(rate: int) -> str:
    return f"audio/pcm;rate={rate}"


def setup_message(setup: dict[str, Any]) -> dict[str, Any]:
    """Wrap a setup body (keys normalised to camelCase) as the first client message.

    Example::

        setup_message({"model": "models/gemini-live-2.5-flash-native-audio"})
        # {'setup': {'model': 'models/gemini-live-2.5-flash-native-audio'}}
    """
    _check_dict(setup, "setup")
    if "setup" in setup:
        raise ProtocolError("setup_message() takes the setup body, not {'setup': …}; unwrap it")
    return {"setup": normalize_keys(setup)}


def _check_turn(turn: object, i: int) -> dict[str, Any]:
    turn = normalize_keys(_check_dict(turn, f"turns[{i}]"))
    role = turn.get("role", "user")
    if role not in ("user", "model"):
        raise ProtocolError(f"turns[{i}].role must be 'user' or 'model', got {role!r}")
    parts = turn.get("parts")
    if not isinstance(parts, list) or not all(isinstance(p, dict) for p in parts):
        raise ProtocolError(f"turns[{i}].parts must be a list of part dicts, got {parts!r:.60}")
    return turn


def client_content(
    turns: str | dict[str, Any] | list[dict[str, Any]] | None = None, turn_complete: bool = True
) -> dict[str, Any]:
    """Ordered conversation content (``clientContent``).

    ``turns`` is text (one user turn), one turn dict, a list of turns (``{"role", "parts"}``), or
    None to send only ``turnComplete``. Example::

        client_content("Hello")
        # {'clientContent': {'turns': [{'role': 'user', 'parts': [{'text': 'Hello'}]}],
        #                    'turnComplete': True}}
        client_content()   # {'clientContent': {'turnComplete': True}}
    """
    _check_bool(turn_complete, "turn_complete")
    body: dict[str, Any] = {}
    if isinstance(turns, str):
        body["turns"] = [{"role": "user", "parts": [{"text": turns}]}]
    elif isinstance(turns, dict):
        body["turns"] = [_check_turn(turns, 0)]
    elif isinstance(turns, (list, tuple)):
        body["turns"] = [_check_turn(t, i) for i, t in enumerate(turns)]
    elif turns is not None:
        raise TypeError(
            f"turns must be text, a turn dict or a list of turns, not {type(turns).__name__}"
        )
    body["turnComplete"] = turn_complete
    return {"clientContent": body}


def _blob(data: bytes, mime_type: str) -> dict[str, str]:
    return {"data": encode_b64(data), "mimeType": mime_type}


def realtime_audio(pcm: bytes, rate: int = INPUT_RATE) -> dict[str, Any]:
    """Microphone audio: PCM16 LE mono bytes at ``rate`` Hz. Example::

    realtime_audio(b"\\x00\\x00")
    # {'realtimeInput': {'audio': {'data': 'AAA=', 'mimeType': 'audio/pcm;rate=16000'}}}
    """
    _check_pcm(pcm)
    return {"realtimeInput": {"audio": _blob(pcm, _pcm_mime(_check_rate(rate)))}}


_AUDIO_HEAD = '{"realtimeInput":{"audio":{"data":"'
_audio_tails: dict[int, str] = {}


def realtime_audio_frame(pcm: bytes, rate: int = INPUT_RATE) -> str:
    """The JSON text of :func:`realtime_audio`, built by concatenation (the 50 frames/s hot path).

    Equal to ``dumps(realtime_audio(pcm, rate))``. Example::

        realtime_audio_frame(b"\\x00\\x00")
        # '{"realtimeInput":{"audio":{"data":"AAA=","mimeType":"audio/pcm;rate=16000"}}}'
    """
    tail = _audio_tails.get(rate) if type(rate) is int else None
    if tail is None:
        tail = '","mimeType":"' + _pcm_mime(_check_rate(rate)) + '"}}}'
        if len(_audio_tails) < 64:
            _audio_tails[rate] = tail
    if type(pcm) is not bytes or len(pcm) & 1:
        _check_pcm(pcm)
    return _AUDIO_HEAD + binascii.b2a_base64(pcm, newline=False).decode("ascii") + tail


def realtime_video(data: bytes, mime_type: str = "image/jpeg") -> dict[str, Any]:
    """One video frame (JPEG or PNG, at most about 1 per second). Example::

    realtime_video(jpeg_bytes)
    # {'realtimeInput': {'video': {'data': '/9j/…', 'mimeType': 'image/jpeg'}}}
    """
    _check_bytes(data, "data")
    if not _check_str(mime_type, "mime_type").startswith("image/"):
        raise ProtocolError(f"mime_type must start with 'image/' for video, got {mime_type!r}")
    return {"realtimeInput": {"video": _blob(data, mime_type)}}


def realtime_text(text: str) -> dict[str, Any]:
    """Streaming text input (``realtimeInput.text``). Example::

    realtime_text("hi")   # {'realtimeInput': {'text': 'hi'}}
    """
    return {"realtimeInput": {"text": _check_str(text, "text")}}


def activity_start() -> dict[str, Any]:
    """Manual VAD: the user started speaking. ``{'realtimeInput': {'activityStart': {}}}``."""
    return {"realtimeInput": {"activityStart": {}}}


def activity_end() -> dict[str, Any]:
    """Manual VAD: the user stopped speaking. ``{'realtimeInput': {'activityEnd': {}}}``."""
    return {"realtimeInput": {"activityEnd": {}}}


def audio_stream_end() -> dict[str, Any]:
    """The microphone paused or closed. ``{'realtimeInput': {'audioStreamEnd': True}}``."""
    return {"realtimeInput": {"audioStreamEnd": True}}


def media_chunks(pcm: bytes, rate: int = INPUT_RATE, legacy: bool = False) -> dict[str, Any]:
    """Audio as :func:`realtime_audio`, or with ``legacy=True`` in the deprecated ``mediaChunks``.

    Example::

        media_chunks(b"\\x00\\x00", legacy=True)
        # {'realtimeInput': {'mediaChunks': [{'data': 'AAA=', 'mimeType': 'audio/pcm;rate=16000'}]}}
    """
    if not _check_bool(legacy, "legacy"):
        return realtime_audio(pcm, rate)
    _check_pcm(pcm)
    return {"realtimeInput": {"mediaChunks": [_blob(pcm, _pcm_mime(_check_rate(rate)))]}}


_RESPONSE_FIELDS = frozenset({"id", "name", "response", "scheduling", "willContinue"})


@dataclass(frozen=True, slots=True)
class FunctionResponse:
    """The answer to one :class:`FunctionCall`, for :func:`tool_response`.

    ``scheduling`` (NON_BLOCKING tools only) is one of SILENT, WHEN_IDLE, INTERRUPT. Example::

        FunctionResponse("call-1", "get_weather", {"temp_c": 21})
    """

    id: str | None
    name: str
    response: dict[str, Any]
    scheduling: str | None = None
    will_continue: bool | None = None

    def __post_init__(self) -> None:
        if self.id is not None:
            _check_str(self.id, "id")
        if not _check_str(self.name, "name"):
            raise ProtocolError("name must be the function's name, got ''")
        _check_dict(self.response, "response")
        if self.scheduling is not None:
            value = _check_str(self.scheduling, "scheduling").upper()
            if value not in SCHEDULING_VALUES:
                raise ProtocolError(
                    f"scheduling must be one of {', '.join(SCHEDULING_VALUES)}, "
                    f"got {self.scheduling!r}"
                )
            object.__setattr__(self, "scheduling", value)
        if self.will_continue is not None:
            _check_bool(self.will_continue, "will_continue")

    def to_dict(self) -> dict[str, Any]:
        """The wire shape: ``{"id", "name", "response", "scheduling"?, "willContinue"?}``."""
        out: dict[str, Any] = {} if self.id is None else {"id": self.id}
        out["name"] = self.name
        out["response"] = self.response
        if self.scheduling is not None:
            out["scheduling"] = self.scheduling
        if self.will_continue is not None:
            out["willContinue"] = self.will_continue
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FunctionResponse:
        """Build from a wire-shaped dict (either key casing); extra keys are ignored."""
        d = normalize_keys(_check_dict(data, "function response"))
        if "name" not in d or "response" not in d:
            raise ProtocolError(f"a function response needs 'name' and 'response', got {list(d)}")
        return cls(
            d.get("id"), d["name"], d["response"], d.get("scheduling"), d.get("willContinue")
        )


def tool_response(
    responses: FunctionResponse | dict[str, Any] | list[FunctionResponse | dict[str, Any]],
) -> dict[str, Any]:
    """Answers to tool calls (``toolResponse``); dicts are validated like FunctionResponse and
    keep any extra fields. Example::

        tool_response([FunctionResponse("call-1", "get_time", {"time": "12:00"})])
        # {'toolResponse': {'functionResponses': [
        #     {'id': 'call-1', 'name': 'get_time', 'response': {'time': '12:00'}}]}}
    """
    if isinstance(responses, (FunctionResponse, dict)):
        responses = [responses]
    if not isinstance(responses, (list, tuple)):
        raise TypeError(
            "responses must be a FunctionResponse, a dict or a list of them, "
            f"not {type(responses).__name__}"
        )
    out = []
    for i, item in enumerate(responses):
        if isinstance(item, FunctionResponse):
            out.append(item.to_dict())
        elif isinstance(item, dict):
            extra = normalize_keys(item)
            wire = FunctionResponse.from_dict(extra).to_dict()
            out.append({**wire, **{k: v for k, v in extra.items() if k not in _RESPONSE_FIELDS}})
        else:
            raise TypeError(
                f"responses[{i}] must be a FunctionResponse or a dict, not {type(item).__name__}"
            )
    return {"toolResponse": {"functionResponses": out}}


# --------------------------------------------------------------------------------------------
# Server events
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Event:
    """Base of every server event. ``raw`` is the wire sub-object the event came from
    (camelCase keys, unknown fields kept); it is left out of ``==`` and ``repr``."""

    raw: dict[str, Any] = field(default_factory=dict, kw_only=True, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class SetupComplete(Event):
    """The service accepted ``setup``; other messages may now be sent."""

    session_id: str | None = None


@dataclass(frozen=True, slots=True)
class AudioChunk(Event):
    """Model speech: PCM16 LE mono bytes at ``rate`` Hz. Example::

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


# --------------------------------------------------------------------------------------------
# Usage (Google, Vertex and mixroute shapes)
# --------------------------------------------------------------------------------------------

_USAGE_DIALECTS = ("google", "vertex", "mixroute")
# (field, wire keys in preference order): the first key present wins (PROTOCOL.md §7).
_USAGE_COUNTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("prompt_tokens", ("promptTokenCount", "inputTokenCount")),
    ("response_tokens", ("responseTokenCount", "candidatesTokenCount", "outputTokenCount")),
    ("total_tokens", ("totalTokenCount",)),
    ("cached_tokens", ("cachedContentTokenCount",)),
    ("thoughts_tokens", ("thoughtsTokenCount",)),
    ("tool_use_prompt_tokens", ("toolUsePromptTokenCount",)),
)
_USAGE_DETAILS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("prompt_details", ("promptTokensDetails", "inputTokenDetails")),
    (
        "response_details",
        ("responseTokensDetails", "candidatesTokensDetails", "outputTokenDetails"),
    ),
)
_MIXROUTE_KEYS = frozenset(
    {"inputTokenCount", "outputTokenCount", "inputTokenDetails", "outputTokenDetails"}
)
_VERTEX_KEYS = frozenset({"candidatesTokenCount", "candidatesTokensDetails", "trafficType"})


_INT64_MAX = 2**63 - 1


def _count(value: Any, path: str) -> int | None:
    """A token count: int, integral float or decimal string (int64 in proto3 JSON)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ProtocolError(f"{path} must be a count, got {value!r}")
    integral_float = isinstance(value, float) and math.isfinite(value) and value.is_integer()
    decimal_text = isinstance(value, str) and value.strip().isdecimal() and len(value) < 20
    if integral_float or decimal_text:
        value = int(value)
    if not isinstance(value, int) or not 0 <= value <= _INT64_MAX:
        raise ProtocolError(f"{path} must be a non-negative count, got {value!r:.40}")
    return value


def _details(value: Any, path: str) -> dict[str, int]:
    """``[{modality, tokenCount}]`` (Google) or ``{textTokens, audioTokens}`` (mixroute)."""
    out: dict[str, int] = {}
    if isinstance(value, dict):
        for key, n in value.items():
            name = key[: -len("Tokens")] if key.endswith("Tokens") else key
            out[name.lower()] = out.get(name.lower(), 0) + (_count(n, f"{path}.{key}") or 0)
        return out
    for i, item in enumerate(_list(value, path)):
        item = _obj(item, f"{path}[{i}]")
        modality = _opt_str(item.get("modality"), f"{path}[{i}].modality") or "unspecified"
        n = _count(item.get("tokenCount"), f"{path}[{i}].tokenCount") or 0  # proto3 omits 0
        out[modality.lower()] = out.get(modality.lower(), 0) + n
    return out


def _add_counts(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b


def _add_details(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    out = dict(a)
    for key, n in b.items():
        out[key] = out.get(key, 0) + n
    return out


@dataclass(frozen=True, slots=True)
class Usage(Event):
    """Token usage, one shape for Google's, Vertex's and the mixroute proxy's ``usageMetadata``.

    Counts are None when the service did not send them (unknown, not zero). Details map a
    lower-case modality (``'text'``, ``'audio'``, …) to tokens. Example::

        u = Usage.from_dict({"inputTokenCount": 10, "outputTokenCount": 5, "totalTokenCount": 15})
        u.prompt_tokens, u.dialect            # (10, 'mixroute')
        u.to_dict("google")["responseTokenCount"]   # 5
        (u + u).total_tokens                  # 30
    """

    prompt_tokens: int | None = None
    response_tokens: int | None = None
    total_tokens: int | None = None
    cached_tokens: int | None = None
    thoughts_tokens: int | None = None
    tool_use_prompt_tokens: int | None = None
    prompt_details: dict[str, int] = field(default_factory=dict)
    response_details: dict[str, int] = field(default_factory=dict)
    dialect: str = "google"

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: str = "usageMetadata") -> Usage:
        """Read a ``usageMetadata`` object in any dialect and either key casing."""
        d = normalize_keys(_obj(data, path))
        values: dict[str, Any] = {}
        for name, keys in _USAGE_COUNTS:
            key = next((k for k in keys if k in d), None)
            values[name] = None if key is None else _count(d[key], f"{path}.{key}")
        for name, keys in _USAGE_DETAILS:
            key = next((k for k in keys if k in d), None)
            values[name] = {} if key is None else _details(d[key], f"{path}.{key}")
        dialect = "mixroute" if _MIXROUTE_KEYS & d.keys() else "google"
        if dialect == "google" and _VERTEX_KEYS & d.keys():
            dialect = "vertex"
        return cls(**values, dialect=dialect, raw=d)

    def to_dict(self, dialect: str | None = None) -> dict[str, Any]:
        """The wire shape in ``dialect`` ('google', 'vertex' or 'mixroute'; default: own).

        Unknown (None) counts and empty details are left out.
        """
        dialect = self.dialect if dialect is None else dialect
        if dialect not in _USAGE_DIALECTS:
            raise ProtocolError(
                f"dialect must be one of {', '.join(_USAGE_DIALECTS)}, got {dialect!r}"
            )
        if dialect == "mixroute":
            pairs: list[tuple[str, Any]] = [
                ("totalTokenCount", self.total_tokens),
                ("inputTokenCount", self.prompt_tokens),
                ("outputTokenCount", self.response_tokens),
                ("inputTokenDetails", {f"{k}Tokens": n for k, n in self.prompt_details.items()}),
                ("outputTokenDetails", {f"{k}Tokens": n for k, n in self.response_details.items()}),
                ("cachedContentTokenCount", self.cached_tokens),
                ("toolUsePromptTokenCount", self.tool_use_prompt_tokens),
                ("thoughtsTokenCount", self.thoughts_tokens),
            ]
        else:
            out_key = "candidates" if dialect == "vertex" else "response"
            pairs = [
                ("promptTokenCount", self.prompt_tokens),
                ("cachedContentTokenCount", self.cached_tokens),
                (f"{out_key}TokenCount", self.response_tokens),
                ("toolUsePromptTokenCount", self.tool_use_prompt_tokens),
                ("thoughtsTokenCount", self.thoughts_tokens),
                ("totalTokenCount", self.total_tokens),
                ("promptTokensDetails", _details_list(self.prompt_details)),
                (f"{out_key}TokensDetails", _details_list(self.response_details)),
            ]
        return {k: v for k, v in pairs if v is not None and v != {} and v != []}

    def __add__(self, other: object) -> Usage:
        if not isinstance(other, Usage):
            return NotImplemented
        summed = Usage(
            prompt_tokens=_add_counts(self.prompt_tokens, other.prompt_tokens),
            response_tokens=_add_counts(self.response_tokens, other.response_tokens),
            total_tokens=_add_counts(self.total_tokens, other.total_tokens),
            cached_tokens=_add_counts(self.cached_tokens, other.cached_tokens),
            thoughts_tokens=_add_counts(self.thoughts_tokens, other.thoughts_tokens),
            tool_use_prompt_tokens=_add_counts(
                self.tool_use_prompt_tokens, other.tool_use_prompt_tokens
            ),
            prompt_details=_add_details(self.prompt_details, other.prompt_details),
            response_details=_add_details(self.response_details, other.response_details),
            dialect=self.dialect,
        )
        object.__setattr__(summed, "raw", summed.to_dict())
        return summed

    def __radd__(self, other: object) -> Usage:
        if other == 0:  # so that sum(usages) works
            return self
        return NotImplemented


def _details_list(details: dict[str, int]) -> list[dict[str, Any]]:
    return [{"modality": k.upper(), "tokenCount": n} for k, n in details.items()]


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _obj(value: Any, path: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ProtocolError(f"{path} must be an object, got {_kind(value)}")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ProtocolError(f"{path} must be a list, got {_kind(value)}")
    return value


def _opt_str(value: Any, path: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ProtocolError(f"{path} must be a string, got {_kind(value)}")
    return value


def _flag(value: Any, path: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ProtocolError(f"{path} must be true or false, got {value!r:.40}")
    return value


def _opt_flag(value: Any, path: str) -> bool | None:
    return None if value is None else _flag(value, path)


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
