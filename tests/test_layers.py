"""The import graph runs one way (docs/architecture.md): each package imports only those below it, and no
module imports itself back through others. Function-level imports count as much as top-level ones."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Bottom to top. A package may import its own modules and those of the layers below it; packages on one
#: rank are side by side and import nothing of each other.
LAYERS = [
    ("aidwatch",),        # core: contract, calendar, policy, metrics, i18n, the demo generator
    ("queries",),         # SQL: the replica and the dashboard's own database
    ("views",),           # view models: query + scope → what a view says
    ("exports",),         # renderers: tables, PDF
    ("notifications",),   # digests, outbox sending, channels (may attach an exports document)
    ("dashboard",),       # the web app: factory, auth, pages, callbacks, export routes
    ("cli",),             # entry points: the command line, the WSGI module, background warm-up
]
RANK = {package: rank for rank, group in enumerate(LAYERS) for package in group}


def modules() -> dict[str, Path]:
    found = {}
    for package in RANK:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports(name: str, path: Path, known: dict) -> set[str]:
    """The project modules ``name`` imports anywhere in its body (``from a import b`` names module
    ``a.b`` when that is a module, else ``a``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        found |= {t for t in targets if t.split(".")[0] in RANK and t != name}
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def test_every_import_runs_down_the_layers():
    upward = sorted(f"{src} → {dst}" for src, dsts in graph().items() for dst in dsts
                    if RANK[dst.split(".")[0]] > RANK[src.split(".")[0]]
                    or (RANK[dst.split(".")[0]] == RANK[src.split(".")[0]] and dst.split(".")[0] != src.split(".")[0]))
    assert not upward, "imports against the layers (docs/architecture.md):\n" + "\n".join(upward)


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path that ends where it starts, or None (depth-first, iterative)."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    for start in sorted(edges):
        if state.get(start):
            continue
        stack, path = [(start, iter(sorted(edges[start])))], [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(child) == 1:
                return path[path.index(child):] + [child]
            elif not state.get(child) and child in edges:
                state[child] = 1
                stack.append((child, iter(sorted(edges[child]))))
                path.append(child)
    return None


def test_no_module_imports_itself_back():
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle)


def test_the_checks_catch_what_they_are_for():
    """The walker itself: a cycle and a function-level import are found."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    known = modules()
    assert "views.briefing" in imports("notifications.digests", known["notifications.digests"], known)
