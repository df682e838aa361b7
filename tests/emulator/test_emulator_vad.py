"""The emulator's energy VAD: events, offsets, settings, chunking, synthesized speech."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gemlive_nb.audio import resample
from gemlive_nb.emulator.speech import get_speech
from gemlive_nb.emulator.vad import EnergyVad, VadEvent, feed_many
from gemlive_nb.exceptions import AudioError, ConfigError

SR = 16000
FRAME = SR // 100


def noise(seconds: float, dbfs: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.standard_normal(int(seconds * SR)) * 32768 * 10 ** (dbfs / 20)


def tone(seconds: float, dbfs: float, freq: float = 220.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return np.sin(2 * np.pi * freq * t) * 32768 * 10 ** (dbfs / 20) * np.sqrt(2)


def pcm(x: np.ndarray) -> np.ndarray:
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)


def scene(parts: list[tuple[float, str, float]], floor_db: float = -70.0) -> np.ndarray:
    """Concatenate (seconds, 'silence'|'tone'|'noise', dBFS) parts over a noise floor."""
    pieces = []
    for i, (sec, kind, db) in enumerate(parts):
        if kind == "tone":
            pieces.append(tone(sec, db))
        elif kind == "noise":
            pieces.append(noise(sec, db, seed=100 + i))
        else:
            pieces.append(np.zeros(int(sec * SR)))
    x = np.concatenate(pieces)
    return pcm(x + noise(len(x) / SR, floor_db, seed=7))


def run(vad: EnergyVad, x: np.ndarray, chunk: int | None = 320) -> list[tuple[str, int]]:
    if chunk is None:
        return [(e.kind, e.sample_offset) for e in vad.feed(x)]
    return [
        (e.kind, e.sample_offset)
        for i in range(0, len(x), chunk)
        for e in vad.feed(x[i : i + chunk])
    ]


def near(actual: int, expected: float, frames: int = 2) -> bool:
    return abs(actual - expected) <= frames * FRAME


def test_silence_and_low_noise_give_no_events() -> None:
    assert run(EnergyVad(), np.zeros(3 * SR, np.int16)) == []
    assert run(EnergyVad(), pcm(noise(3, -60))) == []
    vad = EnergyVad()
    assert run(vad, pcm(noise(3, -40))) == []  # steady hiss, even loud, is learnt as the floor
    assert not vad.in_speech


def test_bursts_with_gaps_give_start_and_end_at_the_right_offsets() -> None:
    x = scene(
        [(0.5, "silence", 0), (0.6, "tone", -20), (1.0, "silence", 0), (0.4, "noise", -15),
         (1.2, "silence", 0)]
    )  # fmt: skip
    events = run(EnergyVad({"silenceDurationMs": 500}), x)
    assert [k for k, _ in events] == ["start", "end", "start", "end"]
    expected = [0.5, 1.1, 2.1, 2.5]
    for (_, offset), sec in zip(events, expected, strict=True):
        assert near(offset, sec * SR), (offset, sec * SR)


def test_events_are_committed_after_prefix_and_silence_durations() -> None:
    x = scene([(0.5, "silence", 0), (0.5, "tone", -20), (1.5, "silence", 0)])
    vad = EnergyVad({"prefixPaddingMs": 100, "silenceDurationMs": 600})
    seen: list[tuple[str, int, int]] = []
    for i in range(0, len(x), FRAME):
        for e in vad.feed(x[i : i + FRAME]):
            seen.append((e.kind, e.sample_offset, i + FRAME))
    (k1, start, when1), (k2, end, when2) = seen
    assert (k1, k2) == ("start", "end")
    assert near(start, 0.5 * SR) and near(end, 1.0 * SR)
    assert near(when1 - start, 0.1 * SR)  # reported once 100 ms of speech were heard
    assert near(when2 - end, 0.6 * SR)  # and 600 ms of silence


def test_start_offset_includes_a_soft_onset_but_not_an_earlier_sound() -> None:
    # a soft 150 ms syllable (too quiet for LOW to start on), then loud speech
    x = scene(
        [(0.5, "silence", 0), (0.02, "tone", -30), (0.5, "silence", 0), (0.15, "tone", -50),
         (0.6, "tone", -20), (1.0, "silence", 0)]
    )  # fmt: skip
    events = run(EnergyVad({"startOfSpeechSensitivity": "START_SENSITIVITY_LOW"}), x)
    assert [k for k, _ in events] == ["start", "end"]
    assert near(events[0][1], 1.02 * SR)  # the soft onset, not the click 0.5 s before it


def test_prefix_padding_sets_the_shortest_speech_that_starts() -> None:
    blip = scene([(0.5, "silence", 0), (0.07, "tone", -20), (1.0, "silence", 0)])
    assert [k for k, _ in run(EnergyVad({"prefixPaddingMs": 40}), blip)] == ["start", "end"]
    assert run(EnergyVad({"prefixPaddingMs": 150}), blip) == []


def test_start_sensitivity_low_needs_louder_speech() -> None:
    # a tone 12 dB over a -55 dBFS floor: HIGH (9 dB margin) hears it, LOW (15 dB) does not
    x = scene([(1.0, "silence", 0), (0.8, "tone", -43), (1.0, "silence", 0)], floor_db=-55)
    high = run(EnergyVad({"startOfSpeechSensitivity": "START_SENSITIVITY_HIGH"}), x)
    low = run(EnergyVad({"startOfSpeechSensitivity": "START_SENSITIVITY_LOW"}), x)
    assert [k for k, _ in high] == ["start", "end"]
    assert low == []


def test_silence_duration_decides_whether_a_pause_splits_the_turn() -> None:
    x = scene(
        [(0.4, "silence", 0), (0.5, "tone", -20), (0.4, "silence", 0), (0.5, "tone", -20),
         (1.5, "silence", 0)]
    )  # fmt: skip
    short = run(EnergyVad({"silenceDurationMs": 300}), x)
    long = run(EnergyVad({"silenceDurationMs": 800}), x)
    assert [k for k, _ in short] == ["start", "end", "start", "end"]
    assert [k for k, _ in long] == ["start", "end"]
    assert near(long[1][1], 1.8 * SR)


def test_end_sensitivity_high_ends_on_a_quiet_tail_sooner() -> None:
    # speech, then a murmur 6 dB over the floor for 0.6 s: LOW keeps the turn open through it
    x = scene(
        [(0.5, "silence", 0), (0.6, "tone", -20), (0.6, "tone", -58), (1.5, "silence", 0)],
        floor_db=-64,
    )
    cfg = {"silenceDurationMs": 300}
    high = run(EnergyVad({**cfg, "endOfSpeechSensitivity": "END_SENSITIVITY_HIGH"}), x)
    low = run(EnergyVad({**cfg, "endOfSpeechSensitivity": "END_SENSITIVITY_LOW"}), x)
    assert near(high[1][1], 1.1 * SR)
    assert near(low[1][1], 1.7 * SR)


def test_end_sensitivity_high_ignores_lone_blips_in_the_silence() -> None:
    parts: list[tuple[float, str, float]] = [(0.5, "silence", 0), (0.5, "tone", -20)]
    for _ in range(8):  # a 10 ms click every 150 ms after the speech
        parts += [(0.14, "silence", 0), (0.01, "tone", -20)]
    parts.append((1.0, "silence", 0))
    x = scene(parts)
    cfg = {"silenceDurationMs": 400}
    high = run(EnergyVad({**cfg, "endOfSpeechSensitivity": "END_SENSITIVITY_HIGH"}), x)
    low = run(EnergyVad({**cfg, "endOfSpeechSensitivity": "END_SENSITIVITY_LOW"}), x)
    assert near(high[1][1], 1.0 * SR)
    assert low[1][1] > 2.0 * SR


def test_disabled_reports_nothing() -> None:
    x = scene([(0.5, "silence", 0), (0.6, "tone", -10), (1.0, "silence", 0)])
    vad = EnergyVad({"disabled": True})
    assert run(vad, x) == [] and not vad.in_speech


def test_events_do_not_depend_on_chunking() -> None:
    x = scene(
        [(0.3, "silence", 0), (0.45, "tone", -25), (0.9, "silence", 0), (0.3, "noise", -20),
         (0.25, "silence", 0), (0.5, "tone", -30), (1.2, "silence", 0)]
    )  # fmt: skip
    cfg = {"silenceDurationMs": 500, "prefixPaddingMs": 30}
    whole = run(EnergyVad(cfg), x, chunk=None)
    assert len(whole) == 4
    assert run(EnergyVad(cfg), x, chunk=320) == whole
    assert run(EnergyVad(cfg), x, chunk=1) == whole[:2] + whole[2:]
    rng = np.random.default_rng(3)
    vad, got, i = EnergyVad(cfg), [], 0
    while i < len(x):
        step = int(rng.integers(1, 2000))
        got += [(e.kind, e.sample_offset) for e in vad.feed(x[i : i + step])]
        i += step
    assert got == whole


_BATCH_SCENE = scene(
    [(0.3, "silence", 0), (0.45, "tone", -25), (0.9, "silence", 0), (0.3, "noise", -20),
     (0.6, "silence", 0), (0.5, "tone", -30), (1.0, "silence", 0)]
)  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(
    cuts=st.lists(st.integers(50, 4000), min_size=1, max_size=20),
    groups=st.lists(st.integers(1, 6), min_size=1, max_size=40),
    rates=st.lists(st.sampled_from([16000, 8000]), min_size=2, max_size=3),
)
def test_batched_detectors_give_the_events_of_feeding_each_alone(
    cuts: list[int], groups: list[int], rates: list[int]
) -> None:
    # several detectors (some at another rate) fed in batches of chunks in any grouping, one
    # detector's chunks possibly several times in one batch, report what each reports alone
    x = _BATCH_SCENE
    cfg = {"silenceDurationMs": 500}
    chunks, i = [], 0
    while i < len(x):
        step = cuts[len(chunks) % len(cuts)]
        chunks.append(x[i : i + step])
        i += step
    alone = [run(EnergyVad(cfg, rate=r), x, chunk=None) for r in rates]
    vads = [EnergyVad(cfg, rate=r) for r in rates]
    got: list[list[tuple[str, int]]] = [[] for _ in rates]
    queue = [(v, c) for c in chunks for v in range(len(rates))]
    g = 0
    while queue:
        size = groups[g % len(groups)]
        g += 1
        batch, queue = queue[:size], queue[size:]
        for (v, _), events in zip(batch, feed_many([(vads[v], c) for v, c in batch]), strict=True):
            got[v] += [(e.kind, e.sample_offset) for e in events]
    assert got == alone
    assert any(alone)  # the scene has speech in it


def test_reset_restarts_offsets_and_state() -> None:
    x = scene([(0.5, "silence", 0), (0.5, "tone", -20)])
    vad = EnergyVad()
    first = run(vad, x)
    assert vad.in_speech and first[0][0] == "start"
    vad.reset()
    assert not vad.in_speech
    assert run(vad, x) == first


def test_finds_synthesized_speech_in_low_noise() -> None:
    speech = get_speech("builtin")
    voice = resample(speech.synthesize("Could you tell me the weather in Paris, please?", "Puck",
                                       "en-US"), 24000, 16000).astype(float)  # fmt: skip
    lead, tail = int(0.7 * SR), int(1.5 * SR)
    x = np.concatenate([np.zeros(lead), voice, np.zeros(tail)])
    x = pcm(x + noise(len(x) / SR, -60, seed=11))
    active = np.flatnonzero(np.abs(voice) > 300)
    first, last = lead + active[0], lead + active[-1]
    events = run(EnergyVad(), x)
    assert [k for k, _ in events] == ["start", "end"]
    assert abs(events[0][1] - first) <= 0.06 * SR
    assert abs(events[1][1] - last) <= 0.08 * SR


def test_settings_are_validated_and_snake_case_is_accepted() -> None:
    with pytest.raises(ConfigError, match="START_SENSITIVITY_MEDIUM"):
        EnergyVad({"startOfSpeechSensitivity": "START_SENSITIVITY_MEDIUM"})
    with pytest.raises(ConfigError, match="silenceDurationMs"):
        EnergyVad({"silenceDurationMs": -5})
    with pytest.raises(AudioError, match="mono"):
        EnergyVad().feed(np.zeros((10, 2), np.int16))
    vad = EnergyVad({"silence_duration_ms": 250, "prefix_padding_ms": 20})
    assert (vad.silence_duration_ms, vad.prefix_padding_ms) == (250, 20)
    assert EnergyVad().silence_duration_ms == 800
    assert VadEvent("start", 3) == VadEvent("start", 3)


def test_works_at_other_rates() -> None:
    rate = 24000
    t = np.arange(int(0.5 * rate)) / rate
    x = np.concatenate([np.zeros(rate // 2), 3000 * np.sin(2 * np.pi * 200 * t), np.zeros(rate)])
    events = [(e.kind, e.sample_offset) for e in EnergyVad(rate=rate).feed(pcm(x))]
    assert [k for k, _ in events] == ["start", "end"]
    assert abs(events[0][1] - rate // 2) <= 2 * rate // 100
