"""CPU per second of streamed audio: LiveSession.send_audio vs raw websockets+json vs google-genai.

All three stream the same 20 ms chunks (640 bytes of 16 kHz PCM16) to the same emulator, which
runs in a separate process so that only the client's CPU is measured (``time.thread_time`` of
the thread running the event loop). Goals: LiveSession ≤ 1.2× raw, ≤ 1/3 of the SDK; p99 added
latency per chunk (time inside the send call, the frame written to the socket) < 2 ms.
Prints; does not assert. Run: ``.venv/bin/python bench/bench_session.py [seconds_of_audio]``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np
import websockets

from gemlive_nb import protocol as p
from gemlive_nb.emulator.process import EmulatorProcess
from gemlive_nb.endpoints import google_path
from gemlive_nb.session import connect

os.environ["NO_PROXY"] = os.environ["no_proxy"] = "localhost,127.0.0.1"
CHUNK = np.zeros(320, "<i2").tobytes()  # silence: the emulator's VAD stays idle
CHUNK_S = 0.02
MODEL = "gemini-2.5-flash-native-audio-preview-12-2025"


async def measure(send: Callable[[], Awaitable[None]], n: int) -> tuple[float, np.ndarray]:
    """CPU seconds of the loop thread for ``n`` sends, and each call's wall time."""
    for _ in range(50):  # warm up
        await send()
    durations = np.empty(n)
    cpu0 = time.thread_time()
    for i in range(n):
        t = time.perf_counter()
        await send()
        durations[i] = time.perf_counter() - t
        if i % 50 == 49:
            await asyncio.sleep(0)  # let the loop read (as a paced stream would)
    return time.thread_time() - cpu0, durations


async def bench_session(url: str, n: int) -> tuple[float, np.ndarray]:
    async with connect(endpoint=url) as s:

        async def send() -> None:
            await s.send_audio(CHUNK)

        return await measure(send, n)


async def bench_raw(url: str, n: int) -> tuple[float, np.ndarray]:
    async with websockets.connect(url, compression=None, max_size=2**24) as ws:
        await ws.send(json.dumps({"setup": {"model": f"models/{MODEL}"}}))
        await ws.recv()

        async def send() -> None:
            data = base64.b64encode(CHUNK).decode()
            msg = {"realtimeInput": {"audio": {"data": data, "mimeType": "audio/pcm;rate=16000"}}}
            await ws.send(json.dumps(msg))

        return await measure(send, n)


async def bench_sdk(port: int, n: int) -> tuple[float, np.ndarray]:
    from google import genai
    from google.genai import types

    client = genai.Client(api_key="bench", http_options=types.HttpOptions(api_version="v1beta"))
    client._api_client._websocket_base_url = lambda http_options=None: f"ws://127.0.0.1:{port}"
    client._api_client._websocket_ssl_ctx = {}
    config = types.LiveConnectConfig(response_modalities=["AUDIO"])
    async with client.aio.live.connect(model=MODEL, config=config) as session:
        blob = types.Blob(data=CHUNK, mime_type="audio/pcm;rate=16000")

        async def send() -> None:
            await session.send_realtime_input(audio=blob)

        return await measure(send, n)


def row(name: str, cpu: float, durations: np.ndarray, audio_s: float) -> dict[str, Any]:
    per_s = cpu / audio_s
    p50, p99 = np.percentile(durations, [50, 99]) * 1000
    print(
        f"{name:<22} {per_s * 1000:8.2f} ms CPU / s audio  "
        f"{cpu / len(durations) * 1e6:7.1f} µs/chunk  p50 {p50:6.3f} ms  p99 {p99:6.3f} ms"
    )
    return {"cpu_per_s": per_s, "p50_ms": p50, "p99_ms": p99}


async def main(seconds: float) -> None:
    n = int(seconds / CHUNK_S)
    with EmulatorProcess("-q") as emu:
        url = emu.url + google_path("v1beta")
        port = int(emu.url.rsplit(":", 1)[1])
        results: dict[str, dict[str, Any]] = {}
        print(f"{n} chunks of 20 ms ({seconds:g} s of audio) per client, emulator in a subprocess")
        for _ in range(2):  # interleave, keep the best (least disturbed) run of each
            for name, run in (
                ("LiveSession", lambda: bench_session(url, n)),
                ("raw websockets+json", lambda: bench_raw(url, n)),
                ("google-genai SDK", lambda: bench_sdk(port, n)),
            ):
                cpu, durations = await run()
                best = results.get(name)
                if best is None or cpu < best["cpu"]:
                    results[name] = {"cpu": cpu, "durations": durations}
        stats = {k: row(k, v["cpu"], v["durations"], seconds) for k, v in results.items()}
        ours, raw, sdk = (stats[k]["cpu_per_s"] for k in results)
        print(f"LiveSession / raw = {ours / raw:.2f}×   (goal ≤ 1.2×)")
        print(f"LiveSession / SDK = {ours / sdk:.2f}    (goal ≤ 0.33)")
        p99 = stats["LiveSession"]["p99_ms"]
        print(f"LiveSession added latency per chunk: p99 {p99:.3f} ms (goal < 2 ms)")
        print(f"check: the frame LiveSession sends is {len(p.realtime_audio_frame(CHUNK))} bytes")


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0))
