"""Run a coroutine from synchronous code: a notebook cell that doesn't ``await``, or a script.

- Inside a running loop (a Jupyter kernel): the loop is made re-entrant and the coroutine runs
  on it. We use ``nest_asyncio2`` when installed (ipykernel 7 depends on it): with ipykernel 7,
  ``nest_asyncio`` 1.6 loses comm messages that arrive while a cell waits (PLATFORM-NOTES.md),
  which would drop widget traffic; ``nest_asyncio`` (a runtime dependency) is the fallback.
  Nesting is applied only when a sync wrapper is first used, never on import.
- With no running loop (a script): sessions live on one private background loop thread, so a
  session opened by ``connect_sync`` keeps streaming between calls.

Example::

    s = gl.connect_sync()          # a LiveSession
    turn = s.ask_sync("Hello")
"""

from __future__ import annotations

import asyncio
import importlib
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["background_loop", "run_sync"]

T = TypeVar("T")

_lock = threading.Lock()
_background: asyncio.AbstractEventLoop | None = None
_nested: set[int] = set()


def nesting_module() -> Any:
    """``nest_asyncio2`` if installed, else ``nest_asyncio``."""
    try:
        return importlib.import_module("nest_asyncio2")
    except ImportError:
        return importlib.import_module("nest_asyncio")


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


def _running_loop() -> asyncio.AbstractEventLoop | None:
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
    current = _running_loop()
    target = loop or current or background_loop()
    if target is current and current is not None:
        if id(current) not in _nested:
            nesting_module().apply(current)
            _nested.add(id(current))
        return current.run_until_complete(asyncio.wait_for(coro, timeout))
    if target.is_running():
        future = asyncio.run_coroutine_threadsafe(coro, target)
        return future.result(timeout)
    return target.run_until_complete(asyncio.wait_for(coro, timeout))
