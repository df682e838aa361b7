"""What a step's reply should be: :class:`Expect`, and the :class:`Check` each field yields.

Every field given becomes one check; a failed check says what was expected and what came::

    e = gl.evaluation.Expect(mentions=["Paris"], max_latency_s=3, tool_called=None)
    [c.reason for c in e.evaluate(observed) if not c.ok]
    # ["expected a mention of 'Paris'; the reply said: 'Sure. Here is a short answer about Rome.'"]

Fields: ``mentions`` / ``not_mentions`` (words or phrases, case-insensitive, in what the model
said), ``regex`` (searched in it), ``language`` (the reply's language: the transcript's
``languageCode`` when the service sends one, else
:func:`~gemlive_nb.compare.language.guess_language`),
``tool_called`` (None: no tool; a name; or ``{"name": ..., "args": {...}}`` where each arg value
must be equal, or a callable returning True), ``interrupted`` (the reply was cut by a barge-in),
``max_latency_s`` (first audio after the end of the user's input), ``max_wer`` (word error rate
of the reply's re-transcription; asking for it makes the run re-transcribe that reply) and
``check`` (``callable(turn)`` returning True/False, or a text: non-empty text fails with it as
the reason).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..compare.language import base_language, same_language
from ..exceptions import ConfigError

__all__ = ["UNSET", "Check", "Expect", "Observed"]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()  # "not asked" (tool_called=None means "no tool was called")


@dataclass(frozen=True)
class Check:
    """One expectation's outcome: ``ok``, and ``reason`` (what was expected, what came)."""

    name: str
    ok: bool
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"name": self.name, "ok": self.ok, "reason": self.reason}


@dataclass
class Observed:
    """What a step produced, as expectations read it."""

    transcript: str = ""
    language: str | None = None
    latency_s: float | None = None
    wer: float | None = None
    interrupted: bool = False
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    turn: Any = None
    error: str | None = None


def _short(text: str, n: int = 80) -> str:
    return repr(text if len(text) <= n else text[: n - 1] + "…")


def _phrases(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{what} takes a list of words or phrases, e.g. ['Paris'], not {value!r}")
    return tuple(value)


def _mentioned(phrase: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.I) is not None


def _number(value: Any, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"{what} must be a number >= 0, not {value!r}")
    return float(value)


def _tool_spec(value: Any) -> Any:
    if value is UNSET or value is None or isinstance(value, str):
        return value
    if isinstance(value, tuple) and len(value) == 2:
        value = {"name": value[0], "args": value[1]}
    if isinstance(value, Mapping) and isinstance(value.get("name"), str):
        args = value.get("args", {})
        if not isinstance(args, Mapping):
            raise ConfigError(f"tool_called args must be a dict, not {args!r:.60}")
        return {"name": value["name"], "args": dict(args)}
    raise ConfigError(
        "tool_called takes None (no tool), a tool name, or {'name': ..., 'args': {...}}, "
        f"not {value!r:.60}"
    )


class Expect:
    """Expectations of one step's reply (see the module docstring).

    Example::

    gl.evaluation.Expect(mentions=["Rome"], not_mentions=["Paris"], max_latency_s=2.5)
    gl.evaluation.Expect(tool_called={"name": "get_weather", "args": {"city": "Paris"}})
    gl.evaluation.Expect(check=lambda turn: turn.audio_out_s < 10 or "reply longer than 10 s")
    """

    def __init__(
        self,
        *,
        mentions: Sequence[str] | str | None = None,
        not_mentions: Sequence[str] | str | None = None,
        regex: str | None = None,
        language: str | None = None,
        tool_called: Any = UNSET,
        interrupted: bool | None = None,
        max_latency_s: float | None = None,
        max_wer: float | None = None,
        check: Callable[[Any], bool | str | None] | None = None,
    ) -> None:
        self.mentions = _phrases(mentions, "mentions")
        self.not_mentions = _phrases(not_mentions, "not_mentions")
        try:
            self.regex = None if regex is None else re.compile(regex, re.I)
        except (re.error, TypeError) as e:
            raise ConfigError(f"regex {regex!r} is not a valid regular expression: {e}") from None
        if language is not None and (not isinstance(language, str) or not language.strip()):
            raise ConfigError(f"language takes a code such as 'de-DE' or 'de', not {language!r}")
        self.language = language
        self.tool_called = _tool_spec(tool_called)
        if interrupted is not None and not isinstance(interrupted, bool):
            raise ConfigError(f"interrupted takes True, False or None, not {interrupted!r}")
        self.interrupted = interrupted
        self.max_latency_s = _number(max_latency_s, "max_latency_s")
        self.max_wer = _number(max_wer, "max_wer")
        if check is not None and not callable(check):
            raise ConfigError(f"check takes a function of the turn, not {check!r:.60}")
        self.check = check

    @property
    def wants_wer(self) -> bool:
        """True when the reply must be re-transcribed (``max_wer`` was given)."""
        return self.max_wer is not None

    def describe(self) -> dict[str, Any]:
        """The fields given, as JSON-ready values (a check function by its name)."""
        out: dict[str, Any] = {}
        if self.mentions:
            out["mentions"] = list(self.mentions)
        if self.not_mentions:
            out["not_mentions"] = list(self.not_mentions)
        if self.regex is not None:
            out["regex"] = self.regex.pattern
        for name in ("language", "interrupted", "max_latency_s", "max_wer"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        if self.tool_called is not UNSET:
            out["tool_called"] = self.tool_called
        if self.check is not None:
            out["check"] = getattr(self.check, "__name__", "check")
        return out

    def __repr__(self) -> str:
        return "Expect(" + ", ".join(f"{k}={v!r}" for k, v in self.describe().items()) + ")"

    # ------------------------------------------------------------------ evaluating

    def evaluate(self, seen: Observed) -> list[Check]:
        """One :class:`Check` per field given, in field order."""
        if seen.error is not None:
            return [Check("reply", False, f"expected a reply; the step failed: {seen.error}")]
        said = seen.transcript
        out: list[Check] = []
        for phrase in self.mentions:
            ok = _mentioned(phrase, said)
            out.append(Check("mentions", ok, "" if ok else (
                f"expected a mention of {phrase!r}; the reply said: {_short(said)}")))  # fmt: skip
        for phrase in self.not_mentions:
            ok = not _mentioned(phrase, said)
            out.append(Check("not_mentions", ok, "" if ok else (
                f"expected no mention of {phrase!r}; the reply said: {_short(said)}")))  # fmt: skip
        if self.regex is not None:
            ok = self.regex.search(said) is not None
            why = f"expected text matching /{self.regex.pattern}/; the reply said: {_short(said)}"
            out.append(Check("regex", ok, "" if ok else why))
        if self.language is not None:
            ok = same_language(self.language, seen.language)
            got = seen.language or "no language could be told"
            why = f"expected a reply in {base_language(self.language)!r}; it was in {got!r}"
            out.append(Check("language", ok, "" if ok else why))
        if self.tool_called is not UNSET:
            out.append(self._tool_check(seen.tool_calls))
        if self.interrupted is not None:
            ok = seen.interrupted == self.interrupted
            want = "cut by a barge-in" if self.interrupted else "not interrupted"
            got = "it was cut" if seen.interrupted else "it was not"
            out.append(Check("interrupted", ok, "" if ok else f"expected a reply {want}; {got}"))
        if self.max_latency_s is not None:
            lat = seen.latency_s
            ok = lat is not None and lat <= self.max_latency_s
            got = "no audio came" if lat is None else f"it came after {lat:.2f} s"
            why = f"expected first audio within {self.max_latency_s:g} s; {got}"
            out.append(Check("max_latency_s", ok, "" if ok else why))
        if self.max_wer is not None:
            wer = seen.wer
            ok = wer is not None and wer <= self.max_wer
            got = "it could not be measured" if wer is None else f"it was {wer:.0%}"
            why = f"expected a word error rate of at most {self.max_wer:.0%}; {got}"
            out.append(Check("max_wer", ok, "" if ok else why))
        if self.check is not None:
            out.append(self._custom(seen.turn))
        return out

    def _tool_check(self, calls: list[dict[str, Any]]) -> Check:
        names = [c.get("name") for c in calls]
        spec = self.tool_called
        if spec is None:
            ok = not calls
            return Check("tool_called", ok, "" if ok else f"expected no tool call; got {names}")
        name = spec if isinstance(spec, str) else spec["name"]
        mine = [c for c in calls if c.get("name") == name]
        if not mine:
            return Check(
                "tool_called", False, f"expected a call of {name!r}; got {names or 'none'}"
            )
        if isinstance(spec, str):
            return Check("tool_called", True)
        problems: list[str] = []
        for call in mine:
            args = call.get("args") or {}
            problems = [_arg_problem(k, want, args) for k, want in spec["args"].items()]
            problems = [p for p in problems if p]
            if not problems:
                return Check("tool_called", True)
        return Check("tool_called", False, f"{name!r} was called, but {'; '.join(problems)}")

    def _custom(self, turn: Any) -> Check:
        name = getattr(self.check, "__name__", "check")
        try:
            result = self.check(turn) if self.check is not None else True
        except Exception as e:
            return Check("check", False, f"{name} raised {type(e).__name__}: {e}")
        if isinstance(result, str):
            return Check("check", not result, result)
        ok = result is None or bool(result)
        return Check("check", ok, "" if ok else f"{name}(turn) returned {result!r}")


def _arg_problem(key: str, want: Any, args: Mapping[str, Any]) -> str:
    if key not in args:
        return f"argument {key!r} is missing (args: {dict(args)})"
    got = args[key]
    if callable(want):
        try:
            ok = bool(want(got))
        except Exception as e:
            return f"the test of argument {key!r} raised {type(e).__name__}: {e}"
        return "" if ok else f"argument {key!r}={got!r} failed its test"
    if isinstance(want, str) and isinstance(got, str):
        return "" if want.casefold() == got.casefold() else f"{key!r} was {got!r}, not {want!r}"
    return "" if want == got else f"{key!r} was {got!r}, not {want!r}"
