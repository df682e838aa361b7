"""One source of truth per reply: transcription and text parts of the same words show once.

The rule (``gemlive_nb.conversation.reply_words``): the output transcription wins when the
reply has any, its text parts otherwise. Every view follows it: ``Turn``, ``show_transcript``,
SRT/VTT, the compare views (and the VoiceWidget's pane: tests/widget/test_widget_mixroute.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from gemlive_nb import protocol as p
from gemlive_nb.compare import acompare_voices
from gemlive_nb.compare.view import to_html, to_text
from gemlive_nb.conversation import Recorder, Recording
from gemlive_nb.conversation.reply_words import ReplyWords, reply_words
from gemlive_nb.display import show_transcript
from gemlive_nb.emulator import Emulator

SAID = "Hello! Sure. How can I help you today?"
PIECES = ["Hello! ", "Sure. How ", "can I help ", "you today?"]


def audio(seconds: float) -> bytes:
    return np.full(round(24_000 * seconds), 300, np.int16).tobytes()


def mixroute_recording(text_first: bool) -> Recording:
    """One reply whose words arrive twice, piece by piece, as the seed's AUDIO+TEXT sends them."""
    now = [0.0]
    rec = Recorder(clock=lambda: now[0])
    rec.begin_turn("Hi", t=0.0)
    rec.mark_user_end(t=0.0)
    t = 0.1
    for piece in PIECES:
        rec.on_event(p.AudioChunk(audio(0.4)), t=t)
        kinds = [p.TextPart(piece), p.OutputTranscript(piece)]
        for event in kinds if text_first else kinds[::-1]:
            rec.on_event(event, t=t)
        t += 0.4
    rec.on_event(p.TextPart("planning the answer", thought=True), t=t)
    rec.on_event(p.TurnComplete(), t=t)
    return rec.recording


@pytest.mark.parametrize("text_first", [False, True])
def test_every_view_of_a_recording_shows_each_word_once(text_first: bool) -> None:
    rec = mixroute_recording(text_first)
    turn = rec.turns[0]
    assert turn.text == turn.output_transcript == SAID  # both kept as they came
    assert turn.transcript == turn.transcript_full == SAID
    assert SAID in repr(turn) or SAID[:50] in repr(turn)
    assert turn._repr_html_().count("How can I help") == 1
    t = show_transcript(rec)
    assert str(t).count("How can I help") == 1 and "model: " + SAID in str(t)
    assert t._repr_html_().count("How can I help") == 1
    assert str(show_transcript(turn)).count("How can I help") == 1
    for subtitles in (rec.srt(), rec.vtt()):
        assert subtitles.count("How can I help") == 1 and SAID in subtitles
    assert "planning" not in str(t)  # a thought is never the reply's words


def test_a_reply_without_transcription_shows_its_text_parts() -> None:
    rec = Recorder(clock=lambda: 0.0)
    rec.begin_turn("Hi", t=0.0)
    rec.mark_user_end(t=0.0)
    rec.on_event(p.TextPart("Text "), t=0.1)
    rec.on_event(p.TextPart("only."), t=0.2)
    rec.on_event(p.TurnComplete(), t=0.3)
    assert rec.turns[0].transcript == "Text only."
    assert "Model: Text only." in rec.recording.srt()


def test_a_cut_text_only_reply_keeps_the_words_heard() -> None:
    # the same rule after a barge-in: text parts stand in for a transcription the reply lacks
    rec = Recorder(clock=lambda: 0.0)
    rec.begin_turn("Tell me a story", t=0.0)
    rec.mark_user_end(t=0.0)
    rec.on_event(p.AudioChunk(audio(1.0)), t=0.1)
    rec.on_event(p.TextPart("Once upon a time"), t=0.1)
    rec.on_event(p.AudioChunk(audio(1.0)), t=0.2)
    rec.on_event(p.TextPart(" there was a king."), t=0.2)
    rec.report_playback(36_000)  # 1.5 s heard: the first part only
    rec.on_event(p.Interrupted(), t=0.3)
    assert rec.turns[0].transcript == "Once upon a time"
    assert rec.turns[0].transcript_full == "Once upon a time there was a king."


def test_reply_words_streams_appends_and_one_replacement() -> None:
    assert reply_words("spoken", "typed") == "spoken" and reply_words("", "typed") == "typed"
    words = ReplyWords()
    assert words.add("Hello! Sure.", transcribed=False) == ("Hello! Sure.", False)
    assert words.add("Hello!", transcribed=True) == ("Hello!", True)  # transcription wins
    assert words.add(" Sure.", transcribed=False) is None
    assert words.add(" Sure.", transcribed=True) == (" Sure.", False)
    assert words.shown == "Hello! Sure."
    assert words.add("", transcribed=True) is None
    # transcription first (the emulator's order): text parts never show
    words = ReplyWords()
    assert words.add("Hi", transcribed=True) == ("Hi", False)
    assert words.add("Hi", transcribed=False) is None


async def test_compare_views_on_the_seed_endpoint_show_each_word_once() -> None:
    async with Emulator(speech="builtin", dialect="mixroute", proxy_modalities="seed") as emu:
        res = await acompare_voices(
            "Hello", voices=["Puck"], endpoint=emu.proxy_url(), api_key="sk-test-0123",
            progress=False, score=False,
        )  # fmt: skip
    row = res.rows[0]
    assert row.error is None and row.transcript.strip()
    assert row.turn is not None and row.turn.text == row.turn.output_transcript  # both arrived
    assert row.transcript == row.turn.output_transcript
    words = row.transcript.strip()
    for view in (to_text(res), to_html(res), str(res)):
        assert view.count(words) == 1
