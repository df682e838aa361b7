"""A stalled network, then recovery: bounded queue, drops counted and reported, next turn works.

The client streams 20 ms microphone chunks in real time through a loopback proxy that stops
forwarding client bytes for a while (bench/bench_backpressure.py does the same for 30 s and
reports RSS). Silence is streamed, so the emulator's VAD never starts a turn by itself.
"""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

import pytest

from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.faults import StallProxy
from gemlive_nb.session import AudioDropped, LiveSession, SessionStatus, connect

CHUNK = bytes(640)  # 20 ms of 16 kHz PCM16 silence
MAX_QUEUE_S = 0.5


async def stream(s: LiveSession, seconds: float, peak: dict[str, float]) -> None:
    """Send ``seconds`` of 20 ms chunks paced in real time, tracking the queue's peak."""
    t0 = time.monotonic()
    for i in range(int(seconds / 0.02)):
        await s.send_audio(CHUNK)
        peak["frames"] = max(peak["frames"], len(s._sender.outbox))
        peak["audio_s"] = max(peak["audio_s"], s.stats.queued_audio_seconds)
        await asyncio.sleep(max(0.0, t0 + (i + 1) * 0.02 - time.monotonic()))


def _received_audio_bytes(record: Any) -> int:
    return sum(
        m["realtimeInput"]["audio"]["bytes"]
        for m in record.messages
        if "audio" in m.get("realtimeInput", {})
    )


async def test_stall_then_recovery_bounds_the_queue_and_counts_drops() -> None:
    with Emulator(speech="builtin") as emu:
        proxy = await StallProxy.start(emu.host, emu.port)
        try:
            async with connect(
                endpoint=proxy.url, max_queued_audio_s=MAX_QUEUE_S, backoff_s=0.05
            ) as s:
                events: list[Any] = []
                s.subscribe(events.append)
                assert (await s.ask("My name is Ada.", timeout=10)).complete
                sock = s._link.ws.transport.get_extra_info("socket")
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
                peak = {"frames": 0, "audio_s": 0.0}
                await stream(s, 0.4, peak)  # flowing: nothing queued, nothing dropped
                assert s.stats.dropped_audio_chunks == 0

                proxy.stall()
                await stream(s, 3.0, peak)
                stalled = s.stats
                # bounded: the queue never held more than max_queued_audio_s of audio
                assert peak["audio_s"] <= MAX_QUEUE_S + 1e-9
                assert peak["frames"] <= MAX_QUEUE_S / 0.02 + 1
                # most of the 3 s could not be sent: counted, in chunks and seconds
                assert stalled.dropped_audio_chunks >= 50
                assert stalled.dropped_audio_seconds == pytest.approx(
                    stalled.dropped_audio_chunks * 0.02
                )
                # ...and reported: a warning event at most once a second, with the totals
                drops = [e for e in events if isinstance(e, AudioDropped)]
                assert 1 <= len(drops) <= 4
                assert drops[-1].chunks <= stalled.dropped_audio_chunks
                assert [e for e in events if isinstance(e, SessionStatus)] == []

                proxy.resume()
                for _ in range(250):  # the queue drains once the network flows again
                    if not len(s._sender.outbox) and not s._sender.writing:
                        break
                    await asyncio.sleep(0.02)
                assert s.stats.queued_audio_seconds == 0
                answer = await s.ask("What is my name?", timeout=10)
                assert answer.output_transcript == "Your name is Ada."
                final = s.stats
                assert final.reconnects == 0 and s.status == "connected"
        finally:
            await proxy.close()
    # every chunk either reached the server or was counted as dropped — nothing else vanished
    sent_bytes = round((final.audio_seconds_sent - final.dropped_audio_seconds) * 32000)
    assert _received_audio_bytes(emu.sessions[0]) == sent_bytes


def test_outbox_discard_removes_resent_frames_without_counting_drops() -> None:
    from gemlive_nb.session.sender import Outbox

    box = Outbox(max_audio_s=1.0)
    box.put("turn", 0.0)
    box.put("audio-1", 0.1)
    box.put("tool", 0.0)
    box.put("audio-2", 0.1)
    assert box.discard({"turn", "audio-1", "absent"}) == 2
    assert [box.popleft()[0] for _ in range(len(box))] == ["tool", "audio-2"]
    assert box.dropped_chunks == 0 and box.audio_s == 0.0
