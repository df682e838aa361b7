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
"""

from __future__ import annotations

from .faults import Faults
from .live import SessionRecord
from .server import AUTH_FAILED, Emulator, route

__all__ = ["AUTH_FAILED", "Emulator", "Faults", "SessionRecord", "route"]
