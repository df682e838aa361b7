"""compare_voices over all 30 voices vs one voice, against the emulator with 300 ms reply latency.

Each entry is a full session (connect, setup, ask, close), unscored here (score=False) so the
ratio measures the sessions; a last line times the re-transcription scoring. Prints the wall
times and the ratio 30 voices / 1 voice at the default concurrency (all at once on the
emulator; goal ≤ 1.3×), concurrency=8 (the service's default, SERVICE_CONCURRENCY) for
reference, and where the 30-voice time goes: the spread of the entries' time to first audio
(scheduling) and to turn complete (streaming the replies).

Run: ``.venv/bin/python bench/bench_compare.py``
"""

from __future__ import annotations

import os
import time

from gemlive_nb.catalog import VOICES
from gemlive_nb.compare import Comparison, compare_voices
from gemlive_nb.emulator import Emulator
from gemlive_nb.endpoints import google_path

PROMPT = "Say hello in one short sentence."
REPEATS = 3


def timed(
    url: str, voices: list[str], concurrency: int | None, score: bool = False
) -> tuple[float, Comparison, float]:
    """Best wall time of REPEATS runs, that run's result, and its CPU seconds (this process)."""
    best: tuple[float, Comparison, float] | None = None
    for _ in range(REPEATS):
        cpu = os.times()
        start = time.perf_counter()
        res = compare_voices(
            PROMPT, voices, endpoint=url, concurrency=concurrency, progress=False, score=score
        )
        wall = time.perf_counter() - start
        end = os.times()
        if res.errors:
            raise SystemExit(f"bench failed: {res.errors[0].label}: {res.errors[0].error_text}")
        if best is None or wall < best[0]:
            used = end.user + end.system - cpu.user - cpu.system
            best = (wall, res, used)
    assert best is not None
    return best


def spread(res: Comparison, key: str) -> str:
    values = sorted(r.metrics[key] for r in res)
    return f"{values[0]:.3f}–{values[-1]:.3f} s"


def paced() -> None:
    """The same comparison with reply audio paced like the service (about real time)."""
    with Emulator(latency=0.3, speech="builtin", realtime=True) as emu:
        url = emu.url + google_path("v1beta")
        timed(url, VOICES.names[:2], 2)  # warm up
        one, res1, _ = timed(url, ["Puck"], None)
        all30, _, _ = timed(url, VOICES.names, None)
    print(
        f"paced like the service (realtime=True): 1 voice {one:.3f} s "
        f"({res1.rows[0].audio.duration:.1f} s reply), 30 voices {all30:.3f} s, "
        f"ratio {all30 / one:.2f}x (goal <= 1.3x)"
    )


def main() -> None:
    with Emulator(latency=0.3, speech="builtin") as emu:
        url = emu.url + google_path("v1beta")
        timed(url, VOICES.names, None)  # warm up imports and the emulator's speech cache
        one, _, _ = timed(url, ["Puck"], None)
        all30, res, cpu = timed(url, VOICES.names, None)
        default, _, _ = timed(url, VOICES.names, 8)
        scored, scored_res, _ = timed(url, VOICES.names, None, score=True)
    audio_s = sum(r.audio.duration for r in res)
    print("unpaced replies (the emulator sends reply audio as fast as it can):")
    print(f"emulator latency 0.3 s (in this process), prompt {PROMPT!r}, best of {REPEATS}")
    print(f"1 voice:                        {one:.3f} s")
    print(f"30 voices, default ({res.concurrency} at once): {all30:.3f} s")
    print(f"30 voices, concurrency=8:       {default:.3f} s (the service default; four waves)")
    wer = max(r.metrics["wer"] for r in scored_res)
    print(f"30 voices scored by re-transcription: {scored:.3f} s (worst WER {wer:.2f})")
    print(f"ratio 30 voices / 1 voice: {all30 / one:.2f}x (goal <= 1.3x)")
    print(
        f"30-voice run: first audio after {spread(res, 'latency_first_audio')}, "
        f"turn complete after {spread(res, 'latency_complete')}; "
        f"{audio_s:.0f} s of reply audio; {cpu:.2f} s CPU (client + emulator)"
    )
    paced()


if __name__ == "__main__":
    main()
