"""The turn model: which user utterance every server event answers. No I/O, no clock of its own.

Every user utterance opens exactly one :class:`~.turn.Turn` — typed text and clips
(``ask(Audio)``) when they are sent, streamed speech when the server first shows it heard one
(an input transcript, its voice-activity start, or a reply or ``interrupted`` with no turn
open). The service answers utterances in order, so a reply goes to the oldest open turn::

          user input                         reply output (audio, transcript, text, tool call)
    ─────────────────► PENDING ───────────────────────────────────────────► ANSWERING
                        │  │  │                                               │   │
           interrupted  │  │  └ quiet period, or the next utterance          │   └─ interrupted
         (no output yet)│  │    when it held no speech                      │        │
                        ▼  │                   ▼                            │        ▼
                INTERRUPTING│              no_reply                         │   INTERRUPTING
                        │  └ turnComplete (nothing said) → no_reply         │        │
                        │                                                   turnComplete
              turnComplete, or the quiet period                           (tools answered)
                        ▼                                                   ▼
                   interrupted ◄──── interrupted while its audio still plays ── answered

    any open turn ── re-asked after a reconnect more than ``max_reasks`` times,
                     or its input could not be re-sent, or the session ended ──► failed

Rules the states encode (the orders they follow: :mod:`gemlive_nb.protocol.grammar`):

- A reply event goes to the oldest open turn. Output of an interrupted turn before its
  ``turnComplete`` is counted as received but never heard (the player flushed it).
- ``interrupted`` cuts the reply being generated; with none, the last reply if its audio still
  plays (``interrupted`` may follow ``turnComplete``; the player flushes it) — the oldest turn
  waiting for its reply is then cut too if its ``turnComplete`` comes with nothing said; else
  the oldest waiting turn; else it opens a turn for the utterance whose reply was cut unseen.
- A ``turnComplete`` closes the oldest open turn (``answered`` if anything was said,
  ``interrupted`` if cut, else ``no_reply``), unless a blocking tool call is unanswered. One
  right after the tool answers with nothing said ends the turn when the next utterance is sent
  or after :data:`NO_SPEECH_QUIET_S`, unless the spoken answer follows (Vertex closes a tool
  turn twice). With nothing open it changes nothing. Usage rides with it and goes to it.
- Input transcripts: deltas are joined as received (their order relative to the reply is not
  guaranteed); one utterance goes on until a delta says ``finished``, its ``turnComplete`` or
  ``interrupted``, activity start or end, or a whole sentence followed by a delta starting a new
  one (with no space; once its reply has started, also after a space). A new utterance goes to
  the oldest open turn still waiting for words (a clip, or a turn a reply opened), else opens one.
- Proactive audio (``proactive``): the model may send nothing for speech not meant for it
  (grammar ``turn.ignored``); a reply that starts while later utterances are open answers the
  latest, and heard speech before it still waiting ends as ``no_reply``.
- A turn gets ``no_reply`` (or ``answered``/``interrupted`` if it had output but the
  ``turnComplete`` never came) when the server has been quiet for ``quiet_s`` (default
  :data:`QUIET_S`) since its input ended; a clip without speech closes after
  :data:`NO_SPEECH_QUIET_S`, or at once when the next utterance is sent.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from typing import Any

from .. import protocol as p
from .cues import new_sentence
from .grounding import grounding_record
from .latency import SpeechDating, SpeechSpan
from .state import TurnState
from .turn import Turn

__all__ = ["MAX_REASKS", "NO_SPEECH_QUIET_S", "QUIET_S", "Conversation"]

# Seconds of server silence after which a pending turn ends as no_reply (the service answers
# within ~2 s; the emulator's latency is far below) — NO_SPEECH_: a clip the VAD found silent.
QUIET_S = 10.0
NO_SPEECH_QUIET_S = 2.0
# How often one turn is asked again after reconnects (goAway, drops) before it fails.
MAX_REASKS = 2


class Conversation:
    """The state machine of the module docstring (the states: :class:`~.state.TurnState`).

    ``speech_span(after, before)``: ``(start, end)`` of the last user speech ending in ``(after,
    before]`` (a VAD over the input), or None. ``proactive``: ``LiveConfig.proactive_audio``.
    """

    def __init__(
        self,
        speech_span: SpeechSpan | None = None,
        quiet_s: float = QUIET_S,
        max_reasks: int = MAX_REASKS,
        proactive: bool = False,
    ) -> None:
        self.proactive = proactive
        self.turns: list[Turn] = []
        self.open: deque[Turn] = deque()  # oldest first
        self.quiet_s = quiet_s
        self.max_reasks = max_reasks
        self.dating = SpeechDating(speech_span)
        self._utterance: Turn | None = None  # the turn input-transcript deltas go to
        self._generated: set[int] = set()  # open turns whose generationComplete arrived
        self._silent: set[int] = set()  # open clips in which no speech was found
        self._tool_closed: set[int] = set()  # turnComplete after the tool answer, nothing said
        self._maybe_cut: set[int] = set()  # interrupted while an ended reply played
        self._non_blocking: set[str | None] = set()
        self._cancelled: set[str | None] = set()
        self._just_completed: Turn | None = None
        self._last_server_t = 0.0
        self.on_end: Callable[[Turn], None] = lambda turn: None
        self.on_begin: Callable[[Turn], None] = lambda turn: None  # e.g. attach input audio

    # --- opening --------------------------------------------------------------------------

    def begin(
        self,
        t: float,
        *,
        user_text: str | None = None,
        source: str = "typed",
        expect_reply: bool = True,
        t_user_start: float | None = None,
    ) -> Turn:
        """A user utterance was sent (typed, clip) or heard (speech): open its turn."""
        if source != "speech":  # the next utterance ends clips in which no speech was found
            for old in [tr for tr in self.open if tr.index in self._silent]:
                if not old.has_output:
                    self._end(old, TurnState.NO_REPLY, t)
            for old in [tr for tr in self.open if tr.index in self._tool_closed]:
                self._end(old, TurnState.ANSWERED, t)  # and tool turns closed with nothing said
        if source == "clip":  # the server may have signalled its activity start already
            for heard in self.open:
                fresh = not heard.input_transcript and not heard.has_output
                if heard.source == "speech" and fresh:
                    heard.source, heard.t_user_end = "clip", t
                    self.on_begin(heard)
                    return heard
        turn = Turn(
            index=len(self.turns),
            user_text=user_text,
            source=source,
            t_user_start=t if t_user_start is None else t_user_start,
        )
        turn.t_user_end = t
        if not expect_reply:
            self._silent.add(turn.index)
        self.turns.append(turn)
        self.open.append(turn)
        self.on_begin(turn)
        return turn

    def _spoken_turn(self, t: float) -> Turn:
        """The oldest open turn waiting for words (a clip, a turn a reply opened), or a new one."""
        for turn in self.open:  # words after its end or cut: a new utterance
            done = turn.index in self._tool_closed or turn.state is TurnState.INTERRUPTING
            if turn.user_text is None and not turn.input_transcript and not done:
                return turn
        return self.begin(t, source="speech")

    # --- user side as the server reports it -----------------------------------------------

    def input_transcript(self, event: p.InputTranscript, t: float) -> None:
        """Attribute an input-transcript delta to its utterance (rules in the module doc)."""
        self._last_server_t = t
        turn, text = self._utterance, event.text
        if (
            turn is None
            or not turn.state.is_open
            or turn.index in self._tool_closed
            or new_sentence(turn.input_transcript, text, spaced=turn.has_output)
        ):
            turn = self._utterance = self._spoken_turn(t)
        turn.input_transcript += text
        if event.finished:
            self._utterance = None

    def voice_activity(self, event: p.VoiceActivity, t: float) -> None:
        """The server's voice-activity signal: a start opens an utterance, an end dates it."""
        self._last_server_t = t
        kind = event.kind.upper()  # ACTIVITY_START/_END, or VAD_SIGNAL_TYPE_SOS/_EOS
        if "START" in kind or kind.endswith("_SOS"):
            self._utterance = self._spoken_turn(t)
            self._utterance.t_user_start = t
        elif "END" in kind or kind.endswith("_EOS"):
            turn = self._utterance
            if turn is None:
                waiting = [tr for tr in self.open if tr.source != "typed" and not tr.has_output]
                turn = waiting[-1] if waiting else None
            if turn is not None and not turn.has_output:
                turn.t_user_end, turn.latency_source = t, "server_vad"
            self._utterance = None

    # --- reply side -----------------------------------------------------------------------

    def reply_turn(self, t: float) -> Turn:
        """The turn reply output at ``t`` belongs to (closing cut turns ahead of it)."""
        self._last_server_t = t
        if len(self.open) != 1 and not self._settle(t, passed_over=True):
            return self.begin(t, source="speech")
        head = self.open[0]
        self._tool_closed.discard(head.index)  # Vertex: the tool turn's spoken answer
        self._maybe_cut.discard(head.index)
        return head

    def _settle(self, t: float, passed_over: bool = False) -> bool:
        """End the turns ahead of the next that are done; False when no turn is open.

        Done: a clip without speech, a tool turn closed with nothing said (what comes now is
        the next utterance's); when a reply starts (``passed_over``), speech it stayed silent on.
        """
        while len(self.open) > 1:
            head = self.open[0]
            if head.index in self._silent and not head.has_output:
                self._end(head, TurnState.NO_REPLY, t)
            elif head.index in self._tool_closed:
                self._end(head, TurnState.ANSWERED, t)
            elif passed_over and self._ignored(head):
                self._end(head, TurnState.NO_REPLY, t)
            else:
                break
        return bool(self.open)

    def _ignored(self, head: Turn) -> bool:
        """Proactive audio: heard speech, unanswered, with a later utterance open (module doc)."""
        fresh = head.state is TurnState.PENDING and not head.has_output and not head.tool_calls
        return fresh and self.proactive and head.source == "speech" and bool(head.input_transcript)

    def output_started(self, turn: Turn, t: float) -> None:
        """The first reply audio of ``turn`` arrived: date the end of the user's speech."""
        self.dating.first_audio(turn, t)

    def transcript(self, event: p.OutputTranscript | p.TextPart, t: float) -> Turn | None:
        """An output-transcript piece or a text part of the reply (an empty one says nothing)."""
        if not event.text:  # Vertex opens and closes transcripts with empty pieces
            self._last_server_t = t
            return None
        turn = self.reply_turn(t)
        if isinstance(event, p.OutputTranscript):
            turn.add_transcript(event.text)
        else:
            turn.add_text(event.text)
        turn.awaiting_tool_reply = False
        return turn

    def tool_call(self, event: p.ToolCall, t: float) -> Turn:
        """The model called tools (they belong to the reply being generated)."""
        turn = self.reply_turn(t)
        turn.add_tool_calls(event.calls)
        return turn

    def grounding(self, event: p.GroundingMetadata) -> None:
        """Search grounding for the reply being generated (or the last turn, if it came late)."""
        turn = self.open[0] if self.open else (self.turns[-1] if self.turns else None)
        if turn is not None:
            turn.grounding.append(grounding_record(event))

    def tool_cancellation(self, event: p.ToolCallCancellation, t: float) -> None:
        """Calls the server no longer waits for (a barge-in cut their turn)."""
        self._last_server_t = t
        self._cancelled.update(event.ids)

    def mark_non_blocking(self, call_id: str | None) -> None:
        """This call is NON_BLOCKING: its turn ends without waiting for the result."""
        self._non_blocking.add(call_id)

    def tool_result(self, response: dict[str, Any]) -> None:
        """A function response was sent: it goes to the turn that made the call."""
        call_id = response.get("id")
        owner = [t for t in self.turns[::-1] if any(c["id"] == call_id for c in t.tool_calls)]
        turn = owner[0] if owner else (self.open[0] if self.open else None)
        if turn is not None:
            turn.tool_results.append(json.loads(json.dumps(response)))
            # a blocking call's answer is spoken in the same turn; a NON_BLOCKING one's later
            turn.awaiting_tool_reply = turn.state.is_open and call_id not in self._non_blocking

    def generation_complete(self, t: float) -> None:
        """The model finished generating the current reply (``turnComplete`` follows)."""
        self._last_server_t = t
        if self.open:
            self._generated.add(self.open[0].index)

    def interrupted(self, t: float, playing: Turn | None = None) -> Turn:
        """The server cut a reply; returns the turn it cut (which: the module doc).

        ``playing`` is the ended turn whose audio still plays, if any.
        """
        self._last_server_t = t
        self._settle(t)
        heads = [tr for tr in self.open if tr.state is not TurnState.INTERRUPTING]
        answering = [tr for tr in heads if tr.has_output]
        if not answering and playing is not None and not playing.interrupted:
            if heads:  # cut too, or answered next: its turnComplete or reply will tell
                self._maybe_cut.add(heads[0].index)
            playing.interrupted = True
            if playing.state is TurnState.ANSWERED:
                playing.state = TurnState.INTERRUPTED
            return playing
        turn = (answering or heads)[0] if answering or heads else self._spoken_turn(t)
        turn.interrupted = True
        turn.state = TurnState.INTERRUPTING
        if self._utterance is turn:
            self._utterance = None
        return turn

    def turn_complete(self, t: float) -> Turn | None:
        """``turnComplete``: the oldest open turn ends (see the module doc); returns it."""
        self._last_server_t = t
        if not self._settle(t):
            return None
        turn = self.open[0]
        waiting = self._unanswered(turn)
        if not turn.interrupted and (waiting or turn.awaiting_tool_reply):
            if not waiting:  # answered, nothing said: the end, or (Vertex) its answer follows
                self._tool_closed.add(turn.index)
            return None  # the model continues this turn once the tool results arrive
        turn.complete = True
        if turn.index in self._maybe_cut and not turn.has_output:
            turn.interrupted = True  # the interruption cut it before we saw any of it
        said = TurnState.ANSWERED if turn.has_output else TurnState.NO_REPLY
        self._end(turn, TurnState.INTERRUPTED if turn.interrupted else said, t)
        self._just_completed = turn
        return turn

    def usage(self, event: p.Usage) -> Turn | None:
        """Usage rides with ``turnComplete`` (parsed after it): it belongs to that turn."""
        turn = self._just_completed or (self.open[0] if self.open else None)
        turn = turn or (self.turns[-1] if self.turns else None)
        if turn is not None:
            turn.usage = event if turn.usage is None else turn.usage + event
        return turn

    def next_event(self) -> None:
        """Called before each server event: usage only follows its own ``turnComplete``."""
        self._just_completed = None

    def _unanswered(self, turn: Turn) -> list[dict[str, Any]]:
        """``turn``'s blocking tool calls still waiting for their result."""
        answered = {r.get("id") for r in turn.tool_results} | self._non_blocking | self._cancelled
        return [c for c in turn.tool_calls if c["id"] not in answered]

    # --- endings --------------------------------------------------------------------------

    def expire(self, t: float) -> list[Turn]:
        """End the turns the quiet period is over for (see the module doc); returns them."""
        ended = []
        for turn in list(self.open):
            since = max(self._last_server_t, turn.t_user_end or 0.0)
            short = turn.index in self._silent or turn.index in self._tool_closed
            quiet = NO_SPEECH_QUIET_S if short else self.quiet_s
            cut = turn.state is TurnState.INTERRUPTING
            if t - since < quiet or (self._unanswered(turn) and not cut):
                continue
            if cut:
                status = TurnState.INTERRUPTED
            elif turn.index in self._generated or turn.index in self._tool_closed:
                status = TurnState.ANSWERED
            elif not turn.has_output:
                status = TurnState.NO_REPLY
            else:
                continue  # a reply in progress: the server is slow, not done
            self._end(turn, status, t)
            ended.append(turn)
        return ended

    def retry(self, turn: Turn, t: float, cause: str = "a reconnect") -> bool:
        """Note that ``turn`` is about to be asked again on a new connection after ``cause``.

        ``cause`` names why (e.g. "goAway"). Returns False (and the turn failed) when it was
        already asked again ``max_reasks`` times.
        """
        if turn.retries >= self.max_reasks:
            n = turn.retries + 1
            why = "a tool slower than goAway's timeLeft?"
            self.fail(turn, f"{cause} replaced the connection while it ran, {n} times; it was "
                      f"asked {n} times and got no complete reply — the server's connections "
                      f"end sooner than this turn takes ({why})", t)  # fmt: skip
            return False
        turn.reset_reply()
        if turn.source != "typed":  # the server hears the clip again and transcribes it again
            turn.input_transcript = ""
        turn.interrupted = False
        turn.state = TurnState.PENDING
        turn.cut_sample = turn.heard_transcript = None
        self._generated.discard(turn.index)
        turn.retries += 1
        return True

    def fail(self, turn: Turn, error: str, t: float) -> None:
        """End an open turn that will get no reply (input not re-sent, reader stopped, re-asked)."""
        turn.error = error
        self._end(turn, TurnState.FAILED, t)

    def _end(self, turn: Turn, state: TurnState, t: float) -> None:
        if not turn.state.is_open:
            return
        turn.state = state
        if turn.t_turn_complete is None:
            turn.t_turn_complete = t
        if turn in self.open:
            self.open.remove(turn)
        for marks in (self._generated, self._silent, self._tool_closed, self._maybe_cut):
            marks.discard(turn.index)
        if self._utterance is turn:
            self._utterance = None
        self.on_end(turn)
