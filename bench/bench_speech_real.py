"""Speed of the speech extra: espeak-ng synthesis, pocketsphinx transcription, Silero VAD.

Prints real-time factors (processing time / audio time; lower is faster; goal ≤ 0.3 for TTS and
ASR), as wall time (best of a few runs) and as this thread's CPU time (robust when other jobs
load the machine). ASR input is Debian ``flite`` speech (``apt-get install -y flite``).

    .venv/bin/python bench/bench_speech_real.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from _common import SPEECH_CASES

from gemlive_nb.audio import Audio
from gemlive_nb.emulator import asr
from gemlive_nb.emulator.speech_real import RealSpeech
from gemlive_nb.emulator.vad_silero import SileroVad

ASR_CASES = [
    ("slt", "what is the weather in Paris"),
    ("kal16", "please turn on the kitchen lights"),
    ("slt", "remind me to call my mother tomorrow"),
    ("kal16", "book a table for two people tonight"),
]


def timed(fn: Callable[[], object], repeats: int = 3) -> tuple[float, float]:
    """Best wall time and best thread CPU time of ``fn`` over ``repeats`` runs."""
    walls, cpus = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.thread_time()
        fn()
        cpus.append(time.thread_time() - c)
        walls.append(time.perf_counter() - w)
    return min(walls), min(cpus)


def bench_tts() -> float:
    print(f"{'TTS':8} {'voice':10} {'audio s':>8} {'ms':>8} {'RTF':>8} {'RTF cpu':>8}")
    worst = 0.0
    for code, voice, text in SPEECH_CASES:
        audio = RealSpeech().synthesize(text, voice, code)
        seconds = audio.size / 24000
        # a new backend per run: its cache is empty, so this is synthesis + resampling
        wall, cpu = timed(lambda c=code, v=voice, t=text: RealSpeech().synthesize(t, v, c))
        worst = max(worst, wall / seconds)
        print(f"{code:8} {voice:10} {seconds:8.2f} {wall * 1e3:8.1f} {wall / seconds:8.4f} "
              f"{cpu / seconds:8.4f}")  # fmt: skip
    return worst


def flite_audio(folder: Path, voice: str, text: str) -> Audio:
    path = folder / f"{voice}-{abs(hash(text))}.wav"
    subprocess.run(["flite", "-voice", voice, "-t", text, "-o", str(path)], check=True)
    return Audio.from_wav(path).resample(16000)


def bench_asr(folder: Path) -> float:
    speech = RealSpeech()
    asr.recognize(np.zeros(1600, np.int16))  # load one decoder (0.3 s, once per process)
    print(f"\n{'ASR':8} {'audio s':>8} {'ms':>8} {'RTF':>8} {'RTF cpu':>8}  heard")
    total_wall = total_cpu = total_s = 0.0
    for voice, text in ASR_CASES:
        audio = flite_audio(folder, voice, text)
        heard = speech.transcribe(audio.samples, "en-US")
        wall, cpu = timed(lambda x=audio.samples: speech.transcribe(x, "en-US"))
        total_wall, total_cpu, total_s = (
            total_wall + wall,
            total_cpu + cpu,
            total_s + audio.duration,
        )
        print(f"{voice:8} {audio.duration:8.2f} {wall * 1e3:8.1f} {wall / audio.duration:8.4f} "
              f"{cpu / audio.duration:8.4f}  {heard}")  # fmt: skip
    print(f"{'all':8} {total_s:8.2f} {total_wall * 1e3:8.1f} {total_wall / total_s:8.4f} "
          f"{total_cpu / total_s:8.4f}")  # fmt: skip
    return total_wall / total_s


def bench_vad(folder: Path) -> None:
    audio = flite_audio(folder, "slt", ASR_CASES[0][1])
    x = np.tile(audio.samples, 5)
    vad = SileroVad()

    def feed() -> None:
        vad.reset()
        for i in range(0, x.size, 320):
            vad.feed(x[i : i + 320])

    wall, _ = timed(feed)
    chunks = x.size // 320
    per_chunk_us = wall / chunks * 1e6
    print(f"\nSilero VAD: {per_chunk_us:.0f} µs per 20 ms chunk, RTF {wall / (x.size / 16000):.4f}")


def main() -> None:
    if shutil.which("flite") is None:
        sys.exit("bench_speech_real needs Debian's flite for ASR input: apt-get install -y flite")
    tts = bench_tts()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        stt = bench_asr(folder)
        bench_vad(folder)
    print(f"\nworst TTS RTF {tts:.4f}, ASR RTF {stt:.4f} (goal: both ≤ 0.3)")


if __name__ == "__main__":
    main()
