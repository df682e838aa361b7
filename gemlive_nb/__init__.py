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
from typing import TYPE_CHECKING, Any

from . import catalog, protocol
from ._version import __version__ as __version__
from .catalog import LANGUAGES, MODELS, VOICES
from .exceptions import (
    AudioError,
    ConfigError,
    GemliveError,
    ProtocolError,
    SessionClosed,
    ToolError,
    TurnFailed,
)

if TYPE_CHECKING:  # what the lazy table below resolves to, spelled out for mypy and Pylance
    from .audio import Audio
    from .compare import (
        Comparison,
        acompare_grid,
        acompare_languages,
        acompare_voices,
        compare_grid,
        compare_languages,
        compare_voices,
    )
    from .config import (
        CompressionConfig,
        CustomVoice,
        LiveConfig,
        TranscriptionOptions,
        TranslationConfig,
        VadConfig,
    )
    from .conversation import Recording, Turn
    from .display import (
        plot_latency,
        plot_levels,
        plot_spectrogram,
        plot_waveform,
        provenance,
        show_transcript,
    )
    from .emulator import Emulator
    from .endpoints import (
        Endpoint,
        create_ephemeral_token,
        create_ephemeral_token_sync,
        resolve_endpoint,
    )
    from .evaluation import (
        Evaluation,
        Expect,
        Prices,
        Scenario,
        evaluate,
        evaluate_sync,
        rerun,
        rerun_sync,
    )
    from .explorer import VoiceExplorer
    from .magics import load_ipython_extension, unload_ipython_extension
    from .session import (
        AudioDropped,
        LiveSession,
        PlaybackCut,
        SessionStats,
        SessionStatus,
        connect,
        connect_sync,
    )
    from .tools import ToolRegistry, declare, tool
    from .waiting import wait_until, wait_until_sync
    from .widget import ReplayWidget, VoiceWidget

# public name -> module that defines it (loaded lazily on first attribute access)
_LAZY: dict[str, str] = {
    "Audio": "audio",
    "LiveConfig": "config",
    "VadConfig": "config",
    "CompressionConfig": "config",
    "CustomVoice": "config",
    "TranscriptionOptions": "config",
    "TranslationConfig": "config",
    "Endpoint": "endpoints",
    "resolve_endpoint": "endpoints",
    "create_ephemeral_token": "endpoints",
    "create_ephemeral_token_sync": "endpoints",
    "connect": "session",
    "connect_sync": "session",
    "LiveSession": "session",
    "SessionStatus": "session",
    "SessionStats": "session",
    "PlaybackCut": "session",
    "Recording": "conversation",
    "Turn": "conversation",
    "tool": "tools",
    "declare": "tools",
    "ToolRegistry": "tools",
    "Emulator": "emulator",
    "VoiceWidget": "widget",
    "VoiceExplorer": "explorer",
    "ReplayWidget": "widget",
    "plot_waveform": "display",
    "plot_spectrogram": "display",
    "plot_levels": "display",
    "plot_latency": "display",
    "show_transcript": "display",
    "provenance": "display",
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
    "wait_until": "waiting",
    "wait_until_sync": "waiting",
    "Scenario": "evaluation",
    "Expect": "evaluation",
    "Evaluation": "evaluation",
    "Prices": "evaluation",
    "evaluate": "evaluation",
    "evaluate_sync": "evaluation",
    "rerun": "evaluation",
    "rerun_sync": "evaluation",
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
    "CustomVoice",
    "Emulator",
    "Endpoint",
    "Evaluation",
    "Expect",
    "GemliveError",
    "LiveConfig",
    "LiveSession",
    "PlaybackCut",
    "Prices",
    "ProtocolError",
    "Recording",
    "ReplayWidget",
    "Scenario",
    "SessionClosed",
    "SessionStats",
    "SessionStatus",
    "ToolError",
    "ToolRegistry",
    "TranscriptionOptions",
    "TranslationConfig",
    "Turn",
    "TurnFailed",
    "VadConfig",
    "VoiceExplorer",
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
    "create_ephemeral_token",
    "create_ephemeral_token_sync",
    "declare",
    "evaluate",
    "evaluate_sync",
    "load_ipython_extension",
    "plot_latency",
    "plot_levels",
    "plot_spectrogram",
    "plot_waveform",
    "protocol",
    "provenance",
    "rerun",
    "rerun_sync",
    "resolve_endpoint",
    "show_transcript",
    "tool",
    "unload_ipython_extension",
    "wait_until",
    "wait_until_sync",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (keeps ``import gemlive_nb`` fast)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'gemlive_nb' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Every attribute, the lazily loaded public names included."""
    return sorted(set(globals()) | set(_LAZY))
