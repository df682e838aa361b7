"""Audio chunks waiting for the energy VAD, run together once per event-loop tick.

At 20 ms chunks a detector call is mostly fixed numpy overhead; many sessions' chunks run in one
:func:`~.vad.feed_many` pass instead. A connection flushes the batch before any other message of
its own, so its VAD state is current whenever anything else reads it. Not a public API.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

import numpy as np

from .vad import EnergyVad, VadEvent, feed_many

__all__ = ["VadBatch"]

log = logging.getLogger("gemlive_nb.emulator")


class VadListener(Protocol):
    """What receives the events of a batched chunk (the connection's audio input)."""

    def after_vad(self, events: list[VadEvent], fed: int) -> None: ...


class VadBatch:
    """Audio chunks pushed during one tick of the event loop, for one batched VAD pass.

    :meth:`flush` runs them, soon after the first push or earlier when a connection needs its
    VAD state.
    """

    def __init__(self) -> None:
        self._items: list[tuple[VadListener, EnergyVad, np.ndarray, int]] = []

    def push(self, listener: VadListener, vad: EnergyVad, samples: np.ndarray, fed: int) -> None:
        """Queue ``samples`` for ``vad``; ``fed`` counts the listener's samples up to their end."""
        if not self._items:
            asyncio.get_running_loop().call_soon(self.flush)
        self._items.append((listener, vad, samples, fed))

    def flush(self) -> None:
        """Run the VAD over every queued chunk at once and hand each listener its events."""
        items, self._items = self._items, []
        if not items:
            return
        results = feed_many([(vad, samples) for _, vad, samples, _ in items])
        for (listener, _, _, fed), events in zip(items, results, strict=True):
            try:
                listener.after_vad(events, fed)
            except Exception:  # one session's failure must not hold up the others
                log.exception("emulator audio input failed")
