"""The states of a turn in the turn model (:mod:`.model` draws them)."""

from __future__ import annotations

from enum import Enum

__all__ = ["OPEN_STATES", "TurnState"]


class TurnState(str, Enum):
    """Where a turn is in the turn model: the states of the diagram in :mod:`.model`.

    Open: ``PENDING`` (no reply output yet), ``ANSWERING`` (reply output arriving),
    ``INTERRUPTING`` (a barge-in cut it; its ``turnComplete`` has not come). Ended:
    ``ANSWERED``, ``INTERRUPTED``, ``NO_REPLY``, ``FAILED``. The members are strings::

        turn.state == "answering"; turn.state.is_open     # True
    """

    PENDING = "pending"
    ANSWERING = "answering"
    INTERRUPTING = "interrupting"
    ANSWERED = "answered"
    INTERRUPTED = "interrupted"
    NO_REPLY = "no_reply"
    FAILED = "failed"

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    @property
    def is_open(self) -> bool:
        """True until the turn ended."""
        return self in OPEN_STATES


OPEN_STATES = frozenset({TurnState.PENDING, TurnState.ANSWERING, TurnState.INTERRUPTING})
