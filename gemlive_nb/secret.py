"""API keys that never leak: a `Secret` wrapper and a `redact` function for text.

A `Secret` hides its value from ``repr``, ``str``, f-strings, pickling and equality printouts;
only :meth:`Secret.reveal` returns it, and only the code that writes the HTTP header calls it.

Example::

    key = Secret("sk-abc123")
    print(key)                 # ***
    redact("url?key=sk-abc123", key)   # 'url?key=***'
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
from typing import Any, NoReturn
from urllib.parse import unquote_plus

__all__ = [
    "HIDDEN_VALUE",
    "REDACTED",
    "SECRET_HEADERS",
    "SECRET_PARAMS",
    "RedactingLogger",
    "Secret",
    "is_secret_param",
    "looks_like_secret",
    "redact",
    "redact_url",
]

REDACTED = "***"
# What an error message shows instead of a bad value that looks like a key (see looks_like_secret).
HIDDEN_VALUE = "<a value that looks like a key, not shown>"

# Query parameters whose value is a credential (compared case-insensitively): the names the
# Live API and its proxies take. Any other name made of a credential word is key-like too (see
# is_secret_param: ``accessToken``, ``id_token``, ``x-api-key``, ``secret``, ``sig``…).
SECRET_PARAMS = ("key", "access_token", "token", "apikey", "api-key", "api_key", "auth",
                 "x-goog-api-key")  # fmt: skip
# Words that make a parameter name key-like wherever they stand in it (``auth_token``).
_CREDENTIAL_WORDS = frozenset(
    ("key", "apikey", "token", "accesstoken", "secret", "sig", "signature", "password",
     "passwd", "pwd", "credential", "credentials", "auth", "authorization", "bearer", "jwt")
)  # fmt: skip
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# HTTP headers whose value is a credential; never sent to another origin on a redirect.
SECRET_HEADERS = ("authorization", "x-goog-api-key", "cookie", "proxy-authorization")


class Secret:
    """A string that is never shown. ``bool(secret)`` is False for an empty value."""

    __slots__ = ("_value",)
    _value: str

    def __init__(self, value: str | Secret) -> None:
        if isinstance(value, Secret):
            value = value.reveal()
        if not isinstance(value, str):
            raise TypeError(f"an API key must be a str, not {type(value).__name__}")
        object.__setattr__(self, "_value", value.strip())

    def reveal(self) -> str:
        """The real value, for the one place that puts it on the wire."""
        return self._value

    @property
    def fingerprint(self) -> str:
        """A short, non-reversible tag to tell two keys apart in logs (sha256 prefix)."""
        return hashlib.sha256(self._value.encode()).hexdigest()[:8] if self._value else ""

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Secret is immutable")

    def __repr__(self) -> str:
        return f"Secret('{REDACTED}')"

    def __str__(self) -> str:
        return REDACTED

    def __format__(self, spec: str) -> str:
        return REDACTED

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Secret):
            return self._value == other._value
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled; pass the key again where it is needed")


# Credentials recognisable by where they stand: an auth header's value, or a URL query value
# whose name is key-like (checked by is_secret_param in _mask).
_CREDENTIAL = re.compile(
    r"(?:([?&;]([^\s=&?;#'\"]+)=)"
    r"|(\b(?:authorization|x-goog-api-key)[\"']?\s*[:=]\s*[\"']?(?:(?:bearer|token)\s+)?))"
    r"([^\s&'\",;]+)",
    re.IGNORECASE,
)


def _mask(m: re.Match[str]) -> str:
    if m.group(1) is not None and not is_secret_param(unquote_plus(m.group(2))):
        return m.group(0)
    return (m.group(1) or m.group(3)) + REDACTED


def redact(text: str, *secrets: Secret | str | None) -> str:
    """Replace each secret's value, and any credential in a URL query or auth header, by ``***``.

    Example: ``redact("GET /ws?key=abc123 Authorization: Bearer sk-1")`` →
    ``'GET /ws?key=*** Authorization: Bearer ***'``.
    """
    for secret in secrets:
        value = secret.reveal() if isinstance(secret, Secret) else secret
        if value and len(value) >= 4:
            text = text.replace(value, REDACTED)
    text = _CREDENTIAL.sub(_mask, text)
    return _USERINFO.sub(rf"\1{REDACTED}@", text)


_USERINFO = re.compile(r"(\w://)[^/@\s?#]+@")


def is_secret_param(name: str) -> bool:
    """Whether a URL query parameter named ``name`` carries a credential.

    The one rule for key-like names: one of :data:`SECRET_PARAMS`, or a name with a credential
    word in it (split at ``_``, ``-``, ``.`` and camelCase). Example: ``is_secret_param(
    "accessToken")`` → True, ``is_secret_param("x-api-key")`` → True, ``is_secret_param("alt")``
    → False.
    """
    if name.strip().lower() in SECRET_PARAMS:
        return True
    return any(w.lower() in _CREDENTIAL_WORDS for w in _WORD.findall(name))


def redact_url(url: str) -> str:
    """``url`` with every key-like query value and any ``user:password@`` masked.

    The one helper for showing a URL (endpoint reprs, ``describe()``, widget state, recordings'
    meta, log lines). Example: ``redact_url("wss://h/ws?token=abc&x=1")`` →
    ``'wss://h/ws?token=***&x=1'``.
    """
    return redact(url)


# Shapes of real credentials: Google API keys, OpenAI-style keys, ephemeral tokens, OAuth tokens.
_SECRET_PREFIXES = ("AIza", "sk-", "auth_tokens/", "ya29.", "1//", "Bearer ", "Token ")
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_\-.+/=~]+")
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]{16,}")


def looks_like_secret(value: object) -> bool:
    """Whether ``value`` looks like a key or token, so an error message must not echo it.

    True for known key shapes (``AIza…``, ``sk-…``, ``auth_tokens/…``, ``ya29.…``) and for long
    random-looking strings; False for model ids and voice names such as
    ``'gemini-2.5-flash-native-audio-preview-12-2025'`` or ``'Zephyr'``.

    Example: ``looks_like_secret("AIzaSyA1b2C3")`` → True; ``looks_like_secret("Puck")`` → False.
    """
    if isinstance(value, Secret):
        return True
    if not isinstance(value, str):
        return False
    text = value.strip()
    if text.startswith(_SECRET_PREFIXES):
        return True
    if not _TOKEN_CHARS.fullmatch(text):
        return False
    # a long run of letters and digits with no word breaks (hex, base64) is random, not a name
    if any(
        any(c.isdigit() for c in run) and any(c.isalpha() for c in run)
        for run in _ALNUM_RUN.findall(text)
    ):
        return True
    # so is text full of capitals and digits beside letters (base64); names have a capital per
    # word and digits apart (``gemini-2.5-flash``, ``OpenAIVoice``)
    odd = sum(
        b.isupper() or (a.isalpha() and b.isdigit()) or (a.isdigit() and b.isalpha())
        for a, b in itertools.pairwise(text)
        if a.isalnum() and b.isalnum()
    )
    return len(text) >= 16 and odd >= 4 and odd * 4 >= len(text)


class RedactingLogger(logging.LoggerAdapter):
    """A logger for websockets' ``logger=`` argument that redacts every message.

    websockets' debug lines show request URLs and headers, which may carry a key, so every
    message is formatted and redacted before it is logged.

    Example: ``serve(handler, host, port, logger=RedactingLogger("gemlive_nb.emulator.ws"))``.
    """

    def __init__(self, name: str, *secrets: Secret | str | None) -> None:
        super().__init__(logging.getLogger(name), {})
        self.secrets = secrets

    def log(self, level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        """Log ``msg % args`` at ``level`` with every known secret redacted."""
        if self.isEnabledFor(level):
            text = str(msg) % args if args else str(msg)
            self.logger.log(level, redact(text, *self.secrets), **kwargs)
