"""The data of :mod:`.service_rules`: each Live model's rules with their public sources.

A value no public source confirms says so: its source starts with ``"unverified"``. Regimes are
dated ``"YYYY-MM"`` (see :data:`.service_rules.REGIMES`). Not searched by the emulator's
docstring tests; read through :func:`.service_rules.rules_for`.
"""

from __future__ import annotations

from typing import Any

from ._rules_facts import (
    AUDIO_SESSION_S,
    CONNECTION_LIFETIME_S,
    INVALID,
    MEDIA_CHUNKS,
    ONE_MODALITY,
    REFUSE_MEDIA_CHUNKS_V1ALPHA,
    REGIMES,
    REPORTED,
    SESSION_DOC,
    UNVERIFIED,
    VIDEO_SESSION_S,
    Dated,
    Fact,
    ModelRules,
    Refusal,
)
from .constants import INPUT_RATE, MODALITY_REFUSAL, OUTPUT_RATE

__all__ = ["GLOBAL_FACTS", "MODEL_RULES"]

LAUNCH, LATER = REGIMES[0], REGIMES[1]

# --- public sources (Google's docs pages, SDK code, public issue threads, recorded frames) ---
DOC = "ai.google.dev/gemini-api/docs/"
D_31 = DOC + "models/gemini-3.1-flash-live-preview"
D_31_LATER = D_31 + " (later revision: send_client_content for the whole session)"
D_38 = DOC + "models/gemini-3.8-live (Sep 2026)"
D_38T = DOC + "models/gemini-3.8-live-extended-thinking (Sep 2026)"
D_THINK = DOC + "live-api/thinking"
D_TOOLS = DOC + "live-tools (tools per model)"
D_GUIDE = DOC + "live-api/capabilities (native audio, languages, affective, proactive)"
D_SESSION = SESSION_DOC
D_LIVE = DOC + "live (audio formats, clientContent vs realtimeInput, transcription)"
D_VERTEX = "docs.cloud.google.com/vertex-ai/generative-ai/docs/models/gemini/2-5-flash-live-api"
SDK = "google-genai SDK live.py / _live_converters.py"
ADK_5075 = "google/adk-python#5075, #5018 (3.1, Mar 2026)"
LK_5262 = "livekit/agents#5251, #5262 (3.1, Mar 2026)"
FRAMES_AUG = "pydantic/pydantic-ai tests/realtime/cassettes (recorded Aug 2026)"
NO_VOICES = "livekit/livekit#4103, googleapis/java-genai#803"
TEXT_31 = "googleapis/python-genai#2238 (Apr 2026)"
TEXT_VERTEX = "googleapis/python-genai#1780 (Vertex native audio, Nov 2025)"
SOKUJI = "kizuna-ai-lab/sokuji#150, google/adk-python#5075"
AGORA = "AgoraIO/agora-agents-python v2.9.0 release notes"
GUESS = UNVERIFIED

COMBO = MODALITY_REFUSAL
NO_CODE = "Code Execution tool is not supported for this model"

GLOBAL_FACTS: tuple[tuple[str, Fact[Any]], ...] = (
    ("Audio in", Fact(f"PCM16 mono at {INPUT_RATE // 1000} kHz (others resampled)", D_LIVE)),
    ("Audio out", Fact(f"PCM16 mono at {OUTPUT_RATE // 1000} kHz", D_LIVE)),
    ("Response modalities", Fact(f"one per session; AUDIO+TEXT: 1007 {INVALID}", ONE_MODALITY)),
    (
        "Connection lifetime",
        Fact(f"about {CONNECTION_LIFETIME_S.value / 60:.0f} min; goAway first", D_SESSION),
    ),
    (
        "Session length",
        Fact(
            f"{AUDIO_SESSION_S.value / 60:.0f} min audio, {VIDEO_SESSION_S.value / 60:.0f} min "
            "audio+video (unless compressed)",
            D_SESSION,
        ),
    ),
    ("Transparent resumption", Fact("Vertex AI only (the SDK refuses it elsewhere)", SDK)),
    ("`mediaChunks` on v1alpha", REFUSE_MEDIA_CHUNKS_V1ALPHA),
)

_COMMON: dict[str, Any] = dict(
    compression=Fact(True, D_SESSION),
    resumption=Fact(True, D_SESSION),
    transcription=Fact(True, D_LIVE),
    translation=Fact(False, D_GUIDE),
    url_context=Fact(False, D_TOOLS),
    history_needs_config=Dated.always(False, FRAMES_AUG),
    refuse_media_chunks=Fact(None, D_LIVE),  # deprecated, still taken (first chunk only)
)
_CLIENT_CONTENT_ALWAYS = Dated.always(True, D_LIVE)
_REFUSE_TEXT_25 = Dated(
    ((LAUNCH, Fact(Refusal(1007, "Cannot extract voices from a non-audio request."), NO_VOICES)),
     (LATER, Fact(Refusal(1007, COMBO), REPORTED)))
)  # fmt: skip
_REFUSE_TEXT_VERTEX = Dated(
    ((LAUNCH, Fact(Refusal(1007, INVALID), TEXT_VERTEX)),
     (LATER, Fact(Refusal(1007, COMBO), REPORTED)))
)  # fmt: skip
_NATIVE_25: dict[str, Any] = dict(
    _COMMON,
    native_audio=Fact(True, D_GUIDE),
    text_modality=Fact(False, D_GUIDE),
    language_code=Fact(False, D_GUIDE),
    affective_dialog=Fact(True, D_GUIDE),
    proactive_audio=Fact(True, D_GUIDE),
    thinking=Fact("budget", D_31),  # "3.1 uses thinkingLevel instead of thinkingBudget"
    non_blocking_tools=Fact(True, D_TOOLS),
    code_execution=Fact(False, D_TOOLS),
    google_search=Fact(True, D_TOOLS),
    context_window=Fact(128_000, D_VERTEX),
    realtime_text=Fact(True, SDK),
    client_content_mid_session=_CLIENT_CONTENT_ALWAYS,
    refuse_text_modality=_REFUSE_TEXT_25,
    refuse_code_execution=Fact(Refusal(1007, NO_CODE), REPORTED),
)
_HALF_CASCADE: dict[str, Any] = dict(
    _COMMON,
    native_audio=Fact(False, D_GUIDE),
    text_modality=Fact(True, D_GUIDE),
    language_code=Fact(True, D_GUIDE),
    affective_dialog=Fact(False, D_GUIDE),
    proactive_audio=Fact(False, D_GUIDE),
    thinking=Fact("none", GUESS),
    code_execution=Fact(True, GUESS),
    google_search=Fact(True, GUESS),
    url_context=Fact(False, GUESS),
    context_window=Fact(32_000, D_SESSION),
    realtime_text=Fact(True, SDK),
    client_content_mid_session=_CLIENT_CONTENT_ALWAYS,
    refuse_text_modality=Dated.always(None, D_GUIDE),
    refuse_code_execution=Fact(None, GUESS),
)
_GEN_3: dict[str, Any] = dict(
    _COMMON,
    native_audio=Fact(True, D_38),
    text_modality=Fact(False, D_38),  # "the supported response modality is audio"
    language_code=Fact(False, GUESS),
    affective_dialog=Fact(False, D_38),  # "removed from the API"
    proactive_audio=Fact(True, D_38),  # "permanently enabled; proactive_audio: false errors"
    thinking=Fact("none", D_38),  # "thinking_level is not supported: omit thinking_config"
    non_blocking_tools=Fact(True, D_38),  # NON_BLOCKING is the default; scheduling works
    code_execution=Fact(False, D_38),
    google_search=Fact(True, D_38),
    url_context=Fact(False, D_38),
    context_window=Fact(131_072, D_38),
    realtime_text=Fact(True, GUESS),
    client_content_mid_session=Dated.always(True, D_38),
    refuse_text_modality=Dated.always(Refusal(1007, COMBO), REPORTED),
    refuse_code_execution=Fact(Refusal(1007, NO_CODE), REPORTED),
    refuse_media_chunks=Fact(Refusal(1007, MEDIA_CHUNKS), GUESS),
)


def _unsourced(rules: dict[str, Any], **known: Any) -> dict[str, Any]:
    """``rules`` with every source marked unverified, then the ``known`` rules.

    For a model known only by its name and kind: its family's values, none of their sources.
    """
    out: dict[str, Any] = {}
    for key, value in rules.items():
        if isinstance(value, Fact):
            value = Fact(value.value, GUESS)
        elif isinstance(value, Dated):
            value = Dated(tuple((since, Fact(f.value, GUESS)) for since, f in value.history))
        out[key] = value
    return {**out, **known}


MODEL_RULES: tuple[ModelRules, ...] = (
    ModelRules(
        "gemini-3.8-live",
        "Gemini 3.8 Live: the docs' default low-latency voice model (audio out only)",
        endpoints=("google",),
        current=True,
        **_GEN_3,
    ),
    ModelRules(
        "gemini-3.8-live-extended-thinking",
        "Gemini 3.8 Live with background reasoning; async tools only; thinkingLevel",
        endpoints=("google",),
        current=True,
        **_unsourced(
            _GEN_3,
            native_audio=Fact(True, D_38T),  # "audio-to-audio model"
            thinking=Fact("level", f"{D_THINK}; {AGORA}"),  # low, medium or high
            non_blocking_tools=Fact(True, D_38T),  # "Function calling: supported (async only)"
            code_execution=Fact(False, D_38T),
            google_search=Fact(True, D_38T),
            url_context=Fact(False, D_38T),
            context_window=Fact(131_072, D_38T),
        ),
    ),
    ModelRules(
        "gemini-3.1-flash-live-preview",
        "Gemini 3.1 Flash Live (legacy preview): audio out only, synchronous tools",
        endpoints=("google",),
        current=True,
        **dict(
            _GEN_3,
            native_audio=Fact(True, D_31),
            text_modality=Fact(False, D_31),
            affective_dialog=Fact(False, D_31),  # "not supported yet: remove the config"
            proactive_audio=Fact(False, D_31),
            thinking=Fact("level", D_31),  # minimal (default), low, medium, high
            non_blocking_tools=Fact(False, D_31),  # "asynchronous function calling: not yet"
            code_execution=Fact(False, D_31),
            google_search=Fact(True, D_31),
            url_context=Fact(False, D_31),
            context_window=Fact(131_072, D_31),
            realtime_text=Fact(True, LK_5262),
            client_content_mid_session=Dated(
                (
                    (LAUNCH, Fact(False, ADK_5075 + "; " + LK_5262)),
                    (LATER, Fact(True, D_31_LATER + "; " + FRAMES_AUG)),
                )
            ),
            history_needs_config=Dated(
                ((LAUNCH, Fact(True, ADK_5075)), (LATER, Fact(False, FRAMES_AUG)))
            ),
            refuse_text_modality=Dated(
                (
                    (LAUNCH, Fact(Refusal(1011, "Internal error encountered."), TEXT_31)),
                    (LATER, Fact(Refusal(1007, COMBO), REPORTED)),
                )
            ),
            refuse_media_chunks=Fact(Refusal(1007, MEDIA_CHUNKS), SOKUJI),
        ),
    ),
    ModelRules(
        "gemini-3.5-live-translate-preview",
        "Live speech translation",
        endpoints=("google",),
        current=True,
        **_unsourced(
            _GEN_3,
            language_code=Fact(True, GUESS),
            proactive_audio=Fact(False, GUESS),
            non_blocking_tools=Fact(False, GUESS),
            translation=Fact(True, GUESS),
            context_window=Fact(128_000, GUESS),
            client_content_mid_session=Dated.always(False, GUESS),
        ),
    ),
    ModelRules(
        "gemini-2.5-flash-native-audio-preview-12-2025",
        "Native-audio 2.5 on the Gemini API (default on Google's endpoint)",
        endpoints=("google",),
        current=True,
        **_NATIVE_25,
    ),
    ModelRules(
        "gemini-2.5-flash-native-audio-latest",
        "Alias of the newest native-audio 2.5 preview",
        endpoints=("google",),
        current=True,
        **_NATIVE_25,
    ),
    ModelRules(
        "gemini-live-2.5-flash-native-audio",
        "GA native-audio model; the proxy's recommended model (also on Vertex AI)",
        endpoints=("mixroute", "vertex"),
        current=True,
        **dict(
            _NATIVE_25,
            language_code=Fact(True, D_VERTEX),  # "provide a language hint"
            refuse_text_modality=_REFUSE_TEXT_VERTEX,
        ),
    ),
    ModelRules(
        "gemini-live-2.5-flash",
        "Vertex AI's Live 2.5 Flash (private GA)",
        endpoints=("vertex",),
        current=True,
        **_unsourced(_NATIVE_25, language_code=Fact(True, GUESS)),
    ),
    ModelRules(
        "gemini-2.5-flash-native-audio-preview-09-2025",
        "Superseded native-audio 2.5 preview",
        endpoints=("google",),
        current=False,
        **_NATIVE_25,
    ),
    ModelRules(
        "gemini-live-2.5-flash-preview",
        "Superseded half-cascade 2.5 model (text or audio out, takes languageCode)",
        endpoints=("google",),
        current=False,
        **dict(_HALF_CASCADE, non_blocking_tools=Fact(True, GUESS)),
    ),
    ModelRules(
        "gemini-2.0-flash-live-001",
        "Superseded half-cascade 2.0 model",
        endpoints=("google", "vertex"),
        current=False,
        **dict(_HALF_CASCADE, non_blocking_tools=Fact(False, GUESS)),
    ),
)
