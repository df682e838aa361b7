"""Speed of the emulator's built-in speech: synthesis, transcription and the energy VAD.

Prints real-time factors (processing time / audio time; lower is faster) and the VAD's cost per
20 ms microphone chunk, all measured side by side in one run.

    .venv/bin/python bench/bench_speech.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np

from gemlive_nb.audio import resample
from gemlive_nb.emulator.speech import BuiltinSpeech
from gemlive_nb.emulator.synth import Synthesizer
from gemlive_nb.emulator.vad import EnergyVad

CASES = [
    ("en-US", "Puck", "The weather in Paris is sunny today, with a light breeze from the west."),
    (
        "de-DE",
        "Kore",
        "Das Wetter in Berlin ist heute sonnig, mit einer leichten Brise aus Westen.",
    ),
    ("zh-CN", "Algenib", "今天巴黎天气晴朗，西风轻拂，最高气温二十二度。"),
    ("hi-IN", "Enceladus", "आज पेरिस में मौसम धूप वाला है, पश्चिम से हल्की हवा चल रही है।"),
    ("ja-JP", "Leda", "今日のパリは晴れで、西から穏やかな風が吹いています。"),
]


def best_of(fn: Callable[..., object], *args: object, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def fresh_render(text: str, voice: str, code: str) -> None:
    Synthesizer(cache_size=1).render(text, voice, code)  # a new cache: nothing is reused


def measure(speech: BuiltinSpeech, code: str, voice: str, text: str) -> tuple[float, float]:
    synth_s = best_of(fresh_render, text, voice, code)
    audio = speech.synthesize(text, voice, code)
    cached_s = best_of(speech.synthesize, text, voice, code, repeats=50)
    mic = resample(audio, 24000, 16000)
    read_s = best_of(speech.transcribe, mic, code)
    heard = speech.transcribe(mic, code)
    assert heard == text, (code, heard)
    seconds = audio.size / 24000
    print(f"{code:8} {voice:10} {seconds:8.2f} {synth_s * 1e3:9.1f} {synth_s / seconds:10.4f} "
          f"{cached_s * 1e6:10.1f} {read_s * 1e3:8.1f} {read_s / seconds:9.4f}")  # fmt: skip
    return synth_s / seconds, read_s / seconds


def main() -> None:
    speech = BuiltinSpeech()
    print(f"{'language':8} {'voice':10} {'audio s':>8} {'synth ms':>9} {'synth RTF':>10} "
          f"{'cached us':>10} {'read ms':>8} {'read RTF':>9}")  # fmt: skip
    rtfs = [measure(speech, *case) for case in CASES]
    synth_rtf = statistics.median(r[0] for r in rtfs)
    read_rtf = statistics.median(r[1] for r in rtfs)
    print(f"median synthesis RTF {synth_rtf:.4f} ({1 / synth_rtf:.0f}x real time); "
          f"median transcription RTF {read_rtf:.4f}")  # fmt: skip

    rng = np.random.default_rng(0)
    chunk = (rng.standard_normal(320) * 300).astype(np.int16)
    speechy = resample(speech.synthesize(CASES[0][2], "Puck", "en-US"), 24000, 16000)
    chunks = [speechy[i : i + 320] for i in range(0, speechy.size - 320, 320)]
    for label, feed in (("noise", [chunk] * 5000), ("speech", chunks * (5000 // len(chunks)))):
        vad = EnergyVad()
        start = time.perf_counter()
        for c in feed:
            vad.feed(c)
        per_chunk = (time.perf_counter() - start) / len(feed)
        print(f"EnergyVad on 20 ms {label} chunks: {per_chunk * 1e6:.1f} us per chunk "
              f"({per_chunk / 0.020 * 100:.3f} % of real time)")  # fmt: skip


if __name__ == "__main__":
    main()
