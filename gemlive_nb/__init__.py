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
import warnings
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
    # namespaces (gl.events, gl.config, ...) and IPython's hooks (reachable, not in __all__)
    from . import compare as compare
    from . import config as config
    from . import display as display
    from . import endpoints as endpoints
    from . import evaluation as evaluation
    from . import events as events
    from . import session as session
    from . import tools as tools
    from . import waiting as waiting
    from .audio import Audio
    from .compare import compare_languages, compare_voices
    from .config import LiveConfig
    from .conversation import Recording, Turn
    from .display import (
        plot_latency,
        plot_levels,
        plot_spectrogram,
        plot_waveform,
        show_transcript,
    )
    from .emulator import Emulator
    from .endpoints import create_ephemeral_token, create_ephemeral_token_sync
    from .explorer import VoiceExplorer
    from .magics import load_ipython_extension as load_ipython_extension
    from .magics import unload_ipython_extension as unload_ipython_extension
    from .session import LiveSession, connect, connect_sync
    from .tools import tool
    from .widget import ReplayWidget, VoiceWidget

# public name -> module that defines it (loaded lazily on first attribute access)
_LAZY: dict[str, str] = {
    "Audio": "audio",
    "LiveConfig": "config",
    "connect": "session",
    "connect_sync": "session",
    "LiveSession": "session",
    "create_ephemeral_token": "endpoints",
    "create_ephemeral_token_sync": "endpoints",
    "Recording": "conversation",
    "Turn": "conversation",
    "tool": "tools",
    "Emulator": "emulator",
    "VoiceWidget": "widget",
    "VoiceExplorer": "explorer",
    "ReplayWidget": "widget",
    "plot_waveform": "display",
    "plot_spectrogram": "display",
    "plot_levels": "display",
    "plot_latency": "display",
    "show_transcript": "display",
    "compare_voices": "compare",
    "compare_languages": "compare",
    # IPython's hooks for ``%load_ext gemlive_nb``: attributes, not API (so not in __all__)
    "load_ipython_extension": "magics",
    "unload_ipython_extension": "magics",
}

# Namespaces reachable as ``gl.<name>`` without an import of their own (loaded on first use).
_NAMESPACES = frozenset(
    {
        "compare",
        "config",
        "display",
        "endpoints",
        "evaluation",
        "events",
        "session",
        "tools",
        "waiting",
    }
)

# Names that moved into their packages: they still work for one release, with a
# DeprecationWarning naming the new place. old top-level name -> the module that keeps it.
_MOVED: dict[str, str] = {
    "AudioDropped": "events",
    "PlaybackCut": "events",
    "SessionStatus": "events",
    "SessionStats": "session",
    "CompressionConfig": "config",
    "CustomVoice": "config",
    "TranscriptionOptions": "config",
    "TranslationConfig": "config",
    "VadConfig": "config",
    "Endpoint": "endpoints",
    "resolve_endpoint": "endpoints",
    "ToolRegistry": "tools",
    "declare": "tools",
    "wait_until": "waiting",
    "wait_until_sync": "waiting",
    "Comparison": "compare",
    "compare_grid": "compare",
    "acompare_voices": "compare",
    "acompare_languages": "compare",
    "acompare_grid": "compare",
    "Evaluation": "evaluation",
    "Expect": "evaluation",
    "Prices": "evaluation",
    "Scenario": "evaluation",
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
    "AudioError",
    "ConfigError",
    "Emulator",
    "GemliveError",
    "LiveConfig",
    "LiveSession",
    "ProtocolError",
    "Recording",
    "ReplayWidget",
    "SessionClosed",
    "ToolError",
    "Turn",
    "TurnFailed",
    "VoiceExplorer",
    "VoiceWidget",
    "catalog",
    "compare_languages",
    "compare_voices",
    "connect",
    "connect_sync",
    "create_ephemeral_token",
    "create_ephemeral_token_sync",
    "evaluation",
    "events",
    "plot_latency",
    "plot_levels",
    "plot_spectrogram",
    "plot_waveform",
    "protocol",
    "show_transcript",
    "tool",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (keeps ``import gemlive_nb`` fast)."""
    if name in _NAMESPACES:
        return importlib.import_module(f".{name}", __name__)
    moved = _MOVED.get(name)
    if moved is not None:
        warnings.warn(
            f"gemlive_nb.{name} moved to gemlive_nb.{moved}.{name} (use "
            f"'from gemlive_nb.{moved} import {name}'); the old name goes in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(f".{moved}", __name__), name)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'gemlive_nb' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Every attribute, the lazily loaded public names and namespaces included."""
    return sorted(set(globals()) | set(_LAZY) | _NAMESPACES)
