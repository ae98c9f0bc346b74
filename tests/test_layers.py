"""The apps import each other one way, each holds a fair share of the code, and no module grows too long.

Every import between the apps is read from the source (module level and inside functions), migrations
and the project's wiring aside. The order, bottom to top, is csp < indicators < themes < returns <
reporting: an app may import the apps below it and never one above, so there is no cycle.
"""

import ast
from collections import defaultdict
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
ORDER = ("csp", "indicators", "themes", "returns", "reporting")
WIRING = {"csp/settings.py", "csp/urls.py", "csp/wsgi.py", "csp/asgi.py"}
LONGEST_MODULE = 500


def app_modules() -> dict[str, list[Path]]:
    return {
        app: [
            path
            for path in sorted((ROOT / app).rglob("*.py"))
            if "migrations" not in path.parts and path.relative_to(ROOT).as_posix() not in WIRING
        ]
        for app in ORDER
    }


def imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & set(ORDER)
    return found


def import_graph() -> dict[str, dict[str, list[str]]]:
    """app -> {app it imports -> [the modules that do]}."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for app, paths in app_modules().items():
        for path in paths:
            for other in imported_apps(path) - {app}:
                graph[app][other].append(path.relative_to(ROOT).as_posix())
    return graph


def find_cycle(graph) -> list[str]:
    """One cycle of apps, or [] if there is none (a depth-first search)."""
    visiting, done = [], set()

    def visit(app):
        if app in visiting:
            return [*visiting[visiting.index(app) :], app]
        if app in done:
            return []
        visiting.append(app)
        for other in graph.get(app, {}):
            if cycle := visit(other):
                return cycle
        visiting.pop()
        done.add(app)
        return []

    for app in ORDER:
        if cycle := visit(app):
            return cycle
    return []


def test_the_graph_reader_finds_a_cycle_when_there_is_one():
    assert find_cycle({"csp": {"themes": []}, "themes": {"returns": []}, "returns": {"csp": []}}) == [
        "csp",
        "themes",
        "returns",
        "csp",
    ]
    assert find_cycle({"reporting": {"returns": []}, "returns": {"csp": []}}) == []


def test_the_apps_import_each_other_without_a_cycle():
    graph = import_graph()

    assert find_cycle(graph) == []


def test_each_app_imports_only_the_apps_below_it():
    graph = import_graph()

    upward = {
        f"{app} imports {other} ({', '.join(modules)})"
        for app, imports in graph.items()
        for other, modules in imports.items()
        if ORDER.index(other) > ORDER.index(app)
    }
    assert upward == set()


def test_no_app_holds_more_than_a_third_of_the_code():
    lines = {app: sum(len(p.read_text().splitlines()) for p in paths) for app, paths in app_modules().items()}

    total = sum(lines.values())
    assert {app: n for app, n in lines.items() if n > total / 3} == {}, lines


def test_no_module_is_longer_than_the_limit():
    long = {
        path.relative_to(ROOT).as_posix(): n
        for paths in app_modules().values()
        for path in paths
        if (n := len(path.read_text().splitlines())) > LONGEST_MODULE
    }
    assert long == {}
