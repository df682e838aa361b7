"""A late input-transcript piece (adversarial orders) comes late inside a reply, never after the
next utterance's words: then no client could tell whose words they are, and the grammar does not
allow it (:mod:`gemlive_nb.protocol.grammar`: ``input.late_piece``)."""

from __future__ import annotations

import asyncio
import json

import numpy as np
import pytest

import gemlive_nb as gl
from gemlive_nb.audio import resample
from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.speech import get_speech

SAID = ("Turn on the lights.", "And close the door.")


def _speech16k(text: str) -> np.ndarray:
    speech = get_speech("builtin")
    return resample(np.asarray(speech.synthesize(text, "Zephyr", "en-US"), np.int16), 24000, 16000)


@pytest.mark.parametrize("seed", [0, 1, 2, 5])  # seeds that hold back the first utterance's end
async def test_each_utterances_words_arrive_before_the_next_ones(seed: int) -> None:
    heard = [get_speech("builtin").transcribe(_speech16k(x), "en-US") for x in SAID]
    gap = np.zeros(8000, np.int16)  # 0.5 s: the second starts before the first is answered
    pcm = np.concatenate([_speech16k(SAID[0]), gap, _speech16k(SAID[1]), gap, gap])
    with Emulator(speech="builtin", orders="adversarial", seed=seed) as emu:
        options = {"vad": {"silence_duration_ms": 300}, "max_queued_audio_s": 30}
        async with gl.connect(endpoint=emu.google_url(), record_frames=True, **options) as s:
            for i in range(0, len(pcm), 320):
                await s.send_audio(pcm[i : i + 320])
            for _ in range(400):  # both replies: two turnCompletes
                if "".join(emu.sessions[-1].sent).count("turnComplete") >= 2:
                    break
                await asyncio.sleep(0.025)
            frames = [json.loads(f["frame"]) for f in s.recording.frames if f["dir"] == "recv"]
    pieces = [
        m["serverContent"]["inputTranscription"].get("text", "")
        for m in frames
        if "inputTranscription" in m.get("serverContent", {})
    ]
    assert "".join(pieces) == "".join(heard), pieces
