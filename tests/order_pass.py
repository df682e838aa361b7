"""The adversarial pass's seeds and which one each test module draws with (issue 24).

Its own module, not ``conftest``: a test file importing ``from conftest import …`` gets whichever
conftest.py was collected last (tests/browser has one), so shared test helpers live here, like
``sdk_client``. Used by tests/conftest.py and tests/test_adversarial_pass.py.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import pytest

__all__ = ["ORDER_SEEDS_ENV", "TESTS", "order_seeds", "orders_of"]

TESTS = Path(__file__).resolve().parent
ORDER_SEEDS_ENV = "GEMLIVE_TEST_ORDER_SEEDS"  # the adversarial pass: seeds, comma-separated


def order_seeds() -> list[int]:
    """The adversarial pass's seeds (``GEMLIVE_TEST_ORDER_SEEDS``); empty: not that pass."""
    value = os.environ.get(ORDER_SEEDS_ENV, "")
    seeds = [x.strip() for x in value.split(",") if x.strip()]
    if not all(x.isdigit() for x in seeds):
        raise pytest.UsageError(f"{ORDER_SEEDS_ENV}={value!r}: use whole numbers, e.g. 3,11,17")
    return [int(x) for x in seeds]


def orders_of(path: Path, seeds: list[int]) -> str:
    """The ``GEMLIVE_EMULATOR_ORDERS`` of the test module at ``path`` in the adversarial pass."""
    name = path.resolve().relative_to(TESTS).as_posix()
    return f"adversarial:{seeds[zlib.crc32(name.encode()) % len(seeds)]}"
