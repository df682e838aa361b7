"""Wait for something to become true, with a deadline: the one polling helper of gemlive_nb.

Live sessions deliver things in the background (a reply arriving while a cell waits, a tool's
result a second later, a reconnect). Instead of a hand-written ``for``/``sleep`` loop, wait for
the condition itself::

    import gemlive_nb as gl
    from gemlive_nb.waiting import wait_until, wait_until_sync
    turn = await wait_until(lambda: len(s.turns) > 1 and s.turns[1].complete and s.turns[1],
                             timeout=10, what="the tool's follow-up reply")
    wait_until_sync(lambda: s.status == "connected", timeout=5)   # in a cell without await

The predicate is called every ``interval`` seconds on the event loop (so it sees the session's
state as it changes); it may be a plain function or return an awaitable. The first truthy value it
returns is returned. When ``timeout`` passes first, :class:`WaitTimeout` (a ``GemliveError`` and a
``TimeoutError``) names what was awaited and the last value seen.
"""

from __future__ import annotations

import asyncio
import inspect
import math
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from ._sync import run_sync
from .exceptions import ConfigError, WaitTimeout

__all__ = ["WaitTimeout", "gather_all", "wait_for", "wait_until", "wait_until_sync"]

T = TypeVar("T")


async def wait_for(aw: Awaitable[T], timeout: float | None) -> T:
    """``aw``'s result within ``timeout`` s (``asyncio.TimeoutError`` after); never eats a cancel.

    ``asyncio.wait_for`` before Python 3.12 returns the result when the awaited thing finished
    in the same loop step as the caller was cancelled, so the cancel is lost and the caller
    runs on (python/cpython#86296). Here a cancel always propagates; ``aw`` is cancelled and
    awaited first. Example: ``turn = await wait_for(s.wait_turn(t, None), 5)``.
    """
    task = asyncio.ensure_future(aw)
    try:
        done, _ = await asyncio.wait({task}, timeout=timeout)
    except asyncio.CancelledError:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        raise
    if not done:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        raise asyncio.TimeoutError
    return task.result()


async def gather_all(aws: Iterable[Awaitable[T]]) -> list[T]:
    """Run ``aws`` at once; their results in order. Cancelled or failed: all end first.

    ``asyncio.gather`` raises as soon as one of them is cancelled or fails, leaving the others
    running (still closing their sessions, or not cancelled at all). Here every one is
    cancelled once and awaited before the cancel or error goes on, so a cancelled caller
    leaves nothing open. Example: ``rows = await gather_all(run(c) for c in configs)``.
    """
    tasks = [asyncio.ensure_future(a) for a in aws]
    if not tasks:
        return []
    try:
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    except asyncio.CancelledError:
        for task in tasks:  # once each: a second cancel would cut a part's own cleanup short
            task.cancel()
        await asyncio.wait(tasks)
        raise
    if pending:  # one failed: stop the others
        for task in pending:
            task.cancel()
        await asyncio.wait(pending)
    for task in done:
        if not task.cancelled() and task.exception() is not None:
            task.result()  # raises the failure
    return [task.result() for task in tasks]


def _describe(predicate: Callable[[], Any]) -> str:
    """A readable name for the predicate: its name, or a lambda's source text."""
    name = getattr(predicate, "__name__", None)
    if isinstance(name, str) and name != "<lambda>":
        return name
    try:
        source = inspect.getsource(predicate).strip()
    except (OSError, TypeError):
        return repr(predicate)
    start = source.find("lambda")
    text = " ".join(source[start:].split()) if start >= 0 else source
    return text if len(text) <= 100 else text[:97] + "…"


def _check(predicate: Any, timeout: Any, interval: Any) -> None:
    if not callable(predicate):
        raise ConfigError(
            f"wait_until takes a function to call (e.g. lambda: s.turns), not {predicate!r:.40}"
        )
    for name, value in (("timeout", timeout), ("interval", interval)):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or value <= 0
        ):
            raise ConfigError(f"{name} must be a number of seconds > 0, not {value!r:.40}")


async def wait_until(
    predicate: Callable[[], T],
    timeout: float = 10.0,
    interval: float = 0.05,
    what: str | None = None,
) -> T:
    """Call ``predicate`` every ``interval`` s until it returns something truthy; return that.

    Raises :class:`WaitTimeout` naming ``what`` (default: the predicate's name or source) when
    ``timeout`` seconds pass first. The predicate is checked once more at the deadline, so a
    condition that became true while the loop was busy is not reported as a timeout; an async
    predicate still running at the deadline is cancelled. Example::

        later = await gl.waiting.wait_until(lambda: len(s.turns) == 2 and s.turns[1].complete,
                                    timeout=10, what="the second reply")
    """
    _check(predicate, timeout, interval)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    value: Any = None
    while True:
        answer: Any = predicate()
        if inspect.isawaitable(answer):
            # an awaitable answer gets the time left, no more (one loop step at the deadline)
            task = asyncio.ensure_future(answer)
            await asyncio.wait({task}, timeout=max(deadline - loop.time(), 0))
            if not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                raise WaitTimeout(what or _describe(predicate), timeout, value)
            answer = task.result()
        value = answer
        if value:
            return value
        left = deadline - loop.time()
        if left <= 0:
            raise WaitTimeout(what or _describe(predicate), timeout, value)
        await asyncio.sleep(min(interval, left))


def wait_until_sync(
    predicate: Callable[[], T],
    timeout: float = 10.0,
    interval: float = 0.05,
    what: str | None = None,
) -> T:
    """:func:`wait_until` for a cell or script that doesn't ``await`` (see gemlive_nb._sync).

    Example::

        gl.waiting.wait_until_sync(lambda: s.status == "connected", timeout=5)
    """
    _check(predicate, timeout, interval)
    return run_sync(wait_until(predicate, timeout, interval, what))
