"""The emulator connection's small parts alone: the session state, the sender, the responder."""

from __future__ import annotations

import json
from typing import Any

import pytest
from emulator_fakes import WEATHER, make_cfg, make_session

from gemlive_nb.emulator.connection import Sender
from gemlive_nb.emulator.faults import Faults
from gemlive_nb.emulator.frames import Closed
from gemlive_nb.emulator.orders import Orders
from gemlive_nb.emulator.responder import Responder, tool_result_text
from gemlive_nb.emulator.turn_responder import CHECKING, Say, ToolCall, TurnResponder


class FakeSocket:
    """What a sender needs of a WebSocket."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.closed_with: list[tuple[int, str]] = []
        self.transport = self
        self.aborted = False

    async def send(self, data: bytes) -> None:
        self.sent.append(data)

    async def close(self, code: int, reason: str) -> None:
        self.closed_with.append((code, reason))

    def abort(self) -> None:
        self.aborted = True


def _sender() -> tuple[Sender, FakeSocket, list[str]]:
    session = make_session()
    ws = FakeSocket()
    sender = Sender(ws, session.record, Faults(), session)
    stops: list[str] = []
    sender.on_stop = lambda: stops.append("stop")
    return sender, ws, stops


async def test_the_sender_notes_each_frame_and_refuses_after_close():
    sender, ws, stops = _sender()
    await sender.send_msg({"setupComplete": {}}, "setupComplete")
    assert [json.loads(f) for f in ws.sent] == [{"setupComplete": {}}]
    assert sender.record.sent == ["setupComplete"]
    await sender.close(1008, "bye")
    await sender.close(1011, "again")  # idempotent
    assert ws.closed_with == [(1008, "bye")] and stops == ["stop"]
    assert (sender.record.close_code, sender.record.close_reason) == (1008, "bye")
    with pytest.raises(Closed):
        await sender.send(b"{}", "audio")


def test_a_drop_cuts_the_transport_and_records_1006():
    sender, ws, stops = _sender()
    sender.drop()
    assert ws.aborted and stops == ["stop"] and sender.session.closed
    assert sender.record.close_code == 1006


def test_a_user_turns_orders_are_drawn_once_until_used_up():
    session = make_session(make_cfg())
    session.orders = Orders("adversarial", seed=3)
    first = session.draw_orders()
    assert session.draw_orders() is first  # the listener's early draw is the reply's
    session.draw_orders(after_tool=True)  # a tool answer's reply draws its own
    assert session.draw_orders() is first
    session.use_up_orders()
    again = make_session(make_cfg())
    again.orders = Orders("adversarial", seed=3)
    assert again.draw_orders() == first  # the same seed and connection draw the same


def test_the_session_counts_turns_into_its_record_and_knows_its_dialect():
    session = make_session(kind="proxy")
    session.complete_turn()
    assert session.completed == session.record.turns == 1
    assert session.dialect == "mixroute" and make_session(kind="vertex").dialect == "vertex"
    session.add("user", "a")
    session.add("model", "b")
    session.add("user", "c")
    assert session.user_texts() == ["a", "c"] and session.last_user_text() == "c"


def _answer(responder: TurnResponder, text: str, **setup: Any) -> Say | ToolCall:
    return responder.answer(make_cfg(**setup), text, None, [text])


def test_the_responder_calls_a_matching_tool_with_seeded_ids():
    a, b = TurnResponder(Responder(0), seed=7), TurnResponder(Responder(0), seed=7)
    call = _answer(a, "What is the weather in Rome?", tools=[WEATHER])
    assert isinstance(call, ToolCall) and call == _answer(
        b, "What is the weather in Rome?", tools=[WEATHER]
    )
    assert call.call["name"] == "get_weather" and call.call["args"] == {"city": "Rome"}
    assert call.call["id"].startswith("function-call-") and call.then_say is None
    assert json.loads(call.history_text()) == call.call


def test_a_non_blocking_call_is_talked_over():
    tool = {
        "functionDeclarations": [{**WEATHER["functionDeclarations"][0], "behavior": "NON_BLOCKING"}]
    }
    call = _answer(TurnResponder(Responder(0), 1), "What is the weather in Rome?", tools=[tool])
    assert isinstance(call, ToolCall) and call.non_blocking and call.then_say == CHECKING


def test_the_responder_answers_tool_results_and_plain_words():
    responder = TurnResponder(Responder(0), 1)
    answers = [{"id": "x", "name": "get_weather", "response": {"temp": 20}}]
    cfg = make_cfg()
    assert responder.answer(cfg, None, answers, []) == Say(tool_result_text(answers))
    said = responder.answer(cfg, "My name is Ada.", None, ["My name is Ada."])
    assert said == Say(Responder(0).reply(["My name is Ada."], cfg.language))
    searched = _answer(responder, "Who won the cup?", tools=[{"googleSearch": {}}])
    assert isinstance(searched, Say) and searched.grounding is not None


def test_the_connection_owns_its_parts_instead_of_inheriting_them():
    from gemlive_nb.emulator.listener import Listener
    from gemlive_nb.emulator.live import LiveConnection
    from gemlive_nb.emulator.speaker import Speaker

    for cls in (LiveConnection, Listener, Speaker, Sender, TurnResponder):
        assert cls.__mro__ == (cls, object)
