"""Cell-level display helpers: plots of audio and sessions, and transcripts.

The plotting lives in :mod:`gemlive_nb.plots` (matplotlib, imported lazily) and the transcript
rendering in :mod:`gemlive_nb.transcript_view`; this module is the one place to import them from::

    from gemlive_nb.display import plot_waveform, show_transcript
    plot_waveform(turn.audio)
    show_transcript(session.recording)
"""

from __future__ import annotations

from .plots import plot_latency, plot_levels, plot_spectrogram, plot_waveform, waveform_svg
from .transcript_view import Transcript, show_transcript

__all__ = [
    "Transcript",
    "plot_latency",
    "plot_levels",
    "plot_spectrogram",
    "plot_waveform",
    "show_transcript",
    "waveform_svg",
]
