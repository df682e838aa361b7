"""The conversation as data: who said what, when, and what was heard.

- :mod:`.model` — the turn model: an I/O-free state machine attributing every server event to
  the user utterance it answers (its docstring draws the states).
- :mod:`.turn` — :class:`Turn`, one utterance and its reply, with status and metrics.
- :mod:`.recording` — :class:`Recording`, a session's timeline (events, audio tracks, turns,
  audio as heard, usage, metrics, table), read-only; :mod:`.recorder` — :class:`Recorder`, the
  session's private writer of it (events in, an :class:`~.recorder.Outcome` out).
- :mod:`.track`, :mod:`.cues`, :mod:`.store`, :mod:`.events` — audio on a timeline, SRT/VTT
  subtitles, save/load, and the event log's summaries.
"""

from __future__ import annotations

from .events import check_record, event_record
from .recorder import Cut, Outcome, Recorder
from .recording import Recording
from .track import Track
from .turn import Turn, TurnState

__all__ = [
    "Cut",
    "Outcome",
    "Recorder",
    "Recording",
    "Track",
    "Turn",
    "TurnState",
    "check_record",
    "event_record",
]
