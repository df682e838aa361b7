"""Browser → kernel input: mic and camera frames checked, counted and queued for the session.

:class:`BrowserInput` is a collaborator the :class:`~gemlive_nb.widget.VoiceWidget` owns. The
widget keeps the traits and dispatches the page's messages (one table of kinds,
:data:`~gemlive_nb.widget.messages.TO_KERNEL`); this object does the input's work with its own
state: it checks each mic message's declared rate and each camera frame, counts frames end to
end (:class:`~gemlive_nb.widget.uplink.FrameCounter`), queues the input in the session's
:class:`~gemlive_nb.widget.uplink.Inbox`, reads playback reports (levels, played samples, and the
acks that give reply latency) and summarises what it measured. Example::

    inp = BrowserInput(batcher)              # the batcher's sent/received stamps meet the acks
    inbox = inp.open()                       # a session is up: its pump reads this inbox
    inp.audio({"seq": 0, "frames": 1, "rate": 16000}, [pcm])   # counted, then queued
    inp.played({"samples": 480, "acks": [[seq, t]]}, epoch=1)  # Played(levels=None, samples=480)
    inp.stats(chunks_out=0, played_samples=0, echo_db=-100.0)["frames_in"]   # 1
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..exceptions import ProtocolError
from .batcher import Batcher
from .media import video_frame
from .uplink import FrameCounter, Inbox, mic_rate, per_second, summary

__all__ = ["BrowserInput", "Played"]

# latency samples kept: the newest half survives when the list is full
_MAX_SAMPLES = 5000


def level_db(value: Any) -> float | None:
    """A level in dBFS as the page reports it (a finite number, not a bool), else None."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and -1e3 < value < 1e3
    return float(value) if ok else None


@dataclass(frozen=True)
class Played:
    """What a playback report says, checked.

    ``levels``: ``(in, out)`` dBFS; ``samples``: played in the current session. Each is None
    where the report has none that counts.
    """

    levels: tuple[float, float] | None = None
    samples: int | None = None


class BrowserInput:
    """The page's input on its way to the session, and the figures measured on the way.

    ``batcher``: the kernel → browser :class:`~gemlive_nb.widget.batcher.Batcher`, whose
    per-chunk send and receipt times the page's acks are matched against (each ack is read once).
    """

    def __init__(self, batcher: Batcher) -> None:
        self._batcher = batcher
        self.frames = FrameCounter()
        self.inbox: Inbox | None = None  # the attached session's; None: input is not queued
        self.reply_ms: list[float] = []  # reply chunk received -> scheduled in the page
        self.arrive_ms: list[float] = []  # ... -> its message reached the page
        self.held_ms: list[float] = []  # ... -> its message left the kernel

    # ------------------------------------------------------------------ the session's inbox

    def open(self) -> Inbox:
        """A fresh inbox for a new session (the widget's pump forwards it)."""
        self.inbox = Inbox()
        return self.inbox

    def close(self) -> None:
        """The session is gone: input from now on is not queued."""
        self.inbox = None

    def put(self, kind: str, value: Any) -> None:
        """Queue ``(kind, value)`` for the session, if there is one."""
        if self.inbox is not None:
            self.inbox.put(kind, value)

    # ------------------------------------------------------------------ messages

    def message(self) -> None:
        """Count one message from the page."""
        self.frames.message()

    def restart(self) -> None:
        """A (re)loaded page numbers its mic frames from 0."""
        self.frames.restart()

    def audio(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        """Count a mic message's frames and queue its PCM at the rate it declares.

        A rate outside ``RATES.MIC_MIN..MIC_MAX`` raises :class:`ProtocolError` naming it; its
        frames are counted as refused and nothing is queued.
        """
        if not buffers:
            return
        data = buffers[0]
        frames = content.get("frames")
        self.frames.batch(content.get("seq"), frames, len(data),
                          content.get("t"), content.get("lost"))  # fmt: skip
        try:
            rate = mic_rate(content.get("rate"))
        except ProtocolError:
            self.frames.refuse(frames)
            raise
        self.put("audio", (data, rate))

    def video(self, content: dict[str, Any], buffers: list[bytes]) -> None:
        """Queue a camera/screen frame if it is a JPEG or PNG buffer."""
        frame = video_frame(content, buffers)
        if frame is not None:
            self.put("video", frame)

    def text(self, content: dict[str, Any], _buffers: list[bytes]) -> None:
        """Queue a typed message (the message has no buffers)."""
        if isinstance(content.get("text"), str):
            self.put("text", content["text"])

    def activity(self, content: dict[str, Any], _buffers: list[bytes]) -> None:
        """Queue a push-to-talk ``start`` or ``end`` (the message has no buffers)."""
        if content.get("state") in ("start", "end"):
            self.put(content["state"], None)

    def played(self, content: dict[str, Any], epoch: int) -> Played:
        """Read a playback report (it rides on mic messages too) and take its acks' latency.

        ``epoch``: the current session's number; samples reported for another are stale.
        """
        levels = content.get("levels")
        pair = None
        if isinstance(levels, list) and len(levels) == 2:
            got = (level_db(levels[0]), level_db(levels[1]))
            pair = (got[0], got[1]) if got[0] is not None and got[1] is not None else None
        samples = content.get("samples")
        current = content.get("epoch", epoch) == epoch
        ok = isinstance(samples, int) and not isinstance(samples, bool) and samples >= 0
        self._acks(content.get("acks") or ())
        return Played(pair, samples if ok and current else None)

    def _acks(self, acks: Any) -> None:
        b = self._batcher
        for ack in acks:
            # [seq, scheduled_ms, arrived_ms]: wall-clock times in the browser
            if not (isinstance(ack, list) and len(ack) >= 2):
                continue
            received, sent = b.received_at.pop(ack[0], None), b.sent_at.pop(ack[0], None)
            if received is None or not isinstance(ack[1], (int, float)):
                continue
            _keep(self.reply_ms, ack[1] - received * 1000)
            if sent is not None:
                _keep(self.held_ms, (sent - received) * 1000)
            if len(ack) > 2 and isinstance(ack[2], (int, float)):
                _keep(self.arrive_ms, ack[2] - received * 1000)
                if sent is not None:
                    b.lag(ack[2] - sent * 1000)

    # ------------------------------------------------------------------ figures

    def stats(self, *, chunks_out: int, played_samples: int, echo_db: float) -> dict[str, Any]:
        """Counters, message rates and latencies (ms, p50/p95), with the widget's own figures.

        ``frames_missing``: mic frames whose numbers never reached the kernel; ``frames_bad``:
        frames refused because their message declared a rate outside ``RATES.MIC_MIN..MIC_MAX``;
        ``frames_lost_in_browser``: frames the page dropped (over ``BUDGET.PREROLL_MS`` held
        before the session was up). ``capture_to_kernel``: the oldest frame of a batch leaving
        the capture worklet → its message handled here. ``reply_to_scheduled``: a reply chunk
        received from the session → handed to the playback worklet; ``reply_to_browser`` the
        part until the message reached the widget's JavaScript, and ``reply_held`` the part the
        kernel held it to batch it with others. ``messages_per_s``: each direction over the
        last 5 s.
        """
        f, b = self.frames, self._batcher
        return {
            "frames_in": f.frames_in,
            "frames_missing": f.frames_missing,
            "frames_lost_in_browser": f.frames_lost_in_browser,
            "frames_bad": f.frames_bad,
            "bytes_in": f.bytes_in,
            "chunks_out": chunks_out,
            "messages_to_browser": b.messages,
            "messages_from_browser": f.messages,
            "messages_per_s": {
                "to_browser": per_second(b.sent_times),
                "from_browser": per_second(f.times),
            },
            "flush_interval_ms": round(b.interval * 1000),
            "played_samples": played_samples,
            "echo_db": echo_db,
            "capture_to_kernel": summary(f.capture_ms),
            "reply_to_scheduled": summary(self.reply_ms),
            "reply_to_browser": summary(self.arrive_ms),
            "reply_held": summary(self.held_ms),
        }


def _keep(values: list[float], value: float) -> None:
    values.append(value)
    if len(values) > _MAX_SAMPLES:
        del values[: _MAX_SAMPLES // 2]
