"""The widget's message kinds and budget are defined once (Python) and generated into js/."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any

from waiting import wait_until

from gemlive_nb.protocol import INPUT_RATE, OUTPUT_RATE
from gemlive_nb.widget import messages
from gemlive_nb.widget.batcher import Batcher
from gemlive_nb.widget.messages import (
    BUDGET,
    EXPLORER_TO_BROWSER,
    EXPLORER_TO_KERNEL,
    RATES,
    TO_BROWSER,
    TO_KERNEL,
)

ROOT = Path(__file__).resolve().parents[2]


def test_generated_js_table_matches_the_python_one() -> None:
    assert messages.JS_PATH == ROOT / "js" / "messages.js"
    assert (ROOT / "js" / "messages.js").read_text() == messages.render_js(), (
        "js/messages.js is stale: run `python -m gemlive_nb.widget.messages` and `make js`"
    )


def test_every_kind_is_distinct_and_used_by_the_front_end() -> None:
    to_browser, to_kernel = list(vars(TO_BROWSER).values()), list(vars(TO_KERNEL).values())
    assert len(set(to_browser)) == len(to_browser) and len(set(to_kernel)) == len(to_kernel)
    js = "".join(p.read_text() for p in (ROOT / "js").glob("*.js") if p.name != "messages.js")
    for name in vars(TO_BROWSER):
        assert f"TO_BROWSER.{name}" in js, f"the page never handles {name}"
    for name in vars(TO_KERNEL):
        assert f"TO_KERNEL.{name}" in js, f"the page never sends {name}"


def test_the_widget_handles_every_browser_kind_in_one_table() -> None:
    from gemlive_nb.widget import VoiceWidget

    w = VoiceWidget()
    try:
        assert sorted(w._handlers) == sorted(vars(TO_KERNEL).values())
        assert all(callable(h) for h in w._handlers.values())
    finally:
        w.close()


def test_the_explorer_kinds_come_from_the_table_on_both_sides() -> None:
    py = (ROOT / "gemlive_nb" / "explorer.py").read_text()
    js = (ROOT / "js" / "explorer.js").read_text()
    for table, side in ((EXPLORER_TO_KERNEL, "EXPLORER_TO_KERNEL"),
                        (EXPLORER_TO_BROWSER, "EXPLORER_TO_BROWSER")):  # fmt: skip
        for name in vars(table):
            assert f"{side}.{name}" in py and f"{side}.{name}" in js, f"{side}.{name} unused"
    # no kind written by hand: `kind == "play"`, `"kind": "audio"`, `kind: "generate"`
    assert not re.search(r'\bkind"?\s*(?:==|!==|===|:)\s*"', py + js)


def test_the_page_takes_its_rates_from_the_table() -> None:
    assert (RATES.MIC, RATES.REPLY) == (INPUT_RATE, OUTPUT_RATE)
    assert RATES.MIC_MIN <= RATES.MIC <= RATES.MIC_MAX
    for path in (ROOT / "js").glob("*.js"):
        if path.name != "messages.js":
            assert not re.search(r"\b(16000|24000)\b", path.read_text()), f"{path.name}: a rate"


def test_the_cadences_keep_each_direction_under_the_budget() -> None:
    assert 1000 / BUDGET.FLUSH_MS <= BUDGET.MAX_MESSAGES_PER_S
    uplink = 1000 / BUDGET.UPLINK_MS + 1000 / BUDGET.LEVEL_SYNC_MS * 2  # levels + echo report
    uplink += 1000 / BUDGET.VIDEO_FRAME_MS  # one camera or screen frame
    assert uplink <= BUDGET.MAX_MESSAGES_PER_S


def test_the_flush_interval_grows_while_the_browser_lags_and_shrinks_back() -> None:
    sent: list[Any] = []
    b = Batcher(lambda c, bufs: sent.append(c))
    base = b.interval
    for _ in range(5):
        b.lag(BUDGET.LAG_HIGH_MS * 3)
    assert b.interval == BUDGET.FLUSH_MAX_MS / 1000
    for _ in range(40):
        b.lag(5)
    assert b.interval == base


def test_a_lagging_browser_gets_fewer_larger_messages() -> None:
    sent: list[Any] = []
    b = Batcher(lambda c, bufs: sent.append((c, bufs)))
    b.open()
    b.interval = BUDGET.FLUSH_MAX_MS / 1000
    b._last = time.monotonic()  # just sent: the next flush waits for the interval
    for i in range(20):
        b.audio(bytes([i, 0]) * 480, 24000, time.time())
    assert sent == []  # held (no running loop needed to hold)
    b.flush()
    assert len(sent) == 1 and len(sent[0][1]) == 1 and len(sent[0][1][0]) == 20 * 960


async def test_a_burst_of_reply_chunks_read_in_separate_steps_goes_in_one_message() -> None:
    # the session's reader hands each chunk of a burst over in its own loop step: the first
    # must not leave alone with the rest held back for a whole interval
    sent: list[Any] = []
    b = Batcher(lambda c, bufs: sent.append((c, bufs)))
    b.open()
    for i in range(5):
        b.audio(bytes([i, 0]) * 960, 24000, time.time())
        await asyncio.sleep(0)
    await wait_until(lambda: sent, timeout=5)
    assert len(sent) == 1 and len(sent[0][1][0]) == 5 * 1920
