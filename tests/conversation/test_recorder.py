"""The session-private Recorder (events in, an Outcome out), the read-only Recording it writes,
and the one state of a Turn (issue 25, item 4). No network."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from gemlive_nb import protocol as p
from gemlive_nb.conversation import Cut, Outcome, Recorder, Recording, Turn, TurnState

_WRITERS = (
    "log", "log_error", "keep_frame", "keep_close", "add_input_audio", "begin_turn",
    "mark_user_end", "report_playback", "mark_non_blocking", "add_tool_result", "on_event",
    "expire", "abandon_turn", "fail_turn", "retry_turn",
)  # fmt: skip


def _audio(seconds: float, value: int = 5) -> p.AudioChunk:
    return p.AudioChunk(np.full(round(24000 * seconds), value, "<i2").tobytes())


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_the_recording_users_get_cannot_be_written() -> None:
    rec = Recording()
    assert [name for name in _WRITERS if hasattr(rec, name)] == []
    recorder = Recorder()
    assert [name for name in _WRITERS if not callable(getattr(recorder, name, None))] == []


def test_each_event_returns_what_it_changed() -> None:
    rec = Recorder(clock=Clock())
    first = rec.begin_turn("Hi", t=0.0)
    quiet = rec.on_event(_audio(0.1), t=0.1)
    assert quiet == Outcome() and not quiet  # audio for the open turn changes no turn
    done = rec.on_event(p.TurnComplete(), t=0.2)
    assert done.completed is first and done.ended == (first,) and done.cut is None and done
    # speech the server heard opens a turn; its reply is then cut by a barge-in
    heard = rec.on_event(p.InputTranscript("Tell me a story."), t=1.0)
    (story,) = heard.opened
    assert story.source == "speech" and heard.ended == () and heard.completed is None
    rec.on_event(_audio(1.0), t=1.1)
    rec.report_playback(rec.turns[0].received_samples + 4800)  # 0.2 s of the story heard
    cut = rec.on_event(p.Interrupted(), t=1.3)
    assert cut.cut == Cut(story, 4800) and cut.ended == () and cut.completed is None
    closed = rec.on_event(p.TurnComplete(), t=1.4)
    assert closed.completed is story and story.status == "interrupted"


def test_a_reply_with_no_turn_open_reports_the_turn_it_opened_and_the_ones_it_ended() -> None:
    rec = Recorder(clock=Clock())
    silent = rec.begin_turn(t=0.0, source="clip", expect_reply=False)  # a clip with no speech
    second = rec.begin_turn(t=0.5, source="clip")
    assert silent.status == "no_reply"  # the next utterance ended it, outside any event
    outcome = rec.on_event(_audio(0.1), t=0.6)
    assert outcome.opened == () and outcome.ended == ()
    assert second.state is TurnState.ANSWERING
    rec.on_event(p.TurnComplete(), t=0.7)
    fresh = rec.on_event(_audio(0.1), t=0.8)  # nothing open: the reply opens a turn
    assert len(fresh.opened) == 1 and fresh.opened[0].source == "speech"


def test_the_hook_hears_every_ending_and_the_recording_reads_the_same_turns() -> None:
    ended: list[Turn] = []
    rec = Recorder(clock=Clock(), quiet_s=1.0)
    rec.on_turn_end = ended.append
    a = rec.begin_turn("one", t=0.0)
    b = rec.begin_turn("two", t=0.0)
    assert rec.recording.open_turns == [a, b] and rec.recording.current_turn is a
    rec.fail_turn(a, "the reader stopped")
    assert rec.expire(t=5.0) == [b]
    assert ended == [a, b] and [t.status for t in ended] == ["failed", "no_reply"]
    assert rec.recording.turns is rec.turns and rec.recording.open_turns == []


def test_turn_state_follows_the_diagram_and_status_stays_the_old_strings() -> None:
    rec = Recorder(clock=Clock())
    turn = rec.begin_turn("Hi", t=0.0)
    assert turn.state is TurnState.PENDING and turn.status == "pending"
    rec.on_event(_audio(0.5), t=0.1)
    assert turn.state is TurnState.ANSWERING and turn.status == "pending"
    rec.on_event(p.Interrupted(), t=0.2)
    assert turn.state is TurnState.INTERRUPTING and turn.status == "pending"
    assert turn.state.is_open
    assert rec.retry_turn(turn, "goAway")  # asked again: back to the start
    assert turn.state is TurnState.PENDING and not turn.interrupted
    rec.on_event(p.OutputTranscript("Hello."), t=0.3)
    assert turn.state is TurnState.ANSWERING
    rec.on_event(p.TurnComplete(), t=0.4)
    assert turn.state is TurnState.ANSWERED and not turn.state.is_open
    # the old strings everywhere users meet them
    assert turn.status == "answered" and f"{turn.status}" == "answered"
    assert str(turn.status) == "answered" and turn.metrics["status"] == "answered"
    assert json.loads(json.dumps(turn.to_dict()))["status"] == "answered"
    assert type(turn.to_dict()["status"]) is str


def test_a_tool_call_is_reply_output_and_a_retry_forgets_it() -> None:
    turn = Turn(index=0)
    turn.add_tool_calls([p.FunctionCall("c1", "f", {"blob": b"xyz"})])
    assert turn.state is TurnState.ANSWERING and turn.has_output
    assert turn.tool_calls == [{"id": "c1", "name": "f", "args": {"blob": {"bytes": 3}}}]
    turn.add_tool_calls([])
    turn.reset_reply()
    assert turn.state is TurnState.PENDING and not turn.has_output


def test_a_loaded_recording_knows_its_open_turns_from_their_state(tmp_path: Path) -> None:
    rec = Recorder(clock=Clock())
    rec.begin_turn("answered", t=0.0)
    rec.on_event(p.OutputTranscript("Yes."), t=0.1)
    rec.on_event(p.TurnComplete(), t=0.2)
    still = rec.begin_turn("saved while waiting", t=0.3)
    loaded = Recording.load(rec.recording.save(tmp_path))
    assert [t.status for t in loaded.turns] == ["answered", "pending"]
    assert loaded.open_turns == [still] and loaded.current_turn == still
    assert loaded.turns[0].state is TurnState.ANSWERED
