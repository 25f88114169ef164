"""The architecture's import rules, read from the source with :mod:`ast` (nothing is imported).

- No import cycle among hiresim's modules, counting the imports that run when a module is
  imported (module level, class bodies, module-level ``if``/``try``); imports under
  ``if TYPE_CHECKING:`` and inside functions do not count.
- Layers: only the modules that use a whole simulation (the package itself, the runner and what
  is built on them) import :mod:`hiresim.model`; only the model imports :mod:`hiresim.pipeline`.
  Here every import that can run counts, inside functions too (a deferred import is still a
  dependency); type-only imports (``if TYPE_CHECKING:``) do not, so a mechanism may name the
  ``Pipeline`` type in its hints without importing it.
- :mod:`hiresim.world` is state only: it starts no SimPy process.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

import hiresim

PACKAGE = Path(hiresim.__file__).resolve().parent
ROOT = PACKAGE.parent

#: The simulation's users: they may import the model (the runner builds replications; the rest
#: sits on the runner or on its results).
ABOVE_MODEL = frozenset({
    "hiresim",  # hiresim/__init__.py
    "hiresim.runner",
    "hiresim.inference.forecasts",  # a warm start: opens the state through the model's ``opener``
    "hiresim.present.cli",
    "hiresim.present.report",
    "hiresim.sweeps",
    "hiresim.results",
    "hiresim.records.eventlog",
    "hiresim.present.plotting",
})
#: Packages of the simulation's users (every module in them).
ABOVE_MODEL_PACKAGES = ("hiresim.analysis",)
#: The modules that build or run one replication's parts: never the model or the pipeline.
CORE = ("hiresim.world", "hiresim.tasks", "hiresim.meetings", "hiresim.people",
        "hiresim.mechanisms")


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    #: The importing file, relative to the package's parent directory.
    path: str
    line: int
    #: Runs when the source module is imported (not inside a function).
    module_level: bool

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        kind = "" if self.module_level else " (inside a function)"
        return f"{self.source} -> {self.target}  [{where}]{kind}"


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(p, package.parent): p for p in sorted(package.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(node: ast.AST, in_function: bool = False):
    """``(import node, inside a function)`` of every import that can run, skipping the bodies
    of ``if TYPE_CHECKING:`` (their ``else`` runs)."""
    if isinstance(node, ast.If) and _is_type_checking(node.test):
        for child in node.orelse:
            yield from _imports(child, in_function)
        return
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node, in_function
        return
    inner = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
    for child in ast.iter_child_nodes(node):
        yield from _imports(child, inner)


def _resolve(node: ast.Import | ast.ImportFrom, name: str, path: Path,
             known: dict[str, Path]) -> list[str]:
    """The hiresim modules an import statement loads by name."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name == "hiresim" or
                a.name.startswith("hiresim.")]
    base = node.module or ""
    if node.level:
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    if base != "hiresim" and not base.startswith("hiresim."):
        return []
    # ``from hiresim.x import y``: the submodule hiresim.x.y if there is one, else hiresim.x
    out = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known]
    if len(out) < len(node.names):
        out.append(base)
    return out


def import_graph(package: Path = PACKAGE) -> list[Edge]:
    known = modules(package)
    edges = []
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node, in_function in _imports(tree):
            for target in _resolve(node, name, path, known):
                if target != name:
                    where = path.relative_to(package.parent).as_posix()
                    edges.append(Edge(name, target, where, node.lineno, not in_function))
    return edges


def cycles(edges: list[Edge]) -> list[list[Edge]]:
    """The module-level edges inside each strongly connected component with a cycle."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        if e.module_level:
            graph.setdefault(e.source, set()).add(e.target)
            graph.setdefault(e.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(v: str) -> None:  # Tarjan (the graph is a few dozen modules: recursion is fine)
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [[e for e in edges if e.module_level and e.source in c and e.target in c]
            for c in components]


def _in(name: str, packages: tuple[str, ...]) -> bool:
    """Whether ``name`` is one of the packages or a module inside one."""
    return any(name == p or name.startswith(p + ".") for p in packages)


def above_model(name: str) -> bool:
    return name in ABOVE_MODEL or _in(name, ABOVE_MODEL_PACKAGES)


def layer_violations(edges: list[Edge]) -> list[Edge]:
    """Imports of the model by anything below it, and of the pipeline by anything but the model
    (and the model's users)."""
    allowed = {"hiresim.model": above_model,
               "hiresim.pipeline": lambda source: source == "hiresim.model"
               or above_model(source)}
    return [e for e in edges if e.target in allowed and not allowed[e.target](e.source)]


def process_starts(path: Path) -> list[int]:
    """Lines of ``<anything>.process(...)`` calls and of ``simpy.Process(...)``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return sorted(node.lineno for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("process", "Process"))


def _report(title: str, edges: list[Edge]) -> str:
    return title + "\n" + "\n".join(f"  {e}" for e in edges)


# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def edges() -> list[Edge]:
    return import_graph()


def test_the_graph_is_read(edges):
    """The parser sees the package's real structure (a guard against a test that checks
    nothing): the model imports the pipeline and the mechanisms, the scenario a mechanism's
    block, the runner the model."""
    known = modules()
    assert {"hiresim.model", "hiresim.pipeline", "hiresim.world",
            "hiresim.mechanisms.absence"} <= known.keys()
    pairs = {(e.source, e.target) for e in edges}
    assert ("hiresim.model", "hiresim.pipeline") in pairs
    assert ("hiresim.model", "hiresim.mechanisms") in pairs
    assert ("hiresim.scenario.schema", "hiresim.mechanisms.absence") in pairs
    assert ("hiresim.runner", "hiresim.model") in pairs
    # type-only imports are not edges: mechanisms/__init__ names Pipeline under TYPE_CHECKING
    assert ("hiresim.mechanisms", "hiresim.pipeline") not in pairs


def test_no_import_cycle_among_hiresim_modules(edges):
    found = cycles(edges)
    assert not found, "\n".join(
        _report("import cycle among (module-level imports):", component)
        for component in found)


def test_only_the_simulations_users_import_the_model_and_only_the_model_the_pipeline(edges):
    bad = layer_violations(edges)
    assert not bad, _report(
        "imports across the layers (the model is imported only by "
        f"{', '.join(sorted(ABOVE_MODEL) + [p + '.*' for p in ABOVE_MODEL_PACKAGES])}; "
        "the pipeline only by the model):", bad)


def test_core_modules_import_neither_model_nor_pipeline(edges):
    """In particular the world, tasks, meetings, people and every mechanism: a mechanism acts on
    the world and is called by the pipeline, never the other way round."""
    bad = [e for e in edges if _in(e.source, CORE)
           and e.target in ("hiresim.model", "hiresim.pipeline")]
    assert not bad, _report("core modules importing the model or the pipeline:", bad)


def test_world_starts_no_process():
    path = PACKAGE / "world.py"
    lines = process_starts(path)
    assert not lines, (f"{path.relative_to(ROOT)} is state only, but starts SimPy processes at "
                       f"lines {lines}")


# ---------------------------------------------------------------------------------------------
# The checks can fail: a planted package with a cycle and layer violations


def test_checks_detect_planted_cycles_and_layer_violations(tmp_path):
    pkg = tmp_path / "hiresim"
    (pkg / "mechanisms").mkdir(parents=True)
    files = {
        "__init__.py": "from hiresim.runner import simulate\n",
        "runner.py": "def simulate():\n    from hiresim.model import Replication\n",
        "model.py": "from hiresim.pipeline import Pipeline\n",
        "pipeline.py": "from hiresim.mechanisms.absence import Absence\n",
        "world.py": ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                     "    from hiresim.model import Replication\n"
                     "def go(env):\n    env.process(None)\n"),
        "mechanisms/__init__.py": "",
        # a cycle: absence -> tasks -> absence; and a mechanism importing the pipeline
        "mechanisms/absence.py": "from hiresim import tasks\nimport hiresim.pipeline\n",
        "tasks.py": "from .mechanisms.absence import Delegation\n",
        # below the model, a deferred import still counts for the layers
        "scenario.py": "def load():\n    import hiresim.model as m\n    return m\n",
    }
    for rel, text in files.items():
        (pkg / rel).write_text(text)
    edges = import_graph(pkg)
    found = cycles(edges)
    bad = layer_violations(edges)
    message = _report("planted:", bad)
    # absence -> tasks -> absence and absence -> pipeline -> absence (the runner's import of
    # the model is inside a function, the world's under TYPE_CHECKING: neither counts)
    assert [{e.source for e in c} for c in found] == [
        {"hiresim.mechanisms.absence", "hiresim.tasks", "hiresim.pipeline"}]
    assert [(e.source, e.target) for e in bad] == [
        ("hiresim.mechanisms.absence", "hiresim.pipeline"), ("hiresim.scenario", "hiresim.model")]
    assert "hiresim/mechanisms/absence.py:2" in message
    assert process_starts(pkg / "world.py") == [5]
