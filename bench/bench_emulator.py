"""How many real-time Live sessions the emulator sustains: CPU per session, measured.

The emulator runs in its own process (so its CPU is measured alone, from /proc). N raw
WebSocket clients in this process each stream 20 ms PCM chunks in real time for the given
duration: a spoken question (built-in voice) followed by silence, so every session goes through
the VAD, transcription, a paced spoken reply and plain silence streaming. Prints the emulator's
CPU use per session and the number of sessions that would fit on 2 cores.

Usage::

    .venv/bin/python bench/bench_emulator.py                 # 200 sessions, 10 s
    .venv/bin/python bench/bench_emulator.py --sessions 50 --seconds 5
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time

import websockets
from _common import bench_args, emulator_process, spoken_question

MODEL = "models/gemini-2.5-flash-native-audio-preview-12-2025"
PATH = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
CHUNK = 320  # 20 ms at 16 kHz


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc (Linux)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def frames(seconds: float) -> list[str]:
    total = int(seconds * 16000)
    pcm = spoken_question(total)
    out = []
    for i in range(0, total - CHUNK + 1, CHUNK):
        data = base64.b64encode(pcm[i : i + CHUNK].tobytes()).decode()
        out.append(
            '{"realtimeInput":{"audio":{"mimeType":"audio/pcm;rate=16000","data":"' + data + '"}}}'
        )
    return out


async def client(url: str, chunks: list[str], start: float, stats: dict) -> None:
    async with websockets.connect(url + PATH, max_queue=None, compression=None) as ws:
        setup = {"model": MODEL, "inputAudioTranscription": {}, "outputAudioTranscription": {}}
        await ws.send(json.dumps({"setup": setup}))
        await ws.recv()

        async def reader() -> None:
            async for msg in ws:
                stats["received"] += 1
                if b'"turnComplete"' in msg:
                    stats["turns"] += 1

        task = asyncio.create_task(reader())
        for i, chunk in enumerate(chunks):
            delay = start + i * 0.02 - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                stats["late"] += 1
            await ws.send(chunk)
        task.cancel()


async def run(url: str, sessions: int, seconds: float, pid: int) -> dict:
    chunks = frames(seconds)
    stats = {"received": 0, "turns": 0, "late": 0}
    start = time.monotonic() + 1.0
    cpu0 = cpu_seconds(pid)
    t0 = time.monotonic()
    await asyncio.gather(
        *(client(url, chunks, start + (i % 50) * 0.0004, stats) for i in range(sessions))
    )
    wall = time.monotonic() - t0
    stats["cpu"] = cpu_seconds(pid) - cpu0
    stats["wall"] = wall
    return stats


def main() -> None:
    args = bench_args(__doc__, sessions=200, seconds=10.0)
    with emulator_process() as (url, pid):
        s = asyncio.run(run(url, args.sessions, args.seconds, pid))
    busy = s["cpu"] / s["wall"]
    per_session = busy / args.sessions
    print(
        f"{args.sessions} real-time sessions x {args.seconds:g} s of 20 ms chunks "
        f"({s['turns']} replies, {s['received']} server frames, {s['late']} late sends)"
    )
    print(
        f"emulator CPU: {100 * busy:.1f}% of one core in total, "
        f"{100 * per_session:.3f}% per session"
    )
    print(f"=> about {int(2 / per_session)} concurrent real-time sessions fit on 2 cores")


if __name__ == "__main__":
    main()
