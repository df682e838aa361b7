"""Cancelling a run of several sessions: nothing is left running or open afterwards."""

from __future__ import annotations

import asyncio

import pytest

from gemlive_nb.waiting import gather_all


async def test_a_cancelled_gather_all_returns_only_when_every_part_has_finished() -> None:
    """``asyncio.gather`` re-raised the first part's cancel while the others were still closing."""
    closed: list[str] = []
    started = asyncio.Event()

    async def part(name: str, closing_steps: int) -> str:
        try:
            started.set()
            await asyncio.sleep(30)
            return name
        finally:
            for _ in range(closing_steps):  # closing a session takes a few loop steps
                await asyncio.sleep(0)
            closed.append(name)

    task = asyncio.ensure_future(gather_all([part("quick", 0), part("slow", 5)]))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sorted(closed) == ["quick", "slow"]


async def test_gather_all_gives_the_results_in_order() -> None:
    async def value(v: int, delay: float) -> int:
        await asyncio.sleep(delay)
        return v

    assert await gather_all([value(1, 0.02), value(2, 0.0)]) == [1, 2]
    assert await gather_all([]) == []


async def test_when_one_part_fails_the_others_are_cancelled_and_the_failure_raised() -> None:
    stopped: list[str] = []

    async def fails() -> int:
        await asyncio.sleep(0)
        raise ValueError("broken config")

    async def waits() -> int:
        try:
            await asyncio.sleep(30)
        finally:
            stopped.append("waits")
        return 0

    with pytest.raises(ValueError, match="broken config"):
        await gather_all([waits(), fails()])
    assert stopped == ["waits"]
