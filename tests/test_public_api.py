"""The public surface users see (DESIGN.md): pinned, sorted, importable, and cheap to import."""

from __future__ import annotations

import importlib
import subprocess
import sys
import warnings

import pytest

import gemlive_nb as gl

PUBLIC = [
    "LANGUAGES", "MODELS", "VOICES", "Audio", "AudioError", "ConfigError", "Emulator",
    "GemliveError", "LiveConfig", "LiveSession", "ProtocolError", "Recording", "ReplayWidget",
    "SessionClosed", "ToolError", "Turn", "TurnFailed", "VoiceExplorer", "VoiceWidget", "catalog",
    "compare_languages", "compare_voices", "connect", "connect_sync", "create_ephemeral_token",
    "create_ephemeral_token_sync", "evaluation", "events", "plot_latency", "plot_levels",
    "plot_spectrogram", "plot_waveform", "protocol", "show_transcript", "tool",
]  # fmt: skip


def test_public_names_are_pinned_and_sorted():
    assert gl.__all__ == PUBLIC
    assert len(gl.__all__) <= 35  # issue 25: the top level stays near DESIGN's list
    # isort-style order (ruff RUF022): CONSTANTS, then Classes, then functions and modules
    kind = [0 if n.isupper() else 1 if n[0].isupper() else 2 for n in gl.__all__]
    assert gl.__all__ == sorted(gl.__all__, key=lambda n: (kind[gl.__all__.index(n)], n))


def test_every_public_name_resolves_and_is_documented():
    for name in gl.__all__:
        value = getattr(gl, name)
        if callable(value) and not isinstance(value, type(gl)):
            assert (value.__doc__ or "").strip(), f"gl.{name} has no docstring"
    assert set(dir(gl)) >= set(gl.__all__)


def test_unknown_attribute_names_it():
    try:
        gl.no_such_thing  # noqa: B018
    except AttributeError as e:
        assert "no_such_thing" in str(e)
    else:
        raise AssertionError("expected AttributeError")


def test_import_is_light():
    code = (
        "import sys, gemlive_nb\n"
        "heavy = [m for m in ('matplotlib', 'anywidget', 'ipywidgets', 'websockets') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_type_checkers_see_every_lazy_name() -> None:
    """The TYPE_CHECKING imports spell out exactly what the lazy table resolves (no drift)."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(gl))
    seen: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom)
                seen |= {alias.asname or alias.name for alias in imp.names}
    assert seen == set(gl._LAZY) | gl._NAMESPACES, sorted(seen ^ (set(gl._LAZY) | gl._NAMESPACES))


# --- names that moved into their packages (deprecated aliases for one release) --------------

MOVED = {
    "AudioDropped": "events", "PlaybackCut": "events", "SessionStatus": "events",
    "SessionStats": "session", "CompressionConfig": "config", "CustomVoice": "config",
    "TranscriptionOptions": "config", "TranslationConfig": "config", "VadConfig": "config",
    "Endpoint": "endpoints", "resolve_endpoint": "endpoints", "ToolRegistry": "tools",
    "declare": "tools", "wait_until": "waiting", "wait_until_sync": "waiting",
    "Comparison": "compare", "compare_grid": "compare", "acompare_voices": "compare",
    "acompare_languages": "compare", "acompare_grid": "compare", "Evaluation": "evaluation",
    "Expect": "evaluation", "Prices": "evaluation", "Scenario": "evaluation",
    "evaluate": "evaluation", "evaluate_sync": "evaluation", "rerun": "evaluation",
    "rerun_sync": "evaluation",
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(MOVED))
def test_a_moved_name_still_works_and_warns_naming_its_new_place(name: str) -> None:
    new_home = importlib.import_module(f"gemlive_nb.{MOVED[name]}")
    with pytest.warns(DeprecationWarning, match=rf"gemlive_nb\.{MOVED[name]}\.{name}\b"):
        old = getattr(gl, name)
    assert old is getattr(new_home, name)
    assert name not in gl.__all__ and name in new_home.__all__
    with pytest.warns(DeprecationWarning, match=name):  # every use warns, not only the first
        exec(f"from gemlive_nb import {name}", {})


def test_the_moved_table_is_the_packages_own() -> None:
    assert gl._MOVED == MOVED


def test_a_moved_name_used_in_a_small_program_warns_and_still_runs() -> None:
    """The old spelling keeps working end to end for one release (here: a VadConfig)."""
    with pytest.warns(DeprecationWarning, match="gemlive_nb.config.VadConfig"):
        vad = gl.VadConfig(silence_duration_ms=300)
    setup = gl.LiveConfig(vad=vad).to_setup("gemini-2.5-flash-native-audio-preview-12-2025")
    detection = setup["setup"]["realtimeInputConfig"]["automaticActivityDetection"]
    assert detection["silenceDurationMs"] == 300


def test_namespaces_load_on_first_use_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in sorted(gl._NAMESPACES):
            module = getattr(gl, name)
            assert module.__name__ == f"gemlive_nb.{name}"
            assert set(module.__all__) <= set(dir(module))
        gl.load_ipython_extension  # noqa: B018 - IPython's hook: an attribute, no warning


def test_events_gathers_every_event_a_session_yields() -> None:
    from gemlive_nb.protocol import events as protocol_events
    from gemlive_nb.session import events as session_events

    defined = {
        n for n, v in vars(protocol_events).items()
        if isinstance(v, type) and v.__module__ == protocol_events.__name__
    } | set(session_events.__all__) - {"SessionStats"} | {"Usage"}  # fmt: skip
    assert set(gl.events.__all__) == defined
    assert gl.events.GoAway is protocol_events.GoAway
    assert gl.events.SessionStatus is session_events.SessionStatus
    assert issubclass(gl.events.OutputTranscript, gl.events.Event)
