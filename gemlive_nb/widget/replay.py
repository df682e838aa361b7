"""ReplayWidget: play a recorded conversation back, both sides on one timeline.

The transcript follows the playhead. The audio (user left, model right, 24 kHz, from
``Recording.stereo()``) goes to the page as a comm message when a view asks for it, never into
a trait: a saved notebook keeps only the transcript cues, however long the conversation was.
Example::

    gl.ReplayWidget(s.recording)           # or gl.ReplayWidget(gl.Recording.load("run1"))
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import anywidget
import traitlets as t

from ..audio import write_wav
from ..protocol import OUTPUT_RATE
from .messages import TO_BROWSER, TO_KERNEL

__all__ = ["ReplayWidget"]

_STATIC = Path(__file__).resolve().parents[1] / "static"


class ReplayWidget(anywidget.AnyWidget):
    """Replay of a :class:`Recording` (see the module docstring)."""

    _esm = _STATIC / "widget.js"
    _css = _STATIC / "widget.css"

    _kind = t.Unicode("replay").tag(sync=True)
    _uid = t.Unicode("").tag(sync=True)
    cues: Any = t.List(help="[start_s, end_s, speaker, text] on the recording's timeline").tag(
        sync=True
    )
    duration = t.Float(0.0, help="Seconds of audio").tag(sync=True)

    def __init__(self, recording: Any) -> None:
        stereo = recording.stereo()
        cues = [[round(a, 3), round(b, 3), who, text] for a, b, who, text in recording.cues()]
        super().__init__(cues=cues, duration=len(stereo) / OUTPUT_RATE)
        buf = io.BytesIO()
        write_wav(buf, stereo, OUTPUT_RATE)
        self._wav = buf.getvalue()
        self.on_msg(self._on_custom)

    def _on_custom(self, _widget: Any, content: dict[str, Any], _buffers: list[Any]) -> None:
        if isinstance(content, dict) and content.get("type") == TO_KERNEL.READY:
            self.send({"type": TO_BROWSER.REPLAY_AUDIO}, buffers=[self._wav])
