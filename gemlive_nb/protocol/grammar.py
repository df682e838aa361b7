"""Every order the Live API may send its server messages in: a grammar, per model family.

Written once from public evidence: PROTOCOL.md §3 (typical order and variations) and its
2026-12 addendum, and frames recorded from the service in August 2026 (pydantic/pydantic-ai
``tests/realtime/cassettes/``, MIT — cited per production as ``[cassette name]``). Where no
evidence exists a production says "unverified". Families: ``"2.5"`` (native audio, Developer
API), ``"3.1"`` (Developer API) and ``"vertex"`` (``gemini-live-2.5-flash``).

A turn is one production of ``turn.*`` (what the server does about one utterance) with the
modifiers that apply (``input.*``, ``output.*``, ``end.*``, ``usage.*``, ``extra.*``). A
:class:`Grammar` turns a script of user utterances into :class:`Step` s — server messages
(wire dicts) interleaved with what the client does (say, answer a tool, play) — reproducibly
from a seed; every step names the production that made it, so coverage can be counted::

    g = Grammar("3.1", seed=7)
    steps = g.conversation([Utterance("spoken", "What is the weather in Paris?")])
    {s.production for s in steps} <= set(productions("3.1"))      # True

The emulator's ``orders="adversarial"`` draws its rare-but-legal orders from the same table
(:mod:`gemlive_nb.emulator.orders`). Not generated, because no client can tell them apart from
a legal neighbour: a late input piece starting a new capitalised sentence (a new utterance), one
after its turn's ``turnComplete``; words of a barge-in before its ``interrupted``; utterances
nobody saw (transcription off) left unanswered, cut before any reply while typed text waits, or
answered right after a tool turn closed with nothing said (a continuation, on Vertex).
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass
from typing import Any

__all__ = ["FAMILIES", "PRODUCTIONS", "Grammar", "Step", "Utterance", "productions"]

FAMILIES = ("2.5", "3.1", "vertex")
_ALL, _25, _31, _V = (
    frozenset(FAMILIES),
    frozenset({"2.5"}),
    frozenset({"3.1"}),
    frozenset({"vertex"}),
)
_P = "PROTOCOL.md"
_SILENCE_S = 12.0  # server silence longer than any client waits for a reply (the service: ~2 s)
_TOOL_V = "[test_text_tool_round_parity[gateway-google]]"

# name -> (families, evidence); [name] = a pydantic-ai cassette
PRODUCTIONS: dict[str, tuple[frozenset[str], str]] = {
    # what the server does about one utterance
    "turn.reply": (_ALL, f"{_P} §3 typical order; [test_text_in_audio_out_turn]"),
    "turn.no_reply": (_ALL, "unverified: speech heard, never answered; ends by the quiet period"),
    # proactive audio (2.5): nothing at all, then the next reply (a turnComplete first: unverified)
    "turn.ignored": (_25 | _V, "SDK ProactivityConfig; Vertex proactive-audio: 'No response'"),
    "turn.barge_before_audio": (_ALL, f"{_P} §3 barge-in: interrupted, turnComplete"),
    "turn.barge_mid_reply": (_ALL, f"{_P} §5 interruption: only what was sent stays"),
    "turn.barge_after_generation_complete": (_ALL, f"{_P} addendum: barge-in order"),
    "turn.barge_after_turn_complete": (_ALL, f"{_P} §3: interrupted may follow turnComplete"),
    "turn.tool": (_ALL, "[test_tool_call_round]; [test_text_tool_round_parity[google-*]]"),
    "turn.tool_silent_end": (_ALL, "unverified: issue 24 item 3 (toolResponse, turnComplete)"),
    "turn.tool_vertex_double_close": (_V, f"{_P} addendum: closed twice {_TOOL_V}"),
    "turn.tool_cancelled": (_ALL, f"{_P} §5: pending calls get toolCallCancellation"),
    # the user's words as the server transcribes them
    "input.spaced_pieces": (_ALL, "[test_audio_in_server_vad_turn]"),
    "input.unspaced_pieces": (_ALL, "unverified: pieces joined without spaces (CJK, 3.1)"),
    "input.late_piece": (_ALL, f"{_P} §3: input order relative to model output not guaranteed"),
    "input.finished": (_31 | _V, "[test_gateway_gemini_text_in_audio_out]"),
    "input.never_finished": (_25, f"{_P} §3 / issue 24: 2.5 never sets finished"),
    "input.off": (_ALL, f"{_P} §3: inputAudioTranscription is optional"),
    # the reply
    "output.separate_transcript": (_ALL, f"{_P} §3: outputTranscription near the audio"),
    "output.bundled": (_31, f"{_P} §3: 3.1 bundles audio + transcript [DOC]"),
    "output.empty_first_content": (_31, f"{_P} addendum: 3.1 opens with {{}}"),
    "output.thought_part": (_25, f"{_P} addendum: 2.5 sends thought parts"),
    "output.vertex_markers": (_V, "transcript {} ... {finished} [test_gateway_gemini_text_in_…]"),
    "output.audio_without_rate": (_V, f"{_P} addendum: 'audio/pcm' = 24 kHz"),
    "output.tail_after_interrupted": (_ALL, "unverified: chunks in flight when the cut is sent"),
    # the end of a turn
    "end.generation_complete": (_ALL, f"{_P} §3 typical order step 3"),
    "end.no_generation_complete": (_ALL, f"{_P} §3 barge-in has none; issue 24"),
    "end.bundled_with_content": (_31, f"{_P} §3: content + turnComplete [DOC]"),
    "usage.with_turn_complete": (_ALL, f"{_P} §3 step 4; addendum: once per turn, not cumulative"),
    "usage.separate_after": (_31, f"{_P} §3: 3.1 usage-only messages [3P]"),
    "usage.separate_before": (_31, f"{_P} §3: 3.1 usage-only messages [3P]"),
    "usage.split": (_31, f"{_P} §3: 3.1 usage-only messages [3P]; they add up"),
    # between turns
    "extra.turn_complete_nothing_open": (_ALL, "unverified: a stray turnComplete changes nothing"),
    "extra.resumption_updates": (_ALL, f"{_P} §3 step 5; [test_text_tool_round_parity[google-*]]"),
    "extra.go_away_mid_tool": (_ALL, f"{_P} §4: goAway ~60 s before the end, at any moment"),
}
_BARGES = ("barge_before_audio", "barge_mid_reply", "barge_after_generation_complete")
_BARGES_ALL = (*_BARGES, "barge_after_turn_complete", "tool_cancelled")


def productions(family: str | None = None) -> list[str]:
    """The productions of ``family`` (all of them when None), in declaration order."""
    return [n for n, (fams, _) in PRODUCTIONS.items() if family is None or family in fams]


@dataclass(frozen=True)
class Utterance:
    """One thing the user says: ``kind`` "typed" or "spoken", its ``text``, the ``reply``."""

    kind: str
    text: str
    reply: str = "Here is my answer."


@dataclass(frozen=True)
class Step:
    """One event of a generated conversation.

    ``action``: "say" (the user sends/speaks utterance ``utterance``), "server" (``message``
    arrives), "tool_result" (the client answers call ``call_id``), "played" (the player has
    played all but ``unplayed`` of utterance ``utterance``'s reply samples so far), "quiet"
    (the server says nothing for ``seconds``), "note" (a production that sends nothing, such
    as a missing ``generationComplete``). ``production`` names the rule that made it.
    """

    action: str
    utterance: int
    production: str
    message: dict[str, Any] | None = None
    call_id: str = ""
    unplayed: float = 0.0  # a fraction of the reply received so far
    seconds: float = 0.0


def _pieces(text: str, rng: random.Random, unspaced: bool) -> list[str]:
    """``text`` cut at word boundaries into 1-4 pieces (spaces dropped when ``unspaced``)."""
    words = text.split()
    cuts = sorted(rng.sample(range(1, len(words)), min(len(words) - 1, rng.randint(0, 3))))
    groups = [words[a:b] for a, b in zip([0, *cuts], [*cuts, len(words)], strict=True)]
    if unspaced:
        return ["".join(g) for g in groups]
    return [(" " if i else "") + " ".join(g) for i, g in enumerate(groups)]


class Grammar:
    """Generates conversations of ``family`` from a seed (see the module docstring)."""

    def __init__(self, family: str = "2.5", seed: int = 0, proactive: bool = False) -> None:
        if family not in FAMILIES:
            raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
        self.family = family
        self.rng = random.Random(seed)
        self._ok = set(productions(family)) - (set() if proactive else {"turn.ignored"})
        self._steps: list[Step] = []
        self._held: list[str] = []  # the late piece of the user's words, if one

    def _can(self, name: str, p: float = 0.5) -> bool:
        return name in self._ok and self.rng.random() < p

    def _emit(self, k: int, production: str, message: dict[str, Any]) -> None:
        self._steps.append(Step("server", k, production, message=message))

    def _content(self, k: int, production: str, **fields: Any) -> None:
        self._emit(k, production, {"serverContent": fields})

    def conversation(self, script: list[Utterance]) -> list[Step]:
        """The steps of one conversation in which the user says ``script``, in order."""
        self._steps = []
        shapes = self._shapes(script)
        inputs = [self._input_mode(script, shapes, i) for i in range(len(script))]
        said: set[int] = set()
        for k, (u, shape) in enumerate(zip(script, shapes, strict=True)):
            self._held = []
            if k not in said:
                late = shape == "reply" and inputs[k] in ("spaced", "unspaced")
                late = late and self._can("input.late_piece", 0.5)
                self._held = self._say(k, u, inputs[k], before=True, late=late)
                said.add(k)
            nxt = k + 1 if k + 1 < len(script) else None
            barge = None
            if nxt is not None and shape in _BARGES_ALL:
                barge = (nxt, script[nxt], inputs[nxt])
                said.add(nxt)
            self._steps.append(Step("note", k, f"turn.{shape}"))
            getattr(self, f"_turn_{shape}")(k, u, barge)
            if self._can("extra.resumption_updates", 0.3):
                update = {"newHandle": f"handle-{k}", "resumable": True}
                self._emit(k, "extra.resumption_updates", {"sessionResumptionUpdate": update})
        self._steps.append(Step("quiet", len(script) - 1, "", seconds=_SILENCE_S))
        return self._steps

    def _shapes(self, script: list[Utterance]) -> list[str]:
        shapes: list[str] = []
        for k, u in enumerate(script):
            options = ["reply", "reply", "tool", "tool_silent_end", "tool_vertex_double_close"]
            if u.kind == "spoken":
                options += ["no_reply", "ignored"]
            if k + 1 < len(script):
                options += [*_BARGES_ALL]
            shape = self.rng.choice([o for o in options if f"turn.{o}" in self._ok])
            if shape == "barge_before_audio" and shapes[-1:] == ["ignored"]:
                shapes[-1] = "no_reply"  # a cut before any reply: no client can tell whose
            shapes.append(shape)
        return shapes

    def _input_mode(self, script: list[Utterance], shapes: list[str], k: int) -> str:
        if script[k].kind != "spoken":
            return "typed"
        # Unseen words cannot be told apart (transcription stays on for those): a reply to
        # them from the continuation of a tool turn; an unanswered utterance from none; a cut
        # before any reply from one of newer typed text waiting.
        after = shapes[k - 1] if k > 0 else ""
        unseen = after in ("tool_silent_end", "ignored") or shapes[k] in ("no_reply", "ignored")
        typed_next = k + 1 < len(script) and script[k + 1].kind == "typed"
        unseen = unseen or (shapes[k] == "barge_before_audio" and typed_next)
        if not unseen and self._can("input.off", 0.2):
            return "off"
        return "unspaced" if self._can("input.unspaced_pieces", 0.3) else "spaced"

    def _say(self, k: int, u: Utterance, mode: str, before: bool, late: bool = False) -> list:
        """The user says utterance ``k``; its transcript pieces (the last kept back if late)."""
        if before:
            self._steps.append(Step("played", k, ""))  # the last reply has played to its end
        self._steps.append(Step("say", k, "input.off" if mode == "off" else ""))
        if mode in ("typed", "off"):
            return []
        prod = "input.unspaced_pieces" if mode == "unspaced" else "input.spaced_pieces"
        pieces = _pieces(u.text, self.rng, mode == "unspaced")
        finished = self.family != "2.5" and self._can("input.finished", 0.7)
        held = pieces[-1:] if late and len(pieces) > 1 else []
        for i, piece in enumerate(pieces[: len(pieces) - len(held)]):
            body: dict[str, Any] = {"text": piece}
            if finished and i == len(pieces) - 1:
                body["finished"] = True
            name = "input.finished" if "finished" in body else prod
            self._content(k, name, inputTranscription=body)
        if self.family == "2.5":
            self._steps.append(Step("note", k, "input.never_finished"))
        return held

    # --- reply pieces ----------------------------------------------------------------------

    def _audio(self, k: int, chunks: int, production: str, text: str | None = None) -> None:
        mime = "audio/pcm;rate=24000"
        if self._can("output.audio_without_rate", 0.5):
            mime, production = "audio/pcm", "output.audio_without_rate"
        for _ in range(chunks):
            data = base64.b64encode(int(k + 1).to_bytes(2, "little") * 480).decode()
            part = {"inlineData": {"mimeType": mime, "data": data}}
            fields: dict[str, Any] = {"modelTurn": {"parts": [part]}}
            if text is not None:
                fields["outputTranscription"] = {"text": text}
                text = None
            self._content(k, production, **fields)

    def _reply_body(
        self, k: int, u: Utterance, stop: float = 1.0, held: list | None = None
    ) -> None:
        """Opening markers, transcript pieces with their audio (the first ``stop`` of them)."""
        if self._can("output.empty_first_content", 0.6):
            self._content(k, "output.empty_first_content")
        if self._can("output.thought_part", 0.4):
            thought = {"parts": [{"text": "**Answering**", "thought": True}]}
            self._content(k, "output.thought_part", modelTurn=thought)
        markers = self._can("output.vertex_markers", 0.8)
        if markers:
            self._content(k, "output.vertex_markers", outputTranscription={})
        pieces = _pieces(f"{u.reply} r{k}", self.rng, False)
        bundled = self._can("output.bundled", 0.6)
        for i, piece in enumerate(pieces[: max(1, round(len(pieces) * stop))]):
            if bundled:
                self._audio(k, self.rng.randint(1, 3), "output.bundled", piece)
            else:
                self._content(k, "output.separate_transcript", outputTranscription={"text": piece})
                self._audio(k, self.rng.randint(1, 3), "output.separate_transcript")
            if held and i == 0:  # a late piece of the user's words, inside the reply
                self._content(k, "input.late_piece", inputTranscription={"text": held.pop()})
        if markers and stop >= 1.0:
            self._content(k, "output.vertex_markers", outputTranscription={"finished": True})

    def _usage(self, k: int, part: int = 0) -> dict[str, Any]:
        key = "candidatesTokenCount" if self.family == "vertex" else "responseTokenCount"
        return {"promptTokenCount": 10 * (k + 1), key: k + 1 + part,
                "totalTokenCount": 11 * (k + 1) + part}  # fmt: skip

    def _close(self, k: int, production: str, part: int = 0) -> None:
        """``turnComplete`` with the turn's usage in the same message."""
        close = {"serverContent": {"turnComplete": True}, "usageMetadata": self._usage(k, part)}
        self._emit(k, production, close)

    def _complete(self, k: int) -> None:
        """The end: generationComplete (or not), turnComplete and usage as productions say."""
        if self._can("end.no_generation_complete", 0.3):
            self._steps.append(Step("note", k, "end.no_generation_complete"))
        else:
            self._content(k, "end.generation_complete", generationComplete=True)
        modes = ("with_turn_complete", "separate_after", "separate_before")
        mode = self.rng.choice([m for m in modes if f"usage.{m}" in self._ok])
        if self._can("usage.split", 0.3):
            self._emit(k, "usage.split", {"serverContent": {}, "usageMetadata": self._usage(k, 1)})
        usage = self._usage(k)
        if mode == "separate_before":
            self._emit(k, "usage.separate_before", {"serverContent": {}, "usageMetadata": usage})
        message: dict[str, Any] = {"serverContent": {"turnComplete": True}}
        if mode == "with_turn_complete":
            message["usageMetadata"] = usage
        self._emit(k, "usage.with_turn_complete" if "usageMetadata" in message else "", message)
        if mode == "separate_after":
            self._emit(k, "usage.separate_after", {"serverContent": {}, "usageMetadata": usage})

    def _cut(self, k: int, barge: tuple | None, when: str) -> None:
        """The user barges in (utterance ``barge``), the server sends ``interrupted``."""
        assert barge is not None
        n, nu, mode = barge
        unplayed = self.rng.uniform(0.1, 0.9)  # after turnComplete: it still plays
        self._steps.append(Step("played", k, f"turn.{when}", unplayed=unplayed))
        held: list = []
        if nu.kind == "typed":  # the client sends, then the server interrupts
            held = self._say(n, nu, mode, before=False)
        self._content(k, f"turn.{when}", interrupted=True)
        if nu.kind != "typed":
            held = self._say(n, nu, mode, before=False)
        assert not held

    # --- turn shapes (one per turn.* production) ----------------------------------------------

    def _turn_reply(self, k: int, u: Utterance, barge: tuple | None) -> None:
        self._reply_body(k, u, held=self._held)
        if self._can("end.bundled_with_content", 0.3):
            self._audio(k, 1, "end.bundled_with_content")
            last = self._steps.pop().message
            assert last is not None
            last["serverContent"]["turnComplete"] = True
            last["usageMetadata"] = self._usage(k)
            self._emit(k, "end.bundled_with_content", last)
        else:
            self._complete(k)
        if self._can("extra.turn_complete_nothing_open", 0.3):
            self._content(k, "extra.turn_complete_nothing_open", turnComplete=True)

    def _turn_no_reply(self, k: int, u: Utterance, barge: tuple | None) -> None:
        self._steps.append(Step("quiet", k, "turn.no_reply", seconds=_SILENCE_S))

    def _turn_ignored(self, k: int, u: Utterance, barge: tuple | None) -> None:
        pass  # proactive audio: nothing at all (the note step names the production)

    def _turn_barge_before_audio(self, k: int, u: Utterance, barge: tuple) -> None:
        self._cut(k, barge, "barge_before_audio")
        self._tail_and_end(k)

    def _turn_barge_mid_reply(self, k: int, u: Utterance, barge: tuple) -> None:
        self._reply_body(k, u, stop=self.rng.uniform(0.2, 0.8))
        self._cut(k, barge, "barge_mid_reply")
        self._tail_and_end(k)

    def _turn_barge_after_generation_complete(self, k: int, u: Utterance, barge: tuple) -> None:
        self._reply_body(k, u)
        self._content(k, "turn.barge_after_generation_complete", generationComplete=True)
        self._cut(k, barge, "barge_after_generation_complete")
        self._tail_and_end(k)

    def _tail_and_end(self, k: int) -> None:
        if self._can("output.tail_after_interrupted", 0.4):
            self._audio(k, 2, "output.tail_after_interrupted")
        self._close(k, "turn.reply")

    def _turn_barge_after_turn_complete(self, k: int, u: Utterance, barge: tuple) -> None:
        self._reply_body(k, u)
        self._complete(k)
        self._cut(k, barge, "barge_after_turn_complete")  # the reply still plays

    def _tool_call(self, k: int) -> str:
        call_id = f"call-{k}"
        call = {"id": call_id, "name": "get_weather", "args": {"city": "Paris"}}
        if self._can("output.thought_part", 0.4):
            thought = {"parts": [{"text": "**Calling**", "thought": True}]}
            self._content(k, "output.thought_part", modelTurn=thought)
        self._emit(k, "turn.tool", {"toolCall": {"functionCalls": [call]}})
        if self._can("extra.go_away_mid_tool", 0.3):
            self._emit(k, "extra.go_away_mid_tool", {"goAway": {"timeLeft": "50s"}})
        return call_id

    def _turn_tool(self, k: int, u: Utterance, barge: tuple | None) -> None:
        self._steps.append(Step("tool_result", k, "turn.tool", call_id=self._tool_call(k)))
        self._reply_body(k, u)
        self._complete(k)

    def _turn_tool_silent_end(self, k: int, u: Utterance, barge: tuple | None) -> None:
        call_id = self._tool_call(k)
        self._steps.append(Step("tool_result", k, "turn.tool_silent_end", call_id=call_id))
        self._close(k, "turn.tool_silent_end")

    def _turn_tool_vertex_double_close(self, k: int, u: Utterance, barge: tuple | None) -> None:
        self._content(k, "output.vertex_markers", outputTranscription={})
        call_id = self._tool_call(k)
        self._steps.append(Step("tool_result", k, "turn.tool_vertex_double_close", call_id=call_id))
        self._content(k, "output.vertex_markers", outputTranscription={"finished": True})
        self._content(k, "turn.tool_vertex_double_close", generationComplete=True)
        self._close(k, "turn.tool_vertex_double_close", part=7)
        self._reply_body(k, u)
        self._complete(k)

    def _turn_tool_cancelled(self, k: int, u: Utterance, barge: tuple) -> None:
        call_id = self._tool_call(k)
        self._cut(k, barge, "tool_cancelled")
        self._emit(k, "turn.tool_cancelled", {"toolCallCancellation": {"ids": [call_id]}})
        self._tail_and_end(k)
