"""The sender: a bounded queue of outgoing frames and the task that writes it to the socket.

Audio frames carry their duration; when the queued audio exceeds ``max_audio_s`` the oldest
audio frames are dropped (and counted), so a stalled network never grows memory without bound
and, once it recovers, the model hears the most recent speech. Control frames (text, tool
responses, activity signals) are never dropped::

    box = Outbox(max_audio_s=2.0)
    box.put('{"realtimeInput":...}', audio_s=0.02)
    frame = box.popleft()

A frame goes straight to the socket when nothing is queued and the socket takes it
(:func:`.wire.send_now`); otherwise it waits in the queue for the writer task.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from websockets.exceptions import ConnectionClosed

from ..conversation import Recorder
from ..exceptions import SessionClosed
from . import wire
from .events import AudioDropped

__all__ = ["Outbox", "Sender"]

log = logging.getLogger("gemlive_nb.session")


class Outbox:
    """FIFO of ``(frame, audio_seconds)``; see the module docstring."""

    def __init__(self, max_audio_s: float = 2.0) -> None:
        if max_audio_s <= 0:
            raise ValueError(f"max_audio_s must be > 0 seconds, got {max_audio_s!r}")
        self.max_audio_s = max_audio_s
        self._items: deque[tuple[str, float]] = deque()
        self.audio_s = 0.0
        self.dropped_chunks = 0
        self.dropped_s = 0.0
        self.peak_audio_s = 0.0
        self._ready = asyncio.Event()

    def __len__(self) -> int:
        return len(self._items)

    def put(self, frame: str, audio_s: float = 0.0) -> None:
        """Queue a frame (``audio_s`` > 0 marks droppable audio)."""
        self._items.append((frame, audio_s))
        if audio_s:
            self.audio_s += audio_s
            if self.audio_s > self.max_audio_s:
                self._drop_oldest_audio()
            self.peak_audio_s = max(self.peak_audio_s, self.audio_s)
        self._ready.set()

    def push_front(self, frame: str, audio_s: float = 0.0) -> None:
        """Put back a frame that could not be sent (it goes first)."""
        self._items.appendleft((frame, audio_s))
        self.audio_s += audio_s
        self._ready.set()

    def popleft(self) -> tuple[str, float]:
        """The oldest frame and its audio seconds."""
        frame, audio_s = self._items.popleft()
        self.audio_s = max(0.0, self.audio_s - audio_s) if self._items else 0.0
        if not self._items:
            self._ready.clear()
        return frame, audio_s

    async def wait(self) -> None:
        """Until something is queued."""
        if not self._items:
            self._ready.clear()
            await self._ready.wait()

    def holds(self, frame: str) -> bool:
        """``frame`` waits in the queue (it has not gone out)."""
        return any(item[0] == frame for item in self._items)

    def discard(self, frames: set[str]) -> int:
        """Remove queued frames equal to any of ``frames`` (they are re-sent another way).

        Returns how many were removed; removed audio is not counted as dropped.
        """
        kept = deque(item for item in self._items if item[0] not in frames)
        removed = len(self._items) - len(kept)
        if removed:
            self._items = kept
            self.audio_s = sum(a for _, a in kept)
            if not kept:
                self._ready.clear()
        return removed

    def clear_audio(self) -> None:
        """Drop every queued audio frame (counted as dropped)."""
        kept = deque(item for item in self._items if not item[1])
        for _, audio_s in self._items:
            if audio_s:
                self.dropped_chunks += 1
                self.dropped_s += audio_s
        self._items = kept
        self.audio_s = 0.0

    def _drop_oldest_audio(self) -> None:
        kept: deque[tuple[str, float]] = deque()
        while self._items and self.audio_s > self.max_audio_s:
            frame, audio_s = self._items.popleft()
            if audio_s:
                self.audio_s -= audio_s
                self.dropped_chunks += 1
                self.dropped_s += audio_s
            else:
                kept.append((frame, audio_s))
        kept.extend(self._items)
        self._items = kept


class Sender:
    """The outgoing side of a session: its :class:`Outbox` and the writer task.

    ``socket()`` is the current socket (None while reconnecting); ``refusal()`` the error a
    send raises once the session is closing or closed (None while it runs); ``emit`` tells
    listeners about dropped audio. Example: ``await sender.send(frame, audio_s=0.02)``.
    """

    def __init__(
        self,
        outbox: Outbox,
        recorder: Recorder,
        socket: Callable[[], Any],
        refusal: Callable[[], SessionClosed | None],
        emit: Callable[[Any], None],
    ) -> None:
        self.outbox = outbox
        self.writing = False
        self.audio_chunks = 0
        self.audio_s = 0.0
        self._recorder = recorder
        self._socket = socket
        self._refusal = refusal
        self._emit = emit
        self._dropped_reported = float("-inf")

    def counters(self) -> dict[str, Any]:
        """The outgoing counters of :class:`~.events.SessionStats`."""
        box = self.outbox
        return dict(
            audio_chunks_sent=self.audio_chunks,
            audio_seconds_sent=round(self.audio_s, 6),
            dropped_audio_chunks=box.dropped_chunks,
            dropped_audio_seconds=round(box.dropped_s, 6),
            queued_audio_seconds=round(box.audio_s, 6),
            peak_queued_audio_seconds=round(box.peak_audio_s, 6),
        )

    def count_audio(self, chunks: int, seconds: float) -> None:
        """Count microphone audio sent (``stats``)."""
        self.audio_chunks += chunks
        self.audio_s += seconds

    async def send(self, frame: str, audio_s: float = 0.0) -> None:
        """Send ``frame`` now when nothing waits, else queue it (``audio_s`` > 0: droppable)."""
        error = self._refusal()
        if error is not None:
            raise error
        ws = self._socket()
        box = self.outbox
        if ws is not None and not self.writing and not box and wire.send_now(ws, frame):
            self._recorder.keep_frame("send", frame)  # kept as it goes: on the connection it took
            return
        dropped = box.dropped_chunks
        box.put(frame, audio_s)
        if box.dropped_chunks != dropped:
            self._report_dropped()

    def holds(self, frame: str) -> bool:
        """``frame`` still waits to go out."""
        return self.outbox.holds(frame)

    def put_first(self, frames: list[tuple[str, float]]) -> None:
        """Send ``frames`` before anything queued (a re-asked turn; each frame goes once)."""
        # a frame of such a turn may still sit in the queue (sent while the old socket was
        # closing): it goes once, with its turn, or the server would hear the turn twice
        self.outbox.discard({frame for frame, _ in frames})
        for frame, _ in reversed(frames):
            self.outbox.push_front(frame)

    def _report_dropped(self) -> None:
        now = asyncio.get_running_loop().time()
        if now - self._dropped_reported < 1.0:
            return
        self._dropped_reported = now
        box = self.outbox
        log.warning(
            "the network is not keeping up: dropped %.2f s of microphone audio so far "
            "(max_queued_audio_s=%g)",
            box.dropped_s,
            box.max_audio_s,
        )
        self._emit(AudioDropped(box.dropped_chunks, round(box.dropped_s, 6)))

    def _unkeep(self, frame: str) -> None:
        kept = self._recorder.recording.frames or []
        for i in range(len(kept) - 1, -1, -1):
            if kept[i]["dir"] == "send" and kept[i]["frame"] is frame:
                del kept[i]
                return

    async def run(self) -> None:
        """The writer task: send queued frames in order, each again after a broken socket."""
        box = self.outbox
        while True:
            await box.wait()
            ws = self._socket()
            if ws is None or self.writing:
                await asyncio.sleep(0.01)
                continue
            frame, audio_s = box.popleft()
            self.writing = True
            self._recorder.keep_frame("send", frame)
            try:
                await ws.send(frame)
            except ConnectionClosed:
                self._unkeep(frame)  # it goes again, on the next connection
                box.push_front(frame, audio_s)
                while self._socket() is ws:
                    await asyncio.sleep(0.02)
            finally:
                self.writing = False
