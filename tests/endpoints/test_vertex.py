"""Vertex AI endpoints: the SDK's URL and model shape, tokens from an argument, the environment
or Application Default Credentials, the optional extra, and a session through the emulator."""

from __future__ import annotations

import secrets
import sys
from datetime import datetime, timedelta
from typing import Any

import pytest

import gemlive_nb as gl
from gemlive_nb.config import LiveConfig
from gemlive_nb.emulator import Emulator
from gemlive_nb.endpoints import Endpoint, LinkPlan, resolve_endpoint, vertex_host
from gemlive_nb.exceptions import ConfigError

TOKEN = "ya29." + secrets.token_urlsafe(24)
MODEL = "gemini-live-2.5-flash-native-audio"
PLACE = {"project": "my-proj", "location": "us-central1"}


def _sdk_uri_and_model(project: str, location: str, model: str) -> tuple[str, str]:
    """What the google-genai SDK builds for Vertex (its live.py, without opening a socket)."""
    from google import genai

    client = genai.Client(vertexai=True, project=project, location=location)
    api = client._api_client
    base = api._websocket_base_url()
    version = api._http_options.api_version
    uri = f"{base}/ws/google.cloud.aiplatform.{version}.LlmBidiService/BidiGenerateContent"
    return uri.replace(
        "//ws/", "/ws/"
    ), f"projects/{project}/locations/{location}/publishers/google/models/{model}"


@pytest.mark.parametrize("location", ["us-central1", "europe-west4", "global", "us", "eu"])
def test_url_and_model_match_the_sdk(location: str) -> None:
    ep = resolve_endpoint("vertex", project="p-1", location=location, api_key=TOKEN, environ={})
    uri, model = _sdk_uri_and_model("p-1", location, MODEL)
    assert ep.url == uri
    assert ep.url.startswith(f"wss://{vertex_host(location)}/ws/")
    assert (ep.kind, ep.dialect, ep.auth, ep.api_version) == (
        "vertex",
        "vertex",
        "bearer",
        "v1beta1",
    )
    assert ep.headers() == {"Authorization": f"Bearer {TOKEN}"}
    plan = LinkPlan.build(ep, LiveConfig())
    assert plan.setup["setup"]["model"] == model
    assert plan.setup["setup"]["generationConfig"]["responseModalities"] == ["AUDIO"]


def test_token_from_the_environment_and_automatic_choice() -> None:
    env = {
        "GOOGLE_GENAI_USE_VERTEXAI": "true",
        "GOOGLE_CLOUD_PROJECT": "env-proj",
        "GOOGLE_CLOUD_LOCATION": "europe-west4",
        "GOOGLE_OAUTH_ACCESS_TOKEN": TOKEN,
        "GEMINI_API_KEY": "AIzaSy" + secrets.token_hex(16),  # the Vertex switch wins
    }
    ep = resolve_endpoint(environ=env)
    assert (ep.kind, ep.project, ep.location) == ("vertex", "env-proj", "europe-west4")
    assert ep.headers()["Authorization"] == f"Bearer {TOKEN}"
    assert ep.describe() == f"Vertex AI (env-proj, europe-west4, v1beta1) · {MODEL}"
    # an OAuth token as api_key, with a project, means Vertex too
    other = resolve_endpoint(api_key=TOKEN, project="p", location="us-east1", environ={})
    assert other.kind == "vertex" and other.url.startswith("wss://us-east1-aiplatform")


def test_api_key_express_mode() -> None:
    key = "AIzaSy" + secrets.token_hex(16)
    ep = resolve_endpoint("vertex", api_key=key, environ={})
    assert ep.auth == "x-goog-api-key" and ep.url.startswith("wss://aiplatform.googleapis.com/")
    assert (
        LinkPlan.build(ep, LiveConfig()).setup["setup"]["model"]
        == f"publishers/google/models/{MODEL}"
    )


class FakeAdc:
    """google-auth credentials that 'refresh' to a new token each time (no network)."""

    def __init__(self) -> None:
        self.quota_project_id = "billing-proj"
        self.token: str | None = None
        self.expiry: datetime | None = None
        self.refreshes = 0

    @property
    def valid(self) -> bool:
        return self.token is not None and (self.expiry is None or self.expiry > datetime.utcnow())

    def refresh(self, request: Any) -> None:
        from google.auth.transport.requests import Request

        assert isinstance(request, Request)
        self.refreshes += 1
        self.token = f"ya29.adc-{self.refreshes}-" + secrets.token_hex(8)
        self.expiry = datetime.utcnow() + timedelta(hours=1)


@pytest.fixture
def adc(monkeypatch: pytest.MonkeyPatch) -> FakeAdc:
    import google.auth

    creds = FakeAdc()
    calls: list[Any] = []

    def default(scopes: Any = None, **kwargs: Any) -> tuple[FakeAdc, str]:
        calls.append(scopes)
        return creds, "adc-proj"

    monkeypatch.setattr(google.auth, "default", default)
    creds.calls = calls  # type: ignore[attr-defined]
    return creds


def test_application_default_credentials(adc: FakeAdc) -> None:
    ep = resolve_endpoint("vertex", location="us-central1", environ={})
    assert ep.project == "adc-proj" and ep.api_key is None
    assert adc.calls == [["https://www.googleapis.com/auth/cloud-platform"]]  # type: ignore[attr-defined]
    first = ep.headers()
    assert first["Authorization"].startswith("Bearer ya29.adc-1-")
    assert first["x-goog-user-project"] == "billing-proj"
    assert ep.headers() == first  # still valid: no second refresh
    adc.expiry = datetime.utcnow() - timedelta(seconds=1)
    second = ep.headers()
    assert second["Authorization"].startswith("Bearer ya29.adc-2-")
    revealed = [s.reveal() for s in ep.secrets()]
    assert first["Authorization"][7:] in revealed and second["Authorization"][7:] in revealed
    shown = repr(ep) + ep.describe() + repr(LinkPlan.build(ep, LiveConfig()))
    assert "ya29" not in shown


async def test_adc_token_is_fetched_off_the_event_loop(adc: FakeAdc) -> None:
    ep = resolve_endpoint("vertex", project="p", location="us-central1", environ={})
    plan = await LinkPlan.abuild(ep, LiveConfig())
    assert plan.headers["Authorization"].startswith("Bearer ya29.adc-")
    assert "ya29" not in plan.redact(str(dict(plan.headers)))


def test_without_the_extra_the_error_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "google.auth", None)
    with pytest.raises(ConfigError, match=r"gemlive_nb\[vertex\]") as info:
        resolve_endpoint("vertex", **PLACE, environ={})
    assert "GOOGLE_OAUTH_ACCESS_TOKEN" in str(info.value)
    # with a token it needs no extra at all
    assert resolve_endpoint("vertex", **PLACE, api_key=TOKEN, environ={}).kind == "vertex"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"project": "a/b", "location": "us-central1"}, "project"),
        ({"project": "p", "location": ""}, "location"),
        ({"project": 7, "location": "us-central1"}, "project"),
    ],
)
def test_bad_project_or_location(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve_endpoint("vertex", api_key=TOKEN, environ={}, **kwargs)


def test_no_project_anywhere() -> None:
    with pytest.raises(ConfigError, match="GOOGLE_CLOUD_PROJECT"):
        Endpoint(kind="vertex", url="wss://h/x", model=MODEL, dialect="vertex", api_key=TOKEN,
                 auth="bearer")  # fmt: skip


async def test_a_vertex_session_through_the_emulator() -> None:
    with Emulator(speech="builtin", api_key=TOKEN) as emu:
        ep = resolve_endpoint("vertex", **PLACE, api_key=TOKEN, environ={}).with_url(emu.url)
        assert ep.url is not None and "LlmBidiService/BidiGenerateContent" in ep.url
        async with gl.connect(endpoint=ep) as s:
            turn = await s.ask("Hello there.", timeout=20)
            assert turn.output_transcript
        record = emu.sessions[0]
        headers = {k.lower(): v for k, v in record.headers.items()}
        assert "aiplatform" in record.path and headers["authorization"] == "***"
        # and a wrong token is refused like a wrong key
        wrong = resolve_endpoint("vertex", **PLACE, api_key="ya29.wrong", environ={})
        with pytest.raises(gl.SessionClosed) as info:
            await gl.connect(endpoint=wrong.with_url(emu.url), max_failures=1)
        assert info.value.code == 1008


@pytest.mark.parametrize(
    "bad", ["evil.example:443#", "evil.example/x", "us-central1.evil.example", "US-CENTRAL1", "a b"]
)
def test_a_location_that_is_not_a_region_name_is_refused(bad: str) -> None:
    """#24 item 7: ``location="HOST:PORT#"`` put HOST in the URL and the Bearer token went there."""
    with pytest.raises(ConfigError, match="location") as err:
        resolve_endpoint("vertex", project="p-1", location=bad, api_key=TOKEN, environ={})
    assert bad in str(err.value) and "us-central1" in str(err.value)
    env = {"GOOGLE_CLOUD_LOCATION": bad, "GOOGLE_CLOUD_PROJECT": "p-1"}
    with pytest.raises(ConfigError, match="GOOGLE_CLOUD_LOCATION"):
        resolve_endpoint("vertex", api_key=TOKEN, environ=env)
