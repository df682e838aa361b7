"""Python functions as Live API tools: declarations from signatures, and automatic dispatch.

A tool is any Python callable, sync or async. Its declaration (name, description, parameter
schema) comes from the signature, the type hints and the docstring (Google or NumPy style).
Example::

    def get_weather(city: str, unit: Literal["C", "F"] = "C") -> dict:
        '''Current weather for a city.

        Args:
            city: The city name, e.g. "Paris".
            unit: Temperature unit.
        '''
        return {"city": city, "temp": 21}

    declare(get_weather)
    # {'name': 'get_weather', 'description': 'Current weather for a city.',
    #  'parameters': {'type': 'OBJECT', 'properties': {...}, 'required': ['city']}}

:class:`ToolRegistry` answers the server's ``toolCall`` messages: sync functions run in a thread
executor (the event loop is never blocked), async ones as tasks; a ``toolCallCancellation``
cancels the task; an exception, an unknown name or a call still running after ``timeout``
(30 s by default) becomes an error response, so the model is never left waiting. Mark a
function with :func:`tool` to set ``non_blocking`` (the model keeps talking while it runs) or the
response ``scheduling``. Return a :class:`ToolResult` to send images with the result.

What lives where: ``_declare`` (functions into declarations), ``_registry`` (answering calls)
and ``_specs`` (checks of declaration dicts given to LiveConfig).
"""

from __future__ import annotations

from .._plain import json_safe
from ._declare import ToolSpec, declare, tool
from ._registry import DEFAULT_TOOL_TIMEOUT, ToolRegistry, ToolResult

__all__ = [
    "DEFAULT_TOOL_TIMEOUT",
    "ToolRegistry",
    "ToolResult",
    "ToolSpec",
    "declare",
    "json_safe",
    "tool",
]
