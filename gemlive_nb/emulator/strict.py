"""Strict parsing of client messages, as the service's JSON-to-proto parser does it.

Every key must be a field of its message (camelCase or the proto's snake_case), enum values are
spelled exactly (``"AUDIO"``, not ``"audio"``), and values have their field's type; anything
else closes the connection with 1007 and the parser's wording. The field table is generated from
the google-genai SDK's types (:mod:`.wire_schema`). Example::

    check_message({"setup": {"model": "models/x", "foo": 1}})
    # Rejected: 1007 Invalid JSON payload received. Unknown name "foo" at 'setup': Cannot find
    # field.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from .setup import INVALID, Rejected
from .wire_schema import ENUMS, MODELS, ROOTS

__all__ = ["LIVE_REFUSED", "check_message"]

# Fields the SDK's GenerationConfig has but a Live setup may not use (PROTOCOL.md §2).
_REFUSED_GENERATION = (
    "responseMimeType responseSchema responseJsonSchema stopSequences responseLogprobs logprobs "
    "candidateCount responseFormat"
)
LIVE_REFUSED = {"GenerationConfig": frozenset(_REFUSED_GENERATION.split())}
_SCALARS = {
    "str": ("TYPE_STRING", (str,)),
    "bytes": ("TYPE_BYTES", (str,)),
    "bool": ("TYPE_BOOL", (bool,)),
    "int": ("TYPE_INT64", (int, str)),
    "float": ("TYPE_DOUBLE", (int, float, str)),
}


@cache
def _fields(model: str) -> dict[str, tuple[str, str, str]]:
    """Field lookup by either spelling: name -> (camel, proto name, type)."""
    out: dict[str, tuple[str, str, str]] = {}
    for camel, (snake, spec) in MODELS[model].items():
        out[camel] = out[snake] = (camel, snake, spec)
    return out


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)[:40]


def _fit(before: str, path: str, after: str) -> str:
    """``before + path + after``, eliding the path's first segments to fit a close frame."""
    parts = path.split(".")
    text = before + path + after
    while len(text.encode()) > 122 and len(parts) > 1:
        parts.pop(0)
        text = before + "…." + ".".join(parts) + after
    return text


def _bad_value(path: str, kind: str, value: Any) -> Rejected:
    return Rejected(1007, _fit("Invalid value at '", path, f"' ({kind}), {_shown(value)}"))


def _check(value: Any, spec: str, path: str) -> None:
    if spec == "any":
        return
    if spec.startswith("["):
        if not isinstance(value, list):
            raise _bad_value(path, spec[1:-1], value)
        for i, item in enumerate(value):
            _check(item, spec[1:-1], f"{path}[{i}]")
        return
    if spec.startswith("{"):
        if not isinstance(value, dict):
            raise _bad_value(path, "map", value)
        for key, item in value.items():
            _check(item, spec[1:-1], f"{path}[{key}]")
        return
    if spec.startswith("enum:"):
        name = spec[5:]
        if isinstance(value, bool) or not (
            value in ENUMS[name] or (isinstance(value, int) and 0 <= value < len(ENUMS[name]))
        ):
            raise _bad_value(path, name, value)
        return
    if spec in _SCALARS:
        kind, types = _SCALARS[spec]
        ok = isinstance(value, types) and not (isinstance(value, bool) and spec != "bool")
        if ok and spec in ("int", "float") and isinstance(value, str):
            ok = _numeric(value, spec)
        if not ok:
            raise _bad_value(path, kind, value)
        return
    _check_object(value, spec, path)


def _numeric(text: str, spec: str) -> bool:
    try:
        int(text) if spec == "int" else float(text)
    except ValueError:
        return False
    return True


def _check_object(value: Any, model: str, path: str) -> None:
    if not isinstance(value, dict):
        raise _bad_value(path, model, value)
    fields = _fields(model)
    refused = LIVE_REFUSED.get(model, frozenset())
    for key, item in value.items():
        found = fields.get(key)
        if found is None:
            before = f'Invalid JSON payload received. Unknown name "{key}" at \''
            raise Rejected(1007, _fit(before, path, "': Cannot find field."))
        camel, snake, spec = found
        if camel in refused:
            raise Rejected(1007, f"{INVALID} {path}.{snake} is not supported in the Live API")
        if item is not None:
            _check(item, spec, f"{path}.{snake}")


_ROOT_SPECS = {
    **{snake: (snake, model) for snake, model in ROOTS.items()},
    **{
        snake.split("_")[0] + "".join(w.title() for w in snake.split("_")[1:]): (snake, model)
        for snake, model in ROOTS.items()
    },
}


def check_message(obj: dict[str, Any]) -> None:
    """Raise :class:`Rejected` (1007) unless every field of ``obj`` parses as the service would.

    ``obj`` is one decoded client message with its top-level key (either spelling).
    """
    for key, body in obj.items():
        root = _ROOT_SPECS.get(key)
        if root is None:
            raise Rejected(
                1007, f'Invalid JSON payload received. Unknown name "{key}": Cannot find field.'
            )
        snake, model = root
        _check_object(body, model, snake)
