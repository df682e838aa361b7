"""The link's rules as a pure state machine: events in, actions out; no sockets, no clock.

:class:`LinkMachine` decides what the session's connection does next — open (after which
backoff), announce a status, record the server's close, ask open turns again, leave a socket
on goAway, give up — and keeps the counts (consecutive failures, reconnects) and the newest
resumption handle. :class:`~gemlive_nb.session.link.Link` performs the actions with asyncio
and websockets and reports what happened as the next event. The rules (PROTOCOL.md §1, §4;
the package docstring of :mod:`gemlive_nb.session`):

- a close that retrying cannot fix (:func:`.closes.fatal`: 1007, 1008 but "aborted"/"session
  not found", HTTP 4xx) ends the session at once, naming the reason and a hint;
- any other close is retried with exponential backoff (``backoff_s * 2**(failures-1)``); after
  ``max_failures`` consecutive failures the session gives up; a turn that ends resets the count;
- goAway: leave the socket once the open turns end, at most ``min(2 s, timeLeft/2)`` before
  the deadline, and reconnect at once (no backoff, not a failure) with the newest handle; from
  the moment no turn is open, new frames wait for the next connection, and the leave waits (at
  most ``HANDLE_WAIT_S``) for a handle sent after the last turn ended, so the turn is not lost;
- a handle the server no longer knows ("session not found") is forgotten: a fresh session.

Example::

    m = LinkMachine("Google AI Studio", max_failures=3, backoff_s=0.25)
    m.start()                         # [Announce(CONNECTING, …), Open(0.0)]
    m.opened()                        # [Announce(CONNECTED, …)]
    m.socket_closed(1011, "internal") # [KeepClose(1011, …), Announce(RECONNECTING, …), Open(0.25)]
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ..exceptions import SessionClosed
from .closes import SESSION_GONE, CloseCode, close_hint, fatal

__all__ = [
    "HANDLE_WAIT_S",
    "Action",
    "Announce",
    "Drain",
    "Finish",
    "KeepClose",
    "Leave",
    "LinkMachine",
    "LinkStatus",
    "Open",
    "Resume",
    "Warn",
]


# The service sends sessionResumptionUpdate between turns (PROTOCOL.md §3 step 5; the emulator
# right after turnComplete; pydantic-ai's 3.1 cassette of Aug 2026 mid-turn, after a tool
# response): a handle newer than the last turn's end is waited for this long at most.
HANDLE_WAIT_S = 1.0


class LinkStatus(str, Enum):
    """The session's connection state; a ``str`` (``LinkStatus.CLOSED == "closed"``)."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)

    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    CLOSED = "closed"


@dataclass(frozen=True)
class Announce:
    """Tell listeners the state changed (a :class:`~gemlive_nb.session.SessionStatus`)."""

    state: LinkStatus
    detail: str = ""
    code: int | None = None


@dataclass(frozen=True)
class Open:
    """Wait ``delay_s`` seconds (unless the session is closing), then open a connection."""

    delay_s: float


@dataclass(frozen=True)
class Finish:
    """The session is over: close it with ``error``."""

    error: SessionClosed


@dataclass(frozen=True)
class KeepClose:
    """Record the server's close (or the drop) in the cassette."""

    code: int
    reason: str


@dataclass(frozen=True)
class Resume:
    """A new connection replaced a broken one: ask its open turns again, naming ``cause``."""

    cause: str


@dataclass(frozen=True)
class Drain:
    """goAway: wait until no turn is open (then hold new frames), at most ``wait_s`` seconds.

    Then up to ``handle_wait_s`` more (within ``wait_s``) for a handle covering every ended
    turn (:attr:`LinkMachine.handle_current`); then call ``leave()``.
    """

    wait_s: float
    handle_wait_s: float = 0.0


@dataclass(frozen=True)
class Leave:
    """Close the current socket on purpose (a planned reconnect follows)."""

    code: int = CloseCode.NORMAL
    reason: str = "goAway: reconnecting"


@dataclass(frozen=True)
class Warn:
    """Say ``message`` in the log."""

    message: str


Action = Announce | Open | Finish | KeepClose | Resume | Drain | Leave | Warn


class LinkMachine:
    """The connection rules of one session (see the module docstring).

    ``where`` names the endpoint in status lines; ``handle`` is the resumption handle to start
    from; ``resumption`` whether the session resumes at all (``LiveConfig.resumption``).
    """

    def __init__(
        self,
        where: str,
        *,
        max_failures: int = 3,
        backoff_s: float = 0.25,
        handle: str | None = None,
        resumption: bool = False,
    ) -> None:
        self.where = where
        self.max_failures = max_failures
        self.backoff_s = backoff_s
        self.handle = handle
        self.resumption = resumption
        self.status = LinkStatus.CONNECTING
        self.failures = 0
        self.reconnects = 0
        self.closing = False
        self._started = False  # connected once: later opens are reconnects
        self._planned = False  # the next close is ours (goAway)
        self._draining = False
        self._last = (0, "", False)  # the close being recovered from: code, reason, planned
        self._turns_ended = 0
        self._handle_at = 0  # how many turns had ended when the newest handle came

    @property
    def handle_current(self) -> bool:
        """A handle came after the last turn ended: resuming with it loses no turn."""
        return self.handle is not None and self._handle_at == self._turns_ended

    # ------------------------------------------------------------------ events

    def start(self) -> list[Action]:
        """The session begins: open the first connection."""
        return [Announce(LinkStatus.CONNECTING, self.where), Open(0.0)]

    def opened(self, had_context: bool = False) -> list[Action]:
        """A connection is set up. ``had_context``: a turn has ended (there is context to lose)."""
        self.status = LinkStatus.CONNECTED
        if not self._started:
            self._started = True
            self.failures = 0
            return [Announce(LinkStatus.CONNECTED, self.where)]
        self.reconnects += 1
        code, reason, planned = self._last
        resumed = bool(self.resumption and self.handle) or not had_context
        what = "resumed" if resumed else "reconnected, context lost"
        cause = "goAway" if planned else f"a close ({code} {reason})".strip()
        return [Resume(cause), Announce(LinkStatus.CONNECTED, f"{what}: {self.where}")]

    def open_failed(self, error: SessionClosed) -> list[Action]:
        """Opening a connection failed with ``error``."""
        if self.closing or self.status is LinkStatus.CLOSED:
            return []
        forgot = self._forget_expired(error)
        if not self._started:
            self.failures += 1
            if fatal(error.code, error.reason) or self.failures >= self.max_failures:
                return self._finish(error)
            if forgot:
                return [*forgot, Open(0.0)]
            return [Open(self._backoff())]
        if not forgot and fatal(error.code, error.reason):
            return self._finish(error)
        self.failures += 1
        return [*forgot, *self._retry(error.code, error.reason, planned=False)]

    def socket_closed(self, code: int, reason: str) -> list[Action]:
        """The connected socket closed (the server's close, a drop, or our goAway leave)."""
        self._draining = False
        if self.closing or self.status is LinkStatus.CLOSED:
            return []
        planned, self._planned = self._planned, False
        if planned:
            return self._retry(code, reason, planned=True)
        kept: list[Action] = [KeepClose(code, reason)]
        if fatal(code, reason):
            return [*kept, *self._finish(SessionClosed(code, reason, close_hint(code, reason)))]
        self.failures += 1
        return [*kept, *self._retry(code, reason, planned=False)]

    def goaway(self, time_left: float) -> list[Action]:
        """The server will close in ``time_left`` seconds: leave before, at a turn boundary."""
        if self._draining or self.closing or self.status is not LinkStatus.CONNECTED:
            return []
        self._draining = True
        wait_s = max(0.0, time_left - min(2.0, time_left / 2))
        return [Drain(wait_s, min(HANDLE_WAIT_S, wait_s) if self.resumption else 0.0)]

    def leave(self) -> list[Action]:
        """The goAway wait is over: close this socket, then reconnect at once."""
        if self.closing or self.status is not LinkStatus.CONNECTED:
            return []
        self._planned = True
        return [Leave()]

    def turn_ended(self) -> None:
        """A turn completed: the connection works, the failure count starts again."""
        self.failures = 0

    def turn_closed(self) -> None:
        """A turn ended, however (completed, failed, abandoned): the newest handle predates it."""
        self._turns_ended += 1

    def resumption_update(self, handle: str | None, resumable: bool) -> None:
        """The server sent a resumption handle (kept only when resumable)."""
        if resumable and handle:
            self.handle = handle
            self._handle_at = self._turns_ended

    def close(self) -> None:
        """The user closes the session: no more retries."""
        self.closing = True

    def closed(self) -> None:
        """The session ended (for whatever reason)."""
        self.status = LinkStatus.CLOSED

    # ------------------------------------------------------------------ rules

    def _backoff(self) -> float:
        return float(self.backoff_s * 2 ** max(0, self.failures - 1))

    def _retry(self, code: int, reason: str, *, planned: bool) -> list[Action]:
        self._last = (code, reason, planned)
        if self.failures >= self.max_failures:
            detail = f"{reason} (gave up after {self.failures} consecutive failures)"
            return self._finish(SessionClosed(code, detail, close_hint(code, reason)))
        self.status = LinkStatus.RECONNECTING
        announce = Announce(LinkStatus.RECONNECTING, reason or "goAway", code)
        return [announce, Open(0.0 if planned else self._backoff())]

    def _forget_expired(self, error: SessionClosed) -> list[Action]:
        """The server does not know our handle: forget it (a fresh session)."""
        if SESSION_GONE in error.reason.lower() and self.handle:
            self.handle = None
            return [Warn("the resumption handle was not accepted; starting a fresh session")]
        return []

    def _finish(self, error: SessionClosed) -> list[Action]:
        self.status = LinkStatus.CLOSED
        return [Finish(error)]
