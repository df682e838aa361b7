"""The emulator's WebSocket server: its own thread, and each connection to its handler.

:class:`Emulator` runs an asyncio loop in a daemon thread, so it works the same from plain
scripts, notebooks (whose loop is already running) and pytest-asyncio::

    with Emulator() as emu:                       # or: async with Emulator() as emu
        print(emu.url)                            # ws://127.0.0.1:PORT
        ...                                       # connect clients to emu.url
        emu.sessions[0].setup                     # what the first client sent

Who may connect: :mod:`.routes`' :class:`~.routes.Gate`; where the server is reached and how to
trust it: :class:`~.addresses.Address`; what each connection did: :mod:`.records`. A missing or
wrong key (only checked when ``api_key`` is set) is accepted at the upgrade; the setup is read,
then the connection is closed with 1008, as the service does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from websockets.asyncio.server import serve

from ..exceptions import ConfigError
from ..protocol.service_rules import AUDIO_SESSION_S, CONNECTION_LIFETIME_S, LATEST, VIDEO_SESSION_S
from ..secret import RedactingLogger, Secret
from .addresses import Address
from .faults import Faults
from .handles import HandleStore
from .hot_frames import FastServerConnection
from .live import Hub, LiveConnection, SessionRecord
from .options import check_choice, check_options
from .orders import Orders, orders_from_env
from .proxy import PROXY_MODALITIES
from .records import SessionBook
from .replay import load_cassette, run_replay
from .responder import Responder
from .routes import AUTH_FAILED, Gate, credentials, redacted_headers, redacted_path, route
from .speech import get_speech
from .tls import Certificates
from .tokens import TokenService, TokenSocket

if TYPE_CHECKING:
    from google.genai.types import HttpOptions

__all__ = ["AUTH_FAILED", "Emulator", "route"]

log = logging.getLogger("gemlive_nb.emulator")

_SETUP_WAIT_S = 10.0  # how long a connection with a bad key may take to send its setup


class Emulator:
    """A local Gemini Live API server (see the module doc for paths and auth).

    Parameters: ``host``/``port`` (0 picks a free port); ``dialect`` ``"google"`` or ``"mixroute"``
    (the endpoint clients are pointed at by default; each connection's wire dialect — usage shape,
    modality rule — follows the path it dialled); ``speech`` backend ``"auto"|"builtin"|"real"``;
    ``api_key`` required from clients when set; ``latency`` seconds before each reply; ``chunk_ms``
    reply audio chunk length; ``burst`` chunks sent back to back; ``realtime`` pace reply audio
    like playback (one burst ahead) and send ``turnComplete`` when playback would end (a number is
    a speed factor: ``realtime=4`` paces four times faster than playback); ``seed`` for all
    choices; ``orders`` ``"common"`` (the orders the real service was recorded sending for the
    model and endpoint) or ``"adversarial"`` (legal but rare orders and timings from the protocol
    grammar on top of those, drawn by ``seed``; default: ``GEMLIVE_EMULATOR_ORDERS``, e.g.
    ``adversarial:7``, else ``"common"``; see :mod:`.orders`); ``allow_unknown_models``
    accept any model name; ``script`` a list of steps for scripted mode (see :mod:`.scripted`);
    ``reply_audio`` int16 samples at 24 kHz that every reply speaks instead of synthesized speech
    (for echo tests); ``replay`` a cassette (a saved recording's directory, its ``frames.jsonl``,
    or a recording made with ``record_frames=True``) to serve back at ``speed`` times the recorded
    pace (0: as fast as possible; see :mod:`.replay`). Fault knobs: ``go_away_after``,
    ``go_away_time_left``, ``max_connection_s`` (the connection lifetime: goAway, then 1008),
    ``audio_session_s`` / ``video_session_s`` (session limits without context compression, across
    resumptions: 15 min audio-only, 2 min with video, as the service), ``fail_after_turns``,
    ``drop_after`` (seconds of connection time), ``repeat_faults``, ``slow`` (delay per frame),
    ``bursty`` (stall seconds), ``go_away_at`` / ``drop_at`` (a reply phase: ``"turn_start"``,
    ``"mid_audio"``, ``"generation_complete"``; see :mod:`.faults`). ``strict`` parses client
    messages as the service does (see :mod:`.strict`; ``False`` forgives unknown fields and
    lower-case enums). ``tls`` serves ``wss://`` with a certificate made at start (its CA in
    :attr:`ca_file`); ``allow_origins`` lists the web origins whose pages may connect (none by
    default). ``reuse_port`` lets several emulator processes share the port (``--workers``), with
    ``handles_dir`` a directory they share resumption handles through. ``proxy_modalities``: how
    the mixroute path treats response modalities — ``"seed"`` (as the proxy's docs say: AUDIO+TEXT
    answered with text parts and transcription) or ``"google"`` (a passthrough of Google's service:
    TEXT beside AUDIO closes 1007); see :mod:`.proxy`. ``rules`` the dated regime of the service's
    per-model rules to enforce (``"2026-03"``: 3.1 takes ``clientContent`` only as initial history;
    default the latest evidence; see :mod:`gemlive_nb.protocol.service_rules`).

    Example::

        emu = Emulator(latency=0.2, fail_after_turns=1).start()
        ...
        emu.stop()
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        dialect: str = "google",
        speech: str = "auto",
        api_key: str | Secret | None = None,
        latency: float = 0.0,
        go_away_after: float | None = None,
        go_away_time_left: float = 50.0,
        max_connection_s: float = CONNECTION_LIFETIME_S.value,
        audio_session_s: float = AUDIO_SESSION_S.value,
        video_session_s: float = VIDEO_SESSION_S.value,
        fail_after_turns: int | None = None,
        drop_after: float | None = None,
        repeat_faults: bool = False,
        slow: float = 0.0,
        bursty: float = 0.0,
        go_away_at: str | None = None,
        drop_at: str | None = None,
        chunk_ms: int = 40,
        burst: int = 5,
        realtime: bool | float = False,
        seed: int = 0,
        orders: str | None = None,
        allow_unknown_models: bool = False,
        strict: bool = True,
        tls: bool = False,
        allow_origins: tuple[str, ...] | list[str] = (),
        reuse_port: bool = False,
        handles_dir: str | None = None,
        script: list[dict[str, Any]] | None = None,
        reply_audio: np.ndarray | None = None,
        proxy_modalities: str = "seed",
        rules: str = LATEST,
        replay: str | Path | Any = None,
        speed: float = 1.0,
    ) -> None:
        check_options(
            port=port, latency=latency, go_away_time_left=go_away_time_left,
            max_connection_s=max_connection_s, audio_session_s=audio_session_s,
            video_session_s=video_session_s, slow=slow, bursty=bursty, chunk_ms=chunk_ms,
            burst=burst, seed=seed, go_away_after=go_away_after, drop_after=drop_after,
            fail_after_turns=fail_after_turns, realtime=realtime, script=script,
            dialect=dialect, speech=speech, speed=speed, rules=rules,
        )  # fmt: skip
        check_choice("proxy_modalities", proxy_modalities, PROXY_MODALITIES)
        self.address = Address(host, port, tls=tls)  # where it is reached, how to trust it
        self.dialect = dialect
        self.allow_origins = tuple(allow_origins)
        self.reuse_port = bool(reuse_port)
        self.handles_dir = handles_dir
        self.api_key = (
            (api_key if isinstance(api_key, Secret) else Secret(api_key)) if api_key else None
        )
        self._gate = Gate(self.address, self.allow_origins, self.api_key)
        # POST /v1alpha/auth_tokens, own port (tokens.py), with the same Origin/Host check
        self.tokens = TokenService(self.api_key, allow_origins=self.allow_origins)
        self.faults = Faults(
            go_away_after=go_away_after,
            go_away_time_left=go_away_time_left,
            max_connection_s=max_connection_s,
            fail_after_turns=fail_after_turns,
            drop_after=drop_after,
            repeat=repeat_faults,
            slow=slow,
            bursty=bursty,
            go_away_at=go_away_at,
            drop_at=drop_at,
        )
        self.script = script
        if replay is not None and script is not None:
            raise ConfigError("replay= and script= cannot be combined: pass one of them")
        self.replay = load_cassette(replay) if replay is not None else None
        self.speed = float(speed)
        self._speech_kind = speech
        self._hub_args = dict(
            seed=seed,
            orders=orders_from_env(seed) if orders is None else Orders(orders, seed),
            latency=latency,
            chunk_ms=chunk_ms,
            burst=burst,
            realtime=realtime,
            allow_unknown_models=allow_unknown_models,
            strict=strict,
            audio_session_s=audio_session_s,
            video_session_s=video_session_s,
            reply_audio=reply_audio,
            proxy_modalities=proxy_modalities,
            rules=rules,
        )
        self.hub: Hub | None = None
        self._book = SessionBook()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: Any = None
        self._connections: set[LiveConnection] = set()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> Emulator:
        """Start serving in a background thread; returns self once the port is bound."""
        if self._thread is not None:
            return self
        self.hub = Hub(
            dialect=self.dialect,
            speech=get_speech(self._speech_kind),
            faults=self.faults,
            handles=HandleStore(self.handles_dir),
            responder=Responder(self._hub_args["seed"]),  # type: ignore[arg-type]
            **self._hub_args,  # type: ignore[arg-type]
        )
        ready = threading.Event()
        errors: list[BaseException] = []

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._open())
            except BaseException as e:  # report bind errors to start()
                errors.append(e)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._shutdown())
            loop.close()

        self._thread = threading.Thread(target=main, name="gemlive-emulator", daemon=True)
        self._thread.start()
        ready.wait()
        if errors:
            self._thread = None
            self.address.released()
            raise errors[0]
        log.info("emulator listening on %s (dialect %s)", self.url, self.dialect)
        return self

    async def _open(self) -> None:
        self._server = await serve(
            self._handle,
            self.host,
            self.address.port,
            process_request=self._gate.process_request,
            ssl=await asyncio.to_thread(self.address.server_context),
            compression="deflate",  # both official SDKs offer permessage-deflate
            reuse_port=self.reuse_port or None,
            max_size=16 * 2**20,
            ping_interval=None,
            create_connection=FastServerConnection,
            logger=RedactingLogger("gemlive_nb.emulator.websockets", self.api_key),
        )
        await self.tokens.start(self.host)
        self.address.bound(self._server.sockets[0].getsockname()[1])

    async def _shutdown(self) -> None:
        await self.tokens.stop()
        for conn in list(self._connections):
            await conn.close(1001, "The emulator is shutting down.")
        self._server.close()
        await self._server.wait_closed()

    def stop(self) -> None:
        """Close every session (1001) and the server, join the thread, delete the TLS key."""
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._thread = None
        self.address.released()  # the server key goes with the server

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> Emulator:
        return await asyncio.to_thread(self.start)

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(self.stop)

    def __repr__(self) -> str:
        state = "running" if self._thread else "stopped"
        return (
            f"<Emulator {self.url} dialect={self.dialect} {state}, {len(self.sessions)} sessions>"
        )

    # ------------------------------------------------------------------ address (see .addresses)

    @property
    def host(self) -> str:
        """The host the server binds."""
        return self.address.host

    @property
    def tls(self) -> bool:
        """Whether it serves ``wss://`` (with a certificate made at start)."""
        return self.address.tls

    @property
    def certificates(self) -> Certificates | None:
        """The certificate files while a TLS server runs, else None."""
        return self.address.certificates

    @property
    def port(self) -> int:
        """The bound port (known once started)."""
        return self.address.port

    @property
    def url(self) -> str:
        """``ws://host:port`` (``wss://`` with TLS): the base for every Live path."""
        return self.address.url

    @property
    def google_base_url(self) -> str:
        """``http://host:port`` (``https://`` with TLS), for an SDK ``base_url``."""
        return self.address.google_base_url

    @property
    def ca_file(self) -> str | None:
        """With ``tls=True``, the PEM file of the CA that signed this emulator's certificate."""
        return self.address.ca_file

    def ssl_context(self) -> ssl.SSLContext | None:
        """A client :class:`ssl.SSLContext` trusting this emulator (None without TLS)."""
        return self.address.ssl_context()

    def sdk_http_options(self, api_version: str = "v1beta") -> HttpOptions:
        """The ``HttpOptions`` for an SDK client here (``tls=True``); see :class:`.Address`."""
        return self.address.sdk_http_options(api_version)

    def google_url(self, version: str = "v1beta") -> str:
        """The full Google AI Live URL on this emulator."""
        return self.address.google_url(version)

    def proxy_url(self, model: str = "gemini-live-2.5-flash-native-audio") -> str:
        """The mixroute-style proxy URL on this emulator."""
        return self.address.proxy_url(model)

    # ------------------------------------------------------------------ sessions

    @property
    def sessions(self) -> list[SessionRecord]:
        """What each connection did, in connection order (``sessions[0]`` is session 1)."""
        return self._book.records

    def wait_for_session(self, n: int = 1, timeout: float = 5.0) -> SessionRecord:
        """Block until ``n`` sessions have connected; return the n-th (1-based) record."""
        return self._book.wait_for(n, timeout)

    def wait_closed(self, n: int = 1, timeout: float = 5.0) -> SessionRecord:
        """Block until the n-th session (1-based) has ended; return its record."""
        return self._book.wait_closed(n, timeout)

    # ------------------------------------------------------------------ handlers

    async def _handle(self, ws: Any) -> None:
        raw_path = ws.request.path
        kind, path_model = route(raw_path) or ("google", None)
        headers = redacted_headers(ws.request.headers)
        record = self._book.open(redacted_path(raw_path), headers)
        assert self.hub is not None
        ws = self.tokens.admit(ws, kind, credentials(raw_path, ws.request.headers))
        conn = LiveConnection(ws, self.hub, record, path_model, kind)
        self._connections.add(conn)
        try:
            if not (isinstance(ws, TokenSocket) or self._gate.authorised(ws.request)):
                await self._refuse_after_setup(conn, ws)
            elif self.replay is not None:
                await run_replay(conn, self.replay.take(), self.speed)
            elif self.script is not None:
                from .scripted import run_script

                await run_script(conn, self.script)
            else:
                await conn.run()
        finally:
            self._connections.discard(conn)
            self._book.close(record, kind, conn.cfg)

    async def _refuse_after_setup(self, conn: LiveConnection, ws: Any) -> None:
        """A bad key: read the setup (as the service does), then close 1008.

        Closing before the client's setup would race its send, and the SDK would then raise a
        bare ConnectionClosedError instead of its APIError.
        """
        with contextlib.suppress(asyncio.TimeoutError, Exception):
            await asyncio.wait_for(ws.recv(), _SETUP_WAIT_S)
        await conn.close(1008, AUTH_FAILED)
        await ws.wait_closed()
