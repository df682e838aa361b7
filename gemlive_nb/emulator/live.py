"""One Live connection: setup, turns, audio input through the VAD, replies, tools, resumption.

The state machine follows PROTOCOL.md §2–§5. Choices where the service is not documented:
``activityStart``/``activityEnd`` are ignored while automatic activity detection is on; tool
responses with unknown ids are accepted and ignored; NON_BLOCKING results default to
``WHEN_IDLE`` scheduling. The service's rules per model and dated regime
(:mod:`gemlive_nb.protocol.service_rules`, ``Emulator(rules=...)``) are enforced with its close
codes: ``clientContent`` after the first turn (or without ``historyConfig``) where the regime
takes it only as initial history (3.1 in ``"2026-03"``), ``mediaChunks`` where refused.
A reply is one asyncio task that sends, in order:
``outputTranscription`` pieces interleaved with ``modelTurn`` audio chunks (24 kHz, ``chunk_ms``
each, ``burst`` chunks at a time), ``generationComplete``, then ``turnComplete`` together with
``usageMetadata``, then ``sessionResumptionUpdate`` when resumption is on. Barge-in cancels the
task and sends ``interrupted`` (plus ``toolCallCancellation`` for pending calls) and
``turnComplete``. Errors end the connection with a close frame, never a JSON error message.

The connection owns its parts, each with its own state: a :class:`~.connection.Sender`
(frames out), a :class:`~.speaker.Speaker` (replies) that asks a
:class:`~.turn_responder.TurnResponder` what to say, and a :class:`~.listener.Listener` (audio
input); what they share is the explicit :class:`~.connection.Session`. Used by
:class:`gemlive_nb.emulator.Emulator`; not a public API.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from ..exceptions import GemliveError
from ..protocol import normalize_keys
from .connection import Sender, Session
from .faults import ABORTED, INTERNAL, SESSION_LIMIT
from .frames import Closed, is_connection_closed, nbytes, summary
from .hot_frames import FastServerConnection, hot_audio, parse_hot_audio
from .hub import Hub, SessionRecord
from .listener import Listener, pcm16
from .proxy import adapt_message
from .refusals import check_client_content, check_media_chunks
from .responder import VIDEO_FRAME_TOKENS, text_tokens
from .setup import INVALID, Rejected, SessionSetup, _functions, content_text, validate_setup
from .speaker import Speaker
from .strict import check_message
from .turn_responder import TurnResponder

__all__ = ["Hub", "LiveConnection", "SessionRecord"]

log = logging.getLogger("gemlive_nb.emulator")

_TYPES = ("setup", "clientContent", "realtimeInput", "toolResponse", "contextUpdate")
_SNAKE = {"client_content", "realtime_input", "tool_response", "context_update"}


class LiveConnection:
    """Serve one accepted WebSocket ``ws`` until it closes.

    ``kind`` is the endpoint the client dialled (google, ephemeral, vertex or proxy),
    ``path_model`` the model a proxy URL names.
    """

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
        self.path_model = path_model
        self.kind = kind
        self.session = session = Session(record, kind=kind, orders=hub.orders)
        self.sender = Sender(ws, record, hub.faults, session)
        responder = TurnResponder(hub.responder, seed=hub.seed * 1_000_003 + record.id)
        self.speaker = Speaker(session, self.sender, hub, responder)
        self.listener = Listener(session, self.sender, hub, self.speaker)
        self.sender.on_stop = self.speaker.stop
        self.blocking_answers: list[dict[str, Any]] = []  # answers to calls the turn waits on
        self.dispatching = False  # a message other than streamed audio is being handled

    @property
    def cfg(self) -> SessionSetup | None:
        """The validated setup (None before it came)."""
        return self.session.cfg

    @property
    def closed(self) -> bool:
        """Whether the connection has closed (or dropped)."""
        return self.session.closed

    async def close(self, code: int, reason: str) -> None:
        """Close with ``code`` and ``reason`` (recorded), stopping any reply; idempotent."""
        await self.sender.close(code, reason)

    def drop(self) -> None:
        """Cut the TCP connection without a close frame (the client sees 1006)."""
        self.sender.drop()

    async def run(self) -> None:
        """Serve the connection until it closes, then record how it closed and stop its tasks."""
        timers = [asyncio.ensure_future(t) for t in (self._lifetime(), self._session_limit())]
        try:
            await self._serve()
        except Closed:
            pass
        except Rejected as e:
            await self.close(e.code, e.reason)
        except Exception as e:  # a bug here must look like the service's internal error
            if not self.closed and not is_connection_closed(e):
                log.exception("emulator session %d failed", self.record.id)
                await self.close(1011, INTERNAL)
        finally:
            for timer in timers:
                timer.cancel()
            self.speaker.cancel_reply()
            for task in list(self.session.tasks):
                task.cancel()
            if self.record.close_code is None:
                code = getattr(self.ws, "close_code", None)
                self.record.close_code = 1000 if code is None else code
                self.record.close_reason = getattr(self.ws, "close_reason", "") or ""
            self.session.closed = True  # audio still queued for the VAD batch is dropped

    async def _session_limit(self) -> None:
        """Enforce the service's session limits (which compression lifts).

        Audio-only sessions last ``audio_session_s``, sessions with video ``video_session_s``,
        counted across resumptions.
        """
        hub = self.hub
        while not self.closed:
            compressed = self.cfg is not None and self.cfg.compression is not None
            limit = hub.video_session_s if self.session.video_tokens else hub.audio_session_s
            left = self.session.session_start + limit - time.monotonic()
            if not compressed and left <= 0:
                await self.close(1008, SESSION_LIMIT)
                return
            await asyncio.sleep(min(max(left, 0.05), 5.0))

    async def _lifetime(self) -> None:
        faults = self.hub.faults
        go_at, end_at = faults.lifetime()
        events: list[tuple[float, str]] = [(go_at, "goaway"), (end_at, "end")]
        if faults.drop_after is not None:
            events.append((faults.drop_after, "drop"))
        for at, what in sorted(events):
            await asyncio.sleep(max(0.0, self.session.t0 + at - time.monotonic()))
            if self.closed:
                return
            if what == "drop" and faults.take("drop_after"):
                self.drop()
                return
            if what == "goaway":
                with contextlib.suppress(Exception):
                    msg = {"goAway": {"timeLeft": faults.time_left_text()}}
                    await self.sender.send_msg(msg, "goAway")
            if what == "end":
                await self.close(1008, ABORTED)
                return

    async def _serve(self) -> None:
        raw = getattr(self.ws, "_ws", self.ws)  # under a token's lock, the websockets connection
        if isinstance(raw, FastServerConnection) and self.kind != "proxy":
            raw.hot_handler = self._hot_frame
        async for frame in self.ws:
            if self.closed:
                return
            msg = self._decode(frame)
            if msg is None:
                continue
            self.dispatching = True
            try:
                await self._dispatch(msg)
            finally:
                self.dispatching = False

    def _hot_frame(self, frame: bytes) -> bool:
        """Take a realtimeInput audio chunk as it is parsed (see :mod:`.hot_frames`).

        Returning False leaves the frame to :meth:`_serve` (not audio, not now, or something to
        reject).
        """
        if self.closed or self.dispatching or self.cfg is None:
            return False
        hot = parse_hot_audio(frame)
        if hot is None:
            return False
        mime, data = hot
        try:
            samples = pcm16(data)
        except GemliveError:
            return False  # the ordinary path closes the connection with the reason
        self.record.note_audio(mime, nbytes(data))
        self.listener.on_samples(samples, mime, batch=True)
        return True

    def _decode(self, frame: str | bytes) -> dict[str, Any] | None:
        try:
            obj = json.loads(frame)
        except (ValueError, UnicodeDecodeError) as e:
            raise Rejected(1007, f"Invalid JSON payload received. {e}") from None
        if not isinstance(obj, dict):
            raise Rejected(1007, "Invalid JSON payload received. Expected an object.")
        for key in obj:
            if key not in _TYPES and key not in _SNAKE:
                raise Rejected(
                    1007, f'Invalid JSON payload received. Unknown name "{key}": Cannot find field.'
                )
        if len(obj) != 1:
            raise Rejected(1007, f"{INVALID} Exactly one of {', '.join(_TYPES[:4])} must be set")
        if self.kind == "proxy":
            obj = adapt_message(obj, self.hub.proxy_modalities)
        ((key, body),) = obj.items()
        hot = hot_audio(key, body)
        if hot is not None:  # the hot path: the shape is all there is to check
            mime, data = hot
            self.record.note_audio(mime, nbytes(data))
            if self.cfg is None:
                raise Rejected(1007, f"{INVALID} The first message must be setup")
            self.listener.on_audio(data, mime, batch=True)
            return None
        self.hub.vad_batch.flush()  # this session's queued audio first: its VAD is current
        if self.hub.strict:
            check_message(obj)
        msg = normalize_keys(obj)
        self.record.note_message(summary(msg))
        return msg

    async def _dispatch(self, msg: dict[str, Any]) -> None:
        ((kind, body),) = msg.items()
        if self.cfg is None and kind != "setup":
            raise Rejected(1007, f"{INVALID} The first message must be setup, not {kind}")
        if not isinstance(body, dict):
            raise Rejected(1007, f"{INVALID} {kind} must be an object")
        if kind == "setup":
            await self._on_setup(body)
        elif kind == "clientContent":
            await self._on_client_content(body)
        elif kind == "realtimeInput":
            await self._on_realtime(body)
        elif kind == "toolResponse":
            await self._on_tool_response(body)
        elif kind == "contextUpdate":
            self._on_context_update(body)

    # ------------------------------------------------------------------ setup

    async def _on_setup(self, body: dict[str, Any]) -> None:
        if self.cfg is not None:
            raise Rejected(1007, f"{INVALID} setup may be sent only once per connection")
        self.record.setup = body
        cfg = validate_setup(
            body,
            dialect=self.session.dialect,
            path_model=self.path_model,
            allow_unknown_models=self.hub.allow_unknown_models,
            regime=self.hub.rules,
        )
        if cfg.resume_handle:
            saved = self.hub.handles.get(cfg.resume_handle)
            if saved is None:
                raise Rejected(1008, "BidiGenerateContent session not found")
            self.session.history = [dict(h) for h in saved["history"]]
            self.session.session_start = self.session.t0 - float(saved.get("session_age", 0.0))
        self.session.cfg = cfg
        self.listener.configure(cfg)
        await self.sender.send_msg({"setupComplete": {}}, "setupComplete")
        if cfg.resumption:  # the service sends a first handle right away
            await self.speaker.save_point()

    def _on_context_update(self, body: dict[str, Any]) -> None:
        assert self.cfg is not None
        if "systemInstruction" in body:
            self.cfg.system_instruction = content_text(body["systemInstruction"])
        tools = body.get("tools")
        if isinstance(tools, dict) and "tools" in tools:
            tools = tools["tools"]
        if tools is not None:
            self.cfg.functions, self.cfg.google_search = _functions(tools)

    # ------------------------------------------------------------------ text input

    async def _on_client_content(self, body: dict[str, Any]) -> None:
        assert self.cfg is not None
        check_client_content(self.cfg, self.session.completed)
        turns = body.get("turns") or []
        if isinstance(turns, dict):
            turns = [turns]
        new_user: list[str] = []
        for turn in turns:
            if not isinstance(turn, dict):
                raise Rejected(1007, f"{INVALID} clientContent.turns must hold Content objects")
            role = turn.get("role", "user")
            text = content_text(turn)
            self.session.add(role, text)
            if role == "user":
                new_user.append(text)
        if turns or body.get("turnComplete"):
            await self.speaker.interrupt()  # content interrupts the current generation
        for text in new_user:
            self.session.turn_in["text"] += text_tokens(text)
        if body.get("turnComplete"):
            self.speaker.start_reply(self.session.last_user_text())

    async def _on_realtime(self, body: dict[str, Any]) -> None:
        assert self.cfg is not None
        if "text" in body:
            text = str(body["text"])
            if self.cfg.interrupts:
                await self.speaker.interrupt()
            self.session.add("user", text)
            self.session.turn_in["text"] += text_tokens(text)
            self.speaker.start_reply(text)
        if "audio" in body and isinstance(body["audio"], dict):
            self.listener.on_audio(body["audio"].get("data", ""), body["audio"].get("mimeType"))
        if "mediaChunks" in body:
            check_media_chunks(self.cfg, self.record.path)
        for chunk in (body.get("mediaChunks") or [])[:1]:  # only the first chunk is used
            mime = str(chunk.get("mimeType", "audio/pcm"))
            if mime.startswith("audio/"):
                self.listener.on_audio(chunk.get("data", ""), mime)
            else:
                self.session.video_tokens += VIDEO_FRAME_TOKENS
        if "video" in body:
            self.session.video_tokens += VIDEO_FRAME_TOKENS
        if self.cfg.aad_disabled:
            if "activityStart" in body:
                if self.cfg.interrupts:
                    await self.speaker.interrupt()
                self.listener.activity_start()
            if "activityEnd" in body:
                self.listener.activity_end()
        if body.get("audioStreamEnd"):
            self.listener.stream_end()

    # ------------------------------------------------------------------ tools

    async def _on_tool_response(self, body: dict[str, Any]) -> None:
        responses = body.get("functionResponses") or []
        if isinstance(responses, dict):
            responses = [responses]
        for fr in responses:
            if not isinstance(fr, dict):
                raise Rejected(1007, f"{INVALID} toolResponse.functionResponses must be objects")
            call_id = fr.get("id")
            given = fr.get("response")
            response: dict[str, Any] = given if isinstance(given, dict) else {}
            scheduling = fr.get("scheduling") or response.get("scheduling") or "WHEN_IDLE"
            self.session.add("tool", json.dumps(response, sort_keys=True))
            self.session.turn_in["text"] += text_tokens(json.dumps(response))
            if call_id in self.session.pending_blocking:
                self.session.pending_blocking.pop(call_id)
                self.blocking_answers.append(fr)
            elif call_id in self.session.pending_async:
                self.session.pending_async.pop(call_id)
                await self._async_result(fr, str(scheduling).upper())
        if self.blocking_answers and not self.session.pending_blocking:
            answers, self.blocking_answers = self.blocking_answers, []
            self.speaker.start_reply(None, tool_answers=answers)

    async def _async_result(self, fr: dict[str, Any], scheduling: str) -> None:
        if scheduling == "SILENT":
            return
        if scheduling == "INTERRUPT":
            await self.speaker.interrupt()
        self.speaker.start_reply(None, tool_answers=[fr])
