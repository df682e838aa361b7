"""The conversation as data: who said what, when, and what was heard.

- :mod:`.model` — the turn model: an I/O-free state machine attributing every server event to
  the user utterance it answers (its docstring draws the states).
- :mod:`.turn` — :class:`Turn`, one utterance and its reply, with status and metrics.
- :mod:`.recording` — :class:`Recording`, a session's timeline (events, audio tracks, turns);
  :mod:`.views` — its reading side (audio as heard, usage, metrics, table).
- :mod:`.track`, :mod:`.cues`, :mod:`.store`, :mod:`.events` — audio on a timeline, SRT/VTT
  subtitles, save/load, and the event log's summaries.
"""

from __future__ import annotations

from .events import check_record, event_record
from .recording import Recording
from .track import Track
from .turn import Turn

__all__ = ["Recording", "Track", "Turn", "check_record", "event_record"]
