"""Value checks shared by LiveConfig and its nested parts, and the short-name enum tables."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from .._plain import as_mapping as _as_mapping
from ..catalog import LANGUAGES, MODELS, bare_model
from ..catalog import unknown_name_error as _unknown
from ..exceptions import ConfigError
from ..protocol import normalize_keys

MODALITIES = ("AUDIO", "TEXT")

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


# Larger whole numbers than any setting takes (int64); beyond it float() overflows.
_LARGEST = 2**63 - 1


def check_choice(name: str, value: Any, choices: Mapping[str, str], prefix: str = "") -> str | None:
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


def check_number(
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
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{name} must be a finite number, not {value!r}")
    if isinstance(value, int) and abs(value) > _LARGEST:
        digits = len(str(abs(value)))
        raise ConfigError(f"{name} is a {digits}-digit number, far out of range — use a small one")
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


def check_flag(name: str, value: Any, *, optional: bool = False) -> bool | None:
    if value is None and optional:
        return None
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be True or False, not {value!r}")
    return value


def check_modalities(value: Any) -> tuple[str, ...] | None:
    """The response modalities as upper-case names, each once, from a name, enum or list."""
    if value is None:
        return None
    if isinstance(value, str) or hasattr(value, "value"):  # one name, or one enum member
        items = [value]
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
    else:
        raise ConfigError(f"modalities must be 'AUDIO', 'TEXT' or a list of them, not {value!r}")
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


def check_resumption(value: Any) -> bool | str:
    """Session resumption: on, off, or a handle to resume (a non-blank str)."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() or True
    raise ConfigError(f"resumption must be True, False or a resumption handle (str), not {value!r}")


def resolve_model(name: Any, allow_unknown: bool) -> str:
    if not isinstance(name, str) or not name.strip():
        example = "'gemini-live-2.5-flash-native-audio'"
        raise ConfigError(f"model must be a model id such as {example}, not {name!r}")
    bare = bare_model(name.strip())
    entry = MODELS.get(bare)
    if entry is not None:
        return entry.name
    if allow_unknown or bare.startswith("tunedModels/"):
        return bare
    return MODELS[bare].name  # raises ConfigError with the closest known models


def language_name(code: str) -> str:
    entry = LANGUAGES.get(code)
    if entry is not None:
        return entry.name
    base = code.split("-")[0].lower()
    for lang in LANGUAGES:
        if lang.base == base:
            return lang.name.split(" (")[0]
    return f"the language with BCP-47 code {code}"


class InstructionText(str):
    """A system instruction's text that remembers the ``Content`` it came from.

    A wire or SDK ``systemInstruction`` (``{"parts": [{"text": …}, …], "role": …}``) goes back
    out with its own parts and role, as the SDK sends it; the kit's own instructions (a plain
    ``str``) are sent as one text part with ``role: "user"``, as the SDK sends a ``str``.
    """

    wire: dict[str, Any]

    def __new__(cls, text: str, wire: dict[str, Any]) -> InstructionText:
        obj = super().__new__(cls, text)
        obj.wire = wire
        return obj

    def __reduce__(self) -> tuple[Any, ...]:  # copy and pickle keep the wire form
        return (InstructionText, (str(self), self.wire))


def content_text(value: Any) -> str | None:
    """The text of a system instruction given as a str or a Content dict ``{parts:[{text}]}``."""
    value = _as_mapping(value)
    if value is None or isinstance(value, str):
        return value or None
    # The SDK's t_content also takes one Part or a list of Parts/strs: a user Content of them.
    if isinstance(value, (list, tuple)):
        parts = [{"text": p} if isinstance(p, str) else _as_mapping(p) for p in value]
        value = {"parts": parts, "role": "user"}
    elif isinstance(value, Mapping) and "text" in normalize_keys(dict(value)):
        value = {"parts": [value], "role": "user"}
    if isinstance(value, Mapping):
        value = normalize_keys(dict(value))
        extra = {k for k, v in value.items() if v is not None} - {"parts", "role"}
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
            part = _as_mapping(part)
            if isinstance(part, Mapping):
                part = {k: v for k, v in normalize_keys(dict(part)).items() if v is not None}
            if not isinstance(part, Mapping) or set(part) != {"text"}:
                raise ConfigError(
                    f"system_instruction part {part!r:.60} is not supported — only text parts are"
                )
            if not isinstance(part["text"], str):
                raise ConfigError(f"system_instruction text must be a str, not {part['text']!r}")
            texts.append(part["text"])
        role = value.get("role")
        if role is not None and not isinstance(role, str):
            raise ConfigError(f"system_instruction role must be a str, not {role!r:.40}")
        wire: dict[str, Any] = {"parts": [{"text": t} for t in texts]}
        if role is not None:
            wire["role"] = role
        return InstructionText("\n".join(texts), wire) if texts else None
    raise ConfigError(f"system_instruction must be a str, not {type(value).__name__}")


def set_field(obj: object, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


def short_repr(obj: Any) -> str:
    """``Name(field=value, …)`` listing only the fields that are set."""
    shown = ", ".join(
        f"{f.name}={getattr(obj, f.name)!r}"
        for f in fields(obj)
        if getattr(obj, f.name) is not None
    )
    return f"{type(obj).__name__}({shown})"
