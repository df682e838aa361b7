"""Polling with a deadline generous enough for a busy CI machine, shared by the tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def wait_until(condition: Callable[[], object], timeout: float = 20.0) -> bool:
    """Poll ``condition`` every 20 ms until it is true (→ True) or ``timeout`` s pass (→ False).

    The caller asserts on what it waited for, so a timeout fails with the real evidence.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True
