"""Comparisons: one prompt in many voices and/or languages, side by side, scored.

- ``run``: :func:`compare_voices` / :func:`compare_languages` / :func:`compare_grid` (and
  their ``a``-prefixed async forms), :func:`retranscribe`, :func:`default_concurrency`.
- ``result``: :class:`Comparison` and :class:`ComparisonRow` (sort, save/load, ``to_pandas``).
- ``score``: word error rate, speaking rate, median pitch.
- ``view``: HTML and text tables.  ``ui``: the progress line and the ipywidgets picker.

Example::

    res = gl.compare_voices("Say hello.", voices=["Puck", "Kore"])
    res.sort_by("wer").to_pandas()
"""

from ..exceptions import PandasMissing
from .result import SORT_KEYS, Comparison, ComparisonRow
from .run import (
    SERVICE_CONCURRENCY,
    acompare_grid,
    acompare_languages,
    acompare_voices,
    compare_grid,
    compare_languages,
    compare_voices,
    default_concurrency,
    retranscribe,
)
from .score import median_pitch, speaking_rate, word_error_rate, words

__all__ = [
    "SERVICE_CONCURRENCY",
    "SORT_KEYS",
    "Comparison",
    "ComparisonRow",
    "PandasMissing",
    "acompare_grid",
    "acompare_languages",
    "acompare_voices",
    "compare_grid",
    "compare_languages",
    "compare_voices",
    "default_concurrency",
    "median_pitch",
    "retranscribe",
    "speaking_rate",
    "word_error_rate",
    "words",
]
