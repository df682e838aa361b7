"""``Settings``: what the setup builder and the limit checks read from a LiveConfig.

A structural type, so ``_wire`` and ``_limits`` need not import ``live`` (which imports them):
the config package has no import circle, type-only included. A test keeps its members equal to
LiveConfig's fields. Example::

    def check_config(cfg: Settings, ...) -> None: ...
    check_config(LiveConfig(voice="Puck"), None, "google")   # a LiveConfig is a Settings
"""

from __future__ import annotations

from typing import Any, Protocol

from ..catalog import Model
from .extras import TranscriptionOptions, TranslationConfig
from .nested import CompressionConfig, VadConfig
from .voice import CustomVoice

__all__ = ["Settings"]


class Settings(Protocol):
    """The read-only face of :class:`~gemlive_nb.config.LiveConfig` (every field, plus checks)."""

    @property
    def model(self) -> str | None: ...

    @property
    def voice(self) -> str | None: ...

    @property
    def custom_voice(self) -> CustomVoice | None: ...

    @property
    def language(self) -> str | None: ...

    @property
    def language_code(self) -> str | None: ...

    @property
    def modalities(self) -> tuple[str, ...] | None: ...

    @property
    def system_instruction(self) -> str | None: ...

    @property
    def temperature(self) -> float | None: ...

    @property
    def top_p(self) -> float | None: ...

    @property
    def top_k(self) -> int | None: ...

    @property
    def max_output_tokens(self) -> int | None: ...

    @property
    def seed(self) -> int | None: ...

    @property
    def tools(self) -> tuple[Any, ...]: ...

    @property
    def google_search(self) -> bool: ...

    @property
    def url_context(self) -> bool: ...

    @property
    def transcribe_input(self) -> bool | TranscriptionOptions: ...

    @property
    def transcribe_output(self) -> bool | TranscriptionOptions: ...

    @property
    def vad(self) -> VadConfig | None: ...

    @property
    def activity_handling(self) -> str | None: ...

    @property
    def turn_coverage(self) -> str | None: ...

    @property
    def interim_timestamps(self) -> bool | None: ...

    @property
    def proactive_audio(self) -> bool: ...

    @property
    def affective_dialog(self) -> bool: ...

    @property
    def resumption(self) -> bool | str: ...

    @property
    def transparent_resumption(self) -> bool: ...

    @property
    def compression(self) -> CompressionConfig | None: ...

    @property
    def media_resolution(self) -> str | None: ...

    @property
    def thinking_budget(self) -> int | None: ...

    @property
    def thinking_level(self) -> str | None: ...

    @property
    def include_thoughts(self) -> bool | None: ...

    @property
    def translation(self) -> TranslationConfig | None: ...

    @property
    def seed_history(self) -> bool: ...

    @property
    def explicit_vad_signal(self) -> bool | None: ...

    @property
    def safety_settings(self) -> tuple[dict[str, str], ...]: ...

    @property
    def labels(self) -> dict[str, str] | None: ...

    @property
    def allow_unknown_model(self) -> bool: ...

    @property
    def effective_system_instruction(self) -> str | None: ...

    def check(self, model: Model | str | None = None, dialect: str = "google") -> None:
        """Raise ConfigError for settings the model or the endpoint dialect cannot take."""
        ...
