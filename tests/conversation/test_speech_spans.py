"""The energy VAD that dates the user's speech (latency, cues) and finds speech in clips."""

from __future__ import annotations

import numpy as np
import pytest

from gemlive_nb.conversation.vad import SpeechSpans, has_speech


def _tone(seconds: float, level: int = 6000) -> np.ndarray:
    t = np.arange(round(seconds * 16000)) / 16000
    return (level * np.sin(2 * np.pi * 220 * t)).astype(np.int16)


def test_spans_are_dated_on_the_timeline_in_20_ms_chunks() -> None:
    noise = (np.random.default_rng(0).standard_normal(16000) * 30).astype(np.int16)
    pcm = np.concatenate([noise, _tone(0.8), noise[:8000], _tone(0.4), noise])
    vad = SpeechSpans(16000)
    for i in range(0, len(pcm), 320):
        vad.feed(pcm[i : i + 320], 2.0 + i / 16000)
    start, end = vad.last_span(0.0, 10.0)
    # one utterance with a 0.5 s pause: from the first word to the end of the last
    assert start == pytest.approx(3.0, abs=0.03) and end == pytest.approx(4.7, abs=0.03)
    assert vad.last_span(0.0, 3.5) is None  # no speech had ended by 3.5 s
    # speech before `after` (the previous turn's) is not this utterance's
    assert vad.last_span(4.0, 10.0) == pytest.approx((4.3, 4.7), abs=0.03)


def test_has_speech_tells_silence_and_clicks_from_speech() -> None:
    assert not has_speech(np.zeros(16000, np.int16), 16000)
    assert not has_speech(np.zeros(0, np.int16), 16000)
    click = np.zeros(16000, np.int16)
    click[8000:8016] = 20000
    assert not has_speech(click, 16000)
    assert has_speech(_tone(0.3), 16000)
