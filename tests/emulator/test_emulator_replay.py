"""Replay mode: a recorded session served back to the kit and the unmodified google-genai SDK."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from google.genai import types
from sdk_client import genai_client_for

import gemlive_nb as gl
from gemlive_nb.emulator import Emulator, EmulatorProcess
from gemlive_nb.emulator.__main__ import build_parser, main
from gemlive_nb.emulator.replay import load_cassette

MODEL = "gemini-2.5-flash-native-audio-preview-12-2025"
QUESTIONS = ["Hello there", "What's the weather in Paris?", "Thanks, goodbye"]


def get_weather(city: str) -> dict:
    """Current weather for a city.

    Args:
        city: The city name.
    """
    return {"city": city, "temp_c": 21}


def summary(turns: list[gl.Turn]) -> list[tuple[Any, ...]]:
    return [
        (t.user_text, t.output_transcript, [c["name"] for c in t.tool_calls], t.status)
        for t in turns
    ]


async def record_session(emu: Emulator, where: Path) -> tuple[gl.LiveSession, Path]:
    async with gl.connect(
        endpoint=emu.google_url(), model=MODEL, tools=[get_weather], record_frames=True
    ) as s:
        for q in QUESTIONS:
            await s.ask(q)
    return s, s.recording.save(where)


class _Frames:
    """Something with a ``frames`` list, as a recording made with record_frames=True."""

    def __init__(self, frames: list[Any]) -> None:
        self.frames = frames


def write_cassette(path: Path, entries: list[dict[str, Any]]) -> Path:
    lines = [
        json.dumps(dict(e, frame=json.dumps(e["frame"])) if "frame" in e else e) for e in entries
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


SETUP = {"setup": {"model": f"models/{MODEL}"}}
TEXT_TURN = {"clientContent": {"turns": [{"role": "user", "parts": [{"text": "Hi"}]}],
                               "turnComplete": True}}  # fmt: skip
REPLY = [
    {"serverContent": {"outputTranscription": {"text": "Hello!"}}},
    {"serverContent": {"generationComplete": True}},
    {"serverContent": {"turnComplete": True}},
]


def one_turn(t_reply: float = 0.0) -> list[dict[str, Any]]:
    return [
        {"t": 0.0, "dir": "send", "frame": SETUP},
        {"t": 0.05, "dir": "recv", "frame": {"setupComplete": {}}},
        {"t": 1.0, "dir": "send", "frame": TEXT_TURN},
        *({"t": 1.0 + t_reply, "dir": "recv", "frame": f} for f in REPLY),
    ]


async def test_record_frames_keeps_every_frame_both_ways_with_its_time(
    emulator: Emulator, tmp_path: Path
) -> None:
    before = len(emulator.sessions)
    s, saved = await record_session(emulator, tmp_path / "rec")
    record = emulator.wait_closed(before + 1)
    frames = s.recording.frames
    assert frames is not None
    recv = [f for f in frames if f["dir"] == "recv"]
    sent = [f for f in frames if f["dir"] == "send"]
    # every server frame: the record lists kinds (audio only up to a cap; audio_out counts all)
    assert len(recv) == len([k for k in record.sent if k != "audio"]) + record.audio_out
    assert len(sent) == len(record.messages)  # every client frame
    times = [f["t"] for f in frames]
    assert times == sorted(times) and times[0] >= 0
    lines = (saved / "frames.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == frames


async def test_a_recorded_session_replays_the_same_turns_through_the_kit(
    emulator: Emulator, tmp_path: Path
) -> None:
    original, saved = await record_session(emulator, tmp_path / "rec")
    assert [t[2] for t in summary(original.recording.turns)] == [[], ["get_weather"], []]
    for source in (saved, original.recording):  # the saved directory, or the recording itself
        with Emulator(replay=source, speed=0) as replay:
            async with gl.connect(
                endpoint=replay.google_url(), model=MODEL, tools=[get_weather]
            ) as s:
                for q in QUESTIONS:
                    await s.ask(q)
            assert replay.wait_closed(1).close_code in (None, 1000)
        assert summary(s.recording.turns) == summary(original.recording.turns)
    assert [t.received_samples for t in s.recording.turns] == [
        t.received_samples for t in original.recording.turns
    ]


async def sdk_turns(emu: Emulator) -> list[tuple[str, list[str]]]:
    """The questions asked through the unmodified SDK: (transcript, tool names) per turn."""
    client = genai_client_for(emu)
    config = types.LiveConnectConfig(
        response_modalities=["AUDIO"],
        output_audio_transcription=types.AudioTranscriptionConfig(),
        tools=[get_weather],
    )
    turns: list[tuple[str, list[str]]] = []
    async with client.aio.live.connect(model=MODEL, config=config) as session:
        for q in QUESTIONS:
            await session.send_client_content(
                turns=types.Content(role="user", parts=[types.Part(text=q)])
            )
            words: list[str] = []
            tools: list[str] = []
            while True:
                async for msg in session.receive():
                    sc = msg.server_content
                    if sc and sc.output_transcription and sc.output_transcription.text:
                        words.append(sc.output_transcription.text)
                    if msg.tool_call:
                        calls = msg.tool_call.function_calls or []
                        tools += [c.name or "" for c in calls]
                        await session.send_tool_response(
                            function_responses=[
                                types.FunctionResponse(
                                    id=c.id, name=c.name, response=get_weather(**(c.args or {}))
                                )
                                for c in calls
                            ]
                        )
                if not tools or words:
                    break  # receive() stops at turnComplete; a tool turn speaks after it
            turns.append(("".join(words), tools))
    return turns


async def test_a_recorded_session_replays_the_same_turns_through_the_sdk(
    emulator: Emulator, tmp_path: Path
) -> None:
    original, saved = await record_session(emulator, tmp_path / "rec")
    want = [(t.output_transcript, [c["name"] for c in t.tool_calls]) for t in
            original.recording.turns]  # fmt: skip
    with Emulator(replay=saved, speed=0) as replay:
        assert await sdk_turns(replay) == want
        assert replay.wait_closed(1).close_code in (None, 1000)


async def test_a_diverging_client_is_told_what_the_replay_expected(tmp_path: Path) -> None:
    cassette = write_cassette(tmp_path / "c.jsonl", one_turn())
    with Emulator(replay=cassette, speed=0) as emu:
        async with gl.connect(endpoint=emu.google_url(), model=MODEL) as s:
            await s.send_audio(np.zeros(1600, np.int16))
            with pytest.raises(gl.SessionClosed) as err:
                await s.ask("Hi", timeout=10)
        record = emu.wait_closed(1)
    reason = "replay expected a text turn, got realtimeInput audio"
    assert (record.close_code, record.close_reason) == (1007, reason)
    assert err.value.code == 1007 and reason in err.value.reason


async def test_speed_scales_the_recorded_spacing(tmp_path: Path) -> None:
    cassette = write_cassette(tmp_path / "c.jsonl", one_turn(t_reply=0.6))
    took = {}
    for speed in (2.0, 0.0):
        with Emulator(replay=cassette, speed=speed) as emu:
            async with gl.connect(endpoint=emu.google_url(), model=MODEL) as s:
                start = time.monotonic()
                turn = await s.ask("Hi", timeout=10)
                took[speed] = time.monotonic() - start
        assert turn.output_transcript == "Hello!"
    assert took[2.0] >= 0.3  # 0.6 s recorded, twice as fast
    assert took[0.0] < took[2.0]


async def test_a_recorded_close_is_replayed(tmp_path: Path) -> None:
    entries = [*one_turn()[:3], {"t": 1.1, "dir": "close", "code": 1011, "reason": "Internal"}]
    cassette = write_cassette(tmp_path / "c.jsonl", entries)
    with Emulator(replay=cassette, speed=0) as emu:
        async with gl.connect(
            endpoint=emu.google_url(), model=MODEL, max_failures=1, record_frames=True
        ) as s:
            with pytest.raises(gl.GemliveError):
                await s.ask("Hi", timeout=10)
        assert (emu.wait_closed(1).close_code, emu.sessions[0].close_reason) == (1011, "Internal")
    assert s.recording.frames is not None  # the kit keeps the server's close with the frames
    closes = [f for f in s.recording.frames if f["dir"] == "close"]
    assert [(f["code"], f["reason"]) for f in closes] == [(1011, "Internal")]


async def test_a_spoken_turn_is_one_run_of_audio_however_it_is_chunked(tmp_path: Path) -> None:
    audio = {"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": "AAAA"}}}
    heard = {"serverContent": {"inputTranscription": {"text": "Hi there."}}}
    entries = [
        *one_turn()[:2],
        *({"t": 0.1 * i, "dir": "send", "frame": audio} for i in range(2, 30)),
        {"t": 3.0, "dir": "recv", "frame": heard},
        *({"t": 3.1, "dir": "recv", "frame": f} for f in REPLY),
    ]
    cassette = write_cassette(tmp_path / "c.jsonl", entries)
    assert [s.kind for s in load_cassette(cassette).connections[0] if s.op == "expect"] == [
        "setup",
        "audio",
    ]
    with Emulator(replay=cassette, speed=0) as emu:
        async with gl.connect(endpoint=emu.google_url(), model=MODEL) as s:
            turn = await s.ask(gl.Audio(np.zeros(4000, np.int16), 16000), timeout=10)
    assert (turn.input_transcript, turn.output_transcript) == ("Hi there.", "Hello!")


async def test_a_spoken_turn_ends_when_the_client_stops_sending_audio(tmp_path: Path) -> None:
    """The recording ended its speech with audioStreamEnd; a client that just stops also ends it."""
    audio = {"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": "AAAA"}}}
    end = {"realtimeInput": {"audioStreamEnd": True}}
    heard = {"serverContent": {"inputTranscription": {"text": "Hi there.", "finished": True}}}
    entries = [
        *one_turn()[:2],
        *({"t": 0.1 * i, "dir": "send", "frame": audio} for i in range(2, 10)),
        {"t": 1.0, "dir": "send", "frame": end},
        {"t": 1.1, "dir": "recv", "frame": heard},
        *({"t": 1.2, "dir": "recv", "frame": f} for f in REPLY),
    ]
    with Emulator(replay=write_cassette(tmp_path / "c.jsonl", entries), speed=0) as emu:
        async with gl.connect(endpoint=emu.google_url(), model=MODEL) as s:
            for _ in range(3):
                await s.send_audio(np.zeros(1600, np.int16))
            turns = s.recording.turns
            await gl.waiting.wait_until(lambda: turns and turns[0].status == "answered", timeout=10)
        assert emu.wait_closed(1).close_code is None
    assert (turns[0].input_transcript, turns[0].output_transcript) == ("Hi there.", "Hello!")


def test_a_bad_cassette_is_refused_naming_the_line_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(gl.ConfigError, match="no cassette there"):
        Emulator(replay=tmp_path / "missing")
    with pytest.raises(gl.ConfigError, match="replay= takes a cassette path or a recording"):
        Emulator(replay=42)
    with pytest.raises(gl.ConfigError, match="the recording's frames line 1 is not a JSON object"):
        Emulator(replay=_Frames(["x"]))
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"dir": "send", "frame": json.dumps(SETUP)}) + "\n{oops\n")
    with pytest.raises(gl.ConfigError, match="line 2 is not JSON"):
        Emulator(replay=bad)
    bad.write_text(json.dumps({"dir": "recv", "frame": "{}"}) + "\n")
    with pytest.raises(gl.ConfigError, match="line 1: a server frame before the client's setup"):
        Emulator(replay=bad)
    bad.write_text(json.dumps({"dir": "close", "code": "soon"}) + "\n")
    with pytest.raises(gl.ConfigError, match="line 1: a close code must be 1000-4999, got 'soon'"):
        Emulator(replay=bad)
    good = write_cassette(tmp_path / "c.jsonl", one_turn())
    with pytest.raises(gl.ConfigError, match="speed must be >= 0"):
        Emulator(replay=good, speed=-1)
    with pytest.raises(gl.ConfigError, match="replay= and script= cannot be combined"):
        Emulator(replay=good, script=[{"expect": "setup"}])


async def test_the_command_line_serves_a_cassette(tmp_path: Path, capsys: Any) -> None:
    args = build_parser().parse_args(["--replay", str(tmp_path), "--speed", "0"])
    assert (args.replay, args.speed) == (str(tmp_path), 0.0)
    assert main(["--replay", str(tmp_path / "missing"), "--port", "0"]) == 2
    assert "no cassette there" in capsys.readouterr().err
    cassette = write_cassette(tmp_path / "c.jsonl", one_turn(t_reply=0.1))
    with EmulatorProcess("--replay", str(cassette), "--speed", "0") as proc:
        path = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
        async with gl.connect(endpoint=f"{proc.url}{path}", model=MODEL) as s:
            turn = await s.ask("Hi", timeout=20)
    assert turn.output_transcript == "Hello!"


async def test_history_and_question_in_one_message_satisfy_both_recorded_steps(
    tmp_path: Path,
) -> None:
    history = {"clientContent": {"turns": [{"role": "user", "parts": [{"text": "I'm Ada."}]}],
                                 "turnComplete": False}}  # fmt: skip
    entries = one_turn()
    entries.insert(2, {"t": 0.9, "dir": "send", "frame": history})
    with Emulator(replay=write_cassette(tmp_path / "c.jsonl", entries), speed=0) as emu:
        async with gl.connect(endpoint=emu.google_url(), model=MODEL) as s:
            turn = await s.send_turns([("user", "I'm Ada."), ("model", "Hi Ada!"), "Hi"])
            assert turn is not None
            await s.wait_turn(turn, timeout=10)
        assert emu.wait_closed(1).close_code is None
    assert turn.output_transcript == "Hello!"


async def test_a_session_that_reconnected_replays_connection_by_connection(tmp_path: Path) -> None:
    """After goAway the kit reconnects; each connection's frames are kept on that connection."""
    questions = ["Hello there", "How are you?", "Bye now"]
    with Emulator(speech="builtin", go_away_at="generation_complete", go_away_time_left=0.2) as emu:
        async with gl.connect(
            endpoint=emu.google_url(), model=MODEL, record_frames=True, resumption=True
        ) as original:
            for q in questions:
                await original.ask(q, timeout=20)
        served = [len(emu.wait_closed(n).messages) for n in (1, 2)]
    saved = original.recording.save(tmp_path / "rec")
    segments = load_cassette(saved).connections
    assert [sum(step.op == "expect" for step in seg) for seg in segments] == served
    with Emulator(replay=saved, speed=0) as replay:
        async with gl.connect(endpoint=replay.google_url(), model=MODEL, resumption=True) as s:
            for q in questions:
                await s.ask(q, timeout=20)
        closes = [replay.wait_closed(n).close_code for n in (1, 2)]
    assert closes == [None, None]  # the client closed both; the replay never diverged
    assert summary(s.recording.turns) == summary(original.recording.turns)


async def test_a_setup_for_another_model_diverges(tmp_path: Path) -> None:
    cassette = write_cassette(tmp_path / "c.jsonl", one_turn())
    with Emulator(replay=cassette, speed=0) as emu, pytest.raises(gl.SessionClosed) as err:
        await gl.connect(
            endpoint=emu.google_url(), model="gemini-3.1-flash-live-preview", max_failures=1
        )
    assert err.value.code == 1007
    assert (
        f"replay recorded {MODEL}, got setup for gemini-3.1-flash-live-preview" in err.value.reason
    )


async def test_a_recorded_spoken_session_replays_the_same_turns(
    emulator: Emulator, tmp_path: Path
) -> None:
    """Speech streams as many audio chunks with transcripts in between: one run per turn."""
    from gemlive_nb.emulator.speech import get_speech

    speech = get_speech("builtin")
    clips = [gl.Audio(np.asarray(speech.synthesize(text, "Zephyr", "en-US")), 24000)
             for text in ("Hello there.", "Tell me a joke.")]  # fmt: skip
    async with gl.connect(endpoint=emulator.google_url(), model=MODEL, record_frames=True) as s:
        for clip in clips:
            await s.ask(clip, timeout=20)
    saved = s.recording.save(tmp_path / "rec")
    assert [st.kind for st in load_cassette(saved).connections[0] if st.op == "expect"] == [
        "setup",
        "audio",
        "audio_end",
        "audio",
        "audio_end",
    ]
    with Emulator(replay=saved, speed=0) as replay:
        async with gl.connect(endpoint=replay.google_url(), model=MODEL) as again:
            for clip in clips:
                await again.ask(clip, timeout=20)
        assert replay.wait_closed(1).close_code is None
    heard = [(t.input_transcript, t.output_transcript, t.status) for t in s.recording.turns]
    assert [(t.input_transcript, t.output_transcript, t.status) for t in
            again.recording.turns] == heard  # fmt: skip
    assert [h[0].strip() for h in heard] == ["Hello there.", "Tell me a joke."]
