"""Fault injection and connection-lifetime rules for the emulator.

All times are seconds of connection time, counted from the WebSocket upgrade::

    Faults(go_away_after=5, go_away_time_left=2)   # goAway{timeLeft:"2s"} at 5 s, close 1008 at 7 s
    Faults(fail_after_turns=2)   # the 3rd reply breaks mid-turn with close 1011 (once per emulator)
    Faults(drop_after=3.0)       # at 3 s the TCP connection is cut without a close frame (1006)
    Faults(slow=0.05)            # every server frame is delayed by 50 ms
    Faults(bursty=1.0)           # reply audio stalls for 1 s after every third burst
    Faults(go_away_at="mid_audio")   # goAway when half the reply audio is out, 1008 after timeLeft
    Faults(drop_at="generation_complete")  # TCP cut right after generationComplete

Phases of a reply (for ``go_away_at`` / ``drop_at``): ``"turn_start"`` (before any output),
``"mid_audio"`` (half the reply sent) and ``"generation_complete"`` (generationComplete sent,
turnComplete not yet). They fire once per emulator unless ``repeat=True``.

``fail_after_turns`` and ``drop_after`` fire once per emulator (so a client that reconnects
recovers) unless ``repeat=True``; the connection lifetime (goAway, then close) applies to every
connection like the service's ~10-minute limit.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

__all__ = ["ABORTED", "INTERNAL", "PHASES", "Faults"]

PHASES = ("turn_start", "mid_audio", "generation_complete")

ABORTED = "The operation was aborted."
INTERNAL = "Internal error occurred."


@dataclass
class Faults:
    """Fault knobs (see the module doc); ``max_connection_s`` is the connection lifetime."""

    go_away_after: float | None = None
    go_away_time_left: float = 50.0
    max_connection_s: float = 600.0
    fail_after_turns: int | None = None
    drop_after: float | None = None
    repeat: bool = False
    slow: float = 0.0
    bursty: float = 0.0
    go_away_at: str | None = None
    drop_at: str | None = None
    _fired: set[str] = field(default_factory=set, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        for name in ("go_away_after", "drop_after", "slow", "bursty"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must be >= 0 seconds, got {value!r}")
        if self.fail_after_turns is not None and self.fail_after_turns < 0:
            raise ValueError(f"fail_after_turns must be >= 0, got {self.fail_after_turns!r}")
        for name in ("go_away_at", "drop_at"):
            if getattr(self, name) not in (None, *PHASES):
                raise ValueError(
                    f"{name} must be one of {PHASES} or None, got {getattr(self, name)!r}"
                )
        if self.max_connection_s <= 0 or self.go_away_time_left < 0:
            raise ValueError("max_connection_s must be > 0 and go_away_time_left >= 0 seconds")

    def lifetime(self) -> tuple[float, float]:
        """(when goAway is sent, when the connection is closed with 1008), in seconds."""
        if self.go_away_after is not None:
            return self.go_away_after, self.go_away_after + self.go_away_time_left
        left = min(self.go_away_time_left, self.max_connection_s)
        return self.max_connection_s - left, self.max_connection_s

    def time_left_text(self) -> str:
        """``goAway.timeLeft`` as the service writes a Duration: ``"50s"``, ``"9.5s"``."""
        _, end = self.lifetime()
        go, _ = self.lifetime()
        return f"{round(end - go, 3):g}s"

    def take(self, name: str) -> bool:
        """True when the one-shot fault ``name`` may fire now (and marks it fired)."""
        with self._lock:
            if name in self._fired and not self.repeat:
                return False
            self._fired.add(name)
            return True

    def at_phase(self, phase: str) -> tuple[bool, bool]:
        """(send goAway now, drop the connection now) when a reply reaches ``phase``."""
        go = self.go_away_at == phase and self.take("go_away_at")
        drop = self.drop_at == phase and self.take("drop_at")
        return go, drop

    def should_fail(self, completed_turns: int) -> bool:
        """True when this reply must break mid-turn (checks ``fail_after_turns``)."""
        n = self.fail_after_turns
        return n is not None and completed_turns >= n and self.take("fail_after_turns")
