"""``connect()`` / ``connect_sync()``: open a :class:`LiveSession`.

They resolve the config and endpoint, and start the embedded emulator when no key is configured.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Generator
from typing import Any

from .._sync import run_sync
from ..config import LiveConfig
from ..endpoints import Endpoint, resolve_endpoint
from .embedded import embedded_emulator
from .live import LiveSession

__all__ = ["connect", "connect_sync"]


async def _open_session(
    config: Any,
    endpoint: Any,
    where: dict[str, Any],
    options: dict[str, Any],
    fields: dict[str, Any],
) -> LiveSession:
    cfg = LiveConfig.coerce(config, **fields)
    ep = resolve_endpoint(
        endpoint, model=cfg.model, api_version=cfg.required_api_version(), **where
    )
    if ep.kind == "emulator" and ep.url is None:
        emu = await asyncio.to_thread(embedded_emulator, ep.dialect)
        ep = ep.with_url(emu.url)
    session = LiveSession(cfg, ep, **options)
    return await session._start()


_SESSION_OPTIONS = (
    "auto_tools",
    "max_queued_audio_s",
    "max_failures",
    "backoff_s",
    "ping_interval",
    "ping_timeout",
    "open_timeout",
    "event_buffer",
    "tool_timeout",
    "record",
    "record_frames",
    "budget_usd",
    "prices",
)


class _Connecting(Awaitable[LiveSession]):
    """What :func:`connect` returns: await it, or use it as ``async with``."""

    def __init__(self, factory: Callable[[], Awaitable[LiveSession]]) -> None:
        self._factory = factory
        self._session: LiveSession | None = None

    def __await__(self) -> Generator[Any, None, LiveSession]:
        return self._factory().__await__()

    async def __aenter__(self) -> LiveSession:
        self._session = await self._factory()
        return self._session

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()


def _split(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    options = {k: fields.pop(k) for k in _SESSION_OPTIONS if k in fields}
    return options, fields


def _where(api_key: Any, project: str | None, location: str | None) -> dict[str, Any]:
    return {"api_key": api_key, "project": project, "location": location}


def connect(
    config: Any = None,
    *,
    endpoint: str | Endpoint | Any = None,
    api_key: str | None = None,
    project: str | None = None,
    location: str | None = None,
    **config_fields: Any,
) -> _Connecting:
    """Open a Live session: ``s = await gl.connect(...)`` or ``async with gl.connect(...) as s``.

    ``config`` is a LiveConfig or a dict; ``config_fields`` override it (``voice="Puck"``).
    ``endpoint``/``api_key`` choose the service (see :func:`resolve_endpoint`); with no key
    anywhere, the embedded emulator is used. ``project``/``location`` name the Vertex AI
    project and region (``gl.connect(endpoint="vertex", project="my-proj",
    location="us-central1")``). Session options can be passed too:
    ``auto_tools``, ``max_queued_audio_s``, ``max_failures``, ``backoff_s``, ``ping_interval``,
    ``ping_timeout``, ``open_timeout``, ``event_buffer``, ``tool_timeout`` (seconds a tool may
    run before the model gets an error response instead; default 30, None waits forever),
    ``record`` (True: keep everything in ``s.recording``; ``"transcript"``: no audio samples;
    False: only each turn's metrics — see :mod:`gemlive_nb.conversation.recording`),
    ``record_frames`` (True: also keep every wire frame sent and received, with its time, in
    ``s.recording.frames``, saved as ``frames.jsonl``: a cassette ``gl.Emulator(replay=DIR)``
    serves back), ``budget_usd`` (past this spend, at ``prices`` — a :class:`gemlive_nb.Prices`,
    default the dated built-in table — the session closes cleanly with a message saying so; the
    recording keeps everything).
    """
    options, fields = _split(dict(config_fields))
    where = _where(api_key, project, location)
    return _Connecting(lambda: _open_session(config, endpoint, where, options, fields))


def connect_sync(
    config: Any = None,
    *,
    endpoint: str | Endpoint | Any = None,
    api_key: str | None = None,
    project: str | None = None,
    location: str | None = None,
    **config_fields: Any,
) -> LiveSession:
    """:func:`connect` for code that can't ``await`` (a script, or a plain notebook cell)."""
    options, fields = _split(dict(config_fields))
    where = _where(api_key, project, location)
    return run_sync(_open_session(config, endpoint, where, options, fields))
