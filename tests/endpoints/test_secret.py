"""Secrets never show: Secret hides its value everywhere but reveal(); redact scrubs text."""

from __future__ import annotations

import pickle
import secrets
import traceback

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gemlive_nb.exceptions import ConfigError, GemliveError, SessionClosed
from gemlive_nb.secret import (
    SECRET_PARAMS,
    Secret,
    is_secret_param,
    looks_like_secret,
    redact,
    redact_url,
)

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


KEY_SHAPES = st.one_of(
    st.builds(lambda s: "AIzaSy" + s, st.text("abcdefABCDEF0123456789-_", min_size=8, max_size=33)),
    st.builds(lambda s: "sk-" + s, st.text("abcdef0123456789", min_size=8, max_size=40)),
    st.builds(lambda s: "auth_tokens/" + s, st.text("abcdef0123456789", min_size=4, max_size=40)),
    st.builds(lambda s: "ya29." + s, st.text("abcdefXYZ0123456789-_", min_size=8, max_size=60)),
    st.integers(16, 40).map(lambda n: secrets.token_hex(n)),
    st.sampled_from(["ChKnyEJdEmVPsOqjBbNiCBBcbVCve_RT", "Kn4PCdRgiO_AVFT9ZWP86ygy-m983ma5"]),
)


@settings(max_examples=300)
@given(KEY_SHAPES)
def test_key_shapes_look_like_secrets(value: str) -> None:
    assert looks_like_secret(value)
    assert looks_like_secret(Secret(value))


def test_names_do_not_look_like_secrets() -> None:
    from gemlive_nb.catalog import LANGUAGE_CODES, MODELS, VOICES

    names = [m.name for m in MODELS] + [v.name for v in VOICES] + list(LANGUAGE_CODES)
    names += ["models/gemini-2.0-flash-live-001", "OpenAIRealtimeVoice", "MyCustomVoiceName",
              "gpt-4o-realtime-preview-2024-12-17", "Zephir", "", "en-US", 42]  # fmt: skip
    assert [n for n in names if looks_like_secret(n)] == []


def test_redact_url_masks_every_key_like_parameter() -> None:
    for param in SECRET_PARAMS:
        url = f"wss://h/ws?alt=1&{param}={KEY}&b=2"
        assert redact_url(url) == f"wss://h/ws?alt=1&{param}=***&b=2"
        assert is_secret_param(param.upper())
    assert redact_url(f"wss://user:{KEY}@h/ws") == "wss://***@h/ws"
    assert not is_secret_param("alt") and not is_secret_param("keys")
