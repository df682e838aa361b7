"""Backpressure: the network stalls for 30 s while the microphone keeps streaming, then recovers.

One LiveSession streams 20 ms chunks in real time through a loopback proxy
(:class:`gemlive_nb.emulator.faults.StallProxy`) that stops forwarding client bytes for
``--stall`` seconds. Prints the peak of the outgoing queue (frames and seconds of audio), RSS
before/during/after, the audio dropped (counted by ``stats`` and reported by ``AudioDropped``
events), how long the queue took to drain, and whether the next turn worked.

Usage::

    .venv/bin/python bench/bench_backpressure.py              # 30 s stall
    .venv/bin/python bench/bench_backpressure.py --stall 5
"""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

from _common import bench_args, rss_mb

from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.faults import StallProxy
from gemlive_nb.session import AudioDropped, LiveSession, connect

CHUNK = bytes(640)  # 20 ms of silence at 16 kHz


async def stream(s: LiveSession, seconds: float, peak: dict[str, float]) -> None:
    t0 = time.monotonic()
    for i in range(int(seconds / 0.02)):
        await s.send_audio(CHUNK)
        peak["frames"] = max(peak["frames"], len(s._sender.outbox))
        peak["audio_s"] = max(peak["audio_s"], s.stats.queued_audio_seconds)
        peak["rss"] = max(peak["rss"], rss_mb()) if i % 50 == 0 else peak["rss"]
        await asyncio.sleep(max(0.0, t0 + (i + 1) * 0.02 - time.monotonic()))


async def run(stall: float, max_queue: float) -> None:
    with Emulator(speech="builtin") as emu:
        proxy = await StallProxy.start(emu.host, emu.port)
        s = await connect(endpoint=proxy.url, max_queued_audio_s=max_queue)
        events: list[Any] = []
        s.subscribe(events.append)
        await s.ask("My name is Ada.", timeout=10)
        s._ws.transport.get_extra_info("socket").setsockopt(
            socket.SOL_SOCKET, socket.SO_SNDBUF, 4096
        )
        peak = {"frames": 0, "audio_s": 0.0, "rss": 0.0}
        await stream(s, 2.0, peak)
        rss_before = rss_mb()
        proxy.stall()
        await stream(s, stall, peak)
        stalled = s.stats
        proxy.resume()
        t0 = time.monotonic()
        while len(s._sender.outbox) or s._sender.writing:
            await asyncio.sleep(0.01)
        drain = time.monotonic() - t0
        answer = await s.ask("What is my name?", timeout=20)
        rss_after = rss_mb()
        await s.close()
        await proxy.close()
    drops = [e for e in events if isinstance(e, AudioDropped)]
    print(f"stall of {stall:g} s while streaming 20 ms chunks (max_queued_audio_s={max_queue:g})")
    print(
        f"  queue peak: {peak['frames']:.0f} frames, {peak['audio_s']:.2f} s of audio "
        f"(bound {max_queue:g} s)"
    )
    print(
        f"  RSS: {rss_before:.1f} MB before, peak {peak['rss']:.1f} MB during, "
        f"{rss_after:.1f} MB after"
    )
    print(
        f"  dropped: {stalled.dropped_audio_chunks} chunks = {stalled.dropped_audio_seconds:.2f} s "
        f"of {stall:g} s; {len(drops)} AudioDropped events (at most one a second)"
    )
    print(f"  queue drained {1000 * drain:.0f} ms after the network recovered")
    print(f"  next turn: {answer.output_transcript!r} (reconnects: {s.stats.reconnects})")


def main() -> None:
    args = bench_args(__doc__, stall=30.0, max_queue=2.0)
    asyncio.run(run(args.stall, args.max_queue))


if __name__ == "__main__":
    main()
