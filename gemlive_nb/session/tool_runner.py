"""Tool calls in, responses out: run each call once, assemble streamed arguments, cancel.

Example::

    runner = ToolRunner(ToolRegistry([get_weather]), recording, s.send_tool_response)
    call = runner.whole(event)     # None while a call's arguments still stream in
    runner.run(call)               # answered through send_tool_response when it returns
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from .. import protocol as p
from ..tools import ToolRegistry

__all__ = ["ToolRunner"]


class ToolRunner:
    """Runs the model's tool calls with ``tools`` (when ``auto``) and answers with ``respond``."""

    def __init__(
        self,
        tools: ToolRegistry,
        recording: Any,
        respond: Callable[[Any], Awaitable[None]],
        auto: bool = True,
    ) -> None:
        self.tools = tools
        self.auto = auto
        self._recording = recording
        self._respond = respond
        self._started: set[str] = set()
        self._streamed: dict[str, list[dict[str, Any]]] = {}

    def whole(self, event: p.ToolCall) -> p.ToolCall | None:
        """``event`` with the calls whose arguments are complete (None when none is yet)."""
        if not any(
            c.will_continue or c.partial_args or (c.id or c.name) in self._streamed
            for c in event.calls
        ):
            return event
        whole = []
        for call in event.calls:
            key = call.id or call.name
            if call.will_continue or call.partial_args or key in self._streamed:
                self._streamed.setdefault(key, []).extend(call.partial_args)
                if call.will_continue:
                    continue
                args = {**p.assemble_args(self._streamed.pop(key)), **call.args}
                call = p.FunctionCall(call.id, call.name, args)
            whole.append(call)
        return p.ToolCall(tuple(whole), raw=event.raw) if whole else None

    def run(self, event: p.ToolCall) -> None:
        """Run the calls (once per call id: a repeated id is not run again)."""
        for call in event.calls:
            if self.tools.is_non_blocking(call.name):
                self._recording.mark_non_blocking(call.id)
        fresh = [c for c in event.calls if c.id is None or c.id not in self._started]
        self._started.update(c.id for c in fresh if c.id is not None)
        if self.auto and fresh:
            self.tools.start(p.ToolCall(tuple(fresh), raw=event.raw), self._respond)

    def cancel(self, ids: Iterable[str]) -> None:
        """The server cancelled these calls."""
        self.tools.cancel(tuple(ids))

    def cancel_all(self) -> None:
        """Cancel every running call (the connection broke, or the session ended)."""
        self.tools.cancel_all()
