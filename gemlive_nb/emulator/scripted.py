"""Scripted mode: the emulator plays an exact conversation, for tests of client edge cases.

A script is a list of steps, run in order for every connection::

    script = [
        {"expect": {"setup": {"model": "models/gemini-2.5-flash-native-audio-preview-12-2025"}}},
        {"send": {"setupComplete": {}}},
        {"expect": "clientContent"},                 # just the message type
        {"send": [{"serverContent": {"turnComplete": True}}]},   # several frames
        {"sleep": 0.1},
        {"close": 1011, "reason": "Internal error occurred."},   # or {"drop": True}
    ]
    Emulator(script=script)

``expect`` waits for the next client message (keys normalised to camelCase) and checks that it
contains the given partial dict (lists must match item by item, as partial dicts); a mismatch
closes the connection with 1007 and a reason naming the first differing field. ``send`` writes
each dict as a binary JSON frame (``str``/``bytes`` are sent as they are). After the last step the
emulator keeps reading (and recording) client messages until the client closes.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from ..exceptions import ConfigError
from ..protocol import normalize_keys
from .frames import frame as _frame
from .frames import summary as _summary
from .live import LiveConnection

__all__ = ["mismatch", "run_script"]


def mismatch(expected: Any, actual: Any, path: str = "") -> str | None:
    """The path of the first place where ``actual`` does not contain ``expected``, or None."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return path or "message"
        for key, value in expected.items():
            if key not in actual:
                return f"{path}.{key}".lstrip(".")
            found = mismatch(value, actual[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) < len(expected):
            return path
        for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
            found = mismatch(e, a, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if expected == actual else path


async def _next_message(conn: LiveConnection) -> dict[str, Any]:
    frame = await conn.ws.recv()
    msg = normalize_keys(json.loads(frame))
    conn.record.note_message(_summary(msg))
    if "setup" in msg and conn.record.setup is None:
        conn.record.setup = msg["setup"]
    return msg


async def run_script(conn: LiveConnection, script: list[dict[str, Any]]) -> None:
    """Play ``script`` on one accepted connection (see the module doc for the steps)."""
    for i, step in enumerate(script):
        if "expect" in step:
            want = step["expect"]
            msg = await _next_message(conn)
            where = (
                (None if want in msg else want)
                if isinstance(want, str)
                else mismatch(normalize_keys(want), msg)
            )
            if where:
                await conn.close(1007, f"script step {i}: expected {where} in the client message")
                return
        elif "send" in step:
            frames = step["send"] if isinstance(step["send"], list) else [step["send"]]
            for f in frames:
                data = f if isinstance(f, (str, bytes)) else _frame(f)
                await conn.ws.send(data)
                conn.record.sent.append(next(iter(f)) if isinstance(f, dict) else "raw")
        elif "sleep" in step:
            await asyncio.sleep(float(step["sleep"]))
        elif "close" in step:
            await conn.close(int(step["close"]), str(step.get("reason", "")))
            return
        elif step.get("drop"):
            conn.drop()
            return
        else:
            raise ConfigError(f"script step {i} has no expect/send/sleep/close/drop: {step!r}")
    try:
        while True:
            await _next_message(conn)
    except Exception:  # the client closed
        return
