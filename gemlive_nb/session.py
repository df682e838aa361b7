"""LiveSession: one Gemini Live conversation over a WebSocket, kept alive across reconnects.

Open one with :func:`connect` (awaitable, or an async context manager). With no API key
configured, the embedded emulator is started once per process and used instead::

    async with gl.connect(voice="Puck", tools=[get_weather]) as s:
        turn = await s.ask("What's the weather in Paris?")    # a Turn
        await s.send_audio(chunk)                             # 16 kHz PCM16 (resampled if not)
        async for event in s: ...                             # typed protocol events

Reliability (PROTOCOL.md §1, §4):

- ``goAway``: the session reconnects with the newest resumption handle at the next turn
  boundary, or ``min(2 s, timeLeft/2)`` before the deadline if a turn is still running; the old
  socket is closed first.
- An unexpected close (1011, a dropped TCP connection 1006, a 1008 "aborted" at the end of a
  connection's life, a 1000 from the server) is retried with exponential backoff and the handle;
  after ``max_failures`` (3) consecutive failures the session closes with :class:`SessionClosed`.
  A turn that completes resets the count. 1007 and 1008 (bad setting, bad key, unknown model)
  are never retried: the error names the server's reason and a hint.
- No turn is lost: the service saves resumable state only between turns, so a turn still open
  when the connection broke is asked again on the new connection (its partial reply is dropped
  from the recording and ``turn.retries`` counts it). Turns started from streamed microphone
  audio cannot be re-sent (the audio is gone); they are closed as incomplete. A tool call of a
  re-asked turn may run again.
- Keepalive: pings every 20 s, 60 s to answer, so slow pongs don't kill a session.
- Backpressure: outgoing frames go through a bounded queue; when the network stalls, the oldest
  audio is dropped, counted in ``stats`` and reported (an :class:`AudioDropped` event and a
  warning, at most once a second); control messages are never dropped.
- Tools: a call still running after ``tool_timeout`` (30 s) is cancelled and answered with an
  error response, so the model is never left waiting (a sync function's thread runs on).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import struct
import threading
import zlib
from collections import deque
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.protocol import State

from . import protocol as p
from ._outbox import Outbox
from ._sync import run_sync
from .audio import Audio, Resampler, float_to_int16, pcm16_to_array
from .config import LiveConfig
from .endpoints import Endpoint, resolve_endpoint
from .exceptions import AudioError, ConfigError, SessionClosed
from .recording import Recording, check_record
from .secret import RedactingLogger, redact
from .tools import DEFAULT_TOOL_TIMEOUT, ToolRegistry, declare
from .turn import Turn

__all__ = [
    "AudioDropped",
    "LiveSession",
    "PlaybackCut",
    "SessionStats",
    "SessionStatus",
    "connect",
    "connect_sync",
]

log = logging.getLogger("gemlive_nb.session")

INPUT_RATE = p.INPUT_RATE
_ABORTED = "operation was aborted"
_SESSION_GONE = "session not found"


@dataclass(frozen=True)
class SessionStatus:
    """A change of the connection's state, delivered with the protocol events.

    ``state`` is 'connecting', 'connected', 'reconnecting' or 'closed'; ``code`` the close code
    that caused it, if any.
    """

    state: str
    detail: str = ""
    code: int | None = None


@dataclass(frozen=True)
class PlaybackCut:
    """An interruption cut the reply of turn ``turn_index`` after ``played_samples`` samples
    (24 kHz, counted from the start of that reply): drop whatever is still queued for playback.
    """

    turn_index: int
    played_samples: int


@dataclass(frozen=True)
class AudioDropped:
    """The network could not keep up, so the oldest queued microphone audio was dropped.

    Delivered with the events at most once a second while dropping lasts (and logged as a
    warning); ``chunks``/``seconds`` are the session's totals so far (as in ``stats``).
    """

    chunks: int
    seconds: float


@dataclass(frozen=True)
class SessionStats:
    """Counters of a session (a snapshot)."""

    audio_chunks_sent: int
    audio_seconds_sent: float
    dropped_audio_chunks: int
    dropped_audio_seconds: float
    queued_audio_seconds: float
    peak_queued_audio_seconds: float
    audio_seconds_received: float
    messages_received: int
    reconnects: int
    turns: int


def close_hint(code: int, reason: str) -> str:
    """What to do about a close, from its code and the server's reason text."""
    r = reason.lower()
    if "api key" in r or "credential" in r or "authenticat" in r or "permission" in r:
        return "check your API key (GEMINI_API_KEY, MIXROUTE_API_KEY or api_key=...)"
    if "voice" in r:
        return "check the voice name (see gl.VOICES)"
    if "language" in r:
        return "check the language (see gl.LANGUAGES); native-audio models pick it themselves"
    if "model" in r or "entity was not found" in r:
        return "check the model name and the API version (see gl.MODELS)"
    if "location" in r:
        return "the service is not available from this location"
    if code == 1007:
        return "the server rejected a setting — check the LiveConfig (session.config)"
    if code == 1008:
        return "check your API key, the model name and the API version"
    if code == 1011:
        return "the service had an internal error; try again later"
    if code == 1006:
        return "the connection dropped; check the network (or that the endpoint is running)"
    return "see the close code and reason"


def _fatal(code: int, reason: str) -> bool:
    """True for closes that retrying cannot fix (bad setting, bad key, unknown model)."""
    r = reason.lower()
    if code == 1007:
        return True
    if code == 1008:
        return _ABORTED not in r and _SESSION_GONE not in r
    return code == 4000  # HTTP 4xx at the upgrade (see _open)


def _png(image: np.ndarray) -> bytes:
    """Encode an ``HxWx3`` (or ``HxW``) uint8 array as PNG, with only the standard library."""
    if (
        image.dtype != np.uint8
        or image.ndim not in (2, 3)
        or (image.ndim == 3 and image.shape[2] not in (3, 4))
    ):
        raise AudioError(
            f"a video frame must be an HxWx3 uint8 array (or JPEG/PNG bytes), got shape "
            f"{image.shape} and dtype {image.dtype}"
        )
    h, w = image.shape[:2]
    color = 0 if image.ndim == 2 else {3: 2, 4: 6}[image.shape[2]]  # gray, RGB, RGBA
    rows = np.ascontiguousarray(image).reshape(h, -1)
    raw = np.hstack([np.zeros((h, 1), np.uint8), rows]).tobytes()

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", w, h, 8, color, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


_OPTIONAL = ("ping_interval", "ping_timeout", "tool_timeout")
_WHOLE = ("max_failures", "event_buffer")


def _check_options(**options: Any) -> None:
    """Session options are positive numbers (whole where counted; None where optional)."""
    for name, value in options.items():
        if value is None and name in _OPTIONAL:
            continue
        whole = name in _WHOLE
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (whole and value != int(value))
            or value < 0
            or (value == 0 and name != "backoff_s")
        ):
            kind = "a whole number >= 1" if whole else "a number of seconds > 0"
            if name in _OPTIONAL:
                kind += " or None"
            raise ConfigError(f"{name} must be {kind}, not {value!r}")


def _check_timeout(timeout: Any) -> None:
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
    ):
        raise ConfigError(f"timeout must be a number of seconds > 0 or None, not {timeout!r}")


class LiveSession:
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
    ) -> None:
        check_record(record)
        _check_options(
            max_queued_audio_s=max_queued_audio_s, max_failures=max_failures,
            backoff_s=backoff_s, ping_interval=ping_interval, ping_timeout=ping_timeout,
            open_timeout=open_timeout, event_buffer=event_buffer, tool_timeout=tool_timeout,
        )  # fmt: skip
        self.config = config
        self.endpoint = endpoint
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
        self._partial_frames: list[tuple[str, float]] = []
        self._resamplers: dict[int, Resampler] = {}
        self._tasks: list[asyncio.Task[Any]] = []
        self._goaway_task: asyncio.Task[Any] | None = None
        self._audio_chunks = 0
        self._audio_s = 0.0
        self._received_audio_s = 0.0
        self._received = 0
        self._dropped_reported = float("-inf")
        self._setup = config.to_setup(endpoint.model, endpoint.dialect, declare)

    # ------------------------------------------------------------------ lifecycle

    async def _start(self) -> LiveSession:
        self._loop = asyncio.get_running_loop()
        self._emit(SessionStatus("connecting", self.endpoint.describe()))
        while True:
            try:
                self._ws = await self._open()
                break
            except SessionClosed as e:
                self._failures += 1
                if _fatal(e.code, e.reason) or self._failures >= self.max_failures:
                    self._finish(e)
                    raise e from None
                if self._expired_handle(e):
                    continue
                await asyncio.sleep(self.backoff_s * 2 ** (self._failures - 1))
        self._failures = 0
        self._set_status("connected", self.endpoint.describe())
        self._tasks = [
            asyncio.ensure_future(self._supervise()),
            asyncio.ensure_future(self._writer()),
        ]
        return self

    async def _open(self) -> Any:
        """Open a socket, send setup (with the resumption handle) and wait for setupComplete."""
        setup = self._setup
        if self.config.resumption:
            resumption = {"handle": self._handle} if self._handle else {}
            setup = {"setup": dict(setup["setup"], sessionResumption=resumption)}
        host = urlsplit(self.endpoint.url or "").hostname or ""
        local = self.endpoint.kind == "emulator" or host in ("127.0.0.1", "localhost", "::1")
        try:
            ws = await websockets.connect(
                self.endpoint.connect_url(),
                additional_headers=self.endpoint.headers(),
                proxy=None if local else True,
                user_agent_header="gemlive_nb",
                logger=RedactingLogger("gemlive_nb.websockets", self.endpoint.api_key),
                **self._ws_options,
            )
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
            await ws.send(p.dumps(setup))
            await asyncio.wait_for(self._setup_complete(ws), self._ws_options["open_timeout"])
        except ConnectionClosed:
            code, reason = self._close_info(ws)
            raise SessionClosed(code, reason, close_hint(code, reason)) from None
        except asyncio.TimeoutError:
            await ws.close()
            reason = "no setupComplete from the server"
            raise SessionClosed(1006, reason, "check the endpoint URL and the model") from None
        return ws

    @staticmethod
    async def _setup_complete(ws: Any) -> None:
        while True:
            events = p.parse_server_message(await ws.recv())
            if any(isinstance(ev, p.SetupComplete) for ev in events):
                return

    def _expired_handle(self, error: SessionClosed) -> bool:
        """The server does not know our resumption handle: forget it (a fresh session)."""
        if _SESSION_GONE in error.reason.lower() and self._handle:
            log.warning("the resumption handle was not accepted; starting a fresh session")
            self._handle = None
            return True
        return False

    def _close_info(self, ws: Any) -> tuple[int, str]:
        rcvd = getattr(ws.protocol, "close_rcvd", None)
        if rcvd is not None:
            return rcvd.code, self._redact(rcvd.reason)
        return 1006, "the connection dropped without a close frame"

    def _redact(self, text: str) -> str:
        return redact(text, self.endpoint.api_key)

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
            if not planned and _fatal(code, reason):
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
                if not self._expired_handle(e) and _fatal(code, reason):
                    self._finish(e)
                    return False
                self._failures += 1
                continue
            self._ws = ws
            self._reconnects += 1
            self._resume_turns()
            self._set_status("connected", f"resumed: {self.endpoint.describe()}")
            return True

    def _resume_turns(self) -> None:
        """Ask again every turn left open by the broken connection (see the module doc)."""
        self.tools.cancel_all()
        frames: list[tuple[str, float]] = []
        for turn in self.recording.open_turns:
            resend = self._resend.get(turn.index)
            if resend is None:
                self.recording.abandon_turn(turn)
                self._resolve(turn)
                continue
            self.recording.retry_turn(turn)
            frames.extend(resend)
        # a frame of such a turn may still sit in the queue (sent while the old socket was
        # closing): it goes once, with its turn, or the server would hear the turn twice
        self._outbox.discard({frame for frame, _ in frames})
        for frame, _ in reversed(frames):
            self._outbox.push_front(frame)

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
        if ws is not None and ws.paused:
            ws.transport.abort()  # stalled: the close frame could not get through anyway
        elif ws is not None:
            try:
                await asyncio.wait_for(ws.close(), self._ws_options["close_timeout"])
            except Exception:  # a stalled or broken socket: don't wait for the handshake
                ws.transport.abort()
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
        self._received += 1
        try:
            events = p.parse_server_message(frame)
        except p.ProtocolError as e:
            log.warning("ignored a server frame that is not Live API JSON: %s", e)
            self.recording.log("recv", "ProtocolError", error=str(e))
            return
        for event in events:
            self._on_event(event)

    def _on_event(self, event: Any) -> None:
        rec = self.recording
        if type(event) is p.AudioChunk:
            self._received_audio_s += event.duration
        elif isinstance(event, p.SessionResumptionUpdate):
            if event.resumable and event.handle:
                self._handle = event.handle
        elif isinstance(event, p.GoAway):
            self._schedule_goaway(event.time_left)
        elif isinstance(event, p.ToolCall):
            for call in event.calls:
                if self.tools.is_non_blocking(call.name):
                    rec.mark_non_blocking(call.id)
            if self.auto_tools:
                self.tools.start(event, self.send_tool_response)
        elif isinstance(event, p.ToolCallCancellation):
            self.tools.cancel(event.ids)
        result = rec.on_event(event)
        self._emit(event)
        if isinstance(result, Turn):
            self._failures = 0
            self._resend.pop(result.index, None)
            self._resolve(result)
        elif isinstance(result, tuple):
            turn, kept = result
            self._emit(PlaybackCut(turn.index, kept))

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

    def report_playback(self, played_samples: int) -> None:
        """The player has played ``played_samples`` 24 kHz samples since the session started."""
        if isinstance(played_samples, bool) or not isinstance(played_samples, (int, np.integer)):
            raise ConfigError(
                f"played_samples must be a whole number of samples, not {played_samples!r:.40}"
            )
        self.recording.report_playback(played_samples)

    # ------------------------------------------------------------------ goAway

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

    # ------------------------------------------------------------------ sending

    async def _send(self, frame: str, audio_s: float = 0.0) -> None:
        if self._error is not None or self._closing:
            raise self._error or SessionClosed(1000, "the session was closed")
        ws = self._ws
        if (
            ws is not None
            and not self._writing
            and not self._outbox
            and not ws.paused
            and ws.protocol.state is State.OPEN
        ):
            # Hot path: frame the message and hand it to the transport without awaiting drain();
            # ws.send() would block this caller when the write crosses the high-water mark, and
            # a stalled network must cost queued (droppable) audio, not a stuck microphone.
            ws.protocol.send_text(frame.encode())
            ws.send_data()
            return
        dropped = self._outbox.dropped_chunks
        self._outbox.put(frame, audio_s)
        if self._outbox.dropped_chunks != dropped:
            self._report_dropped()

    def _report_dropped(self) -> None:
        now = asyncio.get_running_loop().time()
        if now - self._dropped_reported < 1.0:
            return
        self._dropped_reported = now
        box = self._outbox
        log.warning(
            "the network is not keeping up: dropped %.2f s of microphone audio so far "
            "(max_queued_audio_s=%g)",
            box.dropped_s,
            box.max_audio_s,
        )
        self._emit(AudioDropped(box.dropped_chunks, round(box.dropped_s, 6)))

    async def _writer(self) -> None:
        box = self._outbox
        while True:
            await box.wait()
            ws = self._ws
            if ws is None or self._writing:
                await asyncio.sleep(0.01)
                continue
            frame, audio_s = box.popleft()
            self._writing = True
            try:
                await ws.send(frame)
            except ConnectionClosed:
                box.push_front(frame, audio_s)
                while self._ws is ws:
                    await asyncio.sleep(0.02)
            finally:
                self._writing = False

    def _input_samples(self, pcm: Any, rate: int) -> np.ndarray:
        if isinstance(pcm, Audio):
            samples, rate = pcm.samples, pcm.rate
        elif isinstance(pcm, (bytes, bytearray, memoryview)):
            samples = pcm16_to_array(pcm)
        elif isinstance(pcm, np.ndarray):
            samples = pcm if pcm.dtype == np.int16 else float_to_int16(pcm)
            if samples.ndim != 1:
                raise AudioError(f"audio must be mono (1-D), got shape {pcm.shape}")
        else:
            raise AudioError(
                f"send_audio takes bytes (PCM16), a numpy array or an Audio, "
                f"not {type(pcm).__name__}"
            )
        if rate != INPUT_RATE:
            resampler = self._resamplers.get(rate)
            if resampler is None:
                resampler = self._resamplers[rate] = Resampler(rate, INPUT_RATE)
            samples = resampler.process(samples)
        return samples

    async def send_audio(self, pcm: bytes | np.ndarray | Audio, rate: int = INPUT_RATE) -> None:
        """Stream microphone audio (PCM16 bytes, an int16/float array or an Audio).

        Audio at another rate is resampled to 16 kHz. On a stalled network the oldest queued
        audio is dropped (see ``stats``). Example::

            await s.send_audio(chunk_bytes)              # 16 kHz PCM16
            await s.send_audio(samples_48k, rate=48000)
        """
        if type(pcm) is bytes and rate == INPUT_RATE and not len(pcm) & 1:
            data = pcm
            samples = np.frombuffer(pcm, "<i2")
        else:
            samples = self._input_samples(pcm, rate)
            data = samples.astype("<i2", copy=False).tobytes()
        n = len(samples)
        if not n:
            return
        seconds = n / INPUT_RATE
        self.recording.add_input_audio(samples)
        self._audio_chunks += 1
        self._audio_s += seconds
        await self._send(p.realtime_audio_frame(data, INPUT_RATE), seconds)

    async def send_text(self, text: str, turn_complete: bool = True) -> Turn | None:
        """Send user text as conversation content (``clientContent``); returns the new Turn.

        With ``turn_complete=False`` the text is added to the context and waits for more.
        """
        if not isinstance(text, str):
            raise ConfigError(f"send_text takes text (a str), not {type(text).__name__}")
        frame = p.dumps(p.client_content(text, turn_complete=turn_complete))
        self.recording.log("send", "text", text=text, turn_complete=turn_complete)
        if not turn_complete:
            self._partial_frames.append((frame, 0.0))
            await self._send(frame)
            return None
        turn = self._begin_turn(text, [*self._partial_frames, (frame, 0.0)])
        self._partial_frames = []
        await self._send(frame)
        self.recording.mark_user_end()
        return turn

    async def send_realtime_text(self, text: str) -> Turn:
        """Send streaming text input (``realtimeInput.text``); the model answers it."""
        if not isinstance(text, str):
            raise ConfigError(f"send_realtime_text takes text (a str), not {type(text).__name__}")
        frame = p.dumps(p.realtime_text(text))
        self.recording.log("send", "realtime_text", text=text)
        turn = self._begin_turn(text, [(frame, 0.0)])
        await self._send(frame)
        self.recording.mark_user_end()
        return turn

    def _begin_turn(self, text: str | None, frames: list[tuple[str, float]]) -> Turn:
        turn = self.recording.begin_turn(user_text=text)
        self._resend[turn.index] = frames
        return turn

    async def send_video(self, frame: bytes | np.ndarray, mime_type: str | None = None) -> None:
        """Send one video frame: JPEG/PNG bytes, or an ``HxWx3`` uint8 array (sent as PNG).

        Keep to about one frame per second.
        """
        if isinstance(frame, np.ndarray):
            data, mime = _png(frame), "image/png"
        elif isinstance(frame, (bytes, bytearray, memoryview)):
            data = bytes(frame)
            mime = mime_type or ("image/png" if data[:4] == b"\x89PNG" else "image/jpeg")
        else:
            raise ConfigError(
                f"send_video takes JPEG/PNG bytes or an HxWx3 uint8 array, "
                f"not {type(frame).__name__}"
            )
        self.recording.log("send", "video", bytes=len(data), mime_type=mime)
        await self._send(p.dumps(p.realtime_video(data, mime)))

    async def activity_start(self) -> None:
        """Manual VAD (``vad={'disabled': True}``): the user started speaking."""
        self.recording.log("send", "activity_start")
        await self._send(p.dumps(p.activity_start()))

    async def activity_end(self) -> None:
        """Manual VAD: the user stopped speaking; the model answers."""
        self.recording.log("send", "activity_end")
        self.recording.mark_user_end()
        await self._send(p.dumps(p.activity_end()))

    async def audio_stream_end(self) -> None:
        """The microphone paused or closed (automatic VAD): flush the speech heard so far."""
        self.recording.log("send", "audio_stream_end")
        self.recording.mark_user_end()
        await self._send(p.dumps(p.audio_stream_end()))

    async def send_tool_response(
        self, responses: p.FunctionResponse | dict[str, Any] | list[Any]
    ) -> None:
        """Answer tool calls yourself (for functions declared as dicts, or ``auto_tools=False``).

        Example::

            await s.send_tool_response({"id": call.id, "name": call.name,
                                        "response": {"temp_c": 21}})
        """
        message = p.tool_response(responses)
        for item in message["toolResponse"]["functionResponses"]:
            self.recording.add_tool_result(item)
        self.recording.log("send", "tool_response", responses=message["toolResponse"])
        await self._send(p.dumps(message))

    # ------------------------------------------------------------------ turns

    async def ask(self, prompt: str | Audio, timeout: float | None = 120.0) -> Turn:
        """Send one user turn (text, or an Audio of speech) and wait for the whole reply.

        Tool calls in between are answered automatically. Example::

            turn = await s.ask("What's the weather in Paris?")
            turn.output_transcript, turn.audio, turn.metrics
        """
        _check_timeout(timeout)
        if isinstance(prompt, Audio):
            turn = await self._ask_audio(prompt)
        elif isinstance(prompt, str):
            turn = await self.send_text(prompt)
        else:
            raise ConfigError(f"ask takes text or an Audio, not {type(prompt).__name__}")
        assert turn is not None
        return await self.wait_turn(turn, timeout)

    async def wait_turn(self, turn: Turn, timeout: float | None = 120.0) -> Turn:
        """Wait until ``turn`` is complete (or was cut); returns it."""
        if not isinstance(turn, Turn):
            raise ConfigError(f"wait_turn takes a Turn (from send_text/ask), not {turn!r:.40}")
        _check_timeout(timeout)
        if turn.complete or turn not in self.recording.open_turns:
            return turn
        if self._error is not None:
            raise self._error
        fut = self._waiters.get(turn.index)
        if fut is None:
            fut = self._waiters[turn.index] = asyncio.get_running_loop().create_future()
            # a waiter that timed out may never look again: don't warn about its exception
            fut.add_done_callback(lambda f: f.cancelled() or f.exception())
        try:
            return await asyncio.wait_for(asyncio.shield(fut), timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(
                f"turn {turn.index} got no turnComplete within {timeout} s — pass a longer "
                "timeout=, or check the session's events"
            ) from None

    async def _ask_audio(self, audio: Audio) -> Turn:
        if audio.rate != INPUT_RATE:  # one whole utterance: resample it on its own
            audio = audio.resample(INPUT_RATE)
        samples = self._input_samples(audio, INPUT_RATE)
        manual = bool(self.config.vad and self.config.vad.disabled)
        step = INPUT_RATE // 10
        frames: list[tuple[str, float]] = []
        if manual:
            frames.append((p.dumps(p.activity_start()), 0.0))
        for i in range(0, len(samples), step):
            piece = samples[i : i + step]
            data = piece.astype("<i2", copy=False).tobytes()
            frames.append((p.realtime_audio_frame(data, INPUT_RATE), 0.0))
        end = p.activity_end() if manual else p.audio_stream_end()
        frames.append((p.dumps(end), 0.0))
        self.recording.add_input_audio(samples, streamed=False)  # sent at once, starts now
        turn = self._begin_turn(None, frames)
        self._audio_chunks += len(frames) - 1 - int(manual)
        self._audio_s += len(samples) / INPUT_RATE
        for frame, _ in frames:  # never dropped: this turn must arrive whole
            await self._send(frame)
        self.recording.mark_user_end()
        return turn

    def ask_sync(self, prompt: str | Audio, timeout: float | None = 120.0) -> Turn:
        """:meth:`ask` for a cell or script that doesn't ``await`` (see gemlive_nb._sync)."""
        return run_sync(self.ask(prompt, timeout), loop=self._loop)

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


# ---------------------------------------------------------------------- connect

_emulators: dict[str, Any] = {}
_emulator_lock = threading.Lock()


def _embedded_emulator(dialect: str) -> Any:
    """The process-wide emulator for ``dialect``, started on first use in a child process (so
    its speech synthesis never competes with the kernel for the GIL)."""
    from .emulator.process import EmulatorProcess

    with _emulator_lock:
        emu = _emulators.get(dialect)
        if emu is None:
            emu = EmulatorProcess("--dialect", dialect, "--quiet").start()
            _emulators[dialect] = emu
            message = (
                f"gemlive_nb: no API key found — using the local emulator at {emu.url}; "
                "set GEMINI_API_KEY or MIXROUTE_API_KEY to use the real service"
            )
            log.info(message)
            print(message)
        return emu


async def _open_session(
    config: Any, endpoint: Any, api_key: Any, options: dict[str, Any], fields: dict[str, Any]
) -> LiveSession:
    cfg = LiveConfig.coerce(config, **fields)
    ep = resolve_endpoint(
        endpoint, api_key=api_key, model=cfg.model, api_version=cfg.required_api_version()
    )
    if ep.kind == "emulator" and ep.url is None:
        emu = await asyncio.to_thread(_embedded_emulator, ep.dialect)
        ep = ep.with_url(emu.url)
    session = LiveSession(cfg, ep, **options)
    return await session._start()


_SESSION_OPTIONS = (
    "auto_tools",
    "max_queued_audio_s",
    "max_failures",
    "backoff_s",
    "ping_interval",
    "ping_timeout",
    "open_timeout",
    "event_buffer",
    "tool_timeout",
    "record",
)


class _Connecting(Awaitable[LiveSession]):
    """What :func:`connect` returns: await it, or use it as ``async with``."""

    def __init__(self, factory: Callable[[], Awaitable[LiveSession]]) -> None:
        self._factory = factory
        self._session: LiveSession | None = None

    def __await__(self) -> Generator[Any, None, LiveSession]:
        return self._factory().__await__()

    async def __aenter__(self) -> LiveSession:
        self._session = await self._factory()
        return self._session

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()


def _split(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    options = {k: fields.pop(k) for k in _SESSION_OPTIONS if k in fields}
    return options, fields


def connect(
    config: Any = None,
    *,
    endpoint: str | Endpoint | Any = None,
    api_key: str | None = None,
    **config_fields: Any,
) -> _Connecting:
    """Open a Live session: ``s = await gl.connect(...)`` or ``async with gl.connect(...) as s``.

    ``config`` is a LiveConfig or a dict; ``config_fields`` override it (``voice="Puck"``).
    ``endpoint``/``api_key`` choose the service (see :func:`resolve_endpoint`); with no key
    anywhere, the embedded emulator is used. Session options can be passed too:
    ``auto_tools``, ``max_queued_audio_s``, ``max_failures``, ``backoff_s``, ``ping_interval``,
    ``ping_timeout``, ``open_timeout``, ``event_buffer``, ``tool_timeout`` (seconds a tool may
    run before the model gets an error response instead; default 30, None waits forever),
    ``record`` (True: keep everything in ``s.recording``; ``"transcript"``: no audio samples;
    False: only each turn's metrics — see :mod:`gemlive_nb.recording`).
    """
    options, fields = _split(dict(config_fields))
    return _Connecting(lambda: _open_session(config, endpoint, api_key, options, fields))


def connect_sync(
    config: Any = None,
    *,
    endpoint: str | Endpoint | Any = None,
    api_key: str | None = None,
    **config_fields: Any,
) -> LiveSession:
    """:func:`connect` for code that can't ``await`` (a script, or a plain notebook cell)."""
    options, fields = _split(dict(config_fields))
    return run_sync(_open_session(config, endpoint, api_key, options, fields))
