"""LiveSession across connection trouble: goAway, 1011 mid-turn, dropped TCP, bad setup.

The emulator remembers facts told earlier only through the resumption handle (or a re-sent
turn), so "What is my name?" answering "Ada" after a reconnect proves nothing was lost.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from replies import assert_reply_audio, got_its_reply
from waiting import wait_until

from gemlive_nb.conversation import Recording
from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.speech import get_speech
from gemlive_nb.exceptions import SessionClosed
from gemlive_nb.session import SessionStatus, connect

FAST = {"backoff_s": 0.05}


def _statuses(s: Any) -> list[SessionStatus]:
    found: list[SessionStatus] = []
    s.subscribe(lambda e: found.append(e) if isinstance(e, SessionStatus) else None)
    return found


def _check_recording(s: Any, n_turns: int) -> None:
    """Every turn once, complete, and its audio exactly the reply the model spoke.

    (The next question may cut a reply still playing: PROTOCOL.md §3; then the start is heard.)
    """
    turns = s.recording.turns
    assert [t.index for t in turns] == list(range(n_turns))
    speech = get_speech()
    for turn in turns:
        assert turn.complete and got_its_reply(turn)
        assert_reply_audio(turn, speech.synthesize(turn.output_transcript, s.config.voice, "en-US"))
    out = s.recording.output.samples
    for turn in turns:  # placed on the timeline without overlap
        start = turn.output_offset
        assert np.array_equal(out[start : start + len(turn.audio.samples)], turn.audio.samples)


async def test_go_away_reconnects_with_the_handle_before_time_runs_out() -> None:
    with Emulator(go_away_after=0.4, go_away_time_left=1.0) as emu:
        async with connect(endpoint=emu.google_url(), **FAST) as s:
            statuses = _statuses(s)
            await s.ask("My name is Ada.")
            while s.stats.reconnects < 1:
                await asyncio.sleep(0.02)
            answer = await s.ask("What is my name?")
            assert answer.output_transcript == "Your name is Ada."
            first = emu.sessions[0]
            # the client closed the old socket (1000) well before the server's 1008 deadline;
            # the server notes the close when its side of the connection has ended
            assert await wait_until(lambda: first.ended is not None)
            assert first.close_code == 1000 and first.duration < 1.2
            assert emu.sessions[1].setup["sessionResumption"]["handle"].startswith("emu-")
            assert [x.state for x in statuses[:2]] == ["reconnecting", "connected"]
            _check_recording(s, 2)


async def test_internal_error_mid_turn_is_retried_and_the_turn_asked_again(tmp_path: Path) -> None:
    with Emulator(fail_after_turns=1) as emu:
        async with connect(endpoint=emu.google_url(), **FAST) as s:
            statuses = _statuses(s)
            await s.ask("My name is Ada.")
            story = await s.ask("Tell me about dragons and castles.")
            assert story.retries == 1 and story.complete
            assert await wait_until(lambda: emu.sessions[0].ended is not None)
            assert emu.sessions[0].close_code == 1011
            assert statuses[0] == SessionStatus("reconnecting", "Internal error occurred.", 1011)
            assert (await s.ask("What is my name?")).output_transcript == "Your name is Ada."
            assert s.stats.reconnects == 1
            _check_recording(s, 3)
            s.recording.save(tmp_path)
            loaded = Recording.load(tmp_path)
            assert loaded == s.recording and loaded.turns[1].retries == 1
            # the emulator got the story question once per connection, never twice on one
            for record in emu.sessions:
                asked = [m for m in record.messages if "dragons" in str(m)]
                assert len(asked) <= 1


async def test_dropped_tcp_connection_resumes_without_losing_a_turn() -> None:
    with Emulator(latency=0.3, drop_after=0.5) as emu:
        async with connect(endpoint=emu.google_url(), **FAST) as s:
            statuses = _statuses(s)
            await s.ask("My name is Ada.")  # answered at ~0.3 s
            pending = await s.send_text("My city is Paris.")  # its reply would come at ~0.6 s
            await s.wait_turn(pending, timeout=10)
            # the drop hit a turn in flight (this one, unless the machine was very slow)
            assert sum(t.retries for t in s.turns) == 1
            assert any(x.code == 1006 for x in statuses)
            answer = await s.ask("What is my city?")
            assert answer.output_transcript == "Your city is Paris."
            assert (await s.ask("What is my name?")).output_transcript == "Your name is Ada."
            _check_recording(s, 4)


async def test_three_consecutive_failures_close_the_session() -> None:
    with Emulator(fail_after_turns=0, repeat_faults=True) as emu:
        s = await connect(endpoint=emu.google_url(), **FAST)
        with pytest.raises(SessionClosed) as info:
            await s.ask("Hello there, how are you?")
        error = info.value
        assert error.code == 1011 and "gave up after 3 consecutive failures" in error.reason
        assert "internal error" in error.hint
        assert len(emu.sessions) == 3 and s.status == "closed"
        with pytest.raises(SessionClosed):
            async for _ in s:
                pass


async def test_invalid_setup_is_not_retried() -> None:
    reason = "Unsupported language code 'xx-YY'"
    script = [{"expect": "setup"}, {"close": 1007, "reason": reason}]
    with Emulator(script=script) as emu:
        with pytest.raises(SessionClosed) as info:
            await connect(endpoint=emu.google_url(), **FAST)
        assert (info.value.code, info.value.reason) == (1007, reason)
        assert "check the language" in str(info.value)
        assert len(emu.sessions) == 1


async def test_config_close_mid_session_is_not_retried() -> None:
    reason = "Request contains an invalid argument."
    script = [
        {"expect": "setup"},
        {"send": {"setupComplete": {}}},
        {"expect": "clientContent"},
        {"close": 1007, "reason": reason},
    ]
    with Emulator(script=script) as emu:
        s = await connect(endpoint=emu.google_url(), **FAST)
        with pytest.raises(SessionClosed) as info:
            await s.ask("Hello", timeout=10)
        assert info.value.code == 1007 and info.value.reason == reason
        assert "LiveConfig" in info.value.hint
        assert len(emu.sessions) == 1 and s.status == "closed"


async def test_unknown_resumption_handle_starts_a_fresh_session(emulator: Emulator) -> None:
    before = len(emulator.sessions)
    async with connect(endpoint=emulator.google_url(), resumption="emu-unknown", **FAST) as s:
        turn = await s.ask("What is my name?")
        assert turn.output_transcript == "You have not told me your name yet."
    first, second = emulator.sessions[before : before + 2]
    assert first.close_code == 1008 and first.setup["sessionResumption"] == {
        "handle": "emu-unknown"
    }
    assert second.setup["sessionResumption"] == {}


async def test_a_reconnect_that_lost_context_says_so() -> None:
    # resumption off: after a completed turn, a broken connection cannot carry the context over
    with Emulator(speech="builtin", fail_after_turns=1) as emu:
        async with connect(endpoint=emu.google_url(), resumption=False, **FAST) as s:
            statuses: list[SessionStatus] = []
            s.subscribe(lambda e: statuses.append(e) if isinstance(e, SessionStatus) else None)
            await s.ask("My name is Ada.")
            turn = await s.ask("Tell me about Rome.", timeout=20)
            assert turn.status == "answered" and turn.retries == 1
            connected = [x.detail for x in statuses if x.state == "connected"]
            assert connected and connected[-1].startswith("reconnected, context lost")
    with Emulator(speech="builtin", fail_after_turns=1) as emu:
        async with connect(endpoint=emu.google_url(), **FAST) as s:  # resumption on (default)
            statuses = []
            s.subscribe(lambda e: statuses.append(e) if isinstance(e, SessionStatus) else None)
            await s.ask("My name is Ada.")
            await s.ask("Tell me about Rome.", timeout=20)
            connected = [x.detail for x in statuses if x.state == "connected"]
            assert connected and connected[-1].startswith("resumed")
