"""Replies of a Live connection: generation, tool calls, paced audio, turn ends, usage.

Not a public API.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from ..protocol import OUTPUT_RATE, Usage
from .behaviour import compress, empathetic_opening, translation
from .connection import ConnectionBase
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
from .orders import THOUGHT, ReplyOrders, unspaced
from .proxy import sends_output_transcription
from .responder import audio_tokens, grounding_metadata, match_tool, text_tokens, tool_result_text
from .setup import SessionSetup

__all__ = ["Speaker"]

log = logging.getLogger("gemlive_nb.emulator")


class Speaker(ConnectionBase):
    """Generates and streams replies; ends turns with usage and resumption updates."""

    def _last_user_text(self) -> str:
        return next((h["text"] for h in reversed(self.history) if h["role"] == "user"), "")

    def _user_texts(self) -> list[str]:
        return [h["text"] for h in self.history if h["role"] == "user"]

    async def _flush_late_input(self) -> None:
        """Send the held-back end of the user's words (a late input-transcript piece)."""
        late = self.late_input
        if late is not None:
            self.late_input = None
            await self.send_msg(
                {"serverContent": {"inputTranscription": late}}, "inputTranscription"
            )

    def _start_reply(self, user_text: str | None, tool_answers: list | None = None) -> None:
        previous = self.reply_task
        self.turn_open = True
        orders = self.draw_orders(after_tool=bool(tool_answers))
        if not tool_answers:  # the draw of the user's turn is used up
            self.next_orders = None
        self.reply_task = asyncio.ensure_future(
            self._reply(previous, user_text, tool_answers, orders)
        )

    def _cancel_reply(self) -> None:
        if self.reply_task is not None and not self.reply_task.done():
            self.reply_task.cancel()
        self.reply_task = None

    async def _interrupt(self) -> None:
        """Barge-in: stop the reply, cancel pending calls, end the turn."""
        if not self.turn_open:
            if self.still_playing():  # its turnComplete came early: interrupted follows it
                self.playing_until = 0.0
                await self.send_msg({"serverContent": {"interrupted": True}}, "interrupted")
            return
        await self._flush_late_input()
        self._cancel_reply()
        self.turn_open = False
        await self.send_msg({"serverContent": {"interrupted": True}}, "interrupted")
        ids = [*self.pending_blocking, *self.pending_async]
        if ids:
            self.pending_blocking.clear()
            self.pending_async.clear()
            await self.send_msg({"toolCallCancellation": {"ids": ids}}, "toolCallCancellation")
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
            if self.cfg is not None and self.cfg.resumption:  # not resumable mid-generation
                await self.send_msg(
                    {"sessionResumptionUpdate": {"resumable": False}}, "sessionResumptionUpdate"
                )
            await self._generate(user_text, tool_answers)
        except Closed:
            return
        except Exception as e:
            if not self.closed and not is_connection_closed(e):
                log.exception("emulator reply failed")
                await self.close(1011, INTERNAL)

    async def _generate(self, user_text: str | None, tool_answers: list | None) -> None:
        cfg = self.cfg
        assert cfg is not None
        grounding = None
        await self._opening(bool(tool_answers))
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
                await self._flush_late_input()
                await self.send_msg({"toolCall": {"functionCalls": [call]}}, "toolCall")
                if not fn.non_blocking:
                    return  # the turn stays open until the toolResponse arrives
                text = "Let me check that for you."
            elif cfg.translate_to:
                text = translation(user_text, cfg.translate_to)
            else:
                text = self.hub.responder.reply(self._user_texts(), cfg.language)
                if cfg.google_search:
                    grounding = grounding_metadata(user_text, text)
                if cfg.affective and (opening := empathetic_opening(user_text, cfg.language)):
                    text = f"{opening} {text}"
        await self._speak(text, grounding)

    async def _opening(self, after_tool: bool) -> None:
        """What opens a reply (and a tool call), in the service's order (see :mod:`.orders`).

        ``after_tool``: the reply answers a tool response (Vertex first closes the tool turn).
        """
        cfg = self.cfg
        assert cfg is not None
        orders = self.reply_orders
        if after_tool and orders.tool_close_twice:
            await self._close_silently()
        if orders.empty_first:
            await self.send_msg({"serverContent": {}}, "empty")
        if orders.thought_part:  # 2.5 sends thought parts even without a thinking config
            thought = {"parts": [{"text": THOUGHT, "thought": True}]}
            await self.send_msg({"serverContent": {"modelTurn": thought}}, "thought")
        if orders.vertex_markers and cfg.output_transcription:
            await self.send_msg({"serverContent": {"outputTranscription": {}}}, "marker")

    async def _speak(self, text: str, grounding: dict[str, Any] | None) -> None:
        cfg = self.cfg
        assert cfg is not None
        fail = self.hub.faults.should_fail(self.completed)
        orders = self.reply_orders
        pieces = unspaced(transcript_pieces(text)) if orders.unspaced else transcript_pieces(text)
        # 3.1 puts a piece in its audio chunk's message (the proxy's text parts stay apart)
        bundle = orders.bundled and not cfg.text_out and self._transcribes()
        if not cfg.audio_out:
            for i, piece in enumerate(pieces):
                if i == len(pieces) // 2:
                    await self._phase("mid_audio")
                    if fail:
                        await self.close(1011, INTERNAL)
                        raise Closed
                part = {"serverContent": {"modelTurn": {"parts": [{"text": piece}]}}}
                await self.send_msg(part, "text")
                await self._flush_late_input()
                self.reply_text_tokens += text_tokens(piece)
                await asyncio.sleep(0)
            self.history.append({"role": "model", "text": text, "audio_s": 0.0})
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
                    await self._phase("mid_audio")
                    if fail:
                        await self.close(1011, INTERNAL)
                        raise Closed
                if orders.audio_without_rate:
                    frame = without_rate(frame)
                here = marks.get(i, ())
                if bundle and here:
                    frame = with_transcript(frame, "".join(here))
                else:
                    for piece in here:
                        await self._send_piece(piece, cfg)
                await self.send(frame, "audio")
                await self._flush_late_input()
                sent = i + 1
                self.reply_audio_s = sent * chunk_s
        finally:
            said = text if sent == len(frames) else spoken_prefix(text, sent / max(1, len(frames)))
            self.history.append({"role": "model", "text": said, "audio_s": sent * chunk_s})
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
            await self.send_msg({"goAway": {"timeLeft": faults.time_left_text()}}, "goAway")
            self._spawn(self._end_after(faults.go_away_time_left))
        if drop:
            self.closed = True
            self.record.close_code, self.record.close_reason = 1006, "dropped (fault injection)"
            self.ws.transport.abort()
            raise Closed

    async def _end_after(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        await self.close(1008, ABORTED)

    async def _send_piece(self, piece: str, cfg: SessionSetup) -> None:
        jitter = self.reply_orders.jitter_s
        if jitter:
            await asyncio.sleep(jitter)
        if self._transcribes():
            msg = {"serverContent": {"outputTranscription": {"text": piece}}}
            await self.send_msg(msg, "outputTranscription")
        if cfg.text_out:  # the proxy's AUDIO+TEXT mode also sends text parts
            await self.send_msg(
                {"serverContent": {"modelTurn": {"parts": [{"text": piece}]}}}, "text"
            )

    def _transcribes(self) -> bool:
        """Whether this connection sends the reply's words as ``outputTranscription``."""
        cfg = self.cfg
        assert cfg is not None
        return sends_output_transcription(cfg, self.dialect, self.hub.proxy_modalities)

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
        orders = self.reply_orders
        await self._flush_late_input()
        if orders.vertex_markers and self.cfg is not None and self.cfg.output_transcription:
            await self.send_msg(
                {"serverContent": {"outputTranscription": {"finished": True}}}, "marker"
            )
        if grounding is not None:
            await self.send_msg({"serverContent": {"groundingMetadata": grounding}}, "grounding")
        if orders.generation_complete:
            msg = {"serverContent": {"generationComplete": True}}
            await self.send_msg(msg, "generationComplete")
        await self._phase("generation_complete")
        if play_end and not (orders.early_turn_complete and out_audio):
            await asyncio.sleep(max(0.0, play_end - time.monotonic()))
        self.completed += 1
        self.record.turns = self.completed
        await self._turn_complete(out_text, out_audio)

    async def _close_silently(self) -> None:
        """Vertex: right after the tool answer, a turn end with nothing said (and its usage)."""
        cfg = self.cfg
        if cfg is not None and cfg.output_transcription:
            await self.send_msg(
                {"serverContent": {"outputTranscription": {"finished": True}}}, "marker"
            )
        await self.send_msg({"serverContent": {"generationComplete": True}}, "generationComplete")
        usage = self._usage(0, 0)
        self.turn_in = {"text": 0, "audio": 0}
        msg = {"serverContent": {"turnComplete": True}, "usageMetadata": usage}
        await self.send_msg(msg, "turnComplete")

    async def _turn_complete(self, out_text: int, out_audio: int) -> None:
        self.turn_open = False
        await self._flush_late_input()
        usage = self._usage(out_text, out_audio)
        how = self.reply_orders.usage
        if how == "split":  # two usage-only messages that add up to the turn's
            first = {k: v for k, v in usage.items() if k.startswith("prompt")}
            rest = {k: v for k, v in usage.items() if not k.startswith("prompt")}
            first["totalTokenCount"] = prompt = first.get("promptTokenCount", 0)
            rest["totalTokenCount"] = usage.get("totalTokenCount", 0) - prompt
            await self.send_msg({"serverContent": {}, "usageMetadata": first}, "usage")
            usage = rest
        if how in ("separate_before", "split"):
            await self.send_msg({"serverContent": {}, "usageMetadata": usage}, "usage")
        message: dict[str, Any] = {"serverContent": {"turnComplete": True}}
        if how == "with_turn_complete":
            message["usageMetadata"] = usage
        await self.send_msg(message, "turnComplete")
        if how == "separate_after":
            await self.send_msg({"serverContent": {}, "usageMetadata": usage}, "usage")
        self.turn_in = {"text": 0, "audio": 0}
        cfg = self.cfg
        if cfg is not None and cfg.resumption and not self.pending_blocking:
            await self._save_point()

    async def _save_point(self) -> None:
        """Send a fresh resumption handle for the conversation so far (unguessable: secrets)."""
        state = {"history": self.history, "session_age": time.monotonic() - self.session_start}
        handle = self.hub.handles.new(json.loads(json.dumps(state)))  # a copy, JSON-safe
        update = {"sessionResumptionUpdate": {"newHandle": handle, "resumable": True}}
        await self.send_msg(update, "sessionResumptionUpdate")

    def _usage(self, out_text: int, out_audio: int) -> dict[str, Any]:
        """The whole context is the prompt (as the service counts it), the reply the response."""
        cfg = self.cfg
        p_text = text_tokens(cfg.system_instruction) if cfg else 0
        p_audio = self.video_tokens
        if cfg is not None and cfg.compression:
            trigger, target = cfg.compression
            self.history = compress(self.history, p_text + p_audio, trigger, target, _cost)
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
        return usage.to_dict(self.dialect)


def _cost(entry: dict[str, Any]) -> int:
    """Tokens one history entry takes in the context."""
    return audio_tokens(entry["audio_s"]) if entry["audio_s"] else text_tokens(entry["text"])
