"""``python -m gemlive_nb.emulator``: run the Live API emulator from a shell.

Example::

    python -m gemlive_nb.emulator --port 9000 --dialect mixroute --latency 0.2 --api-key-env KEY
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
from typing import Any

from ..audio import read_wav
from ..exceptions import ConfigError
from ..protocol import OUTPUT_RATE
from ..protocol.service_rules import (
    AUDIO_SESSION_S,
    CONNECTION_LIFETIME_S,
    LATEST,
    REGIMES,
    VIDEO_SESSION_S,
)
from .faults import PHASES
from .orders import ORDERS_CHOICES
from .proxy import PROXY_MODALITIES
from .server import Emulator

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The command line: one option per Emulator setting."""
    p = argparse.ArgumentParser(
        prog="python -m gemlive_nb.emulator",
        description="Run a local Gemini Live API emulator (WebSocket, Google and mixroute paths). "
        "Logs one line per session.",
    )
    a = p.add_argument
    a("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    a("--port", type=int, default=9000, help="TCP port; 0 picks a free one (default: 9000)")
    a(
        "--dialect",
        choices=["google", "mixroute"],
        default="google",
        help="usage shape and modality rule: Google's service or the mixroute proxy",
    )
    a(
        "--proxy-modalities",
        choices=list(PROXY_MODALITIES),
        default="seed",
        help="how the mixroute path treats response modalities: 'seed' as the proxy's docs say "
        "(AUDIO+TEXT accepted), 'google' as Google's service (TEXT beside AUDIO closes 1007)",
    )
    a(
        "--speech",
        choices=["auto", "builtin", "real"],
        default="auto",
        help="speech backend: built-in synthesizer, real offline TTS/ASR, or auto",
    )
    a(
        "--api-key-env",
        metavar="VAR",
        default=None,
        help="name of an environment variable holding the API key clients must send "
        "(default: accept any key)",
    )
    a(
        "--rules",
        choices=list(REGIMES),
        default=LATEST,
        help="the dated regime of the service's per-model rules to enforce (2026-03: 3.1 takes "
        f"clientContent only as initial history; default {LATEST}, the newest evidence)",
    )
    a("--latency", type=float, default=0.0, help="seconds before each reply starts")
    a("--chunk-ms", type=int, default=40, help="reply audio chunk length in ms (default: 40)")
    a("--burst", type=int, default=5, help="reply audio chunks sent back to back (default: 5)")
    a(
        "--realtime",
        type=float,
        nargs="?",
        const=1.0,
        default=0.0,
        metavar="SPEED",
        help="pace reply audio like playback (one burst ahead) instead of as fast as possible; "
        "an optional SPEED factor paces faster (e.g. 4)",
    )
    a("--seed", type=int, default=0, help="seed for every deterministic choice (default: 0)")
    a(
        "--orders",
        choices=ORDERS_CHOICES,
        default=None,
        help="'adversarial': legal but rare server orders and timings, drawn by --seed "
        "(default: the environment variable GEMLIVE_EMULATOR_ORDERS, e.g. adversarial:7, "
        "else 'common')",
    )
    a("--allow-unknown-models", action="store_true", help="accept any model name")
    a(
        "--tls",
        action="store_true",
        help="serve wss:// with a certificate made at start; prints 'ca file: PATH' (the CA to "
        "trust, e.g. SSL_CERT_FILE=PATH) — the google-genai SDK always dials wss://",
    )
    a(
        "--allow-origin",
        dest="allow_origins",
        metavar="ORIGIN",
        action="append",
        default=[],
        help="let web pages from ORIGIN connect (repeatable; '*' for any). By default requests "
        "with an Origin header are refused, so a browsed page cannot use the emulator",
    )
    a(
        "--workers",
        type=int,
        default=1,
        help="serve from this many processes sharing the port (SO_REUSEPORT); resumption "
        "handles are shared through a directory (default: 1)",
    )
    a("--reuse-port", action="store_true", help="bind with SO_REUSEPORT (set by --workers)")
    a("--handles-dir", metavar="DIR", default=None, help="share resumption handles via DIR")
    a(
        "--lenient",
        action="store_true",
        help="accept unknown fields, lower-case enum values and other shapes the service refuses "
        "(default: strict, closing 1007 as the service does)",
    )
    a(
        "--max-connection-s",
        type=float,
        default=CONNECTION_LIFETIME_S.value,
        help="connection lifetime: goAway before it, close 1008 at it (default: %(default)s)",
    )
    a(
        "--audio-session-s",
        type=float,
        default=AUDIO_SESSION_S.value,
        help="session limit without context compression, audio only (default: %(default)s)",
    )
    a(
        "--video-session-s",
        type=float,
        default=VIDEO_SESSION_S.value,
        help="session limit without context compression once video was sent (default: %(default)s)",
    )
    a(
        "--go-away-after",
        type=float,
        default=None,
        help="send goAway after this many seconds of connection time",
    )
    a(
        "--go-away-time-left",
        type=float,
        default=50.0,
        help="goAway.timeLeft in seconds; the connection closes with 1008 after it (default: 50)",
    )
    a(
        "--fail-after-turns",
        type=int,
        default=None,
        help="close 1011 mid-turn once this many turns completed (once per emulator)",
    )
    a(
        "--drop-after",
        type=float,
        default=None,
        help="drop the TCP connection without a close frame after this many seconds",
    )
    a(
        "--repeat-faults",
        action="store_true",
        help="fire --fail-after-turns/--drop-after on every connection, not once",
    )
    a("--slow", type=float, default=0.0, help="extra delay in seconds before every server frame")
    a(
        "--bursty",
        type=float,
        default=0.0,
        help="stall reply audio this many seconds after every third burst",
    )
    for flag, what in (("--go-away-at", "send goAway"), ("--drop-at", "drop the TCP connection")):
        a(
            flag,
            choices=PHASES,
            default=None,
            help=f"{what} when the first reply reaches this phase (once per emulator)",
        )
    a(
        "--script",
        metavar="FILE",
        default=None,
        help="scripted mode: a JSON file with a list of steps (expect/send/sleep/close/drop)",
    )
    a(
        "--replay",
        metavar="DIR",
        default=None,
        help="replay mode: serve a recorded conversation (a recording saved with "
        "record_frames=True, or a frames.jsonl cassette) back to any client",
    )
    a(
        "--speed",
        type=float,
        default=1.0,
        help="with --replay: times the recorded pace (default: 1; 0 sends as fast as possible)",
    )
    a(
        "--reply-audio",
        metavar="WAV",
        default=None,
        help="every reply speaks this recording instead of synthesized speech (its transcript "
        "is still the reply's text); for tests that need the reply's exact audio",
    )
    a(
        "--watch-stdin",
        action="store_true",
        help="exit when standard input closes (how a kernel ties the emulator to its own life)",
    )
    a("-q", "--quiet", action="store_true", help="do not log sessions")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run until interrupted (Ctrl-C)."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(message)s",
        stream=sys.stdout,
    )
    logging.getLogger("websockets").setLevel(logging.WARNING)
    if args.workers > 1 and args.tls:
        print(
            "--workers and --tls cannot be combined yet (one certificate per process)",
            file=sys.stderr,
        )
        return 2
    key = None
    if args.api_key_env:
        key = os.environ.get(args.api_key_env)
        if not key:
            print(f"environment variable {args.api_key_env} is empty or not set", file=sys.stderr)
            return 2
    script = None
    if args.script:
        with open(args.script, encoding="utf-8") as f:
            script = json.load(f)
    reply_audio = None
    if args.reply_audio:
        reply_audio = read_wav(args.reply_audio).resample(OUTPUT_RATE).samples
    try:
        emu = _emulator(args, key, script, reply_audio)
    except ConfigError as e:  # e.g. --replay names no cassette
        print(f"error: {e}", file=sys.stderr)
        return 2
    own_handles = args.workers > 1 and args.handles_dir is None
    if own_handles:  # a private folder (0700), removed on exit with the transcripts in it
        emu.handles_dir = args.handles_dir = tempfile.mkdtemp(prefix="gemlive-handles-")
    emu.start()
    workers = _start_workers(argv, args, emu.port)
    if emu.ca_file:
        print(f"ca file: {emu.ca_file}", flush=True)
    print(f"gemlive emulator on {emu.url} (Ctrl-C to stop)", flush=True)
    try:
        if args.watch_stdin:
            sys.stdin.read()  # returns at EOF: the parent closed the pipe or died
        else:
            threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        for worker in workers:
            worker.stop()
        emu.stop()
        if own_handles:
            shutil.rmtree(args.handles_dir, ignore_errors=True)
    return 0


def _emulator(args: argparse.Namespace, key: str | None, script: Any, reply_audio: Any) -> Emulator:
    """The Emulator the command line asks for."""
    return Emulator(
        args.host,
        args.port,
        dialect=args.dialect,
        speech=args.speech,
        api_key=key,
        latency=args.latency,
        chunk_ms=args.chunk_ms,
        burst=args.burst,
        realtime=args.realtime,
        seed=args.seed,
        orders=args.orders,
        allow_unknown_models=args.allow_unknown_models,
        strict=not args.lenient,
        tls=args.tls,
        allow_origins=args.allow_origins,
        reuse_port=args.reuse_port or args.workers > 1,
        handles_dir=args.handles_dir,
        max_connection_s=args.max_connection_s,
        audio_session_s=args.audio_session_s,
        video_session_s=args.video_session_s,
        go_away_after=args.go_away_after,
        go_away_time_left=args.go_away_time_left,
        fail_after_turns=args.fail_after_turns,
        drop_after=args.drop_after,
        repeat_faults=args.repeat_faults,
        slow=args.slow,
        bursty=args.bursty,
        go_away_at=args.go_away_at,
        drop_at=args.drop_at,
        script=script,
        reply_audio=reply_audio,
        replay=args.replay,
        speed=args.speed,
        proxy_modalities=args.proxy_modalities,
        rules=args.rules,
    )


def _start_workers(argv: list[str] | None, args: argparse.Namespace, port: int) -> list[Any]:
    """The other ``--workers`` processes, on the same port (later options override earlier)."""
    from .process import EmulatorProcess

    extra = ["--workers", "1", "--port", str(port), "--reuse-port"]
    extra += ["--handles-dir", args.handles_dir] if args.handles_dir else []
    base = list(sys.argv[1:] if argv is None else argv)
    return [EmulatorProcess(*base, *extra).start() for _ in range(args.workers - 1)]


if __name__ == "__main__":
    sys.exit(main())
