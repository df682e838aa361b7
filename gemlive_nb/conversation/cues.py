"""Subtitles of a recording: cues ``(start, end, speaker, text)`` and their SRT/VTT text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..protocol import OUTPUT_RATE

if TYPE_CHECKING:
    from .recording import Recording

__all__ = ["cues", "srt", "vtt"]

Cue = tuple[float, float, str, str]
_MIN_S = 0.5  # shortest cue (typed text, a few words)


def cues(rec: Recording) -> list[Cue]:
    """Subtitle cues ``(start, end, speaker, text)`` for the user and the model, in time order.

    Cues never overlap. A spoken turn's cue spans its speech (as the voice-activity detector
    or the server found it); a clip's spans the clip; typed text gets a short cue when it was
    sent. The model's cue spans the reply audio as heard and holds the words heard (an
    interrupted reply stops at the cut). A cue that would run into the next one ends where the
    next one starts.
    """
    raw: list[Cue] = []
    for turn in rec.turns:
        if turn.user:
            start = turn.t_user_start or 0.0
            end = turn.t_user_end if turn.t_user_end is not None else start
            if turn.source == "clip":  # a clip sent at once plays on after the moment it was sent
                end = max(end, start + turn.audio_in_s)
            raw.append((start, max(end, start + _MIN_S), "User", turn.user))
        if turn.transcript:
            if turn.output_offset is not None:
                start = turn.output_offset / OUTPUT_RATE
                end = start + turn.audio_out_s
            else:
                start = turn.t_user_end or turn.t_user_start or 0.0
                end = turn.t_turn_complete or start
            raw.append((start, max(end, start + _MIN_S), "Model", turn.transcript))
    raw.sort(key=lambda c: c[0])
    out: list[Cue] = []
    for i, (start, end, who, text) in enumerate(raw):
        if out:
            start = max(start, out[-1][1])
        following = raw[i + 1][0] if i + 1 < len(raw) else float("inf")
        if following > start:
            end = min(end, following)
        out.append((start, max(end, start + 0.001), who, text))
    return out


def stamp(seconds: float, sep: str) -> str:
    """``HH:MM:SS<sep>mmm`` (``sep`` is ',' for SRT, '.' for VTT)."""
    ms = round(max(seconds, 0.0) * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def srt(rec: Recording) -> str:
    """The transcript as SubRip subtitles."""
    blocks = [
        f"{i}\n{stamp(a, ',')} --> {stamp(b, ',')}\n{who}: {text.strip()}\n"
        for i, (a, b, who, text) in enumerate(cues(rec), 1)
    ]
    return "\n".join(blocks)


def vtt(rec: Recording) -> str:
    """The transcript as WebVTT subtitles."""
    blocks = [
        f"{stamp(a, '.')} --> {stamp(b, '.')}\n<v {who}>{text.strip()}\n"
        for a, b, who, text in cues(rec)
    ]
    return "WEBVTT\n\n" + "\n".join(blocks)
