"""Checks of tool dicts given to LiveConfig: function declarations and built-in tools."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._plain import as_mapping as _as_mapping
from ..catalog import unknown_name_error as _unknown
from ..exceptions import ConfigError
from ..protocol import check_tool_name, normalize_keys

BEHAVIORS = ("BLOCKING", "NON_BLOCKING")
TOOL_KINDS = (
    "functionDeclarations", "googleSearch", "codeExecution", "urlContext",
    "googleMaps", "fileSearch", "computerUse", "googleSearchRetrieval",
)  # fmt: skip
DECLARATION_KEYS = (
    "name", "description", "parameters", "parametersJsonSchema",
    "response", "responseJsonSchema", "behavior",
)  # fmt: skip


def wire_declaration(raw: Any) -> dict[str, Any]:
    """A validated function declaration in camelCase (schemas and property names untouched)."""
    raw = _as_mapping(raw)
    if not isinstance(raw, Mapping):
        raise ConfigError(f"a function declaration must be a dict, not {raw!r}")
    decl = normalize_keys(dict(raw))
    name = check_tool_name(decl.get("name"))
    for key in decl:
        if key not in DECLARATION_KEYS:
            raise _unknown(
                f"field in tool {name!r}:",
                key,
                list(DECLARATION_KEYS),
                f"Known fields: {', '.join(DECLARATION_KEYS)}.",
            )
    if "description" in decl and not isinstance(decl["description"], str):
        raise ConfigError(f"tool {name!r}: description must be a str, not {decl['description']!r}")
    if "parameters" in decl and "parametersJsonSchema" in decl:
        raise ConfigError(f"tool {name!r}: give parameters or parameters_json_schema, not both")
    for key in ("parameters", "parametersJsonSchema"):
        schema = decl.get(key)
        if key in decl and not (
            isinstance(schema, Mapping) and str(schema.get("type", "")).lower() == "object"
        ):
            raise ConfigError(
                f"tool {name!r}: {key} must be an object schema such as "
                f"{{'type': 'object', 'properties': {{...}}}}, not {schema!r}"
            )
    if "behavior" in decl:
        behavior = str(decl["behavior"]).upper()
        if behavior not in BEHAVIORS:
            raise _unknown(
                f"behavior of tool {name!r}:",
                decl["behavior"],
                list(BEHAVIORS),
                "Use 'BLOCKING' or 'NON_BLOCKING'.",
            )
        decl["behavior"] = behavior
    return decl


def normalize_tools(tools: Any) -> tuple[tuple[Any, ...], bool]:
    """(callables, declarations and tool dicts, whether a plain googleSearch tool was given)."""
    if tools is None:
        return (), False
    tools = _as_mapping(tools)
    if isinstance(tools, Mapping) or callable(tools) or isinstance(tools, str):
        tools = [tools]
    if not isinstance(tools, (list, tuple, set, frozenset)):
        raise ConfigError(
            f"tools must be a list of functions or declaration dicts, not {tools!r:.60}"
        )
    items: list[Any] = []
    search = False
    for item in tools:
        item = _as_mapping(item)
        if callable(item):
            items.append(item)
        elif isinstance(item, Mapping):
            if "name" in item:
                items.append(wire_declaration(item))
                continue
            for kind, body in normalize_keys(dict(item)).items():
                if kind == "functionDeclarations":
                    if not isinstance(body or [], (list, tuple)):
                        raise ConfigError(
                            f"functionDeclarations must be a list of dicts, not {body!r:.40}"
                        )
                    items.extend(wire_declaration(d) for d in body or [])
                elif kind == "googleSearch" and not body:
                    search = True
                elif kind in TOOL_KINDS:
                    items.append({kind: body or {}})
                else:
                    raise _unknown(
                        "tool", kind, list(TOOL_KINDS),
                        "A tool is a function, a declaration dict with a 'name', "
                        "or a dict such as {'googleSearch': {}}.",
                    )  # fmt: skip
        elif isinstance(item, str):
            raise ConfigError(
                f"tool {item!r} is a name — pass the function itself, a declaration dict "
                "or {'googleSearch': {}} (or google_search=True)"
            )
        else:
            raise ConfigError(f"tool {item!r} is neither callable nor a dict")
    names = [t["name"] for t in items if isinstance(t, dict) and "name" in t]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"tool {dupes[0]!r} is declared twice — give each tool a unique name")
    # Built-in tools first, declarations after, the order they take on the wire.
    builtin = [t for t in items if isinstance(t, dict) and "name" not in t]
    functions = [t for t in items if callable(t) or "name" in t]
    return (*builtin, *functions), search


def tool_label(tool: Any) -> str:
    if callable(tool):
        return getattr(tool, "__name__", repr(tool))
    if "name" in tool:
        return tool["name"]
    return next(iter(tool))
