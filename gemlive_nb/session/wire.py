"""The only place that touches websockets' internals (pinned by the ``websockets`` bound).

The hot send path frames a message and hands it to the transport without awaiting ``drain()``,
so a stalled network costs queued (droppable) audio instead of blocking the microphone.
Everything here works on a ``websockets.asyncio.client.ClientConnection``.
"""

from __future__ import annotations

from typing import Any

from websockets.protocol import State

__all__ = ["abort", "close_received", "is_stalled", "send_now"]


def is_stalled(ws: Any) -> bool:
    """The transport's write buffer is over its high-water mark (writes are paused)."""
    return bool(ws.paused)


def send_now(ws: Any, frame: str) -> bool:
    """Write a text frame without waiting; returns whether it was written.

    False when the socket can't take it now (not open or stalled): the caller must queue it.
    """
    if ws.paused or ws.protocol.state is not State.OPEN:
        return False
    ws.protocol.send_text(frame.encode())
    ws.send_data()
    return True


def abort(ws: Any) -> None:
    """Drop the TCP connection at once (no close handshake)."""
    ws.transport.abort()


def close_received(ws: Any) -> tuple[int, str] | None:
    """The close code and reason the server sent, or None when none arrived."""
    rcvd = getattr(ws.protocol, "close_rcvd", None)
    return None if rcvd is None else (rcvd.code, rcvd.reason)
