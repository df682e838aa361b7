"""The turn model under every order the service produces (hypothesis; no network).

A conversation is generated as user utterances (typed or spoken) with what the server does
about each: a reply (transcript pieces interleaved with audio, maybe ``generationComplete``
first, maybe cut by ``interrupted`` after ``turnComplete`` while it still plays), a barge-in
before any audio or in the middle, a tool call answered or cancelled, no reply at all, or a
dropped connection after which the turn is asked again. The next utterance may arrive early:
while the previous reply is still pending (close utterances) or as the barge-in that cuts it.
Every reply's audio samples carry the utterance's number, so misattribution shows.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gemlive_nb import protocol as p
from gemlive_nb.conversation import Recording
from gemlive_nb.conversation.model import QUIET_S

PLANS = ("reply", "cut_before_audio", "cut_mid", "tool", "tool_cancel", "no_reply", "late_cut")
CUT_PLANS = ("cut_before_audio", "cut_mid", "tool_cancel")


class Clock:
    def __init__(self) -> None:
        self.t = 50.0

    def __call__(self) -> float:
        return self.t


@dataclass
class Utterance:
    k: int
    kind: str  # "typed" | "spoken"
    plan: str
    early: bool  # arrives before the previous reply (pending or being cut)
    pieces: int
    chunks: int
    gen_complete: bool
    drop: bool
    played: float  # fraction of the received audio the player reports before a cut
    tail: bool  # audio of the cut reply arrives after `interrupted`


def _normalise(raw: list[tuple]) -> list[Utterance]:
    """Turn generated tuples into a conversation the service could produce."""
    us = [Utterance(k, *r) for k, r in enumerate(raw)]
    for i, u in enumerate(us):
        if u.plan == "no_reply":
            u.kind = "spoken"  # typed text is always answered (or cut)
        if u.drop and (u.kind != "typed" or u.plan not in ("reply", "tool")):
            u.drop = False
        nxt = us[i + 1] if i + 1 < len(us) else None
        if u.plan == "tool_cancel" and nxt is None:
            u.plan = "tool"
        if u.plan == "tool_cancel" and nxt is not None:
            nxt.early = True  # the user's barge-in is what cancels the call
        if nxt is not None and nxt.early:
            if u.plan in ("no_reply", "tool", "late_cut") or u.drop:
                nxt.early = False
            elif nxt.kind == "typed" and u.plan == "reply":
                u.plan = "cut_before_audio"  # new content interrupts the pending reply
    if us:
        us[0].early = False
    return us


class Conversation:
    """Plays utterances into a Recording as the service would send them."""

    def __init__(self, us: list[Utterance]) -> None:
        self.us = us
        self.clock = Clock()
        self.rec = Recording(clock=self.clock)
        self.sent_user: set[int] = set()
        self.ended_at: dict[int, int] = {}  # utterance -> event count when its turn had to end

    def tick(self, dt: float = 0.001) -> None:
        self.clock.t += dt

    def event(self, event: object) -> object:
        self.tick()
        return self.rec.on_event(event)

    def user(self, u: Utterance) -> None:
        if u.k in self.sent_user:
            return
        self.sent_user.add(u.k)
        self.tick(0.05)
        if u.kind == "typed":
            self.rec.begin_turn(f"u{u.k}")
            self.rec.mark_user_end()
        else:
            self.rec.add_input_audio(np.full(1600, 3000, np.int16))
            self.event(p.InputTranscript(f" u{u.k}", finished=True))

    def audio(self, u: Utterance, n: int) -> None:
        for _ in range(n):
            self.event(p.AudioChunk(np.full(480, u.k + 1, "<i2").tobytes()))

    def reply_body(self, u: Utterance) -> None:
        for i in range(u.pieces):
            self.event(p.OutputTranscript(f" r{u.k}w{i}"))
            self.audio(u, max(1, u.chunks // u.pieces))

    def complete(self, u: Utterance) -> None:
        if u.gen_complete:
            self.event(p.GenerationComplete())
        self.event(p.TurnComplete())
        self.event(p.Usage(prompt_tokens=1, response_tokens=u.k + 1, total_tokens=u.k + 2))

    def cut(self, u: Utterance, nxt: Utterance | None) -> None:
        turn = self.turn_of(u)
        if turn is not None and turn.output_offset is not None:
            start = self.rec.playback.stream_start[turn.index]
            self.rec.report_playback(start + int(u.played * turn.received_samples))
        else:  # cut before its audio: earlier replies have played (else they are cut too)
            self.rec.report_playback(self.rec.playback.stream_pos)
        if nxt is not None and nxt.early and nxt.kind == "typed":
            self.user(nxt)  # the client sends, then the server interrupts
        self.event(p.Interrupted())
        if nxt is not None and nxt.early and nxt.kind == "spoken":
            self.user(nxt)
        if u.tail:
            self.audio(u, 2)

    def turn_of(self, u: Utterance):
        for turn in self.rec.turns:
            if turn.user.strip() == f"u{u.k}":
                return turn
        return None

    def play(self) -> None:
        for i, u in enumerate(self.us):
            nxt = self.us[i + 1] if i + 1 < len(self.us) else None
            self.user(u)
            if nxt is not None and nxt.early and u.plan == "reply" and nxt.kind == "spoken":
                self.user(nxt)  # close utterances: both heard before the first reply
            if u.drop:
                self.reply_body(u)
                for turn in self.rec.open_turns:
                    assert self.rec.retry_turn(turn, "goAway")
            if u.plan in ("reply", "late_cut"):
                self.reply_body(u)
                self.complete(u)
                if u.plan == "late_cut":  # the user barges in while the reply still plays
                    self.rec.on_event(p.Interrupted())
            elif u.plan == "cut_before_audio":
                self.cut(u, nxt)
                self.event(p.TurnComplete())
            elif u.plan == "cut_mid":
                self.reply_body(u)
                self.cut(u, nxt)
                self.event(p.TurnComplete())
            elif u.plan in ("tool", "tool_cancel"):
                call = p.FunctionCall(f"call-{u.k}", "get_weather", {"city": "Paris"})
                self.event(p.ToolCall((call,)))
                self.event(p.TurnComplete())  # the model waits for the result
                if u.plan == "tool":
                    self.rec.add_tool_result({"id": call.id, "name": call.name, "response": {}})
                    self.reply_body(u)
                    self.complete(u)
                else:
                    self.cut(u, nxt)
                    self.event(p.ToolCallCancellation((call.id,)))
                    self.event(p.TurnComplete())
            elif u.plan == "no_reply":
                self.tick(QUIET_S + 0.5)
                self.rec.expire()
            self.ended_at[u.k] = len(self.rec.turns)
            turn = self.turn_of(u)
            assert turn is not None and turn not in self.rec.open_turns, (u, turn)


utterance = st.tuples(
    st.sampled_from(["typed", "spoken"]),
    st.sampled_from(PLANS),
    st.booleans(),
    st.integers(1, 4),
    st.integers(1, 12),
    st.booleans(),
    st.booleans(),
    st.floats(0.0, 1.0),
    st.booleans(),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(utterance, min_size=1, max_size=7))
def test_every_utterance_gets_one_turn_with_its_own_reply(raw: list[tuple]) -> None:
    us = _normalise(raw)
    conv = Conversation(us)
    conv.play()
    rec = conv.rec
    # one turn per utterance, in the order spoken, nothing left open
    assert [t.user.strip() for t in rec.turns] == [f"u{u.k}" for u in us]
    assert rec.open_turns == []
    for u, turn in zip(us, rec.turns, strict=True):
        expected = {
            "reply": "answered",
            "tool": "answered",
            "no_reply": "no_reply",
            "late_cut": "interrupted",
        }.get(u.plan, "interrupted")
        assert turn.status == expected, (u, turn)
        # replies and their transcripts on the right turn
        samples = turn.audio.samples
        assert set(samples.tolist()) <= {u.k + 1}, (u, turn)
        words = turn.transcript_full.split()
        assert all(w.startswith(f"r{u.k}w") for w in words), (u, turn)
        assert turn.transcript_full.startswith(turn.transcript)
        if u.plan in ("reply", "tool"):
            assert turn.audio_out_s > 0 and len(words) == u.pieces
            assert turn.usage is not None and turn.usage.response_tokens == u.k + 1
        if u.plan in ("cut_before_audio", "no_reply", "tool_cancel"):
            assert turn.audio_out_s == 0 and turn.transcript == ""
        # reply samples conserved: heard + cut (+ dropped over the cap) = received
        assert turn.heard_samples + turn.cut_samples + turn.dropped_samples == (
            turn.received_samples
        )
        assert turn.cut_samples >= 0
    # subtitles never overlap
    cues = rec.cues()
    for (_, end, _, _), (start, _, _, _) in itertools.pairwise(cues):
        assert start >= end


def test_turn_complete_with_nothing_open_changes_nothing() -> None:
    rec = Recording(clock=Clock())
    assert rec.on_event(p.TurnComplete()) is None
    rec.on_event(p.Usage(prompt_tokens=1, response_tokens=1, total_tokens=2))
    assert rec.turns == [] and rec.open_turns == []


def test_interrupted_with_no_turn_opens_one_for_the_unseen_utterance() -> None:
    # transcription off: the user spoke (A), then again (B) inside the reply latency
    rec = Recording(clock=Clock())
    rec.on_event(p.Interrupted())
    rec.on_event(p.TurnComplete())
    rec.on_event(p.AudioChunk(np.full(480, 9, "<i2").tobytes()))
    rec.on_event(p.TurnComplete())
    assert [t.status for t in rec.turns] == ["interrupted", "answered"]
    assert rec.turns[0].audio_out_s == 0 and rec.turns[1].audio_out_s == 0.02
