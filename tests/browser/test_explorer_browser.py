"""VoiceExplorer in real Chromium (JupyterLab, keyed emulator in its own process).

One run (module fixture): open a notebook with the explorer, click a card (the first click
generates, the browser plays it), click it again (replayed from memory), filter to one style and
"Generate all", sort by pitch, pin two cards, go blind, play them A/B and pick the first, then
save the notebook. The tests below check one aspect each.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_harness import KEY, Jupyter, NotebookPage, write_notebook

from gemlive_nb.catalog import VOICES

ROOT = Path(__file__).resolve().parents[2]
# One end-to-end flow (a Jupyter server, Chromium, 1 + a style's worth of voices generated and
# re-transcribed, A/B playback) runs in the first test's setup: about 60 s quiet, 120 s with the
# machine's load average near 15 on 2 cores.
pytestmark = pytest.mark.timeout(300)
SENTENCE = "Every voice reads this sentence aloud."
STYLE = VOICES["Zephyr"].style  # 'Bright': more than one voice has it

EXPLORER = f"""\
import json, os
from gemlive_nb.explorer import VoiceExplorer
ex = VoiceExplorer(text={SENTENCE!r}, endpoint=os.environ["GEMLIVE_TEST_EMULATOR"],
                   api_key=os.environ["GEMLIVE_TEST_KEY"])
ex"""

DUMP = """\
json.dump(dict(favourites=ex.favourites, cards=ex.cards, status=ex.status, blind=ex.blind,
               result=[r.voice for r in ex.result], transcripts=[r.transcript for r in ex.result],
               pitch={r.voice: r.metrics["pitch_hz"] for r in ex.result}),
          open(OUT, "w"))"""

PLAYS = "() => window.__gemliveExplorer.plays"
EXPLORER_JS = "window.__gemliveExplorer.explorers[0]"


def _select(page: Any, selector: str, value: str) -> None:
    page.select_option(selector, value)


def _wait_plays(page: Any, count: int) -> list[dict]:
    page.wait_for_function(
        f"(n) => {PLAYS[6:]}.filter(p => p.ended !== null).length >= n", arg=count, timeout=60_000
    )
    return page.evaluate(PLAYS)


def _shown(page: Any) -> list[str]:
    return page.evaluate(f"() => {EXPLORER_JS}.shown().map(v => v.name)")


@pytest.fixture(scope="module")
def run(browser: Any, jupyter: Jupyter, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    out = str(tmp_path_factory.mktemp("explorer") / "state.json")
    nb_path = jupyter.root / "explorer.ipynb"
    write_notebook(nb_path, [EXPLORER, DUMP.replace("OUT", repr(out))])
    nb = NotebookPage(browser, jupyter, nb_path.name, ui="lab")
    page = nb.page
    r: dict[str, Any] = {}
    try:
        nb.run_cell(0)
        page.wait_for_function("() => document.querySelectorAll('.gx-card').length === 30")
        r["cards_at_start"] = page.locator(".gx-card").count()
        r["languages"] = page.locator(".gx-language option").count()
        # 1. click a card: generated on the first click, then played in the browser
        page.click(".gx-card[data-voice='Puck']")
        page.wait_for_selector(".gx-card[data-voice='Puck'].gx-generating", timeout=10_000)
        r["first"] = _wait_plays(page, 1)[0]
        r["requests_after_first"] = page.evaluate(f"() => {EXPLORER_JS}.request")
        page.click(".gx-card[data-voice='Puck']")
        r["second"] = _wait_plays(page, 2)[1]
        r["requests_after_second"] = page.evaluate(f"() => {EXPLORER_JS}.request")
        r["puck_card"] = page.locator(".gx-card[data-voice='Puck']").inner_text()
        # 2. filter by style, search, then Generate all (the visible cards only)
        page.fill(".gx-search", "a")
        r["searched"] = _shown(page)
        page.fill(".gx-search", "")
        _select(page, ".gx-style", STYLE)
        page.wait_for_function(f"() => {EXPLORER_JS}.shown().length < 30")
        r["filtered"] = _shown(page)
        page.click(".gx-generate")
        page.wait_for_function(
            "() => { const c = [...document.querySelectorAll('.gx-card')];"
            " return c.length && c.every(e => e.classList.contains('gx-ready')); }",
            timeout=90_000,
        )
        # 3. sort by median pitch
        _select(page, ".gx-sort", "pitch_hz")
        page.wait_for_function(
            "() => document.querySelector('.gx-card')?.dataset.voice !== undefined"
        )
        r["sorted"] = [
            e.get_attribute("data-voice") for e in page.locator(".gx-card").element_handles()
        ]
        r["sorted_pitch_text"] = page.locator(".gx-card .gx-pitch").all_inner_texts()
        shot = str(Path(out).with_name("explorer.png"))
        page.locator(".gx-root").screenshot(path=shot)
        if os.environ.get("GEMLIVE_EXPLORER_SCREENSHOT"):
            shutil.copy(shot, ROOT / os.environ["GEMLIVE_EXPLORER_SCREENSHOT"])
        # 4. pin two, blind A/B, pick the first one heard
        pins = page.locator(".gx-card .gx-pin")
        pins.nth(0).click()
        page.wait_for_function(f"() => {EXPLORER_JS}.model.get('pinned').length === 1")
        page.locator(".gx-card .gx-pin").nth(1).click()
        page.wait_for_function(f"() => {EXPLORER_JS}.model.get('pinned').length === 2")
        r["pinned"] = page.evaluate(f"() => {EXPLORER_JS}.model.get('pinned')")
        page.check(".gx-blind")
        page.wait_for_function(
            "() => document.querySelector('.gx-name')?.textContent === 'Voice A'"
        )
        r["blind_names"] = page.locator(".gx-card .gx-name").all_inner_texts()
        r["blind_text"] = page.locator(".gx-grid").inner_text()
        r["blind_order"] = _shown(page)
        plays_before = len(page.evaluate(PLAYS))
        page.click(".gx-ab")
        r["ab"] = _wait_plays(page, plays_before + 2)[plays_before:]
        page.locator(".gx-card .gx-star").nth(0).click()
        page.wait_for_function(f"() => {EXPLORER_JS}.model.get('favourites').length === 1")
        page.wait_for_function("() => !document.querySelector('.gx-blind').checked")
        r["revealed_names"] = page.locator(".gx-card .gx-name").all_inner_texts()
        nb.run_cell(1)
        r["kernel"] = json.loads(Path(out).read_text())
        nb.save()
        page.wait_for_function(
            "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=10_000
        )
        r["saved"] = nb_path.read_text()
        r["page_errors"] = list(nb.errors)
        nb.shutdown_kernel()
        yield r
    finally:
        nb.close()


def test_clicking_a_card_generates_and_plays_that_voice_in_the_browser(run: dict) -> None:
    assert run["cards_at_start"] == 30 and run["languages"] >= 24
    first = run["first"]
    assert first["voice"] == "Puck" and first["rate"] == 24000
    assert first["samples"] > 24000 and first["rms"] > 0.01  # a second of audible speech
    heard = first["ended"] - first["started"]
    assert heard >= 0.9 * first["samples"] / first["rate"], first  # the clock ran through it
    assert "Hz" in run["puck_card"] and "w/s" in run["puck_card"] and "WER 0%" in run["puck_card"]


def test_the_second_click_replays_from_memory(run: dict) -> None:
    assert run["second"]["voice"] == "Puck"
    assert run["second"]["samples"] == run["first"]["samples"]
    assert run["requests_after_second"] == run["requests_after_first"] == 1


def test_filter_search_and_generate_all_fill_only_the_visible_cards(run: dict) -> None:
    bright = [v.name for v in VOICES if v.style == STYLE]
    assert run["filtered"] == bright and len(bright) >= 2
    assert all("a" in (n + VOICES[n].style).lower() for n in run["searched"])
    cards = run["kernel"]["cards"]
    assert all(cards[n]["status"] == "ready" for n in bright)
    assert set(run["kernel"]["result"]) == {"Puck", *bright}
    assert set(run["kernel"]["transcripts"]) == {SENTENCE}
    assert "generated" in run["kernel"]["status"]


def test_sorting_by_pitch_orders_the_cards(run: dict) -> None:
    pitch = run["kernel"]["pitch"]
    assert sorted(run["sorted"]) == sorted(run["filtered"])
    values = [pitch[v] for v in run["sorted"]]
    assert values == sorted(values)
    assert run["sorted_pitch_text"] == [f"{p:.0f} Hz" for p in values]


def test_blind_ab_pick_lands_in_favourites(run: dict) -> None:
    assert run["blind_names"] == ["Voice A", "Voice B"]
    assert not any(name in run["blind_text"] for name in run["pinned"])
    assert sorted(run["blind_order"]) == sorted(run["pinned"])
    assert [p["voice"] for p in run["ab"]] == run["blind_order"]  # back to back, in order
    assert all(p["rms"] > 0.01 for p in run["ab"])
    assert run["ab"][1]["started"] >= run["ab"][0]["ended"] - 0.05
    assert run["kernel"]["favourites"] == [run["blind_order"][0]]
    assert run["kernel"]["blind"] is False
    assert run["blind_order"][0] in run["revealed_names"]


def test_saved_notebook_is_small_and_holds_no_audio_or_key(run: dict) -> None:
    saved = run["saved"]
    assert KEY not in saved
    assert len(saved) < 150_000, len(saved)
    nb = json.loads(saved)
    models = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    explorer = [m for m in models.values() if "favourites" in m["state"]]
    assert len(explorer) == 1 and explorer[0]["state"]["favourites"] == run["kernel"]["favourites"]
    assert not any("buffers" in m for m in models.values())  # no binary state: no audio
    assert not run["page_errors"], run["page_errors"]
