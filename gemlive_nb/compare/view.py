"""How a Comparison looks: an HTML table (one axis) or grid (voices × languages), and plain text.

Each entry shows an audio player, a small waveform, the transcript, the duration, the time to
first audio, the speaking rate, the word error rate of its re-transcription, the median pitch
and the tokens; a failed entry shows its error in place. All text is HTML-escaped. Sort first
with ``res.sort_by(key)``.
"""

from __future__ import annotations

import html
from typing import Any

from ..catalog import LANGUAGES, VOICES
from ..display import waveform_svg

# Comparison / ComparisonRow, typed loosely: result.py imports this module, never the reverse.
Comparison = Any
ComparisonRow = Any

__all__ = ["entry_html", "to_html", "to_text"]

_CSS = (
    "<style>.gl-cmp{border-collapse:collapse;font:13px/1.4 system-ui,sans-serif}"
    ".gl-cmp th,.gl-cmp td{border:1px solid #dee2e6;padding:4px 8px;vertical-align:top;"
    "text-align:left}.gl-cmp th{background:#f8f9fa}.gl-cmp .err{color:#c92a2a;"
    "font-family:monospace;font-size:12px;white-space:pre-wrap}.gl-cmp audio{height:28px;"
    "width:200px}.gl-cmp .num{font-variant-numeric:tabular-nums;white-space:nowrap}"
    ".gl-cmp .style{color:#868e96;font-weight:normal}</style>"
)


def _fmt(value: Any, unit: str = "", scale: float = 1.0, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value * scale:.{digits}f}{unit}"
    return f"{value}{unit}"


def _duration(row: ComparisonRow) -> float | None:
    return row.audio.duration if row.audio is not None else None


def _tokens(row: ComparisonRow) -> Any:
    m = row.metrics
    return m.get("total_tokens") if m.get("total_tokens") is not None else m.get("response_tokens")


def _player(row: ComparisonRow) -> str:
    if row.audio is None or not len(row.audio.samples):
        return "<i>(no audio)</i>"
    return row.audio._repr_html_() + "<br>" + waveform_svg(row.audio)


def _name(value: str | None, kind: str) -> str:
    if value is None:
        return ""
    extra = ""
    if kind == "voice" and value in VOICES:
        extra = VOICES[value].style
    elif kind == "language" and value in LANGUAGES:
        extra = LANGUAGES[value].name
    tail = f" <span class='style'>{html.escape(extra)}</span>" if extra else ""
    return f"{html.escape(value)}{tail}"


def _wer(row: ComparisonRow) -> str:
    return _fmt(row.metrics.get("wer"), " %", 100, 0)


def _rate(row: ComparisonRow) -> str:
    return _fmt(row.metrics.get("words_per_s"), " w/s", 1, 1)


def _cost(row: ComparisonRow) -> str:
    cost = row.metrics.get("cost_usd")
    return "–" if cost is None else f"${cost:.5f}"


def _pitch(row: ComparisonRow) -> str:
    return _fmt(row.metrics.get("pitch_hz"), " Hz", 1, 0)


def entry_html(row: ComparisonRow) -> str:
    """Player, waveform, transcript and metrics of one entry (or its error), for the grid."""
    if row.error is not None:
        return f"<div class='err'>{html.escape(row.error_text)}</div>"
    stats = (
        f"{_fmt(_duration(row), ' s')} · first audio "
        f"{_fmt(row.metrics.get('latency_first_audio'), ' ms', 1000, 0)} · {_rate(row)} · "
        f"WER {_wer(row)} · {_fmt(_tokens(row))} tokens"
    )
    return (
        f"{_player(row)}<div>{html.escape(row.transcript)}</div>"
        f"<div class='num'><small>{html.escape(stats)}</small></div>"
    )


def _table(res: Comparison) -> str:
    kind = "voice" if res.kind == "voices" else "language"
    head = (
        f"<tr><th>{kind}</th><th>audio</th><th>transcript</th><th>duration</th>"
        "<th>first audio</th><th>speaking rate</th><th title='word error rate of the "
        "re-transcription'>WER</th><th>median pitch</th><th>tokens</th>"
        "<th title='the transcript&#39;s languageCode, else guessed from its words'>spoken in"
        "</th><th>cost</th></tr>"
    )
    rows = []
    for row in res:
        name = _name(row.voice if kind == "voice" else row.language, kind)
        if row.error is not None:
            rows.append(
                f"<tr><th>{name}</th><td colspan='10' class='err'>"
                f"{html.escape(row.error_text)}</td></tr>"
            )
            continue
        rows.append(
            f"<tr><th>{name}</th><td>{_player(row)}</td><td>{html.escape(row.transcript)}</td>"
            f"<td class='num'>{_fmt(_duration(row), ' s')}</td>"
            f"<td class='num'>{_fmt(row.metrics.get('latency_first_audio'), ' ms', 1000, 0)}</td>"
            f"<td class='num'>{_rate(row)}</td><td class='num'>{_wer(row)}</td>"
            f"<td class='num'>{_pitch(row)}</td><td class='num'>{_fmt(_tokens(row))}</td>"
            f"<td>{html.escape(str(row.metrics.get('spoken_language') or '–'))}</td>"
            f"<td class='num'>{_cost(row)}</td></tr>"
        )
    return f"<table class='gl-cmp'>{head}{''.join(rows)}</table>"


def _grid(res: Comparison) -> str:
    languages = res.languages or []
    head = "<tr><th></th>" + "".join(f"<th>{_name(lang, 'language')}</th>" for lang in languages)
    rows = []
    for voice in res.voices or []:
        tds = "".join(f"<td>{entry_html(res[voice, lang])}</td>" for lang in languages)
        rows.append(f"<tr><th>{_name(voice, 'voice')}</th>{tds}</tr>")
    return f"<table class='gl-cmp'>{head}</tr>{''.join(rows)}</table>"


def to_html(res: Comparison) -> str:
    """The whole comparison as HTML: a caption, then a table or a grid."""
    failed = len(res.errors)
    note = f", <span style='color:#c92a2a'>{failed} failed</span>" if failed else ""
    at_once = f", {res.concurrency} at once" if res.concurrency else ""
    caption = (
        f"<div><b>{html.escape(res.prompt)}</b> — {len(res)} {res.kind} in "
        f"{res.wall_s:.2f} s{at_once}{note}</div>"
    )
    body = _grid(res) if res.kind == "grid" else _table(res)
    return f"{_CSS}<div>{caption}{body}</div>"


def to_text(res: Comparison) -> str:
    """A plain-text table for terminals: one line per entry."""
    lines = [f"{res.prompt!r}: {len(res)} {res.kind} in {res.wall_s:.2f} s"]
    width = max((len(r.label) for r in res), default=0)
    for row in res:
        if row.error is not None:
            lines.append(f"  {row.label:<{width}}  ERROR {row.error_text}")
            continue
        lat = _fmt(row.metrics.get("latency_first_audio"), " ms", 1000, 0)
        lines.append(
            f"  {row.label:<{width}}  {_fmt(_duration(row), ' s'):>7}  first audio {lat:>7}  "
            f"{_rate(row):>8}  WER {_wer(row):>5}  {row.transcript!r:.60}"
        )
    return "\n".join(lines)
