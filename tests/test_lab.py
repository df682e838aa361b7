"""``make lab`` / ``python -m gemlive_nb.lab``: JupyterLab starts headless at the quickstart.

The end-to-end tests run the real ``make lab`` (options through ``GEMLIVE_LAB_ARGS``, the token
through ``JUPYTER_TOKEN``), and a wheel built from this checkout installed with plain pip into a
new venv, with Jupyter's config/data/runtime dirs in a temp dir and no API key; they poll
``/api/status``, fetch the quickstart over HTTP, check that no process command line holds the
token, then stop the whole process group.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from websockets.sync.client import connect

from gemlive_nb import lab
from gemlive_nb.exceptions import GemliveError

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
    "print(pathlib.Path(gl.__file__).parent, "
    "gl.endpoints.resolve_endpoint().describe().split(' (')[0])"
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
    cmd, env, url = lab.lab_command(
        ["--no-browser", "--port", "8899", "--ServerApp.foo=1"],
        is_root=True,
        environ={"JUPYTER_TOKEN": "t0k", "PATH": "/bin"},
    )
    assert url == "http://127.0.0.1:8899/lab/tree/01_quickstart.ipynb?token=t0k"
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"]
    assert "--port=8899" in cmd and "--no-browser" in cmd and "--allow-root" in cmd
    assert f"--ServerApp.root_dir={ROOT / 'notebooks'}" in cmd
    assert cmd[-1] == "--ServerApp.foo=1"  # unknown options go to JupyterLab
    assert env == {"JUPYTER_TOKEN": "t0k", "PATH": "/bin"}  # the token travels by environment
    assert not [arg for arg in cmd if "t0k" in arg]
    cmd, env, url = lab.lab_command([], is_root=False, environ={})
    assert "--allow-root" not in cmd and "--no-browser" not in cmd
    port = int(re.search(r":(\d+)/", url).group(1))  # type: ignore[union-attr]
    assert f"--port={port}" in cmd and port > 0
    token = env["JUPYTER_TOKEN"]  # drawn at random
    assert len(token) == 32 and url.endswith(f"?token={token}")
    assert not [arg for arg in cmd if token in arg]


@pytest.mark.parametrize(
    "arg", ["--token=abc", "--token", "--IdentityProvider.token=abc", "--ServerApp.token=abc"]
)
def test_a_token_on_the_command_line_is_refused(arg: str) -> None:
    with pytest.raises(GemliveError, match=r"command line.*JUPYTER_TOKEN") as caught:
        lab.lab_command([arg, "abc"] if "=" not in arg else [arg], environ={})
    assert "abc" not in str(caught.value)


def test_an_empty_token_is_refused_unless_no_auth(tmp_path: Path) -> None:
    with pytest.raises(GemliveError, match=r"JUPYTER_TOKEN is empty.*--no-auth"):
        lab.lab_command([], environ={"JUPYTER_TOKEN": " "})
    empty = tmp_path / "empty"
    empty.write_text("\n")
    empty.chmod(0o600)
    with pytest.raises(GemliveError, match=r"token file .*empty.*--no-auth"):
        lab.lab_command(["--token-file", str(empty)], environ={})
    cmd, env, url = lab.lab_command(["--no-auth"], environ={"JUPYTER_TOKEN": ""})
    assert "JUPYTER_TOKEN" not in env and "--IdentityProvider.token=" in cmd
    assert "token=" not in url


def test_the_token_file_must_be_private(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text("s3cret-from-file\n")
    path.chmod(0o644)
    with pytest.raises(GemliveError, match=r"readable by other users.*chmod 600") as caught:
        lab.lab_command(["--token-file", str(path)], environ={})
    assert "s3cret" not in str(caught.value)
    path.chmod(0o600)
    _, env, url = lab.lab_command(["--token-file", str(path)], environ={"JUPYTER_TOKEN": "x"})
    assert env["JUPYTER_TOKEN"] == "s3cret-from-file" and url.endswith("?token=s3cret-from-file")
    _, env, _ = lab.lab_command([], environ={"JUPYTER_TOKEN_FILE": str(path)})
    assert env["JUPYTER_TOKEN"] == "s3cret-from-file" and "JUPYTER_TOKEN_FILE" not in env
    with pytest.raises(GemliveError, match="cannot read the token file"):
        lab.lab_command(["--token-file", str(tmp_path / "missing")], environ={})


def test_installed_copies_the_tutorials_and_keeps_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lab, "clone_notebooks", lambda: None)  # as if installed from a wheel
    monkeypatch.setattr(lab, "packaged_notebooks", lambda: ROOT / "notebooks")
    monkeypatch.chdir(tmp_path)
    cmd, _, url = lab.lab_command(["--port", "8899"], environ={"JUPYTER_TOKEN": "t"})
    work = tmp_path / lab.WORKDIR
    assert f"--ServerApp.root_dir={work}" in cmd
    assert url == "http://127.0.0.1:8899/lab/tree/01_quickstart.ipynb?token=t"
    shipped = sorted(p.relative_to(ROOT / "notebooks") for p in (ROOT / "notebooks").rglob("*.*"))
    assert sorted(p.relative_to(work) for p in work.rglob("*.*")) == shipped
    assert (work / "images" / "widget.png").read_bytes()[:4] == b"\x89PNG"
    (work / lab.QUICKSTART).write_text("my edits")
    (work / "images" / "widget.png").unlink()
    assert lab.copy_tutorials(work) == [work / "images" / "widget.png"]
    assert (work / lab.QUICKSTART).read_text() == "my edits"
    with pytest.raises(GemliveError, match=r"not in this installation.*pip install"):
        lab.copy_tutorials(tmp_path / "x", source=tmp_path / "nothing")


def test_without_jupyterlab_a_message_not_a_traceback() -> None:
    code = "import sys; sys.modules['jupyterlab'] = None; from gemlive_nb.lab import main; main([])"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and run.stdout == ""
    assert "JupyterLab is not installed" in run.stderr
    assert "pip install 'gemlive_nb[lab]'" in run.stderr and "Traceback" not in run.stderr


def _cmdlines(pgid: int) -> dict[int, str]:
    """The command lines of every live process in process group ``pgid``."""
    found = {}
    for proc in Path("/proc").iterdir():
        try:
            stat = (proc / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[2]) == pgid:
                found[int(proc.name)] = (
                    (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                )
        except (OSError, ValueError, IndexError):
            continue
    return found


def _wait_for_status(proc: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the lab exited early:\n{log.read_text()}"
        try:
            code, body = _get(f"{base}/api/status?token={TOKEN}", timeout=2)
            assert code == 200 and "started" in json.loads(body)
            return
        except OSError:
            time.sleep(0.25)
    raise AssertionError(f"no /api/status within 120 s:\n{log.read_text()}")


def _assert_serves_quickstart(base: str, proc: subprocess.Popen[bytes]) -> None:
    code, body = _get(f"{base}/api/contents/01_quickstart.ipynb?token={TOKEN}")
    model = json.loads(body)
    assert code == 200 and model["type"] == "notebook"
    assert model["name"] == "01_quickstart.ipynb"
    first = model["content"]["cells"][0]["source"]
    assert first.startswith("# 01") and "emulator" in json.dumps(model["content"])
    code, body = _get(f"{base}/lab/tree/01_quickstart.ipynb?token={TOKEN}")
    assert code == 200 and b"<html" in body.lower()
    with pytest.raises(urllib.error.HTTPError) as refused:  # the token is required
        _get(f"{base}/api/contents/01_quickstart.ipynb")
    assert refused.value.code == 403
    lines = _cmdlines(proc.pid)
    assert any("jupyterlab" in line for line in lines.values()), lines
    assert not [line for line in lines.values() if TOKEN in line], lines


@pytest.mark.notebook
@pytest.mark.timeout(180)
def test_make_lab_serves_the_quickstart(tmp_path: Path) -> None:
    port = lab._free_port(0)
    env = _offline_env(tmp_path)
    env[lab.ARGS_ENV] = f"--no-browser --port {port}"
    env["JUPYTER_TOKEN"] = TOKEN
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
        _wait_for_status(proc, base, log)
        _assert_serves_quickstart(base, proc)

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


def _pip(venv: Path, *args: str, cwd: Path) -> None:
    run = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "--quiet", *args],
        cwd=cwd, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, f"pip {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}"


@pytest.mark.notebook
@pytest.mark.timeout(900)
def test_a_pip_user_opens_the_quickstart_from_the_wheel(tmp_path: Path) -> None:
    """Plain pip: build the wheel, install it in a new venv, then ``python -m gemlive_nb.lab``."""
    venv, work = tmp_path / "venv", tmp_path / "work"
    work.mkdir()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    _pip(venv, "wheel", "--no-deps", "--wheel-dir", str(tmp_path / "dist"), str(ROOT), cwd=work)
    (wheel,) = (tmp_path / "dist").glob("gemlive_nb-*.whl")
    _pip(venv, "install", str(wheel), cwd=work)
    env = _offline_env(tmp_path)
    env["JUPYTER_TOKEN"] = TOKEN
    missing = subprocess.run(
        [str(python), "-m", "gemlive_nb.lab"], cwd=work, env=env, capture_output=True, text=True
    )  # without the lab extra: a clear message
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert "JupyterLab is not installed" in missing.stderr and "[lab]" in missing.stderr

    _pip(venv, "install", f"{wheel}[lab]", cwd=work)
    port = lab._free_port(0)
    log = tmp_path / "lab.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(python), "-m", "gemlive_nb.lab", "--no-browser", "--port", str(port)],
            cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_status(proc, base, log)
        _assert_serves_quickstart(base, proc)
        tutorials = work / lab.WORKDIR  # copied there from inside the installed package
        assert (tutorials / "images" / "widget.png").is_file()
        shipped = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
        assert sorted(p.name for p in tutorials.glob("*.ipynb")) == shipped
        code, body = _request("POST", f"{base}/api/kernels", {"name": "python3"})
        kernel = json.loads(body)
        assert code == 201
        printed = _execute(f"ws://127.0.0.1:{port}/api/kernels/{kernel['id']}/channels", CODE)
        package = printed.rsplit(" local emulator", 1)[0]
        assert Path(package).is_relative_to(venv) and printed.endswith(" local emulator\n")
    finally:
        _stop(proc)
        shutil.rmtree(venv, ignore_errors=True)
    text = log.read_text()
    assert f"open {base}/lab/tree/01_quickstart.ipynb?token={TOKEN}" in text
    assert "Traceback" not in text
