"""LiveSession: one Live conversation, a façade over the objects that do the work.

It owns a :class:`~.link.Link` (connect, reconnect, close; its rules in the sans-I/O
:class:`~.link_machine.LinkMachine`), a :class:`~.sender.Sender` (the outgoing queue and
writer), the conversation's :class:`~gemlive_nb.conversation.Recording`, a
:class:`~.tool_runner.ToolRunner`, a :class:`~.turns.TurnBook` (what to ask again, who waits),
an :class:`~.hub.EventHub` (listeners) and the input helpers :class:`~.inputs.Inputs` and
:class:`~.content.Content`. The package docstring (:mod:`gemlive_nb.session`) states the
reliability rules.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterable, Callable, Iterable
from typing import Any

import numpy as np

from .. import protocol as p
from .._sync import run_sync
from ..audio import Audio
from ..config import LiveConfig
from ..conversation import Recorder, Turn, check_record
from ..endpoints import Endpoint
from ..exceptions import ConfigError, SessionClosed
from ..protocol import INPUT_RATE
from ..tools import DEFAULT_TOOL_TIMEOUT, ToolRegistry
from .budget import Budget
from .closes import CloseCode
from .content import Content
from .events import AudioDropped, PlaybackCut, SessionStats, SessionStatus
from .hub import EventHub
from .inputs import Inputs
from .link import Link, LinkHooks
from .link_machine import LinkMachine, LinkStatus
from .local_audio import LocalAudio
from .options import check_options
from .receiver import Receiver
from .sender import Outbox, Sender
from .tool_runner import ToolRunner
from .turns import TurnBook

__all__ = ["LiveSession"]

log = logging.getLogger("gemlive_nb.session")


class LiveSession:
    """A connected Live session; see the module docstring. Make one with :func:`connect`.

    Useful attributes: ``config`` (LiveConfig), ``endpoint`` (Endpoint), ``recording``
    (Recording), ``tools`` (ToolRegistry), ``status`` ('connecting' | 'connected' |
    'reconnecting' | 'closed', a :class:`LinkStatus`), ``stats`` (SessionStats).

    Example::

        async with gl.connect(voice="Puck") as s:
            turn = await s.ask("Hello!")
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
        if record_frames is not True and record_frames is not False:
            raise ConfigError(f"record_frames must be True or False, not {record_frames!r}")
        # a bad config fails here, before any socket (each connect builds the final setup)
        config.to_setup(endpoint.model, endpoint.dialect)
        self.config = config
        self.endpoint = endpoint
        model = config.model or endpoint.model
        self._budget = None if budget_usd is None else Budget(budget_usd, prices, model)
        self.tools = ToolRegistry(config.tools, timeout=tool_timeout)
        meta = {"endpoint": endpoint.describe(), "model": model, "voice": config.voice,
                "language": config.language, "dialect": endpoint.dialect}  # fmt: skip
        self._recorder = Recorder(meta=meta, record=record, proactive=config.proactive_audio)
        self.recording = self._recorder.recording  # users read it; the session writes it
        if record_frames:
            self.recording.frames = []
        self._error: SessionClosed | None = None
        self._finished = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        self._hub = EventHub(event_buffer)
        handle = config.resumption if isinstance(config.resumption, str) else None
        machine = LinkMachine(endpoint.describe(), max_failures=max_failures, backoff_s=backoff_s,
                              handle=handle, resumption=bool(config.resumption))  # fmt: skip
        ws_options: dict[str, Any] = dict(
            ping_interval=ping_interval, ping_timeout=ping_timeout, open_timeout=open_timeout,
            close_timeout=2.0, max_size=2**24,
            compression=None,  # base64 audio barely compresses; deflate only costs CPU
        )  # fmt: skip
        hooks = LinkHooks(on_status=self._emit, on_finish=self._finish, on_resume=self._resume)
        self._link = Link(endpoint, lambda: self.config, self._recorder, machine, ws_options,
                          hooks, lambda frame: self._receiver.on_frame(frame))  # fmt: skip
        self.recording.secrets = self._link.secrets  # never saved
        self._sender = Sender(Outbox(max_queued_audio_s), self._recorder,
                              self._link.writable, self._refusal, self._emit)  # fmt: skip
        self._turns = TurnBook(self._recorder, self._sender, self._link.turn_closed)
        self._recorder.on_turn_end = self._turns.ended
        self._runner = ToolRunner(self.tools, self._recorder, self.send_tool_response, auto_tools)
        self._receiver = Receiver(self._recorder, self._runner, self._link, self._emit,
                                  self._check_budget)  # fmt: skip
        self._inputs = Inputs(self._recorder, self._sender, self._turns, lambda: self.config,
                              endpoint, lambda: self._error)  # fmt: skip
        self._content = Content(self._recorder, self._sender, self._turns,
                                lambda: self.config, endpoint)  # fmt: skip

    # ------------------------------------------------------------------ lifecycle

    async def _start(self) -> LiveSession:
        self._loop = asyncio.get_running_loop()
        await self._link.start()
        reader = asyncio.ensure_future(self._link.read())
        reader.add_done_callback(self._link.reader_ended)
        self._tasks = [reader, asyncio.ensure_future(self._sender.run()),
                       asyncio.ensure_future(self._housekeeping())]  # fmt: skip
        return self

    def _refusal(self) -> SessionClosed | None:
        if self._error is not None or self._link.machine.closing:
            return self._error or SessionClosed(CloseCode.NORMAL, "the session was closed")
        return None

    def _finish(self, error: SessionClosed | None) -> None:
        """The session is over: record why, wake everyone waiting."""
        if self._finished:
            return
        self._finished = True
        self._error = error
        self._runner.cancel_all()
        self._link.stop()
        code = error.code if error else CloseCode.NORMAL
        detail = str(error) if error else "closed"
        self._emit(SessionStatus(LinkStatus.CLOSED.value, self._link.redact(detail), code))
        self._turns.fail_waiters(error or SessionClosed(1000, "the session was closed"))
        for turn in self.recording.open_turns:
            self._recorder.fail_turn(turn, f"the session closed: {detail}")
        self._hub.wake()
        for task in self._tasks:
            if task is not asyncio.current_task():
                task.cancel()

    async def close(self) -> None:
        """Close the session (idempotent). Running tool calls are cancelled."""
        if self._link.machine.closing:
            return
        await self._link.close()
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

    def _resume(self, cause: str) -> None:
        """A new connection: cancel the old one's tool calls, ask its open turns again."""
        self._runner.cancel_all()
        self._sender.put_first(self._turns.resume(cause))

    # ------------------------------------------------------------------ receiving

    def _check_budget(self) -> None:
        """Past ``budget_usd``: close cleanly, saying why (see :mod:`.budget`)."""
        message = None if self._budget is None else self._budget.over(self.recording)
        if message is None or self._link.machine.closing:
            return
        log.warning("gemlive_nb: %s", message)
        self._recorder.log("session", "budget_reached", message=message)
        self._error = SessionClosed(CloseCode.NORMAL, message)
        self._budget_close = asyncio.ensure_future(self.close())  # keep a reference

    async def _housekeeping(self) -> None:
        """End turns whose quiet period is over even when no event arrives."""
        while True:
            await asyncio.sleep(0.25)
            self._receiver.expire()

    def _emit(self, event: Any) -> None:
        if isinstance(event, (SessionStatus, PlaybackCut, AudioDropped)):
            self._recorder.log("session", type(event).__name__, **event.__dict__)
        self._hub.emit(event)

    def subscribe(self, callback: Callable[[Any], None]) -> Callable[[], None]:
        """Call ``callback(event)`` on the loop for every event, in order; returns unsubscribe.

        Besides protocol events it gets :class:`SessionStatus`, :class:`PlaybackCut` and
        :class:`AudioDropped`.
        """
        return self._hub.subscribe(callback)

    def __aiter__(self) -> LiveSession:
        return self

    async def __anext__(self) -> Any:
        try:
            return await self._hub.next(lambda: self.status is LinkStatus.CLOSED)
        except StopAsyncIteration:
            if self._error is not None:
                raise self._error from None
            raise

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
        self._recorder.report_playback(played_samples)

    # ------------------------------------------------------------------ sending (Inputs, Content)

    async def send_audio(self, pcm: bytes | np.ndarray | Audio, rate: int = INPUT_RATE) -> None:
        """Stream microphone audio (resampled to 16 kHz); see :meth:`.Inputs.send_audio`."""
        await self._inputs.send_audio(pcm, rate)

    async def stream_audio(self, audio: bytes | np.ndarray | Audio, rate: int = INPUT_RATE,
                           chunk_s: float = 0.1, end: bool = False,
                           on_chunk: Callable[[], object] | None = None) -> None:  # fmt: skip
        """Send recorded audio in real time, like a microphone (:meth:`.Inputs.stream_audio`)."""
        await self._inputs.stream_audio(audio, rate, chunk_s, end, on_chunk)

    async def send_text(self, text: str, turn_complete: bool = True) -> Turn | None:
        """Send user text; returns the new Turn (:meth:`.Inputs.send_text`)."""
        return await self._inputs.send_text(text, turn_complete)

    async def send_realtime_text(self, text: str) -> Turn:
        """Send ``realtimeInput.text`` (:meth:`.Inputs.send_realtime_text`)."""
        return await self._inputs.send_realtime_text(text)

    async def activity_start(self) -> None:
        """Manual VAD (``vad={'disabled': True}``): the user started speaking."""
        await self._inputs.activity_start()

    async def activity_end(self) -> None:
        """Manual VAD: the user stopped speaking; the model answers."""
        await self._inputs.activity_end()

    async def audio_stream_end(self) -> None:
        """The microphone paused or closed (automatic VAD): flush the speech heard so far."""
        await self._inputs.audio_stream_end()

    async def send_tool_response(
        self, responses: p.FunctionResponse | dict[str, Any] | list[Any]
    ) -> None:
        """Answer tool calls yourself (:meth:`.Inputs.send_tool_response`)."""
        await self._inputs.send_tool_response(responses)

    async def ask(self, prompt: str | Audio, timeout: float | None = 120.0,
                  wait_playback: bool = False) -> Turn:  # fmt: skip
        """Send one user turn (text or speech) and wait until it ends (:meth:`.Inputs.ask`).

        Example: ``turn = await s.ask("What's the weather in Paris?")``.
        """
        return await self._inputs.ask(prompt, timeout, wait_playback)

    async def wait_turn(self, turn: Turn, timeout: float | None = 120.0) -> Turn:
        """Wait until ``turn`` ends and return it (:meth:`.Inputs.wait_turn`)."""
        return await self._inputs.wait_turn(turn, timeout)

    def ask_sync(self, prompt: str | Audio, timeout: float | None = 120.0) -> Turn:
        """:meth:`ask` for a cell or script that doesn't ``await`` (see gemlive_nb._sync)."""
        return run_sync(self.ask(prompt, timeout), loop=self._loop)

    async def resumption_handle(self, timeout: float | None = 5.0) -> str:
        """The handle that continues this conversation later: after a kernel restart, elsewhere.

        Waits up to ``timeout`` s for the server's handle sent after the last ended turn (the
        service sends them between turns); on timeout the newest, with a warning. Example::

            handle = await s.resumption_handle()       # save it; later, in a new kernel:
            async with gl.connect(resumption=handle) as s2: ...
        """
        return await self._link.resumption_handle(timeout)

    async def send_turns(self, turns: Iterable[Any], turn_complete: bool = True) -> Turn | None:
        """Send several turns at once (``clientContent``); see :meth:`.Content.send_turns`."""
        return await self._content.send_turns(turns, turn_complete)

    async def update_context(
        self, system_instruction: str | None = None, tools: Iterable[Any] | None = None
    ) -> None:
        """Change the system instruction and/or the tools mid-session (``contextUpdate``).

        Checked like a config; a reconnect keeps the new context. ``tools`` replaces the whole
        list. Example: ``await s.update_context(system_instruction="Answer in French.")``.
        """
        self.config, frame = self._content.context_update(self.tools, system_instruction, tools)
        await self._sender.send(frame)

    async def send_video(self, frame: Any, mime_type: str | None = None) -> None:
        """Send one video frame (:meth:`.Content.send_video`)."""
        await self._content.send_video(frame, mime_type)

    async def stream_video(self, frames: Iterable[Any] | AsyncIterable[Any], fps: float = 1.0
                           ) -> int:  # fmt: skip
        """Send ``frames`` at ``fps`` a second at most (:meth:`.Content.stream_video`)."""
        return await self._content.stream_video(frames, fps)

    # ------------------------------------------------------------------ state

    @property
    def status(self) -> LinkStatus:
        """'connecting', 'connected', 'reconnecting' or 'closed' (a str enum)."""
        return self._link.machine.status

    @property
    def modality_note(self) -> str | None:
        """The line said when the endpoint refused TEXT beside AUDIO and the session fell back."""
        return self._link.modalities.note

    @property
    def auto_tools(self) -> bool:
        """Whether tool calls are answered automatically."""
        return self._runner.auto

    @property
    def stats(self) -> SessionStats:
        """A snapshot of the counters."""
        return SessionStats(**self._sender.counters(), **self._receiver.counters(),
                            reconnects=self._link.machine.reconnects,
                            turns=len(self.recording.turns))  # fmt: skip

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The event loop the session runs on (None before it started).

        Schedule work there from another thread, e.g.
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
