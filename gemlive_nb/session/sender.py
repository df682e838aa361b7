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
from typing import Any

from websockets.exceptions import ConnectionClosed

from ..exceptions import SessionClosed
from . import wire
from .events import AudioDropped
from .state import SessionState

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


class Sender(SessionState):
    """The sending half of :class:`~gemlive_nb.session.LiveSession` (a mixin)."""

    _ws: Any
    _outbox: Outbox
    _writing: bool
    _error: SessionClosed | None
    _closing: bool
    _dropped_reported: float

    def _emit(self, event: Any) -> None:
        raise NotImplementedError

    async def _send(self, frame: str, audio_s: float = 0.0) -> None:
        if self._error is not None or self._closing:
            raise self._error or SessionClosed(1000, "the session was closed")
        ws = self._ws
        if ws is not None and not self._writing and not self._outbox and wire.send_now(ws, frame):
            self.recording.keep_frame("send", frame)  # kept as it goes: on the connection it took
            return
        dropped = self._outbox.dropped_chunks
        self._outbox.put(frame, audio_s)
        if self._outbox.dropped_chunks != dropped:
            self._report_dropped()

    def _report_dropped(self) -> None:
        now = asyncio.get_running_loop().time()
        if now - self._dropped_reported < 1.0:
            return
        self._dropped_reported = now
        box = self._outbox
        log.warning(
            "the network is not keeping up: dropped %.2f s of microphone audio so far "
            "(max_queued_audio_s=%g)",
            box.dropped_s,
            box.max_audio_s,
        )
        self._emit(AudioDropped(box.dropped_chunks, round(box.dropped_s, 6)))

    def _unkeep(self, frame: str) -> None:
        kept = self.recording.frames or []
        for i in range(len(kept) - 1, -1, -1):
            if kept[i]["dir"] == "send" and kept[i]["frame"] is frame:
                del kept[i]
                return

    async def _writer(self) -> None:
        box = self._outbox
        while True:
            await box.wait()
            ws = self._ws
            if ws is None or self._writing:
                await asyncio.sleep(0.01)
                continue
            frame, audio_s = box.popleft()
            self._writing = True
            self.recording.keep_frame("send", frame)
            try:
                await ws.send(frame)
            except ConnectionClosed:
                self._unkeep(frame)  # it goes again, on the next connection
                box.push_front(frame, audio_s)
                while self._ws is ws:
                    await asyncio.sleep(0.02)
            finally:
                self._writing = False
