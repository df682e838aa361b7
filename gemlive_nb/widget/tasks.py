"""Running the widget's coroutines on the session's loop, from that loop's thread or any other.

A widget task is an asyncio Task on the session's loop, or a concurrent Future wrapping one when
it was started from another thread (both cancel and report their result the same way)::

    task = spawn(loop, coro())     # from any thread
    cancel(loop, task)
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Coroutine
from typing import Any

from .._sync import running_loop

__all__ = ["Task", "cancel", "running_loop", "spawn"]

Task = asyncio.Future[Any] | concurrent.futures.Future[Any]


def spawn(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any]) -> Task:
    """Run ``coro`` on ``loop``, from that loop's thread or any other."""
    if loop is running_loop():
        return loop.create_task(coro)
    return asyncio.run_coroutine_threadsafe(coro, loop)


def cancel(loop: asyncio.AbstractEventLoop | None, task: Task) -> None:
    """Cancel ``task``; an asyncio task only from its own loop's thread."""
    if (
        isinstance(task, asyncio.Future)
        and loop is not None
        and loop is not running_loop()
        and loop.is_running()
    ):
        loop.call_soon_threadsafe(task.cancel)
    else:
        task.cancel()
