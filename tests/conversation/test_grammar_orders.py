"""The turn model under every order the protocol grammar allows (no network, no emulator).

Conversations are drawn from :mod:`gemlive_nb.protocol.grammar` — not from the emulator's
habits — parsed by the real parser and fed into a :class:`Recording`. The oracle: every
utterance gets exactly one turn, in order; every reply (audio samples carry the utterance's
number, transcripts its name) and its usage stay with it; heard audio ≤ received; nothing lost.
500 conversations per run (all three families), and every production of the grammar is hit.
The test runs generated conversations through the real parser, so a failure names the family
and seed: ``Grammar(family, seed, proactive).conversation(script(random.Random(seed)))``
replays it (``proactive``: proactive audio, on in every other round of the three families).
"""

from __future__ import annotations

import itertools
import json
import os
import random
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pytest

from gemlive_nb import protocol as p
from gemlive_nb.conversation import Recorder
from gemlive_nb.protocol.grammar import FAMILIES, Grammar, Step, Utterance, productions

# 500 a run; `make test-orders` sweeps more (GEMLIVE_GRAMMAR_CONVERSATIONS)
CONVERSATIONS = int(os.environ.get("GEMLIVE_GRAMMAR_CONVERSATIONS", "500"))
_CUT = (
    "barge_before_audio",
    "barge_mid_reply",
    "barge_after_generation_complete",
    "barge_after_turn_complete",
    "tool_cancelled",
)


class Clock:
    def __init__(self) -> None:
        self.t = 50.0

    def __call__(self) -> float:
        return self.t


def script(rng: random.Random) -> list[Utterance]:
    """1-6 utterances; each a single sentence (several would be several utterances)."""
    out = []
    for k in range(rng.randint(1, 6)):
        kind = rng.choice(["typed", "spoken"])
        words = rng.sample(["weather", "paris", "rome", "the", "time", "now", "please"], 3)
        out.append(Utterance(kind, f"Question {k} about {' '.join(words)}?", f"Answer {k} is"))
    return out


@dataclass
class Expected:
    """What the grammar sent for one utterance (the oracle's side)."""

    samples: int = 0
    transcript: str = ""
    words: str = ""
    tokens: int = 0
    shape: str = ""
    heard: int | None = None  # what the player played of it before a cut after turnComplete


def play(
    steps: list[Step], script_: list[Utterance], proactive: bool = False
) -> tuple[Recorder, list[Expected]]:
    clock = Clock()
    rec = Recorder(clock=clock, proactive=proactive)
    exp = [Expected() for _ in script_]
    for step in steps:
        clock.t += 0.001
        k = step.utterance
        if step.action == "note" and step.production.startswith("turn."):
            exp[k].shape = step.production
        if step.action == "say":
            u = script_[k]
            if u.kind == "typed":
                rec.begin_turn(u.text)
                rec.mark_user_end()
            else:
                rec.add_input_audio(np.full(1600, 3000, np.int16))
        elif step.action == "server":
            assert step.message is not None
            for event in p.parse_server_message(json.dumps(step.message)):
                _expect(exp[k], event)
                rec.on_event(event)
        elif step.action == "tool_result":
            rec.add_tool_result({"id": step.call_id, "name": "get_weather", "response": {}})
        elif step.action == "played":
            unplayed = round(step.unplayed * exp[k].samples)
            rec.report_playback(rec.playback.stream_pos - unplayed)
            if step.production == "turn.barge_after_turn_complete":
                exp[k].heard = exp[k].samples - unplayed
        elif step.action == "quiet":
            clock.t += step.seconds
        rec.expire()
    return rec, exp


def _expect(e: Expected, event: object) -> None:
    if isinstance(event, p.AudioChunk):
        e.samples += len(event.data) // 2
    elif isinstance(event, p.OutputTranscript):
        e.transcript += event.text
    elif isinstance(event, p.InputTranscript):
        e.words += event.text
    elif isinstance(event, p.Usage):
        e.tokens += event.total_tokens or 0


def check(rec: Recorder, exp: list[Expected], script_: list[Utterance], label: str) -> None:
    turns = rec.turns
    assert rec.open_turns == [], label
    assert len(turns) == len(script_), (label, turns)  # exactly one turn per utterance
    for k, (turn, u, e) in enumerate(zip(turns, script_, exp, strict=True)):
        where = (label, k, e.shape, turn)
        if u.kind == "typed":
            assert turn.user_text == u.text, where
        else:
            assert turn.input_transcript == e.words, where
        shape = e.shape.removeprefix("turn.")
        silent = shape in ("no_reply", "ignored")
        status = "interrupted" if shape in _CUT else "no_reply" if silent else "answered"
        assert turn.status == status, where
        # every reply stays with its utterance, nothing lost
        assert set(turn.audio.samples.tolist()) <= {k + 1}, where
        assert turn.received_samples == e.samples, where
        assert turn.output_transcript == e.transcript, where
        assert (turn.usage.total_tokens if turn.usage else 0) == e.tokens, where
        # heard audio ≤ received, and every sample accounted for
        assert 0 <= turn.heard_samples <= turn.received_samples, where
        assert turn.heard_samples + turn.cut_samples + turn.dropped_samples == (
            turn.received_samples
        ), where
        if e.heard is not None:  # cut where the player was
            assert turn.heard_samples == e.heard, where
        if status == "answered" and shape != "tool_silent_end":
            assert turn.heard_samples == turn.received_samples > 0, where
    cues = rec.recording.cues()
    for (_, end, _, _), (start, _, _, _) in itertools.pairwise(cues):
        assert start >= end, label


def test_every_grammar_order_keeps_each_reply_with_its_utterance() -> None:
    hits: Counter[str] = Counter()
    for i in range(CONVERSATIONS):
        family = FAMILIES[i % len(FAMILIES)]
        proactive = (i // len(FAMILIES)) % 2 == 1  # LiveConfig(proactive_audio=True): every other
        rng = random.Random(i)
        utterances = script(rng)
        steps = Grammar(family, seed=i, proactive=proactive).conversation(utterances)
        hits.update(s.production for s in steps if s.production)
        rec, exp = play(steps, utterances, proactive)
        check(rec, exp, utterances, f"family={family} seed={i} proactive={proactive}")
    every = productions()
    print(f"\ngrammar coverage over {CONVERSATIONS} conversations:")
    for name in every:
        print(f"  {hits[name]:6d}  {name}")
    missed = [n for n in every if hits[n] == 0]
    assert missed == [], f"productions never generated: {missed}"
    assert set(hits) <= set(every), set(hits) - set(every)


@pytest.mark.parametrize("family", FAMILIES)
def test_the_grammar_is_reproducible_by_seed_and_keeps_to_its_family(family: str) -> None:
    utterances = script(random.Random(3))
    a = Grammar(family, seed=11).conversation(utterances)
    assert a == Grammar(family, seed=11).conversation(utterances)
    assert a != Grammar(family, seed=12).conversation(utterances)
    allowed = set(productions(family))
    assert {s.production for s in a if s.production} <= allowed


def test_an_unknown_family_is_refused() -> None:
    with pytest.raises(ValueError, match="family must be one of"):
        Grammar("2.0")
