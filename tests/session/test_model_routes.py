"""Every model of the service rules table, under every dated regime, on the emulator.

Each send path (``ask`` text and speech, ``send_text``, ``send_turns``, the widget's typed text,
``%%gemlive``) works twice in a row or fails with the documented error.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from replies import got_its_reply
from waiting import wait_until

import gemlive_nb as gl
from gemlive_nb.audio import Audio
from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.speech import get_speech
from gemlive_nb.protocol.service_rules import LATEST, REGIMES
from gemlive_nb.widget import VoiceWidget
from gemlive_nb.widget.messages import TO_KERNEL

MODELS = [m.name for m in gl.MODELS]
OLDER = [r for r in REGIMES if r != LATEST]


@pytest.fixture(scope="module")
def emulators(emulator: Emulator) -> Iterator[dict[str, Emulator]]:
    """One emulator per regime: the shared session one serves the latest rules."""
    older = {r: Emulator(speech="builtin", rules=r).start() for r in OLDER}
    try:
        yield {LATEST: emulator, **older}
    finally:
        for emu in older.values():
            emu.stop()


def url_for(emu: Emulator, model: str) -> str:
    entry = gl.MODELS[model]
    return emu.google_url() if "google" in entry.endpoints else emu.proxy_url(model)


def sent_text_frames(emu: Emulator, n: int) -> list[str]:
    """How the n-th session's user text went: 'clientContent' or 'realtimeInput' per message."""
    record = emu.sessions[n - 1]
    kinds = []
    for message in record.messages:
        if "clientContent" in message:
            kinds.append("clientContent")
        elif "text" in (message.get("realtimeInput") or {}):
            kinds.append("realtimeInput")
    return kinds


def route_of(model: str) -> str:
    """The message the kit's text should arrive as for ``model``."""
    routed = gl.MODELS[model].text_route
    return "clientContent" if routed == "client_content" else "realtimeInput"


def spoken(text: str) -> Audio:
    return Audio(np.asarray(get_speech("builtin").synthesize(text, "Zephyr", "en-US")), 24000)


@pytest.mark.parametrize("regime", REGIMES)
@pytest.mark.parametrize("model", MODELS)
async def test_ask_send_text_and_speech_answer_twice(
    emulators: dict[str, Emulator], model: str, regime: str
) -> None:
    emu = emulators[regime]
    async with gl.connect(endpoint=url_for(emu, model), model=model) as s:
        n = len(emu.sessions)
        first = await s.ask("Hello there", timeout=30)
        second = await s.ask("And what about now?", timeout=30)
        heard = await s.ask(spoken("What is the weather like?"), timeout=30)
        third = await s.send_text("One more thing.")
        assert third is not None
        await s.wait_turn(third, 30)
        fourth = await s.send_text("And the last one.")
        assert fourth is not None
        await s.wait_turn(fourth, 30)
    turns = (first, second, heard, third, fourth)
    # each next question may cut the reply before it, still playing (PROTOCOL.md §3)
    assert all(got_its_reply(t) for t in turns) and fourth.status == "answered", (model, regime)
    assert all(t.output_transcript for t in turns)
    assert sent_text_frames(emu, n) == [route_of(model)] * 4
    record = emu.wait_closed(n)
    assert record.close_code == 1000, record.close_reason


@pytest.mark.parametrize("regime", REGIMES)
@pytest.mark.parametrize("model", MODELS)
async def test_send_turns_follows_the_table(
    emulators: dict[str, Emulator], model: str, regime: str
) -> None:
    emu = emulators[regime]
    history = [("user", "My name is Ada."), ("model", "Nice to meet you, Ada!")]
    entry = gl.MODELS[model]
    if entry.client_content_after_first_turn:
        async with gl.connect(endpoint=url_for(emu, model), model=model) as s:
            assert await s.send_turns(history, turn_complete=False) is None
            for question in ("What is my name?", "Say it again?"):
                turn = await s.send_turns([("user", question)])
                assert turn is not None
                await s.wait_turn(turn, 30)
                assert turn.status == "answered"
        return
    # clientContent only as initial history in some regime: seed_history, before the first turn
    async with gl.connect(endpoint=url_for(emu, model), model=model) as s:
        with pytest.raises(gl.ConfigError, match=rf"'{model}'.*seed_history=True"):
            await s.send_turns(history, turn_complete=False)
        with pytest.raises(gl.ConfigError, match=rf"'{model}'.*seed_history=True"):
            await s.send_text("My name is Ada.", turn_complete=False)
    async with gl.connect(endpoint=url_for(emu, model), model=model, seed_history=True) as s:
        record = emu.sessions[-1]
        assert record.setup["historyConfig"] == {"initialHistoryInClientContent": True}
        assert await s.send_turns(history, turn_complete=False) is None
        for question in ("What is my name?", "Say it again?"):
            turn = await s.ask(question, timeout=30)
            assert turn.status == "answered"
        with pytest.raises(gl.ConfigError, match=rf"'{model}'.*only before the first turn"):
            await s.send_turns([("user", "More history")], turn_complete=False)
    assert emu.wait_closed(record.id).close_code == 1000, record.close_reason


@pytest.mark.parametrize("regime", REGIMES)
@pytest.mark.parametrize("model", MODELS)
async def test_widget_typed_text_answers_twice(
    emulators: dict[str, Emulator], model: str, regime: str
) -> None:
    emu = emulators[regime]
    w = VoiceWidget(endpoint=url_for(emu, model), model=model)
    w.send = lambda content, buffers=None: None  # type: ignore[method-assign]
    w._handle_custom_msg({"type": TO_KERNEL.READY}, [])
    session = await w.connect()
    try:

        def answered() -> int:  # (the next text may cut a reply still playing: PROTOCOL.md §3)
            return sum(got_its_reply(t) for t in session.recording.turns)

        for n, text in enumerate(("Hello there", "And again?"), 1):
            w._handle_custom_msg({"type": TO_KERNEL.TEXT, "text": text}, [])
            assert await wait_until(lambda n=n: answered() >= n, timeout=30)
        record = emu.sessions[-1]
        assert sent_text_frames(emu, len(emu.sessions))[-2:] == [route_of(model)] * 2
        assert record.close_code is None  # still open: nothing was refused
    finally:
        await w.disconnect()


@pytest.mark.parametrize("regime", REGIMES)
@pytest.mark.parametrize("model", MODELS)
def test_gemlive_cell_magic_answers_twice(
    emulators: dict[str, Emulator], model: str, regime: str
) -> None:
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    from gemlive_nb.magics import load_ipython_extension

    emu = emulators[regime]
    shell = InteractiveShell.instance()
    load_ipython_extension(shell)
    magics = shell.magics_manager.registry["GemliveMagics"]
    try:
        with capture_output():
            url = url_for(emu, model)
            shell.run_line_magic("gemlive", f"connect --model {model} --endpoint {url}")
            shell.run_cell_magic("gemlive", "", "Tell me a joke.")
            shell.run_cell_magic("gemlive", "", "And another one.")
        session = magics.session
        first, second = session.recording.turns  # the second may cut the first, still playing
        assert got_its_reply(first) and second.status == "answered"
        assert sent_text_frames(emu, len(emu.sessions)) == [route_of(model)] * 2
    finally:
        magics._disconnect()
