"""The error tree of gemlive_nb.

Every error the package raises on purpose derives from :class:`GemliveError`, and every message
names the bad value and says how to fix it. No message ever contains an API key::

    GemliveError
    ├── ConfigError        (also ValueError)  a setting is wrong: unknown voice, bad VAD value, …
    │   └── ToolNameError  (also ToolError)   a function name the service would refuse
    ├── AudioError         (also ValueError)  audio of the wrong dtype, rate or shape
    ├── ProtocolError      (also ValueError)  a frame that is not valid Live API JSON, or a bad
    │   │                                     value given to a message builder
    │   └── ProtocolTypeError (also TypeError) a message builder got a value of the wrong type
    ├── SessionClosed      (also ConnectionError)  the socket closed; carries `code` and `reason`
    ├── TurnFailed                            a turn ended without a reply (e.g. re-asked too often)
    ├── WaitTimeout        (also TimeoutError) wait_until gave up; names what it waited for
    ├── PandasMissing      (also ImportError) a table was asked for and pandas is not installed
    └── ToolError                             a tool could not be declared or dispatched
        └── ToolNameError  (also ConfigError)

The ``also`` bases keep ``except ValueError`` / ``except TypeError`` written against earlier
versions working.

Example::

    try:
        gl.LiveConfig(voice="Zephir")
    except gl.ConfigError as e:
        print(e)   # unknown voice 'Zephir' — did you mean 'Zephyr'?
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AudioError",
    "ConfigError",
    "GemliveError",
    "PandasMissing",
    "ProtocolError",
    "ProtocolTypeError",
    "SessionClosed",
    "ToolError",
    "ToolNameError",
    "TurnFailed",
    "WaitTimeout",
]


class GemliveError(Exception):
    """Base class of every error raised by gemlive_nb."""


class ConfigError(GemliveError, ValueError):
    """A configuration value is invalid; the message names it and the fix."""


class AudioError(GemliveError, ValueError):
    """Audio has the wrong dtype, rate or shape; the message names what was expected."""


class ProtocolError(GemliveError, ValueError):
    """A server frame could not be understood; the message names what was wrong."""


class ProtocolTypeError(ProtocolError, TypeError):
    """A message builder got a value of the wrong type, e.g. ``realtime_text(3)``."""


class SessionClosed(GemliveError, ConnectionError):
    """The Live session's socket closed.

    ``code`` is the WebSocket close code (1006 when no close frame arrived) and ``reason`` the
    server's reason text, e.g. ``SessionClosed(1007, "Unsupported language code 'xx'")``.
    """

    def __init__(self, code: int, reason: str = "", hint: str = "") -> None:
        self.code = code
        self.reason = reason
        self.hint = hint
        text = f"session closed with code {code}"
        if reason:
            text += f": {reason}"
        if hint:
            text += f" — {hint}"
        super().__init__(text)

    def __reduce__(
        self,
    ) -> tuple[object, ...]:  # keep code/reason across pickling (e.g. multiprocessing)
        return (type(self), (self.code, self.reason, self.hint))


class TurnFailed(GemliveError):
    """A turn ended without a reply it could still get; ``turn.error`` says why.

    For example, it was asked again after goAway reconnects too often.
    """


class ToolError(GemliveError):
    """A Python function could not be turned into a tool, or a tool call could not be answered."""


class ToolNameError(ConfigError, ToolError):
    """A function name the service would refuse (see ``gemlive_nb.protocol.check_tool_name``)."""


class PandasMissing(GemliveError, ImportError):
    """``to_pandas()`` needs pandas, which is not installed (``pip install pandas``)."""


class WaitTimeout(GemliveError, TimeoutError):
    """:func:`wait_until` gave up: ``what`` did not become true within ``timeout`` seconds.

    ``last`` is the predicate's last (falsy) value, so the evidence is in the error.
    """

    def __init__(self, what: str, timeout: float, last: Any) -> None:
        self.what = what
        self.timeout = timeout
        self.last = last
        super().__init__(
            f"waited {timeout:g} s for {what}, but it stayed false (last value: {last!r:.80}) "
            "— pass a longer timeout=, or check that it can happen at all"
        )

    def __reduce__(self) -> tuple[type[WaitTimeout], tuple[str, float, Any]]:  # for pickling
        return (type(self), (self.what, self.timeout, self.last))
