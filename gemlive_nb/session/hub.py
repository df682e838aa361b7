"""The session's listeners: an event buffer for ``async for`` and the subscribed callbacks.

Example::

    hub = EventHub(maxlen=4096)
    stop = hub.subscribe(print)
    hub.emit(event)           # buffered for ``await hub.next(...)`` and given to ``print``
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from ..exceptions import ConfigError

__all__ = ["EventHub"]

log = logging.getLogger("gemlive_nb.session")


class EventHub:
    """Events in order, to the buffer (oldest dropped past ``maxlen``) and every subscriber."""

    def __init__(self, maxlen: int) -> None:
        self._events: deque[Any] = deque(maxlen=maxlen)
        self._ready = asyncio.Event()
        self._subscribers: list[Callable[[Any], None]] = []

    def emit(self, event: Any) -> None:
        """Buffer ``event`` and call each subscriber (one that raises stays subscribed)."""
        self._events.append(event)
        self._ready.set()
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:
                log.exception("a session subscriber raised; it stays subscribed")

    def wake(self) -> None:
        """Wake a reader waiting in :meth:`next` (the session ended)."""
        self._ready.set()

    def subscribe(self, callback: Callable[[Any], None]) -> Callable[[], None]:
        """Call ``callback(event)`` for every event; returns the function that unsubscribes."""
        if not callable(callback):
            raise ConfigError(f"subscribe takes a function, not {callback!r:.40}")
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(callback)

        return unsubscribe

    async def next(self, ended: Callable[[], bool]) -> Any:
        """The oldest buffered event; StopAsyncIteration once empty and ``ended()``."""
        while not self._events:
            if ended():
                raise StopAsyncIteration
            self._ready.clear()
            await self._ready.wait()
        return self._events.popleft()
