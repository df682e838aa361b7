"""Closes and errors: the close codes (one home), which are fatal, and what to do about a close.

Codes are RFC 6455's plus 4000, the kit's own for an HTTP 4xx at the WebSocket upgrade::

    CloseCode.INTERNAL_ERROR == 1011   # an IntEnum: compares and serialises as the number
    fatal(CloseCode.POLICY_VIOLATION, "API key not valid")   # True: never retried
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ABORTED", "SESSION_GONE", "CloseCode", "close_hint", "fatal"]

ABORTED = "operation was aborted"
SESSION_GONE = "session not found"


class CloseCode(IntEnum):
    """The close codes the session tells apart (RFC 6455 §7.4.1, and 4000 for HTTP 4xx)."""

    NORMAL = 1000
    ABNORMAL = 1006  # dropped without a close frame (never sent on the wire)
    INVALID_DATA = 1007  # the service: a bad setting
    POLICY_VIOLATION = 1008  # the service: a bad key, an unknown model (or "aborted")
    INTERNAL_ERROR = 1011  # the service had an internal error: retried
    UPGRADE_REFUSED = 4000  # the kit's own: HTTP 4xx at the WebSocket upgrade

    def __str__(self) -> str:  # the number, as in messages (Python 3.10 would say the name)
        return str(self.value)


def close_hint(code: int, reason: str) -> str:
    """What to do about a close, from its code and the server's reason text."""
    r = reason.lower()
    if "api key" in r or "credential" in r or "authenticat" in r or "permission" in r:
        return "check your API key (GEMINI_API_KEY, MIXROUTE_API_KEY or api_key=...)"
    if "voice" in r:
        return "check the voice name (see gl.VOICES)"
    if "language" in r:
        return "check the language (see gl.LANGUAGES); native-audio models pick it themselves"
    if "model" in r or "entity was not found" in r:
        return "check the model name and the API version (see gl.MODELS)"
    if "location" in r:
        return "the service is not available from this location"
    if code == CloseCode.INVALID_DATA:
        return "the server rejected a setting — check the LiveConfig (session.config)"
    if code == CloseCode.POLICY_VIOLATION:
        return "check your API key, the model name and the API version"
    if code == CloseCode.INTERNAL_ERROR:
        return "the service had an internal error; try again later"
    if code == CloseCode.ABNORMAL:
        return "the connection dropped; check the network (or that the endpoint is running)"
    return "see the close code and reason"


def fatal(code: int, reason: str) -> bool:
    """True for closes that retrying cannot fix (bad setting, bad key, unknown model)."""
    r = reason.lower()
    if code == CloseCode.INVALID_DATA:
        return True
    if code == CloseCode.POLICY_VIOLATION:
        return ABORTED not in r and SESSION_GONE not in r
    return code == CloseCode.UPGRADE_REFUSED
