"""LiveConfigFields matches LiveConfig; the setup per dialect; no echoed keys; no stray errors."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from gemlive_nb.config import LiveConfig, LiveConfigFields
from gemlive_nb.exceptions import ConfigError

MIXROUTE_MODEL = "gemini-live-2.5-flash-native-audio"
GOOGLE_KEY = "AIzaSyD-" + "k3y" * 11
MIXROUTE_KEY = "sk-" + "A1b2C3d4" * 4


def test_live_config_fields_lists_exactly_the_live_config_fields() -> None:
    typed = typing.get_type_hints(LiveConfigFields)
    assert list(typed) == [f.name for f in dataclasses.fields(LiveConfig)]
    assert LiveConfigFields.__total__ is False
    # every key is accepted as a keyword, with a value of its declared shape
    example: LiveConfigFields = {"voice": "Puck", "temperature": 0.3, "tools": []}
    assert LiveConfig(**example).voice == "Puck"


def test_mixroute_asks_for_text_too_when_output_transcripts_are_wanted() -> None:
    gen = LiveConfig().to_setup(MIXROUTE_MODEL, "mixroute")["setup"]["generationConfig"]
    assert gen["responseModalities"] == ["AUDIO", "TEXT"]
    off = LiveConfig(transcribe_output=False).to_setup(MIXROUTE_MODEL, "mixroute")
    assert off["setup"]["generationConfig"]["responseModalities"] == ["AUDIO"]
    google = LiveConfig().to_setup(MIXROUTE_MODEL, "google")
    assert google["setup"]["generationConfig"]["responseModalities"] == ["AUDIO"]
    assert LiveConfig().modalities == ("AUDIO",)  # the config itself is unchanged


@pytest.mark.parametrize("key", [GOOGLE_KEY, MIXROUTE_KEY, "auth_tokens/abc123def456"])
@pytest.mark.parametrize("field", ["voice", "model", "language"])
def test_an_api_key_given_as_a_name_is_never_echoed(field: str, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        LiveConfig(**{field: key})
    text = str(info.value)
    assert key not in text and key[:12] not in text
    assert "looks like an API key" in text or field == "language"
    assert field in text


def test_names_that_are_not_keys_are_still_echoed() -> None:
    with pytest.raises(ConfigError, match=r"'Zephir'.*did you mean 'Zephyr'"):
        LiveConfig(voice="Zephir")
    with pytest.raises(ConfigError, match="gemini-9-ultra-native-audio-preview-12-2099"):
        LiveConfig(model="gemini-9-ultra-native-audio-preview-12-2099")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"temperature": 10**400},
        {"top_k": 10**400},
        {"seed": -(10**400)},
        {"max_output_tokens": 10**30},
        {"thinking_budget": 10**400},
        {"vad": {"silence_duration_ms": 10**400}},
        {"compression": {"trigger_tokens": 10**400}},
    ],
)
def test_huge_numbers_are_config_errors_not_overflow(kwargs: dict) -> None:
    with pytest.raises(ConfigError, match="out of range") as info:
        LiveConfig(**kwargs)
    assert len(str(info.value)) < 200
