"""How usage adds up (protocol/usage.py): each usageMetadata once, per generation; totals never
double. Real frames (tests/data/usage) for Google 2.5, 3.1 and Vertex; documented shapes for
the mixroute proxy and the SDK's Vertex names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from testdata import USAGE_FRAMES

from gemlive_nb import protocol as p
from gemlive_nb.conversation import Recording

CASES: dict[str, Any] = json.loads(USAGE_FRAMES.read_text(encoding="utf-8"))
_KEYS = {
    "prompt_tokens": ("promptTokenCount",),
    "response_tokens": ("responseTokenCount", "candidatesTokenCount"),
    "total_tokens": ("totalTokenCount",),
    "thoughts_tokens": ("thoughtsTokenCount",),
}


def _received(turn: dict[str, Any]) -> list[str]:
    return [f["frame"] for f in turn["frames"] if f["dir"] == "recv"]


def _expected(frames: list[str]) -> dict[str, int | None]:
    """Each field summed straight from the frames' usageMetadata (None when never sent)."""
    out: dict[str, int | None] = dict.fromkeys(_KEYS)
    for frame in frames:
        usage = json.loads(frame).get("usageMetadata") or {}
        for name, keys in _KEYS.items():
            for key in keys:
                if key in usage:
                    out[name] = (out[name] or 0) + usage[key]
    return out


def _counts(usage: p.Usage | None) -> dict[str, int | None]:
    return {name: None if usage is None else getattr(usage, name) for name in _KEYS}


def _replay(case: dict[str, Any]) -> Recording:
    rec = Recording(clock=lambda: 0.0)
    t = 0.0
    for turn in case["turns"]:
        rec.begin_turn(user_text="(recorded turn)", t=t)
        for entry in turn["frames"]:
            t += 0.01
            if entry["dir"] == "send":  # the client's tool answer, as the session records it
                for response in json.loads(entry["frame"])["tool_response"]["functionResponses"]:
                    rec.add_tool_result(response)
                continue
            for event in p.parse_server_message(entry["frame"]):
                rec.on_event(event, t)
    return rec


@pytest.mark.parametrize("name", sorted(CASES))
def test_real_usage_adds_up_once_per_message(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    rec = _replay(case)
    every = [f for turn in case["turns"] for f in _received(turn)]
    assert _counts(rec.usage) == _expected(every)
    # however the turns are paired, their usages add up to the same total: nothing twice
    per_turn = [t.usage for t in rec.turns if t.usage is not None]
    assert _counts(sum(per_turn[1:], per_turn[0])) == _expected(every)
    # saved and loaded: still counted once
    loaded = Recording.load(rec.save(tmp_path / "rec"))
    assert _counts(loaded.usage) == _counts(rec.usage)


@pytest.mark.parametrize("name", ["google_2.5_two_turns", "google_3.1_tool_round"])
def test_each_real_turn_gets_the_usage_of_its_own_messages(name: str) -> None:
    case = CASES[name]
    rec = _replay(case)
    assert len(rec.turns) == len(case["turns"])
    for turn, recorded in zip(rec.turns, case["turns"], strict=True):
        assert turn.status == "answered"
        assert _counts(turn.usage) == _expected(_received(recorded))


def test_the_real_frames_show_usage_per_turn_not_running_totals() -> None:
    # The evidence behind the rule: a later turn's total is its own prompt plus response.
    turns = CASES["google_2.5_two_turns"]["turns"]
    usages = [
        json.loads(f)["usageMetadata"] for t in turns for f in _received(t) if "usageMetadata" in f
    ]
    assert len(usages) == 2
    for usage in usages:
        assert usage["totalTokenCount"] == usage["promptTokenCount"] + usage["responseTokenCount"]
    assert usages[1]["responseTokenCount"] < usages[0]["responseTokenCount"] + 20  # not summed


def test_vertex_closes_a_tool_turn_twice_and_both_generations_count() -> None:
    rec = _replay(CASES["vertex_tool_round"])
    frames = _received(CASES["vertex_tool_round"]["turns"][0])
    with_usage = [json.loads(f)["usageMetadata"] for f in frames if "usageMetadata" in f]
    assert len(with_usage) == 2  # two turnComplete messages, each with its own usage
    total = rec.usage
    assert total is not None and total.dialect == "vertex"
    assert total.total_tokens == sum(u["totalTokenCount"] for u in with_usage)
    assert total.response_tokens == sum(u["candidatesTokenCount"] for u in with_usage)


def test_a_usage_only_message_and_the_turn_complete_usage_each_count_once() -> None:
    # 3.1's usage-only message (PROTOCOL.md, third-party report): read once, like any other.
    rec = Recording(clock=lambda: 0.0)
    rec.begin_turn(user_text="hi", t=0.0)
    frames = [
        '{"serverContent":{"outputTranscription":{"text":"Hi"}}}',
        '{"serverContent":{},"usageMetadata":{"promptTokenCount":7,"totalTokenCount":7}}',
        '{"serverContent":{"turnComplete":true},"usageMetadata":{"promptTokenCount":3,'
        '"responseTokenCount":4,"totalTokenCount":7}}',
    ]
    for i, frame in enumerate(frames):
        for event in p.parse_server_message(frame):
            rec.on_event(event, 0.1 * (i + 1))
    assert _counts(rec.turns[0].usage) == {
        "prompt_tokens": 10, "response_tokens": 4, "total_tokens": 14, "thoughts_tokens": None,
    }  # fmt: skip
    assert _counts(rec.usage) == _counts(rec.turns[0].usage)


def test_the_mixroute_shape_reads_and_adds_like_google() -> None:
    # the proxy's documented usageMetadata (its docs, "Token Statistics")
    documented = {
        "totalTokenCount": 100, "inputTokenCount": 50, "outputTokenCount": 50,
        "inputTokenDetails": {"textTokens": 30, "audioTokens": 20},
        "outputTokenDetails": {"textTokens": 25, "audioTokens": 25},
    }  # fmt: skip
    usage = p.Usage.from_dict(documented)
    assert (usage.prompt_tokens, usage.response_tokens, usage.total_tokens) == (50, 50, 100)
    assert usage.prompt_details == {"text": 30, "audio": 20} and not usage.extra
    twice = usage + p.Usage.from_dict(documented)
    assert (twice.total_tokens, twice.response_details) == (200, {"text": 50, "audio": 50})
    assert p.Usage.from_dict(usage.to_dict()) == usage  # its own wire shape back, nothing added


def test_vertex_candidates_names_read_as_the_response() -> None:
    usage = p.Usage.from_dict({
        "promptTokenCount": 12, "candidatesTokenCount": 3, "totalTokenCount": 15,
        "candidatesTokensDetails": [{"modality": "TEXT", "tokenCount": 3}, {"modality": "AUDIO"}],
    })  # fmt: skip
    assert (usage.response_tokens, usage.dialect) == (3, "vertex")
    assert usage.response_details == {"text": 3, "audio": 0}  # proto3 leaves out a zero count
    assert p.Usage.from_dict(usage.to_dict()) == usage


def test_a_missing_count_stays_unknown_when_added() -> None:
    only_prompt = p.Usage.from_dict({"promptTokenCount": 187, "totalTokenCount": 187})  # 3.1
    assert only_prompt.response_tokens is None
    assert (only_prompt + only_prompt).response_tokens is None
    assert sum([only_prompt, only_prompt]).total_tokens == 374  # type: ignore[union-attr]


def test_usage_beside_an_unknown_field_still_goes_to_the_turn_it_closes() -> None:
    # A field this version does not know, riding with turnComplete, must not come between the
    # TurnComplete and its usage (the turn model gives usage to the turn just completed).
    rec = Recording(clock=lambda: 0.0)
    rec.begin_turn(user_text="first", t=0.0)
    for event in p.parse_server_message('{"serverContent":{"outputTranscription":{"text":"Hi"}}}'):
        rec.on_event(event, 0.1)
    rec.begin_turn(user_text="second", t=0.2)  # typed while the first reply still streams
    frame = (
        '{"serverContent":{"turnComplete":true,"brandNewField":{"x":1}},'
        '"usageMetadata":{"totalTokenCount":9}}'
    )
    events = p.parse_server_message(frame)
    assert [type(e).__name__ for e in events] == ["Unknown", "TurnComplete", "Usage"]
    for event in events:
        rec.on_event(event, 0.3)
    first, second = rec.turns
    assert first.usage is not None and first.usage.total_tokens == 9
    assert second.usage is None
