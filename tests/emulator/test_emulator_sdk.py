"""The emulator driven by the official google-genai SDK (unmodified), as users will drive it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np
import pytest
from google.genai import errors, types

from gemlive_nb.audio import resample
from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.speech import get_speech

MODEL = "gemini-2.5-flash-native-audio-preview-12-2025"
WEATHER = types.FunctionDeclaration(
    name="get_weather",
    description="Returns the current weather for a city.",
    parameters=types.Schema(
        type="OBJECT",
        properties={"city": types.Schema(type="STRING")},
        required=["city"],
    ),
)


def full_config(**extra: Any) -> types.LiveConnectConfig:
    """Voice, language, both transcriptions, a tool and VAD settings."""
    base: dict[str, Any] = dict(
        response_modalities=["AUDIO"],
        speech_config=types.SpeechConfig(
            voice_config=types.VoiceConfig(
                prebuilt_voice_config=types.PrebuiltVoiceConfig(voice_name="Puck")
            ),
            language_code="en-US",
        ),
        system_instruction="You are a helpful assistant.",
        input_audio_transcription=types.AudioTranscriptionConfig(),
        output_audio_transcription=types.AudioTranscriptionConfig(),
        tools=[types.Tool(function_declarations=[WEATHER])],
        realtime_input_config=types.RealtimeInputConfig(
            automatic_activity_detection=types.AutomaticActivityDetection(
                start_of_speech_sensitivity=types.StartSensitivity.START_SENSITIVITY_HIGH,
                end_of_speech_sensitivity=types.EndSensitivity.END_SENSITIVITY_HIGH,
                prefix_padding_ms=20,
                silence_duration_ms=300,
            )
        ),
    )
    base.update(extra)
    return types.LiveConnectConfig(**base)


class Turn:
    """Everything one ``receive()`` loop produced."""

    def __init__(self) -> None:
        self.audio = bytearray()
        self.out_text: list[str] = []
        self.in_text: list[str] = []
        self.messages: list[types.LiveServerMessage] = []

    @property
    def samples(self) -> np.ndarray:
        return np.frombuffer(bytes(self.audio), "<i2")

    @property
    def transcript(self) -> str:
        return "".join(self.out_text).strip()

    def first(self, pred: Any) -> int:
        return next(i for i, m in enumerate(self.messages) if pred(m))


async def say(session: Any, text: str) -> None:
    """Send one complete user text turn."""
    await session.send_client_content(
        turns=types.Content(role="user", parts=[types.Part(text=text)])
    )


async def collect(
    session: Any,
    turn: Turn | None = None,
    stop: Callable[[Any, Turn], Awaitable[bool]] | None = None,
) -> Turn:
    """Gather messages into ``turn`` until the turn completes or ``await stop(msg, turn)`` is
    true."""
    turn = turn or Turn()
    async for msg in session.receive():
        turn.messages.append(msg)
        sc = msg.server_content
        if msg.data:
            turn.audio += msg.data
        if sc and sc.output_transcription and sc.output_transcription.text:
            turn.out_text.append(sc.output_transcription.text)
        if sc and sc.input_transcription and sc.input_transcription.text:
            turn.in_text.append(sc.input_transcription.text)
        if stop is not None and await stop(msg, turn):
            break
    return turn


async def test_text_turn_gives_audio_transcript_and_usage(genai_client, emulator) -> None:
    async with genai_client.aio.live.connect(model=MODEL, config=full_config()) as session:
        await say(session, "Tell me about Rome.")
        turn = await asyncio.wait_for(collect(session), 10)
    pcm = turn.samples
    seconds = len(pcm) / 24000
    n_words = len(turn.transcript.split())
    assert n_words >= 3 and "Rome" in turn.transcript
    assert 0.1 * n_words < seconds < 1.2 * n_words  # speech-paced audio for the words said
    assert np.sqrt(np.mean(pcm.astype(float) ** 2)) > 300  # not silence
    last = turn.messages[-1]
    assert last.server_content.turn_complete
    usage = last.usage_metadata
    assert usage.prompt_token_count >= len("Tell me about Rome.") // 4
    assert usage.response_token_count == pytest.approx(25 * seconds, abs=2)
    assert usage.total_token_count == usage.prompt_token_count + usage.response_token_count
    gen = turn.first(lambda m: m.server_content and m.server_content.generation_complete)
    assert gen == len(turn.messages) - 2  # generationComplete, then turnComplete + usage
    record = emulator.sessions[-1]
    assert record.setup["generationConfig"]["speechConfig"]["voiceConfig"] == {
        "prebuiltVoiceConfig": {"voiceName": "Puck"}
    }
    assert record.headers["x-goog-api-key"] == "***"


async def test_streamed_speech_is_transcribed_and_answered(genai_client) -> None:
    speech = get_speech("builtin")
    said = "Please describe the city of Lisbon"
    voice = resample(speech.synthesize(said, "Kore", "en-US"), 24000, 16000)
    pcm = np.concatenate([np.zeros(3200, np.int16), voice, np.zeros(16000, np.int16)])
    async with genai_client.aio.live.connect(model=MODEL, config=full_config()) as session:
        for i in range(0, len(pcm), 1600):  # 100 ms chunks
            blob = types.Blob(data=pcm[i : i + 1600].tobytes(), mime_type="audio/pcm;rate=16000")
            await session.send_realtime_input(audio=blob)
        turn = await asyncio.wait_for(collect(session), 10)
    assert "".join(turn.in_text).strip() == said
    assert "Lisbon" in turn.transcript
    assert len(turn.samples) > 24000 * 0.5
    assert turn.messages[-1].usage_metadata.prompt_token_count >= 25 * len(voice) / 16000 - 1


async def test_tool_call_is_answered_with_the_result(genai_client) -> None:
    async with genai_client.aio.live.connect(model=MODEL, config=full_config()) as session:

        async def answer(msg: Any, turn: Turn) -> bool:
            if not msg.tool_call:
                return False
            call = msg.tool_call.function_calls[0]
            assert call.name == "get_weather" and call.args == {"city": "Paris"}
            assert call.id.startswith("function-call-") and call.id[14:].isdigit()
            await session.send_tool_response(
                function_responses=[
                    types.FunctionResponse(
                        id=call.id,
                        name=call.name,
                        response={"temperature_c": 21, "condition": "sunny"},
                    )
                ]
            )
            return True

        await say(session, "What's the weather in Paris today?")
        turn = await collect(session, stop=answer)
        turn = await asyncio.wait_for(collect(session, turn), 10)
    assert "21" in turn.transcript and "sunny" in turn.transcript
    assert turn.messages[-1].server_content.turn_complete


async def test_interruption_stops_the_reply(make_genai_client) -> None:
    async with Emulator(speech="builtin", realtime=4, burst=2) as emu:
        client = make_genai_client(emu)
        async with client.aio.live.connect(model=MODEL, config=full_config()) as session:

            async def barge_in(msg: Any, turn: Turn) -> bool:
                if msg.data and len(turn.audio) >= 4 * 1920:  # four 40 ms chunks in: barge in
                    await session.send_realtime_input(text="Stop, talk about mountains.")
                return bool(msg.server_content and msg.server_content.interrupted)

            await say(session, "Explain the history of the sea.")
            turn = await collect(session, stop=barge_in)
            after = await asyncio.wait_for(collect(session), 10)
            follow = await asyncio.wait_for(collect(session), 10)
    heard = len(turn.samples) / 24000
    assert heard < 0.6  # the reply was cut after a few chunks...
    assert not any(m.server_content and m.server_content.generation_complete for m in turn.messages)
    # ...the interrupted turn ends with turnComplete and no more audio, then the new reply
    assert after.messages[0].server_content.turn_complete and not after.messages[0].data
    assert len(after.messages) == 1
    assert "mountains" in follow.transcript and len(follow.samples) > 24000 * 0.5


async def test_resumption_restores_the_conversation(genai_client) -> None:
    config = full_config(session_resumption=types.SessionResumptionConfig())
    handle = None
    async with genai_client.aio.live.connect(model=MODEL, config=config) as session:
        await say(session, "My name is Ada.")
        await asyncio.wait_for(collect(session), 10)
        async for msg in session.receive():  # the update follows the turn
            assert msg.session_resumption_update.resumable
            handle = msg.session_resumption_update.new_handle
            break
    assert handle
    config = full_config(session_resumption=types.SessionResumptionConfig(handle=handle))
    async with genai_client.aio.live.connect(model=MODEL, config=config) as session:
        await say(session, "What is my name?")
        turn = await asyncio.wait_for(collect(session), 10)
    assert turn.transcript == "Your name is Ada."
    bad = full_config(session_resumption=types.SessionResumptionConfig(handle="no-such-handle"))
    with pytest.raises(errors.APIError) as info:
        async with genai_client.aio.live.connect(model=MODEL, config=bad) as session:
            async for _ in session.receive():
                pass
    assert info.value.code == 1008 and "session not found" in str(info.value)


async def test_go_away_then_close(make_genai_client) -> None:
    async with Emulator(speech="builtin", go_away_after=0.2, go_away_time_left=0.3) as emu:
        client = make_genai_client(emu)
        async with client.aio.live.connect(model=MODEL, config=full_config()) as session:
            messages = []
            with pytest.raises(errors.APIError) as info:
                async for msg in session.receive():
                    messages.append(msg)
    assert [m.go_away.time_left for m in messages] == ["0.3s"]
    assert info.value.code == 1008 and "aborted" in str(info.value)
