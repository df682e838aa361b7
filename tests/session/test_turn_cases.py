"""The seven cases of issue #12, end to end against the emulator (scripted where the service's
exact frames matter). Only public names are used, so these run on older commits too."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
from typing import Any

import numpy as np
import pytest
from waiting import wait_until

import gemlive_nb as gl
from gemlive_nb import protocol as p
from gemlive_nb.audio import resample
from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.speech import get_speech


def _audio_frame(samples: np.ndarray, mime: str = "audio/pcm;rate=24000") -> dict[str, Any]:
    data = base64.b64encode(samples.astype("<i2").tobytes()).decode()
    return {
        "serverContent": {
            "modelTurn": {"parts": [{"inlineData": {"mimeType": mime, "data": data}}]}
        }
    }


def _content(**fields: Any) -> dict[str, Any]:
    return {"serverContent": fields}


def _speech16k(text: str) -> np.ndarray:
    speech = get_speech("builtin")
    return resample(np.asarray(speech.synthesize(text, "Zephyr", "en-US"), np.int16), 24000, 16000)


SETUP = [{"expect": "setup"}, {"send": {"setupComplete": {}}}]


async def test_barge_in_before_the_first_reply_audio_keeps_every_pair() -> None:
    """Case 1: A's transcript, `interrupted`, `turnComplete`, then B and B's reply."""
    reply = np.full(2400, 500, np.int16)
    script = [
        *SETUP,
        {"sleep": 0.3},
        {
            "send": [
                _content(inputTranscription={"text": "Tell me about volcanoes.", "finished": True}),
                _content(interrupted=True),
                _content(turnComplete=True),
                _content(
                    inputTranscription={"text": "What's the weather in Paris?", "finished": True}
                ),
                _content(outputTranscription={"text": "It is sunny in Paris."}),
                _audio_frame(reply),
                _content(generationComplete=True),
                _content(turnComplete=True),
            ]
        },
    ]
    with Emulator(speech="builtin", script=script) as emu:
        async with gl.connect(endpoint=emu.google_url()) as s:
            for _ in range(40):  # the microphone streams
                await s.send_audio(np.full(320, 1000, np.int16))
                await asyncio.sleep(0.01)
            await wait_until(lambda: len(s.turns) >= 2 and not s.recording.open_turns)
            turns = s.turns
            assert [t.input_transcript for t in turns] == [
                "Tell me about volcanoes.",
                "What's the weather in Paris?",
            ]
            assert turns[0].interrupted and turns[0].audio_out_s == 0
            assert turns[0].status == "interrupted"
            assert turns[1].output_transcript == "It is sunny in Paris."
            assert turns[1].audio_out_s == pytest.approx(0.1) and turns[1].status == "answered"


async def test_ask_of_a_clip_without_speech_ends_as_no_reply(emulator: Emulator) -> None:
    """Case 2: silence gets no answer; the turn says so and later turns are not blocked."""
    async with gl.connect(endpoint=emulator.google_url()) as s:
        silent = await s.ask(gl.Audio(np.zeros(16000, np.int16), 16000), timeout=15)
        assert silent.status == "no_reply" and silent.audio_out_s == 0
        hello = await s.ask("Hello", timeout=15)
        assert hello.status == "answered" and hello.output_transcript
        assert hello.index == silent.index + 1 and silent.output_transcript == ""


async def test_bad_reply_frames_become_error_events_and_the_reader_goes_on() -> None:
    """Case 3: rate=24001, rate=3 (10 kB), bad base64: error events; the turn still ends."""
    good = np.full(2400, 700, np.int16)
    script = [
        *SETUP,
        {"expect": "clientContent"},
        {
            "send": [
                _audio_frame(np.full(480, 5, np.int16), "audio/pcm;rate=24001"),
                _audio_frame(np.full(5000, 5, np.int16), "audio/pcm;rate=3"),
                _audio_frame(np.full(480, 5, np.int16), "audio/pcm;rate=100000"),
                b'{"serverContent": {"modelTurn": {"parts": [{"inlineData": '
                b'{"mimeType": "audio/pcm", "data": "%%%"}}]}}}',
                _content(outputTranscription={"text": "Still here."}),
                _audio_frame(good),
                _content(turnComplete=True),
            ]
        },
    ]
    with Emulator(speech="builtin", script=script) as emu:
        async with gl.connect(endpoint=emu.google_url()) as s:
            loop = asyncio.get_running_loop()
            started = loop.time()
            turn = await s.ask("Hi", timeout=20)
            assert loop.time() - started < 10  # the rate=3 chunk cost nothing like 137 s
            assert s.status == "connected"
            assert turn.output_transcript == "Still here."
            assert np.all(turn.audio.samples[-2400:] == 700)
            errors = [e for e in s.recording.events if e["type"] in ("error", "ProtocolError")]
            assert any("rate=3" in e["error"] for e in errors)
            assert any("100000" in e["error"] for e in errors)
            assert len(errors) >= 3
            again = await s.ask("Hi", timeout=20)  # the session goes on
            assert again.status in ("answered", "no_reply", "interrupted")


async def test_a_reader_that_ends_fails_every_pending_ask_at_once() -> None:
    """Case 3: if the reader does end, status says why and pending asks raise that cause."""
    script = [
        *SETUP,
        {"expect": "clientContent"},
        {"send": _content(outputTranscription={"text": "x"})},
    ]
    with Emulator(speech="builtin", script=script) as emu:
        async with gl.connect(endpoint=emu.google_url()) as s:

            def broken(frame: Any) -> None:
                raise RuntimeError("the reader broke")

            s._link.on_frame = broken
            with pytest.raises(gl.GemliveError, match="the reader broke"):
                await asyncio.wait_for(s.ask("Hi", timeout=None), 20)
            assert s.status == "closed"


async def test_go_away_shorter_than_a_tool_turn_fails_the_turn_naming_go_away() -> None:
    """Case 4: each connection ends before the tool does; re-asks are bounded."""
    runs: list[str] = []

    async def get_weather(city: str) -> dict:
        """Returns the weather for a city."""
        runs.append(city)
        await asyncio.sleep(1.5)
        return {"city": city, "temp_c": 21}

    with Emulator(speech="builtin", go_away_after=0.3, go_away_time_left=0.6) as emu:
        async with gl.connect(endpoint=emu.google_url(), tools=[get_weather], backoff_s=0.05) as s:
            with pytest.raises(gl.GemliveError, match="goAway"):
                await asyncio.wait_for(s.ask("What's the weather in Paris?", timeout=None), 60)
            assert 1 <= len(runs) <= 3
            calls = [c["id"] for t in s.turns for c in t.tool_calls]
            assert len(calls) == len(set(calls))  # never twice for one call id
            assert s.turns[0].status == "failed" and "goAway" in s.turns[0].error


def test_an_endless_reply_keeps_bounded_audio_whatever_record_says() -> None:
    """Case 5: past the cap, reply audio is dropped and counted (record=False too)."""
    for record in (False, True):
        rec = gl.Recording(record=record, max_reply_s=1.0)
        turn = rec.begin_turn("Tell me everything.")
        chunk = p.AudioChunk(np.full(24000, 3, "<i2").tobytes())  # 1 s
        for _ in range(20):
            rec.on_event(chunk)
        assert turn.heard_samples == 24000 and turn.dropped_samples == 19 * 24000
        assert turn.received_samples == 20 * 24000
        assert sum(len(c) for c in turn._chunks) == 24000


async def test_spoken_latency_runs_from_the_end_of_speech() -> None:
    """Case 6: speech streamed in real time, then silence; reply latency 1.0 s."""
    speech = _speech16k("What's the weather in Paris?")
    voiced = np.flatnonzero(np.abs(speech) > 300)
    pcm = np.concatenate([np.zeros(3200, np.int16), speech, np.zeros(2 * 16000, np.int16)])
    speech_end_sample = 3200 + voiced[-1] + 1
    first_audio: list[float] = []
    with Emulator(speech="builtin", latency=1.0) as emu:
        async with gl.connect(endpoint=emu.google_url()) as s:
            s.subscribe(
                lambda e: (
                    first_audio.append(s.recording.now())
                    if isinstance(e, p.AudioChunk) and not first_audio
                    else None
                )
            )
            loop = asyncio.get_running_loop()
            start = loop.time()
            sent_end = None
            for i in range(0, len(pcm), 320):  # paced like a microphone
                await asyncio.sleep(max(0.0, start + i / 16000 - loop.time()))
                await s.send_audio(pcm[i : i + 320])
                if sent_end is None and i + 320 >= speech_end_sample:
                    sent_end = s.recording.now() - (i + 320 - speech_end_sample) / 16000
            await wait_until(lambda: s.turns and s.turns[0].complete)
            turn = s.turns[0]
            assert first_audio and sent_end is not None
            true = first_audio[0] - sent_end
            m = turn.metrics
            assert true > 0.9  # the emulator waits 1.0 s
            assert abs(m["latency_first_audio"] - true) < 0.25, (m, true)
            assert m["latency_source"] == "vad"


def test_after_a_barge_in_the_transcript_keeps_what_was_heard() -> None:
    """Case 7: 0.1 s heard keeps the first piece only; cues stop at the cut, never overlap."""
    t = [100.0]
    rec = gl.Recording(clock=lambda: t[0])
    t[0] += 1.0
    rec.add_input_audio(np.full(16000, 4000, np.int16))  # 1 s of speech, ending at 1.0 s
    t[0] += 0.5
    rec.on_event(p.InputTranscript("Tell me a story.", finished=True))
    pieces = ["Sure. Let me", " tell you a", " story about", " a dragon."]
    for piece in pieces:
        rec.on_event(p.OutputTranscript(piece))
        rec.on_event(p.AudioChunk(np.full(24000, 9, "<i2").tobytes()))  # 1 s per piece
    turn = rec.turns[0]
    rec.report_playback(2400)  # 0.1 s heard
    cut = rec.on_event(p.Interrupted())
    rec.on_event(p.TurnComplete())
    assert cut == (turn, 2400)
    assert turn.transcript == "Sure. Let me" and turn.transcript_full == "".join(pieces)
    assert turn.status == "interrupted" and turn.audio_out_s == pytest.approx(0.1)
    cues = rec.cues()
    user, model = cues
    assert user[2] == "User" and user[0] == pytest.approx(0.0, abs=0.05)
    assert user[1] == pytest.approx(1.0, abs=0.05)  # the speech span, not up to the reply
    assert model[2] == "Model" and model[3] == "Sure. Let me"
    assert model[1] - model[0] == pytest.approx(0.5)  # shortest cue; audio heard was 0.1 s
    assert user[1] <= model[0]
    assert "dragon" not in rec.srt() and "dragon" not in rec.vtt()


def test_close_utterance_cues_never_overlap() -> None:
    t = [10.0]
    rec = gl.Recording(clock=lambda: t[0])
    for said in ("One.", "Two."):
        t[0] += 0.6
        rec.add_input_audio(np.full(8000, 4000, np.int16))
        rec.on_event(p.InputTranscript(said, finished=True))
    for value in (1, 2):
        t[0] += 0.3
        rec.on_event(p.AudioChunk(np.full(48000, value, "<i2").tobytes()))
        rec.on_event(p.OutputTranscript(f"Reply {value}."))
        rec.on_event(p.TurnComplete())
    cues = rec.cues()
    assert [c[3] for c in cues if c[2] == "User"] == ["One.", "Two."]
    for a, b in itertools.pairwise(cues):
        assert b[0] >= a[1]
    assert json.dumps(cues)


async def test_ask_can_wait_until_the_reply_has_played(emulator: Emulator) -> None:
    async with gl.connect(endpoint=emulator.google_url()) as s:
        turn = await s.ask("Tell me about the moon.", wait_playback=True)
        assert turn.output_offset is not None and turn.audio_out_s > 0.5
        # the emulator sends faster than playback; the listener hears it all before we go on
        assert s.recording.now() >= (turn.output_offset + turn.heard_samples) / 24000
