"""The wire constants' one meaning: tool-name rule, dialects, builder errors, audio mime types."""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gemlive_nb import protocol as p
from gemlive_nb.config import LiveConfig
from gemlive_nb.exceptions import ConfigError, GemliveError, ProtocolError, ToolError
from gemlive_nb.tools import declare, tool

NAME_CHARS = string.ascii_letters + string.digits + "_.:-"


@given(st.text(alphabet=NAME_CHARS + " /é$", min_size=1, max_size=140))  # "" means unnamed
def test_config_tools_and_protocol_share_one_tool_name_rule(name: str) -> None:
    valid = bool(p.TOOL_NAME_RE.fullmatch(name))
    try:
        LiveConfig(tools=[{"name": name}])
        config_ok = True
    except ConfigError as e:
        config_ok = False
        assert repr(name) in str(e) or len(name) > 60

    def fn() -> None:
        """A tool."""

    try:
        declare(tool(name=name)(fn))
        tools_ok = True
    except ToolError:
        tools_ok = False
    assert config_ok == tools_ok == valid


def test_the_tool_name_rule_is_the_services() -> None:
    # google-genai FunctionDeclaration.name: letter or '_' first; letters, digits, '_', '.', ':',
    # '-'; at most 128 characters.
    for good in ("get_weather", "_x", "maps:lookup", "a.b-c", "x" * 128):
        assert p.check_tool_name(good) == good
    for bad in ("", "2fast", "-x", "has space", "x" * 129, "é", None, 3):
        with pytest.raises(ConfigError, match="not valid"):
            p.check_tool_name(bad)


def test_dialects_have_one_meaning() -> None:
    assert p.DIALECTS == ("google", "vertex", "mixroute")
    usage = p.Usage(prompt_tokens=1, response_tokens=2, total_tokens=3)
    for dialect in p.DIALECTS:
        assert p.Usage.from_dict(usage.to_dict(dialect)).total_tokens == 3
        LiveConfig().check(dialect=dialect)
    with pytest.raises(ProtocolError, match="'emulator'"):
        usage.to_dict("emulator")
    with pytest.raises(ConfigError, match="did you mean 'google'"):
        LiveConfig().check(dialect="googel")
    LiveConfig().check(dialect="emulator")  # taken as google, as before


@pytest.mark.parametrize(
    "call",
    [
        lambda: p.realtime_text(3),
        lambda: p.realtime_audio("not bytes"),
        lambda: p.realtime_audio(b"\x00\x00", rate="16000"),
        lambda: p.client_content(42),
        lambda: p.client_content("hi", turn_complete="yes"),
        lambda: p.setup_message([]),
        lambda: p.tool_response(7),
        lambda: p.tool_response([7]),
        lambda: p.FunctionResponse(1, "f", {}),
        lambda: p.media_chunks(b"\x00\x00", legacy=1),
    ],
)
def test_builders_raise_gemlive_errors_that_are_still_type_errors(call) -> None:
    with pytest.raises(p.ProtocolTypeError) as info:
        call()
    assert isinstance(info.value, GemliveError)
    assert isinstance(info.value, TypeError)
    assert isinstance(info.value, ProtocolError)


@pytest.mark.parametrize(
    ("mime", "rate"),
    [
        ("audio/pcm", 24000),  # the proxy's docs test for exactly this
        ("audio/pcm;rate=24000", 24000),
        ("audio/pcm; rate=16000", 16000),
        ("AUDIO/PCM;RATE=22050", 22050),
        ("audio/L16;codec=pcm;rate=24000", 24000),
    ],
)
def test_audio_mime_types_in_every_spelling_are_audio(mime: str, rate: int) -> None:
    part = {"inlineData": {"mimeType": mime, "data": "AAAA"}}
    (event,) = p.parse_server_message(
        json.dumps({"serverContent": {"modelTurn": {"parts": [part]}}})
    )
    assert isinstance(event, p.AudioChunk)
    assert event.rate == rate and event.data == b"\x00\x00\x00"
