"""What the VoiceWidget shows about its session, kept true when the session goes away.

When the session closes (a drop with a code, a failed connect, a normal disconnect) nothing is
connected and nothing captures any more: the mic and the camera/screen share turn off, so the
widget never says "camera on" or "mic live" for a session that is gone. The page stops its
tracks when it sees ``mic_on``/``video_on`` turn false. A reconnect in progress keeps them:
frames wait for the session (the page says so). Example::

    session_gone(widget)     # status 'closed', connected/mic_on/video_on False
"""

from __future__ import annotations

from typing import Any

__all__ = ["session_gone"]


def session_gone(widget: Any) -> None:
    """The session is gone: the widget says closed and releases the mic and the camera."""
    widget.connected = False
    widget.status = "closed"
    widget.mic_on = False
    widget.video_on = False
