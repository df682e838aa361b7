"""VoiceExplorer against the emulator: cards, generation, playback messages, favourites."""

from __future__ import annotations

import asyncio
import json

import pytest

from gemlive_nb.catalog import LANGUAGES, VOICES
from gemlive_nb.compare import Comparison
from gemlive_nb.compare import run as compare_run
from gemlive_nb.config import LiveConfig
from gemlive_nb.endpoints import google_path
from gemlive_nb.exceptions import ConfigError, SessionClosed
from gemlive_nb.explorer import READ_ALOUD_INSTRUCTION, VoiceExplorer

SENTENCE = "The quick brown fox jumps over the lazy dog."


@pytest.fixture
def url(emulator) -> str:
    return emulator.url + google_path("v1beta")


@pytest.fixture
def sent(monkeypatch):
    """Messages the explorer sends to the browser: (content, buffers)."""
    out: list[tuple[dict, list]] = []
    monkeypatch.setattr(
        VoiceExplorer, "send", lambda self, c, buffers=None: out.append((c, buffers))
    )
    return out


def test_the_grid_holds_every_voice_and_language_and_bad_input_fails_early():
    ex = VoiceExplorer(text=SENTENCE)
    assert len(ex.voices) == 30 == len(VOICES)
    assert ex.catalog_voices[1] == {"name": "Puck", "style": VOICES["Puck"].style}
    assert [lang["code"] for lang in ex.catalog_languages] == [lang.code for lang in LANGUAGES]
    assert ex.cards == {} and ex.favourites == [] and ex.language == "en-US"
    with pytest.raises(ConfigError, match="did you mean 'Puck'"):
        VoiceExplorer(text=SENTENCE, voices=["Pukc"])
    with pytest.raises(ConfigError, match="did you mean"):
        VoiceExplorer(text=SENTENCE, language="Germna")
    with pytest.raises(ConfigError, match="non-empty sentence"):
        VoiceExplorer(text="  ")
    with pytest.raises(ConfigError, match="chosen in the explorer"):
        VoiceExplorer(text=SENTENCE, voice="Puck")
    with pytest.raises(ConfigError, match="temperature"):
        VoiceExplorer(text=SENTENCE, temperature=9)


def test_generate_fills_cards_with_measures_and_the_result_is_a_comparison(url, tmp_path):
    ex = VoiceExplorer(text=SENTENCE, language="en-US", endpoint=url)
    res = ex.generate(["Puck", "Kore", "Charon"])
    assert isinstance(res, Comparison) and [r.voice for r in res] == ["Puck", "Charon", "Kore"]
    assert not res.errors
    for row in res:
        assert row.transcript == SENTENCE  # the voice said the sentence, nothing else
        assert row.heard == SENTENCE and row.metrics["wer"] == 0.0
    for name in ("Puck", "Kore", "Charon"):
        card = ex.cards[name]
        assert card["status"] == "ready" and card["duration_s"] > 1
        assert card["words_per_s"] > 0 and 60 < card["pitch_hz"] < 400
        assert card["latency_first_audio"] is not None and len(card["peaks"]) == 64
    assert len({round(ex.cards[n]["pitch_hz"]) for n in ("Puck", "Kore", "Charon")}) == 3
    assert "generated 3 of 3" in ex.status
    back = Comparison.load(ex.result.save(tmp_path / "ex"))
    assert back.settings["language"] == "en-US" and back["Kore"].audio == res["Kore"].audio


def test_audio_travels_as_a_message_never_as_state(url, sent, monkeypatch):
    calls = []
    real = compare_run._ask_one

    async def counted(prompt, config, *args):
        calls.append(config.voice)
        return await real(prompt, config, *args)

    monkeypatch.setattr(compare_run, "_ask_one", counted)
    ex = VoiceExplorer(text=SENTENCE, endpoint=url, voices=["Puck", "Kore"])
    ex._on_custom(ex, {"kind": "play", "voice": "Puck", "request": 1}, [])
    content, buffers = sent[-1]
    assert content["kind"] == "audio" and content["voice"] == "Puck" and content["rate"] == 24000
    assert content["text"] == SENTENCE and content["request"] == 1
    assert len(buffers) == 1 and len(buffers[0]) == 2 * len(ex.result["Puck"].audio.samples)
    ex._on_custom(ex, {"kind": "play", "voice": "Puck", "request": 2}, [])
    assert calls == ["Puck"] and sent[-1][0]["request"] == 2  # replayed from the cache
    data = {k: v for k, v in ex.get_state().items() if k not in ("_esm", "_css")}  # code
    state = json.dumps(data)
    assert len(state) < 5_000 and "peaks" in state  # two cards of numbers, no samples
    assert not any(isinstance(v, (bytes, memoryview)) for v in ex.get_state().values())


def test_one_failing_voice_never_spoils_the_grid(url, monkeypatch):
    real = compare_run._ask_one

    async def flaky(prompt, config, *args):
        if config.voice == "Kore":
            raise SessionClosed(1011, "Kore is unavailable")
        return await real(prompt, config, *args)

    monkeypatch.setattr(compare_run, "_ask_one", flaky)
    ex = VoiceExplorer(text=SENTENCE, endpoint=url)
    ex._on_custom(ex, {"kind": "generate", "voices": ["Puck", "Kore", "Fenrir", "Nobody"]}, [])
    assert (
        ex.cards["Kore"]["status"] == "error" and "Kore is unavailable" in ex.cards["Kore"]["error"]
    )
    assert ex.cards["Puck"]["status"] == "ready" and ex.cards["Fenrir"]["status"] == "ready"
    assert "Nobody" not in ex.cards and "1 failed" in ex.status
    monkeypatch.setattr(compare_run, "_ask_one", real)
    ex.generate(["Kore"])  # a failed voice is tried again
    assert ex.cards["Kore"]["status"] == "ready"


def test_changing_sentence_or_language_regenerates_on_demand_and_keeps_the_cache(url):
    ex = VoiceExplorer(text=SENTENCE, endpoint=url, voices=["Puck"])
    ex.generate()
    first = ex.result["Puck"].audio
    ex.language = "German"
    assert ex.language == "de-DE" and ex.cards == {}
    ex.generate()
    assert ex.result.settings["language"] == "de-DE" and ex.result["Puck"].audio != first
    ex.language = "xx-Nope"
    assert ex.language == "de-DE" and "xx-Nope" in ex.status
    ex.text = ""
    assert ex.text == SENTENCE
    ex.language = "en-US"
    assert ex.cards["Puck"]["status"] == "ready" and ex.result["Puck"].audio == first


def test_favourites_config_and_widget():
    ex = VoiceExplorer(text=SENTENCE, language="fr-FR", voices=["Puck", "Kore"], temperature=0.3)
    with pytest.raises(ConfigError, match="no favourite yet"):
        ex.config()
    ex.blind = True
    ex._on_custom(ex, {"kind": "favourite", "voice": "Kore"}, [])
    assert ex.favourites == ["Kore"] and ex.blind is False
    with pytest.raises(ConfigError, match="not on this explorer's grid"):
        ex.pick("Charon")
    cfg = ex.config()
    assert isinstance(cfg, LiveConfig)
    assert (cfg.voice, cfg.language, cfg.temperature) == ("Kore", "fr-FR", 0.3)
    assert cfg.system_instruction != READ_ALOUD_INSTRUCTION
    assert ex.config("puck").voice == "Puck"
    w = ex.widget()
    assert w.voice == "Kore" and w.language == "fr-FR"
    w.close()
    assert "Kore" in repr(ex)


def test_the_explore_magic_opens_the_explorer_with_the_sentence():
    from gemlive_nb.magics import GemliveMagics

    magics = GemliveMagics(shell=None)
    ex = magics.gemlive("explore Guten Morgen, wie geht es? --language de-DE")
    assert isinstance(ex, VoiceExplorer)
    assert ex.text == "Guten Morgen, wie geht es?" and ex.language == "de-DE"
    assert magics.gemlive("explore").text == "Hello! This is how I sound."


async def test_the_pages_bad_requests_get_an_answer_not_a_dead_task(url, sent):
    """#24 item 16: `play` of an unknown voice and a `generate` naming a voice twice died in a
    task (ConfigError), so the page waited for an answer forever."""
    ex = VoiceExplorer(text=SENTENCE, endpoint=url, voices=["Puck", "Kore"])
    ex._on_custom(ex, {"kind": "play", "voice": "Nobody", "request": 7}, [])
    ex._on_custom(ex, {"kind": "generate", "voices": ["Puck", "Puck"]}, [])
    tasks = list(ex._tasks)
    assert len(tasks) == 2  # in a kernel, the page's requests run as tasks
    await asyncio.gather(*tasks)  # neither raises
    (answer, buffers), *_ = sent
    assert answer["kind"] == "audio" and answer["voice"] == "Nobody" and answer["request"] == 7
    assert "Nobody" in answer["error"] and not buffers
    assert ex.cards["Puck"]["status"] == "ready" and ex.status == "generated 1 of 1"
