"""Fuzzing the parsers and the config builder: only typed errors ever escape.

``parse_server_message`` / ``parse_client_message`` may raise only ProtocolError;
``LiveConfig(...)``, ``LiveConfig.from_dict`` / ``coerce`` / ``replace`` and ``resolve_endpoint``
only ConfigError (AudioError for audio values). Inputs are built from the protocol's own key
vocabulary (both casings) so that most examples reach deep into the handlers, not just the
JSON decoder.

The normal suite runs a few hundred examples per property; the nightly target runs many more::

    GEMLIVE_FUZZ_EXAMPLES=100000 python -m pytest -q tests/test_fuzz.py   # bench/fuzz_nightly.py
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import os
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gemlive_nb import protocol as p
from gemlive_nb.config import LiveConfig
from gemlive_nb.endpoints import resolve_endpoint
from gemlive_nb.exceptions import AudioError, ConfigError, ProtocolError
from gemlive_nb.secret import Secret

EXAMPLES = int(os.environ.get("GEMLIVE_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)

SERVER_KEYS = [
    "setupComplete", "serverContent", "modelTurn", "parts", "inlineData", "mimeType", "data",
    "text", "thought", "executableCode", "codeExecutionResult", "code", "outcome", "output",
    "turnComplete", "interrupted", "generationComplete", "waitingForInput", "groundingMetadata",
    "groundingChunks", "web", "uri", "title", "webSearchQueries", "inputTranscription",
    "outputTranscription", "finished", "turnCompleteReason", "toolCall", "functionCalls", "id",
    "name", "args", "toolCallCancellation", "ids", "goAway", "timeLeft",
    "sessionResumptionUpdate", "newHandle", "resumable", "lastConsumedClientMessageIndex",
    "voiceActivity", "type", "usageMetadata", "promptTokenCount", "responseTokenCount",
    "candidatesTokenCount", "totalTokenCount", "inputTokenCount", "outputTokenCount",
    "promptTokensDetails", "responseTokensDetails", "inputTokenDetails", "modality",
    "tokenCount", "textTokens", "audioTokens", "sessionId", "interactionStatus",
]  # fmt: skip
CLIENT_KEYS = [
    "setup", "clientContent", "realtimeInput", "toolResponse", "contextUpdate", "turns", "role",
    "parts", "text", "turnComplete", "audio", "video", "data", "mimeType", "activityStart",
    "activityEnd", "audioStreamEnd", "mediaChunks", "functionResponses", "id", "name",
    "response", "scheduling", "willContinue", "model", "generationConfig", "systemInstruction",
]  # fmt: skip
CONFIG_KEYS = [
    "model", "voice", "language", "modalities", "system_instruction", "temperature", "top_p",
    "top_k", "max_output_tokens", "seed", "tools", "google_search", "transcribe_input",
    "transcribe_output", "vad", "activity_handling", "turn_coverage", "proactive_audio",
    "affective_dialog", "resumption", "compression", "media_resolution", "thinking_budget",
    "thinking_level", "include_thoughts", "disabled", "start_sensitivity", "end_sensitivity",
    "prefix_padding_ms", "silence_duration_ms", "trigger_tokens", "target_tokens",
    "generationConfig", "speechConfig", "voiceConfig", "prebuiltVoiceConfig", "voiceName",
    "languageCode", "responseModalities", "systemInstruction", "parts", "text",
    "realtimeInputConfig", "automaticActivityDetection", "sessionResumption", "handle",
    "contextWindowCompression", "slidingWindow", "inputAudioTranscription",
    "outputAudioTranscription", "thinkingConfig", "thinkingBudget", "proactivity",
    "proactiveAudio", "enableAffectiveDialog", "functionDeclarations", "parameters", "setup",
    "speech_config", "voice_config", "prebuilt_voice_config", "voice_name", "googleSearch",
]  # fmt: skip
ENUM_WORDS = [
    "AUDIO", "TEXT", "Puck", "Zephyr", "Kore", "en-US", "fr", "de-DE", "xx-YY", "low", "high",
    "LOW", "MEDIA_RESOLUTION_LOW", "no_interruption", "START_SENSITIVITY_HIGH", "all_input",
    "audio/pcm;rate=24000", "audio/pcm", "audio/pcm;rate=0", "audio/pcm;rate=abc", "image/png",
    "9.5s", "50s", "-1s", "1e400s", "s", "ACTIVITY_START", "AAAA", "AAA", "!!", "_-_-",
    "gemini-live-2.5-flash-native-audio", "models/gemini-2.5-flash-native-audio-preview-12-2025",
    "gemini-3.1-flash-live-preview", "", " ", "\x00", "é", "NaN", "Infinity",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(ENUM_WORDS),
    st.text(max_size=12),
)


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower()


def tree(keys: list[str]) -> st.SearchStrategy[Any]:
    """JSON-like values whose dict keys mostly come from ``keys`` (snake or camel case)."""
    key = st.one_of(
        st.sampled_from(keys),
        st.sampled_from(keys).map(_snake),
        st.text(max_size=6),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(key, inner, max_size=5),
        ),
        max_leaves=25,
    )


server_tree = tree(SERVER_KEYS)
client_tree = tree(CLIENT_KEYS)
config_tree = tree(CONFIG_KEYS)


def _frame(draw_value: Any, as_bytes: bool) -> str | bytes:
    text = json.dumps(draw_value, allow_nan=True)
    return text.encode() if as_bytes else text


@FUZZ
@given(st.dictionaries(st.sampled_from(SERVER_KEYS), server_tree, max_size=4), st.booleans())
def test_server_frames_give_events_or_protocol_error(message: dict, as_bytes: bool) -> None:
    try:
        events = p.parse_server_message(_frame(message, as_bytes))
    except ProtocolError as e:
        assert str(e)
        return
    assert isinstance(events, list)
    for event in events:
        assert isinstance(event, p.Event)
        repr(event)  # every event prints


@FUZZ
@given(st.dictionaries(st.sampled_from(CLIENT_KEYS), client_tree, max_size=3), st.booleans())
def test_client_frames_give_a_body_or_protocol_error(message: dict, as_bytes: bool) -> None:
    try:
        kind, body = p.parse_client_message(_frame(message, as_bytes))
    except ProtocolError as e:
        assert str(e)
        return
    assert kind in p.CLIENT_MESSAGE_TYPES and isinstance(body, dict)


@FUZZ
@given(st.one_of(config_tree, st.dictionaries(st.sampled_from(CONFIG_KEYS), config_tree)))
def test_from_dict_gives_a_config_or_config_error(data: Any) -> None:
    try:
        cfg = LiveConfig.from_dict(data)
    except (ConfigError, AudioError) as e:
        assert str(e)
        return
    _usable(cfg)


SETUP: dict[str, Any] = {
    "model": "models/gemini-2.5-flash-native-audio-preview-12-2025",
    "generationConfig": {
        "responseModalities": ["AUDIO"],
        "temperature": 0.7,
        "topP": 0.9,
        "topK": 40,
        "maxOutputTokens": 256,
        "seed": 7,
        "mediaResolution": "MEDIA_RESOLUTION_LOW",
        "speechConfig": {
            "voice_config": {"prebuilt_voice_config": {"voice_name": "Kore"}},
            "language_code": "de-DE",
        },
        "thinkingConfig": {"include_thoughts": True, "thinking_budget": 1024},
    },
    "systemInstruction": {"parts": [{"text": "You are helpful."}], "role": "user"},
    "tools": [
        {"googleSearch": {}},
        {
            "functionDeclarations": [
                {
                    "name": "turn_on_lights",
                    "description": "Turn on the lights.",
                    "parameters": {
                        "type": "OBJECT",
                        "properties": {"room": {"type": "STRING"}},
                        "required": ["room"],
                    },
                    "behavior": "NON_BLOCKING",
                }
            ]
        },
    ],
    "sessionResumption": {"handle": "h"},
    "inputAudioTranscription": {},
    "outputAudioTranscription": {},
    "realtimeInputConfig": {
        "automatic_activity_detection": {
            "disabled": False,
            "start_of_speech_sensitivity": "START_SENSITIVITY_LOW",
            "prefix_padding_ms": 20,
            "silence_duration_ms": 500,
        },
        "activity_handling": "START_OF_ACTIVITY_INTERRUPTS",
        "turn_coverage": "TURN_INCLUDES_ONLY_ACTIVITY",
    },
    "contextWindowCompression": {
        "trigger_tokens": 25600,
        "sliding_window": {"target_tokens": 12800},
    },
    "proactivity": {"proactive_audio": True},
}


def _paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*prefix, i))
    return out


SETUP_PATHS = _paths(SETUP)[1:]


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(SETUP_PATHS), config_tree), min_size=1, max_size=3))
def test_mutated_setup_gives_a_config_or_config_error(changes: list[tuple[tuple, Any]]) -> None:
    setup = copy.deepcopy(SETUP)
    for path, value in changes:
        node = setup
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this path
    try:
        cfg = LiveConfig.from_dict({"setup": setup})
    except (ConfigError, AudioError) as e:
        assert str(e)
        return
    _usable(cfg)


FIELDS = [f.name for f in dataclasses.fields(LiveConfig)]


@FUZZ
@given(st.dictionaries(st.sampled_from(FIELDS), config_tree, max_size=5))
def test_keyword_construction_and_replace_give_typed_errors(kwargs: dict[str, Any]) -> None:
    for build in (
        lambda: LiveConfig(**kwargs),
        lambda: LiveConfig().replace(**kwargs),
        lambda: LiveConfig.coerce(None, **kwargs),
    ):
        try:
            cfg = build()
        except (ConfigError, AudioError) as e:
            assert str(e)
            continue
        _usable(cfg)


def _usable(cfg: LiveConfig) -> None:
    """A config that was accepted must also repr, check and build a setup message."""
    repr(cfg)
    cfg._repr_html_()
    cfg.to_dict()
    for dialect in ("google", "mixroute"):
        try:
            setup = cfg.to_setup(
                cfg.model or "gemini-2.5-flash-native-audio-preview-12-2025", dialect
            )
        except ConfigError:
            continue
        text = p.dumps(setup)
        for number in json.loads(text)["setup"].get("generationConfig", {}).values():
            assert not (isinstance(number, float) and not math.isfinite(number))


ENDPOINT_WORDS = [
    "google", "mixroute", "ephemeral", "emulator", "custom", "GOOGLE", " google ",
    "ws://127.0.0.1:1", "wss://example.com/live?key=SECRETKEY123456", "ws://h/v1beta/models/m/liveStream",
    "wss://x/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent",
    "http://x", "ws://", "wss://[::1", "ws://h:99999", "AIzaSyFAKEFAKEFAKEFAKEFAKE", "sk-abc", "",
    "ws://h/{model}", "wss://h/?access_token=auth_tokens/x&key=y",
]  # fmt: skip
any_value = st.one_of(scalars, st.sampled_from(ENDPOINT_WORDS), config_tree)


@FUZZ
@given(
    st.one_of(st.sampled_from(ENDPOINT_WORDS), st.text(max_size=40), any_value),
    st.one_of(st.none(), st.sampled_from(["AIzaFAKEKEY", "sk-x", "auth_tokens/t", ""]), any_value),
    st.one_of(st.none(), st.sampled_from(ENUM_WORDS), any_value),
    st.one_of(st.none(), st.sampled_from(["v1", "v1beta", "v1alpha", "v2"]), any_value),
    st.dictionaries(
        st.sampled_from(
            ["GEMINI_API_KEY", "GOOGLE_API_KEY", "MIXROUTE_API_KEY", "GEMLIVE_ENDPOINT"]
        ),
        st.one_of(st.sampled_from(ENDPOINT_WORDS), st.text(max_size=20)),
        max_size=3,
    ),
)
def test_resolve_endpoint_gives_an_endpoint_or_config_error(
    endpoint: Any, api_key: Any, model: Any, version: Any, env: dict[str, str]
) -> None:
    # keys given where keys go (api_key=, the environment, a URL's ?key=) must never show
    given = [api_key, *(v for k, v in env.items() if k != "GEMLIVE_ENDPOINT")]
    plain = {w.strip().lower() for w in (*ENDPOINT_WORDS, *ENUM_WORDS)}
    echoed = f"{endpoint!s} {model!s} {version!s} {env.get('GEMLIVE_ENDPOINT')}"
    secrets = [
        k.strip()
        for k in given
        if isinstance(k, str) and len(k.strip()) >= 8
        if k.strip().lower() not in plain and k.strip() not in echoed  # not echoed elsewhere
    ]
    in_url = any("SECRETKEY123456" in str(x) for x in (endpoint, env.get("GEMLIVE_ENDPOINT")))
    if in_url and "SECRETKEY123456" not in f"{model!s} {version!s}":
        secrets.append("SECRETKEY123456")
    try:
        ep = resolve_endpoint(
            endpoint, api_key=api_key, model=model, api_version=version, environ=env
        )
    except ConfigError as e:
        assert not [k for k in secrets if k in str(e)]
        return
    text = repr(ep) + ep.describe()
    assert not [k for k in secrets if k in text]
    assert ep.api_key is None or isinstance(ep.api_key, Secret)
    if ep.url is not None:
        ep.connect_url()
        ep.headers()
