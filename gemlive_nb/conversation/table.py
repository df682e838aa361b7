"""A conversation as a table: one row per turn with its status and metrics (pandas, lazily)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .._pandas import require_pandas
from .turn import Turn

__all__ = ["turns_to_pandas"]


def turns_to_pandas(turns: Iterable[Turn]) -> Any:
    """A DataFrame indexed by turn: who said what, the status and every metric.

    Example::

        df = turns_to_pandas(session.recording.turns)
        df[["user", "transcript", "latency_first_audio"]]
    """
    pd = require_pandas("Recording.to_pandas()")
    rows = [
        {
            "turn": turn.index,
            "user": turn.user,
            "transcript": turn.transcript,
            "status": turn.status,
            "interrupted": bool(turn.interrupted),
            **{k: v for k, v in turn.metrics.items() if k != "interrupted"},
        }
        for turn in turns
    ]
    return pd.DataFrame(rows).set_index("turn") if rows else pd.DataFrame()
