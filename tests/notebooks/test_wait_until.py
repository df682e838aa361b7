"""gl.waiting.wait_until / wait_until_sync: the one documented wait helper the tutorials use."""

from __future__ import annotations

import asyncio
import pickle
import threading

import pytest

import gemlive_nb as gl
from gemlive_nb.waiting import WaitTimeout


async def test_returns_the_first_truthy_value_once_it_appears() -> None:
    box: list[str] = []
    asyncio.get_running_loop().call_later(0.1, box.append, "reply")
    got = await gl.waiting.wait_until(lambda: box and box[0], timeout=10, interval=0.01)
    assert got == "reply"


async def test_a_condition_already_true_returns_without_sleeping() -> None:
    calls = []

    def ready() -> int:
        calls.append(1)
        return 42

    assert await gl.waiting.wait_until(ready, timeout=0.001) == 42
    assert calls == [1]


async def test_awaitable_predicates_are_awaited() -> None:
    state = {"n": 0}

    async def count() -> bool:
        state["n"] += 1
        return state["n"] >= 3

    assert await gl.waiting.wait_until(count, timeout=10, interval=0.001) is True
    assert state["n"] == 3


async def test_timeout_names_what_was_awaited_and_the_last_value() -> None:
    with pytest.raises(WaitTimeout) as info:
        await gl.waiting.wait_until(
            lambda: [], timeout=0.05, interval=0.01, what="the second reply"
        )
    err = info.value
    assert isinstance(err, gl.GemliveError) and isinstance(err, TimeoutError)
    assert err.what == "the second reply" and err.timeout == 0.05 and err.last == []
    assert "waited 0.05 s for the second reply" in str(err) and "last value: []" in str(err)


async def test_without_what_the_error_quotes_the_lambda_or_the_function_name() -> None:
    turns: list[int] = []
    with pytest.raises(WaitTimeout, match=r"for lambda: len\(turns\) > 1"):
        await gl.waiting.wait_until(lambda: len(turns) > 1, timeout=0.02, interval=0.01)

    def reconnected() -> bool:
        return False

    with pytest.raises(WaitTimeout, match="for reconnected,"):
        await gl.waiting.wait_until(reconnected, timeout=0.02, interval=0.01)


async def test_checks_once_more_at_the_deadline() -> None:
    """A condition that became true while the loop was blocked is not a timeout."""
    flag = threading.Event()

    def block_then_set() -> None:
        flag.set()

    loop = asyncio.get_running_loop()
    loop.call_soon(block_then_set)
    # the very long interval means the only check after the first is the one at the deadline
    assert await gl.waiting.wait_until(flag.is_set, timeout=0.05, interval=60) is True


async def test_the_sleep_never_overshoots_the_deadline_by_an_interval() -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(WaitTimeout):
        await gl.waiting.wait_until(lambda: False, timeout=0.05, interval=30)
    assert loop.time() - started < 5  # bounded by the timeout, not the 30 s interval


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"predicate": "s.turns"}, "takes a function to call"),
        ({"timeout": 0}, "timeout must be a number of seconds > 0, not 0"),
        ({"timeout": float("nan")}, "timeout must be a number of seconds > 0, not nan"),
        ({"timeout": True}, "timeout must be a number of seconds > 0, not True"),
        ({"interval": -1}, "interval must be a number of seconds > 0, not -1"),
    ],
)
async def test_bad_arguments_name_the_value(kwargs: dict, message: str) -> None:
    args = {"predicate": lambda: True, **kwargs}
    with pytest.raises(gl.ConfigError, match=message):
        await gl.waiting.wait_until(**args)
    with pytest.raises(gl.ConfigError, match=message):
        gl.waiting.wait_until_sync(**args)


def test_sync_wrapper_without_a_loop_waits_on_the_background_loop() -> None:
    box: list[int] = []
    threading.Timer(0.05, box.append, (7,)).start()
    assert gl.waiting.wait_until_sync(lambda: box and box[0], timeout=10, interval=0.01) == 7
    with pytest.raises(WaitTimeout, match=r"waited 0\.02 s for nothing"):
        gl.waiting.wait_until_sync(lambda: None, timeout=0.02, interval=0.01, what="nothing")


def test_the_error_survives_pickling() -> None:
    err = pickle.loads(pickle.dumps(WaitTimeout("a reply", 2.0, 0)))
    assert (err.what, err.timeout, err.last) == ("a reply", 2.0, 0)


async def test_a_slow_async_predicate_is_cut_at_the_deadline() -> None:
    """#24 item 10: an async predicate that takes longer than the timeout was awaited to its end."""
    released = asyncio.Event()
    cancelled: list[bool] = []

    async def slow() -> bool:
        try:
            await released.wait()  # set only long after the deadline
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        return True

    handle = asyncio.get_running_loop().call_later(3, released.set)
    try:
        with pytest.raises(WaitTimeout, match="slow"):
            await gl.waiting.wait_until(slow, timeout=0.1, interval=0.01)
        assert cancelled == [True] and not released.is_set()
    finally:
        handle.cancel()
