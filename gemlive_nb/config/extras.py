"""The newer parts of a LiveConfig: transcription options, translation, safety settings, labels.

Each reads the shapes people have at hand (snake_case, camelCase, google-genai SDK objects) and
writes the wire form the SDK's own converter writes.

Example::

    TranscriptionOptions(language_codes=["de-DE"], word_timestamp=True).to_wire()
    # {'languageCodes': ['de-DE'], 'wordTimestamp': True}
    TranslationConfig(target_language_code="fr-FR").to_wire()
    # {'targetLanguageCode': 'fr-FR'}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from .._plain import as_mapping as _as_mapping
from ..catalog import unknown_name_error as _unknown
from ..exceptions import ConfigError
from ..protocol import normalize_keys, to_camel
from ._checks import check_choice, check_flag, set_field, short_repr

__all__ = [
    "TRANSCRIPTION_MODES",
    "TranscriptionOptions",
    "TranslationConfig",
    "check_labels",
    "check_safety_settings",
]

TRANSCRIPTION_MODES = {"verbatim": "VERBATIM", "smart": "SMART"}
HARM_THRESHOLDS = (
    "BLOCK_LOW_AND_ABOVE", "BLOCK_MEDIUM_AND_ABOVE", "BLOCK_ONLY_HIGH", "BLOCK_NONE", "OFF",
)  # fmt: skip
HARM_METHODS = ("SEVERITY", "PROBABILITY")


def _enum_text(value: Any) -> Any:
    return getattr(value, "value", value)


def _codes(name: str, value: Any) -> tuple[str, ...] | None:
    """A tuple of non-empty strings (language codes, phrases) from a list or one string."""
    if value is None:
        return None
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(
        isinstance(v, str) and v.strip() for v in items
    ):
        raise ConfigError(f"{name} must be a list of non-empty strings, not {value!r:.60}")
    return tuple(v.strip() for v in items)


def _kwargs(cls: type, where: str, value: Mapping[Any, Any]) -> dict[str, Any]:
    known = {f.name for f in fields(cls)}
    by_camel = {to_camel(n): n for n in known}
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = by_camel.get(to_camel(str(key)))
        if name is None:
            raise _unknown(where, key, sorted(known), f"Known: {', '.join(sorted(known))}.")
        if item is not None:
            out[name] = _as_mapping(item)
    return out


@dataclass(frozen=True, kw_only=True)
class TranscriptionOptions:
    """Options of ``input_audio_transcription`` / ``output_audio_transcription``.

    ``language_codes`` (expected languages), ``language_hints`` (codes the recogniser should
    favour), ``language_auto`` (detect the language), ``custom_vocabulary`` and
    ``adaptation_phrases`` (words and phrases to recognise), ``word_timestamp`` (word timings in
    the transcripts), ``diarization`` (speaker labels), ``mode`` (``'verbatim'`` or
    ``'smart'``) and ``source_text``.

    Example::

        gl.connect(transcribe_input={"language_codes": ["de-DE"], "word_timestamp": True})
    """

    language_codes: tuple[str, ...] | None = None
    language_hints: tuple[str, ...] | None = None
    language_auto: bool | None = None
    custom_vocabulary: tuple[str, ...] | None = None
    adaptation_phrases: tuple[str, ...] | None = None
    word_timestamp: bool | None = None
    diarization: bool | None = None
    mode: str | None = None
    source_text: str | None = None

    def __post_init__(self) -> None:
        for name in ("language_codes", "custom_vocabulary", "adaptation_phrases"):
            set_field(self, name, _codes(f"transcription.{name}", getattr(self, name)))
        hints = _as_mapping(self.language_hints)
        if isinstance(hints, Mapping):  # the wire/SDK shape {languageCodes: [...]}
            hints = normalize_keys(dict(hints)).get("languageCodes")
        set_field(self, "language_hints", _codes("transcription.language_hints", hints))
        auto = _as_mapping(self.language_auto)
        if isinstance(auto, Mapping):  # the wire/SDK shape is an empty message: {} means on
            auto = True
        set_field(
            self, "language_auto", check_flag("transcription.language_auto", auto, optional=True)
        )
        for name in ("word_timestamp", "diarization"):
            set_field(
                self, name, check_flag(f"transcription.{name}", getattr(self, name), optional=True)
            )
        mode = _enum_text(self.mode)
        set_field(
            self, "mode", check_choice("transcription.mode", mode, TRANSCRIPTION_MODES, "mode_")
        )
        if self.source_text is not None and not isinstance(self.source_text, str):
            raise ConfigError(f"transcription.source_text must be a str, not {self.source_text!r}")

    @classmethod
    def coerce(cls, value: Any, name: str) -> bool | TranscriptionOptions:
        """``True``/``False``, or options from a dict / SDK ``AudioTranscriptionConfig``.

        Options with nothing set are ``True`` (transcription on, server defaults).
        """
        value = _as_mapping(value)
        if isinstance(value, TranscriptionOptions):
            options = value
        elif isinstance(value, Mapping):
            options = cls(**_kwargs(cls, f"key in {name}:", value))
        else:
            return bool(check_flag(name, value))
        return options if options.to_wire() else True

    def to_wire(self) -> dict[str, Any]:
        """The ``AudioTranscriptionConfig`` message in camelCase, unset fields left out."""
        wire: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if f.name == "language_hints":
                value = {"languageCodes": list(value)}
            elif f.name == "language_auto":
                if not value:
                    continue
                value = {}
            elif f.name == "mode":
                value = TRANSCRIPTION_MODES[value]
            elif isinstance(value, tuple):
                value = list(value)
            wire[to_camel(f.name)] = value
        return wire

    def __repr__(self) -> str:
        return short_repr(self)


@dataclass(frozen=True, kw_only=True)
class TranslationConfig:
    """Speech translation (``generationConfig.translationConfig``), for the live-translate model.

    Example::

        gl.connect(model="gemini-3.5-live-translate-preview",
                   translation={"target_language_code": "fr-FR"})
    """

    target_language_code: str | None = None
    echo_target_language: bool | None = None

    def __post_init__(self) -> None:
        code = self.target_language_code
        if code is not None and (not isinstance(code, str) or not code.strip()):
            raise ConfigError(
                f"translation.target_language_code must be a language code such as 'fr-FR', "
                f"not {code!r}"
            )
        set_field(self, "target_language_code", code.strip() if code else None)
        echo = check_flag(
            "translation.echo_target_language", self.echo_target_language, optional=True
        )
        set_field(self, "echo_target_language", echo)

    @classmethod
    def coerce(cls, value: Any) -> TranslationConfig | None:
        """From a TranslationConfig, a dict / SDK object, a target code (str) or None."""
        value = _as_mapping(value)
        if value is None or isinstance(value, TranslationConfig):
            return value
        if isinstance(value, str):
            return cls(target_language_code=value)
        if isinstance(value, Mapping):
            return cls(**_kwargs(cls, "key in translation:", value))
        raise ConfigError(
            f"translation must be a target language code such as 'fr-FR' or a dict, not {value!r}"
        )

    def to_wire(self) -> dict[str, Any]:
        """``translationConfig`` in camelCase."""
        wire: dict[str, Any] = {}
        if self.echo_target_language is not None:
            wire["echoTargetLanguage"] = self.echo_target_language
        if self.target_language_code is not None:
            wire["targetLanguageCode"] = self.target_language_code
        return wire

    def __repr__(self) -> str:
        return short_repr(self)


def check_safety_settings(value: Any) -> tuple[dict[str, str], ...]:
    """Safety settings as wire dicts ``{category, threshold[, method]}`` (SDK objects too)."""
    value = _as_mapping(value)
    if value is None:
        return ()
    if isinstance(value, Mapping) or not isinstance(value, (list, tuple)):
        raise ConfigError(
            "safety_settings must be a list such as [{'category': "
            f"'HARM_CATEGORY_HARASSMENT', 'threshold': 'BLOCK_ONLY_HIGH'}}], not {value!r:.60}"
        )
    out = []
    for index, item in enumerate(value):
        item = _as_mapping(item)
        if not isinstance(item, Mapping):
            raise ConfigError(f"a safety setting must be a dict, not {item!r:.60}")
        wire = {k: _enum_text(v) for k, v in normalize_keys(dict(item)).items() if v is not None}
        extra = set(wire) - {"category", "threshold", "method"}
        if extra:
            keys = ["category", "threshold", "method"]
            raise _unknown("safety setting key", sorted(extra)[0], keys, "Use those keys.")
        category = str(wire.get("category", ""))
        if not category.startswith("HARM_CATEGORY_"):
            raise ConfigError(
                f"safety_settings[{index}].category {category!r} is not a harm category — "
                "use e.g. "
                "'HARM_CATEGORY_HARASSMENT'"
            )
        threshold = wire.get("threshold")
        if threshold is not None and threshold not in HARM_THRESHOLDS:
            hint = f"Use one of {', '.join(HARM_THRESHOLDS)}."
            raise _unknown("safety threshold", threshold, list(HARM_THRESHOLDS), hint)
        method = wire.get("method")
        if method is not None and method not in HARM_METHODS:
            raise _unknown("safety method", method, list(HARM_METHODS), "Use 'SEVERITY'.")
        out.append({k: str(v) for k, v in wire.items()})
    return tuple(out)


def check_labels(value: Any) -> dict[str, str] | None:
    """Labels (billing/metadata key → value, both str), or None."""
    if value is None or value == {}:
        return None
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ConfigError(
            f"labels must be a dict of str to str such as {{'team': 'a'}}, not {value!r:.60}"
        )
    return dict(value)
