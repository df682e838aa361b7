"""Kernel-side audio (the ``local-audio`` extra) with a fake sounddevice: no hardware needed."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import numpy as np
import pytest
from test_widget_kernel import FakeSession, browser, items, make, settle
from waiting import wait_until

import gemlive_nb as gl
from gemlive_nb.exceptions import ConfigError
from gemlive_nb.protocol import AudioChunk, Interrupted, OutputTranscript
from gemlive_nb.session import local_audio
from gemlive_nb.session.local_audio import LocalAudio


class FakeStream:
    """A PortAudio stream: the test calls its callback as PortAudio's thread would."""

    def __init__(self, **kw: Any) -> None:
        self.kw = kw
        self.started = self.closed = False

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.started = False

    def close(self) -> None:
        self.closed = True

    def feed(self, blocks: list[bytes]) -> None:
        """Mic blocks, from another thread (as PortAudio delivers them)."""
        cb = self.kw["callback"]
        t = threading.Thread(target=lambda: [cb(b, len(b) // 2, None, None) for b in blocks])
        t.start()
        t.join()

    def pull(self, frames: int) -> bytes:
        """What the speaker plays next (``frames`` samples), from another thread."""
        out = bytearray(frames * 2)
        t = threading.Thread(target=self.kw["callback"], args=(out, frames, None, None))
        t.start()
        t.join()
        return bytes(out)


class FakeSoundDevice:
    def __init__(self) -> None:
        self.inputs: list[FakeStream] = []
        self.outputs: list[FakeStream] = []

    def RawInputStream(self, **kw: Any) -> FakeStream:
        self.inputs.append(FakeStream(**kw))
        return self.inputs[-1]

    def RawOutputStream(self, **kw: Any) -> FakeStream:
        self.outputs.append(FakeStream(**kw))
        return self.outputs[-1]


def _blocks(samples: np.ndarray, n: int = 320) -> list[bytes]:
    return [samples[i : i + n].astype("<i2").tobytes() for i in range(0, len(samples), n)]


async def test_the_mic_streams_in_order_and_replies_play_flush_and_are_reported() -> None:
    sd, s = FakeSoundDevice(), FakeSession()
    audio = LocalAudio(s, sd=sd)
    audio.start_mic()
    mic, speaker = sd.inputs[0], sd.outputs[0]
    assert (
        mic.kw["samplerate"] == 16000 and mic.kw["dtype"] == "int16" and mic.kw["blocksize"] == 320
    )
    assert speaker.kw["samplerate"] == 24000 and mic.started and speaker.started
    blocks = _blocks(np.arange(3200, dtype=np.int16))
    mic.feed(blocks)
    await wait_until(lambda: audio.frames_sent == 10)
    assert [pcm for kind, pcm in s.sent] == blocks  # every block, in order
    reply = np.arange(1, 961, dtype=np.int16)
    s.emit(AudioChunk(reply.tobytes(), 24000))
    first = speaker.pull(480)
    assert first == reply[:480].tobytes()
    await wait_until(lambda: s.played == [480])
    s.emit(AudioChunk(np.full(480, 7, np.int16).tobytes(), 16000))  # resampled to 24 kHz
    s.emit(Interrupted())  # the rest is never heard
    assert speaker.pull(480) == bytes(960)  # silence
    assert audio.played == 480
    audio.stop_mic()
    mic.feed(blocks[:2])  # after stop: not sent
    await audio.stop()
    assert audio.frames_sent == 10 and mic.closed and speaker.closed and s.callbacks == []


async def test_talk_uses_the_kernels_mic_and_speakers_on_a_real_session(emulator: Any) -> None:
    sd = FakeSoundDevice()
    rate = 16000
    t = np.arange(rate) / rate
    voiced = 6000 * np.sin(2 * np.pi * 180 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t))
    speech = np.concatenate([np.zeros(rate // 4), voiced, np.zeros(rate * 3 // 2)])
    async with gl.connect(endpoint=emulator.google_url()) as s:
        audio = await s.talk(sd=sd)
        assert audio.mic_on
        blocks = _blocks(speech.astype(np.int16))
        for k in range(0, len(blocks), 10):  # 200 ms at a time, about as fast as it is spoken
            sd.inputs[0].feed(blocks[k : k + 10])
            await asyncio.sleep(0.05)
        await wait_until(lambda: s.recording.turns and s.recording.turns[-1].complete, timeout=20)
        turn = s.recording.turns[-1]
        played = b""
        while len(played) < turn.received_samples * 2:
            played += sd.outputs[0].pull(480)
            await asyncio.sleep(0)
        await settle()
        await audio.stop()
    assert audio.frames_sent == len(blocks)
    assert "heard you speak" in turn.transcript
    assert np.frombuffer(played, "<i2").any()  # the reply came out of the speaker
    assert audio.played == turn.received_samples


async def test_the_widget_with_kernel_audio_keeps_its_pane_and_sends_no_audio_to_the_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sd, s = FakeSoundDevice(), FakeSession()
    monkeypatch.setattr(local_audio, "load_sounddevice", lambda: sd)
    w, out = make(audio="kernel")
    assert w.audio == "kernel"
    browser(w, {"type": "ready"})
    w._attach(s)
    assert sd.outputs[0].started and not sd.inputs  # speakers on, mic off
    w.mic_on = True  # Start mic
    sd.inputs[0].feed(_blocks(np.ones(640, np.int16)))
    await wait_until(lambda: len(s.sent) == 2)
    s.emit(AudioChunk(np.ones(480, np.int16).tobytes(), 24000))

    s.emit(OutputTranscript("Hello there.", finished=True))
    await settle(0.2)
    kinds = [i["type"] for i in items(out)]
    assert "audio" not in kinds and "transcript" in kinds  # the pane, not the sound
    assert sd.outputs[0].pull(480) == np.ones(480, np.int16).tobytes()
    w.mic_on = False
    assert sd.inputs[0].closed
    await w.disconnect()
    await settle()
    assert sd.outputs[0].closed


def test_a_missing_extra_and_a_bad_audio_value_are_clear_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ConfigError, match="audio must be 'browser' or 'kernel', not 'phone'"):
        make(audio="phone")

    def missing() -> Any:
        raise ConfigError("audio='kernel' needs the sounddevice package: pip install ...")

    monkeypatch.setattr(local_audio, "load_sounddevice", missing)
    with pytest.raises(ConfigError, match="sounddevice"):
        make(audio="kernel")
    monkeypatch.undo()
    real = local_audio.importlib.import_module

    def no_module(name: str) -> Any:
        if name == "sounddevice":
            raise ImportError("No module named 'sounddevice'")
        return real(name)

    monkeypatch.setattr(local_audio.importlib, "import_module", no_module)
    with pytest.raises(ConfigError, match=r"local-audio"):
        local_audio.load_sounddevice()
