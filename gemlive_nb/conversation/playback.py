"""Where the listener is in the model's reply audio, and reply chunks as 24 kHz samples.

The player (a browser widget, or nobody) is fed every reply sample in order: one stream.
:class:`Playback` keeps where each reply starts in that stream, how much was delivered and
what the player reported as played, so an interruption cuts a reply at the sample heard.
Reply chunks at another rate are resampled; rates outside 8–48 kHz are refused before any
work (resampling from 3 Hz would cost 8000x the samples)::

    pb = Playback()
    samples = pb.samples(chunk)       # AudioError for rate=3
    pb.started(turn); pb.delivered(len(samples))
    kept = pb.cut(turn, t)            # samples of the reply heard
"""

from __future__ import annotations

import numpy as np

from .. import protocol as p
from ..audio import StreamResamplers
from ..exceptions import AudioError
from ..protocol import OUTPUT_RATE
from .turn import Turn

__all__ = ["MAX_RATE", "MIN_RATE", "Playback"]

MIN_RATE, MAX_RATE = 8000, 48000
_KEEP_STARTS = 8  # replies whose start is remembered after they ended (a late cut)


class Playback:
    """See the module docstring."""

    def __init__(self) -> None:
        self.played: int | None = None  # cumulative samples the player reported
        self.stream_pos = 0  # cumulative reply samples delivered to the player
        self.stream_start: dict[int, int] = {}  # turn index -> where its reply starts
        self._resamplers = StreamResamplers(OUTPUT_RATE)

    def report(self, played_samples: int) -> None:
        """The player has played this many reply samples since the session started."""
        if played_samples >= 0:
            self.played = int(played_samples)

    def samples(self, event: p.AudioChunk) -> np.ndarray:
        """The chunk at 24 kHz; AudioError naming the rate when it is outside 8–48 kHz."""
        rate = event.rate
        if rate == OUTPUT_RATE:  # as the service sends it: the bytes as they are
            return np.frombuffer(event.data, "<i2", count=len(event.data) // 2)
        if not MIN_RATE <= rate <= MAX_RATE:
            raise AudioError(
                f"reply audio at rate={rate} ignored: rates from {MIN_RATE} to {MAX_RATE} Hz "
                "are accepted"
            )
        return self._resamplers.process(event.samples, rate)

    def started(self, turn: Turn) -> None:
        """``turn``'s reply starts at the current stream position."""
        self.stream_start[turn.index] = self.stream_pos

    def delivered(self, n: int) -> None:
        """``n`` more reply samples went to the player."""
        self.stream_pos += n

    def cut(self, turn: Turn, t: float) -> int:
        """How many samples of ``turn``'s reply were heard when it was cut at ``t``.

        What was delivered after that was flushed by the player and never counts as played.
        """
        start = self.stream_start.get(turn.index)
        if start is None:  # nothing was said yet
            return 0
        kept = turn.received_samples - turn.dropped_samples
        if self.played is not None:
            kept = min(max(self.played - start, 0), kept)
        elif turn.status != "pending" and turn.output_offset is not None:
            # an ended reply cut while playing: heard up to now on the timeline
            kept = min(max(round(t * OUTPUT_RATE) - turn.output_offset, 0), kept)
        self.stream_pos = start + kept
        return kept

    def still_playing(self, turns: list[Turn], current: Turn | None, t: float) -> Turn | None:
        """The last ended turn with reply audio, if that audio still plays at ``t``."""
        for turn in reversed(turns):
            if turn is current or turn.status == "pending" or turn.output_offset is None:
                continue
            if self.played is not None:
                playing = self.played < self.stream_start.get(turn.index, 0) + turn.heard_samples
            else:
                playing = round(t * OUTPUT_RATE) < turn.output_offset + turn.heard_samples
            return turn if playing else None
        return None

    def ended(self, turn: Turn) -> None:
        """``turn`` ended: forget the starts of replies long past."""
        for old in [i for i in self.stream_start if i < turn.index - _KEEP_STARTS]:
            del self.stream_start[old]

    def forget(self, turn: Turn) -> None:
        """``turn`` is asked again: its partial reply stays counted as delivered."""
        self.stream_start.pop(turn.index, None)
