"""The gallery images under notebooks/images are fresh: drawn again, they match what is committed.

``figures.py`` draws them offline from the emulator's deterministic built-in voice; a change to
the plotting or the voice that alters them fails here until ``make figures`` is run again.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from figures import FIGURES, IMAGES, draw
from matplotlib.image import imread

ROOT = IMAGES.parents[1]
MAX_BYTES = 150_000
# per-pixel tolerance: antialiasing may differ in the last bit between builds of the libraries
TOLERANCE = 2 / 255


def test_the_gallery_images_are_fresh(tmp_path: Path) -> None:
    for fresh in draw(tmp_path):
        committed = IMAGES / fresh.name
        assert committed.is_file(), f"{committed.name} is missing: run `make figures`"
        old, new = imread(committed), imread(fresh)
        assert old.shape == new.shape, f"{fresh.name} changed size: run `make figures`"
        diff = float(np.abs(old - new).max())
        stale = f"{fresh.name} is stale (max pixel diff {diff:.3f}): run `make figures`"
        assert diff <= TOLERANCE, stale


def test_the_gallery_is_small_and_shown() -> None:
    readme = (ROOT / "README.md").read_text()
    shown = " ".join(p.read_text() for p in (ROOT / "notebooks").glob("*.ipynb"))
    for name in FIGURES:
        assert (IMAGES / name).stat().st_size < MAX_BYTES, name
        assert f"notebooks/images/{name}" in readme, f"the README's gallery misses {name}"
        assert re.search(rf"\]\(images/{re.escape(name)}\)", shown), f"no notebook shows {name}"


def test_a_changed_figure_is_caught(tmp_path: Path) -> None:
    (path,) = [p for p in draw(tmp_path) if p.name == "gallery_reply.png"]
    image = imread(path)
    image[10:20, 10:20, :3] = 1.0 - image[10:20, 10:20, :3]  # a small edit anyone would see
    assert float(np.abs(imread(IMAGES / path.name) - image).max()) > TOLERANCE
