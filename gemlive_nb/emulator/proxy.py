"""The mixroute proxy's dialect (``/v1beta/models/{model}/liveStream``), as its docs show it.

The proxy forwards to the service but documents a few shapes of its own; they are mapped to the
service's before the strict parser sees them:

- ``setup.speechConfig`` (beside ``generationConfig``) moves into ``generationConfig``;
- ``setup.empatheticMode: true`` becomes ``generationConfig.enableAffectiveDialog``;
- ``setup.proactiveAudio: true`` becomes ``proactivity.proactiveAudio``;
- ``setup.tools`` as one Tool object becomes a list, and lower-case schema types
  (``"type": "object"``) are upper-cased;
- ``realtimeInput.mediaChunks`` (the docs' way to stream audio) is accepted as the service does.

Usage goes out in the proxy's shape (``inputTokenCount``, …). Nobody outside the proxy can
tell how it treats response modalities, so the emulator serves both readings
(``proxy_modalities``, see :data:`PROXY_MODALITIES`):

- ``"seed"`` (default): as its docs say. ``["AUDIO", "TEXT"]`` is accepted and answered with
  text parts beside the audio; output transcription is sent only when ``"TEXT"`` is one of the
  response modalities (its FAQ: "requires TEXT in responseModalities to see transcription").
- ``"google"``: a plain passthrough of Google's service, which accepts one response modality
  per session: TEXT beside AUDIO closes with 1007 :data:`~gemlive_nb.protocol.constants.
  MODALITY_REFUSAL`, and output transcription is sent whenever the setup asks for it.

Example::

    adapt_setup({"model": "m", "speechConfig": {...}, "empatheticMode": True})
    # {"model": "m", "generationConfig": {"speechConfig": {...}, "enableAffectiveDialog": True}}
    adapt_message({"setup": {"generationConfig": {"responseModalities": ["AUDIO", "TEXT"]}}},
                  "google")   # Rejected(1007, MODALITY_REFUSAL)
"""

from __future__ import annotations

from typing import Any

from ..protocol.constants import MODALITY_REFUSAL
from .setup import Rejected, SessionSetup

__all__ = ["PROXY_MODALITIES", "adapt_message", "adapt_setup", "sends_output_transcription"]

PROXY_MODALITIES = ("seed", "google")
"""How the emulated proxy treats response modalities (see the module doc)."""


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


def _modalities(setup: Any) -> list[str]:
    if not isinstance(setup, dict):
        return []
    gen = setup.get("generationConfig", setup.get("generation_config"))
    if not isinstance(gen, dict):
        return []
    raw = gen.get("responseModalities", gen.get("response_modalities"))
    return [str(m).upper() for m in raw] if isinstance(raw, list) else []


def adapt_message(obj: dict[str, Any], modalities: str = "seed") -> dict[str, Any]:
    """One client message with the proxy's shapes mapped (only ``setup`` has any).

    With ``modalities="google"`` a setup asking for TEXT beside AUDIO is refused as Google
    refuses it (:class:`Rejected`, 1007).
    """
    if "setup" not in obj:
        return obj
    asked = _modalities(obj["setup"])
    if modalities == "google" and "TEXT" in asked and len(set(asked)) > 1:
        raise Rejected(1007, MODALITY_REFUSAL)
    return {**obj, "setup": adapt_setup(obj["setup"])}


def sends_output_transcription(cfg: SessionSetup, dialect: str, modalities: str) -> bool:
    """Whether a reply's words go out as ``outputTranscription`` on this connection.

    Google's service sends them when the setup asked for output transcription; the proxy, read
    as its docs say (``"seed"``), only when TEXT is a response modality too.
    """
    if not cfg.output_transcription:
        return False
    return cfg.text_out or dialect != "mixroute" or modalities == "google"
