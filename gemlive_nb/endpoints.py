"""Where and how to connect: Google AI, the mixroute proxy, a custom URL, or the local emulator.

:func:`resolve_endpoint` turns what the user gave (a name, a URL, an API key, environment
variables) into an :class:`Endpoint`. The key lives in a :class:`~gemlive_nb.secret.Secret`;
only :meth:`Endpoint.headers` and :meth:`Endpoint.connect_url` reveal it, for the socket.

Example::

    ep = resolve_endpoint()                 # GEMINI_API_KEY → Google AI; no key → the emulator
    ep = resolve_endpoint("mixroute", api_key="sk-…")
    ep.describe()                           # 'mixroute proxy · gemini-live-2.5-flash-native-audio'
    ep.headers()                            # {'Authorization': 'Bearer sk-…'} — never log this
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from .catalog import DEFAULT_GOOGLE_MODEL, DEFAULT_MIXROUTE_MODEL
from .catalog import unknown_name_error as _unknown
from .exceptions import ConfigError
from .secret import REDACTED, Secret, redact

__all__ = [
    "EMULATOR_ENV",
    "GOOGLE_KEY_ENVS",
    "MIXROUTE_KEY_ENV",
    "Endpoint",
    "resolve_endpoint",
]

logger = logging.getLogger(__name__)

EMULATOR_ENV = "GEMLIVE_ENDPOINT"
GOOGLE_KEY_ENVS = ("GEMINI_API_KEY", "GOOGLE_API_KEY")
MIXROUTE_KEY_ENV = "MIXROUTE_API_KEY"
GOOGLE_HOST = "generativelanguage.googleapis.com"
MIXROUTE_HOST = "console.mixroute.io"
EPHEMERAL_PREFIX = "auth_tokens/"

KINDS = ("google", "mixroute", "ephemeral", "custom", "emulator")
NAMES = ("google", "mixroute", "ephemeral", "emulator")
DIALECTS = ("google", "mixroute")
AUTHS = ("x-goog-api-key", "bearer", "token", "none", "query")
API_VERSIONS = ("v1beta", "v1alpha", "v1")
_KEY_PARAMS = ("key", "access_token", "api_key")
_KEY_IN_TEXT = re.compile(r"(?i)([?&](?:key|access_token|api_key)=)[^&#\s]*")
_VERSION_IN_PATH = re.compile(r"[./](v1(?:alpha|beta)?)[./]")
_MODEL_IN_PATH = re.compile(r"/models/([^/{}]+)/liveStream")


def google_path(api_version: str, constrained: bool = False) -> str:
    """The Gemini API Live path, e.g. ``/ws/google.ai.generativelanguage.v1beta…``."""
    method = "BidiGenerateContentConstrained" if constrained else "BidiGenerateContent"
    return f"/ws/google.ai.generativelanguage.{api_version}.GenerativeService.{method}"


def mixroute_path(model: str) -> str:
    """The mixroute proxy's Live path, ``/v1beta/models/{model}/liveStream``."""
    return f"/v1beta/models/{quote(model, safe='-._~')}/liveStream"


def _safe_url(text: str) -> str:
    """``text`` with key-like query values and URL credentials masked, for messages."""
    text = _KEY_IN_TEXT.sub(rf"\1{REDACTED}", text)
    return re.sub(r"(://)[^/@\s]*@", rf"\1{REDACTED}@", text)


def _as_secret(value: str | Secret | None) -> Secret | None:
    if value is None:
        return None
    if not isinstance(value, (str, Secret)):
        raise ConfigError(
            f"api_key must be a str (or a Secret), not {type(value).__name__} — pass the key "
            "text, or set GEMINI_API_KEY"
        )
    secret = Secret(value)
    return secret or None


def _split_url(url: str) -> tuple[str, Secret | None, str | None]:
    """(url without any key, the key found in its query, the query parameter that held it)."""
    if not isinstance(url, str):
        raise ConfigError(f"an endpoint URL must be a str, not {type(url).__name__}")
    text = url.strip()
    scheme, sep, rest = text.partition("://")
    scheme = scheme.lower()
    if scheme in ("http", "https"):
        better = ("wss" if scheme == "https" else "ws") + "://" + rest
        raise ConfigError(f"{_safe_url(text)!r} is not a WebSocket URL — use {_safe_url(better)!r}")
    if not sep or scheme not in ("ws", "wss"):
        raise ConfigError(
            f"endpoint URL {_safe_url(text)!r} must start with wss:// (or ws:// for a local server)"
        )
    try:
        parts = urlsplit(text)
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        raise ConfigError(f"endpoint URL {_safe_url(text)!r} is not a valid URL") from None
    if "@" in parts.netloc:
        raise ConfigError(
            "credentials in the endpoint URL are not supported — pass the key as api_key="
        )
    if not parts.hostname:
        raise ConfigError(f"endpoint URL {_safe_url(text)!r} has no host")
    secret: Secret | None = None
    param: str | None = None
    kept = []
    for name, value in query:
        if name.lower() in _KEY_PARAMS:
            secret, param = _as_secret(value), name
        else:
            kept.append((name, value))
    clean = urlunsplit((scheme, parts.netloc, parts.path, urlencode(kept), ""))
    return clean, secret, param


@dataclass(frozen=True, kw_only=True)
class Endpoint:
    """A resolved Live endpoint: URL (never with a key in it), API version, dialect and auth.

    - ``kind``: ``'google'``, ``'mixroute'``, ``'ephemeral'``, ``'custom'`` or ``'emulator'``.
    - ``dialect``: the setup shape the server expects (``'google'`` or ``'mixroute'``).
    - ``auth``: how the key travels — ``'x-goog-api-key'`` header, ``'bearer'``
      (``Authorization: Bearer``), ``'token'`` (ephemeral: ``Authorization: Token`` plus
      ``x-goog-api-key``), ``'query'`` (``?key=`` added only by :meth:`connect_url`) or ``'none'``.
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

    def __post_init__(self) -> None:
        for name, allowed in (("kind", KINDS), ("dialect", DIALECTS), ("auth", AUTHS),
                              ("api_version", API_VERSIONS)):  # fmt: skip
            value = getattr(self, name)
            if value not in allowed:
                raise _unknown(f"endpoint {name}", value, list(allowed), f"Use one of {allowed}.")
        key = _as_secret(self.api_key)
        auth, param = self.auth, self.key_param
        url = self.url
        if url is not None:
            url, url_key, url_param = _split_url(url)
            if url_key is not None:
                if key is not None and key != url_key:
                    raise ConfigError(
                        "two different API keys were given (one in the URL, one as api_key=) "
                        "— pass only one"
                    )
                key, auth, param = url_key, "query", url_param or "key"
            # A bare ws://host:port (an emulator started from the shell, say) serves the Live path.
            if self.kind in ("emulator", "custom") and urlsplit(url).path in ("", "/"):
                url = url.rstrip("/") + self._default_path()
        if auth != "none" and key is None:
            raise ConfigError(f"the {self.kind} endpoint sends its key by {auth!r} but has no key")
        object.__setattr__(self, "url", url)
        object.__setattr__(self, "api_key", key)
        object.__setattr__(self, "auth", auth)
        object.__setattr__(self, "key_param", param)

    def _default_path(self) -> str:
        if self.dialect == "mixroute":
            return mixroute_path(self.model)
        return google_path(self.api_version, self.kind == "ephemeral")

    def with_url(self, url: str) -> Endpoint:
        """The same endpoint at ``url`` (the emulator's, once it runs).

        A bare ``ws://host:port`` gets the dialect's Live path appended.
        """
        return dataclasses.replace(self, url=url)

    def headers(self) -> dict[str, str]:
        """The HTTP headers that authenticate the upgrade request. The only place a key shows."""
        key = self.api_key.reveal() if self.api_key else ""
        if self.auth == "x-goog-api-key":
            return {"x-goog-api-key": key}
        if self.auth == "bearer":
            return {"Authorization": f"Bearer {key}"}
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

    def describe(self) -> str:
        """One human line, without any secret.

        Example: ``'Google AI (v1beta) · gemini-2.5-flash-native-audio-preview-12-2025'``.
        """
        if self.kind == "google":
            where = f"Google AI ({self.api_version})"
        elif self.kind == "ephemeral":
            where = f"Google AI ({self.api_version}, ephemeral token)"
        elif self.kind == "mixroute":
            where = "mixroute proxy"
        elif self.kind == "emulator":
            if self.url is None:
                where = "local emulator (not started yet)"
            else:
                parts = urlsplit(self.url)
                where = f"local emulator at {parts.scheme}://{parts.netloc}"
        else:
            where = f"custom endpoint {self.url} ({self.dialect} dialect)"
        return f"{where} · {self.model}"

    def __repr__(self) -> str:
        key = REDACTED if self.api_key else None
        return (
            f"Endpoint(kind={self.kind!r}, url={self.url!r}, model={self.model!r}, "
            f"api_version={self.api_version!r}, dialect={self.dialect!r}, auth={self.auth!r}, "
            f"api_key={key!r})"
        )


def _looks_like_key(text: str) -> bool:
    return text.startswith(("AIza", "sk-", EPHEMERAL_PREFIX)) or (
        len(text) >= 24 and re.fullmatch(r"[A-Za-z0-9_\-./]+", text) is not None
    )


def _env_key(env: Mapping[str, str], names: tuple[str, ...]) -> tuple[Secret | None, str | None]:
    for name in names:
        secret = _as_secret(env.get(name) or None)
        if secret is not None:
            return secret, name
    return None, None


def _bare_model(model: str | None) -> str | None:
    if model is None:
        return None
    if not isinstance(model, str) or not model.strip():
        raise ConfigError(
            f"model must be a model id such as {DEFAULT_GOOGLE_MODEL!r}, not {model!r}"
        )
    model = model.strip()
    return model if "tunedModels/" in model else model.rsplit("models/", 1)[-1]


def _check_version(api_version: str | None) -> str | None:
    if api_version is not None and api_version not in API_VERSIONS:
        shown = _safe_url(api_version) if isinstance(api_version, str) else api_version
        raise _unknown("api_version", shown, list(API_VERSIONS), "Use 'v1beta' or 'v1alpha'.")
    return api_version


def _named(
    name: str,
    key: Secret | None,
    model: str | None,
    api_version: str | None,
    env: Mapping[str, str],
) -> Endpoint:
    if name == "emulator":  # never hand a real key from the environment to a local server
        return Endpoint(
            kind="emulator",
            url=None,
            model=model or DEFAULT_GOOGLE_MODEL,
            api_version=api_version or "v1beta",
            api_key=key,
            auth="x-goog-api-key" if key else "none",
        )
    if name == "mixroute":
        key = key or _env_key(env, (MIXROUTE_KEY_ENV,))[0]
        if key is None:
            raise ConfigError(
                f"no API key for the mixroute proxy — set the {MIXROUTE_KEY_ENV} environment "
                "variable or pass api_key='sk-…'"
            )
        model = model or DEFAULT_MIXROUTE_MODEL
        return Endpoint(
            kind="mixroute",
            url=f"wss://{MIXROUTE_HOST}{mixroute_path(model)}",
            model=model,
            api_version="v1beta",  # the proxy documents only this path
            dialect="mixroute",
            api_key=key,
            auth="bearer",
        )
    key = key or _env_key(env, GOOGLE_KEY_ENVS)[0]
    if key is None:
        raise ConfigError(
            f"no API key for Google AI — set the {GOOGLE_KEY_ENVS[0]} (or {GOOGLE_KEY_ENVS[1]}) "
            "environment variable or pass api_key=..."
        )
    ephemeral = key.reveal().startswith(EPHEMERAL_PREFIX)
    if name == "ephemeral" and not ephemeral:
        raise ConfigError(
            f"the ephemeral endpoint needs a token that starts with {EPHEMERAL_PREFIX!r} "
            "(minted with POST /v1alpha/auth_tokens) — pass it as api_key="
        )
    version = "v1alpha" if ephemeral else api_version or "v1beta"  # tokens exist on v1alpha only
    return Endpoint(
        kind="ephemeral" if ephemeral else "google",
        url=f"wss://{GOOGLE_HOST}{google_path(version, ephemeral)}",
        model=model or DEFAULT_GOOGLE_MODEL,
        api_version=version,
        api_key=key,
        auth="token" if ephemeral else "x-goog-api-key",
    )


def _custom(
    url: str,
    key: Secret | None,
    model: str | None,
    api_version: str | None,
    env: Mapping[str, str],
) -> Endpoint:
    clean, url_key, param = _split_url(url)
    if url_key is not None and key is not None and url_key != key:
        raise ConfigError(
            "two different API keys were given (one in the URL, one as api_key=) — pass only one"
        )
    parts = urlsplit(clean)
    mixroute_style = "/v1beta/models/" in parts.path or "liveStream" in parts.path
    dialect = "mixroute" if mixroute_style else "google"
    found = _MODEL_IN_PATH.search(parts.path)
    model = model or (found.group(1) if found else None)
    model = model or (DEFAULT_MIXROUTE_MODEL if mixroute_style else DEFAULT_GOOGLE_MODEL)
    clean = clean.replace("{model}", quote(model, safe="-._~")).replace("%7Bmodel%7D", model)
    version = _VERSION_IN_PATH.search(parts.path)
    api_version = version.group(1) if version else api_version or "v1beta"
    key = url_key or key
    if key is None:  # environment keys go only to the hosts they belong to
        if parts.hostname == GOOGLE_HOST:
            key = _env_key(env, GOOGLE_KEY_ENVS)[0]
        elif parts.hostname == MIXROUTE_HOST:
            key = _env_key(env, (MIXROUTE_KEY_ENV,))[0]
    if url_key is not None:
        auth = "query"
    elif key is None:
        auth = "none"
    elif mixroute_style:
        auth = "bearer"
    elif key.reveal().startswith(EPHEMERAL_PREFIX):
        auth = "token"
    else:
        auth = "x-goog-api-key"
    return Endpoint(
        kind="custom",
        url=clean,
        model=model,
        api_version=api_version,
        dialect=dialect,
        api_key=key,
        auth=auth,
        key_param=param or "key",
    )


def resolve_endpoint(
    endpoint: str | Endpoint | object | None = None,
    *,
    api_key: str | Secret | None = None,
    model: str | None = None,
    api_version: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Endpoint:
    """Decide where to connect.

    ``endpoint`` is ``'google'``, ``'mixroute'``, ``'ephemeral'``, ``'emulator'``, a ``ws://`` /
    ``wss://`` URL (``{model}`` is filled in; ``?key=`` is moved into a Secret; a
    ``/v1beta/models/…/liveStream`` path means the mixroute dialect with a Bearer key), an
    :class:`Endpoint`, or None to decide automatically: the ``GEMLIVE_ENDPOINT`` environment
    variable if set; else ``api_key`` (``sk-…`` → mixroute, ``auth_tokens/…`` → ephemeral,
    otherwise Google); else ``GEMINI_API_KEY`` / ``GOOGLE_API_KEY`` (Google) or
    ``MIXROUTE_API_KEY`` (mixroute); else the local emulator (``url`` None until it starts).
    A running emulator object (``gl.Emulator``, ``EmulatorProcess`` — anything with a ``ws://``
    or ``wss://`` ``.url``) is used at its URL, with its ``dialect`` if it has one.

    Example::

        resolve_endpoint("google", api_key=key, api_version=cfg.required_api_version())
    """
    env: Mapping[str, str] = os.environ if environ is None else environ
    key = _as_secret(api_key)
    model = _bare_model(model)
    api_version = _check_version(api_version)
    try:
        resolved = _resolve(endpoint, key, model, api_version, env)
    except ConfigError as exc:  # belt and braces: no message may carry the key
        message = redact(str(exc), key)
        if message != str(exc):
            raise ConfigError(message) from None
        raise
    logger.debug("endpoint: %s", resolved.describe())
    return resolved


def _resolve(
    endpoint: str | Endpoint | object | None,
    key: Secret | None,
    model: str | None,
    api_version: str | None,
    env: Mapping[str, str],
) -> Endpoint:
    if isinstance(endpoint, Endpoint):
        return _override(endpoint, key, model, api_version, env)
    url = getattr(endpoint, "url", None)
    if not isinstance(endpoint, str) and isinstance(url, str) and url.startswith(_WS_SCHEMES):
        return _running_emulator(endpoint, url, key, model, api_version, env)
    if endpoint is None:
        forced = (env.get(EMULATOR_ENV) or "").strip()
        if forced:
            endpoint = forced
        elif key is not None:
            endpoint = "mixroute" if key.reveal().startswith("sk-") else "google"
        else:
            found, source = _env_key(env, (*GOOGLE_KEY_ENVS, MIXROUTE_KEY_ENV))
            endpoint = (
                "emulator"
                if found is None
                else "mixroute"
                if source == MIXROUTE_KEY_ENV
                else "google"
            )
    if not isinstance(endpoint, str):
        raise ConfigError(
            f"endpoint must be a name, a wss:// URL or an Endpoint, not {type(endpoint).__name__}"
        )
    text = endpoint.strip()
    if "://" in text:
        return _custom(text, key, model, api_version, env)
    name = text.lower()
    if name in NAMES:
        return _named(name, key, model, api_version, env)
    if _looks_like_key(text):
        raise ConfigError(
            "the endpoint looks like an API key — pass it as api_key=... and leave endpoint= "
            "to a name such as 'google'"
        )
    raise _unknown("endpoint", text, list(NAMES), "Or pass a wss:// URL.")


_WS_SCHEMES = ("ws://", "wss://")


def _running_emulator(
    emulator: object,
    url: str,
    key: Secret | None,
    model: str | None,
    api_version: str | None,
    env: Mapping[str, str],
) -> Endpoint:
    """The endpoint of a running emulator object (a bare ``ws://host:port`` gets the path)."""
    dialect = getattr(emulator, "dialect", None)
    dialect = dialect if dialect in DIALECTS else "google"
    base = _named("emulator", key, model, api_version, env)
    auth = base.auth if key is None or dialect == "google" else "bearer"
    if dialect == "mixroute" and model is None:
        base = dataclasses.replace(base, model=DEFAULT_MIXROUTE_MODEL)
    return dataclasses.replace(base, url=url, dialect=dialect, auth=auth)


def _override(
    endpoint: Endpoint,
    key: Secret | None,
    model: str | None,
    api_version: str | None,
    env: Mapping[str, str],
) -> Endpoint:
    """An Endpoint with the given key, model or version swapped in (URL rebuilt where needed)."""
    if key is None and model is None and api_version is None:
        return endpoint
    key = key or endpoint.api_key
    model = model or endpoint.model
    version = api_version or endpoint.api_version
    if endpoint.kind in ("google", "ephemeral", "mixroute"):
        return _named(endpoint.kind, key, model, version, env)
    changes: dict[str, object] = {"model": model, "api_version": version, "api_key": key}
    if endpoint.auth == "none" and key is not None:
        changes["auth"] = "bearer" if endpoint.dialect == "mixroute" else "x-goog-api-key"
    if endpoint.kind == "emulator" and endpoint.url is not None:
        parts = urlsplit(endpoint.url)
        changes["url"] = f"{parts.scheme}://{parts.netloc}"
    return dataclasses.replace(endpoint, **changes)
