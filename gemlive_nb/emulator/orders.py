"""The orders the emulator sends its replies in: the recorded ones, or rare but legal ones.

One :class:`ReplyOrders` describes one reply; the speaker reads nothing else. Every reply starts
from :func:`baseline`, the orders the real service was recorded sending for the connection's
model and endpoint. The evidence is real frames: pydantic-ai's Gemini Live cassettes, recorded
from Google's services in August 2026 (MIT; the repository's ``tests/data/cassettes/``):

- ``gemini-3.1-flash-live-preview``: an empty ``{"serverContent": {}}`` opens every reply (also
  the one after a tool response), and a reply's transcript piece rides in the same message as
  the audio chunk it belongs to (``modelTurn`` and ``outputTranscription`` together).
- ``gemini-2.5-flash-native-audio-preview-09-2025`` and ``-latest``: a thought part
  ``{"text": "**Title**\\n\\n…", "thought": true}`` comes before the reply to a user turn (not
  before the reply to a tool response).
- Vertex AI (``gemini-live-2.5-flash``): a wordless ``outputTranscription: {}`` opens each reply
  and ``{"finished": true}`` ends its transcript; reply audio is ``"audio/pcm"`` with no rate;
  a tool turn is closed twice — after the tool response come ``finished``,
  ``generationComplete`` and ``turnComplete`` (with usage), then the spoken reply and its own
  ``turnComplete``.

Other models: unverified, so none of these. ``Emulator(orders="adversarial", seed=N)``
(``--orders adversarial --seed N``) adds, for every reply, orders the protocol grammar
(:mod:`gemlive_nb.protocol.grammar`) allows for the connection's model family and that the
emulator can produce: the orders above where the family allows them, 2.5's input transcripts
never ``finished``, ``generationComplete`` left out, usage sent apart from ``turnComplete`` or
split in two, transcript pieces without leading spaces, a late input transcript piece inside the
reply, ``turnComplete`` right after generation so that a barge-in while the reply still plays
gets ``interrupted`` after it, and small timing jitter. The draw is reproducible: it depends on
the seed and the connection's number only::

    baseline("gemini-3.1-flash-live-preview", "google").empty_first     # True
    policy = Orders("adversarial", seed=3)
    per_connection = policy.connection(record_id=0, model="gemini-3.1-flash-live-preview",
                                       dialect="google")
    per_connection.next_reply()      # ReplyOrders(empty_first=True, bundled=True, ...)

Without ``orders=`` (or ``--orders``) the emulator reads ``GEMLIVE_EMULATOR_ORDERS``:
``common``, ``adversarial`` (drawn by the emulator's ``seed``) or ``adversarial:SEED``. Every
emulator of a program then sends the rare orders, also the one a keyless ``gl.connect()``
starts (a child process, which inherits the environment), so a notebook of yours can be run
against the orders the service may send, reproducibly::

    GEMLIVE_EMULATOR_ORDERS=adversarial:7 jupyter nbconvert --execute --to notebook mine.ipynb

A stray ``turnComplete`` with nothing open and ``goAway`` mid-tool are in the grammar but not
sent here: the client cannot tell the first from the end of an utterance it has just sent, and
the second reconnects (tested by the fault options).
"""

from __future__ import annotations

import os
import random
from collections.abc import Mapping
from dataclasses import dataclass

from ..exceptions import ConfigError
from ..protocol.grammar import productions
from .options import check_choice

__all__ = [
    "ORDERS_CHOICES",
    "ORDERS_ENV",
    "THOUGHT",
    "ConnectionOrders",
    "Orders",
    "ReplyOrders",
    "baseline",
    "family_of",
    "orders_from_env",
]

ORDERS_CHOICES = ("common", "adversarial")
ORDERS_ENV = "GEMLIVE_EMULATOR_ORDERS"  # the orders of an emulator not given orders=
_EMPTY_FIRST = {"gemini-3.1-flash-live-preview"}
_THOUGHTS = {
    "gemini-2.5-flash-native-audio-preview-09-2025",
    "gemini-2.5-flash-native-audio-latest",
}
THOUGHT = (
    "**Answering the User**\n\nI've read the request and will answer it briefly and directly, "
    "in the user's language.\n\n"
)


@dataclass(frozen=True)
class ReplyOrders:
    """The orders of one reply; the defaults are a plain reply (none of the orders below)."""

    family: str = "2.5"
    empty_first: bool = False  # serverContent {} opens the reply
    thought_part: bool = False  # a thought part before the reply
    vertex_markers: bool = False  # wordless transcript {} opens it, {finished: true} ends it
    bundled: bool = False  # a transcript piece and its audio chunk in one message
    audio_without_rate: bool = False  # "audio/pcm" (24 kHz) instead of "audio/pcm;rate=24000"
    unspaced: bool = False
    generation_complete: bool = True
    usage: str = "with_turn_complete"  # or "separate_after", "separate_before", "split"
    tool_close_twice: bool = False  # a tool turn ends with nothing said, then the reply
    late_input_piece: bool = False
    input_finished: bool = True
    early_turn_complete: bool = False
    jitter_s: float = 0.0


def family_of(model: str, dialect: str) -> str:
    """The grammar family of a connection: ``"vertex"``, ``"3.1"`` (Gemini 3.x) or ``"2.5"``."""
    if dialect == "vertex":
        return "vertex"
    return "3.1" if model.startswith("gemini-3") else "2.5"


def baseline(model: str, dialect: str, after_tool: bool = False) -> ReplyOrders:
    """The recorded orders of a reply of ``model`` (a bare id) on the ``dialect`` endpoint.

    ``after_tool``: the reply answers a tool response (no thought part before it).
    """
    vertex = dialect == "vertex"
    return ReplyOrders(
        family=family_of(model, dialect),
        empty_first=model in _EMPTY_FIRST,
        bundled=model in _EMPTY_FIRST,
        thought_part=model in _THOUGHTS and not vertex and not after_tool,
        vertex_markers=vertex,
        audio_without_rate=vertex,
        tool_close_twice=vertex,
    )


class ConnectionOrders:
    """The draws of one connection (its own random stream)."""

    def __init__(self, adversarial: bool, rng: random.Random, model: str, dialect: str) -> None:
        self.adversarial = adversarial
        self.rng = rng
        self.model = model
        self.dialect = dialect
        self.family = family_of(model, dialect)
        self._ok = set(productions(self.family))

    def _pick(self, name: str, p: float = 0.5) -> bool:
        return name in self._ok and self.rng.random() < p

    def next_reply(self, after_tool: bool = False) -> ReplyOrders:
        """The orders of the next reply: the recorded ones, plus rare ones when adversarial."""
        base = baseline(self.model, self.dialect, after_tool)
        if not self.adversarial:
            return base
        usages = ("with_turn_complete", "separate_after", "separate_before", "split")
        return ReplyOrders(
            family=self.family,
            empty_first=self._pick("output.empty_first_content") or base.empty_first,
            thought_part=self._pick("output.thought_part", 0.3) or base.thought_part,
            vertex_markers=self._pick("output.vertex_markers", 0.8) or base.vertex_markers,
            bundled=self._pick("output.bundled") or base.bundled,
            audio_without_rate=self._pick("output.audio_without_rate") or base.audio_without_rate,
            unspaced=self._pick("input.unspaced_pieces", 0.3),
            generation_complete=not self._pick("end.no_generation_complete", 0.3),
            usage=self.rng.choice([u for u in usages if f"usage.{u}" in self._ok]),
            tool_close_twice=self._pick("turn.tool_vertex_double_close", 0.7)
            or base.tool_close_twice,
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
        """True when replies add rare orders to the recorded ones."""
        return self.kind == "adversarial"

    def connection(self, record_id: int, model: str, dialect: str) -> ConnectionOrders:
        """The draws of connection ``record_id`` (mixroute's proxy format adds no rare orders)."""
        rng = random.Random(f"orders:{self.seed}:{record_id}")
        adversarial = self.adversarial and dialect != "mixroute"
        return ConnectionOrders(adversarial, rng, model, dialect)


def orders_from_env(seed: int, environ: Mapping[str, str] | None = None) -> Orders:
    """The orders of an emulator not given ``orders=``: ``GEMLIVE_EMULATOR_ORDERS`` says.

    Unset or empty: the common orders. ``adversarial`` draws by ``seed`` (the emulator's),
    ``adversarial:SEED`` by SEED. Anything else is a ConfigError naming the variable::

        orders_from_env(0, {"GEMLIVE_EMULATOR_ORDERS": "adversarial:7"}).seed   # 7
    """
    value = (os.environ if environ is None else environ).get(ORDERS_ENV, "").strip()
    kind, _, own_seed = value.partition(":")
    if kind in ("", "common") and not own_seed:
        return Orders("common", seed)
    if kind == "adversarial" and (not own_seed or own_seed.isdigit()):
        return Orders(kind, int(own_seed) if own_seed else seed)
    raise ConfigError(
        f"{ORDERS_ENV}={value!r} is not an orders setting: use 'common', 'adversarial' or "
        f"'adversarial:SEED' with SEED a whole number >= 0 (e.g. adversarial:7), or unset it"
    )


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
