"""VoiceWidget: talk to Gemini Live from a notebook cell, through the browser's mic and speakers.

The browser side (``gemlive_nb/static/widget.js``, built from ``js/``) captures the microphone at
the device rate, resamples it to 16 kHz PCM16 in an AudioWorklet and sends numbered frames in
batches as custom comm messages with binary buffers; replies come back the same way and play
through a jitter-buffered AudioWorklet. Both directions stay within a message budget
(:mod:`gemlive_nb.widget.messages`). Traits carry only UI state (they are saved in the
notebook): never a key, never audio. The session runs as tasks on the kernel's own loop, so the
cell that displays the widget returns at once; a session on another loop (``connect_sync`` runs
one on a background thread) works too: the widget hops to ``session.loop``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets as t

from ..catalog import DEFAULT_VOICE, LANGUAGES, VOICES, normalize_language_code
from ..endpoints import resolve_endpoint
from ..exceptions import ConfigError, SessionClosed
from ..protocol import (
    AudioChunk,
    GroundingMetadata,
    InputTranscript,
    Interrupted,
    OutputTranscript,
    TextPart,
    ToolCall,
    TurnComplete,
)
from ..secret import Secret, redact
from ..session import PlaybackCut, SessionStatus, connect
from .batcher import Batcher
from .browser_input import BrowserInput
from .kernel_audio import kernel_audio_for
from .media import grounding_item
from .messages import TO_BROWSER
from .opening import Opening
from .state import is_closed as _is_closed
from .state import session_gone
from .state import ttfa_ms as _ttfa_ms
from .tasks import Task, cancel, running_loop, spawn
from .uplink import FrameCounter, Inbox, forward

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..config import LiveConfigFields

__all__ = ["VoiceWidget"]

logger = logging.getLogger(__name__)
_STATIC = Path(__file__).resolve().parents[1] / "static"
BARGE_IN_MODES = ("auto", "always", "never")


async def _open_session(config: Any, endpoint: Any, api_key: Secret | None, **fields: Any) -> Any:
    return await connect(config, endpoint=endpoint, api_key=api_key, **fields)  # type: ignore[arg-type]


class VoiceWidget(BrowserInput, anywidget.AnyWidget):
    """A voice console for Gemini Live: mic, speaker, pickers, meters and a live transcript.

    ``session``: an open :class:`LiveSession` to drive (the widget then owns it: Disconnect
    closes it). Otherwise the widget opens one on Connect (or on Mic) with ``config``,
    ``endpoint``, ``api_key`` and the LiveConfig fields (as :func:`gemlive_nb.connect`), plus
    the voice, language and model chosen in the pickers. With ``push_to_talk=True`` the
    service's voice activity detection is off and Hold-to-talk (or Space) marks each turn.
    ``barge_in``: ``"auto"`` (mic audio that is the reply's own echo does not interrupt),
    ``"always"`` or ``"never"`` (the mic is muted while the reply plays).

    Example::

        w = gl.VoiceWidget(voice="Kore", system_instruction="Be brief.")
        w                               # displays the console
        await w.connect()               # same as pressing Connect
        w.stats()                       # frames in, gaps, messages/s, latency percentiles
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
    video_on = t.Bool(False, help="A camera or screen is sending frames (set by the page)").tag(
        sync=True
    )
    push_to_talk = t.Bool(False).tag(sync=True)
    muted = t.Bool(False).tag(sync=True)
    barge_in = t.Enum(BARGE_IN_MODES, "auto", help="auto | always | never").tag(sync=True)
    input_level = t.Float(-100.0, help="Mic level in dBFS, synced once a second").tag(sync=True)
    output_level = t.Float(-100.0, help="Playback level in dBFS").tag(sync=True)
    echo_db = t.Float(-100.0, help="Reply audio heard back through the mic, dB").tag(sync=True)
    voices = t.List(t.Dict(), help="The catalog's voices: [{name, style}]").tag(sync=True)
    languages = t.List(t.Dict(), help="The catalog's languages: [{code, name}]").tag(sync=True)
    audio_constraints = t.Dict(
        help="getUserMedia flags; turn them off to hear the mic exactly as captured"
    ).tag(sync=True)
    frame_ms = t.Int(20, help="Mic frame length in the capture worklet, 20-40 ms").tag(sync=True)
    audio = t.Unicode("browser", help="Whose mic and speakers: browser | kernel").tag(sync=True)
    # Sessions attached: the page counts played samples per session, its reports carry this.
    _session_epoch = t.Int(0).tag(sync=True)

    def __init__(
        self,
        session: Any = None,
        *,
        config: Any = None,
        endpoint: Any = None,
        api_key: str | Secret | None = None,
        mic_on: bool = False,
        push_to_talk: bool = False,
        muted: bool = False,
        barge_in: str = "auto",
        frame_ms: int = 20,
        audio_constraints: dict[str, bool] | None = None,
        audio: str = "browser",
        **config_fields: Unpack[LiveConfigFields],
    ) -> None:
        fields: dict[str, Any] = dict(config_fields)
        ui: dict[str, Any] = {"mic_on": mic_on, "push_to_talk": push_to_talk, "muted": muted,
                              "barge_in": barge_in, "frame_ms": frame_ms}  # fmt: skip
        picked = {k: fields.pop(k) for k in ("voice", "language", "model") if k in fields}
        flags = {"echoCancellation": True, "noiseSuppression": True, "autoGainControl": True}
        ui["audio_constraints"] = {**flags, **(audio_constraints or {})}
        ui["audio"] = audio
        # The loop the session runs on: the kernel's (a cell's) loop, else the first connect()'s.
        # A given session's own loop wins: it may run on a background thread.
        self._loop: asyncio.AbstractEventLoop | None
        self._loop = getattr(session, "loop", None) or running_loop()
        # Set before the traits so that close() (also run by __del__) works even if they fail.
        self._session: Any = None
        self._tasks: set[Task] = set()
        self._unsubscribe: Callable[[], None] | None = None
        self._inbox: Inbox | None = None
        self._pump_task: Task | None = None
        self._opening = Opening()
        self._batcher = Batcher(self._send_batch)
        self._batcher.loop = self._loop
        self._closing = False
        self._kernel_audio = kernel_audio_for(self, audio)
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
        self._config_fields = fields
        self._frames = FrameCounter()
        self._reply_ms: list[float] = []
        self._arrive_ms: list[float] = []
        self._held_ms: list[float] = []
        self.chunks_out = 0
        self.played_samples = 0
        self.probe: dict[str, Any] = {}
        self.endpoint = self._describe_endpoint()
        self.on_msg(self._on_custom)
        if session is not None:
            self._attach(session)

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

        Returns the LiveSession. Failures raise and are also shown in the widget. Calls while
        one is in flight share it; :meth:`disconnect` meanwhile abandons it (``SessionClosed``).
        """
        if self._session is not None:
            return self._session
        if not self._opening.pending:
            self._loop = self._batcher.loop = asyncio.get_running_loop()
            self.status = "connecting"
            self.error = ""
        try:
            session = await self._opening.join(self._loop or asyncio.get_running_loop(),
                                               self._open, self._attach)  # fmt: skip
        except Exception as exc:
            session_gone(self)
            self.error = redact(f"Could not connect: {exc}", self._api_key)
            raise
        if session is None:
            raise SessionClosed(1000, "disconnected (or the widget closed) while connecting")
        return session

    async def _open(self) -> Any:
        fields = dict(self._config_fields)
        fields["voice"] = self.voice
        if self.language:
            fields["language"] = self.language
        if self.model:
            fields["model"] = self.model
        if self.push_to_talk and "vad" not in fields:
            fields["vad"] = {"disabled": True}
        return await _open_session(self._config, self._endpoint_arg, self._api_key, **fields)

    async def disconnect(self) -> None:
        """Stop streaming and close the session (a normal end: no error is shown)."""
        self._closing = True
        self._opening.abandon(self._loop)
        session = self._detach()
        if session is not None:
            with contextlib.suppress(Exception):
                await session.close()
        session_gone(self)
        self._closing = False

    def _attach(self, session: Any) -> None:
        self._session = session
        self.played_samples = 0  # the page counts this session's from 0 (a new epoch)
        self._session_epoch += 1
        self._inbox = Inbox()
        self._pump_task = self._spawn(forward(session, self._inbox, self._send_failed))
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
        self._batcher.item({"type": TO_BROWSER.MARK, "text": "connected", "tone": "info"})
        if self._kernel_audio is not None:  # audio="kernel": the kernel's mic and speakers
            self._kernel_audio.attach(session)
        if note := getattr(session, "modality_note", None):  # the endpoint refused AUDIO+TEXT
            self._batcher.item({"type": TO_BROWSER.MARK, "text": str(note), "tone": "warn"})

    def _detach(self) -> Any:
        session, self._session = self._session, None
        if session is not None and (kernel := getattr(self, "_kernel_audio", None)) is not None:
            kernel.detach()  # (getattr: close() also runs when __init__ failed)
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._pump_task is not None:
            self._cancel(self._pump_task)
            self._pump_task = None
        self._inbox = None
        if session is not None:
            # Queued reply audio is stale once the session is gone; the browser flushes its own
            # playback when `connected` turns false (no "interrupted": nothing was cut off).
            self._batcher.drop_audio()
        return session

    def _spawn(self, coro: Any) -> Task:
        task = spawn(self._loop or asyncio.get_running_loop(), coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _cancel(self, task: Task) -> None:
        cancel(self._loop, task)

    def _task_done(self, task: Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            self.error = redact(f"{type(exc).__name__}: {exc}", self._api_key)

    def _send_failed(self, kind: str, exc: Exception) -> None:
        self.error = redact(f"Sending {kind} failed: {exc}", self._api_key)

    # ------------------------------------------------------------------ events -> browser

    def _on_event(self, event: Any) -> None:
        b = self._batcher
        if isinstance(event, AudioChunk) and self._kernel_audio is None:
            self.chunks_out += 1
            b.audio(event.data, event.rate, time.time())
        elif isinstance(event, InputTranscript):
            b.transcript("user", event.text, bool(event.finished), speaker=event.speaker)
        elif isinstance(event, OutputTranscript):  # each word shows once (see reply_words)
            b.reply_words(event.text, transcribed=True, final=bool(event.finished))
        elif isinstance(event, TextPart) and not event.thought:
            b.reply_words(event.text, transcribed=False, final=False)
        elif isinstance(event, Interrupted):
            b.interrupt()
        elif isinstance(event, PlaybackCut):
            heard = getattr(event, "transcript", None)
            b.item({"type": TO_BROWSER.CUT, "heard": heard if isinstance(heard, str) else None,
                    "played_samples": event.played_samples})  # fmt: skip
        elif isinstance(event, TurnComplete):
            ttfa = _ttfa_ms(self._session)
            b.item({"type": TO_BROWSER.TURN, "reason": event.reason, "ttfa_ms": ttfa})
        elif isinstance(event, ToolCall):
            calls = [{"id": c.id, "name": c.name, "args": c.args} for c in event.calls]
            b.item({"type": TO_BROWSER.TOOL, "calls": calls})
        elif isinstance(event, GroundingMetadata):
            item = grounding_item(event)
            if item is not None:
                b.item(item)
        elif isinstance(event, SessionStatus):
            self._on_status(event)

    def _on_status(self, event: Any) -> None:
        state = event.state
        self.status = state
        self.connected = state == "connected"
        mark = TO_BROWSER.MARK
        if state == "reconnecting":
            self._batcher.item({"type": mark, "text": "reconnecting…", "tone": "warn"})
        if state == "closed":
            session_gone(self)
            code = getattr(event, "code", None)
            detail = getattr(event, "detail", "") or ""
            if code not in (None, 1000) and not self._closing:
                if f"code {code}" in detail:  # the session's text already names the code
                    text = detail[:1].upper() + detail[1:]
                else:
                    text = f"Connection closed with code {code}" + (f": {detail}" if detail else "")
                self.error = redact(text, self._api_key)
                self._batcher.item({"type": mark, "text": f"closed ({code})", "tone": "error"})
            else:
                self._batcher.item({"type": mark, "text": "disconnected", "tone": "info"})
            if self._session is not None:
                self._detach()

    async def _connect_quietly(self) -> None:
        with contextlib.suppress(Exception):  # the error is in the widget already
            await self.connect()

    def _send_batch(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        self.send(content, buffers=buffers)

    def close(self) -> None:
        """Cancel the widget's tasks, close its session (in the background) and the comm."""
        self._opening.abandon(self._loop)
        session = self._detach()
        self._batcher.close()
        for task in list(self._tasks):
            self._cancel(task)
        loop = self._loop
        if session is not None and loop is not None and loop.is_running():
            self._spawn(session.close())
        super().close()
