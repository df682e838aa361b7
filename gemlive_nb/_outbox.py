"""The bounded queue of outgoing frames: control messages kept, oldest audio dropped on stall.

Audio frames carry their duration; when the queued audio exceeds ``max_audio_s`` the oldest
audio frames are dropped (and counted), so a stalled network never grows memory without bound
and, once it recovers, the model hears the most recent speech. Control frames (text, tool
responses, activity signals) are never dropped::

    box = Outbox(max_audio_s=2.0)
    box.put('{"realtimeInput":...}', audio_s=0.02)
    frame = box.popleft()
"""

from __future__ import annotations

import asyncio
from collections import deque

__all__ = ["Outbox"]


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
