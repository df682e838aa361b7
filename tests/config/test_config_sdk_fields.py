"""Every field of the SDK's LiveConnectConfig is either taken by LiveConfig or listed as not
applicable (with the reason), and LiveConfig builds the setup the SDK's own converter builds."""

from __future__ import annotations

from typing import Any

import pytest
from google.genai import types
from sdk_strategies import sdk_setup

from gemlive_nb.config import LiveConfig, TranscriptionOptions, TranslationConfig
from gemlive_nb.config._reading import NOT_APPLICABLE
from gemlive_nb.exceptions import ConfigError
from gemlive_nb.protocol import normalize_keys, to_camel

NATIVE = "gemini-2.5-flash-native-audio-preview-12-2025"
TRANSLATE = "gemini-3.5-live-translate-preview"

# One value for every LiveConnectConfig field that LiveConfig takes (SDK spelling).
SDK_VALUES: dict[str, Any] = {
    "generation_config": {"temperature": 0.4},
    "response_modalities": ["AUDIO"],
    "temperature": None,  # given in generation_config above
    "top_p": 0.9,
    "top_k": 20,
    "max_output_tokens": 256,
    "media_resolution": "MEDIA_RESOLUTION_LOW",
    "seed": 7,
    "speech_config": {"voice_config": {"prebuilt_voice_config": {"voice_name": "Puck"}}},
    "thinking_config": {"thinking_budget": 128, "include_thoughts": True},
    "enable_affective_dialog": True,
    "system_instruction": "Be brief.",
    "tools": [{"google_search": {}}],
    "session_resumption": {"handle": "h-1"},
    "input_audio_transcription": {
        "language_codes": ["de-DE", "en-US"],
        "language_hints": {"language_codes": ["de-DE"]},
        "adaptation_phrases": ["gemlive"],
        "custom_vocabulary": ["Zephyr"],
        "word_timestamp": True,
        "diarization": True,
        "mode": "VERBATIM",
    },
    "output_audio_transcription": {"language_codes": ["en-US"], "word_timestamp": True},
    "realtime_input_config": {
        "automatic_activity_detection": {"silence_duration_ms": 500},
        "activity_handling": "NO_INTERRUPTION",
    },
    "context_window_compression": {
        "trigger_tokens": 1000,
        "sliding_window": {"target_tokens": 500},
    },
    "proactivity": {"proactive_audio": True},
    "explicit_vad_signal": True,  # Vertex only: checked in the Vertex comparison
    "history_config": {"initial_history_in_client_content": True},
    "safety_settings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}],
    "translation_config": {"target_language_code": "fr-FR", "echo_target_language": True},
    "labels": {"team": "voice"},
}


def test_every_sdk_field_is_taken_or_listed_as_not_applicable() -> None:
    missing = []
    for name in types.LiveConnectConfig.model_fields:
        if to_camel(name) in NOT_APPLICABLE:
            continue
        if name not in SDK_VALUES:
            missing.append(name)
    assert not missing, (
        f"LiveConnectConfig has fields LiveConfig neither takes nor lists in NOT_APPLICABLE: "
        f"{missing} — support them (and add them to SDK_VALUES here) or give a reason"
    )
    for key in NOT_APPLICABLE:
        assert NOT_APPLICABLE[key].strip()  # a reason, not a placeholder


def _sdk_config(drop: tuple[str, ...] = ()) -> types.LiveConnectConfig:
    values = {k: v for k, v in SDK_VALUES.items() if v is not None and k not in drop}
    return types.LiveConnectConfig(**values)


def _ours(config: Any, model: str, dialect: str) -> dict[str, Any]:
    cfg = LiveConfig.coerce(config, model=model, allow_unknown_model=True)
    body = cfg.to_setup(model, dialect)["setup"]
    body.pop("model")
    return body


@pytest.mark.parametrize("shape", ["object", "dict", "camel"])
def test_setup_equals_the_sdk_setup_on_the_gemini_api(shape: str) -> None:
    drop = ("explicit_vad_signal", "translation_config")  # Vertex only / translate model only
    sdk = _sdk_config(drop)
    given: Any = sdk
    if shape == "dict":
        given = sdk.model_dump(exclude_none=True)
    elif shape == "camel":
        given = normalize_keys(sdk.model_dump(exclude_none=True, mode="json"))
    expected = sdk_setup(sdk, f"models/{NATIVE}", vertex=False)
    assert _ours(given, NATIVE, "google") == expected


def test_translation_setup_equals_the_sdk_setup() -> None:
    keep = ("translation_config", "response_modalities", "input_audio_transcription",
            "output_audio_transcription", "history_config", "labels")  # fmt: skip
    sdk = types.LiveConnectConfig(**{k: SDK_VALUES[k] for k in keep})
    assert _ours(sdk, TRANSLATE, "google") == sdk_setup(sdk, f"models/{TRANSLATE}", vertex=False)


def test_vertex_only_fields_equal_the_sdk_vertex_setup() -> None:
    keep = ("explicit_vad_signal", "safety_settings", "labels", "response_modalities")
    values = {k: SDK_VALUES[k] for k in keep}
    values["safety_settings"] = [dict(values["safety_settings"][0], method="SEVERITY")]
    sdk = types.LiveConnectConfig(**values)
    expected = sdk_setup(sdk, "publishers/google/models/x", vertex=True)
    assert _ours(sdk, "gemini-live-2.5-flash-native-audio", "vertex") == expected


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"explicit_vad_signal": True}, "Vertex AI only"),
        ({"safety_settings": [{"category": "HARM_CATEGORY_HARASSMENT", "method": "SEVERITY"}]},
         "Vertex AI only"),
        ({"translation": "fr-FR"}, "translation is not available"),
    ],
)  # fmt: skip
def test_fields_the_endpoint_or_model_cannot_take_fail_with_the_fix(
    fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        LiveConfig(**fields).to_setup(NATIVE, "google")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"transcribe_input": {"mode": "loud"}}, "did you mean|Use one of"),
        ({"transcribe_input": {"language_codez": ["de"]}}, "language_codes"),
        ({"transcribe_output": {"word_timestamp": "yes"}}, "True or False"),
        ({"translation": {"target_language_code": ""}}, "fr-FR"),
        ({"safety_settings": [{"category": "VIOLENCE"}]}, "HARM_CATEGORY_HARASSMENT"),
        ({"safety_settings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "LOTS"}]},
         "BLOCK_ONLY_HIGH"),
        ({"labels": {"team": 3}}, "str to str"),
        ({"avatar_config": {"avatar_name": "a"}}, "video"),
    ],
)  # fmt: skip
def test_bad_values_name_the_value_and_the_fix(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        LiveConfig.from_dict(fields)


def test_options_round_trip_and_plain_flags_stay_flags() -> None:
    cfg = LiveConfig(transcribe_input={"languageCodes": ["de-DE"], "diarization": True})
    assert isinstance(cfg.transcribe_input, TranscriptionOptions)
    assert cfg.transcribe_input.language_codes == ("de-DE",)
    assert LiveConfig(transcribe_input={}).transcribe_input is True  # nothing set: just on
    assert LiveConfig.from_dict(cfg.to_dict()) == cfg
    assert LiveConfig(translation="de-DE").translation == TranslationConfig(
        target_language_code="de-DE"
    )
    setup = LiveConfig(seed_history=True).to_setup(NATIVE)["setup"]
    assert setup["historyConfig"] == {"initialHistoryInClientContent": True}


def test_grounding_is_chosen_per_session() -> None:
    tools = LiveConfig(google_search=True, url_context=True).to_setup(NATIVE)["setup"]["tools"]
    assert tools == [{"googleSearch": {}}, {"urlContext": {}}]
    assert "tools" not in LiveConfig().to_setup(NATIVE)["setup"]
    same = LiveConfig(tools=[{"url_context": {}}], url_context=True).to_setup(NATIVE)["setup"]
    assert same["tools"] == [{"urlContext": {}}]  # asked twice, sent once
