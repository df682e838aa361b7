"""The settings of one Live session: :class:`LiveConfig`, validated, and its ``setup`` message.

What lives where: ``live`` (LiveConfig), ``nested`` (VadConfig, CompressionConfig), ``voice``
(CustomVoice: a speaker id or a replicated voice),
``extras`` (TranscriptionOptions, TranslationConfig, safety settings, labels), ``fields``
(LiveConfigFields, the keyword arguments for signature help), ``_checks`` (value checks and
enum tables), ``_reading`` (dicts in any shape into fields), ``_shape`` (Settings, the read-only
face ``_wire`` and ``_limits`` take) and ``_wire`` (the setup message).

Example::

    cfg = LiveConfig(voice="Puck", language="de-DE", system_instruction="Be brief.")
    cfg.to_setup("gemini-2.5-flash-native-audio-preview-12-2025")   # {'setup': {...}}
    LiveConfig(voice="Zephir")   # ConfigError: unknown voice 'Zephir' — did you mean 'Zephyr'? …
"""

from __future__ import annotations

from ..protocol import DIALECTS
from .extras import TranscriptionOptions, TranslationConfig
from .fields import LiveConfigFields
from .live import LiveConfig
from .nested import CompressionConfig, VadConfig
from .voice import CustomVoice

__all__ = [
    "DIALECTS",
    "CompressionConfig",
    "CustomVoice",
    "LiveConfig",
    "LiveConfigFields",
    "TranscriptionOptions",
    "TranslationConfig",
    "VadConfig",
]
