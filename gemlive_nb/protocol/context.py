"""Newer client messages and their pieces: ``contextUpdate``, inline parts, streamed arguments.

Example::

    context_update(system_instruction="Answer in French.")
    # {'contextUpdate': {'systemInstruction': {'parts': [{'text': 'Answer in French.'}],
    #                                          'role': 'user'}}}
    inline_part(jpeg_bytes, "image/jpeg")   # {'inlineData': {'data': '/9j/…', 'mimeType': …}}
    assemble_args([{"jsonPath": "$.city", "stringValue": "Pa", "willContinue": True},
                   {"jsonPath": "$.city", "stringValue": "ris"}])   # {'city': 'Paris'}
"""

from __future__ import annotations

import re
from typing import Any

from ..exceptions import ProtocolError, ProtocolTypeError
from ._codec import encode_b64

__all__ = ["assemble_args", "context_update", "inline_part"]

_BYTES_LIKE = (bytes, bytearray, memoryview)


def context_update(
    system_instruction: str | None = None, tools: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """``contextUpdate``: a new system instruction and/or a new tool list (SDK 3.x).

    Only what is given changes; ``tools`` replaces the whole list (``[]`` removes them all).
    """
    body: dict[str, Any] = {}
    if system_instruction is not None:
        if not isinstance(system_instruction, str):
            raise ProtocolTypeError(
                f"system_instruction must be a str, not {type(system_instruction).__name__}"
            )
        body["systemInstruction"] = {"parts": [{"text": system_instruction}], "role": "user"}
    if tools is not None:
        if not isinstance(tools, list) or not all(isinstance(t, dict) for t in tools):
            raise ProtocolTypeError(f"tools must be a list of tool dicts, not {tools!r:.60}")
        body["tools"] = {"tools": tools}
    if not body:
        raise ProtocolError("a context update needs system_instruction= or tools=")
    return {"contextUpdate": body}


def inline_part(data: bytes, mime_type: str) -> dict[str, Any]:
    """A content part holding bytes (an image, audio, a PDF…)."""
    if not isinstance(data, _BYTES_LIKE):
        raise ProtocolTypeError(f"data must be bytes, not {type(data).__name__}")
    if not isinstance(mime_type, str) or "/" not in mime_type:
        raise ProtocolError(f"mime_type must be a type such as 'image/jpeg', not {mime_type!r}")
    return {"inlineData": {"data": encode_b64(bytes(data)), "mimeType": mime_type}}


_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]|\['([^']*)'\]")
_VALUE_KEYS = ("stringValue", "numberValue", "boolValue", "nullValue")


def _path(json_path: Any) -> list[str | int]:
    if not isinstance(json_path, str) or not json_path.startswith("$"):
        raise ProtocolError(f"partialArgs jsonPath must look like '$.key', not {json_path!r:.40}")
    steps: list[str | int] = []
    pos = 1
    while pos < len(json_path):
        match = _STEP.match(json_path, pos)
        if match is None:
            raise ProtocolError(f"partialArgs jsonPath {json_path!r:.60} is not a simple path")
        name, index, quoted = match.groups()
        steps.append(int(index) if index is not None else (name or quoted or ""))
        pos = match.end()
    if not steps:
        raise ProtocolError("partialArgs jsonPath '$' names no argument")
    return steps


def _put(root: dict[str, Any], steps: list[str | int], value: Any, append: bool) -> None:
    node: Any = root
    for step, nxt in zip(steps, [*steps[1:], None], strict=True):
        last = nxt is None
        empty: Any = [] if isinstance(nxt, int) else {}
        if isinstance(step, int):
            if not isinstance(node, list):
                raise ProtocolError("partialArgs index into something that is not a list")
            while len(node) <= step:
                node.append(None)
            if last:
                node[step] = node[step] + value if append and isinstance(node[step], str) else value
            elif node[step] is None:
                node[step] = empty
            node = node[step]
        else:
            if not isinstance(node, dict):
                raise ProtocolError("partialArgs key into something that is not an object")
            if last:
                old = node.get(step)
                node[step] = old + value if append and isinstance(old, str) else value
            else:
                node = node.setdefault(step, empty)


def assemble_args(partials: list[dict[str, Any]] | tuple[dict[str, Any], ...]) -> dict[str, Any]:
    """The arguments a streamed function call's ``partialArgs`` add up to.

    String values of one path are concatenated in order (a long string arrives in pieces);
    other values replace.
    """
    args: dict[str, Any] = {}
    for i, partial in enumerate(partials):
        if not isinstance(partial, dict):
            raise ProtocolError(f"partialArgs[{i}] must be an object")
        key = next((k for k in _VALUE_KEYS if k in partial), None)
        value = None if key in (None, "nullValue") else partial[key]
        _put(args, _path(partial.get("jsonPath")), value, append=key == "stringValue")
    return args
