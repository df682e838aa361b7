"""Answering the server's tool calls: run the functions, send their results, cancel, time out."""

from __future__ import annotations

import asyncio
import enum
import inspect
import logging
import types
import typing
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .._plain import json_safe
from ..exceptions import ToolError
from ..waiting import wait_for
from ._declare import ToolSpec, declare, is_dataclass_like, spec_of, tool_name

log = logging.getLogger("gemlive_nb.tools")

# A tool that has not answered after this long gets an error response, so the model (which
# waits for every BLOCKING call) is never left waiting; LiveSession(tool_timeout=...) changes it.
DEFAULT_TOOL_TIMEOUT = 30.0


@dataclass(frozen=True)
class ToolResult:
    """A tool's answer with media, for models that look at images.

    ``response`` is what a plain return value would be; ``media`` holds images (uint8 arrays,
    PIL images, JPEG/PNG bytes) sent as the function response's ``parts``.

    Example::

        def snapshot() -> ToolResult:
            return ToolResult({"taken": True}, media=[camera.frame()])
    """

    response: Any = None
    media: tuple[Any, ...] | list[Any] = ()

    def parts(self) -> list[dict[str, Any]]:
        """The ``parts`` of the function response (``inlineData`` each)."""
        from ..images import image_bytes
        from ..protocol import inline_part

        return [inline_part(*image_bytes(m, None, "ToolResult media")) for m in self.media]


def wrap_result(value: Any) -> dict[str, Any]:
    """A function response body: dicts as they are (made JSON-safe), anything else wrapped."""
    safe = json_safe(value)
    return safe if isinstance(safe, dict) else {"result": safe}


def error_result(exc: BaseException) -> dict[str, Any]:
    """The response body for a tool that raised: ``{"error": "ValueError: bad city"}``."""
    return {"error": f"{type(exc).__name__}: {exc}"}


# --- arguments -> Python values ---------------------------------------------------------------


def _coerce(value: Any, tp: Any) -> Any:
    """Best-effort conversion of a JSON argument to the annotated type (never raises)."""
    try:
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin is typing.Annotated:
            return _coerce(value, args[0])
        if origin in (typing.Union, types.UnionType):
            rest = [a for a in args if a is not type(None)]
            return value if value is None or len(rest) != 1 else _coerce(value, rest[0])
        if inspect.isclass(tp) and issubclass(tp, enum.Enum) and not isinstance(value, tp):
            by_value = {str(m.value): m for m in tp}
            return by_value.get(str(value), tp[value] if value in tp.__members__ else value)
        if tp is int and isinstance(value, float) and value.is_integer():
            return int(value)
        if tp is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if origin in (list, set, frozenset, tuple) and isinstance(value, list):
            item = args[0] if args else Any
            items = [_coerce(v, item) for v in value]
            return origin(items) if origin is not list else items
        if isinstance(value, dict) and is_dataclass_like(tp):
            hints = typing.get_type_hints(tp)
            return tp(**{k: _coerce(v, hints.get(k, Any)) for k, v in value.items()})
    except (TypeError, ValueError, KeyError):
        pass
    return value


def _is_async(fn: Callable[..., Any]) -> bool:
    call = type(fn).__call__ if not inspect.isroutine(fn) else None
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(call)


# --- dispatch ---------------------------------------------------------------------------------

Respond = Callable[[list[dict[str, Any]]], Awaitable[None]]


class ToolRegistry:
    """The session's tools: declarations, and answers to the server's tool calls.

    ``tools`` are callables or declaration dicts (``{"name": ..., ...}``, or whole tool entries
    such as ``{"googleSearch": {}}``). Calls to dict-declared functions are left to you
    (answer them with ``session.send_tool_response``); calls to names nobody declared get an
    error response listing the known tools. Example::

        reg = ToolRegistry([get_weather])
        reg.declarations()        # [{'name': 'get_weather', ...}]
        reg.start(tool_call_event, respond)   # answers through ``respond`` when done
    """

    def __init__(
        self,
        tools: Iterable[Callable[..., Any] | Mapping[str, Any]] = (),
        timeout: float | None = DEFAULT_TOOL_TIMEOUT,
    ) -> None:
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
        ):
            raise ToolError(
                f"tool_timeout must be a number of seconds > 0 or None, not {timeout!r}"
            )
        self.timeout = timeout
        self._functions: dict[str, Callable[..., Any]] = {}
        self._external: set[str] = set()
        self._tasks: dict[str, asyncio.Future[Any]] = {}
        for t in tools:
            self.add(t)

    def add(self, fn: Callable[..., Any] | Mapping[str, Any]) -> None:
        """Register one function (or note the names of a declaration dict)."""
        if isinstance(fn, Mapping):
            decls = fn.get("functionDeclarations") or fn.get("function_declarations")
            for d in decls if decls is not None else ([fn] if "name" in fn else []):
                self._external.add(str(d["name"]))
            return
        declare(fn)  # validate now, with a clear error, rather than at call time
        self._functions[tool_name(fn)] = fn

    def replace(self, tools: Iterable[Callable[..., Any] | Mapping[str, Any]]) -> None:
        """Declare exactly ``tools`` from now on (``update_context(tools=...)``).

        Calls already running finish; a later call to a tool not among ``tools`` gets the
        unknown-tool error response instead of running.
        """
        tools = list(tools)
        for t in tools:  # validate all before changing anything
            if not isinstance(t, Mapping):
                declare(t)
        self._functions.clear()
        self._external.clear()
        for t in tools:
            self.add(t)

    @property
    def names(self) -> list[str]:
        """Every declared function name (callables first)."""
        return [*self._functions, *sorted(self._external - set(self._functions))]

    def declarations(self) -> list[dict[str, Any]]:
        """The ``functionDeclarations`` of the registered callables."""
        return [declare(fn) for fn in self._functions.values()]

    def __contains__(self, name: object) -> bool:
        return name in self._functions

    def __len__(self) -> int:
        return len(self._functions)

    @property
    def pending(self) -> list[str]:
        """Ids of calls still running."""
        return list(self._tasks)

    def is_non_blocking(self, name: str) -> bool:
        """True when ``name`` is a registered function marked ``@tool(non_blocking=True)``."""
        fn = self._functions.get(name)
        return fn is not None and spec_of(fn).non_blocking

    def answers(self, name: str) -> bool:
        """True when a call to ``name`` is answered automatically (not left to the user)."""
        return name in self._functions or name not in self._external

    async def call(self, call: Any) -> dict[str, Any]:
        """Run one function call and return its response body.

        Errors become an error body; only cancellation propagates.
        """
        return (await self._call(call))[0]

    async def _call(self, call: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The response body and the media ``parts`` (from a :class:`ToolResult`)."""
        fn = self._functions.get(call.name)
        if fn is None:
            known = ", ".join(self.names) or "none"
            return {
                "error": f"ToolError: unknown tool {call.name!r} — the known tools are: {known}"
            }, []
        try:
            kwargs = self._arguments(fn, call.args or {})
            result = await wait_for(self._invoke(fn, kwargs), self.timeout)
            if isinstance(result, ToolResult):
                return wrap_result(result.response), result.parts()
            return wrap_result(result), []
        except asyncio.CancelledError:
            raise
        except asyncio.TimeoutError:
            log.warning("tool %s did not finish within %g s", call.name, self.timeout)
            return {
                "error": f"ToolError: {call.name} did not finish within {self.timeout:g} s "
                "(the session's tool_timeout); it was cancelled"
            }, []
        except Exception as e:
            log.info("tool %s raised %s: %s", call.name, type(e).__name__, e)
            return error_result(e), []

    @staticmethod
    async def _invoke(fn: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
        if _is_async(fn):
            return await fn(**kwargs)
        # a sync function runs in a thread; on timeout the thread cannot be stopped, only ignored
        result = await asyncio.get_running_loop().run_in_executor(None, lambda: fn(**kwargs))
        return await result if inspect.isawaitable(result) else result

    @staticmethod
    def _arguments(fn: Callable[..., Any], args: Mapping[str, Any]) -> dict[str, Any]:
        sig = inspect.signature(fn)
        try:
            hints = typing.get_type_hints(fn)
        except (TypeError, NameError):
            hints = {}
        accepts_any = any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values())
        unknown = [k for k in args if k not in sig.parameters and not accepts_any]
        if unknown:
            raise TypeError(f"unexpected argument(s) {', '.join(map(repr, unknown))}")
        return {k: _coerce(v, hints.get(k, Any)) for k, v in args.items()}

    def start(self, event: Any, respond: Respond) -> list[asyncio.Future[Any]]:
        """Answer every call of a ToolCall event in the background; returns the tasks.

        Each call runs as its own task; when it finishes, ``respond([function_response])``
        sends the answer. Calls to dict-declared (external) functions are skipped.
        """
        started: list[asyncio.Future[Any]] = []
        for call in event.calls:
            if not self.answers(call.name):
                continue
            key = call.id or f"_anonymous{len(self._tasks)}_{id(call)}"
            task = asyncio.ensure_future(self._run(call, key, respond))
            self._tasks[key] = task
            started.append(task)
        return started

    async def _run(self, call: Any, key: str, respond: Respond) -> None:
        try:
            body, parts = await self._call(call)
        except asyncio.CancelledError:
            log.info("tool call %s (%s) cancelled", call.id, call.name)
            return
        finally:
            self._tasks.pop(key, None)
        response: dict[str, Any] = {"id": call.id, "name": call.name, "response": body}
        if parts:
            response["parts"] = parts
        fn = self._functions.get(call.name)
        spec = spec_of(fn) if fn is not None else ToolSpec()
        if spec.non_blocking and spec.scheduling:
            response["scheduling"] = spec.scheduling
        try:
            await respond([response])
        except Exception as e:  # the session reports its own failures; don't crash the task
            log.warning("could not send the response of tool %s: %s", call.name, e)

    def cancel(self, ids: Iterable[str]) -> list[str]:
        """Cancel running calls by id (a ToolCallCancellation); returns the ids cancelled."""
        done = []
        for i in ids:
            task = self._tasks.pop(i, None)
            if task is not None and not task.done():
                task.cancel()
                done.append(i)
        return done

    def cancel_all(self) -> None:
        """Cancel every running call (session close)."""
        self.cancel(list(self._tasks))
