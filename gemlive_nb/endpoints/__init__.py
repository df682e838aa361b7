"""Where and how to connect to a Live API server.

Google AI, Vertex AI, the mixroute proxy, a custom URL, ephemeral tokens, or the local emulator.

:func:`resolve_endpoint` turns what the user gave into an :class:`Endpoint`;
:meth:`LinkPlan.build` turns an endpoint and a config into everything one socket needs;
:func:`create_ephemeral_token` mints short-lived tokens for browsers and shared notebooks.

Example::

    ep = resolve_endpoint()                 # GEMINI_API_KEY → Google AI; no key → the emulator
    ep = resolve_endpoint("mixroute", api_key="sk-…")
    ep.describe()                           # 'mixroute proxy · gemini-live-2.5-flash-native-audio'
    ep.headers()                            # {'Authorization': 'Bearer sk-…'} — never log this
"""

from __future__ import annotations

from .endpoint import (
    API_VERSIONS,
    AUTHS,
    DIALECTS,
    EPHEMERAL_PREFIX,
    GOOGLE_HOST,
    KINDS,
    MIXROUTE_HOST,
    Endpoint,
    google_path,
    mixroute_path,
    vertex_path,
)
from .ephemeral import EphemeralToken, create_ephemeral_token, create_ephemeral_token_sync
from .link import LOOPBACK_HOSTS, GuardedConnect, LinkPlan
from .resolve import (
    EMULATOR_ENV,
    GOOGLE_KEY_ENVS,
    MIXROUTE_KEY_ENV,
    NAMES,
    USE_VERTEX_ENV,
    resolve_endpoint,
)
from .vertex import LOCATION_ENV, PROJECT_ENV, VERTEX_TOKEN_ENV, vertex_host

__all__ = [
    "API_VERSIONS",
    "AUTHS",
    "DIALECTS",
    "EMULATOR_ENV",
    "EPHEMERAL_PREFIX",
    "GOOGLE_HOST",
    "GOOGLE_KEY_ENVS",
    "KINDS",
    "LOCATION_ENV",
    "LOOPBACK_HOSTS",
    "MIXROUTE_HOST",
    "MIXROUTE_KEY_ENV",
    "NAMES",
    "PROJECT_ENV",
    "USE_VERTEX_ENV",
    "VERTEX_TOKEN_ENV",
    "Endpoint",
    "EphemeralToken",
    "GuardedConnect",
    "LinkPlan",
    "create_ephemeral_token",
    "create_ephemeral_token_sync",
    "google_path",
    "mixroute_path",
    "resolve_endpoint",
    "vertex_host",
    "vertex_path",
]
