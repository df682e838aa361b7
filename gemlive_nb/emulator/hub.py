"""What all connections of one emulator share (:class:`Hub`) and what one did.

A :class:`SessionRecord` holds what one connection did.

Not a public API except :class:`SessionRecord` (``Emulator.sessions``).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..protocol import OUTPUT_RATE, encode_b64
from ..protocol.service_rules import AUDIO_SESSION_S, LATEST, VIDEO_SESSION_S
from .cache import BoundedCache
from .faults import Faults
from .frames import audio_frame
from .handles import HandleStore
from .orders import Orders
from .responder import Responder
from .vad_batch import VadBatch

__all__ = ["KEEP_AUDIO", "Hub", "SessionRecord"]

KEEP_AUDIO = 3000  # audio chunks listed per direction (a minute of 20 ms chunks)


@dataclass
class SessionRecord:
    """What one connection did, for tests: path, redacted headers, setup, client messages.

    ``messages`` holds every client message after normalisation (camelCase); audio payloads are
    summarised as ``{"mimeType": ..., "bytes": n}``. ``sent`` lists the server message kinds in
    order (``"setupComplete"``, ``"audio"``, ``"outputTranscription"``, ``"turnComplete"``…).
    So that a long session's record stays small, only the first :data:`KEEP_AUDIO` audio
    chunks each way are listed; ``audio_in`` / ``audio_out`` count them all, ``audio_in_bytes``
    sums the client's audio.
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
    audio_in: int = 0
    audio_in_bytes: int = 0
    audio_out: int = 0

    def note_audio(self, mime: str, size: int) -> None:
        """One client audio chunk of ``size`` bytes (listed while under the cap)."""
        self.audio_in += 1
        self.audio_in_bytes += size
        if self.audio_in <= KEEP_AUDIO:
            self.messages.append({"realtimeInput": {"audio": {"mimeType": mime, "bytes": size}}})

    def note_message(self, msg: dict[str, Any]) -> None:
        """One summarised client message; audio-carrying ones count toward the audio cap."""
        ri = msg.get("realtimeInput")
        blobs = []
        if isinstance(ri, dict):
            blobs = [ri["audio"]] if isinstance(ri.get("audio"), dict) else []
            blobs += [c for c in ri.get("mediaChunks") or () if isinstance(c, dict)]
        if not blobs:
            self.messages.append(msg)
            return
        self.audio_in += 1
        self.audio_in_bytes += sum(int(b.get("bytes", 0)) for b in blobs)
        if self.audio_in <= KEEP_AUDIO:
            self.messages.append(msg)

    def note_sent(self, kind: str) -> None:
        """One server message of ``kind`` (audio listed while under the cap)."""
        if kind == "audio":
            self.audio_out += 1
            if self.audio_out > KEEP_AUDIO:
                return
        self.sent.append(kind)

    @property
    def duration(self) -> float:
        """Seconds from the session's start to its end (or to now while it runs)."""
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
    strict: bool = True
    proxy_modalities: str = "seed"  # how the mixroute path treats modalities (see .proxy)
    audio_session_s: float = AUDIO_SESSION_S.value  # the service's limits without compression
    video_session_s: float = VIDEO_SESSION_S.value
    rules: str = LATEST  # the dated service rules sessions are held to (protocol.service_rules)
    handles: HandleStore = field(default_factory=HandleStore)
    partials_running: int = 0  # partial input transcriptions in flight (all connections)
    max_partials: int = 2  # beyond this, partials are skipped: the final transcript still comes
    vad_batch: VadBatch = field(default_factory=VadBatch)  # energy-VAD work of one loop tick
    # Every reply speaks these samples (int16, 24 kHz) instead of synthesized speech: for tests
    # that must know the reply's exact audio (a fake microphone carrying the reply's own echo).
    reply_audio: np.ndarray | None = None
    orders: Orders = field(default_factory=Orders)  # common or adversarial reply orders
    _tts_cache: BoundedCache = field(default_factory=lambda: BoundedCache(256, refresh=False))
    _asr_cache: BoundedCache[tuple[bytes, str], str] = field(
        default_factory=lambda: BoundedCache(1024, refresh=False)
    )
    _frame_cache: BoundedCache = field(default_factory=lambda: BoundedCache(256, refresh=False))

    @property
    def speed(self) -> float:
        """Pacing speed: 0 = as fast as possible, 1 = playback speed, 4 = four times faster."""
        if self.realtime is True:
            return 1.0
        return float(self.realtime or 0.0)

    def synthesize(self, text: str, voice: str, language: str) -> np.ndarray:
        """Reply audio (int16, 24 kHz), cached: identical replies are synthesized once."""
        if self.reply_audio is not None:
            return self.reply_audio
        key = (text, voice, language)
        hit = self._tts_cache.get(key)
        if hit is None:
            audio = np.asarray(self.speech.synthesize(text, voice, language), dtype=np.int16)
            hit = self._tts_cache.put(key, audio)
        return hit

    async def transcribe(self, samples: np.ndarray, language: str) -> str:
        """What the recogniser hears in ``samples``, run in a thread.

        Cached by the audio's digest: the same utterance (a test's or benchmark's repeated
        question) is recognised once.
        """
        key = (hashlib.blake2b(samples.tobytes(), digest_size=16).digest(), language)
        hit = self._asr_cache.get(key)
        if hit is not None:
            return hit
        text = await asyncio.to_thread(self.speech.transcribe, samples, language)
        return self._asr_cache.put(key, text)

    def reply_frames(self, text: str, voice: str, language: str) -> tuple[list[bytes], int]:
        """The reply's audio as ready-to-send server frames of ``chunk_ms`` each, and its length.

        Returns the frames and the sample count. Cached, so a repeated reply costs no synthesis,
        base64 or JSON work.
        """
        key = (text, voice, language, self.chunk_ms)
        hit = self._frame_cache.get(key)
        if hit is None:
            audio = self.synthesize(text, voice, language)
            step = OUTPUT_RATE * self.chunk_ms // 1000
            frames = [
                audio_frame(encode_b64(audio[i : i + step].tobytes()))
                for i in range(0, len(audio), step)
            ]
            hit = self._frame_cache.put(key, (frames, len(audio)))
        return hit
