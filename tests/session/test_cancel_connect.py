"""A connect cancelled while it waits for setupComplete leaves no socket open."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from websockets.asyncio.server import serve

import gemlive_nb as gl
from gemlive_nb.waiting import wait_until


async def test_a_connect_cancelled_during_setup_closes_its_socket() -> None:
    got_setup = asyncio.Event()
    closed = asyncio.Event()

    async def handler(ws: Any) -> None:  # takes the setup, never answers it
        await ws.recv()
        got_setup.set()
        await ws.wait_closed()
        closed.set()

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        opening = asyncio.ensure_future(gl.connect(endpoint=f"ws://127.0.0.1:{port}/live"))
        await wait_until(got_setup.is_set, timeout=10, what="the server to get the setup")
        opening.cancel()
        with pytest.raises(asyncio.CancelledError):
            await opening
        await wait_until(closed.is_set, timeout=10, what="the cancelled connect's socket to close")
