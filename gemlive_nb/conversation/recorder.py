"""The session's private writer of its :class:`~.recording.Recording`.

A :class:`Recorder` takes what the session sends and the server events it receives, asks the
turn model (:mod:`.model`) which turn each belongs to, places audio on the timeline and keeps
the event log; :meth:`Recorder.on_event` returns an :class:`Outcome` saying what the event
changed. Users get the read-only ``recorder.recording`` (``session.recording``)::

    rec = Recorder(meta={"model": "gemini-live-2.5-flash"})
    rec.begin_turn("Hi")
    outcome = rec.on_event(p.TurnComplete())
    outcome.completed           # the Turn that turnComplete closed
    rec.recording.turns         # what users read

The placement rules (where input and output audio sit, what ``record=`` keeps) are in the
docstring of :mod:`.recording`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import protocol as p
from ..protocol import INPUT_RATE, OUTPUT_RATE
from . import cues
from .events import event_record
from .model import QUIET_S, Conversation
from .playback import Playback
from .recording import Recording
from .turn import MAX_REPLY_S, Turn
from .vad import SpeechSpans

__all__ = ["Cut", "Outcome", "Recorder"]

# Audio log entries cover at most this many seconds each (one entry per chunk is ~50/s).
_AUDIO_LOG_S = 1.0


@dataclass(frozen=True, slots=True)
class Cut:
    """A reply cut by a barge-in: ``kept`` samples of ``turn``'s reply were heard."""

    turn: Turn
    kept: int


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one server event changed in the conversation.

    ``opened``: turns it opened (speech the server heard, a reply with no turn open);
    ``ended``: turns it ended, any status; ``completed``: the turn its ``turnComplete`` closed
    (also in ``ended``); ``cut``: the reply an ``interrupted`` cut. Falsy when nothing changed.
    """

    opened: tuple[Turn, ...] = ()
    ended: tuple[Turn, ...] = ()
    completed: Turn | None = None
    cut: Cut | None = None

    def __bool__(self) -> bool:
        return bool(self.opened or self.ended or self.cut)


_NOTHING = Outcome()
_AudioChunk = p.AudioChunk


class Recorder:
    """Writes one session's :class:`Recording` (see the module docstring).

    ``on_turn_end(turn)`` is called whenever a turn ends, whatever ended it (an event, the
    quiet period, a failure, the next utterance). ``proactive``: the model may stay silent.
    """

    def __init__(
        self,
        meta: dict[str, Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
        record: bool | str = True,
        quiet_s: float = QUIET_S,
        max_reply_s: float = MAX_REPLY_S,
        proactive: bool = False,
    ) -> None:
        self.speech = SpeechSpans(INPUT_RATE)
        self.conversation = Conversation(self.speech.last_span, quiet_s, proactive=proactive)
        self.conversation.on_end = self._on_end
        self.conversation.on_begin = self._on_begin
        self.recording = Recording(
            meta,
            clock,
            record,
            turns=self.conversation.turns,
            open_turns=self.conversation.open,
        )
        self._record = self.recording.record
        self.on_turn_end: Callable[[Turn], None] = lambda turn: None  # the session's hook
        self.max_reply_samples = round(max_reply_s * OUTPUT_RATE)
        self.playback = Playback()
        self._audio_log: dict[str, dict[str, Any]] = {}  # direction -> current summary entry
        self._pending_in_s = 0.0
        self._pending_in_start: float | None = None
        self._last_input_t: float | None = None
        self._opened: list[Turn] = []  # what the event being recorded opened and ended
        self._ended: list[Turn] = []

    # --- what the session reads while writing -------------------------------------------------

    @property
    def turns(self) -> list[Turn]:
        """Every turn so far (``recording.turns``)."""
        return self.conversation.turns

    @property
    def open_turns(self) -> list[Turn]:
        """Every turn not ended yet, oldest first."""
        return list(self.conversation.open)

    @property
    def current_turn(self) -> Turn | None:
        """The oldest turn still waiting for (or receiving) its reply, if any."""
        return self.conversation.open[0] if self.conversation.open else None

    def now(self) -> float:
        """Seconds since the recording started."""
        return self.recording.now()

    # --- the log and the wire ----------------------------------------------------------------

    def log(self, direction: str, kind: str, t: float | None = None, **fields: Any) -> None:
        """Append one event dict (``direction``: 'send', 'recv' or 'session')."""
        if self._record is False:
            return
        self.recording.events.append(
            {"t": self.now() if t is None else t, "dir": direction, "type": kind, **fields}
        )

    def keep_frame(self, direction: str, frame: str | bytes, t: float | None = None) -> None:
        """Keep one wire frame as sent or received, if the recording keeps frames.

        It keeps them when ``recording.frames`` is a list (``connect(record_frames=True)``);
        they are saved as ``frames.jsonl``, a cassette ``gl.Emulator(replay=DIR)`` serves back:
        one ``{"t": seconds since the start, "dir": "send"|"recv", "frame": text}`` per frame
        (format: :mod:`gemlive_nb.emulator.replay`).
        """
        frames = self.recording.frames
        if frames is None:
            return
        text = frame if isinstance(frame, str) else bytes(frame).decode("utf-8", "replace")
        frames.append({"t": self.now() if t is None else t, "dir": direction, "frame": text})

    def keep_close(self, code: int, reason: str) -> None:
        """Keep the server's close of a connection (1006: it dropped) with the frames."""
        if self.recording.frames is not None:
            entry = {"t": self.now(), "dir": "close", "code": code, "reason": reason}
            self.recording.frames.append(entry)

    def log_error(self, error: str, t: float | None = None, **fields: Any) -> None:
        """A server frame could not be used: an ``error`` event (kept whatever ``record=``)."""
        self.recording.errors += 1
        self.recording.events.append(
            {"t": self.now() if t is None else t, "dir": "recv", "type": "error", "error": error}
            | fields
        )

    def _log_audio(self, direction: str, kind: str, t: float, samples: int, **fields: Any) -> None:
        """Count audio in the current summary entry; start a new one each second."""
        if self._record is False:
            return
        entry = self._audio_log.get(direction)
        if (
            entry is None
            or t - entry["t"] >= _AUDIO_LOG_S
            or any(entry.get(k) != v for k, v in fields.items())
        ):
            entry = {"t": t, "dir": direction, "type": kind, "samples": 0, "chunks": 0, **fields}
            self._audio_log[direction] = entry
            self.recording.events.append(entry)
        entry["samples"] += samples
        entry["chunks"] += 1

    # --- what the user sends -----------------------------------------------------------------

    def add_input_audio(
        self, samples: np.ndarray, t: float | None = None, *, streamed: bool = True
    ) -> None:
        """Record 16 kHz input samples sent at ``t``.

        ``streamed`` (microphone chunks): they end at ``t``, contiguous with the chunk before.
        Otherwise (a whole clip sent at once): they start at ``t``, after any earlier input.
        """
        t = self.now() if t is None else t
        seconds = len(samples) / INPUT_RATE
        at = t - seconds if streamed else t
        start = self.recording.input.add(samples, max(0.0, at)) / INPUT_RATE
        # the VAD dates speech by when it was sent: a backlog sent in a burst is contiguous on
        # the track (placed after earlier audio) but left the client at the moment it was sent
        self.speech.feed(samples, max(0.0, at))
        if self._pending_in_start is None:
            self._pending_in_start = start
        self._pending_in_s += seconds
        self._last_input_t = t
        self._log_audio("send", "audio", start, len(samples))

    def begin_turn(
        self,
        user_text: str | None = None,
        t: float | None = None,
        *,
        source: str | None = None,
        expect_reply: bool = True,
    ) -> Turn:
        """Open a new turn for input the user just sent.

        The input is typed text, or a clip with ``source="clip"`` (``expect_reply=False`` when
        the clip held no speech).

        A turn still open stays open: the server answers (or interrupts) turns in order, so its
        reply, ``interrupted`` and ``turnComplete`` still come first and go to it.
        """
        t = self.now() if t is None else t
        source = source or ("typed" if user_text is not None else "clip")
        return self.conversation.begin(
            t, user_text=user_text, source=source, expect_reply=expect_reply
        )

    def _on_begin(self, turn: Turn) -> None:
        """A turn opened: a clip or speech takes the input audio sent since the last turn."""
        self._opened.append(turn)
        turn.max_reply_samples = self.max_reply_samples
        turn.model = self.recording.meta.get("model")
        if turn.source == "typed":
            return
        turn.audio_in_s = self._pending_in_s
        if self._pending_in_start is not None:
            turn.t_user_start = self._pending_in_start
        if turn.source == "speech" and self._last_input_t is not None:
            turn.t_user_end = self._last_input_t
        self._pending_in_s, self._pending_in_start = 0.0, None

    def mark_user_end(self, t: float | None = None) -> None:
        """The user finished their input (text sent, activity end, the clip's last chunk)."""
        turns = self.conversation.open
        if turns and turns[-1].source != "speech" and turns[-1].t_first_audio is None:
            turns[-1].t_user_end = self.now() if t is None else t

    def report_playback(self, played_samples: int) -> None:
        """The player has played this many reply samples since the session started."""
        self.playback.report(played_samples)

    def mark_non_blocking(self, call_id: str | None) -> None:
        """This call is NON_BLOCKING: its turn ends without waiting for the result."""
        self.conversation.mark_non_blocking(call_id)

    def add_tool_result(self, response: dict[str, Any]) -> None:
        """A function response was sent for the turn that made the call."""
        self.conversation.tool_result(response)

    # --- what the server sends ---------------------------------------------------------------

    def on_event(self, event: Any, t: float | None = None) -> Outcome:
        """Record a server event; returns what it changed (see :class:`Outcome`).

        Turns that end later without an event (the quiet period) come from :meth:`expire`.
        """
        if t is None:
            t = self.now()
        opened, ended = self._opened, self._ended
        if opened or ended:
            opened.clear()
            ended.clear()
        if type(event) is _AudioChunk:  # the hot path: ~25 a second
            self._on_audio(event, t)
            if not (opened or ended):
                return _NOTHING
            return Outcome(tuple(opened), tuple(ended))
        completed, cut = self._on_other(event, t)
        if not (opened or ended or cut):
            return _NOTHING
        return Outcome(tuple(opened), tuple(ended), completed, cut)

    def _on_other(self, event: Any, t: float) -> tuple[Turn | None, Cut | None]:
        conv = self.conversation
        if isinstance(event, p.AudioChunk):
            self._on_audio(event, t)
            return None, None
        if self._record is not False:
            self.recording.events.append({"t": t, "dir": "recv", **event_record(event)})
        if not isinstance(event, p.Usage):
            conv.next_event()
        if isinstance(event, p.InputTranscript):
            conv.input_transcript(event, t)
            cues.note_input_piece(conv.turns, event, t)
        elif isinstance(event, p.VoiceActivity):
            conv.voice_activity(event, t)
        elif isinstance(event, (p.OutputTranscript, p.TextPart)):
            # wordless pieces (Vertex's `outputTranscription: {}` and `{finished: true}`, in real
            # frames: pydantic-ai's cassettes) also come before a tool's reply: they are not that
            # reply (the tool turn would end before it is spoken), nor a new turn
            thought = getattr(event, "thought", False)
            if event.text and not thought and (turn := conv.transcript(event, t)) is not None:
                cues.note_reply_piece(turn, event)
        elif isinstance(event, p.ToolCall):
            conv.tool_call(event, t)
        elif isinstance(event, p.ToolCallCancellation):
            conv.tool_cancellation(event, t)
        elif isinstance(event, p.GenerationComplete):
            conv.generation_complete(t)
        elif isinstance(event, p.GroundingMetadata):
            if event.sources or event.queries or event.supports or event.search_entry_point:
                conv.grounding(event)  # not Vertex's empty one on every turnComplete
        elif isinstance(event, p.Usage):
            turn = conv.usage(event)
            if turn is not None and self.turns[turn.index] is not turn:
                self.turns[turn.index].usage = turn.usage  # the kept copy
        elif isinstance(event, p.Interrupted):
            return None, self._on_interrupted(t)
        elif isinstance(event, p.TurnComplete):
            return conv.turn_complete(t), None
        return None, None

    def expire(self, t: float | None = None) -> list[Turn]:
        """End turns whose quiet period is over (see the turn model); returns them."""
        return self.conversation.expire(self.now() if t is None else t)

    def _on_audio(self, event: p.AudioChunk, t: float) -> None:
        n, rate = len(event.data) // 2, event.rate
        entry = self._audio_log.get("recv")  # the summary of this second, counted inline
        if entry is not None and t - entry["t"] < _AUDIO_LOG_S and entry["rate"] == rate:
            entry["samples"] += n
            entry["chunks"] += 1
        else:
            self._log_audio("recv", "AudioChunk", t, n, rate=rate)
        if event.extra and self._record is not False:  # unmodelled fields are never dropped
            self.recording.events.append({"t": t, "dir": "recv", **event_record(event)})
        try:
            samples = self.playback.samples(event)
        except Exception as e:  # AudioError, or what a hostile chunk provokes in the resampler
            self.log_error(str(e), t, bytes=len(event.data))
            return
        turn = self.conversation.reply_turn(t)
        turn.awaiting_tool_reply = False
        if turn.interrupted:  # the tail of a cut reply: the player flushed it
            turn.received_samples += len(samples)
            return
        if turn.output_offset is None:
            self.conversation.output_started(turn, t)
            turn.output_offset = max(round(t * OUTPUT_RATE), self._output_end())
            self.playback.started(turn)
        turn.add_audio(samples)
        self.playback.delivered(len(samples))

    def _output_end(self) -> int:
        current = self.current_turn
        ends = [
            tr.output_offset + tr.heard_samples
            for tr in self.turns
            if tr.output_offset is not None and tr is not current
        ]
        return max(ends, default=0)

    def _on_interrupted(self, t: float) -> Cut:
        playing = self.playback.still_playing(self.turns, self.current_turn, t)
        turn = self.conversation.interrupted(t, playing=playing)
        kept = self.playback.cut(turn, t)
        turn.cut(kept)
        return Cut(turn, kept)

    # --- endings -----------------------------------------------------------------------------

    def _on_end(self, turn: Turn) -> None:
        self._ended.append(turn)
        self.playback.ended(turn)
        if self._record is not True:  # the caller's Turn keeps its audio; the recording doesn't
            self.turns[turn.index] = turn.without_audio(keep_text=bool(self._record))
        self.on_turn_end(turn)

    def abandon_turn(self, turn: Turn, reason: str = "") -> None:
        """End an open turn that will get no reply (its input could not be re-sent)."""
        reason = reason or "the connection broke and its streamed input cannot be sent again"
        self.conversation.fail(turn, reason, self.now())
        self.log("session", "turn_abandoned", turn=turn.index)

    def fail_turn(self, turn: Turn, reason: str) -> None:
        """End an open turn as failed (``turn.error`` says why)."""
        self.conversation.fail(turn, reason, self.now())

    def retry_turn(self, turn: Turn, cause: str = "a reconnect") -> bool:
        """Drop the partial reply of an open turn about to be asked again.

        Returns False (and the turn failed) once it was asked again too often (see the turn
        model). ``cause`` names why (``"goAway"``, a close) for the error.
        """
        self.playback.forget(turn)
        return self.conversation.retry(turn, self.now(), cause)
