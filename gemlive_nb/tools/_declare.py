"""Tool declarations from Python functions: name, description and parameter schema.

The declaration comes from the signature, the type hints and the docstring (Google or NumPy
style); see :func:`declare`.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..exceptions import ToolError
from ..protocol import SCHEDULING_VALUES, check_tool_name

_SCHEDULING = SCHEDULING_VALUES
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
    return check_tool_name(name)


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


def is_dataclass_like(tp: Any) -> bool:
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
    if is_dataclass_like(tp):
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
