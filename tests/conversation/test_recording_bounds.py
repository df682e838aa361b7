"""Long sessions: the event log summarises audio, and record= bounds what a recording keeps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gemlive_nb import protocol as p
from gemlive_nb.conversation import Recorder, Recording
from gemlive_nb.emulator import Emulator
from gemlive_nb.exceptions import ConfigError
from gemlive_nb.session import connect


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def _stream(rec: Recorder, clock: Clock, seconds: float) -> None:
    """``seconds`` of 20 ms microphone chunks, with a reply (40 ms chunks) every 5 s."""
    chunk = np.full(320, 3, np.int16)
    for i in range(round(seconds * 50)):
        clock.t += 0.02
        rec.add_input_audio(chunk)
        if i % 250 == 249:  # a reply of 1 s
            rec.on_event(p.InputTranscript("Hello there."))
            for _ in range(25):
                rec.on_event(p.AudioChunk(np.full(960, 9, "<i2").tobytes()))
            rec.on_event(p.OutputTranscript("Hi."))
            rec.on_event(p.TurnComplete())


@pytest.mark.parametrize("record", [True, "transcript"])
def test_audio_is_logged_at_most_once_a_second(record: bool | str) -> None:
    clock = Clock()
    rec = Recorder(clock=clock, record=record)
    _stream(rec, clock, 60)
    audio = [e for e in rec.recording.events if e["type"] in ("audio", "AudioChunk")]
    sent = [e for e in audio if e["dir"] == "send"]
    assert 55 <= len(sent) <= 61 and sum(e["chunks"] for e in sent) == 3000
    assert sum(e["samples"] for e in sent) == 60 * 16000
    received = [e for e in audio if e["dir"] == "recv"]
    assert sum(e["samples"] for e in received) == 12 * 24000 and len(received) == 12
    others = [e for e in rec.recording.events if e not in audio]
    assert [e["type"] for e in others[:3]] == [
        "InputTranscript",
        "OutputTranscript",
        "TurnComplete",
    ]
    assert len(others) == 12 * 3  # every other event is kept
    assert len(rec.recording.events) < 120


def test_a_transcript_recording_keeps_no_samples(tmp_path: Path) -> None:
    clock = Clock()
    rec = Recorder(clock=clock, record="transcript")
    _stream(rec, clock, 60)
    assert rec.recording.input.sample_count == 0 and rec.recording.input.segments == []
    assert rec.recording.input.end == 60 * 16000  # placement is still tracked
    assert all(len(t.audio.samples) == 0 for t in rec.turns) and len(rec.turns) == 12
    assert rec.turns[0].input_transcript == "Hello there." and rec.turns[0].transcript == "Hi."
    assert rec.turns[0].audio_out_s == 1.0 and rec.recording.metrics[0]["audio_out_s"] == 1.0
    assert len(rec.recording.output.samples) == 0 and len(rec.recording.input_audio.samples) == 0
    rec.recording.save(tmp_path)
    assert not (tmp_path / "input.wav").exists() and (tmp_path / "transcript.srt").exists()
    assert Recording.load(tmp_path) == rec.recording


def test_a_metrics_only_recording_keeps_no_events_and_no_words() -> None:
    clock = Clock()
    rec = Recorder(clock=clock, record=False)
    _stream(rec, clock, 10)
    assert rec.recording.events == [] and rec.recording.input.sample_count == 0
    assert [t.transcript for t in rec.turns] == ["", ""]
    assert rec.recording.metrics[1]["audio_out_s"] == 1.0 and rec.recording.metrics[1]["turn"] == 1


@pytest.mark.parametrize("bad", ["audio", 1, None, "True"])
def test_record_option_is_validated(bad: object) -> None:
    with pytest.raises(ConfigError, match=repr(bad).replace("(", r"\(")):
        Recording(record=bad)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="record must be True"):
        connect(endpoint="ws://127.0.0.1:9", record=bad).__await__().send(None)


async def test_a_long_transcript_session_stays_small(emulator: Emulator) -> None:
    async with connect(endpoint=emulator.google_url(), record="transcript") as s:
        silence = np.zeros(320, np.int16)
        for _ in range(3000):  # 60 s of 20 ms chunks
            await s.send_audio(silence)
        turn = await s.ask("Hello")
        rec = s.recording
        assert turn.audio_out_s > 0.5 and len(turn.audio.samples) > 0  # the caller's Turn
        kept = rec.turns[turn.index]
        assert kept is not turn and len(kept.audio.samples) == 0 and kept.transcript
        assert kept.audio_out_s == turn.audio_out_s and kept.usage == turn.usage
        assert rec.input.sample_count == 0 and s.stats.audio_seconds_sent == 60
        assert len(rec.events) < 100
