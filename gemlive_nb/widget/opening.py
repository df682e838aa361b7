"""One session opening at a time for a widget: every Connect shares it, Disconnect abandons it.

A double click, Mic then Camera, or two views of one widget each ask to connect while the first
connect is still in flight; they all get the one session it opens. Disconnect (or closing the
widget) meanwhile abandons it: the connect is cancelled, and a session that still comes up is
closed at once instead of streaming the mic. Example::

    opening = Opening()
    session = await opening.join(loop, lambda: connect(...), attach)   # None when abandoned
    opening.abandon(loop)

:class:`Recipe` keeps what the widget opens its sessions with (config, endpoint, key: never in
a trait) and describes the endpoint without the key::

    recipe = Recipe(None, "google", Secret(key), {"tools": [f]})
    recipe.describe("")                                   # 'Google AI (…)', no key in it
    connect(recipe.config, endpoint=recipe.endpoint, api_key=recipe.api_key,
            **recipe.fields(voice="Puck", language="", model="", push_to_talk=False))
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from ..endpoints import resolve_endpoint
from ..secret import Secret, redact
from .tasks import Task, cancel, spawn

__all__ = ["Opening", "Recipe"]

logger = logging.getLogger(__name__)


class Recipe:
    """What a widget opens its sessions with (never shown in a trait).

    ``config``, ``endpoint``, ``api_key`` and the LiveConfig ``extra`` fields, as
    :func:`gemlive_nb.connect` takes them.
    """

    def __init__(
        self, config: Any, endpoint: Any, api_key: Secret | None, extra: dict[str, Any]
    ) -> None:
        self.config = config
        self.endpoint = endpoint
        self.api_key = api_key
        self.extra = extra

    def redact(self, text: str) -> str:
        """``text`` without the key."""
        return redact(text, self.api_key)

    def describe(self, model: str) -> str:
        """Where a session for ``model`` goes, without the key; "" while it cannot resolve."""
        try:
            ep = resolve_endpoint(self.endpoint, api_key=self.api_key, model=model or None)
            return self.redact(ep.describe())
        except Exception as exc:  # an unusable endpoint shows up when connecting
            logger.debug("endpoint not resolved yet: %s", type(exc).__name__)
            return ""

    def fields(
        self, *, voice: str, language: str, model: str, push_to_talk: bool
    ) -> dict[str, Any]:
        """The LiveConfig fields with the pickers' choices (push-to-talk turns the VAD off)."""
        fields = {**self.extra, "voice": voice}
        if language:
            fields["language"] = language
        if model:
            fields["model"] = model
        if push_to_talk and "vad" not in fields:
            fields["vad"] = {"disabled": True}
        return fields


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
