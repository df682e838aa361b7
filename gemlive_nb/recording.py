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
import dataclasses
import json
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from . import protocol as p
from .audio import Audio, read_wav, resample, write_wav
from .exceptions import ConfigError, GemliveError
from .turn import Turn

__all__ = ["Recording", "Track", "event_record"]

INPUT_RATE = p.INPUT_RATE
OUTPUT_RATE = p.OUTPUT_RATE
# Chunks sent this close after the previous one ends are joined (timer jitter is not silence).
_JOIN_S = 0.05
_FORMAT = 1
# Audio log entries cover at most this many seconds each (one entry per chunk is ~50/s).
_AUDIO_LOG_S = 1.0
RECORD_MODES = (True, "transcript", False)
_SENTENCE_END = (".", "!", "?")


def check_record(record: Any) -> bool | str:
    """Validate a ``record=`` option: True, "transcript" or False."""
    if not any(record is m or (isinstance(m, str) and record == m) for m in RECORD_MODES):
        raise ConfigError(
            f"record must be True (everything), 'transcript' (no audio samples) or False "
            f"(metrics only), not {record!r}"
        )
    return record


def _new_sentence(before: str, delta: str) -> bool:
    """A whole sentence followed, without a space, by one starting with a capital letter."""
    return before.rstrip().endswith(_SENTENCE_END) and delta[:1].isupper()


def event_record(event: Any) -> dict[str, Any]:
    """A JSON-ready summary of an event: its type and fields; bytes become their length.

    ``raw`` is kept only for :class:`~gemlive_nb.protocol.Unknown` (it is the whole event)::

        event_record(AudioChunk(b"\\0\\0" * 480))
        # {'type': 'AudioChunk', 'data': {'bytes': 960}, 'rate': 24000, 'mime_type': ...}
    """
    out: dict[str, Any] = {"type": type(event).__name__}
    for f in dataclasses.fields(event):
        if f.name == "raw" and not isinstance(event, p.Unknown):
            continue
        out[f.name] = _plain(getattr(event, f.name))
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"bytes": len(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class Track:
    """Mono audio placed on a timeline: segments of int16 samples at sample offsets.

    A chunk that starts within 50 ms of the previous one's end is joined to it, so timer jitter
    does not open gaps; a later chunk starts a new segment (the gap is silence)::

        t = Track(16000); t.add(np.ones(160, np.int16), at=0.0); t.add(..., at=2.0)
        t.render()        # silence between the two
    """

    def __init__(self, rate: int, keep: bool = True) -> None:
        self.rate = rate
        self.keep = keep  # False: only the placement is tracked, no samples are stored
        self.segments: list[tuple[int, list[np.ndarray]]] = []
        self.end = 0  # one past the last sample

    def add(self, samples: np.ndarray, at: float) -> int:
        """Place ``samples`` starting at ``at`` seconds (or right after the previous chunk);
        returns the start offset in samples."""
        start = max(round(at * self.rate), self.end)
        if self.end and start <= self.end + _JOIN_S * self.rate:
            start = self.end
            if self.keep and self.segments:
                self.segments[-1][1].append(samples)
        if self.keep and (not self.segments or start != self.end):
            self.segments.append((start, [samples]))
        self.end = start + len(samples)
        return start

    @property
    def duration(self) -> float:
        """Seconds from the start of the timeline to the end of the last chunk."""
        return self.end / self.rate

    @property
    def sample_count(self) -> int:
        """Samples actually recorded (gaps excluded)."""
        return sum(len(c) for _, chunks in self.segments for c in chunks)

    def render(self, length: int | None = None) -> np.ndarray:
        """The whole track as one int16 array (silence in the gaps), padded to ``length``.

        Empty when the track keeps no samples."""
        if not self.keep:
            return np.zeros(0, np.int16)
        out = np.zeros(max(self.end, length or 0), np.int16)
        for start, chunks in self.segments:
            data = chunks[0] if len(chunks) == 1 else np.concatenate(chunks)
            out[start : start + len(data)] = data
        return out

    @classmethod
    def from_samples(cls, samples: np.ndarray, rate: int) -> Track:
        """A track holding ``samples`` from time 0."""
        track = cls(rate)
        if len(samples):
            track.segments.append((0, [np.asarray(samples, np.int16)]))
            track.end = len(samples)
        return track


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
                {"id": c.id, "name": c.name, "args": _plain(c.args)} for c in event.calls
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
        cues = []
        for turn in self.turns:
            if turn.user:
                start = turn.t_user_start or 0.0
                end = turn.t_user_end if turn.t_user_end is not None else start
                # a clip sent at once ends on the timeline after the moment it was sent
                end = max(end, start + turn.audio_in_s, start + 0.5)
                cues.append((start, end, "User", turn.user))
            if turn.transcript:
                if turn.output_offset is not None:
                    start = turn.output_offset / OUTPUT_RATE
                    end = start + turn.audio_out_s
                else:
                    start = turn.t_user_end or turn.t_user_start or 0.0
                    end = turn.t_turn_complete or start
                cues.append((start, max(end, start + 0.5), "Model", turn.transcript))
        return sorted(cues, key=lambda c: c[0])

    def srt(self) -> str:
        """The transcript as SubRip subtitles."""
        blocks = [
            f"{i}\n{_stamp(a, ',')} --> {_stamp(b, ',')}\n{who}: {text.strip()}\n"
            for i, (a, b, who, text) in enumerate(self.cues(), 1)
        ]
        return "\n".join(blocks)

    def vtt(self) -> str:
        """The transcript as WebVTT subtitles."""
        blocks = [
            f"{_stamp(a, '.')} --> {_stamp(b, '.')}\n<v {who}>{text.strip()}\n"
            for a, b, who, text in self.cues()
        ]
        return "WEBVTT\n\n" + "\n".join(blocks)

    # --- files ------------------------------------------------------------------------------

    def save(self, directory: str | Path) -> Path:
        """Write input.wav, output.wav, stereo.wav, events.jsonl, transcript.srt,
        transcript.vtt and manifest.json into ``directory`` (created if needed).

        The WAV files are written only when the recording keeps audio (``record=True``)."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        wavs = ["input.wav", "output.wav", "stereo.wav"] if self.record is True else []
        if wavs:
            write_wav(d / "input.wav", self.input.render(), INPUT_RATE)
            write_wav(d / "output.wav", self.output.samples, OUTPUT_RATE)
            write_wav(d / "stereo.wav", self.stereo(), OUTPUT_RATE)
        with open(d / "events.jsonl", "w", encoding="utf-8") as f:
            for event in self.events:
                f.write(json.dumps(event, ensure_ascii=False) + "\n")
        (d / "transcript.srt").write_text(self.srt(), encoding="utf-8")
        (d / "transcript.vtt").write_text(self.vtt(), encoding="utf-8")
        manifest = {
            "format": _FORMAT,
            "meta": self.meta,
            "record": self.record,
            "input_rate": INPUT_RATE,
            "output_rate": OUTPUT_RATE,
            "duration": self.duration,
            "input_samples": self.input.end,
            "turns": [{**t.to_dict(), "audio_samples": t.heard_samples} for t in self.turns],
            "usage": self.usage_dict(),
            "files": [*wavs, "events.jsonl", "transcript.srt", "transcript.vtt"],
        }
        (d / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        return d

    @classmethod
    def load(cls, directory: str | Path) -> Recording:
        """Read a recording written by :meth:`save`.

        A missing directory or manifest raises FileNotFoundError; a damaged file raises
        GemliveError naming it.
        """
        if not isinstance(directory, (str, Path)):
            raise TypeError(f"directory must be a str or Path, not {type(directory).__name__}")
        d = Path(directory)
        if not (d / "manifest.json").is_file():
            raise FileNotFoundError(
                f"no recording in {str(d)!r}: manifest.json is missing — pass the directory "
                "given to Recording.save()"
            )
        name = "manifest.json"
        try:
            manifest = json.loads((d / name).read_text(encoding="utf-8"))
            rec = cls(meta=manifest.get("meta"), record=manifest.get("record", True))
            name = "events.jsonl"
            with open(d / name, encoding="utf-8") as f:
                rec.events = [json.loads(line) for line in f if line.strip()]
            output = None
            if rec.record is True:
                name = "input.wav"
                rec.input = Track.from_samples(_samples(read_wav(d / name)), INPUT_RATE)
                name = "output.wav"
                output = _samples(read_wav(d / name))
            name = "manifest.json"
            for data in manifest["turns"]:
                start, n = data.get("output_offset"), data.get("audio_samples", 0)
                if output is None:
                    rec.turns.append(Turn.from_dict(data).without_audio())
                    rec.turns[-1]._dropped = n
                    continue
                audio = output[start : start + n] if start is not None else None
                rec.turns.append(Turn.from_dict(data, audio))
        except (OSError, ValueError, KeyError, TypeError, AttributeError, ConfigError) as e:
            raise GemliveError(
                f"the recording in {str(d)!r} is damaged: {name} could not be read "
                f"({type(e).__name__}: {e}) — save it again with Recording.save()"
            ) from None
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


def _stamp(seconds: float, sep: str) -> str:
    ms = round(max(seconds, 0.0) * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _samples(loaded: Any) -> np.ndarray:
    return np.asarray(getattr(loaded, "samples", loaded), np.int16)
