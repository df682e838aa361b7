"""The event log's audio entries: chunks summarised, not logged one by one.

Audio comes in ~50 chunks a second; the event log keeps at most one entry per direction per
second (``{"t", "dir", "type", "samples", "chunks", ...fields}``), and a new one whenever a
field (the rate) changes. Example::

    log = AudioLog()
    entry = log.add("recv", "AudioChunk", t=0.0, samples=480, rate=24000)   # a new entry
    log.add("recv", "AudioChunk", t=0.02, samples=480, rate=24000)          # None: counted in it
"""

from __future__ import annotations

from typing import Any

__all__ = ["AudioLog"]

# Audio log entries cover at most this many seconds each (one entry per chunk is ~50/s).
AUDIO_LOG_S = 1.0


class AudioLog:
    """The current summary entry per direction."""

    def __init__(self, span_s: float = AUDIO_LOG_S) -> None:
        self.span_s = span_s
        self._current: dict[str, dict[str, Any]] = {}  # direction -> current summary entry

    def add(
        self, direction: str, kind: str, t: float, samples: int, **fields: Any
    ) -> dict[str, Any] | None:
        """Count a chunk; returns the new entry to log when it starts one, else None."""
        entry = self._current.get(direction)
        if (
            entry is not None
            and t - entry["t"] < self.span_s
            and all(entry.get(k) == v for k, v in fields.items())
        ):
            entry["samples"] += samples
            entry["chunks"] += 1
            return None
        entry = {"t": t, "dir": direction, "type": kind, "samples": samples, "chunks": 1, **fields}
        self._current[direction] = entry
        return entry
