"""Kernel -> browser: coalesce session events into few ``batch`` messages, adaptively.

One message per flush interval at most (``BUDGET.FLUSH_MS``, so under the message budget);
a lone event after a pause goes after ``BUDGET.GATHER_MS``, with whatever arrives meanwhile.
Consecutive reply audio is joined into one chunk with one sequence number, consecutive
transcript deltas of a role are joined, and nothing goes out before :meth:`Batcher.open` (the
browser's ``ready``). When the browser reports that messages reach it late (``lag``), the
interval grows up to ``BUDGET.FLUSH_MAX_MS``: fewer, larger messages let a busy browser or
Jupyter server catch up instead of queueing; it shrinks back once messages arrive on time.
Example::

    b = Batcher(send)            # send(content, buffers)
    b.open(); b.audio(pcm, 24000, time.time()); b.transcript("model", "Hi", final=False)
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from ..conversation.reply_words import ReplyWords
from .messages import BUDGET, TO_BROWSER
from .tasks import running_loop

__all__ = ["MAX_HELD_AUDIO_S", "Batcher", "Send"]

# Reply audio held while no browser listens yet (before the 'ready' handshake).
MAX_HELD_AUDIO_S = 30.0

Send = Callable[[dict[str, Any], list[bytes]], None]


class Batcher:
    """See the module docstring. ``received_at`` maps outgoing audio seq -> kernel receipt."""

    def __init__(self, send: Send, interval: float = BUDGET.FLUSH_MS / 1000) -> None:
        self._send = send
        self.loop: asyncio.AbstractEventLoop | None = None  # where timers run, if not the caller's
        self.base_interval = interval
        self.interval = interval
        self.is_open = False
        self.max_held_audio_s = MAX_HELD_AUDIO_S
        self._items: list[dict[str, Any]] = []
        self._audio: list[list[bytes]] = []  # parts of each queued audio item, by index
        self._seq = 0
        self.reply = 0  # replies so far: audio items carry it, so the page can drop a cut one's
        self._words, self._words_reply = ReplyWords(), 0  # the words of reply ``_words_reply``
        self._last = 0.0
        self._timer: asyncio.Handle | None = None
        self.received_at: dict[int, float] = {}
        self.sent_at: dict[int, float] = {}  # outgoing audio seq -> when its message went
        self.messages = 0
        self.sent_times: deque[float] = deque(maxlen=512)
        self.dropped_audio_s = 0.0

    def open(self) -> None:
        """Start sending (the browser said ``ready``); what was queued goes out first."""
        self.is_open = True
        self._schedule()

    def audio(self, data: bytes, rate: int, received: float) -> None:
        """Queue reply audio: 16-bit PCM at ``rate`` Hz the kernel received at ``received``.

        It joins the queued audio item before it when rate and reply match. Until :meth:`open`,
        only the newest ``max_held_audio_s`` seconds are held (the rest is counted as dropped).
        """
        last = self._items[-1] if self._items else None
        if (
            last
            and last["type"] == TO_BROWSER.AUDIO
            and (last["rate"], last["reply"])
            == (
                rate,
                self.reply,
            )
        ):
            self._audio[last["buffer"]].append(data)
        else:
            self._items.append({"type": TO_BROWSER.AUDIO, "rate": rate, "reply": self.reply,
                                "buffer": len(self._audio), "received": received})  # fmt: skip
            self._audio.append([data])
        if not self.is_open:
            self._trim_held()
        self._schedule()

    def transcript(
        self, role: str, text: str, final: bool, replace: bool = False, speaker: str | None = None
    ) -> None:
        """Queue a transcript delta of ``role``; ``final`` ends that role's utterance.

        ``speaker``: the diarization label (``speakerLabel``); the pane shows it, and a delta of
        another speaker is its own entry.

        ``replace``: ``text`` is all the reply's words so far, shown instead of what it showed
        (see :class:`gemlive_nb.conversation.reply_words.ReplyWords`). A delta joins the
        queued, unfinished one of the same role and reply when only audio lies between them.
        """
        # A partial delta is stale once the next one comes: merge into the queued entry.
        for item in reversed(self._items):
            if item["type"] == TO_BROWSER.TRANSCRIPT and item["role"] == role:
                same = item.get("speaker") == speaker
                if not item["final"] and item["reply"] == self.reply and same:
                    item["text"] = text if replace else item["text"] + text
                    item["final"] = final
                    if replace:
                        item["replace"] = True
                    self._schedule()
                    return
                break
            if item["type"] != TO_BROWSER.AUDIO:
                break  # keep the order of transcript and marks
        item = {"type": TO_BROWSER.TRANSCRIPT, "role": role, "text": text, "final": final}
        if replace:
            item["replace"] = True
        if speaker is not None:
            item["speaker"] = speaker
        self._items.append({**item, "reply": self.reply})
        self._schedule()

    def reply_words(self, piece: str, *, transcribed: bool, final: bool) -> None:
        """Queue a piece of the model's reply: output transcription or a text part.

        Each word shows once, by the rule of :mod:`gemlive_nb.conversation.reply_words` (the
        transcription wins); a reply is what lies between two ``turn`` items or interruptions.
        """
        if self._words_reply != self.reply:
            self._words, self._words_reply = ReplyWords(), self.reply
        change = self._words.add(piece, transcribed=transcribed)
        if change is not None:
            self.transcript("model", change[0], final, replace=change[1])
        elif final:
            self.transcript("model", "", True)

    def item(self, item: dict[str, Any]) -> None:
        """Queue any other message for the browser as is; a ``turn`` item starts a new reply."""
        if item["type"] == TO_BROWSER.TURN:
            self.reply += 1
        self._items.append(item)
        self._schedule()

    def interrupt(self, extra: dict[str, Any] | None = None) -> None:
        """Drop queued reply audio and tell the browser to flush, now."""
        kept = [i for i in self._items if i["type"] != TO_BROWSER.AUDIO]
        self.reply += 1
        self._items = [*kept, {"type": TO_BROWSER.INTERRUPTED}, *([extra] if extra else [])]
        self._audio = []
        if self.is_open:
            self.flush()

    def drop_audio(self) -> None:
        """Forget queued reply audio (the session is gone), keeping the other items."""
        self._items = [i for i in self._items if i["type"] != TO_BROWSER.AUDIO]
        self._audio = []

    def lag(self, ms: float) -> None:
        """The browser got a message ``ms`` after it was sent: adapt the flush interval."""
        if ms > BUDGET.LAG_HIGH_MS:
            self.interval = min(BUDGET.FLUSH_MAX_MS / 1000, self.interval * 2)
        elif ms < BUDGET.LAG_HIGH_MS / 2:
            self.interval = max(self.base_interval, self.interval * 0.8)

    def _trim_held(self) -> None:
        """Drop the oldest held audio parts beyond ``max_held_audio_s`` (counted)."""
        held = [i for i in self._items if i["type"] == TO_BROWSER.AUDIO]
        total_s = sum(sum(map(len, self._audio[i["buffer"]])) / 2 / i["rate"] for i in held)
        for item in held:
            parts = self._audio[item["buffer"]]
            while parts and total_s > self.max_held_audio_s:
                gone = len(parts.pop(0)) / 2 / item["rate"]
                total_s -= gone
                self.dropped_audio_s += gone
            if not parts:
                self._items.remove(item)

    def _schedule(self) -> None:
        if not self.is_open or self._timer is not None or not self._items:
            return
        loop = running_loop()
        if loop is None or (self.loop is not None and loop is not self.loop):
            if self.loop is not None and not self.loop.is_closed():
                self.loop.call_soon_threadsafe(self._schedule)
            return
        gather = BUDGET.GATHER_MS / 1000
        wait = max(gather, self._last + self.interval - time.monotonic())
        self._timer = loop.call_later(wait, self.flush)

    def flush(self) -> None:
        """Send everything queued now, as one ``batch`` message (nothing before :meth:`open`).

        Audio items get their sequence numbers here, and their kernel receipt and send times
        are kept in ``received_at`` and ``sent_at``.
        """
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self.is_open or not self._items:
            return
        items, audio = self._items, self._audio
        self._items, self._audio = [], []
        buffers: list[bytes] = []
        out: list[dict[str, Any]] = []
        now = time.time()
        for item in items:
            if item["type"] == TO_BROWSER.AUDIO:
                parts = audio[item["buffer"]]
                if not parts:
                    continue
                seq = self._seq
                self._seq += 1
                self.received_at[seq] = item["received"]
                self.sent_at[seq] = now
                out.append({"type": TO_BROWSER.AUDIO, "seq": seq, "rate": item["rate"],
                            "reply": item["reply"], "buffer": len(buffers)})  # fmt: skip
                buffers.append(b"".join(parts))
            else:
                out.append(item)
        if len(self.received_at) > 4096:  # acks lost (page closed): forget the oldest
            for seq in sorted(self.received_at)[:2048]:
                self.received_at.pop(seq, None)
                self.sent_at.pop(seq, None)
        self._last = time.monotonic()
        self.messages += 1
        self.sent_times.append(self._last)
        self._send({"type": TO_BROWSER.BATCH, "t": now * 1000, "items": out}, buffers)

    def close(self) -> None:
        """Cancel the pending flush and drop everything queued."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._items, self._audio = [], []
