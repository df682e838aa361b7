"""The emulator package's shape: lazy names, small modules, only leaf imports, clear errors."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import gemlive_nb
from gemlive_nb.emulator import Emulator
from gemlive_nb.exceptions import ConfigError, GemliveError

PACKAGE = Path(gemlive_nb.__file__).parent / "emulator"
DATA_TABLES = {"wire_schema.py"}  # generated, pure data
LEAVES = {"catalog", "exceptions", "secret", "audio", "protocol", "emulator"}


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_importing_the_process_launcher_loads_neither_server_nor_synthesizer():
    loaded = _loaded_after("import gemlive_nb.emulator.process")
    assert "gemlive_nb.emulator.process" in loaded
    heavy = {
        m
        for m in loaded
        if m.startswith("gemlive_nb.emulator.") and m != "gemlive_nb.emulator.process"
    }
    assert heavy == set()
    assert "websockets.asyncio.server" not in loaded


def test_package_names_load_on_first_use():
    loaded = _loaded_after("from gemlive_nb.emulator import EmulatorProcess")
    assert "gemlive_nb.emulator.server" not in loaded
    assert "gemlive_nb.emulator.synth" not in loaded
    loaded = _loaded_after("from gemlive_nb.emulator import Emulator")
    assert "gemlive_nb.emulator.server" in loaded


def test_unknown_package_name_is_an_attribute_error():
    import gemlive_nb.emulator as emulator

    with pytest.raises(AttributeError, match="Emulatr"):
        emulator.Emulatr  # noqa: B018


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_are_small_and_import_only_leaves(path: Path):
    text = path.read_text(encoding="utf-8")
    if path.name not in DATA_TABLES:
        assert len(text.splitlines()) <= 400, f"{path.name} is over 400 lines: split it"
    depth = len(path.relative_to(PACKAGE).parts)  # 1 = emulator/x.py, 2 = emulator/synth/x.py
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and node.level > depth:
            tops = [node.module.split(".")[0]] if node.module else [a.name for a in node.names]
            for top in tops:
                assert top in LEAVES, f"{path.name} imports gemlive_nb.{top} (not a leaf)"
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] == "gemlive_nb" and len(parts) > 1:
                assert parts[1] in LEAVES, f"{path.name} imports {node.module} (not a leaf)"


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"port": -1}, ["port", "-1"]),
        ({"dialect": "mixrute"}, ["dialect", "'mixrute'", "did you mean 'mixroute'"]),
        ({"speech": "bultin"}, ["speech", "did you mean 'builtin'"]),
        ({"latency": -0.5}, ["latency", "-0.5"]),
        ({"chunk_ms": 5}, ["chunk_ms", "5"]),
        ({"burst": 1.5}, ["burst", "whole number", "1.5"]),
        ({"realtime": "fast"}, ["realtime", "'fast'", "speed factor"]),
        ({"script": "steps.json"}, ["script", "list of step dicts"]),
        ({"go_away_at": "middle"}, ["go_away_at", "'middle'"]),
        ({"max_connection_s": 0}, ["max_connection_s", "0"]),
    ],
)
def test_bad_emulator_arguments_raise_config_error_naming_value_and_fix(kwargs, words):
    with pytest.raises(ConfigError) as info:
        Emulator(**kwargs)
    assert isinstance(info.value, GemliveError)
    for word in words:
        assert word in str(info.value)
