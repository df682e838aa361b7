"""Orders and fields the real service was recorded sending that a plain reply would not have.

The evidence is real frames: pydantic-ai's Gemini Live cassettes, recorded from Google's services
in August 2026 (MIT; the repository's ``tests/data/cassettes/``). Per model and endpoint:

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

Other models: unverified, so none of these. Example::

    orders_for("gemini-3.1-flash-live-preview", "google").empty_first   # True
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .frames import OUT_MIME

__all__ = ["THOUGHT", "Orders", "orders_for"]

_EMPTY_FIRST = {"gemini-3.1-flash-live-preview"}
_THOUGHTS = {
    "gemini-2.5-flash-native-audio-preview-09-2025",
    "gemini-2.5-flash-native-audio-latest",
}
THOUGHT = (
    "**Answering the User**\n\nI've read the request and will answer it briefly and directly, "
    "in the user's language.\n\n"
)
_RATE = f'"{OUT_MIME}"'.encode()
_NO_RATE = b'"audio/pcm"'


@dataclass(frozen=True)
class Orders:
    """Which recorded orders one connection follows (see the module doc)."""

    empty_first: bool = False  # 3.1: serverContent {} opens a reply
    merged: bool = False  # 3.1: transcript piece and audio chunk in one message
    thoughts: bool = False  # 2.5 native audio: a thought part before the reply
    vertex: bool = False  # wordless transcripts, no rate, a tool turn closed twice

    def audio(self, frame: bytes, pieces: list[str] | tuple[str, ...] = ()) -> bytes:
        """An audio frame as this endpoint sends it, carrying ``pieces`` when merged."""
        if self.vertex:
            frame = frame.replace(_RATE, _NO_RATE, 1)
        if self.merged and pieces:
            msg = json.loads(frame)
            msg["serverContent"]["outputTranscription"] = {"text": "".join(pieces)}
            frame = json.dumps(msg, separators=(",", ":"), ensure_ascii=False).encode()
        return frame

    def opening(self, after_tool: bool, transcribed: bool) -> list[dict[str, Any]]:
        """The frames that open a reply (``after_tool``: it answers a tool response)."""
        out: list[dict[str, Any]] = []
        if self.empty_first:
            out.append({"serverContent": {}})
        if self.thoughts and not after_tool:
            part = {"text": THOUGHT, "thought": True}
            out.append({"serverContent": {"modelTurn": {"parts": [part]}}})
        if self.vertex and transcribed:
            out.append({"serverContent": {"outputTranscription": {}}})
        return out

    def transcript_end(self, transcribed: bool) -> list[dict[str, Any]]:
        """The frames after a reply's last transcript piece."""
        if self.vertex and transcribed:
            return [{"serverContent": {"outputTranscription": {"finished": True}}}]
        return []

    def closes_tool_turn(self, after_tool: bool) -> bool:
        """Whether the reply to a tool response first closes the tool's turn."""
        return self.vertex and after_tool


def orders_for(model: str, dialect: str) -> Orders:
    """The recorded orders of ``model`` (a bare id) on the ``dialect`` endpoint."""
    return Orders(
        empty_first=model in _EMPTY_FIRST,
        merged=model in _EMPTY_FIRST,
        thoughts=model in _THOUGHTS and dialect != "vertex",
        vertex=dialect == "vertex",
    )
