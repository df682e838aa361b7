"""The emulator in a child process: what a notebook kernel uses when no API key is set.

In the kernel's own process the emulator's speech synthesis would compete with the kernel (and
the widget's comm traffic) for the GIL, adding hundreds of milliseconds of lag; as its own
process it behaves like the remote service. The child exits when its standard input closes, so
it never outlives the kernel that started it, even one that was killed.

Example::

    with EmulatorProcess("--dialect", "mixroute") as emu:
        print(emu.url)            # ws://127.0.0.1:PORT
"""

from __future__ import annotations

import atexit
import os
import queue
import re
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Mapping

from ..exceptions import GemliveError

__all__ = ["EmulatorProcess"]

_READY = re.compile(r"gemlive emulator on (wss?://\S+)")


class EmulatorProcess:
    """``python -m gemlive_nb.emulator`` as a child process.

    ``args`` are its CLI options and ``env`` extra environment variables (e.g. the one
    ``--api-key-env`` names).
    """

    def __init__(
        self,
        *args: str,
        env: Mapping[str, str] | None = None,
        python: str = sys.executable,
        timeout: float = 60.0,
    ) -> None:
        self.args = ("--port", "0", "--watch-stdin", *args)
        self.env = {**os.environ, **(env or {})}
        self.python = python
        self.timeout = timeout
        self.url: str | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._log: deque[str] = deque(maxlen=200)

    @property
    def dialect(self) -> str:
        """The dialect given with ``--dialect`` (so ``connect(endpoint=proc)`` matches it)."""
        args = list(self.args)
        for i, arg in enumerate(args):
            if arg.startswith("--dialect="):
                return arg.split("=", 1)[1]
            if arg == "--dialect" and i + 1 < len(args):
                return args[i + 1]
        return "google"

    def start(self) -> EmulatorProcess:
        """Start the child and wait until it listens; raises GemliveError with its output."""
        if self._proc is not None:
            return self
        self._proc = subprocess.Popen(
            [self.python, "-m", "gemlive_nb.emulator", *self.args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            env=self.env,
        )
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(lines,), daemon=True).start()
        while self.url is None:
            try:
                line = lines.get(timeout=self.timeout)
            except queue.Empty:
                line = None
            if line is None:
                self.stop()
                output = "\n".join(self._log) or "(no output)"
                raise GemliveError(f"the local emulator did not start; its output:\n{output}")
            found = _READY.search(line)
            if found:
                self.url = found.group(1)
        atexit.register(self.stop)
        return self

    def _pump(self, lines: queue.Queue[str | None]) -> None:
        """Keep reading the child's output (so it never blocks on a full pipe)."""
        assert self._proc is not None and self._proc.stdout is not None
        for line in self._proc.stdout:
            self._log.append(line.rstrip())
            lines.put(line)
        lines.put(None)

    @property
    def log(self) -> list[str]:
        """The child's last output lines (one per session)."""
        return list(self._log)

    def stop(self) -> None:
        """Close the child's stdin (it exits), and kill it if it does not within 5 s."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def __enter__(self) -> EmulatorProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = self.url or "not running"
        return f"<EmulatorProcess {state}>"
