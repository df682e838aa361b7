"""LiveConfig: the settings of one Live session, validated, and turned into the ``setup`` message.

A config is built from keyword arguments or from a dict in any of the shapes people have at hand:
snake_case, camelCase, the google-genai SDK's ``LiveConnectConfig`` (dict or object), or a wire
``{"setup": {...}}`` message (PROTOCOL.md §2). Bad values fail at construction with a message that
names the value and the fix; model and endpoint limits are checked by :meth:`LiveConfig.check`
before connecting.

Example::

    cfg = LiveConfig(voice="Puck", language="de-DE", system_instruction="Be brief.")
    cfg.to_setup("gemini-2.5-flash-native-audio-preview-12-2025")   # {'setup': {...}}
    LiveConfig(voice="Zephir")   # ConfigError: unknown voice 'Zephir' — did you mean 'Zephyr'? …
"""

from __future__ import annotations

import dataclasses
import html
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from .catalog import DEFAULT_VOICE, LANGUAGES, MODELS, VOICES, Model
from .catalog import normalize_language_code as _normalize_language
from .catalog import unknown_name_error as _unknown
from .exceptions import ConfigError
from .protocol import normalize_keys, to_camel

__all__ = ["DIALECTS", "CompressionConfig", "LiveConfig", "VadConfig"]

DIALECTS = ("google", "mixroute", "vertex", "emulator")
MODALITIES = ("AUDIO", "TEXT")
TOOL_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")

# short name used in LiveConfig -> wire enum value
ACTIVITY_HANDLING = {
    "interrupts": "START_OF_ACTIVITY_INTERRUPTS",
    "no_interruption": "NO_INTERRUPTION",
}
TURN_COVERAGE = {
    "only_activity": "TURN_INCLUDES_ONLY_ACTIVITY",
    "all_input": "TURN_INCLUDES_ALL_INPUT",
    "audio_activity_and_all_video": "TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO",
}
MEDIA_RESOLUTION = {r: f"MEDIA_RESOLUTION_{r.upper()}" for r in ("low", "medium", "high")}
THINKING_LEVELS = {lv: lv.upper() for lv in ("minimal", "low", "medium", "high", "xhigh")}
SENSITIVITY = {"high": "HIGH", "low": "LOW"}
BEHAVIORS = ("BLOCKING", "NON_BLOCKING")
TOOL_KINDS = (
    "functionDeclarations", "googleSearch", "codeExecution", "urlContext",
    "googleMaps", "fileSearch", "computerUse", "googleSearchRetrieval",
)  # fmt: skip
DECLARATION_KEYS = (
    "name", "description", "parameters", "parametersJsonSchema",
    "response", "responseJsonSchema", "behavior",
)  # fmt: skip


# ---------------------------------------------------------------------------------- helpers


def _choice(name: str, value: Any, choices: Mapping[str, str], prefix: str = "") -> str | None:
    """The short name (a key of ``choices``) for a short name or a wire enum value."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{name} must be a str such as {next(iter(choices))!r}, not {value!r}")
    key = value.strip().lower()
    if key.endswith("unspecified"):
        return None
    by_wire = {wire.lower(): short for short, wire in choices.items()}
    key = by_wire.get(key, key)
    if prefix and key.startswith(prefix):
        key = key[len(prefix) :]
    if key in choices:
        return key
    options = ", ".join(repr(c) for c in choices)
    raise _unknown(name, value, list(choices), f"Use one of {options}.")


def _number(
    name: str,
    value: Any,
    lo: float | None = None,
    hi: float | None = None,
    *,
    integer: bool = False,
) -> Any:
    if value is None:
        return None
    kind = "an integer" if integer else "a number"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{name} must be {kind}, not {value!r}")
    if not math.isfinite(value):
        raise ConfigError(f"{name} must be a finite number, not {value!r}")
    if integer:
        if isinstance(value, float) and not value.is_integer():
            raise ConfigError(f"{name} must be a whole number, not {value!r}")
        value = int(value)
    else:
        value = float(value)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if hi is None:
            raise ConfigError(f"{name}={value!r} is too small — use a value ≥ {lo}")
        raise ConfigError(f"{name}={value!r} is out of range — use a value from {lo} to {hi}")
    return value


def _flag(name: str, value: Any, *, optional: bool = False) -> bool | None:
    if value is None and optional:
        return None
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be True or False, not {value!r}")
    return value


def _as_mapping(value: Any) -> Any:
    """A plain dict for google-genai SDK objects (pydantic models); anything else unchanged."""
    dump = getattr(value, "model_dump", None)
    if callable(dump) and not isinstance(value, Mapping):
        return dump(exclude_none=True, mode="json")
    return value


def _bare_model(name: str) -> str:
    """``models/x``, ``publishers/google/models/x`` or ``projects/…/models/x`` → ``x``."""
    if "tunedModels/" in name:
        return name
    return name.rsplit("models/", 1)[-1]


def _resolve_model(name: Any, allow_unknown: bool) -> str:
    if not isinstance(name, str) or not name.strip():
        example = "'gemini-live-2.5-flash-native-audio'"
        raise ConfigError(f"model must be a model id such as {example}, not {name!r}")
    bare = _bare_model(name.strip())
    entry = MODELS.get(bare)
    if entry is not None:
        return entry.name
    if allow_unknown or bare.startswith("tunedModels/"):
        return bare
    return MODELS[bare].name  # raises ConfigError with the closest known models


def _language_name(code: str) -> str:
    entry = LANGUAGES.get(code)
    if entry is not None:
        return entry.name
    base = code.split("-")[0].lower()
    for lang in LANGUAGES:
        if lang.base == base:
            return lang.name.split(" (")[0]
    return f"the language with BCP-47 code {code}"


def _content_text(value: Any) -> str | None:
    """The text of a system instruction given as a str or a Content dict ``{parts:[{text}]}``."""
    value = _as_mapping(value)
    if value is None or isinstance(value, str):
        return value or None
    if isinstance(value, Mapping):
        value = normalize_keys(dict(value))
        extra = set(value) - {"parts", "role"}
        if extra:
            raise ConfigError(
                f"system_instruction has unsupported keys {sorted(extra)} — "
                "pass a str or {'parts': [{'text': ...}]}"
            )
        texts = []
        parts = value.get("parts") or []
        if not isinstance(parts, (list, tuple)):
            raise ConfigError(
                f"system_instruction parts must be a list of {{'text': ...}}, not {parts!r:.40}"
            )
        for part in parts:
            if not isinstance(part, Mapping) or set(part) != {"text"}:
                raise ConfigError(
                    f"system_instruction part {part!r} is not supported — only text parts are"
                )
            texts.append(str(part["text"]))
        return "\n".join(texts) or None
    raise ConfigError(f"system_instruction must be a str, not {type(value).__name__}")


def _set(obj: object, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


def _short_repr(obj: Any) -> str:
    """``Name(field=value, …)`` listing only the fields that are set."""
    shown = ", ".join(
        f"{f.name}={getattr(obj, f.name)!r}"
        for f in fields(obj)
        if getattr(obj, f.name) is not None
    )
    return f"{type(obj).__name__}({shown})"


# ------------------------------------------------------------------------ nested settings

# camelCase key (LiveConfig or wire spelling) -> VadConfig field
_VAD_KEYS = {
    "disabled": "disabled",
    "startSensitivity": "start_sensitivity",
    "startOfSpeechSensitivity": "start_sensitivity",
    "endSensitivity": "end_sensitivity",
    "endOfSpeechSensitivity": "end_sensitivity",
    "prefixPaddingMs": "prefix_padding_ms",
    "silenceDurationMs": "silence_duration_ms",
}


@dataclass(frozen=True, kw_only=True)
class VadConfig:
    """Server-side voice activity detection (``realtimeInputConfig.automaticActivityDetection``).

    Sensitivities are ``'high'`` or ``'low'`` (the wire enums are accepted too); ``None`` leaves
    the server default. ``disabled=True`` means the client sends ``activityStart``/``activityEnd``.

    Example::

        VadConfig(end_sensitivity="low", silence_duration_ms=800)
    """

    disabled: bool | None = None
    start_sensitivity: str | None = None
    end_sensitivity: str | None = None
    prefix_padding_ms: int | None = None
    silence_duration_ms: int | None = None

    def __post_init__(self) -> None:
        _set(self, "disabled", _flag("vad.disabled", self.disabled, optional=True))
        for name, prefix in (("start", "start_sensitivity_"), ("end", "end_sensitivity_")):
            attr = f"{name}_sensitivity"
            _set(self, attr, _choice(f"vad.{attr}", getattr(self, attr), SENSITIVITY, prefix))
        for attr in ("prefix_padding_ms", "silence_duration_ms"):
            _set(self, attr, _number(f"vad.{attr}", getattr(self, attr), 0, integer=True))

    @classmethod
    def coerce(cls, value: Any) -> VadConfig | None:
        """A VadConfig from a VadConfig, a dict (any casing, wire names too) or a bool.

        ``False`` turns automatic detection off; ``True`` and ``None`` keep the server default.
        """
        value = _as_mapping(value)
        if value is None or value is True:
            return None
        if value is False:
            return cls(disabled=True)
        if isinstance(value, VadConfig):
            return value
        if isinstance(value, Mapping):
            kwargs = {}
            for key, item in value.items():
                name = _VAD_KEYS.get(to_camel(str(key)))
                if name is None:
                    known = [f.name for f in fields(cls)]
                    raise _unknown("vad setting", key, known, f"Known: {', '.join(known)}.")
                kwargs[name] = item
            return cls(**kwargs)
        raise ConfigError(f"vad must be a VadConfig, a dict or a bool, not {value!r}")

    def __repr__(self) -> str:
        return _short_repr(self)

    def to_wire(self) -> dict[str, Any]:
        """``automaticActivityDetection`` in camelCase, unset fields left out."""
        wire: dict[str, Any] = {}
        if self.disabled is not None:
            wire["disabled"] = self.disabled
        if self.start_sensitivity:
            wire["startOfSpeechSensitivity"] = f"START_SENSITIVITY_{self.start_sensitivity.upper()}"
        if self.end_sensitivity:
            wire["endOfSpeechSensitivity"] = f"END_SENSITIVITY_{self.end_sensitivity.upper()}"
        if self.prefix_padding_ms is not None:
            wire["prefixPaddingMs"] = self.prefix_padding_ms
        if self.silence_duration_ms is not None:
            wire["silenceDurationMs"] = self.silence_duration_ms
        return wire


@dataclass(frozen=True, kw_only=True)
class CompressionConfig:
    """Context-window compression with a sliding window (``contextWindowCompression``).

    ``None`` leaves the server default (trigger at 80% of the window, target = trigger / 2).

    Example::

        CompressionConfig(trigger_tokens=25_600, target_tokens=12_800)
    """

    trigger_tokens: int | None = None
    target_tokens: int | None = None

    def __post_init__(self) -> None:
        trigger = _number("compression.trigger_tokens", self.trigger_tokens, 1, integer=True)
        target = _number("compression.target_tokens", self.target_tokens, 1, integer=True)
        if trigger is not None and target is not None and target >= trigger:
            raise ConfigError(
                f"compression.target_tokens={target} must be below trigger_tokens={trigger} "
                f"— for example target_tokens={trigger // 2}"
            )
        _set(self, "trigger_tokens", trigger)
        _set(self, "target_tokens", target)

    @classmethod
    def coerce(cls, value: Any) -> CompressionConfig | None:
        """From a CompressionConfig, True (server defaults), False/None (off) or a dict."""
        value = _as_mapping(value)
        if value is None or value is False:
            return None
        if value is True:
            return cls()
        if isinstance(value, CompressionConfig):
            return value
        if isinstance(value, Mapping):
            wire = normalize_keys(dict(value))
            window = wire.pop("slidingWindow", None) or {}
            if not isinstance(window, Mapping):
                raise ConfigError(
                    f"compression.sliding_window must be a dict such as "
                    f"{{'target_tokens': 16000}}, not {window!r:.40}"
                )
            kwargs = {"trigger_tokens": wire.pop("triggerTokens", None)}
            target = wire.pop("targetTokens", None)
            extra = [*wire, *(k for k in window if k != "targetTokens")]
            if extra:
                raise _unknown(
                    "compression setting",
                    extra[0],
                    ["trigger_tokens", "target_tokens"],
                    "Use trigger_tokens and target_tokens.",
                )
            kwargs["target_tokens"] = window.get("targetTokens", target)
            return cls(**kwargs)
        raise ConfigError(f"compression must be True, a CompressionConfig or a dict, not {value!r}")

    def __repr__(self) -> str:
        return _short_repr(self)

    def to_wire(self) -> dict[str, Any]:
        """``contextWindowCompression`` in camelCase."""
        window = {} if self.target_tokens is None else {"targetTokens": self.target_tokens}
        wire: dict[str, Any] = {"slidingWindow": window}
        if self.trigger_tokens is not None:
            wire = {"triggerTokens": self.trigger_tokens, **wire}
        return wire


# ---------------------------------------------------------------------------------- tools


def _declaration(raw: Any) -> dict[str, Any]:
    """A validated function declaration in camelCase (schemas and property names untouched)."""
    raw = _as_mapping(raw)
    if not isinstance(raw, Mapping):
        raise ConfigError(f"a function declaration must be a dict, not {raw!r}")
    decl = normalize_keys(dict(raw))
    name = decl.get("name")
    if not isinstance(name, str) or not TOOL_NAME_RE.match(name):
        raise ConfigError(
            f"tool name {name!r} is not valid — start with a letter or '_', then up to 63 "
            "letters, digits, '_', '.' or '-'"
        )
    for key in decl:
        if key not in DECLARATION_KEYS:
            raise _unknown(
                f"field in tool {name!r}:",
                key,
                list(DECLARATION_KEYS),
                f"Known fields: {', '.join(DECLARATION_KEYS)}.",
            )
    if "description" in decl and not isinstance(decl["description"], str):
        raise ConfigError(f"tool {name!r}: description must be a str, not {decl['description']!r}")
    if "parameters" in decl and "parametersJsonSchema" in decl:
        raise ConfigError(f"tool {name!r}: give parameters or parameters_json_schema, not both")
    for key in ("parameters", "parametersJsonSchema"):
        schema = decl.get(key)
        if key in decl and not (
            isinstance(schema, Mapping) and str(schema.get("type", "")).lower() == "object"
        ):
            raise ConfigError(
                f"tool {name!r}: {key} must be an object schema such as "
                f"{{'type': 'object', 'properties': {{...}}}}, not {schema!r}"
            )
    if "behavior" in decl:
        behavior = str(decl["behavior"]).upper()
        if behavior not in BEHAVIORS:
            raise _unknown(
                f"behavior of tool {name!r}:",
                decl["behavior"],
                list(BEHAVIORS),
                "Use 'BLOCKING' or 'NON_BLOCKING'.",
            )
        decl["behavior"] = behavior
    return decl


def _minimal_declaration(fn: Callable[..., Any]) -> dict[str, Any]:
    """Name and first docstring line; the tools module supplies full declarations."""
    decl: dict[str, Any] = {"name": getattr(fn, "__name__", type(fn).__name__)}
    doc = (getattr(fn, "__doc__", None) or "").strip()
    if doc:
        decl["description"] = doc.splitlines()[0].strip()
    return decl


def _normalize_tools(tools: Any) -> tuple[tuple[Any, ...], bool]:
    """(callables, declarations and tool dicts, whether a plain googleSearch tool was given)."""
    if tools is None:
        return (), False
    tools = _as_mapping(tools)
    if isinstance(tools, Mapping) or callable(tools) or isinstance(tools, str):
        tools = [tools]
    if not isinstance(tools, (list, tuple, set, frozenset)):
        raise ConfigError(
            f"tools must be a list of functions or declaration dicts, not {tools!r:.60}"
        )
    items: list[Any] = []
    search = False
    for item in tools:
        item = _as_mapping(item)
        if callable(item):
            items.append(item)
        elif isinstance(item, Mapping):
            if "name" in item:
                items.append(_declaration(item))
                continue
            for kind, body in normalize_keys(dict(item)).items():
                if kind == "functionDeclarations":
                    if not isinstance(body or [], (list, tuple)):
                        raise ConfigError(
                            f"functionDeclarations must be a list of dicts, not {body!r:.40}"
                        )
                    items.extend(_declaration(d) for d in body or [])
                elif kind == "googleSearch" and not body:
                    search = True
                elif kind in TOOL_KINDS:
                    items.append({kind: body or {}})
                else:
                    raise _unknown(
                        "tool", kind, list(TOOL_KINDS),
                        "A tool is a function, a declaration dict with a 'name', "
                        "or a dict such as {'googleSearch': {}}.",
                    )  # fmt: skip
        elif isinstance(item, str):
            raise ConfigError(
                f"tool {item!r} is a name — pass the function itself, a declaration dict "
                "or {'googleSearch': {}} (or google_search=True)"
            )
        else:
            raise ConfigError(f"tool {item!r} is neither callable nor a dict")
    names = [t["name"] for t in items if isinstance(t, dict) and "name" in t]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"tool {dupes[0]!r} is declared twice — give each tool a unique name")
    # Built-in tools first, declarations after, the order they take on the wire.
    builtin = [t for t in items if isinstance(t, dict) and "name" not in t]
    functions = [t for t in items if callable(t) or "name" in t]
    return (*builtin, *functions), search


def _tool_label(tool: Any) -> str:
    if callable(tool):
        return getattr(tool, "__name__", repr(tool))
    if "name" in tool:
        return tool["name"]
    return next(iter(tool))


# ------------------------------------------------------------------------------ LiveConfig


@dataclass(frozen=True, kw_only=True)
class LiveConfig:
    """Everything the ``setup`` message says, in snake_case, validated at construction.

    Defaults suit a notebook: voice Zephyr, audio answers, both transcripts on, session
    resumption on; ``model=None`` takes the endpoint's default. Enum-like fields take short names
    (``activity_handling='no_interruption'``, ``media_resolution='low'``) or the wire enums.
    ``tools`` holds Python functions (declared when the session starts), function-declaration
    dicts, or tool dicts such as ``{'codeExecution': {}}``.

    Example::

        cfg = LiveConfig(voice="Kore", language="fr-FR", tools=[get_weather], temperature=0.7)
        cfg = LiveConfig.from_dict({"speech_config": {"voice_config": {
            "prebuilt_voice_config": {"voice_name": "Kore"}}}})
        cfg.replace(voice="Puck").to_setup("gemini-live-2.5-flash-native-audio", "mixroute")
    """

    model: str | None = None
    voice: str | None = DEFAULT_VOICE
    language: str | None = None
    modalities: tuple[str, ...] | None = ("AUDIO",)
    system_instruction: str | None = None
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    max_output_tokens: int | None = None
    seed: int | None = None
    tools: tuple[Any, ...] = ()
    google_search: bool = False
    transcribe_input: bool = True
    transcribe_output: bool = True
    vad: VadConfig | None = None
    activity_handling: str | None = None
    turn_coverage: str | None = None
    proactive_audio: bool = False
    affective_dialog: bool = False
    resumption: bool | str = True
    compression: CompressionConfig | None = None
    media_resolution: str | None = None
    thinking_budget: int | None = None
    thinking_level: str | None = None
    include_thoughts: bool | None = None
    allow_unknown_model: bool = field(default=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        allow = _flag("allow_unknown_model", self.allow_unknown_model)
        if self.model is not None:
            _set(self, "model", _resolve_model(self.model, allow))
        if self.voice is not None:
            if not isinstance(self.voice, str):
                raise ConfigError(
                    f"voice must be a voice name such as 'Zephyr', not {self.voice!r}"
                )
            _set(self, "voice", VOICES[self.voice].name)
        if self.language is not None:
            _set(self, "language", _normalize_language(self.language))
        _set(self, "modalities", self._check_modalities(self.modalities))
        _set(self, "system_instruction", _content_text(self.system_instruction))
        _set(self, "temperature", _number("temperature", self.temperature, 0, 2))
        _set(self, "top_p", _number("top_p", self.top_p, 0, 1))
        _set(self, "top_k", _number("top_k", self.top_k, 1, integer=True))
        tokens = _number("max_output_tokens", self.max_output_tokens, 1, integer=True)
        _set(self, "max_output_tokens", tokens)
        _set(self, "seed", _number("seed", self.seed, integer=True))
        tools, search = _normalize_tools(self.tools)
        _set(self, "tools", tools)
        google_search = self.google_search
        if isinstance(google_search, Mapping) and not google_search:
            google_search = True  # {"googleSearch": {}} spelled as a field
        _set(self, "google_search", _flag("google_search", google_search) or search)
        for name in (
            "transcribe_input",
            "transcribe_output",
            "proactive_audio",
            "affective_dialog",
        ):
            _set(self, name, _flag(name, getattr(self, name)))
        vad = VadConfig.coerce(self.vad)
        _set(self, "vad", vad if vad and vad.to_wire() else None)
        for name, choices, prefix in (
            ("activity_handling", ACTIVITY_HANDLING, ""),
            ("turn_coverage", TURN_COVERAGE, "turn_includes_"),
            ("media_resolution", MEDIA_RESOLUTION, "media_resolution_"),
            ("thinking_level", THINKING_LEVELS, ""),
        ):
            _set(self, name, _choice(name, getattr(self, name), choices, prefix))
        _set(self, "resumption", self._check_resumption(self.resumption))
        _set(self, "compression", CompressionConfig.coerce(self.compression))
        budget = _number("thinking_budget", self.thinking_budget, -1, integer=True)
        _set(self, "thinking_budget", budget)
        _set(
            self,
            "include_thoughts",
            _flag("include_thoughts", self.include_thoughts, optional=True),
        )
        if self.thinking_budget is not None and self.thinking_level is not None:
            raise ConfigError(
                "give thinking_budget (2.5 models) or thinking_level (3.x models), not both"
            )

    @staticmethod
    def _check_modalities(value: Any) -> tuple[str, ...] | None:
        if value is None:
            return None
        if isinstance(value, str) or hasattr(value, "value"):  # one name, or one enum member
            items = [value]
        elif isinstance(value, (list, tuple, set, frozenset)):
            items = list(value)
        else:
            raise ConfigError(
                f"modalities must be 'AUDIO', 'TEXT' or a list of them, not {value!r}"
            )
        out = []
        for item in items:
            name = str(getattr(item, "value", item)).strip().upper()
            if name not in MODALITIES:
                raise _unknown("modality", item, list(MODALITIES), "Use 'AUDIO' or 'TEXT'.")
            if name not in out:
                out.append(name)
        if not out:
            raise ConfigError("modalities is empty — use ('AUDIO',) or ('TEXT',)")
        return tuple(out)

    @staticmethod
    def _check_resumption(value: Any) -> bool | str:
        if isinstance(value, bool):
            return value
        if value is None:
            return False
        if isinstance(value, str):
            return value.strip() or True
        raise ConfigError(
            f"resumption must be True, False or a resumption handle (str), not {value!r}"
        )

    # ---------------------------------------------------------------- constructors

    @classmethod
    def from_dict(cls, data: Any, *, allow_unknown_model: bool = False) -> LiveConfig:
        """A LiveConfig from a snake_case, camelCase, SDK ``LiveConnectConfig`` or wire dict.

        A wire- or SDK-shaped dict (``{"setup": …}``, ``generationConfig``, ``speechConfig``,
        ``inputAudioTranscription``, …) is read as complete, the way the SDK sends it: the voice,
        modalities, transcription and resumption it leaves out stay unset or off. Otherwise
        omitted fields take the LiveConfig defaults. Unknown keys raise ConfigError.

        Example::

            LiveConfig.from_dict({"setup": {"model": "models/gemini-live-2.5-flash-native-audio",
                                            "inputAudioTranscription": {}}})
        """
        data = _as_mapping(data)
        if not isinstance(data, Mapping):
            raise ConfigError(f"from_dict needs a dict, not {type(data).__name__}")
        if "setup" in data:
            if len(data) != 1:
                extra = sorted(str(k) for k in data if k != "setup")
                raise ConfigError(f"a setup message has only the 'setup' key; remove {extra}")
            body = _as_mapping(data["setup"])
            if not isinstance(body, Mapping):
                raise ConfigError(f"'setup' must hold a dict, not {type(body).__name__}")
            data, wire = body, True
        else:
            wire = False
        kwargs = _collect(data)
        wire = wire or _looks_wire(data)
        if wire:
            for name in ("transcribe_input", "transcribe_output", "resumption"):
                kwargs.setdefault(name, False)
            kwargs.setdefault("voice", None)
            kwargs.setdefault("modalities", None)
        if allow_unknown_model:
            kwargs["allow_unknown_model"] = True
        return cls(**kwargs)

    @classmethod
    def coerce(cls, config: Any = None, /, **changes: Any) -> LiveConfig:
        """A LiveConfig from None, a LiveConfig, a dict or an SDK config, with ``changes`` applied.

        Example::

            LiveConfig.coerce({"voice": "Puck"}, temperature=0.2)
        """
        if config is None:
            base = cls()
        elif isinstance(config, LiveConfig):
            base = config
        else:
            converted = _as_mapping(config)
            if not isinstance(converted, Mapping):
                raise ConfigError(
                    f"config must be a LiveConfig or a dict, not {type(config).__name__}"
                )
            base = cls.from_dict(converted)
        return base.replace(**changes) if changes else base

    def replace(self, **changes: Any) -> LiveConfig:
        """A copy with ``changes`` (snake_case, camelCase or SDK names) applied and re-validated."""
        return dataclasses.replace(self, **_collect(changes))

    # ------------------------------------------------------------------ checks

    def required_api_version(self) -> str:
        """``'v1alpha'`` when affective dialog or proactive audio is on, else ``'v1beta'``."""
        return "v1alpha" if self.affective_dialog or self.proactive_audio else "v1beta"

    def check(self, model: Model | str | None = None, dialect: str = "google") -> None:
        """Raise ConfigError for settings the model or the endpoint dialect cannot take.

        ``model`` is a catalog entry or id (default: this config's model); an unknown model is
        not checked. ``dialect`` is one of ``'google'``, ``'mixroute'``, ``'vertex'``,
        ``'emulator'``.
        """
        if dialect not in DIALECTS:
            raise _unknown("dialect", dialect, list(DIALECTS), f"Use one of {', '.join(DIALECTS)}.")
        if isinstance(model, str) or model is None:
            model = MODELS.get(_bare_model(model or self.model or ""))
        modalities = self.modalities or ()
        if len(modalities) > 1 and dialect != "mixroute":
            raise ConfigError(
                f"responseModalities can hold one modality on Google's endpoint, not "
                f"{list(modalities)}; use transcribe_output=True for text"
            )
        if model is None:
            return
        both = set(modalities) == {"AUDIO", "TEXT"}  # the proxy's documented mix
        if "TEXT" in modalities and not model.text_modality and not both:
            raise ConfigError(
                f"model {model.name!r} answers in audio only, so modalities={list(modalities)} "
                "fails — use modalities=('AUDIO',) with transcribe_output=True for text"
            )
        for name in ("affective_dialog", "proactive_audio"):
            if getattr(self, name) and not getattr(model, name):
                able = [m.name for m in MODELS if getattr(m, name) and m.current]
                raise ConfigError(
                    f"{name}=True is not available on {model.name!r} — use a model that has it "
                    f"({', '.join(able)}) or set {name}=False"
                )
        self._check_declarations([t for t in self.tools if isinstance(t, dict)], model)

    @staticmethod
    def _check_declarations(tools: list[dict[str, Any]], model: Model | None) -> None:
        if model is None or model.non_blocking_tools:
            return
        for tool in tools:
            if tool.get("behavior") == "NON_BLOCKING":
                raise ConfigError(
                    f"tool {tool['name']!r} is NON_BLOCKING, which {model.name!r} does not "
                    "support — drop behavior='NON_BLOCKING' or use a 2.5 model"
                )

    # ---------------------------------------------------------------- the wire

    def to_setup(
        self,
        model: str | None = None,
        dialect: str = "google",
        declare_callable: Callable[[Callable[..., Any]], Mapping[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """The ``{"setup": {...}}`` message in camelCase (PROTOCOL.md §2); unset fields omitted.

        ``model`` is the endpoint's model, used when this config names none. ``dialect`` decides
        the model reference (``models/{id}`` for Google and the emulator, the bare id for the
        mixroute proxy) and which capability checks apply. ``declare_callable(fn)`` turns a
        Python tool into a declaration dict; without it a minimal one (name and first docstring
        line) is used.

        Example::

            LiveConfig(voice="Puck").to_setup("gemini-2.5-flash-native-audio-preview-12-2025")
        """
        name = self.model or (
            _resolve_model(model, self.allow_unknown_model) if model is not None else None
        )
        if name is None:
            raise ConfigError(
                "no model: pass LiveConfig(model=...) or connect to an endpoint with a model"
            )
        entry = MODELS.get(name)
        self.check(entry, dialect)
        setup: dict[str, Any] = {"model": self._model_ref(name, dialect)}

        gen: dict[str, Any] = {}
        if self.modalities:
            gen["responseModalities"] = list(self.modalities)
        for attr, key in (("temperature", "temperature"), ("top_p", "topP"), ("top_k", "topK"),
                          ("max_output_tokens", "maxOutputTokens"), ("seed", "seed")):  # fmt: skip
            if getattr(self, attr) is not None:
                gen[key] = getattr(self, attr)
        if self.media_resolution:
            gen["mediaResolution"] = MEDIA_RESOLUTION[self.media_resolution]
        speech: dict[str, Any] = {}
        if self.voice:
            speech["voiceConfig"] = {"prebuiltVoiceConfig": {"voiceName": self.voice}}
        if self.language and entry is not None and entry.accepts_language_code:
            speech["languageCode"] = self.language
        if speech:
            gen["speechConfig"] = speech
        thinking: dict[str, Any] = {}
        if self.thinking_budget is not None:
            thinking["thinkingBudget"] = self.thinking_budget
        if self.thinking_level is not None:
            thinking["thinkingLevel"] = THINKING_LEVELS[self.thinking_level]
        if self.include_thoughts is not None:
            thinking["includeThoughts"] = self.include_thoughts
        if thinking:
            gen["thinkingConfig"] = thinking
        if self.affective_dialog:
            gen["enableAffectiveDialog"] = True
        if gen:
            setup["generationConfig"] = gen

        instruction = self.effective_system_instruction
        if instruction:
            setup["systemInstruction"] = {"parts": [{"text": instruction}], "role": "user"}
        tools = self._wire_tools(declare_callable, entry)
        if tools:
            setup["tools"] = tools

        realtime: dict[str, Any] = {}
        detection = self.vad.to_wire() if self.vad else {}
        if detection:
            realtime["automaticActivityDetection"] = detection
        if self.activity_handling:
            realtime["activityHandling"] = ACTIVITY_HANDLING[self.activity_handling]
        if self.turn_coverage:
            realtime["turnCoverage"] = TURN_COVERAGE[self.turn_coverage]
        if realtime:
            setup["realtimeInputConfig"] = realtime
        if self.resumption:
            handle = self.resumption if isinstance(self.resumption, str) else None
            setup["sessionResumption"] = {"handle": handle} if handle else {}
        if self.compression:
            setup["contextWindowCompression"] = self.compression.to_wire()
        if self.transcribe_input:
            setup["inputAudioTranscription"] = {}
        if self.transcribe_output:
            setup["outputAudioTranscription"] = {}
        if self.proactive_audio:
            setup["proactivity"] = {"proactiveAudio": True}
        return {"setup": setup}

    @property
    def effective_system_instruction(self) -> str | None:
        """The system instruction as sent: the user's text plus "Respond in <language>."."""
        parts = [self.system_instruction] if self.system_instruction else []
        if self.language:
            parts.append(f"Respond in {_language_name(self.language)}.")
        return "\n\n".join(parts) or None

    @staticmethod
    def _model_ref(name: str, dialect: str) -> str:
        if "/" in name:
            return name
        if dialect == "mixroute":
            return name  # the proxy's documented setup uses the bare id (the path names it too)
        if dialect == "vertex":
            return f"publishers/google/models/{name}"
        return f"models/{name}"

    def _wire_tools(
        self,
        declare_callable: Callable[[Callable[..., Any]], Mapping[str, Any]] | None,
        model: Model | None,
    ) -> list[dict[str, Any]]:
        declare = declare_callable or _minimal_declaration
        entries: list[dict[str, Any]] = []
        declarations: list[dict[str, Any]] = []
        has_search_dict = any(isinstance(t, dict) and "googleSearch" in t for t in self.tools)
        if self.google_search and not has_search_dict:
            entries.append({"googleSearch": {}})
        for tool in self.tools:
            if callable(tool):
                declarations.append(_declaration(declare(tool)))
            elif "name" in tool:
                declarations.append(tool)
            else:
                entries.append(tool)
        names = [d["name"] for d in declarations]
        if len(set(names)) != len(names):
            dupe = next(n for n in names if names.count(n) > 1)
            raise ConfigError(f"tool {dupe!r} is declared twice — give each tool a unique name")
        self._check_declarations(declarations, model)
        if declarations:
            entries.append({"functionDeclarations": declarations})
        return entries

    # ---------------------------------------------------------------- display

    def to_dict(self) -> dict[str, Any]:
        """All fields in snake_case, JSON-safe; Python tools appear by name."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "allow_unknown_model" and not value:
                continue
            if isinstance(value, (VadConfig, CompressionConfig)):
                value = {k: v for k, v in dataclasses.asdict(value).items() if v is not None}
            elif f.name == "tools":
                value = [_tool_label(t) if callable(t) else normalize_keys(t) for t in value]
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out

    def _changed(self) -> list[tuple[str, Any]]:
        changed = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.repr and value != f.default and not (f.name == "tools" and not value):
                changed.append((f.name, value))
        return changed

    def __repr__(self) -> str:
        parts = []
        for name, value in self._changed():
            if name == "tools":
                shown = ", ".join(_tool_label(t) for t in value)
                parts.append(f"tools=[{shown}]")
            else:
                parts.append(f"{name}={value!r}")
        return f"LiveConfig({', '.join(parts)})"

    def _repr_html_(self) -> str:
        rows = (
            "".join(
                f"<tr><td><code>{html.escape(name)}</code></td><td>{html.escape(repr(value))}</td></tr>"
                for name, value in self._changed()
            )
            or "<tr><td colspan='2'>defaults</td></tr>"
        )
        return f"<table><thead><tr><th colspan='2'>LiveConfig</th></tr></thead>{rows}</table>"


# ----------------------------------------------------------------------- dict reading

_FIELDS = [f.name for f in fields(LiveConfig)]
_FIELD_BY_CAMEL = {to_camel(name): name for name in _FIELDS}
# camelCase wire/SDK key -> LiveConfig field, for keys whose value needs no reshaping
_ALIASES = {
    "responseModalities": "modalities",
    "languageCode": "language",
    "enableAffectiveDialog": "affective_dialog",
    "contextWindowCompression": "compression",
}
_WIRE_KEYS = frozenset({
    "generationConfig", "responseModalities", "speechConfig", "thinkingConfig",
    "enableAffectiveDialog", "realtimeInputConfig", "sessionResumption",
    "contextWindowCompression", "inputAudioTranscription", "outputAudioTranscription",
    "proactivity",
})  # fmt: skip
_GENERATION_KEYS = frozenset({
    "responseModalities", "temperature", "topP", "topK", "maxOutputTokens", "seed",
    "mediaResolution", "speechConfig", "thinkingConfig", "enableAffectiveDialog",
})  # fmt: skip
_NOT_SUPPORTED = {
    "httpOptions": "connection options belong to the endpoint — pass endpoint= / api_version=",
    "apiKey": "an API key is not a setting — pass api_key= to gl.connect()",
    "explicitVadSignal": "explicit VAD signals exist on Vertex AI only",
    "historyConfig": "history seeding is not supported by LiveConfig",
    "avatarConfig": "avatars are not supported by LiveConfig",
    "safetySettings": "safety settings are not supported by LiveConfig",
    "translationConfig": "translation settings are not supported by LiveConfig",
    "labels": "labels exist on Vertex AI only",
}


def _looks_wire(data: Mapping[Any, Any]) -> bool:
    keys = {to_camel(str(k)) for k in data}
    model = data.get("model")
    instruction = data.get("systemInstruction", data.get("system_instruction"))
    return bool(
        keys & _WIRE_KEYS
        or (isinstance(model, str) and "models/" in model)
        or isinstance(instruction, Mapping)
    )


def _collect(data: Mapping[Any, Any]) -> dict[str, Any]:
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
            elif key in _NOT_SUPPORTED:
                raise ConfigError(f"{raw_key!r} is not accepted here: {_NOT_SUPPORTED[key]}")
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
    if "multiSpeakerVoiceConfig" in speech:
        raise ConfigError("multi-speaker voices are not available in Live sessions — use voice=")
    _reject_extra(speech, key, {"voiceConfig", "languageCode"})
    voice_config = _expect_mapping(speech.get("voiceConfig") or {}, f"{key}.voiceConfig")
    voice = _expect_mapping(
        voice_config.get("prebuiltVoiceConfig") or {}, f"{key}.voiceConfig.prebuiltVoiceConfig"
    )
    if voice.get("voiceName") is not None:
        put("voice", voice["voiceName"], key)
    if speech.get("languageCode") is not None:
        put("language", speech["languageCode"], key)


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
    _reject_extra(realtime, key, {"automaticActivityDetection", "activityHandling", "turnCoverage"})
    for wire, name in (("automaticActivityDetection", "vad"),
                       ("activityHandling", "activity_handling"),
                       ("turnCoverage", "turn_coverage")):  # fmt: skip
        if realtime.get(wire) is not None:
            put(name, realtime[wire], key)


def _h_resumption(value: Any, key: str, put: Put, walk: Walk) -> None:
    if not isinstance(value, Mapping):
        put("resumption", value, key)
        return
    resumption = _expect_mapping(value, key)
    if resumption.get("transparent"):
        raise ConfigError("transparent session resumption exists on Vertex AI only")
    _reject_extra(resumption, key, {"handle", "transparent"})
    put("resumption", resumption.get("handle") or True, key)


def _h_transcription(name: str) -> Callable[..., None]:
    def handler(value: Any, key: str, put: Put, walk: Walk) -> None:
        if isinstance(value, Mapping):
            extra = [k for k, v in value.items() if v not in (None, [], {})]
            if extra:
                raise ConfigError(f"{key}.{extra[0]} is not supported yet — use {key}={{}}")
            value = True
        put(name, value, key)

    return handler


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
}
