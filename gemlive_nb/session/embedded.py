"""The kernel's embedded emulator: one child process per dialect, started on first use.

Used by :func:`~gemlive_nb.session.connect` when no API key is configured. The child runs the
emulator outside the kernel (its speech synthesis never competes with the kernel for the GIL).
If the child has died (killed, crashed, the machine ran out of memory), the next ``connect()``
starts a new one instead of failing until the kernel restarts.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

__all__ = ["embedded_emulator"]

log = logging.getLogger("gemlive_nb.session")

_emulators: dict[str, Any] = {}
_emulator_lock = threading.Lock()


def _running(emu: Any) -> bool:
    """Whether the child process still runs (EmulatorProcess keeps its Popen in ``_proc``)."""
    running = getattr(emu, "running", None)
    if isinstance(running, bool):
        return running
    proc = getattr(emu, "_proc", None)
    return proc is not None and proc.poll() is None


def embedded_emulator(dialect: str, realtime: bool = False) -> Any:
    """The process-wide emulator for ``dialect`` (an EmulatorProcess).

    It is started on demand, and restarted when its process has died. ``realtime=True`` gives
    a second one that streams replies at playback speed, like the service (evaluations use it,
    so a barge-in can cut a reply still being spoken).
    """
    from ..emulator.process import EmulatorProcess

    key = f"{dialect}+realtime" if realtime else dialect
    with _emulator_lock:
        emu = _emulators.get(key)
        if emu is not None and not _running(emu):
            log.warning("the embedded emulator at %s had stopped; starting a new one", emu.url)
            print(f"gemlive_nb: the local emulator at {emu.url} had stopped — starting a new one")
            emu.stop()
            emu = None
        if emu is None:
            pace = ("--realtime",) if realtime else ()
            emu = EmulatorProcess("--dialect", dialect, "--quiet", *pace).start()
            _emulators[key] = emu
            message = (
                f"gemlive_nb: no API key found — using the local emulator at {emu.url}; "
                "set GEMINI_API_KEY or MIXROUTE_API_KEY to use the real service"
            )
            log.info(message)
            print(message)
        return emu
