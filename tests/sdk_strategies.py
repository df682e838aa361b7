"""Hypothesis strategies built from the google-genai SDK's pydantic models, recursively.

``sdk_values(types.LiveConnectConfig)`` draws instances with a few optional fields set at every
depth (nested models, lists, dicts, enums), down to a bounded depth. Field names listed in
``overrides`` draw from the given strategy instead (plausible voice names, language codes …),
so the values reach the code under test instead of failing its first check. ``sdk_setup`` is
the setup body the SDK's own converters build for a config, ``set_keys`` every field name set
in a value. Example::

    @given(sdk_values(types.LiveServerMessage, depth=4))
    def test_parses(message): ...
"""

from __future__ import annotations

import datetime
import enum
import types as pytypes
import typing
from collections.abc import Mapping
from typing import Any

import pydantic
from hypothesis import strategies as st

Overrides = Mapping[str, st.SearchStrategy[Any]]

_WORDS = st.text(alphabet="abcxyz-", min_size=1, max_size=6)
_JSON_LEAF = st.one_of(st.booleans(), st.integers(-5, 5), _WORDS)
_JSON = st.recursive(
    _JSON_LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=2), st.dictionaries(_WORDS, inner, max_size=2)
    ),
    max_leaves=4,
)


def _scalar(annotation: Any) -> st.SearchStrategy[Any] | None:
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return st.integers(0, 3000)
    if annotation is float:
        return st.floats(0, 1, allow_nan=False).map(lambda x: round(x, 2))
    if annotation is str:
        return _WORDS
    if annotation is bytes:
        return st.binary(min_size=1, max_size=6)
    if annotation is datetime.datetime:
        return st.datetimes(
            min_value=datetime.datetime(2026, 1, 1), max_value=datetime.datetime(2027, 1, 1)
        ).map(lambda d: d.replace(tzinfo=datetime.timezone.utc, microsecond=0))
    if annotation is Any or annotation is object:
        return _JSON
    return None


def strategy_for(
    annotation: Any, depth: int, overrides: Overrides
) -> st.SearchStrategy[Any] | None:
    """A strategy for one field annotation (Optional, unions, lists, dicts, models, enums).

    None for a type no wire message carries (a callable, a PIL image …).
    """
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, pytypes.UnionType):
        found = [strategy_for(a, depth, overrides) for a in args if a is not type(None)]
        options = [s for s in found if s is not None]
        return st.one_of(*options) if options else None
    if origin in (list, typing.List):  # noqa: UP006
        item = strategy_for(args[0], depth, overrides)
        return None if item is None else st.lists(item, min_size=1, max_size=2)
    if origin in (dict, typing.Dict):  # noqa: UP006
        item = strategy_for(args[1], depth, overrides)
        return None if item is None else st.dictionaries(_WORDS, item, max_size=2)
    if origin is typing.Literal:
        return st.sampled_from(args)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return st.sampled_from(list(annotation))
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return sdk_values(annotation, depth - 1, overrides)
    return _scalar(annotation)


# (model, depth, id(overrides)) -> (overrides, strategy); holding the overrides keeps the id
# from being reused by another dict while the entry lives.
_CACHE: dict[tuple[type, int, int], tuple[Overrides, st.SearchStrategy[Any]]] = {}


def sdk_values(
    model: type[pydantic.BaseModel], depth: int = 3, overrides: Overrides | None = None
) -> st.SearchStrategy[Any]:
    """Instances of ``model`` with some optional fields set, nesting at most ``depth`` models."""
    overrides = overrides or {}
    key = (model, depth, id(overrides))
    if key in _CACHE:
        return _CACHE[key][1]
    if depth <= 0:
        return st.just(model())

    def build() -> st.SearchStrategy[Any]:
        hints = typing.get_type_hints(model)
        optional: dict[str, st.SearchStrategy[Any]] = {}
        for name in model.model_fields:
            found = (
                overrides[name]
                if name in overrides
                else strategy_for(hints[name], depth, overrides)
            )
            if found is not None:
                optional[name] = found
        return st.fixed_dictionaries({}, optional=optional).map(lambda kw: model(**kw))

    strategy = st.deferred(build)
    _CACHE[key] = (overrides, strategy)
    return strategy


def set_keys(value: Any) -> set[str]:
    """Every field name set anywhere in an SDK object or dump (snake_case and camelCase)."""
    if isinstance(value, pydantic.BaseModel):
        value = value.model_dump(exclude_none=True)
    keys: set[str] = set()
    if isinstance(value, Mapping):
        for key, item in value.items():
            keys.add(str(key))
            head, *rest = str(key).split("_")
            keys.add(head + "".join(w.title() for w in rest))
            keys |= set_keys(item)
    elif isinstance(value, list):
        for item in value:
            keys |= set_keys(item)
    return keys


class _Client:
    def __init__(self, vertex: bool) -> None:
        self.vertexai = vertex


def sdk_setup(config: Any, model: str, vertex: bool) -> dict[str, Any]:
    """The setup body (camelCase keys, no model) exactly as google-genai's live.py builds it."""
    import json

    from google.genai import _common, types
    from google.genai import _live_converters as conv

    from gemlive_nb.protocol import normalize_keys

    params = types.LiveConnectParameters(model=model, config=config).model_dump(exclude_none=True)
    to_wire = (
        conv._LiveConnectParameters_to_vertex if vertex else conv._LiveConnectParameters_to_mldev
    )
    request = _common.convert_to_dict(to_wire(api_client=_Client(vertex), from_object=params))
    del request["config"]
    request = _common.encode_unserializable_types(request)
    body = json.loads(json.dumps(request))["setup"]
    body.pop("model", None)
    return dict(normalize_keys(body))
