"""What a test may assert about a reply whatever legal order the service sent it in (issue 24).

The service may send ``interrupted`` after a reply's ``turnComplete`` while the reply still plays
(PROTOCOL.md §3; the grammar's ``turn.barge_after_turn_complete``): the next question then cuts
it, and the earlier turn ends ``interrupted`` with all of its reply received but less of it heard.
A test of a conversation asserts :func:`got_its_reply`, not ``status == "answered"``, unless the
cut is its subject. Example::

    first = await s.ask("Hello")
    second = await s.ask("And again?")
    assert got_its_reply(first) and second.status == "answered"
"""

from __future__ import annotations

import numpy as np

from gemlive_nb.conversation.turn import Turn

__all__ = ["assert_reply_audio", "got_its_reply"]


def got_its_reply(turn: Turn) -> bool:
    """``turn`` ended with a reply: answered, or cut while it played (words and audio received).

    (The caller checks the words it expects: a cut after ``turnComplete`` keeps them all.)
    """
    if turn.status == "answered":
        return True
    return (
        turn.status == "interrupted"
        and bool(turn.output_transcript or turn.text)
        and turn.heard_samples <= turn.received_samples
    )


def assert_reply_audio(turn: Turn, spoken: np.ndarray) -> None:
    """``turn`` received all of ``spoken`` and kept what was heard: all, or the start if cut."""
    assert turn.received_samples == len(spoken), f"turn {turn.index} lost samples"
    heard = turn.audio.samples
    assert len(heard) == len(spoken) or turn.status == "interrupted", f"turn {turn.index} cut"
    assert np.array_equal(heard, spoken[: len(heard)]), f"turn {turn.index} lost samples"
