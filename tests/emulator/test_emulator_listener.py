"""The emulator's listener alone: audio in, intents out (fake turns, fake sender, no sockets)."""

from __future__ import annotations

import asyncio

import numpy as np
from emulator_fakes import FakeSender, FakeSpeech, make_cfg, make_hub, make_session

from gemlive_nb.emulator.listener import MAX_UTTERANCE, Listener
from gemlive_nb.emulator.setup import SessionSetup
from gemlive_nb.emulator.vad import VadEvent
from gemlive_nb.protocol import INPUT_RATE

MANUAL = {"realtimeInputConfig": {"automaticActivityDetection": {"disabled": True}}}


class FakeTurns:
    """Records what the listener asks for."""

    def __init__(self, playing: bool = False) -> None:
        self.replies: list[str | None] = []
        self.interrupts = 0
        self.playing = playing

    def start_reply(self, user_text: str | None, tool_answers: list | None = None) -> None:
        self.replies.append(user_text)

    async def interrupt(self) -> None:
        self.interrupts += 1

    def is_playing(self) -> bool:
        return self.playing

    async def flush_late_input(self) -> None:
        pass


def _listener(
    cfg: SessionSetup, speech: FakeSpeech | None = None, playing: bool = False
) -> tuple[Listener, FakeSender, FakeTurns]:
    session = make_session(cfg)
    sender = FakeSender(session)
    turns = FakeTurns(playing)
    listener = Listener(session, sender, make_hub(speech=speech), turns)
    listener.configure(cfg)
    return listener, sender, turns


async def _settle(listener: Listener) -> None:
    while listener.session.tasks:
        await asyncio.gather(*listener.session.tasks)


def _tone(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * INPUT_RATE)) / INPUT_RATE
    return (np.sin(2 * np.pi * 220 * t) * 8000).astype(np.int16)


async def test_a_manual_activity_becomes_one_utterance_answered_in_words():
    speech = FakeSpeech("What is my name")
    cfg = make_cfg(inputAudioTranscription={}, **MANUAL)
    listener, sender, turns = _listener(cfg, speech)
    assert listener.vad is None  # automatic detection is off
    listener.activity_start()
    listener.on_samples(_tone(1.0), "audio/pcm;rate=16000")
    listener.activity_end()
    await _settle(listener)
    assert turns.replies == ["What is my name"]
    assert speech.heard and speech.heard[0] <= INPUT_RATE
    (piece,) = sender.messages("inputTranscription")
    assert piece["serverContent"]["inputTranscription"]["text"] == "What is my name"
    assert listener.session.history == [
        {"role": "user", "text": "What is my name", "audio_s": speech.heard[0] / INPUT_RATE}
    ]
    assert listener.session.turn_in["audio"] > 0


async def test_audio_at_another_rate_is_resampled_to_16k():
    listener, _, _ = _listener(make_cfg(**MANUAL))
    listener.activity_start()
    listener.on_samples(np.zeros(8000, np.int16), "audio/pcm;rate=8000")
    assert 15_000 <= listener.fed <= 16_000


async def test_activity_end_without_its_start_is_ignored():
    listener, _, turns = _listener(make_cfg(**MANUAL))
    listener.activity_end()
    await _settle(listener)
    assert turns.replies == [] and listener.utterance_no == 0


async def test_speech_starting_while_a_reply_plays_barges_in():
    listener, _, turns = _listener(make_cfg(), playing=True)
    listener.fed = 320
    listener.after_vad([VadEvent("start", 0)], 320)
    await _settle(listener)
    assert turns.interrupts == 1 and listener.speech_start == 0


async def test_speech_while_nothing_plays_does_not_interrupt():
    listener, _, turns = _listener(make_cfg(), playing=False)
    listener.after_vad([VadEvent("start", 0)], 320)
    await _settle(listener)
    assert turns.interrupts == 0


async def test_endless_speech_is_cut_into_utterances():
    listener, _, turns = _listener(make_cfg())
    listener.fed = MAX_UTTERANCE + 1
    listener.after_vad([VadEvent("start", 0)], MAX_UTTERANCE + 1)
    await _settle(listener)
    assert listener.speech_start is None and turns.replies == ["What is my name"]


async def test_a_closed_session_ignores_vad_events():
    listener, _, turns = _listener(make_cfg(), playing=True)
    listener.session.closed = True
    listener.after_vad([VadEvent("start", 0)], 320)
    assert listener.speech_start is None and turns.interrupts == 0


async def test_stream_end_finishes_the_utterance_and_resets_the_vad():
    listener, _, turns = _listener(make_cfg())
    listener.on_samples(_tone(0.5), None)
    listener.speech_start = 0
    listener.stream_end()
    await _settle(listener)
    assert turns.replies == ["What is my name"]
    assert listener.fed == 0 and listener.chunks == []
