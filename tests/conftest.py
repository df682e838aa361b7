"""Shared fixtures: a running emulator and google-genai clients pointed at it.

- ``emulator``: one session-wide ``Emulator(speech="builtin")`` (fast, no pacing) in a thread.
- ``make_genai_client(emu, api_key="test-key")``: an official SDK client for any emulator
  (PROTOCOL.md §6 option B: plain ws:// through the SDK's private websocket hooks).
- ``genai_client``: ``make_genai_client(emulator)``.

Test tiers (``pytest -m quick`` / ``make quick``; ``make test`` runs them all). Each test gets
exactly one marker, decided in this order:

1. a tier marker the test (or its module, via ``pytestmark``) already carries;
2. its place: under ``tests/browser/`` → ``browser``; under ``tests/notebooks/`` or in a
   ``test_notebooks*.py`` file → ``notebook``;
3. ``emulator`` when it uses a fixture named ``*emulator*`` (directly or through another
   fixture, e.g. ``genai_client``), or its module names ``Emulator``/``EmulatorProcess``;
4. else ``quick``.

A quick test must not start an emulator: ``Emulator.start`` and ``EmulatorProcess.start`` fail
inside one (for instance ``gl.connect()`` with no key starts one), so a wrong tier is a failure,
never a slow "quick" run.

The adversarial pass (``make adversarial``, part of ``make test``; issue 24):
``GEMLIVE_TEST_ORDER_SEEDS=3,11,17`` runs every emulator the tests start without ``orders=``
(in this process, in a child process, in a notebook's kernel) with ``Emulator(orders=
"adversarial")``, through ``GEMLIVE_EMULATOR_ORDERS``. Each test module gets one seed of the list,
fixed by its path (:func:`orders_of`); the ``emulator`` fixture is then one per module. A
failing test's report names the seed: ``GEMLIVE_EMULATOR_ORDERS=adversarial:SEED pytest MODULE``
replays the module's draws (each connection's depend on the seed and the connection's number).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from order_pass import ORDER_SEEDS_ENV, TESTS, order_seeds, orders_of
from sdk_client import genai_client_for

from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.orders import ORDERS_ENV
from gemlive_nb.emulator.process import EmulatorProcess

TIERS = ("quick", "emulator", "notebook", "browser")
_NAMES_AN_EMULATOR = re.compile(r"\bEmulator(Process)?\b")

# websockets >= 15 honours proxy variables; the emulator is always on loopback.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "localhost,127.0.0.1"


def _emulator_scope(fixture_name: str, config: pytest.Config) -> str:
    """One shared emulator; in the adversarial pass one per module, drawing with its seed."""
    return "module" if config.stash.get(_PASS_SEEDS, []) else "session"


@pytest.fixture(scope=_emulator_scope)  # type: ignore[arg-type]
def emulator() -> Iterator[Emulator]:
    with Emulator(speech="builtin") as emu:
        yield emu


@pytest.fixture
def make_genai_client() -> Callable[..., Any]:
    return genai_client_for


@pytest.fixture
def genai_client(emulator: Emulator) -> Any:
    return genai_client_for(emulator)


_PASS_SEEDS = pytest.StashKey[list[int]]()  # the adversarial pass's seeds, read once


def pytest_configure(config: pytest.Config) -> None:
    seeds = config.stash[_PASS_SEEDS] = order_seeds()
    if seeds:  # what starts outside a module (a session-wide fixture) draws with the first
        os.environ[ORDERS_ENV] = f"adversarial:{seeds[0]}"


def pytest_report_header(config: pytest.Config) -> str | None:
    seeds = config.stash[_PASS_SEEDS]
    if not seeds:
        return None
    return f"emulator orders: adversarial, seed per test module from {seeds} ({ORDER_SEEDS_ENV})"


@pytest.fixture(scope="module", autouse=True)
def _adversarial_orders(request: pytest.FixtureRequest) -> Iterator[None]:
    """In the adversarial pass: this module's emulators draw rare orders with its seed."""
    seeds = request.config.stash[_PASS_SEEDS]
    if not seeds:
        yield
        return
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ORDERS_ENV, orders_of(request.path, seeds))
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    seeds = item.config.stash[_PASS_SEEDS]
    if seeds and report.failed:
        orders = orders_of(item.path, seeds)
        module = item.nodeid.split("::")[0]  # its draws also depend on the connections before
        replay = f"{ORDERS_ENV}={orders} pytest {module}"
        report.sections.append(("emulator orders", f"{orders} (replay: {replay})"))


def _module_names_an_emulator(path: Path, cache: dict[Path, bool]) -> bool:
    if path not in cache:
        cache[path] = bool(_NAMES_AN_EMULATOR.search(path.read_text(encoding="utf-8")))
    return cache[path]


def tier_of(item: pytest.Item, cache: dict[Path, bool]) -> str:
    """The one tier of ``item`` (see this module's docstring for the rule)."""
    given = [m.name for m in item.iter_markers() if m.name in TIERS]
    if len(set(given)) > 1:
        raise pytest.UsageError(f"{item.nodeid} is marked with several tiers: {sorted(set(given))}")
    if given:
        return given[0]
    parts = item.path.resolve().relative_to(TESTS).parts
    if parts[0] == "browser":
        return "browser"
    if parts[0] == "notebooks" or item.path.name.startswith("test_notebooks"):
        return "notebook"
    fixtures = getattr(item, "fixturenames", ())
    if any("emulator" in name for name in fixtures) or _module_names_an_emulator(item.path, cache):
        return "emulator"
    return "quick"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    cache: dict[Path, bool] = {}
    for item in items:
        tier = tier_of(item, cache)
        if not item.get_closest_marker(tier):
            item.add_marker(tier)


@pytest.fixture(autouse=True)
def _quick_tier_guard(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if not request.node.get_closest_marker("quick"):
        return

    def refuse(self: object) -> None:
        raise AssertionError(
            f"{request.node.nodeid} starts {type(self).__name__} but is in the quick tier: "
            "use the `emulator` fixture or mark it `pytest.mark.emulator` (tests/conftest.py)"
        )

    monkeypatch.setattr(Emulator, "start", refuse)
    monkeypatch.setattr(EmulatorProcess, "start", refuse)
