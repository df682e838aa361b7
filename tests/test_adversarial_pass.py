"""The adversarial pass's layout (``make adversarial``; tests/conftest.py): which seed each module
draws its emulators' orders with."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from order_pass import ORDER_SEEDS_ENV, TESTS, order_seeds, orders_of

ROOT = TESTS.parent


def _make_variable(name: str) -> str:
    found = re.search(rf"^{name} \?= (.+)$", (ROOT / "Makefile").read_text(), re.M)
    assert found, f"the Makefile sets no {name}"
    return found.group(1).strip()


def _pass_modules() -> list[Path]:
    """The test modules of the pass (the Makefile's ADVERSARIAL_TESTS)."""
    modules = [*TESTS.glob("session/test_*.py"), *TESTS.glob("widget/test_*.py")]
    return [*modules, TESTS / "notebooks" / "test_notebooks.py"]


def test_every_seed_of_the_ci_pass_drives_some_modules() -> None:
    seeds = [int(x) for x in _make_variable("ADVERSARIAL_SEEDS").split(",")]
    assert len(seeds) >= 3
    used = {orders_of(path, seeds) for path in _pass_modules()}
    assert used == {f"adversarial:{seed}" for seed in seeds}


def test_a_modules_seed_depends_on_its_path_only() -> None:
    path = TESTS / "session" / "test_session.py"
    assert orders_of(path, [4]) == "adversarial:4"
    assert orders_of(path, [1, 2, 3]) == orders_of(path.resolve(), [1, 2, 3])


def test_the_wider_sweep_has_twenty_seeds() -> None:
    assert len(_make_variable("ORDER_SEEDS").split(",")) == 20


def test_the_seed_list_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ORDER_SEEDS_ENV, " 3, 11 ,17,")
    assert order_seeds() == [3, 11, 17]
    monkeypatch.setenv(ORDER_SEEDS_ENV, "")
    assert order_seeds() == []
    monkeypatch.setenv(ORDER_SEEDS_ENV, "3;11")
    with pytest.raises(pytest.UsageError, match=r"GEMLIVE_TEST_ORDER_SEEDS='3;11'.*3,11,17"):
        order_seeds()
