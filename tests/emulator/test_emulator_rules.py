"""The emulator enforces the service rules table (per model, per dated regime) with the service's
close codes and reasons: TEXT modality, codeExecution, mediaChunks, clientContent mid-session."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import websockets
from test_emulator_wire import GOOGLE, connect, recv, recv_until, say
from websockets.exceptions import ConnectionClosed

from gemlive_nb.emulator import Emulator
from gemlive_nb.exceptions import ConfigError

NATIVE_25 = "models/gemini-2.5-flash-native-audio-preview-12-2025"
FLASH_31 = "models/gemini-3.1-flash-live-preview"
LIVE_38 = "models/gemini-3.8-live"
HALF = "models/gemini-live-2.5-flash-preview"
COMBO = "The requested combination of response modalities (TEXT) is not supported by the model"
V1ALPHA = "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent"
MEDIA_CHUNKS = "realtime_input.media_chunks is deprecated. Use audio, video, or text instead."


@pytest.fixture(scope="module")
def launch() -> Iterator[Emulator]:
    with Emulator(speech="builtin", rules="2026-03") as emu:
        yield emu


async def closed_with(ws: Any) -> tuple[int | None, str]:
    """Read until the server closes; its close code and reason."""
    with pytest.raises(ConnectionClosed):
        while True:
            await recv(ws)
    return ws.close_code, ws.close_reason


async def setup_outcome(emu: Emulator, setup: dict[str, Any], path: str | None = None) -> Any:
    ws = await (connect(emu) if path is None else connect(emu, path))
    await ws.send(json.dumps({"setup": setup}))
    try:
        first = await recv(ws)
    except ConnectionClosed:
        return ws.close_code, ws.close_reason
    await ws.close()
    return first


TEXT_ONLY = {"generationConfig": {"responseModalities": ["TEXT"]}}


@pytest.mark.parametrize(
    ("model", "regime", "expected"),
    [
        (NATIVE_25, "2026-03", (1007, "Cannot extract voices from a non-audio request.")),
        (NATIVE_25, "2026-08", (1007, COMBO)),
        (FLASH_31, "2026-03", (1011, "Internal error encountered.")),
        (FLASH_31, "2026-08", (1007, COMBO)),
        (LIVE_38, "2026-08", (1007, COMBO)),
        (HALF, "2026-03", {"setupComplete": {}}),
        (HALF, "2026-08", {"setupComplete": {}}),
    ],
)
async def test_text_modality_is_refused_as_the_regime_says(
    emulator: Emulator, launch: Emulator, model: str, regime: str, expected: Any
) -> None:
    emu = launch if regime == "2026-03" else emulator
    assert await setup_outcome(emu, {"model": model, **TEXT_ONLY}) == expected


@pytest.mark.parametrize(
    ("model", "refused"), [(NATIVE_25, True), (FLASH_31, True), (LIVE_38, True), (HALF, False)]
)
async def test_code_execution_is_refused_where_the_model_does_not_take_it(
    emulator: Emulator, model: str, refused: bool
) -> None:
    setup = {"model": model, "tools": [{"googleSearch": {}}, {"codeExecution": {}}]}
    if model == HALF:
        setup["generationConfig"] = {"responseModalities": ["TEXT"]}
    outcome = await setup_outcome(emulator, setup)
    if refused:
        assert outcome == (1007, "Code Execution tool is not supported for this model")
    else:
        assert outcome == {"setupComplete": {}}
    without = {k: v for k, v in setup.items() if k != "tools"}
    assert await setup_outcome(emulator, without) == {"setupComplete": {}}


CHUNK = {"mimeType": "audio/pcm;rate=16000", "data": "AAAAAAAA"}
MEDIA = {"realtimeInput": {"mediaChunks": [CHUNK]}}


@pytest.mark.parametrize(
    ("model", "path", "refused"),
    [
        (NATIVE_25, None, False),  # deprecated, still taken on v1beta (first chunk only)
        (NATIVE_25, V1ALPHA, True),
        (FLASH_31, None, True),  # kizuna-ai-lab/sokuji#150, google/adk-python#5075
    ],
)
async def test_media_chunks_are_refused_on_v1alpha_and_by_3_1(
    emulator: Emulator, model: str, path: str | None, refused: bool
) -> None:
    ws = await (connect(emulator) if path is None else connect(emulator, path))
    await ws.send(json.dumps({"setup": {"model": model}}))
    assert await recv(ws) == {"setupComplete": {}}
    await ws.send(json.dumps(MEDIA))
    if refused:
        assert await closed_with(ws) == (1007, MEDIA_CHUNKS)
    else:
        await ws.send(say("Still there?"))
        assert await recv_until(ws, "turnComplete")
        await ws.close()


async def open_31(emu: Emulator, history_config: bool) -> Any:
    setup: dict[str, Any] = {"model": FLASH_31}
    if history_config:
        setup["historyConfig"] = {"initialHistoryInClientContent": True}
    ws = await connect(emu)
    await ws.send(json.dumps({"setup": setup}))
    assert await recv(ws) == {"setupComplete": {}}
    return ws


async def test_3_1_at_launch_takes_client_content_only_as_seeded_history(
    launch: Emulator,
) -> None:
    ws = await open_31(launch, history_config=False)  # no historyConfig: refused outright
    await ws.send(say("Hi"))
    code, reason = await closed_with(ws)
    assert code == 1007 and "historyConfig" in reason
    ws = await open_31(launch, history_config=True)  # history, then a first question: taken
    await ws.send(say("My name is Ada."))
    await recv_until(ws, "turnComplete")
    await ws.send(say("What is my name?"))  # after the first turn: refused
    code, reason = await closed_with(ws)
    assert code == 1007 and "only for initial history" in reason
    ws = await open_31(launch, history_config=True)  # realtimeInput.text is always taken
    for text in ("Hello", "And again?"):
        await ws.send(json.dumps({"realtimeInput": {"text": text}}))
        await recv_until(ws, "turnComplete")
    await ws.close()


async def test_3_1_later_takes_client_content_the_whole_session(emulator: Emulator) -> None:
    ws = await open_31(emulator, history_config=False)  # Aug 2026 frames: no historyConfig
    for text in ("My name is Ada.", "What is my name?", "Again?"):
        await ws.send(say(text))
        await recv_until(ws, "turnComplete")
    await ws.close()


def test_rules_option_is_checked_and_on_the_command_line() -> None:
    with pytest.raises(ConfigError, match=r"rules must be one of '2026-03', '2026-08'"):
        Emulator(rules="2026-3")
    out = subprocess.run(
        [sys.executable, "-m", "gemlive_nb.emulator", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    assert "--rules {2026-03,2026-08}" in out


async def test_the_command_line_serves_the_launch_rules() -> None:
    from gemlive_nb.emulator.process import EmulatorProcess

    with EmulatorProcess("--speech", "builtin", "--rules", "2026-03") as emu:
        ws = await websockets.connect(
            emu.url + GOOGLE, additional_headers={"x-goog-api-key": "k"}, max_size=None
        )
        await ws.send(json.dumps({"setup": {"model": FLASH_31}}))
        assert await recv(ws) == {"setupComplete": {}}
        await ws.send(say("Hi"))  # no historyConfig: refused under the 2026-03 rules
        code, reason = await closed_with(ws)
        assert code == 1007 and "historyConfig" in reason
