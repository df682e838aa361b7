"""Replies of a Live connection: generation, tool calls, paced audio, turn ends, usage.

A :class:`Speaker` owns the reply in flight and sends through a :class:`~.connection.FrameSender`
(a test passes a fake that collects frames). What to say comes from its
:class:`~.turn_responder.TurnResponder`; the conversation lives in the shared
:class:`~.connection.Session`. Not a public API.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from ..protocol import OUTPUT_RATE
from .billing import session_usage
from .connection import FrameSender, Session
from .faults import ABORTED, INTERNAL
from .frames import (
    Closed,
    is_connection_closed,
    piece_marks,
    spoken_prefix,
    transcript_pieces,
    with_transcript,
    without_rate,
)
from .hub import Hub
from .orders import THOUGHT, ReplyOrders, unspaced
from .proxy import sends_output_transcription
from .responder import audio_tokens, text_tokens
from .setup import SessionSetup
from .turn_responder import ToolCall, TurnResponder

__all__ = ["Speaker"]

log = logging.getLogger("gemlive_nb.emulator")


class Speaker:
    """Generates and streams replies; ends turns with usage and resumption updates."""

    def __init__(
        self, session: Session, sender: FrameSender, hub: Hub, responder: TurnResponder
    ) -> None:
        self.session = session
        self.sender = sender
        self.hub = hub
        self.responder = responder
        self.task: asyncio.Task | None = None  # the reply in flight
        self.turn_open = False
        self.reply_orders = ReplyOrders()
        self.reply_audio_s = 0.0  # reply audio streamed so far in this turn
        self.reply_text_tokens = 0
        self.playing_until = 0.0  # a reply whose turnComplete came early plays until then

    @property
    def cfg(self) -> SessionSetup:
        """The session's setup (replies come only after it)."""
        cfg = self.session.cfg
        assert cfg is not None
        return cfg

    def still_playing(self) -> bool:
        """A reply whose ``turnComplete`` came early is still playing (adversarial orders)."""
        return time.monotonic() < self.playing_until

    def is_playing(self) -> bool:
        """A turn is open, or its reply still plays (speech now is a barge-in)."""
        return self.turn_open or self.still_playing()

    async def flush_late_input(self) -> None:
        """Send the held-back end of the user's words (a late input-transcript piece)."""
        late = self.session.late_input
        if late is not None:
            self.session.late_input = None
            await self.sender.send_msg(
                {"serverContent": {"inputTranscription": late}}, "inputTranscription"
            )

    def start_reply(self, user_text: str | None, tool_answers: list | None = None) -> None:
        """Answer ``user_text`` (or ``tool_answers``) after the reply in flight."""
        previous = self.task
        self.turn_open = True
        orders = self.session.draw_orders(after_tool=bool(tool_answers))
        if not tool_answers:  # the draw of the user's turn is used up
            self.session.use_up_orders()
        self.task = asyncio.ensure_future(self._reply(previous, user_text, tool_answers, orders))

    def cancel_reply(self) -> None:
        """Stop the reply in flight at once."""
        if self.task is not None and not self.task.done():
            self.task.cancel()
        self.task = None

    def stop(self) -> None:
        """The connection ends: stop the reply in flight, unless that is what ends it."""
        if self.task is not asyncio.current_task():
            self.cancel_reply()

    async def interrupt(self) -> None:
        """Barge-in: stop the reply, cancel pending calls, end the turn."""
        send_msg, session = self.sender.send_msg, self.session
        if not self.turn_open:
            if self.still_playing():  # its turnComplete came early: interrupted follows it
                self.playing_until = 0.0
                await send_msg({"serverContent": {"interrupted": True}}, "interrupted")
            return
        await self.flush_late_input()
        self.cancel_reply()
        self.turn_open = False
        await send_msg({"serverContent": {"interrupted": True}}, "interrupted")
        ids = [*session.pending_blocking, *session.pending_async]
        if ids:
            session.pending_blocking.clear()
            session.pending_async.clear()
            await send_msg({"toolCallCancellation": {"ids": ids}}, "toolCallCancellation")
        # the reply streamed so far was generated, so it is billed
        await self._turn_complete(self.reply_text_tokens, audio_tokens(self.reply_audio_s))

    async def _reply(
        self,
        previous: asyncio.Task | None,
        user_text: str | None,
        tool_answers: list | None,
        orders: ReplyOrders,
    ) -> None:
        if previous is not None and not previous.done():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await previous
        self.turn_open = True
        self.reply_orders = orders
        self.reply_audio_s, self.reply_text_tokens = 0.0, 0
        try:
            if self.hub.latency:
                await asyncio.sleep(self.hub.latency)
            await self._phase("turn_start")
            if self.session.cfg is not None and self.session.cfg.resumption:  # not mid-reply
                await self.sender.send_msg(
                    {"sessionResumptionUpdate": {"resumable": False}}, "sessionResumptionUpdate"
                )
            await self._generate(user_text, tool_answers)
        except Closed:
            return
        except Exception as e:
            if not self.session.closed and not is_connection_closed(e):
                log.exception("emulator reply failed")
                await self.sender.close(1011, INTERNAL)

    async def _generate(self, user_text: str | None, tool_answers: list | None) -> None:
        session = self.session
        await self._opening(bool(tool_answers))
        answer = self.responder.answer(self.cfg, user_text, tool_answers, session.user_texts())
        if isinstance(answer, ToolCall):
            call = answer.call
            pending = session.pending_async if answer.non_blocking else session.pending_blocking
            pending[call["id"]] = call
            session.add("model", answer.history_text())
            await self.flush_late_input()
            await self.sender.send_msg({"toolCall": {"functionCalls": [call]}}, "toolCall")
            if answer.then_say is None:
                return  # the turn stays open until the toolResponse arrives
            await self._speak(answer.then_say, None)
        else:
            await self._speak(answer.text, answer.grounding)

    async def _opening(self, after_tool: bool) -> None:
        """What opens a reply (and a tool call), in the service's order (see :mod:`.orders`).

        ``after_tool``: the reply answers a tool response (Vertex first closes the tool turn).
        """
        cfg, orders, send_msg = self.cfg, self.reply_orders, self.sender.send_msg
        if after_tool and orders.tool_close_twice:
            await self._close_silently()
        if orders.empty_first:
            await send_msg({"serverContent": {}}, "empty")
        if orders.thought_part:  # 2.5 sends thought parts even without a thinking config
            thought = {"parts": [{"text": THOUGHT, "thought": True}]}
            await send_msg({"serverContent": {"modelTurn": thought}}, "thought")
        if orders.vertex_markers and cfg.output_transcription:
            await send_msg({"serverContent": {"outputTranscription": {}}}, "marker")

    async def _midway(self, fail: bool) -> None:
        """Halfway through a reply: the ``mid_audio`` faults, and the ``fail_turn`` one."""
        await self._phase("mid_audio")
        if fail:
            await self.sender.close(1011, INTERNAL)
            raise Closed

    async def _speak(self, text: str, grounding: dict[str, Any] | None) -> None:
        cfg, session = self.cfg, self.session
        fail = self.hub.faults.should_fail(session.completed)
        orders = self.reply_orders
        pieces = unspaced(transcript_pieces(text)) if orders.unspaced else transcript_pieces(text)
        # 3.1 puts a piece in its audio chunk's message (the proxy's text parts stay apart)
        bundle = orders.bundled and not cfg.text_out and self._transcribes()
        if not cfg.audio_out:
            for i, piece in enumerate(pieces):
                if i == len(pieces) // 2:
                    await self._midway(fail)
                part = {"serverContent": {"modelTurn": {"parts": [{"text": piece}]}}}
                await self.sender.send_msg(part, "text")
                await self.flush_late_input()
                self.reply_text_tokens += text_tokens(piece)
                await asyncio.sleep(0)
            session.add("model", text)
            await self._finish(grounding, text_tokens(text), 0, 0.0)
            return
        frames, n_samples = await asyncio.to_thread(
            self.hub.reply_frames, text, cfg.voice, cfg.language
        )
        step = OUTPUT_RATE * self.hub.chunk_ms // 1000
        chunk_s = step / OUTPUT_RATE
        duration = n_samples / OUTPUT_RATE
        # piece i is sent just before the first chunk that ends after its share of the audio
        marks = piece_marks(pieces, len(frames))
        burst = max(1, self.hub.burst)
        loop_start = time.monotonic()
        sent = 0
        try:
            for i, frame in enumerate(frames):
                if i % burst == 0 and i:
                    await self._pace(loop_start, i, burst, chunk_s)
                if i == len(frames) // 2:
                    await self._midway(fail)
                if orders.audio_without_rate:
                    frame = without_rate(frame)
                here = marks.get(i, ())
                if bundle and here:
                    frame = with_transcript(frame, "".join(here))
                else:
                    for piece in here:
                        await self._send_piece(piece, cfg)
                await self.sender.send(frame, "audio")
                await self.flush_late_input()
                sent = i + 1
                self.reply_audio_s = sent * chunk_s
        finally:
            said = text if sent == len(frames) else spoken_prefix(text, sent / max(1, len(frames)))
            session.add("model", said, sent * chunk_s)
        for piece in marks.get(len(frames), ()):
            await self._send_piece(piece, cfg)
        out_audio = audio_tokens(duration)
        speed = self.hub.speed
        if self.reply_orders.early_turn_complete:  # it plays on (at 1x) after turnComplete
            self.playing_until = loop_start + duration
        await self._finish(grounding, 0, out_audio, loop_start + duration / speed if speed else 0.0)

    async def _phase(self, phase: str) -> None:
        """Phase-triggered faults (``go_away_at`` / ``drop_at``, see :mod:`.faults`)."""
        faults = self.hub.faults
        go, drop = faults.at_phase(phase)
        if go:
            await self.sender.send_msg({"goAway": {"timeLeft": faults.time_left_text()}}, "goAway")
            self.session.spawn(self._end_after(faults.go_away_time_left))
        if drop:
            self.sender.drop()
            raise Closed

    async def _end_after(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        await self.sender.close(1008, ABORTED)

    async def _send_piece(self, piece: str, cfg: SessionSetup) -> None:
        jitter = self.reply_orders.jitter_s
        if jitter:
            await asyncio.sleep(jitter)
        if self._transcribes():
            msg = {"serverContent": {"outputTranscription": {"text": piece}}}
            await self.sender.send_msg(msg, "outputTranscription")
        if cfg.text_out:  # the proxy's AUDIO+TEXT mode also sends text parts
            await self.sender.send_msg(
                {"serverContent": {"modelTurn": {"parts": [{"text": piece}]}}}, "text"
            )

    def _transcribes(self) -> bool:
        """Whether this connection sends the reply's words as ``outputTranscription``."""
        return sends_output_transcription(self.cfg, self.session.dialect, self.hub.proxy_modalities)

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
        orders, send_msg, session = self.reply_orders, self.sender.send_msg, self.session
        await self.flush_late_input()
        if orders.vertex_markers and session.cfg is not None and session.cfg.output_transcription:
            await send_msg({"serverContent": {"outputTranscription": {"finished": True}}}, "marker")
        if grounding is not None:
            await send_msg({"serverContent": {"groundingMetadata": grounding}}, "grounding")
        if orders.generation_complete:
            await send_msg({"serverContent": {"generationComplete": True}}, "generationComplete")
        await self._phase("generation_complete")
        if play_end and not (orders.early_turn_complete and out_audio):
            await asyncio.sleep(max(0.0, play_end - time.monotonic()))
        session.complete_turn()
        await self._turn_complete(out_text, out_audio)

    async def _close_silently(self) -> None:
        """Vertex: right after the tool answer, a turn end with nothing said (and its usage)."""
        cfg, send_msg = self.session.cfg, self.sender.send_msg
        if cfg is not None and cfg.output_transcription:
            await send_msg({"serverContent": {"outputTranscription": {"finished": True}}}, "marker")
        await send_msg({"serverContent": {"generationComplete": True}}, "generationComplete")
        usage = session_usage(self.session, 0, 0)
        self.session.turn_in = {"text": 0, "audio": 0}
        await send_msg(
            {"serverContent": {"turnComplete": True}, "usageMetadata": usage}, "turnComplete"
        )

    async def _turn_complete(self, out_text: int, out_audio: int) -> None:
        self.turn_open = False
        send_msg = self.sender.send_msg
        await self.flush_late_input()
        usage = session_usage(self.session, out_text, out_audio)
        how = self.reply_orders.usage
        if how == "split":  # two usage-only messages that add up to the turn's
            first = {k: v for k, v in usage.items() if k.startswith("prompt")}
            rest = {k: v for k, v in usage.items() if not k.startswith("prompt")}
            first["totalTokenCount"] = prompt = first.get("promptTokenCount", 0)
            rest["totalTokenCount"] = usage.get("totalTokenCount", 0) - prompt
            await send_msg({"serverContent": {}, "usageMetadata": first}, "usage")
            usage = rest
        if how in ("separate_before", "split"):
            await send_msg({"serverContent": {}, "usageMetadata": usage}, "usage")
        message: dict[str, Any] = {"serverContent": {"turnComplete": True}}
        if how == "with_turn_complete":
            message["usageMetadata"] = usage
        await send_msg(message, "turnComplete")
        if how == "separate_after":
            await send_msg({"serverContent": {}, "usageMetadata": usage}, "usage")
        self.session.turn_in = {"text": 0, "audio": 0}
        cfg = self.session.cfg
        if cfg is not None and cfg.resumption and not self.session.pending_blocking:
            await self.save_point()

    async def save_point(self) -> None:
        """Send a fresh resumption handle for the conversation so far (unguessable: secrets)."""
        session = self.session
        state = {
            "history": session.history,
            "session_age": time.monotonic() - session.session_start,
        }
        handle = self.hub.handles.new(json.loads(json.dumps(state)))  # a copy, JSON-safe
        update = {"sessionResumptionUpdate": {"newHandle": handle, "resumable": True}}
        await self.sender.send_msg(update, "sessionResumptionUpdate")
