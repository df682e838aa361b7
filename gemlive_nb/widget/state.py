"""What the VoiceWidget shows about its session, kept true when the session goes away.

When the session closes (a drop with a code, a failed connect, a normal disconnect) nothing is
connected and nothing captures any more: the mic and the camera/screen share turn off, so the
widget never says "camera on" or "mic live" for a session that is gone. The page stops its
tracks when it sees ``mic_on``/``video_on`` turn false. A reconnect in progress keeps them:
frames wait for the session (the page says so). Example::

    session_gone(widget)     # status 'closed', connected/mic_on/video_on False
    closed_error(1011, "Internal error occurred.")  # 'Connection closed with code 1011: ...'
"""

from __future__ import annotations

import contextlib
from typing import Any

__all__ = ["closed_error", "is_closed", "session_gone", "ttfa_ms"]


def is_closed(session: Any) -> bool:
    """Whether the session says it is closed."""
    return getattr(session, "status", None) == "closed"


def ttfa_ms(session: Any) -> float | None:
    """The last turn's time to first audio (ms) from the session's recording, if known."""
    with contextlib.suppress(Exception):
        turns = session.recording.turns
        value = turns[-1].metrics.get("latency_first_audio") if turns else None
        return round(value * 1000) if isinstance(value, (int, float)) else None
    return None


def session_gone(widget: Any) -> None:
    """The session is gone: the widget says closed and releases the mic and the camera."""
    widget.connected = False
    widget.status = "closed"
    widget.mic_on = False
    widget.video_on = False


def closed_error(code: int | None, detail: str) -> str | None:
    """What the widget shows for a close with ``code``: None for a normal one (no code, 1000)."""
    if code in (None, 1000):
        return None
    if f"code {code}" in detail:  # the session's text already names the code
        return detail[:1].upper() + detail[1:]
    return f"Connection closed with code {code}" + (f": {detail}" if detail else "")
