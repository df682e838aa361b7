"""Notebook 09 (the microphone lesson) in JupyterLab with Chromium's fake microphone.

Chromium's fake capture device plays the lesson's own recording (``notebooks/data/question.wav``,
"What is the tallest mountain in Europe?"); the test runs the lesson's setup and widget cells as a
reader would, presses Connect and Start mic, and waits for the question and its reply to show in
the widget's transcript. The emulator is the one the lesson starts in its first cell.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from browser_harness import MIC_RATE, Jupyter, NotebookPage, run_browser, write_wav16
from test_spoken_tool_call import entry_text

from gemlive_nb.audio import read_wav, resample

pytestmark = pytest.mark.timeout(900)

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
LESSON = "09_talking_with_the_microphone.ipynb"
SETUP_CELL, WIDGET_CELL, CONNECT_CELL = 1, 3, 5


def mic_recording(path: Path) -> Path:
    """The lesson's recording at the fake device's rate, with silence around it."""
    spoken = read_wav(NOTEBOOKS / "data" / "question.wav")
    x = resample(spoken.to_float(), spoken.rate, MIC_RATE)
    lead, tail = np.zeros(int(0.5 * MIC_RATE)), np.zeros(int(1.5 * MIC_RATE))
    return write_wav16(path, np.concatenate([lead, x, tail]))


@pytest.fixture(scope="module")
def lesson_run(jupyter: Jupyter, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    home = tmp_path_factory.mktemp("lesson09")
    wav = mic_recording(home / "mic.wav")
    shutil.copy(NOTEBOOKS / LESSON, jupyter.root / LESSON)
    shutil.copytree(NOTEBOOKS / "data", jupyter.root / "data", dirs_exist_ok=True)
    result: dict[str, Any] = {}
    with run_browser(wav) as browser:
        nb = NotebookPage(browser, jupyter, LESSON, ui="lab")
        page = nb.page
        try:
            # the cells a reader runs before talking: the setup, then the widget
            for index in range(SETUP_CELL, WIDGET_CELL + 1):
                nb.run_cell(index, timeout=120)
            nb.connect_widget()
            page.click(".gl-mic")  # the fake device starts playing the recording now
            result["user_text"] = entry_text(page, "user", "mountain")
            result["model_text"] = entry_text(page, "model", "mountain")
            nb.run_cell(CONNECT_CELL)  # the lesson's next cell: the session the button opened
            cell = page.locator(".jp-Cell").nth(CONNECT_CELL).locator(".jp-OutputArea")
            result["connect_output"] = cell.inner_text()
            result["page_errors"] = list(nb.errors)
        finally:
            nb.shutdown_kernel()
            nb.close()
    yield result


def test_the_lesson_hears_the_fake_microphone_and_the_reply_arrives(lesson_run: dict) -> None:
    user = lesson_run["user_text"]
    assert user.startswith("You: ") and "tallest" in user and "Europe" in user, user
    model = lesson_run["model_text"]
    assert model.startswith("Gemini: ") and "mountain" in model, model
    # the cell after the widget finds the session the Connect button opened
    assert lesson_run["connect_output"].startswith("connected"), lesson_run["connect_output"]
    assert lesson_run["page_errors"] == []
