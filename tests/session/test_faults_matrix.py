"""Faults × session features: every case completes its turns whole and tells the user what happened.

Faults come from the emulator (goAway at each phase of a reply, 1011 mid-audio, a dropped TCP
connection, bursty reply audio) or from the client side (a reader that stops reading for a
while, a tool that hangs past ``tool_timeout``, a tool that raises). Features are a text turn,
a spoken turn (``ask(Audio)``) and a tool turn. Each case then asks a plain follow-up turn and
checks:

- no lost turn: both turns complete, not interrupted, indices 0 and 1; at most one of them asked
  again after a reconnect, none without one;
- no lost transcript or sample: each turn's audio is exactly the speech of its transcript, as the
  emulator synthesised it, and sits unbroken on the recording's output track; the spoken turn's
  input is recorded once (a re-sent turn is not recorded twice);
- a clear status: a reconnecting fault shows ``reconnecting`` then ``connected`` (with the close
  code for a broken connection), the others no status change at all.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from replies import assert_reply_audio, got_its_reply
from waiting import wait_until

from gemlive_nb.audio import Audio
from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.speech import get_speech
from gemlive_nb.session import LiveSession, SessionStatus, connect

SPEECH = get_speech("builtin")
SPOKEN = "My favorite color is green."


def get_weather(city: str) -> dict:
    """Current weather for a city.

    Args:
        city: The city name.
    """
    return {"city": city, "temp_c": 21}


async def _hang(city: str) -> dict:
    await asyncio.Event().wait()  # never answers
    return {}


def _raises(city: str) -> dict:
    raise RuntimeError("weather service down")


@dataclass(frozen=True)
class Fault:
    emulator: dict[str, Any] = field(default_factory=dict)
    reconnects: bool = False
    close_code: int | None = None  # the code the reconnecting status names (1000: our goAway)
    pause_reading_s: float = 0.0  # the client stops reading its socket this long
    tool: Any = None  # replaces get_weather's body
    tool_error: str | None = None


GO = {"go_away_time_left": 1.0}
FAULTS = {
    "goaway_before_turn": Fault(
        {**GO, "go_away_at": "turn_start"}, reconnects=True, close_code=1000
    ),
    "goaway_mid_audio": Fault({**GO, "go_away_at": "mid_audio"}, reconnects=True, close_code=1000),
    "goaway_after_generation": Fault(
        {**GO, "go_away_at": "generation_complete"}, reconnects=True, close_code=1000
    ),
    "close_1011_mid_audio": Fault({"fail_after_turns": 0}, reconnects=True, close_code=1011),
    "dropped_tcp_mid_audio": Fault({"drop_at": "mid_audio"}, reconnects=True, close_code=1006),
    "slow_reader": Fault(pause_reading_s=0.6),
    "bursty_writer": Fault({"bursty": 0.15, "burst": 3}),
    "tool_hangs": Fault(tool=_hang, tool_error="did not finish within 0.3 s"),
    "tool_raises": Fault(tool=_raises, tool_error="RuntimeError: weather service down"),
}
FEATURES = ("text", "audio", "tool")
CASES = [
    pytest.param(f, feature, id=f"{f}-{feature}")
    for f, fault in FAULTS.items()
    for feature in FEATURES
    if fault.tool is None or feature == "tool"  # a tool fault needs a tool turn
]


def _tool_for(fault: Fault) -> Any:
    if fault.tool is None:
        return get_weather
    body = fault.tool

    if asyncio.iscoroutinefunction(body):

        async def get_weather_async(city: str) -> dict:
            """Current weather for a city.

            Args:
                city: The city name.
            """
            return await body(city)

        get_weather_async.__name__ = "get_weather"
        return get_weather_async

    def wrapped(city: str) -> dict:
        """Current weather for a city.

        Args:
            city: The city name.
        """
        return body(city)

    wrapped.__name__ = "get_weather"
    return wrapped


async def _first_turn(s: LiveSession, feature: str) -> Any:
    if feature == "audio":
        audio = Audio(np.asarray(SPEECH.synthesize(SPOKEN, "Zephyr", "en-US")), 24000)
        return await s.ask(audio, timeout=20), audio
    if feature == "tool":
        return await s.ask("What's the weather in Paris?", timeout=20), None
    return await s.ask("Tell me about dragons and castles.", timeout=20), None


def _pause_reading(s: LiveSession, seconds: float) -> None:
    transport = s._link.ws.transport
    transport.pause_reading()
    asyncio.get_running_loop().call_later(seconds, transport.resume_reading)


def _check_audio(s: LiveSession) -> None:
    out = s.recording.output.samples
    for turn in s.recording.turns:
        assert_reply_audio(turn, SPEECH.synthesize(turn.output_transcript, s.config.voice, "en-US"))
        heard = turn.audio.samples
        start = turn.output_offset
        assert np.array_equal(out[start : start + len(heard)], heard)


@pytest.mark.parametrize(("fault_name", "feature"), CASES)
async def test_fault_matrix(fault_name: str, feature: str) -> None:
    fault = FAULTS[fault_name]
    options: dict[str, Any] = {"backoff_s": 0.05, "tool_timeout": 0.3}
    if feature == "tool":
        options["tools"] = [_tool_for(fault)]
    with Emulator(speech="builtin", **fault.emulator) as emu:
        async with connect(endpoint=emu.google_url(), **options) as s:
            statuses: list[SessionStatus] = []
            s.subscribe(lambda e: statuses.append(e) if isinstance(e, SessionStatus) else None)
            if fault.pause_reading_s:
                _pause_reading(s, fault.pause_reading_s)
            first, audio = await _first_turn(s, feature)
            second = await s.ask("Tell me about Rome.", timeout=20)
            if fault.reconnects:  # a goAway after the turn: the reconnect may still be running
                await wait_until(lambda: s.stats.reconnects and s.status == "connected")

            # no lost turn
            turns = s.recording.turns
            assert [t.index for t in turns] == [0, 1]
            # (the second question may cut the first reply still playing: PROTOCOL.md §3)
            assert all(t.complete and got_its_reply(t) for t in turns)
            assert second.status == "answered"
            # a turn open when the connection ended (or sent while it was closing) is asked again
            assert (
                first.retries + second.retries
                == (first.retries + second.retries) * fault.reconnects
                <= 1
            )
            assert first.output_transcript and "Rome" in second.output_transcript
            # no lost transcript or sample
            _check_audio(s)
            if feature == "audio":
                assert first.input_transcript.strip()
                assert first.audio_in_s == pytest.approx(audio.duration, abs=0.01)
                assert s.recording.input.sample_count == pytest.approx(
                    audio.duration * 16000, abs=160
                )
            if feature == "tool":
                assert first.tool_calls and first.tool_calls[-1]["name"] == "get_weather"
                response = first.tool_results[-1]["response"]
                if fault.tool_error:
                    assert fault.tool_error in response["error"]
                else:
                    assert response == {"city": "Paris", "temp_c": 21}
            received = s.stats.audio_seconds_received
            kept = sum(t.received_samples for t in turns) / 24000
            if first.retries:  # a partial reply, if one arrived before the reconnect, is not kept
                assert received >= kept - 1e-6
            else:
                assert received == pytest.approx(kept, abs=1e-6)

            # a clear status
            states = [(x.state, x.code) for x in statuses]
            if fault.reconnects:
                assert s.stats.reconnects == 1
                assert states[0] == ("reconnecting", fault.close_code)
                assert states[1][0] == "connected" and "resumed" in statuses[1].detail
                assert len(emu.sessions) == 2
                assert emu.sessions[1].setup["sessionResumption"].get("handle") or first.retries
            else:
                assert states == [] and s.stats.reconnects == 0 and len(emu.sessions) == 1
    assert s.status == "closed"
