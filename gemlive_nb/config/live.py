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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from .._plain import as_mapping as _as_mapping
from ..catalog import DEFAULT_VOICE, VOICES, Model
from ..catalog import normalize_language_code as _normalize_language
from ..exceptions import ConfigError
from ..protocol import normalize_keys
from ..tools._specs import normalize_tools, tool_label
from ._checks import (
    ACTIVITY_HANDLING,
    MEDIA_RESOLUTION,
    THINKING_LEVELS,
    TURN_COVERAGE,
    InstructionText,
    check_choice,
    check_flag,
    check_modalities,
    check_number,
    check_resumption,
    content_text,
    language_name,
    resolve_model,
    set_field,
)
from ._limits import check_config
from ._reading import collect as _collect
from ._reading import looks_wire as _looks_wire
from ._wire import build_setup
from .extras import TranscriptionOptions, TranslationConfig, check_labels, check_safety_settings
from .nested import CompressionConfig, VadConfig
from .voice import CustomVoice

__all__ = [
    "CompressionConfig",
    "CustomVoice",
    "LiveConfig",
    "TranscriptionOptions",
    "TranslationConfig",
    "VadConfig",
]


@dataclass(frozen=True, kw_only=True)
class LiveConfig:
    """Everything the ``setup`` message says, in snake_case, validated at construction.

    Defaults suit a notebook: voice Zephyr, audio answers, both transcripts on, session
    resumption on; ``model=None`` takes the endpoint's default. Enum-like fields take short names
    (``activity_handling='no_interruption'``, ``media_resolution='low'``) or the wire enums.
    ``tools`` holds Python functions (declared when the session starts), function-declaration
    dicts, or tool dicts such as ``{'codeExecution': {}}``. Grounding is per session:
    ``google_search=True`` (Search) and ``url_context=True`` (the model may read URLs named in
    the conversation).

    Wire spellings the SDK has are kept as given: ``language_code`` is
    ``speechConfig.languageCode`` verbatim (``language=`` instead picks it or the system
    instruction per model), ``custom_voice`` a speaker id or a replicated voice
    (:class:`CustomVoice`), ``transparent_resumption`` Vertex's ``sessionResumption.transparent``
    and ``interim_timestamps`` ``realtimeInputConfig.interimTranscriptTimestampEnabled``.

    Example::

        cfg = LiveConfig(voice="Kore", language="fr-FR", tools=[get_weather], temperature=0.7)
        cfg = LiveConfig.from_dict({"speech_config": {"voice_config": {
            "prebuilt_voice_config": {"voice_name": "Kore"}}}})
        cfg.replace(voice="Puck").to_setup("gemini-live-2.5-flash-native-audio", "mixroute")
    """

    model: str | None = None
    voice: str | None = DEFAULT_VOICE
    custom_voice: CustomVoice | None = None
    language: str | None = None
    language_code: str | None = None
    modalities: tuple[str, ...] | None = ("AUDIO",)
    system_instruction: str | None = None
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    max_output_tokens: int | None = None
    seed: int | None = None
    tools: tuple[Any, ...] = ()
    google_search: bool = False
    url_context: bool = False
    transcribe_input: bool | TranscriptionOptions = True
    transcribe_output: bool | TranscriptionOptions = True
    vad: VadConfig | None = None
    activity_handling: str | None = None
    turn_coverage: str | None = None
    interim_timestamps: bool | None = None
    proactive_audio: bool = False
    affective_dialog: bool = False
    resumption: bool | str = True
    transparent_resumption: bool = False
    compression: CompressionConfig | None = None
    media_resolution: str | None = None
    thinking_budget: int | None = None
    thinking_level: str | None = None
    include_thoughts: bool | None = None
    translation: TranslationConfig | None = None
    seed_history: bool = False
    explicit_vad_signal: bool | None = None
    safety_settings: tuple[dict[str, str], ...] = ()
    labels: dict[str, str] | None = None
    allow_unknown_model: bool = field(default=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        allow = bool(check_flag("allow_unknown_model", self.allow_unknown_model))
        if self.model is not None:
            set_field(self, "model", resolve_model(self.model, allow))
        if self.voice is not None:
            if not isinstance(self.voice, str):
                raise ConfigError(
                    f"voice must be a voice name such as 'Zephyr', not {self.voice!r}"
                )
            set_field(self, "voice", VOICES[self.voice].name)
        set_field(self, "custom_voice", CustomVoice.coerce(self.custom_voice))
        if self.language is not None:
            set_field(self, "language", _normalize_language(self.language))
        if self.language_code is not None:
            if not isinstance(self.language_code, str) or not self.language_code.strip():
                raise ConfigError(
                    f"language_code must be a BCP-47 code such as 'de-DE', not "
                    f"{self.language_code!r:.40}"
                )
            if self.language is not None:
                raise ConfigError(
                    "give language= (the kit picks languageCode or the instruction per model) "
                    "or language_code= (speechConfig.languageCode as given), not both"
                )
        set_field(self, "modalities", check_modalities(self.modalities))
        set_field(self, "system_instruction", content_text(self.system_instruction))
        set_field(self, "temperature", check_number("temperature", self.temperature, 0, 2))
        set_field(self, "top_p", check_number("top_p", self.top_p, 0, 1))
        set_field(self, "top_k", check_number("top_k", self.top_k, 1, integer=True))
        tokens = check_number("max_output_tokens", self.max_output_tokens, 1, integer=True)
        set_field(self, "max_output_tokens", tokens)
        set_field(self, "seed", check_number("seed", self.seed, integer=True))
        tools, search = normalize_tools(self.tools)
        set_field(self, "tools", tools)
        google_search = self.google_search
        if isinstance(google_search, Mapping) and not google_search:
            google_search = True  # {"googleSearch": {}} spelled as a field
        set_field(self, "google_search", check_flag("google_search", google_search) or search)
        for name in ("transcribe_input", "transcribe_output"):
            set_field(self, name, TranscriptionOptions.coerce(getattr(self, name), name))
        for name in ("proactive_audio", "affective_dialog", "seed_history", "url_context"):
            set_field(self, name, check_flag(name, getattr(self, name)))
        interim = check_flag("interim_timestamps", self.interim_timestamps, optional=True)
        set_field(self, "interim_timestamps", interim)
        vad_signal = check_flag("explicit_vad_signal", self.explicit_vad_signal, optional=True)
        set_field(self, "explicit_vad_signal", vad_signal)
        set_field(self, "translation", TranslationConfig.coerce(self.translation))
        set_field(self, "safety_settings", check_safety_settings(self.safety_settings))
        set_field(self, "labels", check_labels(self.labels))
        vad = VadConfig.coerce(self.vad)
        set_field(self, "vad", vad if vad and vad.to_wire() else None)
        for name, choices, prefix in (
            ("activity_handling", ACTIVITY_HANDLING, ""),
            ("turn_coverage", TURN_COVERAGE, "turn_includes_"),
            ("media_resolution", MEDIA_RESOLUTION, "media_resolution_"),
            ("thinking_level", THINKING_LEVELS, ""),
        ):
            set_field(self, name, check_choice(name, getattr(self, name), choices, prefix))
        set_field(self, "resumption", check_resumption(self.resumption))
        transparent = check_flag("transparent_resumption", self.transparent_resumption)
        if transparent and not self.resumption:
            raise ConfigError(
                "transparent_resumption=True needs session resumption — keep resumption=True "
                "or drop transparent_resumption"
            )
        set_field(self, "transparent_resumption", transparent)
        set_field(self, "compression", CompressionConfig.coerce(self.compression))
        budget = check_number("thinking_budget", self.thinking_budget, -1, integer=True)
        set_field(self, "thinking_budget", budget)
        set_field(
            self,
            "include_thoughts",
            check_flag("include_thoughts", self.include_thoughts, optional=True),
        )
        if self.thinking_budget is not None and self.thinking_level is not None:
            raise ConfigError(
                "give thinking_budget (2.5 models) or thinking_level (3.x models), not both"
            )

    # ---------------------------------------------------------------- constructors

    @classmethod
    def from_dict(cls, data: Any, *, allow_unknown_model: bool = False) -> LiveConfig:
        """A LiveConfig from a snake_case, camelCase, SDK ``LiveConnectConfig`` or wire dict.

        An SDK ``LiveConnectConfig`` object, or a wire- or SDK-shaped dict (``{"setup": …}``,
        ``generationConfig``, ``speechConfig``, ``inputAudioTranscription``, …) is read as
        complete, the way the SDK sends it: the voice, modalities, transcription and resumption
        it leaves out stay unset or off. Otherwise omitted fields take the LiveConfig defaults.
        Unknown keys raise ConfigError. The mixroute proxy's ``empatheticMode`` (its docs'
        name for empathetic dialogue) is read as ``affective_dialog`` and sent as Google's
        ``generationConfig.enableAffectiveDialog``.

        Example::

            LiveConfig.from_dict({"setup": {"model": "models/gemini-live-2.5-flash-native-audio",
                                            "inputAudioTranscription": {}}})
        """
        sdk_object = not isinstance(data, Mapping) and callable(getattr(data, "model_dump", None))
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
        wire = wire or sdk_object or _looks_wire(data)
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
            if not isinstance(_as_mapping(config), Mapping):
                raise ConfigError(
                    f"config must be a LiveConfig or a dict, not {type(config).__name__}"
                )
            base = cls.from_dict(config)
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
        not checked. ``dialect`` is one of :data:`gemlive_nb.protocol.DIALECTS`; ``'emulator'``
        is taken as ``'google'`` (the emulator speaks Google's dialect unless told otherwise).
        """
        check_config(self, model, dialect)

    # ---------------------------------------------------------------- the wire

    def to_setup(
        self,
        model: str | None = None,
        dialect: str = "google",
        declare_callable: Callable[[Callable[..., Any]], Mapping[str, Any]] | None = None,
        **connection: Any,
    ) -> dict[str, Any]:
        """The ``{"setup": {...}}`` message in camelCase (PROTOCOL.md §2); unset fields omitted.

        ``model`` is the endpoint's model, used when this config names none. ``dialect`` decides
        the model reference (``models/{id}`` for Google and the emulator, the bare id for the
        mixroute proxy), which capability checks apply and, on mixroute, asks for
        ``["AUDIO", "TEXT"]`` when output transcripts are wanted (the proxy's FAQ). Python tools
        are declared with :func:`gemlive_nb.tools.declare` unless ``declare_callable`` (kept for
        older callers and custom declarations) says otherwise. ``connection`` holds what one
        connection adds (``model_path``, ``handle``, ``audio_only``, ``for_token``: see
        :func:`gemlive_nb.config._wire.build_setup`, the one producer of a setup).

        Example::

            LiveConfig(voice="Puck").to_setup("gemini-2.5-flash-native-audio-preview-12-2025")
        """
        return build_setup(self, model, dialect, declare_callable, **connection)

    @property
    def effective_system_instruction(self) -> str | None:
        """The system instruction as sent: the user's text plus "Respond in <language>."."""
        if not self.language:
            return self.system_instruction
        parts = [self.system_instruction] if self.system_instruction else []
        parts.append(f"Respond in {language_name(self.language)}.")
        return "\n\n".join(parts)

    # ---------------------------------------------------------------- display

    def to_dict(self) -> dict[str, Any]:
        """All fields in snake_case, JSON-safe; Python tools appear by name."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "allow_unknown_model" and not value:
                continue
            if isinstance(value, (TranscriptionOptions, TranslationConfig, CustomVoice)):
                value = value.to_wire()
            elif isinstance(value, (VadConfig, CompressionConfig)):
                value = {k: v for k, v in dataclasses.asdict(value).items() if v is not None}
            elif f.name == "tools":
                value = [tool_label(t) if callable(t) else normalize_keys(t) for t in value]
            elif isinstance(value, InstructionText):
                value = value.wire
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, dict):
                value = dict(value)
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
                shown = ", ".join(tool_label(t) for t in value)
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
