"""The emulator sends the orders and fields real frames show, and the kit pairs each right.

Evidence: the public cassettes in ``tests/data/cassettes/`` (see
:mod:`gemlive_nb.emulator.orders`): 3.1's empty first ``serverContent`` and audio with
its transcript in one message, 2.5's thought parts, Vertex's wordless transcripts, its
``"audio/pcm"`` without a rate and its tool turn closed twice.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest

import gemlive_nb as gl
from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.orders import THOUGHT, Orders, ReplyOrders, baseline
from gemlive_nb.endpoints import resolve_endpoint

TOKEN = "ya29." + secrets.token_urlsafe(24)


def get_weather(city: str) -> dict:
    """Current weather for a city.

    Args:
        city: The city name.
    """
    return {"city": city, "temp_c": 21}


def received(s: gl.LiveSession) -> list[dict[str, Any]]:
    assert s.recording.frames is not None
    return [json.loads(f["frame"]) for f in s.recording.frames if f["dir"] == "recv"]


async def two_turns(s: gl.LiveSession, realtime_text: bool = False) -> list[gl.Turn]:
    """A plain question, then one that calls the tool; each must get its own reply."""
    turns = []
    for q in ("Hello there.", "What's the weather in Paris?"):
        if realtime_text:  # 3.1 takes text mid-session as realtimeInput.text
            turns.append(await s.wait_turn(await s.send_realtime_text(q), timeout=20))
        else:
            turns.append(await s.ask(q, timeout=20))
    return turns


def assert_paired(s: gl.LiveSession, turns: list[gl.Turn], emu: Emulator) -> None:
    assert s.recording.turns == turns  # no turn of its own for any frame
    assert [t.status for t in turns] == ["answered", "answered"]
    assert [len(t.tool_calls) for t in turns] == [0, 1]
    assert all(t.output_transcript and t.received_samples for t in turns)
    assert THOUGHT.strip() not in " ".join(t.output_transcript + t.text for t in turns)
    assert emu.wait_closed(1).close_code in (None, 1000)


async def test_3_1_opens_replies_empty_and_sends_audio_with_its_transcript() -> None:
    # the subject is the recorded (common) orders, whatever GEMLIVE_EMULATOR_ORDERS says
    with Emulator(speech="builtin", orders="common") as emu:
        async with gl.connect(
            endpoint=emu.google_url(), model="gemini-3.1-flash-live-preview",
            tools=[get_weather], record_frames=True,
        ) as s:  # fmt: skip
            turns = await two_turns(s, realtime_text=True)
        assert_paired(s, turns, emu)
    frames = received(s)
    empty = [i for i, f in enumerate(frames) if f == {"serverContent": {}}]
    assert len(empty) == 3  # before each reply, and before the one after the tool response
    both = [
        f for f in frames if {"modelTurn", "outputTranscription"} <= set(f.get("serverContent", {}))
    ]
    assert both and "".join(f["serverContent"]["outputTranscription"]["text"] for f in both) == (
        "".join(t.output_transcript for t in turns)
    )


@pytest.mark.parametrize(
    "model",
    ["gemini-2.5-flash-native-audio-preview-09-2025", "gemini-2.5-flash-native-audio-latest"],
)
async def test_2_5_sends_a_thought_before_answering_a_user_turn(model: str) -> None:
    with Emulator(speech="builtin", orders="common") as emu:  # the recorded orders (subject)
        async with gl.connect(
            endpoint=emu.google_url(), model=model, tools=[get_weather], record_frames=True
        ) as s:
            turns = await two_turns(s)
        assert_paired(s, turns, emu)
    parts = [f.get("serverContent", {}).get("modelTurn", {}).get("parts", []) for f in received(s)]
    thoughts = [p for p in parts if any(x.get("thought") for x in p)]
    assert len(thoughts) == 2  # one per user turn, none after the tool response
    assert all(t.text == "" for t in turns)  # a thought is not the reply


async def test_vertex_closes_a_tool_turn_twice_and_sends_audio_without_a_rate() -> None:
    # the subject is the recorded (common) orders, whatever GEMLIVE_EMULATOR_ORDERS says
    with Emulator(speech="builtin", api_key=TOKEN, orders="common") as emu:
        ep = resolve_endpoint(
            "vertex", project="p", location="us-central1", api_key=TOKEN, environ={}
        ).with_url(emu.url)
        async with gl.connect(endpoint=ep, tools=[get_weather], record_frames=True) as s:
            turns = await two_turns(s)
        assert_paired(s, turns, emu)
    frames = received(s)
    completes = [f for f in frames if f.get("serverContent", {}).get("turnComplete")]
    assert len(completes) == 3  # the tool turn closed twice, as recorded
    transcripts = [f["serverContent"]["outputTranscription"] for f in frames
                   if "outputTranscription" in f.get("serverContent", {})]  # fmt: skip
    assert {} in transcripts and {"finished": True} in transcripts
    mimes = {
        p["inlineData"]["mimeType"]
        for f in frames
        for p in f.get("serverContent", {}).get("modelTurn", {}).get("parts", [])
        if "inlineData" in p
    }
    assert mimes == {"audio/pcm"}
    usage = turns[1].usage  # both usages of the twice-closed turn land on it
    assert usage is not None
    assert usage.total_tokens == sum(f["usageMetadata"]["totalTokenCount"] for f in completes[1:])


RECORDED = ("empty_first", "thought_part", "vertex_markers", "bundled", "audio_without_rate",
            "tool_close_twice")  # fmt: skip


@pytest.mark.parametrize(
    ("model", "dialect"),
    [
        ("gemini-3.1-flash-live-preview", "google"),
        ("gemini-2.5-flash-native-audio-preview-09-2025", "google"),
        ("gemini-live-2.5-flash", "vertex"),
        ("gemini-3.8-live", "google"),
    ],
)
def test_every_reply_starts_from_the_recorded_orders(model: str, dialect: str) -> None:
    """Common orders are the recorded ones; adversarial ones add rare orders, never drop them."""
    for after_tool in (False, True):
        base = baseline(model, dialect, after_tool)
        assert Orders().connection(0, model, dialect).next_reply(after_tool) == base
        draws = Orders("adversarial", seed=1).connection(0, model, dialect)
        for _ in range(30):
            drawn = draws.next_reply(after_tool)
            assert all(getattr(drawn, f) >= getattr(base, f) for f in RECORDED), drawn


def test_the_recorded_orders_per_model() -> None:
    latest = "gemini-2.5-flash-native-audio-latest"
    assert baseline(latest, "google").thought_part and not baseline(latest, "google").empty_first
    assert not baseline(latest, "google", after_tool=True).thought_part
    three = baseline("gemini-3.1-flash-live-preview", "google", after_tool=True)
    assert three.empty_first and three.bundled and not three.thought_part
    vertex = baseline("gemini-live-2.5-flash", "vertex")
    assert vertex.vertex_markers and vertex.audio_without_rate and vertex.tool_close_twice
    assert baseline("gemini-3.8-live", "google") == ReplyOrders(family="3.1")  # unverified: plain
