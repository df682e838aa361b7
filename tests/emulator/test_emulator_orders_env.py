"""``GEMLIVE_EMULATOR_ORDERS``: the orders of every emulator not given ``orders=``.

A user runs a whole program or notebook against the rare orders the service may send (the
embedded emulator of a keyless ``gl.connect()`` is a child process that inherits the variable);
an emulator given ``orders=`` keeps its own.
"""

from __future__ import annotations

import pytest

import gemlive_nb as gl
from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.__main__ import _emulator, build_parser
from gemlive_nb.emulator.orders import ORDERS_ENV, orders_from_env

QUESTIONS = ("Hello there.", "What's the weather in Paris?", "Tell me about volcanoes.")


@pytest.mark.parametrize(
    ("value", "kind", "seed"),
    [
        (None, "common", 4),
        ("", "common", 4),
        ("common", "common", 4),
        ("adversarial", "adversarial", 4),  # drawn by the emulator's own seed
        ("adversarial:7", "adversarial", 7),
        (" adversarial:0 ", "adversarial", 0),
    ],
)
def test_the_variable_names_the_orders_and_their_seed(
    value: str | None, kind: str, seed: int
) -> None:
    environ = {} if value is None else {ORDERS_ENV: value}
    orders = orders_from_env(4, environ)
    assert (orders.kind, orders.seed) == (kind, seed)


@pytest.mark.parametrize("value", ["weird", "adversarial:x", "adversarial:-1", "common:3", "adv"])
def test_a_bad_value_is_refused_naming_the_variable_and_the_fix(value: str) -> None:
    with pytest.raises(gl.ConfigError, match=f"{ORDERS_ENV}=.*adversarial:SEED") as caught:
        orders_from_env(0, {ORDERS_ENV: value})
    assert repr(value) in str(caught.value)


def test_an_emulator_with_a_bad_variable_is_refused_before_it_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ORDERS_ENV, "sometimes")
    with pytest.raises(gl.ConfigError, match=ORDERS_ENV):
        Emulator()
    Emulator(orders="common")  # an explicit choice does not read the variable


async def _kinds(emu: Emulator) -> list[str]:
    async with gl.connect(endpoint=emu.google_url()) as s:
        for q in QUESTIONS:
            await s.ask(q, timeout=30)
    return [k for k in emu.sessions[-1].sent if k != "audio"]


async def test_an_emulator_without_orders_sends_what_the_variable_asks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with Emulator(speech="builtin", orders="adversarial", seed=3) as emu:
        adversarial = await _kinds(emu)
    with Emulator(speech="builtin", orders="common") as emu:
        common = await _kinds(emu)
    assert adversarial != common  # (seed 3 draws rare orders in these three replies)
    monkeypatch.setenv(ORDERS_ENV, "adversarial:3")
    with Emulator(speech="builtin") as emu:
        assert await _kinds(emu) == adversarial
    with Emulator(speech="builtin", orders="common") as emu:  # given orders= keeps its own
        assert await _kinds(emu) == common


def test_the_command_line_reads_the_variable_when_orders_is_not_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ORDERS_ENV, "adversarial:9")
    with _emulator(build_parser().parse_args(["--seed", "2"]), None, None, None) as emu:
        assert emu.hub is not None
        assert (emu.hub.orders.kind, emu.hub.orders.seed) == ("adversarial", 9)
    given = build_parser().parse_args(["--orders", "common"])
    with _emulator(given, None, None, None) as emu:
        assert emu.hub is not None and emu.hub.orders.kind == "common"
