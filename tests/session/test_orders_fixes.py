"""Issue 24 items 4 and 5, end to end: history ending on a model turn, replacing the tools."""

from __future__ import annotations

from typing import Any

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
        assert [t.status for t in s.turns] == ["answered", "answered"]


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
