"""Scores beside the comparison table: re-transcription WER, speaking rate, median pitch; the
default concurrency per endpoint; sorting, save/load and the pandas tables."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gemlive_nb.audio import Audio, float_to_int16
from gemlive_nb.compare import (
    SERVICE_CONCURRENCY,
    Comparison,
    PandasMissing,
    compare_languages,
    compare_voices,
    default_concurrency,
    median_pitch,
    speaking_rate,
    word_error_rate,
    words,
)
from gemlive_nb.compare import run as compare_run
from gemlive_nb.conversation import Recording, Turn
from gemlive_nb.endpoints import google_path
from gemlive_nb.exceptions import ConfigError, GemliveError


@pytest.fixture
def url(emulator) -> str:
    return emulator.url + google_path("v1beta")


def test_words_and_word_error_rate():
    assert words("Hello, World! It's me.") == ["hello", "world", "it's", "me"]
    assert words("こんにちは") == list("こんにちは")
    assert word_error_rate("the cat sat", "The cat, sat!") == 0.0
    assert word_error_rate("the cat sat", "the cat sat down") == pytest.approx(1 / 3)
    assert word_error_rate("the cat sat", "") == 1.0
    assert word_error_rate("", "anything") is None


@given(st.lists(st.sampled_from(["a", "b", "c", "dd"]), max_size=8),
       st.lists(st.sampled_from(["a", "b", "c", "dd"]), max_size=8))  # fmt: skip
def test_word_error_rate_is_an_edit_distance(ref, hyp):
    rate = word_error_rate(" ".join(ref), " ".join(hyp))
    if not ref:
        assert rate is None
        return
    assert rate is not None and 0 <= rate * len(ref) <= max(len(ref), len(hyp))
    assert (rate == 0) == (ref == hyp)


def test_speaking_rate_and_pitch_of_a_tone():
    assert speaking_rate("one two three", 1.5) == pytest.approx(2.0)
    assert speaking_rate("", 1.0) is None and speaking_rate("a b", 0) is None
    t = np.arange(24000) / 24000
    voiced = 0.5 * np.sin(2 * np.pi * 150 * t) + 0.2 * np.sin(2 * np.pi * 300 * t)
    assert median_pitch(Audio(float_to_int16(voiced), 24000)) == pytest.approx(150, rel=0.03)
    assert median_pitch(Audio(np.zeros(24000, np.int16), 24000)) is None


def test_default_concurrency_all_at_once_locally_and_bounded_on_the_service(url):
    assert default_concurrency(url, entries=30) == 30
    assert default_concurrency("emulator", entries=5) == 5
    key = "AIza" + "x" * 35
    assert default_concurrency("google", api_key=key, entries=30) == SERVICE_CONCURRENCY == 8
    assert default_concurrency("google", api_key=key, entries=3) == 3


def test_retranscription_scores_the_emulator_exactly_and_voices_differ_in_pitch(url):
    res = compare_voices("Tell me about the sea.", ["Puck", "Kore", "Charon"], endpoint=url,
                         progress=False, score="retranscribe")  # fmt: skip
    assert not res.errors and res.concurrency == 3
    for row in res:
        assert row.heard == row.transcript  # the built-in voices decode exactly
        assert row.metrics["wer"] == 0.0
        expected = len(words(row.transcript)) / row.audio.duration
        assert row.metrics["words_per_s"] == pytest.approx(expected)
    pitches = [row.metrics["pitch_hz"] for row in res]
    assert all(60 < p < 400 for p in pitches) and len({round(p) for p in pitches}) == 3
    html = res._repr_html_()
    assert "WER" in html and "w/s" in html and "3 at once" in html


def test_a_damaged_reply_gets_a_nonzero_wer(url, monkeypatch):
    real = compare_run._ask_one

    async def muffled(prompt, config, endpoint, api_key, timeout):
        turn = await real(prompt, config, endpoint, api_key, timeout)
        damaged = Turn(index=0, user_text=prompt, output_transcript=turn.transcript)
        samples = turn.audio.samples.copy()
        samples[: len(samples) // 2] = 0  # the first half is lost
        damaged.add_audio(samples)
        return damaged

    monkeypatch.setattr(compare_run, "_ask_one", muffled)
    res = compare_voices("Tell me about mountains and rivers.", ["Puck"], endpoint=url,
                         progress=False, score="retranscribe")  # fmt: skip
    assert 0 < res[0].metrics["wer"] <= 1


def test_scoring_off_and_a_failing_retranscription_keep_the_reply(url, monkeypatch):
    res = compare_voices("Hi there", ["Puck"], endpoint=url, progress=False, score=False)
    assert res[0].ok and "wer" not in res[0].metrics and res[0].heard == ""

    async def broken(*args):
        raise GemliveError("transcription unavailable")

    monkeypatch.setattr(compare_run, "_retranscribe", broken)
    res = compare_voices("Hi there", ["Puck"], endpoint=url, progress=False, score="retranscribe")
    assert res[0].ok and res[0].audio.duration > 0 and "wer" not in res[0].metrics


def _fake(voice: str, seconds: float, wer: float | None, error: bool = False):
    from gemlive_nb.compare import ComparisonRow

    if error:
        return ComparisonRow(voice, None, error=GemliveError("boom"))
    audio = Audio(np.full(int(seconds * 24000), 500, np.int16), 24000)
    return ComparisonRow(voice, None, audio=audio, transcript=f"{voice} speaks",
                         metrics={"wer": wer, "words_per_s": 2 / seconds})  # fmt: skip


def test_sort_by_puts_missing_values_last_and_rejects_unknown_keys():
    res = Comparison("hi", [_fake("Puck", 2, 0.5), _fake("Kore", 1, 0.0), _fake("Fenrir", 0, None,
                     error=True), _fake("Charon", 3, 0.25)], voices=["Puck", "Kore", "Fenrir",
                     "Charon"], languages=None, wall_s=1.0)  # fmt: skip
    assert [r.voice for r in res.sort_by("wer")] == ["Kore", "Charon", "Puck", "Fenrir"]
    assert [r.voice for r in res.sort_by("duration_s", descending=True)][:3] == [
        "Charon", "Puck", "Kore"]  # fmt: skip
    assert [r.voice for r in res] == ["Puck", "Kore", "Fenrir", "Charon"]  # unchanged
    with pytest.raises(ConfigError, match="did you mean 'wer'"):
        res.sort_by("wr")


def test_save_and_load_round_trip(tmp_path):
    res = Comparison("hi", [_fake("Puck", 1, 0.5), _fake("Kore", 0, None, error=True)],
                     voices=["Puck", "Kore"], languages=None, wall_s=1.5, concurrency=2,
                     settings={"language": "de-DE"})  # fmt: skip
    back = Comparison.load(res.save(tmp_path / "out"))
    assert back.prompt == "hi" and back.concurrency == 2 and back.settings["language"] == "de-DE"
    assert back["Puck"].audio == res["Puck"].audio and back["Puck"].metrics["wer"] == 0.5
    assert not back["Kore"].ok and "boom" in back["Kore"].error_text
    assert back.records() == res.records()
    with pytest.raises(ConfigError, match=r"manifest\.json is missing"):
        Comparison.load(tmp_path / "nowhere")


def test_pandas_tables_need_pandas_and_say_how_to_get_it(monkeypatch):
    res = Comparison("hi", [_fake("Puck", 1, 0.0)], voices=["Puck"], languages=None, wall_s=1)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(PandasMissing, match="pip install pandas"):
        res.to_pandas()
    with pytest.raises(ImportError, match=r"Recording.to_pandas\(\) needs pandas"):
        Recording().to_pandas()


def test_recording_to_pandas_has_one_row_per_turn(monkeypatch):
    import types

    frames = []

    class FakeFrame:
        def __init__(self, rows=None):
            self.rows = rows or []
            frames.append(self)

        def set_index(self, name):
            self.index = [r[name] for r in self.rows]
            return self

    monkeypatch.setitem(sys.modules, "pandas", types.SimpleNamespace(DataFrame=FakeFrame))
    one = Turn(index=0, user_text="hi", output_transcript="Hello!")
    one.add_audio(np.zeros(2400, np.int16))
    two = Turn(index=1, user_text="bye", output_transcript="Goodbye.")
    rec = Recording()
    rec.turns.extend([one, two])
    frame = rec.to_pandas()
    assert frame.index == [0, 1]
    assert [r["transcript"] for r in frame.rows] == ["Hello!", "Goodbye."]
    assert (
        frame.rows[0]["audio_out_s"] == pytest.approx(0.1)
        and "latency_first_audio" in frame.rows[0]
    )


def test_default_scoring_reads_the_sessions_own_transcripts_without_a_second_session(
    url, monkeypatch
):
    """Before: every reply was re-transcribed by a second session by default."""
    calls: list[object] = []

    async def counted(*args):
        calls.append(args)
        return ""

    monkeypatch.setattr(compare_run, "_retranscribe", counted)
    res = compare_voices("Tell me about the sea.", ["Puck", "Kore"], endpoint=url, progress=False)
    assert calls == [] and not res.errors
    for row in res:
        assert "wer" not in row.metrics and row.heard == ""
        assert row.metrics["words_per_s"] > 0 and row.metrics["spoken_language"] == "en"
        assert row.metrics["cost_usd"] == pytest.approx(row.turn.cost) and row.turn.cost > 0


def test_retranscription_on_the_service_shows_its_cost_before_it_runs(monkeypatch, capsys):
    key = "AIza" + "x" * 35

    async def never(*args):
        raise AssertionError("no session may open in this test")

    monkeypatch.setattr(compare_run, "_ask_one", never)
    with pytest.raises(ConfigError):  # a bad score value fails before anything runs
        compare_voices("Hi", ["Puck"], endpoint="google", api_key=key, score="both")
    res = compare_voices("Hi", ["Puck"], endpoint="google", api_key=key, score="retranscribe",
                         progress=False)  # fmt: skip
    out = capsys.readouterr().out
    assert "1 extra session" in out and "$" in out and "score=True" in out
    assert res.errors  # the fake reply failed; the notice was printed before anything ran


def test_a_loopback_url_counts_as_an_emulator():
    """Before: only 127.0.0.1, localhost and ::1 did; 127.0.0.2 ran 8 at a time."""
    assert default_concurrency("ws://127.0.0.2:9", entries=30) == 30
    assert default_concurrency("ws://localhost:9", entries=12) == 12
    assert default_concurrency("ws://10.0.0.2:9", entries=30) == SERVICE_CONCURRENCY


def test_the_offline_language_identifier_reads_script_and_common_words():
    from gemlive_nb.compare.language import guess_language, same_language

    assert guess_language("Hier ist eine kurze Antwort zu Paris.") == "de"
    assert guess_language("Voici une courte réponse sur Paris.") == "fr"
    assert guess_language("Aquí tienes una respuesta breve sobre París.") == "es"
    assert guess_language("Sure. Here is a short answer about Paris.") == "en"
    assert guess_language("こんにちは！") == "ja" and guess_language("你好！") == "zh"
    assert guess_language("Привіт!") == "uk" and guess_language("Привет!") == "ru"
    assert guess_language("") is None and guess_language("1234") is None
    assert same_language("de-DE", "de") and not same_language("de-DE", "fr")


def test_compare_languages_has_a_spoken_language_column(url):
    res = compare_languages("Tell me about the sea.", ["de-DE", "ja-JP"], endpoint=url,
                            progress=False)  # fmt: skip
    assert [r.metrics["spoken_language"] for r in res] == ["de", "ja"]
    assert "spoken in" in res._repr_html_()
