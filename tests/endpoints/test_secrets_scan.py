"""A key given any supported way never shows up anywhere a user could see or save it.

Ways: ``api_key=``, GEMINI_API_KEY / GOOGLE_API_KEY / MIXROUTE_API_KEY, ``?key=`` in a URL, an
ephemeral token (given, and minted with ``create_ephemeral_token``), a Vertex AI OAuth token (as
an argument and from the environment), every key-like query parameter (``token``, ``apikey``,
``auth``…), and Endpoint objects. Places scanned: reprs and str of every public object
(config, endpoint, session, turn, recording, stats, events), every log record at DEBUG level
(all loggers, websockets' included), every file of a saved recording, the widget's state,
the tracebacks of failures (1008 bad key, connection refused, bad config), a notebook
executed in a real kernel and saved to disk, and the command lines of this process and every
process it started (the emulator in a child process).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from gemlive_nb.config import LiveConfig
from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.process import EmulatorProcess
from gemlive_nb.endpoints import Endpoint, LinkPlan, create_ephemeral_token, resolve_endpoint
from gemlive_nb.exceptions import GemliveError, SessionClosed
from gemlive_nb.secret import SECRET_PARAMS
from gemlive_nb.session import LiveSession, connect

GOOGLE_KEY = "AIzaSy" + secrets.token_hex(16)
MIX_KEY = "sk-" + secrets.token_hex(16)
TOKEN = "auth_tokens/" + secrets.token_hex(16)
WRONG = "AIzaSy" + secrets.token_hex(16)
VERTEX_TOKEN = "ya29." + secrets.token_hex(20)
ALL = [GOOGLE_KEY, MIX_KEY, TOKEN, WRONG, VERTEX_TOKEN]  # tokens minted in a test join it


def _leaks(text: str) -> list[str]:
    """Which keys (or a long piece of one) appear in ``text``."""
    found = []
    for key in ALL:
        body = key.split("/")[-1].removeprefix("AIzaSy").removeprefix("sk-")
        if key in text or body[:16] in text:
            found.append(key)
    return found


def _texts(*objects: Any) -> list[str]:
    out = []
    for obj in objects:
        out += [repr(obj), str(obj)]
        html = getattr(obj, "_repr_html_", None)
        if callable(html):
            out.append(str(html()))
    return out


def _files(directory: Path) -> Iterator[str]:
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            yield path.read_bytes().decode("latin-1")  # wav files too, byte for byte


def _traceback(error: BaseException) -> str:
    return "".join(traceback.format_exception(error)) + repr(error.args)


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)  # root: every logger, websockets' included
    for name in ("websockets", "websockets.client", "gemlive_nb"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    return caplog


async def _exercise(s: LiveSession, tmp_path: Path, name: str) -> list[str]:
    turn = await s.ask("Hello there.", timeout=10)
    events: list[Any] = []
    s.subscribe(events.append)
    await s.ask("Tell me about Rome.", timeout=10)
    s.recording.save(tmp_path / name)
    texts = _texts(s, s.config, s.endpoint, turn, s.recording, s.stats, *events)
    texts += [s.endpoint.describe(), str(s.recording.meta), str(turn.to_dict())]
    texts += list(_files(tmp_path / name))
    try:
        from gemlive_nb.widget import VoiceWidget
    except ImportError:  # the widget module is optional for this scan
        return texts
    widget = VoiceWidget(session=s)
    try:
        texts.append(repr(widget.get_state()))
    finally:
        widget.close()
    return texts


async def test_every_way_of_giving_a_key(
    tmp_path: Path, all_logs: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts: list[str] = []
    with Emulator(speech="builtin", api_key=GOOGLE_KEY) as emu:
        # api_key= argument, and the key in the URL's query
        for name, kwargs in (
            ("argument", {"endpoint": emu.google_url(), "api_key": GOOGLE_KEY}),
            ("query", {"endpoint": emu.google_url() + f"?key={GOOGLE_KEY}"}),
        ):
            async with connect(**kwargs) as s:
                assert s.endpoint.api_key is not None
                texts += await _exercise(s, tmp_path, name)
        # environment variables -> an Endpoint object aimed at the emulator
        for var in ("GEMINI_API_KEY", "GOOGLE_API_KEY"):
            monkeypatch.setenv(var, GOOGLE_KEY)
            found = resolve_endpoint()
            assert found.kind == "google" and found.api_key.reveal() == GOOGLE_KEY
            texts += [*_texts(found), found.describe()]
            ep = Endpoint(kind="custom", url=emu.google_url(), model=found.model,
                          api_key=found.api_key, auth="x-goog-api-key")  # fmt: skip
            async with connect(endpoint=ep) as s:
                texts += await _exercise(s, tmp_path, var)
            monkeypatch.delenv(var)
    with Emulator(speech="builtin", api_key=TOKEN) as emu:  # ephemeral token
        url = emu.google_url("v1alpha").replace(
            "BidiGenerateContent", "BidiGenerateContentConstrained"
        )
        async with connect(endpoint=url, api_key=TOKEN) as s:
            assert s.endpoint.auth == "token"
            texts += await _exercise(s, tmp_path, "ephemeral")
    with Emulator(speech="builtin", dialect="mixroute", api_key=MIX_KEY) as emu:
        monkeypatch.setenv("MIXROUTE_API_KEY", MIX_KEY)
        found = resolve_endpoint()
        assert found.kind == "mixroute" and found.auth == "bearer"
        texts += _texts(found)
        async with connect(endpoint=emu.proxy_url(), api_key=found.api_key) as s:
            texts += await _exercise(s, tmp_path, "mixroute")
    logs = [r.getMessage() for r in all_logs.records]
    logs += [str(r.args) for r in all_logs.records]
    assert any("GET /ws/" in line for line in logs)  # websockets' DEBUG request lines were seen
    assert any(r.name.startswith("gemlive_nb.websockets") for r in all_logs.records)
    texts += logs
    leaked = [(i, _leaks(t)) for i, t in enumerate(texts) if _leaks(t)]
    assert leaked == [], [texts[i][:300] for i, _ in leaked]
    assert len(list((tmp_path / "argument").iterdir())) >= 7  # the scan saw the real files


async def test_tracebacks_of_failures(all_logs: pytest.LogCaptureFixture) -> None:
    errors: list[BaseException] = []
    with Emulator(speech="builtin", api_key=GOOGLE_KEY) as emu:
        for kwargs in (
            {"endpoint": emu.google_url(), "api_key": WRONG},  # 1008
            {"endpoint": emu.google_url() + f"?key={WRONG}"},  # 1008, key in the URL
        ):
            with pytest.raises(SessionClosed) as info:
                await connect(**kwargs)
            assert info.value.code == 1008
            errors.append(info.value)
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    for kwargs in (
        {"endpoint": f"ws://127.0.0.1:{port}", "api_key": GOOGLE_KEY},
        {"endpoint": f"ws://127.0.0.1:{port}/live?key={GOOGLE_KEY}"},
    ):
        with pytest.raises(SessionClosed) as info:
            await connect(max_failures=1, open_timeout=2, **kwargs)
        assert info.value.code == 1006 and "cannot connect" in info.value.reason
        errors.append(info.value)
    bad_config = (
        lambda: connect(endpoint="google", api_key=GOOGLE_KEY, voice="Zephir"),
        lambda: resolve_endpoint("google", api_key=GOOGLE_KEY, api_version="v9"),
        lambda: Endpoint(
            kind="google",
            url=f"wss://h/x?key={GOOGLE_KEY}",
            model="m",
            api_key=MIX_KEY,
            auth="x-goog-api-key",
        ),
        lambda: LiveConfig.coerce({"voice": "Zephir"}, api_key=GOOGLE_KEY),
    )
    for make in bad_config:
        with pytest.raises(GemliveError) as info:
            result = make()
            if hasattr(result, "__await__"):
                await result
        errors.append(info.value)
    texts = [_traceback(e) for e in errors]
    texts += [r.getMessage() for r in all_logs.records]
    leaked = [t[:300] for t in texts if _leaks(t)]
    assert leaked == []


def _widget_state(s: LiveSession) -> str:
    from gemlive_nb.widget import VoiceWidget

    widget = VoiceWidget(session=s)
    try:
        return repr(widget.get_state())
    finally:
        widget.close()


async def test_vertex_minted_tokens_and_query_parameters(
    tmp_path: Path, all_logs: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts: list[str] = []
    place = {"project": "scan-proj", "location": "us-central1"}
    with Emulator(speech="builtin", api_key=VERTEX_TOKEN) as emu:
        # a Vertex OAuth token as an argument, then from the environment
        given = resolve_endpoint("vertex", **place, api_key=VERTEX_TOKEN, environ={})
        monkeypatch.setenv("GOOGLE_OAUTH_ACCESS_TOKEN", VERTEX_TOKEN)
        monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", place["project"])
        monkeypatch.setenv("GOOGLE_CLOUD_LOCATION", place["location"])
        from_env = resolve_endpoint("vertex")
        for name, ep in (("vertex-argument", given), ("vertex-env", from_env)):
            ep = ep.with_url(emu.url)
            texts += [*_texts(ep), ep.describe(), repr(LinkPlan.build(ep, LiveConfig()))]
            async with connect(endpoint=ep) as s:
                assert s.endpoint.kind == "vertex"
                texts += await _exercise(s, tmp_path, name)
    with Emulator(speech="builtin", api_key=GOOGLE_KEY) as emu:  # a token minted here
        token = await create_ephemeral_token(
            api_key=GOOGLE_KEY, base_url=emu.tokens.base_url, uses=2, voice="Puck"
        )
        ALL.append(token.name.reveal())
        texts += _texts(token)
        url = emu.google_url("v1alpha").replace("Content", "ContentConstrained")
        async with connect(endpoint=url, api_key=token.name) as s:
            texts += await _exercise(s, tmp_path, "minted")
    with Emulator(speech="builtin") as emu:  # every key-like query parameter
        for param in SECRET_PARAMS:
            async with connect(endpoint=f"{emu.google_url()}?alt=json&{param}={GOOGLE_KEY}") as s:
                assert s.endpoint.auth == "query" and s.endpoint.key_param == param
                turn = await s.ask("Hello there.", timeout=10)
                texts += _texts(s, s.endpoint, turn, s.recording, s.stats)
                texts += [s.endpoint.describe(), str(s.recording.meta), _widget_state(s)]
        texts += [repr(record) for record in emu.sessions]
        assert all(f"{p}=***" in emu.sessions[i].path for i, p in enumerate(SECRET_PARAMS))
    logs = [r.getMessage() for r in all_logs.records] + [str(r.args) for r in all_logs.records]
    assert any(
        "GET /ws/" in line and "=***" in line for line in logs
    )  # URL keys were logged, masked
    texts += logs
    leaked = [(i, _leaks(t)) for i, t in enumerate(texts) if _leaks(t)]
    assert leaked == [], [texts[i][:300] for i, _ in leaked]


def _command_lines_of_this_process_tree() -> list[str]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {os.getpid()}, [os.getpid()]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    lines = []
    for pid in tree:
        try:
            lines.append((Path(f"/proc/{pid}/cmdline").read_bytes()).replace(b"\0", b" ").decode())
        except OSError:
            continue
    return lines


async def test_no_key_on_any_command_line() -> None:
    with EmulatorProcess(
        "--api-key-env",
        "GEMLIVE_SCAN_KEY",
        "--speech",
        "builtin",
        env={"GEMLIVE_SCAN_KEY": GOOGLE_KEY},
    ) as emu:
        async with connect(endpoint=emu.url, api_key=GOOGLE_KEY) as s:
            await s.ask("Hello there.", timeout=20)
            lines = _command_lines_of_this_process_tree()
    assert any("gemlive_nb.emulator" in line for line in lines)  # the child was scanned
    assert [line for line in lines if _leaks(line)] == []


NOTEBOOK = [
    "import os, logging\nlogging.basicConfig(level=logging.DEBUG, force=True)\n"
    "from gemlive_nb.emulator import Emulator\nfrom gemlive_nb.session import connect\n"
    "from gemlive_nb.endpoints import Endpoint, resolve_endpoint\n"
    "emu = Emulator(speech='builtin', api_key=os.environ['GEMINI_API_KEY']).start()",
    # the key from the environment, through an Endpoint object
    "found = resolve_endpoint()\n"
    "ep = Endpoint(kind='custom', url=emu.google_url(), model=found.model,\n"
    "              api_key=found.api_key, auth='x-goog-api-key')\n"
    "s = await connect(endpoint=ep)\nturn = await s.ask('Hello there.')\n"
    "display(found, ep, s, turn, s.recording, s.stats, s.config)\nturn",
    # the key as an argument
    "s2 = await connect(endpoint=emu.google_url(), api_key=os.environ['GEMINI_API_KEY'])\n"
    "(await s2.ask('Tell me about Rome.')).output_transcript",
    "from gemlive_nb.widget import VoiceWidget\nw = VoiceWidget(session=s2)\nw",
    # a failure: the key reversed is wrong; its traceback is saved in the notebook
    "await connect(endpoint=emu.google_url(), api_key=os.environ['GEMINI_API_KEY'][::-1])",
    "await s.close(); await s2.close(); emu.stop()",
]


def test_saved_notebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", GOOGLE_KEY)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in NOTEBOOK]
    client = NotebookClient(
        nb, timeout=60, kernel_name="python3", allow_errors=True, store_widget_state=True
    )
    client.execute(cwd=str(tmp_path))
    path = tmp_path / "run.ipynb"
    nbformat.write(nb, path)
    text = path.read_text()
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    # the notebook really ran: one error (the wrong key, 1008), turns with transcripts, logs
    assert [e["ename"] for e in errors] == ["SessionClosed"], errors
    assert "1008" in errors[0]["evalue"]
    assert "Rome" in text and "LiveSession" in text and "DEBUG" in text
    reversed_key = GOOGLE_KEY[::-1]
    assert GOOGLE_KEY not in text and reversed_key not in text
    assert not _leaks(text)
