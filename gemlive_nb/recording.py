"""A session's timeline: events, input and output audio, turns, usage; export and reload.

Every :class:`~gemlive_nb.session.LiveSession` keeps one in ``session.recording``. Times are
seconds since the session started (monotonic clock). Input audio (16 kHz) is placed where it
was sent, output audio (24 kHz) where it would have played — a reply starts when its first
chunk arrives or when the previous reply ends, and an interrupted reply ends where playback
was cut::

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
from .exceptions import GemliveError
from .turn import Turn

__all__ = ["Recording", "Track", "event_record"]

INPUT_RATE = p.INPUT_RATE
OUTPUT_RATE = p.OUTPUT_RATE
# Chunks sent this close after the previous one ends are joined (timer jitter is not silence).
_JOIN_S = 0.05
_FORMAT = 1


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

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.segments: list[tuple[int, list[np.ndarray]]] = []
        self.end = 0  # one past the last sample

    def add(self, samples: np.ndarray, at: float) -> int:
        """Place ``samples`` starting at ``at`` seconds (or right after the previous chunk);
        returns the start offset in samples."""
        start = max(round(at * self.rate), self.end)
        if self.segments and start <= self.end + _JOIN_S * self.rate:
            start = self.end
            self.segments[-1][1].append(samples)
        else:
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
        """The whole track as one int16 array (silence in the gaps), padded to ``length``."""
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
    """

    def __init__(
        self, meta: dict[str, Any] | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.meta: dict[str, Any] = dict(meta or {})
        self._clock = clock
        self._t0 = clock()
        self.events: list[dict[str, Any]] = []
        self.turns: list[Turn] = []
        self.input = Track(INPUT_RATE)
        self._open: deque[Turn] = deque()  # asked, not complete; replies go to the oldest
        self._pending_in_transcript = ""
        self._pending_in_s = 0.0
        self._pending_in_start: float | None = None
        self._last_input_t: float | None = None
        self._played: int | None = None  # cumulative samples the player reported
        self._stream_pos = 0  # cumulative reply samples delivered to the player
        self._stream_start: dict[int, int] = {}
        self._just_completed: Turn | None = None
        self._non_blocking: set[str | None] = set()
        self.record_audio_events = True

    # --- clock ------------------------------------------------------------------------------

    def now(self) -> float:
        """Seconds since the recording started."""
        return round(self._clock() - self._t0, 6)

    # --- writing ----------------------------------------------------------------------------

    def log(self, direction: str, kind: str, t: float | None = None, **fields: Any) -> None:
        """Append one event dict (``direction``: 'send', 'recv' or 'session')."""
        self.events.append(
            {"t": self.now() if t is None else t, "dir": direction, "type": kind, **fields}
        )

    def add_input_audio(self, samples: np.ndarray, t: float | None = None) -> None:
        """Record 16 kHz input samples sent at ``t`` (they end at ``t``)."""
        t = self.now() if t is None else t
        self.input.add(samples, max(0.0, t - len(samples) / INPUT_RATE))
        seconds = len(samples) / INPUT_RATE
        if self._pending_in_start is None:
            self._pending_in_start = t - seconds
        self._pending_in_s += seconds
        self._last_input_t = t
        if self.record_audio_events:
            self.log("send", "audio", t, samples=len(samples))

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
        turn.input_transcript = self._pending_in_transcript
        turn.audio_in_s = self._pending_in_s
        self._pending_in_transcript = ""
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
            if self.record_audio_events:
                self.log("recv", "AudioChunk", t, samples=len(event.data) // 2, rate=event.rate)
            self._on_audio(event, t)
            return None
        self.events.append({"t": t, "dir": "recv", **event_record(event)})
        just_completed, self._just_completed = self._just_completed, None
        if isinstance(event, p.InputTranscript):
            waiting = [tr for tr in self._open if tr.t_first_audio is None and not tr.transcript]
            if waiting:
                waiting[-1].input_transcript += event.text
            else:
                self._pending_in_transcript += event.text
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
        elif isinstance(event, p.Interrupted):
            return self._on_interrupted()
        elif isinstance(event, p.TurnComplete):
            return self._on_turn_complete(t)
        return None

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
            tr.output_offset + len(tr.audio.samples)
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
                tr.output_offset + len(tr.audio.samples)
                for tr in self.turns
                if tr.output_offset is not None
            ),
            default=0,
        )

    @property
    def output(self) -> Audio:
        """The model's audio as heard, 24 kHz, on the session timeline."""
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
                cues.append((start, max(end, start + 0.5), "User", turn.user))
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
        transcript.vtt and manifest.json into ``directory`` (created if needed)."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
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
            "input_rate": INPUT_RATE,
            "output_rate": OUTPUT_RATE,
            "duration": self.duration,
            "input_samples": self.input.end,
            "turns": [{**t.to_dict(), "audio_samples": len(t.audio.samples)} for t in self.turns],
            "usage": self.usage_dict(),
            "files": [
                "input.wav",
                "output.wav",
                "stereo.wav",
                "events.jsonl",
                "transcript.srt",
                "transcript.vtt",
            ],
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
            rec = cls(meta=manifest.get("meta"))
            name = "events.jsonl"
            with open(d / name, encoding="utf-8") as f:
                rec.events = [json.loads(line) for line in f if line.strip()]
            name = "input.wav"
            rec.input = Track.from_samples(_samples(read_wav(d / name)), INPUT_RATE)
            name = "output.wav"
            output = _samples(read_wav(d / name))
            name = "manifest.json"
            for data in manifest["turns"]:
                start, n = data.get("output_offset"), data.get("audio_samples", 0)
                audio = output[start : start + n] if start is not None else None
                rec.turns.append(Turn.from_dict(data, audio))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
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
