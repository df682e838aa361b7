"""Closes and errors: which close codes are fatal, and what to do about a close."""

from __future__ import annotations

__all__ = ["ABORTED", "SESSION_GONE", "close_hint", "fatal"]

ABORTED = "operation was aborted"
SESSION_GONE = "session not found"


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
    if code == 1007:
        return "the server rejected a setting — check the LiveConfig (session.config)"
    if code == 1008:
        return "check your API key, the model name and the API version"
    if code == 1011:
        return "the service had an internal error; try again later"
    if code == 1006:
        return "the connection dropped; check the network (or that the endpoint is running)"
    return "see the close code and reason"


def fatal(code: int, reason: str) -> bool:
    """True for closes that retrying cannot fix (bad setting, bad key, unknown model)."""
    r = reason.lower()
    if code == 1007:
        return True
    if code == 1008:
        return ABORTED not in r and SESSION_GONE not in r
    return code == 4000  # HTTP 4xx at the upgrade (see _open)
