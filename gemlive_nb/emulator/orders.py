"""The orders the emulator sends its replies in: the common one, or legal but rare ones.

``Emulator(orders="adversarial", seed=N)`` (``--orders adversarial --seed N``) draws, for every
reply, orders the protocol grammar (:mod:`gemlive_nb.protocol.grammar`) allows for the
connection's model family and that the emulator can produce: 3.1's empty first
``serverContent`` and audio + transcript bundled in one message, 2.5's thought parts and input
transcripts never ``finished``, Vertex's empty transcript markers, audio without a rate and a
tool turn closed twice, ``generationComplete`` left out, usage sent apart from
``turnComplete`` or split in two, transcript pieces without leading spaces, a late input
transcript piece inside the reply, ``turnComplete`` right after generation so that a barge-in
while the reply still plays gets ``interrupted`` after it, and small timing jitter. The draw is
reproducible: it depends on the seed and the connection's number only::

    policy = Orders("adversarial", seed=3)
    per_connection = policy.connection(record_id=0, model="gemini-3.1-flash-live-preview",
                                       dialect="google")
    per_connection.next_reply()      # ReplyOrders(empty_first=True, bundled=True, ...)

A stray ``turnComplete`` with nothing open and ``goAway`` mid-tool are in the grammar but not
sent here: the client cannot tell the first from the end of an utterance it has just sent, and
the second reconnects (tested by the fault options).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..protocol.grammar import productions
from .options import check_choice

__all__ = ["ORDERS_CHOICES", "ConnectionOrders", "Orders", "ReplyOrders", "family_of"]

ORDERS_CHOICES = ("common", "adversarial")


@dataclass(frozen=True)
class ReplyOrders:
    """The orders of one reply; the defaults are the common orders."""

    family: str = "2.5"
    empty_first: bool = False
    thought_part: bool = False
    vertex_markers: bool = False
    bundled: bool = False
    audio_without_rate: bool = False
    unspaced: bool = False
    generation_complete: bool = True
    usage: str = "with_turn_complete"  # or "separate_after", "separate_before", "split"
    tool_close_twice: bool = False
    late_input_piece: bool = False
    input_finished: bool = True
    early_turn_complete: bool = False
    jitter_s: float = 0.0


COMMON = ReplyOrders()


def family_of(model: str, dialect: str) -> str:
    """The grammar family of a connection: ``"vertex"``, ``"3.1"`` (Gemini 3.x) or ``"2.5"``."""
    if dialect == "vertex":
        return "vertex"
    return "3.1" if model.startswith("gemini-3") else "2.5"


class ConnectionOrders:
    """The draws of one connection (its own random stream)."""

    def __init__(self, adversarial: bool, rng: random.Random, family: str) -> None:
        self.adversarial = adversarial
        self.rng = rng
        self.family = family
        self._ok = set(productions(family))

    def _pick(self, name: str, p: float = 0.5) -> bool:
        return name in self._ok and self.rng.random() < p

    def next_reply(self) -> ReplyOrders:
        """The orders of the next reply (the common ones unless adversarial)."""
        if not self.adversarial:
            return COMMON
        usages = ("with_turn_complete", "separate_after", "separate_before", "split")
        return ReplyOrders(
            family=self.family,
            empty_first=self._pick("output.empty_first_content"),
            thought_part=self._pick("output.thought_part", 0.3),
            vertex_markers=self._pick("output.vertex_markers", 0.8),
            bundled=self._pick("output.bundled"),
            audio_without_rate=self._pick("output.audio_without_rate"),
            unspaced=self._pick("input.unspaced_pieces", 0.3),
            generation_complete=not self._pick("end.no_generation_complete", 0.3),
            usage=self.rng.choice([u for u in usages if f"usage.{u}" in self._ok]),
            tool_close_twice=self._pick("turn.tool_vertex_double_close", 0.7),
            late_input_piece=self._pick("input.late_piece"),
            input_finished="input.never_finished" not in self._ok,
            early_turn_complete=self._pick("turn.barge_after_turn_complete"),
            jitter_s=self.rng.choice((0.0, 0.0, 0.002, 0.01)),
        )


class Orders:
    """The emulator's orders policy: ``kind`` is "common" or "adversarial"."""

    def __init__(self, kind: str = "common", seed: int = 0) -> None:
        check_choice("orders", kind, ORDERS_CHOICES)
        self.kind = kind
        self.seed = seed

    @property
    def adversarial(self) -> bool:
        """True when replies use rare orders."""
        return self.kind == "adversarial"

    def connection(self, record_id: int, model: str, dialect: str) -> ConnectionOrders:
        """The draws of connection ``record_id`` (mixroute's proxy format keeps common orders)."""
        rng = random.Random(f"orders:{self.seed}:{record_id}")
        adversarial = self.adversarial and dialect != "mixroute"
        return ConnectionOrders(adversarial, rng, family_of(model, dialect))


def late_split(text: str) -> tuple[str, str] | None:
    """``text`` cut at the last space not after a sentence end: (head, tail with its space)."""
    for i in range(len(text) - 1, 0, -1):
        if text[i] == " " and text[:i].rstrip()[-1:] not in (".", "!", "?", ""):
            return text[:i], text[i:]
    return None


def unspaced(pieces: list[str]) -> list[str]:
    """The same text in pieces that never start with a space (spaces moved to the ends)."""
    out: list[str] = []
    for piece in pieces:
        stripped = piece.lstrip(" ")
        if out and len(stripped) < len(piece):
            out[-1] += piece[: len(piece) - len(stripped)]
        out.append(stripped if out else piece)
    return [p for p in out if p]
