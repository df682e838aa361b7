"""Speed of the emulator's built-in speech: synthesis, transcription and the energy VAD.

Prints real-time factors (processing time / audio time; lower is faster) and the VAD's cost per
20 ms microphone chunk, all measured side by side in one run.

    .venv/bin/python bench/bench_speech.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np
from _common import SPEECH_CASES, best_of

from gemlive_nb.audio import resample
from gemlive_nb.emulator.speech import BuiltinSpeech
from gemlive_nb.emulator.synth import Synthesizer
from gemlive_nb.emulator.vad import EnergyVad


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
    rtfs = [measure(speech, *case) for case in SPEECH_CASES]
    synth_rtf = statistics.median(r[0] for r in rtfs)
    read_rtf = statistics.median(r[1] for r in rtfs)
    print(f"median synthesis RTF {synth_rtf:.4f} ({1 / synth_rtf:.0f}x real time); "
          f"median transcription RTF {read_rtf:.4f}")  # fmt: skip

    rng = np.random.default_rng(0)
    chunk = (rng.standard_normal(320) * 300).astype(np.int16)
    speechy = resample(speech.synthesize(SPEECH_CASES[0][2], "Puck", "en-US"), 24000, 16000)
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
