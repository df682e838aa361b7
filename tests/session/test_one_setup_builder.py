"""Every setup the kit sends or locks comes from one function: ``config._wire.build_setup``.

A spy wraps it; each setup on the wire (Vertex's model path, the mixroute AUDIO+TEXT ask and
its AUDIO fallback, a resumed connection's handle) and the setup an ephemeral token locks must
be one the spy saw produced, unchanged — nothing rewrites or patches it afterwards.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

import pytest

import gemlive_nb as gl
from gemlive_nb.config import live as config_live
from gemlive_nb.emulator import Emulator
from gemlive_nb.endpoints import LinkPlan, create_ephemeral_token, ephemeral, resolve_endpoint

KEY = "AIzaSy" + secrets.token_hex(16)
MIX_KEY = "sk-test-0123456789"


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Each setup ``build_setup`` returned, with the connection arguments it was given."""
    real = config_live.build_setup
    seen: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def spy(*args: Any, **connection: Any) -> dict[str, Any]:
        setup = real(*args, **connection)
        seen.append((setup, connection))
        return setup

    monkeypatch.setattr(config_live, "build_setup", spy)
    return seen


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value))


def sent_setups(s: Any) -> list[dict[str, Any]]:
    frames = [json.loads(f["frame"]) for f in s.recording.frames if f["dir"] == "send"]
    return [f for f in frames if "setup" in f]


def test_the_vertex_setup_is_the_builders_own(made: list[Any]) -> None:
    token = "ya29." + secrets.token_hex(16)
    ep = resolve_endpoint("vertex", project="my-proj", location="us-central1", api_key=token)
    plan = LinkPlan.build(ep, gl.LiveConfig(transparent_resumption=True), handle="h1")
    setup, connection = made[-1]
    assert plan.setup is setup  # the very object built: not copied, not rewritten
    assert connection["model_path"].startswith("projects/my-proj/locations/us-central1/")
    body = plan.setup["setup"]
    assert body["model"] == connection["model_path"]
    assert body["generationConfig"]["responseModalities"] == ["AUDIO"]
    assert body["sessionResumption"] == {"handle": "h1", "transparent": True}


async def test_mixroute_setups_and_the_fallback_are_the_builders_own(made: list[Any]) -> None:
    async with Emulator(speech="builtin", dialect="mixroute", proxy_modalities="google") as emu:
        s = await gl.connect(endpoint=emu.proxy_url(), api_key=MIX_KEY, record_frames=True)
        try:
            await s.ask("Hello")
        finally:
            await s.close()
    first, fallback = sent_setups(s)
    built = [_json(setup) for setup, _ in made]
    assert first in built and fallback in built
    assert first["setup"]["generationConfig"]["responseModalities"] == ["AUDIO", "TEXT"]
    assert fallback["setup"]["generationConfig"]["responseModalities"] == ["AUDIO"]
    (audio_only,) = [setup for setup, c in made if c.get("audio_only")]
    assert _json(audio_only) == fallback


async def test_a_resumed_connection_sends_the_builders_setup_with_the_handle(
    made: list[Any],
) -> None:
    with Emulator(go_away_after=0.4, go_away_time_left=1.0) as emu:
        async with gl.connect(endpoint=emu.google_url(), record_frames=True, backoff_s=0.01) as s:
            await s.ask("My name is Ada.")
            while s.stats.reconnects < 1:
                await asyncio.sleep(0.02)
    first, resumed = sent_setups(s)[:2]
    handle = resumed["setup"]["sessionResumption"]["handle"]
    assert handle.startswith("emu-") and "handle" not in first["setup"]["sessionResumption"]
    assert resumed in [_json(setup) for setup, c in made if c.get("handle") == handle]


async def test_the_ephemeral_token_locks_the_builders_setup(
    made: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies: list[dict[str, Any]] = []
    post = ephemeral._post

    def tap(url: str, key: Any, body: dict[str, Any], timeout: float) -> dict[str, Any]:
        bodies.append(body)
        return post(url, key, body, timeout)

    monkeypatch.setattr(ephemeral, "_post", tap)
    with Emulator(speech="builtin", api_key=KEY) as emu:
        config = gl.LiveConfig(voice="Puck", resumption=True)
        await create_ephemeral_token(api_key=KEY, base_url=emu.tokens.base_url, config=config)
    locked = bodies[0]["bidiGenerateContentSetup"]
    tokens = [setup["setup"] for setup, c in made if c.get("for_token")]
    assert locked in tokens and "sessionResumption" not in locked
