"""The package's shape: no import circle, small modules, one home per concept, types shipped."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import gemlive_nb
from gemlive_nb import _plain, catalog, protocol
from gemlive_nb import tools as tools_pkg
from gemlive_nb.config import LiveConfig
from gemlive_nb.exceptions import ConfigError, ToolError, ToolNameError

PACKAGE = Path(gemlive_nb.__file__).parent
# Every part of the package: each is held to the rules below.
OWNED = tuple(
    sorted(
        {p.stem for p in PACKAGE.glob("*.py")}
        | {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    )
)
# Pure data tables may be longer than the ~400-line rule (wire_schema.py is generated from the
# google-genai SDK's types by ``python -m gemlive_nb.emulator.schema_gen``).
DATA_TABLES = {"catalog.py", "wire_schema.py"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _top_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Imports that run when the module loads (not in functions, not under TYPE_CHECKING)."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif isinstance(node, ast.If) and not _is_type_checking(node):
            pending.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            pending.extend(node.body + node.orelse + node.finalbody)
            for handler in node.handlers:
                pending.extend(handler.body)
    return found


def _import_graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _top_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                # "from pkg import sub" imports the submodule when there is one
                targets = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in files]
                targets = targets or [base]
            graph[name] |= {t for t in targets if t in files and t != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _owned(module: str) -> bool:
    rest = module.removeprefix("gemlive_nb").lstrip(".")
    return rest == "" or rest.split(".")[0] in OWNED


def test_the_graph_reader_sees_a_circle_when_there_is_one() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_among_the_layout_modules() -> None:
    graph = _import_graph()
    assert "gemlive_nb.protocol._parse" in graph["gemlive_nb.protocol"]
    assert "gemlive_nb.protocol.events" in graph["gemlive_nb.protocol._parse"]
    circles = [c for c in _cycles(graph) if any(_owned(m) for m in c)]
    assert circles == []


@pytest.mark.parametrize("part", [p for p in OWNED if p != "__init__"])
def test_layout_modules_stay_small(part: str) -> None:
    paths = list((PACKAGE / part).rglob("*.py")) if (PACKAGE / part).is_dir() else []
    paths = paths or [PACKAGE / f"{part}.py"]
    for path in paths:
        if path.name in DATA_TABLES:
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 420, f"{path.relative_to(PACKAGE)} has {lines} lines; split it"


def test_each_package_init_says_what_lives_there() -> None:
    for part in ("protocol", "config", "audio", "display", "tools"):
        doc = (__import__(f"gemlive_nb.{part}", fromlist=["_"]).__doc__ or "").lower()
        assert "lives" in doc and "example" in doc, part


def test_py_typed_ships() -> None:
    assert (PACKAGE / "py.typed").is_file()


def test_type_checkers_see_every_lazy_name() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    checked: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom):
                    checked |= {a.asname or a.name for a in stmt.names}
    assert checked == set(gemlive_nb._LAZY)


# --- one home per concept -------------------------------------------------------------------


def test_wire_constants_are_defined_once_in_the_layout_modules() -> None:
    pattern = re.compile(
        r"^\s*(INPUT_RATE|OUTPUT_RATE|DIALECTS|TOOL_NAME_RE|_NAME_RE)\s*=", re.MULTILINE
    )
    homes = []
    for path in PACKAGE.rglob("*.py"):
        if _owned(_module_name(path)):
            homes += [(path.name, m.group(1)) for m in pattern.finditer(path.read_text("utf-8"))]
    assert sorted(homes) == sorted(
        [("constants.py", n) for n in ("INPUT_RATE", "OUTPUT_RATE", "DIALECTS", "TOOL_NAME_RE")]
    )


def test_one_json_safe_is_shared() -> None:
    assert tools_pkg.json_safe is _plain.json_safe
    assert _plain.json_safe({"b": b"\x00\x01", "x": float("nan")}) == {"b": "AAE=", "x": "nan"}
    assert _plain.json_safe(b"\x00\x01", bytes_as="size") == {"bytes": 2}
    assert _plain.json_safe([float("inf")], non_finite="null") == [None]
    assert _plain.json_safe(object, other=lambda v: v.__name__) == "object"


def test_bare_model_has_one_home() -> None:
    assert catalog.bare_model("models/gemini-x") == "gemini-x"
    assert catalog.bare_model("publishers/google/models/gemini-x") == "gemini-x"
    assert catalog.bare_model("tunedModels/abc") == "tunedModels/abc"
    assert LiveConfig(model="models/gemini-live-2.5-flash-native-audio").model == (
        "gemini-live-2.5-flash-native-audio"
    )


def test_tool_name_errors_are_config_and_tool_errors() -> None:
    with pytest.raises(ToolNameError) as info:
        protocol.check_tool_name("2fast")
    assert isinstance(info.value, ConfigError) and isinstance(info.value, ToolError)
    assert "'2fast'" in str(info.value)
