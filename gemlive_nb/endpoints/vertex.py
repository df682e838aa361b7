"""Vertex AI: the regional Live URL, and an OAuth access token from wherever the user keeps it.

The token comes from, in order: the ``api_key=`` argument, the ``GOOGLE_OAUTH_ACCESS_TOKEN``
environment variable, or Application Default Credentials through the optional ``google-auth``
package (``pip install 'gemlive_nb[vertex]'``). The URL and setup follow the google-genai SDK:
``wss://{location}-aiplatform.googleapis.com/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/
BidiGenerateContent``, ``Authorization: Bearer …``, and the model as
``projects/{project}/locations/{location}/publishers/google/models/{model}``. A Google API key
(``AIza…``) selects Vertex's API-key ("express") mode instead.

Example::

    ep = vertex_endpoint(project="my-proj", location="us-central1")   # ADC
    ep.describe()   # 'Vertex AI (my-proj, us-central1, v1beta1) · gemini-live-2.5-…'
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ..catalog import MODELS_TABLE
from ..exceptions import ConfigError
from ..secret import HIDDEN_VALUE, Secret, looks_like_secret
from .endpoint import Endpoint, TokenSource, vertex_path

__all__ = [
    "LOCATION_ENV",
    "PROJECT_ENV",
    "VERTEX_TOKEN_ENV",
    "AdcTokens",
    "TokenSource",
    "vertex_endpoint",
    "vertex_host",
]

VERTEX_TOKEN_ENV = "GOOGLE_OAUTH_ACCESS_TOKEN"
PROJECT_ENV = "GOOGLE_CLOUD_PROJECT"
LOCATION_ENV = "GOOGLE_CLOUD_LOCATION"
CLOUD_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
VERTEX_DEFAULT_VERSION = "v1beta1"  # the google-genai SDK's default for Vertex
_MULTI_REGIONAL = ("us", "eu")
# A region name (``us-central1``, ``global``) goes into the host name, so it may hold nothing
# that ends or changes the host (``evil.example:443#`` would send the Bearer token there).
_LOCATION = re.compile(r"[a-z0-9-]+")
_GOOGLE_SUFFIX = ".googleapis.com"
_EXTRA_HINT = "pip install 'gemlive_nb[vertex]'"
DEFAULT_VERTEX_MODEL = next(m.name for m in MODELS_TABLE if "vertex" in m.endpoints and m.current)


class AdcTokens:
    """Access tokens from google-auth credentials (Application Default Credentials).

    Example: ``AdcTokens(google.auth.default(scopes=[CLOUD_SCOPE])[0]).token()``.
    """

    def __init__(self, credentials: Any) -> None:
        self._credentials = credentials
        self._lock = threading.Lock()
        self._issued: list[Secret] = []
        self.quota_project: str | None = getattr(credentials, "quota_project_id", None)

    def token(self) -> Secret:
        """A currently valid access token, refreshing the credentials first when they expired.

        Raises ConfigError, naming the fix, when they cannot be refreshed or give no token.
        """
        with self._lock:
            creds = self._credentials
            if not creds.valid:
                from google.auth.transport.requests import Request

                try:
                    creds.refresh(Request())
                except Exception as exc:  # google-auth raises its own RefreshError, among others
                    raise ConfigError(
                        "could not refresh the Application Default Credentials "
                        f"({type(exc).__name__}) — run `gcloud auth application-default login` "
                        f"or set {VERTEX_TOKEN_ENV}"
                    ) from None
            secret = Secret(creds.token or "")
            if not secret:
                raise ConfigError(
                    "the Application Default Credentials gave no access token — run "
                    f"`gcloud auth application-default login` or set {VERTEX_TOKEN_ENV}"
                )
            if secret not in self._issued:
                self._issued = [*self._issued[-3:], secret]
            return secret

    def issued(self) -> list[Secret]:
        """The tokens handed out so far (the newest four), for redacting text."""
        with self._lock:
            return list(self._issued)

    def __repr__(self) -> str:
        return f"<AdcTokens {type(self._credentials).__name__}>"


def vertex_host(location: str) -> str:
    """The Vertex AI host for ``location``, as the google-genai SDK picks it.

    Example: ``vertex_host("us-central1")`` → ``'us-central1-aiplatform.googleapis.com'``.
    """
    if location == "global":
        return "aiplatform.googleapis.com"
    if location in _MULTI_REGIONAL:
        return f"aiplatform.{location}.rep.googleapis.com"
    return f"{location}-aiplatform.googleapis.com"


def _adc() -> tuple[AdcTokens, str | None]:
    try:
        import google.auth
        from google.auth.exceptions import DefaultCredentialsError
    except ImportError:
        raise ConfigError(
            "no access token for Vertex AI: pass api_key='ya29…' or set "
            f"{VERTEX_TOKEN_ENV}, or install the optional google-auth package to use "
            f"Application Default Credentials ({_EXTRA_HINT})"
        ) from None
    try:
        credentials, project = google.auth.default(scopes=[CLOUD_SCOPE])
    except DefaultCredentialsError:
        raise ConfigError(
            "no Application Default Credentials for Vertex AI — run `gcloud auth "
            f"application-default login`, set {VERTEX_TOKEN_ENV}, or pass api_key='ya29…'"
        ) from None
    return AdcTokens(credentials), project


def _name(value: object, what: str, env_name: str) -> str | None:
    if value is None:
        return None
    bad = not isinstance(value, str) or not value.strip() or "/" in value or "?" in value
    if what == "location" and not bad:
        bad = not _LOCATION.fullmatch(str(value).strip())
    if bad:
        shown = HIDDEN_VALUE if looks_like_secret(value) else repr(value)
        raise ConfigError(
            f"{what} {shown} is not a Google Cloud {what} id: use one such as "
            f"{'my-project' if what == 'project' else 'us-central1'!r} "
            f"(lower-case letters, digits and '-'), here or in {env_name}"
        )
    return str(value).strip()


def _checked_host(url: str, location: str) -> str:
    """``url`` when its host is the Google host for ``location``, else a ConfigError."""
    host = urlsplit(url).hostname or ""
    if host != vertex_host(location) or not host.endswith(_GOOGLE_SUFFIX):
        raise ConfigError(
            f"location {location!r} gives the host {host!r}, not a Vertex AI host — "
            "use a region such as 'us-central1'"
        )
    return url


def vertex_endpoint(
    *,
    project: str | None = None,
    location: str | None = None,
    api_key: Secret | None = None,
    model: str | None = None,
    api_version: str | None = None,
    environ: Mapping[str, str],
) -> Endpoint:
    """A Vertex AI Live endpoint; see the module doc for where the token comes from."""
    project = _name(project, "project", PROJECT_ENV) or _name(
        environ.get(PROJECT_ENV) or None, "project", PROJECT_ENV
    )
    location = _name(location, "location", LOCATION_ENV) or _name(
        environ.get(LOCATION_ENV) or None, "location", LOCATION_ENV
    )
    version = api_version if api_version in ("v1", "v1beta1") else VERTEX_DEFAULT_VERSION
    model = model or DEFAULT_VERTEX_MODEL
    if api_key is None and environ.get(VERTEX_TOKEN_ENV, "").strip():
        api_key = Secret(environ[VERTEX_TOKEN_ENV])
    express = api_key is not None and api_key.reveal().startswith("AIza")  # API-key mode
    credentials: TokenSource | None = None
    if api_key is None:
        credentials, adc_project = _adc()
        project = project or adc_project
    location = location or "global"  # the SDK's default too
    if not project and not express:
        raise ConfigError(
            "no Google Cloud project for Vertex AI — pass project='my-project' or set "
            + PROJECT_ENV
        )
    return Endpoint(
        kind="vertex",
        url=_checked_host(f"wss://{vertex_host(location)}{vertex_path(version)}", location),
        model=model,
        api_version=version,
        dialect="vertex",
        api_key=api_key,
        auth="x-goog-api-key" if express else "bearer",
        project=project,
        location=location,
        credentials=credentials,
    )
