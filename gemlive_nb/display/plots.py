"""Waveform, spectrogram, level and latency plots for an Audio, a Turn or a whole Recording.

Each function takes ``ax=None`` (a new figure is made) and returns the matplotlib Axes.
matplotlib is imported inside the functions, so ``import gemlive_nb`` stays light::

    import gemlive_nb as gl
    gl.plot_waveform(turn.audio)           # one Audio
    gl.plot_spectrogram(turn)              # a Turn: its reply audio
    gl.plot_waveform(session.recording)    # user and model on one time axis, with event markers
    gl.plot_latency(session.recording)     # per turn: end of speech → first audio → complete
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..audio import resample
from ..exceptions import AudioError
from .provenance import SIMULATED_LABEL, is_simulated
from .spectrum import stft_db, to_float32
from .timeline import Marker, Segment, as_segment, timeline

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_latency", "plot_levels", "plot_spectrogram", "plot_waveform", "waveform_svg"]

USER_COLOR = "#1f77b4"
MODEL_COLOR = "#ff7f0e"
_MARKER_STYLE = {
    "vad_start": ("#2ca02c", "--"),
    "vad_end": ("#2ca02c", ":"),
    "interrupted": ("#d62728", "-"),
    "tool_call": ("#9467bd", "-."),
}
DB_FLOOR = -80.0


def _axes(ax: Axes | None, figsize: tuple[float, float] = (9, 2.6)) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _pixel_width(ax: Axes) -> int:
    """The axes' width in device pixels (at least 100), to size decimation."""
    return max(100, int(ax.get_window_extent().width))


def _envelope(x: np.ndarray, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """Sample positions and values of a min/max envelope with ``buckets`` pairs.

    One zigzag line of 2×buckets points looks like the full waveform at screen resolution and
    draws in milliseconds even for an hour of audio.
    """
    if len(x) <= 2 * buckets:
        return np.arange(len(x), dtype=np.float64), x
    size = len(x) // buckets
    body = x[: size * buckets].reshape(buckets, size)
    pairs = np.stack([body.min(axis=1), body.max(axis=1)], axis=1).ravel()
    pos = (np.arange(buckets)[:, None] * size + np.array([0, size // 2])).ravel()
    return pos.astype(np.float64), pairs


def _segments(x: Any, rate: int | None) -> tuple[list[Segment], list[Marker], float]:
    """The audio pieces to draw (with their start times), markers and the total duration."""
    if hasattr(x, "turns"):
        tl = timeline(x)
        return tl.segments, tl.markers, max(tl.duration, float(getattr(x, "duration", 0.0)))
    seg = as_segment(x, rate)
    return [seg], [], seg.duration


def _draw_markers(ax: Axes, markers: list[Marker]) -> None:
    seen: set[str] = set()
    for m in markers:
        color, style = _MARKER_STYLE.get(m.kind, ("0.4", ":"))
        label = m.kind.replace("_", " ") if m.kind not in seen else None
        seen.add(m.kind)
        ax.axvline(m.t, color=color, linestyle=style, linewidth=1, label=label)
        if m.label:
            ax.annotate(
                m.label, (m.t, 1), xycoords=("data", "axes fraction"), fontsize=7,
                rotation=90, va="top", ha="right", color=color,
            )  # fmt: skip


def _plot_speakers(
    ax: Axes,
    segments: list[Segment],
    trace: Callable[[Segment], tuple[np.ndarray, np.ndarray]],
    linewidth: float,
) -> None:
    """One line per speaker through ``trace(segment)`` of each of its segments, gaps between."""
    for speaker, color in (("user", USER_COLOR), ("model", MODEL_COLOR)):
        pieces = [s for s in segments if s.speaker == speaker]
        if not pieces:
            continue
        xs: list[Any] = []
        ys: list[Any] = []
        for seg in pieces:
            x, y = trace(seg)
            xs += [x, [np.nan]]
            ys += [y, [np.nan]]
        ax.plot(
            np.concatenate(xs), np.concatenate(ys), color=color, linewidth=linewidth, label=speaker
        )


def plot_waveform(x: Any, ax: Axes | None = None, *, rate: int | None = None) -> Axes:
    """Plot amplitude over time: one line per speaker, x from 0 to the duration in seconds.

    ``x`` is an Audio, a Turn (its reply), a Recording (user and model turns on one time axis,
    with VAD, interruption and tool-call markers) or a 1-D array with ``rate``. Example::

        ax = gl.plot_waveform(gl.Audio(samples, 24000))
        ax.get_xlim()    # (0.0, duration)
    """
    ax = _axes(ax)
    segments, markers, duration = _segments(x, rate)
    buckets = _pixel_width(ax)

    def trace(seg: Segment) -> tuple[np.ndarray, np.ndarray]:
        share = max(8, int(buckets * seg.duration / max(duration, 1e-9)))
        pos, val = _envelope(seg.samples, share)
        return seg.start + pos / seg.rate, val

    _plot_speakers(ax, segments, trace, linewidth=0.6)
    _draw_markers(ax, markers)
    ax.set_xlim(0.0, duration if duration > 0 else 1.0)
    ax.set_ylim(-1.0, 1.0)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("amplitude")
    if len(segments) > 1 or markers:
        ax.legend(loc="upper right", fontsize=7)
    return ax


def _mix(segments: list[Segment], duration: float) -> tuple[np.ndarray, int]:
    """All segments on one timeline at the highest rate (for one spectrogram or level curve)."""
    if len(segments) == 1 and segments[0].start == 0:
        return segments[0].samples, segments[0].rate
    rate = max(s.rate for s in segments)
    out = np.zeros(round(duration * rate), dtype=np.float32)
    for seg in segments:
        pcm = seg.pcm16 if seg.rate == rate else resample(seg.pcm16, seg.rate, rate)
        samples = to_float32(pcm)
        i = round(seg.start * rate)
        n = max(0, min(len(samples), len(out) - i))
        out[i : i + n] += samples[:n]
    return out, rate


def plot_spectrogram(
    x: Any,
    ax: Axes | None = None,
    *,
    rate: int | None = None,
    nfft: int = 512,
    hop: int | None = None,
    db_range: float = 80.0,
    cmap: str = "magma",
) -> Axes:
    """Plot a spectrogram (numpy STFT; columns pooled to the axes' pixel width).

    The image spans x = 0…duration s and y = 0…rate/2 Hz; colours cover ``db_range`` dB below
    the loudest cell. A Recording shows user and model on one time axis. Example::

        ax = gl.plot_spectrogram(turn.audio)
        ax.images[0].get_array().shape    # (nfft // 2 + 1, ≤ 2 × axes width in pixels)
    """
    ax = _axes(ax)
    segments, markers, duration = _segments(x, rate)
    samples, sr = _mix(segments, duration)
    spec = stft_db(samples, sr, nfft=nfft, hop=hop, max_columns=2 * _pixel_width(ax))
    top = float(spec.db.max()) if spec.db.size else 0.0
    image = ax.imshow(
        spec.db, origin="lower", aspect="auto", cmap=cmap, interpolation="nearest",
        extent=(0.0, duration, 0.0, sr / 2), vmin=top - db_range, vmax=top,
    )  # fmt: skip
    _draw_markers(ax, markers)
    ax.set_xlim(0.0, duration if duration > 0 else 1.0)
    ax.set_ylim(0.0, sr / 2)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("frequency (Hz)")
    ax.figure.colorbar(image, ax=ax, label="dB", pad=0.01)
    return ax


def plot_levels(
    x: Any, ax: Axes | None = None, *, rate: int | None = None, window_ms: float = 50.0
) -> Axes:
    """Plot the RMS level in dBFS per window: one line per speaker, y from -80 to 0 dB.

    Example::

        ax = gl.plot_levels(turn.audio, window_ms=20)
        ax.get_ylim()    # (-80.0, 0.0)
    """
    from ..audio import levels

    ax = _axes(ax)
    segments, markers, duration = _segments(x, rate)

    def trace(seg: Segment) -> tuple[np.ndarray, np.ndarray]:
        db = np.maximum(levels(seg.pcm16, seg.rate, window_ms), DB_FLOOR)
        step = max(1, round(seg.rate * window_ms / 1000)) / seg.rate
        return seg.start + (np.arange(len(db)) + 0.5) * step, db

    _plot_speakers(ax, segments, trace, linewidth=1)
    _draw_markers(ax, markers)
    ax.set_xlim(0.0, duration if duration > 0 else 1.0)
    ax.set_ylim(DB_FLOOR, 0.0)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("level (dBFS)")
    if len(segments) > 1 or markers:
        ax.legend(loc="upper right", fontsize=7)
    return ax


def plot_latency(recording: Any, ax: Axes | None = None) -> Axes:
    """A per-turn latency waterfall: end of user speech → first audio → turn complete.

    One row per turn (first turn on top); x is seconds after the end of the user's turn.
    Each row has two bars, "waiting" (to first audio) and "streaming" (to turn complete),
    labelled in milliseconds. A recording made on an emulator says so in the x label
    (:func:`~gemlive_nb.display.provenance.provenance`). Example::

        ax = gl.plot_latency(session.recording)
        len(ax.patches)    # 2 per timed turn
    """
    turns = list(getattr(recording, "turns", [recording]))
    ax = _axes(ax, figsize=(8, 0.5 + 0.45 * max(1, len(turns))))
    rows: list[tuple[Any, Any, Any]] = []
    for turn in turns:
        m = getattr(turn, "metrics", None) or {}
        first, complete = m.get("latency_first_audio"), m.get("latency_complete")
        if first is None and complete is None:
            continue
        rows.append((getattr(turn, "index", len(rows)), first, complete))
    labels = []
    for y, (index, first, complete) in enumerate(rows):
        labels.append(f"turn {index}")
        if first is not None:
            ax.barh(y, first, color="#8c8c8c", label="waiting" if y == 0 else None)
        if complete is not None:
            start = first or 0.0
            ax.barh(y, complete - start, left=start, color=MODEL_COLOR,
                    label="streaming" if y == 0 else None)  # fmt: skip
        # one label right of the bar, so short bars never make labels collide
        text = " · ".join(
            f"{name} {v * 1000:.0f} ms"
            for name, v in (("first audio", first), ("complete", complete))
            if v is not None
        )
        ax.annotate(f" {text}", (max(first or 0.0, complete or 0.0), y), fontsize=7, va="center")
    ax.set_yticks(range(len(rows)), labels)
    ax.invert_yaxis()
    longest = max((c or f or 0.0 for _, f, c in rows), default=1.0)
    ax.set_xlim(0.0, longest * 1.5 or 1.0)  # room for the labels
    ax.set_xlabel("seconds after end of user turn")
    if isinstance(getattr(recording, "meta", None), dict) and is_simulated(recording):
        # localhost figures are not the service's: the axis says so wherever the plot is shown
        ax.set_xlabel(f"seconds after end of user turn · {SIMULATED_LABEL}")
    if rows:
        ax.legend(loc="best", fontsize=7)
    return ax


def waveform_svg(x: Any, *, rate: int | None = None, width: int = 160, height: int = 32) -> str:
    """A small inline SVG of the waveform envelope (no matplotlib), for tables.

    Example::

        html = gl.plots.waveform_svg(turn.audio)   # '<svg ...><path .../></svg>'
    """
    try:
        seg = as_segment(x, rate)
    except AudioError:
        return ""
    mid = height / 2
    if len(seg.samples) == 0:
        peaks = np.zeros(width, dtype=np.float32)
    else:
        padded = np.pad(np.abs(seg.samples), (0, -len(seg.samples) % width))
        peaks = padded.reshape(width, -1).max(axis=1)
    ys = np.clip(peaks, 0, 1) * (mid - 1)
    top = " ".join(f"{i},{mid - y:.1f}" for i, y in enumerate(ys))
    bottom = " ".join(f"{i},{mid + y:.1f}" for i, y in reversed(list(enumerate(ys))))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="waveform">'
        f'<polygon points="{top} {bottom}" fill="{MODEL_COLOR}"/></svg>'
    )
