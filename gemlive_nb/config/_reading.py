"""Reading LiveConfig keyword arguments from a dict in any shape people have at hand.

snake_case, camelCase, the google-genai SDK's ``LiveConnectConfig`` dump, or a wire setup body.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .._plain import as_mapping as _as_mapping
from ..catalog import unknown_name_error as _unknown
from ..exceptions import ConfigError
from ..protocol import normalize_keys, to_camel
from .fields import LiveConfigFields

_FIELDS = list(LiveConfigFields.__annotations__)
_FIELD_BY_CAMEL = {to_camel(name): name for name in _FIELDS}
# camelCase wire/SDK key -> LiveConfig field, for keys whose value needs no reshaping
_ALIASES = {
    "responseModalities": "modalities",
    "enableAffectiveDialog": "affective_dialog",
    # the mixroute proxy's docs list "empatheticMode: Empathetic dialogue, adjusts response
    # style based on emotions" among its setup keys; Google's name for it is the one above
    "empatheticMode": "affective_dialog",
    "contextWindowCompression": "compression",
    "translationConfig": "translation",
}
_WIRE_KEYS = frozenset({
    "generationConfig", "responseModalities", "speechConfig", "thinkingConfig",
    "enableAffectiveDialog", "realtimeInputConfig", "sessionResumption",
    "contextWindowCompression", "inputAudioTranscription", "outputAudioTranscription",
    "proactivity", "historyConfig", "translationConfig", "empatheticMode",
})  # fmt: skip
_GENERATION_KEYS = frozenset({
    "responseModalities", "temperature", "topP", "topK", "maxOutputTokens", "seed",
    "mediaResolution", "speechConfig", "thinkingConfig", "enableAffectiveDialog",
    "translationConfig", "empatheticMode",
})  # fmt: skip
# SDK / wire keys LiveConfig does not take, with the reason (tests/config pins this table
# against the SDK's LiveConnectConfig fields, so a new SDK field cannot slip by unnoticed)
NOT_APPLICABLE = {
    "httpOptions": "connection options belong to the endpoint — pass endpoint= / api_version=",
    "apiKey": "an API key is not a setting — pass api_key= to gl.connect()",
    "avatarConfig": "avatars answer with video, which gemlive_nb does not play (audio only)",
}


def looks_wire(data: Mapping[Any, Any]) -> bool:
    keys = {to_camel(str(k)) for k in data}
    model = data.get("model")
    instruction = data.get("systemInstruction", data.get("system_instruction"))
    return bool(
        keys & _WIRE_KEYS
        or (isinstance(model, str) and "models/" in model)
        or isinstance(instruction, Mapping)
    )


def collect(data: Mapping[Any, Any]) -> dict[str, Any]:
    """LiveConfig keyword arguments from a dict in any supported shape (values not validated)."""
    out: dict[str, Any] = {}

    def put(name: str, value: Any, source: str) -> None:
        if name in out and out[name] != value:
            raise ConfigError(
                f"{name} is given twice ({out[name]!r} and {value!r} from {source!r}) — keep one"
            )
        out[name] = value

    def walk(mapping: Mapping[Any, Any], where: str, allowed: frozenset[str] | None) -> None:
        for raw_key, value in mapping.items():
            key = to_camel(str(raw_key))
            value = _as_mapping(value)
            if allowed is not None and key not in allowed:
                raise ConfigError(f"{where}.{raw_key} is not supported in a Live session")
            if value is None and key in _WIRE_KEYS:
                continue  # an SDK dump's explicit None means "not set"
            handler = _HANDLERS.get(key)
            if handler is not None:
                handler(value, raw_key, put, walk)
            elif key in _ALIASES:
                put(_ALIASES[key], value, raw_key)
            elif key in _FIELD_BY_CAMEL:
                put(_FIELD_BY_CAMEL[key], value, raw_key)
            elif key in NOT_APPLICABLE:
                raise ConfigError(f"{raw_key!r} is not accepted here: {NOT_APPLICABLE[key]}")
            else:
                known = sorted({*_FIELDS, *_FIELD_BY_CAMEL, *_WIRE_KEYS, *_ALIASES})
                raise _unknown("field", raw_key, known, "See help(gl.LiveConfig) for the fields.")

    walk(data, "config", None)
    return out


Put = Callable[[str, Any, str], None]
Walk = Callable[[Mapping[Any, Any], str, "frozenset[str] | None"], None]


def _expect_mapping(value: Any, key: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{key} must be a dict, not {value!r}")
    return normalize_keys(dict(value))


def _reject_extra(mapping: Mapping[str, Any], key: str, allowed: set[str]) -> None:
    for extra in mapping:
        if extra not in allowed:
            raise _unknown(
                f"key in {key}:", extra, sorted(allowed), f"Known: {', '.join(sorted(allowed))}."
            )


def _h_generation(value: Any, key: str, put: Put, walk: Walk) -> None:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{key} must be a dict, not {value!r}")
    walk(value, key, _GENERATION_KEYS)


def _h_speech(value: Any, key: str, put: Put, walk: Walk) -> None:
    if isinstance(value, str):
        put("voice", value, key)
        return
    speech = _expect_mapping(value, key)
    if speech.get("multiSpeakerVoiceConfig") is not None:
        raise ConfigError(
            f"{key}.multi_speaker_voice_config: multi-speaker voices are not available in Live "
            "sessions (the SDK refuses them too) — use voice="
        )
    speech.pop("multiSpeakerVoiceConfig", None)
    _reject_extra(speech, key, {"voiceConfig", "languageCode"})
    given = _as_mapping(speech.get("voiceConfig")) or {}
    voice_config = _expect_mapping(given, f"{key}.voiceConfig")
    prebuilt = _as_mapping(voice_config.pop("prebuiltVoiceConfig", None))
    if prebuilt is not None:
        voice = _expect_mapping(prebuilt, f"{key}.voiceConfig.prebuiltVoiceConfig")
        _reject_extra(voice, f"{key}.voiceConfig.prebuiltVoiceConfig", {"voiceName"})
        if voice.get("voiceName") is not None:
            put("voice", voice["voiceName"], key)
    custom = {k: v for k, v in voice_config.items() if v is not None}
    if custom:  # voiceConfig.voice / replicatedVoiceConfig: CustomVoice checks the keys
        put("custom_voice", custom, f"{key}.voiceConfig")
    if speech.get("languageCode") is not None:
        put("language_code", speech["languageCode"], f"{key}.languageCode")


def _h_thinking(value: Any, key: str, put: Put, walk: Walk) -> None:
    thinking = _expect_mapping(value, key)
    names = {"thinkingBudget": "thinking_budget", "thinkingLevel": "thinking_level",
             "includeThoughts": "include_thoughts"}  # fmt: skip
    _reject_extra(thinking, key, set(names))
    for wire, name in names.items():
        if thinking.get(wire) is not None:
            put(name, thinking[wire], key)


def _h_realtime(value: Any, key: str, put: Put, walk: Walk) -> None:
    realtime = _expect_mapping(value, key)
    names = {"automaticActivityDetection": "vad", "activityHandling": "activity_handling",
             "turnCoverage": "turn_coverage",
             "interimTranscriptTimestampEnabled": "interim_timestamps"}  # fmt: skip
    _reject_extra(realtime, key, set(names))
    for wire, name in names.items():
        if realtime.get(wire) is not None:
            put(name, realtime[wire], key)


def _h_resumption(value: Any, key: str, put: Put, walk: Walk) -> None:
    if not isinstance(value, Mapping):
        put("resumption", value, key)
        return
    resumption = _expect_mapping(value, key)
    _reject_extra(resumption, key, {"handle", "transparent"})
    put("resumption", resumption.get("handle") or True, key)
    if resumption.get("transparent") is not None:  # Vertex only: LiveConfig.check says so
        put("transparent_resumption", resumption["transparent"], f"{key}.transparent")


def _h_transcription(name: str) -> Callable[..., None]:
    def handler(value: Any, key: str, put: Put, walk: Walk) -> None:
        put(name, value, key)  # a bool or options; LiveConfig checks them

    return handler


def _h_history(value: Any, key: str, put: Put, walk: Walk) -> None:
    if value is None or isinstance(value, bool):
        put("seed_history", bool(value), key)
        return
    history = _expect_mapping(value, key)
    _reject_extra(history, key, {"initialHistoryInClientContent"})
    put("seed_history", bool(history.get("initialHistoryInClientContent")), key)


def _h_proactivity(value: Any, key: str, put: Put, walk: Walk) -> None:
    if not isinstance(value, Mapping):
        put("proactive_audio", value, key)
        return
    proactivity = _expect_mapping(value, key)
    if proactivity.get("proactiveVideo"):
        raise ConfigError("proactive video is not supported yet — use proactive_audio=True")
    _reject_extra(proactivity, key, {"proactiveAudio", "proactiveVideo"})
    put("proactive_audio", bool(proactivity.get("proactiveAudio")), key)


_HANDLERS: dict[str, Callable[..., None]] = {
    "generationConfig": _h_generation,
    "speechConfig": _h_speech,
    "thinkingConfig": _h_thinking,
    "realtimeInputConfig": _h_realtime,
    "sessionResumption": _h_resumption,
    "inputAudioTranscription": _h_transcription("transcribe_input"),
    "outputAudioTranscription": _h_transcription("transcribe_output"),
    "proactivity": _h_proactivity,
    "historyConfig": _h_history,
}
