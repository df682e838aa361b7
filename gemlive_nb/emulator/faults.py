"""Fault injection and connection-lifetime rules for the emulator.

All times are seconds of connection time, counted from the WebSocket upgrade::

    Faults(go_away_after=5, go_away_time_left=2)   # goAway{timeLeft:"2s"} at 5 s, close 1008 at 7 s
    Faults(fail_after_turns=2)   # the 3rd reply breaks mid-turn with close 1011 (once per emulator)
    Faults(drop_after=3.0)       # at 3 s the TCP connection is cut without a close frame (1006)
    Faults(slow=0.05)            # every server frame is delayed by 50 ms
    Faults(bursty=1.0)           # reply audio stalls for 1 s after every third burst
    Faults(go_away_at="mid_audio")   # goAway when half the reply audio is out, 1008 after timeLeft
    Faults(drop_at="generation_complete")  # TCP cut right after generationComplete

Phases of a reply (for ``go_away_at`` / ``drop_at``): ``"turn_start"`` (before any output),
``"mid_audio"`` (half the reply sent) and ``"generation_complete"`` (generationComplete sent,
turnComplete not yet). They fire once per emulator unless ``repeat=True``.

``fail_after_turns`` and ``drop_after`` fire once per emulator (so a client that reconnects
recovers) unless ``repeat=True``; the connection lifetime (goAway, then close) applies to every
connection like the service's ~10-minute limit.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import ConfigError
from ..protocol.service_rules import CONNECTION_LIFETIME_S, INTERNAL_ERROR

__all__ = ["ABORTED", "INTERNAL", "PHASES", "SESSION_LIMIT", "Faults", "StallProxy"]

PHASES = ("turn_start", "mid_audio", "generation_complete")

ABORTED = "The operation was aborted."
INTERNAL = INTERNAL_ERROR  # the service's 1011 reason
SESSION_LIMIT = "Session duration limit reached."  # wording not documented by the service


@dataclass
class Faults:
    """Fault knobs (see the module doc); ``max_connection_s`` is the connection lifetime."""

    go_away_after: float | None = None
    go_away_time_left: float = 50.0
    max_connection_s: float = CONNECTION_LIFETIME_S.value
    fail_after_turns: int | None = None
    drop_after: float | None = None
    repeat: bool = False
    slow: float = 0.0
    bursty: float = 0.0
    go_away_at: str | None = None
    drop_at: str | None = None
    _fired: set[str] = field(default_factory=set, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        for name in ("go_away_after", "drop_after", "slow", "bursty"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ConfigError(f"{name} must be >= 0 seconds, got {value!r}")
        if self.fail_after_turns is not None and self.fail_after_turns < 0:
            raise ConfigError(f"fail_after_turns must be >= 0, got {self.fail_after_turns!r}")
        for name in ("go_away_at", "drop_at"):
            if getattr(self, name) not in (None, *PHASES):
                raise ConfigError(
                    f"{name} must be one of {PHASES} or None, got {getattr(self, name)!r}"
                )
        if self.max_connection_s <= 0 or self.go_away_time_left < 0:
            raise ConfigError(
                f"max_connection_s must be > 0 and go_away_time_left >= 0 seconds, got "
                f"{self.max_connection_s!r} and {self.go_away_time_left!r}"
            )

    def lifetime(self) -> tuple[float, float]:
        """(when goAway is sent, when the connection is closed with 1008), in seconds."""
        if self.go_away_after is not None:
            return self.go_away_after, self.go_away_after + self.go_away_time_left
        left = min(self.go_away_time_left, self.max_connection_s)
        return self.max_connection_s - left, self.max_connection_s

    def time_left_text(self) -> str:
        """``goAway.timeLeft`` as the service writes a Duration: ``"50s"``, ``"9.5s"``."""
        _, end = self.lifetime()
        go, _ = self.lifetime()
        return f"{round(end - go, 3):g}s"

    def take(self, name: str) -> bool:
        """True when the one-shot fault ``name`` may fire now (and marks it fired)."""
        with self._lock:
            if name in self._fired and not self.repeat:
                return False
            self._fired.add(name)
            return True

    def at_phase(self, phase: str) -> tuple[bool, bool]:
        """(send goAway now, drop the connection now) when a reply reaches ``phase``."""
        go = self.go_away_at == phase and self.take("go_away_at")
        drop = self.drop_at == phase and self.take("drop_at")
        return go, drop

    def should_fail(self, completed_turns: int) -> bool:
        """True when this reply must break mid-turn (checks ``fail_after_turns``)."""
        n = self.fail_after_turns
        return n is not None and completed_turns >= n and self.take("fail_after_turns")


class StallProxy:
    """A loopback TCP proxy whose client-to-server direction can be stalled, for backpressure tests.

    While stalled it stops reading from the client, so the client's socket buffers fill and its
    writes back up, as on a congested network; replies still flow. ``rcvbuf`` keeps the proxy's
    receive buffer small so the stall shows after kilobytes, not megabytes::

        proxy = await StallProxy.start("127.0.0.1", emu.port)
        url = proxy.url                     # connect the client here
        proxy.stall(); ...; proxy.resume()
        await proxy.close()
    """

    def __init__(self, target_host: str, target_port: int, rcvbuf: int = 4096) -> None:
        self.target = (target_host, target_port)
        self.rcvbuf = rcvbuf
        self.forwarded = 0  # client -> server bytes
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._server: Any = None
        self._tasks: set[Any] = set()

    @classmethod
    async def start(cls, target_host: str, target_port: int, rcvbuf: int = 4096) -> StallProxy:
        """A running proxy on a free loopback port, forwarding to ``target_host:target_port``."""
        proxy = cls(target_host, target_port, rcvbuf)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)  # inherited by accepts
        sock.bind(("127.0.0.1", 0))
        # a small StreamReader limit too: it would otherwise buffer 128 KiB on its own
        proxy._server = await asyncio.start_server(proxy._serve, sock=sock, limit=rcvbuf)
        return proxy

    @property
    def url(self) -> str:
        """``ws://127.0.0.1:port`` of the proxy: connect the client here."""
        port = self._server.sockets[0].getsockname()[1]
        return f"ws://127.0.0.1:{port}"

    def stall(self) -> None:
        """Stop forwarding client bytes (the client's writes back up)."""
        self._flowing.clear()

    def resume(self) -> None:
        """Forward client bytes again after :meth:`stall`."""
        self._flowing.set()

    async def _serve(self, reader: Any, writer: Any) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)

        async def pump(src: Any, dst: Any, gated: bool) -> None:
            try:
                while True:
                    if gated:
                        await self._flowing.wait()
                    data = await src.read(self.rcvbuf if gated else 65536)
                    if not data:
                        break
                    if gated:
                        self.forwarded += len(data)
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        tasks = [
            asyncio.ensure_future(pump(reader, up_writer, True)),
            asyncio.ensure_future(pump(up_reader, writer, False)),
        ]
        self._tasks.update(tasks)
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.difference_update(tasks)

    async def close(self) -> None:
        """Stop listening and cut every proxied connection."""
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await self._server.wait_closed()
