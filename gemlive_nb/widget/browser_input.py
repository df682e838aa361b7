"""Browser → kernel: the widget's custom messages, and the stats measured on the way.

:class:`BrowserInput` is a mixin of :class:`~gemlive_nb.widget.VoiceWidget`. It handles the
messages the page sends (mic and camera frames, playback acks, Connect/Disconnect, typed text,
push-to-talk activity, echo measurements), hopping to the session's loop when the comm handler
runs on another thread, and queues the input for the session's pump. It also keeps the frame
counters and latency samples that :meth:`BrowserInput.stats` reports.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from ..exceptions import ProtocolError
from .media import video_frame
from .messages import TO_KERNEL
from .tasks import running_loop
from .uplink import mic_rate, summary

if TYPE_CHECKING:
    import asyncio
    import contextlib

    from .batcher import Batcher
    from .tasks import Task
    from .uplink import FrameCounter, Inbox

__all__ = ["BrowserInput"]


def _is_db(value: Any) -> bool:
    """A level in dBFS as the page reports it: a finite number, not a bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and -1e3 < value < 1e3


def _rate(times: Any, window: float = 5.0) -> float:
    """Messages per second over the last ``window`` seconds of ``times`` (monotonic stamps)."""
    now = time.monotonic()
    recent = [x for x in times if now - x <= window]
    return round(len(recent) / window, 1)


class BrowserInput:
    """Mixin handling the browser's messages to the kernel, and the widget's stats.

    The widget that mixes it in provides the attributes declared below (its loop, batcher,
    frame counter, session, inbox and traits) and registers :meth:`_on_custom` with
    ``on_msg``.
    """

    if TYPE_CHECKING:
        _loop: asyncio.AbstractEventLoop | None
        _batcher: Batcher
        _frames: FrameCounter
        _session: Any
        _inbox: Inbox | None
        _reply_ms: list[float]
        _arrive_ms: list[float]
        _held_ms: list[float]
        chunks_out: int
        played_samples: int
        _session_epoch: int
        probe: dict[str, Any]
        endpoint: str
        error: str
        echo_db: float
        input_level: float
        output_level: float
        hold_sync: Callable[[], contextlib.AbstractContextManager[None]]
        _describe_endpoint: Callable[[], str]
        _spawn: Callable[[Any], Task]
        _connect_quietly: Callable[[], Coroutine[Any, Any, None]]
        disconnect: Callable[[], Coroutine[Any, Any, None]]

    def _on_custom(self, _widget: Any, content: dict[str, Any], buffers: list[Any]) -> None:
        # ipykernel 7 with a subshell-aware front end (JupyterLab 4.4+) runs comm handlers on a
        # subshell thread with its own loop: hop to the session's loop, copying the buffers.
        data = [bytes(b) for b in buffers or ()]
        loop = self._loop
        if loop is not None and not loop.is_closed() and running_loop() is not loop:
            loop.call_soon_threadsafe(self._dispatch, content, data)
            return
        self._dispatch(content, data)

    def _dispatch(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        self._frames.message()
        if kind == TO_KERNEL.AUDIO:
            self._on_frames(content, buffers)
            self._on_played(content)
        elif kind == TO_KERNEL.VIDEO:
            frame = video_frame(content, buffers)
            if frame is not None:
                self._enqueue("video", frame)
        elif kind == TO_KERNEL.PLAYED:
            self._on_played(content)
        elif kind == TO_KERNEL.READY:
            self._frames.restart()
            if isinstance(content.get("probe"), dict):
                self.probe = content["probe"]
            if self._session is None:  # an emulator started since construction shows up now
                self.endpoint = self._describe_endpoint() or self.endpoint
            self._batcher.open()
        elif kind == TO_KERNEL.CONNECT:
            if self._session is None:
                self._spawn(self._connect_quietly())
        elif kind == TO_KERNEL.DISCONNECT:
            self._spawn(self.disconnect())
        elif kind == TO_KERNEL.TEXT and isinstance(content.get("text"), str):
            self._enqueue("text", content["text"])
        elif kind == TO_KERNEL.ACTIVITY and content.get("state") in ("start", "end"):
            self._enqueue(content["state"], None)
        elif kind == TO_KERNEL.ECHO and _is_db(content.get("coupling_db")):
            self.echo_db = float(content["coupling_db"])

    def _enqueue(self, kind: str, value: Any) -> None:
        if self._inbox is not None:
            self._inbox.put(kind, value)

    def _on_frames(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        if not buffers:
            return
        data = buffers[0]
        frames = content.get("frames")
        self._frames.batch(content.get("seq"), frames, len(data),
                           content.get("t"), content.get("lost"))  # fmt: skip
        try:
            rate = mic_rate(content.get("rate"))
        except ProtocolError as exc:  # counted and shown; the message's other parts still count
            self._frames.refuse(frames)
            self.error = str(exc)
            return
        self._enqueue("audio", (data, rate))

    def _on_played(self, content: dict[str, Any]) -> None:
        levels = content.get("levels")
        if isinstance(levels, list) and len(levels) == 2 and all(_is_db(v) for v in levels):
            with self.hold_sync():  # one update message for both traits
                self.input_level, self.output_level = float(levels[0]), float(levels[1])
        samples = content.get("samples")
        # counted per session: a report about an earlier one (another epoch) is stale
        current = content.get("epoch", self._session_epoch) == self._session_epoch
        if isinstance(samples, int) and not isinstance(samples, bool) and samples >= 0 and current:
            self.played_samples = samples
            if self._session is not None:
                self._session.report_playback(samples)
        b = self._batcher
        for ack in content.get("acks") or ():
            # [seq, scheduled_ms, arrived_ms]: wall-clock times in the browser
            if not (isinstance(ack, list) and len(ack) >= 2):
                continue
            received, sent = b.received_at.pop(ack[0], None), b.sent_at.pop(ack[0], None)
            if received is not None and isinstance(ack[1], (int, float)):
                self._keep(self._reply_ms, ack[1] - received * 1000)
                if sent is not None:
                    self._keep(self._held_ms, (sent - received) * 1000)
                if len(ack) > 2 and isinstance(ack[2], (int, float)):
                    self._keep(self._arrive_ms, ack[2] - received * 1000)
                    if sent is not None:
                        b.lag(ack[2] - sent * 1000)

    @staticmethod
    def _keep(values: list[float], value: float) -> None:
        values.append(value)
        if len(values) > 5000:
            del values[:2500]

    def stats(self) -> dict[str, Any]:
        """Counters, message rates and latencies (ms, p50/p95) measured by this widget.

        ``frames_missing``: mic frames whose numbers never reached the kernel; ``frames_bad``:
        frames refused because their message declared a rate outside ``RATES.MIC_MIN..MIC_MAX``;
        ``frames_lost_in_browser``: frames the page dropped (over ``BUDGET.PREROLL_MS`` held
        before the session was up). ``capture_to_kernel``: the oldest frame of a batch leaving
        the capture worklet → its message handled here. ``reply_to_scheduled``: a reply chunk
        received from the session → handed to the playback worklet; ``reply_to_browser`` the
        part until the message reached the widget's JavaScript, and ``reply_held`` the part the
        kernel held it to batch it with others. ``messages_per_s``: each
        direction over the last 5 s.
        """
        f = self._frames
        return {
            "frames_in": f.frames_in,
            "frames_missing": f.frames_missing,
            "frames_lost_in_browser": f.frames_lost_in_browser,
            "frames_bad": f.frames_bad,
            "bytes_in": f.bytes_in,
            "chunks_out": self.chunks_out,
            "messages_to_browser": self._batcher.messages,
            "messages_from_browser": f.messages,
            "messages_per_s": {
                "to_browser": _rate(self._batcher.sent_times),
                "from_browser": _rate(f.times),
            },
            "flush_interval_ms": round(self._batcher.interval * 1000),
            "played_samples": self.played_samples,
            "echo_db": self.echo_db,
            "capture_to_kernel": summary(f.capture_ms),
            "reply_to_scheduled": summary(self._reply_ms),
            "reply_to_browser": summary(self._arrive_ms),
            "reply_held": summary(self._held_ms),
        }
