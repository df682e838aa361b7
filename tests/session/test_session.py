"""LiveSession against the emulator: turns, audio, tools, interruption, backpressure, secrets."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
import threading
from pathlib import Path
from typing import Any

import matplotlib.image
import numpy as np
import pytest
from replies import got_its_reply
from waiting import wait_until
from websockets.asyncio.server import serve

import gemlive_nb as gl
import gemlive_nb.session.embedded as embedded_mod
from gemlive_nb import protocol as p
from gemlive_nb.audio import Audio, resample
from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.speech import get_speech
from gemlive_nb.exceptions import SessionClosed
from gemlive_nb.session import LiveSession, PlaybackCut, SessionStatus, connect, connect_sync
from gemlive_nb.session.content import jpeg
from gemlive_nb.tools import tool


def open_session(emu: Emulator, **kw: Any) -> Any:
    return connect(endpoint=emu.google_url(), **kw)


async def test_text_turns_remember_and_stream_events(emulator: Emulator) -> None:
    seen: list[Any] = []
    async with open_session(emulator) as s:
        unsubscribe = s.subscribe(seen.append)
        t0 = await s.ask("My name is Ada.")
        t1 = await s.ask("What is my name?")
        unsubscribe()
        await s.ask("Hello")
        assert "Your name is Ada; I will remember that." in t0.output_transcript
        assert t1.output_transcript == "Your name is Ada."
        for turn in (t0, t1):  # the next question may cut a reply still playing (PROTOCOL.md §3)
            assert turn.complete and got_its_reply(turn)
            assert turn.audio.rate == 24000 and turn.received_samples > 0.5 * 24000
            assert turn.usage is not None and turn.usage.response_tokens > 0
            m = turn.metrics
            assert 0 <= m["latency_first_audio"] <= m["latency_complete"] < 5
        # every received sample is in exactly one turn (heard or cut)
        total = sum(t.received_samples for t in s.turns) / 24000
        assert total == pytest.approx(s.stats.audio_seconds_received)
        kinds = {type(e).__name__ for e in seen}
        assert {"AudioChunk", "OutputTranscript", "TurnComplete", "Usage"} <= kinds
        assert sum(isinstance(e, p.TurnComplete) for e in seen) == 2  # unsubscribed after two
        assert repr(s).startswith("<LiveSession custom endpoint ws://127.0.0.1")
        assert repr(s).endswith("· connected · 3 turns>")
        assert s.recording.usage.total_tokens == sum(t.usage.total_tokens for t in s.turns)
        # the same events are available to `async for`
        got = []
        async for event in s:
            got.append(event)
            if isinstance(event, p.TurnComplete) and len(got) > 3:
                break
        assert isinstance(got[0], SessionStatus) and got[0].state == "connecting"
    assert s.status == "closed"
    with pytest.raises(SessionClosed):
        await s.send_text("too late")


async def test_spoken_turn_and_resampled_audio(emulator: Emulator) -> None:
    speech = get_speech("builtin")
    said = "My favorite color is green."
    audio = Audio(np.array(speech.synthesize(said, "Zephyr", "en-US")), 24000)
    # what the emulator's recogniser makes of the whole utterance (the words, or a marker)
    expected = speech.transcribe(resample(audio.samples, 24000, 16000), "en-US")
    async with open_session(emulator) as s:
        turn = await s.ask(audio)
        assert turn.input_transcript.strip() == expected
        assert turn.output_transcript and turn.audio_out_s > 0.5
        assert ("green" in expected) == ("green" in turn.output_transcript)
        assert turn.audio_in_s == pytest.approx(audio.duration, abs=0.01)
        assert s.recording.input.sample_count == pytest.approx(audio.duration * 16000, abs=160)
        # float audio at 48 kHz is resampled to 16 kHz
        await s.send_audio(np.zeros(4800, np.float32), rate=48000)
        await s.send_audio(np.zeros(320, np.int16).tobytes())
        stats = s.stats
        assert stats.audio_seconds_sent == pytest.approx(audio.duration + 0.12, abs=0.01)
        with pytest.raises(ValueError, match="even number of bytes"):
            await s.send_audio(b"\x00\x01\x02")


def get_weather(city: str) -> dict:
    """Current weather for a city.

    Args:
        city: The city name.
    """
    get_weather.thread = threading.current_thread()  # type: ignore[attr-defined]
    return {"city": city, "temp_c": 21}


async def get_population(city: str) -> int:
    """Number of inhabitants of a city."""
    await asyncio.sleep(0.01)
    return 2100000


def get_stock(symbol: str) -> float:
    """Share price of a company."""
    raise RuntimeError("market closed")


async def test_tools_are_dispatched_automatically(emulator: Emulator) -> None:
    async with open_session(emulator, tools=[get_weather, get_population, get_stock]) as s:
        record = emulator.sessions[-1]
        declared = s.tools.declarations()
        assert [d["name"] for d in declared] == ["get_weather", "get_population", "get_stock"]
        w = await s.ask("What's the weather in Paris?")
        assert w.tool_calls == [
            {"id": w.tool_calls[0]["id"], "name": "get_weather", "args": {"city": "Paris"}}
        ]
        assert w.tool_results[0]["response"] == {"city": "Paris", "temp_c": 21}
        assert "temp c 21" in w.output_transcript
        assert get_weather.thread is not threading.main_thread()  # type: ignore[attr-defined]
        pop = await s.ask("What is the population of Paris?")
        assert pop.tool_results[0]["response"] == {"result": 2100000}
        assert "2100000" in pop.output_transcript
        err = await s.ask("What is the stock price of ACME?")
        assert err.tool_results[0]["response"] == {"error": "RuntimeError: market closed"}
        assert "market closed" in err.output_transcript  # the model heard the error
    sent = [m for m in record.messages if "toolResponse" in m]
    assert len(sent) == 3


@tool(non_blocking=True, scheduling="WHEN_IDLE")
async def make_booking(people: int) -> dict:
    """Book a table."""
    await asyncio.sleep(0.05)
    return {"booked": True, "people": people}


async def test_non_blocking_tool_answers_after_the_turn(emulator: Emulator) -> None:
    async with open_session(emulator, tools=[make_booking]) as s:
        assert s.tools.declarations()[0]["behavior"] == "NON_BLOCKING"
        first = await s.ask("Please make a booking for 2 people.")
        assert first.output_transcript == "Let me check that for you."
        while len(s.turns) < 2 or not s.turns[1].complete:
            await asyncio.sleep(0.01)
        later = s.turns[1]
        assert first.tool_results[0]["response"] == {"booked": True, "people": 2}
        assert first.tool_results[0]["scheduling"] == "WHEN_IDLE"
        assert later.user is None or later.user == ""
        assert "booked True" in later.output_transcript and "people 2" in later.output_transcript


ROCKET = "launch_rocket"


async def test_unknown_tool_name_still_gets_an_answer() -> None:
    script = [
        {"expect": "setup"},
        {"send": {"setupComplete": {}}},
        {"expect": "clientContent"},
        {"send": {"toolCall": {"functionCalls": [{"id": "r1", "name": ROCKET, "args": {}}]}}},
        {"expect": {"toolResponse": {"functionResponses": [{"id": "r1", "name": ROCKET}]}}},
        {"send": [{"serverContent": {"outputTranscription": {"text": "No rockets."}}},
                  {"serverContent": {"turnComplete": True}}]},
    ]  # fmt: skip
    with Emulator(script=script) as emu:
        async with open_session(emu, tools=[get_weather]) as s:
            turn = await s.ask("Launch the rocket", timeout=10)
    error = turn.tool_results[0]["response"]["error"]
    assert error == "ToolError: unknown tool 'launch_rocket' — the known tools are: get_weather"
    assert turn.output_transcript == "No rockets."


async def test_interrupting_cancels_a_running_tool(emulator: Emulator) -> None:
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def get_forecast(city: str) -> str:
        """Forecast for a city."""
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "sunny"

    async with open_session(emulator, tools=[get_forecast]) as s:
        record = emulator.sessions[-1]
        first = asyncio.ensure_future(s.ask("What is the forecast for Paris?"))
        await asyncio.wait_for(started.wait(), 5)
        second = await s.ask("Never mind. Hello!")
        await asyncio.wait_for(cancelled.wait(), 5)
        cut = await first
        assert cut.interrupted and cut.complete and cut.tool_results == []
        assert second.complete and not second.interrupted and second.audio_out_s > 0
        assert s.tools.pending == []
    assert await wait_until(lambda: record.ended is not None)  # everything sent was read
    assert not any("toolResponse" in m for m in record.messages)


async def test_interruption_cuts_the_recording_at_the_played_sample() -> None:
    with Emulator(speech="builtin", realtime=True) as emu:
        async with open_session(emu) as s:
            events: list[Any] = []
            enough = asyncio.Event()

            def on_event(event: Any) -> None:
                events.append(event)
                got = sum(len(e.data) // 2 for e in events if isinstance(e, p.AudioChunk))
                if got >= 4800:
                    enough.set()

            s.subscribe(on_event)
            turn = await s.send_text("Tell me a long story about the history of Rome.")
            await asyncio.wait_for(enough.wait(), 5)
            s.report_playback(4800)  # the browser played 0.2 s of it
            await s.ask("Stop. Hello!")
            cuts = [e for e in events if isinstance(e, PlaybackCut)]
            assert cuts == [PlaybackCut(0, 4800, transcript=turn.transcript)]
            # the words heard: the pieces that came with the first 0.2 s, not the rest
            assert turn.transcript_full.startswith(turn.transcript)
            assert turn.transcript and len(turn.transcript) <= len(turn.transcript_full)
            assert turn.status == "interrupted" and s.turns[1].status == "answered"
            interrupted_at = next(i for i, e in enumerate(events) if isinstance(e, p.Interrupted))
            assert events[interrupted_at + 1] == cuts[0]  # listeners hear of it at once
            assert turn.interrupted and turn.cut_sample == 4800
            assert len(turn.audio.samples) == 4800 and turn.received_samples >= 4800
            nxt = s.turns[1]
            # the next reply starts right after what was heard, not after what was received
            assert nxt.output_offset >= turn.output_offset + 4800


async def _stalling_server(stop: asyncio.Event) -> Any:
    async def handler(ws: Any) -> None:
        await ws.recv()
        await ws.send(b'{"setupComplete": {}}')
        ws.transport.pause_reading()  # never read again: the client's socket fills up
        await stop.wait()

    return await serve(handler, "127.0.0.1", 0)


async def test_backpressure_drops_oldest_audio_and_bounds_memory() -> None:
    stop = asyncio.Event()
    server = await _stalling_server(stop)
    port = server.sockets[0].getsockname()[1]
    try:
        async with connect(endpoint=f"ws://127.0.0.1:{port}/live", max_queued_audio_s=1.0) as s:
            chunk = np.random.default_rng(0).integers(-9000, 9000, 1600).astype("<i2").tobytes()
            sent = 0
            while s.stats.dropped_audio_chunks < 20 and sent < 20000:
                await s.send_audio(chunk)  # never blocks, even though nothing is read
                sent += 1
            stats = s.stats
            assert stats.dropped_audio_chunks >= 20
            assert stats.dropped_audio_seconds == pytest.approx(stats.dropped_audio_chunks * 0.1)
            assert stats.queued_audio_seconds <= 1.0 + 1e-9
            assert stats.peak_queued_audio_seconds <= 1.0 + 1e-9
            assert len(s._sender.outbox) <= 10
            # the newest audio is the one kept
            assert s._sender.outbox._items[-1][0] == p.realtime_audio_frame(chunk)
            stop.set()
    finally:
        stop.set()
        server.close()


def _server_side(logger: str) -> bool:
    return logger.startswith(("websockets.server", "gemlive_nb.emulator"))


async def test_api_key_never_leaks(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    right, wrong = "right-key-0123456789abcdef", "wrong-key-9876543210fedcba"
    caplog.set_level(logging.DEBUG)
    with Emulator(api_key=right) as emu:
        with pytest.raises(SessionClosed) as info:
            await connect(endpoint=emu.google_url(), api_key=wrong)
        assert info.value.code == 1008 and "API key" in str(info.value)
        assert len(emu.sessions) == 1  # a bad key is not retried
        s = await connect(endpoint=emu.google_url() + f"?key={right}")
        await s.ask("Hello")
        texts = [repr(s), str(s.endpoint), repr(s.endpoint), repr(s.recording), repr(s.config)]
        s.recording.save(tmp_path)
        await s.close()
    texts += [f.read_text(errors="replace") for f in tmp_path.iterdir() if f.suffix != ".wav"]
    # the client's own logs (the emulator's server-side logs are not the client's business)
    client_logs = [r.getMessage() for r in caplog.records if not _server_side(r.name)]
    assert any("GET /ws/" in line for line in client_logs)  # websockets' request line
    texts += [str(info.value), repr(info.value), *client_logs]
    for text in texts:
        assert right not in text and wrong not in text


async def test_send_video_and_realtime_text(emulator: Emulator) -> None:
    async with open_session(emulator) as s:
        record = emulator.sessions[-1]
        image = np.zeros((8, 12, 3), np.uint8)
        image[:, :, 0] = 255
        await s.send_video(image)
        await s.send_video(b"\xff\xd8\xff\xe0fakejpeg")
        with pytest.raises(ValueError, match="HxWx3 uint8"):
            await s.send_video(np.zeros((4, 4, 3), np.float32))
        turn = await s.send_realtime_text("Hello there")
        await s.wait_turn(turn, timeout=10)
        assert turn.complete and turn.user_text == "Hello there"
    videos = [
        m["realtimeInput"]["video"]
        for m in record.messages
        if "video" in m.get("realtimeInput", {})
    ]
    assert [v["mimeType"] for v in videos] == ["image/jpeg", "image/jpeg"]
    sent = [e for e in s.recording.events if e.get("type") == "video"]
    decoded = matplotlib.image.imread(io.BytesIO(jpeg(image)), format="jpeg")
    assert decoded.shape == (8, 12, 3) and sent[0]["bytes"] == len(jpeg(image))
    assert decoded[0, 0, 0] > 240 and decoded[0, 0, 1:].max() < 16  # red survives JPEG


def test_sync_wrappers_outside_a_loop(emulator: Emulator) -> None:
    s = connect_sync(endpoint=emulator.google_url())
    try:
        assert isinstance(s, LiveSession)
        turn = s.ask_sync("My name is Ada.")
        assert "Ada" in turn.output_transcript
    finally:
        s.close_sync()
    assert s.status == "closed"


async def test_no_key_uses_the_embedded_emulator_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "MIXROUTE_API_KEY", "GEMLIVE_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(embedded_mod, "_emulators", {})
    try:
        async with connect() as a, connect() as b:
            assert a.endpoint.kind == "emulator" and a.endpoint.url == b.endpoint.url
            assert (await a.ask("Hello")).output_transcript
        out = capsys.readouterr().out
        assert out.count("gemlive_nb: no API key found — using the local emulator at ws://") == 1
        assert "set GEMINI_API_KEY or MIXROUTE_API_KEY" in out
        # the child process died (killed, out of memory): the next connect() starts a new one
        (first,) = embedded_mod._emulators.values()
        first._proc.kill()
        first._proc.wait()
        async with connect() as c:
            assert (await c.ask("Hello")).output_transcript
        assert "had stopped — starting a new one" in capsys.readouterr().out
    finally:
        for emu in embedded_mod._emulators.values():
            emu.stop()


NESTED = """
import asyncio
from gemlive_nb.emulator import Emulator
from gemlive_nb.session import connect, connect_sync

async def cell():  # a notebook cell: the loop is already running
    s = connect_sync(endpoint=URL)
    assert s.loop is asyncio.get_running_loop()
    turn = s.ask_sync("My name is Ada.")
    again = await s.ask("What is my name?")  # the async API still works on the same loop
    s.close_sync()
    print(turn.output_transcript, "|", again.output_transcript)

with Emulator(speech="builtin") as emu:
    URL = emu.google_url()
    asyncio.run(cell())
"""


def test_sync_wrappers_inside_a_running_loop_nest_it() -> None:
    import subprocess
    import sys

    # a subprocess, because nesting patches the loop for good
    out = subprocess.run(
        [sys.executable, "-c", NESTED], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert out.strip() == "Sure. Your name is Ada; I will remember that. | Your name is Ada."


async def test_an_emulator_object_is_an_endpoint(emulator: Emulator) -> None:
    async with connect(endpoint=emulator) as s:
        assert s.endpoint.kind == "emulator" and s.endpoint.url.startswith(emulator.url + "/ws/")
        assert (await s.ask("Hello")).output_transcript


def _speech16k(text: str) -> np.ndarray:
    samples = np.asarray(get_speech("builtin").synthesize(text, "Kore", "en-US"), np.int16)
    return resample(samples, 24000, 16000)


async def test_a_spoken_turn_is_placed_when_it_is_sent(emulator: Emulator) -> None:
    async with open_session(emulator) as s:
        t0 = await s.ask("Tell me about the moon.")
        await asyncio.sleep(0.05)
        clip = t0.audio.resample(16000)
        t1 = await s.ask(clip)
        assert t1.t_user_start >= t0.t_turn_complete > 0
        assert t1.t_user_end >= t1.t_user_start and t1.input_transcript
        start = round(t1.t_user_start * 16000)
        inp = s.recording.input.render()
        assert abs(len(inp) - start - len(clip.samples)) <= 1
        assert not inp[:start].any()  # nothing before it, so nothing overlaps
        cues = s.recording.cues()
        cue = [c for c in cues if c[2] == "User"][-1]
        # the clip's span, up to the reply's first cue (cues never overlap; a reply may have
        # several sentence-timed cues)
        reply_start = min(c[0] for c in cues if c[2] == "Model" and c[0] >= cue[0])
        end = min(t1.t_user_start + clip.duration, reply_start)
        assert cue[:2] == pytest.approx((t1.t_user_start, end))


async def test_close_utterances_get_their_own_input_transcripts(emulator: Emulator) -> None:
    said = ["Turn on the lights.", "And close the door."]
    expected = [get_speech("builtin").transcribe(_speech16k(x), "en-US") for x in said]
    pcm = np.concatenate(
        [
            _speech16k(said[0]),
            np.zeros(8000, np.int16),
            _speech16k(said[1]),
            np.zeros(16000, np.int16),
        ]
    )
    # faster than real time, so the send queue must hold it all: with the default 2 s bound a
    # busy machine would drop the oldest audio. Whether the first reply starts before the
    # second utterance (then it is cut, or answered after it) depends on the machine's speed:
    # every order must give each utterance its own turn.
    async with open_session(emulator, vad={"silence_duration_ms": 300}, max_queued_audio_s=30) as s:
        for i in range(0, len(pcm), 320):
            await s.send_audio(pcm[i : i + 320])
        await wait_until(lambda: len(s.turns) >= 2 and not s.recording.open_turns)
        assert s.stats.dropped_audio_chunks == 0
        assert [t.input_transcript.strip() for t in s.turns] == expected
        assert s.turns[-1].status == "answered"
        assert all(t.status in ("answered", "interrupted") for t in s.turns)


async def test_send_video_scales_big_frames_down_and_refuses_empty_ones(
    emulator: Emulator,
) -> None:
    """#24 item 16: a 0x0 frame raised a bare ValueError, a 70000 px wide one an OSError, and a
    24 MP frame was encoded whole."""
    from PIL import Image

    async with open_session(emulator) as s:
        frames: list[str] = []
        send = s._sender.send

        async def tap(frame: str, *args: Any) -> None:
            frames.append(frame)
            await send(frame, *args)

        s._sender.send = tap  # type: ignore[method-assign]
        for empty in (np.zeros((0, 0, 3), np.uint8), np.zeros((0, 5, 3), np.uint8)):
            with pytest.raises(gl.ConfigError, match=r"0x0 px is empty|5x0 px is empty"):
                await s.send_video(empty)
        await s.send_video(np.zeros((10, 70000, 3), np.uint8))
        await s.send_video(np.zeros((4000, 6000, 3), np.uint8))  # 24 MP
        await s.send_video(Image.new("RGBA", (900, 1200)))
    sizes = [
        Image.open(io.BytesIO(base64.b64decode(video["data"]))).size
        for video in (json.loads(f)["realtimeInput"]["video"] for f in frames)
    ]
    assert sizes == [(768, 1), (768, 512), (576, 768)]
