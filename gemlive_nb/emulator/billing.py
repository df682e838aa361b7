"""What a turn costs in tokens, as the service counts them (``usageMetadata``).

Not a public API.
"""

from __future__ import annotations

from typing import Any

from ..protocol import Usage
from .behaviour import compress
from .connection import Session
from .responder import audio_tokens, text_tokens

__all__ = ["session_usage"]


def session_usage(session: Session, out_text: int, out_audio: int) -> dict[str, Any]:
    """The usage of a turn that answered with ``out_text`` / ``out_audio`` tokens.

    The whole context is the prompt (as the service counts it), the reply the response. With
    context compression on, the conversation is trimmed first (``session.history`` changes).
    """
    cfg = session.cfg
    p_text = text_tokens(cfg.system_instruction) if cfg else 0
    p_audio = session.video_tokens
    if cfg is not None and cfg.compression:
        trigger, target = cfg.compression
        session.history = compress(session.history, p_text + p_audio, trigger, target, _cost)
    context = list(session.history)
    while context and context[-1]["role"] == "model":  # this reply is not prompt
        context.pop()
    for h in context:
        p_text += text_tokens(h["text"]) if not h["audio_s"] else 0
        p_audio += audio_tokens(h["audio_s"])
    details = {"text": p_text}
    if p_audio:
        details["audio"] = p_audio
    response = {"audio": out_audio} if out_audio else {"text": out_text}
    total_in = p_text + p_audio
    total_out = out_audio + out_text
    usage = Usage(
        prompt_tokens=total_in,
        response_tokens=total_out,
        total_tokens=total_in + total_out,
        prompt_details=details,
        response_details=response,
    )
    return usage.to_dict(session.dialect)


def _cost(entry: dict[str, Any]) -> int:
    """Tokens one history entry takes in the context."""
    return audio_tokens(entry["audio_s"]) if entry["audio_s"] else text_tokens(entry["text"])
