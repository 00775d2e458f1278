"""The shape docs/architecture.md describes: imports point one way, and no module of an app
imports another that imports it back (function-level imports count; TYPE_CHECKING ones,
which never run, do not)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["deluge", "console", "connections", "workflows", "sandbox", "releases", "sync"]
# What each app may import of the others (docs/architecture.md).
ALLOWED = {
    "deluge": set(),
    "console": set(),
    "connections": {"console"},
    "workflows": {"console", "connections", "deluge"},
    "sandbox": {"console", "connections", "deluge", "workflows"},
    "releases": {"console", "connections", "deluge", "workflows"},
    "sync": {"console", "connections", "deluge", "workflows"},
}
# The project's own entry points wire every app together (wsgi checks the encryption canary
# at start-up); they live in console/ but belong to no app.
PROJECT = {"console.settings", "console.urls", "console.wsgi", "console.asgi"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


MODULES = modules()


def imports(name: str) -> set[str]:
    """The project modules ``name`` imports when it runs."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.add(submodule if submodule in MODULES else target)
    return {module for module in found if module.split(".")[0] in APPS and module != name}


@pytest.mark.parametrize("app", APPS)
def test_imports_point_one_way(app):
    wrong = sorted(
        f"{name} imports {other}"
        for name in MODULES
        if name.split(".")[0] == app and name not in PROJECT
        for other in imports(name)
        if other.split(".")[0] not in ALLOWED[app] | {app}
    )
    assert wrong == []


def test_the_engine_imports_nothing_of_django():
    django = sorted(
        name
        for name, path in MODULES.items()
        if name.startswith("deluge")
        and any(
            isinstance(node, ast.Import | ast.ImportFrom)
            and any(
                (getattr(node, "module", None) or alias.name).startswith("django")
                for alias in node.names
            )
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    )
    assert django == []


@pytest.mark.parametrize("app", APPS)
def test_no_module_imports_one_that_imports_it_back(app):
    graph = {
        name: {other for other in imports(name) if other.split(".")[0] == app}
        for name in MODULES
        if name.split(".")[0] == app
    }
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for other in sorted(graph.get(name, ())):
            if state.get(other) == 1:
                cycles.append(" -> ".join([*path[path.index(other) :], other]))
            elif other not in state:
                visit(other, [*path, other])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []
