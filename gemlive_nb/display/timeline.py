"""What to draw on one time axis: audio segments per speaker and event markers.

Turns an Audio, a Turn, a Recording or a bare array into :class:`Segment` values (float32
samples with a start time) and :class:`Marker` values (VAD start/end, interruptions, tool calls),
so the plotting code never needs to know the shape of a Recording::

    tl = timeline(session.recording)
    [(s.speaker, s.start) for s in tl.segments]   # [('user', 0.0), ('model', 1.42), ...]
    [(m.kind, m.t) for m in tl.markers]           # [('vad_start', 0.3), ('vad_end', 1.1), ...]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..audio import float_to_int16
from ..exceptions import AudioError
from .spectrum import to_float32

__all__ = ["Marker", "Segment", "Timeline", "as_segment", "timeline"]


@dataclass(frozen=True)
class Segment:
    """Mono audio of one speaker starting ``start`` seconds into the timeline."""

    speaker: str
    start: float
    pcm16: np.ndarray
    rate: int

    @property
    def samples(self) -> np.ndarray:
        """float32 samples in [-1, 1]."""
        return to_float32(self.pcm16)

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.pcm16) / self.rate

    @property
    def end(self) -> float:
        """When the segment ends, in seconds from the start of the session."""
        return self.start + self.duration


@dataclass(frozen=True)
class Marker:
    """A point event on the timeline: ``kind`` is vad_start, vad_end, interrupted or tool_call."""

    t: float
    kind: str
    label: str = ""


@dataclass(frozen=True)
class Timeline:
    """Who spoke when (``segments``) and what happened when (``markers``) in one session."""

    segments: list[Segment] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)

    @property
    def duration(self) -> float:
        """Seconds from the start to the last segment's end or marker."""
        ends = [s.end for s in self.segments] + [m.t for m in self.markers]
        return max(ends, default=0.0)


def _pcm16(samples: Any) -> np.ndarray:
    arr = np.asarray(samples)
    return arr if arr.dtype == np.int16 else float_to_int16(arr)


def as_segment(x: Any, rate: int | None = None, *, speaker: str = "model") -> Segment:
    """One Audio, Turn (its reply audio) or 1-D array (needs ``rate``) as a Segment at t=0."""
    if hasattr(x, "samples") and hasattr(x, "rate"):
        return Segment(speaker, 0.0, _pcm16(x.samples), int(x.rate))
    if hasattr(x, "audio") and not isinstance(x, np.ndarray):
        if x.audio is None:
            raise AudioError(f"{type(x).__name__} has no audio to plot (the reply had none)")
        return as_segment(x.audio, rate, speaker=speaker)
    if isinstance(x, (np.ndarray, list, tuple)):
        if not rate:
            raise AudioError("a bare array needs its sample rate: pass rate=24000 (or 16000)")
        return Segment(speaker, 0.0, _pcm16(x), int(rate))
    raise AudioError(
        f"cannot plot a {type(x).__name__}: pass an Audio, a Turn, a Recording or an array + rate"
    )


# Event types drawn as markers; client-side VAD sends are logged under these names too.
_VAD = {"activity_start": "vad_start", "activity_end": "vad_end"}


def event_marker(event: dict[str, Any]) -> Marker | None:
    """The marker for one recorded event dict (``{"t", "dir", "type", ...}``), or None."""
    kind, t = str(event.get("type", "")), event.get("t")
    if t is None:
        return None
    if kind == "VoiceActivity":
        signal = str(event.get("kind", "")).upper()
        if "START" in signal:
            return Marker(float(t), "vad_start")
        return Marker(float(t), "vad_end") if "END" in signal else None
    if kind.lower() in _VAD:
        return Marker(float(t), _VAD[kind.lower()])
    if kind == "Interrupted":
        return Marker(float(t), "interrupted")
    if kind == "ToolCall":
        names = [c.get("name", "") for c in event.get("calls", ()) if isinstance(c, dict)]
        return Marker(float(t), "tool_call", ", ".join(n for n in names if n))
    return None


def _user_segments(recording: Any) -> list[Segment]:
    track = getattr(recording, "input", None)
    if track is not None and hasattr(track, "segments"):
        return [
            Segment(
                "user",
                start / track.rate,
                chunks[0] if len(chunks) == 1 else np.concatenate(chunks),
                track.rate,
            )
            for start, chunks in track.segments
        ]
    audio = getattr(recording, "input_audio", None)
    return [as_segment(audio, speaker="user")] if audio is not None and len(audio.samples) else []


def timeline(recording: Any) -> Timeline:
    """User input where it was sent, each reply where it played, and event markers."""
    segments = _user_segments(recording)
    for turn in getattr(recording, "turns", []):
        audio = getattr(turn, "audio", None)
        if audio is None or not len(audio.samples):
            continue
        offset = getattr(turn, "output_offset", None)
        start = offset / audio.rate if offset is not None else (turn.t_first_audio or 0.0)
        segments.append(Segment("model", float(start), _pcm16(audio.samples), audio.rate))
    markers = [m for e in getattr(recording, "events", ()) if (m := event_marker(e))]
    return Timeline(segments, sorted(markers, key=lambda m: m.t))
