"""A session opened through a redirect to another origin never hands over the key.

Server A (127.0.0.1, one port) answers the WebSocket upgrade with 302 to the emulator (another
port). The session must land on the emulator, talk to it, and the emulator must see no
credential header: websockets alone strips only ``Authorization`` and ``Cookie``.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from http import HTTPStatus
from typing import Any

import pytest
from websockets.asyncio.server import serve

import gemlive_nb as gl
from gemlive_nb.emulator import Emulator
from gemlive_nb.endpoints import LinkPlan
from gemlive_nb.secret import SECRET_HEADERS

KEY = "AIzaSy" + secrets.token_hex(16)


class Redirector:
    """Answers every upgrade with 302 to ``target`` and keeps the headers it was sent."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.seen: list[dict[str, str]] = []

    def process_request(self, connection: Any, request: Any) -> Any:
        self.seen.append({k.lower(): v for k, v in request.headers.raw_items()})
        response = connection.respond(HTTPStatus.FOUND, "moved\n")
        response.headers["Location"] = self.target + request.path
        return response


async def _never(ws: Any) -> None:  # pragma: no cover - every request is redirected
    await ws.close()


@pytest.fixture
async def redirector(emulator: Emulator) -> AsyncIterator[tuple[Redirector, str]]:
    red = Redirector(emulator.url)
    async with serve(_never, "127.0.0.1", 0, process_request=red.process_request) as server:
        yield red, f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"


async def test_connect_through_a_cross_origin_redirect_drops_the_key(
    emulator: Emulator, redirector: tuple[Redirector, str]
) -> None:
    red, origin = redirector
    path = emulator.google_url().removeprefix(emulator.url)
    before = len(emulator.sessions)
    async with gl.connect(endpoint=origin + path, api_key=KEY) as s:
        turn = await s.ask("Hello")
        assert turn.status == "answered"
        assert KEY not in repr(s) and KEY not in repr(s.endpoint)
    assert red.seen and red.seen[0].get("x-goog-api-key") == KEY  # A was sent the key
    landed = emulator.sessions[before:]
    assert landed, "the session never reached the emulator"
    for record in landed:
        names = {name.lower() for name in record.headers}
        assert not names & set(SECRET_HEADERS), record.headers
        assert KEY not in repr(record)


async def test_connect_passes_project_and_location_to_vertex(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[Any] = []

    def refuse(plan: Any, **options: Any) -> Any:
        opened.append(plan)
        raise OSError("no network in tests")

    monkeypatch.setattr(LinkPlan, "open", refuse)
    token = "ya29." + secrets.token_hex(16)
    with pytest.raises(gl.SessionClosed) as caught:
        await gl.connect(
            endpoint="vertex", project="my-proj", location="europe-west4", api_key=token,
            max_failures=1,
        )  # fmt: skip
    assert token not in str(caught.value)
    assert len(opened) == 1
    plan = opened[0]
    assert "europe-west4-aiplatform.googleapis.com" in plan.url
    model = plan.setup["setup"]["model"]
    assert model.startswith("projects/my-proj/locations/europe-west4/publishers/google/models/")
    assert plan.headers["Authorization"] == f"Bearer {token}"
