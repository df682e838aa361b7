"""What a session tells its listeners besides protocol events: status, cuts, drops, counters."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AudioDropped", "PlaybackCut", "SessionStats", "SessionStatus"]


@dataclass(frozen=True)
class SessionStatus:
    """A change of the connection's state, delivered with the protocol events.

    ``state`` is 'connecting', 'connected', 'reconnecting' or 'closed'; ``code`` the close code
    that caused it, if any.
    """

    state: str
    detail: str = ""
    code: int | None = None


@dataclass(frozen=True)
class PlaybackCut:
    """An interruption cut a reply: drop whatever is still queued for playback.

    The reply of turn ``turn_index`` was cut after ``played_samples`` samples (24 kHz, counted
    from the start of that reply). ``transcript`` holds the words heard up to the cut (an
    estimate, see ``Turn.transcript``).
    """

    turn_index: int
    played_samples: int
    transcript: str = ""


@dataclass(frozen=True)
class AudioDropped:
    """The network could not keep up, so the oldest queued microphone audio was dropped.

    Delivered with the events at most once a second while dropping lasts (and logged as a
    warning); ``chunks``/``seconds`` are the session's totals so far (as in ``stats``).
    """

    chunks: int
    seconds: float


@dataclass(frozen=True)
class SessionStats:
    """Counters of a session (a snapshot)."""

    audio_chunks_sent: int
    audio_seconds_sent: float
    dropped_audio_chunks: int
    dropped_audio_seconds: float
    queued_audio_seconds: float
    peak_queued_audio_seconds: float
    audio_seconds_received: float
    messages_received: int
    reconnects: int
    turns: int
