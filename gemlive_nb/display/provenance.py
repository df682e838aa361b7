"""Where a figure's numbers come from: the label every emulator-made figure or table carries.

Latency, token counts and word error rates measured against the local emulator are not the
service's: the emulator answers from localhost (milliseconds, not the service's network and
model time), counts tokens with its own formula, and its built-in voice re-transcribes exactly.
:func:`provenance` names the source of a session, recording, endpoint or emulator, so a notebook
or a plot title can say which kind of number it shows. Example::

    gl.display.provenance(s)                  # 'local emulator — timing and tokens are simulated'
    gl.display.provenance("google")           # 'Gemini Live service — measured'
"""

from __future__ import annotations

from typing import Any

__all__ = ["MEASURED_LABEL", "SIMULATED_LABEL", "is_simulated", "provenance"]

SIMULATED_LABEL = "local emulator — timing and tokens are simulated"
MEASURED_LABEL = "Gemini Live service — measured"
# Endpoint.describe() of an emulator starts so ("local emulator at ws://…"); a recording keeps it
_EMULATOR_PREFIX = "local emulator"


def is_simulated(source: Any = None) -> bool:
    """True when ``source``'s numbers come from an emulator (the embedded one or a loopback URL).

    ``source`` is a session (its endpoint), a recording or a turn's recording meta (the
    endpoint description it keeps), an ``Endpoint``, an ``Emulator``, a URL or endpoint name, or
    None (where a session would go now). Example: ``is_simulated("ws://127.0.0.1:9000")`` → True
    """
    from ..compare.limits import is_local_endpoint
    from ..exceptions import ConfigError

    meta = getattr(source, "meta", None)
    if isinstance(meta, dict) and isinstance(meta.get("endpoint"), str):
        described: str = meta["endpoint"]
        return described.startswith(_EMULATOR_PREFIX) or "127.0.0.1" in described
    endpoint = getattr(source, "endpoint", source)
    if hasattr(endpoint, "kind") and hasattr(endpoint, "url") and endpoint.kind != "emulator":
        return bool(endpoint.url) and is_local_endpoint(endpoint.url)
    try:
        return is_local_endpoint(endpoint)
    except ConfigError:  # a named service with no key here ("google"): not an emulator
        return False


def provenance(source: Any = None) -> str:
    """The label to show beside a figure or table of timing, tokens or WER from ``source``.

    :data:`SIMULATED_LABEL` for an emulator, :data:`MEASURED_LABEL` otherwise. Example::

        ax.set_title(f"Time to first audio ({gl.display.provenance(s.recording)})")
    """
    return SIMULATED_LABEL if is_simulated(source) else MEASURED_LABEL
