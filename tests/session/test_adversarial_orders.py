"""Sessions against ``Emulator(orders="adversarial", seed=s)``: the same conversation as with the
common orders, turn for turn (a differential oracle: the emulator's replies depend on the
conversation and the seed, not on the orders they are sent in).

Seeds: ``GEMLIVE_ORDER_SEEDS`` (comma-separated; default a fixed handful). ``make test-orders``
runs a wider sweep.
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

import numpy as np
import pytest

import gemlive_nb as gl
from gemlive_nb.audio import resample
from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.speech import get_speech

SEEDS = [int(x) for x in os.environ.get("GEMLIVE_ORDER_SEEDS", "0,1,2").split(",") if x.strip()]
OAUTH = "ya29.orders-test-token"
FAMILIES = ("2.5", "3.1", "vertex")
QUESTIONS = (
    "Hello there.",
    "What's the weather in Paris?",
    "Tell me about volcanoes.",
    "My name is Ada.",
)


def get_weather(city: str) -> dict[str, Any]:
    """Current weather for a city.

    Args:
        city: The city name.
    """
    return {"city": city, "temp_c": 21}


def _speech16k(text: str) -> np.ndarray:
    speech = get_speech("builtin")
    return resample(np.asarray(speech.synthesize(text, "Zephyr", "en-US"), np.int16), 24000, 16000)


def _connect(emu: Emulator, family: str, **options: Any) -> Any:
    if family == "vertex":
        endpoint = gl.endpoints.resolve_endpoint(
            "vertex", project="p", location="us-central1", api_key=OAUTH, environ={}
        ).with_url(emu.url)
        return gl.connect(endpoint=endpoint, tools=[get_weather], **options)
    if family == "3.1":
        options["model"] = "gemini-3.1-flash-live-preview"
    return gl.connect(endpoint=emu.google_url(), api_key=OAUTH, tools=[get_weather], **options)


async def _ask(s: Any, q: str, family: str) -> None:
    if family == "3.1":  # 3.1 takes clientContent only as initial history (PROTOCOL.md §5)
        await s.wait_turn(await s.send_realtime_text(q), timeout=30)
    else:
        await s.ask(q, timeout=30)


async def _conversation(emu: Emulator, family: str, frames: list | None = None) -> list[gl.Turn]:
    async with _connect(emu, family, record_frames=frames is not None) as s:
        for q in QUESTIONS:
            await _ask(s, q, family)
        await s.ask(gl.Audio(_speech16k("What is my name?"), 16000), timeout=30)
        await _ask(s, "Thank you.", family)  # the spoken turn's reply is not cut by a close
        if frames is not None:
            frames += [(f["dir"], json.loads(f["frame"])) for f in s.recording.frames]
        return list(s.turns)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("family", FAMILIES)
async def test_adversarial_orders_keep_every_turn_as_the_common_orders_do(
    seed: int, family: str
) -> None:
    # the reference is the common orders (this test's subject), whatever GEMLIVE_EMULATOR_ORDERS
    with Emulator(speech="builtin", seed=seed, api_key=OAUTH, orders="common") as plain:
        expected = await _conversation(plain, family)
    with Emulator(speech="builtin", seed=seed, api_key=OAUTH, orders="adversarial") as emu:
        got = await _conversation(emu, family)
        sent = [kind for record in emu.sessions for kind in record.sent]
    assert len(got) == len(expected) == len(QUESTIONS) + 2, got
    for mine, theirs in zip(got, expected, strict=True):
        where = (family, seed, mine, theirs)
        assert mine.user_text == theirs.user_text, where
        assert mine.output_transcript == theirs.output_transcript, where
        assert [c["name"] for c in mine.tool_calls] == [c["name"] for c in theirs.tool_calls]
        # the next question may cut a reply that still plays: interrupted after turnComplete
        assert mine.status in ("answered", "interrupted"), where
        assert theirs.status == "answered", where
        assert 0 <= mine.heard_samples <= mine.received_samples == theirs.received_samples, where
        if not mine.tool_calls:  # a Vertex tool turn bills its prompt twice
            assert mine.usage is not None and theirs.usage is not None
            assert mine.usage.total_tokens == theirs.usage.total_tokens, where
    assert got[-1].status == "answered"
    spoken = got[len(QUESTIONS)]
    assert spoken.input_transcript.strip() == expected[len(QUESTIONS)].input_transcript.strip()
    assert "Ada" in spoken.output_transcript
    assert sent, "the emulator sent nothing"


async def test_adversarial_orders_are_reproducible_by_seed() -> None:
    """The same seed sends the same kinds of messages in the same order."""
    runs = []
    for _ in range(2):
        with Emulator(speech="builtin", seed=5, orders="adversarial") as emu:
            async with gl.connect(endpoint=emu.google_url(), tools=[get_weather]) as s:
                for q in QUESTIONS:
                    await s.ask(q, timeout=30)
                    await asyncio.sleep(0)
            runs.append([k for k in emu.sessions[-1].sent if k != "audio"])
    assert runs[0] == runs[1]


def test_an_unknown_orders_value_is_refused() -> None:
    with pytest.raises(gl.ConfigError, match="orders must be one of 'common', 'adversarial'"):
        Emulator(orders="weird")


def test_the_command_line_takes_orders() -> None:
    from gemlive_nb.emulator.__main__ import build_parser

    args = build_parser().parse_args(["--orders", "adversarial", "--seed", "4"])
    assert (args.orders, args.seed) == ("adversarial", 4)
    assert build_parser().parse_args([]).orders is None  # GEMLIVE_EMULATOR_ORDERS, else common


def _orders_seen(frames: list[tuple[str, dict[str, Any]]]) -> set[str]:
    """The rare orders in a conversation's wire frames (as the client received them)."""
    seen: set[str] = set()
    last = ""  # the last thing that happened: "user", "output", "turnComplete"
    closes = 0  # turnCompletes since the user last spoke
    generated = False
    for direction, msg in frames:
        if direction == "send":
            if "clientContent" in msg or "text" in msg.get("realtimeInput", {}):
                last, closes, generated = "user", 0, False
            continue
        sc = msg.get("serverContent")
        if sc == {} and "usageMetadata" not in msg:
            seen.add("empty first serverContent")
        if sc == {} and "usageMetadata" in msg:
            seen.add("usage without turnComplete")
        if sc is None:
            continue
        if "modelTurn" in sc and "outputTranscription" in sc:
            seen.add("audio and transcript bundled")
        if sc.get("outputTranscription") == {}:
            seen.add("empty transcript marker")
        if "inputTranscription" in sc and last == "output":
            seen.add("late input piece")
        generated = generated or bool(sc.get("generationComplete"))
        if "modelTurn" in sc or sc.get("outputTranscription", {}).get("text"):
            last = "output"
        if sc.get("interrupted") and last == "turnComplete":
            seen.add("interrupted after turnComplete")
        if sc.get("turnComplete"):
            closes += 1
            if closes == 2:
                seen.add("a tool turn closed twice")
            if last == "output" and not generated:
                seen.add("no generationComplete")
            last = "turnComplete"
    return seen


async def test_the_adversarial_emulator_sends_every_rare_order_it_knows() -> None:
    """Over a few seeds and the three families, each rare order shows up on the wire."""
    seen: set[str] = set()
    for seed in range(4):
        for family in FAMILIES:
            frames: list[tuple[str, dict[str, Any]]] = []
            with Emulator(speech="builtin", seed=seed, api_key=OAUTH, orders="adversarial") as emu:
                await _conversation(emu, family, frames)
            seen |= _orders_seen(frames)
    assert seen == {
        "empty first serverContent",
        "usage without turnComplete",
        "audio and transcript bundled",
        "empty transcript marker",
        "late input piece",
        "interrupted after turnComplete",
        "a tool turn closed twice",
        "no generationComplete",
    }


def test_late_pieces_never_start_a_new_sentence_and_unspaced_pieces_keep_the_text() -> None:
    from gemlive_nb.emulator.orders import late_split, unspaced

    assert late_split("What is the weather in Paris?") == ("What is the weather in", " Paris?")
    assert late_split("Hello. World") is None  # the tail would read as a new utterance
    assert late_split("Hello") is None
    pieces = ["Here is", " what I", " found."]
    assert unspaced(pieces) == ["Here is ", "what I ", "found."]
    assert "".join(unspaced(pieces)) == "".join(pieces)
