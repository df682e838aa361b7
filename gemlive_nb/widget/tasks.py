"""Running the widget's coroutines on the session's loop, from that loop's thread or any other.

A widget task is an asyncio Task on the session's loop, or a concurrent Future wrapping one when
it was started from another thread (both cancel and report their result the same way)::

    task = spawn(loop, coro())     # from any thread
    cancel(loop, task)
    tasks = TaskSet(lambda: loop, failed=print); tasks.spawn(coro()); tasks.cancel_all()
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Coroutine
from typing import Any

from .._sync import running_loop

__all__ = ["Task", "TaskSet", "cancel", "on_loop", "running_loop", "spawn"]

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


def on_loop(loop: asyncio.AbstractEventLoop | None, fn: Callable[..., None], *args: Any) -> None:
    """Call ``fn(*args)`` on ``loop``'s thread: now if this is it (or it is gone), else soon."""
    if loop is not None and not loop.is_closed() and running_loop() is not loop:
        loop.call_soon_threadsafe(fn, *args)
    else:
        fn(*args)


class TaskSet:
    """The tasks a widget runs on its loop (``loop()``, which may change), each failure reported.

    ``failed(exc)`` hears of a task that raised (a cancelled one is not a failure).
    """

    def __init__(
        self,
        loop: Callable[[], asyncio.AbstractEventLoop | None],
        failed: Callable[[BaseException], None],
    ) -> None:
        self._loop = loop
        self._failed = failed
        self._tasks: set[Task] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> Task:
        """Run ``coro`` on the loop (the running one if there is none yet), from any thread."""
        task = spawn(self._loop() or asyncio.get_running_loop(), coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def cancel(self, task: Task) -> None:
        """Cancel ``task`` (from any thread)."""
        cancel(self._loop(), task)

    def cancel_all(self) -> None:
        """Cancel every task still running."""
        for task in list(self._tasks):
            self.cancel(task)

    def _done(self, task: Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            self._failed(exc)
