"""Builders of client messages: setup, content, realtime input, tool responses. No I/O.

Every builder checks its arguments and returns a plain dict (or, for the audio hot path, JSON
text). Wrong types raise :class:`ProtocolTypeError` (also a ``TypeError``), bad values
:class:`ProtocolError`. Example::

    realtime_text("hi")          # {'realtimeInput': {'text': 'hi'}}
    dumps(client_content())      # '{"clientContent":{"turnComplete":true}}'
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass
from typing import Any

from ..exceptions import ProtocolError, ProtocolTypeError
from ._codec import encode_b64, normalize_keys
from .constants import INPUT_RATE, SCHEDULING_VALUES

_BYTES_LIKE = (bytes, bytearray, memoryview)


def _check_bytes(value: object, name: str) -> int:
    """Raise unless ``value`` is bytes-like; return its length in bytes."""
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    if isinstance(value, memoryview):
        return value.nbytes
    hint = " (for a numpy array use samples.astype('<i2').tobytes())" if name == "pcm" else ""
    raise ProtocolTypeError(
        f"{name} must be bytes, bytearray or memoryview, not {type(value).__name__}{hint}"
    )


def _check_pcm(pcm: object) -> None:
    if _check_bytes(pcm, "pcm") % 2:
        raise ProtocolError("pcm has an odd number of bytes; PCM16 needs 2 bytes per sample")


def _check_rate(rate: object) -> int:
    if isinstance(rate, bool) or not isinstance(rate, int):
        raise ProtocolTypeError(f"rate must be an int (Hz), not {type(rate).__name__}: {rate!r}")
    if rate <= 0:
        raise ProtocolError(f"rate must be a positive sample rate in Hz, got {rate}")
    return rate


def _check_str(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise ProtocolTypeError(f"{name} must be a str, not {type(value).__name__}: {value!r:.60}")
    return value


def _check_bool(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise ProtocolTypeError(
            f"{name} must be True or False, not {type(value).__name__}: {value!r:.60}"
        )
    return value


def _check_dict(value: object, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProtocolTypeError(f"{name} must be a dict, not {type(value).__name__}: {value!r:.60}")
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
    body: dict[str, Any] = normalize_keys(_check_dict(turn, f"turns[{i}]"))
    role = body.get("role", "user")
    if role not in ("user", "model"):
        raise ProtocolError(f"turns[{i}].role must be 'user' or 'model', got {role!r}")
    parts = body.get("parts")
    if not isinstance(parts, list) or not all(isinstance(p, dict) for p in parts):
        raise ProtocolError(f"turns[{i}].parts must be a list of part dicts, got {parts!r:.60}")
    return body


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
        raise ProtocolTypeError(
            f"turns must be text, a turn dict or a list of turns, not {type(turns).__name__}"
        )
    body["turnComplete"] = turn_complete
    return {"clientContent": body}


def _blob(data: bytes, mime_type: str) -> dict[str, str]:
    return {"data": encode_b64(data), "mimeType": mime_type}


def realtime_audio(pcm: bytes, rate: int = INPUT_RATE) -> dict[str, Any]:
    """Microphone audio: PCM16 LE mono bytes at ``rate`` Hz.

    Example::

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
    """One video frame (JPEG or PNG, at most about 1 per second).

    Example::

        realtime_video(jpeg_bytes)
        # {'realtimeInput': {'video': {'data': '/9j/…', 'mimeType': 'image/jpeg'}}}
    """
    _check_bytes(data, "data")
    if not _check_str(mime_type, "mime_type").startswith("image/"):
        raise ProtocolError(f"mime_type must start with 'image/' for video, got {mime_type!r}")
    return {"realtimeInput": {"video": _blob(data, mime_type)}}


def realtime_text(text: str) -> dict[str, Any]:
    """Streaming text input (``realtimeInput.text``).

    Example::

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
    """Answers to tool calls (``toolResponse``).

    Dicts are validated like FunctionResponse and keep any extra fields. Example::

        tool_response([FunctionResponse("call-1", "get_time", {"time": "12:00"})])
        # {'toolResponse': {'functionResponses': [
        #     {'id': 'call-1', 'name': 'get_time', 'response': {'time': '12:00'}}]}}
    """
    if isinstance(responses, (FunctionResponse, dict)):
        responses = [responses]
    if not isinstance(responses, (list, tuple)):
        raise ProtocolTypeError(
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
            raise ProtocolTypeError(
                f"responses[{i}] must be a FunctionResponse or a dict, not {type(item).__name__}"
            )
    return {"toolResponse": {"functionResponses": out}}
