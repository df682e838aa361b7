"""A drop-in test server for any Live app: TLS for the unmodified SDK, and safe to leave running."""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
import websockets
from google import genai
from google.genai import errors, types
from websockets.exceptions import InvalidStatus

from gemlive_nb.audio import resample
from gemlive_nb.emulator import Emulator, EmulatorProcess
from gemlive_nb.emulator.hub import KEEP_AUDIO
from gemlive_nb.emulator.listener import MAX_UTTERANCE
from gemlive_nb.emulator.speech import get_speech
from gemlive_nb.exceptions import ConfigError

MODEL = "gemini-2.5-flash-native-audio-preview-12-2025"
WEATHER = types.FunctionDeclaration(
    name="get_weather",
    description="Returns the current weather for a city.",
    parameters=types.Schema(
        type="OBJECT", properties={"city": types.Schema(type="STRING")}, required=["city"]
    ),
)
CONFIG = types.LiveConnectConfig(
    response_modalities=["AUDIO"],
    input_audio_transcription=types.AudioTranscriptionConfig(),
    output_audio_transcription=types.AudioTranscriptionConfig(),
    tools=[types.Tool(function_declarations=[WEATHER])],
)


def _spoken(text: str) -> np.ndarray:
    voice = get_speech("builtin").synthesize(text, "Kore", "en-US")
    pcm = resample(voice, 24000, 16000)
    return np.concatenate([np.zeros(3200, np.int16), pcm, np.zeros(16000, np.int16)])


async def _spoken_turn_with_a_tool_call(client: genai.Client) -> tuple[str, str, list[str]]:
    """Speak a question, answer the tool call; return (heard input, reply transcript, calls)."""
    pcm = _spoken("What is the weather in Paris?")
    heard, said, calls = [], [], []
    async with client.aio.live.connect(model=MODEL, config=CONFIG) as session:
        for i in range(0, len(pcm), 1600):
            blob = types.Blob(data=pcm[i : i + 1600].tobytes(), mime_type="audio/pcm;rate=16000")
            await session.send_realtime_input(audio=blob)
        async for msg in session.receive():
            sc = msg.server_content
            if sc and sc.input_transcription and sc.input_transcription.text:
                heard.append(sc.input_transcription.text)
            if sc and sc.output_transcription and sc.output_transcription.text:
                said.append(sc.output_transcription.text)
            if msg.tool_call:
                call = msg.tool_call.function_calls[0]
                calls.append(f"{call.name}({call.args})")
                response = {"temperature_c": 18, "condition": "cloudy"}
                await session.send_tool_response(
                    function_responses=[
                        types.FunctionResponse(id=call.id, name=call.name, response=response)
                    ]
                )
            if sc and sc.turn_complete and calls:
                break
    return "".join(heard).strip(), "".join(said), calls


async def test_an_unmodified_sdk_client_completes_a_spoken_turn_with_a_tool_call_over_tls():
    async with Emulator(speech="builtin", tls=True, api_key="test-key") as emu:
        assert emu.url.startswith("wss://") and emu.ca_file and os.path.exists(emu.ca_file)
        client = genai.Client(api_key="test-key", http_options=emu.sdk_http_options())
        heard, said, calls = await asyncio.wait_for(_spoken_turn_with_a_tool_call(client), 60)
        assert emu.sessions[0].headers["x-goog-api-key"] == "***"
    assert heard == "What is the weather in Paris?"
    assert calls == ["get_weather({'city': 'Paris'})"]
    assert "18" in said and "cloudy" in said


async def test_the_cli_serves_tls_and_the_sdk_trusts_it_through_ssl_cert_file(monkeypatch):
    with EmulatorProcess("--tls", "--speech", "builtin") as proc:
        ca = next(line.split(":", 1)[1].strip() for line in proc.log if line.startswith("ca file:"))
        assert proc.url and proc.url.startswith("wss://") and os.path.exists(ca)
        monkeypatch.setenv("SSL_CERT_FILE", ca)  # the SDK reads it when the client is made
        base = proc.url.replace("wss://", "https://")
        client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=base))
        _, said, calls = await asyncio.wait_for(_spoken_turn_with_a_tool_call(client), 60)
    assert calls == ["get_weather({'city': 'Paris'})"] and "cloudy" in said


async def test_a_plain_client_without_the_ca_is_refused_by_tls():
    async with Emulator(speech="builtin", tls=True) as emu:
        with pytest.raises(ssl.SSLCertVerificationError):
            await websockets.connect(emu.google_url(), ssl=ssl.create_default_context())
        ws = await websockets.connect(emu.google_url(), ssl=emu.ssl_context())
        await ws.close()
        assert emu.ca_file
        folder = os.path.dirname(emu.ca_file)
        assert os.stat(folder).st_mode & 0o077 == 0  # private while it runs
    # #24 item 13: the server-key folder was left behind after stop()
    assert not os.path.exists(folder)


def test_sdk_http_options_needs_tls():
    with Emulator(speech="builtin") as emu, pytest.raises(ConfigError, match="tls=True"):
        emu.sdk_http_options()


async def test_a_bad_key_gives_the_sdk_its_api_error(make_genai_client):
    async with Emulator(speech="builtin", api_key="right-key") as emu:
        client = make_genai_client(emu, api_key="wrong-key")
        with pytest.raises(errors.APIError) as info:
            async with client.aio.live.connect(model=MODEL, config=CONFIG) as session:
                async for _ in session.receive():
                    pass
        record = emu.wait_closed(1)
    assert info.value.code == 1008 and "invalid authentication" in str(info.value)
    assert record.setup is None and record.close_code == 1008


# ---------------------------------------------------------------- safe to leave running


async def _status(emu: Emulator, **headers: str) -> int | str:
    try:
        ws = await websockets.connect(emu.google_url(), additional_headers=headers)
    except InvalidStatus as e:
        return e.response.status_code
    await ws.close()
    return "open"


async def test_web_pages_cannot_connect_unless_their_origin_is_allowed():
    async with Emulator(speech="builtin") as emu:
        assert await _status(emu, Origin="https://evil.example") == 403
        assert await _status(emu) == "open"
    async with Emulator(speech="builtin", allow_origins=["http://localhost:8888"]) as emu:
        assert await _status(emu, Origin="http://localhost:8888") == "open"
        assert await _status(emu, Origin="https://evil.example") == 403


async def test_the_host_header_must_name_the_bound_address():
    async with Emulator(speech="builtin") as emu:
        host = f"rebind.example:{emu.port}"
        async with websockets.connect(emu.google_url()) as ws:  # Host: 127.0.0.1:PORT
            await ws.send(json.dumps({"setup": {"model": f"models/{MODEL}"}}))
            assert "setupComplete" in json.loads(await ws.recv())
        reader, writer = await asyncio.open_connection(emu.host, emu.port)
        writer.write(
            (
                f"GET {emu.google_url().split(str(emu.port), 1)[1]} HTTP/1.1\r\nHost: {host}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
            ).encode()
        )
        response = await asyncio.wait_for(reader.read(4096), 5)
        writer.close()
        assert response.startswith(b"HTTP/1.1 403") and b"rebind.example" in response


def test_the_403_is_reported_by_the_cli_option_name():
    out = subprocess.run(
        [sys.executable, "-m", "gemlive_nb.emulator", "--help"], capture_output=True, text=True
    ).stdout
    assert "--allow-origin" in out and "--tls" in out


async def test_resumption_handles_are_unguessable():
    handles = []
    for _ in range(2):
        async with (
            Emulator(speech="builtin", seed=0) as emu,  # same seed, same conversation
            websockets.connect(emu.google_url()) as ws,
        ):
            setup = {"model": f"models/{MODEL}", "sessionResumption": {}}
            await ws.send(json.dumps({"setup": setup}))
            await ws.recv()
            update = json.loads(await ws.recv())["sessionResumptionUpdate"]
            handles.append(update["newHandle"])
    assert handles[0] != handles[1]
    assert all(len(h) >= 40 for h in handles)  # 256 random bits


async def test_memory_stays_flat_over_a_long_stream():
    """Ten minutes of loud noise (one endless 'utterance') and then silence, sent fast."""
    rng = np.random.default_rng(1)
    noise = (rng.standard_normal(320) * 3000).astype(np.int16).tobytes()
    quiet = np.zeros(320, np.int16).tobytes()
    async with Emulator(speech="builtin", max_connection_s=3600) as emu:
        async with websockets.connect(emu.google_url(), max_size=None) as ws:
            setup = {
                "model": f"models/{MODEL}",
                "generationConfig": {"responseModalities": ["AUDIO"]},
            }
            await ws.send(json.dumps({"setup": setup}))
            await ws.recv()
            drain = asyncio.ensure_future(_drain(ws))
            for i in range(30_000):  # 20 ms each: 10 minutes
                pcm = noise if i < 20_000 else quiet
                frame = {"realtimeInput": {"audio": {"data": _b64(pcm), "mimeType": "audio/pcm"}}}
                await ws.send(json.dumps(frame))
            conn = next(iter(emu._connections))
            buffered = sum(len(x) for _, x in conn.listener.chunks)
            drain.cancel()
        record = emu.wait_closed(1)
    assert record.audio_in == 30_000 and record.audio_in_bytes == 30_000 * 640
    assert len(record.messages) <= KEEP_AUDIO + 1
    assert len(record.sent) <= 2 * KEEP_AUDIO + 200
    assert buffered <= MAX_UTTERANCE + 16000  # at most one utterance plus a second of pre-roll


async def _drain(ws: Any) -> None:
    async for _ in ws:
        pass


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode()


async def test_worker_processes_share_the_port_and_the_resumption_handles(tmp_path):
    setup = {"model": f"models/{MODEL}", "sessionResumption": {}}
    env = {"TMPDIR": str(tmp_path)}  # where the workers' shared handle folder goes
    with EmulatorProcess("--workers", "2", "--speech", "builtin", env=env) as proc:
        url = (
            proc.url
            + "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
        )
        handles = []
        for _ in range(6):
            async with websockets.connect(url) as ws:
                await ws.send(json.dumps({"setup": setup}))
                await ws.recv()
                handles.append(json.loads(await ws.recv())["sessionResumptionUpdate"]["newHandle"])
        for handle in handles:  # whichever worker takes the connection knows the handle
            async with websockets.connect(url) as ws:
                resume = {**setup, "sessionResumption": {"handle": handle}}
                await ws.send(json.dumps({"setup": resume}))
                assert "setupComplete" in json.loads(await ws.recv())
        files = list(tmp_path.glob("gemlive-handles-*/emu-*"))
        assert len(files) >= len(handles)  # each holds a transcript: only its owner may read it
        assert all(f.stat().st_mode & 0o077 == 0 for f in files)
    # #24 item 13: one world-readable file per turn was left after exit
    assert list(tmp_path.iterdir()) == []


async def test_the_proxys_media_chunks_count_toward_the_same_bound():
    chunk = {"mimeType": "audio/pcm;rate=16000", "data": _b64(bytes(640))}
    frame = json.dumps({"realtimeInput": {"mediaChunks": [chunk]}})
    async with Emulator(speech="builtin") as emu:
        url = emu.proxy_url("gemini-live-2.5-flash-native-audio")
        async with websockets.connect(url) as ws:
            await ws.send(json.dumps({"setup": {"model": "gemini-live-2.5-flash-native-audio"}}))
            await ws.recv()
            for _ in range(KEEP_AUDIO + 100):
                await ws.send(frame)
        record = emu.wait_closed(1)
    assert record.audio_in == KEEP_AUDIO + 100 and record.audio_in_bytes == 640 * record.audio_in
    assert len(record.messages) == KEEP_AUDIO + 1  # the setup, then the first KEEP_AUDIO chunks


async def _token_status(emu: Emulator, **headers: str) -> int:
    """POST a mint request to the emulator's token port by hand; the answer's status code."""
    reader, writer = await asyncio.open_connection(emu.tokens.host, emu.tokens.port)
    lines = {"Host": f"{emu.tokens.host}:{emu.tokens.port}", **headers}
    head = "".join(f"{k}: {v}\r\n" for k, v in lines.items() if v)
    writer.write(
        f"POST /v1alpha/auth_tokens HTTP/1.1\r\n{head}Content-Length: 2\r\n\r\n{{}}".encode()
    )
    response = await asyncio.wait_for(reader.read(4096), 5)
    writer.close()
    return int(response.split(b" ", 2)[1])


async def test_the_token_port_checks_origin_and_host_like_the_websocket_port():
    """#24 item 12: a web page (or a DNS-rebinding one) could mint tokens on the token port."""
    async with Emulator(speech="builtin") as emu:
        assert await _token_status(emu) == 200
        assert await _token_status(emu, Origin="https://evil.example") == 403
        assert await _token_status(emu, Host=f"rebind.example:{emu.tokens.port}") == 403
        assert len(emu.tokens.store.requests) == 1
    async with Emulator(speech="builtin", allow_origins=["http://localhost:8888"]) as emu:
        assert await _token_status(emu, Origin="http://localhost:8888") == 200
        assert await _token_status(emu, Origin="https://evil.example") == 403
