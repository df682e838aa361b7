"""Kernel → browser: a session's events as the items the page draws, queued in the batcher.

:class:`Downlink` is a collaborator the :class:`~gemlive_nb.widget.VoiceWidget` owns. It turns
each session event (reply audio, transcripts, reply text, an interruption, a barge-in cut, the
end of a turn, tool calls, grounding) into a :data:`~gemlive_nb.widget.messages.TO_BROWSER` item
for the :class:`~gemlive_nb.widget.batcher.Batcher`, and counts the reply audio chunks. The
connection's status is not its job: that drives the widget's traits. Example::

    down = Downlink(batcher, reply_audio=True, ttfa=lambda: 350)
    down.event(AudioChunk(pcm))      # queued as reply audio; down.chunks_out == 1
    down.mark("reconnecting…", "warn")
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..protocol import (
    AudioChunk,
    GroundingMetadata,
    InputTranscript,
    Interrupted,
    OutputTranscript,
    TextPart,
    ToolCall,
    TurnComplete,
)
from ..session import PlaybackCut
from .batcher import Batcher
from .media import grounding_item
from .messages import TO_BROWSER

__all__ = ["Downlink"]


class Downlink:
    """Session events → the page's items.

    ``reply_audio``: whether reply audio goes to the page (not when the kernel plays it);
    ``ttfa``: the last turn's time to first audio in ms, if known (shown with the turn's end).
    """

    def __init__(
        self, batcher: Batcher, *, reply_audio: bool, ttfa: Callable[[], float | None]
    ) -> None:
        self._batcher = batcher
        self._reply_audio = reply_audio
        self._ttfa = ttfa
        self.chunks_out = 0  # reply audio chunks queued for the page

    def mark(self, text: str, tone: str = "info") -> None:
        """Queue a note for the transcript (``tone``: info | warn | error)."""
        self._batcher.item({"type": TO_BROWSER.MARK, "text": text, "tone": tone})

    def event(self, event: Any) -> None:
        """Queue the page's item for ``event`` (events the page does not show are skipped)."""
        b = self._batcher
        if isinstance(event, AudioChunk):
            if self._reply_audio:
                self.chunks_out += 1
                b.audio(event.data, event.rate, time.time())
        elif isinstance(event, InputTranscript):
            b.transcript("user", event.text, bool(event.finished), speaker=event.speaker)
        elif isinstance(event, OutputTranscript):  # each word shows once (see reply_words)
            b.reply_words(event.text, transcribed=True, final=bool(event.finished))
        elif isinstance(event, TextPart) and not event.thought:
            b.reply_words(event.text, transcribed=False, final=False)
        elif isinstance(event, Interrupted):
            b.interrupt()
        elif isinstance(event, PlaybackCut):
            heard = getattr(event, "transcript", None)
            b.item({"type": TO_BROWSER.CUT, "heard": heard if isinstance(heard, str) else None,
                    "played_samples": event.played_samples})  # fmt: skip
        elif isinstance(event, TurnComplete):
            b.item({"type": TO_BROWSER.TURN, "reason": event.reason, "ttfa_ms": self._ttfa()})
        elif isinstance(event, ToolCall):
            calls = [{"id": c.id, "name": c.name, "args": c.args} for c in event.calls]
            b.item({"type": TO_BROWSER.TOOL, "calls": calls})
        elif isinstance(event, GroundingMetadata):
            item = grounding_item(event)
            if item is not None:
                b.item(item)
