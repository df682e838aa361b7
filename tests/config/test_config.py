"""LiveConfig: construction from every shape, validation, capability checks, the setup message."""

from __future__ import annotations

import json
from typing import Any

import pytest
from google.genai import types
from testdata import PROTOCOL_FRAMES

from gemlive_nb.catalog import MODELS
from gemlive_nb.config import CompressionConfig, LiveConfig, VadConfig
from gemlive_nb.endpoints import resolve_endpoint
from gemlive_nb.exceptions import ConfigError
from gemlive_nb.protocol import normalize_keys

FRAMES = PROTOCOL_FRAMES
LIVE = "gemini-live-2.5-flash-native-audio"  # takes languageCode, affective dialog, NON_BLOCKING
PREVIEW = "gemini-2.5-flash-native-audio-preview-12-2025"  # rejects languageCode
V31 = "gemini-3.1-flash-live-preview"  # audio only, no affective dialog, no NON_BLOCKING


def get_weather(city: str) -> dict:
    """Returns the weather for a city.

    More text that is not part of the description.
    """
    return {"city": city}


def declare(fn: Any) -> dict[str, Any]:
    """A stand-in for the tools module's declaration builder."""
    return {
        "name": fn.__name__,
        "description": "from the hook",
        "parameters_json_schema": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
        "behavior": "non_blocking",
    }


# ------------------------------------------------------------------ the full setup message


def test_every_field_builds_the_full_wire_setup() -> None:
    cfg = LiveConfig(
        model=LIVE,
        voice="kore",
        language="German",
        modalities=["audio"],
        system_instruction="You are a helpful assistant.",
        temperature=0.7,
        top_p=0.9,
        top_k=40,
        max_output_tokens=256,
        seed=7,
        tools=[
            get_weather,
            {
                "name": "turn_on_lights",
                "description": "Turn on the lights.",
                "parameters": {
                    "type": "OBJECT",
                    "properties": {"room_name": {"type": "STRING"}},
                    "required": ["room_name"],
                },
                "behavior": "BLOCKING",
            },
            {"code_execution": {}},
        ],
        google_search=True,
        transcribe_input=True,
        transcribe_output=True,
        vad=VadConfig(
            disabled=False,
            start_sensitivity="low",
            end_sensitivity="END_SENSITIVITY_HIGH",
            prefix_padding_ms=20,
            silence_duration_ms=500,
        ),
        activity_handling="no_interruption",
        turn_coverage="all_input",
        proactive_audio=True,
        affective_dialog=True,
        resumption="prev-handle-xyz",
        compression=CompressionConfig(trigger_tokens=25600, target_tokens=12800),
        media_resolution="low",
        thinking_budget=1024,
        include_thoughts=True,
    )
    expected = {
        "setup": {
            "model": f"models/{LIVE}",
            "generationConfig": {
                "responseModalities": ["AUDIO"],
                "temperature": 0.7,
                "topP": 0.9,
                "topK": 40,
                "maxOutputTokens": 256,
                "seed": 7,
                "mediaResolution": "MEDIA_RESOLUTION_LOW",
                "speechConfig": {
                    "voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Kore"}},
                    "languageCode": "de-DE",
                },
                "thinkingConfig": {"thinkingBudget": 1024, "includeThoughts": True},
                "enableAffectiveDialog": True,
            },
            "systemInstruction": {
                "parts": [{"text": "You are a helpful assistant.\n\nRespond in German (Germany)."}],
                "role": "user",
            },
            "tools": [
                {"googleSearch": {}},
                {"codeExecution": {}},
                {
                    "functionDeclarations": [
                        {
                            "name": "get_weather",
                            "description": "from the hook",
                            "parametersJsonSchema": {
                                "type": "object",
                                "properties": {"city": {"type": "string"}},
                                "required": ["city"],
                            },
                            "behavior": "NON_BLOCKING",
                        },
                        {
                            "name": "turn_on_lights",
                            "description": "Turn on the lights.",
                            "parameters": {
                                "type": "OBJECT",
                                "properties": {"room_name": {"type": "STRING"}},
                                "required": ["room_name"],
                            },
                            "behavior": "BLOCKING",
                        },
                    ]
                },
            ],
            "realtimeInputConfig": {
                "automaticActivityDetection": {
                    "disabled": False,
                    "startOfSpeechSensitivity": "START_SENSITIVITY_LOW",
                    "endOfSpeechSensitivity": "END_SENSITIVITY_HIGH",
                    "prefixPaddingMs": 20,
                    "silenceDurationMs": 500,
                },
                "activityHandling": "NO_INTERRUPTION",
                "turnCoverage": "TURN_INCLUDES_ALL_INPUT",
            },
            "sessionResumption": {"handle": "prev-handle-xyz"},
            "contextWindowCompression": {
                "triggerTokens": 25600,
                "slidingWindow": {"targetTokens": 12800},
            },
            "inputAudioTranscription": {},
            "outputAudioTranscription": {},
            "proactivity": {"proactiveAudio": True},
        }
    }
    assert cfg.to_setup(declare_callable=declare) == expected
    assert cfg.required_api_version() == "v1alpha"
    # The wire form is plain JSON.
    assert json.loads(json.dumps(expected)) == cfg.to_setup(declare_callable=declare)


def test_defaults_give_a_small_setup_and_take_the_endpoint_model() -> None:
    assert LiveConfig().to_setup(PREVIEW) == {
        "setup": {
            "model": f"models/{PREVIEW}",
            "generationConfig": {
                "responseModalities": ["AUDIO"],
                "speechConfig": {"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Zephyr"}}},
            },
            "sessionResumption": {},
            "inputAudioTranscription": {},
            "outputAudioTranscription": {},
        }
    }
    # The config's own model wins over the endpoint's.
    assert LiveConfig(model=V31).to_setup(PREVIEW)["setup"]["model"] == f"models/{V31}"
    with pytest.raises(ConfigError, match="no model"):
        LiveConfig().to_setup()


def test_thinking_level_and_compression_defaults() -> None:
    setup = LiveConfig(thinking_level="LOW", compression=True).to_setup(V31)["setup"]
    assert setup["generationConfig"]["thinkingConfig"] == {"thinkingLevel": "LOW"}
    assert setup["contextWindowCompression"] == {"slidingWindow": {}}
    with pytest.raises(ConfigError, match="not both"):
        LiveConfig(thinking_level="low", thinking_budget=100)


def test_mixroute_dialect_uses_the_bare_model_id() -> None:
    setup = LiveConfig(model=LIVE).to_setup(dialect="mixroute")["setup"]
    assert setup["model"] == LIVE
    assert LiveConfig(model=f"models/{LIVE}").model == LIVE
    assert LiveConfig(model="tunedModels/abc").to_setup()["setup"]["model"] == "tunedModels/abc"


# --------------------------------------------------------------------- the language rule


def test_language_goes_into_the_instruction_and_the_code_only_where_accepted() -> None:
    native = LiveConfig(language="french", system_instruction="Be brief.").to_setup(PREVIEW)[
        "setup"
    ]
    assert "languageCode" not in native["generationConfig"]["speechConfig"]
    assert native["systemInstruction"]["parts"][0]["text"] == (
        "Be brief.\n\nRespond in French (France)."
    )
    accepting = LiveConfig(language="fr-FR").to_setup(LIVE)["setup"]
    assert accepting["generationConfig"]["speechConfig"]["languageCode"] == "fr-FR"
    assert accepting["systemInstruction"]["parts"] == [{"text": "Respond in French (France)."}]
    # A code outside the 24 uses its base language's name.
    assert LiveConfig(language="de_at").effective_system_instruction == "Respond in German."


# ------------------------------------------------------------------- construction shapes

SNAKE = {
    "model": LIVE,
    "voice": "Puck",
    "language_code": "en-US",
    "modalities": ["AUDIO"],
    "system_instruction": "Be nice.",
    "temperature": 0.5,
    "top_k": 20,
    "tools": [{"name": "get_time", "parameters_json_schema": {"type": "object"}}],
    "google_search": True,
    "transcribe_input": True,
    "transcribe_output": False,
    "vad": {"end_sensitivity": "low", "silence_duration_ms": 800},
    "activity_handling": "interrupts",
    "resumption": True,
    "compression": {"trigger_tokens": 1000, "target_tokens": 500},
    "thinking_budget": 0,
    "proactive_audio": True,
}
CAMEL = {
    "model": LIVE,
    "voice": "Puck",
    "languageCode": "en-US",
    "modalities": ["AUDIO"],
    "systemInstruction": "Be nice.",
    "temperature": 0.5,
    "topK": 20,
    "tools": [{"name": "get_time", "parametersJsonSchema": {"type": "object"}}],
    "googleSearch": True,
    "transcribeInput": True,
    "transcribeOutput": False,
    "vad": {"endSensitivity": "low", "silenceDurationMs": 800},
    "activityHandling": "START_OF_ACTIVITY_INTERRUPTS",
    "resumption": True,
    "compression": {"triggerTokens": 1000, "targetTokens": 500},
    "thinkingBudget": 0,
    "proactiveAudio": True,
}
SDK = {
    "generation_config": {"temperature": 0.5, "top_k": 20},
    "response_modalities": ["AUDIO"],
    "speech_config": {
        "voice_config": {"prebuilt_voice_config": {"voice_name": "Puck"}},
        "language_code": "en-US",
    },
    "thinking_config": {"thinking_budget": 0},
    "system_instruction": "Be nice.",
    "tools": [
        {"google_search": {}},
        {
            "function_declarations": [
                {"name": "get_time", "parameters_json_schema": {"type": "object"}}
            ]
        },
    ],
    "session_resumption": {},
    "input_audio_transcription": {},
    "realtime_input_config": {
        "automatic_activity_detection": {
            "end_of_speech_sensitivity": "END_SENSITIVITY_LOW",
            "silence_duration_ms": 800,
        },
        "activity_handling": "START_OF_ACTIVITY_INTERRUPTS",
    },
    "context_window_compression": {
        "trigger_tokens": 1000,
        "sliding_window": {"target_tokens": 500},
    },
    "proactivity": {"proactive_audio": True},
}
WIRE = {
    "setup": {
        "model": f"models/{LIVE}",
        "generationConfig": {
            "responseModalities": ["AUDIO"],
            "temperature": 0.5,
            "topK": 20.0,
            "speechConfig": {
                "voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Puck"}},
                "languageCode": "en-US",
            },
            "thinkingConfig": {"thinkingBudget": 0},
        },
        "systemInstruction": {"parts": [{"text": "Be nice."}], "role": "user"},
        "tools": [
            {"googleSearch": {}},
            {
                "functionDeclarations": [
                    {"name": "get_time", "parametersJsonSchema": {"type": "object"}}
                ]
            },
        ],
        "realtimeInputConfig": {
            "automaticActivityDetection": {
                "endOfSpeechSensitivity": "END_SENSITIVITY_LOW",
                "silenceDurationMs": 800,
            },
            "activityHandling": "START_OF_ACTIVITY_INTERRUPTS",
        },
        "sessionResumption": {},
        "contextWindowCompression": {"triggerTokens": 1000, "slidingWindow": {"targetTokens": 500}},
        "inputAudioTranscription": {},
        "proactivity": {"proactiveAudio": True},
    }
}


def test_snake_camel_sdk_and_wire_dicts_give_equal_configs() -> None:
    snake = LiveConfig.from_dict(SNAKE)
    assert snake == LiveConfig(**SNAKE)
    assert LiveConfig.from_dict(CAMEL) == snake
    assert LiveConfig.from_dict({**SDK, "model": LIVE}) == snake
    assert LiveConfig.from_dict(WIRE) == snake
    assert LiveConfig.from_dict(WIRE["setup"]) == snake
    sdk_object = types.LiveConnectConfig(**SDK)
    assert LiveConfig.coerce(sdk_object, model=LIVE) == snake
    # And back: the wire form of each equals the original wire setup.
    assert snake.to_setup()["setup"] == WIRE["setup"]


def test_wire_and_sdk_dicts_are_complete_while_field_dicts_take_defaults() -> None:
    wire = LiveConfig.from_dict({"setup": {"model": f"models/{PREVIEW}"}})
    assert wire.to_setup() == {"setup": {"model": f"models/{PREVIEW}"}}
    sdk = LiveConfig.from_dict({"response_modalities": ["TEXT"]})
    assert (sdk.voice, sdk.transcribe_input, sdk.resumption) == (None, False, False)
    fields_only = LiveConfig.from_dict({"voice": "Puck"})
    assert fields_only == LiveConfig(voice="Puck")
    assert fields_only.transcribe_output and fields_only.resumption is True


def test_seed_example_with_speech_config_beside_generation_config() -> None:
    # The proxy's docs put speechConfig at the top of setup in one example.
    cfg = LiveConfig.from_dict(
        {
            "setup": {
                "model": LIVE,
                "generationConfig": {"temperature": 0.7, "responseModalities": ["AUDIO"]},
                "systemInstruction": {"parts": [{"text": "Hi."}]},
                "speechConfig": {"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Puck"}}},
            }
        }
    )
    assert (cfg.voice, cfg.temperature, cfg.system_instruction) == ("Puck", 0.7, "Hi.")


def test_coerce_and_replace() -> None:
    base = LiveConfig(voice="Puck")
    assert LiveConfig.coerce(None) == LiveConfig()
    assert LiveConfig.coerce(base) is base
    assert LiveConfig.coerce({"voice": "Puck"}, temperature=0.2) == LiveConfig(
        voice="Puck", temperature=0.2
    )
    assert LiveConfig.coerce(None, systemInstruction="x").system_instruction == "x"
    changed = base.replace(response_modalities=["TEXT"], topP=0.5)
    assert (changed.voice, changed.modalities, changed.top_p) == ("Puck", ("TEXT",), 0.5)
    with pytest.raises(ConfigError, match="did you mean 'voice'"):
        base.replace(voise="Kore")
    with pytest.raises(ConfigError, match="must be a LiveConfig or a dict"):
        LiveConfig.coerce(42)


@pytest.mark.parametrize("name", ["cap1.jsonl", "cap6.jsonl"])
def test_captured_sdk_setups_convert_with_the_same_meaning(name: str) -> None:
    path = FRAMES / name
    assert path.is_file(), f"missing capture {path} (tests/data/ is in the repository)"
    setups = [
        json.loads(event["raw"])
        for event in map(json.loads, path.read_text().splitlines())
        if event.get("event") == "frame" and event["raw"].lstrip().startswith('{"setup"')
    ]
    assert setups, f"no setup frame in {path}"
    for original in setups:
        cfg = LiveConfig.from_dict(original, allow_unknown_model=True)
        speech = normalize_keys(original)["setup"].get("generationConfig", {}).get("speechConfig")
        entry = MODELS.get(cfg.model or "")
        if speech and "languageCode" in speech and entry and not entry.accepts_language_code:
            # The SDK sends languageCode where these native-audio models refuse it: we say so
            # and name the fix instead of sending it or dropping it silently.
            with pytest.raises(ConfigError, match="language_code='de-DE' is not accepted"):
                cfg.to_setup()
            cfg = cfg.replace(language_code=None)
            del speech["languageCode"]
            original = {"setup": dict(normalize_keys(original)["setup"])}
            original["setup"]["generationConfig"]["speechConfig"] = speech
        assert cfg.to_setup() == {"setup": normalize_keys(original)["setup"]}


def test_cap1_setup_in_detail() -> None:
    path = FRAMES / "cap1.jsonl"
    assert path.is_file(), f"missing capture {path}"
    first_frame = next(
        e for e in map(json.loads, path.read_text().splitlines()) if e["event"] == "frame"
    )
    cfg = LiveConfig.from_dict(json.loads(first_frame["raw"])).replace(language_code=None)
    assert cfg.model == "gemini-2.5-flash-native-audio-preview-09-2025"
    assert (cfg.voice, cfg.media_resolution) == ("Kore", "low")
    assert cfg.vad == VadConfig(
        disabled=False,
        start_sensitivity="low",
        end_sensitivity="high",
        prefix_padding_ms=20,
        silence_duration_ms=500,
    )
    assert cfg.compression == CompressionConfig(trigger_tokens=25600, target_tokens=12800)
    assert cfg.google_search and (cfg.activity_handling, cfg.turn_coverage) == (
        "interrupts",
        "only_activity",
    )
    tools = cfg.to_setup()["setup"]["tools"]
    assert [next(iter(t)) for t in tools] == [
        "googleSearch",
        "codeExecution",
        "urlContext",
        "functionDeclarations",
    ]
    get_time = tools[-1]["functionDeclarations"][1]
    assert get_time["parametersJsonSchema"] == {
        "type": "object",
        "properties": {"tz": {"type": "string"}},
    }


def test_captured_v1alpha_setup_needs_v1alpha() -> None:
    path = FRAMES / "cap2.jsonl"
    assert path.is_file(), f"missing capture {path}"
    raw = next(
        e["raw"]
        for e in map(json.loads, path.read_text().splitlines())
        if e["event"] == "frame" and "enableAffectiveDialog" in e["raw"]
    )
    cfg = LiveConfig.from_dict(json.loads(raw))
    assert (cfg.affective_dialog, cfg.proactive_audio, cfg.top_k) == (True, True, 40)
    assert (cfg.thinking_budget, cfg.include_thoughts) == (1024, True)
    assert cfg.required_api_version() == "v1alpha"
    assert cfg.to_setup() == normalize_keys(json.loads(raw))  # the same wire back


# ------------------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"voice": "Zephir"}, "unknown voice 'Zephir' — did you mean 'Zephyr'"),
        ({"language": "Germn"}, "unknown language 'Germn' — did you mean 'German (Germany)'"),
        ({"model": "gemini-2.5-flash-native-audio-latst"}, "did you mean 'gemini-2.5-flash-native"),
        ({"temperature": 2.5}, "temperature=2.5"),
        ({"temperature": "hot"}, "'hot'"),
        ({"top_p": 1.5}, "top_p=1.5"),
        ({"top_k": 0}, "top_k=0"),
        ({"max_output_tokens": 0}, "max_output_tokens=0"),
        ({"seed": 1.5}, "seed must be a whole number, not 1.5"),
        ({"modalities": []}, "modalities is empty"),
        ({"modalities": ["VIDEO"]}, "'VIDEO'"),
        ({"vad": {"start_sensitivity": "medium"}}, "'medium'"),
        ({"vad": {"silence_duration_ms": -1}}, "vad.silence_duration_ms=-1"),
        ({"vad": {"silence_ms": 5}}, "did you mean 'silence_duration_ms'"),
        ({"activity_handling": "interupts"}, "did you mean 'interrupts'"),
        ({"turn_coverage": "everything"}, "'everything'"),
        ({"media_resolution": "ultra"}, "'ultra'"),
        ({"thinking_level": "extreme"}, "'extreme'"),
        ({"compression": {"trigger_tokens": 100, "target_tokens": 200}}, "target_tokens=200"),
        ({"compression": {"trigger_tokens": 0}}, "trigger_tokens=0"),
        ({"resumption": 5}, "not 5"),
        ({"transcribe_input": "yes"}, "transcribe_input must be True or False, not 'yes'"),
        ({"tools": ["get_weather"]}, "tool 'get_weather' is a name"),
        ({"tools": [{"name": "bad name"}]}, "tool name 'bad name' is not valid"),
        ({"tools": [{"name": "f", "paramters": {}}]}, "'paramters' — did you mean 'parameters'"),
        ({"tools": [{"name": "f", "parameters": {"type": "STRING"}}]}, "tool 'f': parameters"),
        ({"tools": [{"name": "f", "behavior": "LATER"}]}, "'LATER'"),
        ({"tools": [{"name": "f"}, {"name": "f"}]}, "tool 'f' is declared twice"),
        ({"tools": [{"googleSerch": {}}]}, "did you mean 'googleSearch'"),
        ({"tools": [lambda: 1]}, None),
    ],
)
def test_validation_errors_name_the_value(kwargs: dict[str, Any], needle: str | None) -> None:
    if needle is None:  # a lambda is accepted as a tool and fails when declared
        with pytest.raises(ConfigError, match="'<lambda>' is not valid"):
            LiveConfig(**kwargs).to_setup(PREVIEW)
        return
    with pytest.raises(ConfigError) as info:
        LiveConfig(**kwargs)
    assert needle in str(info.value)


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"voise": "Kore"}, "unknown field 'voise' — did you mean 'voice'"),
        ({"systemInstructions": "x"}, "did you mean 'systemInstruction'"),
        ({"setup": {"model": "models/unknown-model"}}, "unknown model 'unknown-model'"),
        ({"setup": {}, "extra": 1}, "remove ['extra']"),
        ({"generation_config": {"stop_sequences": ["x"]}}, "generation_config.stop_sequences"),
        ({"speech_config": {"multi_speaker_voice_config": {}}}, "multi-speaker"),
        ({"avatar_config": {"avatar_name": "a"}}, "does not play (audio only)"),
        ({"voice": "Puck", "speech_config": "Kore"}, "voice is given twice ('Puck' and 'Kore'"),
        ({"input_audio_transcription": {"language_codes": [""]}}, "transcription.language_codes"),
    ],
)
def test_dict_errors_name_the_key(data: dict[str, Any], needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        LiveConfig.from_dict(data)
    assert needle in str(info.value)


def test_unknown_models_are_allowed_on_request() -> None:
    cfg = LiveConfig(model="gemini-9-live", allow_unknown_model=True)
    assert cfg.to_setup()["setup"]["model"] == "models/gemini-9-live"
    assert cfg == LiveConfig(model="gemini-9-live", allow_unknown_model=True)
    with pytest.raises(ConfigError, match="allow_unknown_model=True"):
        LiveConfig().to_setup("gemini-9-live")


# -------------------------------------------------------------------- capability checks


def test_two_modalities_fail_on_google_before_connecting_and_pass_on_mixroute() -> None:
    cfg = LiveConfig(model=LIVE, modalities=["AUDIO", "TEXT"])
    for dialect in ("google", "emulator", "vertex"):
        with pytest.raises(ConfigError) as info:
            cfg.to_setup(dialect=dialect)
        assert "responseModalities can hold one modality on Google's endpoint" in str(info.value)
        assert "transcribe_output=True" in str(info.value)
    cfg.check(dialect="mixroute")
    assert cfg.to_setup(dialect="mixroute")["setup"]["generationConfig"]["responseModalities"] == [
        "AUDIO",
        "TEXT",
    ]
    with pytest.raises(ConfigError, match="unknown dialect 'gogle'"):
        cfg.check(dialect="gogle")


def test_model_capabilities() -> None:
    with pytest.raises(ConfigError, match=f"'{V31}' answers in audio only"):
        LiveConfig(model=V31, modalities="TEXT").to_setup()
    LiveConfig(model="gemini-live-2.5-flash-preview", modalities="TEXT").check()
    for field in ("affective_dialog", "proactive_audio"):
        with pytest.raises(ConfigError, match=f"{field}=True is not available on '{V31}'"):
            LiveConfig(model=V31, **{field: True}).to_setup()
    non_blocking = {"name": "slow", "behavior": "NON_BLOCKING"}
    with pytest.raises(ConfigError, match="tool 'slow' is NON_BLOCKING"):
        LiveConfig(model=V31, tools=[non_blocking]).check()
    LiveConfig(model=PREVIEW, tools=[non_blocking]).check()
    # Declarations made by the hook are checked too.
    with pytest.raises(ConfigError, match="tool 'get_weather' is NON_BLOCKING"):
        LiveConfig(model=V31, tools=[get_weather]).to_setup(declare_callable=declare)


def test_affective_dialog_needs_v1alpha_and_resolve_endpoint_follows() -> None:
    assert LiveConfig().required_api_version() == "v1beta"
    cfg = LiveConfig(affective_dialog=True)
    assert cfg.required_api_version() == "v1alpha"
    assert LiveConfig(proactive_audio=True).required_api_version() == "v1alpha"
    ep = resolve_endpoint(
        "google", api_key="AIzaTEST", api_version=cfg.required_api_version(), environ={}
    )
    assert ep.api_version == "v1alpha"
    assert ".v1alpha.GenerativeService.BidiGenerateContent" in ep.url


# ----------------------------------------------------------------------------------- tools


def test_callables_are_kept_and_declared_by_the_tools_module_without_a_hook() -> None:
    from gemlive_nb.tools import declare

    cfg = LiveConfig(tools=get_weather)
    assert cfg.tools == (get_weather,)
    tools = cfg.to_setup(PREVIEW)["setup"]["tools"]
    assert tools == [{"functionDeclarations": [declare(get_weather)]}]
    assert tools[0]["functionDeclarations"][0]["parameters"]["required"] == ["city"]


def test_tool_dicts_in_sdk_and_grouped_shapes() -> None:
    decl = types.FunctionDeclaration(
        name="f", description="d", parameters=types.Schema(type="OBJECT", properties={})
    )
    cfg = LiveConfig(
        tools=[
            types.Tool(function_declarations=[decl]),
            {"functionDeclarations": [{"name": "g"}], "urlContext": {}},
        ]
    )
    assert [t["name"] for t in cfg.tools if "name" in t] == ["f", "g"]
    assert {"urlContext": {}} in cfg.tools
    setup = cfg.to_setup(PREVIEW)["setup"]
    assert setup["tools"][0] == {"urlContext": {}}
    assert setup["tools"][-1]["functionDeclarations"][0]["parameters"] == {
        "type": "OBJECT",
        "properties": {},
    }


# -------------------------------------------------------------------------------- display


def test_to_dict_round_trips_and_shows_callables_by_name() -> None:
    cfg = LiveConfig.from_dict(SNAKE)
    assert LiveConfig.from_dict(cfg.to_dict()) == cfg
    assert json.loads(json.dumps(cfg.to_dict())) == cfg.to_dict()
    with_fn = LiveConfig(tools=[get_weather]).to_dict()
    assert with_fn["tools"] == ["get_weather"]
    assert with_fn["modalities"] == ["AUDIO"] and with_fn["vad"] is None


def test_repr_lists_only_non_default_fields() -> None:
    assert repr(LiveConfig()) == "LiveConfig()"
    text = repr(LiveConfig(voice="Puck", tools=[get_weather], vad=False))
    assert text == "LiveConfig(voice='Puck', tools=[get_weather], vad=VadConfig(disabled=True))"
    assert "voice" in LiveConfig(voice="Puck")._repr_html_()


def test_secrets_given_to_a_config_are_never_echoed() -> None:
    key = "AIzaSyTHIS-IS-SECRET-0123456789"
    for data in (
        {"api_key": key},
        {"http_options": {"headers": {"x-goog-api-key": key}}},
    ):
        with pytest.raises(ConfigError) as info:
            LiveConfig.from_dict(data)
        assert key not in str(info.value) and key not in repr(info.value.args)


@pytest.mark.parametrize(
    "cfg",
    [
        LiveConfig(),
        LiveConfig(voice=None, modalities=None, transcribe_input=False, resumption=False),
        LiveConfig(
            model=LIVE,
            modalities="audio",
            system_instruction="Hi.",
            top_p=0.1,
            max_output_tokens=9,
            seed=-3,
            tools=[{"name": "f", "behavior": "NON_BLOCKING"}, {"url_context": {}}],
            google_search=True,
            vad=False,
            turn_coverage="TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO",
            affective_dialog=True,
            compression={"trigger_tokens": 10},
            media_resolution="MEDIA_RESOLUTION_HIGH",
            thinking_level="minimal",
            include_thoughts=False,
        ),
    ],
)
def test_a_setup_reads_back_into_the_same_setup(cfg: LiveConfig) -> None:
    setup = cfg.to_setup(PREVIEW)
    again = LiveConfig.from_dict(setup)
    assert again.to_setup() == setup
    assert again == cfg.replace(model=cfg.model or PREVIEW)
