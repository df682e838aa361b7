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

__all__ = ["REDACTED", "Secret", "redact"]

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


def redact(text: str, *secrets: Secret | str | None) -> str:
    """Replace every occurrence of each secret's value in ``text`` with ``***``."""
    for secret in secrets:
        value = secret.reveal() if isinstance(secret, Secret) else secret
        if value and len(value) >= 4:
            text = text.replace(value, REDACTED)
    return text
