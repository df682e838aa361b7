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
import logging
import re
from typing import Any

__all__ = ["REDACTED", "RedactingLogger", "Secret", "redact"]

REDACTED = "***"


class Secret:
    """A string that is never shown. ``bool(secret)`` is False for an empty value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
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

    def __reduce__(self):
        raise TypeError("a Secret cannot be pickled; pass the key again where it is needed")


# Credentials recognisable by where they stand: a key in a URL query or an auth header's value.
_CREDENTIAL = re.compile(
    r"((?:[?&](?:key|access_token|api_key)=)"
    r"|(?:\b(?:authorization|x-goog-api-key)[\"']?\s*[:=]\s*[\"']?(?:(?:bearer|token)\s+)?))"
    r"([^\s&'\",;]+)",
    re.IGNORECASE,
)


def redact(text: str, *secrets: Secret | str | None) -> str:
    """Replace each secret's value, and any credential in a URL query or auth header, by ``***``.

    Example: ``redact("GET /ws?key=abc123 Authorization: Bearer sk-1")`` →
    ``'GET /ws?key=*** Authorization: Bearer ***'``.
    """
    for secret in secrets:
        value = secret.reveal() if isinstance(secret, Secret) else secret
        if value and len(value) >= 4:
            text = text.replace(value, REDACTED)
    return _CREDENTIAL.sub(lambda m: m.group(1) + REDACTED, text)


class RedactingLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """A logger for websockets' ``logger=`` argument: its debug lines show request URLs and
    headers, which may carry a key, so every message is formatted and redacted before logging.

    Example: ``serve(handler, host, port, logger=RedactingLogger("gemlive_nb.emulator.ws"))``.
    """

    def __init__(self, name: str, *secrets: Secret | str | None) -> None:
        super().__init__(logging.getLogger(name), {})
        self.secrets = secrets

    def log(self, level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        if self.isEnabledFor(level):
            text = str(msg) % args if args else str(msg)
            self.logger.log(level, redact(text, *self.secrets), **kwargs)
