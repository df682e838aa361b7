"""Validate a Live ``setup`` message the way the service does, and keep what a session needs.

Errors are never JSON messages: a bad setup ends in a close frame (PROTOCOL.md §1), so
:func:`validate_setup` raises :class:`Rejected` carrying the close code and a reason under
123 bytes that names the field. Example::

    cfg = validate_setup(normalize_keys(msg["setup"]), dialect="google")
    cfg.voice, cfg.language, cfg.audio_out     # ('Zephyr', 'en-US', True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import protocol as p
from ..catalog import (
    DEFAULT_GOOGLE_MODEL,
    DEFAULT_LANGUAGE,
    DEFAULT_MIXROUTE_MODEL,
    DEFAULT_VOICE,
    LANGUAGES,
    MODELS,
    VOICES,
    Model,
    normalize_language_code,
)
from ..exceptions import ConfigError
from ..protocol.service_rules import INVALID, LATEST, ModelRules

__all__ = [
    "INVALID",
    "FunctionDecl",
    "Rejected",
    "SessionSetup",
    "close_reason",
    "model_id",
    "validate_setup",
]

_SCHEMA_TYPES = frozenset({"string", "number", "integer", "boolean", "array", "object", "null"})
_START = {"START_SENSITIVITY_UNSPECIFIED", "START_SENSITIVITY_HIGH", "START_SENSITIVITY_LOW"}
_END = {"END_SENSITIVITY_UNSPECIFIED", "END_SENSITIVITY_HIGH", "END_SENSITIVITY_LOW"}
_HANDLING = {"ACTIVITY_HANDLING_UNSPECIFIED", "START_OF_ACTIVITY_INTERRUPTS", "NO_INTERRUPTION"}
_BEHAVIOR = {"UNSPECIFIED", "BLOCKING", "NON_BLOCKING"}


def close_reason(text: str) -> str:
    """``text`` cut to fit a close frame (the reason must stay under 123 bytes of UTF-8)."""
    raw = text.encode()
    if len(raw) <= 122:
        return text
    return raw[:119].decode(errors="ignore") + "..."


class Rejected(Exception):
    """The session must end with this close ``code`` and ``reason``."""

    def __init__(self, code: int, reason: str) -> None:
        self.code = code
        self.reason = close_reason(reason)
        super().__init__(f"{code} {self.reason}")


def _invalid(detail: str) -> Rejected:
    return Rejected(1007, f"{INVALID} {detail}")


@dataclass
class FunctionDecl:
    """One declared function: its schema (lower-cased types) and blocking behaviour."""

    name: str
    description: str
    properties: dict[str, dict[str, Any]]
    required: list[str]
    non_blocking: bool = False


@dataclass
class SessionSetup:
    """The parts of a validated setup the emulator acts on; ``raw`` is the normalised setup."""

    model: str
    model_info: Model | None
    modalities: tuple[str, ...]
    voice: str
    language: str
    system_instruction: str
    functions: list[FunctionDecl]
    google_search: bool
    aad: dict[str, Any]
    aad_disabled: bool
    interrupts: bool
    input_transcription: bool
    output_transcription: bool
    resumption: bool
    resume_handle: str | None
    raw: dict[str, Any] = field(default_factory=dict)
    compression: tuple[int, int] | None = None  # (triggerTokens, slidingWindow.targetTokens)
    proactive_audio: bool = False
    affective: bool = False
    translate_to: str | None = None  # the target language of a live-translation model
    seed_history: bool = False  # historyConfig.initialHistoryInClientContent
    regime: str = LATEST  # the dated service rules this session is held to
    rules: ModelRules | None = None  # the model's service rules (None: an unknown model)

    @property
    def audio_out(self) -> bool:
        """Whether the session answers with audio."""
        return "AUDIO" in self.modalities

    @property
    def text_out(self) -> bool:
        """Whether the session answers with text."""
        return "TEXT" in self.modalities


def model_id(name: str) -> str:
    """The bare model id of ``models/x``, ``publishers/google/models/x`` or ``projects/…/x``."""
    return name.rsplit("models/", 1)[-1].strip("/") if "models/" in name else name.strip("/")


def content_text(content: Any) -> str:
    """The text parts of a Content (or a plain string) joined with spaces."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        parts = content.get("parts") or []
        return " ".join(p["text"] for p in parts if isinstance(p, dict) and "text" in p)
    if isinstance(content, list):
        return " ".join(content_text(c) for c in content)
    return ""


def _language(speech: dict[str, Any], system: str) -> str:
    code = speech.get("languageCode")
    if code:
        try:
            return normalize_language_code(str(code))
        except ConfigError:
            raise Rejected(1007, f"Unsupported language code '{code}'") from None
    lowered = system.lower()
    for lang in LANGUAGES:
        if lang.name.split(" (")[0].lower() in lowered:
            return lang.code
    return DEFAULT_LANGUAGE


def _voice(speech: dict[str, Any]) -> str:
    if "multiSpeakerVoiceConfig" in speech:
        raise _invalid("speechConfig.multiSpeakerVoiceConfig is not supported in Live")
    name = speech.get("voiceConfig", {}).get("prebuiltVoiceConfig", {}).get("voiceName")
    if name is None:
        return DEFAULT_VOICE
    voice = VOICES.get(str(name))
    if voice is None:
        raise _invalid(f"voiceName '{name}' is not a supported voice")
    return voice.name


def _modalities(
    gen: dict[str, Any], rules: ModelRules | None, dialect: str, regime: str
) -> tuple[str, ...]:
    raw = gen.get("responseModalities") or ["AUDIO"]
    if not isinstance(raw, list):
        raise _invalid("generationConfig.responseModalities must be a list")
    mods = tuple(dict.fromkeys(str(m).upper() for m in raw))
    bad = [m for m in mods if m not in ("AUDIO", "TEXT")]
    if bad:
        raise _invalid(f"responseModalities value '{bad[0]}' is not TEXT or AUDIO")
    if len(mods) > 1 and dialect != "mixroute":
        raise _invalid("responseModalities: only one of TEXT or AUDIO may be set")
    if mods == ("TEXT",) and rules is not None:
        refusal = rules.refuse_text_modality.at(regime).value  # the service's rules table
        if refusal is not None:
            raise Rejected(refusal.code, refusal.reason)
    return mods


def _refuse_code_execution(tools: Any, rules: ModelRules | None) -> None:
    """A ``codeExecution`` tool on a model whose rules refuse it closes as the service does."""
    refusal = rules.refuse_code_execution.value if rules is not None else None
    tool_list = [tools] if isinstance(tools, dict) else tools if isinstance(tools, list) else []
    if refusal is not None and any(isinstance(t, dict) and "codeExecution" in t for t in tool_list):
        raise Rejected(refusal.code, refusal.reason)


def _check_schema(schema: Any, where: str, fn: str) -> None:
    if not isinstance(schema, dict):
        raise _invalid(f"function '{fn}': {where} must be an object")
    kind = schema.get("type")
    if isinstance(kind, list):  # JSON Schema allows ["string", "null"]
        kinds = [str(k).lower() for k in kind]
    else:
        kinds = [str(kind).lower()] if kind is not None else []
    for k in kinds:
        if k not in _SCHEMA_TYPES:
            raise _invalid(f"function '{fn}': {where}.type '{kind}' is not a schema type")
    if "array" in kinds and "items" not in schema:
        raise _invalid(f"function '{fn}': {where}.items is required for an ARRAY")
    props = schema.get("properties") or {}
    if not isinstance(props, dict):
        raise _invalid(f"function '{fn}': {where}.properties must be an object")
    for name, sub in props.items():
        _check_schema(sub, f"{where}.properties.{name}", fn)
    if "items" in schema:
        _check_schema(schema["items"], f"{where}.items", fn)
    required = schema.get("required") or []
    if not isinstance(required, list):
        raise _invalid(f"function '{fn}': {where}.required must be a list")
    for name in required:
        if name not in props:
            raise _invalid(f"function '{fn}': {where}.required names '{name}', not a property")


def _lower_types(schema: dict[str, Any]) -> dict[str, Any]:
    out = dict(schema)
    if isinstance(out.get("type"), str):
        out["type"] = out["type"].lower()
    if isinstance(out.get("properties"), dict):
        out["properties"] = {k: _lower_types(v) for k, v in out["properties"].items()}
    if isinstance(out.get("items"), dict):
        out["items"] = _lower_types(out["items"])
    return out


def _functions(tools: Any) -> tuple[list[FunctionDecl], bool]:
    if isinstance(tools, dict):  # the proxy docs show a single tool object
        tools = [tools]
    if not isinstance(tools, list):
        raise _invalid("tools must be a list of Tool objects")
    decls: list[FunctionDecl] = []
    search = False
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict):
            raise _invalid(f"tools[{i}] must be an object")
        search = search or "googleSearch" in tool or "googleSearchRetrieval" in tool
        for j, fd in enumerate(tool.get("functionDeclarations") or []):
            decls.append(_function(fd, f"tools[{i}].functionDeclarations[{j}]"))
    names = [d.name for d in decls]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup:
        raise _invalid(f"function '{dup}' is declared twice (functionDeclarations.name)")
    return decls, search


def _function(fd: Any, where: str) -> FunctionDecl:
    if not isinstance(fd, dict):
        raise _invalid(f"{where} must be an object")
    name = fd.get("name")
    if not isinstance(name, str) or not p.TOOL_NAME_RE.fullmatch(name):
        raise _invalid(f"{where}.name {name!r} is not a valid function name")
    if "parameters" in fd and "parametersJsonSchema" in fd:
        raise _invalid(f"function '{name}': set parameters or parametersJsonSchema, not both")
    schema = fd.get("parameters", fd.get("parametersJsonSchema"))
    props: dict[str, Any] = {}
    required: list[str] = []
    if schema is not None:
        key = "parameters" if "parameters" in fd else "parametersJsonSchema"
        _check_schema(schema, key, name)
        lowered = _lower_types(schema)
        if lowered.get("type") not in (None, "object"):
            raise _invalid(f"function '{name}': {key}.type must be OBJECT")
        props = lowered.get("properties") or {}
        required = list(lowered.get("required") or [])
    behavior = str(fd.get("behavior", "UNSPECIFIED")).upper()
    if behavior not in _BEHAVIOR:
        raise _invalid(f"function '{name}': behavior '{behavior}' is not BLOCKING/NON_BLOCKING")
    return FunctionDecl(
        name, str(fd.get("description", "")), props, required, behavior == "NON_BLOCKING"
    )


def _realtime(setup: dict[str, Any]) -> tuple[dict[str, Any], bool, bool]:
    ric = setup.get("realtimeInputConfig") or {}
    aad = dict(ric.get("automaticActivityDetection") or {})
    for key, allowed in (("startOfSpeechSensitivity", _START), ("endOfSpeechSensitivity", _END)):
        if key in aad and aad[key] not in allowed:
            raise _invalid(f"automaticActivityDetection.{key} '{aad[key]}' is not a valid value")
    for key in ("prefixPaddingMs", "silenceDurationMs"):
        if key in aad and (not isinstance(aad[key], (int, float)) or aad[key] < 0):
            raise _invalid(f"automaticActivityDetection.{key} must be a non-negative number")
    handling = ric.get("activityHandling", "START_OF_ACTIVITY_INTERRUPTS")
    if handling not in _HANDLING:
        raise _invalid(f"realtimeInputConfig.activityHandling '{handling}' is not a valid value")
    return aad, bool(aad.get("disabled", False)), handling != "NO_INTERRUPTION"


def validate_setup(
    setup: Any,
    *,
    dialect: str = "google",
    path_model: str | None = None,
    allow_unknown_models: bool = False,
    regime: str = LATEST,
) -> SessionSetup:
    """Check a normalised (camelCase) setup; raise :class:`Rejected` as the service would.

    ``path_model`` is the model named in a proxy URL (``/v1beta/models/{model}/liveStream``);
    ``regime`` the dated service rules to hold it to (:mod:`gemlive_nb.protocol.service_rules`).
    """
    if not isinstance(setup, dict):
        raise _invalid("setup must be an object")
    default = DEFAULT_MIXROUTE_MODEL if dialect == "mixroute" else DEFAULT_GOOGLE_MODEL
    raw_model = setup.get("model") or path_model or (default if dialect == "mixroute" else None)
    if not raw_model or not isinstance(raw_model, str):
        raise _invalid("setup.model is required (e.g. 'models/" + default + "')")
    mid = model_id(raw_model)
    info = MODELS.get(mid)
    if info is None and not allow_unknown_models:
        raise Rejected(1008, f"Requested entity was not found. Unknown model '{raw_model}'")
    gen = setup.get("generationConfig") or {}
    if not isinstance(gen, dict):
        raise _invalid("setup.generationConfig must be an object")
    rules = info.rules if info is not None else None
    modalities = _modalities(gen, rules, dialect, regime)
    _refuse_code_execution(setup.get("tools"), rules)
    speech = dict(setup.get("speechConfig") or {}, **(gen.get("speechConfig") or {}))
    system = content_text(setup.get("systemInstruction"))
    functions, search = _functions(setup.get("tools") or [])
    aad, aad_disabled, interrupts = _realtime(setup)
    resumption = setup.get("sessionResumption")
    language = _language(speech, system)
    translation = gen.get("translationConfig") or {}
    translate_to = translation.get("targetLanguageCode") if isinstance(translation, dict) else None
    if translate_to is None and "translate" in mid:
        translate_to = language
    return SessionSetup(
        model=mid,
        model_info=info,
        modalities=modalities,
        voice=_voice(speech),
        language=language,
        system_instruction=system,
        functions=functions,
        google_search=search,
        aad=aad,
        aad_disabled=aad_disabled,
        interrupts=interrupts,
        input_transcription="inputAudioTranscription" in setup,
        output_transcription="outputAudioTranscription" in setup,
        resumption=isinstance(resumption, dict),
        resume_handle=(resumption or {}).get("handle") or None,
        raw=setup,
        compression=_compression(setup.get("contextWindowCompression"), info),
        proactive_audio=bool((setup.get("proactivity") or {}).get("proactiveAudio")),
        affective=bool(gen.get("enableAffectiveDialog")),
        translate_to=translate_to,
        seed_history=bool((setup.get("historyConfig") or {}).get("initialHistoryInClientContent")),
        regime=regime,
        rules=rules,
    )


def _compression(cwc: Any, info: Model | None) -> tuple[int, int] | None:
    """(trigger, target) tokens; the service's defaults are 80 % of the window and half that."""
    if not isinstance(cwc, dict):
        return None
    window = getattr(info, "context_window", None) or 128_000
    trigger = int(cwc.get("triggerTokens") or window * 0.8)
    target = int((cwc.get("slidingWindow") or {}).get("targetTokens") or trigger // 2)
    return trigger, min(target, trigger)
