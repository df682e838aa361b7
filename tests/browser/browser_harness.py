"""Real-browser harness: a Jupyter server on loopback, headless Debian Chromium with a fake mic.

- ``chromium_path``: ``/usr/bin/chromium`` (``make sys-deps`` installs it; a missing browser
  is a failure, never a skip). Playwright drives it; ``playwright install`` is never used.
- ``mic_wav``: a 16-bit 48 kHz WAV made here (speech-like voiced bursts, then silence), played
  by Chromium's fake capture device with ``%noloop`` (which then repeats the last 10 ms).
- ``jupyter``: one ``jupyter lab`` server (it serves Notebook 7's ``/notebooks`` too) with its
  own config/data/runtime dirs, a token, widget state saving on, and ``GEMLIVE_TEST_KEY`` and
  ``GEMLIVE_TEST_EMULATOR`` in the kernel's environment (notebook sources read the key from
  there, so it is never in a cell).
- ``emulator_url``: a keyed emulator in its own process (``python -m gemlive_nb.emulator``)
  with the built-in speech; :func:`run_emulator` ``(speech="real")`` starts one that hears
  words (pocketsphinx) for tests that speak to it, e.g. with a :func:`flite_signal` WAV.
- ``browser``: one Chromium for the module, launched with the fake mic.
- :class:`NotebookPage` opens a notebook in JupyterLab or Notebook 7 and runs its cells through
  ``window.jupyterapp``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest

from gemlive_nb.audio import read_wav, resample
from gemlive_nb.emulator.process import EmulatorProcess
from gemlive_nb.endpoints import google_path

CHROMIUM = Path("/usr/bin/chromium")
KEY = "AIzaBrowserTest-" + secrets.token_hex(12)
MIC_RATE = 48000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def speech_like(rate: int, seconds: float, seed: int = 1) -> np.ndarray:
    """Voiced bursts: a harmonic source with a wandering pitch, syllable envelopes, formant-ish
    emphasis and a little noise. Float in [-1, 1]. Deterministic for a seed."""
    rng = np.random.default_rng(seed)
    n = int(rate * seconds)
    t = np.arange(n) / rate
    f0 = 140 + 40 * np.sin(2 * np.pi * 0.7 * t) + 15 * np.sin(2 * np.pi * 3.1 * t)
    phase = 2 * np.pi * np.cumsum(f0) / rate
    x = sum(np.sin(k * phase) / k * (1.6 if 3 <= k <= 6 else 1.0) for k in range(1, 16))
    syllables = 0.55 + 0.45 * np.sin(2 * np.pi * 4.0 * t + rng.uniform(0, 6)) ** 2
    x = x * syllables + 0.05 * rng.standard_normal(n)
    fade = np.minimum(1, np.minimum(t, t[::-1]) / 0.02)
    return 0.3 * x / np.max(np.abs(x)) * fade


def make_mic_signal() -> np.ndarray:
    """What the fake microphone plays, as float at MIC_RATE: 0.3 s silence, 1.6 s speech, 0.5 s
    silence (with ``%noloop`` Chromium repeats the file's last 10 ms, so it must be silent)."""
    lead, tail = np.zeros(int(0.3 * MIC_RATE)), np.zeros(int(0.5 * MIC_RATE))
    return np.concatenate([lead, speech_like(MIC_RATE, 1.6), tail])


def write_wav16(path: Path, signal: np.ndarray, rate: int = MIC_RATE) -> Path:
    """A 16-bit mono WAV (Chromium's fake device plays 24-bit files as silence)."""
    pcm = np.clip(np.round(signal * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(rate)
        f.writeframes(pcm.tobytes())
    return path


def flite_signal(
    text: str, voice: str = "slt", lead_s: float = 0.5, tail_s: float = 1.5
) -> np.ndarray:
    """``text`` spoken by Debian ``flite`` as float at MIC_RATE, between ``lead_s`` and
    ``tail_s`` of digital silence (with ``%noloop`` the fake mic then stays silent, so an
    activity detector sees the utterance end). A missing ``flite`` fails, never skips."""
    exe = shutil.which("flite")
    assert exe, "Debian's flite is missing: run `make sys-deps` (apt-get install -y flite)"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "flite.wav"
        subprocess.run([exe, "-voice", voice, "-t", text, "-o", str(out)], check=True)
        spoken = read_wav(out)
    x = resample(spoken.to_float(), spoken.rate, MIC_RATE)
    lead, tail = np.zeros(int(lead_s * MIC_RATE)), np.zeros(int(tail_s * MIC_RATE))
    return np.concatenate([lead, x, tail])


@pytest.fixture(scope="session")
def mic_signal() -> np.ndarray:
    return make_mic_signal()


@pytest.fixture(scope="session")
def mic_wav(tmp_path_factory: pytest.TempPathFactory, mic_signal: np.ndarray) -> Path:
    return write_wav16(tmp_path_factory.mktemp("mic") / "mic.wav", mic_signal)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    assert CHROMIUM.exists(), (
        f"{CHROMIUM} is missing: run `make sys-deps` (apt-get install -y chromium)"
    )
    return CHROMIUM


class Jupyter:
    def __init__(self, base: str, token: str, root: Path) -> None:
        self.base = base
        self.token = token
        self.root = root

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}{path}{sep}token={self.token}"


def _wait_port(port: int, proc: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"{what} did not start:\n" + log.read_text()[-3000:])
        time.sleep(0.1)


@contextlib.contextmanager
def run_emulator(
    home: Path, realtime: str = "2", latency: float = 0.3, speech: str = "builtin", *extra: str
) -> Iterator[str]:
    """A keyed emulator in its own process (as the real service is: its speech synthesis must
    not share the kernel's GIL); yields its Google-path URL. ``realtime`` paces replies at that
    multiple of playback speed, so a turn stays open while the browser has audio queued.
    ``speech``: ``"builtin"`` (exact, instant) or ``"real"`` (espeak-ng, pocketsphinx, Silero:
    the ``speech`` extra). ``extra``: more emulator options (e.g. ``--reply-audio=WAV``)."""
    emu = EmulatorProcess(
        f"--speech={speech}", "--api-key-env=GEMLIVE_TEST_KEY", f"--realtime={realtime}",
        f"--latency={latency}", *extra, env={"GEMLIVE_TEST_KEY": KEY},
    )  # fmt: skip
    with emu:
        try:
            yield f"{emu.url}{google_path('v1beta')}"
        finally:
            (home / "emulator.log").write_text("\n".join(emu.log))


@pytest.fixture(scope="session")
def emulator_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with run_emulator(tmp_path_factory.mktemp("emulator")) as url:
        yield url


@contextlib.contextmanager
def run_jupyter(home: Path, emulator_url: str) -> Iterator[Jupyter]:
    """``jupyter lab`` on loopback with its own dirs; the kernel gets the key and emulator URL."""
    root = home / "root"
    root.mkdir()
    settings = home / "settings" / "@jupyter-widgets" / "jupyterlab-manager"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"saveState": True}))
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        IPYTHONDIR=str(home / "ipython"),
        GEMLIVE_TEST_KEY=KEY,
        GEMLIVE_TEST_EMULATOR=emulator_url,
        NO_PROXY="localhost,127.0.0.1",
        no_proxy="localhost,127.0.0.1",
        PYTHONUNBUFFERED="1",
        JUPYTER_TOKEN=token,  # by environment: a command line is readable by every local user
    )
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "MIXROUTE_API_KEY", "GEMLIVE_ENDPOINT"):
        env.pop(name, None)
    log = (home / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
         "--ip=127.0.0.1", f"--port={port}",
         f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
         "--JupyterNotebookApp.expose_app_in_browser=True",
         f"--LabApp.user_settings_dir={home / 'settings'}",
         f"--LabApp.workspaces_dir={home / 'workspaces'}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    # ~2 s on an idle machine; minutes when every core is taken (a CPU hog plus other work)
    deadline = time.monotonic() + 240
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(
                "jupyter lab did not start:\n" + (home / "server.log").read_text()[-3000:]
            )
        time.sleep(0.2)
    with open(f"/proc/{proc.pid}/cmdline", "rb") as f:
        assert token.encode() not in f.read(), "the Jupyter token is on a command line"
    try:
        yield Jupyter(base, token, root)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def jupyter(tmp_path_factory: pytest.TempPathFactory, emulator_url: str) -> Iterator[Jupyter]:
    with run_jupyter(tmp_path_factory.mktemp("jupyter"), emulator_url) as server:
        yield server


CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]  # fmt: skip


@contextlib.contextmanager
def run_browser(mic_wav: Path) -> Iterator[Any]:
    """Headless Debian Chromium whose microphone plays ``mic_wav`` once."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), (
        f"{CHROMIUM} is missing: run `make sys-deps` (apt-get install -y chromium)"
    )
    args = [*CHROMIUM_ARGS, f"--use-file-for-fake-audio-capture={mic_wav}%noloop"]
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=args,
            ignore_default_args=["--mute-audio"],
        )  # fmt: skip
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def browser(chromium_path: Path, mic_wav: Path) -> Iterator[Any]:
    with run_browser(mic_wav) as b:
        yield b


def write_notebook(path: Path, cells: list[str]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nbformat.write(nb, str(path))


class NotebookPage:
    """A notebook open in JupyterLab (``ui='lab'``) or Notebook 7 (``ui='notebook'``)."""

    def __init__(self, browser: Any, jupyter: Jupyter, name: str, ui: str = "lab") -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 1000})
        self.context.grant_permissions(["microphone"], origin=jupyter.base)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", self._on_page_error)
        self.page.on("console", self._on_console)
        path = f"/lab/tree/{name}?reset" if ui == "lab" else f"/notebooks/{name}"
        self.page.goto(jupyter.url(path))
        self.page.wait_for_function(
            """() => {
              const app = window.jupyterapp;
              const w = app && app.shell.currentWidget;
              const k = w && w.sessionContext && w.sessionContext.session
                && w.sessionContext.session.kernel;
              return !!(k && k.status === 'idle' && w.content && w.content.widgets.length);
            }""",
            timeout=60_000,
        )

    def _on_page_error(self, error: Any) -> None:
        # Only ours: anywidget runs the bundle from a blob: URL. (Notebook 7 itself logs a
        # settings-schema TypeError in this setup, which is not the widget's.)
        text = f"{error}\n{error.stack}"
        if "blob:" in text or "gemlive" in text.lower():
            self.errors.append(text)

    def _on_console(self, message: Any) -> None:
        text = message.text.lower()
        if message.type == "error" and ("gemlive" in text or "anywidget" in text):
            self.errors.append(message.text)

    def run_cell(self, index: int, timeout: float = 60) -> None:
        self.page.evaluate(
            """async (i) => {
              const app = window.jupyterapp;
              const panel = app.shell.currentWidget;
              panel.content.activeCellIndex = i;
              await app.commands.execute('notebook:run-cell');
            }""",
            index,
        )
        # run-cell resolves once the request is sent; wait for the kernel to be idle again.
        self.page.wait_for_function(
            """(i) => {
              const panel = window.jupyterapp.shell.currentWidget;
              const cell = panel.content.widgets[i];
              const k = panel.sessionContext.session.kernel;
              return cell.model.executionCount !== null && k.status === 'idle';
            }""",
            arg=index,
            timeout=timeout * 1000,
        )

    def set_cell(self, index: int, source: str) -> None:
        """Replace the source of cell ``index`` (to pass values measured in the page)."""
        self.page.evaluate(
            """([i, src]) => {
              const panel = window.jupyterapp.shell.currentWidget;
              panel.content.widgets[i].model.sharedModel.setSource(src);
            }""",
            [index, source],
        )

    def connect_widget(self) -> None:
        """Wait for the VoiceWidget the last cell displayed, press Connect, wait for 'connected'."""
        self.page.locator(".gl-root").wait_for(timeout=30_000)
        self.page.click(".gl-connect")
        self.page.wait_for_function(
            "() => document.querySelector('.gl-status-text')?.textContent === 'connected'",
            timeout=20_000,
        )

    def save(self) -> None:
        self.page.evaluate(
            """async () => {
              const app = window.jupyterapp;
              await app.commands.execute('docmanager:save');
            }"""
        )

    def engine(self, expr: str) -> Any:
        """Evaluate ``expr`` with ``e`` bound to the widget's audio engine."""
        return self.page.evaluate(
            f"() => {{ const e = [...window.__gemlive.values()][0]; return {expr}; }}"
        )

    def shutdown_kernel(self) -> None:
        """Stop this notebook's kernel, so a shared server runs no leftover kernels."""
        self.page.evaluate(
            "async () => { await window.jupyterapp.shell.currentWidget.sessionContext.shutdown(); }"
        )

    def close(self) -> None:
        self.context.close()
