"""Server frames and small text helpers shared by the connection's parts (not a public API)."""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = [
    "OUT_MIME",
    "Closed",
    "audio_frame",
    "frame",
    "is_connection_closed",
    "nbytes",
    "piece_marks",
    "spoken_prefix",
    "summary",
    "transcript_pieces",
    "with_transcript",
    "without_rate",
]

OUT_MIME = "audio/pcm;rate=24000"
_MIME_FIELD = f'"{OUT_MIME}"'.encode()


class Closed(Exception):
    """Internal: the connection was closed by us; stop processing."""


def frame(msg: dict[str, Any]) -> bytes:
    """``msg`` as a compact UTF-8 JSON frame, the way the service writes them."""
    return json.dumps(msg, separators=(",", ":"), ensure_ascii=False).encode()


def audio_frame(b64: str) -> bytes:
    """A model-turn frame carrying one chunk of 24 kHz PCM audio, already base64 ``b64``.

    Built by concatenation: the same bytes as :func:`frame` would give, without the JSON work.
    """
    return (
        '{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"'
        + OUT_MIME
        + '","data":"'
        + b64
        + '"}}]}}}'
    ).encode()


def without_rate(audio: bytes) -> bytes:
    """An :func:`audio_frame` as Vertex sends it: ``"audio/pcm"`` without a rate (24 kHz)."""
    return audio.replace(_MIME_FIELD, b'"audio/pcm"', 1)


def with_transcript(audio: bytes, text: str) -> bytes:
    """An :func:`audio_frame` carrying a transcript piece in the same message (as 3.1 sends it)."""
    piece = json.dumps({"text": text}, separators=(",", ":"), ensure_ascii=False).encode()
    return audio[:-2] + b',"outputTranscription":' + piece + b"}}"


def nbytes(b64: str) -> int:
    """Decoded size of base64 text (either alphabet) without decoding it."""
    return len(b64) * 3 // 4 - b64[-2:].count("=")


def summary(msg: dict[str, Any]) -> dict[str, Any]:
    """``msg`` with audio/video bytes replaced by their size (keeps session records small)."""
    ri = msg.get("realtimeInput")
    if not isinstance(ri, dict):
        return msg
    out = dict(ri)
    for key in ("audio", "video"):
        blob = out.get(key)
        if isinstance(blob, dict) and isinstance(blob.get("data"), str):
            out[key] = {"mimeType": blob.get("mimeType"), "bytes": nbytes(blob["data"])}
    if isinstance(out.get("mediaChunks"), list):
        out["mediaChunks"] = [
            {"mimeType": c.get("mimeType"), "bytes": nbytes(str(c.get("data", "")))}
            for c in out["mediaChunks"]
            if isinstance(c, dict)
        ]
    return {"realtimeInput": out}


def is_connection_closed(e: BaseException) -> bool:
    """Whether ``e`` is one of websockets' ``ConnectionClosed*`` errors (a normal end)."""
    return type(e).__name__.startswith("ConnectionClosed")


def transcript_pieces(text: str, words_per_piece: int = 3) -> list[str]:
    """Transcript deltas as the service sends them: a few words each, spaces kept."""
    tokens = re.findall(r"\s*\S+", text)
    if not tokens:
        return []
    return [
        "".join(tokens[i : i + words_per_piece]) for i in range(0, len(tokens), words_per_piece)
    ]


def piece_marks(pieces: list[str], n_frames: int) -> dict[int, list[str]]:
    """Map audio chunk index -> transcript pieces to send just before it."""
    total = sum(len(p) for p in pieces) or 1
    out: dict[int, list[str]] = {}
    done = 0
    for piece in pieces:
        at = min(n_frames, int(done / total * n_frames))
        out.setdefault(at, []).append(piece)
        done += len(piece)
    return out


def spoken_prefix(text: str, fraction: float) -> str:
    """The part of ``text`` spoken when ``fraction`` of its audio was sent (whole words)."""
    cut = int(len(text) * fraction)
    return text[:cut].rsplit(" ", 1)[0] if cut < len(text) else text
