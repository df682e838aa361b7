"""VoiceWidget in real Chromium on the seed's endpoint (mixroute liveStream), default settings.

Both ways the proxy may treat the kit's default ["AUDIO", "TEXT"]: as its docs say (every reply
comes as text parts and as output transcription) and as a passthrough of Google (1007, the kit
falls back to ["AUDIO"]). Either way the transcript pane shows each reply word once, the same
words as the kernel's turns.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser_harness import Jupyter, NotebookPage, run_emulator, write_notebook

pytestmark = pytest.mark.timeout(900)  # see test_widget_browser.py: a cold start takes long

MODEL = "gemini-live-2.5-flash-native-audio"
WIDGET = """\
import json, os
from gemlive_nb.widget import VoiceWidget
w = VoiceWidget(endpoint={url!r}, api_key=os.environ["GEMLIVE_TEST_KEY"])
w"""
DUMP = """\
json.dump(dict(said=[t.transcript for t in w.session.recording.turns],
               note=w.session.modality_note, error=w.error), open({out!r}, "w"))"""
ASKED = ["Hello", "What is the capital of France?"]


def _type(page: Any, text: str) -> None:
    page.fill(".gl-text", text)
    page.press(".gl-text", "Enter")


def _answered(page: Any, replies: int) -> None:
    """Wait until ``replies`` model entries are final and their audio has played."""
    page.wait_for_function(
        "(n) => { const e = [...window.__gemlive.values()][0];"
        " const done = e.entries.filter(x => x.kind === 'model' && x.final && x.text);"
        " return done.length >= n && e.playbackIdle(); }",
        arg=replies,
        timeout=60_000,
    )


@pytest.fixture(scope="module", params=["seed", "google"])
def mixroute_run(
    request: pytest.FixtureRequest,
    browser: Any,
    jupyter: Jupyter,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, Any]]:
    proxy = request.param
    home = tmp_path_factory.mktemp(f"mixroute-{proxy}")
    extra = ("--dialect=mixroute", f"--proxy-modalities={proxy}")
    with run_emulator(home, "2", 0.2, "builtin", *extra) as google_url:
        base = urlsplit(google_url)
        url = f"{base.scheme}://{base.netloc}/v1beta/models/{MODEL}/liveStream"
        out = str(home / "turns.json")
        nb_path = jupyter.root / f"mixroute_{proxy}.ipynb"
        cells = [WIDGET.format(url=url), DUMP.format(out=out), "await w.disconnect()"]
        write_notebook(nb_path, cells)
        nb = NotebookPage(browser, jupyter, nb_path.name, ui="lab")
        try:
            nb.run_cell(0)
            nb.connect_widget()
            for k, text in enumerate(ASKED, 1):
                _type(nb.page, text)
                _answered(nb.page, k)
            entries = nb.engine("e.entries.map(x => ({kind: x.kind, text: x.text}))")
            dom = nb.page.locator(".gl-transcript").inner_text()
            nb.run_cell(1)
            kernel = json.loads(Path(out).read_text())
            nb.run_cell(2)
            yield dict(proxy=proxy, entries=entries, dom=dom, kernel=kernel, errors=nb.errors)
        finally:
            nb.shutdown_kernel()
            nb.close()


def test_the_pane_shows_each_reply_word_once(mixroute_run: dict[str, Any]) -> None:
    said = mixroute_run["kernel"]["said"]
    assert len(said) == 2 and all(s.strip() for s in said), mixroute_run["kernel"]
    models = [e["text"] for e in mixroute_run["entries"] if e["kind"] == "model"]
    assert models == said  # the kernel's turns, word for word, once each
    dom = mixroute_run["dom"]
    for words in said:
        assert dom.count(words) == 1, dom
    assert mixroute_run["errors"] == []


def test_the_fallback_is_said_once_where_the_proxy_refuses(mixroute_run: dict[str, Any]) -> None:
    note = mixroute_run["kernel"]["note"]
    marks = [e["text"] for e in mixroute_run["entries"] if e["kind"] == "mark"]
    if mixroute_run["proxy"] == "google":
        assert note and "asking again with ['AUDIO']" in note
        assert marks.count(note) == 1
    else:
        assert note is None and not any("asking again" in m for m in marks)
    assert mixroute_run["kernel"]["error"] == ""
