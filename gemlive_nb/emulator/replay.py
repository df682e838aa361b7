"""Replay mode: the emulator serves a recorded conversation (a *cassette*) back to any client.

Someone with a key records once (``gl.connect(record_frames=True)``, then
``s.recording.save(DIR)``); everyone replays offline, with the kit, the unmodified google-genai
SDK or a browser::

    with Emulator(replay="rec/") as emu:          # or a .jsonl file; speed=0: no waiting
        ...                                       # connect a client to emu.url as usual

Shell: ``python -m gemlive_nb.emulator --replay rec/ --speed 2``.

**Cassette format** (``frames.jsonl``): one JSON object per line, in the order they happened::

    {"t": 0.012, "dir": "send", "frame": "{\\"setup\\":{...}}"}      the client sent this frame
    {"t": 0.051, "dir": "recv", "frame": "{\\"setupComplete\\":{}}"}  the server sent this frame
    {"t": 9.800, "dir": "close", "code": 1011, "reason": "..."}     the server closed (1006: a drop)
    {"meta": {...}}                                                  ignored (provenance, notes)

``t`` is seconds since the session started (a monotonic clock; optional — without it frames go
as fast as possible); ``frame`` is the frame's text exactly as on the wire. Each ``setup`` the
client sent starts a new connection (a reconnect); the emulator's n-th connection replays the
n-th one, and after the last one the first again (so one emulator serves client after client).

**How it advances.** The recorded client frames are grouped into *turns* of one kind: setup, a
text turn (``clientContent`` with ``turnComplete``, or ``realtimeInput.text`` — the same user
turn on either path), history (``clientContent`` without ``turnComplete``; skipped when the
client sends its text turn in one message), audio (a run of ``realtimeInput`` audio: one user
turn, however the client chunks it), the end of that audio (``audioStreamEnd`` /
``activityEnd``: ended by the signal, the client moving on, half a second without audio, or —
``speed`` > 0 — the recorded length of the run), a tool response, a context update. Before each
group of server frames the emulator waits for the client's message of the kind that preceded it
in the recording, then sends the frames with the recorded spacing divided by ``speed`` (0: no
waiting). Video is never waited for. A client that sends a different kind is told so: close
1007 ``"replay expected a text turn, got realtimeInput audio"``; so is a setup for another
model. Other contents are not compared (the SDK and the kit word the same turn differently).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..exceptions import ConfigError
from ..protocol import normalize_keys
from .frames import summary
from .setup import close_reason, model_id

__all__ = ["Cassette", "Step", "client_kind", "load_cassette", "run_replay"]

KIND_NAMES = {
    "setup": "a setup",
    "text": "a text turn",
    "history": "history turns (clientContent without turnComplete)",
    "audio": "realtimeInput audio",
    "audio_end": "the end of audio (audioStreamEnd or activityEnd)",
    "tool": "a toolResponse",
    "context": "a contextUpdate",
    "video": "realtimeInput video",
    "other": "an unknown message",
}
_AUDIO_ENDS = ("audioStreamEnd", "activityEnd")
_QUIET_S = 0.5  # no audio for this long: the client stopped talking (the end of its audio)


def client_kind(msg: dict[str, Any]) -> str:
    """The turn kind of one client message (camelCase keys), a key of :data:`KIND_NAMES`."""
    if "setup" in msg:
        return "setup"
    if "toolResponse" in msg:
        return "tool"
    if "contextUpdate" in msg:
        return "context"
    cc = msg.get("clientContent")
    if isinstance(cc, dict):
        return "text" if cc.get("turnComplete") else "history"
    ri = msg.get("realtimeInput")
    if isinstance(ri, dict):
        if isinstance(ri.get("text"), str):
            return "text"
        chunks = [c for c in ri.get("mediaChunks") or () if isinstance(c, dict)]
        if "audio" in ri or "activityStart" in ri:
            return "audio"
        if any(k in ri for k in _AUDIO_ENDS):
            return "audio_end"
        if chunks:
            mime = str(chunks[0].get("mimeType", ""))
            return "audio" if mime.startswith("audio") else "video"
        if "video" in ri:
            return "video"
    return "other"


@dataclass
class Step:
    """One replay step: ``expect`` a client kind, ``send`` a server frame, or ``close``."""

    op: str
    t: float | None = None
    kind: str = ""  # expect: the client kind
    frame: str = ""  # send: the frame text
    code: int = 1000  # close
    reason: str = ""
    run_s: float | None = None  # audio_end: the recorded length of the audio run


@dataclass
class Cassette:
    """A loaded cassette: one list of steps per recorded connection (see the module doc).

    Example::

        cassette = load_cassette("rec/")
        cassette.connections[0][0]   # Step(op='expect', kind='setup', ...)
    """

    source: str
    connections: list[list[Step]] = field(default_factory=list)
    _next: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def take(self) -> list[Step]:
        """The steps for the next client connection (after the last one, the first again)."""
        with self._lock:
            self._next += 1
            return self.connections[(self._next - 1) % len(self.connections)]


def _entries(path: Path) -> Iterator[tuple[int, Any]]:
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    entry = json.loads(line)
                except ValueError as e:
                    where = f"cassette {str(path)!r} line {n}"
                    raise ConfigError(f"{where} is not JSON ({e})") from None
                yield n, entry


def _time(entry: dict[str, Any], where: str) -> float | None:
    t = entry.get("t")
    if t is None:
        return None
    if isinstance(t, bool) or not isinstance(t, (int, float)) or t < 0:
        raise ConfigError(f"{where}: t must be seconds >= 0, got {t!r}")
    return float(t)


def load_cassette(source: str | Path | Any) -> Cassette:
    """Read a cassette: a ``.jsonl`` file, a saved recording's directory, or ``s.recording``.

    A recording must have kept its frames (``connect(record_frames=True)``). Raises
    :class:`~gemlive_nb.exceptions.ConfigError` naming the file, line and fix.
    """
    frames = getattr(source, "frames", None)
    if isinstance(frames, list):
        return _parse("the recording's frames", enumerate(frames, 1))
    if not isinstance(source, (str, Path)):
        raise ConfigError(
            f"replay= takes a cassette path or a recording made with record_frames=True, "
            f"not {type(source).__name__}"
        )
    path = Path(source)
    if path.is_dir():
        path = path / "frames.jsonl"
    if not path.is_file():
        raise ConfigError(
            f"replay={str(source)!r}: no cassette there — pass a frames.jsonl file or the "
            "directory a recording made with connect(record_frames=True) was saved to"
        )
    return _parse(f"cassette {str(path)!r}", _entries(path))


def _parse(name: str, entries: Iterable[tuple[int, Any]]) -> Cassette:
    cassette = Cassette(name)
    steps: list[Step] | None = None
    last_expect = ""
    run_start: float | None = None
    for n, entry in entries:
        where = f"{name} line {n}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where} is not a JSON object")
        direction = entry.get("dir")
        if "meta" in entry and direction is None:
            continue
        t = _time(entry, where)
        if direction == "close":
            code = entry.get("code", 1000)
            if isinstance(code, bool) or not isinstance(code, int) or not 1000 <= code <= 4999:
                raise ConfigError(f"{where}: a close code must be 1000-4999, got {code!r}")
            if steps is not None:
                steps.append(Step("close", t, code=code, reason=str(entry.get("reason", ""))))
            continue
        text = entry.get("frame")
        if direction not in ("send", "recv") or not isinstance(text, str):
            raise ConfigError(
                f"{where}: expected {{'t', 'dir': 'send'|'recv', 'frame': '<json text>'}}, "
                f"got {entry!r:.80}"
            )
        if direction == "recv":
            if steps is None:
                raise ConfigError(f"{where}: a server frame before the client's setup")
            steps.append(Step("send", t, frame=text))
            if "turnComplete" in text:
                last_expect = ""  # the next audio after a finished turn is a new spoken turn
            continue
        try:
            msg = normalize_keys(json.loads(text))
        except ValueError as e:
            raise ConfigError(f"{where}: the client frame is not JSON ({e})") from None
        kind = client_kind(msg) if isinstance(msg, dict) else "other"
        if kind == "setup":
            steps = []
            cassette.connections.append(steps)
        elif steps is None:
            raise ConfigError(f"{where}: a client frame before the setup")
        if kind == "video" or (kind in ("audio", "audio_end") and last_expect == kind):
            continue  # never waited for / the same audio run
        step = Step("expect", t, kind=kind, frame=text if kind == "setup" else "")
        if kind == "audio":
            run_start = t
        elif kind == "audio_end" and t is not None and run_start is not None:
            step.run_s = t - run_start
        steps.append(step)
        last_expect = kind
    if not cassette.connections:
        raise ConfigError(f"{name} has no setup frame: nothing to replay")
    return cassette


class _Client:
    """The client's messages of one connection, as (kind, message) in arrival order."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.queue: asyncio.Queue[tuple[str, dict[str, Any]] | None] = asyncio.Queue()
        self.pushed: list[tuple[str, dict[str, Any]]] = []
        self.task = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        try:
            async for data in self.conn.ws:
                try:
                    msg = normalize_keys(json.loads(data))
                except ValueError:
                    msg = None
                if not isinstance(msg, dict):
                    await self.conn.close(1007, "Invalid JSON payload received.")
                    break
                self.conn.record.note_message(summary(msg))
                if "setup" in msg and self.conn.record.setup is None:
                    self.conn.record.setup = msg["setup"]
                self.queue.put_nowait((client_kind(msg), msg))
        except Exception:  # the client went away; the replay ends below
            pass
        self.queue.put_nowait(None)

    def drop_audio(self) -> None:
        """Forget the audio already received: it belongs to the spoken turn answered before."""
        kept = []
        while not self.queue.empty():
            item = self.queue.get_nowait()
            if item is None or item[0] != "audio":
                kept.append(item)
        for item in kept:
            self.queue.put_nowait(item)

    async def next(self) -> tuple[str, dict[str, Any]] | None:
        if self.pushed:
            return self.pushed.pop()
        return await self.queue.get()


def _other_model(recorded: str, msg: dict[str, Any]) -> str | None:
    """Why a setup for another model than the recorded one cannot be served (None: it can)."""
    want = model_id(str(normalize_keys(json.loads(recorded))["setup"].get("model", "")))
    got = model_id(str(msg["setup"].get("model", "")))
    return None if got == want else close_reason(f"replay recorded {want}, got setup for {got}")


async def _audio_end(client: _Client, run_s: float | None, speed: float) -> str | None:
    """Wait for the end of the client's audio run; None when it came ("" if the client closed).

    It ends with an end signal, another kind of message, a quiet :data:`_QUIET_S`, or (``speed``
    > 0) once the recorded length ``run_s`` of the run has passed.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + run_s / speed if speed > 0 and run_s is not None else None
    while True:
        wait = _QUIET_S if deadline is None else min(_QUIET_S, max(0.0, deadline - loop.time()))
        try:
            got = await asyncio.wait_for(client.next(), wait)
        except asyncio.TimeoutError:
            return None
        if got is None:
            return ""  # the client closed
        if got[0] == "audio_end":
            return None
        if got[0] not in ("audio", "video"):
            client.pushed.append(got)  # the client went on to something else
            return None
        if deadline is not None and loop.time() >= deadline:
            return None


async def _expect(
    client: _Client, step: Step, following: str, in_audio: bool, speed: float
) -> str | None:
    """Wait for the client's message of the kind ``step`` expects; None when it came, else why.

    A setup for another model than the recorded one diverges. A new spoken turn after one that
    was answered starts with audio received from now on.
    """
    want = step.kind
    if want == "audio_end":
        return await _audio_end(client, step.run_s, speed)
    if want == "audio" and in_audio:
        client.drop_audio()
    while True:
        got = await client.next()
        if got is None:
            return ""  # the client closed
        kind, msg = got
        if kind == want:
            return _other_model(step.frame, msg) if want == "setup" else None
        if kind in ("video", "audio_end") or (kind == "audio" and in_audio):
            continue
        if want == "history" and kind == "text" and following == "text":
            client.pushed.append(got)  # history and question in one message: both steps done
            return "skip"
        return close_reason(f"replay expected {KIND_NAMES[want]}, got {KIND_NAMES[kind]}")


async def run_replay(conn: Any, steps: list[Step], speed: float) -> None:
    """Serve one recorded connection ``steps`` on ``conn`` (see the module doc)."""
    client = _Client(conn)
    loop = asyncio.get_running_loop()
    anchor: tuple[float, float] | None = None  # (wall time, recorded time) of the last match
    in_audio = False
    i = 0
    try:
        while i < len(steps):
            step = steps[i]
            if step.op == "expect":
                following = steps[i + 1].kind if i + 1 < len(steps) else ""
                why = await _expect(client, step, following, in_audio, speed)
                if why == "":
                    return
                if why not in (None, "skip"):
                    await conn.close(1007, str(why))
                    return
                in_audio = step.kind in ("audio", "audio_end")
                if step.t is not None:
                    anchor = (loop.time(), step.t)
            else:
                if speed > 0 and anchor is not None and step.t is not None:
                    due = anchor[0] + (step.t - anchor[1]) / speed
                    await asyncio.sleep(max(0.0, due - loop.time()))
                if step.op == "close":
                    if step.code == 1006:  # the recorded connection dropped
                        conn.drop()
                    else:
                        await conn.close(step.code, step.reason)
                    return
                await conn.ws.send(step.frame.encode())
                conn.record.note_sent(_sent_kind(step.frame))
            i += 1
        await _after_the_end(conn, client, in_audio)
    finally:
        client.task.cancel()


async def _after_the_end(conn: Any, client: _Client, in_audio: bool) -> None:
    """The recording is over: keep reading until the client closes; a new turn diverges."""
    while (got := await client.next()) is not None:
        kind = got[0]
        if kind in ("video", "audio_end") or (kind == "audio" and in_audio):
            continue
        await conn.close(1007, f"replay reached the end of the recording, got {KIND_NAMES[kind]}")
        return


def _sent_kind(frame: str) -> str:
    """The session record's name for a replayed server frame (its first key)."""
    try:
        msg = json.loads(frame)
    except ValueError:
        return "raw"
    if isinstance(msg, dict) and msg:
        sc = msg.get("serverContent")
        if isinstance(sc, dict) and sc:
            return next(iter(sc))
        return next(iter(msg))
    return "raw"
