"""The emulator's ephemeral tokens: ``POST /v1alpha/auth_tokens`` and the sessions that use them.

:class:`TokenService` is a tiny HTTP/1.1 server on its own loopback port (websockets' server
takes no request bodies) that mints tokens the way the Gemini API does — the body the
google-genai SDK's ``client.auth_tokens.create`` sends::

    {"uses": 1, "expireTime": "…Z", "newSessionExpireTime": "…Z",
     "bidiGenerateContentSetup": {"model": "models/…", "generationConfig": {…}, …},
     "fieldMask": "model,generationConfig.temperature"}   →   {"name": "auth_tokens/…"}

Defaults as documented: 1 use, expiry in 30 minutes (at most 20 hours), new sessions within 60
seconds. A session that connects on ``…BidiGenerateContentConstrained`` with a minted token
spends one use (a resumption is free); an unknown, expired or used-up token is closed with 1008.
The token's setup is locked: with no ``fieldMask`` the whole setup is the token's (the client's
own fields are ignored, as the service ignores them); with a mask only the listed fields are
taken from the token. Tests move time with ``service.store.clock``.

Example::

    with Emulator(api_key="k") as emu:
        client = genai.Client(api_key="k", http_options={"api_version": "v1alpha",
                                                         "base_url": emu.tokens.base_url})
        token = client.auth_tokens.create(config={"uses": 2})
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import secrets
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import Message
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from ..protocol import normalize_keys, to_camel
from ..secret import Secret
from .routes import refusal
from .setup import Rejected

__all__ = ["Grant", "TokenService", "TokenSocket", "TokenStore", "locked_setup"]

TOKEN_PREFIX = "auth_tokens/"
DEFAULT_EXPIRY_S = 30 * 60.0
DEFAULT_NEW_SESSION_S = 60.0
MAX_EXPIRY_S = 20 * 3600.0
_BODY_FIELDS = {"uses", "expireTime", "newSessionExpireTime", "bidiGenerateContentSetup",
                "fieldMask", "name"}  # fmt: skip
_MAX_BODY = 1 << 20
_MAX_HEAD = 1 << 16


class ApiError(Exception):
    """An HTTP error in the Google API's JSON error shape."""

    def __init__(self, code: int, status: str, message: str) -> None:
        super().__init__(message)
        self.code, self.status, self.message = code, status, message

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


def _bad(message: str) -> ApiError:
    return ApiError(400, "INVALID_ARGUMENT", message)


def _when(value: Any, name: str) -> float:
    """Seconds since the epoch for an RFC 3339 time (``…Z`` or with an offset)."""
    if not isinstance(value, str):
        raise _bad(f"Invalid value at '{name}': expected an RFC 3339 timestamp, got {value!r}")
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    head, dot, rest = text.partition(".")
    if dot:  # nanoseconds: keep six digits for fromisoformat
        digits = "".join(c for c in rest if c.isdigit())
        text = f"{head}.{digits[:6].ljust(6, '0')}{rest[len(digits) :]}"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _bad(f"Invalid value at '{name}' ({value!r}): not an RFC 3339 timestamp") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _mask(value: Any) -> list[str] | None:
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
        raise _bad(
            f"Invalid value at 'field_mask': expected a comma-separated string, got {value!r}"
        )
    return [_camel_path(x.strip()) for x in items if x.strip()]


def _camel_path(path: str) -> str:
    return ".".join(to_camel(part) for part in path.split("."))


@dataclass
class Grant:
    """One minted token: its limits, what is left, and the setup it locks."""

    name: Secret
    uses: int
    expire_at: float
    new_session_until: float
    setup: dict[str, Any] | None
    field_mask: list[str] | None
    used: int = 0
    sessions: list[dict[str, Any]] = field(default_factory=list)  # the setups it allowed


def locked_setup(
    client: dict[str, Any], token: dict[str, Any] | None, mask: list[str] | None
) -> dict[str, Any]:
    """The setup a session gets: the client's with the token's locked fields laid over it.

    ``mask`` None locks everything (the token's setup is used whole, keeping only the client's
    ``sessionResumption``); a list locks those paths (``"model"``,
    ``"generationConfig.temperature"``): each takes the token's value or is removed.
    """
    if token is None:
        return client
    if mask is None:
        merged: dict[str, Any] = json.loads(json.dumps(token))
        if "sessionResumption" in client:
            merged["sessionResumption"] = client["sessionResumption"]
        return merged
    merged = json.loads(json.dumps(client))
    for path in mask:
        parts = path.split(".")
        source: Any = token
        for part in parts:
            source = source.get(part) if isinstance(source, dict) else None
        target: Any = merged
        for part in parts[:-1]:
            if source is None:  # removing: never create the parents of what is not there
                target = target.get(part) if isinstance(target, dict) else None
                continue
            if not isinstance(target.get(part), dict):
                target[part] = {}
            target = target[part]
        if source is None:
            if isinstance(target, dict):
                target.pop(parts[-1], None)
        else:
            target[parts[-1]] = json.loads(json.dumps(source))
    return merged


class TokenStore:
    """Minted tokens by value; ``clock`` is the wall clock (seconds since the epoch)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.grants: dict[str, Grant] = {}
        self.requests: list[dict[str, Any]] = []  # every mint request body, for tests

    def mint(self, body: dict[str, Any]) -> dict[str, Any]:
        """The ``{"name": …}`` answer for a request ``body`` (raises ApiError when invalid)."""
        self.requests.append(body)
        unknown = sorted(set(body) - _BODY_FIELDS)
        if unknown:
            raise _bad(
                f'Invalid JSON payload received. Unknown name "{unknown[0]}": Cannot find field.'
            )
        now = self.clock()
        uses = body.get("uses", 1)
        if isinstance(uses, str) and uses.isdigit():
            uses = int(uses)
        if isinstance(uses, bool) or not isinstance(uses, int) or uses < 1:
            raise _bad(f"uses must be a whole number >= 1, got {uses!r}")
        expire = _when(body["expireTime"], "expire_time") if "expireTime" in body else None
        expire = now + DEFAULT_EXPIRY_S if expire is None else expire
        if expire <= now:
            raise _bad("expire_time must be in the future")
        if expire - now > MAX_EXPIRY_S:
            raise _bad("expire_time must be at most 20 hours from now")
        start = body.get("newSessionExpireTime")
        until = (
            now + DEFAULT_NEW_SESSION_S
            if start is None
            else _when(start, "new_session_expire_time")
        )
        setup = body.get("bidiGenerateContentSetup")
        if setup is not None and not isinstance(setup, dict):
            raise _bad("bidi_generate_content_setup must be an object")
        name = TOKEN_PREFIX + secrets.token_urlsafe(24)
        self.grants[name] = Grant(
            name=Secret(name),
            uses=uses,
            expire_at=expire,
            new_session_until=min(until, expire),
            setup=normalize_keys(setup) if setup else None,
            field_mask=_mask(body.get("fieldMask")),
        )
        return {"name": name}

    def find(self, credentials: list[str]) -> Grant | None:
        """The grant of the first of ``credentials`` that is a minted token, else None."""
        for value in credentials:
            grant = self.grants.get(value)
            if grant is not None:
                return grant
        return None

    def spend(self, grant: Grant, setup: dict[str, Any]) -> dict[str, Any]:
        """The locked setup for a session opening with ``grant`` (raises Rejected when spent)."""
        now = self.clock()
        if now >= grant.expire_at:
            raise Rejected(1008, "The ephemeral token has expired.")
        resuming = bool((setup.get("sessionResumption") or {}).get("handle"))
        if not resuming:  # resumptions are free
            if now >= grant.new_session_until:
                raise Rejected(1008, "The ephemeral token can no longer start new sessions.")
            if grant.used >= grant.uses:
                raise Rejected(1008, "The ephemeral token has no uses left.")
            grant.used += 1
        effective = locked_setup(setup, grant.setup, grant.field_mask)
        grant.sessions.append(effective)
        return effective


class TokenSocket:
    """A server socket whose first frame (the setup) is checked against ``grant`` and locked.

    Everything else is the wrapped websockets connection's.
    """

    def __init__(self, ws: Any, store: TokenStore, grant: Grant) -> None:
        self._ws, self._store, self._grant = ws, store, grant
        self._first = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ws, name)

    def _lock(self, frame: str | bytes) -> str | bytes:
        self._first = False
        try:
            msg = json.loads(frame)
        except (ValueError, UnicodeDecodeError):
            return frame  # the connection reports the bad frame itself
        if not isinstance(msg, dict) or len(msg) != 1 or "setup" not in msg:
            return frame
        setup = msg["setup"] if isinstance(msg["setup"], dict) else {}
        return json.dumps({"setup": self._store.spend(self._grant, normalize_keys(setup))})

    async def recv(self, *args: Any, **kwargs: Any) -> Any:
        """The next frame, as websockets' ``recv``; the first one comes locked to the grant."""
        frame = await self._ws.recv(*args, **kwargs)
        return self._lock(frame) if self._first else frame

    async def __aiter__(self) -> AsyncIterator[str | bytes]:
        async for frame in self._ws:
            yield self._lock(frame) if self._first else frame


class TokenService:
    """The auth-token REST endpoint of one emulator, on its own port (``base_url``)."""

    def __init__(
        self,
        api_key: Secret | None = None,
        store: TokenStore | None = None,
        allow_origins: tuple[str, ...] = (),
    ) -> None:
        self.api_key = api_key
        self.allow_origins = allow_origins  # the same Origin/Host rule as the WebSocket port
        self.store = store or TokenStore()
        self._server: asyncio.AbstractServer | None = None
        self.host = "127.0.0.1"
        self.port = 0

    @property
    def base_url(self) -> str:
        """``http://host:port`` — the ``base_url`` for an SDK client or create_ephemeral_token."""
        return f"http://{self.host}:{self.port}"

    async def start(self, host: str = "127.0.0.1") -> None:
        """Listen on a free port of ``host`` (then :attr:`base_url` is valid)."""
        self._server = await asyncio.start_server(self._serve, host, 0, limit=_MAX_HEAD)
        self.host, self.port = host, self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening; safe to call when never started."""
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()

    def admit(self, ws: Any, kind: str, credentials: list[str]) -> Any:
        """``ws`` as a :class:`TokenSocket` when it opens the constrained path with a minted token.

        Otherwise ``ws`` comes back unchanged (and the emulator's own key check applies).
        """
        grant = self.store.find(credentials) if kind == "ephemeral" else None
        return ws if grant is None else TokenSocket(ws, self.store, grant)

    # ------------------------------------------------------------------ HTTP

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status, body = await self._answer(reader)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            status, body = 400, _bad("malformed HTTP request").body()
        except ConnectionError:
            writer.close()
            return
        data = json.dumps(body, indent=2).encode()
        reason = HTTPStatus(status).phrase
        head = (
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=UTF-8\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
        )
        with contextlib.suppress(ConnectionError):
            writer.write(head.encode() + data)
            await writer.drain()
        writer.close()

    async def _answer(self, reader: asyncio.StreamReader) -> tuple[int, dict[str, Any]]:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        every = Message()  # every header as sent (repeats too), for the Origin/Host check
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
                every[name.strip()] = value.strip()
        refused = refusal(every, self.host, self.port, self.allow_origins)
        if refused is not None:
            return 403, ApiError(403, "PERMISSION_DENIED", refused.strip()).body()
        size = int(headers.get("content-length") or 0)
        if size < 0 or size > _MAX_BODY or "transfer-encoding" in headers:
            return 413, ApiError(413, "INVALID_ARGUMENT", "request body too large").body()
        raw = await reader.readexactly(size)
        path, _, query = target.partition("?")
        path = "/" + path.lstrip("/")
        if path not in ("/v1alpha/auth_tokens",):
            return 404, ApiError(404, "NOT_FOUND", f"no method at {path}").body()
        if method != "POST":
            return 405, ApiError(405, "METHOD_NOT_ALLOWED", "use POST").body()
        try:
            self._check_key(headers, query)
            body = json.loads(raw or b"{}")
            if not isinstance(body, dict):
                raise _bad("Invalid JSON payload received. Expected an object.")
            return 200, self.store.mint(body)
        except ApiError as e:
            return e.code, e.body()
        except ValueError as e:
            return 400, _bad(f"Invalid JSON payload received. {e}").body()

    def _check_key(self, headers: dict[str, str], query: str) -> None:
        if self.api_key is None:
            return
        given = [v for k, v in parse_qsl(query) if k == "key"]
        given += [headers["x-goog-api-key"]] if "x-goog-api-key" in headers else []
        if not given:
            raise ApiError(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers.")
        want = self.api_key.reveal().encode()
        if not any(hmac.compare_digest(g.encode(), want) for g in given):
            raise _bad("API key not valid. Please pass a valid API key.")
