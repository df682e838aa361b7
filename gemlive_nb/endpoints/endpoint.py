"""The :class:`Endpoint` value: where a Live socket goes, and how its key travels.

The key lives in a :class:`~gemlive_nb.secret.Secret` (or, for Vertex AI, a token source that
refreshes); only :meth:`Endpoint.headers` and :meth:`Endpoint.connect_url` reveal it.

Example::

    ep = Endpoint(kind="custom", url="ws://127.0.0.1:9000/live", model="m", auth="none")
    ep.describe()       # 'custom endpoint ws://127.0.0.1:9000/live (google dialect) · m'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from ..catalog import unknown_name_error as _unknown
from ..exceptions import ConfigError
from ..protocol import DIALECTS
from ..secret import HIDDEN_VALUE, REDACTED, Secret, is_secret_param, looks_like_secret, redact_url

__all__ = [
    "API_VERSIONS",
    "AUTHS",
    "DIALECTS",
    "EPHEMERAL_PREFIX",
    "GOOGLE_HOST",
    "KINDS",
    "MIXROUTE_HOST",
    "Endpoint",
    "TokenSource",
    "as_secret",
    "google_path",
    "mixroute_path",
    "split_url",
    "vertex_path",
]

GOOGLE_HOST = "generativelanguage.googleapis.com"
MIXROUTE_HOST = "console.mixroute.io"
EPHEMERAL_PREFIX = "auth_tokens/"

KINDS = ("google", "mixroute", "ephemeral", "vertex", "custom", "emulator")
AUTHS = ("x-goog-api-key", "bearer", "token", "none", "query")
API_VERSIONS = ("v1beta", "v1alpha", "v1", "v1beta1")
_WS_SCHEMES = ("ws", "wss")


class TokenSource(Protocol):
    """Where a Vertex endpoint gets its OAuth token each time it connects."""

    quota_project: str | None

    def token(self) -> Secret:
        """A currently valid access token (refreshed when needed; may block briefly)."""
        ...

    def issued(self) -> list[Secret]:
        """The tokens handed out so far (the newest few), for redacting text."""
        ...


def google_path(api_version: str, constrained: bool = False) -> str:
    """The Gemini API Live path, e.g. ``/ws/google.ai.generativelanguage.v1beta…``."""
    method = "BidiGenerateContentConstrained" if constrained else "BidiGenerateContent"
    return f"/ws/google.ai.generativelanguage.{api_version}.GenerativeService.{method}"


def vertex_path(api_version: str = "v1beta1") -> str:
    """The Vertex AI Live path (note the ``/`` before the method), as the google-genai SDK builds.

    Example: ``vertex_path()`` →
    ``'/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent'``.
    """
    return f"/ws/google.cloud.aiplatform.{api_version}.LlmBidiService/BidiGenerateContent"


def mixroute_path(model: str) -> str:
    """The mixroute proxy's Live path, ``/v1beta/models/{model}/liveStream``."""
    return f"/v1beta/models/{quote(model, safe='-._~')}/liveStream"


def as_secret(value: str | Secret | None, what: str = "api_key") -> Secret | None:
    """``value`` as a Secret (None for None or empty); a clear error for anything else."""
    if value is None:
        return None
    if not isinstance(value, (str, Secret)):
        raise ConfigError(
            f"{what} must be a str (or a Secret), not {type(value).__name__} — pass the key "
            "text, or set GEMINI_API_KEY"
        )
    secret = Secret(value)
    return secret or None


def split_url(url: str) -> tuple[str, Secret | None, str | None]:
    """(url without any key, the key found in its query, the query parameter that held it).

    Every key-like parameter (see :data:`~gemlive_nb.secret.SECRET_PARAMS`) leaves the URL;
    two different ones are an error (one endpoint has one credential).
    """
    if not isinstance(url, str):
        raise ConfigError(f"an endpoint URL must be a str, not {type(url).__name__}")
    text = url.strip()
    scheme, sep, rest = text.partition("://")
    scheme = scheme.lower()
    if scheme in ("http", "https"):
        better = ("wss" if scheme == "https" else "ws") + "://" + rest
        raise ConfigError(
            f"{redact_url(text)!r} is not a WebSocket URL — use {redact_url(better)!r}"
        )
    if not sep or scheme not in _WS_SCHEMES:
        raise ConfigError(
            f"endpoint URL {redact_url(text)!r} must start with wss:// (or ws:// for a local "
            "server)"
        )
    try:
        parts = urlsplit(text)
        query = parse_qsl(parts.query, keep_blank_values=True)
        host = parts.hostname
    except ValueError:
        raise ConfigError(f"endpoint URL {redact_url(text)!r} is not a valid URL") from None
    if "@" in parts.netloc:
        raise ConfigError(
            "credentials in the endpoint URL are not supported — pass the key as api_key="
        )
    if not host:
        raise ConfigError(f"endpoint URL {redact_url(text)!r} has no host")
    secret: Secret | None = None
    param: str | None = None
    kept = []
    for name, value in query:
        if not is_secret_param(name):
            kept.append((name, value))
            continue
        found = as_secret(value)
        if found is not None and secret is not None and found != secret:
            raise ConfigError(
                f"the endpoint URL carries two different credentials ({param}= and {name}=) "
                "— keep only one"
            )
        if found is not None:
            secret, param = found, name
    clean = urlunsplit((scheme, parts.netloc, parts.path, urlencode(kept), ""))
    return clean, secret, param


@dataclass(frozen=True, kw_only=True)
class Endpoint:
    """A resolved Live endpoint: URL (never with a key in it), API version, dialect and auth.

    - ``kind``: ``'google'``, ``'mixroute'``, ``'ephemeral'``, ``'vertex'``, ``'custom'`` or
      ``'emulator'``.
    - ``dialect``: the setup shape the server expects (``'google'``, ``'mixroute'`` or
      ``'vertex'``).
    - ``auth``: how the key travels — ``'x-goog-api-key'`` header, ``'bearer'``
      (``Authorization: Bearer``; Vertex's OAuth token), ``'token'`` (ephemeral:
      ``Authorization: Token`` plus ``x-goog-api-key``, as the google-genai SDK sends it),
      ``'query'`` (``?key=`` added only by :meth:`connect_url`) or ``'none'``.
    - ``credentials``: for Vertex with Application Default Credentials, the source of fresh
      OAuth tokens (instead of a fixed ``api_key``).
    - ``project`` / ``location``: the Vertex AI project and region.
    - ``url`` is None for an emulator that has not started yet; see :meth:`with_url`.

    Example::

        ep = Endpoint(kind="custom", url="ws://127.0.0.1:9000/live", model="m", auth="none")
    """

    kind: str
    url: str | None
    model: str
    api_version: str = "v1beta"
    dialect: str = "google"
    api_key: Secret | None = field(default=None, repr=False)
    auth: str = "none"
    key_param: str = "key"
    project: str | None = None
    location: str | None = None
    credentials: TokenSource | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name, allowed in (("kind", KINDS), ("dialect", DIALECTS), ("auth", AUTHS),
                              ("api_version", API_VERSIONS)):  # fmt: skip
            value = getattr(self, name)
            if value not in allowed:
                shown = HIDDEN_VALUE if looks_like_secret(value) else value
                raise _unknown(f"endpoint {name}", shown, list(allowed), f"Use one of {allowed}.")
        key = as_secret(self.api_key)
        auth, param = self.auth, self.key_param
        url = self.url
        if url is not None:
            url, url_key, url_param = split_url(url)
            if url_key is not None:
                if key is not None and key != url_key:
                    raise ConfigError(
                        "two different API keys were given (one in the URL, one as api_key=) "
                        "— pass only one"
                    )
                key, auth, param = url_key, "query", url_param or "key"
            # A bare ws://host:port (an emulator started from the shell, say) serves the Live path.
            if urlsplit(url).path in ("", "/"):
                url = url.rstrip("/") + self._default_path()
        if auth != "none" and key is None and self.credentials is None:
            raise ConfigError(f"the {self.kind} endpoint sends its key by {auth!r} but has no key")
        if self.kind == "vertex" and auth == "bearer" and not (self.project and self.location):
            raise ConfigError(
                "a Vertex AI endpoint needs project= and location= (or GOOGLE_CLOUD_PROJECT and "
                "GOOGLE_CLOUD_LOCATION)"
            )
        object.__setattr__(self, "url", url)
        object.__setattr__(self, "api_key", key)
        object.__setattr__(self, "auth", auth)
        object.__setattr__(self, "key_param", param)

    def _default_path(self) -> str:
        if self.dialect == "mixroute":
            return mixroute_path(self.model)
        if self.dialect == "vertex":
            return vertex_path(self.api_version)
        return google_path(self.api_version, self.kind == "ephemeral")

    def with_url(self, url: str) -> Endpoint:
        """The same endpoint at ``url`` (the emulator's, once it runs).

        A bare ``ws://host:port`` gets the dialect's Live path appended.
        """
        return dataclasses.replace(self, url=url)

    def _key(self) -> Secret | None:
        if self.api_key is not None:
            return self.api_key
        return self.credentials.token() if self.credentials is not None else None

    def headers(self) -> dict[str, str]:
        """The HTTP headers that authenticate the upgrade request. The only place a key shows."""
        secret = self._key()
        key = secret.reveal() if secret else ""
        if self.auth == "x-goog-api-key":
            return {"x-goog-api-key": key}
        if self.auth == "bearer":
            headers = {"Authorization": f"Bearer {key}"}
            quota = getattr(self.credentials, "quota_project", None)
            if quota:
                headers["x-goog-user-project"] = quota
            return headers
        if self.auth == "token":
            return {"Authorization": f"Token {key}", "x-goog-api-key": key}
        return {}

    def connect_url(self) -> str:
        """The URL to open; with ``auth='query'`` it carries the key, so never log it."""
        if self.url is None:
            raise ConfigError(
                "the emulator's URL is not known yet — start gl.Emulator() and use "
                "endpoint.with_url(emulator.url)"
            )
        if self.auth != "query" or self.api_key is None:
            return self.url
        joiner = "&" if urlsplit(self.url).query else "?"
        return f"{self.url}{joiner}{urlencode({self.key_param: self.api_key.reveal()})}"

    def secrets(self) -> tuple[Secret, ...]:
        """Every credential this endpoint may put on the wire (for redacting text)."""
        found = [self.api_key] if self.api_key else []
        if self.credentials is not None:
            found += self.credentials.issued()
        return tuple(found)

    def setup_model(self) -> str | None:
        """The model name the setup message must carry on Vertex AI (None elsewhere).

        Example: ``'projects/p/locations/us-central1/publishers/google/models/gemini-…'``.
        """
        if self.dialect != "vertex" or not (self.project and self.location):
            return None
        model = self.model
        if model.startswith("projects/"):
            return model
        if not model.startswith(("publishers/", "models/")):
            model = f"publishers/google/models/{model}"
        return f"projects/{self.project}/locations/{self.location}/{model}"

    def describe(self) -> str:
        """One human line, without any secret.

        Example: ``'Google AI (v1beta) · gemini-2.5-flash-native-audio-preview-12-2025'``.
        """
        if self.kind == "google":
            where = f"Google AI ({self.api_version})"
        elif self.kind == "ephemeral":
            where = f"Google AI ({self.api_version}, ephemeral token)"
        elif self.kind == "vertex":
            where = f"Vertex AI ({self.project or 'API key'}, {self.location}, {self.api_version})"
        elif self.kind == "mixroute":
            where = "mixroute proxy"
        elif self.kind == "emulator":
            if self.url is None:
                where = "local emulator (not started yet)"
            else:
                parts = urlsplit(self.url)
                where = f"local emulator at {parts.scheme}://{parts.netloc}"
        else:
            where = f"custom endpoint {redact_url(self.url or '')} ({self.dialect} dialect)"
        return f"{where} · {self.model}"

    def __repr__(self) -> str:
        key = REDACTED if self.api_key or self.credentials else None
        extra = f", project={self.project!r}, location={self.location!r}" if self.project else ""
        return (
            f"Endpoint(kind={self.kind!r}, url={redact_url(self.url or '') or None!r}, "
            f"model={self.model!r}, api_version={self.api_version!r}, dialect={self.dialect!r}, "
            f"auth={self.auth!r}{extra}, api_key={key!r})"
        )
