"""A session's timeline: events, input and output audio, turns, usage; export and reload.

Every :class:`~gemlive_nb.session.LiveSession` keeps one in ``session.recording``. Times are
seconds since the session started (monotonic clock). Input audio (16 kHz) is placed where it
was sent: a streamed microphone chunk ends when it is sent (consecutive chunks are contiguous);
a whole clip sent at once (``ask(Audio)``) starts when it is sent, never overlapping earlier
input. Output audio (24 kHz) is placed where it would have played — a reply starts when its
first chunk arrives or when the previous reply ends, and an interrupted reply ends where
playback was cut.

Which turn each server event belongs to is decided by the turn model
(:mod:`gemlive_nb.conversation.model`, with its state diagram); a voice-activity detector over
the input (:mod:`gemlive_nb.conversation.vad`) dates the user's speech for latency and cues.
A frame that cannot be used (an undecodable or unresamplable audio chunk, a rate outside
8–48 kHz) becomes an ``{"type": "error"}`` event and is otherwise ignored. Reply audio kept
per turn is capped at ``max_reply_s`` (:data:`~.turn.MAX_REPLY_S`, 10 minutes) whatever
``record`` says; the excess is dropped and counted in ``turn.dropped_samples``.

The event log keeps every event except audio: audio chunks are summarised, at most one entry
per direction per second (``{"type": "audio"|"AudioChunk", "samples", "chunks"}``). ``record``
chooses what is kept: ``True`` everything; ``"transcript"`` transcripts, events and metrics but
no audio samples (a turn's reply audio stays on the Turn object that ``ask()`` returned; the
recording keeps a copy without samples once the turn completes); ``False`` only each turn's
metrics (no events, no words, no audio)::

    rec = s.recording
    rec.turns[0].output_transcript
    rec.save("run1")          # input.wav output.wav stereo.wav events.jsonl transcript.srt/.vtt
    gl.Recording.load("run1") == rec    # True
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .. import protocol as p
from ..protocol import INPUT_RATE, OUTPUT_RATE
from . import cues as _cues
from . import store
from .audio_log import AudioLog
from .events import check_record, event_record
from .model import QUIET_S, Conversation
from .playback import Playback
from .track import Track
from .turn import MAX_REPLY_S, Turn
from .vad import SpeechSpans
from .views import RecordingViews

__all__ = ["Recording"]


class Recording(RecordingViews):
    """The timeline of one session (see the module docstring).

    ``events`` are dicts ``{"t", "dir": "recv"|"send"|"session", "type", ...fields}``;
    ``turns`` are :class:`Turn` objects; ``input``/``output`` give the audio tracks.
    ``meta`` describes the session (model, voice, endpoint description — never a key).
    ``record`` is True, ``"transcript"`` or False (see the module docstring).
    """

    def __init__(
        self,
        meta: dict[str, Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
        record: bool | str = True,
        quiet_s: float = QUIET_S,
        max_reply_s: float = MAX_REPLY_S,
    ) -> None:
        self.meta: dict[str, Any] = dict(meta or {})
        self.record = check_record(record)
        self._clock = clock
        self._t0 = clock()
        self.events: list[dict[str, Any]] = []
        self.input = Track(INPUT_RATE, keep=record is True)
        self.speech = SpeechSpans(INPUT_RATE)
        self.conversation = Conversation(self.speech.last_span, quiet_s=quiet_s)
        self.conversation.on_end = self._on_end
        self.conversation.on_begin = self._on_begin
        self.on_turn_end: Callable[[Turn], None] = lambda turn: None  # the session's hook
        self.max_reply_samples = round(max_reply_s * OUTPUT_RATE)
        self.errors = 0  # server frames that could not be used
        self.frames: list[dict[str, Any]] | None = None  # the wire frames, when kept (see below)
        # the credentials the session may have put on the wire: save() writes none of them
        self.secrets: Callable[[], tuple[Any, ...]] = tuple
        self._audio_log = AudioLog()
        self._pending_in_s = 0.0
        self._pending_in_start: float | None = None
        self._last_input_t: float | None = None
        self.playback = Playback()

    @property
    def turns(self) -> list[Turn]:
        """Every turn so far, in the order the user spoke."""
        return self.conversation.turns

    @turns.setter
    def turns(self, turns: list[Turn]) -> None:
        self.conversation.turns = turns

    # --- clock ------------------------------------------------------------------------------

    def now(self) -> float:
        """Seconds since the recording started."""
        return round(self._clock() - self._t0, 6)

    # --- writing ----------------------------------------------------------------------------

    def log(self, direction: str, kind: str, t: float | None = None, **fields: Any) -> None:
        """Append one event dict (``direction``: 'send', 'recv' or 'session')."""
        if self.record is False:
            return
        self.events.append(
            {"t": self.now() if t is None else t, "dir": direction, "type": kind, **fields}
        )

    def keep_frame(self, direction: str, frame: str | bytes, t: float | None = None) -> None:
        """Keep one wire frame as sent or received, if this recording keeps frames.

        It keeps them when ``frames`` is a list (``connect(record_frames=True)``); they are
        saved as ``frames.jsonl``, a cassette ``gl.Emulator(replay=DIR)`` serves back: one
        ``{"t": seconds since the start, "dir": "send"|"recv", "frame": text}`` per frame
        (format: :mod:`gemlive_nb.emulator.replay`).
        """
        if self.frames is None:
            return
        text = frame if isinstance(frame, str) else bytes(frame).decode("utf-8", "replace")
        self.frames.append({"t": self.now() if t is None else t, "dir": direction, "frame": text})

    def keep_close(self, code: int, reason: str) -> None:
        """Keep the server's close of a connection (1006: it dropped) with the frames."""
        if self.frames is not None:
            self.frames.append({"t": self.now(), "dir": "close", "code": code, "reason": reason})

    def log_error(self, error: str, t: float | None = None, **fields: Any) -> None:
        """A server frame could not be used: an ``error`` event (kept whatever ``record=``)."""
        self.errors += 1
        self.events.append(
            {"t": self.now() if t is None else t, "dir": "recv", "type": "error", "error": error}
            | fields
        )

    def _log_audio(self, direction: str, kind: str, t: float, samples: int, **fields: Any) -> None:
        """Count audio in the event log's summary entry (see :mod:`.audio_log`)."""
        if self.record is not False and (
            entry := self._audio_log.add(direction, kind, t, samples, **fields)
        ):
            self.events.append(entry)

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
        start = self.input.add(samples, max(0.0, at)) / INPUT_RATE
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
        turn.max_reply_samples = self.max_reply_samples
        turn.model = self.meta.get("model")
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

    @property
    def current_turn(self) -> Turn | None:
        """The oldest turn still waiting for (or receiving) its reply, if any."""
        return self.conversation.open[0] if self.conversation.open else None

    @property
    def open_turns(self) -> list[Turn]:
        """Every turn not ended yet, oldest first."""
        return list(self.conversation.open)

    def report_playback(self, played_samples: int) -> None:
        """The player has played this many reply samples since the session started."""
        self.playback.report(played_samples)

    def mark_non_blocking(self, call_id: str | None) -> None:
        """This call is NON_BLOCKING: its turn ends without waiting for the result."""
        self.conversation.mark_non_blocking(call_id)

    def add_tool_result(self, response: dict[str, Any]) -> None:
        """A function response was sent for the turn that made the call."""
        self.conversation.tool_result(response)

    def on_event(self, event: Any, t: float | None = None) -> Turn | tuple[Turn, int] | None:
        """Record a server event; returns what it ended or cut, if anything.

        That is the Turn it ended on TurnComplete, a cut position ``(turn, samples_kept)`` on an
        interruption, else None. Turns that end otherwise (a quiet period, the next reply) are
        reported through :attr:`ended`.
        """
        t = self.now() if t is None else t
        conv = self.conversation
        if isinstance(event, p.AudioChunk):
            self._log_audio("recv", "AudioChunk", t, len(event.data) // 2, rate=event.rate)
            if event.extra and self.record is not False:  # unmodelled fields are never dropped
                self.events.append({"t": t, "dir": "recv", **event_record(event)})
            self._on_audio(event, t)
            return None
        if self.record is not False:
            self.events.append({"t": t, "dir": "recv", **event_record(event)})
        if not isinstance(event, p.Usage):
            conv.next_event()
        if isinstance(event, p.InputTranscript):
            conv.input_transcript(event, t)
            _cues.note_input_piece(self.turns, event, t)
        elif isinstance(event, p.VoiceActivity):
            conv.voice_activity(event, t)
        elif isinstance(event, (p.OutputTranscript, p.TextPart)):
            # wordless pieces (Vertex's `outputTranscription: {}` and `{finished: true}`, in real
            # frames: pydantic-ai's cassettes) also come before a tool's reply: they are not that
            # reply (the tool turn would end before it is spoken), nor a new turn
            thought = getattr(event, "thought", False)
            if event.text and not thought and (turn := conv.transcript(event, t)) is not None:
                _cues.note_reply_piece(turn, event)
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
            return self._on_interrupted(t)
        elif isinstance(event, p.TurnComplete):
            return conv.turn_complete(t)
        return None

    def expire(self, t: float | None = None) -> list[Turn]:
        """End turns whose quiet period is over (see the turn model); returns them."""
        return self.conversation.expire(self.now() if t is None else t)

    def _on_audio(self, event: p.AudioChunk, t: float) -> None:
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

    def _on_interrupted(self, t: float) -> tuple[Turn, int]:
        playing = self.playback.still_playing(self.turns, self.current_turn, t)
        turn = self.conversation.interrupted(t, playing=playing)
        kept = self.playback.cut(turn, t)
        turn.cut(kept)
        return turn, kept

    def _on_end(self, turn: Turn) -> None:
        self.playback.ended(turn)
        if self.record is not True:  # the caller's Turn keeps its audio; the recording doesn't
            self.turns[turn.index] = turn.without_audio(keep_text=bool(self.record))
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

    # --- reading (more in .views) --------------------------------------------------------

    def cues(self) -> list[tuple[float, float, str, str]]:
        """Subtitle cues ``(start, end, speaker, text)`` for the user and the model."""
        return _cues.cues(self)

    def srt(self) -> str:
        """The transcript as SubRip subtitles."""
        return _cues.srt(self)

    def vtt(self) -> str:
        """The transcript as WebVTT subtitles."""
        return _cues.vtt(self)

    # --- files ------------------------------------------------------------------------------

    def save(self, directory: str | Path) -> Path:
        """Write the recording into ``directory`` (created if needed); returns its path.

        The files are input.wav, output.wav, stereo.wav, events.jsonl, transcript.srt,
        transcript.vtt and manifest.json. The WAV files are written only when the recording
        keeps audio (``record=True``).
        """
        return store.save(self, directory)

    @classmethod
    def load(cls, directory: str | Path) -> Recording:
        """Read a recording written by :meth:`save`.

        A missing directory or manifest raises FileNotFoundError; a damaged file raises
        GemliveError naming it.
        """
        rec = store.load(cls, directory)
        for turn in rec.turns:  # the session's model, for Turn.cost
            turn.model = rec.meta.get("model")
        return rec

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Recording):
            return NotImplemented
        return (
            self.meta == other.meta
            and self.events == other.events
            and self.turns == other.turns
            and np.array_equal(self.input.render(), other.input.render())
            and np.array_equal(self.output.samples, other.output.samples)
        )

    __hash__ = None  # type: ignore[assignment]
