"""Cell-level display helpers: plots of audio and sessions, and transcripts.

Import them from here. Example::

    from gemlive_nb.display import plot_waveform, show_transcript
    plot_waveform(turn.audio)
    show_transcript(session.recording)

What lives where: ``plots`` (matplotlib figures and the inline waveform SVG, matplotlib imported
lazily), ``provenance`` (the emulator/service label beside figures), ``spectrum`` (the STFT
behind spectrograms), ``timeline`` (who spoke when, as segments and markers) and
``transcript_view`` (a session's transcript as HTML and text).
"""

from __future__ import annotations

from .plots import plot_latency, plot_levels, plot_spectrogram, plot_waveform, waveform_svg
from .provenance import provenance
from .spectrum import stft_db
from .transcript_view import Transcript, show_transcript

__all__ = [
    "Transcript",
    "plot_latency",
    "plot_levels",
    "plot_spectrogram",
    "plot_waveform",
    "provenance",
    "show_transcript",
    "stft_db",
    "waveform_svg",
]
