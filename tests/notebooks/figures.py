"""The gallery's figures (``notebooks/images/gallery_*.png``), drawn offline and deterministically.

``make figures`` runs this file; ``test_figures.py`` draws them again into a temporary folder and
checks the committed images still match. They are drawn from the emulator's built-in voice
(deterministic synthesis, no session, no clock), so the same code gives the same pixels; figures
of timing would not, and stay in the executed notebooks. Every figure says which voice made it.

Usage: ``python tests/notebooks/figures.py [OUT_DIR]`` (default ``notebooks/images``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

import gemlive_nb as gl
from gemlive_nb.emulator.speech import get_speech

IMAGES = Path(__file__).resolve().parents[2] / "notebooks" / "images"
SENTENCE = "The quick brown fox jumps over the lazy dog."
DPI = 60  # small files: a gallery thumbnail, not a print
NOTE = "emulator's built-in voice (not Google's voices)"


def _speech(voice: str, text: str = SENTENCE) -> gl.Audio:
    return gl.Audio(get_speech("builtin").synthesize(text, voice=voice, language="en-US"), 24000)


def voices_figure() -> Figure:
    """Three voices, one sentence: spectrograms to 1.5 kHz, where pitch and harmonics show."""
    fig, axes = plt.subplots(1, 3, figsize=(11, 2.8), sharey=True, layout="constrained")
    for ax, voice in zip(axes, ("Charon", "Kore", "Puck"), strict=True):
        gl.plot_spectrogram(_speech(voice), ax=ax, nfft=2048, db_range=60)
        ax.images[0].colorbar.remove()
        ax.set_ylim(0, 1500)
        ax.set_title(f"{voice} ({gl.VOICES[voice].style})", loc="left", fontsize=10)
    fig.suptitle(f"One sentence, three voices — {NOTE}", fontsize=10)
    return fig


def reply_figure() -> Figure:
    """One reply as data: waveform, full-band spectrogram (the text channel shows), levels."""
    audio = _speech("Puck", "Sure. Let me tell you a little about the moon.")
    fig, axes = plt.subplots(1, 3, figsize=(11, 2.6), layout="constrained")
    gl.plot_waveform(audio, ax=axes[0])
    gl.plot_spectrogram(audio, ax=axes[1], db_range=60)
    gl.plot_levels(audio, ax=axes[2])
    axes[1].axhspan(5400, 7000, color="white", alpha=0.12)
    axes[1].set_title("spectrogram: text channel 5.4–7.0 kHz shaded", fontsize=9)
    fig.suptitle(f"A reply as data: waveform, spectrogram, level — {NOTE}", fontsize=10)
    return fig


FIGURES: dict[str, Callable[[], Figure]] = {
    "gallery_voices.png": voices_figure,
    "gallery_reply.png": reply_figure,
}


def draw(out: Path) -> list[Path]:
    """Draw every gallery figure into ``out``; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in FIGURES.items():
        fig = make()
        path = out / name
        # no metadata: the same pixels give the same file whatever the matplotlib version says
        fig.savefig(path, dpi=DPI, metadata={"Software": None})
        plt.close(fig)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in draw(Path(sys.argv[1]) if len(sys.argv) > 1 else IMAGES):
        print(f"{path} ({path.stat().st_size // 1024} KB)")
