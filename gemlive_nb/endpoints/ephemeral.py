"""Short-lived ("ephemeral") tokens for the Live API, minted with your API key.

Give a token (not your key) to a browser or a shared notebook: it opens at most ``uses``
sessions, only until it expires, and can lock the session's config. The request is the one the
google-genai SDK's ``client.auth_tokens.create`` sends: ``POST {base}/v1alpha/auth_tokens`` with
``x-goog-api-key`` and ``{uses, expireTime, newSessionExpireTime, bidiGenerateContentSetup,
fieldMask}``. Only the standard library is used (urllib, in a thread); redirects are refused,
so the key never goes to another server.

Example::

    token = await gl.create_ephemeral_token(uses=1, expire_time=600, voice="Puck")
    async with gl.connect(api_key=token.name) as s:   # the constrained v1alpha endpoint
        ...
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from .._sync import run_sync
from ..catalog import DEFAULT_GOOGLE_MODEL
from ..config import LiveConfig
from ..exceptions import ConfigError, GemliveError
from ..protocol import to_camel
from ..secret import Secret, redact, redact_url
from .endpoint import EPHEMERAL_PREFIX, GOOGLE_HOST, as_secret
from .link import LOOPBACK_HOSTS
from .resolve import GOOGLE_KEY_ENVS

__all__ = ["EphemeralToken", "create_ephemeral_token", "create_ephemeral_token_sync"]

TOKENS_PATH = "/v1alpha/auth_tokens"
DEFAULT_BASE_URL = f"https://{GOOGLE_HOST}"
MAX_LIFETIME = timedelta(hours=20)
DEFAULT_LIFETIME = timedelta(minutes=30)
DEFAULT_NEW_SESSION = timedelta(seconds=60)
# LiveConnectConfig fields that live under generationConfig in the setup (for field masks).
_GENERATION_FIELDS = (
    "temperature", "topP", "topK", "maxOutputTokens", "candidateCount", "presencePenalty",
    "frequencyPenalty", "seed", "responseModalities", "speechConfig", "thinkingConfig",
    "mediaResolution", "enableAffectiveDialog",
)  # fmt: skip


@dataclass(frozen=True)
class EphemeralToken:
    """A minted token. ``name`` (``auth_tokens/…``) is a Secret: pass it as ``api_key=``.

    ``expire_time`` / ``new_session_expire_time`` are what was asked for (the service's
    defaults when not given); ``uses`` is how many sessions it may start.
    """

    name: Secret = field(repr=False)
    uses: int
    expire_time: datetime
    new_session_expire_time: datetime
    locked: tuple[str, ...] | None = ()  # the locked setup fields; None: all of the config

    def __str__(self) -> str:
        return f"<ephemeral token, {self.uses} use(s), expires {self.expire_time:%H:%M:%S} UTC>"


def _moment(
    value: datetime | timedelta | float | int | None, now: datetime, what: str
) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ConfigError(f"{what} must be a datetime, a timedelta or seconds, not {value!r}")
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or abs(value) > MAX_LIFETIME.total_seconds():
            raise ConfigError(
                f"{what}={value!r} is not a number of seconds within 20 hours — pass e.g. 600"
            )
        value = timedelta(seconds=value)
    if isinstance(value, timedelta):
        return now + value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ConfigError(
                f"{what}={value!r} has no time zone — use datetime.now(timezone.utc) + ..."
                " or pass a timedelta / seconds"
            )
        return value.astimezone(timezone.utc)
    raise ConfigError(
        f"{what} must be a datetime, a timedelta or seconds, not {type(value).__name__}"
    )


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _field_mask(setup: Mapping[str, Any], extra: Sequence[str]) -> str:
    """The SDK's mask: every set field (one level into objects) plus the extra ones."""
    fields: list[str] = []
    for name, value in setup.items():
        if isinstance(value, dict) and value:
            fields += [f"{name}.{inner}" for inner in value]
        else:
            fields.append(name)
    for name in extra:
        camel = ".".join(to_camel(part) for part in name.split("."))
        fields.append(f"generationConfig.{camel}" if camel in _GENERATION_FIELDS else camel)
    return ",".join(dict.fromkeys(fields))


def token_request(
    *,
    uses: int = 1,
    expire_time: datetime | None = None,
    new_session_expire_time: datetime | None = None,
    setup: Mapping[str, Any] | None = None,
    lock_additional_fields: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The JSON body of ``POST /v1alpha/auth_tokens`` (the same the google-genai SDK sends)."""
    body: dict[str, Any] = {"uses": uses}
    if expire_time is not None:
        body["expireTime"] = _rfc3339(expire_time)
    if new_session_expire_time is not None:
        body["newSessionExpireTime"] = _rfc3339(new_session_expire_time)
    if setup:
        body["bidiGenerateContentSetup"] = dict(setup)
        if lock_additional_fields is not None:
            body["fieldMask"] = _field_mask(setup, lock_additional_fields)
    return body


def _setup(
    config: Any, model: str | None, fields: dict[str, Any], only_set: bool
) -> dict[str, Any] | None:
    """The setup to lock, or None.

    ``only_set``: just the fields that differ from a default LiveConfig (and the model if
    named), so a field mask locks what the caller chose.
    """
    if config is None and model is None and not fields:
        return None
    cfg = LiveConfig.coerce(config, **fields)
    name = model or cfg.model or DEFAULT_GOOGLE_MODEL
    # resumption belongs to each connection: locking it would forbid resuming a session
    setup: dict[str, Any] = cfg.to_setup(name, "google", for_token=True)["setup"]
    if not only_set:
        return setup
    base = LiveConfig().to_setup(name, "google", for_token=True)["setup"]
    chosen: dict[str, Any] = {"model": setup["model"]} if model or cfg.model else {}
    for key, value in setup.items():
        before = base.get(key)
        if isinstance(value, dict) and isinstance(before, dict):
            inner = {k: v for k, v in value.items() if before.get(k) != v}
            if inner:
                chosen[key] = inner
        elif key != "model" and value != before:
            chosen[key] = value
    return chosen


def _base(base_url: str | None) -> str:
    base = (base_url or DEFAULT_BASE_URL).strip().rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"base_url must be an https:// URL such as {DEFAULT_BASE_URL!r}, "
            f"not {redact_url(base)!r}"
        )
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        raise ConfigError(
            f"base_url {redact_url(base)!r} is plain http to another machine — the API key would "
            "travel unencrypted; use https://"
        )
    if parts.query or "@" in parts.netloc:
        raise ConfigError("base_url must not carry a query or credentials — pass api_key=")
    return base


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> None:
        raise GemliveError(
            f"the token service answered HTTP {code} (a redirect to {redact_url(newurl)!r}); "
            "not following it with your API key — check base_url"
        )


def _post(url: str, key: Secret, body: dict[str, Any], timeout: float) -> dict[str, Any]:
    loopback = urlsplit(url).hostname in LOOPBACK_HOSTS
    handlers: list[Any] = [_NoRedirect()]
    if loopback:
        handlers.append(urllib.request.ProxyHandler({}))
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "x-goog-api-key": key.reveal()},
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as e:
        detail = _error_message(e.read())
        message = f"the token service refused the request (HTTP {e.code}): {detail}"
        raise (ConfigError if 400 <= e.code < 500 else GemliveError)(redact(message, key)) from None
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise GemliveError(
            redact(f"could not reach the token service at {redact_url(url)}: {reason}", key)
        ) from None
    try:
        answer = json.loads(raw)
    except ValueError:
        raise GemliveError("the token service answered with something that is not JSON") from None
    if not isinstance(answer, dict):
        raise GemliveError("the token service answered with JSON that is not an object")
    return answer


def _error_message(raw: bytes) -> str:
    try:
        error = json.loads(raw).get("error", {})
        return str(error.get("message") or error)[:300]
    except (ValueError, AttributeError):
        return raw.decode("utf-8", "replace")[:300]


async def create_ephemeral_token(
    config: Any = None,
    *,
    api_key: str | Secret | None = None,
    uses: int = 1,
    expire_time: datetime | timedelta | float | None = None,
    new_session_expire_time: datetime | timedelta | float | None = None,
    model: str | None = None,
    lock_additional_fields: Sequence[str] | None = None,
    base_url: str | None = None,
    timeout: float = 30.0,
    environ: Mapping[str, str] | None = None,
    **config_fields: Any,
) -> EphemeralToken:
    """Mint a short-lived Live API token with your API key (``GEMINI_API_KEY`` by default).

    - ``uses``: how many sessions it may start (resuming one is free).
    - ``expire_time``: when it stops working (datetime, timedelta or seconds from now; default
      30 minutes, at most 20 hours); ``new_session_expire_time``: until when it may start
      sessions (default 60 seconds).
    - ``config`` / ``model`` / config fields (``voice="Puck"``, ``system_instruction=…``): lock
      the session to this config. With ``lock_additional_fields`` None the whole config
      (defaults included) is locked; with a list, only the fields you set (those that differ
      from a default LiveConfig) plus those named, as the SDK does with its non-null fields.
    - ``base_url``: the API (default ``https://generativelanguage.googleapis.com``; the emulator's
      is ``emu.tokens.base_url``). A key from the environment goes to Google's host only; for
      another ``base_url`` pass ``api_key=``.

    Example::

        token = await create_ephemeral_token(uses=2, expire_time=600, voice="Puck")
        session = await gl.connect(api_key=token.name)
    """
    env: Mapping[str, str] = os.environ if environ is None else environ
    base = _base(base_url)
    key = as_secret(api_key)
    if key is None and urlsplit(base).hostname == GOOGLE_HOST:
        # environment keys go only to the host they belong to, as connect() does; an explicit
        # api_key= goes where the caller says
        key = next((s for s in (as_secret(env.get(n) or None) for n in GOOGLE_KEY_ENVS) if s), None)
    if key is None:
        raise ConfigError(
            f"no API key to mint a token with at {redact_url(base)!r} — pass api_key=... "
            f"({GOOGLE_KEY_ENVS[0]} from the environment is sent to {GOOGLE_HOST} only)"
        )
    if key.reveal().startswith(EPHEMERAL_PREFIX):
        raise ConfigError("mint tokens with your API key, not with another ephemeral token")
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, (int, float))
        or not math.isfinite(timeout)
        or timeout <= 0
    ):
        raise ConfigError(f"timeout must be a number of seconds > 0 such as 30, not {timeout!r}")
    if isinstance(uses, bool) or not isinstance(uses, int) or uses < 1:
        raise ConfigError(f"uses must be a whole number >= 1, got {uses!r}")
    now = datetime.now(timezone.utc)
    expires = _moment(expire_time, now, "expire_time") or now + DEFAULT_LIFETIME
    if expires <= now or expires - now > MAX_LIFETIME:
        raise ConfigError(
            "expire_time must be in the future and at most 20 hours away, not "
            f"{expires:%Y-%m-%d %H:%M:%S} UTC"
        )
    starts = _moment(new_session_expire_time, now, "new_session_expire_time")
    starts_or_default = starts or min(now + DEFAULT_NEW_SESSION, expires)
    if starts_or_default > expires:
        raise ConfigError("new_session_expire_time must not be after expire_time")
    if lock_additional_fields is not None and (
        isinstance(lock_additional_fields, str)
        or not all(isinstance(f, str) for f in lock_additional_fields)
    ):
        raise ConfigError(
            "lock_additional_fields must be a list of field names such as ['temperature']"
        )
    setup = _setup(config, model, config_fields, lock_additional_fields is not None)
    body = token_request(
        uses=uses,
        expire_time=expires if expire_time is not None else None,
        new_session_expire_time=starts,
        setup=setup,
        lock_additional_fields=lock_additional_fields,
    )
    url = base + TOKENS_PATH
    answer = await asyncio.to_thread(_post, url, key, body, timeout)
    name = answer.get("name")
    if not isinstance(name, str) or not name.startswith(EPHEMERAL_PREFIX):
        raise GemliveError("the token service answered without a token name (auth_tokens/…)")
    mask = body.get("fieldMask")
    return EphemeralToken(
        name=Secret(name),
        uses=uses,
        expire_time=expires,
        new_session_expire_time=starts_or_default,
        locked=() if setup is None else None if mask is None else tuple(mask.split(",")),
    )


def create_ephemeral_token_sync(config: Any = None, **kwargs: Any) -> EphemeralToken:
    """:func:`create_ephemeral_token` for code without an event loop (works in notebooks too).

    Example: ``token = create_ephemeral_token_sync(uses=1, api_key=key)``.
    """
    return run_sync(create_ephemeral_token(config, **kwargs))
