"""What a recording's event log keeps: JSON-ready summaries of events, and the record= modes."""

from __future__ import annotations

import dataclasses
from typing import Any

from .. import protocol as p
from .._plain import json_safe
from ..exceptions import ConfigError

__all__ = ["RECORD_MODES", "check_record", "event_record"]

RECORD_MODES = (True, "transcript", False)
_FIELDS: dict[type, tuple[str, ...]] = {}  # the fields event_record reads, per event type
_PLAIN = (str, int, bool, type(None))  # json_safe gives these back as they are


def check_record(record: Any) -> bool | str:
    """Validate a ``record=`` option: True, "transcript" or False."""
    if not any(record is m or (isinstance(m, str) and record == m) for m in RECORD_MODES):
        raise ConfigError(
            f"record must be True (everything), 'transcript' (no audio samples) or False "
            f"(metrics only), not {record!r}"
        )
    return record


def event_record(event: Any) -> dict[str, Any]:
    """A JSON-ready summary of an event: its type and fields; bytes become their length.

    ``raw`` is kept only for :class:`~gemlive_nb.protocol.Unknown` (it is the whole event);
    ``extra`` (fields this version does not know) only when there are some::

        event_record(AudioChunk(b"\\0\\0" * 480))
        # {'type': 'AudioChunk', 'data': {'bytes': 960}, 'rate': 24000, 'mime_type': ...}
    """
    kind = type(event)
    names = _FIELDS.get(kind)
    if names is None:  # dataclasses.fields() costs more than the rest: once per type
        keep_raw = issubclass(kind, p.Unknown)
        names = tuple(f.name for f in dataclasses.fields(event) if f.name != "raw" or keep_raw)
        _FIELDS[kind] = names
    out: dict[str, Any] = {"type": kind.__name__}
    for name in names:
        value = getattr(event, name)
        if name == "extra" and not value:
            continue
        out[name] = value if type(value) in _PLAIN else json_safe(value, bytes_as="size")
    return out
