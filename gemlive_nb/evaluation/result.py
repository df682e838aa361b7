"""What an evaluation produced: :class:`Evaluation`, one :class:`StepResult` per config × step.

::

    ev.passed                  # every expectation held
    ev.failures                # the StepResults that failed, each with its reasons
    ev.to_pandas()             # one row per config × step
    ev.save("ev/"); gl.evaluation.Evaluation.load("ev/")
    ev.diff()                  # after gl.evaluation.rerun: per turn, before/after
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._pandas import require_pandas
from .._plain import file_slug, json_safe
from ..exceptions import ConfigError
from .expectations import Check
from .scenario import Step

if TYPE_CHECKING:
    from ..audio import Audio
    from .pricing import Prices

__all__ = ["Evaluation", "StepResult"]

STATUSES = ("passed", "failed", "error", "done")  # done: no expectation to check


@dataclass
class StepResult:
    """One config × step: what was said and heard, how fast, what it cost, and the checks.

    ``status`` is ``'passed'``, ``'failed'`` (an expectation did not hold: see ``reasons``),
    ``'error'`` (the step could not run: ``error``) or ``'done'`` (nothing to check).
    ``transcript`` is everything the model said, ``heard_transcript`` what played before a
    barge-in, ``retranscribed`` what a second session heard in the reply (when ``max_wer`` asked).
    """

    config: str
    index: int
    step: Step
    status: str = "done"
    checks: list[Check] = field(default_factory=list)
    turn: Any = field(default=None, repr=False)
    user: str = ""
    transcript: str = ""
    heard_transcript: str = ""
    retranscribed: str | None = None
    latency_s: float | None = None
    wer: float | None = None
    language: str | None = None
    tokens: int | None = None
    cost: float | None = None
    interrupted: bool = False
    audio: Audio | None = field(default=None, repr=False)
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True unless an expectation failed or the step could not run."""
        return self.status in ("passed", "done")

    @property
    def reasons(self) -> list[str]:
        """Why it failed: one line per failed check (or the error)."""
        out = [c.reason for c in self.checks if not c.ok]
        return out or ([self.error] if self.error else [])

    def record(self) -> dict[str, Any]:
        """JSON-ready row (no audio)."""
        return {
            "config": self.config,
            "step": self.index + 1,
            "kind": self.step.kind,
            "status": self.status,
            "user": self.user,
            "transcript": self.transcript,
            "heard_transcript": self.heard_transcript,
            "retranscribed": self.retranscribed,
            "latency_s": self.latency_s,
            "wer": self.wer,
            "language": self.language,
            "tokens": self.tokens,
            "cost_usd": self.cost,
            "interrupted": self.interrupted,
            "checks": len(self.checks),
            "reasons": "; ".join(self.reasons),
            "error": self.error,
        }


class Evaluation:
    """The result of :func:`~gemlive_nb.evaluation.evaluate` (or :func:`~.rerun`).

    ``rows`` holds a :class:`StepResult` per config × step, config by config. In a notebook
    it shows as a grid (config × step) with players, transcripts, pass/fail with reasons and
    latency bars. ``baseline`` (after a rerun) holds the recording's own turns, for :meth:`diff`.
    """

    def __init__(
        self,
        scenario: dict[str, Any],
        rows: list[StepResult],
        *,
        configs: dict[str, dict[str, Any]],
        wall_s: float = 0.0,
        concurrency: int | None = None,
        prices: Prices | None = None,
        baseline: list[dict[str, Any]] | None = None,
        simulated: bool = False,
    ) -> None:
        self.scenario = scenario
        self.rows = rows
        self.configs = configs
        self.wall_s = wall_s
        self.concurrency = concurrency
        self.prices = prices
        self.baseline = baseline
        self.simulated = simulated  # True when an emulator answered (figures are simulated)

    @property
    def name(self) -> str:
        """The scenario's name."""
        return str(self.scenario.get("name", ""))

    @property
    def passed(self) -> bool:
        """True when every expectation held and every step ran."""
        return all(r.ok for r in self.rows)

    @property
    def failures(self) -> list[StepResult]:
        """The rows that failed or could not run."""
        return [r for r in self.rows if not r.ok]

    @property
    def checks(self) -> int:
        """How many expectations were evaluated."""
        return sum(len(r.checks) for r in self.rows)

    @property
    def cost(self) -> float | None:
        """USD of every reply (None when no reply could be priced)."""
        costs = [r.cost for r in self.rows if r.cost is not None]
        return sum(costs) if costs else None

    def __iter__(self) -> Any:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, key: tuple[str, int]) -> StepResult:
        """``ev["Puck", 1]``: config ``Puck``, step 1 (steps count from 1)."""
        config, step = key
        for r in self.rows:
            if r.config == config and r.index + 1 == step:
                return r
        raise KeyError(f"no row {key!r}; configs are {list(self.configs)}, steps 1..")

    def records(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per config × step."""
        return [r.record() for r in self.rows]

    def to_pandas(self) -> Any:
        """A DataFrame, one row per config × step (pandas is needed).

        Columns: status, transcripts, latency, WER, language, tokens, cost, and ``audio``.
        """
        pd = require_pandas("Evaluation.to_pandas()")
        frame = pd.DataFrame(self.records())
        frame["audio"] = [r.audio for r in self.rows]
        return frame

    def diff(self) -> Any:
        """Per turn, before (the recording) and after (this run): transcript, latency, tokens.

        Only for evaluations made by :func:`gemlive_nb.evaluation.rerun`. A DataFrame when pandas is
        installed, else a list of dicts.
        """
        if self.baseline is None:
            raise ConfigError(
                "diff() compares a rerun with its recording: make one with gl.evaluation.rerun"
            )
        after = [r for r in self.rows if r.step.replies]
        rows = []
        for i, before in enumerate(self.baseline):
            now = after[i] if i < len(after) else None
            rows.append({
                "turn": i,
                "user": before.get("user", ""),
                "transcript_before": before.get("transcript", ""),
                "transcript_after": None if now is None else now.transcript,
                "latency_before": before.get("latency_s"),
                "latency_after": None if now is None else now.latency_s,
                "tokens_before": before.get("tokens"),
                "tokens_after": None if now is None else now.tokens,
                "cost_before": before.get("cost_usd"),
                "cost_after": None if now is None else now.cost,
                "status_after": None if now is None else now.status,
            })  # fmt: skip
        try:
            pd = require_pandas("Evaluation.diff()")
        except ImportError:
            return rows
        return pd.DataFrame(rows)

    # -- files
    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write ``manifest.json`` and one WAV per reply; :meth:`load` reads it back."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        entries = []
        for r in self.rows:
            name = None
            if r.audio is not None and len(r.audio.samples):
                name = f"{file_slug(r.config)}_step{r.index + 1}.wav"
                r.audio.to_wav(out / name)
            checks = [c.to_dict() for c in r.checks]
            entries.append({**r.record(), "file": name, "check_list": checks})
        manifest = {
            "scenario": self.scenario,
            "configs": self.configs,
            "wall_s": round(self.wall_s, 3),
            "concurrency": self.concurrency,
            "simulated": self.simulated,
            "prices": None if self.prices is None else {
                "as_of": self.prices.as_of, "source": self.prices.source},
            "baseline": self.baseline,
            "rows": entries,
        }  # fmt: skip
        text = json.dumps(json_safe(manifest, non_finite="null"), indent=2, ensure_ascii=False)
        (out / "manifest.json").write_text(text, encoding="utf-8")
        return out

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> Evaluation:
        """An evaluation written by :meth:`save` (transcripts, checks, audio; no Turn objects)."""
        from ..audio import read_wav

        base = Path(directory)
        path = base / "manifest.json"
        if not path.is_file():
            raise ConfigError(f"no evaluation saved in {str(base)!r}: {path.name} is missing")
        manifest = json.loads(path.read_text(encoding="utf-8"))
        steps = manifest["scenario"].get("steps", [])
        rows = []
        for e in manifest["rows"]:
            spec = steps[e["step"] - 1] if e["step"] - 1 < len(steps) else {"kind": e["kind"]}
            step = Step(spec["kind"], spec.get("text", ""), voice=spec.get("voice", "Zephyr"),
                        language=spec.get("language", "en-US"), seconds=spec.get("seconds", 0.0),
                        tool=spec.get("tool", ""))  # fmt: skip
            rows.append(StepResult(
                e["config"], e["step"] - 1, step, status=e["status"],
                checks=[Check(**c) for c in e.get("check_list", [])], user=e.get("user", ""),
                transcript=e.get("transcript", ""), heard_transcript=e.get("heard_transcript", ""),
                retranscribed=e.get("retranscribed"), latency_s=e.get("latency_s"),
                wer=e.get("wer"), language=e.get("language"), tokens=e.get("tokens"),
                cost=e.get("cost_usd"), interrupted=bool(e.get("interrupted")),
                audio=read_wav(base / e["file"]) if e.get("file") else None, error=e.get("error"),
            ))  # fmt: skip
        return cls(
            manifest["scenario"], rows, configs=manifest.get("configs", {}),
            wall_s=float(manifest.get("wall_s") or 0.0), concurrency=manifest.get("concurrency"),
            baseline=manifest.get("baseline"), simulated=bool(manifest.get("simulated")),
        )  # fmt: skip

    # -- display
    def _repr_html_(self) -> str:
        from .view import to_html

        return to_html(self)

    def __repr__(self) -> str:
        from .view import to_text

        return to_text(self)
