"""Spectrogram of 10 minutes of 24 kHz audio: gemlive_nb vs matplotlib's ``specgram``.

Both draw into an Agg axes of the same size with the same FFT size and overlap, and the figure
is rendered, so each number is "compute + draw". Prints the times and the ratio (goal ≤ 0.5×).

Run: ``.venv/bin/python bench/bench_spectrogram.py``
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from _common import best_of

from gemlive_nb.audio import Audio
from gemlive_nb.display.plots import plot_spectrogram
from gemlive_nb.display.spectrum import stft_db

RATE = 24_000
SECONDS = 600
NFFT = 512
REPEATS = 3


def make_audio() -> Audio:
    rng = np.random.default_rng(0)
    t = np.arange(RATE * SECONDS, dtype=np.float32) / RATE
    sweep = np.sin(2 * np.pi * (200 + 20 * t) * t)  # a slow chirp over noise
    x = 0.3 * sweep + 0.05 * rng.standard_normal(len(t), dtype=np.float32)
    return Audio(x, RATE)


def ours(audio: Audio) -> None:
    fig, ax = plt.subplots(figsize=(9, 3), dpi=100)
    plot_spectrogram(audio, ax=ax, nfft=NFFT)
    fig.canvas.draw()
    plt.close(fig)


def theirs(audio: Audio) -> None:
    fig, ax = plt.subplots(figsize=(9, 3), dpi=100)
    ax.specgram(audio.to_float(), NFFT=NFFT, Fs=RATE, noverlap=NFFT // 2)
    fig.canvas.draw()
    plt.close(fig)


def main() -> None:
    audio = make_audio()
    compute = best_of(lambda: stft_db(audio.samples, RATE, nfft=NFFT), repeats=REPEATS)
    pooled = best_of(
        lambda: stft_db(audio.samples, RATE, nfft=NFFT, max_columns=1400), repeats=REPEATS
    )
    a = best_of(lambda: ours(audio), repeats=REPEATS)
    b = best_of(lambda: theirs(audio), repeats=REPEATS)
    print(f"audio: {SECONDS} s at {RATE} Hz, nfft={NFFT}, hop={NFFT // 2} (best of {REPEATS})")
    print(f"gemlive_nb stft_db (all {len(audio.samples) // (NFFT // 2)} frames): {compute:.3f} s")
    print(f"gemlive_nb stft_db pooled to 1400 columns:        {pooled:.3f} s")
    print(f"gemlive_nb plot_spectrogram + draw:              {a:.3f} s")
    print(f"matplotlib specgram + draw:                      {b:.3f} s")
    print(f"ratio plot_spectrogram / specgram: {a / b:.2f}x (goal <= 0.5x)")


if __name__ == "__main__":
    main()
