"""Start JupyterLab on the tutorial notebooks, opened at the quickstart (``make lab``).

Prints the URL to open and where sessions will go (the local emulator when no API key is set),
then replaces itself with JupyterLab, so stopping this process stops the server::

    python -m gemlive_nb.lab                                   # opens a browser tab
    python -m gemlive_nb.lab --no-browser --port 8899 --token secret123
    GEMLIVE_LAB_ARGS="--no-browser --port 8899" make lab

``GEMLIVE_LAB_ARGS`` (split like a shell line) comes before the command-line arguments. Options
not listed by ``--help`` are passed to JupyterLab unchanged.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shlex
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from .endpoints import EMULATOR_ENV, GOOGLE_KEY_ENVS, MIXROUTE_KEY_ENV

__all__ = ["endpoint_note", "lab_command", "main"]

QUICKSTART = "01_quickstart.ipynb"
ARGS_ENV = "GEMLIVE_LAB_ARGS"


def notebooks_dir() -> Path:
    """The repository's ``notebooks/`` (next to the package in a clone), else the cwd."""
    here = Path(__file__).resolve().parent.parent / "notebooks"
    return here if (here / QUICKSTART).exists() else Path.cwd()


def endpoint_note(environ: Mapping[str, str] | None = None) -> str:
    """Where sessions opened in the notebooks will connect, judged from the environment.

    Names the variable that decides it, never its value. Example::

        endpoint_note({})   # 'No API key is set: sessions use the local emulator ...'
    """
    env = os.environ if environ is None else environ
    forced = (env.get(EMULATOR_ENV) or "").strip()
    if forced:
        return f"{EMULATOR_ENV} is set: sessions connect to the endpoint it names."
    for name in (*GOOGLE_KEY_ENVS, MIXROUTE_KEY_ENV):
        if (env.get(name) or "").strip():
            service = "the mixroute proxy" if name == MIXROUTE_KEY_ENV else "Google AI (Gemini API)"
            return f"{name} is set: sessions connect to {service}."
    return (
        "No API key is set: sessions use the local emulator (started inside the kernel on the "
        f"first connect). Set {GOOGLE_KEY_ENVS[0]} or {MIXROUTE_KEY_ENV} to use the real service."
    )


def _free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise OSError("no free TCP port on 127.0.0.1")


def _parse(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="python -m gemlive_nb.lab",
        description="Start JupyterLab at the gemlive_nb quickstart notebook.",
    )
    parser.add_argument("--port", type=int, default=None, help="default: 8888, or a free port")
    parser.add_argument("--ip", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--token", default=None, help="access token (default: a random one)")
    parser.add_argument("--no-browser", action="store_true", help="don't open a browser tab")
    parser.add_argument("--dir", type=Path, default=None, help="notebook directory")
    return parser.parse_known_args(list(argv))


def lab_command(argv: Sequence[str] = (), *, is_root: bool | None = None) -> tuple[list[str], str]:
    """The JupyterLab command line and the URL to open, for ``argv`` (this module's options).

    Example::

        cmd, url = lab_command(["--no-browser", "--port", "8899", "--token", "t"])
        url   # 'http://127.0.0.1:8899/lab/tree/01_quickstart.ipynb?token=t'
    """
    opts, extra = _parse(argv)
    root = (opts.dir or notebooks_dir()).resolve()
    port = opts.port if opts.port is not None else _free_port(8888)
    token = opts.token if opts.token is not None else secrets.token_hex(16)
    page = f"/lab/tree/{QUICKSTART}" if (root / QUICKSTART).exists() else "/lab"
    host = "127.0.0.1" if opts.ip in ("0.0.0.0", "::", "") else opts.ip
    url = f"http://{host}:{port}{page}" + (f"?token={token}" if token else "")
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ip={opts.ip}",
        f"--port={port}",
        "--ServerApp.port_retries=0",  # the printed URL must be the one that serves
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.default_url={page}",
    ]
    if opts.no_browser:
        cmd.append("--no-browser")
    if is_root if is_root is not None else (hasattr(os, "geteuid") and os.geteuid() == 0):
        cmd.append("--allow-root")  # Jupyter refuses to run as root without it
    return cmd + extra, url


def main(argv: Sequence[str] | None = None) -> None:
    """Print the URL and the endpoint note, then exec JupyterLab."""
    given = sys.argv[1:] if argv is None else list(argv)
    cmd, url = lab_command([*shlex.split(os.environ.get(ARGS_ENV, "")), *given])
    print(f"gemlive_nb: {endpoint_note()}")
    print(f"gemlive_nb: JupyterLab is starting — open {url}")
    print("gemlive_nb: stop it with Ctrl-C.", flush=True)
    sys.stderr.flush()
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
