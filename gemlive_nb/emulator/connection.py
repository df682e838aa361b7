"""What the parts of one Live connection share: the session state and the way frames go out.

:class:`Session` is the explicit state the connection, its listener and its speaker read and
change (the setup, the conversation, the current turn's input tokens, pending tool calls, the
reply orders drawn). :class:`Sender` puts frames on the WebSocket and closes it; the parts see
it through the small :class:`FrameSender` interface, so a test can pass a fake that collects
the frames::

    session = Session(SessionRecord(1, "/ws", {}), kind="google")
    speaker = Speaker(session, sender, hub, TurnResponder(hub.responder, seed=1))

Not a public API.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .faults import Faults
from .frames import Closed, frame
from .hub import SessionRecord
from .orders import ConnectionOrders, Orders, ReplyOrders
from .setup import SessionSetup, close_reason

__all__ = ["FrameSender", "Sender", "Session"]

History = list[dict[str, Any]]  # {"role", "text", "audio_s"} per entry


def _no_turn_in() -> dict[str, int]:
    return {"text": 0, "audio": 0}


@dataclass(eq=False)
class Session:
    """The state of one connection that its parts share (passed to each, never inherited).

    ``kind`` is the endpoint the client dialled: google, ephemeral, vertex or proxy.
    """

    record: SessionRecord
    kind: str = "google"
    orders: Orders = field(default_factory=Orders)
    cfg: SessionSetup | None = None
    history: History = field(default_factory=list)
    turn_in: dict[str, int] = field(default_factory=_no_turn_in)  # tokens of the user's input
    video_tokens: int = 0
    completed: int = 0  # turns completed
    pending_blocking: dict[str, dict[str, Any]] = field(default_factory=dict)
    pending_async: dict[str, dict[str, Any]] = field(default_factory=dict)
    late_input: dict[str, Any] | None = None  # the held-back end of the user's words
    closed: bool = False
    t0: float = field(default_factory=time.monotonic)
    session_start: float = field(init=False)  # t0, or earlier when resumed (session limits)
    tasks: set[asyncio.Task] = field(default_factory=set)
    # the orders replies are sent in (.orders): drawn per reply, by the listener if early
    _draws: ConnectionOrders | None = None
    _next_orders: ReplyOrders | None = None

    def __post_init__(self) -> None:
        self.session_start = self.t0

    @property
    def dialect(self) -> str:
        """The wire dialect, chosen by the path the client connected to (not a server flag)."""
        return {"proxy": "mixroute", "vertex": "vertex"}.get(self.kind, "google")

    def spawn(self, coro: Any) -> None:
        """Run ``coro`` in the background, keeping a reference until it is done."""
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def draw_orders(self, after_tool: bool = False) -> ReplyOrders:
        """The orders of the next reply.

        A user turn's are drawn once (the listener draws them early); a reply to a tool
        response draws its own (``after_tool``: the recorded orders differ, see :mod:`.orders`).
        """
        if self._draws is None:
            model = self.cfg.model if self.cfg is not None else ""
            self._draws = self.orders.connection(self.record.id, model, self.dialect)
        if after_tool:
            return self._draws.next_reply(after_tool=True)
        if self._next_orders is None:
            self._next_orders = self._draws.next_reply()
        return self._next_orders

    def complete_turn(self) -> None:
        """A reply was said to its end (the record counts it too)."""
        self.completed += 1
        self.record.turns = self.completed

    def use_up_orders(self) -> None:
        """The user's turn has its reply: the next user turn draws afresh."""
        self._next_orders = None

    def user_texts(self) -> list[str]:
        """What the user said so far, in order."""
        return [h["text"] for h in self.history if h["role"] == "user"]

    def last_user_text(self) -> str:
        """What the user said last ("" before anything)."""
        return next((h["text"] for h in reversed(self.history) if h["role"] == "user"), "")

    def add(self, role: str, text: str, audio_s: float = 0.0) -> None:
        """Add one entry to the conversation."""
        self.history.append({"role": role, "text": text, "audio_s": audio_s})


class FrameSender(Protocol):
    """How the parts send frames and end the connection."""

    async def send(self, data: bytes, kind: str) -> None:
        """Send a ready-made frame, noted as ``kind``; :class:`Closed` once closed."""

    async def send_msg(self, msg: dict[str, Any], kind: str) -> None:
        """Send ``msg`` as a JSON frame (see :meth:`send`)."""

    async def close(self, code: int, reason: str) -> None:
        """Close the connection with ``code`` and ``reason``."""

    def drop(self) -> None:
        """Cut the connection without a close frame."""


class Sender:
    """Sends frames on the accepted WebSocket ``ws``, notes them in ``record``, closes it.

    ``on_stop`` runs when the connection closes or drops (the connection stops its reply).
    """

    def __init__(self, ws: Any, record: SessionRecord, faults: Faults, session: Session) -> None:
        self.ws = ws
        self.record = record
        self.faults = faults
        self.session = session
        self.on_stop: Callable[[], None] = lambda: None

    async def send(self, data: bytes, kind: str) -> None:
        """Send one ready-made frame and note it in the session record as ``kind``.

        Raises :class:`Closed` once the connection is closed; the ``slow`` fault delays it.
        """
        if self.session.closed:
            raise Closed
        if self.faults.slow:
            await asyncio.sleep(self.faults.slow)
        await self.ws.send(data)
        self.record.note_sent(kind)

    async def send_msg(self, msg: dict[str, Any], kind: str) -> None:
        """Send ``msg`` as a compact JSON frame (see :meth:`send`)."""
        await self.send(frame(msg), kind)

    async def close(self, code: int, reason: str) -> None:
        """Close with ``code`` and ``reason`` (recorded), stopping any reply; idempotent."""
        if self.session.closed:
            return
        self.session.closed = True
        reason = close_reason(reason)
        self.record.close_code, self.record.close_reason = code, reason
        self.on_stop()
        with contextlib.suppress(Exception):
            await self.ws.close(code, reason)

    def drop(self) -> None:
        """Cut the TCP connection without a close frame (the client sees 1006)."""
        self.session.closed = True
        self.record.close_code, self.record.close_reason = 1006, "dropped (fault injection)"
        self.on_stop()
        self.ws.transport.abort()
