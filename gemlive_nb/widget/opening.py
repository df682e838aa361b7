"""One session opening at a time for a widget: every Connect shares it, Disconnect abandons it.

A double click, Mic then Camera, or two views of one widget each ask to connect while the first
connect is still in flight; they all get the one session it opens. Disconnect (or closing the
widget) meanwhile abandons it: the connect is cancelled, and a session that still comes up is
closed at once instead of streaming the mic. Example::

    opening = Opening()
    session = await opening.join(loop, lambda: connect(...), attach)   # None when abandoned
    opening.abandon(loop)
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from .tasks import Task, cancel, spawn

__all__ = ["Opening"]


class Opening:
    """The connect in flight (if any), shared by every caller until it ends or is abandoned."""

    def __init__(self) -> None:
        self._task: Task | None = None
        self._token: object | None = None  # whose outcome still counts

    @property
    def pending(self) -> bool:
        """Whether a connect is in flight."""
        return self._task is not None

    async def join(
        self,
        loop: asyncio.AbstractEventLoop,
        start: Callable[[], Awaitable[Any]],
        attach: Callable[[Any], None],
    ) -> Any | None:
        """The session ``start()`` opens, after ``attach(session)``; None when abandoned.

        ``start()`` runs on ``loop`` unless a connect is in flight already (then this waits for
        that one). A failure raises, in every caller.
        """
        if self._task is None:
            token = self._token = object()
            self._task = spawn(loop, self._run(token, start, attach))
        task = self._task
        waited = task if isinstance(task, asyncio.Future) else asyncio.wrap_future(task)
        try:
            outcome = await asyncio.shield(waited)
        except asyncio.CancelledError:
            if waited.cancelled():  # abandoned before it began (the shield kept it otherwise)
                return None
            raise
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    async def _run(
        self, token: object, start: Callable[[], Awaitable[Any]], attach: Callable[[Any], None]
    ) -> Any:
        try:
            session = await start()
        except asyncio.CancelledError:
            if self._token is token:  # cancelled from outside (the loop is going away)
                self._task = self._token = None
                raise
            return None
        except Exception as exc:
            if self._token is not token:
                return None
            self._task = self._token = None
            return exc  # returned, not raised: every waiting caller raises it
        if self._token is not token:  # abandoned meanwhile: nobody wants this session
            with contextlib.suppress(Exception):
                await session.close()
            return None
        self._task = self._token = None
        attach(session)
        return session

    def abandon(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Give up the connect in flight: cancel it; a session it still opens is closed."""
        task, self._task, self._token = self._task, None, None
        if task is not None:
            cancel(loop, task)
