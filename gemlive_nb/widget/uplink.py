"""Browser -> kernel: mic frames counted end to end, and an inbox that merges instead of queueing.

The capture worklet numbers every 20-40 ms frame from 0; the browser sends frames in batches
(``{type:'audio', seq, frames, lost}`` with one buffer), :class:`FrameCounter` checks the
numbers arrive without gaps and keeps the latency figures, and :class:`Inbox` hands input to the
session in order, joining consecutive audio at the same rate so a slow session sees one larger
chunk rather than a growing queue of small ones. Example::

    counter = FrameCounter(); counter.batch(seq=0, frames=3, nbytes=1920, sent_ms=t)
    inbox = Inbox(); inbox.put("audio", (pcm, mic_rate(16000)))
    kind, value = await inbox.get()
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from ..exceptions import ProtocolError
from .messages import RATES
from .state import is_closed

__all__ = [
    "FrameCounter",
    "Inbox",
    "forward",
    "mic_rate",
    "per_second",
    "percentile",
    "summary",
]


def mic_rate(value: Any) -> int:
    """The sample rate a mic message declares, if the kit takes it; else a ProtocolError.

    Example: ``mic_rate(48000)`` → ``48000``; ``mic_rate("16k")`` raises naming ``'16k'``.
    """
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if is_int and RATES.MIC_MIN <= value <= RATES.MIC_MAX:
        return int(value)
    raise ProtocolError(
        f"mic audio declared rate {value!r:.40}; it must be a whole number of Hz from "
        f"{RATES.MIC_MIN} to {RATES.MIC_MAX} (the page sends its PCM's rate, e.g. "
        f"{RATES.MIC}): the frames were dropped, reload the page's widget"
    )


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) of ``values``, the element at the nearest rank; or None.

    Example: ``percentile([1.0, 2.0, 3.0, 4.0], 50)`` → ``3.0``
    """
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def summary(values: Any) -> dict[str, Any]:
    """How many ``values`` there are, their median and their 95th percentile.

    Example: ``summary([10.0, 20.0, 30.0])`` → ``{'n': 3, 'p50': 20.0, 'p95': 30.0}``
    """
    data = list(values)
    return {"n": len(data), "p50": percentile(data, 50), "p95": percentile(data, 95)}


def per_second(times: Any, window: float = 5.0) -> float:
    """Events per second over the last ``window`` seconds of ``times`` (monotonic stamps).

    Example: ``per_second([time.monotonic()] * 10)`` → ``2.0``
    """
    now = time.monotonic()
    return round(len([x for x in times if now - x <= window]) / window, 1)


def _frame_count(frames: Any) -> int:
    """The frames a batch says it holds (1 when it does not say)."""
    return frames if isinstance(frames, int) and frames > 0 else 1


class FrameCounter:
    """Frames received, frames missing between the numbers, frames the browser dropped."""

    def __init__(self) -> None:
        self.frames_in = 0
        self.frames_missing = 0
        self.frames_lost_in_browser = 0
        self.frames_bad = 0  # frames refused (a message with a bad rate)
        self.bytes_in = 0
        self.messages = 0
        self.capture_ms: deque[float] = deque(maxlen=5000)
        self.times: deque[float] = deque(maxlen=512)
        self._next = -1

    def restart(self) -> None:
        """A new capture (or a reloaded page) numbers frames from 0 again."""
        self._next = -1

    def message(self) -> None:
        """Count one message from the browser and note when it came."""
        self.messages += 1
        self.times.append(time.monotonic())

    def batch(self, seq: Any, frames: Any, nbytes: int, sent_ms: Any, lost: Any = None) -> None:
        """Count a batch of ``frames`` frames (``nbytes`` bytes) whose first is numbered ``seq``.

        A gap after the previous batch counts as missing frames; ``seq`` 0, or one far behind,
        restarts the numbering (the mic went off and on). ``sent_ms`` (the browser's clock, ms)
        gives the capture latency; ``lost`` is the browser's own count of dropped frames.
        """
        n = _frame_count(frames)
        if isinstance(sent_ms, (int, float)):
            self.capture_ms.append(time.time() * 1000 - sent_ms)
        if isinstance(seq, int):
            if seq < self._next - n or seq == 0:
                self._next = seq  # numbering restarted (mic off and on)
            if self._next >= 0 and seq > self._next:
                self.frames_missing += seq - self._next
            self._next = seq + n
        if isinstance(lost, int) and lost > self.frames_lost_in_browser:
            self.frames_lost_in_browser = lost
        self.frames_in += n
        self.bytes_in += nbytes

    def refuse(self, frames: Any) -> None:
        """Count a batch of ``frames`` (already counted in) refused for a bad rate."""
        self.frames_bad += _frame_count(frames)


class Inbox:
    """FIFO of ``(kind, value)`` for the session; consecutive ``audio`` values are joined.

    An ``audio`` value is ``(pcm, rate)``; only audio at the same rate is joined.
    """

    def __init__(self) -> None:
        self._items: deque[tuple[str, Any]] = deque()
        self._ready = asyncio.Event()
        self.merged = 0  # audio items joined onto a queued one (the session was behind)

    def __len__(self) -> int:
        return len(self._items)

    def put(self, kind: str, value: Any) -> None:
        """Queue ``value`` of ``kind``; audio right after queued audio at its rate is joined."""
        last = self._items[-1] if self._items else None
        if kind == "audio" and last is not None and last[0] == "audio" and last[1][1] == value[1]:
            self._items[-1] = ("audio", (last[1][0] + value[0], value[1]))
            self.merged += 1
        else:
            self._items.append((kind, value))
        self._ready.set()

    async def get(self) -> tuple[str, Any]:
        """Wait for and take the oldest ``(kind, value)``."""
        while not self._items:
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()


async def forward(session: Any, inbox: Inbox, failed: Callable[[str, Exception], None]) -> None:
    """Forward the browser's input from ``inbox`` to ``session`` in arrival order.

    Until the session is closed; a send that fails is reported to ``failed(kind, error)``.
    """
    while True:
        kind, value = await inbox.get()
        try:
            if kind == "audio":
                pcm, rate = value
                await session.send_audio(pcm, rate=rate)  # resampled to 16 kHz there
            elif kind == "video":
                await session.send_video(*value)
            elif kind == "text":
                await session.send_text(value)  # routed by the model's rules
            elif kind == "start":
                await session.activity_start()
            elif kind == "end":
                await session.activity_end()
        except Exception as exc:
            if is_closed(session):
                return
            failed(kind, exc)
