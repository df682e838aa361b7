"""The emulator's speaker alone: replies sent through a fake sender (no sockets)."""

from __future__ import annotations

import asyncio

import numpy as np
from emulator_fakes import WEATHER, FakeSender, make_cfg, make_hub, make_session

from gemlive_nb.emulator.faults import INTERNAL, Faults
from gemlive_nb.emulator.hub import Hub
from gemlive_nb.emulator.responder import Responder
from gemlive_nb.emulator.setup import SessionSetup
from gemlive_nb.emulator.speaker import Speaker
from gemlive_nb.emulator.turn_responder import TurnResponder


def _speaker(cfg: SessionSetup, hub: Hub | None = None) -> tuple[Speaker, FakeSender]:
    hub = hub or make_hub()
    session = make_session(cfg)
    sender = FakeSender(session)
    return Speaker(session, sender, hub, TurnResponder(Responder(0), seed=1)), sender


async def _said(speaker: Speaker, text: str) -> None:
    speaker.session.add("user", text)
    speaker.start_reply(text)
    assert speaker.task is not None
    await speaker.task


async def test_a_text_reply_streams_parts_then_ends_the_turn_with_usage():
    speaker, sender = _speaker(make_cfg(text=True))
    await _said(speaker, "My name is Ada.")
    texts = [m["serverContent"]["modelTurn"]["parts"][0]["text"] for m in sender.messages("text")]
    assert "Ada" in "".join(texts)
    (done,) = sender.messages("turnComplete")
    assert done["serverContent"] == {"turnComplete": True}
    assert done["usageMetadata"]["responseTokenCount"] > 0
    assert speaker.session.history[-1] == {"role": "model", "text": "".join(texts), "audio_s": 0.0}
    assert speaker.session.completed == 1 and speaker.session.record.turns == 1
    assert not speaker.turn_open


async def test_an_audio_reply_is_paced_in_chunks_of_the_hubs_length():
    hub = make_hub(reply_audio=np.zeros(24_000, np.int16), chunk_ms=40)  # 1 s of reply audio
    speaker, sender = _speaker(make_cfg(), hub)
    await _said(speaker, "Hello there.")
    audio = sender.messages("audio")
    assert len(audio) == 25
    assert all("inlineData" in a["serverContent"]["modelTurn"]["parts"][0] for a in audio)
    assert sender.kinds()[-1] == "turnComplete"
    assert speaker.session.history[-1]["audio_s"] == 1.0


async def test_a_failing_turn_closes_once_with_internal_error_halfway():
    for cfg in (make_cfg(text=True), make_cfg()):
        hub = make_hub(faults=Faults(fail_after_turns=0), reply_audio=np.zeros(24_000, np.int16))
        speaker, sender = _speaker(cfg, hub)
        await _said(speaker, "Tell me a long story about the sea and the ships on it.")
        assert sender.closes == [(1011, INTERNAL)]
        assert "turnComplete" not in sender.kinds()
        assert sender.kinds().count("audio") + sender.kinds().count("text") >= 1


async def test_a_blocking_tool_call_keeps_the_turn_open_until_answered():
    speaker, sender = _speaker(make_cfg(tools=[WEATHER]))
    await _said(speaker, "What is the weather in Paris?")
    (call,) = sender.messages("toolCall")
    fc = call["toolCall"]["functionCalls"][0]
    assert fc["name"] == "get_weather" and fc["args"] == {"city": "Paris"}
    assert list(speaker.session.pending_blocking) == [fc["id"]]
    assert speaker.turn_open and "turnComplete" not in sender.kinds()


async def test_barge_in_cancels_the_reply_and_pending_calls_and_bills_what_was_said():
    hub = make_hub(reply_audio=np.zeros(240_000, np.int16), realtime=True)  # 10 s at 1x
    speaker, sender = _speaker(make_cfg(), hub)
    speaker.session.pending_async["call-1"] = {"id": "call-1"}
    speaker.start_reply("Hello")
    while "audio" not in sender.kinds():
        await asyncio.sleep(0.01)
    task = speaker.task
    assert task is not None
    await speaker.interrupt()
    await asyncio.wait([task])
    assert task.cancelled()
    kinds = sender.kinds()
    at = kinds.index("interrupted")
    assert kinds[at:] == ["interrupted", "toolCallCancellation", "turnComplete"]
    assert sender.messages("toolCallCancellation") == [
        {"toolCallCancellation": {"ids": ["call-1"]}}
    ]
    usage = sender.messages("turnComplete")[0]["usageMetadata"]
    assert usage["responseTokenCount"] >= 1
    assert not speaker.turn_open and not speaker.session.pending_async


async def test_interrupt_with_no_reply_sends_nothing():
    speaker, sender = _speaker(make_cfg())
    await speaker.interrupt()
    assert sender.frames == []


async def test_a_save_point_sends_a_handle_to_the_conversation_so_far():
    hub = make_hub()
    speaker, sender = _speaker(make_cfg(sessionResumption={}), hub)
    speaker.session.add("user", "My name is Ada.")
    await speaker.save_point()
    (update,) = sender.messages("sessionResumptionUpdate")
    handle = update["sessionResumptionUpdate"]["newHandle"]
    saved = hub.handles.get(handle)
    assert saved is not None and saved["history"] == speaker.session.history


async def test_late_input_is_flushed_before_the_turn_ends():
    speaker, sender = _speaker(make_cfg(text=True))
    speaker.session.late_input = {"text": " tail", "finished": True}
    await _said(speaker, "Hi.")
    kinds = sender.kinds()
    assert kinds.count("inputTranscription") == 1
    assert kinds.index("inputTranscription") < kinds.index("turnComplete")
    assert speaker.session.late_input is None


async def test_stop_spares_the_reply_that_is_stopping_the_connection():
    speaker, _ = _speaker(make_cfg(text=True))
    spared: list[bool] = []

    async def inside() -> None:
        speaker.task = asyncio.current_task()
        speaker.stop()
        spared.append(speaker.task is not None)

    await asyncio.ensure_future(inside())
    assert spared == [True]
    speaker.start_reply("Hello")
    task = speaker.task
    speaker.stop()
    await asyncio.sleep(0)
    assert speaker.task is None and task is not None and task.cancelled()
