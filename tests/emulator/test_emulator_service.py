"""Behaviour the service has: streamed input transcription, barge-in usage, resumption updates,
lifetimes, model features with observable effects, permessage-deflate, the proxy dialect."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import time
from typing import Any

import numpy as np
import websockets
from waiting import wait_until

from gemlive_nb.audio import resample
from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.speech import get_speech

MODEL = "gemini-2.5-flash-native-audio-preview-12-2025"
PROXY_MODEL = "gemini-live-2.5-flash-native-audio"


async def _open(url: str, setup: dict[str, Any], compression: str | None = None) -> Any:
    ws = await websockets.connect(url, max_size=None, compression=compression)
    await ws.send(json.dumps({"setup": setup}))
    assert "setupComplete" in json.loads(await asyncio.wait_for(ws.recv(), 10))
    return ws


async def _until(ws: Any, pred: Any, timeout: float = 20.0) -> list[dict[str, Any]]:
    """Messages up to and including the first for which ``pred(msg)`` is true."""
    out: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while True:
        msg = json.loads(await asyncio.wait_for(ws.recv(), deadline - time.monotonic()))
        out.append(msg)
        if pred(msg):
            return out


def _turn_complete(msg: dict[str, Any]) -> bool:
    return bool(msg.get("serverContent", {}).get("turnComplete"))


def _text(msgs: list[dict[str, Any]], kind: str) -> str:
    return "".join(
        m["serverContent"][kind].get("text", "") for m in msgs if kind in m.get("serverContent", {})
    )


def _say(text: str) -> str:
    turn = {"role": "user", "parts": [{"text": text}]}
    return json.dumps({"clientContent": {"turns": [turn], "turnComplete": True}})


def _speech(text: str, silence_s: float = 1.0) -> np.ndarray:
    voice = resample(get_speech("builtin").synthesize(text, "Kore", "en-US"), 24000, 16000)
    return np.concatenate(
        [np.zeros(3200, np.int16), voice, np.zeros(int(16000 * silence_s), np.int16)]
    )


def _audio_frame(pcm: np.ndarray) -> str:
    data = base64.b64encode(pcm.tobytes()).decode()
    return json.dumps(
        {"realtimeInput": {"audio": {"data": data, "mimeType": "audio/pcm;rate=16000"}}}
    )


async def _stream(ws: Any, pcm: np.ndarray, realtime: bool) -> float:
    """Send ``pcm`` in 20 ms chunks (paced like a microphone when ``realtime``); return when
    the last chunk of speech was sent (monotonic)."""
    start = time.monotonic()
    for i in range(0, len(pcm), 320):
        await ws.send(_audio_frame(pcm[i : i + 320]))
        if realtime:
            await asyncio.sleep(max(0.0, start + (i + 320) / 16000 - time.monotonic()))
    return time.monotonic()


async def test_input_transcription_streams_in_pieces_while_the_user_speaks():
    said = "Good morning, I would like to know, what is the weather like in Lisbon today?"
    pcm = _speech(said)
    speech_end = time.monotonic()
    async with Emulator(speech="builtin") as emu:
        ws = await _open(
            emu.google_url(), {"model": f"models/{MODEL}", "inputAudioTranscription": {}}
        )
        arrivals: list[tuple[float, dict]] = []

        async def listen() -> None:
            async for frame in ws:
                msg = json.loads(frame)
                arrivals.append((time.monotonic(), msg))
                if _turn_complete(msg):
                    return

        listener = asyncio.ensure_future(listen())
        speech_end = await _stream(ws, pcm[:-16000], realtime=True)
        await _stream(ws, pcm[-16000:], realtime=True)
        await asyncio.wait_for(listener, 20)
        await ws.close()
    pieces = [
        (t, m["serverContent"]["inputTranscription"])
        for t, m in arrivals
        if "inputTranscription" in m.get("serverContent", {})
    ]
    assert len(pieces) >= 2
    assert "".join(p["text"] for _, p in pieces).strip() == said
    assert pieces[0][0] < speech_end  # the first piece came while the user was still speaking
    assert [p.get("finished") for _, p in pieces] == [None] * (len(pieces) - 1) + [True]


async def test_usage_of_a_barged_in_turn_counts_the_reply_audio_already_streamed():
    async with Emulator(speech="builtin", realtime=4, burst=2) as emu:
        ws = await _open(emu.google_url(), {"model": f"models/{MODEL}"})
        await ws.send(_say("Explain the history of the sea in detail."))
        msgs = await _until(
            ws,
            lambda m: len([x for x in [m] if "modelTurn" in m.get("serverContent", {})]) and True,
        )
        chunks = 1
        while chunks < 6:
            m = json.loads(await asyncio.wait_for(ws.recv(), 10))
            chunks += "modelTurn" in m.get("serverContent", {})
        await ws.send(json.dumps({"realtimeInput": {"text": "Stop."}}))
        msgs = await _until(ws, _turn_complete)
        await ws.close()
    assert any(m.get("serverContent", {}).get("interrupted") for m in msgs)
    usage = msgs[-1]["usageMetadata"]
    streamed = sum(1 for m in msgs if "modelTurn" in m.get("serverContent", {})) + chunks
    assert usage["responseTokenCount"] >= 25 * 0.04 * chunks  # at least what we saw, billed
    assert usage["responseTokenCount"] <= 25 * 0.04 * streamed + 1
    assert usage["responseTokensDetails"] == [
        {"modality": "AUDIO", "tokenCount": usage["responseTokenCount"]}
    ]


async def test_resumption_is_not_offered_while_a_tool_call_is_in_flight():
    tool = {
        "functionDeclarations": [
            {
                "name": "get_weather",
                "description": "Weather in a city.",
                "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}},
            }
        ]
    }
    async with Emulator(speech="builtin") as emu:
        setup = {"model": f"models/{MODEL}", "sessionResumption": {}, "tools": [tool]}
        ws = await _open(emu.google_url(), setup)
        first = json.loads(await ws.recv())["sessionResumptionUpdate"]
        assert first["resumable"] is True and first["newHandle"]
        await ws.send(_say("What is the weather in Rome?"))
        msgs = await _until(ws, lambda m: "toolCall" in m)
        assert [m["sessionResumptionUpdate"] for m in msgs if "sessionResumptionUpdate" in m] == [
            {"resumable": False}
        ]
        call = msgs[-1]["toolCall"]["functionCalls"][0]
        response = {
            "functionResponses": [{"id": call["id"], "name": call["name"], "response": {"t": 20}}]
        }
        await ws.send(json.dumps({"toolResponse": response}))
        msgs = await _until(
            ws, lambda m: m.get("sessionResumptionUpdate", {}).get("resumable") is True
        )
        await ws.close()
    updates = [m["sessionResumptionUpdate"] for m in msgs if "sessionResumptionUpdate" in m]
    assert updates[:-1] == [{"resumable": False}] and updates[-1]["newHandle"] != first["newHandle"]
    assert any(_turn_complete(m) for m in msgs)


def test_connection_lifetime_defaults_to_the_services():
    emu = Emulator()
    assert emu.faults.lifetime() == (550.0, 600.0)  # goAway 50 s before the 10-minute close
    assert (emu._hub_args["audio_session_s"], emu._hub_args["video_session_s"]) == (900.0, 120.0)


async def test_session_limits_depend_on_video_and_compression():
    async with Emulator(speech="builtin", video_session_s=0.5, audio_session_s=30) as emu:
        audio_only = await _open(emu.google_url(), {"model": f"models/{MODEL}"})
        with_video = await _open(emu.google_url(), {"model": f"models/{MODEL}"})
        compressed = await _open(
            emu.google_url(),
            {"model": f"models/{MODEL}", "contextWindowCompression": {"slidingWindow": {}}},
        )
        jpeg = base64.b64encode(b"\xff\xd8\xff\xe0fake").decode()
        for ws in (with_video, compressed):
            await ws.send(
                json.dumps({"realtimeInput": {"video": {"data": jpeg, "mimeType": "image/jpeg"}}})
            )
        await asyncio.wait_for(with_video.wait_closed(), 10)
        assert with_video.close_code == 1008
        await asyncio.sleep(0.6)
        assert audio_only.close_code is None and compressed.close_code is None
        for ws in (audio_only, compressed):
            await ws.close()


async def _reply_to(setup: dict[str, Any], text: str) -> str:
    async with Emulator(speech="builtin") as emu:
        ws = await _open(emu.google_url(), {"outputAudioTranscription": {}, **setup})
        await ws.send(_say(text))
        msgs = await _until(ws, _turn_complete)
        await ws.close()
    return _text(msgs, "outputTranscription").strip()


async def test_affective_dialog_acknowledges_the_users_feeling():
    plain = await _reply_to({"model": f"models/{MODEL}"}, "I am so sad today, my cat is ill.")
    setup = {"model": f"models/{MODEL}", "generationConfig": {"enableAffectiveDialog": True}}
    warm = await _reply_to(setup, "I am so sad today, my cat is ill.")
    assert warm.startswith("I'm sorry to hear that.") and not plain.startswith("I'm sorry")


async def test_the_live_translate_model_replies_in_the_target_language():
    setup = {
        "model": "models/gemini-3.5-live-translate-preview",
        "generationConfig": {"translationConfig": {"targetLanguageCode": "fr-FR"}},
    }
    reply = await _reply_to(setup, "Where is the train station?")
    assert reply.startswith("En français") and "train station" in reply


async def test_proactive_audio_stays_silent_on_speech_not_addressed_to_it():
    pcm = np.concatenate([_speech("The bus is late again."), _speech("What time is it in Tokyo?")])
    setup = {
        "model": f"models/{MODEL}",
        "inputAudioTranscription": {},
        "outputAudioTranscription": {},
        "proactivity": {"proactiveAudio": True},
    }
    async with Emulator(speech="builtin") as emu:
        ws = await _open(emu.google_url(), setup)
        await _stream(ws, pcm, realtime=False)
        msgs = await _until(ws, _turn_complete)
        await ws.close()
    assert "The bus is late again." in _text(msgs, "inputTranscription")
    assert sum(_turn_complete(m) for m in msgs) == 1  # one reply, to the question
    assert "Tokyo" in _text(msgs, "outputTranscription")


async def test_context_window_compression_shrinks_the_context_past_the_trigger():
    async def prompts(setup_extra: dict[str, Any]) -> list[int]:
        async with Emulator(speech="builtin") as emu:
            ws = await _open(emu.google_url(), {"model": f"models/{MODEL}", **setup_extra})
            counts = []
            for i in range(6):
                await ws.send(_say(f"Tell me something about the number {i} and its history."))
                msgs = await _until(ws, _turn_complete)
                counts.append(msgs[-1]["usageMetadata"]["promptTokenCount"])
            await ws.close()
        return counts

    grow = await prompts({})
    cwc = {
        "contextWindowCompression": {"triggerTokens": 300, "slidingWindow": {"targetTokens": 150}}
    }
    bounded = await prompts(cwc)
    assert grow == sorted(grow) and grow[-1] > 300
    assert max(bounded) <= 300 + 20 and bounded[-1] < grow[-1]
    assert any(b < a for a, b in itertools.pairwise(bounded))  # it shrank


async def test_permessage_deflate_is_accepted():
    async with Emulator(speech="builtin") as emu:
        ws = await _open(emu.google_url(), {"model": f"models/{MODEL}"}, compression="deflate")
        names = [type(e).__name__ for e in ws.protocol.extensions]
        await ws.close()
    assert names == ["PerMessageDeflate"]


# ---------------------------------------------------------------- the proxy dialect


async def _proxy_turn(emu: Emulator, setup: dict[str, Any], text: str) -> list[dict[str, Any]]:
    ws = await _open(emu.proxy_url(PROXY_MODEL), setup)
    await ws.send(_say(text))
    msgs = await _until(ws, _turn_complete)
    await ws.close()
    return msgs


async def test_usage_shape_follows_the_path_not_a_flag():
    async with Emulator(speech="builtin", dialect="google") as emu:
        proxy = await _proxy_turn(emu, {"model": PROXY_MODEL}, "Hello there.")
        ws = await _open(emu.google_url(), {"model": f"models/{MODEL}"})
        await ws.send(_say("Hello there."))
        google = await _until(ws, _turn_complete)
        await ws.close()
    assert {"inputTokenCount", "outputTokenCount", "totalTokenCount"} <= set(
        proxy[-1]["usageMetadata"]
    )
    assert "promptTokenCount" in google[-1]["usageMetadata"]


async def test_proxy_sends_output_transcription_only_with_text_modality():
    async with Emulator(speech="builtin") as emu:
        base = {"model": PROXY_MODEL, "outputAudioTranscription": {}}
        audio_only = await _proxy_turn(
            emu, {**base, "generationConfig": {"responseModalities": ["AUDIO"]}}, "Hi."
        )
        both = await _proxy_turn(
            emu, {**base, "generationConfig": {"responseModalities": ["AUDIO", "TEXT"]}}, "Hi."
        )
    assert _text(audio_only, "outputTranscription") == ""
    assert _text(both, "outputTranscription").strip()


async def test_proxy_seed_shapes_are_accepted_and_mapped():
    setup = {
        "model": PROXY_MODEL,
        "generationConfig": {"temperature": 0.7, "responseModalities": ["AUDIO", "TEXT"]},
        "speechConfig": {"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Puck"}}},
        "empatheticMode": True,
        "proactiveAudio": True,
        "outputAudioTranscription": {},
        "tools": {
            "functionDeclarations": [
                {
                    "name": "get_weather",
                    "description": "Get the weather",
                    "parameters": {
                        "type": "object",
                        "properties": {"location": {"type": "string"}},
                    },
                }
            ]
        },
    }
    async with Emulator(speech="builtin") as emu:
        msgs = await _proxy_turn(emu, setup, "I am so sad, tell me a joke.")
        ws = await _open(emu.proxy_url(PROXY_MODEL), {"model": PROXY_MODEL})
        pcm = _speech("Hello, can you hear me?")
        data = base64.b64encode(pcm.tobytes()).decode()
        chunk = {"mimeType": "audio/pcm;rate=16000", "data": data}
        await ws.send(json.dumps({"realtimeInput": {"mediaChunks": [chunk]}}))
        spoken = await _until(ws, _turn_complete)
        await ws.close()
        record = emu.sessions[0]
        assert await wait_until(lambda: record.ended is not None)  # the server saw the close
    assert _text(msgs, "outputTranscription").startswith(
        "I'm sorry to hear that."
    )  # empatheticMode
    assert record.close_code == 1000
    assert any("modelTurn" in m.get("serverContent", {}) for m in spoken)
