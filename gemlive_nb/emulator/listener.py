"""Audio input of a Live connection: resampling, the VAD, utterances, input transcription.

Not a public API.
"""

from __future__ import annotations

import binascii
import logging
import re
import sys
from typing import Any

import numpy as np

from ..audio import Resampler, pcm16_to_array
from ..exceptions import GemliveError
from ..protocol import INPUT_RATE, decode_b64
from .behaviour import addressed
from .connection import ConnectionBase
from .orders import late_split
from .responder import audio_tokens
from .setup import INVALID, Rejected
from .speech import UNRECOGNISED_PREFIX
from .vad import EnergyVad, VadEvent

__all__ = ["MAX_UTTERANCE", "Listener", "pcm16"]

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


class Listener(ConnectionBase):
    """Turns streamed audio into utterances and answers each one."""

    def _on_audio(self, data: Any, mime: str | None, batch: bool = False) -> None:
        """Take a chunk of streamed audio.

        With ``batch`` its VAD runs with other sessions' chunks later in this loop tick (the
        caller flushes the batch before the next other message).
        """
        try:
            x = pcm16(data)
        except GemliveError as e:
            raise Rejected(1007, f"{INVALID} {e}") from None
        self._on_samples(x, mime, batch)

    def _on_samples(self, x: np.ndarray, mime: str | None, batch: bool = False) -> None:
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
        if self.cfg is not None and self.cfg.aad_disabled:
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
            self._after_vad(self.vad.feed(x), self.fed)

    def _after_vad(self, events: list[VadEvent], fed: int) -> None:
        """Act on the VAD's ``events`` for the audio up to sample ``fed``.

        More audio may have come since, when the VAD ran in a batch.
        """
        if self.closed:
            return
        for ev in events:
            if ev.kind == "start":
                self.speech_start = ev.sample_offset
                playing = self.turn_open or self.still_playing()  # (see .orders)
                if self.cfg is not None and self.cfg.interrupts and playing:
                    self._spawn(self._interrupt())
            elif ev.kind == "end" and self.speech_start is not None:
                self._utterance_end(ev.sample_offset)
        if self.speech_start is not None and fed - self.speech_start > MAX_UTTERANCE:
            self._utterance_end(fed)  # endless speech (or noise) is cut into utterances
        elif self.speech_start is not None:
            self._maybe_partial()
        if self.speech_start is None:  # keep ~1 s of pre-roll only
            keep_from = fed - INPUT_RATE
            while self.chunks and self.chunks[0][0] + len(self.chunks[0][1]) < keep_from:
                self.chunks.pop(0)

    def _utterance_end(self, end: int) -> None:
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
        self._spawn(self._on_utterance(self.utterance_no - 1, utter))

    # ------------------------------------------------------------------ transcription

    def _maybe_partial(self) -> None:
        """While the user speaks, transcribe what was said so far now and then.

        The service streams input transcription in pieces during the utterance.
        """
        cfg = self.cfg
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
            self._spawn(self._partial(self.utterance_no, np.concatenate(parts)))

    async def _partial(self, n: int, samples: np.ndarray) -> None:
        # transcribed outside the ordering lock, so a slow partial never delays the final one
        try:
            text = await self._transcribe(samples)
            async with self._utterance_order:
                if n != self.utterance_no or self.closed or text.startswith(UNRECOGNISED_PREFIX):
                    return  # the utterance ended meanwhile (its final transcript says it all)
                heard = self.heard.get(n, "")
                if text.startswith(heard) and len(text) > len(heard):
                    piece = _continuation(heard, text)
                    self.heard[n] = text
                    await self.send_msg(
                        {"serverContent": {"inputTranscription": {"text": piece}}},
                        "inputTranscription",
                    )
        finally:
            self.partial_busy = False
            self.hub.partials_running -= 1

    async def _transcribe(self, samples: np.ndarray) -> str:
        assert self.cfg is not None
        try:
            text = await self.hub.transcribe(samples, self.cfg.language)
        except Exception:  # a recogniser failure must not end the session
            log.exception("transcription failed")
            text = ""
        return (text or "").strip()

    async def _on_utterance(self, n: int, samples: np.ndarray) -> None:
        async with self._utterance_order:
            await self._answer_utterance(n, samples)

    async def _answer_utterance(self, n: int, samples: np.ndarray) -> None:
        assert self.cfg is not None
        seconds = len(samples) / INPUT_RATE
        text = await self._transcribe(samples)
        heard = self.heard.pop(n, "")
        if self.closed:
            return
        if self.cfg.input_transcription and (text or heard):
            # the rest of the utterance, marked finished so clients can tell utterances apart
            # (not by 2.5, and its end may come late, inside the reply: see .orders)
            rest = _continuation(heard, text)
            orders = self.draw_orders()
            end = {"finished": True} if orders.input_finished else {}
            late = orders.late_input_piece and not self.cfg.proactive_audio  # it may not reply
            split = late_split(rest) if late else None
            if split is not None:
                rest, tail = split
                self.late_input, end = {"text": tail, **end}, {}
            await self.send_msg(
                {"serverContent": {"inputTranscription": {"text": rest, **end}}},
                "inputTranscription",
            )
        self.history.append({"role": "user", "text": text, "audio_s": seconds})
        self.turn_in["audio"] += audio_tokens(seconds)
        if self.cfg.proactive_audio and text and not addressed(text):
            return  # a proactive model may stay silent on speech not meant for it
        self._start_reply(text or f"[speech {seconds:.1f} s]")

    # ------------------------------------------------------------------ tools
