"""Track: mono audio placed on a timeline (segments of int16 samples at sample offsets)."""

from __future__ import annotations

import numpy as np

__all__ = ["Track"]

# Chunks sent this close after the previous one ends are joined (timer jitter is not silence).
_JOIN_S = 0.05


class Track:
    """Mono audio placed on a timeline: segments of int16 samples at sample offsets.

    A chunk that starts within 50 ms of the previous one's end is joined to it, so timer jitter
    does not open gaps; a later chunk starts a new segment (the gap is silence)::

        t = Track(16000); t.add(np.ones(160, np.int16), at=0.0); t.add(..., at=2.0)
        t.render()        # silence between the two
    """

    def __init__(self, rate: int, keep: bool = True) -> None:
        self.rate = rate
        self.keep = keep  # False: only the placement is tracked, no samples are stored
        self.segments: list[tuple[int, list[np.ndarray]]] = []
        self.end = 0  # one past the last sample

    def add(self, samples: np.ndarray, at: float) -> int:
        """Place ``samples`` starting at ``at`` seconds; returns the start offset in samples.

        A chunk that would start before the previous one ends goes right after it.
        """
        start = max(round(at * self.rate), self.end)
        if self.end and start <= self.end + _JOIN_S * self.rate:
            start = self.end
            if self.keep and self.segments:
                self.segments[-1][1].append(samples)
        if self.keep and (not self.segments or start != self.end):
            self.segments.append((start, [samples]))
        self.end = start + len(samples)
        return start

    @property
    def duration(self) -> float:
        """Seconds from the start of the timeline to the end of the last chunk."""
        return self.end / self.rate

    @property
    def sample_count(self) -> int:
        """Samples actually recorded (gaps excluded)."""
        return sum(len(c) for _, chunks in self.segments for c in chunks)

    def render(self, length: int | None = None) -> np.ndarray:
        """The whole track as one int16 array (silence in the gaps), padded to ``length``.

        Empty when the track keeps no samples.
        """
        if not self.keep:
            return np.zeros(0, np.int16)
        out = np.zeros(max(self.end, length or 0), np.int16)
        for start, chunks in self.segments:
            data = chunks[0] if len(chunks) == 1 else np.concatenate(chunks)
            out[start : start + len(data)] = data
        return out

    @classmethod
    def from_samples(cls, samples: np.ndarray, rate: int) -> Track:
        """A track holding ``samples`` from time 0."""
        track = cls(rate)
        if len(samples):
            track.segments.append((0, [np.asarray(samples, np.int16)]))
            track.end = len(samples)
        return track
