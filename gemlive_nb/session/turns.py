"""The session's own book of turns: what to send again for each open turn, and who waits.

A turn's frames (with the history seeded before it) are kept until it ends, so a broken
connection can ask it again on the next one; ``ask()`` waits on a future per turn::

    book = TurnBook(recording, sender)
    turn = await book.send_turn("Hi", frame)     # begins the turn, sends, marks the user's end
    turn = await book.wait(turn, timeout=30, error=None)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from ..conversation import Recorder, Turn
from ..exceptions import SessionClosed, TurnFailed
from ..waiting import wait_for

__all__ = ["Frames", "TurnBook"]

Frames = list[tuple[str, float]]


class TurnBook:
    """Open turns' frames to re-send, history not yet sent with a turn, waiters per turn.

    ``on_ended()`` runs when a turn ends, before its waiter wakes (the link's goAway hold).
    """

    def __init__(
        self, recorder: Recorder, sender: Any, on_ended: Callable[[], None] = lambda: None
    ) -> None:
        self._recorder = recorder
        self._sender = sender  # its ``send`` is looked up on each call
        self._on_ended = on_ended  # after each turn's end, its waiter not yet awake
        self._resend: dict[int, Frames] = {}
        self._history: Frames = []
        self._waiters: dict[int, asyncio.Future[Turn]] = {}

    def begin(self, text: str | None, frames: Frames, *, expect_reply: bool = True,
              source: str | None = None) -> Turn:  # fmt: skip
        """Open a turn whose input is ``frames`` (sent again if its connection breaks)."""
        turn = self._recorder.begin_turn(user_text=text, source=source, expect_reply=expect_reply)
        self._resend[turn.index] = frames
        return turn

    async def send_history(self, frame: str) -> None:
        """Send context without a turn; it goes again with the next turn if that is re-asked."""
        self._history.append((frame, 0.0))
        await self._sender.send(frame)

    async def send_turn(self, text: str | None, frame: str, source: str | None = None) -> Turn:
        """Begin a turn asked by ``frame`` (after the history seeded so far) and send it."""
        turn = self.begin(text, [*self._history, (frame, 0.0)], source=source)
        self._history = []
        await self._sender.send(frame)
        self._recorder.mark_user_end()
        return turn

    def ended(self, turn: Turn) -> None:
        """``turn`` ended (any status): forget its frames, wake its waiter."""
        self._resend.pop(turn.index, None)
        self._on_ended()
        fut = self._waiters.pop(turn.index, None)
        if fut is not None and not fut.done():
            if turn.status == "failed":
                fut.set_exception(TurnFailed(f"turn {turn.index} failed: {turn.error}"))
            else:
                fut.set_result(turn)

    def resume(self, cause: str) -> Frames:
        """The frames to send first on a new connection: each open turn asked again.

        A turn that cannot be re-sent (streamed microphone audio) is abandoned; each turn is
        asked again at most ``MAX_REASKS`` times (the recording decides). A turn none of whose
        frames went out (held while the old connection was leaving) is not asked again: it
        goes out once, in its place.
        """
        frames: Frames = []
        for turn in self._recorder.open_turns:
            resend = self._resend.get(turn.index)
            if resend and all(self._sender.holds(frame) for frame, _ in resend):
                continue
            if resend is None:
                self._recorder.abandon_turn(turn)
            elif self._recorder.retry_turn(turn, cause):
                frames.extend(resend)
        return frames

    async def wait(self, turn: Turn, timeout: float | None, error: SessionClosed | None) -> Turn:
        """Until ``turn`` ends; ``error`` is the session's, when it has ended."""
        if turn.status == "failed" and error is None:
            raise TurnFailed(f"turn {turn.index} failed: {turn.error}")
        if turn.status != "pending":
            return turn
        if error is not None:
            raise error
        fut = self._waiters.get(turn.index)
        if fut is None:
            fut = self._waiters[turn.index] = asyncio.get_running_loop().create_future()
            # a waiter that timed out may never look again: don't warn about its exception
            fut.add_done_callback(lambda f: f.cancelled() or f.exception())
        try:
            return await wait_for(asyncio.shield(fut), timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(
                f"turn {turn.index} got no turnComplete within {timeout} s — pass a longer "
                "timeout=, or check the session's events"
            ) from None

    def fail_waiters(self, error: SessionClosed) -> None:
        """The session ended: every waiter gets ``error``."""
        for fut in self._waiters.values():
            if not fut.done():
                fut.set_exception(error)
        self._waiters.clear()
