"""Tables as pandas DataFrames: comparisons and recordings (pandas is optional, imported lazily).

Example::

    res.to_pandas()                     # one row per voice / language
    recording_to_pandas(s.recording)    # one row per turn with its metrics
"""

from __future__ import annotations

from typing import Any

from ..exceptions import GemliveError

__all__ = ["PandasMissing", "recording_to_pandas", "require_pandas"]


class PandasMissing(GemliveError, ImportError):
    """pandas is needed for ``to_pandas()`` but is not installed."""


def require_pandas(what: str = "to_pandas()") -> Any:
    """The pandas module, or PandasMissing naming ``pip install pandas``."""
    try:
        import pandas
    except ImportError as e:
        raise PandasMissing(
            f"{what} needs pandas, which is not installed: pip install pandas "
            "(or use .records() for plain dicts)"
        ) from e
    return pandas


def recording_to_pandas(recording: Any) -> Any:
    """A DataFrame of ``recording``'s turns: index, who said what, status and every metric.

    Works for any object with ``.turns`` whose items have ``index``, ``user``, ``transcript``
    and ``metrics`` (a ``gemlive_nb`` Recording). Example::

        df = recording_to_pandas(session.recording)
        df[["user", "transcript", "latency_first_audio"]]
    """
    pd = require_pandas("Recording.to_pandas()")
    rows = []
    for turn in recording.turns:
        rows.append(
            {
                "turn": turn.index,
                "user": turn.user,
                "transcript": turn.transcript,
                "status": getattr(turn, "status", None),
                "interrupted": bool(getattr(turn, "interrupted", False)),
                **{k: v for k, v in turn.metrics.items() if k != "interrupted"},
            }
        )
    return pd.DataFrame(rows).set_index("turn") if rows else pd.DataFrame()
