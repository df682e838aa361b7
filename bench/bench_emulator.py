"""How many real-time Live sessions the emulator serves on time, counted at the clients.

The emulator runs as ``python -m gemlive_nb.emulator --realtime`` (``--workers`` processes sharing
the port). Lean load-generator processes open N sessions over raw WebSockets. Every session
streams 20 ms PCM chunks in real time, like a microphone, and asks a spoken question every 8 s.
The chunks are encoded once, before the run: a question, then silence (a session starts in
silence, at its own point of the cycle, so it asks only whole questions). The reply audio comes
paced like playback. Each client counts what it receives and when:

- a reply audio chunk is **late** when it arrives after its playback deadline, which is the
  first chunk's arrival plus a 100 ms jitter buffer plus the audio before it;
- a reply is **missing** when the turn does not complete before the next question;
- a generator tick is **behind** when the generator itself falls over 20 ms behind its
  schedule. A step where that happens measures the generator, so it is flagged.

The generator speaks raw WebSocket over asyncio protocols: every frame is built (and masked,
with the zero key) before the run, and of what comes back it reads only frame headers, the
``inlineData`` marker and ``turnComplete``. The table shows the CPU cores each side used
(``emu-cores``: the emulator and its workers, from /proc; ``gen-cores``: the generators), since
both share the machine's cores.

The ramp adds sessions step by step until more than 1 % of chunks are late, or replies go
missing. Nothing is extrapolated from CPU share; the table shows what was received. Run it quiet,
and busy with ``--hogs 2`` (two busy-loop processes on the two cores)::

    .venv/bin/python bench/bench_emulator.py                      # ramp 100, 200, ... sessions
    .venv/bin/python bench/bench_emulator.py --start 400 --step 0 --hogs 2
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import multiprocessing as mp
import os
import subprocess
import sys
import time
from typing import Any

import numpy as np
from _common import spoken_question

from gemlive_nb.emulator import EmulatorProcess

MODEL = "models/gemini-2.5-flash-native-audio-preview-12-2025"
PATH = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
TICK_S = 0.020  # microphone chunk
CYCLE = 400  # ticks between questions (8 s)
CHUNK_S = 0.040  # the emulator's reply chunk length (its default)
JITTER_S = 0.100  # client jitter buffer before playback starts


def ws_frame(payload: bytes, opcode: int = 0x1) -> bytes:
    """A client WebSocket frame, masked with the all-zero key (valid, and the payload needs no
    XOR), so every frame of the run is built once and sent as it is."""
    n = len(payload)
    if n < 126:
        head = bytes((0x80 | opcode, 0x80 | n))
    elif n < 65536:
        head = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
    return head + b"\0\0\0\0" + payload


def encoded_frames() -> tuple[list[bytes], int]:
    """One 8 s cycle of ready-to-send frames, and the tick at which the question ends."""
    pcm = spoken_question(CYCLE * 320)
    voiced = np.flatnonzero(np.abs(pcm) > 200)
    end_tick = int(voiced[-1] // 320) + 1
    frames = []
    for i in range(CYCLE):
        data = base64.b64encode(pcm[i * 320 : (i + 1) * 320].tobytes()).decode()
        msg = (
            '{"realtimeInput":{"audio":{"mimeType":"audio/pcm;rate=16000","data":"' + data + '"}}}'
        )
        frames.append(ws_frame(msg.encode()))
    return frames, end_tick


class Session(asyncio.Protocol):
    """One client over a raw socket: it parses only frame headers, and times every reply audio
    chunk against its playback deadline (it reads nothing else but ``turnComplete``)."""

    def __init__(self, offset: int, stats: dict[str, float]) -> None:
        self.offset, self.stats = offset, stats
        self.buf = bytearray()
        self.upgraded = False
        self.ready = asyncio.get_running_loop().create_future()
        self.transport: Any = None
        self.first: float | None = None
        self.chunks = 0
        self.asked_at: float | None = None
        self.answered = True

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        if not self.upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            if not buf.startswith(b"HTTP/1.1 101"):
                self.ready.set_exception(RuntimeError(bytes(buf[:end]).decode()))
                return
            del buf[: end + 4]
            self.upgraded = True
        pos, size = 0, len(buf)
        while size - pos >= 2:
            opcode, n = buf[pos] & 0x0F, buf[pos + 1] & 0x7F
            head = 2
            if n == 126:
                if size - pos < 4:
                    break
                n, head = int.from_bytes(buf[pos + 2 : pos + 4], "big"), 4
            elif n == 127:
                if size - pos < 10:
                    break
                n, head = int.from_bytes(buf[pos + 2 : pos + 10], "big"), 10
            if size - pos < head + n:
                break
            self.on_frame(opcode, buf, pos + head, pos + head + n)
            pos += head + n
        del buf[:pos]

    def on_frame(self, opcode: int, buf: bytearray, start: int, end: int) -> None:
        if opcode == 0x9:  # ping: the server closes clients that never answer
            self.transport.write(ws_frame(bytes(buf[start:end]), 0xA))
            return
        if opcode not in (0x1, 0x2):
            return
        if not self.ready.done():
            self.ready.set_result(None)  # setupComplete
            return
        now = time.monotonic()
        stats = self.stats
        if buf.find(b'"inlineData"', start, min(end, start + 80)) >= 0:
            if self.first is None:
                self.first = now
                if self.asked_at is not None:
                    stats["latency_sum"] += now - self.asked_at
                    stats["latency_n"] += 1
            deadline = self.first + JITTER_S + self.chunks * CHUNK_S
            stats["chunks"] += 1
            stats["late"] += now > deadline
            self.chunks += 1
        elif end - start < 4096 and buf.find(b'"turnComplete"', start, end) >= 0:
            stats["replies"] += 1
            self.first, self.chunks, self.answered = None, 0, True


async def open_session(url: str, setup: bytes, offset: int, stats: dict[str, float]) -> Session:
    host, port = url.removeprefix("ws://").split("/")[0].rsplit(":", 1)
    loop = asyncio.get_running_loop()
    _, session = await loop.create_connection(
        lambda: Session(offset, stats), host.strip("[]"), int(port)
    )
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {PATH} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    session.transport.write(request.encode() + ws_frame(setup))
    await session.ready
    return session


async def generator(
    url: str, n: int, seconds: float, first_offset: int, transcribe: bool, out: Any
) -> None:
    frames, end_tick = encoded_frames()
    stats = dict.fromkeys(
        "chunks late replies missing asked behind ticks latency_sum latency_n cpu_s".split(), 0.0
    )
    extra = {"inputAudioTranscription": {}} if transcribe else {}
    setup = json.dumps({"setup": {"model": MODEL, **extra}}).encode()
    sessions = [
        await open_session(url, setup, (first_offset + i) * 37 % CYCLE, stats) for i in range(n)
    ]
    start = time.monotonic() + 0.5
    cpu0 = time.process_time()
    ticks = int(seconds / TICK_S)
    for t in range(ticks):
        lag = time.monotonic() - (start + t * TICK_S)
        if lag < 0:
            await asyncio.sleep(-lag)
        elif lag > TICK_S:
            stats["behind"] += 1
        stats["ticks"] += 1
        now = time.monotonic()
        for s in sessions:
            if t < CYCLE - s.offset:  # a session starts in silence, then asks whole questions
                s.transport.write(frames[-1])
                continue
            k = (t + s.offset) % CYCLE
            if k == 0:  # a new question starts: the last one must have been answered
                if s.asked_at is not None and not s.answered:
                    stats["missing"] += 1
                s.answered = False
            if k == end_tick:
                s.asked_at = now
                stats["asked"] += 1
            s.transport.write(frames[k])
    stats["cpu_s"] = time.process_time() - cpu0
    for s in sessions:
        s.transport.abort()
    out.send(stats)


def _generator_process(*args: Any) -> None:
    asyncio.run(generator(*args))


def run_step(
    url: str, sessions: int, seconds: float, clients: int, transcribe: bool
) -> dict[str, float]:
    ctx = mp.get_context("spawn")
    pipes, procs = [], []
    share = [sessions // clients + (i < sessions % clients) for i in range(clients)]
    first = 0
    for n in share:
        parent, child = ctx.Pipe()
        proc = ctx.Process(
            target=_generator_process, args=(url, n, seconds, first, transcribe, child)
        )
        proc.start()
        pipes.append(parent)
        procs.append(proc)
        first += n
    total: dict[str, float] = {}
    for parent, proc in zip(pipes, procs, strict=True):
        for k, v in parent.recv().items():
            total[k] = total.get(k, 0.0) + v
        proc.join()
    return total


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by process ``pid`` and its children (the ``--workers``), from /proc."""
    pids = [pid]
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            pids += [int(c) for c in f.read().split()]
    total = 0
    for p in pids:
        with open(f"/proc/{p}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--start", type=int, default=100, help="sessions in the first step")
    p.add_argument("--step", type=int, default=100, help="sessions added per step (0: one step)")
    p.add_argument("--max", type=int, default=1000, help="stop after this many sessions")
    p.add_argument("--seconds", type=float, default=24.0, help="length of each step")
    p.add_argument("--workers", type=int, default=2, help="emulator processes sharing the port")
    p.add_argument("--clients", type=int, default=2, help="load-generator processes")
    p.add_argument("--hogs", type=int, default=0, help="busy-loop processes during the run")
    p.add_argument(
        "--no-transcription",
        action="store_true",
        help="sessions do not ask for input transcription (no partial transcripts)",
    )
    p.add_argument("--url", default=None, help="load an emulator already running at this URL")
    args = p.parse_args()
    hogs = [subprocess.Popen([sys.executable, "-c", "while 1: pass"]) for _ in range(args.hogs)]
    opts = ["--realtime", "-q", "--speech", "builtin", "--workers", str(args.workers)]
    try:
        with EmulatorProcess(*opts, "--max-connection-s", "3600") as emu:
            if args.url:
                emu.url = args.url
            assert emu.url is not None
            print(
                f"emulator: {args.workers} worker(s); generator: {args.clients} process(es); "
                f"{args.hogs} hog(s); {os.cpu_count()} cores; {args.seconds:.0f} s per step"
            )
            print(
                "sessions  chunks   late%  replies  missing  latency  gen-behind"
                "  emu-cores  gen-cores"
            )
            n = args.start
            pid = emu._proc.pid if emu._proc is not None else os.getpid()
            while n <= args.max:
                emu_cpu = cpu_seconds(pid)
                s = run_step(emu.url, n, args.seconds, args.clients, not args.no_transcription)
                emu_cores = (cpu_seconds(pid) - emu_cpu) / args.seconds  # includes connecting
                late = 100 * s["late"] / max(1, s["chunks"])
                latency = s["latency_sum"] / max(1, s["latency_n"])
                behind = 100 * s["behind"] / max(1, s["ticks"])
                print(
                    f"{n:8d} {int(s['chunks']):7d} {late:7.2f} {int(s['replies']):8d} "
                    f"{int(s['missing']):8d} {latency:7.2f}s {behind:8.1f} %  "
                    f"{emu_cores:9.2f} {s['cpu_s'] / args.seconds:10.2f}",
                    flush=True,
                )
                if late > 1.0 or s["missing"] > 0.01 * max(1, s["asked"]) or not args.step:
                    break
                n += args.step
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


if __name__ == "__main__":
    main()
