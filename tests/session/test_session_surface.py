"""The newer Live API surface against the emulator: setup options it must accept and record."""

from __future__ import annotations

from typing import Any

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
