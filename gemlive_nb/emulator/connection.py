"""The state of one Live connection and how it sends and closes (the parts build on it).

Not a public API.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from typing import Any

import numpy as np

from ..audio import Resampler
from ..protocol import INPUT_RATE
from .frames import Closed, frame
from .hub import Hub, SessionRecord
from .orders import ConnectionOrders, ReplyOrders
from .setup import SessionSetup, close_reason
from .vad import Vad

__all__ = ["ConnectionBase"]


class ConnectionBase:
    """State and sending for one accepted WebSocket ``ws``; the subclasses add behaviour."""

    def __init__(
        self,
        ws: Any,
        hub: Hub,
        record: SessionRecord,
        path_model: str | None = None,
        kind: str = "google",
    ) -> None:
        self.ws = ws
        self.hub = hub
        self.record = record
        # utterances are transcribed in threads; this keeps their transcripts and replies in the
        # order they were spoken (asyncio.Lock wakes waiters first in, first out)
        self._utterance_order = asyncio.Lock()
        self.path_model = path_model
        self.kind = kind  # the endpoint the client dialled: google, ephemeral, vertex or proxy
        self.cfg: SessionSetup | None = None
        self.history: list[dict[str, Any]] = []  # {"role", "text", "audio_s"}
        self.rng = random.Random(hub.seed * 1_000_003 + record.id)
        self.reply_task: asyncio.Task | None = None
        self.turn_open = False
        self.completed = 0
        self.pending_blocking: dict[str, dict[str, Any]] = {}
        self.blocking_answers: list[dict[str, Any]] = []
        self.pending_async: dict[str, dict[str, Any]] = {}
        self.turn_in = {"text": 0, "audio": 0}  # tokens of the current user input
        self.video_tokens = 0
        self.vad: Vad | None = None
        self.resampler: Resampler | None = None
        self.resampler_rate = INPUT_RATE
        self.fed = 0
        self.chunks: list[tuple[int, np.ndarray]] = []
        self.speech_start: int | None = None
        self.manual_active = False
        self.closed = False
        self.tasks: set[asyncio.Task] = set()
        self.t0 = time.monotonic()
        self.session_start = self.t0  # carried over by resumption (session limits)
        self.reply_audio_s = 0.0  # reply audio streamed so far in this turn
        self.reply_text_tokens = 0
        self.utterance_no = 0  # utterances ended so far
        self.heard: dict[int, str] = {}  # utterance -> input transcription sent so far
        self.partial_at = 0  # where the last partial transcription was taken
        self.partial_busy = False
        self.dispatching = False  # a message other than streamed audio is being handled
        # the orders replies are sent in (.orders): drawn per reply, by the listener if early
        self.orders_draws: ConnectionOrders | None = None
        self.next_orders: ReplyOrders | None = None
        self.reply_orders = ReplyOrders()
        self.late_input: dict[str, Any] | None = None  # the held-back end of the user's words
        self.playing_until = 0.0  # a reply whose turnComplete came early plays until then

    @property
    def dialect(self) -> str:
        """The wire dialect, chosen by the path the client connected to (not a server flag)."""
        return {"proxy": "mixroute", "vertex": "vertex"}.get(self.kind, "google")

    def _spawn(self, coro: Any) -> None:
        """Run ``coro`` in the background, keeping a reference until it is done."""
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    # ------------------------------------------------------------------ sending

    async def send(self, data: bytes, kind: str) -> None:
        """Send one ready-made frame and note it in the session record as ``kind``.

        Raises :class:`Closed` once the connection is closed; the ``slow`` fault delays it.
        """
        if self.closed:
            raise Closed
        if self.hub.faults.slow:
            await asyncio.sleep(self.hub.faults.slow)
        await self.ws.send(data)
        self.record.note_sent(kind)

    async def send_msg(self, msg: dict[str, Any], kind: str) -> None:
        """Send ``msg`` as a compact JSON frame (see :meth:`send`)."""
        await self.send(frame(msg), kind)

    async def close(self, code: int, reason: str) -> None:
        """Close with ``code`` and ``reason`` (recorded), stopping any reply; idempotent."""
        if self.closed:
            return
        self.closed = True
        reason = close_reason(reason)
        self.record.close_code, self.record.close_reason = code, reason
        if self.reply_task is not asyncio.current_task():
            self._cancel_reply()
        with contextlib.suppress(Exception):
            await self.ws.close(code, reason)

    def drop(self) -> None:
        """Cut the TCP connection without a close frame (the client sees 1006)."""
        self.closed = True
        self.record.close_code, self.record.close_reason = 1006, "dropped (fault injection)"
        self._cancel_reply()
        self.ws.transport.abort()

    # ------------------------------------------------------------------ main loop

    def _call_id(self) -> str:
        """A tool call id in the service's style (seeded, so runs repeat)."""
        return f"function-call-{self.rng.randrange(10**17, 10**19)}"

    def draw_orders(self, after_tool: bool = False) -> ReplyOrders:
        """The orders of the next reply.

        A user turn's are drawn once (the listener draws them early); a reply to a tool
        response draws its own (``after_tool``: the recorded orders differ, see :mod:`.orders`).
        """
        if self.orders_draws is None:
            model = self.cfg.model if self.cfg is not None else ""
            self.orders_draws = self.hub.orders.connection(self.record.id, model, self.dialect)
        if after_tool:
            return self.orders_draws.next_reply(after_tool=True)
        if self.next_orders is None:
            self.next_orders = self.orders_draws.next_reply()
        return self.next_orders

    def still_playing(self) -> bool:
        """A reply whose ``turnComplete`` came early is still playing (adversarial orders)."""
        return time.monotonic() < self.playing_until

    # implemented by the reply part (speaker.py); declared here for the input parts
    def _start_reply(self, user_text: str | None, tool_answers: list | None = None) -> None:
        raise NotImplementedError

    async def _interrupt(self) -> None:
        raise NotImplementedError

    async def _save_point(self) -> None:
        raise NotImplementedError

    def _cancel_reply(self) -> None:
        raise NotImplementedError
