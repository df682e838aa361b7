"""``LiveConfigFields``: every LiveConfig field as keyword arguments, for signature help.

``connect(**config: Unpack[LiveConfigFields])`` lets mypy and Pylance check and complete the
fields. The types are what the fields *accept* (short names, dicts, SDK objects), which is
looser than what a built LiveConfig holds. A test keeps the keys equal to LiveConfig's fields.
Example::

    def connect(**config: Unpack[LiveConfigFields]) -> LiveSession: ...
    connect(voice="Puck", temprature=0.2)    # the type checker flags the typo
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypedDict

__all__ = ["LiveConfigFields"]


class LiveConfigFields(TypedDict, total=False):
    """The keyword arguments :class:`~gemlive_nb.config.LiveConfig` takes (all optional)."""

    model: str | None
    voice: str | None
    custom_voice: Mapping[str, Any] | Any | None
    language: str | None
    language_code: str | None
    modalities: str | Sequence[str] | None
    system_instruction: str | Mapping[str, Any] | None
    temperature: float | None
    top_p: float | None
    top_k: int | None
    max_output_tokens: int | None
    seed: int | None
    tools: Callable[..., Any] | Mapping[str, Any] | Sequence[Any] | None
    google_search: bool
    url_context: bool
    transcribe_input: bool | Mapping[str, Any] | Any
    transcribe_output: bool | Mapping[str, Any] | Any
    vad: Any
    activity_handling: str | None
    turn_coverage: str | None
    interim_timestamps: bool | None
    proactive_audio: bool
    affective_dialog: bool
    resumption: bool | str | None
    transparent_resumption: bool
    compression: Any
    media_resolution: str | None
    thinking_budget: int | None
    thinking_level: str | None
    include_thoughts: bool | None
    translation: str | Mapping[str, Any] | Any
    seed_history: bool
    explicit_vad_signal: bool | None
    safety_settings: Sequence[Mapping[str, Any] | Any]
    labels: Mapping[str, str] | None
    allow_unknown_model: bool
