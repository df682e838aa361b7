"""gemlive_nb: Gemini Live — real-time, two-way voice — in Jupyter notebooks.

Example::

    import gemlive_nb as gl
    async with gl.connect(voice="Puck") as s:      # local emulator unless an API key is set
        turn = await s.ask("What's the weather in Paris?")
    turn                                            # audio player + transcript

Heavy parts (widgets, plots, the emulator) load on first use, so ``import gemlive_nb`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from . import catalog, protocol
from .catalog import LANGUAGES, MODELS, VOICES
from .exceptions import (
    AudioError,
    ConfigError,
    GemliveError,
    ProtocolError,
    SessionClosed,
    ToolError,
)

__version__ = "0.1.0"

# public name -> module that defines it (loaded lazily on first attribute access)
_LAZY: dict[str, str] = {
    "Audio": "audio",
    "LiveConfig": "config",
    "VadConfig": "config",
    "CompressionConfig": "config",
    "Endpoint": "endpoints",
    "resolve_endpoint": "endpoints",
    "connect": "session",
    "connect_sync": "session",
    "LiveSession": "session",
    "SessionStatus": "session",
    "SessionStats": "session",
    "PlaybackCut": "session",
    "Recording": "recording",
    "Turn": "turn",
    "tool": "tools",
    "declare": "tools",
    "ToolRegistry": "tools",
    "Emulator": "emulator",
    "VoiceWidget": "widget",
    "ReplayWidget": "widget",
    "plot_waveform": "display",
    "plot_spectrogram": "display",
    "plot_levels": "display",
    "plot_latency": "display",
    "show_transcript": "display",
    "compare_voices": "compare",
    "compare_languages": "compare",
    "compare_grid": "compare",
    "acompare_voices": "compare",
    "acompare_languages": "compare",
    "acompare_grid": "compare",
    "AudioDropped": "session",
    "Comparison": "compare",
    "load_ipython_extension": "magics",
    "unload_ipython_extension": "magics",
}

__all__ = [
    "LANGUAGES",
    "MODELS",
    "VOICES",
    "Audio",
    "AudioDropped",
    "AudioError",
    "Comparison",
    "CompressionConfig",
    "ConfigError",
    "Emulator",
    "Endpoint",
    "GemliveError",
    "LiveConfig",
    "LiveSession",
    "PlaybackCut",
    "ProtocolError",
    "Recording",
    "ReplayWidget",
    "SessionClosed",
    "SessionStats",
    "SessionStatus",
    "ToolError",
    "ToolRegistry",
    "Turn",
    "VadConfig",
    "VoiceWidget",
    "acompare_grid",
    "acompare_languages",
    "acompare_voices",
    "catalog",
    "compare_grid",
    "compare_languages",
    "compare_voices",
    "connect",
    "connect_sync",
    "declare",
    "load_ipython_extension",
    "plot_latency",
    "plot_levels",
    "plot_spectrogram",
    "plot_waveform",
    "protocol",
    "resolve_endpoint",
    "show_transcript",
    "tool",
    "unload_ipython_extension",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'gemlive_nb' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
