"""How an Evaluation looks: an HTML grid (config × step) and a plain-text summary.

Each cell shows pass/fail (with the reasons of a failure), the reply's player (an 8 kHz
preview), what the user said, what the model said, a latency bar (scaled to the slowest reply of
the grid), tokens and cost. All text is HTML-escaped. Figures from an emulator are simulated,
and the caption says so.
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["to_html", "to_text"]

# The grid's players are 8 kHz previews: a grid of 30 configs × 3 steps stays a few MB in a
# saved notebook; ``ev[config, step].audio`` is the whole 24 kHz reply.
PLAYER_RATE = 8000
Evaluation = Any  # typed loosely: result.py imports this module, never the reverse
StepResult = Any

_CSS = (
    "<style>.gl-ev{border-collapse:collapse;font:13px/1.4 system-ui,sans-serif}"
    ".gl-ev th,.gl-ev td{border:1px solid #dee2e6;padding:4px 8px;vertical-align:top;"
    "text-align:left;max-width:320px}.gl-ev th{background:#f8f9fa}.gl-ev audio{height:28px;"
    "width:220px}.gl-ev .pass{color:#2b8a3e;font-weight:600}.gl-ev .fail{color:#c92a2a;"
    "font-weight:600}.gl-ev .why{color:#c92a2a;font-size:12px}.gl-ev .user{color:#495057}"
    ".gl-ev .num{font-variant-numeric:tabular-nums;color:#495057;font-size:12px}"
    ".gl-ev .bar{height:6px;background:#4dabf7;border-radius:3px;margin:2px 0}</style>"
)
_BADGE = {
    "passed": "<span class='pass'>✓ passed</span>",
    "failed": "<span class='fail'>✗ failed</span>",
    "error": "<span class='fail'>✗ error</span>",
    "done": "<span class='num'>no checks</span>",
}


def _money(cost: float | None) -> str:
    return "–" if cost is None else f"${cost:.5f}"


def _cell(row: StepResult, slowest: float) -> str:
    parts = [_BADGE.get(row.status, html.escape(row.status))]
    parts += [f"<div class='why'>{html.escape(r)}</div>" for r in row.reasons]
    if row.step.kind in ("pause", "tool_result"):
        return "".join(parts)
    if row.audio is not None and len(row.audio.samples):
        parts.append(row.audio.resample(PLAYER_RATE)._repr_html_())
    if row.user:
        parts.append(f"<div class='user'>🗣 {html.escape(row.user)}</div>")
    said = row.transcript
    if row.interrupted and row.heard_transcript != said:
        said = f"{row.heard_transcript} ✂ (cut; it went on: {said[len(row.heard_transcript) :]})"
    parts.append(f"<div>🤖 {html.escape(said)}</div>")
    if row.latency_s is not None:
        width = 100 * row.latency_s / slowest if slowest > 0 else 0
        parts.append(f"<div class='bar' style='width:{width:.0f}%'></div>")
    stats = [
        f"first audio {row.latency_s:.2f} s" if row.latency_s is not None else "no audio",
        f"{row.tokens} tokens" if row.tokens is not None else "",
        _money(row.cost) if row.cost is not None else "",
        f"lang {row.language}" if row.language else "",
        f"WER {row.wer:.0%}" if row.wer is not None else "",
    ]
    parts.append(f"<div class='num'>{html.escape(' · '.join(s for s in stats if s))}</div>")
    return "".join(parts)


def _caption(ev: Evaluation) -> str:
    n_configs, n_steps = len(ev.configs), len(ev.scenario.get("steps", []))
    failed = len(ev.failures)
    verdict = (
        "<span class='pass'>all passed</span>"
        if ev.passed
        else f"<span class='fail'>{failed} of {len(ev)} failed</span>"
    )
    at_once = f", {ev.concurrency} at once" if ev.concurrency else ""
    cost = f" · replies cost {_money(ev.cost)}" if ev.cost is not None else ""
    simulated = " · <i>emulator: latency, tokens and cost are simulated</i>" if ev.simulated else ""
    return (
        f"<div><b>{html.escape(ev.name)}</b> — {n_configs} configs × {n_steps} steps, "
        f"{ev.checks} checks: {verdict} · {ev.wall_s:.1f} s{at_once}{cost}{simulated}</div>"
    )


def to_html(ev: Evaluation) -> str:
    """The grid: one row per config, one column per step."""
    steps = ev.scenario.get("steps", [])
    slowest = max((r.latency_s or 0.0 for r in ev.rows), default=0.0)
    head = "<tr><th>config</th>" + "".join(
        f"<th>{i}. {html.escape(s.get('kind', ''))}</th>" for i, s in enumerate(steps, 1)
    )
    body = []
    for name in ev.configs:
        cells = {r.index: r for r in ev.rows if r.config == name}
        tds = "".join(
            f"<td>{_cell(cells[i], slowest)}</td>" if i in cells else "<td></td>"
            for i in range(len(steps))
        )
        body.append(f"<tr><th>{html.escape(name)}</th>{tds}</tr>")
    return f"{_CSS}<div>{_caption(ev)}<table class='gl-ev'>{head}</tr>{''.join(body)}</table></div>"


def to_text(ev: Evaluation) -> str:
    """One line per config × step."""
    verdict = "all passed" if ev.passed else f"{len(ev.failures)} failed"
    lines = [f"<Evaluation {ev.name!r}: {len(ev.configs)} configs, {ev.checks} checks, {verdict}>"]
    for r in ev.rows:
        lat = f"{r.latency_s:.2f} s" if r.latency_s is not None else "–"
        why = f"  ({'; '.join(r.reasons)})" if r.reasons else ""
        lines.append(
            f"  {r.config:<12} {r.index + 1}. {r.step.kind:<11} {r.status:<7} {lat:>7}  "
            f"{r.transcript!r:.50}{why}"
        )
    return "\n".join(lines)
