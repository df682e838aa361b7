"""Fault injection: goAway + close, 1011 mid-turn, TCP drop (1006), latency, pacing."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from gemlive_nb.emulator import Emulator

MODEL = "models/gemini-2.5-flash-native-audio-preview-12-2025"
PATH = "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent"


async def session(emu: Emulator) -> Any:
    ws = await websockets.connect(
        emu.url + PATH, additional_headers={"x-goog-api-key": "k"}, max_queue=None
    )
    await ws.send(json.dumps({"setup": {"model": MODEL}}))
    assert json.loads(await ws.recv()) == {"setupComplete": {}}
    return ws


def say(text: str) -> str:
    turn = {"role": "user", "parts": [{"text": text}]}
    return json.dumps({"clientContent": {"turns": [turn], "turnComplete": True}})


async def turn(ws: Any) -> list[dict[str, Any]]:
    out = []
    while True:
        msg = json.loads(await asyncio.wait_for(ws.recv(), 10))
        out.append(msg)
        if msg.get("serverContent", {}).get("turnComplete"):
            return out


async def test_go_away_then_close_1008() -> None:
    async with Emulator(speech="builtin", go_away_after=0.2, go_away_time_left=0.3) as emu:
        ws = await session(emu)
        t0 = time.monotonic()
        assert json.loads(await ws.recv()) == {"goAway": {"timeLeft": "0.3s"}}
        t_go = time.monotonic() - t0
        with pytest.raises(ConnectionClosed):
            await ws.recv()
        t_end = time.monotonic() - t0
    assert (ws.close_code, ws.close_reason) == (1008, "The operation was aborted.")
    assert 0.15 < t_go < 0.5 and 0.25 < t_end - t_go < 0.8


async def test_max_connection_lifetime_defaults_to_go_away_before_the_end() -> None:
    async with Emulator(speech="builtin", max_connection_s=0.4, go_away_time_left=0.25) as emu:
        ws = await session(emu)
        assert json.loads(await ws.recv()) == {"goAway": {"timeLeft": "0.25s"}}
        with pytest.raises(ConnectionClosed):
            await ws.recv()
    assert ws.close_code == 1008


async def test_fail_after_turns_breaks_mid_turn_once() -> None:
    async with Emulator(speech="builtin", fail_after_turns=1) as emu:
        ws = await session(emu)
        await ws.send(say("Tell me about Rome."))
        first = await turn(ws)
        assert first[-1]["usageMetadata"]["responseTokenCount"] > 0
        await ws.send(say("Tell me about Athens."))
        got = []
        with pytest.raises(ConnectionClosed):
            while True:
                got.append(json.loads(await ws.recv()))
        assert (ws.close_code, ws.close_reason) == (1011, "Internal error occurred.")
        assert any("modelTurn" in m.get("serverContent", {}) for m in got)  # mid-turn...
        assert not any("turnComplete" in m.get("serverContent", {}) for m in got)  # ...not after
        ws = await session(emu)  # once per emulator: a reconnecting client recovers
        await ws.send(say("Tell me about Rome."))
        await ws.send(say("Tell me about Athens."))
        assert (await turn(ws))[-1]["serverContent"]["turnComplete"]
        await ws.close()


async def test_drop_after_cuts_tcp_without_close_frame() -> None:
    async with Emulator(speech="builtin", drop_after=0.2) as emu:
        ws = await session(emu)
        with pytest.raises(ConnectionClosed) as info:
            await asyncio.wait_for(ws.recv(), 5)
        assert info.value.rcvd is None and ws.close_code == 1006
        ws = await session(emu)  # fires once
        await asyncio.sleep(0.3)
        await ws.send(say("Hello"))
        assert (await turn(ws))[-1]["serverContent"]["turnComplete"]
        await ws.close()
    assert emu.sessions[0].close_code == 1006


async def first_reply_delay(emu: Emulator) -> float:
    ws = await session(emu)
    t0 = time.monotonic()
    await ws.send(say("Tell me about Rome."))
    await ws.recv()
    delay = time.monotonic() - t0
    await ws.close()
    return delay


async def test_latency_delays_each_reply() -> None:
    async with Emulator(speech="builtin", latency=0.3) as slow_emu:
        slow = await first_reply_delay(slow_emu)
    async with Emulator(speech="builtin") as fast_emu:
        await first_reply_delay(fast_emu)  # warm the synthesis cache, as slow_emu's run did
        fast = await first_reply_delay(fast_emu)
    assert 0.3 <= slow < 0.8 and fast < 0.25


async def test_realtime_pacing_and_slow_frames() -> None:
    async with Emulator(speech="builtin", realtime=3, burst=5) as emu:  # 3x playback speed
        ws = await session(emu)
        t0 = time.monotonic()
        await ws.send(say("Hi."))
        times, audio_s = [], 0.0
        while True:
            msg = json.loads(await ws.recv())
            times.append(time.monotonic() - t0)
            part = msg.get("serverContent", {}).get("modelTurn", {}).get("parts", [{}])[0]
            audio_s += len(part.get("inlineData", {}).get("data", "")) * 3 / 4 / 48000
            if msg.get("serverContent", {}).get("turnComplete"):
                break
        await ws.close()
    assert times[4] - times[0] < 0.1  # the first burst (5 chunks) comes at once
    assert audio_s / 3 - 0.05 < times[-1] < audio_s / 3 + 0.5  # turnComplete at playback end
    assert times[-2] < times[-1] - 0.1  # generationComplete comes before playback ends
    async with Emulator(speech="builtin", slow=0.02, chunk_ms=200) as emu:
        ws = await session(emu)
        t0 = time.monotonic()
        await ws.send(say("Hi."))
        n = len(await turn(ws))
        await ws.close()
    assert time.monotonic() - t0 >= 0.02 * n
