"""Run a coroutine from synchronous code: a notebook cell that doesn't ``await``, or a script.

- Inside a running loop (a Jupyter kernel): the loop is made re-entrant with ``nest_asyncio2``
  (a runtime dependency; the maintained ``nest_asyncio``) and the coroutine runs on it. With
  ``nest_asyncio`` 1.6, comm messages that arrive while a cell waits are lost, which would drop
  widget traffic. The patch is applied on the first sync call, never on import, and it is
  process-wide: ``asyncio.run``, the event-loop policy and that loop stay patched until the
  kernel restarts (the README's "Dependencies" section says so for users).
- With no running loop (a script): sessions live on one private background loop thread, so a
  session opened by ``connect_sync`` keeps streaming between calls; asyncio is not patched.

Example::

    s = gl.connect_sync()          # a LiveSession
    turn = s.ask_sync("Hello")
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["background_loop", "run_sync", "running_loop"]

T = TypeVar("T")

_lock = threading.Lock()
_background: asyncio.AbstractEventLoop | None = None
_nested: set[int] = set()


def _make_reentrant(loop: asyncio.AbstractEventLoop) -> None:
    """Patch asyncio (process-wide) and ``loop`` so ``run_until_complete`` can nest."""
    import nest_asyncio2  # imported here: importing gemlive_nb must not patch anything

    nest_asyncio2.apply(loop)


def background_loop() -> asyncio.AbstractEventLoop:
    """The private loop (started on first use) that runs sessions opened outside any loop."""
    global _background
    with _lock:
        if _background is None or _background.is_closed():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="gemlive_nb-loop", daemon=True)
            thread.start()
            _background = loop
        return _background


def running_loop() -> asyncio.AbstractEventLoop | None:
    """The loop running in this thread, or None (the one home of this check)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def run_sync(
    coro: Coroutine[Any, Any, T],
    loop: asyncio.AbstractEventLoop | None = None,
    timeout: float | None = None,
) -> T:
    """Run ``coro`` to completion from sync code, on ``loop`` (the session's) when given.

    Without ``loop``: the caller's running loop (nested), else the background loop.
    """
    current = running_loop()
    target = loop or current or background_loop()
    if target is current and current is not None:
        if id(current) not in _nested:
            _make_reentrant(current)
            _nested.add(id(current))
        return current.run_until_complete(asyncio.wait_for(coro, timeout))
    if target.is_running():
        future = asyncio.run_coroutine_threadsafe(coro, target)
        return future.result(timeout)
    return target.run_until_complete(asyncio.wait_for(coro, timeout))
