"""Load: 20 LiveSessions in one process streaming real-time microphone audio to the emulator.

The emulator runs in its own process (_common.serve, paced like the service). Each
session streams 20 ms chunks on a fixed schedule — a spoken question, then silence while the
reply plays, over and over — through ``send_audio`` for the whole run. Measured:

- send lateness: how far each chunk's ``send_audio`` returned after its scheduled time;
- reply-chunk arrival gaps inside a reply (the emulator paces replies one burst ahead of
  playback, so a gap well beyond the burst length would be an audible stall);
- RSS of this process every second, and its slope after a warm-up, next to the slope the
  recordings explain (every session records all audio in and out, by design);
- turns completed and audio dropped.

Then the emulator's own capacity figure is printed by bench/bench_emulator.py (200 sessions).

Usage::

    .venv/bin/python bench/bench_load.py     # 20 sessions x 120 s, then the 200-session figure
    .venv/bin/python bench/bench_load.py --seconds 15 --emulator-sessions 0   # a quick run
    .venv/bin/python bench/bench_load.py --record transcript   # recordings keep no audio
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from _common import bench_args, emulator_process, rss_mb, spoken_question

from gemlive_nb import protocol as p
from gemlive_nb.session import LiveSession, connect

CHUNK = 320  # 20 ms at 16 kHz
CYCLE_S = 8.0  # question + silence while the reply plays


def cycle_pcm() -> list[bytes]:
    """One cycle of 20 ms chunks: 0.5 s silence, a spoken question, silence to CYCLE_S."""
    pcm = spoken_question(int(CYCLE_S * 16000))
    return [pcm[i : i + CHUNK].tobytes() for i in range(0, len(pcm) - CHUNK + 1, CHUNK)]


class Meter:
    def __init__(self) -> None:
        self.late: list[float] = []
        self.gaps: list[float] = []

    def watch(self, s: LiveSession) -> None:
        last: list[float | None] = [None]

        def on_event(event: object) -> None:
            now = time.monotonic()
            if type(event) is p.AudioChunk:
                if last[0] is not None:
                    self.gaps.append(now - last[0])
                last[0] = now
            elif isinstance(event, (p.GenerationComplete, p.TurnComplete, p.Interrupted)):
                last[0] = None  # gaps between replies are not stalls

        s.subscribe(on_event)


async def stream(s: LiveSession, chunks: list[bytes], start: float, end: float, m: Meter) -> None:
    i = 0
    while True:
        due = start + i * 0.02
        if due >= end:
            return
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        await s.send_audio(chunks[i % len(chunks)])
        m.late.append(time.monotonic() - due)
        i += 1


async def consume(s: LiveSession) -> None:
    """Read the event stream as an app would (unread events are buffered, up to event_buffer)."""
    async for _ in s:
        pass


async def sample_rss(samples: list[tuple[float, float]], end: float) -> None:
    while time.monotonic() < end:
        samples.append((time.monotonic(), rss_mb()))
        await asyncio.sleep(1.0)


def recorded_mb(sessions: list[LiveSession]) -> float:
    """Audio the recordings hold: everything sent (16 kHz) and received (24 kHz), PCM16."""
    total = 0.0
    for s in sessions:
        st = s.stats
        total += st.audio_seconds_sent * 32000 + st.audio_seconds_received * 48000
    return total / 2**20


async def run(url: str, n: int, seconds: float, record: bool | str = True) -> None:
    chunks = cycle_pcm()
    m = Meter()
    sessions = [await connect(endpoint=url, backoff_s=0.1, record=record) for _ in range(n)]
    for s in sessions:
        m.watch(s)
    readers = [asyncio.ensure_future(consume(s)) for s in sessions]
    rss: list[tuple[float, float]] = []
    rec: list[tuple[float, float]] = []
    start = time.monotonic() + 0.5
    end = start + seconds

    async def sample_recordings() -> None:
        while time.monotonic() < end:
            held = recorded_mb(sessions) if record is True else 0.0  # other modes keep no audio
            rec.append((time.monotonic(), held))
            await asyncio.sleep(1.0)

    await asyncio.gather(
        sample_rss(rss, end),
        sample_recordings(),
        *(stream(s, chunks, start + k * 0.0007, end, m) for k, s in enumerate(sessions)),
    )
    await asyncio.sleep(1.0)
    stats = [s.stats for s in sessions]
    events = sum(len(s.recording.events) for s in sessions)
    for s in sessions:
        await s.close()
    await asyncio.gather(*readers, return_exceptions=True)
    print(f"  recording event log: {events} entries in all (kept by design, like the audio)")
    report(n, seconds, m, rss, rec, stats)


def slope_per_min(points: list[tuple[float, float]]) -> float:
    keep = points[len(points) // 4 :]  # after warm-up
    if len(keep) < 3:
        return float("nan")
    t = np.array([x for x, _ in keep])
    y = np.array([v for _, v in keep])
    return float(np.polyfit(t - t[0], y, 1)[0] * 60)


def report(n, seconds, m: Meter, rss, rec, stats) -> None:  # type: ignore[no-untyped-def]
    late = np.array(m.late) * 1000
    gaps = np.array(m.gaps or [0.0]) * 1000
    turns = sum(s.turns for s in stats)
    dropped = sum(s.dropped_audio_seconds for s in stats)
    sent = sum(s.audio_seconds_sent for s in stats)
    reconnects = sum(s.reconnects for s in stats)
    rss_slope, rec_slope = slope_per_min(rss), slope_per_min(rec)
    print(f"{n} LiveSessions x {seconds:g} s real-time 20 ms audio, one process")
    print(f"  machine load average at the end: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    print(f"  turns completed: {turns} ({turns / n:.1f} per session), reconnects: {reconnects}")
    print(f"  audio sent: {sent:.0f} s, dropped: {dropped:.2f} s")
    print(
        f"  send lateness (ms): p50 {np.percentile(late, 50):.2f}  p99 "
        f"{np.percentile(late, 99):.2f}  max {late.max():.1f}  "
        f"> 20 ms: {(late > 20).sum()} of {len(late)}"
    )
    print(
        f"  reply chunk gaps (ms): p50 {np.percentile(gaps, 50):.1f}  p99 "
        f"{np.percentile(gaps, 99):.1f}  max {gaps.max():.1f}"
    )
    print(
        f"  RSS: {rss[0][1]:.0f} -> {rss[-1][1]:.0f} MB; slope after warm-up "
        f"{rss_slope:.2f} MB/min, of which recordings {rec_slope:.2f} MB/min "
        f"(unexplained {rss_slope - rec_slope:+.2f} MB/min)"
    )


def main() -> None:
    args = bench_args(
        __doc__,
        sessions=20,
        seconds=120.0,
        emulator_sessions=200,
        emulator_seconds=10.0,
        record="full",
    )
    record = {"full": True, "transcript": "transcript", "off": False}[args.record]
    print(f"recording: {args.record} (--record full|transcript|off)")
    with emulator_process() as (url, _):
        asyncio.run(run(url, args.sessions, args.seconds, record))
    if args.emulator_sessions:
        print(f"== the emulator alone (bench/bench_emulator.py, {args.emulator_sessions} sessions)")
        bench = Path(__file__).resolve().parent / "bench_emulator.py"
        subprocess.run(
            [sys.executable, str(bench), "--sessions", str(args.emulator_sessions),
             "--seconds", str(args.emulator_seconds)],
            check=True,
        )  # fmt: skip


if __name__ == "__main__":
    main()
