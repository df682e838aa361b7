"""Each collaborator of LiveSession alone: no session, no socket (fakes stand for the wire)."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

import pytest
from websockets.frames import Close

from gemlive_nb import protocol as p
from gemlive_nb.conversation import Recorder
from gemlive_nb.endpoints import Endpoint
from gemlive_nb.exceptions import SessionClosed, TurnFailed
from gemlive_nb.secret import Secret
from gemlive_nb.session import AudioDropped, SessionStatus
from gemlive_nb.session.hub import EventHub
from gemlive_nb.session.link import Link, LinkHooks
from gemlive_nb.session.link_machine import LinkMachine, LinkStatus
from gemlive_nb.session.live import LiveSession
from gemlive_nb.session.receiver import Receiver
from gemlive_nb.session.sender import Outbox, Sender
from gemlive_nb.session.tool_runner import ToolRunner
from gemlive_nb.session.turns import TurnBook
from gemlive_nb.tools import ToolRegistry


class FakeSocket:
    """Takes frames through ``await send`` (the writer's path), like a websockets connection."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, frame: str) -> None:
        self.sent.append(frame)


class FakeSender:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, frame: str, audio_s: float = 0.0) -> None:
        self.sent.append(frame)

    def holds(self, frame: str) -> bool:
        return False  # every frame went out at once


def test_the_session_mro_holds_no_other_class_of_the_package() -> None:
    ours = [c for c in LiveSession.__mro__ if c.__module__.startswith("gemlive_nb")]
    assert ours == [LiveSession]


async def test_sender_queues_refuses_once_closed_and_reports_drops() -> None:
    rec = Recorder()
    rec.recording.frames = []
    emitted: list[Any] = []
    refusal: list[SessionClosed] = []
    sock: list[Any] = [None]
    sender = Sender(Outbox(0.05), rec, lambda: sock[0],
                    lambda: refusal[0] if refusal else None, emitted.append)  # fmt: skip
    await sender.send("a", 0.03)
    await sender.send("ctl")
    await sender.send("b", 0.03)  # over 0.05 s: the oldest audio goes
    assert [f for f, _ in sender.outbox._items] == ["ctl", "b"]
    assert emitted == [AudioDropped(1, 0.03)]
    sender.put_first([("again", 0.0), ("b", 0.0)])  # a re-asked turn: each frame goes once
    assert [f for f, _ in sender.outbox._items] == ["again", "b", "ctl"]
    ws = FakeSocket()
    sock[0] = ws
    writer = asyncio.ensure_future(sender.run())
    while len(ws.sent) < 3:
        await asyncio.sleep(0.01)
    writer.cancel()
    assert ws.sent == ["again", "b", "ctl"]
    assert [f["frame"] for f in rec.recording.frames] == ["again", "b", "ctl"]
    refusal.append(SessionClosed(1000, "bye"))
    with pytest.raises(SessionClosed, match="bye"):
        await sender.send("late")


async def test_turn_book_sends_history_with_its_turn_and_asks_open_turns_again() -> None:
    rec, sender = Recorder(), FakeSender()
    book = TurnBook(rec, sender)
    await book.send_history("seed")
    turn = await book.send_turn("Hi", "ask", source="typed")
    assert sender.sent == ["seed", "ask"] and turn.user_text == "Hi"
    assert book.resume("goAway") == [("seed", 0.0), ("ask", 0.0)]
    assert turn.retries == 1
    second = await book.send_turn("Again", "ask2")
    assert book.resume("a close") == [("seed", 0.0), ("ask", 0.0), ("ask2", 0.0)]
    waiting = asyncio.ensure_future(book.wait(second, 5, None))
    await asyncio.sleep(0)
    book.fail_waiters(SessionClosed(1011, "gone"))
    with pytest.raises(SessionClosed, match="gone"):
        await waiting
    rec.fail_turn(turn, "broken")
    with pytest.raises(TurnFailed, match="broken"):
        await book.wait(turn, 5, None)


def test_tool_runner_assembles_streamed_arguments_and_runs_each_call_once() -> None:
    started: list[p.ToolCall] = []

    class Tools(ToolRegistry):
        def start(self, event: Any, respond: Any) -> list[Any]:
            started.append(event)
            return []

    runner = ToolRunner(Tools([]), Recorder(), FakeSender().send)
    piece = p.FunctionCall("c1", "f", {}, ({"jsonPath": "$.city", "stringValue": "Pa",
                                            "willContinue": True},), True)  # fmt: skip
    assert runner.whole(p.ToolCall((piece,))) is None
    rest = p.FunctionCall("c1", "f", {}, ({"jsonPath": "$.city", "stringValue": "ris"},))
    whole = runner.whole(p.ToolCall((rest,)))
    assert whole is not None and whole.calls[0].args == {"city": "Paris"}
    runner.run(whole)
    runner.run(whole)  # the same id again: not run twice
    assert len(started) == 1
    plain = p.ToolCall((p.FunctionCall("c2", "g", {"x": 1}),))
    assert runner.whole(plain) is plain


async def test_event_hub_buffers_calls_subscribers_and_ends() -> None:
    hub = EventHub(2)
    seen: list[Any] = []

    def broken(event: Any) -> None:
        raise RuntimeError("no")

    hub.subscribe(broken)
    stop = hub.subscribe(seen.append)
    for event in (1, 2, 3):
        hub.emit(event)
    stop()
    hub.emit(4)
    assert seen == [1, 2, 3]
    assert [await hub.next(lambda: True), await hub.next(lambda: True)] == [3, 4]
    with pytest.raises(StopAsyncIteration):
        await hub.next(lambda: True)


class FakeLink:
    def __init__(self) -> None:
        self.machine = LinkMachine("x", resumption=True)
        self.goaways: list[float] = []

    def goaway(self, time_left: float) -> None:
        self.goaways.append(time_left)

    def resumption_update(self, handle: str | None, resumable: bool) -> None:
        self.machine.resumption_update(handle, resumable)


def test_receiver_routes_events_and_survives_bad_frames() -> None:
    rec, link = Recorder(), FakeLink()
    fake: Any = link
    emitted: list[Any] = []
    usage: list[int] = []
    rx = Receiver(rec, ToolRunner(ToolRegistry([]), rec, FakeSender().send, auto=False),
                  fake, emitted.append, lambda: usage.append(1))  # fmt: skip
    rx.on_frame("{not json")
    rx.on_frame(json.dumps({"sessionResumptionUpdate": {"newHandle": "h9", "resumable": True}}))
    rx.on_frame(json.dumps({"goAway": {"timeLeft": "5s"}}))
    rx.on_frame(json.dumps({"usageMetadata": {"totalTokenCount": 3}}))
    assert rx.received == 4 and link.machine.handle == "h9" and link.goaways == [5.0]
    assert usage == [1] and any(e["type"] == "error" for e in rec.recording.events)
    assert [type(e).__name__ for e in emitted] == ["SessionResumptionUpdate", "GoAway", "Usage"]


async def test_link_retries_through_its_machine_and_redacts_with_the_plan_secrets() -> None:
    key = "AIzaSy" + "A" * 33
    endpoint = Endpoint(kind="google", url="wss://example.test/ws", api_key=Secret(key),
                        model="gemini-live-2.5-flash")  # fmt: skip
    statuses: list[SessionStatus] = []
    ended: list[Any] = []
    hooks = LinkHooks(statuses.append, ended.append, lambda cause: None)
    attempts: list[int] = []

    class Tried(Link):
        async def _open(self) -> Any:
            attempts.append(1)
            if len(attempts) == 1:
                raise SessionClosed(1011, f"failed with {key}")
            return FakeSocket()

    machine = LinkMachine("Google", backoff_s=0.0)
    link = Tried(endpoint, lambda: None, Recorder(), machine, {}, hooks, lambda f: None)
    await link.start()
    assert len(attempts) == 2 and machine.status is LinkStatus.CONNECTED
    assert [s.state for s in statuses] == ["connecting", "connected"]
    assert key not in link.redact(f"x {key} y") and ended == []


class ClosingSocket(FakeSocket):
    """Yields ``frames``, then ends as a server close with ``code`` would (None: stays open)."""

    def __init__(self, frames: list[str], code: int | None) -> None:
        super().__init__()
        self.frames = frames
        self.code = code
        self.protocol = SimpleNamespace(close_rcvd=Close(code, "boom") if code else None)

    async def __aiter__(self) -> Any:
        for frame in self.frames:
            yield frame
        if self.code is None:
            await asyncio.Event().wait()


async def test_link_reads_then_reconnects_and_resumes_after_a_1011() -> None:
    endpoint = Endpoint(kind="emulator", url="ws://127.0.0.1:9/ws", model="gemini-live-2.5-flash")
    statuses: list[SessionStatus] = []
    resumed: list[str] = []
    frames: list[Any] = []
    rec = Recorder()
    sockets = [ClosingSocket(["one"], 1011), ClosingSocket(["two"], None)]

    class Scripted(Link):
        async def _open(self) -> Any:
            return sockets.pop(0)

    machine = LinkMachine("emu", backoff_s=0.0)
    hooks = LinkHooks(statuses.append, lambda e: None, resumed.append)
    link = Scripted(endpoint, lambda: None, rec, machine, {}, hooks, frames.append)
    await link.start()
    reader = asyncio.ensure_future(link.read())
    while machine.reconnects < 1 or len(frames) < 2:
        await asyncio.sleep(0.01)
    reader.cancel()
    assert frames == ["one", "two"] and resumed == ["a close (1011 boom)"]
    assert [s.state for s in statuses] == ["connecting", "connected", "reconnecting", "connected"]
    assert statuses[2].code == 1011 and machine.failures == 1


async def test_a_cancel_that_comes_as_the_turn_ends_is_not_swallowed() -> None:
    """The waiting task was cancelled: it must stop, even if its turn ended in the same step.

    ``asyncio.wait_for`` on Python 3.11 returns the result then, dropping the cancel; an
    evaluation whose turns had just ended kept running its next steps after being cancelled.
    """
    rec = Recorder()
    book = TurnBook(rec, FakeSender())
    turn = await book.send_turn("Hi", "ask", source="typed")
    waiting = asyncio.ensure_future(book.wait(turn, 5, None))
    await asyncio.sleep(0)
    book.ended(turn)  # the reply's turnComplete and the cancel arrive in one loop step
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
