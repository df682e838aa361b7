"""Checks of :class:`~gemlive_nb.emulator.Emulator` arguments.

A bad one raises ConfigError naming the value and the fix.

Example::

    check_options(port=-1)   # ConfigError: port must be 0 (any free port) or 1-65535, got -1 ...
"""

from __future__ import annotations

import difflib
from typing import Any

from ..exceptions import ConfigError
from ..protocol.service_rules import REGIMES

__all__ = ["DIALECT_CHOICES", "SPEECH_CHOICES", "check_choice", "check_options"]

DIALECT_CHOICES = ("google", "mixroute")
SPEECH_CHOICES = ("auto", "builtin", "real")
_OPTIONAL = {"go_away_after", "drop_after", "fail_after_turns"}
_WHOLE = {"port", "burst", "seed", "chunk_ms", "fail_after_turns"}
_SECONDS = {
    "latency", "go_away_after", "go_away_time_left", "max_connection_s", "audio_session_s",
    "video_session_s",
    "drop_after", "slow", "bursty", "speed",
}  # fmt: skip


def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    """``value`` must be one of ``choices``; the error suggests the closest one."""
    if value in choices:
        return
    close = difflib.get_close_matches(str(value), choices, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ConfigError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}{hint}")


def check_options(**values: Any) -> None:
    """Every number is a number in range; choices are known; the script is a list of steps."""
    for name, value in values.items():
        if name not in _WHOLE | _SECONDS:
            continue
        if value is None and name in _OPTIONAL:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{name} must be a number, got {value!r}")
        if name in _WHOLE and value != int(value):
            raise ConfigError(f"{name} must be a whole number, got {value!r} (e.g. {int(value)})")
        if name in _SECONDS and value < 0:
            raise ConfigError(f"{name} must be >= 0 seconds, got {value!r} (use 0 or a positive)")
    port = values.get("port", 0)
    if not 0 <= port <= 65535:
        raise ConfigError(f"port must be 0 (any free port) or 1-65535, got {port!r}")
    chunk_ms = values.get("chunk_ms", 40)
    if not 10 <= chunk_ms <= 1000:
        raise ConfigError(f"chunk_ms must be between 10 and 1000, got {chunk_ms!r} (default 40)")
    if values.get("burst", 1) < 1:
        raise ConfigError(f"burst must be at least 1 chunk, got {values['burst']!r}")
    realtime = values.get("realtime", False)
    if not isinstance(realtime, (bool, int, float)) or realtime < 0:
        raise ConfigError(
            f"realtime must be True/False or a speed factor > 0 (e.g. 4), got {realtime!r}"
        )
    script = values.get("script")
    if script is not None and (
        not isinstance(script, list) or not all(isinstance(x, dict) for x in script)
    ):
        raise ConfigError(
            f"script must be a list of step dicts such as [{{'expect': 'setup'}}], "
            f"got {script!r:.60}"
        )
    if "dialect" in values:
        check_choice("dialect", values["dialect"], DIALECT_CHOICES)
    if "speech" in values:
        check_choice("speech", values["speech"], SPEECH_CHOICES)
    if "rules" in values:  # the dated regimes of the service's rules
        check_choice("rules", values["rules"], REGIMES)
