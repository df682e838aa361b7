"""A session's timeline: events, input and output audio, turns, usage; export and reload.

Every :class:`~gemlive_nb.session.LiveSession` keeps one in ``session.recording``. Times are
seconds since the session started (monotonic clock). Input audio (16 kHz) is placed where it
was sent: a streamed microphone chunk ends when it is sent (consecutive chunks are contiguous);
a whole clip sent at once (``ask(Audio)``) starts when it is sent, never overlapping earlier
input. Output audio (24 kHz) is placed where it would have played — a reply starts when its
first chunk arrives or when the previous reply ends, and an interrupted reply ends where
playback was cut.

Input transcription is split into user utterances, each going to one turn. Deltas are joined
exactly as received (the service's deltas carry their own leading spaces; none are invented).
A delta goes to the newest open turn whose reply has not started yet; otherwise it waits for
the next turn. An utterance ends — and the next delta starts a new one, for the next turn —
when the turn's reply starts, when a delta says ``finished``, when the server's voice activity
detection reports the end of activity, or when a whole sentence (ending in ``.``, ``!`` or
``?``) is followed by a delta that starts a new sentence with no space (a server that sends one
message per utterance). Utterances heard before any reply wait in order: each reply takes the
oldest.

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

import contextlib
import json
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from .. import protocol as p
from ..audio import Audio, resample
from . import cues as _cues
from . import store
from .events import check_record, event_record, plain
from .track import Track
from .turn import Turn

__all__ = ["Recording"]

INPUT_RATE = p.INPUT_RATE
OUTPUT_RATE = p.OUTPUT_RATE
# Audio log entries cover at most this many seconds each (one entry per chunk is ~50/s).
_AUDIO_LOG_S = 1.0
_SENTENCE_END = (".", "!", "?")


def _new_sentence(before: str, delta: str) -> bool:
    """A whole sentence followed, without a space, by one starting with a capital letter."""
    return before.rstrip().endswith(_SENTENCE_END) and delta[:1].isupper()


class Recording:
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
    ) -> None:
        self.meta: dict[str, Any] = dict(meta or {})
        self.record = check_record(record)
        self._clock = clock
        self._t0 = clock()
        self.events: list[dict[str, Any]] = []
        self.turns: list[Turn] = []
        self.input = Track(INPUT_RATE, keep=record is True)
        self._open: deque[Turn] = deque()  # asked, not complete; replies go to the oldest
        self._pending_utterances: list[str] = []  # input transcripts waiting for their turn
        self._target: Turn | None = None  # the turn the current utterance goes to
        self._pending_open = False  # the last pending utterance may still grow
        self._audio_log: dict[str, dict[str, Any]] = {}  # direction -> current summary entry
        self._pending_in_s = 0.0
        self._pending_in_start: float | None = None
        self._last_input_t: float | None = None
        self._played: int | None = None  # cumulative samples the player reported
        self._stream_pos = 0  # cumulative reply samples delivered to the player
        self._stream_start: dict[int, int] = {}
        self._just_completed: Turn | None = None
        self._non_blocking: set[str | None] = set()

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

    def _log_audio(self, direction: str, kind: str, t: float, samples: int, **fields: Any) -> None:
        """Count audio in the current summary entry; start a new one each second."""
        if self.record is False:
            return
        entry = self._audio_log.get(direction)
        if (
            entry is None
            or t - entry["t"] >= _AUDIO_LOG_S
            or any(entry.get(k) != v for k, v in fields.items())
        ):
            entry = {"t": t, "dir": direction, "type": kind, "samples": 0, "chunks": 0, **fields}
            self._audio_log[direction] = entry
            self.events.append(entry)
        entry["samples"] += samples
        entry["chunks"] += 1

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
        if self._pending_in_start is None:
            self._pending_in_start = start
        self._pending_in_s += seconds
        self._last_input_t = t
        self._log_audio("send", "audio", start, len(samples))

    def begin_turn(self, user_text: str | None = None, t: float | None = None) -> Turn:
        """Open a new turn for input the user just sent.

        A turn still open stays open: the server answers (or interrupts) turns in order, so its
        reply, ``interrupted`` and ``turnComplete`` still come first and go to it.
        """
        t = self.now() if t is None else t
        turn = Turn(
            index=len(self.turns),
            user_text=user_text,
            t_user_start=self._pending_in_start if self._pending_in_start is not None else t,
        )
        if self._pending_utterances:
            turn.input_transcript = self._pending_utterances.pop(0)
            if not self._pending_utterances and self._pending_open:
                self._target, self._pending_open = turn, False  # its utterance may go on
        turn.audio_in_s = self._pending_in_s
        self._pending_in_s = 0.0
        self._pending_in_start = None
        self.turns.append(turn)
        self._open.append(turn)
        return turn

    def mark_user_end(self, t: float | None = None) -> None:
        """The user finished their input (text sent, activity end, last audio chunk)."""
        if self._open and self._open[-1].t_first_audio is None:
            self._open[-1].t_user_end = self.now() if t is None else t

    @property
    def current_turn(self) -> Turn | None:
        """The oldest turn still waiting for (or receiving) its reply, if any."""
        return self._open[0] if self._open else None

    @property
    def open_turns(self) -> list[Turn]:
        """Every turn not complete yet, oldest first."""
        return list(self._open)

    def _turn_for_reply(self, t: float) -> Turn:
        turn = self.current_turn
        if turn is None:
            turn = self.begin_turn(t=t)
            turn.t_user_end = self._last_input_t if self._last_input_t is not None else t
        return turn

    def report_playback(self, played_samples: int) -> None:
        """The player has played this many reply samples since the session started."""
        if played_samples >= 0:
            self._played = int(played_samples)

    def mark_non_blocking(self, call_id: str | None) -> None:
        """This call is NON_BLOCKING: its turn ends without waiting for the result."""
        self._non_blocking.add(call_id)

    def add_tool_result(self, response: dict[str, Any]) -> None:
        """A function response was sent for the current turn."""
        call_id = response.get("id")
        owner = [t for t in self.turns[::-1] if any(c["id"] == call_id for c in t.tool_calls)]
        turn = owner[0] if owner else self.current_turn
        if turn is not None:
            turn.tool_results.append(json.loads(json.dumps(response)))
            # a blocking call's answer is spoken in the same turn; a NON_BLOCKING one's later
            turn.awaiting_tool_reply = not turn.complete and call_id not in self._non_blocking

    def on_event(self, event: Any, t: float | None = None) -> Turn | Any | None:
        """Record a server event; returns the finished Turn on TurnComplete, a cut position
        ``(turn, samples_kept)`` on an interruption, else None."""
        t = self.now() if t is None else t
        if isinstance(event, p.AudioChunk):
            self._log_audio("recv", "AudioChunk", t, len(event.data) // 2, rate=event.rate)
            self._on_audio(event, t)
            return None
        if self.record is not False:
            self.events.append({"t": t, "dir": "recv", **event_record(event)})
        just_completed, self._just_completed = self._just_completed, None
        if isinstance(event, p.InputTranscript):
            self._on_input_transcript(event)
        elif isinstance(event, p.VoiceActivity):
            if "END" in event.kind.upper():
                self._target, self._pending_open = None, False
        elif isinstance(event, p.OutputTranscript):
            turn = self._turn_for_reply(t)
            if not turn.interrupted:
                turn.output_transcript += event.text
                turn.awaiting_tool_reply = False
        elif isinstance(event, p.TextPart) and not event.thought:
            turn = self._turn_for_reply(t)
            if not turn.interrupted:
                turn.text += event.text
                turn.awaiting_tool_reply = False
        elif isinstance(event, p.ToolCall):
            turn = self._turn_for_reply(t)
            turn.tool_calls.extend(
                {"id": c.id, "name": c.name, "args": plain(c.args)} for c in event.calls
            )
        elif isinstance(event, p.Usage):
            # usage rides with turnComplete and is parsed after it: it belongs to that turn
            turn = just_completed or self.current_turn or (self.turns[-1] if self.turns else None)
            if turn is not None:
                turn.usage = event if turn.usage is None else turn.usage + event
                self.turns[turn.index].usage = turn.usage  # the kept copy, if not the same
        elif isinstance(event, p.Interrupted):
            return self._on_interrupted()
        elif isinstance(event, p.TurnComplete):
            return self._on_turn_complete(t)
        return None

    @staticmethod
    def _listening(turn: Turn) -> bool:
        return (
            not turn.complete
            and turn.t_first_audio is None
            and not turn.transcript
            and not turn.tool_calls
        )

    def _on_input_transcript(self, event: p.InputTranscript) -> None:
        """Attribute a delta to its user utterance (rule in the module docstring)."""
        text, target, pending = event.text, self._target, self._pending_utterances
        if (
            target is not None
            and self._listening(target)
            and not _new_sentence(target.input_transcript, text)
        ):
            target.input_transcript += text
        elif (
            target is None
            and self._pending_open
            and pending
            and not _new_sentence(pending[-1], text)
        ):
            pending[-1] += text
        else:  # a new utterance: for the oldest turn still waiting for one, or the next turn
            waiting = [tr for tr in self._open if self._listening(tr) and not tr.input_transcript]
            if waiting:
                self._target, self._pending_open = waiting[0], False
                waiting[0].input_transcript += text
            else:
                pending.append(text)
                self._target, self._pending_open = None, True
        if event.finished:
            self._target, self._pending_open = None, False

    def _on_audio(self, event: p.AudioChunk, t: float) -> None:
        samples = event.samples
        if event.rate != OUTPUT_RATE:
            samples = resample(samples, event.rate, OUTPUT_RATE)
        turn = self._turn_for_reply(t)
        turn.awaiting_tool_reply = False
        if turn.interrupted:
            return  # audio of a reply already cut: never played
        if turn.output_offset is None:
            turn.t_first_audio = t
            turn.output_offset = max(round(t * OUTPUT_RATE), self._output_end())
            self._stream_start[turn.index] = self._stream_pos
        turn.add_audio(samples)
        self._stream_pos += len(samples)

    def _output_end(self) -> int:
        ends = [
            tr.output_offset + tr.heard_samples
            for tr in self.turns
            if tr.output_offset is not None and tr is not self.current_turn
        ]
        return max(ends, default=0)

    def _on_interrupted(self) -> tuple[Turn, int] | None:
        turn = self.current_turn
        if turn is None or turn.interrupted:
            return None
        turn.interrupted = True
        start = self._stream_start.get(turn.index)
        if start is None:  # nothing was said yet
            turn.cut_sample = 0
            return turn, 0
        kept = turn.received_samples
        if self._played is not None:
            kept = min(max(self._played - start, 0), turn.received_samples)
        turn.cut(kept)
        # samples after the cut were flushed by the player and never count as played
        self._stream_pos = start + kept
        return turn, kept

    def _on_turn_complete(self, t: float) -> Turn | None:
        turn = self.current_turn
        if turn is None:
            return None
        answered = {r.get("id") for r in turn.tool_results} | self._non_blocking
        waiting = [c for c in turn.tool_calls if c["id"] not in answered]
        if not turn.interrupted and (waiting or turn.awaiting_tool_reply):
            return None  # the model continues this turn once the tool results arrive
        turn.complete = True
        turn.t_turn_complete = t
        self._open.popleft()
        self._just_completed = turn
        self._stream_start.pop(turn.index, None)
        if self.record is not True:  # the caller's Turn keeps its audio; the recording doesn't
            self.turns[turn.index] = turn.without_audio(keep_text=bool(self.record))
        return turn

    def abandon_turn(self, turn: Turn) -> None:
        """Close an open turn that will get no reply (its input could not be re-sent)."""
        with contextlib.suppress(ValueError):
            self._open.remove(turn)
        self.log("session", "turn_abandoned", turn=turn.index)

    def retry_turn(self, turn: Turn) -> None:
        """Drop the partial reply of an open turn that is about to be asked again."""
        self._stream_start.pop(turn.index, None)  # the partial reply stays counted as delivered
        turn.reset_reply()
        turn.retries += 1

    # --- reading ----------------------------------------------------------------------------

    @property
    def duration(self) -> float:
        """Seconds from the start to the end of the last recorded sound or event."""
        last = self.events[-1]["t"] if self.events else 0.0
        return max(last, self.input.duration, self._output_end_all() / OUTPUT_RATE)

    def _output_end_all(self) -> int:
        return max(
            (
                tr.output_offset + tr.heard_samples
                for tr in self.turns
                if tr.output_offset is not None
            ),
            default=0,
        )

    @property
    def output(self) -> Audio:
        """The model's audio as heard, 24 kHz, on the session timeline."""
        if self.record is not True:
            return Audio(np.zeros(0, np.int16), OUTPUT_RATE)
        out = np.zeros(self._output_end_all(), np.int16)
        for tr in self.turns:
            if tr.output_offset is not None:
                data = tr.audio.samples
                out[tr.output_offset : tr.output_offset + len(data)] = data
        return Audio(out, OUTPUT_RATE)

    @property
    def input_audio(self) -> Audio:
        """Everything the user sent, 16 kHz, on the session timeline."""
        return Audio(self.input.render(), INPUT_RATE)

    def stereo(self) -> np.ndarray:
        """``(n, 2)`` int16 at 24 kHz: user left, model right, aligned on the timeline."""
        left = resample(self.input.render(), INPUT_RATE, OUTPUT_RATE)
        right = self.output.samples
        n = max(len(left), len(right))
        out = np.zeros((n, 2), np.int16)
        out[: len(left), 0] = left
        out[: len(right), 1] = right
        return out

    @property
    def usage(self) -> p.Usage | None:
        """Token usage summed over the turns (None when the service sent none)."""
        usages = [t.usage for t in self.turns if t.usage is not None]
        return sum(usages[1:], usages[0]) if usages else None

    def usage_dict(self, dialect: str | None = None) -> dict[str, Any]:
        """Total usage in the wire shape of ``dialect`` ('google', 'vertex' or 'mixroute')."""
        total = self.usage
        return {} if total is None else total.to_dict(dialect)

    @property
    def metrics(self) -> list[dict[str, Any]]:
        """Per-turn metrics (see :attr:`Turn.metrics`), with the turn index."""
        return [{"turn": t.index, **t.metrics} for t in self.turns]

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
        """Write input.wav, output.wav, stereo.wav, events.jsonl, transcript.srt,
        transcript.vtt and manifest.json into ``directory`` (created if needed).

        The WAV files are written only when the recording keeps audio (``record=True``)."""
        return store.save(self, directory)

    @classmethod
    def load(cls, directory: str | Path) -> Recording:
        """Read a recording written by :meth:`save`.

        A missing directory or manifest raises FileNotFoundError; a damaged file raises
        GemliveError naming it.
        """
        return store.load(cls, directory)

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

    def __repr__(self) -> str:
        return (
            f"<Recording {self.duration:.1f} s, {len(self.turns)} turns, "
            f"{len(self.events)} events, {self.input.sample_count / INPUT_RATE:.1f} s in, "
            f"{sum(t.audio_out_s for t in self.turns):.1f} s out>"
        )

    def _repr_html_(self) -> str:
        return "".join(t._repr_html_() for t in self.turns) or f"<pre>{self!r}</pre>"

    def __iter__(self) -> Iterable[Turn]:  # type: ignore[override]
        return iter(self.turns)

    def __len__(self) -> int:
        return len(self.turns)
