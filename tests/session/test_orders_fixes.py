"""Issue 24 items 4 and 5, end to end: history ending on a model turn, replacing the tools."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
from replies import got_its_reply
from waiting import wait_until

import gemlive_nb as gl
from gemlive_nb.emulator import Emulator

SETUP = [{"expect": "setup"}, {"send": {"setupComplete": {}}}]


async def test_send_turns_ending_on_a_model_turn_opens_the_turn_it_answers(
    emulator: Emulator,
) -> None:
    """Item 4: ``turnComplete: true`` makes the model answer whatever the last role was."""
    async with gl.connect(endpoint=emulator.google_url()) as s:
        turn = await s.send_turns([("user", "My name is Ada."), ("model", "Hi Ada!")])
        assert turn is not None
        await s.wait_turn(turn, timeout=30)
        assert turn.status == "answered" and turn.transcript
        after = await s.ask("What is my name?")
        assert after.status == "answered" and "Ada" in after.transcript
        # the question may cut the first reply still playing (interrupted after turnComplete)
        assert s.turns == [turn, after] and got_its_reply(turn) and turn.output_transcript


async def test_send_turns_without_turn_complete_still_opens_no_turn(emulator: Emulator) -> None:
    async with gl.connect(endpoint=emulator.google_url()) as s:
        seeded = await s.send_turns([("user", "Hi"), ("model", "Hello")], turn_complete=False)
        assert seeded is None and s.turns == []


deleted: list[str] = []


def delete_files(folder: str) -> dict[str, Any]:
    """Delete every file in a folder.

    Args:
        folder: The folder.
    """
    deleted.append(folder)
    return {"deleted": folder}


def get_time() -> dict[str, Any]:
    """The current time."""
    return {"time": "12:00"}


async def test_update_context_tools_replaces_the_tool_set() -> None:
    """Item 5: a call to a tool removed by ``update_context`` is refused, not run."""
    call = {"id": "call-1", "name": "delete_files", "args": {"folder": "home"}}
    script = [
        *SETUP,
        {"expect": "contextUpdate"},
        {"send": {"toolCall": {"functionCalls": [call]}}},
        {"expect": "toolResponse"},
    ]
    deleted.clear()
    with Emulator(speech="builtin", script=script) as emu:
        async with gl.connect(endpoint=emu.google_url(), tools=[delete_files, get_time]) as s:
            await s.update_context(tools=[get_time])
            record = emu.sessions[-1]
            assert await wait_until(lambda: any("toolResponse" in m for m in record.messages))
        answers = [m["toolResponse"] for m in record.messages if "toolResponse" in m]
    assert deleted == []
    (response,) = answers[0]["functionResponses"]
    assert response["id"] == "call-1"
    assert "unknown tool 'delete_files'" in response["response"]["error"]
    assert "get_time" in response["response"]["error"]


def _audio_frame(samples: np.ndarray) -> dict[str, Any]:
    data = base64.b64encode(samples.astype("<i2").tobytes()).decode()
    part = {"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": data}}
    return {"serverContent": {"modelTurn": {"parts": [part]}}}


def _content(**fields: Any) -> dict[str, Any]:
    return {"serverContent": fields}


async def test_a_tool_turn_closed_without_speech_returns_and_shifts_no_reply() -> None:
    """Item 3, end to end: ask(A) returns (not a timeout) and B's reply is B's."""
    call = {"id": "call-1", "name": "get_time", "args": {}}
    script = [
        *SETUP,
        {"expect": "clientContent"},
        {"send": {"toolCall": {"functionCalls": [call]}}},
        {"expect": "toolResponse"},
        {"send": _content(turnComplete=True)},
        {"expect": "clientContent"},
        {"send": [_content(outputTranscription={"text": "B reply."}),
                  _audio_frame(np.full(2400, 7, np.int16)), _content(turnComplete=True)]},
    ]  # fmt: skip
    with Emulator(speech="builtin", script=script) as emu:
        async with gl.connect(endpoint=emu.google_url(), tools=[get_time]) as s:
            a = await s.ask("What time is it?", timeout=15)
            b = await s.ask("And the date?", timeout=15)
    assert a.status == "answered" and a.transcript == "" and a.tool_calls[0]["name"] == "get_time"
    assert b.status == "answered" and b.transcript == "B reply." and b.audio_out_s == 0.1


async def test_interrupted_after_turn_complete_cuts_the_reply_still_playing() -> None:
    """Item 2, end to end: A's 5 s reply has ended and plays; B is asked; interrupted; B's reply."""
    script = [
        *SETUP,
        {"expect": "clientContent"},
        {"send": [_content(outputTranscription={"text": "A long story."}),
                  *[_audio_frame(np.full(24000, 1, np.int16)) for _ in range(5)],
                  _content(generationComplete=True), _content(turnComplete=True)]},
        {"expect": "clientContent"},
        {"send": [_content(interrupted=True),
                  _content(outputTranscription={"text": "B reply."}),
                  _audio_frame(np.full(24000, 2, np.int16)), _content(turnComplete=True)]},
    ]  # fmt: skip
    with Emulator(speech="builtin", script=script) as emu:
        async with gl.connect(endpoint=emu.google_url()) as s:
            a = await s.ask("Tell me a story.", timeout=15)
            b = await s.ask("What time is it?", timeout=15)
    assert a.status == "interrupted" and a.audio_out_s < 5.0 and a.received_samples == 5 * 24000
    assert b.status == "answered" and b.transcript == "B reply." and b.audio_out_s == 1.0
