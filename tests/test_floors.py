"""The floors of docs/ARCHITECTURE.md, read from the source: a module imports only from its own
app or from a lower floor, and no chain of imports between the project's modules comes back to
where it started. Imports inside functions count too: a late import hides a circle, it does not
remove it. Tests and migrations are not part of the building."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "wenming"

# bottom first; apps on one floor do not import each other
FLOORS = [
    {"core"},
    {"regions"},
    {"volunteers"},
    {"orders", "demands", "activities"},
    {"assessment"},
    {"open311", "dashboard"},
    {"demo"},
    {"project"},  # urls, handlers, middleware, settings, cli, wsgi: the top module files
]
FLOOR = {app: n for n, apps in enumerate(FLOORS) for app in apps}


def project_modules() -> dict[str, Path]:
    modules = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(("wenming", *parts))] = path
    return modules


def app_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "project"
    return parts[1] if (SRC / parts[1]).is_dir() else "project"


def imports_of(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules `module` imports (a `from package import name` counts as the
    submodule when `name` is one)."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module and name != "wenming":
                found.add(name)
    return found


def graph() -> dict[str, set[str]]:
    known = project_modules()
    return {module: imports_of(module, path, known) for module, path in known.items()}


def test_imports_point_down_the_floors():
    upward = []
    for module, targets in graph().items():
        here = app_of(module)
        for target in targets:
            there = app_of(target)
            if there != here and FLOOR[there] >= FLOOR[here]:
                upward.append(f"{module} → {target} ({here} floor {FLOOR[here]}, {there} floor {FLOOR[there]})")
    assert not upward, "imports up or across a floor:\n" + "\n".join(sorted(upward))


def test_every_app_has_a_floor():
    apps = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert apps <= set(FLOOR), f"apps with no floor in FLOORS: {sorted(apps - set(FLOOR))}"


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_circles():
    found = circles(graph())
    assert not found, "modules that import each other, directly or round a chain:\n" + "\n".join(
        " ↔ ".join(group) for group in found)


def test_the_reader_finds_upward_imports_and_circles():
    # the checks themselves can fail: a made-up graph with one circle and one upward step
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []
    assert app_of("wenming.core.workflow") == "core" and app_of("wenming.urls") == "project"
    assert FLOOR[app_of("wenming.regions.api")] < FLOOR[app_of("wenming.volunteers.selectors")]
