"""Regenerate :mod:`.wire_schema` from the installed google-genai SDK's pydantic types.

The table is the SDK's own description of each client message (field names, nesting, enum values),
so strict mode refuses exactly what the SDK cannot express. Needs google-genai (a dev dependency);
the emulator itself only reads the generated table. Run::

    python -m gemlive_nb.emulator.schema_gen > gemlive_nb/emulator/wire_schema.py
"""

from __future__ import annotations

import enum
import pprint
import sys
import typing
from typing import Any

__all__ = ["build", "render"]

# The SDK's converters put this at setup level although LiveClientSetup does not declare it.
_SETUP_EXTRA = {"realtime_input_config": "RealtimeInputConfig"}
# Fields the SDK types loosely (a validator over a bare list) that are lists of Tool on the wire.
_LISTS_OF_TOOLS = {("LiveClientSetup", "tools"), ("LiveClientContextUpdateTools", "tools")}
_ROOTS = {
    "setup": "LiveClientSetup",
    "client_content": "LiveClientContent",
    "realtime_input": "LiveClientRealtimeInput",
    "tool_response": "LiveClientToolResponse",
    "context_update": "LiveClientContextUpdate",
}


def _spec(annotation: Any, models: dict[str, Any], enums: dict[str, Any], todo: list) -> str:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if (
        origin is typing.Union
    ):  # on the wire, a Union of a message and SDK conveniences is the message
        messages = [a for a in args if isinstance(a, type) and hasattr(a, "model_fields")]
        if len(args) == 1 or messages:
            return _spec(messages[0] if messages else args[0], models, enums, todo)
        return "any"
    if origin is list:
        return "[" + _spec(args[0], models, enums, todo) + "]"
    if origin is dict:
        return "{" + _spec(args[1], models, enums, todo) + "}"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        enums[annotation.__name__] = tuple(m.value for m in annotation)
        return "enum:" + annotation.__name__
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        if annotation.__name__ not in models:
            models[annotation.__name__] = None
            todo.append(annotation)
        return annotation.__name__
    names = {str: "str", int: "int", float: "float", bool: "bool", bytes: "bytes"}
    return names.get(annotation, "any")


def build() -> tuple[dict[str, dict[str, tuple[str, str]]], dict[str, tuple[str, ...]]]:
    """(models, enums): model -> {wire name: (proto name, type spec)}, enum -> values."""
    from google.genai import types

    models: dict[str, Any] = {}
    enums: dict[str, Any] = {}
    todo: list[Any] = []
    for name in (*_ROOTS.values(), *_SETUP_EXTRA.values()):
        _spec(getattr(types, name), models, enums, todo)
    while todo:
        model = todo.pop()
        fields: dict[str, tuple[str, str]] = {}
        for snake, info in model.model_fields.items():
            annotation = info.annotation
            if (model.__name__, snake) in _LISTS_OF_TOOLS:
                annotation = list[types.Tool]
            fields[info.alias or snake] = (snake, _spec(annotation, models, enums, todo))
        models[model.__name__] = fields
    for snake, model_name in _SETUP_EXTRA.items():
        camel = snake.split("_")[0] + "".join(w.title() for w in snake.split("_")[1:])
        models["LiveClientSetup"][camel] = (snake, model_name)
    return {k: models[k] for k in sorted(models)}, {k: enums[k] for k in sorted(enums)}


def render() -> str:
    """The source of :mod:`.wire_schema`."""
    from google.genai import __version__

    models, enums = build()
    return (
        "# ruff: noqa: E501\n"
        '"""Client message schema of the Live API, generated from google-genai '
        f"{__version__}'s types.\n\n"
        "Do not edit: regenerate with ``python -m gemlive_nb.emulator.schema_gen``.\n"
        "``MODELS`` maps a message type to its fields: wire (camelCase) name -> (proto name,\n"
        "type), where a type is a message name, ``[T]`` (list), ``{T}`` (map), ``enum:Name``,\n"
        "a scalar or ``any``.\n"
        '"""\n\n'
        "# fmt: off\n"
        f"ROOTS = {_ROOTS!r}\n\n"
        f"MODELS = {pprint.pformat(models, width=100, sort_dicts=True)}\n\n"
        f"ENUMS = {pprint.pformat(enums, width=100, sort_dicts=True)}\n"
    )


if __name__ == "__main__":
    sys.stdout.write(render())
