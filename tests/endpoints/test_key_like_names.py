"""Key-like query names beyond the fixed list, and keys a server echoes back (#24 item 14).

One rule (``secret.is_secret_param``) says which query names carry a credential; every place
that shows or saves a URL follows it. A key the server sends back (in a message) is never
written into a saved recording.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.server import serve

from gemlive_nb.emulator import Emulator
from gemlive_nb.endpoints import resolve_endpoint
from gemlive_nb.secret import SECRET_PARAMS, is_secret_param, redact_url
from gemlive_nb.session import connect
from gemlive_nb.widget import VoiceWidget

NEW_NAMES = ["accessToken", "auth_token", "api_token", "id_token", "x-api-key", "secret", "sig"]
KEY = "k3y" + secrets.token_hex(16)


def _saved(directory: Path) -> str:
    return "".join(p.read_bytes().decode("latin-1") for p in directory.iterdir() if p.is_file())


@pytest.mark.parametrize("name", [*NEW_NAMES, *SECRET_PARAMS, "apiKey", "X-Auth-Token"])
def test_key_like_names_are_secret_wherever_a_url_shows(name: str) -> None:
    url = f"wss://proxy.example/ws?alt=json&{name}={KEY}"
    assert is_secret_param(name)
    assert KEY not in redact_url(url) and "alt=json" in redact_url(url)
    ep = resolve_endpoint(url, environ={})
    assert ep.api_key is not None and ep.api_key.reveal() == KEY and ep.key_param == name
    assert ep.connect_url().endswith(f"{name}={KEY}")  # still sent where the user put it
    shown = [repr(ep), ep.describe()]
    widget = VoiceWidget(endpoint=url)
    try:
        shown.append(json.dumps(widget.get_state(), default=str))
    finally:
        widget.close()
    assert not [text for text in shown if KEY in text]


@pytest.mark.parametrize("name", ["alt", "model", "authuser", "keyword", "max_tokens", "monkey"])
def test_ordinary_names_stay_visible(name: str) -> None:
    assert not is_secret_param(name)
    assert f"{name}=abc" in redact_url(f"wss://h/ws?{name}=abc")


async def test_a_session_saves_no_key_given_under_a_new_name(tmp_path: Path) -> None:
    with Emulator(speech="builtin") as emu:
        for name in ("accessToken", "x-api-key"):
            async with connect(endpoint=f"{emu.google_url()}?{name}={KEY}") as s:
                assert s.endpoint.auth == "query"
                await s.ask("Hello there.", timeout=10)
                s.recording.save(tmp_path / name)
                texts = [repr(s), repr(s.endpoint), str(s.recording.meta)]
            assert KEY not in _saved(tmp_path / name) and not [t for t in texts if KEY in t]


async def test_a_key_echoed_by_the_server_is_not_saved(tmp_path: Path) -> None:
    """The server quotes the key back in a reply: events.jsonl and frames.jsonl kept it."""

    async def echo_key(ws: Any) -> None:
        await ws.recv()
        await ws.send('{"setupComplete": {}}')
        await ws.recv()  # the question
        said = {"modelTurn": {"parts": [{"text": f"Your key {KEY} is not valid here."}]}}
        await ws.send(json.dumps({"serverContent": said}))
        await ws.send(json.dumps({"serverContent": {"turnComplete": True}}))
        await ws.wait_closed()

    async with serve(echo_key, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        url = f"ws://127.0.0.1:{port}/ws"
        async with connect(endpoint=url, api_key=KEY, record_frames=True) as s:
            turn = await s.ask("Hello?", timeout=10)
            assert KEY in turn.transcript  # what the server said, as it said it
            s.recording.save(tmp_path)
    saved = _saved(tmp_path)
    assert "is not valid here" in saved and KEY not in saved
