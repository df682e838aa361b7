"""Secrets never show: Secret hides its value everywhere but reveal(); redact scrubs text."""

from __future__ import annotations

import pickle
import traceback

import pytest

from gemlive_nb.exceptions import ConfigError, GemliveError, SessionClosed
from gemlive_nb.secret import Secret, redact

KEY = "sk-test-0123456789abcdef"


def test_secret_hides_its_value():
    s = Secret(KEY)
    for text in (
        repr(s),
        str(s),
        f"{s}",
        f"{s!r}",
        "%s" % s,  # noqa: UP031
        str([s]),
        str({"k": s}),
    ):
        assert KEY not in text
    assert s.reveal() == KEY
    assert s == Secret(KEY) and s != Secret("other")
    assert len(s.fingerprint) == 8 and KEY not in s.fingerprint


def test_secret_refuses_pickling_and_mutation():
    s = Secret(KEY)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(s)
    with pytest.raises(AttributeError):
        s._value = "x"  # type: ignore[misc]
    with pytest.raises(TypeError, match="must be a str, not int"):
        Secret(123)  # type: ignore[arg-type]


def test_redact_scrubs_every_occurrence():
    text = f"wss://host/path?key={KEY}&x=1 header {KEY}"
    assert redact(text, Secret(KEY)) == "wss://host/path?key=***&x=1 header ***"
    assert redact("short ab", "ab") == "short ab"  # too short to be a key: left alone


def test_error_tree():
    assert issubclass(ConfigError, (GemliveError, ValueError))
    err = SessionClosed(1007, "Unsupported language code 'xx'", hint="check the language")
    assert err.code == 1007 and "1007" in str(err) and "check the language" in str(err)
    again = pickle.loads(pickle.dumps(err))
    assert (again.code, again.reason) == (1007, err.reason)
    assert "SessionClosed" in "".join(traceback.format_exception(err))


def test_redact_recognises_credentials_by_position():
    text = (
        "GET /ws/x?alt=1&key=AIzaFAKE123456 HTTP/1.1 | Authorization: Bearer sk-zzz999 "
        "| x-goog-api-key: abcdef | {'Authorization': 'Token auth_tokens/q1'}"
    )
    out = redact(text)
    for value in ("AIzaFAKE123456", "sk-zzz999", "abcdef", "auth_tokens/q1"):
        assert value not in out
    assert "alt=1&key=***" in out and "Bearer ***" in out


def test_emulator_server_logs_never_show_a_key(caplog):
    import asyncio
    import logging

    from websockets.asyncio.client import connect

    from gemlive_nb.emulator import Emulator

    key = "sk-emulatorlogtest-12345"

    async def knock(url: str) -> None:
        async with connect(url + f"?key={key}", additional_headers={"x-goog-api-key": key}) as ws:
            await ws.send('{"setup":{"model":"models/gemini-2.5-flash-native-audio-latest"}}')
            await ws.recv()

    with caplog.at_level(logging.DEBUG), Emulator(api_key=key) as emu:
        asyncio.run(knock(emu.google_url()))
    # only our loggers: the raw test client above logs its own request unredacted
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("gemlive_nb"))
    assert "GET /ws/" in logged  # the request line was logged ...
    assert key not in logged  # ... with the key redacted
