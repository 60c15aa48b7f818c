"""The package's shape, checked: the rules of cleaner/__init__.py's map hold for every module.

- no module past 500 lines;
- no import circle between modules, not even through imports inside functions;
- imports at the top of a module, except for optional dependencies (ray, pyarrow,
  lightgbm) and for names only type checkers read (``if TYPE_CHECKING:``);
- no module takes another module's private names (``from x import _y`` or ``x._y``);
- a sub-package imports only from the packages listed above it in the map (the flow).

These read the source with :mod:`ast`, so a broken rule names the file and the line.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cleaner"
MAX_LINES = 500
# Modules that may be missing, imported where used: the extras, and the POSIX-only `resource`.
OPTIONAL = frozenset({"ray", "pyarrow", "lightgbm", "resource"})
# The flow, bottom to top: a module of a layer imports only from its own layer and those below.
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
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(name: str) -> int:
    best, found = -1, -1
    for index, layer in enumerate(LAYERS):
        for prefix in layer:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), index
    assert found >= 0, f"{name} is in no layer of the map: add it to LAYERS and to cleaner/__init__.py"
    return found


class Imports(ast.NodeVisitor):
    """The imports of one module: (target module, imported name or None, line, at top level?)."""

    def __init__(self, name: str, is_package: bool) -> None:
        self.name, self.is_package = name, is_package
        self.found: list[tuple[str, str | None, int, bool]] = []
        self.depth = 0
        self.type_checking = 0

    def resolve(self, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = self.name.split(".")
        base = base if self.is_package else base[:-1]
        base = base[: len(base) - (node.level - 1)]
        return ".".join([*base, *([node.module] if node.module else [])])

    def add(self, target: str, attr: str | None, line: int) -> None:
        if self.type_checking:
            return
        if attr is not None and f"{target}.{attr}" in MODULES:
            target, attr = f"{target}.{attr}", None
        self.found.append((target, attr, line, self.depth == 0))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.add(alias.name, None, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        target = self.resolve(node)
        for alias in node.names:
            self.add(target, alias.name, node.lineno)

    def visit_If(self, node: ast.If) -> None:
        checking = isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        self.type_checking += checking
        for child in node.body:
            self.visit(child)
        self.type_checking -= checking
        for child in node.orelse:
            self.visit(child)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815 - the visitor's naming

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1


def imports_of(name: str) -> list[tuple[str, str | None, int, bool]]:
    path = MODULES[name]
    visitor = Imports(name, path.name == "__init__.py")
    visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
    return visitor.found


def own_module(target: str) -> str | None:
    """The cleaner module an import target names (a module, or the module of an imported name)."""
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def test_the_map_names_every_sub_package() -> None:
    doc = (PACKAGE / "__init__.py").read_text(encoding="utf-8")
    packages = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))
    assert packages, "no sub-package found"
    missing = [p for p in packages if f"    {p}/" not in doc]
    assert not missing, f"cleaner/__init__.py's map does not show {missing}"
    for name in MODULES:
        layer_of(name)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_is_short_enough(name: str) -> None:
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{MODULES[name]} has {lines} lines: split it by job"


def test_no_import_circles() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for name in MODULES:
        for target, _attr, _line, _top in imports_of(name):
            module = own_module(target) if target.startswith("cleaner") else None
            if module and module != name and module != "cleaner":
                graph[name].add(module)
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(MODULES):
        if name not in state:
            visit(name)
    assert not cycles, "import circles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_imports_are_at_the_top() -> None:
    late = [
        f"{MODULES[name]}:{line} imports {target}"
        for name in MODULES
        for target, _attr, line, top in imports_of(name)
        if not top and target.split(".")[0] not in OPTIONAL
    ]
    assert not late, "imports inside functions or classes (only optional dependencies may be):\n" + "\n".join(late)


def test_no_private_names_across_modules() -> None:
    taken = []
    for name, path in MODULES.items():
        for target, attr, line, _top in imports_of(name):
            module = own_module(target) if target.startswith("cleaner") else None
            if module and module != name and attr and attr.startswith("_") and not attr.startswith("__"):
                taken.append(f"{path}:{line} takes {module}.{attr}")
        aliases = {
            alias.asname or alias.name.rpartition(".")[2]: own_module(f"{node.module}.{alias.name}")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cleaner")
            for alias in node.names
        }
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and aliases.get(node.value.id) not in (None, name)
            ):
                taken.append(f"{path}:{node.lineno} takes {node.value.id}.{node.attr}")
    assert not taken, "private names used across modules:\n" + "\n".join(taken)


def test_packages_import_only_what_comes_before_them_in_the_flow() -> None:
    upward = []
    for name in MODULES:
        for target, _attr, line, _top in imports_of(name):
            module = own_module(target) if target.startswith("cleaner") else None
            if module and module != "cleaner" and layer_of(module) > layer_of(name):
                upward.append(f"{MODULES[name]}:{line}: {name} imports {module}, which comes after it")
    assert not upward, "\n".join(upward)
