"""The package's shape: no import circles, data flowing one way between the
rooms (ingest -> index -> search -> web), small modules, and a searching
process that never loads what only indexing needs."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("indexer", "web")
MAX_LINES = 300  # a longer module's docstring must say why it is "one piece"

# Which rooms each room may import; a lower room never imports a higher one.
# indexer's top-level modules (errors, models, analysis, normalize, places,
# querylog...) are the floor every room may use, except cli and the package
# itself, which sit on top.
ROOMS = ("ingest", "vocab", "index", "search")
ALLOWED = {
    "indexer.ingest": {"indexer.ingest"},
    "indexer.vocab": {"indexer.vocab"},
    "indexer.index": {"indexer.index", "indexer.ingest", "indexer.vocab"},
    "indexer.search": {"indexer.search", "indexer.index", "indexer.vocab", "indexer.ingest"},
}


def module_files() -> dict[str, Path]:
    """Dotted name -> file of every module of the app (packages by __init__)."""
    found = {"search_app": ROOT / "search_app.py"}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = module_files()


def imported(name: str, path: Path) -> set[str]:
    """The app's modules ``name`` imports, wherever in the file (imports
    inside functions included: they hid the old circles), except under
    ``if TYPE_CHECKING:``. ``from a import b`` counts as b when b is a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            for alias in node.names:
                full = f"{base}.{alias.name}"
                out.add(full if full in MODULES else base)
    return {m for m in out if m in MODULES and m != name}


GRAPH = {name: imported(name, path) for name, path in MODULES.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of ``graph``: its strongly connected components of
    more than one module (Tarjan's algorithm), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_the_circle_finder_finds_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]


def test_no_import_circles():
    assert circles(GRAPH) == []


def room(name: str) -> str | None:
    parts = name.split(".")
    return ".".join(parts[:2]) if parts[0] == "indexer" and len(parts) > 2 else None


def test_data_flows_one_way_between_the_rooms():
    """ingest -> index -> search -> web: no room imports a higher one, and
    nothing in indexer/ imports web/."""
    wrong = []
    for name, targets in sorted(GRAPH.items()):
        for target in sorted(targets):
            if name.startswith("indexer") and target.startswith("web"):
                wrong.append(f"{name} -> {target}")
            here, there = room(name), room(target)
            if here in ALLOWED and there is not None and there not in ALLOWED[here]:
                wrong.append(f"{name} -> {target}")
    assert wrong == []


def test_every_module_imports_first_in_a_fresh_interpreter():
    """Each module imported before any other of the app: an import circle
    that only bites in one order (a module importing one that is half
    loaded) fails here with the module's name."""
    script = textwrap.dedent(
        """
        import importlib, sys
        ours = ("indexer", "web", "search_app")
        failed = []
        for name in sys.argv[1:]:
            for loaded in [m for m in sys.modules if m.split(".")[0] in ours]:
                del sys.modules[loaded]
            try:
                importlib.import_module(name)
            except Exception as e:
                failed.append(f"{name}: {type(e).__name__}: {e}")
        print("\\n".join(failed))
        """
    )
    names = sorted(n for n in MODULES if n != "indexer.__main__")
    done = subprocess.run(
        [sys.executable, "-c", script, *names],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout.strip()) == (0, "")


def test_searching_never_loads_pypinyin(index_dir):
    """pypinyin (~40 MB) is only for writing a vocabulary (vocab/build.py):
    opening an index and searching it in pinyin, with a correction and with
    suggestions must not import it."""
    script = (
        "import sys, indexer\n"
        "ix = indexer.open_index(sys.argv[1])\n"
        "indexer.search(ix, 'dangjian')\n"
        "indexer.search(ix, '党见长廊')\n"
        "indexer.suggest(ix, '党')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pypinyin'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(index_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr


def test_modules_are_short_or_say_why_they_are_one_piece():
    too_long = []
    for name, path in sorted(MODULES.items()):
        text = path.read_text(encoding="utf-8")
        lines = len(text.splitlines())
        if lines > MAX_LINES and "one piece" not in (ast.get_docstring(ast.parse(text)) or ""):
            too_long.append(f"{name}: {lines} lines")
    assert too_long == []
