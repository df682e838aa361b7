"""When the user stopped speaking, for a spoken turn's latency: dated at its first reply audio.

A spoken turn is dated by the server's voice-activity end when it sent one, else by the last
stretch of speech a voice-activity detector found in the input since the previous spoken turn,
else by the end of the input; a typed turn or clip by when it was sent::

    dating = SpeechDating(lambda after, before: (1.0, 2.5))
    dating.first_audio(turn, t=3.1)     # turn.t_user_end == 2.5, turn.latency_source == "vad"
"""

from __future__ import annotations

from collections.abc import Callable

from .turn import Turn

__all__ = ["SpeechDating", "SpeechSpan"]

SpeechSpan = Callable[[float, float], "tuple[float, float] | None"]


class SpeechDating:
    """``speech_span(after, before)``: the last stretch of speech ending in ``(after, before]``."""

    def __init__(self, speech_span: SpeechSpan | None = None) -> None:
        self._speech_span = speech_span
        self._last_speech_end = 0.0  # end of the speech the previous spoken turn answered

    def first_audio(self, turn: Turn, t: float) -> None:
        """The first reply audio of ``turn`` arrived at ``t``: date the end of the user's speech."""
        turn.t_first_audio = t
        if turn.source == "speech" and turn.latency_source != "server_vad":
            span = self._speech_span(self._last_speech_end, t) if self._speech_span else None
            if span is not None:
                turn.t_user_start, turn.t_user_end = span
                turn.latency_source = "vad"
            else:
                turn.latency_source = "input_end"
        elif turn.latency_source is None:
            turn.latency_source = "send"
        if turn.source == "speech" and turn.t_user_end is not None:
            self._last_speech_end = turn.t_user_end
