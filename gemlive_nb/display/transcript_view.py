"""A readable transcript of a Turn or a Recording: rich HTML in a notebook, plain text elsewhere.

::

    import gemlive_nb as gl
    gl.show_transcript(session.recording)     # a table of who said what, when
    print(gl.show_transcript(turn))           # [00:01.20] user: What's the weather in Paris?
                                              # [00:01.30] tool → get_weather(city='Paris')
                                              # ...
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

from ..conversation.reply_words import reply_words
from ..exceptions import ConfigError

__all__ = ["Entry", "Transcript", "show_transcript"]

_SPEAKER_COLORS = {"user": "#1f77b4", "model": "#d9480f", "tool": "#6741d9", "event": "#868e96"}


@dataclass(frozen=True)
class Entry:
    """One line of a transcript. ``kind``: speech, tool_call, tool_result, interrupted, sources."""

    turn: int
    speaker: str
    kind: str
    text: str
    t: float | None = None
    links: tuple[tuple[str, str], ...] = ()  # (title, uri) for grounding sources
    label: str = ""  # the diarization label (``speakerLabel``) when the service gave one

    @property
    def who(self) -> str:
        """The speaker as shown: ``user``, or ``user (A)`` for a diarized speaker ``A``."""
        return f"{self.speaker} ({self.label})" if self.label else self.speaker


def _clock(t: float | None) -> str:
    if t is None:
        return ""
    minutes, seconds = divmod(max(0.0, t), 60)
    return f"{int(minutes):02d}:{seconds:05.2f}"


def _first(obj: Any, *names: str) -> Any:
    for name in names:
        value = getattr(obj, name, None)
        if value not in (None, "", (), []):
            return value
    return None


def _model_words(turn: Any) -> str:
    """The reply's words heard, else all of them (the rule of ``conversation.reply_words``)."""
    heard = getattr(turn, "transcript", None)
    if isinstance(heard, str) and heard:
        return heard
    transcript = getattr(turn, "output_transcript", None)
    text = getattr(turn, "text", None)
    return reply_words(transcript if isinstance(transcript, str) else "",
                       text if isinstance(text, str) else "")  # fmt: skip


def _speaker_runs(turn: Any, side: str) -> list[tuple[str, str]]:
    """``(speaker label, words)`` runs of one side's transcript pieces, when diarized."""
    pieces = [p for p in getattr(turn, "pieces", None) or () if p.get("side") == side]
    if side == "model":
        pieces = [p for p in pieces if p.get("kind") == "transcript"]
        cut = getattr(turn, "cut_sample", None)
        if cut is not None:
            pieces = [p for p in pieces if p["at"] < cut]
    if not any(p.get("speaker") for p in pieces):
        return []
    runs: list[tuple[str, str]] = []
    for p in pieces:
        who = p.get("speaker") or ""
        if runs and runs[-1][0] == who:
            runs[-1] = (who, runs[-1][1] + p["text"])
        else:
            runs.append((who, p["text"]))
    return runs


def _call_text(call: dict[str, Any]) -> str:
    inner = ", ".join(f"{k}={v!r}" for k, v in (call.get("args") or {}).items())
    return f"{call.get('name', '?')}({inner})"


def _result_text(result: dict[str, Any]) -> str:
    name = result.get("name")
    body = result.get("response", result)
    try:
        text = json.dumps(body, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(body)
    return f"{name} → {text}" if name else text


def _sources(events: list[dict[str, Any]]) -> tuple[tuple[str, str], ...]:
    out: dict[str, str] = {}
    for event in events:
        if event.get("type") == "GroundingMetadata":
            for src in event.get("sources") or ():
                uri = src.get("uri") or ""
                out.setdefault(uri, src.get("title") or uri)
    return tuple((title, uri) for uri, title in out.items())


def _times(events: list[dict[str, Any]]) -> tuple[dict[str, float], float | None]:
    """When each tool call (by id) arrived, and when the turn was interrupted."""
    calls: dict[str, float] = {}
    interrupted = None
    for event in events:
        if event.get("type") == "ToolCall":
            for call in event.get("calls") or ():
                calls.setdefault(str(call.get("id")), event["t"])
        elif event.get("type") == "Interrupted" and interrupted is None:
            interrupted = event["t"]
    return calls, interrupted


def turn_entries(turn: Any, events: list[dict[str, Any]] | None = None) -> list[Entry]:
    """The transcript lines of one Turn, in the order they happened.

    ``events`` (the recording's event dicts during this turn) add grounding sources and the
    times of tool calls and of the interruption.
    """
    events = events or []
    i = int(getattr(turn, "index", 0) or 0)
    t_model = _first(turn, "t_first_audio")
    t_end = _first(turn, "t_turn_complete")
    call_times, t_cut = _times(events)
    entries = []
    user = _first(turn, "user", "user_text", "input_transcript")
    if user:
        t_user = _first(turn, "t_user_start")
        runs = _speaker_runs(turn, "user") if getattr(turn, "user_text", None) is None else []
        if runs:  # diarized: one line per speaker, labelled "user (A)"
            entries += [Entry(i, "user", "speech", text, t_user, label=who) for who, text in runs]
        else:
            entries.append(Entry(i, "user", "speech", str(user), t_user))
    for call in getattr(turn, "tool_calls", None) or ():
        t = call_times.get(str(call.get("id")))
        entries.append(Entry(i, "tool", "tool_call", _call_text(call), t))
    for result in getattr(turn, "tool_results", None) or ():
        entries.append(Entry(i, "tool", "tool_result", _result_text(result)))
    model = _model_words(turn)
    if model:
        runs = _speaker_runs(turn, "model")
        if runs and "".join(text for _, text in runs) == model:
            entries += [Entry(i, "model", "speech", text, t_model, label=who) for who, text in runs]
        else:
            entries.append(Entry(i, "model", "speech", str(model), t_model))
    if getattr(turn, "interrupted", False):
        entries.append(Entry(i, "event", "interrupted", "interrupted by the user", t_cut or t_end))
    links = _sources(events)
    if links:
        entries.append(Entry(i, "event", "sources", "sources", t_end, links))
    return entries


def recording_entries(recording: Any) -> list[Entry]:
    """All turns of a Recording, each with the events recorded between its start and the next."""
    turns = list(recording.turns)
    events = list(getattr(recording, "events", ()))
    out = []
    for k, turn in enumerate(turns):
        start = turn.t_user_start if turn.t_user_start is not None else float("-inf")
        nxt = turns[k + 1].t_user_start if k + 1 < len(turns) else None
        end = nxt if nxt is not None else float("inf")
        mine = [e for e in events if start <= e.get("t", start) < end]
        out += turn_entries(turn, mine)
    return out


_ICONS = {"tool_call": "→ ", "tool_result": "← ", "interrupted": "⏹ ", "sources": "🔗 "}

_CSS = (
    "<style>.gl-tx{font:13px/1.45 system-ui,sans-serif;border-collapse:collapse}"
    ".gl-tx td{padding:2px 8px;vertical-align:top;text-align:left}"
    ".gl-tx .t{color:#868e96;font-family:monospace;white-space:nowrap}"
    ".gl-tx .who{font-weight:600;white-space:nowrap}"
    ".gl-tx .tool_call,.gl-tx .tool_result{font-family:monospace;font-size:12px}"
    ".gl-tx .interrupted{color:#c92a2a;font-style:italic}"
    ".gl-tx tr.turn td{border-top:1px solid #dee2e6}</style>"
)


class Transcript:
    """The transcript of a Turn or Recording; displays as HTML, prints as plain text.

    ``entries`` lists every line (speaker, kind, text, time in seconds from session start).
    """

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries

    def __len__(self) -> int:
        return len(self.entries)

    def __str__(self) -> str:
        if not self.entries:
            return "(empty transcript)"
        lines = []
        for e in self.entries:
            when = f"[{_clock(e.t)}] " if e.t is not None else ""
            text = e.text
            if e.links:
                text = "sources: " + "; ".join(f"{title} <{uri}>" for title, uri in e.links)
            lines.append(f"{when}{e.who}: {_ICONS.get(e.kind, '')}{text}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        rows = []
        previous = None
        for e in self.entries:
            color = _SPEAKER_COLORS.get(e.speaker, "#212529")
            if e.links:
                body = ", ".join(
                    f'<a href="{html.escape(uri)}" target="_blank" rel="noopener">'
                    f"{html.escape(title)}</a>"
                    for title, uri in e.links
                )
            else:
                body = html.escape(e.text)
            cls = ' class="turn"' if previous is not None and e.turn != previous else ""
            previous = e.turn
            rows.append(
                f"<tr{cls}><td class='t'>{_clock(e.t)}</td>"
                f"<td class='who' style='color:{color}'>{html.escape(e.who)}</td>"
                f"<td class='{e.kind}'>{_ICONS.get(e.kind, '')}{body}</td></tr>"
            )
        if not rows:
            rows.append("<tr><td><i>(empty transcript)</i></td></tr>")
        return f"{_CSS}<table class='gl-tx'>{''.join(rows)}</table>"


def show_transcript(x: Any) -> Transcript:
    """The transcript of a Turn, a Recording (all turns) or a list of turns.

    Shows each utterance with its speaker and time, tool calls and their results, interruptions
    and grounding sources. HTML in a notebook (all text escaped), plain text in a terminal::

        t = gl.show_transcript(session.recording)
        t                 # rich table in Jupyter
        print(t)          # [00:00.00] user: hi ...
    """
    if hasattr(x, "turns") and hasattr(x, "events"):
        return Transcript(recording_entries(x))
    if hasattr(x, "recording") and hasattr(x.recording, "turns"):  # a LiveSession, a Recorder
        return Transcript(recording_entries(x.recording))
    turns = x if isinstance(x, (list, tuple)) else [x]
    for turn in turns:
        if not any(hasattr(turn, name) for name in _TURN_FIELDS):
            raise ConfigError(
                f"show_transcript takes a Turn, a Recording (session.recording) or a list of "
                f"turns, not {type(turn).__name__} {turn!r:.60}"
            )
    return Transcript([e for turn in turns for e in turn_entries(turn)])


# what makes an object a turn here (a Turn, or a turn-shaped stand-in)
_TURN_FIELDS = ("user_text", "input_transcript", "output_transcript", "transcript", "tool_calls")
