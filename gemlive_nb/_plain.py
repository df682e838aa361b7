"""Plain-data helpers (a leaf module): SDK objects into dicts, any value into JSON-safe data.

The one home of "make this JSON-safe"; tool results, comparison records and recorded events
all go through :func:`json_safe`, each with the options it needs. Example::

    json_safe({"at": datetime.date(2025, 1, 2), "n": np.int16(3), "blob": b"\\x00"})
    # {'at': '2025-01-02', 'n': 3, 'blob': 'AA=='}
    json_safe(b"\\x00\\x01", bytes_as="size")          # {'bytes': 2}
    json_safe(float("nan"), non_finite="null")        # None
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as _dt
import enum
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal

__all__ = ["as_mapping", "file_slug", "json_safe"]

_MAX_DEPTH = 50


def as_mapping(value: Any) -> Any:
    """A plain dict for google-genai SDK objects (pydantic models); anything else unchanged."""
    dump = getattr(value, "model_dump", None)
    if callable(dump) and not isinstance(value, Mapping):
        return dump(exclude_none=True, mode="json")
    return value


def json_safe(
    value: Any,
    *,
    bytes_as: Literal["base64", "size"] = "base64",
    non_finite: Literal["str", "null"] = "str",
    other: Callable[[Any], Any] = str,
    _depth: int = 0,
) -> Any:
    """A JSON-serialisable copy of ``value``.

    Dataclasses and NamedTuples become dicts, Enums their values, tuples/sets lists, numpy
    scalars/arrays numbers/lists, datetimes ISO strings. Bytes become base64 text
    (``bytes_as="base64"``) or ``{"bytes": n}`` (``"size"``); NaN and infinities become their
    ``str`` (``non_finite="str"``) or None (``"null"``); anything else ``other(value)``.
    """
    if _depth > _MAX_DEPTH:
        return str(value)

    def again(v: Any) -> Any:
        return json_safe(
            v, bytes_as=bytes_as, non_finite=non_finite, other=other, _depth=_depth + 1
        )

    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if value == value and abs(value) != float("inf"):
            return value
        return None if non_finite == "null" else str(value)
    if isinstance(value, enum.Enum):
        return again(value.value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    elif isinstance(value, tuple) and hasattr(value, "_asdict"):
        value = value._asdict()
    if isinstance(value, Mapping):
        return {str(k): again(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [again(v) for v in value]
    if isinstance(value, (bytes, bytearray, memoryview)):
        if bytes_as == "size":
            return {"bytes": memoryview(value).nbytes}
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return again(value.tolist())
    return other(value)


def file_slug(text: str, empty: str = "entry") -> str:
    """``text`` as a safe file-name part (``'Puck / de-DE'`` -> ``'Puck_de-DE'``).

    Example: ``file_slug("voice=Kore")`` -> ``'voice_Kore'``
    """
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or empty
