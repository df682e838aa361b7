"""A link plan: everything one Live socket needs, resolved once from an endpoint and a config.

:class:`LinkPlan` holds the URL to open, the upgrade headers, the setup message and the secrets
to redact; :meth:`LinkPlan.open` opens the WebSocket with them. Redirects are followed the way
websockets follows them, except that a redirect to another origin (scheme, host or port) drops
every credential header — websockets itself strips only ``Authorization`` and ``Cookie``, so
``x-goog-api-key`` would reach the other server.

Example::

    plan = LinkPlan.build(resolve_endpoint("google"), LiveConfig(voice="Puck"))
    plan        # LinkPlan(url='wss://…', headers={'x-goog-api-key': '***'}, …)
    ws = await plan.open(open_timeout=10)
    await ws.send(json.dumps(plan.setup))
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.client import connect as _ws_connect
from websockets.datastructures import Headers
from websockets.uri import parse_uri

from ..secret import REDACTED, SECRET_HEADERS, RedactingLogger, Secret, redact, redact_url
from .endpoint import Endpoint

__all__ = ["LOOPBACK_HOSTS", "GuardedConnect", "LinkPlan"]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
USER_AGENT = "gemlive_nb"


class GuardedConnect(_ws_connect):
    """websockets' ``connect`` whose cross-origin redirects carry no credential header at all.

    Example: ``ws = await GuardedConnect(url, additional_headers={"x-goog-api-key": key})``.
    """

    def process_redirect(self, exc: Exception) -> Exception | str:
        """Follow a redirect as websockets does, but keep credentials on the same origin only.

        A redirect to another scheme, host or port drops every header in ``SECRET_HEADERS``.
        Returns the URL to open next, or the exception to raise.
        """
        # websockets >= 15.1 keeps the parsed URI; 15.0 only the string
        before = getattr(self, "ws_uri", None) or parse_uri(self.uri)
        target = super().process_redirect(exc)
        if isinstance(target, str) and self.additional_headers is not None:
            after = parse_uri(target)
            if (before.secure, before.host, before.port) != (after.secure, after.host, after.port):
                self.additional_headers = Headers(
                    (name, value)
                    for name, value in Headers(self.additional_headers).raw_items()
                    if name.lower() not in SECRET_HEADERS
                )
        return target


@dataclass(frozen=True, kw_only=True)
class LinkPlan:
    """What one connection to ``endpoint`` sends: URL, headers, setup, and what to redact.

    - ``url``: the URL to open (it may carry a key in its query; shown redacted).
    - ``headers``: the upgrade headers (credentials shown as ``***``).
    - ``setup``: the first client message, ``{"setup": {...}}`` (Vertex: the model as
      ``projects/…/locations/…/publishers/google/models/…``).
    - ``secrets``: every credential that may show up in text from this link.
    - ``local``: a loopback server (no proxy is used for it).

    Build it with :meth:`build` (or :meth:`abuild`, which refreshes an OAuth token off the
    event loop), then :meth:`open` the socket and send ``setup``.
    """

    endpoint: Endpoint
    url: str = field(repr=False)
    headers: Mapping[str, str] = field(repr=False)
    setup: dict[str, Any] = field(repr=False)
    secrets: tuple[Secret, ...] = field(repr=False)
    local: bool

    @classmethod
    def build(
        cls,
        endpoint: Endpoint,
        config: Any,
        declare: Callable[[Callable[..., Any]], Mapping[str, Any]] | None = None,
        **connection: Any,
    ) -> LinkPlan:
        """The plan for ``endpoint`` and ``config`` (a LiveConfig).

        ``connection`` is what this connection adds to the setup (``handle``, ``audio_only``:
        see :func:`gemlive_nb.config._wire.build_setup`); the setup is built once, final.
        May block briefly to refresh a Vertex token.
        """
        setup = config.to_setup(
            endpoint.model,
            endpoint.dialect,
            declare,
            model_path=endpoint.setup_model(),
            **connection,
        )
        host = urlsplit(endpoint.url or "").hostname or ""
        return cls(
            endpoint=endpoint,
            url=endpoint.connect_url(),
            headers=endpoint.headers(),
            setup=setup,
            secrets=endpoint.secrets(),
            local=endpoint.kind == "emulator" or host in LOOPBACK_HOSTS,
        )

    @classmethod
    async def abuild(
        cls,
        endpoint: Endpoint,
        config: Any,
        declare: Callable[[Callable[..., Any]], Mapping[str, Any]] | None = None,
        **connection: Any,
    ) -> LinkPlan:
        """:meth:`build`, in a thread when the endpoint must fetch an OAuth token."""
        if endpoint.credentials is None:
            return cls.build(endpoint, config, declare, **connection)
        return await asyncio.to_thread(cls.build, endpoint, config, declare, **connection)

    def redact(self, text: str) -> str:
        """``text`` with every secret of this link (and any key-like URL part) masked."""
        return redact(text, *self.secrets)

    def logger(self, name: str = "gemlive_nb.websockets") -> RedactingLogger:
        """A logger for websockets' ``logger=`` that redacts this link's secrets."""
        return RedactingLogger(name, *self.secrets)

    def open(self, **options: Any) -> GuardedConnect:
        """Open the socket (``await plan.open()`` or ``async with plan.open() as ws``).

        ``options`` go to websockets' ``connect`` (``open_timeout``, ``ping_interval``,
        ``max_size``…); headers, proxy choice, user agent and a redacting logger are set here.
        """
        options.setdefault("proxy", None if self.local else True)
        options.setdefault("user_agent_header", USER_AGENT)
        options.setdefault("logger", self.logger())
        return GuardedConnect(self.url, additional_headers=dict(self.headers), **options)

    @property
    def shown_url(self) -> str:
        """The URL with every credential masked, for messages."""
        return redact_url(self.redact(self.url))

    def __repr__(self) -> str:
        headers = {
            k: REDACTED if k.lower() in SECRET_HEADERS else v for k, v in self.headers.items()
        }
        return (
            f"LinkPlan(url={self.shown_url!r}, headers={headers!r}, "
            f"endpoint={self.endpoint.describe()!r}, local={self.local!r})"
        )
