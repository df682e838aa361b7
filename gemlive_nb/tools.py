"""Python functions as Live API tools: declarations from signatures, and automatic dispatch.

A tool is any Python callable, sync or async. Its declaration (name, description, parameter
schema) comes from the signature, the type hints and the docstring (Google or NumPy style)::

    def get_weather(city: str, unit: Literal["C", "F"] = "C") -> dict:
        '''Current weather for a city.

        Args:
            city: The city name, e.g. "Paris".
            unit: Temperature unit.
        '''
        return {"city": city, "temp": 21}

    declare(get_weather)
    # {'name': 'get_weather', 'description': 'Current weather for a city.',
    #  'parameters': {'type': 'OBJECT', 'properties': {...}, 'required': ['city']}}

:class:`ToolRegistry` answers the server's ``toolCall`` messages: sync functions run in a thread
executor (the event loop is never blocked), async ones as tasks; a ``toolCallCancellation``
cancels the task; an exception, an unknown name or a call still running after ``timeout``
(30 s by default) becomes an error response, so the model is never left waiting. Mark a
function with :func:`tool` to set ``non_blocking`` (the model keeps talking while it runs) or the
response ``scheduling``.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime as _dt
import enum
import inspect
import logging
import re
import types
import typing
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .exceptions import ToolError

__all__ = ["DEFAULT_TOOL_TIMEOUT", "ToolRegistry", "ToolSpec", "declare", "json_safe", "tool"]

log = logging.getLogger(__name__)

_SCHEDULING = ("SILENT", "WHEN_IDLE", "INTERRUPT")
# A tool that has not answered after this long gets an error response, so the model (which
# waits for every BLOCKING call) is never left waiting; LiveSession(tool_timeout=...) changes it.
DEFAULT_TOOL_TIMEOUT = 30.0
_ATTR = "__gemlive_tool__"


@dataclass(frozen=True)
class ToolSpec:
    """How a function is offered to the model (set with :func:`tool`)."""

    name: str | None = None
    description: str | None = None
    non_blocking: bool = False
    scheduling: str | None = None


def tool(
    fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    non_blocking: bool = False,
    scheduling: str | None = None,
) -> Any:
    """Mark a function as a tool, optionally renaming it or making it NON_BLOCKING.

    ``scheduling`` ('SILENT' | 'WHEN_IDLE' | 'INTERRUPT') says how the model treats the result
    of a non-blocking call. Works bare or with arguments::

        @gl.tool(non_blocking=True, scheduling="WHEN_IDLE")
        async def book_table(restaurant: str, people: int) -> dict: ...
    """
    if scheduling is not None:
        scheduling = str(scheduling).upper()
        if scheduling not in _SCHEDULING:
            raise ToolError(
                f"scheduling {scheduling!r} is not valid — use one of {', '.join(_SCHEDULING)}"
            )
    spec = ToolSpec(name, description, non_blocking, scheduling)

    def mark(f: Callable[..., Any]) -> Callable[..., Any]:
        if not callable(f):
            raise ToolError(f"@tool needs a function, got {type(f).__name__} ({f!r})")
        setattr(f, _ATTR, spec)
        return f

    return mark(fn) if fn is not None else mark


def spec_of(fn: Callable[..., Any]) -> ToolSpec:
    """The :class:`ToolSpec` of a function (defaults when it was never marked)."""
    return getattr(fn, _ATTR, None) or ToolSpec()


def tool_name(fn: Callable[..., Any]) -> str:
    """The name the model sees for ``fn``."""
    name = spec_of(fn).name or getattr(fn, "__name__", None) or type(fn).__name__
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.:-]{0,63}", name):
        raise ToolError(
            f"tool name {name!r} is not valid — use letters, digits, '_', '.', ':' or '-' "
            "(at most 64, starting with a letter or '_'); rename it with @gl.tool(name=...)"
        )
    return name


# --- docstrings -------------------------------------------------------------------------------

_SECTION = re.compile(
    r"^\s*(Args|Arguments|Parameters|Params|Returns?|Yields?|Raises|Examples?|Notes?|"
    r"See Also|Attributes|Keyword Args)\s*:?\s*$",
    re.IGNORECASE,
)
_GOOGLE_PARAM = re.compile(r"^\s*\*{0,2}(\w+)\s*(?:\(([^)]*)\))?\s*:\s*(.*)$")
_NUMPY_PARAM = re.compile(r"^\s*(\w+)\s*(?::\s*(.*))?$")


def parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """Split a docstring into its description and per-parameter descriptions.

    Understands Google style (``Args:`` with ``name (type): text``) and NumPy style
    (``Parameters`` underlined, ``name : type`` then indented text)::

        parse_docstring('''Add.

        Args:
            a: first
        ''')   # ('Add.', {'a': 'first'})
    """
    if not doc:
        return "", {}
    lines = inspect.cleandoc(doc).splitlines()
    description: list[str] = []
    params: dict[str, str] = {}
    section: str | None = None
    current: str | None = None
    numpy = False
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _SECTION.match(line)
        underline = i + 1 < len(lines) and re.fullmatch(r"\s*-{3,}\s*", lines[i + 1] or "")
        if m and (line.rstrip().endswith(":") or underline):
            section = m.group(1).lower()
            numpy = bool(underline)
            current = None
            i += 2 if underline else 1
            continue
        if section is None:
            description.append(line)
        elif section in ("args", "arguments", "parameters", "params", "keyword args"):
            indent = len(line) - len(line.lstrip())
            gm = None if numpy else _GOOGLE_PARAM.match(line)
            nm = _NUMPY_PARAM.match(line) if numpy and indent == 0 else None
            if line.strip() and gm and (current is None or indent <= _indent_of(lines, current)):
                current = gm.group(1)
                params[current] = gm.group(3).strip()
            elif line.strip() and nm:
                current = nm.group(1)
                params[current] = ""
            elif current and line.strip():
                params[current] = (params[current] + " " + line.strip()).strip()
        i += 1
    return "\n".join(description).strip(), params


def _indent_of(lines: list[str], name: str) -> int:
    for line in lines:
        if re.match(rf"^\s*\*{{0,2}}{re.escape(name)}\b", line):
            return len(line) - len(line.lstrip())
    return 0


# --- type hints -> OpenAPI schema (the Live API's Schema subset) ------------------------------

_SCALARS: dict[Any, str] = {str: "STRING", int: "INTEGER", float: "NUMBER", bool: "BOOLEAN"}


def _is_dataclass_like(tp: Any) -> bool:
    return inspect.isclass(tp) and (
        dataclasses.is_dataclass(tp) or (issubclass(tp, tuple) and hasattr(tp, "_fields"))
    )


def schema_for(tp: Any, where: str = "parameter") -> dict[str, Any]:
    """The OpenAPI schema (uppercase types, as the SDK sends) for one type hint.

    Supports str/int/float/bool, list[...]/tuple[...]/set[...], dict, Literal, Enum, Optional /
    ``X | None``, dataclasses, NamedTuples and TypedDicts; ``Any`` or no hint means STRING-free
    form (no type). ``where`` names the parameter in error messages.
    """
    if tp is inspect.Parameter.empty or tp is Any:
        return {}
    if tp in _SCALARS:
        return {"type": _SCALARS[tp]}
    if tp is type(None):
        return {"nullable": True}
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return schema_for(args[0], where)
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return {**schema_for(rest[0], where), "nullable": True}
        if all(a in _SCALARS for a in rest):
            return {"anyOf": [schema_for(a, where) for a in rest]}
        raise ToolError(
            f"{where}: union {tp} is not supported — use one type, or Optional[T] for T | None"
        )
    if origin is typing.Literal:
        values = list(args)
        kinds = {type(v) for v in values}
        if kinds <= {str}:
            return {"type": "STRING", "enum": values}
        if len(kinds) == 1 and next(iter(kinds)) in _SCALARS:
            return {"type": _SCALARS[next(iter(kinds))], "enum": [str(v) for v in values]}
        raise ToolError(f"{where}: Literal{list(values)} mixes types — use one type of value")
    if inspect.isclass(tp) and issubclass(tp, enum.Enum):
        return {"type": "STRING", "enum": [str(m.value) for m in tp]}
    if tp in (list, tuple, set, frozenset) or origin in (list, tuple, set, frozenset):
        out: dict[str, Any] = {"type": "ARRAY"}
        # tuple[int, ...] and tuple[int, int] have one item type; tuple[int, str] has none
        item = args[0] if args and len({a for a in args if a is not Ellipsis}) == 1 else None
        if item is not None:
            out["items"] = schema_for(item, where)
        return out
    if tp is dict or origin in (dict, Mapping) or tp is Mapping:
        return {"type": "OBJECT"}
    if inspect.isclass(tp) and typing.is_typeddict(tp):
        hints = typing.get_type_hints(tp)
        return {
            "type": "OBJECT",
            "properties": {k: schema_for(v, f"{where}.{k}") for k, v in hints.items()},
            "required": sorted(getattr(tp, "__required_keys__", hints)),
        }
    if _is_dataclass_like(tp):
        hints = typing.get_type_hints(tp)
        props = {k: schema_for(v, f"{where}.{k}") for k, v in hints.items()}
        if dataclasses.is_dataclass(tp):
            required = [
                f.name
                for f in dataclasses.fields(tp)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            ]
        else:
            required = [k for k in tp._fields if k not in tp._field_defaults]
        return {"type": "OBJECT", "properties": props, "required": required}
    raise ToolError(
        f"{where}: type {tp!r} has no Live API schema — use str, int, float, bool, list, dict, "
        "Literal, an Enum or a dataclass, or pass a declaration dict instead of the function"
    )


def declare(fn: Callable[..., Any]) -> dict[str, Any]:
    """The ``functionDeclarations`` entry for a Python callable.

    This is the ``declare_callable`` hook :meth:`LiveConfig.to_setup` uses. Example::

        def add(a: int, b: int = 1) -> int:
            '''Add two numbers.

            Args:
                a: The first number.
            '''
        declare(add)["parameters"]["properties"]["a"]
        # {'type': 'INTEGER', 'description': 'The first number.'}
    """
    if not callable(fn):
        raise ToolError(f"a tool must be a function, got {type(fn).__name__} ({fn!r})")
    spec = spec_of(fn)
    name = tool_name(fn)
    description, param_docs = parse_docstring(inspect.getdoc(fn))
    try:
        sig = inspect.signature(fn)
        hints = typing.get_type_hints(fn, include_extras=True)
    except (TypeError, ValueError, NameError) as e:
        raise ToolError(f"cannot read the signature of tool {name!r}: {e}") from e
    properties: dict[str, Any] = {}
    required: list[str] = []
    for pname, param in sig.parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        where = f"tool {name!r} parameter {pname!r}"
        schema = schema_for(hints.get(pname, param.annotation), where)
        if param_docs.get(pname):
            schema["description"] = param_docs[pname]
        if param.default is param.empty:
            required.append(pname)
        properties[pname] = schema
    decl: dict[str, Any] = {"name": name, "description": spec.description or description or name}
    if properties:
        decl["parameters"] = {"type": "OBJECT", "properties": properties}
        if required:
            decl["parameters"]["required"] = required
    if spec.non_blocking:
        decl["behavior"] = "NON_BLOCKING"
    return decl


# --- results -> JSON-safe ---------------------------------------------------------------------


def json_safe(value: Any, _depth: int = 0) -> Any:
    """A JSON-serialisable copy of a tool result.

    Dataclasses and NamedTuples become dicts, Enums their values, tuples/sets lists, numpy
    scalars/arrays numbers/lists, datetimes ISO strings, bytes base64; anything else ``str()``.
    """
    if _depth > 50:
        return str(value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, enum.Enum):
        return json_safe(value.value, _depth + 1)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    elif isinstance(value, tuple) and hasattr(value, "_asdict"):
        value = value._asdict()
    if isinstance(value, Mapping):
        return {str(k): json_safe(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_safe(v, _depth + 1) for v in value]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return json_safe(value.tolist(), _depth + 1)
    return str(value)


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
        if isinstance(value, dict) and _is_dataclass_like(tp):
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
        """Run one function call and return its response body (errors included, never raises
        except for cancellation)."""
        fn = self._functions.get(call.name)
        if fn is None:
            known = ", ".join(self.names) or "none"
            return {
                "error": f"ToolError: unknown tool {call.name!r} — the known tools are: {known}"
            }
        try:
            kwargs = self._arguments(fn, call.args or {})
            result = await asyncio.wait_for(self._invoke(fn, kwargs), self.timeout)
            return wrap_result(result)
        except asyncio.CancelledError:
            raise
        except asyncio.TimeoutError:
            log.warning("tool %s did not finish within %g s", call.name, self.timeout)
            return {
                "error": f"ToolError: {call.name} did not finish within {self.timeout:g} s "
                "(the session's tool_timeout); it was cancelled"
            }
        except Exception as e:
            log.info("tool %s raised %s: %s", call.name, type(e).__name__, e)
            return error_result(e)

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
        started = []
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
            body = await self.call(call)
        except asyncio.CancelledError:
            log.info("tool call %s (%s) cancelled", call.id, call.name)
            return
        finally:
            self._tasks.pop(key, None)
        response: dict[str, Any] = {"id": call.id, "name": call.name, "response": body}
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
