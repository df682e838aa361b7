"""The link: performs what the :class:`~.link_machine.LinkMachine` decides, with websockets.

It opens sockets (a fresh :class:`~gemlive_nb.endpoints.LinkPlan` each time: its setup is
final, with the resumption handle and the modality fallback already in it), reads them, and
reports closes, failures and goAway to the machine; the rules live there. It is also the
session's one redaction point: every text it shows goes through :meth:`Link.redact`, fed by
the current plan's secrets. Example::

    link = Link(endpoint, lambda: config, recording, machine, ws_options, hooks)
    await link.start()           # connected, or SessionClosed
    reader = link.read()         # a task: read, reconnect, read on
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from .. import protocol as p
from ..conversation import Recorder
from ..endpoints import Endpoint, LinkPlan
from ..exceptions import ConfigError, SessionClosed
from ..secret import Secret, redact
from ..tools import declare
from ..waiting import wait_for
from . import wire
from .closes import CloseCode, close_hint
from .events import SessionStatus
from .link_machine import (
    Action,
    Announce,
    Drain,
    Finish,
    KeepClose,
    Leave,
    LinkMachine,
    LinkStatus,
    Open,
    Resume,
    Warn,
)
from .modalities import ModalityFallback

__all__ = ["Link", "LinkHooks"]

log = logging.getLogger("gemlive_nb.session")


@dataclass(frozen=True)
class LinkHooks:
    """What the link tells its session: a status, the end, turns to ask again."""

    on_status: Callable[[SessionStatus], None]
    on_finish: Callable[[SessionClosed | None], None]
    on_resume: Callable[[str], None]


class Link:
    """Connect, reconnect and close one session's socket (see the module docstring).

    ``on_frame`` receives every server frame read after setup.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        config: Callable[[], Any],
        recorder: Recorder,
        machine: LinkMachine,
        ws_options: dict[str, Any],
        hooks: LinkHooks,
        on_frame: Callable[[str | bytes], None],
    ) -> None:
        self.endpoint = endpoint
        self.machine = machine
        self.ws: Any = None
        self.plan: LinkPlan | None = None
        self.modalities = ModalityFallback(endpoint.dialect)
        self.ws_options = ws_options
        self.on_frame = on_frame
        self._config = config
        self._recorder = recorder
        self._hooks = hooks
        self._failed: SessionClosed | None = None
        self._drain: asyncio.Task[None] | None = None
        self._held = asyncio.Event()  # set while new frames wait for the next socket (goAway)
        self._handle_current = asyncio.Event()  # mirrors machine.handle_current

    # ------------------------------------------------------------------ redaction

    def secrets(self) -> tuple[Secret, ...]:
        """Every credential of this link (the current plan's; the endpoint's before one)."""
        return self.plan.secrets if self.plan is not None else self.endpoint.secrets()

    def redact(self, text: str) -> str:
        """``text`` with every secret of this link masked (the session's one redaction point)."""
        return redact(text, *self.secrets())

    # ------------------------------------------------------------------ performing actions

    async def start(self) -> None:
        """Connect (retrying as the machine says); raises SessionClosed when it gives up."""
        if not await self._follow(self.machine.start()):
            raise self._failed or SessionClosed(CloseCode.NORMAL, "the session was closed")

    async def _follow(self, actions: list[Action]) -> bool:
        """Perform ``actions`` and those they lead to; True once a connection is up."""
        connected = False
        while actions:
            pending, actions = actions, []
            for action in pending:
                if isinstance(action, Announce):
                    detail = self.redact(action.detail)
                    self._hooks.on_status(SessionStatus(action.state.value, detail, action.code))
                elif isinstance(action, Warn):
                    log.warning("%s", action.message)
                elif isinstance(action, KeepClose):
                    log.info("connection closed (%s %s)", action.code, action.reason)
                    self._recorder.keep_close(action.code, action.reason)
                elif isinstance(action, Resume):
                    self._hooks.on_resume(action.cause)
                elif isinstance(action, Finish):
                    self._failed = action.error
                    self._hooks.on_finish(action.error)
                    return False
                elif isinstance(action, Open):
                    if action.delay_s:
                        await asyncio.sleep(action.delay_s)
                    if self.machine.closing:
                        return False
                    try:
                        ws = await self._open()
                    except SessionClosed as e:
                        actions = self.machine.open_failed(e)
                        break
                    self.ws = ws
                    self._held.clear()
                    had_context = any(t.status != "pending" for t in self._recorder.turns)
                    actions = self.machine.opened(had_context)  # Resume, Announce
                    connected = True
                    break
        return connected

    async def read(self) -> None:
        """Read the current socket; on a close, reconnect (or give up) and read on."""
        while True:
            ws = self.ws
            try:
                async for frame in ws:
                    self.on_frame(frame)
            except ConnectionClosed:
                pass
            if self.machine.closing:
                return
            code, reason = self._close_info(ws)
            self.ws = None
            self._cancel_drain()  # a goAway leave of that socket is moot now
            if not await self._follow(self.machine.socket_closed(code, reason)):
                return

    def reader_ended(self, task: asyncio.Future[None]) -> None:
        """Close the session when its reader ended while the session was open.

        The reader must never end then: say why, and raise that cause in every pending
        ``ask()`` at once.
        """
        if task.cancelled() or self.machine.status is LinkStatus.CLOSED or self.machine.closing:
            return
        error = task.exception()
        cause = f"{type(error).__name__}: {error}" if error else "it returned"
        log.error("the session stopped reading the server (%s)", cause)
        reason = f"the session stopped reading the server ({cause})"
        self._hooks.on_finish(SessionClosed(CloseCode.INTERNAL_ERROR, reason))

    def writable(self) -> Any:
        """The socket new frames go to now: None while reconnecting or leaving on goAway."""
        return None if self._held.is_set() else self.ws

    def goaway(self, time_left: float) -> None:
        """The server sent goAway: leave at the next turn boundary (or before the deadline)."""
        for action in self.machine.goaway(time_left):
            if isinstance(action, Drain):
                self._drain = asyncio.ensure_future(self._leave_after(action))
                self._hold_if_idle()

    def turn_closed(self) -> None:
        """A turn ended (however): the newest handle predates it; a goAway leave may begin."""
        self.machine.turn_closed()
        self._handle_current.clear()
        self._hold_if_idle()

    def resumption_update(self, handle: str | None, resumable: bool) -> None:
        """The server sent a resumption handle."""
        self.machine.resumption_update(handle, resumable)
        if self.machine.handle_current:
            self._handle_current.set()

    async def resumption_handle(self, timeout: float | None) -> str:
        """The newest handle, once it covers every ended turn (or after ``timeout`` s).

        See :meth:`~gemlive_nb.session.LiveSession.resumption_handle`.
        """
        if not self.machine.resumption:
            raise ConfigError("resumption_handle() needs resumption: connect with resumption=True")
        if not self.machine.handle_current:
            with contextlib.suppress(asyncio.TimeoutError):
                await wait_for(self._handle_current.wait(), timeout)
        handle = self.machine.handle
        if handle is None:
            raise TimeoutError(f"the server sent no resumption handle within {timeout} s")
        if not self.machine.handle_current:
            log.warning("no resumption handle came after the last turn within %s s; the "
                        "newest may not cover it", timeout)  # fmt: skip
        return handle

    def _hold_if_idle(self) -> None:
        # called in the same step that ends a turn, before its ask() wakes: the next turn
        # cannot slip onto the socket that is going away
        if self._drain is not None and not self._recorder.open_turns:
            self._held.set()

    async def _leave_after(self, drain: Drain) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + drain.wait_s
        with contextlib.suppress(asyncio.TimeoutError):
            await wait_for(self._held.wait(), drain.wait_s)
        self._held.set()  # turns still open at the deadline are asked again
        if drain.handle_wait_s and not self.machine.handle_current:
            left = min(drain.handle_wait_s, deadline - loop.time())
            with contextlib.suppress(asyncio.TimeoutError):
                await wait_for(self._handle_current.wait(), max(0.0, left))
        self._drain = None
        for action in self.machine.leave():
            ws = self.ws
            if isinstance(action, Leave) and ws is not None:
                log.info("goAway: reconnecting with the newest resumption handle")
                await ws.close(action.code, action.reason)

    def _cancel_drain(self) -> None:
        if self._drain is not None:
            self._drain.cancel()
            self._drain = None

    async def close(self) -> None:
        """Stop retrying and close the socket (abort it when stalled)."""
        self.machine.close()
        ws = self.ws
        if ws is not None and wire.is_stalled(ws):
            wire.abort(ws)  # stalled: the close frame could not get through anyway
        elif ws is not None:
            try:
                await wait_for(ws.close(), self.ws_options["close_timeout"])
            except Exception:  # a stalled or broken socket: don't wait for the handshake
                wire.abort(ws)

    def stop(self) -> None:
        """The session ended: no goAway leave is pending any more."""
        self.machine.closed()
        self._cancel_drain()

    # ------------------------------------------------------------------ one connection

    async def _open(self) -> Any:
        """Open a new connection, set up and ready for traffic.

        A refusal of TEXT beside AUDIO on the mixroute proxy is answered by asking once more
        with AUDIO only (:mod:`.modalities`); the session keeps that.
        """
        try:
            return await self._open_once()
        except SessionClosed as e:
            if not self.modalities.falls_back(self.plan.setup if self.plan else {}, e):
                raise self.modalities.refused_again(e) from None
        note = self.modalities.note or ""
        self._hooks.on_status(SessionStatus(self.machine.status.value, self.redact(note)))
        try:
            return await self._open_once()
        except SessionClosed as e:
            raise self.modalities.refused_again(e) from None

    async def _open_once(self) -> Any:
        """A fresh plan (a Vertex OAuth token is refreshed on every connect), socket, setup."""
        try:
            plan = await LinkPlan.abuild(
                self.endpoint, self._config(), declare,
                handle=self.machine.handle, audio_only=self.modalities.active,
            )  # fmt: skip
        except ConfigError as e:  # the OAuth token source failed: fatal, named, redacted
            reason = self.redact(f"cannot get credentials for {self.endpoint.describe()}: {e}")
            bad_key = CloseCode.POLICY_VIOLATION
            raise SessionClosed(bad_key, reason, close_hint(bad_key, reason)) from None
        self.plan = plan
        try:
            ws = await plan.open(**self.ws_options)
        except InvalidStatus as e:
            status = e.response.status_code
            reason = f"the server refused the WebSocket upgrade with HTTP {status}"
            refused = 400 <= status < 500
            hinted = CloseCode.POLICY_VIOLATION if status in (401, 403) else CloseCode.ABNORMAL
            raise SessionClosed(
                CloseCode.UPGRADE_REFUSED if refused else CloseCode.ABNORMAL,
                reason,
                close_hint(hinted, reason),
            ) from None
        except (OSError, TimeoutError, websockets.InvalidHandshake, websockets.InvalidURI) as e:
            reason = self.redact(f"cannot connect to {self.endpoint.describe()}: {e}")
            hint = close_hint(CloseCode.ABNORMAL, "")
            raise SessionClosed(CloseCode.ABNORMAL, reason, hint) from None
        try:
            frame = p.dumps(plan.setup)
            self._recorder.keep_frame("send", frame)
            await ws.send(frame)
            await wait_for(self._setup_complete(ws), self.ws_options["open_timeout"])
        except ConnectionClosed:
            code, reason = self._close_info(ws)
            self._recorder.keep_close(code, reason)
            raise SessionClosed(code, reason, close_hint(code, reason)) from None
        except asyncio.TimeoutError:
            await ws.close()
            reason = "no setupComplete from the server"
            hint = "check the endpoint URL and the model"
            raise SessionClosed(CloseCode.ABNORMAL, reason, hint) from None
        except BaseException:  # cancelled during setup: no one will close this socket later
            wire.abort(ws)
            raise
        return ws

    async def _setup_complete(self, ws: Any) -> None:
        while True:
            frame = await ws.recv()
            self._recorder.keep_frame("recv", frame)
            events = p.parse_server_message(frame)
            if any(isinstance(ev, p.SetupComplete) for ev in events):
                return

    def _close_info(self, ws: Any) -> tuple[int, str]:
        rcvd = wire.close_received(ws)
        if rcvd is not None:
            return rcvd[0], self.redact(rcvd[1])
        return CloseCode.ABNORMAL, "the connection dropped without a close frame"
