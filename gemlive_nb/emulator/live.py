"""One Live connection: setup, turns, audio input through the VAD, replies, tools, resumption.

The state machine follows PROTOCOL.md §2–§5. Choices where the service is not documented:
``activityStart``/``activityEnd`` are ignored while automatic activity detection is on; tool
responses with unknown ids are accepted and ignored; NON_BLOCKING results default to
``WHEN_IDLE`` scheduling; ``clientContent`` after the first turn closes 1007 on models whose
catalog entry forbids it (the 3.1 family). A reply is one asyncio task that sends, in order:
``outputTranscription`` pieces interleaved with ``modelTurn`` audio chunks (24 kHz, ``chunk_ms``
each, ``burst`` chunks at a time), ``generationComplete``, then ``turnComplete`` together with
``usageMetadata``, then ``sessionResumptionUpdate`` when resumption is on. Barge-in cancels the
task and sends ``interrupted`` (plus ``toolCallCancellation`` for pending calls) and
``turnComplete``. Errors end the connection with a close frame, never a JSON error message.

Used by :class:`gemlive_nb.emulator.Emulator`; not a public API.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import re
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..audio import Resampler, pcm16_to_array
from ..exceptions import GemliveError
from ..protocol import Usage, decode_b64, encode_b64, normalize_keys
from .faults import ABORTED, INTERNAL, Faults
from .responder import (
    VIDEO_FRAME_TOKENS,
    Responder,
    audio_tokens,
    grounding_metadata,
    match_tool,
    text_tokens,
    tool_result_text,
)
from .setup import (
    INVALID,
    Rejected,
    SessionSetup,
    _functions,
    close_reason,
    content_text,
    validate_setup,
)
from .vad import EnergyVad, Vad

__all__ = ["Hub", "LiveConnection", "SessionRecord"]

log = logging.getLogger("gemlive_nb.emulator")

IN_RATE = 16000
OUT_RATE = 24000
OUT_MIME = "audio/pcm;rate=24000"
_TYPES = ("setup", "clientContent", "realtimeInput", "toolResponse", "contextUpdate")
_SNAKE = {"client_content", "realtime_input", "tool_response", "context_update"}
_RATE_RE = re.compile(r"rate=(\d+)")


@dataclass
class SessionRecord:
    """What one connection did, for tests: path, redacted headers, setup, client messages.

    ``messages`` holds every client message after normalisation (camelCase); audio payloads are
    summarised as ``{"mimeType": ..., "bytes": n}``. ``sent`` lists the server message kinds in
    order (``"setupComplete"``, ``"audio"``, ``"outputTranscription"``, ``"turnComplete"``…).
    """

    id: int
    path: str
    headers: dict[str, str]
    setup: dict[str, Any] | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    turns: int = 0
    close_code: int | None = None
    close_reason: str = ""
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None

    @property
    def duration(self) -> float:
        return (self.ended or time.monotonic()) - self.started


@dataclass
class Hub:
    """What all connections of one emulator share: options, faults, speech, resumption handles."""

    dialect: str
    speech: Any
    faults: Faults
    responder: Responder
    seed: int = 0
    latency: float = 0.0
    chunk_ms: int = 40
    burst: int = 5
    realtime: bool | float = False
    allow_unknown_models: bool = False
    handles: OrderedDict = field(default_factory=OrderedDict)  # handle -> saved state
    max_handles: int = 4096
    _tts_cache: OrderedDict = field(default_factory=OrderedDict)

    @property
    def speed(self) -> float:
        """Pacing speed: 0 = as fast as possible, 1 = playback speed, 4 = four times faster."""
        if self.realtime is True:
            return 1.0
        return float(self.realtime or 0.0)

    def synthesize(self, text: str, voice: str, language: str) -> np.ndarray:
        """Reply audio (int16, 24 kHz), cached: identical replies are synthesized once."""
        key = (text, voice, language)
        hit = self._tts_cache.get(key)
        if hit is None:
            hit = np.asarray(self.speech.synthesize(text, voice, language), dtype=np.int16)
            self._tts_cache[key] = hit
            if len(self._tts_cache) > 256:
                self._tts_cache.popitem(last=False)
        return hit


class _Closed(Exception):
    """Internal: the connection was closed by us; stop processing."""


def _frame(msg: dict[str, Any]) -> bytes:
    return json.dumps(msg, separators=(",", ":"), ensure_ascii=False).encode()


def _audio_frame(b64: str) -> bytes:
    return (
        '{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"'
        + OUT_MIME
        + '","data":"'
        + b64
        + '"}}]}}}'
    ).encode()


def _nbytes(b64: str) -> int:
    """Decoded size of base64 text (either alphabet) without decoding it."""
    return len(b64) * 3 // 4 - b64[-2:].count("=")


def _summary(msg: dict[str, Any]) -> dict[str, Any]:
    """``msg`` with audio/video bytes replaced by their size (keeps session records small)."""
    ri = msg.get("realtimeInput")
    if not isinstance(ri, dict):
        return msg
    out = dict(ri)
    for key in ("audio", "video"):
        blob = out.get(key)
        if isinstance(blob, dict) and isinstance(blob.get("data"), str):
            out[key] = {"mimeType": blob.get("mimeType"), "bytes": _nbytes(blob["data"])}
    if isinstance(out.get("mediaChunks"), list):
        out["mediaChunks"] = [
            {"mimeType": c.get("mimeType"), "bytes": _nbytes(str(c.get("data", "")))}
            for c in out["mediaChunks"]
            if isinstance(c, dict)
        ]
    return {"realtimeInput": out}


class LiveConnection:
    """Serve one accepted WebSocket ``ws`` until it closes."""

    def __init__(
        self, ws: Any, hub: Hub, record: SessionRecord, path_model: str | None = None
    ) -> None:
        self.ws = ws
        self.hub = hub
        self.record = record
        # utterances are transcribed in threads; this keeps their transcripts and replies in the
        # order they were spoken (asyncio.Lock wakes waiters first in, first out)
        self._utterance_order = asyncio.Lock()
        self.path_model = path_model
        self.cfg: SessionSetup | None = None
        self.history: list[dict[str, Any]] = []  # {"role", "text", "audio_s"}
        self.rng = random.Random(hub.seed * 1_000_003 + record.id)
        self.reply_task: asyncio.Task | None = None
        self.turn_open = False
        self.completed = 0
        self.pending_blocking: dict[str, dict[str, Any]] = {}
        self.blocking_answers: list[dict[str, Any]] = []
        self.pending_async: dict[str, dict[str, Any]] = {}
        self.turn_in = {"text": 0, "audio": 0}  # tokens of the current user input
        self.video_tokens = 0
        self.vad: Vad | None = None
        self.resampler: Resampler | None = None
        self.resampler_rate = IN_RATE
        self.fed = 0
        self.chunks: list[tuple[int, np.ndarray]] = []
        self.speech_start: int | None = None
        self.manual_active = False
        self.closed = False
        self.tasks: set[asyncio.Task] = set()
        self.t0 = time.monotonic()

    def _spawn(self, coro: Any) -> None:
        """Run ``coro`` in the background, keeping a reference until it is done."""
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    # ------------------------------------------------------------------ sending

    async def send(self, data: bytes, kind: str) -> None:
        if self.closed:
            raise _Closed
        if self.hub.faults.slow:
            await asyncio.sleep(self.hub.faults.slow)
        await self.ws.send(data)
        self.record.sent.append(kind)

    async def send_msg(self, msg: dict[str, Any], kind: str) -> None:
        await self.send(_frame(msg), kind)

    async def close(self, code: int, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        reason = close_reason(reason)
        self.record.close_code, self.record.close_reason = code, reason
        if self.reply_task is not asyncio.current_task():
            self._cancel_reply()
        with contextlib.suppress(Exception):
            await self.ws.close(code, reason)

    def drop(self) -> None:
        """Cut the TCP connection without a close frame (the client sees 1006)."""
        self.closed = True
        self.record.close_code, self.record.close_reason = 1006, "dropped (fault injection)"
        self._cancel_reply()
        self.ws.transport.abort()

    # ------------------------------------------------------------------ main loop

    async def run(self) -> None:
        timers = asyncio.ensure_future(self._lifetime())
        try:
            await self._serve()
        except _Closed:
            pass
        except Rejected as e:
            await self.close(e.code, e.reason)
        except Exception as e:  # a bug here must look like the service's internal error
            if not self.closed and not _is_connection_closed(e):
                log.exception("emulator session %d failed", self.record.id)
                await self.close(1011, INTERNAL)
        finally:
            timers.cancel()
            self._cancel_reply()
            for task in list(self.tasks):
                task.cancel()
            if self.record.close_code is None:
                code = getattr(self.ws, "close_code", None)
                self.record.close_code = 1000 if code is None else code
                self.record.close_reason = getattr(self.ws, "close_reason", "") or ""

    async def _lifetime(self) -> None:
        faults = self.hub.faults
        go_at, end_at = faults.lifetime()
        events: list[tuple[float, str]] = [(go_at, "goaway"), (end_at, "end")]
        if faults.drop_after is not None:
            events.append((faults.drop_after, "drop"))
        for at, what in sorted(events):
            await asyncio.sleep(max(0.0, self.t0 + at - time.monotonic()))
            if self.closed:
                return
            if what == "drop" and faults.take("drop_after"):
                self.drop()
                return
            if what == "goaway":
                with contextlib.suppress(Exception):
                    await self.send_msg({"goAway": {"timeLeft": faults.time_left_text()}}, "goAway")
            if what == "end":
                await self.close(1008, ABORTED)
                return

    async def _serve(self) -> None:
        async for frame in self.ws:
            if self.closed:
                return
            msg = self._decode(frame)
            if msg is None:
                continue
            await self._dispatch(msg)

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
        ((key, body),) = obj.items()
        if key in ("realtimeInput", "realtime_input") and isinstance(body, dict):
            audio = body.get("audio")
            if isinstance(audio, dict) and len(body) == 1:  # hot path: skip normalisation
                mime = audio.get("mimeType") or audio.get("mime_type") or "audio/pcm"
                self.record.messages.append(
                    {
                        "realtimeInput": {
                            "audio": {
                                "mimeType": mime,
                                "bytes": _nbytes(str(audio.get("data", ""))),
                            }
                        }
                    }
                )
                if self.cfg is None:
                    raise Rejected(1007, f"{INVALID} The first message must be setup")
                self._on_audio(audio.get("data", ""), mime)
                return None
        msg = normalize_keys(obj)
        self.record.messages.append(_summary(msg))
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
            dialect=self.hub.dialect,
            path_model=self.path_model,
            allow_unknown_models=self.hub.allow_unknown_models,
        )
        if cfg.resume_handle:
            saved = self.hub.handles.get(cfg.resume_handle)
            if saved is None:
                raise Rejected(1008, "BidiGenerateContent session not found")
            self.history = [dict(h) for h in saved["history"]]
        self.cfg = cfg
        if not cfg.aad_disabled:
            make_vad = getattr(self.hub.speech, "make_vad", None)  # the speech extra's VAD
            self.vad = make_vad(cfg.aad, IN_RATE) if make_vad else EnergyVad(cfg.aad, rate=IN_RATE)
        await self.send_msg({"setupComplete": {}}, "setupComplete")

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
        info = self.cfg.model_info if self.cfg else None
        if info is not None and not info.client_content_after_first_turn and self.completed:
            raise Rejected(
                1007, f"{INVALID} clientContent is only for initial history on {info.name}"
            )
        turns = body.get("turns") or []
        if isinstance(turns, dict):
            turns = [turns]
        new_user: list[str] = []
        for turn in turns:
            if not isinstance(turn, dict):
                raise Rejected(1007, f"{INVALID} clientContent.turns must hold Content objects")
            role = turn.get("role", "user")
            text = content_text(turn)
            self.history.append({"role": role, "text": text, "audio_s": 0.0})
            if role == "user":
                new_user.append(text)
        if turns or body.get("turnComplete"):
            await self._interrupt()  # content interrupts the current generation
        for text in new_user:
            self.turn_in["text"] += text_tokens(text)
        if body.get("turnComplete"):
            self._start_reply(self._last_user_text())

    async def _on_realtime(self, body: dict[str, Any]) -> None:
        assert self.cfg is not None
        if "text" in body:
            text = str(body["text"])
            if self.cfg.interrupts:
                await self._interrupt()
            self.history.append({"role": "user", "text": text, "audio_s": 0.0})
            self.turn_in["text"] += text_tokens(text)
            self._start_reply(text)
        if "audio" in body and isinstance(body["audio"], dict):
            self._on_audio(body["audio"].get("data", ""), body["audio"].get("mimeType"))
        for chunk in (body.get("mediaChunks") or [])[:1]:  # only the first chunk is used
            mime = str(chunk.get("mimeType", "audio/pcm"))
            if mime.startswith("audio/"):
                self._on_audio(chunk.get("data", ""), mime)
            else:
                self.video_tokens += VIDEO_FRAME_TOKENS
        if "video" in body:
            self.video_tokens += VIDEO_FRAME_TOKENS
        if self.cfg.aad_disabled:
            if "activityStart" in body:
                if self.cfg.interrupts:
                    await self._interrupt()
                self.manual_active = True
                self.chunks, self.speech_start = [], self.fed
            if "activityEnd" in body and self.manual_active:
                self.manual_active = False
                self._utterance_end(self.fed)
        if body.get("audioStreamEnd") and self.vad is not None and self.speech_start is not None:
            self._utterance_end(self.fed)
            self.vad.reset()
            self.fed, self.chunks = 0, []

    # ------------------------------------------------------------------ audio input

    def _on_audio(self, data: Any, mime: str | None) -> None:
        try:
            pcm = decode_b64(data, "realtimeInput.audio.data")
            x = pcm16_to_array(pcm)
        except GemliveError as e:
            raise Rejected(1007, f"{INVALID} {e}") from None
        m = _RATE_RE.search(mime or "")
        rate = int(m.group(1)) if m else IN_RATE
        if rate != IN_RATE:
            if self.resampler is None or self.resampler_rate != rate:
                self.resampler, self.resampler_rate = Resampler(rate, IN_RATE), rate
            x = self.resampler.process(x)
        if not len(x):
            return
        start = self.fed
        self.fed += len(x)
        if self.cfg is not None and self.cfg.aad_disabled:
            if self.manual_active:
                self.chunks.append((start, x))
            return
        self.chunks.append((start, x))
        assert self.vad is not None
        for ev in self.vad.feed(x):
            if ev.kind == "start":
                self.speech_start = ev.sample_offset
                if self.cfg is not None and self.cfg.interrupts and self.turn_open:
                    self._spawn(self._interrupt())
            elif ev.kind == "end" and self.speech_start is not None:
                self._utterance_end(ev.sample_offset)
        if self.speech_start is None:  # keep ~1 s of pre-roll only
            keep_from = self.fed - IN_RATE
            while self.chunks and self.chunks[0][0] + len(self.chunks[0][1]) < keep_from:
                self.chunks.pop(0)

    def _utterance_end(self, end: int) -> None:
        # a little context either side, as a recogniser would get from the stream
        start = max(0, (self.speech_start or 0) - IN_RATE // 5)
        end = min(self.fed, end + IN_RATE // 5)
        parts = [
            x[max(0, start - s) : max(0, end - s)]
            for s, x in self.chunks
            if s < end and s + len(x) > start
        ]
        self.speech_start = None
        self.chunks = [(s, x) for s, x in self.chunks if s + len(x) > end]
        utter = np.concatenate(parts) if parts else np.zeros(0, np.int16)
        self._spawn(self._on_utterance(utter))

    async def _on_utterance(self, samples: np.ndarray) -> None:
        async with self._utterance_order:
            await self._answer_utterance(samples)

    async def _answer_utterance(self, samples: np.ndarray) -> None:
        assert self.cfg is not None
        seconds = len(samples) / IN_RATE
        try:
            text = await asyncio.to_thread(self.hub.speech.transcribe, samples, self.cfg.language)
        except Exception:  # a recogniser failure must not end the session
            log.exception("transcription failed")
            text = f"[speech {seconds:.1f} s]"
        text = (text or "").strip()
        if self.closed:
            return
        if self.cfg.input_transcription and text:
            await self.send_msg(
                # one message per utterance, marked finished (the service streams deltas and
                # marks the last one), so clients can tell consecutive utterances apart
                {"serverContent": {"inputTranscription": {"text": text, "finished": True}}},
                "inputTranscription",
            )
        self.history.append({"role": "user", "text": text, "audio_s": seconds})
        self.turn_in["audio"] += audio_tokens(seconds)
        self._start_reply(text or f"[speech {seconds:.1f} s]")

    # ------------------------------------------------------------------ tools

    async def _on_tool_response(self, body: dict[str, Any]) -> None:
        responses = body.get("functionResponses") or []
        if isinstance(responses, dict):
            responses = [responses]
        for fr in responses:
            if not isinstance(fr, dict):
                raise Rejected(1007, f"{INVALID} toolResponse.functionResponses must be objects")
            call_id = fr.get("id")
            response = fr.get("response") if isinstance(fr.get("response"), dict) else {}
            scheduling = fr.get("scheduling") or response.get("scheduling") or "WHEN_IDLE"
            self.history.append(
                {"role": "tool", "text": json.dumps(response, sort_keys=True), "audio_s": 0.0}
            )
            self.turn_in["text"] += text_tokens(json.dumps(response))
            if call_id in self.pending_blocking:
                self.pending_blocking.pop(call_id)
                self.blocking_answers.append(fr)
            elif call_id in self.pending_async:
                self.pending_async.pop(call_id)
                await self._async_result(fr, str(scheduling).upper())
        if self.blocking_answers and not self.pending_blocking:
            answers, self.blocking_answers = self.blocking_answers, []
            self._start_reply(None, tool_answers=answers)

    async def _async_result(self, fr: dict[str, Any], scheduling: str) -> None:
        if scheduling == "SILENT":
            return
        if scheduling == "INTERRUPT":
            await self._interrupt()
        self._start_reply(None, tool_answers=[fr])

    def _call_id(self) -> str:
        return f"function-call-{self.rng.randrange(10**17, 10**19)}"

    # ------------------------------------------------------------------ replies

    def _last_user_text(self) -> str:
        return next((h["text"] for h in reversed(self.history) if h["role"] == "user"), "")

    def _user_texts(self) -> list[str]:
        return [h["text"] for h in self.history if h["role"] == "user"]

    def _start_reply(self, user_text: str | None, tool_answers: list | None = None) -> None:
        previous = self.reply_task
        self.turn_open = True
        self.reply_task = asyncio.ensure_future(self._reply(previous, user_text, tool_answers))

    def _cancel_reply(self) -> None:
        if self.reply_task is not None and not self.reply_task.done():
            self.reply_task.cancel()
        self.reply_task = None

    async def _interrupt(self) -> None:
        """Barge-in: stop the reply, cancel pending calls, end the turn."""
        if not self.turn_open:
            return
        self._cancel_reply()
        self.turn_open = False
        await self.send_msg({"serverContent": {"interrupted": True}}, "interrupted")
        ids = [*self.pending_blocking, *self.pending_async]
        if ids:
            self.pending_blocking.clear()
            self.pending_async.clear()
            await self.send_msg({"toolCallCancellation": {"ids": ids}}, "toolCallCancellation")
        await self._turn_complete(0, 0)

    async def _reply(
        self, previous: asyncio.Task | None, user_text: str | None, tool_answers: list | None
    ) -> None:
        if previous is not None and not previous.done():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await previous
        self.turn_open = True
        try:
            if self.hub.latency:
                await asyncio.sleep(self.hub.latency)
            await self._phase("turn_start")
            await self._generate(user_text, tool_answers)
        except _Closed:
            return
        except Exception as e:
            if not self.closed and not _is_connection_closed(e):
                log.exception("emulator reply failed")
                await self.close(1011, INTERNAL)

    async def _generate(self, user_text: str | None, tool_answers: list | None) -> None:
        cfg = self.cfg
        assert cfg is not None
        grounding = None
        if tool_answers:
            text = tool_result_text(tool_answers)
        else:
            user_text = user_text or ""
            matched = match_tool(user_text, cfg.functions) if cfg.functions else None
            if matched is not None:
                fn, args = matched
                call_id = self._call_id()
                call = {"id": call_id, "name": fn.name, "args": args}
                (self.pending_async if fn.non_blocking else self.pending_blocking)[call_id] = call
                self.history.append({"role": "model", "text": json.dumps(call), "audio_s": 0.0})
                await self.send_msg({"toolCall": {"functionCalls": [call]}}, "toolCall")
                if not fn.non_blocking:
                    return  # the turn stays open until the toolResponse arrives
                text = "Let me check that for you."
            else:
                text = self.hub.responder.reply(self._user_texts(), cfg.language)
                if cfg.google_search:
                    grounding = grounding_metadata(user_text, text)
        await self._speak(text, grounding)

    async def _speak(self, text: str, grounding: dict[str, Any] | None) -> None:
        cfg = self.cfg
        assert cfg is not None
        fail = self.hub.faults.should_fail(self.completed)
        pieces = _pieces(text)
        if not cfg.audio_out:
            for i, piece in enumerate(pieces):
                if i == len(pieces) // 2:
                    await self._phase("mid_audio")
                    if fail:
                        await self.close(1011, INTERNAL)
                        raise _Closed
                part = {"serverContent": {"modelTurn": {"parts": [{"text": piece}]}}}
                await self.send_msg(part, "text")
                await asyncio.sleep(0)
            self.history.append({"role": "model", "text": text, "audio_s": 0.0})
            await self._finish(grounding, text_tokens(text), 0, 0.0)
            return
        audio = await asyncio.to_thread(self.hub.synthesize, text, cfg.voice, cfg.language)
        step = OUT_RATE * self.hub.chunk_ms // 1000
        frames = [
            _audio_frame(encode_b64(audio[i : i + step].tobytes()))
            for i in range(0, len(audio), step)
        ]
        chunk_s = step / OUT_RATE
        duration = len(audio) / OUT_RATE
        # piece i is sent just before the first chunk that ends after its share of the audio
        marks = _marks(pieces, len(frames))
        burst = max(1, self.hub.burst)
        loop_start = time.monotonic()
        sent = 0
        try:
            for i, frame in enumerate(frames):
                if i % burst == 0 and i:
                    await self._pace(loop_start, i, burst, chunk_s)
                if i == len(frames) // 2:
                    await self._phase("mid_audio")
                    if fail:
                        await self.close(1011, INTERNAL)
                        raise _Closed
                for piece in marks.get(i, ()):
                    await self._send_piece(piece, cfg)
                await self.send(frame, "audio")
                sent = i + 1
        finally:
            said = text if sent == len(frames) else _prefix(text, sent / max(1, len(frames)))
            self.history.append({"role": "model", "text": said, "audio_s": sent * chunk_s})
        for piece in marks.get(len(frames), ()):
            await self._send_piece(piece, cfg)
        out_audio = audio_tokens(duration)
        speed = self.hub.speed
        await self._finish(grounding, 0, out_audio, loop_start + duration / speed if speed else 0.0)

    async def _phase(self, phase: str) -> None:
        """Phase-triggered faults (``go_away_at`` / ``drop_at``, see :mod:`.faults`)."""
        faults = self.hub.faults
        go, drop = faults.at_phase(phase)
        if go:
            await self.send_msg({"goAway": {"timeLeft": faults.time_left_text()}}, "goAway")
            self._spawn(self._end_after(faults.go_away_time_left))
        if drop:
            self.closed = True
            self.record.close_code, self.record.close_reason = 1006, "dropped (fault injection)"
            self.ws.transport.abort()
            raise _Closed

    async def _end_after(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        await self.close(1008, ABORTED)

    async def _send_piece(self, piece: str, cfg: SessionSetup) -> None:
        if cfg.output_transcription:
            msg = {"serverContent": {"outputTranscription": {"text": piece}}}
            await self.send_msg(msg, "outputTranscription")
        if cfg.text_out:  # the proxy's AUDIO+TEXT mode also sends text parts
            await self.send_msg(
                {"serverContent": {"modelTurn": {"parts": [{"text": piece}]}}}, "text"
            )

    async def _pace(self, start: float, i: int, burst: int, chunk_s: float) -> None:
        faults = self.hub.faults
        if faults.bursty and (i // burst) % 3 == 0:
            await asyncio.sleep(faults.bursty)
        if self.hub.speed:  # stay one burst ahead of playback, like the service
            target = start + (i - burst) * chunk_s / self.hub.speed
            await asyncio.sleep(max(0.0, target - time.monotonic()))
        else:
            await asyncio.sleep(0)

    async def _finish(
        self, grounding: dict[str, Any] | None, out_text: int, out_audio: int, play_end: float
    ) -> None:
        if grounding is not None:
            await self.send_msg({"serverContent": {"groundingMetadata": grounding}}, "grounding")
        await self.send_msg({"serverContent": {"generationComplete": True}}, "generationComplete")
        await self._phase("generation_complete")
        if play_end:
            await asyncio.sleep(max(0.0, play_end - time.monotonic()))
        self.completed += 1
        self.record.turns = self.completed
        await self._turn_complete(out_text, out_audio)

    async def _turn_complete(self, out_text: int, out_audio: int) -> None:
        self.turn_open = False
        await self.send_msg(
            {
                "serverContent": {"turnComplete": True},
                "usageMetadata": self._usage(out_text, out_audio),
            },
            "turnComplete",
        )
        self.turn_in = {"text": 0, "audio": 0}
        cfg = self.cfg
        if cfg is not None and cfg.resumption and not self.pending_blocking:
            handle = f"emu-{self.record.id}-{self.completed}-{self.rng.getrandbits(48):012x}"
            self.hub.handles[handle] = {"history": [dict(h) for h in self.history]}
            while len(self.hub.handles) > self.hub.max_handles:
                self.hub.handles.popitem(last=False)
            update = {"sessionResumptionUpdate": {"newHandle": handle, "resumable": True}}
            await self.send_msg(update, "sessionResumptionUpdate")

    def _usage(self, out_text: int, out_audio: int) -> dict[str, Any]:
        """The whole context is the prompt (as the service counts it), the reply the response."""
        cfg = self.cfg
        p_text = text_tokens(cfg.system_instruction) if cfg else 0
        p_audio = self.video_tokens
        context = list(self.history)
        while context and context[-1]["role"] == "model":  # this reply is not prompt
            context.pop()
        for h in context:
            p_text += text_tokens(h["text"]) if not h["audio_s"] else 0
            p_audio += audio_tokens(h["audio_s"])
        details = {"text": p_text}
        if p_audio:
            details["audio"] = p_audio
        response = {"audio": out_audio} if out_audio else {"text": out_text}
        total_in = p_text + p_audio
        total_out = out_audio + out_text
        usage = Usage(
            prompt_tokens=total_in,
            response_tokens=total_out,
            total_tokens=total_in + total_out,
            prompt_details=details,
            response_details=response,
        )
        return usage.to_dict(self.hub.dialect)


def _is_connection_closed(e: BaseException) -> bool:
    return type(e).__name__.startswith("ConnectionClosed")


def _pieces(text: str, words_per_piece: int = 3) -> list[str]:
    """Transcript deltas as the service sends them: a few words each, spaces kept."""
    tokens = re.findall(r"\s*\S+", text)
    if not tokens:
        return []
    return [
        "".join(tokens[i : i + words_per_piece]) for i in range(0, len(tokens), words_per_piece)
    ]


def _marks(pieces: list[str], n_frames: int) -> dict[int, list[str]]:
    """Map audio chunk index -> transcript pieces to send just before it."""
    total = sum(len(p) for p in pieces) or 1
    out: dict[int, list[str]] = {}
    done = 0
    for piece in pieces:
        at = min(n_frames, int(done / total * n_frames))
        out.setdefault(at, []).append(piece)
        done += len(piece)
    return out


def _prefix(text: str, fraction: float) -> str:
    """The part of ``text`` spoken when ``fraction`` of its audio was sent (whole words)."""
    cut = int(len(text) * fraction)
    return text[:cut].rsplit(" ", 1)[0] if cut < len(text) else text
