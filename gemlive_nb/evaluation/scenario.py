"""A scripted conversation: :class:`Scenario` and its :class:`Step` values.

Build one by chaining; each spoken step is spoken by the kit's offline voice (the same built-in
speech the emulator answers with, so a scenario runs with no microphone) and streamed in real
time, like a microphone::

    sc = (gl.evaluation.Scenario("weather")
          .say("What's the weather in Paris?", expect=gl.evaluation.Expect(mentions=["Paris"]))
          .pause(1.0)
          .barge_in("Stop. What about Rome?", after_s=1.0,
                    expect=gl.evaluation.Expect(mentions=["Rome"]))
          .type("Thanks!", expect=gl.evaluation.Expect(tool_called=None)))
    len(sc), sc.steps[2].kind           # (4, 'barge_in')

``say`` takes text, an :class:`~gemlive_nb.Audio` or a WAV path; ``voice``/``language`` choose
how text is spoken (default: ``Zephyr``, ``en-US``). ``barge_in`` speaks over the previous
reply once ``after_s`` seconds of it have played. ``tool_result(name, response)`` fixes what a
tool answers for the rest of the scenario.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..audio import Audio
from ..catalog import DEFAULT_LANGUAGE, VOICES, normalize_language_code
from ..exceptions import ConfigError
from .expectations import Expect

__all__ = ["STEP_KINDS", "Scenario", "Step"]

StepKind = Literal["say", "type", "pause", "barge_in", "tool_result"]
STEP_KINDS: tuple[StepKind, ...] = ("say", "type", "pause", "barge_in", "tool_result")
USER_VOICE = "Zephyr"  # the voice that speaks the user's lines when none is given


@dataclass(frozen=True)
class Step:
    """One step of a scenario (see :class:`Scenario` for the kinds).

    ``text`` is what is said or typed; ``audio`` a recorded utterance (then ``text`` is its
    label, or ''); ``seconds`` the pause or the barge-in point; ``tool``/``response`` a fixed
    tool answer.
    """

    kind: StepKind
    text: str = ""
    audio: Audio | None = field(default=None, repr=False)
    voice: str = USER_VOICE
    language: str = DEFAULT_LANGUAGE
    seconds: float = 0.0
    tool: str = ""
    response: Any = None
    expect: Expect | None = None

    @property
    def replies(self) -> bool:
        """True for steps the model answers (say, type, barge_in)."""
        return self.kind in ("say", "type", "barge_in")

    @property
    def label(self) -> str:
        """Short text naming the step: ``'say: What's the weather…'``."""
        if self.kind == "pause":
            return f"pause {self.seconds:g} s"
        if self.kind == "tool_result":
            return f"tool_result {self.tool}"
        said = self.text or (f"audio {self.audio.duration:.1f} s" if self.audio else "")
        said = said if len(said) <= 40 else said[:39] + "…"
        when = f" after {self.seconds:g} s" if self.kind == "barge_in" else ""
        return f"{self.kind}{when}: {said}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (no audio samples, expectations as text)."""
        return {
            "kind": self.kind,
            "text": self.text,
            "voice": self.voice,
            "language": self.language,
            "seconds": self.seconds,
            "tool": self.tool,
            "expect": None if self.expect is None else self.expect.describe(),
        }


def _seconds(value: Any, what: str, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"{what} must be a number of seconds >= 0, not {value!r}")
    if positive and value == 0:
        raise ConfigError(f"{what} must be more than 0 seconds")
    return float(value)


def _expect(expect: Any) -> Expect | None:
    if expect is None or isinstance(expect, Expect):
        return expect
    if isinstance(expect, Mapping):
        return Expect(**expect)
    raise ConfigError(
        f"expect= takes a gl.evaluation.Expect(...) or a dict of its fields, not {expect!r:.60}"
    )


def _utterance(what: str | Audio | os.PathLike[str]) -> tuple[str, Audio | None]:
    if isinstance(what, Audio):
        return "", what
    if isinstance(what, os.PathLike) or (isinstance(what, str) and what.lower().endswith(".wav")):
        path = Path(what)
        if not path.is_file():
            raise ConfigError(f"no WAV file at {str(path)!r}: pass text, an Audio or a WAV path")
        return path.name, Audio.from_wav(path)
    if isinstance(what, str) and what.strip():
        return what, None
    raise ConfigError(f"say()/barge_in() take text, an Audio or a WAV path, not {what!r:.60}")


class Scenario:
    """A named list of steps; every builder method returns the scenario (chain them).

    Example::

        expect = gl.evaluation.Expect(mentions=["help"])
        sc = gl.evaluation.Scenario("greeting").say("Hello!", expect=expect)
    """

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"a Scenario needs a name (non-empty text), not {name!r}")
        self.name = name
        self.steps: list[Step] = []

    def _add(self, step: Step) -> Scenario:
        self.steps.append(step)
        return self

    def say(
        self,
        what: str | Audio | os.PathLike[str],
        *,
        voice: str | None = None,
        language: str | None = None,
        expect: Expect | None = None,
    ) -> Scenario:
        """Speak ``what`` (text, an Audio or a WAV path), streamed in real time."""
        text, audio = _utterance(what)
        return self._add(
            Step("say", text, audio, VOICES[voice or USER_VOICE].name,
                 normalize_language_code(language or DEFAULT_LANGUAGE), expect=_expect(expect))
        )  # fmt: skip

    def type(self, text: str, *, expect: Expect | None = None) -> Scenario:
        """Send ``text`` as typed conversation content."""
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(f"type() takes non-empty text, not {text!r:.60}")
        return self._add(Step("type", text, expect=_expect(expect)))

    def pause(self, seconds: float) -> Scenario:
        """Wait ``seconds`` (the microphone stays open: silence is streamed)."""
        return self._add(Step("pause", seconds=_seconds(seconds, "pause")))

    def barge_in(
        self,
        what: str | Audio | os.PathLike[str],
        *,
        after_s: float = 1.0,
        voice: str | None = None,
        language: str | None = None,
        expect: Expect | None = None,
    ) -> Scenario:
        """Speak over the previous step's reply once ``after_s`` seconds of it have played."""
        if not any(s.replies for s in self.steps):
            raise ConfigError("barge_in() needs an earlier say()/type() whose reply it cuts")
        text, audio = _utterance(what)
        return self._add(
            Step("barge_in", text, audio, VOICES[voice or USER_VOICE].name,
                 normalize_language_code(language or DEFAULT_LANGUAGE),
                 seconds=_seconds(after_s, "after_s"), expect=_expect(expect))
        )  # fmt: skip

    def tool_result(self, name: str, response: Any) -> Scenario:
        """From here on, answer calls of tool ``name`` with ``response`` (a dict)."""
        if not isinstance(name, str) or not name:
            raise ConfigError(f"tool_result() needs the tool's name, not {name!r}")
        if not isinstance(response, Mapping):
            response = {"result": response}
        return self._add(Step("tool_result", tool=name, response=dict(response)))

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description of the scenario."""
        return {"name": self.name, "steps": [s.to_dict() for s in self.steps]}

    def __repr__(self) -> str:
        lines = [f"<Scenario {self.name!r}: {len(self)} steps>"]
        lines += [f"  {i}. {s.label}" for i, s in enumerate(self.steps, 1)]
        return "\n".join(lines)
