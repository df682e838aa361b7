"""One conversation turn: what the user sent, what the model answered, and how fast.

A :class:`Turn` is what ``await session.ask(...)`` returns and what ``session.recording.turns``
holds. Times are seconds since the session started (monotonic clock)::

    turn = await s.ask("What's the weather in Paris?")
    turn.output_transcript            # 'It is sunny in Paris.'
    turn.audio                        # Audio (24 kHz) with a player in a notebook
    turn.metrics["latency_first_audio"]   # s from the end of the user's speech (or the send)
    turn.status               # 'answered' | 'interrupted' | 'no_reply' | 'failed' | 'pending'
    turn.state                # the same, with 'answering' and 'interrupting' while it is open
    turn.transcript                   # the words heard (after a barge-in: up to the cut)

Which server event belongs to which turn is decided by :mod:`gemlive_nb.conversation.model`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._plain import json_safe
from ..audio import Audio
from ..protocol import OUTPUT_RATE, FunctionCall, Usage
from .reply_words import reply_words
from .state import OPEN_STATES, TurnState
from .turn_html import turn_html

__all__ = ["MAX_REPLY_S", "Turn", "TurnState"]

# Reply audio kept per turn, whatever record= says: 10 minutes (28.8 MB); the rest is dropped
# and counted in ``dropped_samples`` (an endless reply must not grow memory without bound).
MAX_REPLY_S = 600.0

# Fields saved in the manifest, in order; audio travels in the WAV files.
_SCALARS = (
    "index",
    "user_text",
    "input_transcript",
    "output_transcript",
    "text",
    "audio_in_s",
    "tool_calls",
    "tool_results",
    "grounding",
    "interrupted",
    "cut_sample",
    "received_samples",
    "complete",
    "retries",
    "t_user_start",
    "t_user_end",
    "t_first_audio",
    "t_turn_complete",
    "output_offset",
    "status",
    "source",
    "heard_transcript",
    "latency_source",
    "dropped_samples",
    "error",
    "pieces",
)


def _sub(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a - b, 6)


@dataclass(eq=False)
class Turn:
    """One exchange: the user's input and the model's reply.

    ``audio`` is the reply as heard: when the user interrupted, it ends at ``cut_sample``
    (``interrupted`` is True and ``received_samples`` says how much had arrived).
    ``tool_calls``/``tool_results`` are plain dicts (``id``, ``name``, ``args``/``response``).
    ``output_offset`` is where the reply starts in the recording's output track (samples).

    ``state`` (:class:`TurnState`) is where the turn is in the turn model; ``status`` is the
    same with the open states shown as ``"pending"``: ``"pending"`` until it ends, then
    ``"answered"``, ``"interrupted"`` (the user barged in), ``"no_reply"`` (the model said
    nothing: silence, no speech, or it chose not to answer) or ``"failed"`` (``error`` says why).
    ``source`` is how the user spoke: ``"typed"``, ``"clip"`` (``ask(Audio)``) or ``"speech"``
    (streamed microphone audio).
    ``transcript`` holds the words heard, ``transcript_full`` everything the model said.
    ``pieces`` keeps each transcript piece as it arrived, for the captions
    (:mod:`~gemlive_nb.conversation.cues`): ``side`` ("user"/"model"), ``kind``
    ("transcript"/"text"), ``at`` (model: reply samples received before it; user: seconds on the
    recording's clock), ``text``, ``speaker`` (the diarization label, or None) and ``words``
    (``[word, start_s, end_s]`` when the service timed them).
    """

    index: int
    user_text: str | None = None
    input_transcript: str = ""
    output_transcript: str = ""
    text: str = ""
    audio_in_s: float = 0.0
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    tool_results: list[dict[str, Any]] = field(default_factory=list)
    grounding: list[dict[str, Any]] = field(default_factory=list)
    usage: Usage | None = None
    interrupted: bool = False
    cut_sample: int | None = None
    received_samples: int = 0
    complete: bool = False
    retries: int = 0
    t_user_start: float | None = None
    t_user_end: float | None = None
    t_first_audio: float | None = None
    t_turn_complete: float | None = None
    output_offset: int | None = None
    state: TurnState = TurnState.PENDING
    source: str = "typed"
    heard_transcript: str | None = None
    latency_source: str | None = None
    dropped_samples: int = 0
    error: str | None = None
    pieces: list[dict[str, Any]] = field(default_factory=list)
    awaiting_tool_reply: bool = field(default=False, repr=False)
    _chunks: list[np.ndarray] = field(default_factory=list, repr=False)
    _audio: Audio | None = field(default=None, repr=False)
    _dropped: int | None = field(default=None, repr=False)
    _kept: int = field(default=0, repr=False)  # samples in _chunks
    # (reply samples received before it, text) for each output-transcript piece / text part
    _pieces: list[tuple[int, str]] = field(default_factory=list, repr=False)
    _text_pieces: list[tuple[int, str]] = field(default_factory=list, repr=False)
    max_reply_samples: int = field(default=round(MAX_REPLY_S * OUTPUT_RATE), repr=False)
    model: str | None = field(default=None, repr=False)  # the session's model, for the cost

    # --- building (used by Recording) ---------------------------------------------------------

    def add_audio(self, samples: np.ndarray) -> None:
        """Append reply samples (24 kHz int16).

        Samples past ``max_reply_samples`` are dropped and counted in ``dropped_samples``.
        """
        n = len(samples)
        room = max(0, self.max_reply_samples - (self.received_samples - self.dropped_samples))
        self.received_samples += n
        if n and self.state is TurnState.PENDING:
            self.state = TurnState.ANSWERING  # the first reply output
        if n > room:
            self.dropped_samples += n - room
            samples = samples[:room]
        if len(samples):
            self._chunks.append(samples)
            self._kept += len(samples)
            self._audio = None

    def add_transcript(self, text: str) -> None:
        """Append an output-transcript piece, remembering how much audio had arrived before it."""
        self._pieces.append((self.received_samples, text))
        self.output_transcript += text
        if text:
            self._answering()

    def add_text(self, text: str) -> None:
        """Append a text part of the reply (not a thought), remembering where it arrived."""
        self._text_pieces.append((self.received_samples, text))
        self.text += text
        if text:
            self._answering()

    def add_tool_calls(self, calls: Iterable[FunctionCall]) -> None:
        """Append the model's tool calls, as plain dicts (``id``, ``name``, ``args``)."""
        n = len(self.tool_calls)
        self.tool_calls.extend(
            {"id": c.id, "name": c.name, "args": json_safe(c.args, bytes_as="size")} for c in calls
        )
        if len(self.tool_calls) > n:
            self._answering()

    def _answering(self) -> None:
        if self.state is TurnState.PENDING:  # PENDING → ANSWERING: the first reply output
            self.state = TurnState.ANSWERING

    def note_piece(
        self,
        side: str,
        text: str,
        *,
        at: float,
        kind: str = "transcript",
        speaker: str | None = None,
        words: Any = (),
    ) -> None:
        """Remember one transcript piece as it arrived (``pieces``; the captions time from it)."""
        timed = [[w.word, w.start, w.end] for w in words if w.start is not None]
        piece = {"side": side, "kind": kind, "at": at, "text": text, "speaker": speaker}
        self.pieces.append({**piece, "words": timed})

    @property
    def speakers(self) -> list[str]:
        """The diarization labels heard in this turn, in order of first appearance."""
        return list(dict.fromkeys(p["speaker"] for p in self.pieces if p.get("speaker")))

    def cut(self, at: int) -> None:
        """Keep only the first ``at`` samples of the reply (what was heard).

        The transcript heard becomes the pieces that arrived before the audio that was cut (an
        estimate of the words heard): output-transcript pieces, or text parts when the reply has
        no transcription (the rule of :mod:`.reply_words`).
        """
        samples = self.audio.samples[: max(0, at)]
        self._chunks = [samples] if len(samples) else []
        self._kept = self.cut_sample = len(samples)
        self._audio = None
        pieces = self._pieces if self._pieces else self._text_pieces
        self.heard_transcript = "".join(text for before, text in pieces if before < at)

    def reset_reply(self) -> None:
        """Forget a partial reply (the turn is being asked again after a reconnect)."""
        self._chunks = []
        self._kept = 0
        self._audio = None
        self.received_samples = 0
        self.output_transcript = ""
        self._pieces = []
        self._text_pieces = []
        self.pieces = [p for p in self.pieces if p["side"] != "model"]
        self.dropped_samples = 0
        self.text = ""
        self.t_first_audio = None
        self.output_offset = None
        self.tool_calls = []
        self.tool_results = []
        self.awaiting_tool_reply = False
        if self.state is TurnState.ANSWERING:
            self.state = TurnState.PENDING

    def without_audio(self, keep_text: bool = True) -> Turn:
        """A copy that keeps the metrics (and the words, with ``keep_text``) but no samples.

        Used by recordings that do not keep audio (``record="transcript"`` or ``False``).
        """
        out = copy.copy(self)
        out._dropped, out._chunks, out._audio = self.heard_samples, [], None
        if not keep_text:
            out.user_text = None
            out.input_transcript = out.output_transcript = out.text = ""
            out.heard_transcript = None if self.heard_transcript is None else ""
            out.tool_calls, out.tool_results, out._pieces = [], [], []
            out._text_pieces, out.pieces = [], []
        return out

    # --- reading ------------------------------------------------------------------------------

    @property
    def status(self) -> TurnState:
        """``state`` as users see it: ``"pending"`` while open, else how the turn ended."""
        return self.state if self.state not in OPEN_STATES else TurnState.PENDING

    @property
    def audio(self) -> Audio:
        """The reply as heard, 24 kHz mono."""
        if self._audio is None:
            if len(self._chunks) == 1:
                samples = self._chunks[0]
            elif self._chunks:
                samples = np.concatenate(self._chunks)
            else:
                samples = np.zeros(0, np.int16)
            self._chunks = [samples] if len(samples) else []
            self._audio = Audio(samples, OUTPUT_RATE)
        return self._audio

    @property
    def has_output(self) -> bool:
        """True once any reply output arrived: audio, words, text or a tool call."""
        return bool(self.received_samples or self.output_transcript or self.text or self.tool_calls)

    @property
    def heard_samples(self) -> int:
        """Samples of reply audio as heard (also counted when the samples were not kept)."""
        if self._dropped is not None:
            return self._dropped
        return self._kept

    @property
    def audio_out_s(self) -> float:
        """Seconds of reply audio as heard."""
        return self.heard_samples / OUTPUT_RATE

    @property
    def transcript(self) -> str:
        """The model's words as heard.

        After a barge-in, the output-transcript pieces that arrived with the audio played
        before the cut (an estimate: the service does not say which word was playing);
        otherwise everything (:attr:`transcript_full`).
        """
        if self.heard_transcript is not None:
            return self.heard_transcript
        return self.transcript_full

    @property
    def transcript_full(self) -> str:
        """Everything the model said: output transcript, or its text parts when there is none.

        The one rule every view follows (:func:`~gemlive_nb.conversation.reply_words.reply_words`).
        """
        return reply_words(self.output_transcript, self.text)

    @property
    def cut_samples(self) -> int:
        """Reply samples received but not heard (cut by a barge-in)."""
        return self.received_samples - self.dropped_samples - self.heard_samples

    @property
    def user(self) -> str:
        """The user's words: typed text, or the input transcript."""
        return self.user_text if self.user_text is not None else self.input_transcript

    @property
    def cost(self) -> float | None:
        """USD of this turn's usage at the default prices (see :class:`gemlive_nb.Prices`).

        None when the usage or the model's price is unknown. Other prices:
        ``my_prices.cost(turn.usage, turn.model)``.
        """
        from ..evaluation.pricing import default_prices

        return default_prices().cost(self.usage, self.model)

    @property
    def metrics(self) -> dict[str, Any]:
        """Latencies (s) from the end of user input, audio seconds in/out, tokens."""
        usage = self.usage
        return {
            "latency_first_audio": _sub(self.t_first_audio, self.t_user_end),
            "latency_complete": _sub(self.t_turn_complete, self.t_user_end),
            "audio_in_s": round(self.audio_in_s, 6),
            "audio_out_s": round(self.audio_out_s, 6),
            "prompt_tokens": usage.prompt_tokens if usage else None,
            "response_tokens": usage.response_tokens if usage else None,
            "total_tokens": usage.total_tokens if usage else None,
            "interrupted": self.interrupted,
            "status": self.status.value,
            "latency_source": self.latency_source,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (no audio; usage in its own dialect)."""
        out = {name: getattr(self, name) for name in _SCALARS}
        out["status"] = self.status.value
        out["usage"] = None if self.usage is None else self.usage.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], audio: np.ndarray | None = None) -> Turn:
        """Rebuild from :meth:`to_dict` plus the reply samples."""
        kwargs = {k: data[k] for k in _SCALARS if k in data and k != "status"}
        status = data.get("status")
        if status is None:  # saved before turns had a status
            done = "interrupted" if data.get("interrupted") else "answered"
            status = done if data.get("complete") else "failed"
        usage = data.get("usage")
        turn = cls(
            **kwargs,
            state=TurnState(status),
            usage=None if usage is None else Usage.from_dict(usage),
        )
        if audio is not None and len(audio):
            turn._chunks = [np.asarray(audio, np.int16)]
            turn._kept = len(audio)
        return turn

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Turn):
            return NotImplemented
        return self.to_dict() == other.to_dict() and np.array_equal(
            self.audio.samples, other.audio.samples
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        said = self.transcript
        said = said if len(said) <= 60 else said[:57] + "…"
        user = self.user or ""
        user = user if len(user) <= 40 else user[:37] + "…"
        lat = self.metrics["latency_first_audio"]
        flags = "" if self.status == "answered" else f" {self.status}"
        return (
            f"<Turn {self.index}: {user!r} → {said!r}, {self.audio_out_s:.2f} s audio"
            + (f", first audio after {lat * 1000:.0f} ms" if lat is not None else "")
            + f"{flags}>"
        )

    def _repr_html_(self) -> str:
        return turn_html(self)
