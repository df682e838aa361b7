"""Evaluate a voice agent: spoken scenarios across configs, reruns of real conversations, cost.

What lives here:

- ``scenario``: :class:`Scenario` (say / type / pause / barge_in / tool_result steps).
- ``expectations``: :class:`Expect` and the :class:`Check` each of its fields yields.
- ``runner``: :func:`evaluate` — one session per config, concurrently, in real time.
- ``rerunning``: :func:`rerun` — a saved conversation's user side under another config.
- ``result`` / ``view``: :class:`Evaluation` (grid, ``passed``, ``to_pandas``, save/load, diff).
- ``pricing``: :class:`Prices` (USD per million tokens; a dated default table).

Example::

    sc = gl.evaluation.Scenario("weather").say("What's the weather in Paris?",
                                    expect=gl.evaluation.Expect(mentions=["Paris"]))
    configs = {"Puck": {"voice": "Puck"}, "Kore": {"voice": "Kore"}}
    ev = await gl.evaluation.evaluate(sc, configs=configs)
    ev.passed, ev.to_pandas()
"""

from __future__ import annotations

from typing import Any

from .._sync import run_sync
from .expectations import Check, Expect
from .pricing import ModelPrice, Prices, default_prices
from .result import Evaluation, StepResult
from .scenario import Scenario, Step

__all__ = [
    "Check",
    "Evaluation",
    "Expect",
    "ModelPrice",
    "Prices",
    "Scenario",
    "Step",
    "StepResult",
    "default_prices",
    "evaluate",
    "evaluate_sync",
    "rerun",
    "rerun_sync",
]


async def evaluate(scenario: Scenario, configs: Any = None, **options: Any) -> Evaluation:
    """Run ``scenario`` once per config (concurrently) and check every expectation.

    ``configs``: a dict of name -> LiveConfig fields (``{"Puck": {"voice": "Puck"}}``) or
    LiveConfig, or a list of them; None runs one default config. Options (keyword-only):
    ``config`` / LiveConfig fields shared by every config, ``endpoint``, ``api_key``,
    ``concurrency`` (None: all at once on an emulator, a loopback URL included; a few at a time
    on the service), ``progress=True``, ``timeout=120.0`` (per wait), ``prices`` (a
    :class:`Prices`; default: the dated built-in table), ``budget_usd`` (a cap per config's
    session, as for :func:`gemlive_nb.connect`: past it the session ends and the steps left
    show why). Example::

        ev = await gl.evaluation.evaluate(sc, configs={"Puck": {"voice": "Puck"}})
        ev                      # a grid: config × step
    """
    from .runner import aevaluate

    return await aevaluate(scenario, configs, **options)


def evaluate_sync(scenario: Scenario, configs: Any = None, **options: Any) -> Evaluation:
    """:func:`evaluate` for code that can't ``await`` (a script, or a plain notebook cell)."""
    return run_sync(evaluate(scenario, configs, **options))


async def rerun(recording: Any, changes: Any = None, **options: Any) -> Evaluation:
    """Play ``recording``'s user side again with ``changes`` (e.g. ``{"voice": "Kore"}``).

    ``recording`` is a Recording or a directory it was saved in. ``.diff()`` of the result
    gives, per turn, transcript, latency, tokens and cost before and after. Example::

        ev2 = await gl.evaluation.rerun(s.recording, {"voice": "Kore"}); ev2.diff()
    """
    from .rerunning import arerun

    return await arerun(recording, changes, **options)


def rerun_sync(recording: Any, changes: Any = None, **options: Any) -> Evaluation:
    """:func:`rerun` for code that can't ``await``."""
    return run_sync(rerun(recording, changes, **options))
