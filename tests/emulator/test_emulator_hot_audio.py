"""Streamed audio on the emulator's hot path keeps its order with the other messages."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from typing import Any

import numpy as np
import pytest
import websockets
from hypothesis import given, settings
from hypothesis import strategies as st

from gemlive_nb.audio import resample
from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.hot_frames import hot_audio, parse_hot_audio
from gemlive_nb.emulator.speech import get_speech

MODEL = "models/gemini-2.5-flash-native-audio-preview-12-2025"


def _chunks(text: str) -> list[str]:
    voice = resample(get_speech("builtin").synthesize(text, "Kore", "en-US"), 24000, 16000)
    pcm = np.concatenate([np.zeros(3200, np.int16), voice])  # no silence after: no VAD end
    return [
        json.dumps(
            {
                "realtimeInput": {
                    "audio": {
                        "data": base64.b64encode(pcm[i : i + 320].tobytes()).decode(),
                        "mimeType": "audio/pcm;rate=16000",
                    }
                }
            }
        )
        for i in range(0, len(pcm), 320)
    ]


async def _until_turn_complete(ws: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    deadline = time.monotonic() + 20
    while not out or not out[-1].get("serverContent", {}).get("turnComplete"):
        out.append(json.loads(await asyncio.wait_for(ws.recv(), deadline - time.monotonic())))
    return out


async def test_audio_stream_end_right_after_the_chunks_ends_the_whole_utterance():
    # sent back to back, the chunks race the audioStreamEnd behind them through the server: it
    # must still see every chunk before it (the VAD's state included), so the whole question is
    # heard and answered; then the same again with a text turn in between
    said = "What is the capital of Portugal?"
    async with Emulator(speech="builtin") as emu, websockets.connect(emu.google_url()) as ws:
        setup = {"model": MODEL, "inputAudioTranscription": {}}
        await ws.send(json.dumps({"setup": setup}))
        assert "setupComplete" in json.loads(await ws.recv())
        for round_ in range(2):
            for frame in _chunks(said):
                await ws.send(frame)
            await ws.send(json.dumps({"realtimeInput": {"audioStreamEnd": True}}))
            msgs = await _until_turn_complete(ws)
            heard = "".join(
                m["serverContent"]["inputTranscription"].get("text", "")
                for m in msgs
                if "inputTranscription" in m.get("serverContent", {})
            )
            assert heard.strip() == said, (round_, heard)
            if round_ == 0:
                await ws.send(json.dumps({"realtimeInput": {"text": "Thanks."}}))
                await _until_turn_complete(ws)


# ---------------------------------------------------------------- the JSON-free audio parser

_VALUES = st.one_of(
    st.sampled_from(["audio/pcm;rate=16000", "audio/pcm", "", "AAEC", "AAE=", "ü", "a\\nb"]),
    st.text(max_size=12),
    st.binary(max_size=24).map(lambda b: base64.b64encode(b).decode()),
)
# a string with raw control characters in it, which JSON refuses (unescaped)
_RAW_CONTROL_STRINGS = st.text(
    st.sampled_from([*"AQID+/=", *map(chr, range(0x20))]), min_size=1, max_size=8
).map(lambda t: f'"{t}"')
_SPACE = st.sampled_from(["", " ", "\n", "\t ", "\r\n  "])


@st.composite
def _audio_frames(draw: st.DrawFn) -> bytes:
    """JSON texts near the hot shape: any subset and order of the audio fields (duplicates too),
    any whitespace and escaping, sometimes other keys or a cut or changed byte."""
    names = draw(st.lists(st.sampled_from(["data", "mimeType", "mime_type", "other"]), max_size=4))
    sp = draw(_SPACE)
    fields = [
        json.dumps(n)
        + sp
        + ":"
        + draw(_SPACE)
        + draw(
            st.one_of(
                st.builds(json.dumps, _VALUES, ensure_ascii=st.booleans()),
                _RAW_CONTROL_STRINGS,
            )
        )
        for n in names
    ]
    inner = ("," + draw(_SPACE)).join(fields)
    outer_key = draw(st.sampled_from(["realtimeInput", "realtime_input", "setup"]))
    text = f'{{"{outer_key}":{sp}{{"audio"{sp}:{{{inner}}}{draw(_SPACE)}}}{sp}}}{draw(_SPACE)}'
    raw = text.encode()
    if draw(st.booleans()) and raw:
        at = draw(st.integers(0, len(raw) - 1))
        control = bytes([draw(st.integers(0, 0x1F))])  # raw in a string: JSON refuses it
        raw = draw(
            st.sampled_from(
                [
                    raw[:at],
                    raw[:at] + b'"' + raw[at:],
                    raw[:at] + b"\xff" + raw[at + 1 :],
                    raw[:at] + control + raw[at:],
                ]
            )
        )
    return raw


@settings(max_examples=600, deadline=None)
@given(_audio_frames())
def test_the_json_free_parser_reads_a_frame_only_as_json_does(frame: bytes):
    got = parse_hot_audio(frame)
    if got is None:
        return  # the JSON parser handles it
    obj = json.loads(frame)
    assert isinstance(obj, dict) and len(obj) == 1
    ((key, body),) = obj.items()
    assert hot_audio(key, body) == got


@pytest.mark.parametrize("control", [b"\x00", b"\x01", b"\n", b"\x1f"])
def test_a_raw_control_character_in_the_data_is_not_audio(control: bytes):
    """#24 item 11: JSON refuses it, so the fast path must not read it as audio either."""
    frame = b'{"realtimeInput":{"audio":{"mimeType":"audio/pcm","data":"AAAA' + control + b'AA"}}}'
    with pytest.raises(ValueError):
        json.loads(frame)
    assert parse_hot_audio(frame) is None


def test_the_json_free_parser_takes_the_frames_clients_send():
    data = base64.b64encode(np.arange(320, dtype="<i2").tobytes()).decode()
    compact = (
        '{"realtimeInput":{"audio":{"mimeType":"audio/pcm;rate=16000","data":"' + data + '"}}}'
    )
    sdk = json.dumps(
        {"realtimeInput": {"audio": {"data": data, "mimeType": "audio/pcm;rate=16000"}}}
    )
    for frame in (compact, sdk, *_chunks("Hi")):
        mime, got = parse_hot_audio(frame.encode()) or ("", "")
        assert (
            mime.startswith("audio/pcm")
            and got == json.loads(frame)["realtimeInput"]["audio"]["data"]
        )


async def test_a_control_character_in_audio_closes_an_idle_strict_session_with_1007():
    """#24 item 11: on an idle session the hot path took these bytes as audio; JSON refuses them
    (and did, with a 1007, when another message was queued before them)."""
    frame = '{"realtimeInput":{"audio":{"mimeType":"audio/pcm","data":"AAAA\nAAAA"}}}'
    async with Emulator(speech="builtin") as emu, websockets.connect(emu.google_url()) as ws:
        await ws.send(json.dumps({"setup": {"model": MODEL}}))
        assert "setupComplete" in json.loads(await ws.recv())
        await ws.send(frame)
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 10)
        assert ws.close_code == 1007
