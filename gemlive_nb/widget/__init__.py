"""VoiceWidget: talk to Gemini Live from a notebook cell, through the browser's mic and speakers.

Modules: :mod:`.voice_widget` (the widget: its traits, its session and the dispatch of the
page's messages), and the collaborators it owns: :mod:`.browser_input` (the page's input checked,
counted and queued, and the stats), :mod:`.downlink` (session events → the page's items),
:mod:`.batcher` (kernel → browser coalescing), :mod:`.opening` (opening one session at a time),
:mod:`.kernel_audio` (the kernel's mic and speakers); :mod:`.uplink` (frame counter and inbox),
:mod:`.messages` (the message kinds and budget shared with ``js/``), :mod:`.tasks` (running on
the session's loop), :mod:`.replay` (:class:`ReplayWidget`: a recorded conversation played back).

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
