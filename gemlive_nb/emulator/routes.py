"""Which requests the emulator serves: Live paths, credentials, and who may connect at all.

Paths (leading ``//`` collapsed):

- ``/ws/google.ai.generativelanguage.{v1,v1beta,v1alpha}.GenerativeService.BidiGenerateContent``
  and ``...BidiGenerateContentConstrained`` (ephemeral tokens); key in ``x-goog-api-key``,
  ``?key=``, ``?access_token=`` or ``Authorization: Token|Bearer``;
- ``/ws/google.cloud.aiplatform.{v1,v1beta1}.LlmBidiService/BidiGenerateContent`` (Vertex);
- ``/{v1beta,v1,v1alpha}/models/{model}/liveStream`` (mixroute proxy, ``Authorization: Bearer``).

Browser pages cannot use a local emulator behind its owner's back: a request carrying an
``Origin`` header is refused (403) unless that origin was allowed, and the ``Host`` header must
name the address the emulator bound (so a DNS-rebinding page cannot reach it either). Example::

    route("//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent")
    # ('google', None)
    refusal({"Host": "evil.example:9000"}, "127.0.0.1", 9000, ())   # 'Forbidden: Host ...'

:class:`Gate` applies these rules to one emulator's requests.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from ..secret import REDACTED, SECRET_HEADERS, Secret, is_secret_param
from .addresses import Address
from .setup import close_reason

__all__ = [
    "AUTH_FAILED",
    "Gate",
    "credentials",
    "redacted_headers",
    "redacted_path",
    "refusal",
    "route",
]

# The service's text is longer than a close frame allows; it arrives cut to 123 bytes.
AUTH_FAILED = close_reason(
    "Request had invalid authentication credentials. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential."
)
_GOOGLE_RE = re.compile(
    r"^/ws/google\.ai\.generativelanguage\.(v1|v1beta|v1alpha)\.GenerativeService\."
    r"BidiGenerateContent(Constrained)?$"
)
_VERTEX_RE = re.compile(
    r"^/ws/google\.cloud\.aiplatform\.(v1|v1beta1)\.LlmBidiService/BidiGenerateContent$"
)
_PROXY_RE = re.compile(r"^/(v1|v1beta|v1alpha)/models/([^/]+)/liveStream$")


def route(raw_path: str) -> tuple[str, str | None] | None:
    """``(kind, model)`` for a request path, or None when it is not a Live endpoint.

    ``kind`` is ``'google'``, ``'ephemeral'``, ``'vertex'`` or ``'proxy'``; ``model`` is set for
    the proxy path. Example::

        route("//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent")
        # ('google', None)
    """
    path = "/" + raw_path.split("?", 1)[0].lstrip("/")
    if m := _GOOGLE_RE.match(path):
        return ("ephemeral" if m.group(2) else "google"), None
    if _VERTEX_RE.match(path):
        return "vertex", None
    if m := _PROXY_RE.match(path):
        return "proxy", m.group(2)
    return None


def api_version(raw_path: str) -> str | None:
    """The API version a Live path names (``'v1alpha'``, ``'v1beta'``, ``'v1beta1'``, ``'v1'``)."""
    path = "/" + raw_path.split("?", 1)[0].lstrip("/")
    for pattern in (_GOOGLE_RE, _VERTEX_RE, _PROXY_RE):
        if m := pattern.match(path):
            return m.group(1)
    return None


def credentials(raw_path: str, headers: Any) -> list[str]:
    """Every credential a request carries: key-like query parameters and auth headers."""
    query = raw_path.partition("?")[2]
    found = [v for k, v in parse_qsl(query) if k in ("key", "access_token")]
    if headers.get("x-goog-api-key"):
        found.append(headers["x-goog-api-key"])
    auth = headers.get("authorization") or ""
    scheme, _, value = auth.partition(" ")
    if scheme.lower() in ("bearer", "token") and value:
        found.append(value.strip())
    return found


def redacted_path(raw_path: str) -> str:
    """``raw_path`` with the values of secret query parameters replaced by a placeholder."""
    path, _, query = raw_path.partition("?")
    if not query:
        return path
    pairs = [f"{k}={REDACTED if is_secret_param(k) else v}" for k, v in parse_qsl(query, True)]
    return path + "?" + "&".join(pairs)


def redacted_headers(headers: Any) -> dict[str, str]:
    """The request headers with credentials replaced by a placeholder (for session records)."""
    return {k: (REDACTED if k.lower() in SECRET_HEADERS else v) for k, v in headers.raw_items()}


_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}


def _host_ok(header: str, host: str) -> bool:
    # only the name matters (a rebinding page names its own host); a TCP proxy may change the port
    name, _, _ = header.rpartition(":") if not header.endswith("]") else (header, "", "")
    name = (name or header).lower().strip("[]")
    bound = host.lower().strip("[]")
    if bound in ("", "0.0.0.0", "::"):
        return True  # listening everywhere: any name that reaches it
    if name == bound:
        return True
    try:
        loopback = ipaddress.ip_address(bound).is_loopback
    except ValueError:
        loopback = bound == "localhost"
    return loopback and name in _LOOPBACK_NAMES


def _all(headers: Any, name: str) -> list[str]:
    getter = getattr(headers, "get_all", None)
    if getter is not None:
        return list(getter(name) or ())  # email.message.Message gives None for none
    value = headers.get(name)
    return [] if value is None else [value]


def refusal(headers: Any, host: str, port: int, allowed_origins: tuple[str, ...]) -> str | None:
    """Why a request must be refused with 403 (None when it may proceed).

    ``allowed_origins`` lists origins a browser page may connect from (``"*"`` allows any).
    """
    origins, hosts = _all(headers, "Origin"), _all(headers, "Host")
    if len(origins) > 1 or len(hosts) > 1:
        return "Forbidden: repeated Origin or Host header\n"
    origin = origins[0] if origins else None
    if origin is not None and "*" not in allowed_origins and origin not in allowed_origins:
        return (
            f"Forbidden: requests from web pages (Origin {origin}) are refused; "
            f"allow it with --allow-origin {origin} (or Emulator(allow_origins=[...]))\n"
        )
    given = hosts[0] if hosts else None
    if given is not None and not _host_ok(given, host):
        return f"Forbidden: Host {given} is not this emulator's address ({host}:{port})\n"
    return None


class Gate:
    """Who may use one emulator: the answer before the upgrade, and the key check after it.

    Example::

        gate = Gate(Address("127.0.0.1", 9000), allow_origins=(), api_key=Secret("k"))
        gate.authorised(request)    # True when the request carries the key "k"
    """

    def __init__(
        self, address: Address, allow_origins: tuple[str, ...], api_key: Secret | None
    ) -> None:
        self.address = address
        self.allow_origins = allow_origins
        self.api_key = api_key

    def process_request(self, connection: Any, request: Any) -> Any:
        """Answer a request before the upgrade: refuse it (403/404), or None to go on.

        Plain HTTP endpoints (such as a REST route) are answered here, before the Live check.
        """
        address = self.address
        refused = refusal(request.headers, address.host, address.port, self.allow_origins)
        if refused is not None:
            return connection.respond(HTTPStatus.FORBIDDEN, refused)
        if route(request.path) is None:
            return connection.respond(
                HTTPStatus.NOT_FOUND, "Not Found: no Live API endpoint here\n"
            )
        return None

    def authorised(self, request: Any) -> bool:
        """Whether a (websockets) request carries the emulator's key (always, when it has none).

        A wrong key is still upgraded: the server reads the setup, then closes 1008.
        """
        if self.api_key is None:
            return True
        want = self.api_key.reveal().encode()
        found = credentials(request.path, request.headers)
        return any(hmac.compare_digest(c.encode(), want) for c in found)
