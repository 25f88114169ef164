"""The architecture's import rules, read from the source with :mod:`ast` (nothing is imported).

The rules are those of ``docs/explanation/architecture.md``, "What each module may import":

- **Tiers.** Every module of the package has a tier (:data:`TIERS`, lowest first) and imports
  only from its own tier or the tiers below. Every import that can run counts, inside functions
  too (a deferred import is still a dependency); imports under ``if TYPE_CHECKING:`` do not (a
  mechanism may name the ``Pipeline`` type in its hints without importing it). The few
  exceptions are listed, each with its reason, in :data:`ALLOWED`; an exception that no longer
  exists fails too, so the list cannot go stale.
- **Mechanisms sideways.** One mechanism module imports another only where :data:`SIDEWAYS`
  says why (the package's base, :mod:`hiresim.mechanisms`, is not another mechanism).
- **Packages.** Importing any module of a package runs the package's ``__init__`` first, so
  an ``__init__`` imports, when it runs, nothing above the lowest tier of its package's
  modules (``hiresim.analysis`` loads the what-ifs on first use for this reason). The root
  package, the public API on top of everything, is the one exception.
- **No cycle** among the imports that run when a module is imported.
- **No private names across modules**: no module imports another module's ``_name`` or reads
  it as an attribute of an imported module.
- Only the model imports the pipeline; :mod:`hiresim.world` is state only (it starts no
  SimPy process).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import hiresim

PACKAGE = Path(hiresim.__file__).resolve().parent
ROOT = PACKAGE.parent

#: The tiers, lowest first, and their modules (names relative to the package: ``""`` is the
#: package itself, ``"x.*"`` every module inside the package ``x`` but not ``x`` itself).
#: The architecture page gives the reason for each placement.
TIERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("vocabulary", ("causes", "streams", "durations", "fields", "text", "arguments", "queues",
                    "flows", "deprecation", "tables")),
    ("time", ("workhours", "spells", "busy", "calendarload", "trace")),
    ("state", ("people", "world")),
    ("primitives", ("tasks", "meetings")),
    ("mechanisms", ("mechanisms", "mechanisms.*", "examples", "examples.*")),
    ("scenario", ("scenario", "scenario.*")),
    ("the path", ("pipeline",)),
    ("the builder", ("model",)),
    ("measures", ("analysis.waits", "analysis.km", "analysis.curves", "analysis.headline",
                  "analysis.attribution", "analysis.promises", "analysis.published",
                  "analysis.precision", "analysis.observed")),
    ("records", ("records.*",)),
    ("running", ("results", "runner", "sweeps")),
    ("what-ifs", ("analysis", "analysis.whatif", "analysis.reuse", "analysis.shapley")),
    ("plotting", ("present.plotting",)),
    ("inference", ("inference.*",)),
    ("for people", ("present.report", "present.stopping", "present.cli")),
    ("the package", ("", "__main__")),
)

#: Imports against the tiers that are known and have an end: ``(source, target): why``.
ALLOWED: dict[tuple[str, str], str] = {}

#: Mechanism modules that import another mechanism module: ``(source, target): why``.
SIDEWAYS: dict[tuple[str, str], str] = {
    ("hiresim.mechanisms.requirements", "hiresim.mechanisms.approvals"):
        "a reclassification is signed by the approval chain's signers",
}

#: Private names imported across modules that are known and have an end: ``(source, name)``.
PRIVATE_ALLOWED: dict[tuple[str, str], str] = {}


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


@dataclass(frozen=True)
class PrivateUse:
    source: str
    #: The private name, with the module it belongs to (``hiresim.runner._serial``).
    name: str
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.source} uses {self.name}  [{self.path}:{self.line}]"


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


def _imports(node: ast.AST, in_function: bool = False
             ) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
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


def _base(node: ast.ImportFrom, name: str, path: Path) -> str:
    """The absolute module a ``from ... import`` reads from."""
    base = node.module or ""
    if node.level:
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    return base


def _ours(name: str) -> bool:
    return name == "hiresim" or name.startswith("hiresim.")


def _resolve(node: ast.Import | ast.ImportFrom, name: str, path: Path,
             known: dict[str, Path]) -> list[str]:
    """The hiresim modules an import statement loads by name."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if _ours(a.name)]
    base = _base(node, name, path)
    if not _ours(base):
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


# -- tiers ------------------------------------------------------------------------------------


def tier_of(name: str, tiers: tuple[tuple[str, tuple[str, ...]], ...] = TIERS) -> int | None:
    """The index of ``name``'s tier in ``tiers`` (``None``: the module has none)."""
    relative = "" if name == "hiresim" else name.removeprefix("hiresim.")
    found = None
    for k, (_, members) in enumerate(tiers):
        for member in members:
            if member == relative or (member.endswith(".*") and
                                      relative.startswith(member[:-1])):
                if found is not None and found != k:
                    raise ValueError(f"{name} is in two tiers: {tiers[found][0]!r} and "
                                     f"{tiers[k][0]!r}")
                found = k
    return found


def untiered(names: list[str], tiers: tuple[tuple[str, tuple[str, ...]], ...] = TIERS
             ) -> list[str]:
    return [n for n in names if tier_of(n, tiers) is None]


def tier_violations(edges: list[Edge], tiers: tuple[tuple[str, tuple[str, ...]], ...] = TIERS,
                    allowed: dict[tuple[str, str], str] | None = None) -> list[Edge]:
    """Imports of a higher tier (not in ``allowed``)."""
    allowed = ALLOWED if allowed is None else allowed
    out = []
    for e in edges:
        source, target = tier_of(e.source, tiers), tier_of(e.target, tiers)
        if source is None or target is None:
            continue  # reported by test_every_module_has_a_tier
        if target > source and (e.source, e.target) not in allowed:
            out.append(e)
    return out


def _mechanism(name: str) -> bool:
    return name.startswith("hiresim.mechanisms.")


def sideways_violations(edges: list[Edge], sideways: dict[tuple[str, str], str] | None = None
                        ) -> list[Edge]:
    """Imports of one mechanism module by another that :data:`SIDEWAYS` does not explain."""
    sideways = SIDEWAYS if sideways is None else sideways
    return [e for e in edges if _mechanism(e.source) and _mechanism(e.target)
            and (e.source, e.target) not in sideways]


def package_init_violations(edges: list[Edge], known: dict[str, Path],
                            tiers: tuple[tuple[str, tuple[str, ...]], ...] = TIERS
                            ) -> list[Edge]:
    """Module-level imports of a package's ``__init__`` above the lowest tier of the
    package's modules (importing any of them runs the ``__init__``); the root is exempt."""
    out = []
    for e in edges:
        if not e.module_level or e.source == "hiresim" or not e.path.endswith("__init__.py"):
            continue
        inside = [tier_of(n, tiers) for n in known if n.startswith(e.source + ".")]
        lowest = min((t for t in inside if t is not None), default=None)
        target = tier_of(e.target, tiers)
        if lowest is not None and target is not None and target > lowest:
            out.append(e)
    return out


def pipeline_importers(edges: list[Edge]) -> list[Edge]:
    """Imports of the pipeline by anything but the model."""
    return [e for e in edges if e.target == "hiresim.pipeline" and e.source != "hiresim.model"]


# -- private names ----------------------------------------------------------------------------


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _bound_modules(tree: ast.AST, name: str, path: Path, known: dict[str, Path]
                   ) -> dict[str, str]:
    """Local names bound to hiresim modules by the file's imports (any scope)."""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if _ours(a.name):
                    # ``import hiresim.x`` binds ``hiresim``; ``import hiresim.x as y`` binds y
                    bound[a.asname or "hiresim"] = a.name if a.asname else "hiresim"
        elif isinstance(node, ast.ImportFrom):
            base = _base(node, name, path)
            for a in node.names:
                if _ours(base) and f"{base}.{a.name}" in known:
                    bound[a.asname or a.name] = f"{base}.{a.name}"
    return bound


def private_uses(package: Path = PACKAGE) -> list[PrivateUse]:
    """``from hiresim.x import _y``, ``import hiresim.x._y`` and ``x._y`` for an imported
    module ``x``, anywhere in a module other than the one the name belongs to."""
    known = modules(package)
    out = []
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        where = path.relative_to(package.parent).as_posix()
        bound = _bound_modules(tree, name, path, known)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = _base(node, name, path)
                if _ours(base) and base != name:
                    out += [PrivateUse(name, f"{base}.{a.name}", where, node.lineno)
                            for a in node.names if _private(a.name)]
            elif isinstance(node, ast.Import):
                out += [PrivateUse(name, a.name, where, node.lineno) for a in node.names
                        if _ours(a.name) and any(_private(p) for p in a.name.split("."))]
            elif isinstance(node, ast.Attribute) and _private(node.attr):
                chain = []
                value: ast.expr = node.value
                while isinstance(value, ast.Attribute):
                    chain.append(value.attr)
                    value = value.value
                if isinstance(value, ast.Name) and value.id in bound:
                    owner = ".".join([bound[value.id], *reversed(chain)])
                    if owner != name:
                        out.append(PrivateUse(name, f"{owner}.{node.attr}", where,
                                              node.lineno))
    return out


def process_starts(path: Path) -> list[int]:
    """Lines of ``<anything>.process(...)`` calls and of ``simpy.Process(...)``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return sorted(node.lineno for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("process", "Process"))


def _report(title: str, items: list[Edge] | list[PrivateUse]) -> str:
    return title + "\n" + "\n".join(f"  {e}" for e in items)


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
    # and the tiers read as the architecture page says
    assert tier_of("hiresim.causes") == 0 and tier_of("hiresim") == len(TIERS) - 1
    assert tier_of("hiresim.analysis.curves") < tier_of("hiresim.results") < tier_of(
        "hiresim.analysis")


def test_every_module_has_a_tier():
    missing = untiered(sorted(modules()))
    assert not missing, (
        "modules without a tier: give each one in TIERS (tests/test_imports.py) and in the "
        "table of docs/explanation/architecture.md: " + ", ".join(missing))


def test_no_module_imports_from_a_higher_tier(edges):
    bad = tier_violations(edges)
    assert not bad, _report(
        "imports of a higher tier (see TIERS and docs/explanation/architecture.md; imports "
        "inside functions count, imports under `if TYPE_CHECKING:` do not):", bad)


def test_the_allowed_exceptions_still_exist(edges):
    """An exception that is gone is deleted from the list (it would hide its return)."""
    pairs = {(e.source, e.target) for e in edges}
    stale = [f"{s} -> {t}" for (s, t) in [*ALLOWED, *SIDEWAYS] if (s, t) not in pairs]
    uses = {(u.source, u.name) for u in private_uses()}
    stale += [f"{s} uses {n}" for (s, n) in PRIVATE_ALLOWED if (s, n) not in uses]
    assert not stale, ("these exceptions no longer exist: delete them from "
                       "tests/test_imports.py and docs/explanation/architecture.md: "
                       + "; ".join(stale))


def test_mechanisms_import_each_other_only_where_documented(edges):
    bad = sideways_violations(edges)
    assert not bad, _report(
        "a mechanism importing another (document it in SIDEWAYS and on the architecture "
        "page, or pass what it needs through the world or the pipeline):", bad)


def test_package_inits_import_nothing_above_their_modules(edges):
    bad = package_init_violations(edges, modules())
    assert not bad, _report(
        "a package's __init__ imports above its lowest module (importing that module would "
        "import them too; load them on first use, as hiresim.analysis does):", bad)


def test_no_import_cycle_among_hiresim_modules(edges):
    found = cycles(edges)
    assert not found, "\n".join(
        _report("import cycle among (module-level imports):", component)
        for component in found)


def test_no_module_uses_another_modules_private_names():
    bad = [u for u in private_uses() if (u.source, u.name) not in PRIVATE_ALLOWED]
    assert not bad, _report(
        "private names used across modules (make the name public, or move it to the "
        "module that uses it):", bad)


def test_only_the_model_imports_the_pipeline(edges):
    bad = pipeline_importers(edges)
    assert not bad, _report("the pipeline imported by another module than the model:", bad)


def test_world_starts_no_process():
    path = PACKAGE / "world.py"
    lines = process_starts(path)
    assert not lines, (f"{path.relative_to(ROOT)} is state only, but starts SimPy processes at "
                       f"lines {lines}")


# ---------------------------------------------------------------------------------------------
# The checks can fail: a planted package with a cycle, back-edges and private names

PLANTED_TIERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("low", ("tasks", "world")),
    ("mechanisms", ("mechanisms", "mechanisms.*")),
    ("scenario", ("scenario",)),
    ("path", ("pipeline",)),
    ("builder", ("model",)),
    ("measures", ("analysis.curves",)),
    ("running", ("runner",)),
    ("what-ifs", ("analysis", "analysis.whatif")),
    ("top", ("",)),
)


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    pkg = tmp_path / "hiresim"
    (pkg / "mechanisms").mkdir(parents=True)
    (pkg / "analysis").mkdir()
    files = {
        "__init__.py": "from hiresim.runner import simulate\n",
        "runner.py": ("def simulate():\n    from hiresim.model import Replication\n"
                      "    from hiresim.analysis.curves import survival\n"),
        "model.py": "from hiresim.pipeline import Pipeline\n",
        "pipeline.py": "from hiresim.mechanisms.absence import Absence\n",
        "world.py": ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                     "    from hiresim.model import Replication\n"
                     "def go(env):\n    env.process(None)\n"),
        "mechanisms/__init__.py": "",
        # a cycle: absence -> tasks -> absence; a mechanism importing the pipeline; and a
        # mechanism importing another one without a documented reason
        "mechanisms/absence.py": "from hiresim import tasks\nimport hiresim.pipeline\n",
        "mechanisms/priority.py": "from hiresim.mechanisms.absence import Layer\n",
        "tasks.py": "from .mechanisms.absence import Delegation\n",
        # a deferred import still counts: the scenario reaching up to the model
        "scenario.py": "def load():\n    import hiresim.model as m\n    return m\n",
        # a measure reaching up to the runner inside a function, and another's private name
        "analysis/curves.py": ("def survival(r):\n    from hiresim.runner import simulate\n"
                               "    from hiresim.runner import _serial\n"),
        # a package __init__ importing its what-ifs when any measure is imported
        "analysis/__init__.py": "from hiresim.analysis.whatif import ablate\n",
        "analysis/whatif.py": ("from hiresim import runner\ndef ablate():\n"
                               "    return runner._serial(None)\n"),
        "unplaced.py": "",
    }
    for rel, text in files.items():
        (pkg / rel).write_text(text)
    return pkg


def test_checks_detect_planted_cycles_back_edges_and_private_names(planted: Path):
    edges = import_graph(planted)
    known = modules(planted)
    found = cycles(edges)
    # absence -> tasks -> absence and absence -> pipeline -> absence (the runner's import of
    # the model is inside a function, the world's under TYPE_CHECKING: neither counts)
    assert [{e.source for e in c} for c in found] == [
        {"hiresim.mechanisms.absence", "hiresim.tasks", "hiresim.pipeline"}]
    assert untiered(sorted(known), PLANTED_TIERS) == ["hiresim.unplaced"]
    bad = tier_violations(edges, PLANTED_TIERS, allowed={})
    assert sorted((e.source, e.target, e.module_level) for e in bad) == [
        ("hiresim.analysis.curves", "hiresim.runner", False),  # inside a function (twice)
        ("hiresim.analysis.curves", "hiresim.runner", False),
        ("hiresim.mechanisms.absence", "hiresim.pipeline", True),
        ("hiresim.scenario", "hiresim.model", False),  # inside a function
        ("hiresim.tasks", "hiresim.mechanisms.absence", True),
    ]
    assert "hiresim/mechanisms/absence.py:2" in _report("planted:", bad)
    # an allowed exception is not reported
    allowed = {("hiresim.scenario", "hiresim.model"): "planted"}
    assert ("hiresim.scenario", "hiresim.model") not in {
        (e.source, e.target) for e in tier_violations(edges, PLANTED_TIERS, allowed)}
    assert [(e.source, e.target) for e in sideways_violations(edges, {})] == [
        ("hiresim.mechanisms.priority", "hiresim.mechanisms.absence")]
    assert [(e.source, e.target) for e in package_init_violations(edges, known,
                                                                  PLANTED_TIERS)] == [
        ("hiresim.analysis", "hiresim.analysis.whatif")]
    assert [(e.source, e.target) for e in pipeline_importers(edges)] == [
        ("hiresim.mechanisms.absence", "hiresim.pipeline")]
    uses = private_uses(planted)
    assert sorted((u.source, u.name) for u in uses) == [
        ("hiresim.analysis.curves", "hiresim.runner._serial"),  # from hiresim.runner import
        ("hiresim.analysis.whatif", "hiresim.runner._serial"),  # runner._serial(...)
    ]
    assert "hiresim/analysis/whatif.py:3" in _report("planted:", uses)
    assert process_starts(planted / "world.py") == [5]
