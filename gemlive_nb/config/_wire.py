"""LiveConfig into the wire ``setup`` message (PROTOCOL.md §2), per endpoint dialect.

:func:`build_setup` is the one producer of a setup: :meth:`LiveConfig.to_setup`, every
connection's :class:`~gemlive_nb.endpoints.LinkPlan` (Vertex's model path, the resumption handle,
the mixroute modality fallback), ``create_ephemeral_token``'s locked setup and
``update_context``'s wire fields all come from it; nothing patches its result afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import EllipsisType
from typing import TYPE_CHECKING, Any

from ..catalog import MODELS, Model
from ..exceptions import ConfigError
from ..tools import declare
from ..tools._specs import wire_declaration
from ._checks import (
    ACTIVITY_HANDLING,
    MEDIA_RESOLUTION,
    THINKING_LEVELS,
    TURN_COVERAGE,
    InstructionText,
    resolve_model,
)

if TYPE_CHECKING:
    from ._shape import Settings


Declare = Callable[[Callable[..., Any]], Mapping[str, Any]]


def build_setup(
    cfg: Settings,
    model: str | None,
    dialect: str,
    declare_callable: Declare | None = None,
    *,
    model_path: str | None = None,
    handle: str | EllipsisType | None = ...,
    audio_only: bool = False,
    for_token: bool = False,
) -> dict[str, Any]:
    """The ``{"setup": {...}}`` message for ``cfg`` (see :meth:`LiveConfig.to_setup`).

    - ``model_path``: the full model name the endpoint needs (Vertex AI:
      ``projects/…/publishers/google/models/…``); there ``responseModalities`` defaults to
      ``["AUDIO"]``, as the google-genai SDK sets it on Vertex (``live.py``).
    - ``handle``: the resumption handle of this connection (``...``: the config's own; None:
      a fresh session). Sent only when ``cfg.resumption`` is on, with Vertex's
      ``transparent`` flag on every connection.
    - ``audio_only``: the mixroute modality fallback (:mod:`gemlive_nb.session.modalities`):
      ``["AUDIO"]`` plus output transcription.
    - ``for_token``: the setup an ephemeral token locks (no per-connection resumption).

    Example: ``build_setup(LiveConfig(voice="Puck"), "gemini-live-2.5-flash", "google")``.
    """
    name = cfg.model or (
        resolve_model(model, cfg.allow_unknown_model) if model is not None else None
    )
    if name is None:
        raise ConfigError(
            "no model: pass LiveConfig(model=...) or connect to an endpoint with a model"
        )
    entry = MODELS.get(name)
    cfg.check(entry, dialect)
    setup: dict[str, Any] = {"model": model_path or model_ref(name, dialect)}

    gen: dict[str, Any] = {}
    if audio_only:
        gen["responseModalities"] = ["AUDIO"]
    elif cfg.modalities:
        gen["responseModalities"] = _modalities(cfg, dialect)
    elif model_path is not None:  # as the SDK does on Vertex
        gen["responseModalities"] = ["AUDIO"]
    for attr, key in (("temperature", "temperature"), ("top_p", "topP"), ("top_k", "topK"),
                      ("max_output_tokens", "maxOutputTokens"), ("seed", "seed")):  # fmt: skip
        if getattr(cfg, attr) is not None:
            gen[key] = getattr(cfg, attr)
    if cfg.media_resolution:
        gen["mediaResolution"] = MEDIA_RESOLUTION[cfg.media_resolution]
    speech: dict[str, Any] = {}
    voice = {"prebuiltVoiceConfig": {"voiceName": cfg.voice}} if cfg.voice else {}
    if cfg.custom_voice is not None:
        voice.update(cfg.custom_voice.to_wire())
    if voice or cfg.custom_voice is not None:
        speech["voiceConfig"] = voice
    if cfg.language_code is not None:  # as given (LiveConfig.check refuses it where rejected)
        speech["languageCode"] = cfg.language_code
    elif cfg.language and entry is not None and entry.accepts_language_code:
        speech["languageCode"] = cfg.language
    if speech:
        gen["speechConfig"] = speech
    thinking: dict[str, Any] = {}
    if cfg.thinking_budget is not None:
        thinking["thinkingBudget"] = cfg.thinking_budget
    if cfg.thinking_level is not None:
        thinking["thinkingLevel"] = THINKING_LEVELS[cfg.thinking_level]
    if cfg.include_thoughts is not None:
        thinking["includeThoughts"] = cfg.include_thoughts
    if thinking:
        gen["thinkingConfig"] = thinking
    if cfg.affective_dialog:
        gen["enableAffectiveDialog"] = True
    if cfg.translation is not None:
        gen["translationConfig"] = cfg.translation.to_wire()
    if gen:
        setup["generationConfig"] = gen

    instruction = cfg.effective_system_instruction
    if isinstance(instruction, InstructionText):  # a wire/SDK Content: its own parts and role
        setup["systemInstruction"] = instruction.wire
    elif instruction:
        setup["systemInstruction"] = {"parts": [{"text": instruction}], "role": "user"}
    tools = _wire_tools(cfg, entry, declare_callable or declare)
    if tools:
        setup["tools"] = tools

    realtime: dict[str, Any] = {}
    detection = cfg.vad.to_wire() if cfg.vad else {}
    if detection:
        realtime["automaticActivityDetection"] = detection
    if cfg.activity_handling:
        realtime["activityHandling"] = ACTIVITY_HANDLING[cfg.activity_handling]
    if cfg.turn_coverage:
        realtime["turnCoverage"] = TURN_COVERAGE[cfg.turn_coverage]
    if cfg.interim_timestamps is not None:  # SDK RealtimeInputConfig; service use unverified
        realtime["interimTranscriptTimestampEnabled"] = cfg.interim_timestamps
    if realtime:
        setup["realtimeInputConfig"] = realtime
    if cfg.resumption and not for_token:  # a token must not forbid resuming a session
        if handle is ...:
            handle = cfg.resumption if isinstance(cfg.resumption, str) else None
        setup["sessionResumption"] = {"handle": handle} if handle else {}
        if cfg.transparent_resumption:  # Vertex only (LiveConfig.check)
            setup["sessionResumption"]["transparent"] = True
    if cfg.compression:
        setup["contextWindowCompression"] = cfg.compression.to_wire()
    for attr, key in (("transcribe_input", "inputAudioTranscription"),
                      ("transcribe_output", "outputAudioTranscription")):  # fmt: skip
        options = getattr(cfg, attr)
        if options:
            setup[key] = {} if options is True else options.to_wire()
    if audio_only:
        setup.setdefault("outputAudioTranscription", {})
    if cfg.proactive_audio:
        setup["proactivity"] = {"proactiveAudio": True}
    if cfg.explicit_vad_signal is not None:
        setup["explicitVadSignal"] = cfg.explicit_vad_signal
    if cfg.seed_history:
        setup["historyConfig"] = {"initialHistoryInClientContent": True}
    if cfg.safety_settings:
        setup["safetySettings"] = [dict(s) for s in cfg.safety_settings]
    if cfg.labels:
        setup["labels"] = dict(cfg.labels)
    return {"setup": setup}


def _modalities(cfg: Settings, dialect: str) -> list[str]:
    modalities = list(cfg.modalities or ())
    # The mixroute proxy sends output transcripts only when "TEXT" is asked for too (its FAQ):
    # ask for both there, or the transcript stays empty.
    if dialect == "mixroute" and cfg.transcribe_output and modalities == ["AUDIO"]:
        modalities.append("TEXT")
    return modalities


def model_ref(name: str, dialect: str) -> str:
    """How ``dialect`` names a model in ``setup.model``: ``models/x``, bare, or Vertex's path."""
    if "/" in name:
        return name
    if dialect == "mixroute":
        return name  # the proxy's documented setup uses the bare id (the path names it too)
    if dialect == "vertex":
        return f"publishers/google/models/{name}"
    return f"models/{name}"


def check_declarations(tools: list[dict[str, Any]], model: Model | None) -> None:
    """Raise ConfigError for a NON_BLOCKING declaration on a model that cannot take it."""
    if model is None or model.non_blocking_tools:
        return
    for tool in tools:
        if tool.get("behavior") == "NON_BLOCKING":
            raise ConfigError(
                f"tool {tool['name']!r} is NON_BLOCKING, which {model.name!r} does not "
                "support — drop behavior='NON_BLOCKING' or use a 2.5 model"
            )


def _wire_tools(cfg: Settings, model: Model | None, declare_fn: Declare) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    declarations: list[dict[str, Any]] = []
    has_search_dict = any(isinstance(t, dict) and "googleSearch" in t for t in cfg.tools)
    if cfg.google_search and not has_search_dict:
        entries.append({"googleSearch": {}})
    if cfg.url_context and not any(isinstance(t, dict) and "urlContext" in t for t in cfg.tools):
        entries.append({"urlContext": {}})
    for tool in cfg.tools:
        if callable(tool):
            declarations.append(wire_declaration(declare_fn(tool)))
        elif "name" in tool:
            declarations.append(tool)
        else:
            entries.append(tool)
    names = [d["name"] for d in declarations]
    if len(set(names)) != len(names):
        dupe = next(n for n in names if names.count(n) > 1)
        raise ConfigError(f"tool {dupe!r} is declared twice — give each tool a unique name")
    check_declarations(declarations, model)
    if declarations:
        entries.append({"functionDeclarations": declarations})
    return entries
