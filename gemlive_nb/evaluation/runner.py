"""Run a :class:`~.scenario.Scenario` once per config, concurrently: :func:`aevaluate`.

Each config gets its own Live session. Steps run in order, in real time: spoken lines are
rendered by the kit's offline voice (the built-in speech of the emulator package, reached
through its leaf module ``emulator.speech``; it never starts the emulator server) and streamed
like a microphone with ``LiveSession.stream_audio``; typed lines go as conversation content.
A step whose reply is followed by a ``barge_in`` does not wait for that reply: the barge-in
waits until ``after_s`` seconds of it have played, then speaks over it. A barge-in can only cut
a reply the endpoint is still streaming: the service streams replies at about playback speed;
so does the embedded emulator evaluations use when no endpoint is configured (an emulator of
your own does so when started with ``realtime=True``).

Sessions run at once up to ``concurrency`` (default: every config on an emulator, including a
loopback URL; :data:`~gemlive_nb.compare.SERVICE_CONCURRENCY` on the service); a progress bar
counts finished configs; cancelling the awaiting task (or interrupting the kernel) closes every
session. One config's failure never stops the others: its steps show the error.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import protocol as p
from ..audio import Audio
from ..compare.language import guess_language
from ..compare.run import default_concurrency, is_local_endpoint, retranscribe
from ..compare.score import word_error_rate
from ..compare.ui import Progress
from ..config import LiveConfig
from ..exceptions import ConfigError, GemliveError
from ..protocol import INPUT_RATE, OUTPUT_RATE
from ..waiting import gather_all
from .expectations import Check, Observed
from .pricing import Prices, check_prices
from .result import Evaluation, StepResult
from .scenario import Scenario, Step

if TYPE_CHECKING:
    from ..conversation import Turn
    from ..session import LiveSession

__all__ = ["aevaluate", "check_configs", "speak"]

_ENDED = ("answered", "interrupted", "no_reply")  # turn statuses with a reply to check
_TAIL_S = 0.3  # silence after a spoken line, so the endpoint's voice detector hears its end


def speak(text: str, voice: str, language: str) -> Audio:
    """``text`` spoken by the kit's offline voice, as 16 kHz microphone audio."""
    from ..audio import resample
    from ..emulator.speech import get_speech  # a leaf of the emulator package (numpy only)

    pcm = np.asarray(get_speech("builtin").synthesize(text, voice, language), np.int16)
    samples = resample(pcm, OUTPUT_RATE, INPUT_RATE)
    tail = np.zeros(round(_TAIL_S * INPUT_RATE), np.int16)
    return Audio(np.concatenate([samples, tail]), INPUT_RATE)


def check_configs(configs: Any, base: LiveConfig) -> dict[str, LiveConfig]:
    """``configs`` (name -> dict of LiveConfig fields or LiveConfig; or a list) as configs."""
    if configs is None:
        return {"default": base}
    if isinstance(configs, Mapping):
        items = list(configs.items())
    elif isinstance(configs, Sequence) and not isinstance(configs, str):
        items = [(f"config {i}", c) for i, c in enumerate(configs, 1)]
    else:
        raise ConfigError(
            "configs takes a dict of name -> settings, e.g. {'Puck': {'voice': 'Puck'}}, "
            f"not {configs!r:.60}"
        )
    if not items:
        raise ConfigError("configs is empty: pass at least one, e.g. {'Puck': {'voice': 'Puck'}}")
    out: dict[str, LiveConfig] = {}
    for name, value in items:
        if isinstance(value, LiveConfig):
            out[str(name)] = value
        elif isinstance(value, Mapping):
            out[str(name)] = base.replace(**dict(value))
        else:
            raise ConfigError(
                f"config {name!r} must be a dict of LiveConfig fields, not {value!r:.60}"
            )
    return out


def _fixed_tools(scenario: Scenario) -> dict[str, dict[str, Any]]:
    return {s.tool: s.response for s in scenario if s.kind == "tool_result"}


def _without_fixed(cfg: LiveConfig, fixed: Mapping[str, Any]) -> LiveConfig:
    """The fixed tools as bare declarations: the session leaves their calls to the runner."""
    if not fixed or not cfg.tools:
        return cfg
    from ..tools import declare

    tools = []
    for t in cfg.tools:
        if callable(t) and declare(t).get("name") in fixed:
            tools.append(declare(t))
        else:
            tools.append(t)
    return cfg.replace(tools=tools)


class _Run:
    """One config's session, stepping through the scenario."""

    def __init__(self, name: str, cfg: LiveConfig, scenario: Scenario, audio: list[Audio | None],
                 options: dict[str, Any], prices: Prices) -> None:  # fmt: skip
        self.name, self.cfg, self.scenario, self.audio = name, cfg, scenario, audio
        self.options, self.prices = options, prices
        self.fixed = _fixed_tools(scenario)
        self.languages: dict[int, str] = {}
        self.timeout = options["timeout"]
        self.tasks: list[asyncio.Future[Any]] = []  # fixed tool answers being sent
        self.model: str | None = None

    def _on_event(self, s: LiveSession, event: Any) -> None:
        if isinstance(event, p.OutputTranscript) and event.language_code:
            turn = s.recording.current_turn or (s.turns[-1] if s.turns else None)
            if turn is not None:
                self.languages.setdefault(turn.index, event.language_code)
        elif isinstance(event, p.ToolCall):
            answers = [
                {"id": c.id, "name": c.name, "response": self.fixed[c.name]}
                for c in event.calls
                if c.name in self.fixed
            ]
            if answers:
                self.tasks.append(asyncio.ensure_future(s.send_tool_response(answers)))

    async def run(self) -> list[StepResult]:
        from ..session import connect

        steps = self.scenario.steps
        results: list[StepResult | None] = [None] * len(steps)
        turns: dict[int, Turn] = {}
        try:
            cfg = _without_fixed(self.cfg, self.fixed)
            async with connect(cfg, endpoint=self.options["endpoint"],
                               api_key=self.options["api_key"], prices=self.prices,
                               budget_usd=self.options["budget_usd"]) as s:  # fmt: skip
                s.subscribe(lambda e: self._on_event(s, e))
                self.model = s.recording.meta.get("model")
                last: int | None = None  # index of the step whose reply came last
                for i, step in enumerate(steps):
                    if step.kind == "pause":
                        await asyncio.sleep(step.seconds)
                        continue
                    if step.kind == "tool_result":
                        continue
                    if step.kind == "barge_in" and last is not None:
                        await self._wait_played(s, turns[last], step.seconds)
                    turn = await self._send(s, i, step)
                    turns[i] = turn
                    if self._cut_next(i):
                        await self._wait_first_audio(s, turn)
                    else:
                        await s.wait_turn(turn, self.timeout)
                        if last is not None and last in turns:
                            await s.wait_turn(turns[last], self.timeout)
                        await self._wait_played(s, turn, None)
                    last = i
                for turn in turns.values():
                    await s.wait_turn(turn, self.timeout)
                for i, turn in turns.items():
                    results[i] = await self._result(i, steps[i], turn)
        except Exception as e:  # the config failed: every step without a result shows why
            text = str(e) if isinstance(e, GemliveError) else f"{type(e).__name__}: {e}"
            for i, step in enumerate(steps):
                got = turns.get(i)
                if results[i] is not None or not step.replies:
                    continue
                if got is not None and got.status in _ENDED:  # it ended before the failure
                    results[i] = await self._result(i, step, got)
                else:
                    results[i] = self._failed(i, step, text, got)
        return [
            r if r is not None else StepResult(self.name, i, steps[i], status="done")
            for i, r in enumerate(results)
        ]

    def _cut_next(self, i: int) -> bool:
        later = [s for s in self.scenario.steps[i + 1 :] if s.replies]
        return bool(later) and later[0].kind == "barge_in"

    async def _send(self, s: LiveSession, i: int, step: Step) -> Turn:
        from ..waiting import wait_until

        if step.kind == "type":
            turn = await s.send_text(step.text)
            assert turn is not None
            return turn
        before = len(s.turns)
        audio = self.audio[i]
        assert audio is not None
        await s.stream_audio(audio, end=True)
        await wait_until(
            lambda: len(s.turns) > before, timeout=self.timeout,
            what=f"the endpoint to hear step {i + 1} ({step.label})",
        )  # fmt: skip
        return s.turns[before]

    async def _wait_first_audio(self, s: LiveSession, turn: Turn) -> None:
        from ..waiting import wait_until

        await wait_until(
            lambda: turn.t_first_audio is not None or turn.status != "pending",
            timeout=self.timeout, what=f"the first audio of turn {turn.index}",
        )  # fmt: skip

    async def _wait_played(self, s: LiveSession, turn: Turn, after_s: float | None) -> None:
        """Until ``after_s`` of ``turn``'s reply has played (None: all of it)."""
        if after_s is not None:
            await self._wait_first_audio(s, turn)
        if turn.output_offset is None:
            return
        start = turn.output_offset / OUTPUT_RATE
        until = start + (after_s if after_s is not None else turn.heard_samples / OUTPUT_RATE)
        await asyncio.sleep(max(0.0, until - s.recording.now()))

    async def _result(self, i: int, step: Step, turn: Turn) -> StepResult:
        full = turn.transcript_full
        language = self.languages.get(turn.index) or guess_language(full)
        heard = None
        wer = None
        if step.expect is not None and step.expect.wants_wer and len(turn.audio.samples):
            try:
                heard = await retranscribe(
                    turn.audio, self.cfg.language, endpoint=self.options["endpoint"],
                    api_key=self.options["api_key"], model=self.cfg.model, timeout=self.timeout,
                )  # fmt: skip
                wer = word_error_rate(full, heard)
            except Exception:  # an unmeasured WER fails its check, saying so
                heard = None
        m = turn.metrics
        seen = Observed(
            transcript=full, language=language, latency_s=m["latency_first_audio"], wer=wer,
            interrupted=turn.interrupted, tool_calls=list(turn.tool_calls), turn=turn,
        )  # fmt: skip
        checks = step.expect.evaluate(seen) if step.expect is not None else []
        return StepResult(
            self.name, i, step, status=_status(checks), checks=checks, turn=turn,
            user=turn.user or step.text, transcript=full, heard_transcript=turn.transcript,
            retranscribed=heard, latency_s=m["latency_first_audio"], wer=wer, language=language,
            tokens=m["total_tokens"], cost=self.prices.cost(turn.usage, self.model),
            interrupted=turn.interrupted, audio=turn.audio,
        )  # fmt: skip

    def _failed(self, i: int, step: Step, error: str, turn: Turn | None) -> StepResult:
        checks = step.expect.evaluate(Observed(error=error)) if step.expect is not None else []
        return StepResult(self.name, i, step, status="error", checks=checks, turn=turn,
                          user=step.text, error=error)  # fmt: skip


def _status(checks: list[Check]) -> str:
    if not checks:
        return "done"
    return "passed" if all(c.ok for c in checks) else "failed"


async def _utterances(scenario: Scenario) -> list[Audio | None]:
    def render() -> list[Audio | None]:
        out: list[Audio | None] = []
        for step in scenario:
            if step.kind in ("say", "barge_in"):
                out.append(step.audio or speak(step.text, step.voice, step.language))
            else:
                out.append(None)
        return out

    return await asyncio.to_thread(render)


async def _paced(endpoint: Any, api_key: Any) -> Any:
    """The embedded emulator that streams at playback speed, when no endpoint is configured."""
    from ..endpoints import resolve_endpoint

    resolved = resolve_endpoint(endpoint, api_key=api_key)
    if resolved.kind != "emulator" or resolved.url is not None:
        return endpoint
    from ..session.embedded import embedded_emulator

    emu = await asyncio.to_thread(embedded_emulator, resolved.dialect, True)
    return resolved.with_url(emu.url)


async def aevaluate(
    scenario: Scenario,
    configs: Any = None,
    *,
    config: Any = None,
    endpoint: Any = None,
    api_key: Any = None,
    concurrency: int | None = None,
    progress: bool = True,
    timeout: float | None = 120.0,
    prices: Prices | Mapping[str, Any] | None = None,
    budget_usd: float | None = None,
    **config_fields: Any,
) -> Evaluation:
    """Run ``scenario`` once per config, concurrently; see :func:`evaluate`."""
    if not isinstance(scenario, Scenario):
        raise ConfigError(f"evaluate takes a gl.evaluation.Scenario, not {type(scenario).__name__}")
    if not any(s.replies for s in scenario):
        raise ConfigError(f"scenario {scenario.name!r} has no say/type/barge_in step to answer")
    if concurrency is not None and (
        isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1
    ):
        raise ConfigError(f"concurrency must be a positive int or None, got {concurrency!r}")
    table = check_prices(prices)
    base = LiveConfig.coerce(config, **config_fields)
    cfgs = check_configs(configs, base)
    at_once = concurrency or default_concurrency(endpoint, api_key, len(cfgs))
    endpoint = await _paced(endpoint, api_key)
    audio = await _utterances(scenario)
    options = {"endpoint": endpoint, "api_key": api_key, "timeout": timeout,
               "budget_usd": budget_usd}  # fmt: skip
    gate = asyncio.Semaphore(at_once)
    bar = Progress(len(cfgs), label=scenario.name, enabled=progress, concurrency=at_once)

    async def one(name: str, cfg: LiveConfig) -> list[StepResult]:
        async with gate:
            rows = await _Run(name, cfg, scenario, audio, options, table).run()
        bar.advance(failed=any(r.status in ("failed", "error") for r in rows))
        return rows

    started = time.perf_counter()
    try:
        per_config = await gather_all(one(n, c) for n, c in cfgs.items())
    finally:
        bar.close()
    rows = [r for rows in per_config for r in sorted(rows, key=lambda r: r.index)]
    shared = base.to_dict()
    settings = {
        n: {k: v for k, v in c.to_dict().items() if shared.get(k) != v} for n, c in cfgs.items()
    }
    return Evaluation(
        scenario.to_dict(), rows, configs=settings, wall_s=time.perf_counter() - started,
        concurrency=at_once, prices=table, simulated=is_local_endpoint(endpoint, api_key),
    )  # fmt: skip
