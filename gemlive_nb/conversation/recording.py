"""A session's timeline: events, input and output audio, turns, usage; export and reload.

Every :class:`~gemlive_nb.session.LiveSession` keeps one in ``session.recording``, read-only:
the session writes it through its private :class:`~.recorder.Recorder`. Times are
seconds since the session started (monotonic clock). Input audio (16 kHz) is placed where it
was sent: a streamed microphone chunk ends when it is sent (consecutive chunks are contiguous);
a whole clip sent at once (``ask(Audio)``) starts when it is sent, never overlapping earlier
input. Output audio (24 kHz) is placed where it would have played — a reply starts when its
first chunk arrives or when the previous reply ends, and an interrupted reply ends where
playback was cut.

Which turn each server event belongs to is decided by the turn model
(:mod:`gemlive_nb.conversation.model`, with its state diagram); a voice-activity detector over
the input (:mod:`gemlive_nb.conversation.vad`) dates the user's speech for latency and cues.
A frame that cannot be used (an undecodable or unresamplable audio chunk, a rate outside
8–48 kHz) becomes an ``{"type": "error"}`` event and is otherwise ignored. Reply audio kept
per turn is capped at ``max_reply_s`` (:data:`~.turn.MAX_REPLY_S`, 10 minutes) whatever
``record`` says; the excess is dropped and counted in ``turn.dropped_samples``.

The event log keeps every event except audio: audio chunks are summarised, at most one entry
per direction per second (``{"type": "audio"|"AudioChunk", "samples", "chunks"}``). ``record``
chooses what is kept: ``True`` everything; ``"transcript"`` transcripts, events and metrics but
no audio samples (a turn's reply audio stays on the Turn object that ``ask()`` returned; the
recording keeps a copy without samples once the turn completes); ``False`` only each turn's
metrics (no events, no words, no audio)::

    rec = s.recording
    rec.turns[0].output_transcript
    rec.save("run1")          # input.wav output.wav stereo.wav events.jsonl transcript.srt/.vtt
    gl.Recording.load("run1") == rec    # True
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .. import protocol as p
from ..audio import Audio, resample
from ..protocol import INPUT_RATE, OUTPUT_RATE
from . import cues as _cues
from . import store
from .events import check_record
from .table import turns_to_pandas
from .track import Track
from .turn import Turn

__all__ = ["Recording"]


class Recording:
    """The timeline of one session (see the module docstring); users only read it.

    ``events`` are dicts ``{"t", "dir": "recv"|"send"|"session", "type", ...fields}``;
    ``turns`` are :class:`Turn` objects; ``input``/``output`` give the audio tracks.
    ``meta`` describes the session (model, voice, endpoint description — never a key).
    ``record`` is True, ``"transcript"`` or False (see the module docstring). ``frames`` are
    the wire frames when kept (``connect(record_frames=True)``), else None.

    A :class:`~.recorder.Recorder` builds one (``Recorder(...).recording``), passing the turn
    model's ``turns`` and ``open_turns``; a loaded one (:meth:`load`) has its own.
    """

    def __init__(
        self,
        meta: dict[str, Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
        record: bool | str = True,
        *,
        turns: list[Turn] | None = None,
        open_turns: Sequence[Turn] | None = None,
    ) -> None:
        self.meta: dict[str, Any] = dict(meta or {})
        self.record = check_record(record)
        self._clock = clock
        self._t0 = clock()
        self.events: list[dict[str, Any]] = []
        self.input = Track(INPUT_RATE, keep=record is True)
        self.turns: list[Turn] = [] if turns is None else turns
        self._open = open_turns
        self.errors = 0  # server frames that could not be used
        self.frames: list[dict[str, Any]] | None = None  # the wire frames, when kept
        # the credentials the session may have put on the wire: save() writes none of them
        self.secrets: Callable[[], tuple[Any, ...]] = tuple

    def now(self) -> float:
        """Seconds since the recording started."""
        return round(self._clock() - self._t0, 6)

    @property
    def open_turns(self) -> list[Turn]:
        """Every turn not ended yet, oldest first."""
        if self._open is not None:
            return list(self._open)
        return [t for t in self.turns if t.state.is_open]

    @property
    def current_turn(self) -> Turn | None:
        """The oldest turn still waiting for (or receiving) its reply, if any."""
        if self._open is not None:
            return self._open[0] if self._open else None
        return next((t for t in self.turns if t.state.is_open), None)

    def cues(self) -> list[tuple[float, float, str, str]]:
        """Subtitle cues ``(start, end, speaker, text)`` for the user and the model."""
        return _cues.cues(self.turns)

    def srt(self) -> str:
        """The transcript as SubRip subtitles."""
        return _cues.srt(self.turns)

    def vtt(self) -> str:
        """The transcript as WebVTT subtitles."""
        return _cues.vtt(self.turns)

    @property
    def cost(self) -> float | None:
        """USD of every turn's usage at the default prices (None when none can be priced).

        The model is the session's (``meta["model"]``). Other prices:
        ``sum(my_prices.cost(t.usage, rec.meta["model"]) or 0 for t in rec.turns)``.
        """
        from ..evaluation.pricing import default_prices

        model = self.meta.get("model")
        costs = [default_prices().cost(t.usage, model) for t in self.turns]
        known = [c for c in costs if c is not None]
        return sum(known) if known else None

    @property
    def duration(self) -> float:
        """Seconds from the start to the end of the last recorded sound or event."""
        last = self.events[-1]["t"] if self.events else 0.0
        return max(last, self.input.duration, self._output_end_all() / OUTPUT_RATE)

    def _output_end_all(self) -> int:
        return max(
            (
                tr.output_offset + tr.heard_samples
                for tr in self.turns
                if tr.output_offset is not None
            ),
            default=0,
        )

    @property
    def output(self) -> Audio:
        """The model's audio as heard, 24 kHz, on the session timeline."""
        if self.record is not True:
            return Audio(np.zeros(0, np.int16), OUTPUT_RATE)
        out = np.zeros(self._output_end_all(), np.int16)
        for tr in self.turns:
            if tr.output_offset is not None:
                data = tr.audio.samples
                out[tr.output_offset : tr.output_offset + len(data)] = data
        return Audio(out, OUTPUT_RATE)

    @property
    def input_audio(self) -> Audio:
        """Everything the user sent, 16 kHz, on the session timeline."""
        return Audio(self.input.render(), INPUT_RATE)

    def stereo(self) -> np.ndarray:
        """``(n, 2)`` int16 at 24 kHz: user left, model right, aligned on the timeline."""
        left = resample(self.input.render(), INPUT_RATE, OUTPUT_RATE)
        right = self.output.samples
        n = max(len(left), len(right))
        out = np.zeros((n, 2), np.int16)
        out[: len(left), 0] = left
        out[: len(right), 1] = right
        return out

    @property
    def usage(self) -> p.Usage | None:
        """Token usage summed over the turns (None when the service sent none)."""
        usages = [t.usage for t in self.turns if t.usage is not None]
        return sum(usages[1:], usages[0]) if usages else None

    def usage_dict(self, dialect: str | None = None) -> dict[str, Any]:
        """Total usage in the wire shape of ``dialect`` ('google', 'vertex' or 'mixroute')."""
        total = self.usage
        return {} if total is None else total.to_dict(dialect)

    @property
    def metrics(self) -> list[dict[str, Any]]:
        """Per-turn metrics (see :attr:`Turn.metrics`), with the turn index."""
        return [{"turn": t.index, **t.metrics} for t in self.turns]

    def to_pandas(self) -> Any:
        """The turns as a pandas DataFrame, one row per turn with its metrics.

        Example::

            s.recording.to_pandas()[["user", "transcript", "latency_first_audio"]]
        """
        return turns_to_pandas(self.turns)

    def __repr__(self) -> str:
        return (
            f"<Recording {self.duration:.1f} s, {len(self.turns)} turns, "
            f"{len(self.events)} events, {self.input.sample_count / INPUT_RATE:.1f} s in, "
            f"{sum(t.audio_out_s for t in self.turns):.1f} s out>"
        )

    def _repr_html_(self) -> str:
        return "".join(t._repr_html_() for t in self.turns) or f"<pre>{self!r}</pre>"

    def __iter__(self) -> Iterable[Turn]:
        return iter(self.turns)

    def __len__(self) -> int:
        return len(self.turns)

    # --- files ------------------------------------------------------------------------------

    def save(self, directory: str | Path) -> Path:
        """Write the recording into ``directory`` (created if needed); returns its path.

        The files are input.wav, output.wav, stereo.wav, events.jsonl, transcript.srt,
        transcript.vtt and manifest.json. The WAV files are written only when the recording
        keeps audio (``record=True``).
        """
        return store.save(self, directory)

    @classmethod
    def load(cls, directory: str | Path) -> Recording:
        """Read a recording written by :meth:`save`.

        A missing directory or manifest raises FileNotFoundError; a damaged file raises
        GemliveError naming it.
        """
        rec = store.load(cls, directory)
        for turn in rec.turns:  # the session's model, for Turn.cost
            turn.model = rec.meta.get("model")
        return rec

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Recording):
            return NotImplemented
        return (
            self.meta == other.meta
            and self.events == other.events
            and self.turns == other.turns
            and np.array_equal(self.input.render(), other.input.render())
            and np.array_equal(self.output.samples, other.output.samples)
        )

    __hash__ = None  # type: ignore[assignment]
