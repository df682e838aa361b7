"""Play a saved conversation's user side again under another config: :func:`arerun`.

Each turn of the recording becomes a step: typed text is typed again; speech is streamed again
from the recording's input audio (or, when the recording kept no audio, its input transcript is
spoken by the kit's offline voice). The new run's :meth:`~.result.Evaluation.diff` sets each
turn's transcript, latency, tokens and cost beside the recording's::

    ev2 = await gl.evaluation.rerun("run1/", {"voice": "Kore"})  # a Recording or a saved dir
    ev2.diff()
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..audio import Audio
from ..config import LiveConfig
from ..conversation import Recording
from ..exceptions import ConfigError
from ..protocol import INPUT_RATE
from .pricing import check_prices
from .result import Evaluation
from .runner import aevaluate
from .scenario import Scenario

__all__ = ["arerun", "scenario_of"]

_MARGIN_S = 0.3  # speech kept after the recorded end of the user's speech


def _speech_of(rec: Recording, turn: Any) -> Audio | None:
    if rec.record is not True or turn.t_user_start is None:
        return None
    samples = rec.input.render()
    start = max(0, int(turn.t_user_start * INPUT_RATE))
    end_t = turn.t_user_end if turn.t_user_end is not None else turn.t_user_start + turn.audio_in_s
    end = min(len(samples), int((end_t + _MARGIN_S) * INPUT_RATE))
    piece = np.asarray(samples[start:end], np.int16)
    return Audio(piece, INPUT_RATE) if len(piece) else None


def scenario_of(rec: Recording, name: str = "rerun") -> Scenario:
    """The user side of ``rec`` as a Scenario (one say/type step per turn)."""
    sc = Scenario(name)
    language = rec.meta.get("language") or "en-US"
    for turn in rec.turns:
        if turn.source == "typed" and turn.user_text is not None:
            sc.type(turn.user_text)
            continue
        audio = _speech_of(rec, turn)
        if audio is not None:
            sc.say(audio, language=language)
        elif turn.input_transcript.strip():
            sc.say(turn.input_transcript, language=language)
        else:
            raise ConfigError(
                f"turn {turn.index} of the recording has neither audio nor words to say again; "
                "record with record=True (or 'transcript') to rerun it"
            )
    if not sc.steps:
        raise ConfigError("the recording has no turns to rerun")
    return sc


async def arerun(
    recording: Recording | str | os.PathLike[str],
    changes: Mapping[str, Any] | None = None,
    *,
    name: str | None = None,
    prices: Any = None,
    **options: Any,
) -> Evaluation:
    """Run ``recording``'s user side again with its config changed by ``changes``.

    The session settings are the recording's (model, voice, language) with ``changes`` applied;
    ``options`` go to :func:`~gemlive_nb.evaluation.evaluate` (``endpoint``, ``api_key``,
    ``timeout``...).
    """
    rec = recording if isinstance(recording, Recording) else Recording.load(Path(recording))
    if changes is not None and not isinstance(changes, Mapping):
        raise ConfigError(
            f"rerun takes a dict of changes, e.g. {{'voice': 'Kore'}}, not {changes!r}"
        )
    base = {k: rec.meta[k] for k in ("voice", "language") if rec.meta.get(k)}
    model = rec.meta.get("model")
    table = check_prices(prices)
    label = ", ".join(f"{k}={v}" for k, v in (changes or {}).items()) or "again"
    cfg = LiveConfig.coerce(None, **base).replace(**dict(changes or {}))
    baseline = [
        {
            "user": t.user or "",
            "transcript": t.transcript_full,
            "latency_s": t.metrics["latency_first_audio"],
            "tokens": t.metrics["total_tokens"],
            "cost_usd": table.cost(t.usage, model),
        }
        for t in rec.turns
    ]
    ev = await aevaluate(
        scenario_of(rec, name or f"rerun ({label})"), {label: cfg}, prices=table, **options
    )
    ev.baseline = baseline
    return ev
