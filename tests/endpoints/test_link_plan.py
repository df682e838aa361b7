"""A LinkPlan is all a session needs: open it, send its setup, get setupComplete — for every
kind of endpoint, against the emulator."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator

import pytest

from gemlive_nb.config import LiveConfig
from gemlive_nb.emulator import Emulator
from gemlive_nb.endpoints import Endpoint, LinkPlan, create_ephemeral_token, resolve_endpoint

KEY = "AIzaSy" + secrets.token_hex(16)
OAUTH = "ya29." + secrets.token_hex(16)


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(speech="builtin", api_key=KEY) as emu:
        yield emu


@pytest.fixture(scope="module")
def vertex_emu() -> Iterator[Emulator]:
    with Emulator(speech="builtin", api_key=OAUTH) as emu:
        yield emu


async def _handshake(plan: LinkPlan) -> dict[str, object]:
    async with plan.open(open_timeout=20) as ws:
        await ws.send(json.dumps(plan.setup))
        reply = json.loads(await ws.recv())
    return reply


PLANS: dict[str, Callable[[Emulator], Endpoint]] = {
    "header key": lambda emu: resolve_endpoint(emu.google_url(), api_key=KEY, environ={}),
    "key in the query": lambda emu: resolve_endpoint(f"{emu.google_url()}?key={KEY}", environ={}),
    "running emulator": lambda emu: resolve_endpoint(emu, api_key=KEY, environ={}),
}


@pytest.mark.parametrize("how", list(PLANS))
async def test_google_plans(emu: Emulator, how: str) -> None:
    plan = LinkPlan.build(PLANS[how](emu), LiveConfig(voice="Puck"))
    assert plan.local
    assert await _handshake(plan) == {"setupComplete": {}}
    record = emu.sessions[-1]
    assert record.setup is not None and record.setup["model"].startswith("models/")


async def test_vertex_plan(vertex_emu: Emulator) -> None:
    ep = resolve_endpoint(
        "vertex", project="p", location="us-central1", api_key=OAUTH, environ={}
    ).with_url(vertex_emu.url)
    plan = await LinkPlan.abuild(ep, LiveConfig())
    assert await _handshake(plan) == {"setupComplete": {}}
    record = vertex_emu.sessions[-1]
    assert "LlmBidiService" in record.path
    assert record.setup is not None
    assert record.setup["model"].startswith("projects/p/locations/us-central1/publishers/google/")


async def test_minted_token_plan(emu: Emulator) -> None:
    token = await create_ephemeral_token(api_key=KEY, base_url=emu.tokens.base_url)
    ep = resolve_endpoint(api_key=token.name, environ={}).with_url(emu.url)
    assert ep.url is not None and ep.url.endswith("BidiGenerateContentConstrained")
    plan = LinkPlan.build(ep, LiveConfig())
    assert await _handshake(plan) == {"setupComplete": {}}
    assert emu.tokens.store.find([token.name.reveal()]).used == 1  # type: ignore[union-attr]


async def test_a_wrong_key_is_closed_1008(emu: Emulator) -> None:
    from websockets.exceptions import ConnectionClosed

    ep = resolve_endpoint(emu.google_url(), api_key="AIzaSy" + secrets.token_hex(16), environ={})
    plan = LinkPlan.build(ep, LiveConfig())
    with pytest.raises(ConnectionClosed) as info:
        await _handshake(plan)
    assert info.value.rcvd is not None and info.value.rcvd.code == 1008
    assert plan.redact(str(info.value)) == str(info.value)  # nothing secret in the reason
