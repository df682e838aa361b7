"""Tools: declarations from Python functions, and dispatch of tool calls (no network)."""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import threading
from typing import Literal, Optional

import numpy as np
import pytest

from gemlive_nb.exceptions import ToolError
from gemlive_nb.protocol import FunctionCall, ToolCall
from gemlive_nb.tools import ToolRegistry, declare, json_safe, tool
from gemlive_nb.tools._declare import parse_docstring


class Unit(enum.Enum):
    C = "celsius"
    F = "fahrenheit"


@dataclasses.dataclass
class Point:
    lat: float
    lon: float
    label: str = ""


def get_weather(
    city: str,
    days: int = 1,
    unit: Literal["C", "F"] = "C",
    tags: Optional[list[str]] = None,  # noqa: UP045 - the Optional spelling is what we test
    scale: Unit = Unit.C,
    where: Point | None = None,
    extra: dict | None = None,
) -> dict:
    """Current weather for a city.

    More words that are part of the description.

    Args:
        city: The city name,
            for example "Paris".
        days (int): How many days.
        unit: Temperature unit.

    Returns:
        The weather.
    """
    return {}


def numpy_style(a: float, flag: bool) -> float:
    """Scale a number.

    Parameters
    ----------
    a : float
        The number to scale.
    flag : bool
        Whether to do it.
    """
    return a


def test_declare_types_and_google_docstring() -> None:
    d = declare(get_weather)
    assert d["name"] == "get_weather"
    assert (
        d["description"]
        == "Current weather for a city.\n\nMore words that are part of the description."
    )
    params = d["parameters"]
    assert params["type"] == "OBJECT" and params["required"] == ["city"]
    props = params["properties"]
    assert props["city"] == {"type": "STRING", "description": 'The city name, for example "Paris".'}
    assert props["days"] == {"type": "INTEGER", "description": "How many days."}
    assert props["unit"] == {
        "type": "STRING",
        "enum": ["C", "F"],
        "description": "Temperature unit.",
    }
    assert props["tags"] == {"type": "ARRAY", "items": {"type": "STRING"}, "nullable": True}
    assert props["scale"] == {"type": "STRING", "enum": ["celsius", "fahrenheit"]}
    assert props["where"] == {
        "type": "OBJECT",
        "properties": {
            "lat": {"type": "NUMBER"},
            "lon": {"type": "NUMBER"},
            "label": {"type": "STRING"},
        },
        "required": ["lat", "lon"],
        "nullable": True,
    }
    assert props["extra"] == {"type": "OBJECT", "nullable": True}
    assert "behavior" not in d


def test_numpy_docstring_and_async_non_blocking() -> None:
    assert parse_docstring(numpy_style.__doc__) == (
        "Scale a number.",
        {"a": "The number to scale.", "flag": "Whether to do it."},
    )

    @tool(non_blocking=True, scheduling="when_idle", name="book")
    async def book_table(people: int) -> str:
        """Book a table."""
        return "ok"

    d = declare(book_table)
    assert d == {
        "name": "book",
        "description": "Book a table.",
        "parameters": {
            "type": "OBJECT",
            "properties": {"people": {"type": "INTEGER"}},
            "required": ["people"],
        },
        "behavior": "NON_BLOCKING",
    }


def test_declare_errors_name_the_problem() -> None:
    def bad(x: set[complex]) -> None: ...

    with pytest.raises(ToolError, match=r"parameter 'x'.*complex"):
        declare(bad)
    with pytest.raises(ToolError, match="scheduling 'LATER'"):
        tool(scheduling="later")
    with pytest.raises(ToolError, match="not valid"):
        declare(tool(name="has space")(lambda: None))


def test_json_safe() -> None:
    value = {
        "p": Point(1.0, 2.0),
        "u": Unit.F,
        "arr": np.arange(3),
        "n": np.float32(1.5),
        "b": b"\x00\x01",
        "s": {3},
        "nan": float("nan"),
        "obj": object,
    }
    safe = json_safe(value)
    assert safe["p"] == {"lat": 1.0, "lon": 2.0, "label": ""}
    assert safe["u"] == "fahrenheit"
    assert safe["arr"] == [0, 1, 2] and safe["n"] == 1.5
    assert safe["b"] == "AAE=" and safe["s"] == [3] and safe["nan"] == "nan"
    assert safe["obj"] == "<class 'object'>"


def _call(name: str, args: dict | None = None, call_id: str = "c1") -> ToolCall:
    return ToolCall(calls=(FunctionCall(call_id, name, args or {}),))


async def _dispatch(reg: ToolRegistry, event: ToolCall) -> list[dict]:
    sent: list[dict] = []

    async def respond(responses: list[dict]) -> None:
        sent.extend(responses)

    await asyncio.gather(*reg.start(event, respond))
    return sent


async def test_sync_tool_runs_off_the_loop_and_results_are_wrapped() -> None:
    threads = []

    def add(a: int, b: int = 2) -> int:
        threads.append(threading.current_thread())
        return a + b

    reg = ToolRegistry([add])
    sent = await _dispatch(reg, _call("add", {"a": 40.0}))  # JSON numbers may arrive as floats
    assert sent == [{"id": "c1", "name": "add", "response": {"result": 42}}]
    assert threads and threads[0] is not threading.main_thread()


async def test_async_tool_coerces_enum_and_dataclass_args() -> None:
    async def locate(where: Point, unit: Unit) -> Point:
        assert isinstance(where, Point) and unit is Unit.F
        return where

    reg = ToolRegistry([locate])
    sent = await _dispatch(
        reg, _call("locate", {"where": {"lat": 1, "lon": 2}, "unit": "fahrenheit"})
    )
    assert sent[0]["response"] == {"lat": 1, "lon": 2, "label": ""}


async def test_raising_tool_and_unknown_name_and_bad_args_get_error_responses() -> None:
    def broken(city: str) -> dict:
        raise ValueError(f"no weather for {city}")

    reg = ToolRegistry([broken, {"name": "external_fn"}])
    sent = await _dispatch(reg, _call("broken", {"city": "Atlantis"}))
    assert sent[0]["response"] == {"error": "ValueError: no weather for Atlantis"}
    sent = await _dispatch(reg, _call("launch_rocket"))
    assert sent[0]["response"]["error"].startswith("ToolError: unknown tool 'launch_rocket'")
    assert "broken, external_fn" in sent[0]["response"]["error"]
    sent = await _dispatch(reg, _call("broken", {"town": "x"}))
    assert sent[0]["response"] == {"error": "TypeError: unexpected argument(s) 'town'"}
    # a dict-declared function is left to the user
    assert await _dispatch(reg, _call("external_fn")) == []


async def test_cancellation_cancels_the_task_and_sends_nothing() -> None:
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def slow() -> str:
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "late"

    reg = ToolRegistry([slow])
    sent: list[dict] = []

    async def respond(responses: list[dict]) -> None:
        sent.extend(responses)

    (task,) = reg.start(_call("slow", call_id="x9"), respond)
    await started.wait()
    assert reg.pending == ["x9"]
    assert reg.cancel(["x9", "unknown"]) == ["x9"]
    await asyncio.gather(task, return_exceptions=True)
    assert cancelled.is_set() and sent == [] and reg.pending == []


async def test_non_blocking_response_carries_scheduling() -> None:
    @tool(non_blocking=True, scheduling="INTERRUPT")
    async def remind(text: str) -> str:
        return text

    sent = await _dispatch(ToolRegistry([remind]), _call("remind", {"text": "hi"}))
    assert sent == [
        {"id": "c1", "name": "remind", "response": {"result": "hi"}, "scheduling": "INTERRUPT"}
    ]
