"""Every nested field of the SDK's LiveConnectConfig, generated: LiveConfig sends exactly what the
SDK sends for it, or refuses it with a ConfigError that names the field. Nothing is dropped."""

from __future__ import annotations

import json
from typing import Any

import pytest
from google.genai import types
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sdk_strategies import sdk_setup, sdk_values, set_keys

from gemlive_nb.catalog import VOICES
from gemlive_nb.config import LiveConfig
from gemlive_nb.exceptions import ConfigError

NATIVE = "gemini-2.5-flash-native-audio-preview-12-2025"
# Plausible values for fields whose random text would fail the first check every time.
OVERRIDES = {
    "voice_name": st.sampled_from([v.name for v in VOICES][:5]),
    "language_code": st.sampled_from(["de-DE", "en-US", "fr-FR"]),
    "language_codes": st.lists(st.sampled_from(["de-DE", "en-US"]), min_size=1, max_size=2),
    "response_modalities": st.just(["AUDIO"]),
    "temperature": st.floats(0, 2).map(lambda x: round(x, 2)),
    "mime_type": st.sampled_from(["audio/wav", "audio/pcm"]),
    "labels": st.dictionaries(st.sampled_from(["team", "env"]), st.sampled_from(["a", "b"])),
    "http_options": st.none(),  # connection options, not a setup field
}

# Messages whose presence alone changes nothing (every sub-field at its default): an empty one
# on the SDK's wire equals none on ours. (An empty inputAudioTranscription, sessionResumption
# or contextWindowCompression does mean something, so those are compared as they are.) A
# ``false`` flag and a ``*_UNSPECIFIED`` enum are proto3 defaults, the same as leaving them out.
NEUTRAL_WHEN_EMPTY = frozenset({
    "generationConfig", "speechConfig", "voiceConfig", "prebuiltVoiceConfig", "thinkingConfig",
    "realtimeInputConfig", "automaticActivityDetection", "proactivity", "historyConfig",
    "labels", "systemInstruction", "languageHints",
})  # fmt: skip

# SDK field -> the LiveConfig name an error message may use for it instead
KIT_NAMES = {
    "translation_config": "translation", "enable_affective_dialog": "affective_dialog",
    "session_resumption": "resumption", "context_window_compression": "compression",
    "input_audio_transcription": "transcribe_input", "response_modalities": "modalities",
    "output_audio_transcription": "transcribe_output", "history_config": "seed_history",
    "proactivity": "proactive_audio", "automatic_activity_detection": "vad",
    "start_of_speech_sensitivity": "start_sensitivity",
    "end_of_speech_sensitivity": "end_sensitivity",
    "interim_transcript_timestamp_enabled": "interim_timestamps",
}  # fmt: skip
# The same, without the fields LiveConfig refuses outright, so that more values reach the wire.
TAKEN = {
    **OVERRIDES,
    "generation_config": st.none(),  # its own keys are the top-level ones, drawn there
    "avatar_config": st.none(),
    "multi_speaker_voice_config": st.none(),
    "proactive_video": st.none(),
}


def _named(config: Any, message: str) -> set[str]:
    keys = set_keys(config)
    keys |= {KIT_NAMES[k] for k in keys if k in KIT_NAMES}
    return {k for k in keys if k in message}


def _tools(tools: list[dict[str, Any]]) -> list[Any]:
    """Tools as the service reads them: a set of kinds, and all function declarations.

    The SDK sends each Tool as given, several kinds in one; the kit sends one entry per kind
    and every declaration in one ``functionDeclarations`` entry, last (tools/_specs.py). The
    service reads the same tools from either.
    """
    kinds: list[tuple[str, str]] = []
    declarations: list[Any] = []
    for tool in tools:
        for kind, body in tool.items():
            if kind == "functionDeclarations":
                declarations.extend(body)
            else:
                kinds.append((kind, json.dumps(body, sort_keys=True)))
    return [sorted(kinds), declarations]


def _pruned(value: Any) -> Any:
    instruction = value.get("systemInstruction") if isinstance(value, dict) else None
    if instruction is not None and not instruction.get("parts"):  # a role alone says nothing
        value = {k: v for k, v in value.items() if k != "systemInstruction"}
    if isinstance(value, dict) and value.get("tools") is not None:
        value = {**value, "tools": _tools(value["tools"])}
        if value["tools"] == [[], []]:  # an empty list of tools is no tools
            del value["tools"]
    if isinstance(value, dict):
        out = {k: _pruned(v) for k, v in value.items()}
        return {
            k: v
            for k, v in out.items()
            if v is not False
            and not (isinstance(v, str) and v.endswith("_UNSPECIFIED"))
            and not (k in NEUTRAL_WHEN_EMPTY and v == {})
        }
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


def _compare(config: types.LiveConnectConfig, dialect: str) -> None:
    vertex = dialect == "vertex"
    try:
        expected = sdk_setup(config.model_copy(deep=True), "models/x", vertex=vertex)
    except (ValueError, TypeError) as e:  # the SDK refuses it: nothing to send
        expected, refused = None, e
    try:
        cfg = LiveConfig.coerce(config, model=NATIVE)
        message = cfg.to_setup(NATIVE, dialect)
    except ConfigError as e:
        assert _named(config, str(e)), f"ConfigError names no field of {config!r}: {e}"
        return
    # and back: our own wire, and our own dict, read into the same config and wire
    assert LiveConfig.from_dict(message).to_setup(NATIVE, dialect) == message
    assert LiveConfig.from_dict(cfg.to_dict()) == cfg
    ours = dict(message["setup"])
    ours.pop("model")
    if expected is None:
        # The SDK refuses a field the endpoint does not have ("transparent parameter is only
        # supported in …"), even when it is false: we may send the rest, never that field.
        field = str(refused).split(" parameter is only supported")[0]
        assert " " not in field, f"the SDK refuses {config!r} ({refused}) but LiveConfig sent it"
        camel = field.split("_")[0] + "".join(w.title() for w in field.split("_")[1:])
        assert camel not in set_keys(ours), f"{camel} was sent although the SDK refuses it"
        return
    assert _pruned(json.loads(json.dumps(ours))) == _pruned(expected)


SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("dialect", ["google", "vertex"])
@SETTINGS
@given(config=sdk_values(types.LiveConnectConfig, depth=4, overrides=OVERRIDES))
def test_every_nested_sdk_field_reaches_the_wire_or_is_refused_by_name(
    dialect: str, config: Any
) -> None:
    _compare(config, dialect)


@pytest.mark.parametrize("dialect", ["google", "vertex"])
@SETTINGS
@given(config=sdk_values(types.LiveConnectConfig, depth=4, overrides=TAKEN))
def test_every_field_live_config_takes_reaches_the_wire_as_the_sdk_sends_it(
    dialect: str, config: Any
) -> None:
    _compare(config, dialect)
