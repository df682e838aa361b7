"""A redirect to another origin never carries a key: not in a header, not in the URL.

Server A (127.0.0.1, one port) answers the WebSocket upgrade with 302 to server B (another
port); B records every request line and header it sees and accepts the socket.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

import pytest
from websockets.asyncio.client import connect as plain_connect
from websockets.asyncio.server import serve

from gemlive_nb.config import LiveConfig
from gemlive_nb.endpoints import Endpoint, LinkPlan

KEY = "AIzaSy" + secrets.token_hex(16)
TOKEN = "auth_tokens/" + secrets.token_hex(16)
OAUTH = "ya29." + secrets.token_hex(16)
MODEL = "gemini-2.5-flash-native-audio-preview-12-2025"


@dataclass
class Recorder:
    """A local WebSocket server that records requests and may redirect them."""

    redirect_to: str | None = None
    seen: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    url: str = ""

    def process_request(self, connection: Any, request: Any) -> Any:
        self.seen.append((request.path, list(request.headers.raw_items())))
        if self.redirect_to is not None and request.path.startswith("/start"):
            response = connection.respond(HTTPStatus.FOUND, "moved\n")
            response.headers["Location"] = self.redirect_to
            return response
        return None

    def text(self) -> str:
        return unquote(repr(self.seen))


async def _handler(ws: Any) -> None:
    await ws.close()


@pytest.fixture
async def servers() -> AsyncIterator[tuple[Recorder, Recorder]]:
    other = Recorder()
    first = Recorder()
    async with (
        serve(_handler, "127.0.0.1", 0, process_request=other.process_request) as b,
        serve(_handler, "127.0.0.1", 0, process_request=first.process_request) as a,
    ):
        other.url = f"ws://127.0.0.1:{b.sockets[0].getsockname()[1]}"
        first.url = f"ws://127.0.0.1:{a.sockets[0].getsockname()[1]}"
        first.redirect_to = other.url + "/landed"
        yield first, other


ENDPOINTS = {
    "x-goog-api-key": lambda url: Endpoint(
        kind="custom", url=url, model=MODEL, api_key=KEY, auth="x-goog-api-key"
    ),
    "ephemeral token": lambda url: Endpoint(
        kind="custom", url=url, model=MODEL, api_key=TOKEN, auth="token"
    ),
    "bearer": lambda url: Endpoint(
        kind="custom", url=url, model=MODEL, api_key=OAUTH, auth="bearer"
    ),
    "key in the query": lambda url: Endpoint(kind="custom", url=f"{url}?key={KEY}", model=MODEL),
    "token in the query": lambda url: Endpoint(
        kind="custom", url=f"{url}?access_token={TOKEN}", model=MODEL
    ),
}


@pytest.mark.parametrize("how", list(ENDPOINTS))
async def test_cross_origin_redirect_carries_no_key(
    servers: tuple[Recorder, Recorder], how: str
) -> None:
    first, other = servers
    endpoint = ENDPOINTS[how](first.url + "/start")
    plan = LinkPlan.build(endpoint, LiveConfig())
    async with plan.open(open_timeout=10) as ws:
        assert ws.request is not None and ws.request.path == "/landed"
    assert [path.split("?")[0] for path, _ in first.seen] == ["/start"]
    assert [path for path, _ in other.seen] == ["/landed"]
    first_text = first.text()
    assert any(secret in first_text for secret in (KEY, TOKEN, OAUTH))  # A did get the key
    other_text = other.text()
    for secret in (KEY, TOKEN, OAUTH):
        assert secret not in other_text
    names = {name.lower() for name, _ in other.seen[0][1]}
    assert not names & {"authorization", "x-goog-api-key", "cookie"}
    assert "user-agent" in names  # the request itself arrived whole


async def test_same_origin_redirect_keeps_the_key(servers: tuple[Recorder, Recorder]) -> None:
    first, _ = servers
    first.redirect_to = first.url + "/landed"
    plan = LinkPlan.build(ENDPOINTS["x-goog-api-key"](first.url + "/start"), LiveConfig())
    async with plan.open(open_timeout=10):
        pass
    assert [path for path, _ in first.seen] == ["/start", "/landed"]
    assert ("x-goog-api-key", KEY) in first.seen[1][1]


async def test_plain_websockets_would_leak_the_header(servers: tuple[Recorder, Recorder]) -> None:
    """Why the guard exists: websockets strips only Authorization and Cookie."""
    first, other = servers
    async with plain_connect(first.url + "/start", additional_headers={"x-goog-api-key": KEY}):
        pass
    assert KEY in other.text()


def test_plan_shows_no_secret() -> None:
    for make in ENDPOINTS.values():
        plan = LinkPlan.build(make("wss://example.test/ws"), LiveConfig())
        shown = repr(plan) + plan.shown_url + plan.redact(f"{plan.url} {plan.headers}")
        for secret in (KEY, TOKEN, OAUTH):
            assert secret not in shown
        assert plan.setup["setup"]["model"] == f"models/{MODEL}"
        assert plan.local is False
