"""Endpoints: URLs, auth headers, automatic choice, errors, and keys that never leak."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

import pytest

from gemlive_nb.config import LiveConfig
from gemlive_nb.endpoints import EMULATOR_ENV, Endpoint, resolve_endpoint
from gemlive_nb.exceptions import ConfigError
from gemlive_nb.secret import SECRET_PARAMS, Secret, redact_url

GOOGLE_WS = "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage"
DEFAULT_GOOGLE = "gemini-2.5-flash-native-audio-preview-12-2025"
DEFAULT_MIXROUTE = "gemini-live-2.5-flash-native-audio"
GOOGLE_KEY = "AIzaSyFAKE-google-key-0123456789"
MIX_KEY = "sk-FAKE-mixroute-key-0123456789"
TOKEN = "auth_tokens/FAKE-ephemeral-0123456789"


def test_google_endpoint() -> None:
    ep = resolve_endpoint("google", api_key=GOOGLE_KEY, environ={})
    assert ep.kind == "google" and ep.dialect == "google" and ep.auth == "x-goog-api-key"
    assert ep.url == f"{GOOGLE_WS}.v1beta.GenerativeService.BidiGenerateContent"
    assert ep.connect_url() == ep.url
    assert ep.model == DEFAULT_GOOGLE and ep.api_version == "v1beta"
    assert ep.headers() == {"x-goog-api-key": GOOGLE_KEY}
    assert ep.describe() == f"Google AI (v1beta) · {DEFAULT_GOOGLE}"
    alpha = resolve_endpoint("google", api_key=GOOGLE_KEY, api_version="v1alpha", environ={})
    assert alpha.url == f"{GOOGLE_WS}.v1alpha.GenerativeService.BidiGenerateContent"
    assert resolve_endpoint("google", api_key=GOOGLE_KEY, model="models/x", environ={}).model == "x"


def test_mixroute_endpoint() -> None:
    ep = resolve_endpoint("mixroute", api_key=MIX_KEY, environ={})
    assert ep.url == f"wss://console.mixroute.io/v1beta/models/{DEFAULT_MIXROUTE}/liveStream"
    assert (ep.kind, ep.dialect, ep.auth) == ("mixroute", "mixroute", "bearer")
    assert ep.headers() == {"Authorization": f"Bearer {MIX_KEY}"}
    assert ep.describe() == f"mixroute proxy · {DEFAULT_MIXROUTE}"
    other = resolve_endpoint("mixroute", api_key=MIX_KEY, model="m-1", environ={})
    assert other.url == "wss://console.mixroute.io/v1beta/models/m-1/liveStream"


def test_ephemeral_token_uses_the_constrained_v1alpha_method() -> None:
    ep = resolve_endpoint("google", api_key=TOKEN, environ={})
    assert ep.kind == "ephemeral" and ep.api_version == "v1alpha"
    assert ep.url == f"{GOOGLE_WS}.v1alpha.GenerativeService.BidiGenerateContentConstrained"
    assert ep.headers() == {"Authorization": f"Token {TOKEN}", "x-goog-api-key": TOKEN}
    assert "ephemeral token" in ep.describe()
    assert resolve_endpoint(api_key=TOKEN, environ={}) == ep
    with pytest.raises(ConfigError, match="starts with 'auth_tokens/'"):
        resolve_endpoint("ephemeral", api_key=GOOGLE_KEY, environ={})


@pytest.mark.parametrize(
    ("environ", "api_key", "kind"),
    [
        ({"GEMINI_API_KEY": GOOGLE_KEY}, None, "google"),
        ({"GOOGLE_API_KEY": GOOGLE_KEY}, None, "google"),
        ({"MIXROUTE_API_KEY": MIX_KEY}, None, "mixroute"),
        ({"GEMINI_API_KEY": TOKEN}, None, "ephemeral"),
        ({}, MIX_KEY, "mixroute"),
        ({}, GOOGLE_KEY, "google"),
        ({"MIXROUTE_API_KEY": MIX_KEY}, GOOGLE_KEY, "google"),
        ({}, None, "emulator"),
        ({"GEMINI_API_KEY": "", "MIXROUTE_API_KEY": "  "}, None, "emulator"),
        ({EMULATOR_ENV: "emulator", "GEMINI_API_KEY": GOOGLE_KEY}, None, "emulator"),
        ({EMULATOR_ENV: "mixroute", "MIXROUTE_API_KEY": MIX_KEY}, None, "mixroute"),
    ],
)
def test_automatic_choice(environ: dict[str, str], api_key: str | None, kind: str) -> None:
    ep = resolve_endpoint(api_key=api_key, environ=environ)
    assert ep.kind == kind
    if kind == "emulator":
        assert ep.url is None and ep.dialect == "google" and ep.model == DEFAULT_GOOGLE
        assert ep.api_key is None and ep.headers() == {}  # env keys never go to the emulator


def test_explicit_endpoint_beats_the_environment_switch() -> None:
    env = {EMULATOR_ENV: "emulator", "GEMINI_API_KEY": GOOGLE_KEY}
    assert resolve_endpoint("google", environ=env).kind == "google"


def test_emulator_url_is_filled_in_later() -> None:
    ep = resolve_endpoint("emulator", environ={})
    assert ep.describe() == f"local emulator (not started yet) · {DEFAULT_GOOGLE}"
    with pytest.raises(ConfigError, match="with_url"):
        ep.connect_url()
    started = ep.with_url("ws://127.0.0.1:8765")
    assert started.url == (
        "ws://127.0.0.1:8765/ws/google.ai.generativelanguage.v1beta.GenerativeService."
        "BidiGenerateContent"
    )
    assert started.describe() == f"local emulator at ws://127.0.0.1:8765 · {DEFAULT_GOOGLE}"
    assert ep.with_url("ws://127.0.0.1:8765/custom").url == "ws://127.0.0.1:8765/custom"
    keyed = resolve_endpoint("emulator", api_key="local-key", environ={})
    assert keyed.headers() == {"x-goog-api-key": "local-key"}


def test_custom_urls() -> None:
    mix = resolve_endpoint(
        "wss://proxy.example/v1beta/models/{model}/liveStream", api_key=MIX_KEY, environ={}
    )
    assert mix.url == f"wss://proxy.example/v1beta/models/{DEFAULT_MIXROUTE}/liveStream"
    assert (mix.kind, mix.dialect, mix.auth) == ("custom", "mixroute", "bearer")
    assert mix.headers() == {"Authorization": f"Bearer {MIX_KEY}"}
    named = resolve_endpoint("wss://proxy.example/v1beta/models/m-2/liveStream", environ={})
    assert named.model == "m-2" and named.auth == "none"
    google = resolve_endpoint("ws://127.0.0.1:9/ws/x", api_key=GOOGLE_KEY, environ={})
    assert (google.dialect, google.auth) == ("google", "x-goog-api-key")
    assert (
        google.describe()
        == f"custom endpoint ws://127.0.0.1:9/ws/x (google dialect) · {DEFAULT_GOOGLE}"
    )
    alpha = resolve_endpoint(
        f"{GOOGLE_WS}.v1alpha.GenerativeService.BidiGenerateContent",
        environ={"GEMINI_API_KEY": GOOGLE_KEY},
    )
    assert alpha.api_version == "v1alpha" and alpha.headers() == {"x-goog-api-key": GOOGLE_KEY}


def test_environment_keys_go_only_to_their_own_hosts() -> None:
    env = {"GEMINI_API_KEY": GOOGLE_KEY, "MIXROUTE_API_KEY": MIX_KEY}
    stranger = resolve_endpoint("wss://evil.example/ws/live", environ=env)
    assert stranger.api_key is None and stranger.headers() == {}
    mix = resolve_endpoint("wss://console.mixroute.io/v1beta/models/m/liveStream", environ=env)
    assert mix.headers() == {"Authorization": f"Bearer {MIX_KEY}"}


def test_a_key_in_the_url_query_moves_into_a_secret() -> None:
    url = "wss://console.mixroute.io/ws/google.ai.generativelanguage.v1beta.GenerativeService."
    ep = resolve_endpoint(f"{url}BidiGenerateContent?alt=json&key={MIX_KEY}", environ={})
    assert ep.url == f"{url}BidiGenerateContent?alt=json"
    assert ep.auth == "query" and ep.api_key == Secret(MIX_KEY) and ep.headers() == {}
    assert ep.connect_url() == f"{url}BidiGenerateContent?alt=json&key={MIX_KEY}"
    token = resolve_endpoint(f"wss://h.example/live?access_token={TOKEN}", environ={})
    assert token.connect_url() == "wss://h.example/live?access_token=auth_tokens%2F" + TOKEN[12:]


def test_passing_an_endpoint_through_and_overriding_it() -> None:
    ep = resolve_endpoint("mixroute", api_key=MIX_KEY, environ={})
    assert resolve_endpoint(ep) is ep
    moved = resolve_endpoint(ep, model="m-3")
    assert moved.url == "wss://console.mixroute.io/v1beta/models/m-3/liveStream"
    assert moved.headers() == ep.headers()
    emu = resolve_endpoint("emulator", environ={}).with_url("ws://127.0.0.1:5")
    alpha = resolve_endpoint(emu, api_version="v1alpha")
    assert alpha.url is not None and ".v1alpha." in alpha.url


@pytest.mark.parametrize(
    ("call", "needles"),
    [
        (lambda: resolve_endpoint("gogle", environ={}), ["unknown endpoint 'gogle'", "'google'"]),
        (lambda: resolve_endpoint("google", environ={}), ["GEMINI_API_KEY", "api_key="]),
        (lambda: resolve_endpoint("mixroute", environ={}), ["MIXROUTE_API_KEY"]),
        (lambda: resolve_endpoint("http://127.0.0.1:1/x", environ={}), ["'ws://127.0.0.1:1/x'"]),
        (lambda: resolve_endpoint("https://h.example/x", environ={}), ["use 'wss://h.example/x'"]),
        (lambda: resolve_endpoint("ftp://h.example", environ={}), ["must start with wss://"]),
        (lambda: resolve_endpoint("google", api_version="v2", environ={}), ["'v2'", "v1beta"]),
        (lambda: resolve_endpoint(42, environ={}), ["not int"]),  # type: ignore[arg-type]
        (lambda: Endpoint(kind="cloud", url=None, model="m"), ["unknown endpoint kind 'cloud'"]),
        (lambda: Endpoint(kind="custom", url=None, model="m", auth="bearer"), ["has no key"]),
    ],
)
def test_errors_name_the_value_and_the_fix(call: Callable[[], object], needles: list[str]) -> None:
    with pytest.raises(ConfigError) as info:
        call()
    for needle in needles:
        assert needle in str(info.value)


# ---------------------------------------------------------------------------------- secrets

SECRET = "AIzaSyTOP-SECRET-value-9876543210"


def _leaks(text: str) -> bool:
    return SECRET in text


def _error_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)) + repr(exc) + str(exc) + repr(exc.args)


@pytest.mark.parametrize("source", ["argument", "environment", "url"])
def test_keys_never_leak(source: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="gemlive_nb")
    kwargs: dict[str, object] = {"environ": {}}
    endpoint = "google"
    if source == "argument":
        kwargs["api_key"] = SECRET
    elif source == "environment":
        kwargs["environ"] = {"GEMINI_API_KEY": SECRET}
    else:
        endpoint = f"{GOOGLE_WS}.v1beta.GenerativeService.BidiGenerateContent?key={SECRET}"
    ep = resolve_endpoint(endpoint, **kwargs)  # type: ignore[arg-type]
    # The key is there for the socket...
    assert SECRET in (ep.headers().get("x-goog-api-key", "") + ep.connect_url())
    # ...and nowhere else.
    for text in (
        repr(ep),
        str(ep),
        ep.describe(),
        ep.url or "",
        repr(ep.api_key),
        repr(LiveConfig()),
    ):
        assert not _leaks(text)
    assert caplog.records, "resolve_endpoint logs the endpoint it chose"
    assert not _leaks(caplog.text)
    assert not any(_leaks(r.getMessage()) or _leaks(repr(r.args)) for r in caplog.records)

    env = kwargs["environ"]
    failures: list[Callable[[], object]] = [
        lambda: resolve_endpoint("gogle", api_key=SECRET, environ={}),
        lambda: resolve_endpoint(SECRET, environ={}),
        lambda: resolve_endpoint(f"https://h.example/x?key={SECRET}", environ={}),
        lambda: resolve_endpoint(f"wss://h.example/x?key={SECRET}", api_key="other", environ={}),
        lambda: resolve_endpoint(f"wss://user:{SECRET}@h.example/x", environ={}),
        lambda: resolve_endpoint("google", api_key=SECRET, api_version="v9", environ={}),
        lambda: Endpoint(kind="bogus", url=None, model="m", api_key=SECRET),
        lambda: ep.with_url(f"http://127.0.0.1:1/?key={SECRET}"),
        lambda: resolve_endpoint("emulator", api_key=SECRET, environ=env).connect_url(),
        lambda: LiveConfig.from_dict({"api_key": SECRET}),
        lambda: LiveConfig.from_dict({"http_options": {"headers": {"x-goog-api-key": SECRET}}}),
    ]
    for failure in failures:
        with pytest.raises(ConfigError) as info:
            failure()
        assert not _leaks(_error_text(info.value)), _error_text(info.value)
    assert not _leaks(caplog.text)


def test_a_bare_custom_url_gets_the_live_path():
    ep = resolve_endpoint("ws://127.0.0.1:9000", environ={})
    assert ep.kind == "custom"
    assert ep.url == (
        "ws://127.0.0.1:9000/ws/google.ai.generativelanguage.v1beta.GenerativeService"
        ".BidiGenerateContent"
    )
    assert resolve_endpoint("ws://127.0.0.1:9000/live", environ={}).url.endswith(":9000/live")


class _RunningEmulator:
    def __init__(self, url: str, dialect: str | None = None) -> None:
        self.url = url
        if dialect is not None:
            self.dialect = dialect


def test_a_running_emulator_object_is_an_endpoint() -> None:
    env = {"GEMINI_API_KEY": GOOGLE_KEY}
    ep = resolve_endpoint(_RunningEmulator("ws://127.0.0.1:9000"), environ=env)
    assert ep.kind == "emulator" and ep.dialect == "google" and ep.api_key is None
    assert ep.url == (
        "ws://127.0.0.1:9000/ws/google.ai.generativelanguage.v1beta.GenerativeService"
        ".BidiGenerateContent"
    )
    mix = resolve_endpoint(_RunningEmulator("ws://127.0.0.1:9000/", "mixroute"), environ={})
    assert mix.dialect == "mixroute" and mix.url.endswith(f"/v1beta/models/{mix.model}/liveStream")
    keyed = resolve_endpoint(_RunningEmulator("wss://h:1/x", "mixroute"), api_key="k", environ={})
    assert keyed.url == "wss://h:1/x" and keyed.headers() == {"Authorization": "Bearer k"}
    with pytest.raises(ConfigError, match="_RunningEmulator"):
        resolve_endpoint(_RunningEmulator("http://127.0.0.1:9000"), environ={})


@pytest.mark.parametrize("param", (*SECRET_PARAMS, "TOKEN", "Api-Key"))
def test_every_key_like_query_parameter_is_a_secret(param: str) -> None:
    ep = resolve_endpoint(f"wss://h.example/live?alt=json&{param}={GOOGLE_KEY}", environ={})
    assert ep.auth == "query" and ep.api_key == Secret(GOOGLE_KEY) and ep.key_param == param
    assert ep.url == "wss://h.example/live?alt=json"
    assert ep.connect_url() == f"wss://h.example/live?alt=json&{param}={GOOGLE_KEY}"
    shown = [repr(ep), str(ep), ep.describe(), redact_url(ep.connect_url())]
    assert not [text for text in shown if GOOGLE_KEY in text]
    assert f"{param}=***" in redact_url(ep.connect_url())


def test_two_different_credentials_in_one_url_are_refused() -> None:
    with pytest.raises(ConfigError, match="two different credentials") as info:
        resolve_endpoint(f"wss://h/ws?token={GOOGLE_KEY}&auth={MIX_KEY}", environ={})
    assert GOOGLE_KEY not in str(info.value) and MIX_KEY not in str(info.value)
    same = resolve_endpoint(f"wss://h/ws?token={GOOGLE_KEY}&key={GOOGLE_KEY}", environ={})
    assert same.api_key == Secret(GOOGLE_KEY)


def test_a_url_with_a_key_never_shows_in_errors() -> None:
    for bad in (f"https://h/ws?apikey={GOOGLE_KEY}", f"ftp://h/ws?auth={GOOGLE_KEY}"):
        with pytest.raises(ConfigError) as info:
            resolve_endpoint(bad, environ={})
        assert GOOGLE_KEY not in str(info.value) and "***" in str(info.value)


def test_a_key_passed_as_model_or_version_is_never_echoed() -> None:
    for kwargs in ({"model": GOOGLE_KEY}, {"model": MIX_KEY}, {"api_version": GOOGLE_KEY}):
        with pytest.raises(ConfigError) as info:
            resolve_endpoint("google", api_key=GOOGLE_KEY, environ={}, **kwargs)
        text = "".join(traceback.format_exception(info.value))
        assert GOOGLE_KEY not in text and MIX_KEY not in text
    with pytest.raises(ConfigError) as info:
        Endpoint(kind=GOOGLE_KEY, url=None, model="m")
    assert GOOGLE_KEY not in str(info.value) and "looks like a key" in str(info.value)
