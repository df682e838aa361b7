"""goAway: the next turn waits for the new connection, which resumes with a handle that covers
the turn before it.

A scripted server plays the service's side (PROTOCOL.md §3 step 5: ``sessionResumptionUpdate``
between turns, so possibly a while after ``turnComplete``); the emulator case checks the same
end to end, with the model's memory as the witness.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve

import gemlive_nb as gl
from gemlive_nb.emulator import Emulator

MODEL = "gemini-2.5-flash-native-audio-preview-09-2025"


def _is_turn(message: dict[str, Any]) -> bool:
    content = message.get("clientContent") or message.get("client_content") or {}
    realtime = message.get("realtimeInput") or message.get("realtime_input") or {}
    return bool(content.get("turnComplete") or content.get("turn_complete") or "text" in realtime)


class ScriptedService:
    """Each connection: setupComplete, a first handle; each turn: a reply, turnComplete, and
    ``handle_delay`` s later (None: never) a handle naming the turn. The first turn ever also
    gets goAway."""

    def __init__(self, handle_delay: float | None) -> None:
        self.handle_delay = handle_delay
        self.setups: list[dict[str, Any]] = []
        self.turns_per_connection: list[int] = []
        self.turns = 0

    async def handler(self, ws: ServerConnection) -> None:
        setup = json.loads(await ws.recv())["setup"]
        self.setups.append(setup)
        self.turns_per_connection.append(0)
        conn = len(self.setups) - 1
        await ws.send(json.dumps({"setupComplete": {}}))
        handle = {"newHandle": f"conn{conn}-start", "resumable": True}
        await ws.send(json.dumps({"sessionResumptionUpdate": handle}))
        async for raw in ws:
            if not _is_turn(json.loads(raw)):
                continue
            self.turns += 1
            self.turns_per_connection[conn] += 1
            n = self.turns
            if n == 1:
                await ws.send(json.dumps({"goAway": {"timeLeft": "3s"}}))
            reply = {"outputTranscription": {"text": f"reply {n}"}}
            await ws.send(json.dumps({"serverContent": reply}))
            await ws.send(json.dumps({"serverContent": {"turnComplete": True}}))
            if self.handle_delay is None:
                continue
            await asyncio.sleep(self.handle_delay)
            handle = {"newHandle": f"after-turn-{n}", "resumable": True}
            await ws.send(json.dumps({"sessionResumptionUpdate": handle}))


@asynccontextmanager
async def scripted(
    handle_delay: float | None, resumption: bool = True
) -> AsyncIterator[tuple[ScriptedService, gl.LiveSession]]:
    """The scripted service, and a session connected to it."""
    service = ScriptedService(handle_delay)
    async with serve(service.handler, "127.0.0.1", 0) as server:
        url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/ws"
        async with gl.connect(endpoint=url, model=MODEL, api_key="k", resumption=resumption) as s:
            yield service, s


async def test_after_goaway_the_next_turn_waits_for_the_new_connection() -> None:
    """Before: the turn asked right after turnComplete went out on the socket about to close
    (and was asked again on the next one)."""
    async with scripted(handle_delay=0.0) as (service, s):
        await s.ask("first", timeout=10)
        second = await s.ask("second", timeout=10)
    assert service.turns_per_connection == [1, 1]
    assert second.transcript == "reply 2" and [t.status for t in s.turns] == ["answered"] * 2
    assert [t.retries for t in s.turns] == [0, 0]  # sent once, not re-asked


async def test_the_reconnect_waits_for_the_handle_sent_after_the_turn() -> None:
    """Before: the kit left as the turn completed and resumed with the handle from before the
    turn, so the resumed session had forgotten it."""
    async with scripted(handle_delay=0.3) as (service, s):
        await s.ask("first", timeout=10)
        await s.ask("second", timeout=10)
    assert service.setups[1]["sessionResumption"] == {"handle": "after-turn-1"}
    assert service.turns_per_connection == [1, 1]


async def test_resumption_handle_waits_for_the_one_that_covers_the_last_turn() -> None:
    async with scripted(handle_delay=0.3) as (_, s):
        await s.ask("first", timeout=10)
        assert await s.resumption_handle(timeout=5) == "after-turn-1"


async def test_resumption_handle_says_when_no_handle_covers_the_last_turn(caplog: Any) -> None:
    async with scripted(handle_delay=None) as (_, s):
        await s.ask("first", timeout=10)
        assert await s.resumption_handle(timeout=0.2) == "conn0-start"
    assert "may not cover it" in caplog.text


async def test_resumption_handle_without_resumption_names_the_fix() -> None:
    async with scripted(handle_delay=0.0, resumption=False) as (_, s):
        with pytest.raises(gl.ConfigError, match="resumption=True"):
            await s.resumption_handle()


async def test_a_resumed_emulator_session_remembers_the_turn_before_goaway() -> None:
    with Emulator(speech="builtin", go_away_at="generation_complete", go_away_time_left=5.0) as emu:
        async with gl.connect(endpoint=emu.google_url(), resumption=True) as s:
            await s.ask("My name is Ada.", timeout=20)
            later = await s.ask("What is my name?", timeout=20)
        sessions = [emu.wait_closed(n) for n in (1, 2)]
    assert "Ada" in later.transcript
    assert [record.turns for record in sessions] == [1, 1]
