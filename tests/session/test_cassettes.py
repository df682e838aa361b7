"""Every public real-service cassette replays through LiveSession with every turn paired right.

The cassettes (``tests/data/cassettes/``) are real Gemini Live conversations recorded in August
2026 (2.5 native audio, 3.1, Vertex ``gemini-live-2.5-flash``). The client side re-sends the
recorded user turns the way the recording sent them (text turns as ``clientContent``, history
first, speech as a few ``realtimeInput`` audio chunks), answers tool calls with a tool of the
recorded name returning the recorded response, and the emulator replays the server frames. The
reference pairing is read from the cassette itself: everything the server said between one user
turn and the next answers the first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from google.genai import types
from sdk_client import genai_client_for
from testdata import PUBLIC_CASSETTES

import gemlive_nb as gl
from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.replay import client_kind
from gemlive_nb.protocol import normalize_keys


@dataclass
class UserTurn:
    """One user turn of a cassette and what the server said until the next one."""

    kind: str  # "text" or "audio"
    text: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    heard: str = ""  # input transcription
    reply: str = ""  # output transcription and non-thought text parts
    tools: list[str] = field(default_factory=list)
    total_tokens: int = 0  # usageMetadata.totalTokenCount, summed over the turn


@dataclass
class Plan:
    setup: dict[str, Any]
    turns: list[UserTurn]
    responses: dict[str, dict[str, Any]]  # tool name -> recorded response


def read_plan(path: Path) -> Plan:
    """The cassette's user turns and reference pairing (see the module doc)."""
    setup: dict[str, Any] = {}
    turns: list[UserTurn] = []
    history: list[dict[str, Any]] = []
    responses: dict[str, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry.get("dir") not in ("send", "recv"):
            continue
        msg = normalize_keys(json.loads(entry["frame"]))
        if entry["dir"] == "send":
            kind = client_kind(msg)
            if kind == "setup":
                setup = msg["setup"]
            elif kind == "history":
                history += msg["clientContent"]["turns"]
            elif kind == "text":
                text = msg["clientContent"]["turns"][-1]["parts"][0]["text"]
                turns.append(UserTurn("text", text, history))
                history = []
            elif kind == "audio" and not (turns and turns[-1].kind == "audio"):
                turns.append(UserTurn("audio"))
            elif kind == "tool":
                for r in msg["toolResponse"]["functionResponses"]:
                    responses[r["name"]] = r["response"]
            continue
        turn = turns[-1] if turns else None
        sc = msg.get("serverContent") or {}
        if turn is None:
            continue
        turn.heard += (sc.get("inputTranscription") or {}).get("text", "")
        turn.reply += (sc.get("outputTranscription") or {}).get("text", "")
        for part in (sc.get("modelTurn") or {}).get("parts", []):
            if isinstance(part.get("text"), str) and not part.get("thought"):
                turn.reply += part["text"]
        turn.tools += [c["name"] for c in (msg.get("toolCall") or {}).get("functionCalls", [])]
        turn.total_tokens += (msg.get("usageMetadata") or {}).get("totalTokenCount", 0)
    return Plan(setup, turns, responses)


def _tool(name: str, response: dict[str, Any]) -> Any:
    def recorded(**args: Any) -> dict[str, Any]:
        """Answers as the recording did."""
        return response

    return gl.tool(recorded, name=name)


def _speech() -> gl.Audio:
    """Half a second of a voiced-like sound: the kit sends it as a few audio chunks."""
    t = np.arange(8000) / 16000
    wave = np.sin(2 * np.pi * 180 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t))
    return gl.Audio((wave * 12000).astype(np.int16), 16000)


async def replay_through_kit(path: Path) -> tuple[Plan, gl.Recording, Any]:
    plan = read_plan(path)
    model = plan.setup["model"].rsplit("/", 1)[-1]
    tools = [_tool(name, response) for name, response in plan.responses.items()]
    with Emulator(replay=path, speed=0) as emu:
        async with gl.connect(
            endpoint=emu.google_url(),
            model=model,
            allow_unknown_model=True,
            tools=tools,
            seed_history=any(t.history for t in plan.turns),
        ) as s:
            for turn in plan.turns:
                if turn.history:
                    await s.send_turns(
                        [(h["role"], h["parts"][0]["text"]) for h in turn.history],
                        turn_complete=False,
                    )
                await s.ask(turn.text if turn.kind == "text" else _speech(), timeout=20)
        record = emu.wait_closed(1)
    return plan, s.recording, record


@pytest.mark.parametrize("path", PUBLIC_CASSETTES, ids=lambda p: p.stem)
async def test_a_public_cassette_replays_with_every_turn_paired(path: Path) -> None:
    plan, recording, record = await replay_through_kit(path)
    assert record.close_code in (None, 1000), record.close_reason  # the replay never diverged
    assert recording.errors == 0  # every real frame was read
    turns = recording.turns
    assert len(turns) == len(plan.turns) >= 1
    for got, want in zip(turns, plan.turns, strict=True):
        assert got.status == "answered"
        assert got.output_transcript + got.text == want.reply != ""
        assert [c["name"] for c in got.tool_calls] == want.tools
        assert [r["name"] for r in got.tool_results] == want.tools
        assert got.grounding == []  # Vertex's empty groundingMetadata is no grounding
        assert got.usage is not None and got.usage.total_tokens == want.total_tokens > 0
        if want.kind == "text":
            assert got.user_text == want.text
        else:
            assert got.input_transcript == want.heard != ""


async def replay_through_sdk(path: Path) -> tuple[Plan, list[tuple[str, list[str]]]]:
    """The same user turns through the unmodified google-genai SDK: (reply, tools) per turn."""
    plan = read_plan(path)
    model = plan.setup["model"].rsplit("/", 1)[-1]
    config = types.LiveConnectConfig(
        response_modalities=[types.Modality.AUDIO],
        input_audio_transcription=types.AudioTranscriptionConfig(),
        output_audio_transcription=types.AudioTranscriptionConfig(),
    )
    got: list[tuple[str, list[str]]] = []
    with Emulator(replay=path, speed=0) as emu:
        client = genai_client_for(emu)
        async with client.aio.live.connect(model=model, config=config) as session:
            for turn in plan.turns:
                if turn.history:
                    history = [
                        types.Content(
                            role=h["role"], parts=[types.Part(text=h["parts"][0]["text"])]
                        )
                        for h in turn.history
                    ]
                    await session.send_client_content(turns=history, turn_complete=False)
                if turn.kind == "text":
                    await session.send_client_content(
                        turns=types.Content(role="user", parts=[types.Part(text=turn.text)])
                    )
                else:
                    for _ in range(3):
                        blob = types.Blob(data=bytes(3200), mime_type="audio/pcm;rate=16000")
                        await session.send_realtime_input(audio=blob)
                got.append(await _sdk_reply(session, plan))
        assert emu.wait_closed(1).close_code in (None, 1000), emu.sessions[0].close_reason
    return plan, got


async def _sdk_reply(session: Any, plan: Plan) -> tuple[str, list[str]]:
    words: list[str] = []
    tools: list[str] = []
    while True:
        async for msg in session.receive():  # ends at turnComplete
            sc = msg.server_content
            if sc and sc.output_transcription and sc.output_transcription.text:
                words.append(sc.output_transcription.text)
            for call in (msg.tool_call.function_calls or []) if msg.tool_call else []:
                tools.append(call.name)
                response = types.FunctionResponse(
                    id=call.id, name=call.name, response=plan.responses[call.name]
                )
                await session.send_tool_response(function_responses=[response])
        if not tools or words:  # Vertex closes a tool turn before speaking its answer
            return "".join(words), tools


@pytest.mark.parametrize("path", PUBLIC_CASSETTES, ids=lambda p: p.stem)
async def test_a_public_cassette_replays_through_the_unmodified_sdk(path: Path) -> None:
    plan, got = await replay_through_sdk(path)
    assert got == [(t.reply, t.tools) for t in plan.turns]


def test_the_reference_pairing_reads_the_cassettes_as_recorded() -> None:
    """The oracle itself, on two cassettes read by eye (the Vertex tool turn closes twice)."""
    by_name = {p.stem: p for p in PUBLIC_CASSETTES}
    vertex = read_plan(by_name["parity_ws-test_text_tool_round_parity[gateway-google]"])
    assert [(t.text, t.reply, t.tools) for t in vertex.turns] == [
        ("What is the weather in London?", "It is foggy and 12 degrees in London.", ["get_weather"])
    ]
    audio = read_plan(by_name["google_ws-test_audio_in_server_vad_turn"])
    assert [(t.kind, t.heard, t.reply) for t in audio.turns] == [
        ("audio", " Hello, my name is Marcelo.", "Hello, Marcelo.")
    ]
    assert len(PUBLIC_CASSETTES) == 12
