"""The receiving side of a session: server frames into events, each handed to its owner.

Nothing in a frame may stop the reader: a frame or event that cannot be used becomes an
``error`` entry in the recording and a warning. Example::

    rx = Receiver(recording, runner, link, emit, on_usage)
    rx.on_frame('{"serverContent": {...}}')     # parsed, recorded, emitted
    rx.received, rx.received_audio_s            # counters for ``stats``
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from .. import protocol as p
from ..conversation import Recorder
from .events import PlaybackCut
from .link import Link
from .tool_runner import ToolRunner

__all__ = ["Receiver"]

log = logging.getLogger("gemlive_nb.session")


class Receiver:
    """Parses frames and hands each event to its owner.

    Tool calls go to ``runner``, goAway and resumption handles to ``link``, every event to
    the recording and ``emit``; ``on_usage()`` runs after each usage report (the budget).
    """

    def __init__(
        self,
        recorder: Recorder,
        runner: ToolRunner,
        link: Link,
        emit: Callable[[Any], None],
        on_usage: Callable[[], None],
    ) -> None:
        self.received = 0
        self.received_audio_s = 0.0
        self._recorder = recorder
        self._runner = runner
        self._link = link
        self._emit = emit
        self._on_usage = on_usage

    def counters(self) -> dict[str, Any]:
        """The incoming counters of :class:`~.events.SessionStats`."""
        return dict(
            audio_seconds_received=round(self.received_audio_s, 6),
            messages_received=self.received,
        )

    def on_frame(self, frame: str | bytes) -> None:
        """One server frame; nothing in it may stop the reader (bad parts become error events)."""
        self.received += 1
        self._recorder.keep_frame("recv", frame)
        try:
            events = p.parse_server_message(frame)
        except Exception as e:  # ProtocolError, or anything a hostile frame provokes
            log.warning("ignored a server frame that could not be read: %s", e)
            self._recorder.log_error(f"{type(e).__name__}: {e}", bytes=len(frame))
            return
        for event in events:
            try:
                self.on_event(event)
            except Exception as e:
                log.warning("ignored a server event that could not be used: %r", e)
                self._recorder.log_error(f"{type(e).__name__}: {e}", event=type(event).__name__)

    def on_event(self, event: Any) -> None:
        """One parsed event, to its owner, the recording and the listeners."""
        if isinstance(event, p.ToolCall):
            whole = self._runner.whole(event)
            if whole is None:  # arguments still streaming: used (and recorded) once whole
                return
            event = whole
            self._runner.run(event)
        elif type(event) is p.AudioChunk:
            if event.rate > 0:
                self.received_audio_s += event.duration
        elif isinstance(event, p.SessionResumptionUpdate):
            self._link.resumption_update(event.handle, event.resumable)
        elif isinstance(event, p.GoAway):
            self._link.goaway(event.time_left)
        elif isinstance(event, p.ToolCallCancellation):
            self._runner.cancel(event.ids)
        outcome = self._recorder.on_event(event)
        self._emit(event)
        if isinstance(event, p.Usage):
            self._on_usage()
        if outcome.completed is not None:
            self._link.machine.turn_ended()
        elif outcome.cut is not None:
            cut = outcome.cut
            self._emit(PlaybackCut(cut.turn.index, cut.kept, transcript=cut.turn.transcript))
        self.expire()

    def expire(self) -> None:
        """End turns whose quiet period is over."""
        if self._recorder.open_turns:
            self._recorder.expire()
