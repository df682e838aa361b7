"""Sentence-timed captions: short cues split at sentence/clause ends, heard words only, speakers."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

import gemlive_nb as gl
from gemlive_nb import protocol as p
from gemlive_nb.conversation import Recorder
from gemlive_nb.conversation.cues import LINE_CHARS, MAX_CUE_S

STORY = (
    "Once upon a time, in a quiet valley, there lived a small red dragon. "
    "She loved the morning sun and the smell of pine trees after the rain. "
    "Every day she flew over the village, waving at the children below. "
    "One winter, the river froze solid, and the villagers could not fetch water. "
    "So the dragon breathed gently on the ice until it melted. "
    "From then on, everyone called her the kindest dragon in the land."
)


def _reply(rec: Recorder, text: str, seconds: float, t: list[float]) -> None:
    """Stream a reply of ``seconds`` of audio in 0.5 s chunks, its words in 3-word pieces."""
    words = text.split(" ")
    pieces = [" ".join(words[i : i + 3]) + " " for i in range(0, len(words), 3)]
    chunks = int(seconds / 0.5)
    for k in range(chunks):
        for piece in pieces[k * len(pieces) // chunks : (k + 1) * len(pieces) // chunks]:
            rec.on_event(p.OutputTranscript(piece))
        rec.on_event(p.AudioChunk(np.full(12000, 9, "<i2").tobytes()))
        t[0] += 0.01


def _asked(text: str = "Tell me a story.") -> tuple[Recorder, list[float]]:
    t = [100.0]
    rec = Recorder(clock=lambda: t[0])
    rec.begin_turn(text)
    t[0] += 0.5
    return rec, t


def _model_cues(rec: Recorder) -> list[tuple[float, float, str, str]]:
    return [c for c in rec.recording.cues() if c[2] == "Model"]


def _check_shape(cues: list[tuple[float, float, str, str]]) -> None:
    for start, end, _, text in cues:
        assert 0 < end - start <= MAX_CUE_S + 1e-9, (start, end, text)
        lines = text.split("\n")
        assert len(lines) <= 2 and all(len(line) <= LINE_CHARS for line in lines), text
    for a, b in itertools.pairwise(cues):
        assert b[0] >= a[1] - 1e-9


def test_a_20_second_reply_exports_as_short_sentence_cues(tmp_path: Path) -> None:
    rec, t = _asked()
    _reply(rec, STORY, 20.0, t)
    rec.on_event(p.TurnComplete())
    cues = _model_cues(rec)
    assert len(cues) >= 4
    _check_shape(cues)
    assert " ".join(" ".join(c[3].split()) for c in cues) == " ".join(STORY.split())
    # each cue ends at a sentence or clause end (the last one at the reply's end)
    for c in cues:
        assert c[3].rstrip()[-1] in ".,;:!?", c[3]
    # timed against the audio: the cues cover the 20 s reply, not one 20 s block
    assert cues[0][0] == pytest.approx(rec.turns[0].output_offset / 24000, abs=0.6)
    assert cues[-1][1] == pytest.approx(cues[0][0] + 20.0, abs=0.6)
    assert cues[len(cues) // 2][0] > cues[0][0] + 5.0
    srt = rec.recording.srt()
    assert srt.count(" --> ") == len(rec.recording.cues()) and "Model: From then on" in srt
    rec.recording.save(tmp_path)
    assert [c[3] for c in gl.Recording.load(tmp_path).cues()] == [
        c[3] for c in rec.recording.cues()
    ]


def test_after_a_cut_no_cue_holds_an_unheard_word() -> None:
    rec, t = _asked()
    _reply(rec, STORY, 20.0, t)
    turn = rec.turns[0]
    rec.report_playback(8 * 24000)  # 8 s heard
    rec.on_event(p.Interrupted())
    rec.on_event(p.TurnComplete())
    cues = _model_cues(rec)
    _check_shape(cues)
    said = " ".join(c[3].replace("\n", " ") for c in cues).split()
    assert said == turn.transcript.split() and len(said) < len(STORY.split())
    assert "winter," not in said and "kindest" not in said
    end_heard = turn.output_offset / 24000 + turn.audio_out_s
    assert cues[-1][0] < end_heard and cues[-1][1] <= end_heard + 0.5  # 0.5 s: shortest cue
    assert "kindest" not in rec.recording.srt() and "kindest" not in rec.recording.vtt()


def test_word_offsets_time_the_cues_and_unheard_words_are_dropped() -> None:
    rec, _ = _asked()
    words = "Hello there. This sentence is timed by the service word by word.".split()
    timed = tuple(p.Word(w, 0.8 * i, 0.8 * i + 0.6) for i, w in enumerate(words))
    rec.on_event(p.OutputTranscript(" ".join(words), words=timed))
    for _ in range(20):
        rec.on_event(p.AudioChunk(np.full(12000, 9, "<i2").tobytes()))
    rec.on_event(p.TurnComplete())
    r0 = rec.turns[0].output_offset / 24000
    cues = _model_cues(rec)
    _check_shape(cues)
    assert cues[0][3] == "Hello there." and cues[0][0] == pytest.approx(r0)
    assert cues[0][1] == pytest.approx(r0 + 0.8 + 0.6)
    assert cues[1][0] == pytest.approx(r0 + 1.6)  # "This" starts at its offset
    # a cut 3 s in: the words that started later were never heard
    rec, _ = _asked()
    rec.on_event(p.OutputTranscript(" ".join(words), words=timed))
    for _ in range(20):
        rec.on_event(p.AudioChunk(np.full(12000, 9, "<i2").tobytes()))
    rec.report_playback(3 * 24000)
    rec.on_event(p.Interrupted())
    said = " ".join(c[3] for c in _model_cues(rec)).split()
    assert said == words[:4]  # offsets 0, 0.8, 1.6, 2.4 s


def test_diarized_speakers_appear_in_cues_and_views() -> None:
    t = [10.0]
    rec = Recorder(clock=lambda: t[0])
    t[0] += 2.0
    rec.add_input_audio(np.full(32000, 4000, np.int16))
    rec.on_event(p.InputTranscript("Where is the station?", speaker="A"))
    rec.on_event(p.InputTranscript(" I think it's left.", speaker="B", finished=True))
    t[0] += 0.3
    rec.on_event(p.OutputTranscript("It is two streets to the left."))
    rec.on_event(p.AudioChunk(np.full(48000, 9, "<i2").tobytes()))
    rec.on_event(p.TurnComplete())
    cues = rec.recording.cues()
    assert [(c[2], c[3]) for c in cues] == [
        ("A", "Where is the station?"),
        ("B", "I think it's left."),
        ("Model", "It is two streets to the left."),
    ]
    assert (
        "<v A>Where is the station?" in rec.recording.vtt()
        and "B: I think it's left." in rec.recording.srt()
    )
    assert rec.turns[0].speakers == ["A", "B"]
    shown = str(gl.show_transcript(rec.recording))
    assert "user (A): Where is the station?" in shown and "user (B):  I think it's left." in shown
    html = gl.show_transcript(rec.recording)._repr_html_()
    assert "user (A)" in html and "user (B)" in html


def test_long_typed_text_is_split_into_readable_cues() -> None:
    rec, _ = _asked(STORY[:200])
    cues = [c for c in rec.recording.cues() if c[2] == "User"]
    _check_shape(cues)
    assert len(cues) >= 3 and all(c[1] - c[0] >= 1.0 for c in cues[:-1])
    assert " ".join(" ".join(c[3].split()) for c in cues) == " ".join(STORY[:200].split())
