"""``--reply-audio``: every reply speaks a given recording (tests that need its exact samples)."""

from __future__ import annotations

import numpy as np

from gemlive_nb.audio import Audio, resample
from gemlive_nb.emulator.process import EmulatorProcess
from gemlive_nb.session import connect


async def test_every_reply_speaks_the_recording_with_the_replys_transcript(tmp_path):
    tone = Audio.tone(300, 0.8, 16000)  # another rate than the replies': resampled to 24 kHz
    tone.to_wav(tmp_path / "reply.wav")
    want = resample(tone.samples, 16000, 24000)
    with EmulatorProcess("--speech", "builtin", f"--reply-audio={tmp_path / 'reply.wav'}") as emu:
        async with connect(endpoint=emu.url, voice="Kore") as s:
            for question in ("My name is Ada.", "What is my name?"):
                turn = await s.ask(question)
                assert "Ada" in turn.output_transcript  # the words are still the reply's
                got = turn.audio.samples
                assert got.size == want.size
                assert np.max(np.abs(got.astype(int) - want.astype(int))) <= 1
