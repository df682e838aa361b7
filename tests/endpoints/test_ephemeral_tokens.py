"""Ephemeral tokens: minted over REST (ours and the unmodified SDK's client), used, spent,
expired and locked — all against the emulator's ``POST /v1alpha/auth_tokens``."""

from __future__ import annotations

import http.server
import re
import secrets
import threading
import warnings
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gemlive_nb as gl
from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.tokens import TokenStore, locked_setup
from gemlive_nb.endpoints import EphemeralToken, create_ephemeral_token, resolve_endpoint
from gemlive_nb.endpoints.ephemeral import token_request
from gemlive_nb.exceptions import ConfigError, GemliveError, SessionClosed

KEY = "AIzaSy" + secrets.token_hex(16)
MODEL = "gemini-2.5-flash-native-audio-preview-12-2025"


def constrained_url(emu: Emulator) -> str:
    return emu.google_url("v1alpha").replace(
        "BidiGenerateContent", "BidiGenerateContentConstrained"
    )


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(speech="builtin", api_key=KEY) as emu:
        yield emu


async def _mint(emu: Emulator, **kwargs: Any) -> EphemeralToken:
    return await create_ephemeral_token(api_key=KEY, base_url=emu.tokens.base_url, **kwargs)


async def test_a_token_opens_sessions_until_its_uses_are_spent(emu: Emulator) -> None:
    token = await _mint(emu, uses=2)
    assert token.uses == 2 and token.locked == ()
    assert token.name.reveal() not in repr(token) + str(token)
    for _ in range(2):
        async with gl.connect(endpoint=constrained_url(emu), api_key=token.name) as s:
            assert s.endpoint.auth == "token"
            turn = await s.ask("Hello there.", timeout=20)
            assert turn.output_transcript
    with pytest.raises(SessionClosed) as info:
        await gl.connect(endpoint=constrained_url(emu), api_key=token.name, max_failures=1)
    assert info.value.code == 1008 and "no uses left" in info.value.reason


async def test_the_locked_config_wins_over_the_clients(emu: Emulator) -> None:
    token = await _mint(emu, voice="Puck", system_instruction="Answer in one word.")
    assert token.locked is None  # the whole config is locked
    before = len(emu.sessions)
    async with gl.connect(
        endpoint=constrained_url(emu), api_key=token.name, voice="Kore", system_instruction="x"
    ) as s:
        await s.ask("Hello there.", timeout=20)
    setup = emu.sessions[before].setup
    assert setup is not None
    voice = setup["generationConfig"]["speechConfig"]["voiceConfig"]["prebuiltVoiceConfig"]
    assert voice["voiceName"] == "Puck"
    assert setup["systemInstruction"]["parts"][0]["text"] == "Answer in one word."


async def test_a_field_mask_locks_only_the_named_fields(emu: Emulator) -> None:
    token = await _mint(emu, temperature=0.25, lock_additional_fields=["top_p"])
    assert token.locked is not None and "generationConfig.temperature" in token.locked
    assert "generationConfig.topP" in token.locked
    before = len(emu.sessions)
    async with gl.connect(
        endpoint=constrained_url(emu), api_key=token.name, voice="Kore", temperature=0.9, top_p=0.5
    ) as s:
        await s.ask("Hello there.", timeout=20)
    generation = emu.sessions[before].setup["generationConfig"]
    assert generation["temperature"] == 0.25  # locked to the token's value
    assert "topP" not in generation  # locked, and the token has none
    assert generation["speechConfig"]["voiceConfig"]["prebuiltVoiceConfig"]["voiceName"] == "Kore"


async def test_expired_and_late_tokens_are_refused(emu: Emulator) -> None:
    store = emu.tokens.store
    late = await _mint(emu, uses=5, new_session_expire_time=30)
    short = await _mint(emu, uses=5, expire_time=120)
    real_clock = store.clock
    try:
        store.clock = lambda: real_clock() + 60  # a minute later: no new sessions
        with pytest.raises(SessionClosed) as info:
            await gl.connect(endpoint=constrained_url(emu), api_key=late.name, max_failures=1)
        assert info.value.code == 1008 and "new sessions" in info.value.reason
        store.clock = lambda: real_clock() + 600  # ten minutes later: expired
        with pytest.raises(SessionClosed) as info:
            await gl.connect(endpoint=constrained_url(emu), api_key=short.name, max_failures=1)
        assert "expired" in info.value.reason
    finally:
        store.clock = real_clock


async def test_an_unknown_token_is_refused_by_a_keyed_emulator(emu: Emulator) -> None:
    with pytest.raises(SessionClosed) as info:
        await gl.connect(
            endpoint=constrained_url(emu), api_key="auth_tokens/" + secrets.token_hex(8),
            max_failures=1,
        )  # fmt: skip
    assert info.value.code == 1008


async def test_minting_errors_are_clear_and_keyless(emu: Emulator) -> None:
    wrong = "AIzaSy" + secrets.token_hex(16)
    with pytest.raises(ConfigError) as info:
        await create_ephemeral_token(api_key=wrong, base_url=emu.tokens.base_url)
    assert "API key not valid" in str(info.value) and wrong not in str(info.value)
    now = datetime.now(timezone.utc)
    bad: list[dict[str, Any]] = [
        {"uses": 0},
        {"uses": True},
        {"expire_time": datetime(2030, 1, 1)},  # no time zone
        {"expire_time": timedelta(hours=21)},
        {"expire_time": now - timedelta(seconds=1)},
        {"expire_time": 60, "new_session_expire_time": 120},
        {"lock_additional_fields": "temperature"},
        {"base_url": "http://example.com"},  # the key would travel in clear text
        {"base_url": "ftp://example.com"},
        {"api_key": "auth_tokens/abc"},
        {"voice": "Zephir"},
    ]
    for kwargs in bad:
        args = {"api_key": KEY, "base_url": emu.tokens.base_url, **kwargs}
        with pytest.raises(ConfigError):
            await create_ephemeral_token(**args)
    with pytest.raises(ConfigError, match="GEMINI_API_KEY"):
        await create_ephemeral_token(base_url=emu.tokens.base_url, environ={})


def test_the_sync_wrapper(emu: Emulator) -> None:
    token = gl.create_ephemeral_token_sync(api_key=KEY, base_url=emu.tokens.base_url, uses=3)
    assert token.name.reveal().startswith("auth_tokens/") and token.uses == 3
    assert emu.tokens.store.requests[-1]["uses"] == 3


def test_an_environment_key_goes_to_googles_host_only(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#24 item 9: ``base_url=`` anywhere took GEMINI_API_KEY from the environment there."""
    before = len(emu.tokens.store.requests)
    with pytest.raises(ConfigError, match="api_key=") as err:
        gl.create_ephemeral_token_sync(
            base_url=emu.tokens.base_url, environ={"GEMINI_API_KEY": KEY}, uses=3
        )
    assert KEY not in str(err.value) and len(emu.tokens.store.requests) == before
    sent: list[tuple[str, str]] = []

    def post(url: str, key: Any, body: Any, timeout: float) -> dict[str, str]:
        sent.append((url, key.reveal()))
        return {"name": "auth_tokens/abc"}

    monkeypatch.setattr("gemlive_nb.endpoints.ephemeral._post", post)
    token = gl.create_ephemeral_token_sync(environ={"GOOGLE_API_KEY": KEY})
    assert token.name.reveal() == "auth_tokens/abc"
    assert sent == [("https://generativelanguage.googleapis.com/v1alpha/auth_tokens", KEY)]


def _sdk_client(emu: Emulator, key: str = KEY) -> Any:
    from google import genai
    from google.genai import types

    options = types.HttpOptions(api_version="v1alpha", base_url=emu.tokens.base_url)
    return genai.Client(api_key=key, http_options=options)


async def test_the_sdk_mints_on_the_emulator_and_we_connect_with_it(emu: Emulator) -> None:
    from google.genai import types

    expire = datetime.now(timezone.utc) + timedelta(minutes=5)
    starts = datetime.now(timezone.utc) + timedelta(minutes=1)
    config = types.CreateAuthTokenConfig(
        uses=1,
        expire_time=expire,
        new_session_expire_time=starts,
        live_connect_constraints=types.LiveConnectConstraints(
            model=MODEL, config=types.LiveConnectConfig(temperature=0.5)
        ),
        lock_additional_fields=["top_p"],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the SDK marks tokens experimental
        client = _sdk_client(emu)
        sdk_token = client.auth_tokens.create(config=config)
    assert sdk_token.name.startswith("auth_tokens/")
    sdk_body = emu.tokens.store.requests[-1]
    ours = await _mint(
        emu, expire_time=expire, new_session_expire_time=starts, model=MODEL, temperature=0.5,
        lock_additional_fields=["top_p"],
    )  # fmt: skip
    our_body = emu.tokens.store.requests[-1]
    assert set(our_body) == set(sdk_body)
    assert our_body["uses"] == sdk_body["uses"] == 1
    assert (
        our_body["bidiGenerateContentSetup"]["model"]
        == sdk_body["bidiGenerateContentSetup"]["model"]
    )
    for mask in (sdk_body["fieldMask"], our_body["fieldMask"]):
        assert "generationConfig.temperature" in mask.split(",")
        assert "model" in mask.split(",")
    assert ours.name != sdk_token.name
    async with gl.connect(endpoint=emu, api_key=sdk_token.name) as s:  # the emulator object
        assert s.endpoint.kind == "ephemeral" and s.endpoint.url is not None
        assert s.endpoint.url.endswith("BidiGenerateContentConstrained")
        assert (await s.ask("Hello there.", timeout=20)).output_transcript
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wrong = _sdk_client(emu, "AIzaSy" + secrets.token_hex(16))
        with pytest.raises(Exception, match="API key not valid"):
            wrong.auth_tokens.create(config={"uses": 1})


async def test_the_sdk_connects_with_our_token(emu: Emulator, make_genai_client: Any) -> None:
    token = await _mint(emu, uses=1, model=MODEL, system_instruction="Locked.")
    client = make_genai_client(emu, api_key=token.name.reveal(), api_version="v1alpha")
    before = len(emu.sessions)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        async with client.aio.live.connect(model=MODEL, config={"system_instruction": "x"}):
            pass
    record = emu.sessions[before]
    assert "Constrained" in record.path
    assert record.setup["systemInstruction"]["parts"][0]["text"] == "Locked."


def test_resolve_endpoint_sends_tokens_the_sdk_way() -> None:
    ep = resolve_endpoint(api_key="auth_tokens/abc", environ={})
    assert ep.url is not None and ep.url.endswith(
        "v1alpha.GenerativeService.BidiGenerateContentConstrained"
    )
    assert ep.headers() == {
        "Authorization": "Token auth_tokens/abc",
        "x-goog-api-key": "auth_tokens/abc",
    }


def test_request_body_defaults_match_the_sdk() -> None:
    assert token_request() == {"uses": 1}
    body = token_request(setup={"model": "models/m", "generationConfig": {"temperature": 1}},
                         lock_additional_fields=[])  # fmt: skip
    assert body["fieldMask"] == "model,generationConfig.temperature"
    assert "fieldMask" not in token_request(setup={"model": "models/m"})  # global lock


def test_refuses_to_follow_a_redirect_with_the_key() -> None:
    seen: list[str] = []

    class Other(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # pragma: no cover - must never run
            seen.append(str(self.headers))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Other)

    class Redirect(Other):
        def do_POST(self) -> None:
            self.send_response(307)
            self.send_header(
                "Location", f"http://127.0.0.1:{other.server_port}/v1alpha/auth_tokens"
            )
            self.send_header("Content-Length", "0")
            self.end_headers()

    first = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (first, other)]
    for t in threads:
        t.start()
    try:
        with pytest.raises(GemliveError, match="redirect") as info:
            gl.create_ephemeral_token_sync(
                api_key=KEY, base_url=f"http://127.0.0.1:{first.server_port}"
            )
        assert KEY not in str(info.value)
        assert seen == []
    finally:
        for s in (first, other):
            s.shutdown()
            s.server_close()


_fields = st.dictionaries(
    st.sampled_from(
        ["model", "generationConfig", "systemInstruction", "tools", "realtimeInputConfig"]
    ),
    st.one_of(
        st.integers(), st.dictionaries(st.sampled_from(["a", "b", "temperature"]), st.integers())
    ),
)


@given(client=_fields, token=_fields, handle=st.one_of(st.none(), st.text(min_size=1, max_size=5)))
def test_a_global_lock_keeps_only_the_clients_resumption(
    client: dict[str, Any], token: dict[str, Any], handle: str | None
) -> None:
    if handle is not None:
        client = {**client, "sessionResumption": {"handle": handle}}
    merged = locked_setup(client, token, None)
    assert {k: v for k, v in merged.items() if k != "sessionResumption"} == token
    assert merged.get("sessionResumption") == client.get("sessionResumption")


@given(
    client=_fields,
    token=_fields,
    mask=st.lists(
        st.sampled_from(["model", "generationConfig", "generationConfig.temperature", "tools"]),
        max_size=3,
    ),
)
def test_a_mask_takes_exactly_the_masked_fields_from_the_token(
    client: dict[str, Any], token: dict[str, Any], mask: list[str]
) -> None:
    merged = locked_setup(client, token, mask)
    for name in {"model", "generationConfig", "systemInstruction", "tools", "realtimeInputConfig"}:
        if name in mask:
            assert merged.get(name) == token.get(name)
        elif not any(m.startswith(name + ".") for m in mask):
            assert merged.get(name) == client.get(name)
    if "generationConfig.temperature" in mask and "generationConfig" not in mask:
        source = token.get("generationConfig")
        want = source.get("temperature") if isinstance(source, dict) else None
        merged_generation = merged.get("generationConfig")
        got = merged_generation.get("temperature") if isinstance(merged_generation, dict) else None
        assert got == want


def test_resumption_is_free_but_new_sessions_spend_uses() -> None:
    now = [1_000_000.0]
    store = TokenStore(clock=lambda: now[0])
    name = store.mint({"uses": 1})["name"]
    grant = store.find([name])
    assert grant is not None
    store.spend(grant, {"model": "models/m"})
    store.spend(grant, {"model": "models/m", "sessionResumption": {"handle": "h"}})  # free
    now[0] += 120  # past newSessionExpireTime (60 s) but before expireTime (30 min)
    store.spend(grant, {"model": "models/m", "sessionResumption": {"handle": "h"}})
    with pytest.raises(Exception, match=r"new sessions|no uses"):
        store.spend(grant, {"model": "models/m"})
    now[0] += 3600
    with pytest.raises(Exception, match="expired"):
        store.spend(grant, {"model": "models/m", "sessionResumption": {"handle": "h"}})


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"expire_time": float("nan")}, "expire_time=nan"),
        ({"expire_time": 1e30}, "expire_time=1e+30"),
        ({"new_session_expire_time": float("inf")}, "new_session_expire_time=inf"),
        ({"timeout": -1}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
    ],
)
async def test_odd_numbers_get_a_config_error_naming_them(
    emu: Emulator, kwargs: dict[str, Any], named: str
) -> None:
    """#24 item 16: these raised ValueError / OverflowError from deep inside."""
    with pytest.raises(ConfigError, match=re.escape(named)):
        await create_ephemeral_token(api_key=KEY, base_url=emu.tokens.base_url, **kwargs)
