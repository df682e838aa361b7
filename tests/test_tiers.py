"""Every collected test carries exactly one tier marker, chosen by tests/conftest.py's rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TIERS = ("quick", "emulator", "notebook", "browser")
TESTS = Path(__file__).resolve().parent


def _tiers(item: pytest.Item) -> set[str]:
    return {m.name for m in item.iter_markers() if m.name in TIERS}


def test_every_collected_test_has_exactly_one_tier(request: pytest.FixtureRequest) -> None:
    items = request.session.items
    assert items and request.node in items
    assert {item.nodeid: _tiers(item) for item in items if len(_tiers(item)) != 1} == {}
    for item in items:
        (tier,) = _tiers(item)
        rel = item.path.resolve().relative_to(TESTS)
        if rel.parts[0] == "browser":
            assert tier == "browser", item.nodeid
        elif "emulator" in getattr(item, "fixturenames", ()):
            assert tier in ("emulator", "notebook"), item.nodeid
    assert _tiers(request.node) == {"quick"}


def test_the_tier_markers_are_registered(pytestconfig: pytest.Config) -> None:
    registered = {line.split(":")[0] for line in pytestconfig.getini("markers")}
    assert set(TIERS) <= registered
    assert "--strict-markers" in pytestconfig.getini("addopts")


def test_no_test_imports_from_conftest() -> None:
    """``from conftest import …`` gets whichever conftest.py was collected last (tests/browser
    has its own): twice a fresh clone's run failed at collection so. Shared helpers live in
    modules of their own (sdk_client.py, order_pass.py)."""
    tests = Path(__file__).resolve().parent
    offenders = [
        path.relative_to(tests).as_posix()
        for path in tests.rglob("*.py")
        if re.search(r"^\s*(from conftest import|import conftest)", path.read_text(), re.M)
    ]
    assert offenders == []
