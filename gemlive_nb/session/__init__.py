"""LiveSession: one Gemini Live conversation over a WebSocket, kept alive across reconnects.

Open one with :func:`connect` (awaitable, or an async context manager). With no API key
configured, the embedded emulator is started once per process and used instead::

    async with gl.connect(voice="Puck", tools=[get_weather]) as s:
        turn = await s.ask("What's the weather in Paris?")    # a Turn
        await s.send_audio(chunk)                             # 16 kHz PCM16 (resampled if not)
        async for event in s: ...                             # typed protocol events

Reliability (PROTOCOL.md §1, §4):

- ``goAway``: the session reconnects with the newest resumption handle at the next turn
  boundary, or ``min(2 s, timeLeft/2)`` before the deadline if a turn is still running; the old
  socket is closed first.
- An unexpected close (1011, a dropped TCP connection 1006, a 1008 "aborted" at the end of a
  connection's life, a 1000 from the server) is retried with exponential backoff and the handle;
  after ``max_failures`` (3) consecutive failures the session closes with :class:`SessionClosed`.
  A turn that completes resets the count. 1007 and 1008 (bad setting, bad key, unknown model)
  are never retried: the error names the server's reason and a hint. One exception: the mixroute
  proxy refusing ``["AUDIO", "TEXT"]`` is asked once more with ``["AUDIO"]`` (:mod:`.modalities`).
- No turn is lost: the service saves resumable state only between turns, so a turn still open
  when the connection broke is asked again on the new connection (its partial reply is dropped
  from the recording and ``turn.retries`` counts it), at most twice (``MAX_REASKS``); then it
  ends ``failed`` and ``ask()`` raises :class:`~gemlive_nb.exceptions.TurnFailed` naming the
  cause (goAway). Turns started from streamed microphone audio cannot be re-sent (the audio is
  gone); they end ``failed``. A tool runs at most once per call id (a re-asked turn's new call
  has a new id). A reconnect without a resumption handle after a turn ended reports
  "reconnected, context lost" instead of "resumed".
- The reader never dies: a frame or event that cannot be used becomes an ``error`` event in the
  recording and a warning; if the reader ends anyway, the session closes naming the cause and
  every pending ``ask()`` raises it.
- Keepalive: pings every 20 s, 60 s to answer, so slow pongs don't kill a session.
- Backpressure: outgoing frames go through a bounded queue; when the network stalls, the oldest
  audio is dropped, counted in ``stats`` and reported (an :class:`AudioDropped` event and a
  warning, at most once a second); control messages are never dropped.
- Tools: a call still running after ``tool_timeout`` (30 s) is cancelled and answered with an
  error response, so the model is never left waiting (a sync function's thread runs on).

Modules: :mod:`.live` (LiveSession, a façade owning the objects below), :mod:`.link_machine`
(the connection rules as a pure state machine: status, retries, backoff, goAway, resumption,
failure counting), :mod:`.link` (performs them with websockets; the one redaction point),
:mod:`.sender` (bounded queue and writer), :mod:`.turns` (what each open turn re-sends, who
waits), :mod:`.tool_runner` (tool calls in, responses out), :mod:`.receiver` (frames into
events), :mod:`.hub` (listeners), :mod:`.inputs` and :mod:`.content` (what the user sends,
``ask()``), :mod:`.modalities` (the mixroute fallback), :mod:`.wire` (the websockets internals
the send path uses), :mod:`.closes` (``CloseCode``, fatal codes, hints), :mod:`.events` (status,
cuts, drops, counters), :mod:`.connecting` (``connect()``), :mod:`.embedded` (the emulator).
"""

from __future__ import annotations

from .closes import close_hint
from .connecting import connect, connect_sync
from .events import AudioDropped, PlaybackCut, SessionStats, SessionStatus
from .live import LiveSession

__all__ = [
    "AudioDropped",
    "LiveSession",
    "PlaybackCut",
    "SessionStats",
    "SessionStatus",
    "close_hint",
    "connect",
    "connect_sync",
]
