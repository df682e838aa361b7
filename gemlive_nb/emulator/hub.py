"""What all connections of one emulator share (:class:`Hub`) and what one did
(:class:`SessionRecord`).

Not a public API except :class:`SessionRecord` (``Emulator.sessions``).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .faults import Faults
from .responder import Responder

__all__ = ["Hub", "SessionRecord"]


@dataclass
class SessionRecord:
    """What one connection did, for tests: path, redacted headers, setup, client messages.

    ``messages`` holds every client message after normalisation (camelCase); audio payloads are
    summarised as ``{"mimeType": ..., "bytes": n}``. ``sent`` lists the server message kinds in
    order (``"setupComplete"``, ``"audio"``, ``"outputTranscription"``, ``"turnComplete"``…).
    """

    id: int
    path: str
    headers: dict[str, str]
    setup: dict[str, Any] | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    turns: int = 0
    close_code: int | None = None
    close_reason: str = ""
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None

    @property
    def duration(self) -> float:
        return (self.ended or time.monotonic()) - self.started


@dataclass
class Hub:
    """What all connections of one emulator share: options, faults, speech, resumption handles."""

    dialect: str
    speech: Any
    faults: Faults
    responder: Responder
    seed: int = 0
    latency: float = 0.0
    chunk_ms: int = 40
    burst: int = 5
    realtime: bool | float = False
    allow_unknown_models: bool = False
    handles: OrderedDict = field(default_factory=OrderedDict)  # handle -> saved state
    max_handles: int = 4096
    _tts_cache: OrderedDict = field(default_factory=OrderedDict)

    @property
    def speed(self) -> float:
        """Pacing speed: 0 = as fast as possible, 1 = playback speed, 4 = four times faster."""
        if self.realtime is True:
            return 1.0
        return float(self.realtime or 0.0)

    def synthesize(self, text: str, voice: str, language: str) -> np.ndarray:
        """Reply audio (int16, 24 kHz), cached: identical replies are synthesized once."""
        key = (text, voice, language)
        hit = self._tts_cache.get(key)
        if hit is None:
            hit = np.asarray(self.speech.synthesize(text, voice, language), dtype=np.int16)
            self._tts_cache[key] = hit
            if len(self._tts_cache) > 256:
                self._tts_cache.popitem(last=False)
        return hit
