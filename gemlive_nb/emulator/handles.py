"""Resumption handles and the conversation each one restores.

One emulator keeps them in memory (the newest ``limit``); emulator worker processes sharing a
port keep them in a shared directory, so a client that reconnects to another worker still
resumes. Handles come from :mod:`secrets`, so one client cannot guess another's. Example::

    store = HandleStore()                      # or HandleStore(directory="/tmp/handles")
    handle = store.new({"history": []})        # 'emu-…' (256 random bits)
    store.get(handle)                          # {'history': []}
"""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

from .cache import BoundedCache

__all__ = ["HandleStore"]


class HandleStore:
    """Saved session states by handle: in memory, or as files in ``directory``."""

    def __init__(self, directory: str | None = None, limit: int = 4096) -> None:
        self.directory = directory
        self.limit = limit
        self._memory: BoundedCache[str, dict[str, Any]] = BoundedCache(limit, refresh=False)

    def new(self, state: dict[str, Any]) -> str:
        """Save ``state`` (JSON-safe) under a fresh, unguessable handle and return it."""
        handle = "emu-" + secrets.token_urlsafe(32)
        if self.directory is None:
            self._memory.put(handle, state)
            return handle
        path = os.path.join(self.directory, handle)
        # a state holds the whole transcript: only the owner may read it
        fd = os.open(path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(state, f)
        os.replace(path + ".tmp", path)
        return handle

    def get(self, handle: str) -> dict[str, Any] | None:
        """The state saved under ``handle``, or None (unknown, expired or malformed handle)."""
        if self.directory is None:
            return self._memory.get(handle)
        if (
            not handle.startswith("emu-")
            or not handle[4:].replace("-", "").replace("_", "").isalnum()
        ):
            return None
        try:
            with open(os.path.join(self.directory, handle), encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def __len__(self) -> int:
        if self.directory is None:
            return len(self._memory)
        return sum(1 for name in os.listdir(self.directory) if name.startswith("emu-"))
