"""VoiceWidget: talk to Gemini Live from a notebook cell, through the browser's mic and speakers.

The browser side (``gemlive_nb/static/widget.js``, built from ``js/``) captures the microphone at
the device rate, resamples it to 16 kHz PCM16 in an AudioWorklet and sends numbered frames as
custom comm messages with binary buffers; replies come back the same way and play through a
jitter-buffered AudioWorklet. Traits carry only UI state (they are saved in the notebook):
never a key, never audio. The session runs as tasks on the kernel's own loop, so the cell that
displays the widget returns at once. A session running on another loop (``connect_sync`` in a
terminal or a test shell runs sessions on a background loop thread) works too: the widget runs
its tasks on the session's loop (``session.loop``) and hops there from any thread.

Example::

    import gemlive_nb as gl
    w = gl.VoiceWidget(voice="Puck", language="de-DE")
    w                        # press Connect, then Mic
    await w.connect()        # or connect from code; w.session is the LiveSession
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import time
import uuid
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets as t

from .catalog import DEFAULT_VOICE, LANGUAGES, VOICES, normalize_language_code
from .endpoints import resolve_endpoint
from .exceptions import ConfigError
from .protocol import (
    AudioChunk,
    InputTranscript,
    Interrupted,
    OutputTranscript,
    TextPart,
    ToolCall,
    TurnComplete,
)
from .secret import Secret, redact
from .session import SessionStatus, connect

__all__ = ["VoiceWidget"]

logger = logging.getLogger(__name__)
_STATIC = Path(__file__).parent / "static"
INPUT_RATE = 16000
# Kernel->browser messages go out at most this often; a lone event after a pause goes at once.
FLUSH_INTERVAL_S = 0.02
# Reply audio held while no browser listens yet (before the 'ready' handshake).
MAX_HELD_AUDIO_S = 30.0

Send = Callable[[dict[str, Any], list[bytes]], None]
# A widget task: an asyncio Task on the session's loop, or a concurrent Future wrapping one when
# it was started from another thread (both cancel and report their result the same way).
Task = asyncio.Future[Any] | concurrent.futures.Future[Any]


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


class _Batcher:
    """Coalesces kernel->browser items into one ``{'type': 'batch'}`` message per interval.

    Consecutive audio is joined into one chunk with one sequence number, consecutive transcript
    deltas of the same role are joined, and nothing is sent until :meth:`open` (the browser's
    'ready'). :meth:`interrupt` drops queued audio and sends at once.
    """

    def __init__(self, send: Send, interval: float = FLUSH_INTERVAL_S) -> None:
        self._send = send
        self.loop: asyncio.AbstractEventLoop | None = None  # where timers run, if not the caller's
        self.interval = interval
        self.is_open = False
        self._items: list[dict[str, Any]] = []
        self._audio: list[list[bytes]] = []  # parts of each queued audio item, by index
        self._seq = 0
        self._last = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self.received_at: dict[int, float] = {}  # outgoing audio seq -> first chunk's receipt
        self.messages = 0
        self.dropped_audio_s = 0.0

    def open(self) -> None:
        self.is_open = True
        self._schedule()

    def audio(self, data: bytes, rate: int, received: float) -> None:
        last = self._items[-1] if self._items else None
        if last and last["type"] == "audio" and last["rate"] == rate:
            self._audio[last["buffer"]].append(data)
        else:
            self._items.append({"type": "audio", "rate": rate, "buffer": len(self._audio),
                                "received": received})  # fmt: skip
            self._audio.append([data])
        if not self.is_open:
            self._trim_held()
        self._schedule()

    def transcript(self, role: str, text: str, final: bool) -> None:
        last = self._items[-1] if self._items else None
        if last and last["type"] == "transcript" and last["role"] == role and not last["final"]:
            last["text"] += text
            last["final"] = final
        else:
            self._items.append({"type": "transcript", "role": role, "text": text, "final": final})
        self._schedule()

    def item(self, item: dict[str, Any]) -> None:
        self._items.append(item)
        self._schedule()

    def interrupt(self) -> None:
        """Drop queued reply audio and tell the browser to flush, now."""
        kept = [i for i in self._items if i["type"] != "audio"]
        self._items = [*kept, {"type": "interrupted"}]
        self._audio = []
        if self.is_open:
            self.flush()

    def _trim_held(self) -> None:
        held = [i for i in self._items if i["type"] == "audio"]
        total = sum(len(b) for parts in self._audio for b in parts) / 2
        while held and total / held[0]["rate"] > MAX_HELD_AUDIO_S:
            first = held.pop(0)
            size = sum(len(b) for b in self._audio[first["buffer"]]) / 2
            total -= size
            self.dropped_audio_s += size / first["rate"]
            self._audio[first["buffer"]] = []
            self._items.remove(first)

    def _schedule(self) -> None:
        if not self.is_open or self._timer is not None or not self._items:
            return
        loop = _running_loop()
        if loop is None or (self.loop is not None and loop is not self.loop):
            if self.loop is not None and not self.loop.is_closed():
                self.loop.call_soon_threadsafe(self._schedule)
            return
        wait = max(0.0, self._last + self.interval - time.monotonic())
        # call_soon even when no wait is due, so events parsed from one frame go together.
        self._timer = loop.call_later(wait, self.flush) if wait else loop.call_soon(self.flush)

    def flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self.is_open or not self._items:
            return
        items, audio = self._items, self._audio
        self._items, self._audio = [], []
        buffers: list[bytes] = []
        out: list[dict[str, Any]] = []
        for item in items:
            if item["type"] == "audio":
                parts = audio[item["buffer"]]
                if not parts:
                    continue
                seq = self._seq
                self._seq += 1
                self.received_at[seq] = item["received"]
                out.append({"type": "audio", "seq": seq, "rate": item["rate"],
                            "buffer": len(buffers)})  # fmt: skip
                buffers.append(b"".join(parts))
            else:
                out.append(item)
        if len(self.received_at) > 4096:  # acks lost (page closed): forget the oldest
            for seq in sorted(self.received_at)[:2048]:
                del self.received_at[seq]
        self._last = time.monotonic()
        self.messages += 1
        self._send({"type": "batch", "t": time.time() * 1000, "items": out}, buffers)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._items, self._audio = [], []


async def _open_session(config: Any, endpoint: Any, api_key: Secret | None, **fields: Any) -> Any:
    return await connect(config, endpoint=endpoint, api_key=api_key, **fields)  # type: ignore[arg-type]


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _is_closed(session: Any) -> bool:
    return getattr(session, "status", None) == "closed"


class VoiceWidget(anywidget.AnyWidget):
    """A voice console for Gemini Live: mic, speaker, pickers, meters and a live transcript.

    ``session``: an open :class:`LiveSession` to drive (the widget then owns it: Disconnect
    closes it). Otherwise the widget opens one on Connect with ``config``, ``endpoint``,
    ``api_key`` and ``config_fields`` (as :func:`gemlive_nb.connect`), plus the voice, language
    and model chosen in the pickers. With ``push_to_talk=True`` the service's automatic voice
    activity detection is turned off and the Hold-to-talk button (or Space) marks each turn.

    Example::

        w = gl.VoiceWidget(voice="Kore", system_instruction="Be brief.")
        w                               # displays the console
        await w.connect()               # same as pressing Connect
        w.stats()                       # frames in, chunks out, latency percentiles
    """

    _esm = _STATIC / "widget.js"
    _css = _STATIC / "widget.css"

    _uid = t.Unicode("").tag(sync=True)
    status = t.Unicode("idle", help="idle | connecting | connected | reconnecting | closed").tag(
        sync=True
    )
    error = t.Unicode("", help="The last failure, shown in the cell").tag(sync=True)
    voice = t.Unicode(DEFAULT_VOICE).tag(sync=True)
    language = t.Unicode("", help="BCP-47 code; empty lets the model pick").tag(sync=True)
    model = t.Unicode("", help="Model id; empty means the endpoint's default").tag(sync=True)
    endpoint = t.Unicode("", help="Where the session goes (never with a key)").tag(sync=True)
    connected = t.Bool(False).tag(sync=True)
    mic_on = t.Bool(False).tag(sync=True)
    push_to_talk = t.Bool(False).tag(sync=True)
    muted = t.Bool(False).tag(sync=True)
    input_level = t.Float(-100.0, help="Mic level in dBFS, updated a few times a second").tag(
        sync=True
    )
    output_level = t.Float(-100.0, help="Playback level in dBFS").tag(sync=True)
    voices = t.List(t.Dict(), help="The catalog's voices: [{name, style}]").tag(sync=True)
    languages = t.List(t.Dict(), help="The catalog's languages: [{code, name}]").tag(sync=True)
    audio_constraints = t.Dict(
        help="getUserMedia flags; turn them off to hear the mic exactly as captured"
    ).tag(sync=True)
    frame_ms = t.Int(20, help="Mic frame length sent to the kernel, 20-40 ms").tag(sync=True)

    def __init__(
        self,
        session: Any = None,
        *,
        config: Any = None,
        endpoint: Any = None,
        api_key: str | Secret | None = None,
        **config_fields: Any,
    ) -> None:
        ui = {k: config_fields.pop(k) for k in list(config_fields) if k in self._ui_traits()}
        picked = {k: config_fields.pop(k) for k in ("voice", "language", "model")
                  if k in config_fields}  # fmt: skip
        flags = {"echoCancellation": True, "noiseSuppression": True, "autoGainControl": True}
        ui["audio_constraints"] = {**flags, **(ui.get("audio_constraints") or {})}
        # The loop the session runs on: the kernel's (a cell's) loop, else the first connect()'s.
        # A given session's own loop wins: it may run on a background thread.
        self._loop: asyncio.AbstractEventLoop | None = (
            getattr(session, "loop", None) or _running_loop()
        )
        # Set before the traits so that close() (also run by __del__) works even if they fail.
        self._session: Any = None
        self._tasks: set[Task] = set()
        self._unsubscribe: Callable[[], None] | None = None
        self._inbox: asyncio.Queue[tuple[str, Any]] | None = None
        self._pump_task: Task | None = None
        self._batcher = _Batcher(self._send_batch)
        self._batcher.loop = self._loop
        super().__init__(
            _uid=uuid.uuid4().hex,
            voices=[{"name": v.name, "style": v.style} for v in VOICES],
            languages=[{"code": lang.code, "name": lang.name} for lang in LANGUAGES],
            **ui,
        )
        for name, value in picked.items():
            if value is not None:
                setattr(self, name, value)
        self._config = config
        self._endpoint_arg = endpoint
        self._api_key = Secret(api_key) if isinstance(api_key, str) else api_key
        self._config_fields = config_fields
        self._last_seq = -1
        self._counts = {"frames_in": 0, "frames_missing": 0, "bytes_in": 0, "chunks_out": 0}
        self._capture_ms: deque[float] = deque(maxlen=5000)
        self._reply_ms: deque[float] = deque(maxlen=5000)
        self._arrive_ms: deque[float] = deque(maxlen=5000)
        self.played_samples = 0
        self.endpoint = self._describe_endpoint()
        self.on_msg(self._on_custom)
        if session is not None:
            self._attach(session)

    @staticmethod
    def _ui_traits() -> tuple[str, ...]:
        return ("mic_on", "push_to_talk", "muted", "audio_constraints", "frame_ms")

    # ------------------------------------------------------------------ traits

    @t.validate("voice")
    def _check_voice(self, proposal: dict[str, Any]) -> str:
        return VOICES[proposal["value"]].name

    @t.validate("language")
    def _check_language(self, proposal: dict[str, Any]) -> str:
        value = proposal["value"]
        return normalize_language_code(value) if value else ""

    @t.validate("frame_ms")
    def _check_frame_ms(self, proposal: dict[str, Any]) -> int:
        value = proposal["value"]
        if not 20 <= value <= 40:
            raise ConfigError(f"frame_ms must be between 20 and 40 ms, got {value!r}")
        return value

    def _describe_endpoint(self) -> str:
        try:
            ep = resolve_endpoint(
                self._endpoint_arg, api_key=self._api_key, model=self.model or None
            )
            return redact(ep.describe(), self._api_key)
        except Exception as exc:  # an unusable endpoint shows up when connecting
            logger.debug("endpoint not resolved yet: %s", type(exc).__name__)
            return ""

    # ------------------------------------------------------------------ session

    @property
    def session(self) -> Any:
        """The LiveSession this widget drives, or None."""
        return self._session

    async def connect(self) -> Any:
        """Open a session (unless one is attached) and stream it through the widget.

        Returns the LiveSession. Failures raise and are also shown in the widget.
        """
        if self._session is not None:
            return self._session
        self._loop = self._batcher.loop = asyncio.get_running_loop()
        self.status = "connecting"
        self.error = ""
        fields = dict(self._config_fields)
        fields["voice"] = self.voice
        if self.language:
            fields["language"] = self.language
        if self.model:
            fields["model"] = self.model
        if self.push_to_talk and "vad" not in fields:
            fields["vad"] = {"disabled": True}
        try:
            session = await _open_session(self._config, self._endpoint_arg, self._api_key, **fields)
        except Exception as exc:
            self.status = "closed"
            self.connected = False
            self.error = redact(f"Could not connect: {exc}", self._api_key)
            raise
        self._attach(session)
        return session

    async def disconnect(self) -> None:
        """Stop streaming and close the session."""
        session = self._detach()
        if session is not None:
            with contextlib.suppress(Exception):
                await session.close()
        self.connected = False
        self.status = "closed"

    def _attach(self, session: Any) -> None:
        self._session = session
        self._inbox = asyncio.Queue()
        self._pump_task = self._spawn(self._pump(session, self._inbox))
        self._unsubscribe = session.subscribe(self._on_event)
        closed = _is_closed(session)
        self.connected = not closed
        self.status = "closed" if closed else "connected"
        cfg = getattr(session, "config", None)
        if cfg is not None:  # show what the session really uses
            self.voice = cfg.voice or self.voice
            self.language = cfg.language or ""
            self.model = cfg.model or getattr(getattr(session, "endpoint", None), "model", "")
        ep = getattr(session, "endpoint", None)
        if ep is not None and hasattr(ep, "describe"):
            self.endpoint = redact(ep.describe(), self._api_key)
        self._batcher.item({"type": "mark", "text": "connected"})

    def _detach(self) -> Any:
        session, self._session = self._session, None
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._pump_task is not None:
            self._cancel(self._pump_task)
            self._pump_task = None
        self._inbox = None
        self._batcher.interrupt()
        return session

    def _spawn(self, coro: Any) -> Task:
        """Run ``coro`` on the session's loop, from that loop's thread or any other."""
        loop = self._loop or asyncio.get_running_loop()
        task: Task
        if loop is _running_loop():
            task = loop.create_task(coro)
        else:
            task = asyncio.run_coroutine_threadsafe(coro, loop)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _cancel(self, task: Task) -> None:
        """Cancel a task of ours; an asyncio task only from its own loop's thread."""
        loop = self._loop
        if (
            isinstance(task, asyncio.Future)
            and loop is not None
            and loop is not _running_loop()
            and loop.is_running()
        ):
            loop.call_soon_threadsafe(task.cancel)
        else:
            task.cancel()

    def _task_done(self, task: Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            self.error = redact(f"{type(exc).__name__}: {exc}", self._api_key)

    async def _pump(self, session: Any, inbox: asyncio.Queue[tuple[str, Any]]) -> None:
        """Forward browser input to the session in arrival order."""
        while True:
            kind, value = await inbox.get()
            try:
                if kind == "audio":
                    await session.send_audio(value)
                elif kind == "text":
                    await session.send_realtime_text(value)
                elif kind == "start":
                    await session.activity_start()
                elif kind == "end":
                    await session.activity_end()
            except Exception as exc:
                if _is_closed(session):
                    return
                self.error = redact(f"Sending {kind} failed: {exc}", self._api_key)

    # ------------------------------------------------------------------ events -> browser

    def _on_event(self, event: Any) -> None:
        b = self._batcher
        if isinstance(event, AudioChunk):
            self._counts["chunks_out"] += 1
            b.audio(event.data, event.rate, time.time())
        elif isinstance(event, InputTranscript):
            b.transcript("user", event.text, bool(event.finished))
        elif isinstance(event, OutputTranscript):
            b.transcript("model", event.text, bool(event.finished))
        elif isinstance(event, TextPart) and not event.thought:
            b.transcript("model", event.text, False)
        elif isinstance(event, Interrupted):
            b.interrupt()
        elif isinstance(event, TurnComplete):
            b.item({"type": "turn", "reason": event.reason})
        elif isinstance(event, ToolCall):
            calls = [{"id": c.id, "name": c.name, "args": c.args} for c in event.calls]
            b.item({"type": "tool", "calls": calls})
        elif isinstance(event, SessionStatus):
            self._on_status(event)

    def _on_status(self, event: Any) -> None:
        state = event.state
        self.status = state
        self.connected = state == "connected"
        if state == "reconnecting":
            self._batcher.item({"type": "mark", "text": "reconnecting…"})
        if state == "closed":
            code = getattr(event, "code", None)
            detail = getattr(event, "detail", "") or ""
            if code not in (None, 1000):
                if f"code {code}" in detail:  # the session's text already names the code
                    text = detail[:1].upper() + detail[1:]
                else:
                    text = f"Connection closed with code {code}" + (f": {detail}" if detail else "")
                self.error = redact(text, self._api_key)
            self._batcher.item({"type": "mark", "text": f"closed ({code})" if code else "closed"})
            if self._session is not None:
                self._detach()

    def _send_batch(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        self.send(content, buffers=buffers)

    # ------------------------------------------------------------------ browser -> kernel

    def _on_custom(self, _widget: Any, content: dict[str, Any], buffers: list[Any]) -> None:
        # ipykernel 7 with a subshell-aware front end (JupyterLab 4.4+) runs comm handlers on a
        # subshell thread with its own loop: hop to the session's loop, copying the buffers.
        data = [bytes(b) for b in buffers or ()]
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                current = asyncio.get_running_loop()
            except RuntimeError:
                current = None
            if current is not loop:
                loop.call_soon_threadsafe(self._dispatch, content, data)
                return
        self._dispatch(content, data)

    def _dispatch(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "audio":
            self._on_frame(content, buffers)
        elif kind == "played":
            self._on_played(content)
        elif kind == "ready":
            self._last_seq = -1
            self._batcher.open()
        elif kind == "connect":
            if self._session is None:
                self._spawn(self._connect_quietly())
        elif kind == "disconnect":
            self._spawn(self.disconnect())
        elif kind == "text" and isinstance(content.get("text"), str):
            self._enqueue("text", content["text"])
        elif kind == "activity" and content.get("state") in ("start", "end"):
            self._enqueue(content["state"], None)

    async def _connect_quietly(self) -> None:
        with contextlib.suppress(Exception):  # the error is in the widget already
            await self.connect()

    def _enqueue(self, kind: str, value: Any) -> None:
        if self._inbox is not None:
            self._inbox.put_nowait((kind, value))

    def _on_frame(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        if not buffers:
            return
        sent = content.get("t")
        if isinstance(sent, (int, float)):
            self._capture_ms.append(time.time() * 1000 - sent)
        seq = content.get("seq")
        if isinstance(seq, int):
            if self._last_seq >= 0 and seq > self._last_seq + 1:
                self._counts["frames_missing"] += seq - self._last_seq - 1
            self._last_seq = seq
        data = buffers[0]
        self._counts["frames_in"] += 1
        self._counts["bytes_in"] += len(data)
        self._enqueue("audio", data)

    def _on_played(self, content: dict[str, Any]) -> None:
        samples = content.get("samples")
        if isinstance(samples, int) and samples >= 0:
            self.played_samples = samples
            if self._session is not None:
                self._session.report_playback(samples)
        for ack in content.get("acks") or ():
            # [seq, scheduled_ms, arrived_ms]: wall-clock times in the browser
            if isinstance(ack, list) and len(ack) >= 2:
                received = self._batcher.received_at.pop(ack[0], None)
                if received is not None and isinstance(ack[1], (int, float)):
                    self._reply_ms.append(ack[1] - received * 1000)
                    if len(ack) > 2 and isinstance(ack[2], (int, float)):
                        self._arrive_ms.append(ack[2] - received * 1000)

    # ------------------------------------------------------------------ public helpers

    def stats(self) -> dict[str, Any]:
        """Counters and latencies (ms, p50/p95) measured by this widget.

        ``capture_to_kernel``: a mic frame leaving the browser's capture worklet → its message
        handled in the kernel. ``reply_to_scheduled``: a reply chunk received from the session →
        its samples handed to the browser's playback worklet; ``reply_to_browser`` the part of
        that until the message reached the widget's JavaScript.
        """
        out: dict[str, Any] = dict(self._counts)
        out["messages_to_browser"] = self._batcher.messages
        out["played_samples"] = self.played_samples
        for name, values in (("capture_to_kernel", self._capture_ms),
                             ("reply_to_scheduled", self._reply_ms),
                             ("reply_to_browser", self._arrive_ms)):  # fmt: skip
            data = list(values)
            out[name] = {"n": len(data), "p50": _percentile(data, 50), "p95": _percentile(data, 95)}
        return out

    def close(self) -> None:
        """Cancel the widget's tasks, close its session (in the background) and the comm."""
        session = self._detach()
        self._batcher.close()
        for task in list(self._tasks):
            self._cancel(task)
        loop = self._loop
        if session is not None and loop is not None and loop.is_running():
            self._spawn(session.close())
        super().close()
