"""Fakes for unit tests of the emulator connection's parts (no sockets, no server)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import numpy as np

from gemlive_nb.emulator.connection import Session
from gemlive_nb.emulator.faults import Faults
from gemlive_nb.emulator.frames import Closed
from gemlive_nb.emulator.hub import Hub, SessionRecord
from gemlive_nb.emulator.responder import Responder
from gemlive_nb.emulator.setup import SessionSetup, validate_setup

MODEL = "models/gemini-2.5-flash-native-audio-preview-12-2025"
WEATHER = {
    "functionDeclarations": [
        {
            "name": "get_weather",
            "description": "Weather in a city.",
            "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}},
        }
    ]
}


class FakeSender:
    """Collects what a part sends (decoded) and how it closed the connection."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.frames: list[tuple[str, Any]] = []  # (kind, decoded message)
        self.closes: list[tuple[int, str]] = []
        self.dropped = False

    async def send(self, data: bytes, kind: str) -> None:
        if self.session.closed:
            raise Closed
        self.frames.append((kind, json.loads(data)))

    async def send_msg(self, msg: dict[str, Any], kind: str) -> None:
        if self.session.closed:
            raise Closed
        self.frames.append((kind, json.loads(json.dumps(msg))))

    async def close(self, code: int, reason: str) -> None:
        self.session.closed = True
        self.closes.append((code, reason))

    def drop(self) -> None:
        self.session.closed = True
        self.dropped = True

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.frames]

    def messages(self, kind: str) -> list[Any]:
        return [msg for k, msg in self.frames if k == kind]


class FakeSpeech:
    """Hears ``words`` in any audio; says silence."""

    def __init__(self, words: str = "What is my name") -> None:
        self.words = words
        self.heard: list[int] = []  # sample counts of what it was asked to transcribe

    def transcribe(self, samples: np.ndarray, language: str) -> str:
        self.heard.append(len(samples))
        return self.words

    def synthesize(self, text: str, voice: str, language: str) -> np.ndarray:
        return np.zeros(2400, np.int16)


def make_hub(**kwargs: Any) -> Hub:
    faults = kwargs.pop("faults", None) or Faults()
    speech = kwargs.pop("speech", None) or FakeSpeech()
    return Hub(dialect="google", speech=speech, faults=faults, responder=Responder(0), **kwargs)


def make_cfg(text: bool = False, **setup: Any) -> SessionSetup:
    cfg = validate_setup({"model": MODEL, **setup})
    return dataclasses.replace(cfg, modalities=("TEXT",)) if text else cfg


def make_session(cfg: SessionSetup | None = None, kind: str = "google") -> Session:
    return Session(SessionRecord(1, "/ws", {}), kind=kind, cfg=cfg)
