"""The three widgets for everyone, in real Chromium (JupyterLab): axe-core, keyboard, playback.

One run (module fixture): a notebook shows a VoiceWidget, a VoiceExplorer and a ReplayWidget of
a real (emulated) conversation. axe-core (pinned in js/package.json, injected from
js/node_modules) checks each widget's own DOM; then the explorer is driven by keys only (Tab to
a card, arrows, Enter plays, Tab to ★, Enter picks it); then the VoiceWidget, with its mic on,
plays a 10 s reply while the page's playback and capture counters are read (in Notebook 7 too).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_harness import Jupyter, NotebookPage, write_notebook

pytestmark = pytest.mark.timeout(600)

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "js" / "node_modules" / "axe-core" / "axe.min.js"
# "Repeat after me: ..." makes the emulator say exactly this: about 10 s of speech.
LONG = (
    "Here is a long answer that keeps going for a while, so that the page has to play a steady "
    "stream of audio for ten seconds or more without a single gap, while the microphone keeps "
    "sending its frames to the kernel and nothing is lost on the way, from the first word to "
    "the very last one."
)

SETUP = """\
import json, os
import gemlive_nb as gl
from gemlive_nb.widget import VoiceWidget
from gemlive_nb.explorer import VoiceExplorer
key, url = os.environ["GEMLIVE_TEST_KEY"], os.environ["GEMLIVE_TEST_EMULATOR"]"""

WIDGET = """\
w = VoiceWidget(endpoint=url, api_key=key, voice="Puck",
                audio_constraints=dict(echoCancellation=False, noiseSuppression=False,
                                       autoGainControl=False))
w"""

EXPLORER = """\
ex = VoiceExplorer(text="Every voice reads this.", endpoint=url, api_key=key)
ex"""

REPLAY = """\
async with gl.connect(endpoint=url, api_key=key) as s:
    await s.ask("What is the weather in Paris? Tell me more.")
rp = gl.ReplayWidget(s.recording)
rp"""

DUMP = """\
json.dump(dict(stats=w.stats(), favourites=ex.favourites), open(OUT, "w"))
await w.disconnect()"""

AXE_RUN = """async (sel) => {
  const node = document.querySelector(sel);
  const r = await window.axe.run(node, {resultTypes: ["violations"]});
  return {passes: r.passes.map(p => p.id), violations: r.violations.map(v => ({id: v.id,
    impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.html.slice(0, 160))}))};
}"""

FOCUS = """() => { const a = document.activeElement;
  return {cls: a?.className ?? "", part: a?.dataset?.part ?? "",
          voice: a?.closest?.('.gx-card')?.dataset.name ?? "",
          label: a?.getAttribute?.('aria-label') ?? "",
          outline: a ? getComputedStyle(a).outlineStyle : ""}; }"""


def _tab_until(page: Any, part: str, limit: int = 25) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus["part"] == part:
            return focus
    raise AssertionError(f"Tab never reached a card's {part} control")


def _ten_second_reply(nb: NotebookPage) -> dict:
    """Mic on (the fake mic speaks, the model answers), then a 10 s reply typed for: what played
    and how often the player ran dry during it, and the number of the first mic frame."""
    page, r = nb.page, {}
    page.click(".gl-mic")
    page.wait_for_function(
        "() => { const e = [...window.__gemlive.values()][0];"
        " return e.micState === 'live' && e.entries.some(x => x.kind === 'model' && x.final)"
        " && e.playbackIdle(); }",
        timeout=60_000,
    )
    r["first_frame"] = nb.engine("e.firstFrame[0]")
    # the capture worklet's posts to the main thread over 2 s (frames come 50 a second)
    r["capture"] = page.evaluate(
        """async () => { const e = [...window.__gemlive.values()][0];
          const port = e.mic.capture.port, inner = port.onmessage;
          let posts = 0, frames = 0;
          port.onmessage = (m) => { posts++; frames += m.data.frames?.length ?? 0; inner(m); };
          await new Promise((ok) => setTimeout(ok, 2000));
          port.onmessage = inner;
          return {posts, frames}; }"""
    )
    before = nb.engine("({played: e.played24k(), underruns: e.stats.underruns})")
    page.fill(".gl-text", f"Repeat after me: {LONG}")
    page.press(".gl-text", "Enter")
    page.wait_for_function(
        "(p0) => { const e = [...window.__gemlive.values()][0];"
        " return e.played24k() - p0 > 9 * 24000 && e.playbackIdle(); }",
        arg=before["played"],
        timeout=90_000,
    )
    after = nb.engine("({played: e.played24k(), underruns: e.stats.underruns})")
    r["reply_s"] = (after["played"] - before["played"]) / 24000
    r["underruns"] = after["underruns"] - before["underruns"]
    return r


@pytest.fixture(scope="module")
def run(browser: Any, jupyter: Jupyter, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    out = str(tmp_path_factory.mktemp("a11y") / "state.json")
    nb_path = jupyter.root / "a11y.ipynb"
    cells = [SETUP, WIDGET, EXPLORER, REPLAY, DUMP.replace("OUT", repr(out))]
    write_notebook(nb_path, cells)
    nb = NotebookPage(browser, jupyter, nb_path.name, ui="lab")
    page = nb.page
    r: dict[str, Any] = {}
    try:
        for i in range(4):
            nb.run_cell(i)
        page.wait_for_function("() => document.querySelectorAll('.gx-card').length === 30")
        page.wait_for_selector(".gl-replay .gl-cue")
        page.add_script_tag(content=AXE.read_text())
        r["axe"] = {
            name: page.evaluate(AXE_RUN, sel)
            for name, sel in [
                ("VoiceWidget", ".gl-root:not(.gl-replay)"),
                ("VoiceExplorer", ".gx-root"),
                ("ReplayWidget", ".gl-replay"),
            ]
        }
        r["replay_cues"] = page.locator(".gl-replay .gl-cue").all_inner_texts()
        # keyboard only: from the sentence box, Tab to the first card, arrow to the second
        page.locator(".gx-text").focus()
        r["first_stop"] = _tab_until(page, "play")
        page.keyboard.press("ArrowRight")
        r["after_arrow"] = page.evaluate(FOCUS)
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => window.__gemliveExplorer.plays.some(p => p.ended !== null)", timeout=60_000
        )
        r["plays"] = page.evaluate("() => window.__gemliveExplorer.plays")
        r["after_play"] = page.evaluate(FOCUS)
        page.wait_for_function(  # nothing plays: the explorer's context sleeps
            "() => window.__gemliveExplorer.explorers[0].ctx.state === 'suspended'"
        )
        r["star"] = _tab_until(page, "star", limit=3)
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => window.__gemliveExplorer.explorers[0].model.get('favourites').length === 1"
        )
        r["after_star"] = page.evaluate(FOCUS)
        # the ReplayWidget: Enter on a caption plays from there, the caption is highlighted
        page.locator(".gl-replay .gl-cue").nth(1).focus()
        page.keyboard.press("Enter")
        page.wait_for_selector(".gl-replay .gl-cue[aria-current='true']", timeout=20_000)
        r["current_cue"] = page.locator(".gl-replay .gl-cue[aria-current='true']").inner_text()
        page.evaluate("() => document.querySelector('.gl-replay-audio').pause()")
        # playback proven: the mic on, a 10 s reply played; underruns and frames counted
        page.click(".gl-connect")
        page.wait_for_function(
            "() => document.querySelector('.gl-status-text')?.textContent === 'connected'",
            timeout=20_000,
        )
        # an idle page: the AudioContext sleeps (no sound, no mic), the mic wakes it
        page.wait_for_function(
            "() => { const e = [...window.__gemlive.values()][0];"
            " return e.idle.suspended && e.ctx.state === 'suspended'; }",
            timeout=20_000,
        )
        r["idle_hint"] = page.locator(".gl-hint").inner_text()
        r.update(_ten_second_reply(nb))
        r["status_role"] = page.locator(".gl-status-text").get_attribute("role")
        r["meter"] = page.evaluate(
            "() => [...document.querySelectorAll('.gl-meter')].map(m => ({role: m.getAttribute("
            "'role'), name: m.getAttribute('aria-label'), now: m.getAttribute('aria-valuenow'),"
            " text: m.getAttribute('aria-valuetext')}))"
        )
        nb.run_cell(4)
        r["kernel"] = json.loads(Path(out).read_text())
        r["page_errors"] = list(nb.errors)
        nb.shutdown_kernel()
        yield r
    finally:
        nb.close()


@pytest.mark.parametrize("widget", ["VoiceWidget", "VoiceExplorer", "ReplayWidget"])
def test_axe_finds_no_serious_or_critical_violation(run: dict, widget: str) -> None:
    axe = run["axe"][widget]
    assert "button-name" in axe["passes"], axe["passes"]  # it looked at the buttons
    serious = [v for v in axe["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(axe["violations"], indent=1)


def test_keyboard_only_reaches_plays_and_stars_a_voice(run: dict) -> None:
    first, second = run["first_stop"], run["after_arrow"]
    assert first["label"].startswith("Play ") and first["outline"] != "none"
    assert second["part"] == "play" and second["voice"] and second["voice"] != first["voice"]
    played = run["plays"][0]
    assert played["voice"] == second["voice"] and played["rms"] > 0.01
    assert run["after_play"]["voice"] == second["voice"]  # focus stays on the card
    assert run["star"]["label"] == f"Favourite {second['voice']}"
    assert run["kernel"]["favourites"] == [second["voice"]]
    assert run["after_star"]["part"] == "star" and run["after_star"]["voice"] == second["voice"]


def test_replay_highlights_the_caption_playing(run: dict) -> None:
    assert len(run["replay_cues"]) >= 2
    assert run["current_cue"] in run["replay_cues"][1:]


def test_status_and_meters_speak(run: dict) -> None:
    assert run["status_role"] == "status"
    names = [m["name"] for m in run["meter"]]
    assert names == ["Microphone level", "Reply level"]
    for m in run["meter"]:
        assert m["role"] == "meter" and m["now"] is not None
        assert m["text"] == "silent" or m["text"].endswith(" dB")


def test_an_idle_page_sleeps_and_the_mic_wakes_it_without_losing_a_frame(run: dict) -> None:
    assert "paused by the browser" not in run["idle_hint"]  # our own sleep asks for no click
    assert run["first_frame"] == 0  # the first frame captured after waking is frame 0 ...
    assert run["kernel"]["stats"]["frames_missing"] == 0  # ... and every one reached the kernel


def test_the_capture_worklet_batches_its_posts(run: dict) -> None:
    posts, frames = run["capture"]["posts"], run["capture"]["frames"]
    assert frames >= 80, run["capture"]  # 2 s of 20 ms frames (~100), all delivered
    assert posts <= frames / 3, run["capture"]  # 4 frames a post, not one


def test_a_10_second_reply_plays_without_underruns_or_missing_frames(run: dict) -> None:
    assert run["reply_s"] > 9.0
    assert run["underruns"] == 0
    stats = run["kernel"]["stats"]
    assert stats["frames_in"] > 100, stats
    assert stats["frames_missing"] == 0 and stats["frames_lost_in_browser"] == 0, stats
    assert run["page_errors"] == []


NB7_DUMP = """\
json.dump(dict(stats=w.stats()), open(OUT, "w"))
await w.disconnect()"""


def test_a_10_second_reply_in_notebook7_too(browser: Any, jupyter: Jupyter, tmp_path: Path) -> None:
    out = str(tmp_path / "nb7.json")
    nb_path = jupyter.root / "a11y_nb7.ipynb"
    write_notebook(nb_path, [SETUP, WIDGET, NB7_DUMP.replace("OUT", repr(out))])
    nb = NotebookPage(browser, jupyter, nb_path.name, ui="notebook")
    try:
        nb.run_cell(0)
        nb.run_cell(1)
        nb.connect_widget()
        r = _ten_second_reply(nb)
        nb.run_cell(2)
        stats = json.loads(Path(out).read_text())["stats"]
        nb.shutdown_kernel()
    finally:
        nb.close()
    assert r["reply_s"] > 9.0 and r["underruns"] == 0 and r["first_frame"] == 0
    assert stats["frames_in"] > 100 and stats["frames_missing"] == 0, stats
    assert stats["frames_lost_in_browser"] == 0, stats
