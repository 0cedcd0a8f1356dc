"""The web package's layout: page modules (ietm/web/routes) depend on the shared base of ietm.web, never on
each other, and nothing in ietm.web imports in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parent.parent / "ietm" / "web"


def _module(path: Path) -> str:
    rel = path.relative_to(WEB.parent.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """ietm.web modules imported anywhere in the file (also inside functions)."""
    out = set()
    package = _module(path) if path.name == "__init__.py" else _module(path).rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names}
    known = {_module(p) for p in WEB.rglob("*.py")}
    return {m for m in out if m in known and m != _module(path)}


GRAPH = {_module(p): _imports(p) for p in WEB.rglob("*.py")}
PAGES = {m for m in GRAPH if m.startswith("ietm.web.routes.")}


def test_page_modules_depend_on_the_base_not_on_each_other():
    for page in sorted(PAGES):
        assert not GRAPH[page] & PAGES, f"{page} imports page module(s) {sorted(GRAPH[page] & PAGES)}"


def test_the_base_does_not_reach_into_page_modules():
    assembly = {"ietm.web", "ietm.web.app", "ietm.web.commands", "ietm.web.routes", "ietm.web.asgi"}
    for module in sorted(set(GRAPH) - PAGES - assembly):
        assert not GRAPH[module] & PAGES, f"{module} (base) imports page module(s) {sorted(GRAPH[module] & PAGES)}"


def test_no_import_circle_in_the_web_package():
    graph = {m: deps - {"ietm.web"} for m, deps in GRAPH.items() if m != "ietm.web"}
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            raise AssertionError("import circle: " + " -> ".join(path[path.index(module):] + [module]))
        if module in done:
            return
        for dep in sorted(graph.get(module, ())):
            visit(dep, path + [module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
