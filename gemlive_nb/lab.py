"""Start JupyterLab on the tutorial notebooks, opened at the quickstart (``make lab``).

From a clone it serves ``notebooks/``; installed from a wheel it copies the tutorials that ship
inside the package to a working folder (``./gemlive_nb-tutorials`` or ``--dir``; files already
there are kept) and serves that. It prints the URL and where sessions will go (the local emulator
when no API key is set), then replaces itself with JupyterLab, so stopping it stops the server::

    pip install 'gemlive_nb[lab]'
    python -m gemlive_nb.lab                        # a random token, printed in the URL
    JUPYTER_TOKEN=... python -m gemlive_nb.lab --no-browser --port 8899
    GEMLIVE_LAB_ARGS="--no-browser --port 8899" make lab

The token never goes on a command line (any local user can read those): it comes from
``JUPYTER_TOKEN``, a file (``--token-file``, or ``JUPYTER_TOKEN_FILE``; readable by its owner
only), or is drawn at random, and reaches JupyterLab through its environment. An empty token
would turn authentication off, so it is refused unless ``--no-auth`` is given.
``GEMLIVE_LAB_ARGS`` (split like a shell line) comes before the command-line arguments. Options
not listed by ``--help`` are passed to JupyterLab unchanged.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import secrets
import shlex
import shutil
import socket
import stat
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from .endpoints import EMULATOR_ENV, GOOGLE_KEY_ENVS, MIXROUTE_KEY_ENV
from .exceptions import GemliveError

__all__ = ["LabLaunch", "copy_tutorials", "endpoint_note", "lab_command", "main"]

QUICKSTART = "01_quickstart.ipynb"
ARGS_ENV = "GEMLIVE_LAB_ARGS"
TOKEN_ENV = "JUPYTER_TOKEN"  # Jupyter's own variables: the server reads them too
TOKEN_FILE_ENV = "JUPYTER_TOKEN_FILE"
WORKDIR = "gemlive_nb-tutorials"
INSTALL_HINT = "pip install 'gemlive_nb[lab]'"
# JupyterLab options that would carry a token on the command line.
_TOKEN_OPTION = re.compile(r"^--(\w+App|IdentityProvider)\.token(=|$)|^--token(=|$)")


class LabLaunch(NamedTuple):
    """What :func:`lab_command` decided: the command, its environment and the URL to open."""

    cmd: list[str]
    env: dict[str, str]
    url: str


def clone_notebooks() -> Path | None:
    """The repository's ``notebooks/`` when this package is imported from a clone, else None."""
    here = Path(__file__).resolve().parent.parent / "notebooks"
    return here if (here / QUICKSTART).is_file() else None


def packaged_notebooks() -> Path:
    """The tutorials shipped inside the installed package (``gemlive_nb/notebooks``)."""
    return Path(__file__).resolve().parent / "notebooks"


def copy_tutorials(dest: Path, source: Path | None = None) -> list[Path]:
    """Copy the tutorials (notebooks, images, data) into ``dest``, keeping files already there.

    Returns the files copied. Example::

        copy_tutorials(Path("gemlive_nb-tutorials"))   # [.../01_quickstart.ipynb, ...]
    """
    source = source or packaged_notebooks()
    if not (source / QUICKSTART).is_file():
        raise GemliveError(
            f"the tutorials are not in this installation ({source} has no {QUICKSTART}); "
            f"reinstall with: {INSTALL_HINT}"
        )
    copied = []
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if not path.is_file() or "__pycache__" in rel.parts or ".ipynb_checkpoints" in rel.parts:
            continue
        target = dest / rel
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            copied.append(target)
    return copied


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
        allow_abbrev=False,  # "--token" must not pass for "--token-file"
        description="Start JupyterLab at the gemlive_nb quickstart notebook.",
        epilog=f"The access token comes from ${TOKEN_ENV}, --token-file or ${TOKEN_FILE_ENV}, "
        "else a random one; it is never put on a command line.",
    )
    parser.add_argument("--port", type=int, default=None, help="default: 8888, or a free port")
    parser.add_argument("--ip", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--token-file", type=Path, default=None, help="read the token from it")
    parser.add_argument("--no-auth", action="store_true", help="no token: anyone may connect")
    parser.add_argument("--no-browser", action="store_true", help="don't open a browser tab")
    parser.add_argument(
        "--dir", type=Path, default=None, help=f"notebook folder (installed: ./{WORKDIR})"
    )
    opts, extra = parser.parse_known_args(list(argv))
    for arg in extra:
        if _TOKEN_OPTION.match(arg):
            raise GemliveError(
                f"{arg.split('=')[0]} would put the token on the command line, where any local "
                f"user can read it; set {TOKEN_ENV} in the environment or use --token-file FILE"
            )
    return opts, extra


def _read_token_file(path: Path) -> str:
    try:
        mode = path.stat().st_mode
        token = path.read_text(encoding="utf-8").strip()
    except OSError as e:
        raise GemliveError(f"cannot read the token file {path}: {e.strerror}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise GemliveError(
            f"the token file {path} is readable by other users (mode {stat.filemode(mode)}); "
            f"run: chmod 600 {shlex.quote(str(path))}"
        )
    return token


def _token(opts: argparse.Namespace, env: Mapping[str, str]) -> str:
    """The Jupyter server's access token ("" only with --no-auth).

    The first given of --token-file, $JUPYTER_TOKEN and $JUPYTER_TOKEN_FILE, else a random one.
    """
    if opts.no_auth:
        return ""
    if opts.token_file is not None or (TOKEN_ENV not in env and env.get(TOKEN_FILE_ENV)):
        path = opts.token_file or Path(env[TOKEN_FILE_ENV])
        token, source = _read_token_file(path), f"the token file {path}"
    elif TOKEN_ENV in env:
        token, source = env[TOKEN_ENV].strip(), f"${TOKEN_ENV}"
    else:
        return secrets.token_hex(16)
    if not token:
        raise GemliveError(
            f"{source} is empty, which would turn authentication off; give a token, "
            "or pass --no-auth to run without one"
        )
    return token


def _serve_dir(opts: argparse.Namespace) -> Path:
    clone = clone_notebooks()
    if clone is not None and opts.dir is None:
        return clone
    root = (opts.dir or Path.cwd() / WORKDIR).resolve()
    if clone is None:  # installed: the tutorials come from inside the package
        copied = copy_tutorials(root)
        if copied:
            print(f"gemlive_nb: copied {len(copied)} tutorial files to {root}")
    return root


def lab_command(
    argv: Sequence[str] = (),
    *,
    is_root: bool | None = None,
    environ: Mapping[str, str] | None = None,
) -> LabLaunch:
    """The JupyterLab command, its environment and the URL to open, for ``argv``.

    ``argv`` holds this module's options (``--help``); the token comes from ``environ``
    (default ``os.environ``), see the module docstring. Example::

        launch = lab_command(["--port", "8899"], environ={"JUPYTER_TOKEN": "t"})
        launch.url   # 'http://127.0.0.1:8899/lab/tree/01_quickstart.ipynb?token=t'
    """
    opts, extra = _parse(argv)
    env = dict(os.environ if environ is None else environ)
    token = _token(opts, env)
    root = _serve_dir(opts)
    port = opts.port if opts.port is not None else _free_port(8888)
    page = f"/lab/tree/{QUICKSTART}" if (root / QUICKSTART).exists() else "/lab"
    host = "127.0.0.1" if opts.ip in ("0.0.0.0", "::", "") else opts.ip
    url = f"http://{host}:{port}{page}" + (f"?token={token}" if token else "")
    env.pop(TOKEN_FILE_ENV, None)
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ip={opts.ip}",
        f"--port={port}",
        "--ServerApp.port_retries=0",  # the printed URL must be the one that serves
        f"--ServerApp.root_dir={root}",
        f"--LabApp.default_url={page}",
    ]
    if token:
        env[TOKEN_ENV] = token
    else:
        env.pop(TOKEN_ENV, None)
        cmd.append("--IdentityProvider.token=")  # --no-auth: empty, nothing secret to show
    if opts.no_browser:
        cmd.append("--no-browser")
    if is_root if is_root is not None else (hasattr(os, "geteuid") and os.geteuid() == 0):
        cmd.append("--allow-root")  # Jupyter refuses to run as root without it
    return LabLaunch(cmd + extra, env, url)


def main(argv: Sequence[str] | None = None) -> None:
    """Print the URL and the endpoint note, then exec JupyterLab (errors: a message, exit 2)."""
    given = sys.argv[1:] if argv is None else list(argv)
    if importlib.util.find_spec("jupyterlab") is None:
        sys.exit(
            f"gemlive_nb: JupyterLab is not installed in this Python ({sys.executable}).\n"
            f"Install it with:  {sys.executable} -m {INSTALL_HINT}\n"
            "(from a clone of the repository, `make lab` sets everything up)."
        )
    try:
        cmd, env, url = lab_command([*shlex.split(os.environ.get(ARGS_ENV, "")), *given])
    except GemliveError as e:
        print(f"gemlive_nb: {e}", file=sys.stderr)
        sys.exit(2)
    print(f"gemlive_nb: {endpoint_note()}")
    if TOKEN_ENV not in env:
        print("gemlive_nb: --no-auth: anyone who can reach the port can run code as you.")
    print(f"gemlive_nb: JupyterLab is starting — open {url}")
    print("gemlive_nb: stop it with Ctrl-C.", flush=True)
    sys.stderr.flush()
    os.execve(cmd[0], cmd, env)


if __name__ == "__main__":
    main()
