"""VoiceWidget in real Chromium: the reply's own echo in the mic does not interrupt the reply.

The emulator speaks every reply with one known recording (``--reply-audio``), and Chromium's
fake microphone plays that same audio, 6 dB down: the speakers feeding the mic, with echo
cancellation off. A typed question starts the reply; Mic is pressed once it plays, with the
whole reply already buffered in the page (so the mic's copy of the reply ends while the reply
still plays, as a real echo would).

Alignment: the fake mic's file starts when capture starts, so the copy in the mic is offset from
what plays by an arbitrary amount, while the echo meter only looks 0-300 ms back. The reply's
loudness therefore rises and falls in 200 ms syllables (one period), so whatever the offset, the
mic matches the playback at a lag of under 200 ms, as an echo does.

- ``barge_in="auto"``: the page measures the echo (the warning shows, the kernel receives the
  coupling), sends the echo as silence and the reply plays to its end: no interruption.
- ``barge_in="always"``, everything else the same: the service hears its own voice and cuts the
  reply, which shows that the guard is what kept the first run whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from browser_harness import (
    MIC_RATE,
    Jupyter,
    NotebookPage,
    run_browser,
    run_emulator,
    run_jupyter,
    write_notebook,
    write_wav16,
)

from gemlive_nb.audio import resample
from gemlive_nb.protocol import OUTPUT_RATE

pytestmark = pytest.mark.timeout(900)

REPLY_S = 10.0  # the reply's length
ECHO_S = 3.0  # how much of it the mic carries (from capture start)
COUPLING_DB = -6.0  # the echo's level against what plays
SYLLABLE_S = 0.2  # the loudness period: under the meter's 300 ms lag reach

WIDGET = """\
import asyncio, json, os, time
from gemlive_nb.widget import VoiceWidget
key = os.environ["GEMLIVE_TEST_KEY"]
w = VoiceWidget(endpoint=os.environ["GEMLIVE_TEST_EMULATOR"], api_key=key, barge_in={barge_in!r},
                audio_constraints=dict(echoCancellation=False, noiseSuppression=False,
                                       autoGainControl=False))
echo_dbs = []  # every echo coupling the page reported
w.observe(lambda change: echo_dbs.append(change["new"]), names="echo_db")
w"""

INTERRUPTED = (  # a JS expression: the page shows an 'interrupted' mark
    "[...document.querySelectorAll('.gl-entry.gl-mark')]"
    ".some(e => e.textContent.startsWith('interrupted'))"
)

DUMP = """\
_received = [e["type"] for e in w.session.recording.events if e["dir"] == "recv"]
json.dump(dict(echo_dbs=echo_dbs, stats=w.stats(), received=_received), open({out!r}, "w"))
await w.disconnect()"""


def syllables(rate: int, seconds: float) -> np.ndarray:
    """A voiced sound (150 Hz and its harmonics) whose loudness swings 20 dB every 200 ms."""
    t = np.arange(int(rate * seconds)) / rate
    voiced = sum(np.sin(2 * np.pi * 150 * k * t) / k for k in range(1, 13))
    envelope = 0.1 + 0.9 * np.sin(np.pi * t / SYLLABLE_S) ** 2
    fade = np.minimum(1, np.minimum(t, t[::-1]) / 0.02)
    return 0.3 * voiced / np.max(np.abs(voiced)) * envelope * fade


@pytest.fixture(scope="module")
def reply_signal() -> np.ndarray:
    return syllables(OUTPUT_RATE, REPLY_S)


@pytest.fixture(scope="module")
def echo_mic_wav(tmp_path_factory: pytest.TempPathFactory, reply_signal: np.ndarray) -> Path:
    """The first ECHO_S of the reply at MIC_RATE, COUPLING_DB down, then silence."""
    echo = resample(reply_signal[: int(ECHO_S * OUTPUT_RATE)], OUTPUT_RATE, MIC_RATE)
    echo = echo * 10 ** (COUPLING_DB / 20)
    tail = np.zeros(int(1.0 * MIC_RATE))  # %noloop repeats the last 10 ms: silence
    return write_wav16(tmp_path_factory.mktemp("echo") / "mic.wav", np.concatenate([echo, tail]))


@pytest.fixture(scope="module")
def echo_server(
    tmp_path_factory: pytest.TempPathFactory, reply_signal: np.ndarray
) -> Iterator[Jupyter]:
    """Jupyter with an emulator that speaks ``reply_signal`` for every reply: all of it at once
    (one burst) but with the turn open for as long as it plays, as a real-time service."""
    home = tmp_path_factory.mktemp("echo_server")
    reply_wav = write_wav16(home / "reply.wav", reply_signal, OUTPUT_RATE)
    with (
        run_emulator(
            home, "1", 0.3, "builtin", f"--reply-audio={reply_wav}", "--burst=10000"
        ) as url,
        run_jupyter(home, url) as server,
    ):
        yield server


def echo_run(jupyter: Jupyter, mic_wav: Path, barge_in: str, out: Path) -> dict[str, Any]:
    """One conversation: typed question, Mic pressed while the reply plays; what happened."""
    nb_path = jupyter.root / f"echo_{barge_in}.ipynb"
    dump = DUMP.format(out=str(out))
    write_notebook(nb_path, [WIDGET.format(barge_in=barge_in), dump])
    result: dict[str, Any] = {}
    with run_browser(mic_wav) as browser:
        nb = NotebookPage(browser, jupyter, nb_path.name, ui="lab")
        page = nb.page
        try:
            nb.run_cell(0)
            nb.connect_widget()
            box = page.locator(".gl-text")
            box.fill("Tell me a long story")
            box.press("Enter")
            # Mic on once the reply plays and the page holds more of it than the mic's echo
            # lasts (check and click in one step of the page).
            page.wait_for_function(
                f"""() => {{ const e = [...window.__gemlive.values()][0];
                  if (!(e.played24k() > 0.2 * 24000 && e.stats.bufferedMs > {ECHO_S * 1000 + 2000}))
                    return false;
                  window.__micAt = e.played24k() / 24000;
                  window.__frames = [];  // what the capture worklet posted, and when
                  const onFrame = e.onFrame.bind(e);
                  e.onFrame = (f) => {{
                    window.__frames.push(f.type === 'echo'
                      ? ['echo', Math.round(100 * f.corr) / 100, f.lagMs, Math.round(f.couplingDb)]
                      : [f.seq, Math.round(f.level), f.echo ? 1 : 0, f.playing ? 1 : 0,
                         Math.round(e.played24k() / 24)]);
                    onFrame(f);
                  }};
                  document.querySelector('.gl-mic').click();
                  return true; }}""",
                timeout=30_000,
            )
            result["mic_at_s"] = page.evaluate("() => window.__micAt")
            if barge_in == "auto":
                # While the mic carries the echo, the meter finds it and the widget warns (or
                # the reply was cut off before it could: the tests below say so).
                page.wait_for_function(
                    f"() => !![...window.__gemlive.values()][0].echo?.echo || {INTERRUPTED}",
                    timeout=30_000,
                )
                result["echo"] = nb.engine("e.echo")
                result["warning"] = page.locator(".gl-warn").text_content() or ""
                # The reply plays out and its turn completes.
                page.wait_for_function(
                    """() => { const e = [...window.__gemlive.values()][0];
                      return e.playbackIdle() && e.played24k() > 0 &&
                        e.trace.some(t => t[1] === 'turn'); }""",
                    timeout=60_000,
                )
            else:
                page.wait_for_function(f"() => {INTERRUPTED}", timeout=60_000)
            result["engine"] = nb.engine(
                "({played: e.played24k(), echoFrames: e.uplink.echoFrames,"
                " marks: e.entries.filter(x => x.kind === 'mark').map(x => x.text),"
                " stats: {...e.stats}, frames: window.__frames})"
            )
            nb.run_cell(1, timeout=120)
            result["kernel"] = json.loads(out.read_text())
            result["page_errors"] = list(nb.errors)
        finally:
            nb.close()
    return result


@pytest.fixture(scope="module")
def auto_run(
    echo_server: Jupyter, echo_mic_wav: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    return echo_run(echo_server, echo_mic_wav, "auto", tmp_path_factory.mktemp("auto") / "k.json")


@pytest.fixture(scope="module")
def always_run(
    echo_server: Jupyter, echo_mic_wav: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("always") / "k.json"
    return echo_run(echo_server, echo_mic_wav, "always", out)


def test_auto_measures_the_echo_and_warns(auto_run: dict) -> None:
    echo = auto_run["echo"]
    assert echo and echo["corr"] >= 0.85 and abs(echo["couplingDb"] - COUPLING_DB) < 3, echo
    assert 0 <= echo["lagMs"] <= 300, echo
    assert "speakers are feeding the mic" in auto_run["warning"], auto_run["warning"]
    assert "use headphones" in auto_run["warning"]
    assert "will not interrupt itself" in auto_run["warning"]
    # the kernel was told how loud the echo is
    echo_dbs = auto_run["kernel"]["echo_dbs"]
    assert any(abs(db - COUPLING_DB) < 3 for db in echo_dbs), echo_dbs


def sounding_while_playing(frames: list) -> list:
    """Frames (seq, dB, echo, playing, ms played) that went out as sound while the reply played."""
    return [f for f in frames if f[0] != "echo" and f[3] and not f[2] and f[1] > -60]


def test_auto_the_reply_is_not_interrupted_by_its_own_echo(auto_run: dict) -> None:
    engine = auto_run["engine"]
    leaked = sounding_while_playing(engine["frames"])
    assert not leaked, f"echo sent as sound: {leaked[:20]} (frames: {engine['frames'][:80]})"
    assert not [m for m in engine["marks"] if m.startswith("interrupted")], engine["marks"]
    assert "Interrupted" not in auto_run["kernel"]["received"], auto_run["kernel"]["received"]
    # the mic did carry the echo while the reply played: those frames went out as silence
    assert engine["echoFrames"] >= int(0.8 * ECHO_S / 0.02), engine
    assert engine["played"] >= int((REPLY_S - 0.1) * OUTPUT_RATE), engine
    assert auto_run["page_errors"] == []


def test_always_the_same_echo_interrupts_the_reply(always_run: dict) -> None:
    engine = always_run["engine"]
    assert any(m.startswith("interrupted") for m in engine["marks"]), engine["marks"]
    assert "Interrupted" in always_run["kernel"]["received"], always_run["kernel"]["received"]
    assert engine["echoFrames"] == 0, engine
    # the mic carried the same echo while the reply played (the guard let it through)
    assert any(f[0] != "echo" and f[3] and f[1] > -60 for f in engine["frames"]), engine
    assert engine["played"] < int((REPLY_S - 1) * OUTPUT_RATE), engine
    assert always_run["page_errors"] == []
