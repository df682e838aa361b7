"""The emulator's session records, in connection order, and waiting for them.

The server's thread opens and closes records; tests and notebooks wait for them from theirs
(``Emulator.sessions``, ``Emulator.wait_for_session``, ``Emulator.wait_closed``).
"""

from __future__ import annotations

import logging
import threading
import time

from .hub import SessionRecord
from .setup import SessionSetup

__all__ = ["SessionBook"]

log = logging.getLogger("gemlive_nb.emulator")


class SessionBook:
    """Every connection's :class:`~.hub.SessionRecord` (ids from 1), safe across threads.

    Example::

        book = SessionBook()
        record = book.open("/ws/...", {})
        book.close(record, "google", None)    # logs "session 1 google /ws/... no setup ..."
        book.wait_closed(1) is record    # True (at once: it has ended)
    """

    def __init__(self) -> None:
        self.records: list[SessionRecord] = []
        self._cond = threading.Condition()

    def open(self, path: str, headers: dict[str, str]) -> SessionRecord:
        """A new record for a connection that just arrived (waiters see it at once)."""
        with self._cond:
            record = SessionRecord(len(self.records) + 1, path, headers)
            self.records.append(record)
            self._cond.notify_all()
        return record

    def close(self, record: SessionRecord, kind: str, setup: SessionSetup | None) -> None:
        """The record's connection (of route ``kind``, with its accepted ``setup``) has ended.

        Its log line is written before a waiter in :meth:`wait_closed` wakes.
        """
        what = "no setup"
        if setup is not None:
            what = f"model={setup.model} voice={setup.voice} language={setup.language}"
        with self._cond:
            record.ended = time.monotonic()
            log.info(
                "session %d %s %s %s messages=%d turns=%d closed %s %s (%.1f s)",
                record.id,
                kind,
                record.path,
                what,
                len(record.messages),
                record.turns,
                record.close_code,
                record.close_reason,
                record.duration,
            )
            self._cond.notify_all()

    def wait_for(self, n: int = 1, timeout: float = 5.0) -> SessionRecord:
        """Block until ``n`` sessions have connected; return the n-th (1-based) record."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.records) >= n, timeout):
                raise TimeoutError(f"only {len(self.records)} of {n} sessions within {timeout}s")
            return self.records[n - 1]

    def wait_closed(self, n: int = 1, timeout: float = 5.0) -> SessionRecord:
        """Block until the n-th session (1-based) has ended; return its record."""
        record = self.wait_for(n, timeout)
        deadline = time.monotonic() + timeout
        with self._cond:
            if not self._cond.wait_for(
                lambda: record.ended is not None, deadline - time.monotonic()
            ):
                raise TimeoutError(f"session {n} still open after {timeout}s")
        return record
