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
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets as t

from ..catalog import DEFAULT_VOICE, LANGUAGES, VOICES, normalize_language_code
from ..exceptions import ConfigError, ProtocolError, SessionClosed
from ..secret import Secret
from ..session import SessionStatus, connect
from .batcher import Batcher
from .browser_input import BrowserInput, level_db
from .downlink import Downlink
from .kernel_audio import kernel_audio_for
from .messages import TO_KERNEL
from .opening import Opening, Recipe
from .state import closed_error, is_closed, session_gone, ttfa_ms
from .tasks import Task, TaskSet, on_loop, running_loop
from .uplink import forward

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..config import LiveConfigFields

__all__ = ["VoiceWidget"]

_STATIC = Path(__file__).resolve().parents[1] / "static"
BARGE_IN_MODES = ("auto", "always", "never")


async def _open_session(config: Any, endpoint: Any, api_key: Secret | None, **fields: Any) -> Any:
    return await connect(config, endpoint=endpoint, api_key=api_key, **fields)  # type: ignore[arg-type]


Handler = Callable[[dict[str, Any], list[bytes]], None]


class VoiceWidget(anywidget.AnyWidget):
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
        self._tasks = TaskSet(lambda: self._loop, self._task_failed)
        self._unsubscribe: Callable[[], None] | None = None
        self._pump_task: Task | None = None
        self._opening = Opening()
        self._batcher = Batcher(self._send_batch)
        self._batcher.loop = self._loop
        self._closing = False
        self._input = BrowserInput(self._batcher)  # the page's input: checked, counted, queued
        self._kernel_audio = kernel_audio_for(audio, lambda: self._loop, self._tasks.spawn)
        if (kernel := self._kernel_audio) is not None:  # the kernel's mic follows mic_on
            self.observe(lambda change: kernel.mic(change["new"]), names="mic_on")
        self._downlink = Downlink(self._batcher, reply_audio=self._kernel_audio is None,
                                  ttfa=lambda: ttfa_ms(self._session))  # fmt: skip
        self._handlers: dict[str, Handler] = {  # TO_KERNEL kind -> its handler
            TO_KERNEL.READY: self._on_ready,
            TO_KERNEL.AUDIO: self._on_audio,
            TO_KERNEL.VIDEO: self._input.video,
            TO_KERNEL.PLAYED: self._on_played,
            TO_KERNEL.CONNECT: self._on_connect,
            TO_KERNEL.DISCONNECT: self._on_disconnect,
            TO_KERNEL.TEXT: self._input.text,
            TO_KERNEL.ACTIVITY: self._input.activity,
            TO_KERNEL.ECHO: self._on_echo,
        }
        super().__init__(
            _uid=uuid.uuid4().hex,
            voices=[{"name": v.name, "style": v.style} for v in VOICES],
            languages=[{"code": lang.code, "name": lang.name} for lang in LANGUAGES],
            **ui,
        )
        for name, value in picked.items():
            if value is not None:
                setattr(self, name, value)
        key = Secret(api_key) if isinstance(api_key, str) else api_key
        self._recipe = Recipe(config, endpoint, key, fields)
        self.played_samples = 0
        self.probe: dict[str, Any] = {}
        self.endpoint = self._recipe.describe(self.model)
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
            self.error = self._recipe.redact(f"Could not connect: {exc}")
            raise
        if session is None:
            raise SessionClosed(1000, "disconnected (or the widget closed) while connecting")
        return session

    async def _open(self) -> Any:
        r = self._recipe
        fields = r.fields(voice=self.voice, language=self.language, model=self.model,
                          push_to_talk=self.push_to_talk)  # fmt: skip
        return await _open_session(r.config, r.endpoint, r.api_key, **fields)

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
        inbox = self._input.open()
        self._pump_task = self._tasks.spawn(forward(session, inbox, self._send_failed))
        self._unsubscribe = session.subscribe(self._on_event)
        closed = is_closed(session)
        self.connected = not closed
        self.status = "closed" if closed else "connected"
        cfg = getattr(session, "config", None)
        if cfg is not None:  # show what the session really uses
            self.voice = cfg.voice or self.voice
            self.language = cfg.language or ""
            self.model = cfg.model or getattr(getattr(session, "endpoint", None), "model", "")
        ep = getattr(session, "endpoint", None)
        if ep is not None and hasattr(ep, "describe"):
            self.endpoint = self._recipe.redact(ep.describe())
        self._downlink.mark("connected")
        if self._kernel_audio is not None:  # audio="kernel": the kernel's mic and speakers
            self._kernel_audio.attach(session, self.mic_on)
        if note := getattr(session, "modality_note", None):  # the endpoint refused AUDIO+TEXT
            self._downlink.mark(str(note), "warn")

    def _detach(self) -> Any:
        session, self._session = self._session, None
        if session is not None and (kernel := getattr(self, "_kernel_audio", None)) is not None:
            kernel.detach()  # (getattr: close() also runs when __init__ failed)
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._pump_task is not None:
            self._tasks.cancel(self._pump_task)
            self._pump_task = None
        self._input.close()
        if session is not None:
            # Queued reply audio is stale once the session is gone; the browser flushes its own
            # playback when `connected` turns false (no "interrupted": nothing was cut off).
            self._batcher.drop_audio()
        return session

    def _task_failed(self, exc: BaseException) -> None:
        self.error = self._recipe.redact(f"{type(exc).__name__}: {exc}")

    def _send_failed(self, kind: str, exc: Exception) -> None:
        self.error = self._recipe.redact(f"Sending {kind} failed: {exc}")

    # ------------------------------------------------------------------ events -> browser

    def _on_event(self, event: Any) -> None:
        if isinstance(event, SessionStatus):
            self._on_status(event)
        else:
            self._downlink.event(event)

    def _on_status(self, event: Any) -> None:
        state = event.state
        self.status = state
        self.connected = state == "connected"
        if state == "reconnecting":
            self._downlink.mark("reconnecting…", "warn")
        if state == "closed":
            session_gone(self)
            code = getattr(event, "code", None)
            text = closed_error(code, getattr(event, "detail", "") or "")
            if text is not None and not self._closing:
                self.error = self._recipe.redact(text)
                self._downlink.mark(f"closed ({code})", "error")
            else:
                self._downlink.mark("disconnected")
            if self._session is not None:
                self._detach()

    # ------------------------------------------------------------------ browser -> kernel

    def _on_custom(self, _widget: Any, content: dict[str, Any], buffers: list[Any]) -> None:
        # ipykernel 7 with a subshell-aware front end (JupyterLab 4.4+) runs comm handlers on a
        # subshell thread with its own loop: hop to the session's loop, copying the buffers.
        on_loop(self._loop, self._dispatch, content, [bytes(b) for b in buffers or ()])

    def _dispatch(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        self._input.message()
        handler = self._handlers.get(kind) if isinstance(kind, str) else None
        if handler is not None:
            handler(content, buffers)

    def _on_ready(self, content: dict[str, Any], _buffers: list[bytes]) -> None:
        self._input.restart()
        if isinstance(content.get("probe"), dict):
            self.probe = content["probe"]
        if self._session is None:  # an emulator started since construction shows up now
            self.endpoint = self._recipe.describe(self.model) or self.endpoint
        self._batcher.open()

    def _on_audio(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        try:
            self._input.audio(content, buffers)
        except ProtocolError as exc:  # counted and shown; the message's other parts still count
            self.error = str(exc)
        self._on_played(content, buffers)

    def _on_played(self, content: dict[str, Any], _buffers: list[bytes]) -> None:
        report = self._input.played(content, self._session_epoch)
        if report.levels is not None:
            with self.hold_sync():  # one update message for both traits
                self.input_level, self.output_level = report.levels
        if report.samples is not None:
            self.played_samples = report.samples
            if self._session is not None:
                self._session.report_playback(report.samples)

    def _on_connect(self, _content: dict[str, Any], _buffers: list[bytes]) -> None:
        if self._session is None:
            self._tasks.spawn(self._connect_quietly())

    def _on_disconnect(self, _content: dict[str, Any], _buffers: list[bytes]) -> None:
        self._tasks.spawn(self.disconnect())

    def _on_echo(self, content: dict[str, Any], _buffers: list[bytes]) -> None:
        coupling = level_db(content.get("coupling_db"))
        if coupling is not None:
            self.echo_db = coupling

    async def _connect_quietly(self) -> None:
        with contextlib.suppress(Exception):  # the error is in the widget already
            await self.connect()

    # ------------------------------------------------------------------ figures

    @property
    def chunks_out(self) -> int:
        """Reply audio chunks sent to the page."""
        return self._downlink.chunks_out

    def stats(self) -> dict[str, Any]:
        """Counters, message rates and latencies (ms, p50/p95) measured by this widget.

        Each figure is explained at :meth:`~gemlive_nb.widget.browser_input.BrowserInput.stats`.
        """
        return self._input.stats(chunks_out=self.chunks_out, played_samples=self.played_samples,
                                 echo_db=self.echo_db)  # fmt: skip

    def _send_batch(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        self.send(content, buffers=buffers)

    def close(self) -> None:
        """Cancel the widget's tasks, close its session (in the background) and the comm."""
        self._opening.abandon(self._loop)
        session = self._detach()
        self._batcher.close()
        self._tasks.cancel_all()
        loop = self._loop
        if session is not None and loop is not None and loop.is_running():
            self._tasks.spawn(session.close())
        super().close()
