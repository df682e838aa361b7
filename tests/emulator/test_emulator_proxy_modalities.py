"""The emulated mixroute proxy, both readings of its docs: ``proxy_modalities="seed"|"google"``."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.__main__ import build_parser
from gemlive_nb.emulator.process import EmulatorProcess
from gemlive_nb.exceptions import ConfigError
from gemlive_nb.protocol.constants import MODALITY_REFUSAL

PATH = "/v1beta/models/gemini-live-2.5-flash-native-audio/liveStream"
BOTH = {
    "generationConfig": {"responseModalities": ["AUDIO", "TEXT"]},
    "outputAudioTranscription": {},
}
AUDIO = {"generationConfig": {"responseModalities": ["AUDIO"]}, "outputAudioTranscription": {}}
SAY = {"clientContent": {"turns": [{"role": "user", "parts": [{"text": "Hello"}]}],
                         "turnComplete": True}}  # fmt: skip


async def _reply(emu: Emulator, setup: dict[str, Any]) -> list[dict[str, Any]]:
    """What the proxy path answers to ``setup`` and one text turn (server messages in order)."""
    ws = await websockets.connect(emu.url + PATH, additional_headers={"Authorization": "Bearer k"})
    try:
        await ws.send(json.dumps({"setup": setup}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 5)) == {"setupComplete": {}}
        await ws.send(json.dumps(SAY))
        out = []
        while not out or "turnComplete" not in out[-1].get("serverContent", {}):
            out.append(json.loads(await asyncio.wait_for(ws.recv(), 10)))
        return out
    finally:
        await ws.close()


def _words(msgs: list[dict[str, Any]]) -> tuple[str, str]:
    """(output transcription, text parts) of a reply."""
    said = text = ""
    for m in msgs:
        sc = m.get("serverContent", {})
        said += sc.get("outputTranscription", {}).get("text", "")
        text += "".join(p.get("text", "") for p in sc.get("modelTurn", {}).get("parts", []))
    return said, text


async def test_seed_accepts_audio_and_text_and_sends_both_kinds_of_words() -> None:
    async with Emulator(speech="builtin", dialect="mixroute", proxy_modalities="seed") as emu:
        said, text = _words(await _reply(emu, BOTH))
        assert said and said == text  # a permissive passthrough: the same words twice
        # its FAQ: no transcription without TEXT among the modalities
        assert _words(await _reply(emu, AUDIO)) == ("", "")


async def test_google_refuses_text_beside_audio_as_the_service_does() -> None:
    async with Emulator(speech="builtin", dialect="mixroute", proxy_modalities="google") as emu:
        ws = await websockets.connect(emu.url + PATH)
        await ws.send(json.dumps({"setup": BOTH}))
        with pytest.raises(ConnectionClosed) as info:
            await asyncio.wait_for(ws.recv(), 5)
        assert info.value.rcvd is not None
        assert (info.value.rcvd.code, info.value.rcvd.reason) == (1007, MODALITY_REFUSAL)
        # snake_case keys are refused alike (the service reads both casings)
        ws = await websockets.connect(emu.url + PATH)
        await ws.send(json.dumps({"setup": {"generation_config": {
            "response_modalities": ["TEXT", "AUDIO"]}}}))  # fmt: skip
        with pytest.raises(ConnectionClosed) as info:
            await asyncio.wait_for(ws.recv(), 5)
        assert info.value.rcvd is not None and info.value.rcvd.code == 1007
        # one modality with transcription: the words come as transcription only
        said, text = _words(await _reply(emu, AUDIO))
        assert said.strip() and text == ""


async def test_python_m_emulator_serves_the_google_reading() -> None:
    with EmulatorProcess("--speech", "builtin", "--dialect", "mixroute",
                         "--proxy-modalities", "google") as emu:  # fmt: skip
        ws = await websockets.connect(emu.url + PATH)
        await ws.send(json.dumps({"setup": BOTH}))
        with pytest.raises(ConnectionClosed) as info:
            await asyncio.wait_for(ws.recv(), 10)
        assert info.value.rcvd is not None and info.value.rcvd.reason == MODALITY_REFUSAL


def test_a_bad_proxy_modalities_value_is_a_config_error_naming_it() -> None:
    with pytest.raises(ConfigError, match=r"proxy_modalities .*'googel'.*did you mean 'google'"):
        Emulator(proxy_modalities="googel")


def test_the_command_line_takes_proxy_modalities() -> None:
    assert build_parser().parse_args([]).proxy_modalities == "seed"
    args = build_parser().parse_args(["--dialect", "mixroute", "--proxy-modalities", "google"])
    assert args.proxy_modalities == "google"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--proxy-modalities", "both"])
