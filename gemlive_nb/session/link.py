"""The link: open a socket (setup, resumption handle), read it, reconnect, follow goAway.

See :mod:`gemlive_nb.session` for the reliability rules this implements.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from .. import protocol as p
from ..endpoints import LinkPlan
from ..exceptions import ConfigError, SessionClosed
from ..secret import redact
from ..tools import declare
from . import wire
from .closes import SESSION_GONE, close_hint, fatal
from .events import SessionStatus
from .state import SessionState

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["Link"]

log = logging.getLogger("gemlive_nb.session")


class Link(SessionState):
    """The connection half of :class:`~gemlive_nb.session.LiveSession` (a mixin)."""

    async def _start(self) -> Self:
        self._loop = asyncio.get_running_loop()
        self._emit(SessionStatus("connecting", self.endpoint.describe()))
        while True:
            try:
                self._ws = await self._open()
                break
            except SessionClosed as e:
                self._failures += 1
                if fatal(e.code, e.reason) or self._failures >= self.max_failures:
                    self._finish(e)
                    raise e from None
                if self._expired_handle(e):
                    continue
                await asyncio.sleep(self.backoff_s * 2 ** (self._failures - 1))
        self._failures = 0
        self._set_status("connected", self.endpoint.describe())
        reader = asyncio.ensure_future(self._supervise())
        reader.add_done_callback(self._reader_ended)
        self._tasks = [
            reader,
            asyncio.ensure_future(self._writer()),
            asyncio.ensure_future(self._housekeeping()),
        ]
        return self

    def _reader_ended(self, task: asyncio.Future[None]) -> None:
        """Close the session when its reader ended while the session was open.

        The reader must never end then: say why, and raise that cause in every pending
        ``ask()`` at once.
        """
        if task.cancelled() or self.status == "closed" or self._closing:
            return
        error = task.exception()
        cause = f"{type(error).__name__}: {error}" if error else "it returned"
        log.error("the session stopped reading the server (%s)", cause)
        self._finish(SessionClosed(1011, f"the session stopped reading the server ({cause})"))

    async def _open(self) -> Any:
        """Open a new connection, set up and ready for traffic.

        Build a fresh link plan (a Vertex OAuth token is refreshed on every connect), open a
        socket through it, send setup (with the resumption handle) and wait for setupComplete.
        A refusal of TEXT beside AUDIO on the mixroute proxy is answered by asking once more
        with AUDIO only (:mod:`.modalities`); the session keeps that.
        """
        try:
            return await self._open_once()
        except SessionClosed as e:
            if not self._modalities.falls_back(self._plan.setup if self._plan else {}, e):
                raise self._modalities.refused_again(e) from None
        self._emit(SessionStatus(self.status, self._modalities.note or ""))
        try:
            return await self._open_once()
        except SessionClosed as e:
            raise self._modalities.refused_again(e) from None

    @property
    def modality_note(self) -> str | None:
        """The line said when the endpoint refused TEXT beside AUDIO and the session fell back."""
        return self._modalities.note

    async def _open_once(self) -> Any:
        try:
            plan = await LinkPlan.abuild(self.endpoint, self._setup_config(), declare)
        except ConfigError as e:  # the OAuth token source failed: fatal, named, redacted
            reason = self._redact(f"cannot get credentials for {self.endpoint.describe()}: {e}")
            raise SessionClosed(1008, reason, close_hint(1008, reason)) from None
        self._plan = plan
        setup = self._modalities.apply(plan.setup)
        if self.config.resumption:
            resumption: dict[str, Any] = {"handle": self._handle} if self._handle else {}
            if self.config.transparent_resumption:  # Vertex's flag survives every reconnect
                resumption["transparent"] = True
            setup = {"setup": dict(setup["setup"], sessionResumption=resumption)}
        try:
            ws = await plan.open(**self._ws_options)
        except InvalidStatus as e:
            status = e.response.status_code
            reason = f"the server refused the WebSocket upgrade with HTTP {status}"
            raise SessionClosed(
                4000 if 400 <= status < 500 else 1006,
                reason,
                close_hint(1008 if status in (401, 403) else 1006, reason),
            ) from None
        except (OSError, TimeoutError, websockets.InvalidHandshake, websockets.InvalidURI) as e:
            reason = self._redact(f"cannot connect to {self.endpoint.describe()}: {e}")
            raise SessionClosed(1006, reason, close_hint(1006, "")) from None
        try:
            frame = p.dumps(setup)
            self.recording.keep_frame("send", frame)
            await ws.send(frame)
            await asyncio.wait_for(self._setup_complete(ws), self._ws_options["open_timeout"])
        except ConnectionClosed:
            code, reason = self._close_info(ws)
            self.recording.keep_close(code, reason)
            raise SessionClosed(code, reason, close_hint(code, reason)) from None
        except asyncio.TimeoutError:
            await ws.close()
            reason = "no setupComplete from the server"
            raise SessionClosed(1006, reason, "check the endpoint URL and the model") from None
        return ws

    async def _setup_complete(self, ws: Any) -> None:
        while True:
            frame = await ws.recv()
            self.recording.keep_frame("recv", frame)
            events = p.parse_server_message(frame)
            if any(isinstance(ev, p.SetupComplete) for ev in events):
                return

    def _expired_handle(self, error: SessionClosed) -> bool:
        """The server does not know our resumption handle: forget it (a fresh session)."""
        if SESSION_GONE in error.reason.lower() and self._handle:
            log.warning("the resumption handle was not accepted; starting a fresh session")
            self._handle = None
            return True
        return False

    def _close_info(self, ws: Any) -> tuple[int, str]:
        rcvd = wire.close_received(ws)
        if rcvd is not None:
            return rcvd[0], self._redact(rcvd[1])
        return 1006, "the connection dropped without a close frame"

    def _setup_config(self) -> Any:
        """The config the next setup is built from (``update_context`` may have changed it)."""
        return self.config

    def _redact(self, text: str) -> str:
        if self._plan is not None:
            return self._plan.redact(text)
        return redact(text, *self.endpoint.secrets())

    async def _supervise(self) -> None:
        """Read the current socket; on a close, reconnect (or give up) and read on."""
        while True:
            ws = self._ws
            try:
                async for frame in ws:
                    self._on_frame(frame)
            except ConnectionClosed:
                pass
            if self._closing:
                return
            code, reason = self._close_info(ws)
            planned, self._planned = self._planned, False
            if not planned:  # the server's close (or a drop): part of a cassette
                self.recording.keep_close(code, reason)
            if not planned and fatal(code, reason):
                self._finish(SessionClosed(code, reason, close_hint(code, reason)))
                return
            if not planned:
                self._failures += 1
                log.info("connection closed (%s %s), reconnecting", code, reason)
            if not await self._reconnect(code, reason, planned):
                return

    async def _reconnect(self, code: int, reason: str, planned: bool) -> bool:
        self._ws = None
        while True:
            if self._failures >= self.max_failures:
                detail = f"{reason} (gave up after {self._failures} consecutive failures)"
                self._finish(SessionClosed(code, detail, close_hint(code, reason)))
                return False
            self._set_status("reconnecting", reason or "goAway", code)
            if not planned:
                await asyncio.sleep(self.backoff_s * 2 ** max(0, self._failures - 1))
            if self._closing:
                return False
            try:
                ws = await self._open()
            except SessionClosed as e:
                code, reason, planned = e.code, e.reason, False
                if not self._expired_handle(e) and fatal(code, reason):
                    self._finish(e)
                    return False
                self._failures += 1
                continue
            self._ws = ws
            self._reconnects += 1
            # context exists once a turn ended; it survives only through a resumption handle
            had_context = any(t.status != "pending" for t in self.recording.turns)
            resumed = bool(self.config.resumption and self._handle) or not had_context
            self._resume_turns("goAway" if planned else f"a close ({code} {reason})".strip())
            what = "resumed" if resumed else "reconnected, context lost"
            self._set_status("connected", f"{what}: {self.endpoint.describe()}")
            return True

    def _resume_turns(self, cause: str) -> None:
        """Ask again every turn left open by the broken connection (see the module doc).

        Each turn is asked again at most ``MAX_REASKS`` times.
        """
        self.tools.cancel_all()
        frames: list[tuple[str, float]] = []
        for turn in self.recording.open_turns:
            resend = self._resend.get(turn.index)
            if resend is None:
                self.recording.abandon_turn(turn)
            elif self.recording.retry_turn(turn, cause):
                frames.extend(resend)
        # a frame of such a turn may still sit in the queue (sent while the old socket was
        # closing): it goes once, with its turn, or the server would hear the turn twice
        self._outbox.discard({frame for frame, _ in frames})
        for frame, _ in reversed(frames):
            self._outbox.push_front(frame)

    def _schedule_goaway(self, time_left: float) -> None:
        if self._goaway_task is None or self._goaway_task.done():
            self._goaway_task = asyncio.ensure_future(self._goaway(time_left))

    async def _goaway(self, time_left: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0.0, time_left - min(2.0, time_left / 2))
        while self.recording.open_turns and loop.time() < deadline:
            await asyncio.sleep(0.02)
        ws = self._ws
        if ws is None or self._closing:
            return
        log.info("goAway: reconnecting with the newest resumption handle")
        self._planned = True
        await ws.close(1000, "goAway: reconnecting")
