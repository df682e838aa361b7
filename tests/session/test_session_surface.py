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
