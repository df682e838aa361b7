"""The mixroute proxy's dialect (``/v1beta/models/{model}/liveStream``), as its docs show it.

The proxy forwards to the service but documents a few shapes of its own; they are mapped to the
service's before the strict parser sees them:

- ``setup.speechConfig`` (beside ``generationConfig``) moves into ``generationConfig``;
- ``setup.empatheticMode: true`` becomes ``generationConfig.enableAffectiveDialog``;
- ``setup.proactiveAudio: true`` becomes ``proactivity.proactiveAudio``;
- ``setup.tools`` as one Tool object becomes a list, and lower-case schema types
  (``"type": "object"``) are upper-cased;
- ``realtimeInput.mediaChunks`` (the docs' way to stream audio) is accepted as the service does.

Its other rules live where they act: usage in the proxy's shape (``inputTokenCount``, …),
``["AUDIO", "TEXT"]`` allowed, and output transcription sent only when ``"TEXT"`` is one of the
response modalities. Example::

    adapt_setup({"model": "m", "speechConfig": {...}, "empatheticMode": True})
    # {"model": "m", "generationConfig": {"speechConfig": {...}, "enableAffectiveDialog": True}}
"""

from __future__ import annotations

from typing import Any

__all__ = ["adapt_message", "adapt_setup"]


def _upper_types(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    if isinstance(out.get("type"), str):
        out["type"] = out["type"].upper()
    if isinstance(out.get("properties"), dict):
        out["properties"] = {k: _upper_types(v) for k, v in out["properties"].items()}
    if "items" in out:
        out["items"] = _upper_types(out["items"])
    return out


def _adapt_tool(tool: Any) -> Any:
    if not isinstance(tool, dict):
        return tool
    out = dict(tool)
    for key in ("functionDeclarations", "function_declarations"):
        decls = out.get(key)
        if isinstance(decls, list):
            out[key] = [
                {**d, "parameters": _upper_types(d["parameters"])}
                if isinstance(d, dict) and isinstance(d.get("parameters"), dict)
                else d
                for d in decls
            ]
    return out


def adapt_setup(setup: Any) -> Any:
    """The service's form of a setup written in the proxy's documented shapes."""
    if not isinstance(setup, dict):
        return setup
    out = dict(setup)
    gen_key = "generation_config" if "generation_config" in out else "generationConfig"
    gen = dict(out.get(gen_key) or {})
    for key in ("speechConfig", "speech_config"):
        if key in out:
            gen.setdefault("speechConfig", out.pop(key))
    for key in ("empatheticMode", "empathetic_mode"):
        if key in out:
            gen.setdefault("enableAffectiveDialog", bool(out.pop(key)))
    if gen or gen_key in out:
        out[gen_key] = gen
    for key in ("proactiveAudio", "proactive_audio"):
        if key in out:
            proactivity = dict(out.get("proactivity") or {})
            proactivity.setdefault("proactiveAudio", bool(out.pop(key)))
            out["proactivity"] = proactivity
    tools = out.get("tools")
    if isinstance(tools, dict):
        tools = [tools]
    if isinstance(tools, list):
        out["tools"] = [_adapt_tool(t) for t in tools]
    return out


def adapt_message(obj: dict[str, Any]) -> dict[str, Any]:
    """One client message with the proxy's shapes mapped (only ``setup`` has any)."""
    if "setup" in obj:
        return {**obj, "setup": adapt_setup(obj["setup"])}
    return obj
