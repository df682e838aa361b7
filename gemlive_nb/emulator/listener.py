"""Audio input of a Live connection: resampling, the VAD, utterances, input transcription.

A :class:`Listener` owns the audio state (the VAD, buffered chunks, the utterance being
spoken) and turns it into intents for its :class:`Turns` (barge in, answer this), sending input
transcription through a :class:`~.connection.FrameSender`. Not a public API.
"""

from __future__ import annotations

import asyncio
import binascii
import logging
import re
import sys
from typing import Any, Protocol

import numpy as np

from ..audio import Resampler, pcm16_to_array
from ..exceptions import GemliveError
from ..protocol import INPUT_RATE, decode_b64
from .behaviour import addressed
from .connection import FrameSender, Session
from .hub import Hub
from .orders import late_split
from .responder import audio_tokens
from .setup import INVALID, Rejected, SessionSetup
from .speech import UNRECOGNISED_PREFIX
from .vad import EnergyVad, Vad, VadEvent

__all__ = ["MAX_UTTERANCE", "Listener", "Turns", "pcm16"]

log = logging.getLogger("gemlive_nb.emulator")
MAX_UTTERANCE = 30 * INPUT_RATE  # samples kept for one utterance at most
PARTIAL_EVERY = 6 * INPUT_RATE // 5  # new speech between two partial transcriptions
_RATE_RE = re.compile(r"rate=(\d+)")


def _continuation(heard: str, text: str) -> str:
    """The piece of the recognition ``text`` to send after ``heard`` (the pieces sent so far).

    The service never takes a piece back, so a ``text`` that revised ``heard`` adds its words
    from the first one that differs (the guess sent stays, the revision follows it).
    """
    if text.startswith(heard):
        rest = text[len(heard) :]
    else:
        sent, words = heard.split(), text.split()
        same = 0
        while same < min(len(sent), len(words)) and sent[same] == words[same]:
            same += 1
        later = words[same:] if same < len(words) else []
        rest = " " + " ".join(later) if later else ""
    return rest


def pcm16(data: Any) -> np.ndarray:
    """The samples of a base64 PCM16 chunk, as a read-only array.

    The strict C decoder goes first (the hot path); the forgiving one (URL-safe alphabet, no
    padding) runs when that fails.
    """
    try:
        if sys.version_info >= (3, 11):
            pcm = binascii.a2b_base64(data, strict_mode=True)
        else:  # no strict mode: a non-canonical chunk decodes too, like the forgiving path
            pcm = binascii.a2b_base64(data)
    except (binascii.Error, TypeError, ValueError):
        return pcm16_to_array(decode_b64(data, "realtimeInput.audio.data"))
    if len(pcm) % 2:
        return pcm16_to_array(pcm)  # raises the clear odd-length error
    return np.frombuffer(pcm, dtype="<i2")


class Turns(Protocol):
    """What the listener asks of the one who answers (the connection's speaker)."""

    def start_reply(self, user_text: str | None, tool_answers: list | None = None) -> None:
        """Answer what the user said."""

    async def interrupt(self) -> None:
        """The user barged in."""

    def is_playing(self) -> bool:
        """Whether a reply is being said (speech now would barge in)."""

    async def flush_late_input(self) -> None:
        """Send the held-back end of the last utterance's transcript, if any."""


class Listener:
    """Turns streamed audio into utterances and asks its ``turns`` to answer each one."""

    def __init__(self, session: Session, sender: FrameSender, hub: Hub, turns: Turns) -> None:
        self.session = session
        self.sender = sender
        self.hub = hub
        self.turns = turns
        # utterances are transcribed in threads; this keeps their transcripts and replies in the
        # order they were spoken (asyncio.Lock wakes waiters first in, first out)
        self._utterance_order = asyncio.Lock()
        self.vad: Vad | None = None
        self.resampler: Resampler | None = None
        self.resampler_rate = INPUT_RATE
        self.fed = 0  # samples heard so far (at 16 kHz)
        self.chunks: list[tuple[int, np.ndarray]] = []
        self.speech_start: int | None = None
        self.manual_active = False
        self.utterance_no = 0  # utterances ended so far
        self.heard: dict[int, str] = {}  # utterance -> input transcription sent so far
        self.partial_at = 0  # where the last partial transcription was taken
        self.partial_busy = False

    def configure(self, cfg: SessionSetup) -> None:
        """Set up the VAD for the session's setup (none when automatic detection is off)."""
        if not cfg.aad_disabled:
            make_vad = getattr(self.hub.speech, "make_vad", None)  # the speech extra's VAD
            self.vad = (
                make_vad(cfg.aad, INPUT_RATE) if make_vad else EnergyVad(cfg.aad, rate=INPUT_RATE)
            )

    def activity_start(self) -> None:
        """``activityStart`` (automatic detection off): the user starts speaking now."""
        self.manual_active = True
        self.chunks, self.speech_start = [], self.fed

    def activity_end(self) -> None:
        """``activityEnd``: the utterance ends here (ignored without its start)."""
        if self.manual_active:
            self.manual_active = False
            self.utterance_end(self.fed)

    def stream_end(self) -> None:
        """``audioStreamEnd``: what was being said ends, and the VAD starts afresh."""
        if self.vad is not None and self.speech_start is not None:
            self.utterance_end(self.fed)
            self.vad.reset()
            self.fed, self.chunks = 0, []

    def on_audio(self, data: Any, mime: str | None, batch: bool = False) -> None:
        """Take a chunk of streamed audio.

        With ``batch`` its VAD runs with other sessions' chunks later in this loop tick (the
        caller flushes the batch before the next other message).
        """
        try:
            x = pcm16(data)
        except GemliveError as e:
            raise Rejected(1007, f"{INVALID} {e}") from None
        self.on_samples(x, mime, batch)

    def on_samples(self, x: np.ndarray, mime: str | None, batch: bool = False) -> None:
        """Take decoded samples at the ``rate=`` of ``mime`` (16 kHz without one)."""
        m = _RATE_RE.search(mime or "")
        rate = int(m.group(1)) if m else INPUT_RATE
        if rate != INPUT_RATE:
            if self.resampler is None or self.resampler_rate != rate:
                self.resampler, self.resampler_rate = Resampler(rate, INPUT_RATE), rate
            x = self.resampler.process(x)
        if not len(x):
            return
        start = self.fed
        self.fed += len(x)
        if self.session.cfg is not None and self.session.cfg.aad_disabled:
            if self.manual_active:
                self.chunks.append((start, x))
                while self.chunks and self.fed - self.chunks[0][0] > MAX_UTTERANCE:
                    self.chunks.pop(0)  # memory stays flat however long the activity lasts
            return
        self.chunks.append((start, x))
        assert self.vad is not None
        if batch and isinstance(self.vad, EnergyVad):
            self.hub.vad_batch.push(self, self.vad, x, self.fed)
        else:
            self.after_vad(self.vad.feed(x), self.fed)

    def after_vad(self, events: list[VadEvent], fed: int) -> None:
        """Act on the VAD's ``events`` for the audio up to sample ``fed``.

        More audio may have come since, when the VAD ran in a batch.
        """
        if self.session.closed:
            return
        for ev in events:
            if ev.kind == "start":
                self.speech_start = ev.sample_offset
                playing = self.turns.is_playing()  # (see .orders)
                if self.session.cfg is not None and self.session.cfg.interrupts and playing:
                    self.session.spawn(self.turns.interrupt())
            elif ev.kind == "end" and self.speech_start is not None:
                self.utterance_end(ev.sample_offset)
        if self.speech_start is not None and fed - self.speech_start > MAX_UTTERANCE:
            self.utterance_end(fed)  # endless speech (or noise) is cut into utterances
        elif self.speech_start is not None:
            self._maybe_partial()
        if self.speech_start is None:  # keep ~1 s of pre-roll only
            keep_from = fed - INPUT_RATE
            while self.chunks and self.chunks[0][0] + len(self.chunks[0][1]) < keep_from:
                self.chunks.pop(0)

    def utterance_end(self, end: int) -> None:
        """The utterance being spoken ends at sample ``end``: transcribe and answer it."""
        # a little context either side, as a recogniser would get from the stream
        start = max(0, (self.speech_start or 0) - INPUT_RATE // 5)
        end = min(self.fed, end + INPUT_RATE // 5)
        parts = [
            x[max(0, start - s) : max(0, end - s)]
            for s, x in self.chunks
            if s < end and s + len(x) > start
        ]
        self.speech_start = None
        self.chunks = [(s, x) for s, x in self.chunks if s + len(x) > end]
        utter = np.concatenate(parts) if parts else np.zeros(0, np.int16)
        self.utterance_no += 1
        self.session.spawn(self._on_utterance(self.utterance_no - 1, utter))

    # ------------------------------------------------------------------ transcription

    def _maybe_partial(self) -> None:
        """While the user speaks, transcribe what was said so far now and then.

        The service streams input transcription in pieces during the utterance.
        """
        cfg = self.session.cfg
        if cfg is None or not cfg.input_transcription or self.partial_busy:
            return
        if self.hub.partials_running >= self.hub.max_partials:
            return  # a busy emulator sends fewer pieces rather than falling behind
        assert self.speech_start is not None
        if self.fed - max(self.speech_start, self.partial_at) < PARTIAL_EVERY:
            return
        self.partial_at = self.fed
        start = max(0, self.speech_start - INPUT_RATE // 5)
        parts = [x[max(0, start - s) :] for s, x in self.chunks if s + len(x) > start]
        if parts:
            self.partial_busy = True
            self.hub.partials_running += 1
            self.session.spawn(self._partial(self.utterance_no, np.concatenate(parts)))

    async def _partial(self, n: int, samples: np.ndarray) -> None:
        # transcribed outside the ordering lock, so a slow partial never delays the final one
        try:
            text = await self._transcribe(samples)
            async with self._utterance_order:
                if (
                    n != self.utterance_no
                    or self.session.closed
                    or text.startswith(UNRECOGNISED_PREFIX)
                ):
                    return  # the utterance ended meanwhile (its final transcript says it all)
                heard = self.heard.get(n, "")
                if text.startswith(heard) and len(text) > len(heard):
                    piece = _continuation(heard, text)
                    self.heard[n] = text
                    await self.turns.flush_late_input()  # the words before come first
                    await self.sender.send_msg(
                        {"serverContent": {"inputTranscription": {"text": piece}}},
                        "inputTranscription",
                    )
        finally:
            self.partial_busy = False
            self.hub.partials_running -= 1

    async def _transcribe(self, samples: np.ndarray) -> str:
        assert self.session.cfg is not None
        try:
            text = await self.hub.transcribe(samples, self.session.cfg.language)
        except Exception:  # a recogniser failure must not end the session
            log.exception("transcription failed")
            text = ""
        return (text or "").strip()

    async def _on_utterance(self, n: int, samples: np.ndarray) -> None:
        async with self._utterance_order:
            await self._answer_utterance(n, samples)

    async def _answer_utterance(self, n: int, samples: np.ndarray) -> None:
        assert self.session.cfg is not None
        seconds = len(samples) / INPUT_RATE
        text = await self._transcribe(samples)
        heard = self.heard.pop(n, "")
        if self.session.closed:
            return
        if self.session.cfg.input_transcription and (text or heard):
            # the rest of the utterance, marked finished so clients can tell utterances apart
            # (not by 2.5, and its end may come late, inside the reply: see .orders)
            rest = _continuation(heard, text)
            orders = self.session.draw_orders()
            end = {"finished": True} if orders.input_finished else {}
            late = (
                orders.late_input_piece and not self.session.cfg.proactive_audio
            )  # it may not reply
            split = late_split(rest) if late else None
            if split is not None:
                rest, tail = split
            # a held-back end of the utterance before goes first: late inside a reply, never
            # after the next utterance's words (no client could tell whose they are)
            await self.turns.flush_late_input()
            if split is not None:
                self.session.late_input, end = {"text": tail, **end}, {}
            await self.sender.send_msg(
                {"serverContent": {"inputTranscription": {"text": rest, **end}}},
                "inputTranscription",
            )
        self.session.add("user", text, seconds)
        self.session.turn_in["audio"] += audio_tokens(seconds)
        if self.session.cfg.proactive_audio and text and not addressed(text):
            return  # a proactive model may stay silent on speech not meant for it
        self.turns.start_reply(text or f"[speech {seconds:.1f} s]")
