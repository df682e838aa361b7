"""Strict mode: the emulator parses client messages as the service does; the kit's setups pass."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import Any

import pytest
import websockets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gemlive_nb.catalog import MODELS
from gemlive_nb.config import CompressionConfig, LiveConfig, VadConfig
from gemlive_nb.emulator import Emulator
from gemlive_nb.emulator.strict import check_message
from gemlive_nb.emulator.wire_schema import MODELS as WIRE_MODELS
from gemlive_nb.exceptions import ConfigError
from gemlive_nb.tools import declare

MODEL = "gemini-2.5-flash-native-audio-preview-12-2025"


@pytest.fixture(scope="module")
def strict_emulator():
    with Emulator(speech="builtin") as emu:
        yield emu


@pytest.fixture(scope="module")
def lenient_emulator():
    with Emulator(speech="builtin", strict=False) as emu:
        yield emu


async def _open(url: str, setup: dict[str, Any], then: list[dict] = ()) -> tuple[Any, str]:
    """Send a setup (and more messages); return (close code or 'ok', reason)."""
    async with websockets.connect(url, open_timeout=10) as ws:
        await ws.send(json.dumps(setup))
        for msg in then:
            await ws.send(json.dumps(msg))
        try:
            first = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if "setupComplete" not in first:
                return "unexpected", str(first)
            if then:
                await asyncio.wait_for(ws.recv(), 5)  # the close comes next
        except websockets.ConnectionClosed:
            return ws.close_code, ws.close_reason
        return "ok", ""


def _setup(**extra: Any) -> dict[str, Any]:
    return {"setup": {"model": f"models/{MODEL}", **extra}}


BAD = [
    (_setup(foo=1), "Unknown name \"foo\" at 'setup': Cannot find field."),
    (
        _setup(generationConfig={"responseModalities": ["AUDIO"], "bar": 2}),
        "Unknown name \"bar\" at 'setup.generation_config'",
    ),
    (_setup(speechConfig={"voiceConfig": {}}), "Unknown name \"speechConfig\" at 'setup'"),
    (
        _setup(generationConfig={"responseModalities": ["audio"]}),
        '(Modality), "audio"',
    ),
    (
        _setup(realtimeInputConfig={"activityHandling": "no_interruption"}),
        '"no_interruption"',
    ),
    (
        _setup(
            tools=[
                {
                    "functionDeclarations": [
                        {"name": "f", "parameters": {"type": "OBJECT", "additionalPropertiez": 1}}
                    ]
                }
            ]
        ),
        'Unknown name "additionalPropertiez"',
    ),
    (
        _setup(tools=[{"functionDeclarations": [{"name": "f", "parameters": {"type": "object"}}]}]),
        '(Type), "object"',
    ),
    (
        _setup(
            tools=[
                {
                    "functionDeclarations": [
                        {"name": "f", "parameters": {"type": "OBJECT", "$schema": "x"}}
                    ]
                }
            ]
        ),
        'Unknown name "$schema"',
    ),
    (_setup(generationConfig={"responseMimeType": "application/json"}), "response_mime_type"),
    (_setup(generationConfig={"temperature": "hot"}), 'temperature\' (TYPE_DOUBLE), "hot"'),
]


LENIENT_ACCEPTS = {BAD[i][1] for i in (0, 1, 3, 5, 6, 7)}


@pytest.mark.parametrize(("message", "needle"), BAD)
async def test_strict_emulator_refuses_what_the_service_refuses(
    strict_emulator, lenient_emulator, message, needle
):
    code, reason = await _open(strict_emulator.google_url(), message)
    assert code == 1007, reason
    assert needle in reason and len(reason.encode()) < 123
    if needle in LENIENT_ACCEPTS:  # strict=False keeps the old, forgiving behaviour
        assert (await _open(lenient_emulator.google_url(), message))[0] == "ok"


@pytest.mark.parametrize(
    ("message", "needle"),
    [
        (
            {"realtimeInput": {"audio": {"data": "AAAA", "mimeType": "audio/pcm", "rate": 1}}},
            "rate",
        ),
        ({"realtimeInput": {"text": "hi", "txt": "x"}}, "txt"),
        ({"clientContent": {"turns": [{"role": "user", "parts": [{"txt": "hi"}]}]}}, "txt"),
        ({"toolResponse": {"functionResponses": [{"id": "1", "reply": {}}]}}, "reply"),
    ],
)
async def test_unknown_fields_after_setup_close_1007(strict_emulator, message, needle):
    code, reason = await _open(strict_emulator.google_url(), _setup(), [message])
    assert code == 1007 and f'Unknown name "{needle}"' in reason, reason


def test_snake_case_spellings_parse_like_camel_case():
    check_message({"setup": {"generation_config": {"response_modalities": ["AUDIO"]}}})
    check_message({"realtime_input": {"audio": {"data": "AAAA", "mime_type": "audio/pcm"}}})


def _json_values() -> st.SearchStrategy[Any]:
    return st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
        ),
        max_leaves=8,
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.text(min_size=1, max_size=12), _json_values(), max_size=4))
def test_any_setup_either_parses_or_is_refused_with_1007(body):
    from gemlive_nb.emulator.setup import Rejected

    try:
        check_message({"setup": body})
    except Rejected as e:
        assert e.code == 1007 and len(e.reason.encode()) < 123
    else:
        fields = {
            k
            for camel, (snake, _) in WIRE_MODELS["LiveClientSetup"].items()
            for k in (camel, snake)
        }
        assert set(body) <= fields


# ---------------------------------------------------------------- every setup the kit builds


def get_weather(city: str, unit: str = "celsius") -> dict:
    """The weather in a city."""
    return {}


RAW_TOOL = {
    "name": "lookup",
    "description": "Look a word up.",
    "parameters": {"type": "OBJECT", "properties": {"word": {"type": "STRING"}}},
}

VARIANTS: list[dict[str, Any]] = [
    {"voice": "Puck", "language": "de-DE", "system_instruction": "Be brief."},
    {"temperature": 0.4, "top_p": 0.9, "top_k": 20, "max_output_tokens": 200, "seed": 7},
    {"tools": (get_weather, RAW_TOOL), "google_search": True},
    {"transcribe_input": False, "transcribe_output": False},
    {
        "vad": VadConfig(
            start_sensitivity="low",
            end_sensitivity="high",
            prefix_padding_ms=40,
            silence_duration_ms=600,
        )
    },
    {"vad": VadConfig(disabled=True), "activity_handling": "no_interruption"},
    {"turn_coverage": "all_input"},
    {"turn_coverage": "audio_activity_and_all_video"},
    {"proactive_audio": True, "affective_dialog": True},
    {"resumption": False},
    {"compression": CompressionConfig(trigger_tokens=20000, target_tokens=10000)},
    {"compression": CompressionConfig()},
    {"media_resolution": "low"},
    {"thinking_budget": 256, "include_thoughts": True},
    {"thinking_level": "low"},
    {"modalities": ("TEXT",)},
    {"modalities": ("AUDIO", "TEXT")},
    {"voice": None, "language": None, "modalities": None},
    {"url_context": True, "labels": {"team": "voice"}},
    {"seed_history": True},
    {"translation": {"target_language_code": "fr-FR"}},
    {"explicit_vad_signal": True},
    {"custom_voice": {"voice": "speaker-1"}, "language_code": "en-US"},
    {"voice": None, "custom_voice": {"replicated_voice_config": {"mime_type": "audio/wav"}}},
    {"interim_timestamps": True, "transparent_resumption": True},
    {
        "safety_settings": (
            {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"},
        )
    },
]
DIALECTS = ("google", "mixroute", "vertex", "emulator")


def test_the_variants_cover_every_live_config_field():
    used = {k for v in VARIANTS for k in v}
    every = {f.name for f in dataclasses.fields(LiveConfig)} - {"model", "allow_unknown_model"}
    assert every <= used, every - used


def _url(emu: Emulator, dialect: str, model: str) -> str:
    if dialect == "mixroute":
        return emu.proxy_url(model)
    if dialect == "vertex":
        return f"{emu.url}/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
    return emu.google_url("v1alpha")


async def test_every_setup_the_kit_builds_is_accepted_by_the_strict_emulator(strict_emulator):
    sent = {i: 0 for i in range(len(VARIANTS))}
    for i, variant in enumerate(VARIANTS):
        for dialect in DIALECTS:
            for model in (m.name for m in MODELS):
                try:
                    setup = LiveConfig(**variant).to_setup(model, dialect, declare)
                except ConfigError:
                    continue  # the kit refuses this combination itself: nothing is sent
                setup["setup"].pop("model") if dialect == "vertex" else None
                if dialect == "vertex":
                    setup["setup"]["model"] = (
                        f"projects/p/locations/l/publishers/google/models/{model}"
                    )
                code, reason = await _open(_url(strict_emulator, dialect, model), setup)
                assert code == "ok", (variant, dialect, model, code, reason, setup)
                sent[i] += 1
    assert all(sent.values()), [VARIANTS[i] for i, n in sent.items() if not n]
