"""compare_voices / compare_languages / compare_grid against the emulator, and the result object."""

from __future__ import annotations

import asyncio
import json
import sys

import numpy as np
import pytest

from gemlive_nb.audio import Audio, read_wav
from gemlive_nb.compare import (
    Comparison,
    acompare_voices,
    compare_grid,
    compare_languages,
    compare_voices,
)
from gemlive_nb.compare import run as compare
from gemlive_nb.conversation import Turn
from gemlive_nb.display.spectrum import stft_db
from gemlive_nb.endpoints import google_path
from gemlive_nb.exceptions import ConfigError, SessionClosed


@pytest.fixture
def url(emulator) -> str:
    """The emulator's Live URL (its bare ``emulator.url`` plus the Gemini API path)."""
    return emulator.url + google_path("v1beta")


def centroid(audio: Audio) -> float:
    spec = stft_db(audio.samples, audio.rate)
    power = 10 ** (spec.db / 10)
    return float((spec.freqs[:, None] * power).sum() / power.sum())


@pytest.fixture
def fake_ask(monkeypatch):
    """Replace the per-cell session with a stub; records the configs it was given."""
    calls = []
    state = {"active": 0, "peak": 0}

    async def ask(prompt, config, endpoint, api_key, timeout):
        calls.append(config)
        state["active"] += 1
        state["peak"] = max(state["peak"], state["active"])
        await asyncio.sleep(0.05)
        state["active"] -= 1
        turn = Turn(index=0, user_text=prompt, output_transcript=f"{config.voice} says hi")
        turn.add_audio(np.full(2400, 1000, np.int16))
        return turn

    async def hear(audio, config, endpoint, api_key, timeout):
        return f"{config.voice} says hi"

    monkeypatch.setattr(compare, "_ask_one", ask)
    monkeypatch.setattr(compare, "_retranscribe", hear)
    return calls, state


def test_unknown_voice_fails_before_any_session(fake_ask):
    calls, _ = fake_ask
    with pytest.raises(ConfigError, match=r"'Pukc'.*did you mean 'Puck'"):
        compare_voices("hi", voices=["Kore", "Pukc"])
    assert calls == []


def test_unknown_language_and_bad_lists_fail_early(fake_ask):
    calls, _ = fake_ask
    with pytest.raises(ConfigError, match="did you mean"):
        compare_languages("hi", languages=["de-DE", "Germna"])
    with pytest.raises(ConfigError, match="listed twice"):
        compare_voices("hi", voices=["Puck", "puck"])
    with pytest.raises(ConfigError, match="lists of names"):
        compare_voices("hi", voices="Puck")
    with pytest.raises(ConfigError, match="temperature"):
        compare_voices("hi", voices=["Puck"], temperature=9)
    assert calls == []


def test_concurrency_is_limited_and_defaults_cover_the_catalog(fake_ask):
    calls, state = fake_ask
    res = compare_voices("hi", concurrency=3, progress=False)
    assert len(res) == 30 and len(calls) == 30
    assert state["peak"] == 3
    assert [r.voice for r in res][:3] == ["Zephyr", "Puck", "Charon"]
    assert all(r.language is None and r.ok for r in res)


def test_result_access_text_and_records(fake_ask):
    res = compare_voices("hi", voices=["Puck", "Kore"], progress=False)
    assert res["kore"].voice == "Kore" and res[0].voice == "Puck"
    with pytest.raises(KeyError, match="Zephyr"):
        res["Zephyr"]
    text = str(res)
    assert "Puck" in text and "Kore says hi" in text
    assert "2 voices (2 ok" in repr(res) and "2 ok" in repr(res)
    records = res.records()
    assert records[0]["voice"] == "Puck" and records[0]["duration_s"] == pytest.approx(0.1)
    json.dumps(records)


def test_to_pandas_without_pandas_says_how_to_install(fake_ask, monkeypatch):
    res = compare_voices("hi", voices=["Puck"], progress=False)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        res.to_pandas()


def test_picker_reruns_with_the_chosen_voices(fake_ask):
    calls, _ = fake_ask
    res = compare_voices("hi", voices=["Puck", "Kore"], progress=False)
    box = res.picker()
    select = box.children[0].children[0]
    assert select.value == ("Puck", "Kore") and len(select.options) == 30
    select.value = ("Charon",)
    box.run()
    assert isinstance(box.result, Comparison)
    assert [r.voice for r in box.result] == ["Charon"]
    assert calls[-1].voice == "Charon"


# ------------------------------------------------------------------ against the emulator


def test_voices_against_the_emulator_differ(url):
    res = compare_voices("Say hello in one sentence.", ["Puck", "Kore", "Charon"],
                         endpoint=url, progress=False)  # fmt: skip
    assert [r.voice for r in res] == ["Puck", "Kore", "Charon"]
    assert not res.errors, [r.error_text for r in res.errors]
    audios = [r.audio for r in res]
    assert all(a.rate == 24_000 and a.duration > 0.2 for a in audios)
    for i in range(3):
        for j in range(i + 1, 3):
            a, b = audios[i].samples, audios[j].samples
            assert len(a) != len(b) or not np.array_equal(a, b)
    centroids = [centroid(a) for a in audios]
    assert len({round(c) for c in centroids}) == 3
    for r in res:
        assert r.transcript
        assert r.metrics["latency_first_audio"] is not None
        assert r.metrics["wall_s"] > 0
    html = res._repr_html_()
    assert html.count("<audio") == 3 and html.count("<svg") == 3
    assert "Say hello in one sentence." in html


def test_languages_against_the_emulator(url):
    res = compare_languages("Good morning", ["de-DE", "fr-FR"], endpoint=url,
                            progress=False)  # fmt: skip
    assert [r.language for r in res] == ["de-DE", "fr-FR"]
    assert all(r.ok and r.audio.duration > 0 for r in res)
    assert not np.array_equal(res[0].audio.samples, res[1].audio.samples)


def test_a_failing_cell_shows_its_error_and_the_others_succeed(url, monkeypatch):
    real = compare._ask_one

    async def flaky(prompt, config, endpoint, api_key, timeout):
        if config.voice == "Kore":
            raise SessionClosed(1011, "Kore is unavailable")
        return await real(prompt, config, endpoint, api_key, timeout)

    monkeypatch.setattr(compare, "_ask_one", flaky)
    res = compare_voices("Hi there", ["Puck", "Kore", "Charon"], endpoint=url,
                         progress=False)  # fmt: skip
    assert [r.ok for r in res] == [True, False, True]
    bad = res["Kore"]
    assert isinstance(bad.error, SessionClosed) and bad.audio is None
    html = res._repr_html_()
    assert "SessionClosed: session closed with code 1011: Kore is unavailable" in html
    assert html.count("<audio") == 2 and "1 failed" in html
    assert "ERROR SessionClosed" in str(res)


def test_an_endpoint_that_refuses_fails_every_cell_without_raising():
    res = compare_voices("Hi", ["Puck", "Kore"], endpoint="ws://127.0.0.1:9", progress=False,
                         timeout=10)  # fmt: skip
    assert len(res) == 2 and len(res.errors) == 2
    assert all(r.error_text for r in res)


def test_grid_save_and_manifest(url, tmp_path):
    res = compare_grid("Thanks!", ["Puck", "Kore"], ["en-US", "de-DE"], endpoint=url,
                       progress=False)  # fmt: skip
    assert res.kind == "grid" and len(res) == 4
    assert [(r.voice, r.language) for r in res] == [
        ("Puck", "en-US"), ("Puck", "de-DE"), ("Kore", "en-US"), ("Kore", "de-DE"),
    ]  # fmt: skip
    assert res["Kore", "de-DE"].ok
    html = res._repr_html_()
    assert html.count("<audio") == 4 and html.index("en-US") < html.index("de-DE")
    out = res.save(tmp_path / "grid")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["prompt"] == "Thanks!" and manifest["kind"] == "grid"
    assert [c["file"] for c in manifest["entries"]] == [
        "Puck_en-US.wav", "Puck_de-DE.wav", "Kore_en-US.wav", "Kore_de-DE.wav",
    ]  # fmt: skip
    back = read_wav(out / "Kore_de-DE.wav")
    assert back == res["Kore", "de-DE"].audio
    assert manifest["entries"][0]["transcript"] == res[0].transcript


async def test_async_form_runs_on_the_callers_loop(url):
    res = await acompare_voices("Hello", ["Puck", "Aoede"], endpoint=url,
                                progress=False)  # fmt: skip
    assert [r.voice for r in res] == ["Puck", "Aoede"] and not res.errors
    again = await res.arerun(voices=["Kore"])
    assert [r.voice for r in again] == ["Kore"] and again[0].ok


def test_progress_bar_in_a_notebook_counts_cells_and_failures(monkeypatch):
    from gemlive_nb.compare import ui as compare_ui

    shown = []
    monkeypatch.setattr(compare_ui, "in_notebook", lambda: True)
    monkeypatch.setattr("IPython.display.display", shown.append)
    bar = compare_ui.Progress(3, label="hi")
    widget = shown[0]
    assert widget.max == 3 and widget.value == 0
    bar.advance()
    bar.advance(failed=True)
    assert widget.value == 2 and widget.description == "2/3 done" and widget.bar_style == "warning"
    bar.close()
    assert bar._bar is None


def test_no_progress_output_in_plain_python(fake_ask, capsys):
    compare_voices("hi", voices=["Puck"])
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_to_pandas_builds_one_row_per_cell(fake_ask, monkeypatch):
    import types

    class FakeFrame(dict):
        def __init__(self, records):
            super().__init__({k: [r[k] for r in records] for k in records[0]})

    monkeypatch.setitem(sys.modules, "pandas", types.SimpleNamespace(DataFrame=FakeFrame))
    res = compare_voices("hi", voices=["Puck", "Kore"], progress=False)
    frame = res.to_pandas()
    assert frame["voice"] == ["Puck", "Kore"]
    assert frame["transcript"] == ["Puck says hi", "Kore says hi"]
    assert frame["audio"] == [res[0].audio, res[1].audio]
    assert frame["error"] == [None, None]


def test_signatures_show_the_shared_options():
    import inspect

    from gemlive_nb.compare import run as compare

    for fn in (compare.compare_voices, compare.acompare_languages, compare.compare_grid):
        params = inspect.signature(fn).parameters
        assert {"config", "concurrency", "endpoint", "timeout", "progress"} <= set(params)
        assert params["concurrency"].default is None and params["score"].default is True
