"""Proactive audio on the emulator: a remark the model stays silent on, then a question.

The emulator stays silent on speech not addressed to the model (``emulator.behaviour.addressed``)
and sends nothing for it, as the public docs describe (see tests/conversation/test_turn_proactive).
"""

from __future__ import annotations

import numpy as np

import gemlive_nb as gl
from gemlive_nb.audio import resample
from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.behaviour import addressed
from gemlive_nb.emulator.speech import get_speech

REMARK, QUESTION = "The bus is late again.", "Gemini, what time is it in Tokyo?"


def _speech16k(text: str) -> gl.Audio:
    speech = get_speech("builtin")
    samples = np.asarray(speech.synthesize(text, "Zephyr", "en-US"), np.int16)
    return gl.Audio(resample(samples, 24000, 16000), 16000)


async def test_the_answer_after_an_ignored_remark_is_the_questions(emulator: Emulator) -> None:
    assert not addressed(REMARK) and addressed(QUESTION)  # the emulator's rule, as documented
    async with gl.connect(
        endpoint=emulator.google_url(), proactive_audio=True, transcribe_input=True
    ) as s:
        await s.stream_audio(_speech16k(REMARK), chunk_s=0.1, end=True)
        await s.stream_audio(_speech16k(QUESTION), chunk_s=0.1, end=True)
        answered = await gl.waiting.wait_until(
            lambda: [t for t in s.turns if t.status == "answered"], timeout=60, what="a reply"
        )
        await gl.waiting.wait_until(lambda: not s.recording.open_turns, timeout=30, what="ends")
        turns = s.turns
    assert len(answered) == 1 and len(turns) == 2, turns
    remark, question = turns
    assert "bus" in remark.input_transcript.lower(), remark
    assert remark.status == "no_reply" and remark.received_samples == 0, remark
    assert "tokyo" in question.input_transcript.lower(), question
    assert question.status == "answered" and "Tokyo" in question.output_transcript, question
