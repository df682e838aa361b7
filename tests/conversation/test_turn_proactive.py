"""Proactive audio: the model may stay silent on speech not meant for it (no reply at all).

Public evidence (SDK ``ProactivityConfig.proactive_audio``: "the model can reject responding to
the last prompt ... ignore out of context speech"; Vertex's proactive-audio guide: "(No response
from Gemini.)") says nothing is sent for the ignored utterance — whether a ``turnComplete``
follows is unverified, so both orders are checked. Without proactive audio the service answers
every utterance, in order (tests/conversation/test_recording.py).
"""

from __future__ import annotations

import numpy as np

from gemlive_nb import protocol as p
from gemlive_nb.conversation import Recorder


class Clock:
    def __init__(self) -> None:
        self.t = 10.0

    def __call__(self) -> float:
        return self.t


def _reply(rec: Recorder, clock: Clock, text: str, value: int) -> None:
    rec.on_event(p.OutputTranscript(text))
    for _ in range(2):
        clock.t += 0.01
        rec.on_event(p.AudioChunk(np.full(2400, value, "<i2").tobytes()))


def _remark_then_question(finished: bool, typed_question: bool = False) -> Recorder:
    clock = Clock()
    rec = Recorder(clock=clock, proactive=True)
    rec.on_event(p.InputTranscript("The bus is late again.", finished=finished))
    clock.t += 1.0  # the model stays silent: nothing arrives
    if typed_question:
        rec.begin_turn("What time is it in Tokyo?")
        rec.mark_user_end()
    else:
        rec.on_event(p.InputTranscript("What time is it in Tokyo?", finished=finished))
    clock.t += 0.5
    _reply(rec, clock, "It is nine in Tokyo.", 2)
    rec.on_event(p.TurnComplete())
    return rec


def test_the_reply_after_an_ignored_remark_goes_to_the_question() -> None:
    for finished in (True, False):  # 2.5 never sets finished
        rec = _remark_then_question(finished)
        assert [t.input_transcript for t in rec.turns] == [
            "The bus is late again.",
            "What time is it in Tokyo?",
        ], finished
        assert [t.status for t in rec.turns] == ["no_reply", "answered"], finished
        assert [t.output_transcript for t in rec.turns] == ["", "It is nine in Tokyo."]
        assert rec.turns[0].received_samples == 0
        assert set(rec.turns[1].audio.samples.tolist()) == {2}
        assert rec.open_turns == []


def test_a_typed_question_after_an_ignored_spoken_remark_gets_its_reply() -> None:
    for finished in (True, False):
        rec = _remark_then_question(finished, typed_question=True)
        assert [t.status for t in rec.turns] == ["no_reply", "answered"], finished
        assert rec.turns[1].user_text == "What time is it in Tokyo?"
        assert rec.turns[1].output_transcript == "It is nine in Tokyo."
        assert rec.open_turns == []


def test_two_ignored_remarks_then_a_question() -> None:
    clock = Clock()
    rec = Recorder(clock=clock, proactive=True)
    for text in ("The bus is late again.", "It always is.", "Gemini, what time is it?"):
        rec.on_event(p.InputTranscript(text, finished=True))
        clock.t += 1.0
    _reply(rec, clock, "It is nine.", 3)
    rec.on_event(p.TurnComplete())
    assert [t.status for t in rec.turns] == ["no_reply", "no_reply", "answered"]
    assert rec.turns[2].output_transcript == "It is nine."


def test_a_turn_complete_with_nothing_said_for_the_remark_still_pairs_right() -> None:
    """If the service does close the ignored remark (unverified), nothing shifts either."""
    clock = Clock()
    rec = Recorder(clock=clock, proactive=True)
    rec.on_event(p.InputTranscript("The bus is late again.", finished=True))
    rec.on_event(p.TurnComplete())
    rec.on_event(p.InputTranscript("What time is it in Tokyo?", finished=True))
    _reply(rec, clock, "It is nine in Tokyo.", 2)
    rec.on_event(p.TurnComplete())
    assert [t.status for t in rec.turns] == ["no_reply", "answered"]
    assert rec.turns[1].output_transcript == "It is nine in Tokyo."
