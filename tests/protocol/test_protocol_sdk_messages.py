"""Random valid server messages, generated from the SDK's ``LiveServerMessage`` types, parse;
keys this version does not model, at any depth (inside parts too), survive into the events and
into ``events.jsonl`` byte for byte."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from google.genai import types
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sdk_strategies import sdk_values
from websockets.asyncio.server import serve

from gemlive_nb import protocol as p
from gemlive_nb.conversation import Recording
from gemlive_nb.conversation.events import event_record

_DURATION = st.decimals(0, 100, places=3).map(lambda d: f"{d}s")
# Values the service sends in a fixed format (durations, mime types): drawn in that format.
OVERRIDES = {
    "time_left": _DURATION,
    "audio_offset": _DURATION,
    "start_offset": _DURATION,
    "end_offset": _DURATION,
    "mime_type": st.sampled_from(["audio/pcm;rate=24000", "audio/pcm", "image/png"]),
}
# a function call names its function (the kit refuses one that does not, with a ProtocolError)
OVERRIDES["function_calls"] = st.lists(
    sdk_values(types.FunctionCall, 3, OVERRIDES).filter(lambda call: bool(call.name)),
    min_size=1,
    max_size=2,
)
MESSAGES = sdk_values(types.LiveServerMessage, depth=5, overrides=OVERRIDES)
_UNKNOWN_VALUES = st.one_of(
    st.text(max_size=8),
    st.integers(-(2**53), 2**53),
    st.booleans(),
    st.none(),
    st.lists(st.text(max_size=4), max_size=2),
    st.dictionaries(st.sampled_from(["a", "b"]), st.text(max_size=4), max_size=2),
)
SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def wire(message: types.LiveServerMessage) -> dict[str, Any]:
    """The message as the service sends it: camelCase JSON (the SDK renames ``type``)."""
    body = message.model_dump(mode="json", by_alias=True, exclude_none=True)
    activity = body.get("voiceActivity")
    if activity and "voiceActivityType" in activity:
        activity["type"] = activity.pop("voiceActivityType")
    return body


def inject(value: Any, data: st.DataObject, added: dict[str, Any], where: str = "") -> None:
    """Add keys no version knows to some objects of ``value``, at any depth; record them."""
    if isinstance(value, dict):
        for key in list(value):
            inject(value[key], data, added, f"{where}.{key}")
        if data.draw(st.integers(0, 3)) == 0:
            key = f"zzNew{len(added)}"
            value[key] = data.draw(_UNKNOWN_VALUES)
            added[key] = (where, value[key])
    elif isinstance(value, list):
        for i, item in enumerate(value):
            inject(item, data, added, f"{where}[{i}]")


def _found(record: Any, key: str, value: Any) -> bool:
    same = json.dumps(value)
    if isinstance(record, dict):
        if key in record and json.dumps(record[key]) == same:
            return True
        if record.get("type") == "Unknown" and record["key"].rpartition(".")[2] == key:
            return json.dumps(record["raw"]) in (same, json.dumps({key: value}))
        return any(_found(v, key, value) for v in record.values())
    if isinstance(record, list):
        return any(_found(v, key, value) for v in record)
    return False


@SETTINGS
@given(message=MESSAGES)
def test_every_valid_sdk_message_parses(message: types.LiveServerMessage) -> None:
    events = p.parse_server_message(json.dumps(wire(message)))
    assert all(isinstance(e, p.Event) for e in events)


@SETTINGS
@given(message=MESSAGES, data=st.data())
def test_unknown_keys_at_any_depth_survive_into_events_jsonl(
    message: types.LiveServerMessage, data: st.DataObject
) -> None:
    body = wire(message)
    added: dict[str, Any] = {}
    inject(body, data, added)
    events = p.parse_server_message(json.dumps(body))
    records = json.loads(json.dumps([event_record(e) for e in events], ensure_ascii=False))
    for key, (where, value) in added.items():
        assert _found(records, key, value), f"{key} at {where or 'top'} left out of the events"
    rec = Recording(clock=lambda: 0.0)
    rec.begin_turn(user_text="hi", t=0.0)
    for event in events:
        rec.on_event(event, 0.5)
    with tempfile.TemporaryDirectory() as tmp:
        saved = (rec.save(Path(tmp) / "rec") / "events.jsonl").read_text(encoding="utf-8")
    lines = [json.loads(line) for line in saved.split("\n") if line]  # JSON Lines: "\n" only
    for key, (where, value) in added.items():
        assert _found(lines, key, value), f"{key} at {where or 'top'} left out of events.jsonl"


THOUGHT = {
    "serverContent": {"modelTurn": {"role": "model", "parts": [
        {"text": "**Planning**", "thought": True, "thoughtSignature": "c2lnbmF0dXJlLTE="},
        {"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": "AAAA"},
         "thoughtSignature": "c2ln", "partMetadata": {"k": "é"}},
        {"executableCode": {"code": "print(1)", "language": "PYTHON"}},
    ], "futureTurnField": 1}},
    "setupComplete": {"voiceConsentSignature": {"signature": "sig-1", "expires": "soon"}},
}  # fmt: skip


def test_thought_signatures_reach_events_jsonl_byte_for_byte(tmp_path: Path) -> None:
    events = p.parse_server_message(json.dumps(THOUGHT))
    text = next(e for e in events if isinstance(e, p.TextPart))
    assert text.extra == {"thoughtSignature": "c2lnbmF0dXJlLTE="}
    rec = Recording()
    for event in events:
        rec.on_event(event, 0.5)
    saved = (rec.save(tmp_path / "rec") / "events.jsonl").read_text(encoding="utf-8")
    assert '"thoughtSignature": "c2lnbmF0dXJlLTE="' in saved
    assert '"thoughtSignature": "c2ln", "partMetadata": {"k": "é"}' in saved  # audio part too
    assert '"executableCode": {"code": "print(1)", "language": "PYTHON"}' in saved
    assert '"futureTurnField": 1' in saved and '"expires": "soon"' in saved


def test_the_sdks_voice_consent_signature_object_is_read() -> None:
    (setup,) = p.parse_server_message(
        '{"setupComplete":{"sessionId":"s-1","voiceConsentSignature":{"signature":"sig-1"}}}'
    )
    assert setup == p.SetupComplete("s-1", "sig-1")
    (bare,) = p.parse_server_message('{"setupComplete":{"voiceConsentSignature":"sig-2"}}')
    assert bare.voice_consent_signature == "sig-2"


async def test_connect_takes_a_setup_complete_with_the_sdks_signature_object() -> None:
    import gemlive_nb as gl

    async def service(ws: Any) -> None:
        await ws.recv()  # the setup
        await ws.send(json.dumps({"setupComplete": {
            "sessionId": "s-1", "voiceConsentSignature": {"signature": "sig-1"}}}))  # fmt: skip
        await ws.wait_closed()

    async with serve(service, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        path = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
        session = await gl.connect(endpoint=f"ws://127.0.0.1:{port}{path}", api_key="test-key")
        try:
            assert session.status == "connected"
        finally:
            await session.close()
