"""The newer Live API surface against the emulator: setup options it must accept and record."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
import pytest
from waiting import wait_until

import gemlive_nb as gl
from gemlive_nb.emulator import Emulator

FULL_SETUP: dict[str, Any] = {
    "transcribe_input": {"language_codes": ["en-US"], "word_timestamp": True, "diarization": True},
    "transcribe_output": {"language_hints": ["en-US"], "mode": "verbatim"},
    "seed_history": True,
    "safety_settings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}],
    "labels": {"notebook": "surface"},
}


async def test_the_emulator_takes_every_new_setup_field(emulator: Emulator) -> None:
    before = len(emulator.sessions)
    async with gl.connect(endpoint=emulator.google_url(), **FULL_SETUP) as s:
        turn = await s.ask("Hello")
        assert turn.status == "answered"
    setup = emulator.sessions[before].setup
    assert setup is not None
    assert setup["inputAudioTranscription"] == {
        "languageCodes": ["en-US"], "wordTimestamp": True, "diarization": True,
    }  # fmt: skip
    assert setup["outputAudioTranscription"] == {
        "languageHints": {"languageCodes": ["en-US"]}, "mode": "VERBATIM",
    }  # fmt: skip
    assert setup["historyConfig"] == {"initialHistoryInClientContent": True}
    assert setup["labels"] == {"notebook": "surface"}
    assert setup["safetySettings"][0]["threshold"] == "BLOCK_ONLY_HIGH"


async def test_a_recording_can_keep_the_wire_frames(emulator: Emulator, tmp_path: Any) -> None:
    async with gl.connect(endpoint=emulator.google_url(), record_frames=True) as s:
        await s.ask("Hello")
    frames = s.recording.frames
    assert frames is not None
    assert frames[0]["dir"] == "send" and '"setup"' in frames[0]["frame"]
    recv = [f["frame"] for f in frames if f["dir"] == "recv"]
    assert "setupComplete" in recv[0] and any("turnComplete" in f for f in recv)
    assert any('"clientContent"' in f["frame"] or '"realtimeInput"' in f["frame"]
               for f in frames if f["dir"] == "send")  # fmt: skip
    loaded = gl.Recording.load(s.recording.save(tmp_path / "rec"))
    assert loaded.frames == frames
    async with gl.connect(endpoint=emulator.google_url()) as plain:
        await plain.ask("Hi")
    assert plain.recording.frames is None  # off by default: frames can be large


def get_weather(city: str) -> dict:
    """Current weather for a city.

    Args:
        city: The city name.
    """
    return {"city": city, "temp_c": 21}


async def test_update_context_changes_instruction_and_tools_mid_session(emulator: Emulator) -> None:
    async with gl.connect(endpoint=emulator.google_url()) as s:
        record = emulator.sessions[-1]
        first = await s.ask("What's the weather in Paris?")
        assert first.tool_calls == []  # no tools yet
        await s.update_context(system_instruction="Answer briefly.", tools=[get_weather])
        second = await s.ask("What's the weather in Paris?")
        assert [c["name"] for c in second.tool_calls] == ["get_weather"]
        assert s.config.system_instruction == "Answer briefly."
        with pytest.raises(gl.ConfigError, match="update_context needs"):
            await s.update_context()
        with pytest.raises(gl.ConfigError):
            await s.update_context(tools=[{"name": "bad name!"}])
    updates = [m["contextUpdate"] for m in record.messages if "contextUpdate" in m]
    assert len(updates) == 1
    assert updates[0]["systemInstruction"]["parts"][0]["text"] == "Answer briefly."
    declared = updates[0]["tools"]["tools"][0]["functionDeclarations"]
    assert [d["name"] for d in declared] == ["get_weather"]


async def test_send_turns_seeds_history_with_images(emulator: Emulator) -> None:
    image = np.zeros((4, 6, 3), np.uint8)
    async with gl.connect(endpoint=emulator.google_url()) as s:
        record = emulator.sessions[-1]
        seeded = await s.send_turns(
            [("user", "My name is Ada."), ("model", "Nice to meet you, Ada!")], turn_complete=False
        )
        assert seeded is None
        turn = await s.send_turns([("user", ["What is my name?", image])])
        assert turn is not None
        await s.wait_turn(turn, timeout=30)
        assert turn.status == "answered" and "Ada" in turn.transcript
        with pytest.raises(gl.ConfigError, match="role must be 'user' or 'model'"):
            await s.send_turns([("system", "x")])
    contents = [m["clientContent"] for m in record.messages if "clientContent" in m]
    assert [t["role"] for t in contents[0]["turns"]] == ["user", "model"]
    parts = contents[1]["turns"][0]["parts"]
    assert parts[0] == {"text": "What is my name?"}
    assert parts[1]["inlineData"]["mimeType"] == "image/jpeg"


async def test_history_only_models_need_seed_history_and_no_turn_yet(emulator: Emulator) -> None:
    model = "gemini-3.1-flash-live-preview"
    async with gl.connect(endpoint=emulator.google_url(), model=model) as s:
        with pytest.raises(gl.ConfigError, match="seed_history=True"):
            await s.send_turns([("user", "Hi")], turn_complete=False)
    async with gl.connect(endpoint=emulator.google_url(), model=model, seed_history=True) as s:
        await s.send_turns([("user", "My name is Ada."), ("model", "Hi Ada.")], turn_complete=False)
        turn = await s.ask("What is my name?")
        assert turn.status == "answered"
        with pytest.raises(gl.ConfigError, match="only before the first turn"):
            await s.send_turns([("user", "more")], turn_complete=False)


async def test_stream_video_paces_frames(emulator: Emulator) -> None:
    frames = [np.full((4, 4, 3), i * 40, np.uint8) for i in range(4)]
    async with gl.connect(endpoint=emulator.google_url()) as s:
        record = emulator.sessions[-1]
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        assert await s.stream_video(frames, fps=20) == 4
        elapsed = loop.time() - t0
        with pytest.raises(gl.ConfigError, match="fps"):
            await s.stream_video(frames, fps=0)
        await s.ask("Hello")  # the frames went out before this turn
    assert elapsed >= 3 / 20  # paced: the 4th frame waits for its slot
    videos = [m for m in record.messages if "video" in m.get("realtimeInput", {})]
    assert len(videos) == 4


async def test_stream_video_never_bursts_after_a_slow_frame(emulator: Emulator) -> None:
    # the first encode imports Pillow and may take long on a busy machine: the frames after it
    # must still go at most fps a second, not all at once to catch up
    frames = [np.full((4, 4, 3), i * 40, np.uint8) for i in range(4)]
    async with gl.connect(endpoint=emulator.google_url()) as s:
        loop = asyncio.get_running_loop()
        sent_at: list[float] = []
        send = s._content.send_video

        async def slow_first(frame, mime_type=None):
            if not sent_at:
                await asyncio.sleep(0.5)
            await send(frame, mime_type)
            sent_at.append(loop.time())

        s._content.send_video = slow_first  # type: ignore[method-assign]
        assert await s.stream_video(frames, fps=10) == 4
    gaps = np.diff(sent_at)
    assert np.all(gaps >= 0.1 - 1e-3), gaps


async def test_streamed_function_call_arguments_run_the_tool_once_whole() -> None:
    pieces = [
        {"id": "w1", "name": "get_weather", "willContinue": True,
         "partialArgs": [{"jsonPath": "$.city", "stringValue": "Pa", "willContinue": True}]},
        {"id": "w1", "name": "get_weather", "willContinue": True,
         "partialArgs": [{"jsonPath": "$.city", "stringValue": "ris"}]},
        {"id": "w1", "name": "get_weather"},
    ]  # fmt: skip
    script = [
        {"expect": "setup"},
        {"send": {"setupComplete": {}}},
        {"expect": "clientContent"},
        {"send": [{"toolCall": {"functionCalls": [piece]}} for piece in pieces]},
        {"expect": {"toolResponse": {"functionResponses": [
            {"id": "w1", "name": "get_weather", "response": {"city": "Paris", "temp_c": 21}}]}}},
        {"send": [{"serverContent": {"outputTranscription": {"text": "21 degrees."}}},
                  {"serverContent": {"turnComplete": True}}]},
    ]  # fmt: skip
    with Emulator(script=script) as emu:
        async with gl.connect(endpoint=emu.google_url(), tools=[get_weather]) as s:
            turn = await s.ask("Weather in Paris?", timeout=10)
    assert turn.tool_calls == [{"id": "w1", "name": "get_weather", "args": {"city": "Paris"}}]
    assert [r["response"] for r in turn.tool_results] == [{"city": "Paris", "temp_c": 21}]
    assert turn.output_transcript == "21 degrees."


def snapshot() -> gl.tools.ToolResult:
    """Take a picture with the camera."""
    return gl.tools.ToolResult({"taken": True}, media=[np.zeros((6, 8, 3), np.uint8)])


async def test_a_tool_can_answer_with_images() -> None:
    script = [
        {"expect": "setup"},
        {"send": {"setupComplete": {}}},
        {"expect": "clientContent"},
        {"send": {"toolCall": {"functionCalls": [{"id": "s1", "name": "snapshot", "args": {}}]}}},
        {"expect": {"toolResponse": {"functionResponses": [{
            "id": "s1", "name": "snapshot", "response": {"taken": True},
            "parts": [{"inlineData": {"mimeType": "image/jpeg"}}]}]}}},
        {"send": [{"serverContent": {"outputTranscription": {"text": "A dark room."}}},
                  {"serverContent": {"turnComplete": True}}]},
    ]  # fmt: skip
    with Emulator(script=script) as emu:
        async with gl.connect(endpoint=emu.google_url(), tools=[snapshot]) as s:
            turn = await s.ask("What does the camera see?", timeout=10)
    assert turn.output_transcript == "A dark room."
    assert turn.tool_results[0]["parts"][0]["inlineData"]["data"].startswith("/9j/")  # JPEG


async def test_stream_audio_goes_like_a_microphone(emulator: Emulator) -> None:
    # each piece leaves once it would have been recorded, never ahead; all of it arrives, in
    # order, at 16 kHz; end=True closes the utterance
    samples = (np.arange(48000 * 7 // 10) % 200).astype(np.int16)  # 0.7 s at 48 kHz
    async with gl.connect(endpoint=emulator.google_url()) as s:
        record = emulator.sessions[-1]
        loop = asyncio.get_running_loop()
        sent: list[tuple[float, int]] = []
        send = s._inputs.send_audio

        async def timed(pcm, rate=16000):
            sent.append((loop.time(), len(pcm)))
            await send(pcm, rate)

        s._inputs.send_audio = timed  # type: ignore[method-assign]
        ticks: list[float] = []
        t0 = loop.time()
        await s.stream_audio(samples, rate=48000, chunk_s=0.2, end=True,
                             on_chunk=lambda: ticks.append(loop.time()))  # fmt: skip
        with pytest.raises(gl.ConfigError, match="chunk_s"):
            await s.stream_audio(samples, chunk_s=0)
    # the emulator reads what was sent after the client has closed: wait until it has all
    assert await wait_until(lambda: record.ended is not None)
    assert [n for _, n in sent] == [9600, 9600, 9600, 4800]
    for k, (at, _) in enumerate(sent):
        assert at >= t0 + (k + 1) * 0.2 - 1e-3, (k, at - t0)
    assert len(ticks) == 4
    kinds = [next(iter(m["realtimeInput"])) for m in record.messages if "realtimeInput" in m]
    assert kinds == ["audio"] * 4 + ["audioStreamEnd"]
    assert record.audio_in_bytes / 2 == pytest.approx(0.7 * 16000, abs=64)  # resampled, whole


async def test_stream_audio_refuses_what_is_not_audio_before_sending(emulator: Emulator) -> None:
    async with gl.connect(endpoint=emulator.google_url()) as s:
        record = emulator.sessions[-1]
        with pytest.raises(gl.AudioError, match=r"stream_audio takes .* not str"):
            await s.stream_audio("not audio", chunk_s=10)  # no 10 s wait: refused at once
        with pytest.raises(gl.AudioError, match="mono"):
            await s.stream_audio(np.zeros((2, 160), np.int16))
    assert await wait_until(lambda: record.ended is not None)  # everything sent was read
    assert not [m for m in record.messages if "audio" in m.get("realtimeInput", {})]


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"chunk_s": float("inf")}, "chunk_s"),
        ({"chunk_s": float("nan")}, "chunk_s"),
        ({"chunk_s": 1e-7}, "chunk_s"),
        ({"rate": 0}, "rate"),
        ({"rate": 16000.5}, "rate"),
    ],
)
async def test_stream_audio_refuses_odd_pacing_and_rates_at_once(
    emulator: Emulator, kwargs: dict[str, Any], named: str
) -> None:
    """#24 item 16: inf/nan gave OverflowError/ValueError, 1e-7 sent one sample per frame,
    rate=0 failed only after the first chunk's wait with another argument's name."""
    async with gl.connect(endpoint=emulator.google_url()) as s:
        with pytest.raises(gl.ConfigError, match=f"^{named} ") as info:
            await s.stream_audio(np.zeros(1600, np.int16), **{"chunk_s": 10, **kwargs})
        assert repr(next(iter(kwargs.values()))) in str(info.value)
        assert s.stats.audio_chunks_sent == 0
