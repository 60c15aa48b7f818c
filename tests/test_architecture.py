"""The package's shape, checked: the rules of cleaner/__init__.py's map hold for every module.

- no module past 500 lines;
- no import circle between modules, not even through imports inside functions;
- imports at the top of a module, except for the modules in OPTIONAL and for names only
  type checkers read (``if TYPE_CHECKING:``);
- no module takes another module's private names (``from x import _y``, or ``x._y`` through
  any alias of module ``x``);
- a module imports only from its own layer of the flow and the layers before it (LAYERS).

The checks read the source with :mod:`ast`, so a broken rule names the file and the line;
``test_the_checks_catch_what_they_claim`` feeds them modules that break each rule.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cleaner"
MAX_LINES = 500
# Modules imported where they are used, not at the top: the extras (ray, pyarrow, lightgbm, datasets),
# the POSIX-only `resource`, and trafilatura, which costs every process 0.2 s of start-up
# (a third of `cleaner --help`) while only its adapter and the ensemble run it, and
# htmldate (0.15 s with urllib3), which runs only on pages no other source dates.
OPTIONAL = frozenset({"ray", "pyarrow", "lightgbm", "datasets", "resource", "trafilatura", "htmldate"})
# The flow, first to last: a module imports only from its own layer and those before it.
LAYERS = (
    ("cleaner.version", "cleaner.errors", "cleaner.model", "cleaner.config"),
    ("cleaner.io",),
    ("cleaner.page",),
    ("cleaner.meta",),
    ("cleaner.extractors",),
    ("cleaner.corpus",),
    ("cleaner.pipeline",),
    ("cleaner.output",),
    ("cleaner.batch",),
    ("cleaner.explain", "cleaner.learning"),
    ("cleaner.cli", "cleaner"),
    ("cleaner.integrations",),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


SOURCES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
# The compiled modules (Cython): an import of one imports that module (its package is
# already being imported), so they are nodes of the import graph; their own imports are
# not read (Cython is not Python's grammar).
COMPILED = {module_name(p) for p in sorted(PACKAGE.rglob("*.pyx"))}


def layer_of(name: str) -> int:
    best, found = -1, -1
    for index, layer in enumerate(LAYERS):
        for prefix in layer:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), index
    assert found >= 0, f"{name} is in no layer of the map: add it to LAYERS and to cleaner/__init__.py"
    return found


@dataclass(frozen=True)
class Import:
    """One imported thing: the cleaner module it comes from (or the outside module), the name, where."""

    module: str
    name: str | None
    line: int
    top: bool


def own_module(target: str, modules: frozenset[str]) -> str:
    """The longest known module a dotted name starts with (the name itself for an outside module)."""
    probe = target
    while probe and probe not in modules:
        probe = probe.rpartition(".")[0]
    return probe or target


class ModuleReader(ast.NodeVisitor):
    """The imports of one module and the modules its local names stand for."""

    def __init__(self, name: str, is_package: bool, modules: frozenset[str]) -> None:
        self.name, self.is_package, self.modules = name, is_package, modules
        self.imports: list[Import] = []
        self.aliases: dict[str, str] = {}  # local name -> the module it is bound to
        self.depth = 0
        self.type_checking = 0

    def absolute(self, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = self.name.split(".")
        base = base if self.is_package else base[:-1]
        base = base[: len(base) - (node.level - 1)]
        return ".".join([*base, *([node.module] if node.module else [])])

    def add(self, module: str, name: str | None, line: int) -> None:
        if not self.type_checking:
            self.imports.append(Import(module, name, line, self.depth == 0))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.add(own_module(alias.name, self.modules), None, node.lineno)
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                self.aliases[alias.name.partition(".")[0]] = alias.name.partition(".")[0]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        source = self.absolute(node)
        for alias in node.names:
            if f"{source}.{alias.name}" in self.modules:  # a module: ``from cleaner import pipeline``
                self.add(f"{source}.{alias.name}", None, node.lineno)
                self.aliases[alias.asname or alias.name] = f"{source}.{alias.name}"
            else:
                self.add(own_module(source, self.modules), alias.name, node.lineno)

    def visit_If(self, node: ast.If) -> None:
        checking = isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        self.type_checking += checking
        for child in node.body:
            self.visit(child)
        self.type_checking -= checking
        for child in node.orelse:
            self.visit(child)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815 - the visitor's naming
    visit_ClassDef = visit_FunctionDef  # noqa: N815


def read_module(name: str, source: str, is_package: bool, modules: frozenset[str]) -> tuple[ast.AST, ModuleReader]:
    tree = ast.parse(source)
    reader = ModuleReader(name, is_package, modules)
    reader.visit(tree)
    return tree, reader


def private(name: str | None) -> bool:
    return bool(name) and name.startswith("_") and not name.startswith("__")  # type: ignore[union-attr]


def violations(name: str, source: str, is_package: bool, modules: frozenset[str]) -> dict[str, list[str]]:
    """Every rule one module breaks (but import circles, which need every module): rule -> findings."""
    tree, reader = read_module(name, source, is_package, modules)
    found: dict[str, list[str]] = defaultdict(list)
    for imp in reader.imports:
        if imp.module in modules:
            if imp.module != name and private(imp.name):
                found["private"].append(f"line {imp.line}: takes {imp.module}.{imp.name}")
            if layer_of(imp.module) > layer_of(name):
                found["upward"].append(f"line {imp.line}: {name} imports {imp.module}, which comes after it")
        if not imp.top and imp.module.partition(".")[0] not in OPTIONAL:
            found["late"].append(f"line {imp.line}: imports {imp.module} inside a function or class")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain: list[str] = []
            value: ast.AST = node
            while isinstance(value, ast.Attribute):
                chain.insert(0, value.attr)
                value = value.value
            if not isinstance(value, ast.Name) or value.id not in reader.aliases:
                continue
            module = reader.aliases[value.id]
            for attr in chain:
                if f"{module}.{attr}" in modules:
                    module = f"{module}.{attr}"
                    continue
                if module in modules and module != name and private(attr):
                    found["private"].append(f"line {node.lineno}: takes {module}.{attr}")
                if module in modules and module != name and layer_of(module) > layer_of(name):
                    found["upward"].append(f"line {node.lineno}: {name} uses {module}.{attr}, which comes after it")
                break
    return found


def import_graph(modules: dict[str, tuple[str, bool]]) -> dict[str, set[str]]:
    names = frozenset(modules)
    graph: dict[str, set[str]] = defaultdict(set)
    for name, (source, is_package) in modules.items():
        for imp in read_module(name, source, is_package, names)[1].imports:
            if imp.module in names and imp.module != name:
                graph[name].add(imp.module)
    return graph


def cycles_of(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def package_violations(rule: str) -> list[str]:
    modules = frozenset(SOURCES)
    return [
        f"{path}: {finding}"
        for name, path in SOURCES.items()
        for finding in violations(name, path.read_text(encoding="utf-8"), path.name == "__init__.py", modules)[rule]
    ]


# --------------------------------------------------------------------------- the rules, on the package


def test_the_map_names_every_sub_package() -> None:
    doc = (PACKAGE / "__init__.py").read_text(encoding="utf-8")
    packages = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))
    assert packages, "no sub-package found"
    missing = [p for p in packages if f"    {p}/" not in doc]
    assert not missing, f"cleaner/__init__.py's map does not show {missing}"
    for name in SOURCES:
        layer_of(name)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_module_is_short_enough(name: str) -> None:
    lines = SOURCES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{SOURCES[name]} has {lines} lines: split it by job"


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.pyx")), ids=lambda p: p.name)
def test_compiled_module_is_short_enough(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{path} has {lines} lines: split it by job"


def test_no_import_circles() -> None:
    modules = {n: (p.read_text(encoding="utf-8"), p.name == "__init__.py") for n, p in SOURCES.items()}
    graph = import_graph(modules | dict.fromkeys(COMPILED, ("", False)))
    cycles = cycles_of(graph)
    assert not cycles, "import circles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_imports_are_at_the_top() -> None:
    late = package_violations("late")
    assert not late, "imports inside functions or classes (only OPTIONAL modules may be):\n" + "\n".join(late)


def test_no_private_names_across_modules() -> None:
    taken = package_violations("private")
    assert not taken, "private names used across modules:\n" + "\n".join(taken)


def test_modules_import_only_what_comes_before_them_in_the_flow() -> None:
    upward = package_violations("upward")
    assert not upward, "\n".join(upward)


# --------------------------------------------------------------------------- the checks, on modules that break them

BAD_MODULE = """
import cleaner
import cleaner.io.sniff as sniff_module
from cleaner.io.sniff import _EXTENSIONS
from cleaner import pipeline

def late():
    import cleaner.model
    return cleaner.clean_corpus, sniff_module._EXTENSIONS, pipeline.clean_document
"""


def test_the_checks_catch_what_they_claim() -> None:
    found = violations("cleaner.page.facts", BAD_MODULE, False, frozenset(SOURCES))
    assert any("cleaner.io.sniff._EXTENSIONS" in f and "line 4" in f for f in found["private"])  # from-import
    assert any("cleaner.io.sniff._EXTENSIONS" in f and "line 9" in f for f in found["private"])  # through an alias
    upward = "\n".join(found["upward"])
    assert "imports cleaner, which" in upward and "imports cleaner.pipeline, which" in upward
    assert "uses cleaner.clean_corpus" in upward  # the top package reached through an attribute
    assert any("line 8" in f and "cleaner.model" in f for f in found["late"])
    assert not violations(
        "cleaner.page.facts", "import numpy\nfrom cleaner.model import Block\n", False, frozenset(SOURCES)
    )
    graph = import_graph(
        {
            "cleaner.io.a": ("import cleaner.io.b\n", False),
            "cleaner.io.b": ("def f():\n    from cleaner.io import a\n", False),
        }
    )
    assert cycles_of(graph) == [["cleaner.io.a", "cleaner.io.b", "cleaner.io.a"]]


def test_install_hints_name_the_distribution_not_the_import_name() -> None:
    """`cleaner` on the package index is another project: every `pip install` hint names ours."""
    name = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
    assert name != "cleaner"
    hints = [
        (path.name, hint)
        for path in sorted(PACKAGE.rglob("*.py"))
        for hint in re.findall(r"pip install '?([\w.-]+)", path.read_text(encoding="utf-8"))
    ]
    assert hints and all(hint == name for _file, hint in hints), hints
