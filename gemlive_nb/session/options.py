"""Checks of the session options and timeouts (clear errors naming the bad value)."""

from __future__ import annotations

from typing import Any

from ..exceptions import ConfigError

__all__ = ["check_options", "check_timeout"]

_OPTIONAL = ("ping_interval", "ping_timeout", "tool_timeout")
_WHOLE = ("max_failures", "event_buffer")


def check_options(**options: Any) -> None:
    """Session options are positive numbers (whole where counted; None where optional)."""
    for name, value in options.items():
        if value is None and name in _OPTIONAL:
            continue
        whole = name in _WHOLE
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (whole and value != int(value))
            or value < 0
            or (value == 0 and name != "backoff_s")
        ):
            kind = "a whole number >= 1" if whole else "a number of seconds > 0"
            if name in _OPTIONAL:
                kind += " or None"
            raise ConfigError(f"{name} must be {kind}, not {value!r}")


def check_timeout(timeout: Any) -> None:
    """Validate a ``timeout=`` option: a number of seconds > 0, or None (wait forever).

    Raises :class:`~gemlive_nb.exceptions.ConfigError` naming the bad value otherwise::

        check_timeout(30)  # fine
        check_timeout(0)  # ConfigError: timeout must be a number of seconds > 0 or None, not 0
    """
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
    ):
        raise ConfigError(f"timeout must be a number of seconds > 0 or None, not {timeout!r}")
