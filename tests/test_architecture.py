"""The layout's promises, checked on the source (see ARCHITECTURE.md).

* ``lib`` never imports ``streamlit`` nor the ``ui`` glue: it stays pure and usable without a
  browser; the command line (``review``) imports neither either (it runs without Streamlit);
* no import cycle between any two modules of ``lib``, ``ui``, ``views`` and ``app.py`` (an import
  inside a function counts too, so a cycle cannot hide there);
* page scripts do not import each other;
* no ``pages/`` folder beside ``app.py`` (Streamlit would switch to its old pages-folder mode).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOP = ("lib", "ui", "views", "review")


def _sources() -> dict[str, Path]:
    """``{module name: file}`` of the project's own code."""
    out = {"app": ROOT / "app.py"}
    for top in TOP:
        for path in (ROOT / top).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            out[name.removesuffix(".__init__")] = path
    return out


def _imports(path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """Every module named by an import anywhere in the file (``from a import b`` names ``a.b``
    when that is a module, else ``a``)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                yield sub if sub in modules else node.module


def _graph() -> dict[str, set[str]]:
    modules = _sources()
    return {
        name: {n for n in _imports(path, modules) if n in modules and n not in (name, "lib")}
        for name, path in modules.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan).

    >>> _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}})
    [['a', 'b']]
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_lib_never_imports_streamlit_or_the_ui_glue() -> None:
    modules = _sources()
    bad = [
        (name, imported)
        for name, path in modules.items()
        if name.startswith(("lib", "review"))
        for imported in _imports(path, modules)
        if imported.split(".")[0] in ("streamlit", "ui", "views")
        or (name.startswith("lib") and imported.split(".")[0] == "review")
    ]
    assert bad == []


def test_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_cycle_finder_sees_a_cycle_through_a_function_level_import(tmp_path: Path) -> None:
    a = tmp_path / "a.py"
    a.write_text("import b\n")
    b = tmp_path / "b.py"
    b.write_text("def f():\n    import a\n")
    graph = {m: set(_imports(p, {"a": a, "b": b})) for m, p in {"a": a, "b": b}.items()}
    assert _cycles(graph) == [["a", "b"]]


def test_pages_do_not_import_each_other() -> None:
    graph = _graph()
    crossing = {
        (page, imported)
        for page, imports in graph.items()
        if page.startswith("views.")
        for imported in imports
        if imported.startswith("views")
    }
    assert crossing == set()


def test_no_pages_folder_beside_the_entry_script() -> None:
    assert not (ROOT / "pages").exists(), (
        "Streamlit 1.67 runs a pages/ folder beside app.py in its old pages-folder mode: "
        "see ARCHITECTURE.md, 'Why views/ and not pages/'"
    )
