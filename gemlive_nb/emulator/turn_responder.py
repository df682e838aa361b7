"""What one connection's model answers a turn with: words to say, or a tool call first.

The speaker asks, then streams the answer; the choice itself is pure (seeded, so runs repeat)::

    responder = TurnResponder(Responder(seed=0), seed=1)
    responder.answer(cfg, "What's the weather in Paris?", None, ["What's the weather in Paris?"])
    # ToolCall(call={'id': 'function-call-…', 'name': 'get_weather', 'args': {...}}, ...)

Not a public API.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any

from .behaviour import empathetic_opening, translation
from .responder import Responder, grounding_metadata, match_tool, tool_result_text
from .setup import SessionSetup

__all__ = ["CHECKING", "Say", "ToolCall", "TurnResponder"]

CHECKING = "Let me check that for you."  # said while a NON_BLOCKING call runs


@dataclass(frozen=True)
class Say:
    """Say ``text`` (with the search's ``grounding`` when it searched)."""

    text: str
    grounding: dict[str, Any] | None = None


@dataclass(frozen=True)
class ToolCall:
    """Call a tool first; ``then_say`` is spoken meanwhile (None: wait for its answer)."""

    call: dict[str, Any]
    non_blocking: bool

    @property
    def then_say(self) -> str | None:
        """What is said while a NON_BLOCKING call runs (a blocking one keeps the turn open)."""
        return CHECKING if self.non_blocking else None

    def history_text(self) -> str:
        """The call as the conversation keeps it."""
        return json.dumps(self.call)


class TurnResponder:
    """Decides one connection's answers; ``seed`` draws its tool call ids."""

    def __init__(self, responder: Responder, seed: int) -> None:
        self._responder = responder
        self._rng = random.Random(seed)

    def call_id(self) -> str:
        """A tool call id in the service's style (seeded, so runs repeat)."""
        return f"function-call-{self._rng.randrange(10**17, 10**19)}"

    def answer(
        self,
        cfg: SessionSetup,
        user_text: str | None,
        tool_answers: list | None,
        user_texts: list[str],
    ) -> Say | ToolCall:
        """The answer to ``user_text`` (or to ``tool_answers``) after ``user_texts``."""
        if tool_answers:
            return Say(tool_result_text(tool_answers))
        user_text = user_text or ""
        matched = match_tool(user_text, cfg.functions) if cfg.functions else None
        if matched is not None:
            fn, args = matched
            call = {"id": self.call_id(), "name": fn.name, "args": args}
            return ToolCall(call, fn.non_blocking)
        if cfg.translate_to:
            return Say(translation(user_text, cfg.translate_to))
        text = self._responder.reply(user_texts, cfg.language)
        grounding = grounding_metadata(user_text, text) if cfg.google_search else None
        if cfg.affective and (opening := empathetic_opening(user_text, cfg.language)):
            text = f"{opening} {text}"
        return Say(text, grounding)
