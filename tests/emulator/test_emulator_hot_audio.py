"""Streamed audio on the emulator's hot path keeps its order with the other messages."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from typing import Any

import numpy as np
import websockets

from gemlive_nb.audio import resample
from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.speech import get_speech

MODEL = "models/gemini-2.5-flash-native-audio-preview-12-2025"


def _chunks(text: str) -> list[str]:
    voice = resample(get_speech("builtin").synthesize(text, "Kore", "en-US"), 24000, 16000)
    pcm = np.concatenate([np.zeros(3200, np.int16), voice])  # no silence after: no VAD end
    return [
        json.dumps(
            {
                "realtimeInput": {
                    "audio": {
                        "data": base64.b64encode(pcm[i : i + 320].tobytes()).decode(),
                        "mimeType": "audio/pcm;rate=16000",
                    }
                }
            }
        )
        for i in range(0, len(pcm), 320)
    ]


async def _until_turn_complete(ws: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    deadline = time.monotonic() + 20
    while not out or not out[-1].get("serverContent", {}).get("turnComplete"):
        out.append(json.loads(await asyncio.wait_for(ws.recv(), deadline - time.monotonic())))
    return out


async def test_audio_stream_end_right_after_the_chunks_ends_the_whole_utterance():
    # sent back to back, the chunks race the audioStreamEnd behind them through the server: it
    # must still see every chunk before it (the VAD's state included), so the whole question is
    # heard and answered; then the same again with a text turn in between
    said = "What is the capital of Portugal?"
    async with Emulator(speech="builtin") as emu, websockets.connect(emu.google_url()) as ws:
        setup = {"model": MODEL, "inputAudioTranscription": {}}
        await ws.send(json.dumps({"setup": setup}))
        assert "setupComplete" in json.loads(await ws.recv())
        for round_ in range(2):
            for frame in _chunks(said):
                await ws.send(frame)
            await ws.send(json.dumps({"realtimeInput": {"audioStreamEnd": True}}))
            msgs = await _until_turn_complete(ws)
            heard = "".join(
                m["serverContent"]["inputTranscription"].get("text", "")
                for m in msgs
                if "inputTranscription" in m.get("serverContent", {})
            )
            assert heard.strip() == said, (round_, heard)
            if round_ == 0:
                await ws.send(json.dumps({"realtimeInput": {"text": "Thanks."}}))
                await _until_turn_complete(ws)
