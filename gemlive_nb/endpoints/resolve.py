"""Where to connect: Google AI, Vertex AI, the mixroute proxy, a custom URL, or the emulator.

:func:`resolve_endpoint` turns what the user gave (a name, a URL, an API key, environment
variables) into an :class:`~gemlive_nb.endpoints.Endpoint`.

Example::

    ep = resolve_endpoint()                 # GEMINI_API_KEY → Google AI; no key → the emulator
    ep = resolve_endpoint("mixroute", api_key="sk-…")
    ep = resolve_endpoint("vertex", project="my-proj", location="us-central1")
    ep.describe()                           # 'mixroute proxy · gemini-live-2.5-flash-native-audio'
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from ..catalog import DEFAULT_GOOGLE_MODEL, DEFAULT_MIXROUTE_MODEL, bare_model
from ..catalog import unknown_name_error as _unknown
from ..exceptions import ConfigError
from ..secret import HIDDEN_VALUE, Secret, looks_like_secret, redact
from .endpoint import (
    API_VERSIONS,
    DIALECTS,
    EPHEMERAL_PREFIX,
    GOOGLE_HOST,
    MIXROUTE_HOST,
    Endpoint,
    as_secret,
    google_path,
    mixroute_path,
    split_url,
)
from .vertex import vertex_endpoint

__all__ = [
    "EMULATOR_ENV",
    "GOOGLE_KEY_ENVS",
    "MIXROUTE_KEY_ENV",
    "USE_VERTEX_ENV",
    "resolve_endpoint",
]

logger = logging.getLogger("gemlive_nb.endpoints")

EMULATOR_ENV = "GEMLIVE_ENDPOINT"
GOOGLE_KEY_ENVS = ("GEMINI_API_KEY", "GOOGLE_API_KEY")
MIXROUTE_KEY_ENV = "MIXROUTE_API_KEY"
USE_VERTEX_ENV = "GOOGLE_GENAI_USE_VERTEXAI"  # the google-genai SDK's switch, honoured too
NAMES = ("google", "mixroute", "ephemeral", "vertex", "emulator")
_VERSION_IN_PATH = re.compile(r"[./](v1(?:alpha|beta1?)?)[./]")
_MODEL_IN_PATH = re.compile(r"/models/([^/{}]+)/liveStream")
_WS_SCHEMES = ("ws://", "wss://")


def _env_key(env: Mapping[str, str], names: tuple[str, ...]) -> tuple[Secret | None, str | None]:
    for name in names:
        secret = as_secret(env.get(name) or None)
        if secret is not None:
            return secret, name
    return None, None


def _checked_model(model: str | None) -> str | None:
    if model is None:
        return None
    if not isinstance(model, str) or not model.strip():
        raise ConfigError(
            f"model must be a model id such as {DEFAULT_GOOGLE_MODEL!r}, not {model!r}"
        )
    model = model.strip()
    if looks_like_secret(model):  # never carried into describe(), logs or widget state
        raise ConfigError(
            "model= looks like an API key — pass the key as api_key= and a model id such as "
            f"{DEFAULT_GOOGLE_MODEL!r} as model="
        )
    return bare_model(model)


def _check_version(api_version: str | None) -> str | None:
    if api_version is not None and api_version not in API_VERSIONS:
        shown = HIDDEN_VALUE if looks_like_secret(api_version) else api_version
        raise _unknown("api_version", shown, list(API_VERSIONS), "Use 'v1beta' or 'v1alpha'.")
    return api_version


Place = tuple[str | None, str | None]  # Vertex AI (project, location)


def _named(
    name: str,
    key: Secret | None,
    model: str | None,
    api_version: str | None,
    env: Mapping[str, str],
    place: Place = (None, None),
) -> Endpoint:
    if name == "vertex":
        return vertex_endpoint(
            project=place[0], location=place[1], api_key=key, model=model,
            api_version=api_version, environ=env,
        )  # fmt: skip
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
    if api_version == "v1beta1":
        raise ConfigError(
            "api_version 'v1beta1' is Vertex AI's — Google AI uses 'v1beta' or 'v1alpha' "
            "(or pass endpoint='vertex')"
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
    clean, url_key, param = split_url(url)
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
    project: str | None = None,
    location: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Endpoint:
    """Decide where to connect.

    ``endpoint`` is ``'google'``, ``'mixroute'``, ``'ephemeral'``, ``'vertex'``, ``'emulator'``,
    a ``ws://`` / ``wss://`` URL (``{model}`` is filled in; a key-like query parameter such as
    ``?key=`` or ``?token=`` is moved into a Secret; a ``/v1beta/models/…/liveStream`` path
    means the mixroute dialect with a Bearer key), an :class:`Endpoint`, or None to decide
    automatically: the ``GEMLIVE_ENDPOINT`` environment variable if set; else Vertex AI when
    ``GOOGLE_GENAI_USE_VERTEXAI`` is true or ``api_key`` is an OAuth token (``ya29.…``); else
    ``api_key`` (``sk-…`` → mixroute, ``auth_tokens/…`` → ephemeral, otherwise Google); else
    ``GEMINI_API_KEY`` / ``GOOGLE_API_KEY`` (Google) or ``MIXROUTE_API_KEY`` (mixroute); else the
    local emulator (``url`` None until it starts). A running emulator object (``gl.Emulator``,
    ``EmulatorProcess`` — anything with a ``ws://`` or ``wss://`` ``.url``) is used at its URL,
    with its ``dialect`` if it has one.

    Vertex AI takes ``project`` / ``location`` (or ``GOOGLE_CLOUD_PROJECT`` /
    ``GOOGLE_CLOUD_LOCATION``) and an OAuth access token: ``api_key=``, the
    ``GOOGLE_OAUTH_ACCESS_TOKEN`` variable, or Application Default Credentials with the
    ``vertex`` extra installed.

    Example::

        resolve_endpoint("google", api_key=key, api_version=cfg.required_api_version())
        resolve_endpoint("vertex", project="my-proj", location="us-central1")
    """
    env: Mapping[str, str] = os.environ if environ is None else environ
    key = as_secret(api_key)
    model = _checked_model(model)
    api_version = _check_version(api_version)
    try:
        resolved = _resolve(endpoint, key, model, api_version, env, (project, location))
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
    place: Place = (None, None),
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
        elif _wants_vertex(env, key, place):
            endpoint = "vertex"
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
        return _named(name, key, model, api_version, env, place)
    if looks_like_secret(text):
        raise ConfigError(
            "the endpoint looks like an API key — pass it as api_key=... and leave endpoint= "
            "to a name such as 'google'"
        )
    raise _unknown("endpoint", text, list(NAMES), "Or pass a wss:// URL.")


def _wants_vertex(env: Mapping[str, str], key: Secret | None, place: Place) -> bool:
    if (env.get(USE_VERTEX_ENV) or "").strip().lower() in ("1", "true", "yes"):
        return True
    return place != (None, None) or (key is not None and key.reveal().startswith("ya29."))


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
    if dialect == "google" and key is not None and key.reveal().startswith(EPHEMERAL_PREFIX):
        # a minted token opens the constrained path, as on the service
        return _named("ephemeral", key, model, api_version, env).with_url(url)
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
    if endpoint.kind == "vertex":
        return _override_vertex(endpoint, key, model, api_version)
    changes: dict[str, Any] = {"model": model, "api_version": version, "api_key": key}
    if endpoint.auth == "none" and key is not None:
        changes["auth"] = "bearer" if endpoint.dialect == "mixroute" else "x-goog-api-key"
    if endpoint.kind == "emulator" and endpoint.url is not None:
        parts = urlsplit(endpoint.url)
        changes["url"] = f"{parts.scheme}://{parts.netloc}"
    return dataclasses.replace(endpoint, **changes)


def _override_vertex(
    endpoint: Endpoint, key: Secret | None, model: str, api_version: str | None
) -> Endpoint:
    """A Vertex endpoint keeps its host (the emulator's, say); only Vertex versions apply."""
    changes: dict[str, Any] = {"model": model}
    if key is not None and key != endpoint.api_key:
        changes.update(api_key=key, credentials=None)
    if api_version in ("v1", "v1beta1") and api_version != endpoint.api_version:
        parts = urlsplit(endpoint.url or "")
        changes.update(api_version=api_version, url=f"{parts.scheme}://{parts.netloc}")
    return dataclasses.replace(endpoint, **changes)
