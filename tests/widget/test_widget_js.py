"""The front end: `node --test js/` passes, and the shipped bundle was built from js/ as it is."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "js"
STATIC = ROOT / "gemlive_nb" / "static"
REBUILD = "run `make js` (npm install in js/ and node js/build.mjs) and ship the result"


def _node() -> str:
    node = shutil.which("node")
    assert node, "Node.js is needed for the front-end tests: apt-get install -y nodejs npm"
    return node


def source_hash() -> str:
    """The same hash js/build.mjs stamps: sorted non-test .js/.mjs/.css files, name + bytes."""
    h = hashlib.sha256()
    names = sorted(
        p.name
        for p in JS.iterdir()
        if p.is_file() and re.search(r"\.(js|mjs|css)$", p.name) and ".test." not in p.name
    )
    for name in names:
        h.update(f"{name}\n".encode())
        h.update((JS / name).read_bytes())
    return h.hexdigest()


def test_node_unit_tests_pass() -> None:
    proc = subprocess.run(
        [_node(), "--test", "js/"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    passed = re.search(r"^# pass (\d+)$", proc.stdout, re.M)
    assert passed and int(passed.group(1)) >= 25, proc.stdout[-2000:]


def test_shipped_bundle_is_stamped_with_the_current_sources() -> None:
    first = (STATIC / "widget.js").read_text().splitlines()[0]
    stamp = re.search(r"source-sha256: ([0-9a-f]{64})", first)
    assert stamp, f"gemlive_nb/static/widget.js has no source stamp; {REBUILD}"
    assert stamp.group(1) == source_hash(), f"the bundle is stale; {REBUILD}"
    assert (STATIC / "widget.css").read_bytes() == (JS / "widget.css").read_bytes(), REBUILD


def test_rebuilding_reproduces_the_shipped_bundle(tmp_path: Path) -> None:
    assert (JS / "node_modules" / "esbuild").is_dir(), f"esbuild is not installed; {REBUILD}"
    proc = subprocess.run(
        [_node(), str(JS / "build.mjs"), str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / "widget.js").read_bytes() == (STATIC / "widget.js").read_bytes(), REBUILD


def test_bundle_is_one_module_with_both_worklets_inline() -> None:
    text = (STATIC / "widget.js").read_text()
    # anywidget loads _esm from a Blob URL: no relative import may remain.
    assert not re.search(r"""^\s*import\s.*from\s+["']\.""", text, re.M)
    assert 'registerProcessor("gemlive-capture"' in text
    assert 'registerProcessor("gemlive-playback"' in text
    assert "export {" in text and "widget_default as default" in text


def test_jsdoc_types_check_with_typescript() -> None:
    tsc = JS / "node_modules" / "typescript" / "bin" / "tsc"
    assert tsc.is_file(), f"TypeScript is not installed; {REBUILD}"
    proc = subprocess.run(
        [_node(), str(tsc), "-p", str(JS / "tsconfig.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_every_front_end_module_is_type_checked() -> None:
    for path in JS.glob("*.js"):
        assert path.read_text().startswith("// @ts-check"), f"{path.name} lacks // @ts-check"
