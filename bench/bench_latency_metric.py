"""How right is ``turn.metrics["latency_first_audio"]`` for spoken turns?

Speech (the built-in synthesizer's voice) is streamed in 20 ms chunks at real-time pace to an
emulator in its own process with a 1.0 s reply latency, followed by silence, as a microphone
would. The true figure is the time from the last voiced sample leaving the client to the first
reply audio arriving; the metric is what the session reports (``latency_source`` says whether
it came from the server's voice-activity signal or the client's VAD over the input track).
Goal: error within ±100 ms. Prints a row per utterance and a summary; does not assert.

Run quiet, then busy: ``.venv/bin/python bench/bench_latency_metric.py [--turns 6] [--hog 1]``
(``--hog 1`` keeps both cores busy with two spinning processes for the run).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

import numpy as np
from _common import bench_args

from gemlive_nb import protocol as p
from gemlive_nb.audio import resample
from gemlive_nb.emulator.process import EmulatorProcess
from gemlive_nb.emulator.speech import get_speech
from gemlive_nb.session import connect

SENTENCES = [
    "What's the weather in Paris?",
    "Tell me about volcanoes.",
    "How far away is the moon?",
    "Turn on the lights in the kitchen.",
    "What is the capital of Japan?",
    "Play some music, please.",
]


def _speech(text: str) -> np.ndarray:
    voice = get_speech("builtin").synthesize(text, "Puck", "en-US")
    return resample(np.asarray(voice, np.int16), 24000, 16000)


async def one_turn(url: str, text: str) -> tuple[float, float, str]:
    """(true latency, metric, latency_source) for one spoken question."""
    speech = _speech(text)
    voiced_end = int(np.flatnonzero(np.abs(speech) > 300)[-1]) + 1 + 3200
    pcm = np.concatenate([np.zeros(3200, np.int16), speech, np.zeros(3 * 16000, np.int16)])
    first: list[float] = []
    async with connect(endpoint=url) as s:
        s.subscribe(
            lambda e: (
                first.append(s.recording.now())
                if isinstance(e, p.AudioChunk) and not first
                else None
            )
        )
        loop = asyncio.get_running_loop()
        start = loop.time()
        speech_end = None
        for i in range(0, len(pcm), 320):
            await asyncio.sleep(max(0.0, start + i / 16000 - loop.time()))
            await s.send_audio(pcm[i : i + 320])
            if speech_end is None and i + 320 >= voiced_end:
                speech_end = s.recording.now() - (i + 320 - voiced_end) / 16000
            if first and s.recording.now() > first[0] + 0.5:
                break  # the reply is playing: enough
        deadline = loop.time() + 20
        while not (s.turns and s.turns[0].t_first_audio is not None) and loop.time() < deadline:
            await asyncio.sleep(0.02)
        turn = s.turns[0]
        assert first and speech_end is not None
        m = turn.metrics
        return first[0] - speech_end, m["latency_first_audio"], m["latency_source"]


async def main(turns: int, url: str) -> list[float]:
    errors = []
    print(f"{'utterance':38} {'true s':>7} {'metric s':>8} {'error ms':>9}  source")
    for k in range(turns):
        text = SENTENCES[k % len(SENTENCES)]
        true, metric, source = await one_turn(url, text)
        errors.append(metric - true)
        print(f"{text:38} {true:7.3f} {metric:8.3f} {1000 * (metric - true):9.0f}  {source}")
    return errors


if __name__ == "__main__":
    args = bench_args(__doc__, turns=6, hog=0)
    hogs = [subprocess.Popen([sys.executable, "-c", "while 1: pass"]) for _ in range(2 * args.hog)]
    try:
        with EmulatorProcess("--latency", "1.0", "--speech", "builtin", "--quiet") as emu:
            assert emu.url is not None
            t0 = time.perf_counter()
            errs = np.abs(asyncio.run(main(args.turns, emu.url))) * 1000
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    load = "with a CPU hog on both cores" if args.hog else "quiet"
    print(
        f"\n{load} (load avg {os.getloadavg()[0]:.1f}): |error| median {np.median(errs):.0f} ms, "
        f"max {errs.max():.0f} ms over {len(errs)} spoken turns (goal ±100 ms); "
        f"{time.perf_counter() - t0:.0f} s"
    )
