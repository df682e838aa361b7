"""Subtitles of a recording: sentence-timed cues ``(start, end, speaker, text)`` and SRT/VTT.

A cue lasts at most :data:`MAX_CUE_S` (7 s) and holds at most two lines of :data:`LINE_CHARS`
characters; it ends at a sentence end, or at a clause boundary (``,;:`` and dashes) once it is
long enough, and when the speaker changes. Each word gets a time:

* from its **word offsets** when the service sent them (transcription ``words`` with
  ``startOffset``; read as seconds from the start of that side's audio in the turn —
  unverified: no recorded frame with word timings was public when this was written);
* otherwise from **when its transcript piece arrived against the audio**: a reply piece that
  arrived after ``n`` reply samples starts at sample ``n`` of the reply as heard, and the words
  of the pieces that arrived together share the time until the next piece (by length); a user's
  words share the speech span the voice-activity detector (or the server) found.

After a barge-in only the words heard are captioned (the pieces that arrived before the cut, as
:attr:`Turn.transcript <gemlive_nb.conversation.turn.Turn.transcript>` says; with word offsets,
the words that started before it). A cue's speaker is the diarization label (``speakerLabel``)
when the service gave one, else ``User`` or ``Model``::

    rec.cues()[0]     # (1.2, 4.8, 'Model', 'Sure. The moon is about\\n384,000 km away.')
    print(rec.srt())
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..protocol import OUTPUT_RATE

if TYPE_CHECKING:
    from .turn import Turn

__all__ = [
    "LINE_CHARS",
    "MAX_CUE_S",
    "cues",
    "new_sentence",
    "note_input_piece",
    "note_reply_piece",
    "srt",
    "vtt",
]

Cue = tuple[float, float, str, str]
MAX_CUE_S = 7.0  # longest cue (subtitle guidelines: 1–7 s on screen)
LINE_CHARS = 42  # characters per line, two lines per cue (the usual broadcast limit)
_MIN_S = 0.5  # shortest cue (typed text, a few words)
_READ_CPS = 17.0  # typed text stays up long enough to read (subtitle reading speed, chars/s)
_SENTENCE_AFTER_S = 1.5  # a sentence end ends a cue once it has run this long ("Sure. Let me")
_CLAUSE_AFTER_S = 3.0  # a clause boundary ends a cue once it has run this long
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’)\]]*$")
_CLAUSE_END = re.compile(r"([,;:，、；：]|\s?[—–-])[\"'”’)\]]*$")


@dataclass
class _Word:
    text: str
    start: float
    end: float
    speaker: str


def new_sentence(before: str, delta: str, spaced: bool = False) -> bool:
    """A whole sentence followed by one starting with a capital letter (a new utterance).

    Without a space, unless ``spaced`` (the utterance's reply has started: a late piece goes on
    mid-sentence, a new utterance starts a sentence).
    """
    start = delta.lstrip() if spaced else delta
    return bool(_SENTENCE_END.search(before.rstrip())) and start[:1].isupper()


def note_reply_piece(turn: Turn, event: Any) -> None:
    """Keep a reply piece's arrival (samples received so far), speaker and word times."""
    transcribed = type(event).__name__ == "OutputTranscript"
    turn.note_piece(
        "model",
        event.text,
        at=turn.received_samples,
        kind="transcript" if transcribed else "text",
        speaker=getattr(event, "speaker", None),
        words=getattr(event, "words", ()),
    )


def note_input_piece(turns: Sequence[Turn], event: Any, t: float) -> None:
    """Keep an input piece's arrival time, speaker and word times on the turn it joined."""
    if not event.text:
        return
    for turn in reversed(turns[-4:]):
        if turn.input_transcript.endswith(event.text):
            turn.note_piece("user", event.text, at=t, speaker=event.speaker, words=event.words)
            return


def _spread(text: str, start: float, end: float, speaker: str) -> list[_Word]:
    """The words of ``text`` over ``[start, end]``, each by its length."""
    return _spread_runs([(text, speaker)], start, end)


def _spread_runs(runs: list[tuple[str, str]], start: float, end: float) -> list[_Word]:
    """The words of ``(text, speaker)`` runs over ``[start, end]``, each by its length."""
    words = [(w, who) for text, who in runs for w in text.split()]
    total = sum(len(w) + 1 for w, _ in words) or 1
    out, at = [], start
    for w, who in words:
        step = (end - start) * (len(w) + 1) / total
        out.append(_Word(w, at, at + step, who))
        at += step
    return out


def _from_offsets(piece: dict[str, Any], origin: float, speaker: str) -> list[_Word]:
    out = []
    for word, start, end in piece["words"]:
        a = origin + float(start)
        b = origin + float(end if end is not None else start)
        out.append(_Word(str(word).strip(), a, max(a, b), speaker))
    return [w for w in out if w.text]


def _reply_words(turn: Turn) -> list[_Word]:
    """The reply's words as heard, each with its time on the recording's timeline."""
    if turn.output_offset is not None:
        r0 = turn.output_offset / OUTPUT_RATE
        r1 = r0 + turn.audio_out_s
    else:
        r0 = turn.t_user_end or turn.t_user_start or 0.0
        r1 = turn.t_turn_complete or r0
    r1 = max(r1, r0 + _MIN_S)
    mine = [p for p in turn.pieces if p["side"] == "model"]
    transcribed = [p for p in mine if p["kind"] == "transcript"]
    pieces = transcribed or mine  # the rule of reply_words: transcription wins
    if turn.cut_sample is not None:
        pieces = [p for p in pieces if p["at"] < turn.cut_sample]
    if "".join(p["text"] for p in pieces).strip() != turn.transcript.strip():
        return _spread(turn.transcript, r0, r1, "Model")  # no pieces kept (an old recording)
    heard = r1 if turn.cut_sample is not None else float("inf")
    words: list[_Word] = []
    for piece in pieces:
        who = piece.get("speaker") or "Model"
        if piece["words"]:
            words += [w for w in _from_offsets(piece, r0, who) if w.start < heard]
        else:
            words.append(_Word(piece["text"], r0 + piece["at"] / OUTPUT_RATE, -1.0, who))
    return _settle(words, r1)


def _settle(marks: list[_Word], end: float) -> list[_Word]:
    """Spread the untimed pieces (end < 0) over the time until the next timed mark."""
    joined: list[_Word] = []
    for m in marks:  # a piece that goes on with the previous one's word ("Hel" + "lo") joins it
        prev = joined[-1] if joined else None
        if (
            prev
            and m.end < 0
            and prev.end < 0
            and m.speaker == prev.speaker
            and m.text[:1].strip()
            and prev.text[-1:].strip()
        ):
            prev.text += m.text
        else:
            joined.append(_Word(m.text, m.start, m.end, m.speaker))
    marks = joined
    out: list[_Word] = []
    i = 0
    while i < len(marks):
        w = marks[i]
        if w.end >= 0:
            out.append(w)
            i += 1
            continue
        j = i
        while j + 1 < len(marks) and marks[j + 1].end < 0 and marks[j + 1].start <= w.start:
            j += 1
        runs = [(m.text, m.speaker) for m in marks[i : j + 1]]
        stop = marks[j + 1].start if j + 1 < len(marks) else end
        start = min(w.start, end)
        out += _spread_runs(runs, start, max(min(stop, end), start))
        i = j + 1
    return out


def _user_words(turn: Turn) -> list[_Word]:
    start = turn.t_user_start or 0.0
    end = turn.t_user_end if turn.t_user_end is not None else start
    if turn.source == "clip":  # a clip sent at once plays on after the moment it was sent
        end = max(end, start + turn.audio_in_s)
    end = max(end, start + _MIN_S)
    if turn.user_text is not None:  # typed: no speech to time it, so long enough to read
        end = max(end, start + len(turn.user_text) / _READ_CPS)
    pieces = [p for p in turn.pieces if p["side"] == "user"]
    if turn.user_text is not None or "".join(p["text"] for p in pieces) != turn.user:
        return _spread(turn.user, start, end, "User")
    words: list[_Word] = []
    for piece in pieces:
        who = piece.get("speaker") or "User"
        if piece["words"]:
            words += _from_offsets(piece, start, who)
        else:  # the input transcript lags the speech: its words share the span by length
            words.append(_Word(piece["text"], start, -1.0, who))
    return _settle(words, end)


def _wrap(words: list[str]) -> list[str]:
    lines: list[str] = []
    for w in words:
        if lines and len(lines[-1]) + 1 + len(w) <= LINE_CHARS:
            lines[-1] += " " + w
        else:
            lines.append(w)
    return lines


def _fits(words: list[_Word]) -> bool:
    span = words[-1].end - words[0].start
    return span <= MAX_CUE_S and len(_wrap([w.text for w in words])) <= 2


def _group(words: list[_Word]) -> list[Cue]:
    """Cut timed words into cues at sentence ends, clause boundaries and speaker changes."""
    out: list[Cue] = []
    cur: list[_Word] = []

    def flush(upto: int) -> None:
        part, rest = cur[:upto], cur[upto:]
        if part:
            text = "\n".join(_wrap([w.text for w in part]))
            out.append(
                (part[0].start, min(part[-1].end, part[0].start + MAX_CUE_S), part[0].speaker, text)
            )
        cur[:] = rest

    for w in words:
        if cur and w.speaker != cur[0].speaker:
            flush(len(cur))
        cur.append(w)
        while len(cur) > 1 and not _fits(cur):  # too long: end at the last clause, else here
            clause = [k + 1 for k, c in enumerate(cur[:-1]) if _boundary(c.text)]
            flush(clause[-1] if clause else len(cur) - 1)
        ran = w.end - cur[0].start
        if (_SENTENCE_END.search(w.text) and ran >= _SENTENCE_AFTER_S) or (
            _CLAUSE_END.search(w.text) and ran >= _CLAUSE_AFTER_S
        ):
            flush(len(cur))
    flush(len(cur))
    return out


def _boundary(word: str) -> bool:
    return bool(_SENTENCE_END.search(word) or _CLAUSE_END.search(word))


def cues(turns: Sequence[Turn]) -> list[Cue]:
    """Subtitle cues ``(start, end, speaker, text)`` for the user and the model, in time order.

    Cues never overlap (a cue that would run into the next one ends where the next starts), last
    at most 7 s and hold at most two lines; see the module docstring for how words are timed.
    """
    raw: list[Cue] = []
    for turn in turns:
        if turn.user:
            raw += _group(_user_words(turn))
        if turn.transcript:
            raw += _group(_reply_words(turn))
    raw.sort(key=lambda c: c[0])
    out: list[Cue] = []
    for i, (start, end, who, text) in enumerate(raw):
        if out:
            start = max(start, out[-1][1])
        end = min(max(end, start + _MIN_S), start + MAX_CUE_S)
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


def srt(turns: Sequence[Turn]) -> str:
    """The transcript as SubRip subtitles."""
    blocks = [
        f"{i}\n{stamp(a, ',')} --> {stamp(b, ',')}\n{who}: {text.strip()}\n"
        for i, (a, b, who, text) in enumerate(cues(turns), 1)
    ]
    return "\n".join(blocks)


def vtt(turns: Sequence[Turn]) -> str:
    """The transcript as WebVTT subtitles."""
    blocks = [
        f"{stamp(a, '.')} --> {stamp(b, '.')}\n<v {who}>{text.strip()}\n"
        for a, b, who, text in cues(turns)
    ]
    return "WEBVTT\n\n" + "\n".join(blocks)
