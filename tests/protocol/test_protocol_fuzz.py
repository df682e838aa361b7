"""Property tests: any frame gives a list of events or a ProtocolError, nothing else."""

from __future__ import annotations

import base64
import contextlib
import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gemlive_nb import protocol as p
from gemlive_nb.exceptions import ProtocolError

PCM_B64 = base64.b64encode(bytes(range(16))).decode()

VALID: list[dict[str, Any]] = [
    {"setupComplete": {"sessionId": "s"}},
    {
        "serverContent": {
            "inputTranscription": {"text": "hi", "finished": True},
            "modelTurn": {
                "parts": [
                    {"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": PCM_B64}},
                    {"text": "t", "thought": True},
                    {"inlineData": {"mimeType": "image/png", "data": "iVBORw=="}},
                    {"executableCode": {"code": "1"}},
                ]
            },
            "outputTranscription": {"text": "yo"},
            "interrupted": True,
            "generationComplete": True,
            "turnComplete": True,
            "turnCompleteReason": "NEED_MORE_INPUT",
            "groundingMetadata": {
                "groundingChunks": [{"web": {"uri": "u", "title": "t"}}],
                "webSearchQueries": ["q"],
            },
        },
        "usageMetadata": {
            "promptTokenCount": 3,
            "responseTokenCount": 2,
            "totalTokenCount": 5,
            "promptTokensDetails": [{"modality": "AUDIO", "tokenCount": 3}],
        },
    },
    {"toolCall": {"functionCalls": [{"id": "1", "name": "f", "args": {"a": [1, {"b": 2}]}}]}},
    {"toolCallCancellation": {"ids": ["1", "2"]}},
    {"goAway": {"timeLeft": "9.5s"}},
    {
        "sessionResumptionUpdate": {
            "newHandle": "h",
            "resumable": True,
            "lastConsumedClientMessageIndex": "4",
        }
    },
    {"voiceActivity": {"type": "ACTIVITY_END"}},
    {
        "usageMetadata": {
            "inputTokenCount": 1,
            "outputTokenCount": 2,
            "inputTokenDetails": {"textTokens": 1},
        }
    },
]
KEYS = sorted(
    {"setupComplete", "serverContent", "modelTurn", "parts", "inlineData", "data", "mimeType"}
    | {"text", "thought", "turnComplete", "toolCall", "functionCalls", "name", "args", "ids"}
    | {"goAway", "timeLeft", "usageMetadata", "promptTokensDetails", "inputTokenDetails"}
    | {"tokenCount", "modality", "groundingMetadata", "groundingChunks", "web", "newHandle"}
    | set(p.SERVER_MESSAGE_TYPES)
)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["", "AAECAw==", "_-_-", "@@", "audio/pcm;rate=x", "audio/pcm", "5s", "-1s"])
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


def _check(frame: Any) -> None:
    try:
        events = p.parse_server_message(frame)
    except ProtocolError:
        return
    assert isinstance(events, list)
    assert all(isinstance(e, p.Event) for e in events)


def _paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(obj, dict):
        for key, value in obj.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            out += _paths(value, (*prefix, i))
    return out


def _mutate(message: dict, path: tuple, how: str, value: Any) -> Any:
    message = copy.deepcopy(message)
    if not path:
        return value if how == "replace" else [message]
    parent = message
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "delete":
        del parent[last]
    elif how == "replace":
        parent[last] = value
    elif how == "garbage_b64":
        parent[last] = "!" + str(value)
    elif how == "nest":
        for _ in range(60):
            parent[last] = {"x": [parent[last]]}
    return message


SETTINGS = settings(deadline=None, max_examples=500, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.binary(max_size=200))
def test_random_bytes(frame: bytes) -> None:
    _check(frame)
    _check(frame.decode("latin-1"))


@SETTINGS
@given(json_values)
def test_random_json(value: Any) -> None:
    text = json.dumps(value)
    _check(text)
    _check(text.encode())
    with contextlib.suppress(ProtocolError):
        p.parse_client_message(text)


@settings(deadline=None, max_examples=800, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_valid_frames(data: st.DataObject) -> None:
    message = data.draw(st.sampled_from(VALID))
    path = data.draw(st.sampled_from(_paths(message)))
    how = data.draw(st.sampled_from(["delete", "replace", "garbage_b64", "nest"]))
    if how == "delete" and not path:
        how = "replace"
    mutated = _mutate(message, path, how, data.draw(json_values))
    _check(json.dumps(mutated))
    _check(json.dumps(mutated, indent=1).encode())


def test_valid_frames_give_events() -> None:
    for message in VALID:
        assert p.parse_server_message(json.dumps(message)), message


@settings(deadline=None, max_examples=200)
@given(st.binary(max_size=600).map(lambda b: b[: len(b) // 2 * 2]), st.integers(1, 200_000))
def test_audio_frame_fast_path_matches_and_round_trips(pcm: bytes, rate: int) -> None:
    text = p.realtime_audio_frame(pcm, rate)
    assert text == p.dumps(p.realtime_audio(pcm, rate))
    kind, body = p.parse_client_message(text)
    assert kind == "realtimeInput"
    assert p.decode_b64(body["audio"]["data"]) == pcm
    url_safe = base64.urlsafe_b64encode(pcm).decode().rstrip("=")
    assert p.decode_b64(url_safe) == pcm
