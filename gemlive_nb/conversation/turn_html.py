"""A turn drawn as HTML in a notebook: who said what, tool calls, grounding, the reply's player.

``Turn._repr_html_`` calls :func:`turn_html`; example::

    from IPython.display import HTML
    HTML(turn_html(turn))
"""

from __future__ import annotations

import html
from typing import Any, Protocol

from .grounding import grounding_html

__all__ = ["turn_html"]


class _Drawn(Protocol):
    """What :func:`turn_html` reads of a :class:`~gemlive_nb.conversation.Turn`."""

    index: int
    interrupted: bool
    tool_calls: list[dict[str, Any]]
    tool_results: list[dict[str, Any]]
    grounding: Any

    @property
    def metrics(self) -> dict[str, Any]: ...
    @property
    def user(self) -> str | None: ...
    @property
    def transcript(self) -> str: ...
    @property
    def audio(self) -> Any: ...
    @property
    def audio_out_s(self) -> float: ...


def turn_html(turn: _Drawn) -> str:
    """The turn as an HTML block: a table of user, model and tools, grounding, the player."""
    m = turn.metrics
    rows = [
        ("user", turn.user or ""),
        ("model", turn.transcript),
        *[
            (f"tool {c['name']}", f"{c.get('args')} → {_result_of(turn, c)}")
            for c in turn.tool_calls
        ],
    ]
    table = "".join(
        f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
        f"<td style='text-align:left'>{html.escape(str(v))}</td></tr>"
        for k, v in rows
    )
    stats = ", ".join(
        f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
        for k, v in m.items()
        if v is not None and v is not False
    )
    player = turn.audio._repr_html_() if turn.audio_out_s else ""
    return (
        f"<div><b>Turn {turn.index}</b>{' (interrupted)' if turn.interrupted else ''}"
        f"<table>{table}</table>{grounding_html(turn.grounding)}{player}"
        f"<div><small>{html.escape(stats)}</small></div></div>"
    )


def _result_of(turn: _Drawn, call: dict[str, Any]) -> Any:
    for r in turn.tool_results:
        if r.get("id") == call.get("id") and r.get("name") == call.get("name"):
            return r.get("response")
    return "(no result)"
