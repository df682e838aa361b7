"""Vertex's transparent session resumption reaches the setup the session sends, on every
connect (the link adds the newest handle beside it)."""

from __future__ import annotations

import json
import secrets
from types import SimpleNamespace
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.frames import Close

import gemlive_nb as gl
from gemlive_nb.endpoints import LinkPlan


class _RefusingSocket:
    """Records the setup, then closes as a server would that refuses it."""

    def __init__(self, sent: list[dict[str, Any]]) -> None:
        self.sent = sent
        self.protocol = SimpleNamespace(close_rcvd=Close(1008, "test: setup seen"))

    async def send(self, frame: str) -> None:
        self.sent.append(json.loads(frame))
        raise ConnectionClosed(Close(1008, "test: setup seen"), None)

    async def close(self) -> None:
        return None


async def test_the_vertex_setup_carries_transparent_resumption(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[dict[str, Any]] = []

    async def fake_open(plan: Any, **options: Any) -> Any:
        return _RefusingSocket(sent)

    monkeypatch.setattr(LinkPlan, "open", fake_open)
    token = "ya29." + secrets.token_hex(16)
    with pytest.raises(gl.SessionClosed):
        await gl.connect(
            endpoint="vertex", project="my-proj", location="us-central1", api_key=token,
            transparent_resumption=True, max_failures=1,
        )  # fmt: skip
    assert sent and sent[0]["setup"]["sessionResumption"] == {"transparent": True}
