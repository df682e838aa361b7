"""The tutorial notebooks: committed without outputs, and each runs top to bottom offline.

Every notebook is executed with nbclient in a fresh kernel of this environment's Python (a
kernelspec written to a temporary JUPYTER_PATH entry), with no API key in the environment, so the
sessions go to the embedded emulator. The tutorials assert the facts they teach in their own cells,
so a cell error (including a failed ``assert``) fails the test with the cell's traceback.

The tutorials that promise to stay on the emulator (streaming, reliability) run a second time with
a fake Google key in the environment: a ``gl.connect()`` without an emulator endpoint would try
the real service, which fails offline, and the key must not show up in any output.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from gemlive_nb.display.provenance import SIMULATED_LABEL

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
# the numbering is fixed; 03 (voices and languages) belongs to the explorer's work
TITLES = {
    1: "quickstart",
    2: "streaming_and_interruption",
    3: "voices_and_languages",
    4: "tools_and_grounding",
    5: "audio_analysis",
    6: "reliability",
    7: "beyond_the_basics",
    8: "evaluating_a_voice_agent",
    9: "talking_with_the_microphone",
}
# 08 runs on its own real-time emulator (a barge-in needs a reply still streaming)
EMULATOR_ONLY = (
    "streaming_and_interruption",
    "reliability",
    "evaluating_a_voice_agent",
    "talking_with_the_microphone",
)
KEY_ENVS = ("GEMINI_API_KEY", "GOOGLE_API_KEY", "MIXROUTE_API_KEY", "GEMLIVE_ENDPOINT")
FAKE_KEY = "AIza" + "SyFAKE-notebook-key-0123456789abcdef"
KERNEL = "gemlive-nb-test"
MAX_EXECUTED_BYTES = 1_000_000
NO_KEY_NOTICE = "no API key found — using the local emulator"
EMULATOR_NOTICE = "using the local emulator"


def _path(title: str) -> Path:
    found = sorted(NOTEBOOKS.glob(f"[0-9][0-9]_{title}.ipynb"))
    assert len(found) == 1, f"expected one notebook named NN_{title}.ipynb, found {found}"
    return found[0]


ALL = list(TITLES.values())


@dataclass
class Run:
    book: nbformat.NotebookNode
    error: BaseException | None


def _kernel_env(root: Path) -> dict[str, str]:
    spec = root / "data" / "kernels" / KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "gemlive_nb test", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    return {
        "JUPYTER_PATH": str(root / "data"),
        "JUPYTER_DATA_DIR": str(root / "data"),
        "JUPYTER_CONFIG_DIR": str(root / "config"),
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
        "IPYTHONDIR": str(root / "ipython"),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }


def _execute(root: Path, titles: list[str], key: str | None) -> dict[str, Run]:
    with pytest.MonkeyPatch.context() as mp:
        for name in KEY_ENVS:  # the kernels inherit this environment
            mp.delenv(name, raising=False)
        if key is not None:
            mp.setenv("GEMINI_API_KEY", key)
        for name, value in _kernel_env(root).items():
            mp.setenv(name, value)
        return asyncio.run(_run_all(root, titles))


async def _run_all(root: Path, titles: list[str]) -> dict[str, Run]:
    async def one(title: str) -> Run:
        book = nbformat.read(_path(title), as_version=4)
        workdir = root / "work" / title  # like the notebooks folder: files a cell writes land here
        shutil.copytree(NOTEBOOKS / "data", workdir / "data")  # the recordings shipped with them
        client = NotebookClient(
            book,
            kernel_name=KERNEL,
            timeout=120,  # per cell; the machine may be busy
            startup_timeout=90,
            resources={"metadata": {"path": str(workdir)}},
        )
        try:
            await client.async_execute()
            error = None
        except Exception as e:
            error = e
        return Run(book, error)

    results = await asyncio.gather(*(one(title) for title in titles))
    return dict(zip(titles, results, strict=True))


def _selected(request: pytest.FixtureRequest, test: str, titles: list[str]) -> list[str]:
    """The ``titles`` whose ``test`` runs in this session (``pytest NODEID[title]`` runs one)."""
    chosen = {
        item.callspec.params["title"]
        for item in request.session.items
        if item.originalname == test and hasattr(item, "callspec")  # type: ignore[attr-defined]
    }
    return [t for t in titles if t in chosen]


@pytest.fixture(scope="module")
def offline(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Run]:
    """The notebooks selected executed once, concurrently (each in its own kernel), with no key."""
    titles = _selected(request, "test_notebook_runs_offline", ALL)
    return _execute(tmp_path_factory.mktemp("jupyter"), titles, key=None)


@pytest.fixture(scope="module")
def with_fake_key(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Run]:
    """The emulator-only notebooks selected executed with a (fake) Google key in the environment."""
    titles = _selected(
        request, "test_emulator_only_tutorials_never_leave_the_emulator", list(EMULATOR_ONLY)
    )
    return _execute(tmp_path_factory.mktemp("jupyter-key"), titles, key=FAKE_KEY)


def _check_ran(title: str, run: Run) -> list[str]:
    """Fail with the cell's traceback if the run failed; return the stream outputs."""
    if isinstance(run.error, CellExecutionError):
        pytest.fail(f"{title} failed:\n{run.error}", pytrace=False)
    if run.error is not None:
        raise run.error
    code = [c for c in run.book.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), f"{title}: not every code cell ran"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    return [o.get("text", "") for c in code for o in c.outputs if o.output_type == "stream"]


def _figures(run: Run) -> int:
    return sum(
        "image/png" in o.get("data", {})
        for c in run.book.cells
        if c.cell_type == "code"
        for o in c.outputs
    )


# a cell whose code is about timing, tokens or WER (its source names one of these)
MEASURES = re.compile(r"latenc|token|usage|\bwer\b|first_audio|words_per_s|cost", re.I)


def _shows_figure_or_table(output: nbformat.NotebookNode) -> bool:
    data = output.get("data", {})
    html, markdown = str(data.get("text/html", "")), str(data.get("text/markdown", ""))
    return "image/png" in data or "<table" in html or "|---" in markdown


def _output_text(output: nbformat.NotebookNode) -> str:
    data = output.get("data", {})
    return str(output.get("text", "")) + " ".join(
        str(v) for k, v in data.items() if k.startswith("text/")
    )


def unlabelled_measures(book: nbformat.NotebookNode) -> list[int]:
    """Cells showing a figure or table of timing, tokens or WER without the emulator's label."""
    bad = []
    for i, cell in enumerate(book.cells):
        if cell.cell_type != "code" or not MEASURES.search(cell.source):
            continue
        if not any(_shows_figure_or_table(o) for o in cell.outputs):
            continue
        if SIMULATED_LABEL not in " ".join(_output_text(o) for o in cell.outputs):
            bad.append(i)
    return bad


def test_the_label_check_finds_an_unlabelled_latency_plot() -> None:
    png = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBO"}}
    label = {"output_type": "stream", "name": "stdout", "text": SIMULATED_LABEL + "\n"}
    book = nbformat.v4.new_notebook()
    book.cells = [
        nbformat.v4.new_code_cell("gl.plot_latency(rec)", outputs=[png]),
        nbformat.v4.new_code_cell("gl.plot_latency(rec)", outputs=[png, label]),
        nbformat.v4.new_code_cell("gl.plot_waveform(rec)", outputs=[png]),  # no measure
    ]
    assert unlabelled_measures(book) == [0]


def test_the_six_tutorials_are_numbered_in_order() -> None:
    names = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert names == [f"{n:02d}_{title}.ipynb" for n, title in TITLES.items()]


@pytest.mark.parametrize("title", ALL)
def test_committed_without_outputs(title: str) -> None:
    path = _path(title)
    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    code = [c for c in book.cells if c.cell_type == "code"]
    assert code, f"{title} has no code cells"
    dirty = [i for i, c in enumerate(book.cells) if c.get("outputs") or c.get("execution_count")]
    assert not dirty, f"{title}: cells {dirty} have outputs or execution counts — strip them"
    assert book.cells[0].cell_type == "markdown" and book.cells[0].source.startswith("# ")
    assert book.metadata.get("kernelspec", {}).get("name") == "python3"
    for cell in book.cells:  # images and data files the notebook uses are in the repo
        if cell.cell_type == "markdown":
            for link in re.findall(r"!\[[^\]]*\]\(([^)\s]+)", cell.source):
                assert (NOTEBOOKS / link).is_file(), f"{title} shows a missing image {link}"
        for data in re.findall(r"""["'](data/[\w./-]+)["']""", cell.source):
            assert (NOTEBOOKS / data).is_file(), f"{title} reads a missing file {data}"
    # no credentials or machine paths may be committed with a tutorial
    text = path.read_text()
    for leak in ("AIza", "sk-", "/root/", "/home/", "/tmp/"):
        assert leak not in text, f"{title} contains {leak!r}"


@pytest.mark.timeout(600)
@pytest.mark.parametrize("title", ALL)
def test_notebook_runs_offline(title: str, offline: dict[str, Run]) -> None:
    run = offline[title]
    streams = _check_ran(title, run)
    # with no key the sessions went to an emulator (the embedded one, or the notebook's own
    # built-in-speech one in 03), which says so
    if title not in EMULATOR_ONLY:
        assert any(EMULATOR_NOTICE in t for t in streams), streams
    # every figure or table of emulator timing, tokens or WER says so beside it
    assert not unlabelled_measures(run.book), (
        f"{title}: cells {unlabelled_measures(run.book)} show timing, tokens or WER without "
        f"{SIMULATED_LABEL!r} (print gl.display.provenance(session) in the cell)"
    )
    size = len(nbformat.writes(run.book).encode())
    assert size < MAX_EXECUTED_BYTES, f"{title} weighs {size / 1e6:.2f} MB executed (max 1 MB)"
    if title != "quickstart":  # every tutorial past the first teaches with pictures
        assert _figures(run) >= 1, f"{title} drew no figure"


@pytest.mark.timeout(600)
@pytest.mark.parametrize("title", EMULATOR_ONLY)
def test_emulator_only_tutorials_never_leave_the_emulator(
    title: str, with_fake_key: dict[str, Run]
) -> None:
    run = with_fake_key[title]
    streams = _check_ran(title, run)
    assert not any(NO_KEY_NOTICE in t for t in streams)  # a key was set, and still no network
    executed = nbformat.writes(run.book)
    assert FAKE_KEY not in executed and FAKE_KEY[4:] not in executed


def test_the_lab_extra_brings_what_the_tutorials_use() -> None:
    """``pip install 'gemlive_nb[lab]'`` is the advertised install: it must run every tutorial."""
    pyproject = (NOTEBOOKS.parent / "pyproject.toml").read_text()  # (tomllib: Python 3.11+)
    extras = dict(re.findall(r"^(\w+) = \[(.*)\]$", pyproject, re.M))
    lab = extras["lab"]
    sources = " ".join(p.read_text() for p in NOTEBOOKS.glob("*.ipynb"))
    if "to_pandas()" in sources:
        assert re.search(r"\bpandas\b", lab), "the tutorials call to_pandas(): add pandas to lab"
    if "get_speech(" in sources:  # they listen to recordings with the offline speech
        assert "gemlive_nb[speech]" in lab or extras["speech"] in lab
    assert "jupyterlab" in lab
