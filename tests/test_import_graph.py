"""No import circles between files (#11, "every area the same shape").

Builds the import graph of the ``core`` and ``plugins`` packages with the
standard library only (``ast``) and fails if any strongly connected
component holds more than one module.

Every import statement counts, wherever it sits in the file: at module
level, inside ``if TYPE_CHECKING:``, inside a function or a method.  A
deferred (function-level) import is the usual way a circle gets hidden, so
it is an edge like any other.

``import a.b.c`` is an edge to ``a.b.c``.  ``from pkg import name`` is an
edge to ``pkg.name`` when that is a module of ours, else to ``pkg``.
Relative imports are resolved against the importing module.  Importing a
package does not count as importing its ``__init__``'s own imports a second
time: the edge goes to the package module (``pkg/__init__.py``) and that
file's imports are its own edges.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "plugins")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def collect_modules() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            modules[_module_name(path)] = path
    return modules


def _resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    if target:
        base = base + target.split(".")
    return ".".join(base)


def _owning_module(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of ``name`` that is one of our modules."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                owner = _owning_module(alias.name, modules)
                if owner:
                    found.add(owner)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _resolve_relative(module, is_package, node.level, node.module)
            else:
                base = node.module or ""
            for alias in node.names:
                full = f"{base}.{alias.name}" if base else alias.name
                if full in modules:
                    found.add(full)
                else:
                    owner = _owning_module(base, modules)
                    if owner:
                        found.add(owner)
    found.discard(module)
    return found


def build_graph() -> dict[str, set[str]]:
    modules = collect_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def strongly_connected_components(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the graph is a few hundred nodes deep)."""
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0

    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = lowlink[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = lowlink[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    lowlink[node] = min(lowlink[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                lowlink[parent] = min(lowlink[parent], lowlink[node])
            if lowlink[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def _cycle_in(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """One readable circle through the first module of a component (BFS back to it)."""
    members = set(component)
    start = component[0]
    previous: dict[str, str] = {}
    frontier = [start]
    seen = {start}
    while frontier:
        next_frontier = []
        for node in frontier:
            for child in sorted(graph[node] & members):
                if child == start:
                    chain = [node]
                    while chain[-1] != start:
                        chain.append(previous[chain[-1]])
                    return [start, *reversed(chain[:-1]), start]
                if child not in seen:
                    seen.add(child)
                    previous[child] = node
                    next_frontier.append(child)
        frontier = next_frontier
    return component


def import_circles() -> list[list[str]]:
    graph = build_graph()
    return [c for c in strongly_connected_components(graph) if len(c) > 1]


def describe(circles: list[list[str]]) -> str:
    graph = build_graph()
    lines = []
    for component in circles:
        lines.append(
            f"{len(component)} modules: " + " -> ".join(_cycle_in(component, graph))
        )
        if len(component) > 2:
            lines.append("    all of: " + ", ".join(component))
    return "\n".join(lines)


def test_the_graph_sees_our_modules_and_imports():
    graph = build_graph()
    assert "core.app" in graph
    assert any(name.startswith("plugins.") for name in graph)
    # A function-level import is an edge too.
    assert sum(len(edges) for edges in graph.values()) > len(graph)


def test_tarjan_finds_a_planted_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    circles = [c for c in strongly_connected_components(graph) if len(c) > 1]
    assert circles == [["a", "b", "c"]]
    assert _cycle_in(["a", "b", "c"], graph) == ["a", "b", "c", "a"]


def test_no_import_circles_between_files():
    circles = import_circles()
    assert not circles, "import circles between files:\n" + describe(circles)
