"""Reading a recording: the audio as heard, usage, metrics, a table, and its summary.

:class:`RecordingViews` is mixed into :class:`~.recording.Recording`; it only reads the
timeline (``events``, the ``input`` track and ``turns``) and never changes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .. import protocol as p
from ..audio import Audio, resample
from ..protocol import INPUT_RATE, OUTPUT_RATE
from .table import turns_to_pandas
from .track import Track
from .turn import Turn

__all__ = ["RecordingViews"]


class RecordingViews:
    """The reading side of :class:`~.recording.Recording`.

    It needs ``events``, ``input``, ``record`` and ``turns`` from the class it is mixed into.
    """

    events: list[dict[str, Any]]
    meta: dict[str, Any]
    input: Track
    record: bool | str
    turns: list[Turn]

    @property
    def cost(self) -> float | None:
        """USD of every turn's usage at the default prices (None when none can be priced).

        The model is the session's (``meta["model"]``). Other prices:
        ``sum(my_prices.cost(t.usage, rec.meta["model"]) or 0 for t in rec.turns)``.
        """
        from ..evaluation.pricing import default_prices

        model = self.meta.get("model")
        costs = [default_prices().cost(t.usage, model) for t in self.turns]
        known = [c for c in costs if c is not None]
        return sum(known) if known else None

    @property
    def duration(self) -> float:
        """Seconds from the start to the end of the last recorded sound or event."""
        last = self.events[-1]["t"] if self.events else 0.0
        return max(last, self.input.duration, self._output_end_all() / OUTPUT_RATE)

    def _output_end_all(self) -> int:
        return max(
            (
                tr.output_offset + tr.heard_samples
                for tr in self.turns
                if tr.output_offset is not None
            ),
            default=0,
        )

    @property
    def output(self) -> Audio:
        """The model's audio as heard, 24 kHz, on the session timeline."""
        if self.record is not True:
            return Audio(np.zeros(0, np.int16), OUTPUT_RATE)
        out = np.zeros(self._output_end_all(), np.int16)
        for tr in self.turns:
            if tr.output_offset is not None:
                data = tr.audio.samples
                out[tr.output_offset : tr.output_offset + len(data)] = data
        return Audio(out, OUTPUT_RATE)

    @property
    def input_audio(self) -> Audio:
        """Everything the user sent, 16 kHz, on the session timeline."""
        return Audio(self.input.render(), INPUT_RATE)

    def stereo(self) -> np.ndarray:
        """``(n, 2)`` int16 at 24 kHz: user left, model right, aligned on the timeline."""
        left = resample(self.input.render(), INPUT_RATE, OUTPUT_RATE)
        right = self.output.samples
        n = max(len(left), len(right))
        out = np.zeros((n, 2), np.int16)
        out[: len(left), 0] = left
        out[: len(right), 1] = right
        return out

    @property
    def usage(self) -> p.Usage | None:
        """Token usage summed over the turns (None when the service sent none)."""
        usages = [t.usage for t in self.turns if t.usage is not None]
        return sum(usages[1:], usages[0]) if usages else None

    def usage_dict(self, dialect: str | None = None) -> dict[str, Any]:
        """Total usage in the wire shape of ``dialect`` ('google', 'vertex' or 'mixroute')."""
        total = self.usage
        return {} if total is None else total.to_dict(dialect)

    @property
    def metrics(self) -> list[dict[str, Any]]:
        """Per-turn metrics (see :attr:`Turn.metrics`), with the turn index."""
        return [{"turn": t.index, **t.metrics} for t in self.turns]

    def to_pandas(self) -> Any:
        """The turns as a pandas DataFrame, one row per turn with its metrics.

        Example::

            s.recording.to_pandas()[["user", "transcript", "latency_first_audio"]]
        """
        return turns_to_pandas(self.turns)

    def __repr__(self) -> str:
        return (
            f"<Recording {self.duration:.1f} s, {len(self.turns)} turns, "
            f"{len(self.events)} events, {self.input.sample_count / INPUT_RATE:.1f} s in, "
            f"{sum(t.audio_out_s for t in self.turns):.1f} s out>"
        )

    def _repr_html_(self) -> str:
        return "".join(t._repr_html_() for t in self.turns) or f"<pre>{self!r}</pre>"

    def __iter__(self) -> Iterable[Turn]:
        return iter(self.turns)

    def __len__(self) -> int:
        return len(self.turns)
