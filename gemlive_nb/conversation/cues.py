"""Subtitles of a recording: cues ``(start, end, speaker, text)`` and their SRT/VTT text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..protocol import OUTPUT_RATE

if TYPE_CHECKING:
    from .recording import Recording

__all__ = ["cues", "srt", "vtt"]

Cue = tuple[float, float, str, str]


def cues(rec: Recording) -> list[Cue]:
    """Subtitle cues ``(start, end, speaker, text)`` for the user and the model."""
    out = []
    for turn in rec.turns:
        if turn.user:
            start = turn.t_user_start or 0.0
            end = turn.t_user_end if turn.t_user_end is not None else start
            # a clip sent at once ends on the timeline after the moment it was sent
            end = max(end, start + turn.audio_in_s, start + 0.5)
            out.append((start, end, "User", turn.user))
        if turn.transcript:
            if turn.output_offset is not None:
                start = turn.output_offset / OUTPUT_RATE
                end = start + turn.audio_out_s
            else:
                start = turn.t_user_end or turn.t_user_start or 0.0
                end = turn.t_turn_complete or start
            out.append((start, max(end, start + 0.5), "Model", turn.transcript))
    return sorted(out, key=lambda c: c[0])


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
