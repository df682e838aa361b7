"""Kernel side of VoiceWidget: traits, handshake, coalescing, interruption, browser input."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from typing import Any, ClassVar

import pytest
from waiting import wait_until

from gemlive_nb.catalog import LANGUAGES, VOICES
from gemlive_nb.exceptions import ConfigError, SessionClosed
from gemlive_nb.protocol import (
    AudioChunk,
    FunctionCall,
    InputTranscript,
    Interrupted,
    OutputTranscript,
    ToolCall,
    TurnComplete,
)
from gemlive_nb.session import SessionStatus
from gemlive_nb.widget import VoiceWidget
from gemlive_nb.widget import voice_widget as widget_mod

KEY = "AIzaTESTKEY-0123456789abcdef"


class FakeSession:
    def __init__(self) -> None:
        self.callbacks: list[Any] = []
        self.sent: list[tuple[str, Any]] = []
        self.played: list[int] = []
        self.status = "connected"

    def subscribe(self, callback: Any) -> Any:
        self.callbacks.append(callback)
        return lambda: self.callbacks.remove(callback)

    def emit(self, event: Any) -> None:
        for cb in list(self.callbacks):
            cb(event)

    async def send_audio(self, pcm: bytes, rate: int = 16000) -> None:
        assert rate == 16000, rate  # these tests' pages send 16 kHz
        self.sent.append(("audio", pcm))

    async def send_text(self, text: str) -> None:
        self.sent.append(("text", text))

    async def activity_start(self) -> None:
        self.sent.append(("start", None))

    async def activity_end(self) -> None:
        self.sent.append(("end", None))

    async def close(self) -> None:
        self.status = "closed"

    @property
    def config(self) -> Any:
        from gemlive_nb.config import LiveConfig

        return LiveConfig(voice="Charon", language="it-IT", model="gemini-live-2.5-flash-preview")

    def report_playback(self, samples: int) -> None:
        self.played.append(samples)


def make(session: Any = None, **kw: Any) -> tuple[VoiceWidget, list[tuple[dict, list[bytes]]]]:
    w = VoiceWidget(session, **kw)
    out: list[tuple[dict, list[bytes]]] = []
    w.send = lambda content, buffers=None: out.append((content, list(buffers or [])))  # type: ignore[method-assign]
    return w, out


def browser(w: VoiceWidget, content: dict, buffers: list[bytes] | None = None) -> None:
    w._handle_custom_msg(content, [memoryview(b) for b in buffers or []])


async def settle(seconds: float = 0.05) -> None:
    await asyncio.sleep(seconds)


def items(out: list[tuple[dict, list[bytes]]]) -> list[dict]:
    return [i for content, _ in out for i in content["items"]]


def test_traits_list_the_catalog_and_hold_no_secret() -> None:
    w, _ = make(api_key=KEY, endpoint="google", voice="puck", language="german")
    assert [v["name"] for v in w.voices] == [v.name for v in VOICES]
    assert len(w.voices) == 30 and w.voices[0] == {"name": "Zephyr", "style": "Bright"}
    assert [lang["code"] for lang in w.languages] == [lang.code for lang in LANGUAGES]
    assert (w.voice, w.language) == ("Puck", "de-DE")
    assert w.endpoint.startswith("Google AI")
    state = json.dumps(w.get_state(), default=str)
    assert KEY not in state
    assert KEY not in repr(w)
    assert w.audio_constraints == {
        "echoCancellation": True,
        "noiseSuppression": True,
        "autoGainControl": True,
    }


def test_ui_settings_are_traits_and_constraint_flags_merge_with_the_defaults() -> None:
    w, _ = make(mic_on=True, muted=True, audio_constraints={"echoCancellation": False}, frame_ms=40)
    assert w.mic_on and w.muted and w.frame_ms == 40
    assert w.audio_constraints == {
        "echoCancellation": False,
        "noiseSuppression": True,
        "autoGainControl": True,
    }


def test_bad_picker_values_raise_config_errors_naming_the_value() -> None:
    w, _ = make()
    with pytest.raises(ConfigError, match=r"Zephir.*Zephyr"):
        w.voice = "Zephir"
    with pytest.raises(ConfigError, match="klingon"):
        w.language = "klingon"
    assert w.language == ""  # the model picks
    w.language = "sw"  # beyond the 24: any documented base language
    assert w.language == "sw"
    with pytest.raises(ConfigError, match=r"frame_ms.*100"):
        w.frame_ms = 100
    w.frame_ms = 40
    assert w.frame_ms == 40


async def test_nothing_is_sent_before_ready_then_everything_in_order() -> None:
    s = FakeSession()
    w, out = make(s)
    assert w.connected and w.status == "connected"
    assert (w.voice, w.language, w.model) == ("Charon", "it-IT", "gemini-live-2.5-flash-preview")
    s.emit(AudioChunk(b"\x01\x00" * 240))
    s.emit(OutputTranscript("Hel"))
    await settle()
    assert out == []
    browser(w, {"type": "ready"})
    await settle()
    got = items(out)
    assert [i["type"] for i in got] == ["mark", "audio", "transcript"]
    assert got[1]["rate"] == 24000 and got[1]["seq"] == 0
    assert out[0][1][got[1]["buffer"]] == b"\x01\x00" * 240
    hel = {"type": "transcript", "role": "model", "text": "Hel", "final": False, "reply": 0}
    assert got[2] == hel


async def test_a_burst_of_events_is_coalesced_into_few_messages() -> None:
    s = FakeSession()
    w, out = make(s)
    browser(w, {"type": "ready"})
    await settle()
    out.clear()
    chunks = [bytes([i, 0]) * 480 for i in range(100)]  # 100 x 20 ms
    for i, c in enumerate(chunks):
        s.emit(AudioChunk(c))
        s.emit(InputTranscript(f"w{i} ", finished=False))
        if i % 10 == 9:
            await asyncio.sleep(0.005)  # chunks arrive over ~50 ms
    s.emit(InputTranscript("", finished=True))
    await settle(0.1)
    assert 1 <= len(out) <= 6, len(out)
    audio = b"".join(
        bufs[i["buffer"]] for content, bufs in out for i in content["items"] if i["type"] == "audio"
    )
    assert audio == b"".join(chunks)
    seqs = [i["seq"] for i in items(out) if i["type"] == "audio"]
    assert seqs == list(range(len(seqs)))
    text = "".join(i["text"] for i in items(out) if i["type"] == "transcript")
    assert text == "".join(f"w{i} " for i in range(100))
    texts = [i for i in items(out) if i["type"] == "transcript"]
    assert texts[-1]["final"] is True
    # deltas are merged past the audio between them: one entry per message at most
    assert len(texts) <= len(out)


async def test_flush_waits_for_the_interval_after_a_send() -> None:
    s = FakeSession()
    w, out = make(s)
    interval = 0.6  # longer than the default so a busy machine can't blur "held" and "sent"
    w._batcher.interval = interval
    browser(w, {"type": "ready"})
    await settle()
    await asyncio.sleep(interval)  # a pause since the ready handshake's message
    out.clear()
    s.emit(AudioChunk(b"\0\0" * 100))
    # after a pause: within the gathering window (BUDGET.GATHER_MS), not a whole interval
    assert await wait_until(lambda: len(out) == 1, timeout=interval / 2)
    s.emit(AudioChunk(b"\0\0" * 100))
    await asyncio.sleep(0.005)
    assert len(out) == 1  # within the interval: held
    await asyncio.sleep(interval + 0.05)
    assert len(out) == 2


async def test_interruption_drops_queued_audio_and_goes_out_at_once() -> None:
    s = FakeSession()
    w, out = make(s)
    browser(w, {"type": "ready"})
    await settle()
    s.emit(AudioChunk(b"\0\0" * 100))
    out.clear()
    s.emit(AudioChunk(b"\1\0" * 100))  # queued behind the interval
    s.emit(OutputTranscript("partial"))
    s.emit(Interrupted())
    assert len(out) == 1  # synchronously, no waiting for the timer
    got = items(out)
    assert [i["type"] for i in got] == ["transcript", "interrupted"]
    assert out[0][1] == []
    await settle()
    assert len(out) == 1


async def test_turn_and_tool_calls_become_marks() -> None:
    s = FakeSession()
    w, out = make(s)
    browser(w, {"type": "ready"})
    s.emit(ToolCall((FunctionCall("id1", "get_weather", {"city": "Paris"}),)))
    s.emit(TurnComplete())
    await settle()
    got = items(out)
    assert {"type": "tool", "calls": [{"id": "id1", "name": "get_weather",
                                       "args": {"city": "Paris"}}]} in got  # fmt: skip
    assert {"type": "turn", "reason": None, "ttfa_ms": None} in got


async def test_ready_again_holds_audio_only_up_to_the_cap() -> None:
    s = FakeSession()
    w, out = make(s)
    w._batcher.max_held_audio_s = 1.0
    for i in range(30):  # 3 s of 100 ms chunks, no browser yet
        s.emit(OutputTranscript(f"{i}"))
        s.emit(AudioChunk(bytes([i, 0]) * 2400))
    browser(w, {"type": "ready"})
    await settle()
    audio = b"".join(
        bufs[i["buffer"]] for c, bufs in out for i in c["items"] if i["type"] == "audio"
    )
    assert audio == b"".join(bytes([i, 0]) * 2400 for i in range(20, 30))
    assert w._batcher.dropped_audio_s == pytest.approx(2.0)


async def test_mic_frames_reach_the_session_in_order_and_gaps_are_counted() -> None:
    s = FakeSession()
    w, _ = make(s)
    browser(w, {"type": "ready"})
    frames = [bytes([i, 1]) * 320 for i in range(5)]
    for seq in (0, 1, 2, 4):
        browser(w, {"type": "audio", "seq": seq, "rate": 16000, "t": time.time() * 1000 - 3},
                [frames[seq]])  # fmt: skip
    browser(w, {"type": "text", "text": "hello"})
    browser(w, {"type": "activity", "state": "start"})
    browser(w, {"type": "activity", "state": "end"})
    await settle()
    # audio that queued up while the session was busy goes as one chunk, in order
    joined = b"".join(frames[i] for i in (0, 1, 2, 4))
    assert s.sent == [("audio", joined), ("text", "hello"), ("start", None), ("end", None)]
    st = w.stats()
    assert st["frames_in"] == 4 and st["frames_missing"] == 1 and st["bytes_in"] == 4 * 640
    assert st["capture_to_kernel"]["n"] == 4
    assert 2 <= st["capture_to_kernel"]["p50"] < 100


async def test_batched_frames_are_counted_one_by_one_with_browser_losses() -> None:
    s = FakeSession()
    w, _ = make(s)
    browser(w, {"type": "ready"})
    pcm = b"\1\0" * 320 * 3
    browser(w, {"type": "audio", "seq": 10, "rate": 16000, "frames": 3, "lost": 0}, [pcm])
    await settle()  # the session takes it before the next batch comes
    browser(w, {"type": "audio", "seq": 13, "rate": 16000, "frames": 3, "lost": 0}, [pcm])
    browser(w, {"type": "audio", "seq": 20, "rate": 16000, "frames": 3, "lost": 2}, [pcm])
    await settle()
    st = w.stats()
    assert (st["frames_in"], st["frames_missing"], st["frames_lost_in_browser"]) == (9, 4, 2)
    assert s.sent == [("audio", pcm), ("audio", pcm + pcm)]
    browser(w, {"type": "ready"})  # a reloaded page numbers from 0 again: no gap
    browser(w, {"type": "audio", "seq": 0, "rate": 16000, "frames": 1}, [pcm])
    assert w.stats()["frames_missing"] == 4


async def test_played_reports_ride_on_audio_messages() -> None:
    s = FakeSession()
    w, _ = make(s)
    browser(w, {"type": "ready"})
    browser(
        w,
        {"type": "audio", "seq": 0, "rate": 16000, "frames": 1, "samples": 2400, "acks": []},
        [b"\0\0"],
    )
    assert s.played == [2400] and w.played_samples == 2400


async def test_levels_ride_on_audio_and_played_messages_and_odd_ones_are_ignored() -> None:
    w, _ = make(FakeSession())
    browser(w, {"type": "ready"})
    browser(
        w, {"type": "audio", "seq": 0, "rate": 16000, "frames": 1, "levels": [-23, -100]}, [b"\0\0"]
    )
    assert (w.input_level, w.output_level) == (-23.0, -100.0)
    browser(w, {"type": "played", "samples": 10, "levels": [-40.5, -12]})
    assert (w.input_level, w.output_level) == (-40.5, -12.0)
    for odd in ([1], [True, -3], ["-3", -3], [-3, 1e308], None, {"in": -3}):
        browser(w, {"type": "played", "samples": 20, "levels": odd})
        assert (w.input_level, w.output_level) == (-40.5, -12.0), odd


async def test_played_reports_reach_the_session_and_acks_give_latency() -> None:
    s = FakeSession()
    w, out = make(s)
    browser(w, {"type": "ready"})
    await settle()
    s.emit(AudioChunk(b"\0\0" * 480))
    await settle()
    seq = next(i for i in items(out) if i["type"] == "audio")["seq"]
    browser(w, {"type": "played", "samples": 480, "acks": [[seq, time.time() * 1000]]})
    assert s.played == [480]
    assert w.played_samples == 480
    lat = w.stats()["reply_to_scheduled"]
    assert lat["n"] == 1 and 0 <= lat["p95"] < 1000
    browser(w, {"type": "played", "samples": -5})
    assert s.played == [480]


async def test_connect_button_opens_a_session_with_the_pickers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[dict] = []
    s = FakeSession()

    async def fake_open(config: Any, endpoint: Any, api_key: Any, **fields: Any) -> Any:
        opened.append({"config": config, "endpoint": endpoint, "key": api_key, **fields})
        return s

    monkeypatch.setattr(widget_mod, "_open_session", fake_open)
    w, _out = make(api_key=KEY, endpoint="ws://127.0.0.1:1/x", system_instruction="Be brief.")
    w.voice, w.language, w.push_to_talk = "Kore", "fr-FR", True
    browser(w, {"type": "ready"})
    browser(w, {"type": "connect"})
    await settle()
    assert w.session is s and w.connected and w.status == "connected"
    assert opened[0]["voice"] == "Kore" and opened[0]["language"] == "fr-FR"
    assert opened[0]["vad"] == {"disabled": True}
    assert opened[0]["system_instruction"] == "Be brief."
    assert opened[0]["key"].reveal() == KEY
    browser(w, {"type": "disconnect"})
    await settle()
    assert s.status == "closed" and w.session is None and not w.connected and w.status == "closed"
    assert s.callbacks == []


async def test_a_failed_connect_shows_the_error_without_the_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def failing(*_: Any, **__: Any) -> Any:
        raise ConnectionRefusedError(f"refused for {KEY}")

    monkeypatch.setattr(widget_mod, "_open_session", failing)
    w, _ = make(api_key=KEY)
    with pytest.raises(ConnectionRefusedError):
        await w.connect()
    assert w.error.startswith("Could not connect: refused for ***")
    assert KEY not in w.error and w.status == "closed"


async def test_a_close_with_a_code_shows_code_and_reason() -> None:
    s = FakeSession()
    w, _out = make(s)
    browser(w, {"type": "ready"})
    s.emit(SessionStatus("reconnecting"))
    assert w.status == "reconnecting" and not w.connected
    s.emit(SessionStatus("connected"))
    assert w.connected
    s.emit(SessionStatus("closed", "Internal error occurred.", 1011))
    assert w.error == "Connection closed with code 1011: Internal error occurred."
    assert not w.connected and w.session is None and s.callbacks == []
    w2, _ = make(FakeSession())
    w2._on_event(
        SessionStatus("closed", "session closed with code 1007: Unsupported language", 1007)
    )
    assert w2.error == "Session closed with code 1007: Unsupported language"
    w3, _ = make(FakeSession())
    w3._on_event(SessionStatus("closed", "closed", 1000))
    assert w3.error == "" and w3.status == "closed"


async def test_close_cancels_tasks_and_closes_the_session() -> None:
    s = FakeSession()
    w, _ = make(s)
    pump = w._pump_task
    assert pump is not None and not pump.done()
    w.close()
    await settle()
    assert pump.cancelled()
    assert s.status == "closed" and s.callbacks == []
    assert not w._tasks


async def test_a_real_session_on_the_emulator_streams_through_the_widget(emulator: Any) -> None:
    w, out = make(endpoint=emulator.google_url(), voice="Puck")
    browser(w, {"type": "ready"})
    session = await w.connect()
    try:
        assert w.connected and w.status == "connected"
        assert session.config.voice == "Puck" and session.config.language is None
        assert "ws://127.0.0.1" in w.endpoint
        browser(w, {"type": "text", "text": "Hello there"})
        await wait_until(lambda: any(i["type"] == "turn" for i in items(out)))
        got = items(out)
        audio = [bufs[i["buffer"]] for c, bufs in out for i in c["items"] if i["type"] == "audio"]
        reply = "".join(
            i["text"] for i in got if i["type"] == "transcript" and i["role"] == "model"
        )
        assert sum(map(len, audio)) > 24000  # over half a second of reply audio
        assert reply.strip()
        assert got[-1]["type"] == "turn"
        assert len(out) < 40  # coalesced: far fewer messages than reply chunks
        total = sum(map(len, audio)) // 2
        browser(w, {"type": "played", "samples": total})
        assert w.played_samples == total
    finally:
        await w.disconnect()
    assert session.status == "closed" and not w.connected


async def test_comm_messages_from_a_subshell_thread_run_on_the_session_loop() -> None:
    # ipykernel 7 runs comm handlers of subshell-aware front ends on another thread and loop.
    s = FakeSession()
    w, out = make(s)
    loops: list[asyncio.AbstractEventLoop] = []
    send = s.send_audio

    async def record(pcm: bytes, rate: int = 16000) -> None:
        loops.append(asyncio.get_running_loop())
        await send(pcm, rate)

    s.send_audio = record  # type: ignore[method-assign]

    def subshell() -> None:
        async def handle() -> None:
            browser(w, {"type": "ready"})
            browser(w, {"type": "audio", "seq": 0, "rate": 16000}, [b"\1\0" * 320])

        asyncio.run(handle())

    thread = threading.Thread(target=subshell)
    thread.start()
    thread.join()
    await settle()
    assert loops == [asyncio.get_running_loop()]
    assert s.sent == [("audio", b"\1\0" * 320)]
    # ready handled on our loop
    assert items(out)[0] == {"type": "mark", "text": "connected", "tone": "info"}


def test_a_session_on_a_background_loop_needs_no_running_loop_here() -> None:
    # connect_sync in a terminal or an IPython test shell runs the session on a loop thread
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        s = FakeSession()
        s.loop = loop  # type: ignore[attr-defined]
        seen: list[asyncio.AbstractEventLoop] = []
        send = s.send_audio

        async def record(pcm: bytes, rate: int = 16000) -> None:
            seen.append(asyncio.get_running_loop())
            await send(pcm, rate)

        s.send_audio = record  # type: ignore[method-assign]
        w, out = make(s)  # no running loop in this thread
        browser(w, {"type": "ready"})
        browser(w, {"type": "audio", "seq": 0, "rate": 16000}, [b"\2\0" * 320])
        s.emit(OutputTranscript("Hello"))  # events arrive on the session's loop in real life
        deadline = time.monotonic() + 2
        while (not s.sent or len(items(out)) < 2) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert seen == [loop] and s.sent == [("audio", b"\2\0" * 320)]
        assert items(out)[:2] == [
            {"type": "mark", "text": "connected", "tone": "info"},
            {"type": "transcript", "role": "model", "text": "Hello", "final": False, "reply": 0},
        ]
        w.close()
        deadline = time.monotonic() + 2
        while s.status != "closed" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert s.status == "closed" and not w._tasks
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(2)
        loop.close()


async def test_a_normal_disconnect_is_not_shown_as_a_failure() -> None:
    s = FakeSession()
    w, out = make(s)
    browser(w, {"type": "ready"})
    s.emit(AudioChunk(b"\0\0" * 480))
    await w.disconnect()
    s.emit(SessionStatus("closed", "closed by the client", 1000))
    await settle()
    kinds = [i["type"] for i in items(out)]
    assert "interrupted" not in kinds and w.error == "" and w.status == "closed"


async def test_a_barge_in_cut_and_time_to_first_audio_reach_the_pane() -> None:
    from gemlive_nb.session import PlaybackCut

    class Turnish:
        metrics: ClassVar[dict] = {"latency_first_audio": 0.8421}

    class Rec:
        turns: ClassVar[list] = [Turnish()]

    s = FakeSession()
    s.recording = Rec()  # type: ignore[attr-defined]
    w, out = make(s)
    browser(w, {"type": "ready"})
    s.emit(AudioChunk(b"\0\0" * 480))
    await settle()
    s.emit(Interrupted())
    cut = PlaybackCut(0, 4800)
    object.__setattr__(cut, "transcript", "Paris is")  # the field the session branch adds
    s.emit(cut)
    s.emit(AudioChunk(b"\1\0" * 480))
    s.emit(TurnComplete())
    await settle()
    got = items(out)
    assert {"type": "cut", "heard": "Paris is", "played_samples": 4800} in got
    assert {"type": "turn", "reason": None, "ttfa_ms": 842} in got
    replies = [i["reply"] for i in got if i["type"] == "audio"]
    assert replies == [0, 1]  # the page can drop late audio of a reply it cut


async def test_the_echo_report_takes_only_a_level_in_db() -> None:
    # the same rule as the levels: a finite number in dB, not a bool or a string
    w, _ = make(FakeSession())
    browser(w, {"type": "ready"})
    browser(w, {"type": "echo", "coupling_db": -18})
    assert w.echo_db == -18.0
    for odd in (True, "-3", 1e308, None):
        browser(w, {"type": "echo", "coupling_db": odd})
        assert w.echo_db == -18.0, odd


class SlowOpen:
    """_open_session stand-in: each call opens a FakeSession once `release` is set."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.opened: list[FakeSession] = []

    async def __call__(self, *_: Any, **__: Any) -> Any:
        await self.release.wait()
        s = FakeSession()
        self.opened.append(s)
        return s


async def test_two_connects_in_flight_open_one_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """#24 item 6: a double click (or Mic then Camera, or two views) opened two sessions; the
    first was never closed, not even by close()."""
    slow = SlowOpen()
    monkeypatch.setattr(widget_mod, "_open_session", slow)
    w, _ = make()
    browser(w, {"type": "ready"})
    browser(w, {"type": "connect"})
    browser(w, {"type": "connect"})
    direct = asyncio.ensure_future(w.connect())
    await settle()
    assert w.status == "connecting"
    slow.release.set()
    assert await direct is w.session
    await settle()
    assert len(slow.opened) == 1 and w.session is slow.opened[0] and w.connected
    w.close()
    await settle()
    assert slow.opened[0].status == "closed"


async def test_disconnect_while_connecting_abandons_the_connect(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """#24 item 6: Disconnect pressed while connecting was ignored; the session came up with
    the mic streaming."""
    slow = SlowOpen()
    monkeypatch.setattr(widget_mod, "_open_session", slow)
    w, _ = make(mic_on=True)
    browser(w, {"type": "ready"})
    pending = asyncio.ensure_future(w.connect())
    await settle()
    browser(w, {"type": "disconnect"})
    await settle()
    slow.release.set()
    with pytest.raises(SessionClosed):
        await pending
    await settle()
    assert w.session is None and not w.connected and w.status == "closed" and w.error == ""
    assert all(s.status == "closed" for s in slow.opened)
    # a connect that still returns a session after the Disconnect (it swallowed the cancel):
    # that session is closed at once, never attached
    stubborn: list[FakeSession] = []

    async def swallows_the_cancel(*_: Any, **__: Any) -> Any:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(30)
        stubborn.append(FakeSession())
        return stubborn[-1]

    monkeypatch.setattr(widget_mod, "_open_session", swallows_the_cancel)
    browser(w, {"type": "connect"})
    await settle()
    browser(w, {"type": "disconnect"})
    await settle()
    assert len(stubborn) == 1 and stubborn[0].status == "closed" and stubborn[0].callbacks == []
    assert w.session is None and w.status == "closed"


async def test_a_new_session_counts_played_samples_from_zero(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """#24 item 8: after Disconnect -> Connect the page's count of played samples went on from
    the first session's, so the new session's reply counted as heard at once."""
    sessions: list[FakeSession] = []

    async def fake_open(*_: Any, **__: Any) -> Any:
        sessions.append(FakeSession())
        return sessions[-1]

    monkeypatch.setattr(widget_mod, "_open_session", fake_open)
    w, _ = make()
    browser(w, {"type": "ready"})
    await w.connect()
    first_epoch = w._session_epoch
    browser(w, {"type": "played", "samples": 48000, "epoch": first_epoch})
    await w.disconnect()
    await w.connect()
    assert w._session_epoch == first_epoch + 1 and w.played_samples == 0
    # a report still about the first session (in flight when the second one came up)
    browser(w, {"type": "played", "samples": 60000, "epoch": first_epoch})
    browser(w, {"type": "played", "samples": 12000, "epoch": w._session_epoch})
    assert sessions[0].played == [48000] and sessions[1].played == [12000]
    assert w.played_samples == 12000


async def test_a_played_report_that_is_not_a_count_is_ignored() -> None:
    """#24 item 16: {"samples": true} reached report_playback, which raised in the handler."""
    s = FakeSession()
    w, _ = make(s)
    browser(w, {"type": "ready"})
    for odd in (True, False, 1.5, "10", None, -1):
        browser(w, {"type": "played", "samples": odd})
    assert s.played == [] and w.played_samples == 0


async def test_connect_then_disconnect_at_once_opens_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow = SlowOpen()
    slow.release.set()
    monkeypatch.setattr(widget_mod, "_open_session", slow)
    w, _ = make()
    browser(w, {"type": "ready"})
    browser(w, {"type": "connect"})
    browser(w, {"type": "disconnect"})  # before the connect task even ran
    await settle()
    assert slow.opened == [] and w.session is None and w.status == "closed" and w.error == ""
    await w.connect()  # and the widget still connects afterwards
    assert w.session is slow.opened[0] and w.connected
