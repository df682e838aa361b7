"""The browser's declared mic rate is honoured: checked, kept with the audio, resampled once."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
import pytest
from waiting import wait_until

from gemlive_nb.exceptions import ProtocolError
from gemlive_nb.widget import VoiceWidget
from gemlive_nb.widget.messages import RATES, TO_KERNEL
from gemlive_nb.widget.uplink import Inbox, forward, mic_rate


class RateSession:
    """Records each ``send_audio`` call with its rate."""

    def __init__(self) -> None:
        self.callbacks: list[Any] = []
        self.audio: list[tuple[bytes, int]] = []
        self.played: list[int] = []
        self.status = "connected"
        self.config = None

    def subscribe(self, callback: Any) -> Any:
        self.callbacks.append(callback)
        return lambda: self.callbacks.remove(callback)

    async def send_audio(self, pcm: bytes, rate: int = 16000) -> None:
        self.audio.append((pcm, rate))

    def report_playback(self, samples: int) -> None:
        self.played.append(samples)

    async def close(self) -> None:
        self.status = "closed"


def make(session: Any) -> VoiceWidget:
    w = VoiceWidget(session)
    w.send = lambda content, buffers=None: None  # type: ignore[method-assign]
    w._handle_custom_msg({"type": TO_KERNEL.READY}, [])
    return w


def mic(w: VoiceWidget, pcm: bytes, **content: Any) -> None:
    w._handle_custom_msg({"type": TO_KERNEL.AUDIO, "frames": 1, **content}, [memoryview(pcm)])


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_48k_mic_message_reaches_send_audio_with_its_rate() -> None:
    s = RateSession()
    w = make(s)
    pcm = b"\1\0" * 960
    mic(w, pcm, seq=0, rate=48000)
    await wait_until(lambda: len(s.audio) == 1)
    assert s.audio == [(pcm, 48000)]


@pytest.mark.parametrize("bad", [None, "16000", 16000.0, True, 7999, 48001, 192000, -16000])
async def test_a_bad_rate_is_refused_clearly_and_nothing_else_is_lost(bad: Any) -> None:
    s = RateSession()
    w = make(s)
    good = b"\2\0" * 320
    mic(w, good, seq=0, rate=16000)
    content = {"seq": 1, "samples": 4800, "levels": [-20, -30]}
    if bad is not None:
        content["rate"] = bad
    mic(w, b"\3\0" * 320, **content)
    mic(w, good, seq=2, rate=16000)
    await settle()
    await wait_until(lambda: sum(len(p) for p, _ in s.audio) == 2 * len(good))
    assert b"".join(p for p, _ in s.audio) == good + good  # the bad frames never went
    assert {r for _, r in s.audio} == {16000}
    assert repr(bad) in w.error and "8000" in w.error and "48000" in w.error
    st = w.stats()
    assert (st["frames_in"], st["frames_bad"], st["frames_missing"]) == (3, 1, 0)
    # the playback report and the levels riding on the refused message still count
    assert s.played == [4800] and (w.input_level, w.output_level) == (-20.0, -30.0)


def test_mic_rate_takes_the_kit_range_only() -> None:
    assert mic_rate(RATES.MIC_MIN) == 8000 and mic_rate(RATES.MIC_MAX) == 48000
    assert mic_rate(44100) == 44100
    with pytest.raises(ProtocolError, match=r"'44\.1k'"):
        mic_rate("44.1k")


async def test_the_inbox_joins_audio_only_at_the_same_rate() -> None:
    inbox = Inbox()
    inbox.put("audio", (b"a", 48000))
    inbox.put("audio", (b"b", 48000))
    inbox.put("audio", (b"c", 16000))
    inbox.put("text", "hi")
    inbox.put("audio", (b"d", 16000))
    got = [await inbox.get() for _ in range(4)]
    assert got == [("audio", (b"ab", 48000)), ("audio", (b"c", 16000)), ("text", "hi"),
                   ("audio", (b"d", 16000))]  # fmt: skip
    assert inbox.merged == 1


async def test_forward_passes_each_chunks_rate_to_send_audio() -> None:
    s = RateSession()
    inbox = Inbox()
    inbox.put("audio", (b"\0\0" * 3, 48000))
    inbox.put("text", "x")  # keeps the next chunk apart
    inbox.put("audio", (b"\0\0", 16000))
    task = asyncio.ensure_future(forward(s, inbox, lambda kind, exc: None))
    try:
        await wait_until(lambda: len(s.audio) == 2)
    finally:
        task.cancel()
    assert [r for _, r in s.audio] == [48000, 16000]


async def test_a_real_session_resamples_48k_browser_audio_to_16k_for_the_emulator(
    emulator: Any,
) -> None:
    w = VoiceWidget(endpoint=emulator.google_url(), voice="Puck")
    w.send = lambda content, buffers=None: None  # type: ignore[method-assign]
    w._handle_custom_msg({"type": TO_KERNEL.READY}, [])
    await w.connect()
    try:
        seconds = 0.3
        t = np.arange(int(48000 * seconds)) / 48000
        pcm = (0.3 * 32767 * np.sin(2 * np.pi * 440 * t)).astype("<i2").tobytes()
        mic(w, pcm, seq=0, rate=48000)
        record = emulator.sessions[-1]
        await wait_until(lambda: record.audio_in_bytes > 0)
        chunks = [m["realtimeInput"]["audio"] for m in record.messages if "realtimeInput" in m]
        chunks = [c for c in chunks if isinstance(c, dict)]
        assert chunks and all(c["mimeType"] == "audio/pcm;rate=16000" for c in chunks)
        # a third of the 48 kHz samples (less the resampler's few ms of look-ahead, held for the
        # next chunk): 0.3 s at 16 kHz on the wire, not 0.9 s of 48 kHz read as 16 kHz
        sent_s = record.audio_in_bytes / 2 / 16000
        assert seconds - 0.005 <= sent_s <= seconds
    finally:
        await w.disconnect()
