"""VoiceWidget: talk to Gemini Live from a notebook cell, through the browser's mic and speakers.

Modules: :mod:`.voice_widget` (the widget and its session wiring), :mod:`.browser_input`
(browser → kernel messages and the widget's stats), :mod:`.batcher` (kernel → browser
coalescing), :mod:`.uplink` (browser → kernel frames and inbox), :mod:`.messages` (the message
kinds and budget shared with ``js/``), :mod:`.tasks` (running on the session's loop),
:mod:`.replay` (:class:`ReplayWidget`: a recorded conversation played back).

Example::

    import gemlive_nb as gl
    w = gl.VoiceWidget(voice="Puck", language="de-DE")
    w                        # press Connect (or Mic), then talk
    await w.connect()        # or connect from code; w.session is the LiveSession
"""

from __future__ import annotations

from .replay import ReplayWidget
from .voice_widget import VoiceWidget

__all__ = ["ReplayWidget", "VoiceWidget"]
