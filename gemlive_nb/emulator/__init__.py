"""A local Gemini Live API server: the offline stand-in for the real service.

It speaks the wire protocol of PROTOCOL.md (binary JSON frames, close codes, usage shapes of
Google and the mixroute proxy), answers text and speech deterministically, calls declared tools,
and can inject faults. It imports only the package's leaf modules (catalog, audio, protocol,
exceptions, secret), never the client, so the two cannot share a bug above the wire format.

Example::

    from gemlive_nb.emulator import Emulator
    with Emulator(latency=0.1) as emu:
        print(emu.url)     # ws://127.0.0.1:PORT — point a client (or the google-genai SDK) here

Shell: ``python -m gemlive_nb.emulator --port 9000`` (``--help`` lists every option).
``Emulator(replay=DIR)`` / ``--replay DIR`` serves a recorded conversation back instead
(see :mod:`.replay`).

Names load on first use, so ``import gemlive_nb.emulator.process`` (the child-process launcher a
keyless ``connect()`` uses) loads neither the server nor the synthesizer.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .faults import Faults
    from .hub import SessionRecord
    from .process import EmulatorProcess
    from .server import AUTH_FAILED, Emulator, route

__all__ = ["AUTH_FAILED", "Emulator", "EmulatorProcess", "Faults", "SessionRecord", "route"]

_HOME = {
    "AUTH_FAILED": ".server",
    "Emulator": ".server",
    "route": ".server",
    "EmulatorProcess": ".process",
    "Faults": ".faults",
    "SessionRecord": ".hub",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
