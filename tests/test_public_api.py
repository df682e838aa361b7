"""The public surface users see (DESIGN.md): pinned, sorted, importable, and cheap to import."""

from __future__ import annotations

import subprocess
import sys

import gemlive_nb as gl

PUBLIC = [
    "LANGUAGES", "MODELS", "VOICES", "Audio", "AudioDropped", "AudioError", "Comparison",
    "CompressionConfig", "ConfigError", "CustomVoice", "Emulator", "Endpoint", "Evaluation",
    "Expect",
    "GemliveError", "LiveConfig", "LiveSession", "PlaybackCut", "Prices", "ProtocolError",
    "Recording", "ReplayWidget", "Scenario", "SessionClosed", "SessionStats", "SessionStatus",
    "ToolError", "ToolRegistry", "TranscriptionOptions", "TranslationConfig", "Turn", "TurnFailed",
    "VadConfig", "VoiceExplorer", "VoiceWidget", "acompare_grid", "acompare_languages",
    "acompare_voices", "catalog", "compare_grid", "compare_languages", "compare_voices", "connect",
    "connect_sync", "create_ephemeral_token", "create_ephemeral_token_sync", "declare", "evaluate",
    "evaluate_sync", "load_ipython_extension", "plot_latency", "plot_levels", "plot_spectrogram",
    "plot_waveform", "protocol", "provenance", "rerun", "rerun_sync", "resolve_endpoint",
    "show_transcript", "tool", "unload_ipython_extension", "wait_until", "wait_until_sync",
]  # fmt: skip


def test_public_names_are_pinned_and_sorted():
    assert gl.__all__ == PUBLIC
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
    assert seen == set(gl._LAZY), sorted(seen ^ set(gl._LAZY))
