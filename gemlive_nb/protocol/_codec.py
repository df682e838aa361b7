"""Key casing, base64 and JSON text of Live API frames, plus the typed field readers. No I/O."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from functools import lru_cache
from typing import Any

from ..exceptions import ProtocolError

_OPAQUE_KEYS = frozenset({"args", "response", "parametersJsonSchema", "responseJsonSchema"})
# Keys whose value maps user-chosen names to schemas: the names stay, the schemas are normalised.
_NAMED_SCHEMA_KEYS = frozenset({"properties"})


@lru_cache(maxsize=4096)
def to_camel(key: str) -> str:
    """Turn a snake_case field name into camelCase; other names come back unchanged.

    Leading underscores are kept. Example::

        to_camel("voice_config")   # 'voiceConfig'
        to_camel("voiceConfig")    # 'voiceConfig'
    """
    if "_" not in key:
        return key
    stripped = key.lstrip("_")
    lead = key[: len(key) - len(stripped)]
    head, *rest = stripped.split("_")
    return lead + head + "".join(w[:1].upper() + w[1:] for w in rest)


def _copy_data(obj: Any) -> Any:
    """A deep copy of JSON data with keys untouched."""
    if isinstance(obj, dict):
        return {k: _copy_data(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_copy_data(v) for v in obj]
    return obj


def normalize_keys(obj: Any) -> Any:
    """A copy of ``obj`` with snake_case keys turned camelCase at every depth.

    Free-form payloads are left as they are: the values of ``args``, ``response``,
    ``parametersJsonSchema`` and ``responseJsonSchema`` (either spelling), and the property names
    directly under a schema's ``properties`` (the schemas under them are still normalised)::

        normalize_keys({"tool_response": {"function_responses": [
            {"id": "1", "name": "f", "response": {"snake_key": 1}}]}})
        # {'toolResponse': {'functionResponses': [
        #     {'id': '1', 'name': 'f', 'response': {'snake_key': 1}}]}}
    """
    if isinstance(obj, dict):
        out: dict[Any, Any] = {}
        for key, value in obj.items():
            name = to_camel(key) if isinstance(key, str) else key
            if name in _OPAQUE_KEYS:
                out[name] = _copy_data(value)
            elif name in _NAMED_SCHEMA_KEYS and isinstance(value, dict):
                out[name] = {k: normalize_keys(v) for k, v in value.items()}
            else:
                out[name] = normalize_keys(value)
        return out
    if isinstance(obj, (list, tuple)):
        return [normalize_keys(v) for v in obj]
    return obj


_URLSAFE_TO_STD = str.maketrans("-_", "+/")


def decode_b64(data: str | bytes, field: str = "data") -> bytes:
    """Decode base64 in the standard or URL-safe alphabet, padded or not.

    ``field`` names the value in the error message. Example::

        decode_b64("AAECAw==") == decode_b64("AAECAw") == b"\\x00\\x01\\x02\\x03"
        decode_b64("_9j_4A")   # URL-safe, as the Python SDK sends
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        try:
            data = bytes(data).decode("ascii")
        except UnicodeDecodeError:
            raise ProtocolError(f"{field} is not base64: it contains non-ASCII bytes") from None
    if not isinstance(data, str):
        raise ProtocolError(f"{field} must be a base64 string, got {type(data).__name__}")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        pass
    text = "".join(data.split()).translate(_URLSAFE_TO_STD).rstrip("=")
    if len(text) % 4 == 1:
        raise ProtocolError(f"{field} is not base64: length {len(text)} is impossible")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError) as e:
        raise ProtocolError(f"{field} is not base64: {e} (value starts {data[:16]!r})") from None


def encode_b64(data: bytes | bytearray | memoryview) -> str:
    """Standard, padded base64 text, as the service sends bytes.

    Example::

        encode_b64(b"\\x00\\x01\\x02\\x03")   # 'AAECAw=='
    """
    return base64.b64encode(data).decode("ascii")


_ENCODER = json.JSONEncoder(separators=(",", ":"))


def dumps(message: dict[str, Any]) -> str:
    """Compact JSON text for one client frame.

    Example::

        dumps({"realtimeInput": {"text": "hi"}})   # '{"realtimeInput":{"text":"hi"}}'
    """
    return _ENCODER.encode(message)


# --- typed readers of server fields: each names the path of a bad value in its ProtocolError


def kind_of(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def as_object(value: Any, path: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ProtocolError(f"{path} must be an object, got {kind_of(value)}")
    return value


def as_list(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ProtocolError(f"{path} must be a list, got {kind_of(value)}")
    return value


def opt_str(value: Any, path: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ProtocolError(f"{path} must be a string, got {kind_of(value)}")
    return value


def as_flag(value: Any, path: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ProtocolError(f"{path} must be true or false, got {value!r:.40}")
    return value


def opt_flag(value: Any, path: str) -> bool | None:
    return None if value is None else as_flag(value, path)


INT64_MAX = 2**63 - 1


def as_count(value: Any, path: str) -> int | None:
    """A token count: int, integral float or decimal string (int64 in proto3 JSON)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ProtocolError(f"{path} must be a count, got {value!r}")
    integral_float = isinstance(value, float) and math.isfinite(value) and value.is_integer()
    decimal_text = isinstance(value, str) and value.strip().isdecimal() and len(value) < 20
    if integral_float or decimal_text:
        value = int(value)
    if not isinstance(value, int) or not 0 <= value <= INT64_MAX:
        raise ProtocolError(f"{path} must be a non-negative count, got {value!r:.40}")
    return value


_DURATION_RE = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*s?\s*")


def wire_seconds(value: Any, path: str) -> float | None:
    """Seconds from a proto Duration (``"9.5s"``, a number, ``{seconds, nanos}``) or None."""
    if value is None:
        return None
    if isinstance(value, dict):
        seconds = as_count(value.get("seconds", 0), f"{path}.seconds") or 0
        nanos = as_count(value.get("nanos", 0), f"{path}.nanos") or 0
        return seconds + nanos / 1e9
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 0 <= value <= INT64_MAX and math.isfinite(value):
            return float(value)
    elif isinstance(value, str):
        match = _DURATION_RE.fullmatch(value)
        if match:
            return float(match.group(1))
    raise ProtocolError(f"{path} must be a duration like '9.5s', got {value!r:.40}")
