"""The VoiceWidget's collaborators, each alone: no widget, no anywidget, no comm, no session."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from waiting import wait_until

from gemlive_nb.exceptions import ProtocolError
from gemlive_nb.protocol import AudioChunk, Interrupted, OutputTranscript, TurnComplete
from gemlive_nb.secret import Secret
from gemlive_nb.widget.batcher import Batcher
from gemlive_nb.widget.browser_input import BrowserInput, Played, level_db
from gemlive_nb.widget.downlink import Downlink
from gemlive_nb.widget.opening import Recipe
from gemlive_nb.widget.state import closed_error
from gemlive_nb.widget.tasks import TaskSet

KEY = "AIzaTESTKEY-0123456789abcdef"


def _input() -> tuple[BrowserInput, Batcher]:
    batcher = Batcher(lambda content, buffers: None)
    return BrowserInput(batcher), batcher


def _drain(inp: BrowserInput) -> list[tuple[str, Any]]:
    inbox = inp.inbox
    assert inbox is not None
    return [inbox._items.popleft() for _ in range(len(inbox))]


def test_mic_frames_are_counted_and_queued_only_while_a_session_is_open() -> None:
    inp, _ = _input()
    inp.audio({"seq": 0, "frames": 2, "rate": 16000}, [b"\1\0" * 640])  # no session yet
    assert inp.inbox is None and inp.frames.frames_in == 2
    inp.open()
    inp.audio({"seq": 2, "frames": 1, "rate": 48000}, [b"\2\0" * 960])
    inp.audio({"seq": 5, "frames": 1, "rate": 48000}, [b"\3\0" * 960])  # 3 and 4 never came
    inp.audio({"seq": 6, "frames": 1, "rate": 48000}, [])  # no buffer: nothing to count
    assert _drain(inp) == [("audio", (b"\2\0" * 960 + b"\3\0" * 960, 48000))]
    f = inp.frames
    assert (f.frames_in, f.frames_missing, f.bytes_in) == (4, 2, 1280 + 2 * 1920)
    inp.close()
    inp.audio({"seq": 6, "frames": 1, "rate": 16000}, [b"\0\0"])
    assert inp.inbox is None and f.frames_in == 5


def test_a_bad_rate_raises_naming_it_and_its_frames_count_as_refused() -> None:
    inp, _ = _input()
    inp.open()
    with pytest.raises(ProtocolError, match=r"'16k'.*8000.*48000"):
        inp.audio({"seq": 0, "frames": 3, "rate": "16k"}, [b"\0\0" * 960])
    assert (inp.frames.frames_in, inp.frames.frames_bad) == (3, 3)
    assert _drain(inp) == []


def test_video_text_and_activity_are_checked_before_they_are_queued() -> None:
    inp, _ = _input()
    inp.open()
    inp.video({"mime": "text/html"}, [b"<b>"])
    inp.video({"mime": "image/jpeg"}, [])
    inp.video({"mime": "image/png"}, [b"\x89PNG"])
    inp.text({"text": 42}, [])
    inp.text({"text": "hello"}, [])
    inp.activity({"state": "pause"}, [])
    inp.activity({"state": "start"}, [])
    assert _drain(inp) == [
        ("video", (b"\x89PNG", "image/png")),
        ("text", "hello"),
        ("start", None),
    ]


def test_a_playback_report_is_checked_and_stale_samples_are_dropped() -> None:
    inp, _ = _input()
    assert inp.played({"samples": 480, "levels": [-20, -30.5]}, epoch=2) == Played(
        (-20.0, -30.5), 480
    )
    assert inp.played({"samples": 480, "epoch": 1}, epoch=2) == Played(None, None)  # stale
    assert inp.played({"samples": 960, "epoch": 2}, epoch=2).samples == 960
    for odd in ([1], [True, -3], ["-3", -3], [-3, 1e308], None, {"in": -3}):
        assert inp.played({"samples": True, "levels": odd}, epoch=0) == Played(None, None), odd
    assert inp.played({"samples": -5}, epoch=0).samples is None
    assert (level_db(-12), level_db(False), level_db(float("nan"))) == (-12.0, None, None)


def test_acks_give_reply_latency_once_and_tell_the_batcher_its_lag() -> None:
    inp, batcher = _input()
    received = time.time() - 0.5
    batcher.received_at[7] = received
    batcher.sent_at[7] = received + 0.1
    lags: list[float] = []
    batcher.lag = lags.append  # type: ignore[method-assign]
    scheduled, arrived = (received + 0.3) * 1000, (received + 0.2) * 1000
    inp.played({"acks": [[7, scheduled, arrived], "junk", [99, 1.0]]}, epoch=0)
    inp.played({"acks": [[7, scheduled, arrived]]}, epoch=0)  # read once
    assert not batcher.received_at and not batcher.sent_at
    assert inp.reply_ms == [pytest.approx(300, abs=1)]
    assert inp.held_ms == [pytest.approx(100, abs=1)]
    assert inp.arrive_ms == [pytest.approx(200, abs=1)]
    assert lags == [pytest.approx(100, abs=1)]
    st = inp.stats(chunks_out=4, played_samples=480, echo_db=-33.0)
    assert st["reply_to_scheduled"]["n"] == 1 and st["reply_held"]["p50"] == pytest.approx(100, 1)
    assert (st["chunks_out"], st["played_samples"], st["echo_db"]) == (4, 480, -33.0)


def test_the_stats_count_messages_per_direction() -> None:
    inp, batcher = _input()
    for _ in range(10):
        inp.message()
    batcher.sent_times.extend([time.monotonic()] * 5)
    batcher.messages = 5
    st = inp.stats(chunks_out=0, played_samples=0, echo_db=-100.0)
    assert st["messages_from_browser"] == 10 and st["messages_to_browser"] == 5
    assert st["messages_per_s"] == {"to_browser": 1.0, "from_browser": 2.0}


class RecordingBatcher:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def audio(self, data: bytes, rate: int, received: float) -> None:
        self.calls.append(("audio", data, rate))

    def reply_words(self, text: str, *, transcribed: bool, final: bool) -> None:
        self.calls.append(("words", text, transcribed, final))

    def interrupt(self) -> None:
        self.calls.append(("interrupt",))

    def item(self, item: dict[str, Any]) -> None:
        self.calls.append(("item", item))


@pytest.mark.parametrize("reply_audio", [True, False])
def test_the_downlink_turns_events_into_the_pages_items(reply_audio: bool) -> None:
    b = RecordingBatcher()
    down = Downlink(b, reply_audio=reply_audio, ttfa=lambda: 350)  # type: ignore[arg-type]
    down.event(AudioChunk(b"\0\0" * 240, 24000))
    down.event(OutputTranscript("Hi.", finished=True))
    down.event(Interrupted())
    down.event(TurnComplete(reason="done"))
    down.event(object())  # not for the page
    down.mark("connected")
    audio = [("audio", b"\0\0" * 240, 24000)] if reply_audio else []
    assert b.calls == [
        *audio,
        ("words", "Hi.", True, True),
        ("interrupt",),
        ("item", {"type": "turn", "reason": "done", "ttfa_ms": 350}),
        ("item", {"type": "mark", "text": "connected", "tone": "info"}),
    ]
    assert down.chunks_out == (1 if reply_audio else 0)


def test_the_recipe_describes_and_fills_in_without_the_key() -> None:
    recipe = Recipe(None, "google", Secret(KEY), {"vad": {"disabled": False}, "tools": []})
    assert recipe.describe("").startswith("Google AI") and KEY not in recipe.describe("")
    assert Recipe(None, "nowhere://x", None, {}).describe("") == ""
    assert recipe.redact(f"failed with key={KEY}") == "failed with key=***"
    assert recipe.fields(voice="Puck", language="", model="", push_to_talk=True) == {
        "vad": {"disabled": False},  # an explicit VAD wins over push-to-talk
        "tools": [],
        "voice": "Puck",
    }
    bare = Recipe(None, None, None, {})
    assert bare.fields(voice="Kore", language="de-DE", model="m", push_to_talk=True) == {
        "voice": "Kore",
        "language": "de-DE",
        "model": "m",
        "vad": {"disabled": True},
    }


def test_a_close_shows_an_error_only_when_it_was_not_normal() -> None:
    assert closed_error(None, "") is None and closed_error(1000, "bye") is None
    assert closed_error(1011, "") == "Connection closed with code 1011"
    assert closed_error(1008, "policy") == "Connection closed with code 1008: policy"
    assert closed_error(1007, "closed with code 1007: bad") == "Closed with code 1007: bad"


async def test_the_task_set_reports_failures_and_cancels_what_is_left() -> None:
    failures: list[BaseException] = []
    loop = asyncio.get_running_loop()
    tasks = TaskSet(lambda: loop, failures.append)

    async def fail() -> None:
        raise ValueError("boom")

    never = tasks.spawn(asyncio.Event().wait())
    tasks.spawn(fail())
    assert await wait_until(lambda: len(tasks) == 1)
    assert [str(e) for e in failures] == ["boom"]
    tasks.cancel_all()
    assert await wait_until(lambda: len(tasks) == 0)
    assert never.cancelled() and len(failures) == 1  # a cancel is not a failure
