"""The SDK's nested voice fields and Vertex's transparent resumption reach the wire as the SDK
sends them; where an endpoint has no such field, a ConfigError names it and the fix."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from google.genai import types
from sdk_strategies import sdk_setup

from gemlive_nb.config import CustomVoice, LiveConfig
from gemlive_nb.exceptions import ConfigError

NATIVE = "gemini-2.5-flash-native-audio-preview-12-2025"
WAV = b"RIFF\xff\xfe\x00WAVE"  # bytes whose base64 differs between the two alphabets


def _ours(config: Any, dialect: str) -> dict[str, Any]:
    body = LiveConfig.coerce(config).to_setup(NATIVE, dialect)["setup"]
    body.pop("model")
    return body


@pytest.mark.parametrize(
    "voice_config",
    [
        {"voice": "speaker-7"},
        {"voice": "speaker-7", "prebuilt_voice_config": {"voice_name": "Kore"}},
        {"replicated_voice_config": {"mime_type": "audio/wav", "voice_sample_audio": WAV}},
        {"replicated_voice_config": {"voice_sample_audio": WAV, "consent_audio": WAV}},
        {"replicated_voice_config": {"voice_consent_signature": {"signature": "sig-1"}}},
        {"replicated_voice_config": {}},
    ],
)
def test_nested_voice_fields_reach_the_wire_as_the_sdk_sends_them(
    voice_config: dict[str, Any],
) -> None:
    sdk = types.LiveConnectConfig(speech_config={"voice_config": voice_config})
    sent = _ours(sdk, "google")
    assert sent == sdk_setup(sdk, "models/x", vertex=False)
    assert sent["generationConfig"]["speechConfig"]["voiceConfig"]  # never an empty voice
    # a dict and the camelCase wire form give the same
    assert _ours(sdk.model_dump(exclude_none=True), "google") == sent
    assert _ours({"setup": sent}, "google") == sent


def test_a_replicated_voice_keeps_its_bytes_and_reads_both_base64_alphabets() -> None:
    sent = _ours({"speech_config": {"voice_config": {"replicated_voice_config": {
        "voice_sample_audio": WAV}}}}, "vertex")  # fmt: skip
    wire = sent["generationConfig"]["speechConfig"]["voiceConfig"]["replicatedVoiceConfig"]
    assert wire == {"voiceSampleAudio": base64.urlsafe_b64encode(WAV).decode()}  # as the SDK
    standard = base64.b64encode(WAV).decode()
    assert CustomVoice.coerce({"replicatedVoiceConfig": {"voiceSampleAudio": standard}}) == (
        CustomVoice(voice_sample_audio=WAV)
    )
    assert "RIFF" not in repr(CustomVoice(voice_sample_audio=WAV))  # sizes, not the audio


def test_kwargs_take_a_custom_voice_beside_or_instead_of_the_prebuilt_one() -> None:
    both = LiveConfig(custom_voice={"voice": "spk"}).to_setup(NATIVE)["setup"]
    assert both["generationConfig"]["speechConfig"]["voiceConfig"] == {
        "prebuiltVoiceConfig": {"voiceName": "Zephyr"}, "voice": "spk"}  # fmt: skip
    only = LiveConfig(voice=None, custom_voice=CustomVoice(speaker="spk")).to_setup(NATIVE)
    assert only["setup"]["generationConfig"]["speechConfig"]["voiceConfig"] == {"voice": "spk"}
    cfg = LiveConfig(voice=None, custom_voice={"replicated_voice_config": {"mime_type": "a/b"}})
    assert LiveConfig.from_dict(cfg.to_dict()) == cfg


@pytest.mark.parametrize(
    ("replicated", "field"),
    [
        ({"consent_audio": WAV}, "consent_audio"),
        ({"voice_consent_signature": {"signature": "s"}}, "voice_consent_signature"),
    ],
)
def test_gemini_api_only_voice_fields_are_refused_on_vertex_by_name(
    replicated: dict[str, Any], field: str
) -> None:
    sdk = types.LiveConnectConfig(speech_config={"voice_config": {
        "replicated_voice_config": replicated}})  # fmt: skip
    with pytest.raises(ValueError, match=field):  # the SDK refuses it too
        sdk_setup(sdk, "publishers/google/models/x", vertex=True)
    with pytest.raises(ConfigError, match=f"{field} exists on the Gemini API only"):
        _ours(sdk, "vertex")


@pytest.mark.parametrize(
    ("given", "needle"),
    [
        ({"custom_voice": {"voise": "x"}}, "did you mean 'voice'"),
        ({"custom_voice": {"replicated_voice_config": {"mime": "x"}}}, "mimeType"),
        ({"custom_voice": {"voice": 3}}, "custom_voice.voice must be a str"),
        ({"custom_voice": {"replicatedVoiceConfig": {"voiceSampleAudio": "!!"}}}, "WAV bytes"),
        ({"speech_config": {"voice_config": {"prebuilt_voice_config": {"voice": "Kore"}}}},
         "prebuiltVoiceConfig"),
    ],
)  # fmt: skip
def test_bad_custom_voices_name_the_key(given: dict[str, Any], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        LiveConfig.from_dict(given)


# ------------------------------------------------------------ transparent resumption


def test_transparent_resumption_reaches_the_wire_on_vertex() -> None:
    sdk = types.LiveConnectConfig(session_resumption={"transparent": True, "handle": "h-1"})
    cfg = LiveConfig.coerce(sdk)
    assert cfg.transparent_resumption and cfg.resumption == "h-1"
    assert _ours(sdk, "vertex") == sdk_setup(sdk, "publishers/google/models/x", vertex=True)
    assert _ours(sdk, "vertex")["sessionResumption"] == {"handle": "h-1", "transparent": True}
    kwargs = LiveConfig(transparent_resumption=True).to_setup(NATIVE, "vertex")["setup"]
    assert kwargs["sessionResumption"] == {"transparent": True}


@pytest.mark.parametrize("dialect", ["google", "mixroute", "emulator"])
def test_transparent_resumption_is_refused_off_vertex_with_the_fix(dialect: str) -> None:
    cfg = LiveConfig.from_dict({"session_resumption": {"transparent": True}})
    with pytest.raises(ConfigError) as info:
        cfg.to_setup(NATIVE, dialect)
    message = str(info.value)
    assert "transparent_resumption=True exists on Vertex AI only" in message
    assert "endpoint='vertex'" in message


def test_transparent_resumption_needs_resumption() -> None:
    with pytest.raises(ConfigError, match="needs session resumption"):
        LiveConfig(resumption=False, transparent_resumption=True)


def test_a_wire_system_instruction_keeps_its_parts_and_role_through_copies() -> None:
    import copy
    import pickle

    given = {"parts": [{"text": "a"}, {"text": "b"}], "role": "system"}
    cfg = LiveConfig.from_dict({"system_instruction": given})
    assert cfg.system_instruction == "a\nb"  # still the text, for every reader
    for same in (copy.deepcopy(cfg), pickle.loads(pickle.dumps(cfg)), cfg.replace(seed=1)):
        assert same.to_setup(NATIVE)["setup"]["systemInstruction"] == given
    plain = LiveConfig(system_instruction="a").to_setup(NATIVE)["setup"]["systemInstruction"]
    assert plain == {"parts": [{"text": "a"}], "role": "user"}  # as the SDK sends a str
