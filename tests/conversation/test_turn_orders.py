"""Rare but legal server orders (issue 24, items 1-3), fed straight into a Recording.

Each case is the exact order the red-team list reports; the frames are the public ones
(PROTOCOL.md §3 "Variations" and its 2026-12 addendum; pydantic-ai cassettes, MIT).
"""

from __future__ import annotations

import numpy as np
import pytest

from gemlive_nb import protocol as p
from gemlive_nb.conversation import Recording
from gemlive_nb.conversation.model import NO_SPEECH_QUIET_S
from gemlive_nb.protocol import OUTPUT_RATE


class Clock:
    def __init__(self) -> None:
        self.t = 10.0

    def __call__(self) -> float:
        return self.t


def _audio(value: int, samples: int = 2400) -> p.AudioChunk:
    return p.AudioChunk(np.full(samples, value, "<i2").tobytes())


def _reply(rec: Recording, clock: Clock, text: str, value: int, chunks: int = 2) -> None:
    rec.on_event(p.OutputTranscript(text))
    for _ in range(chunks):
        clock.t += 0.01
        rec.on_event(_audio(value))


def test_a_late_input_piece_stays_with_its_utterance() -> None:
    """Item 1: ``inputTranscription`` pieces before the reply's turnComplete are that turn's."""
    clock = Clock()
    rec = Recording(clock=clock)
    rec.on_event(p.InputTranscript("What is the"))
    _reply(rec, clock, "It is sunny in Paris.", 1)
    rec.on_event(p.InputTranscript(" weather in Paris?"))
    rec.on_event(p.TurnComplete())
    rec.on_event(p.InputTranscript("And in Rome?"))
    _reply(rec, clock, "It rains in Rome.", 2)
    rec.on_event(p.TurnComplete())
    assert [t.input_transcript for t in rec.turns] == [
        "What is the weather in Paris?",
        "And in Rome?",
    ]
    assert [t.output_transcript for t in rec.turns] == [
        "It is sunny in Paris.",
        "It rains in Rome.",
    ]
    assert [t.status for t in rec.turns] == ["answered", "answered"]
    assert rec.open_turns == []
    srt = rec.srt()
    assert srt.index("What is the weather in Paris?") < srt.index("It is sunny in Paris.")
    assert srt.index("And in Rome?") < srt.index("It rains in Rome.")


def test_a_new_sentence_while_the_reply_streams_is_still_a_new_utterance() -> None:
    """The other side of item 1: a whole sentence, then a capitalised one, is two utterances."""
    clock = Clock()
    rec = Recording(clock=clock)
    rec.on_event(p.InputTranscript("Tell me about volcanoes."))
    _reply(rec, clock, "Volcanoes are hot.", 1)
    rec.on_event(p.InputTranscript(" What about glaciers?"))
    rec.on_event(p.TurnComplete())
    _reply(rec, clock, "Glaciers are cold.", 2)
    rec.on_event(p.TurnComplete())
    assert [t.input_transcript for t in rec.turns] == [
        "Tell me about volcanoes.",
        " What about glaciers?",
    ]
    assert [t.output_transcript for t in rec.turns] == ["Volcanoes are hot.", "Glaciers are cold."]


def test_interrupted_after_turn_complete_cuts_the_reply_that_plays() -> None:
    """Item 2: A's reply has ended but still plays, the user asks B, ``interrupted``, B's reply."""
    clock = Clock()
    rec = Recording(clock=clock)
    a = rec.begin_turn("Tell me a long story.")
    rec.on_event(p.OutputTranscript("Once upon a time there was a king."))
    for _ in range(50):  # 5 s of reply, arriving faster than it plays
        clock.t += 0.001
        rec.on_event(_audio(1))
    rec.on_event(p.TurnComplete())
    assert a.status == "answered"
    clock.t += 1.0
    start = rec.playback.stream_start[a.index]
    rec.report_playback(start + OUTPUT_RATE)  # 1 s of A heard
    b = rec.begin_turn("What time is it?")
    cut = rec.on_event(p.Interrupted())
    assert cut == (a, OUTPUT_RATE)
    _reply(rec, clock, "It is noon.", 2, chunks=10)
    rec.on_event(p.TurnComplete())
    assert a.status == "interrupted" and a.audio_out_s == pytest.approx(1.0)
    assert a.received_samples == 50 * 2400
    assert b.status == "answered" and b.transcript == "It is noon."
    assert b.audio_out_s == pytest.approx(1.0) and b.heard_samples == b.received_samples


def test_interrupted_while_a_reply_plays_and_the_next_is_cut_unseen() -> None:
    """Item 2's other reading: A plays, B is cut before any of its reply (nothing said)."""
    clock = Clock()
    rec = Recording(clock=clock)
    a = rec.begin_turn("Tell me a long story.")
    _reply(rec, clock, "Once upon a time.", 1, chunks=20)
    rec.on_event(p.TurnComplete())
    b = rec.begin_turn("Stop.")
    rec.on_event(p.Interrupted())
    rec.on_event(p.TurnComplete())
    c = rec.begin_turn("What time is it?")
    _reply(rec, clock, "It is noon.", 3)
    rec.on_event(p.TurnComplete())
    assert [t.status for t in (a, b, c)] == ["interrupted", "interrupted", "answered"]
    assert b.received_samples == 0 and c.transcript == "It is noon."


def _tool_turn(rec: Recording, clock: Clock, k: int) -> None:
    call = p.FunctionCall(f"call-{k}", "delete_files", {})
    rec.on_event(p.ToolCall((call,)))
    rec.add_tool_result({"id": call.id, "name": call.name, "response": {"ok": True}})
    clock.t += 0.01


def test_a_tool_turn_closed_without_speech_ends_and_shifts_nothing() -> None:
    """Item 3: toolCall, toolResponse, turnComplete with nothing said; then B and C."""
    clock = Clock()
    rec = Recording(clock=clock)
    a = rec.begin_turn("Delete my files.")
    _tool_turn(rec, clock, 0)
    rec.on_event(p.TurnComplete())
    rec.on_event(p.Usage(prompt_tokens=5, response_tokens=1, total_tokens=6))
    clock.t += NO_SPEECH_QUIET_S + 0.1
    rec.expire()
    assert a.status == "answered" and a.transcript == "" and len(a.tool_calls) == 1
    assert a.usage is not None and a.usage.total_tokens == 6
    b = rec.begin_turn("And now?")
    _reply(rec, clock, "B reply.", 2)
    rec.on_event(p.TurnComplete())
    c = rec.begin_turn("And then?")
    _reply(rec, clock, "C reply.", 3)
    rec.on_event(p.TurnComplete())
    assert (b.transcript, c.transcript) == ("B reply.", "C reply.")
    assert [t.status for t in rec.turns] == ["answered"] * 3


def test_the_next_question_ends_a_tool_turn_closed_without_speech_at_once() -> None:
    """Item 3 without waiting: B is asked right after A's silent close; B's reply is B's."""
    clock = Clock()
    rec = Recording(clock=clock)
    a = rec.begin_turn("Delete my files.")
    _tool_turn(rec, clock, 0)
    rec.on_event(p.TurnComplete())
    b = rec.begin_turn("And now?")
    assert a.status == "answered"
    _reply(rec, clock, "B reply.", 2)
    rec.on_event(p.TurnComplete())
    assert b.status == "answered" and b.transcript == "B reply." and a.transcript == ""


def test_vertex_closes_a_tool_turn_twice_and_it_stays_one_turn() -> None:
    """Vertex: turnComplete right after the tool answer (nothing said), then the spoken answer.

    Order and usage as recorded from ``gemini-live-2.5-flash`` on Vertex (pydantic-ai
    ``test_parity_ws/test_text_tool_round_parity[gateway-google].yaml``, MIT).
    """
    clock = Clock()
    rec = Recording(clock=clock)
    a = rec.begin_turn("What is the weather in London?")
    rec.on_event(p.OutputTranscript(""))
    _tool_turn(rec, clock, 0)
    rec.on_event(p.GenerationComplete())
    rec.on_event(p.TurnComplete())
    rec.on_event(p.Usage(prompt_tokens=24, response_tokens=5, total_tokens=29))
    assert a.status == "pending"
    _reply(rec, clock, "It is foggy and 12 degrees in London.", 1)
    rec.on_event(p.GenerationComplete())
    rec.on_event(p.TurnComplete())
    rec.on_event(p.Usage(prompt_tokens=44, response_tokens=61, total_tokens=105))
    b = rec.begin_turn("Thanks!")
    _reply(rec, clock, "You're welcome.", 2)
    rec.on_event(p.TurnComplete())
    assert len(rec.turns) == 2
    assert a.status == "answered" and a.transcript == "It is foggy and 12 degrees in London."
    assert a.usage is not None and a.usage.total_tokens == 29 + 105
    assert b.transcript == "You're welcome." and set(b.audio.samples.tolist()) == {2}
