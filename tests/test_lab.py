"""``make lab``: JupyterLab starts headless at the quickstart, serves it, and stops cleanly.

The end-to-end test runs the real ``make lab`` (options through ``GEMLIVE_LAB_ARGS``), with
Jupyter's config/data/runtime dirs in a temp dir and no API key, polls ``/api/status``, fetches
the quickstart over HTTP, then stops the whole process group.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from websockets.sync.client import connect

from gemlive_nb import lab

ROOT = Path(__file__).resolve().parent.parent
KEY_ENVS = ("GEMINI_API_KEY", "GOOGLE_API_KEY", "MIXROUTE_API_KEY", "GEMLIVE_ENDPOINT")
TOKEN = "gemlive-lab-test-token"


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy


def _get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    with _DIRECT.open(url, timeout=timeout) as response:
        return response.status, response.read()


def _request(method: str, url: str, payload: object = None) -> tuple[int, bytes]:
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Authorization", f"token {TOKEN}")
    with _DIRECT.open(req, timeout=30) as response:
        return response.status, response.read()


# what a notebook cell in that lab sees: this checkout's package, and no key (so the emulator)
CODE = (
    "import pathlib, gemlive_nb as gl\n"
    "print(pathlib.Path(gl.__file__).parent, gl.resolve_endpoint().describe().split(' (')[0])"
)


def _execute(url: str, code: str, timeout: float = 60.0) -> str:
    """Run ``code`` in a kernel over the server's WebSocket; return what it printed."""
    msg_id = uuid.uuid4().hex
    header = {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
              "session": uuid.uuid4().hex, "version": "5.3"}  # fmt: skip
    request = {"header": header, "parent_header": {}, "metadata": {}, "channel": "shell",
               "content": {"code": code, "silent": False}}  # fmt: skip
    out = []
    deadline = time.monotonic() + timeout
    with connect(url, additional_headers={"Authorization": f"token {TOKEN}"}, proxy=None) as ws:
        ws.send(json.dumps(request))
        while time.monotonic() < deadline:
            msg = json.loads(ws.recv(timeout=deadline - time.monotonic()))
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                out.append(content["text"])
            elif kind == "error":
                raise AssertionError("\n".join(content["traceback"]))
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(out)
    raise TimeoutError(f"no reply from the kernel within {timeout} s")


def _offline_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in KEY_ENVS}
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        env[name] = str(tmp / name.lower())
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def test_endpoint_note_names_the_deciding_variable_never_a_value() -> None:
    assert "local emulator" in lab.endpoint_note({})
    assert "GEMINI_API_KEY" in lab.endpoint_note({})
    note = lab.endpoint_note({"GEMINI_API_KEY": "AIzaSECRET"})
    assert "Google AI" in note and "AIzaSECRET" not in note
    note = lab.endpoint_note({"MIXROUTE_API_KEY": "sk-SECRET"})
    assert "mixroute" in note and "sk-SECRET" not in note
    assert "GEMLIVE_ENDPOINT" in lab.endpoint_note({"GEMLIVE_ENDPOINT": "emulator"})


def test_lab_command_opens_the_quickstart() -> None:
    cmd, url = lab.lab_command(
        ["--no-browser", "--port", "8899", "--token", "t0k", "--ServerApp.foo=1"], is_root=True
    )
    assert url == "http://127.0.0.1:8899/lab/tree/01_quickstart.ipynb?token=t0k"
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"]
    assert "--port=8899" in cmd and "--IdentityProvider.token=t0k" in cmd
    assert "--no-browser" in cmd and "--allow-root" in cmd
    assert f"--ServerApp.root_dir={ROOT / 'notebooks'}" in cmd
    assert cmd[-1] == "--ServerApp.foo=1"  # unknown options go to JupyterLab
    cmd, url = lab.lab_command(["--token", "x"], is_root=False)
    assert "--allow-root" not in cmd and "--no-browser" not in cmd
    port = int(re.search(r":(\d+)/", url).group(1))  # type: ignore[union-attr]
    assert f"--port={port}" in cmd and port > 0


@pytest.mark.timeout(150)
def test_make_lab_serves_the_quickstart(tmp_path: Path) -> None:
    port = lab._free_port(0)
    env = _offline_env(tmp_path)
    env[lab.ARGS_ENV] = f"--no-browser --port {port} --token {TOKEN}"
    log = tmp_path / "lab.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "lab"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: make, python, jupyter, kernels
        )
    base = f"http://127.0.0.1:{port}"
    try:
        status = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert proc.poll() is None, f"make lab exited early:\n{log.read_text()}"
            try:
                code, body = _get(f"{base}/api/status?token={TOKEN}", timeout=2)
                status = json.loads(body)
                break
            except OSError:
                time.sleep(0.25)
        assert status is not None and code == 200, f"no /api/status:\n{log.read_text()}"

        code, body = _get(f"{base}/api/contents/01_quickstart.ipynb?token={TOKEN}")
        model = json.loads(body)
        assert code == 200 and model["type"] == "notebook"
        assert model["name"] == "01_quickstart.ipynb"
        first = model["content"]["cells"][0]["source"]
        assert first.startswith("# 01") and "emulator" in json.dumps(model["content"])

        code, body = _get(f"{base}/lab/tree/01_quickstart.ipynb?token={TOKEN}")
        assert code == 200 and b"<html" in body.lower()

        # the notebook's kernel (python3) starts in this environment
        code, body = _request("POST", f"{base}/api/kernels", {"name": "python3"})
        kernel = json.loads(body)
        assert code == 201 and kernel["name"] == "python3"
        url = f"{base}/api/kernels/{kernel['id']}"
        printed = _execute(f"ws://127.0.0.1:{port}/api/kernels/{kernel['id']}/channels", CODE)
        assert printed == f"{ROOT / 'gemlive_nb'} local emulator\n"
        assert _request("DELETE", url)[0] == 204
    finally:
        _stop(proc)
    text = log.read_text()
    assert f"open http://127.0.0.1:{port}/lab/tree/01_quickstart.ipynb?token={TOKEN}" in text
    assert "local emulator" in text
    assert "Traceback" not in text
    assert not re.search(r"^\[E ", text, re.M), text
