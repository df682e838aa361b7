"""LiveSession: one Live conversation; the receiving side, lifecycle and state.

The link (connect/reconnect), the sender and the inputs are mixins in sibling modules; the
package docstring (:mod:`gemlive_nb.session`) states the reliability rules.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import protocol as p
from .._sync import run_sync
from ..audio import StreamResamplers
from ..config import LiveConfig
from ..conversation import Recording, Turn, check_record
from ..endpoints import Endpoint
from ..exceptions import ConfigError, SessionClosed, TurnFailed
from ..tools import DEFAULT_TOOL_TIMEOUT, ToolRegistry, declare
from . import wire
from .budget import Budget
from .content import Content
from .events import AudioDropped, PlaybackCut, SessionStats, SessionStatus
from .inputs import Inputs
from .link import Link
from .local_audio import LocalAudio
from .modalities import ModalityFallback
from .options import check_options
from .sender import Outbox, Sender

__all__ = ["LiveSession"]

log = logging.getLogger("gemlive_nb.session")


class LiveSession(Link, Sender, Inputs, Content):
    """A connected Live session; see the module docstring. Make one with :func:`connect`.

    Useful attributes: ``config`` (LiveConfig), ``endpoint`` (Endpoint), ``recording``
    (Recording), ``tools`` (ToolRegistry), ``status`` ('connecting' | 'connected' |
    'reconnecting' | 'closed'), ``stats`` (SessionStats).
    """

    def __init__(
        self,
        config: LiveConfig,
        endpoint: Endpoint,
        *,
        auto_tools: bool = True,
        max_queued_audio_s: float = 2.0,
        max_failures: int = 3,
        backoff_s: float = 0.25,
        ping_interval: float | None = 20.0,
        ping_timeout: float | None = 60.0,
        open_timeout: float = 15.0,
        event_buffer: int = 4096,
        tool_timeout: float | None = DEFAULT_TOOL_TIMEOUT,
        record: bool | str = True,
        record_frames: bool = False,
        budget_usd: float | None = None,
        prices: Any = None,
    ) -> None:
        check_record(record)
        check_options(
            max_queued_audio_s=max_queued_audio_s, max_failures=max_failures,
            backoff_s=backoff_s, ping_interval=ping_interval, ping_timeout=ping_timeout,
            open_timeout=open_timeout, event_buffer=event_buffer, tool_timeout=tool_timeout,
        )  # fmt: skip
        self.config = config
        self.endpoint = endpoint
        model = config.model or endpoint.model
        self._budget = None if budget_usd is None else Budget(budget_usd, prices, model)
        self.tools = ToolRegistry(config.tools, timeout=tool_timeout)
        self.auto_tools = auto_tools
        self.max_failures = max_failures
        self.backoff_s = backoff_s
        self._ws_options: dict[str, Any] = dict(
            ping_interval=ping_interval,
            ping_timeout=ping_timeout,
            open_timeout=open_timeout,
            close_timeout=2.0,
            max_size=2**24,
            compression=None,  # base64 audio barely compresses; deflate only costs CPU
        )
        self.recording = Recording(
            meta={
                "endpoint": endpoint.describe(),
                "model": config.model or endpoint.model,
                "voice": config.voice,
                "language": config.language,
                "dialect": endpoint.dialect,
            },
            record=record,
        )
        self.recording.secrets = lambda: self.endpoint.secrets()  # never saved
        if record_frames is not False:
            if record_frames is not True:
                raise ConfigError(f"record_frames must be True or False, not {record_frames!r}")
            self.recording.frames = []
        self.status = "connecting"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ws: Any = None
        self._outbox = Outbox(max_queued_audio_s)
        self._writing = False
        self._handle: str | None = config.resumption if isinstance(config.resumption, str) else None
        self._failures = 0
        self._reconnects = 0
        self._planned = False
        self._closing = False
        self._error: SessionClosed | None = None
        self._events: deque[Any] = deque(maxlen=event_buffer)
        self._event_ready = asyncio.Event()
        self._subscribers: list[Callable[[Any], None]] = []
        self._waiters: dict[int, asyncio.Future[Turn]] = {}
        self._resend: dict[int, list[tuple[str, float]]] = {}
        self._started_calls: set[str] = set()
        self._streamed_calls: dict[str, list[dict[str, Any]]] = {}
        self.recording.on_turn_end = self._on_turn_end
        self._partial_frames: list[tuple[str, float]] = []
        self._resamplers = StreamResamplers(p.INPUT_RATE)
        self._tasks: list[asyncio.Task[Any]] = []
        self._goaway_task: asyncio.Task[Any] | None = None
        self._audio_chunks = 0
        self._audio_s = 0.0
        self._received_audio_s = 0.0
        self._received = 0
        self._dropped_reported = float("-inf")
        # built now so a bad config fails here; each connect builds a fresh LinkPlan
        self._setup = config.to_setup(endpoint.model, endpoint.dialect, declare)
        self._plan = None
        self._modalities = ModalityFallback(endpoint.dialect)

    def _finish(self, error: SessionClosed | None) -> None:
        """The session is over: record why, wake everyone waiting."""
        if self.status == "closed":
            return
        self._error = error
        self.tools.cancel_all()
        if self._goaway_task is not None:
            self._goaway_task.cancel()
        code = error.code if error else 1000
        detail = str(error) if error else "closed"
        self._set_status("closed", detail, code)
        for fut in self._waiters.values():
            if not fut.done():
                fut.set_exception(error or SessionClosed(1000, "the session was closed"))
        self._waiters.clear()
        for turn in self.recording.open_turns:
            self.recording.fail_turn(turn, f"the session closed: {detail}")
        self._event_ready.set()
        for task in self._tasks:
            if task is not asyncio.current_task():
                task.cancel()

    async def close(self) -> None:
        """Close the session (idempotent). Running tool calls are cancelled."""
        if self._closing:
            return
        self._closing = True
        ws = self._ws
        if ws is not None and wire.is_stalled(ws):
            wire.abort(ws)  # stalled: the close frame could not get through anyway
        elif ws is not None:
            try:
                await asyncio.wait_for(ws.close(), self._ws_options["close_timeout"])
            except Exception:  # a stalled or broken socket: don't wait for the handshake
                wire.abort(ws)
        self._finish(self._error)
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def close_sync(self) -> None:
        """:meth:`close` for code that can't ``await``."""
        run_sync(self.close(), loop=self._loop)

    async def __aenter__(self) -> LiveSession:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ------------------------------------------------------------------ receiving

    def _on_frame(self, frame: str | bytes) -> None:
        """One server frame; nothing in it may stop the reader (bad parts become error events)."""
        self._received += 1
        self.recording.keep_frame("recv", frame)
        try:
            events = p.parse_server_message(frame)
        except Exception as e:  # ProtocolError, or anything a hostile frame provokes
            log.warning("ignored a server frame that could not be read: %s", e)
            self.recording.log_error(f"{type(e).__name__}: {e}", bytes=len(frame))
            return
        for event in events:
            try:
                self._on_event(event)
            except Exception as e:
                log.warning("ignored a server event that could not be used: %r", e)
                self.recording.log_error(f"{type(e).__name__}: {e}", event=type(event).__name__)

    def _on_event(self, event: Any) -> None:
        rec = self.recording
        if isinstance(event, p.ToolCall) and any(
            c.will_continue or c.partial_args or (c.id or c.name) in self._streamed_calls
            for c in event.calls
        ):  # arguments streamed in pieces: the call is used (and recorded) once it is whole
            event = self._whole_calls(event)
            if not event.calls:
                return
        if type(event) is p.AudioChunk:
            if event.rate > 0:
                self._received_audio_s += event.duration
        elif isinstance(event, p.SessionResumptionUpdate):
            if event.resumable and event.handle:
                self._handle = event.handle
        elif isinstance(event, p.GoAway):
            self._schedule_goaway(event.time_left)
        elif isinstance(event, p.ToolCall):
            self._on_tool_call(event)
        elif isinstance(event, p.ToolCallCancellation):
            self.tools.cancel(event.ids)
        result = rec.on_event(event)
        self._emit(event)
        if isinstance(event, p.Usage) and self._budget is not None:
            self._check_budget(self._budget)
        if isinstance(result, Turn):
            self._failures = 0
        elif isinstance(result, tuple):
            turn, kept = result
            self._emit(PlaybackCut(turn.index, kept, transcript=turn.transcript))
        self._expire()

    def _check_budget(self, budget: Budget) -> None:
        """Past ``budget_usd``: close cleanly, saying why (see :mod:`.budget`)."""
        message = budget.over(self.recording)
        if message is None or self._closing:
            return
        log.warning("gemlive_nb: %s", message)
        self.recording.log("session", "budget_reached", message=message)
        self._error = SessionClosed(1000, message)
        self._budget_close = asyncio.ensure_future(self.close())  # keep a reference

    def _on_tool_call(self, event: p.ToolCall) -> None:
        """Run the calls (once per call id: a repeated id is not run again)."""
        for call in event.calls:
            if self.tools.is_non_blocking(call.name):
                self.recording.mark_non_blocking(call.id)
        fresh = [c for c in event.calls if c.id is None or c.id not in self._started_calls]
        self._started_calls.update(c.id for c in fresh if c.id is not None)
        if self.auto_tools and fresh:
            self.tools.start(p.ToolCall(tuple(fresh), raw=event.raw), self.send_tool_response)

    def _whole_calls(self, event: p.ToolCall) -> p.ToolCall:
        """The calls of ``event`` whose arguments are complete, streamed pieces assembled."""
        whole = []
        for call in event.calls:
            key = call.id or call.name
            if call.will_continue or call.partial_args or key in self._streamed_calls:
                pieces = self._streamed_calls.setdefault(key, [])
                pieces.extend(call.partial_args)
                if call.will_continue:
                    continue
                args = {**p.assemble_args(self._streamed_calls.pop(key)), **call.args}
                call = p.FunctionCall(call.id, call.name, args)
            whole.append(call)
        return p.ToolCall(tuple(whole), raw=event.raw)

    def _on_turn_end(self, turn: Turn) -> None:
        """A turn ended (any status): wake its waiter."""
        self._resend.pop(turn.index, None)
        self._resolve(turn)

    def _expire(self) -> None:
        if self.recording.open_turns:
            self.recording.expire()

    async def _housekeeping(self) -> None:
        """End turns whose quiet period is over even when no event arrives."""
        while True:
            await asyncio.sleep(0.25)
            self._expire()

    def _emit(self, event: Any) -> None:
        self._events.append(event)
        self._event_ready.set()
        if isinstance(event, (SessionStatus, PlaybackCut, AudioDropped)):
            self.recording.log("session", type(event).__name__, **event.__dict__)
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:
                log.exception("a session subscriber raised; it stays subscribed")

    def _set_status(self, state: str, detail: str = "", code: int | None = None) -> None:
        self.status = state
        self._emit(SessionStatus(state, self._redact(detail), code))

    def _resolve(self, turn: Turn) -> None:
        fut = self._waiters.pop(turn.index, None)
        if fut is not None and not fut.done():
            if turn.status == "failed":
                fut.set_exception(TurnFailed(f"turn {turn.index} failed: {turn.error}"))
            else:
                fut.set_result(turn)

    def subscribe(self, callback: Callable[[Any], None]) -> Callable[[], None]:
        """Call ``callback(event)`` on the loop for every event, in order; returns unsubscribe.

        Besides protocol events it gets :class:`SessionStatus`, :class:`PlaybackCut` and
        :class:`AudioDropped`.
        """
        if not callable(callback):
            raise ConfigError(f"subscribe takes a function, not {callback!r:.40}")
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(callback)

        return unsubscribe

    def __aiter__(self) -> LiveSession:
        return self

    async def __anext__(self) -> Any:
        while not self._events:
            if self.status == "closed":
                if self._error is not None:
                    raise self._error
                raise StopAsyncIteration
            self._event_ready.clear()
            await self._event_ready.wait()
        return self._events.popleft()

    async def talk(self, seconds: float | None = None, *, sd: Any = None) -> LocalAudio:
        """Talk through the kernel machine's own mic and speakers (the ``local-audio`` extra).

        For hosts where the browser cannot capture (VS Code, plain http). Returns the running
        :class:`~gemlive_nb.session.local_audio.LocalAudio`; with ``seconds``, talks that long
        and stops. ``sd``: a ``sounddevice`` stand-in (tests). Example::

            audio = await s.talk()        # speak now; replies play on the speakers
            await audio.stop()
        """
        audio = LocalAudio(self, sd=sd)
        audio.start_mic()
        if seconds is not None:
            await asyncio.sleep(seconds)
            await audio.stop()
        return audio

    def report_playback(self, played_samples: int) -> None:
        """The player has played ``played_samples`` 24 kHz samples since the session started."""
        if isinstance(played_samples, bool) or not isinstance(played_samples, (int, np.integer)):
            raise ConfigError(
                f"played_samples must be a whole number of samples, not {played_samples!r:.40}"
            )
        self.recording.report_playback(played_samples)

    # ------------------------------------------------------------------ state

    @property
    def stats(self) -> SessionStats:
        """A snapshot of the counters."""
        box = self._outbox
        return SessionStats(
            audio_chunks_sent=self._audio_chunks,
            audio_seconds_sent=round(self._audio_s, 6),
            dropped_audio_chunks=box.dropped_chunks,
            dropped_audio_seconds=round(box.dropped_s, 6),
            queued_audio_seconds=round(box.audio_s, 6),
            peak_queued_audio_seconds=round(box.peak_audio_s, 6),
            audio_seconds_received=round(self._received_audio_s, 6),
            messages_received=self._received,
            reconnects=self._reconnects,
            turns=len(self.recording.turns),
        )

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The event loop the session runs on (None before it started).

        Schedule work for the session there from another thread, e.g.
        ``asyncio.run_coroutine_threadsafe(s.send_text("hi"), s.loop)``.
        """
        return self._loop

    @property
    def turns(self) -> list[Turn]:
        """The turns so far (``recording.turns``)."""
        return self.recording.turns

    def __repr__(self) -> str:
        return (
            f"<LiveSession {self.endpoint.describe()} · {self.status} · "
            f"{len(self.recording.turns)} turns>"
        )
