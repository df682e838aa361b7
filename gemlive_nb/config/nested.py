"""The nested parts of a LiveConfig: voice activity detection and context compression."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from .._plain import as_mapping as _as_mapping
from ..catalog import unknown_name_error as _unknown
from ..exceptions import ConfigError
from ..protocol import normalize_keys, to_camel
from ._checks import SENSITIVITY, check_choice, check_flag, check_number, set_field, short_repr

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
        set_field(self, "disabled", check_flag("vad.disabled", self.disabled, optional=True))
        for name, prefix in (("start", "start_sensitivity_"), ("end", "end_sensitivity_")):
            attr = f"{name}_sensitivity"
            set_field(
                self, attr, check_choice(f"vad.{attr}", getattr(self, attr), SENSITIVITY, prefix)
            )
        for attr in ("prefix_padding_ms", "silence_duration_ms"):
            set_field(self, attr, check_number(f"vad.{attr}", getattr(self, attr), 0, integer=True))

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
        return short_repr(self)

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
    ``sliding_window=False`` sends no ``slidingWindow`` (as a wire or SDK config that names no
    mechanism does); what the service does then is unverified, so the kit's own default names
    the sliding window, the one mechanism the SDK defines.

    Example::

        CompressionConfig(trigger_tokens=25_600, target_tokens=12_800)
    """

    trigger_tokens: int | None = None
    target_tokens: int | None = None
    sliding_window: bool = True

    def __post_init__(self) -> None:
        set_field(
            self, "sliding_window", check_flag("compression.sliding_window", self.sliding_window)
        )
        if self.target_tokens is not None and not self.sliding_window:
            raise ConfigError("compression.target_tokens needs the sliding window — drop one")
        trigger = check_number("compression.trigger_tokens", self.trigger_tokens, 1, integer=True)
        target = check_number("compression.target_tokens", self.target_tokens, 1, integer=True)
        if trigger is not None and target is not None and target >= trigger:
            raise ConfigError(
                f"compression.target_tokens={target} must be below trigger_tokens={trigger} "
                f"— for example target_tokens={trigger // 2}"
            )
        set_field(self, "trigger_tokens", trigger)
        set_field(self, "target_tokens", target)

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
            window = wire.pop("slidingWindow", None)
            sliding = window is not None or "targetTokens" in wire
            if isinstance(window, bool):  # LiveConfig.to_dict's spelling
                sliding, window = window, None
            window = window or {}
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
            return cls(**kwargs, sliding_window=sliding)
        raise ConfigError(f"compression must be True, a CompressionConfig or a dict, not {value!r}")

    def __repr__(self) -> str:
        return short_repr(self)

    def to_wire(self) -> dict[str, Any]:
        """``contextWindowCompression`` in camelCase."""
        window = {} if self.target_tokens is None else {"targetTokens": self.target_tokens}
        wire: dict[str, Any] = {"slidingWindow": window} if self.sliding_window else {}
        if self.trigger_tokens is not None:
            wire = {"triggerTokens": self.trigger_tokens, **wire}
        return wire
