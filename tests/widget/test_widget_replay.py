"""ReplayWidget: a recorded conversation on one timeline, audio sent on request, not saved."""

from __future__ import annotations

import io
import json
import wave
from typing import Any

import gemlive_nb as gl


async def test_replay_of_a_real_conversation_sends_both_sides_and_saves_only_cues(
    emulator: Any,
) -> None:
    async with gl.connect(endpoint=emulator.google_url()) as s:
        await s.ask("What is the weather in Paris?")
        await s.ask("And in Rome?")
        rec = s.recording
    w = gl.ReplayWidget(rec)
    sent: list[tuple[dict, list[bytes]]] = []
    w.send = lambda content, buffers=None: sent.append((content, list(buffers or [])))  # type: ignore[method-assign]
    speakers = [c[2] for c in w.cues]
    assert speakers.count("User") == 2 and speakers.count("Model") == 2
    assert [c[0] for c in w.cues] == sorted(c[0] for c in w.cues)
    assert w.duration > 1.0
    w._handle_custom_msg({"type": "ready"}, [])
    assert [c["type"] for c, _ in sent] == ["replay_audio"]
    with wave.open(io.BytesIO(sent[0][1][0])) as f:
        assert (f.getnchannels(), f.getframerate()) == (2, 24000)
        assert abs(f.getnframes() / 24000 - w.duration) < 0.01
    # the notebook keeps the cues only (besides the shared front-end code), never the audio
    state = {k: v for k, v in w.get_state().items() if k not in ("_esm", "_css")}
    assert len(json.dumps(state, default=str)) < 4000
