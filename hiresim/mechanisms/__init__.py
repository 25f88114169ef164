"""The delay sources: one module per mechanism, built-in or a user's own, all on one protocol.

A mechanism is a subclass of :class:`Mechanism` in a module of its own. Its ``name`` is its
scenario block, its ablation (``scenario.without(name)``) and, unless it says otherwise, its
random stream; ``cause`` is its cause label (or ``None``: its time is charged to other causes).
The class owns everything about its delay source:

- **the scenario side** (class methods, no replication needed): its block
  (:meth:`~Mechanism.block_in`, a pydantic model named by ``spec``), whether a run needs it
  (:meth:`~Mechanism.active`), its cross-checks against the rest of the scenario
  (:meth:`~Mechanism.check`), its switch-off (:meth:`~Mechanism.ablations`,
  :meth:`~Mechanism.switch_off`) and its assumptions in plain words for the HR report
  (:meth:`~Mechanism.describe`);
- **one replication**, in the phases :class:`hiresim.model.Replication` runs in a fixed order:
  draws made up front (``__init__``), spells over people's calendars (:meth:`~Mechanism.applies`,
  :meth:`~Mechanism.layer`), work samplers (:meth:`~Mechanism.build`), hooks on the world and
  the pipeline (:meth:`~Mechanism.install`, :meth:`~Mechanism.step`) and processes of its own
  (:meth:`~Mechanism.start`).

The built-in mechanisms are listed in :data:`BUILT_IN` (their blocks are fields of
:class:`hiresim.Scenario`, their causes have fixed columns); two more are shipped on the
extension point (:data:`SHIPPED`: ``season`` and ``disagreement``, whose blocks and causes exist
only when a scenario has them). A user's own is registered with :func:`register` (a class
decorator). See ``docs/how-to/add-a-mechanism.md``.

**Plug-ins** are modules that register mechanisms when imported. :func:`load_plugin` imports
one by module name or file path (what ``hiresim COMMAND --plugin MODULE`` does), and installed
packages declare theirs in the entry-point group :data:`ENTRY_POINT_GROUP`, loaded once, when
the registry is first read (:func:`registered`). Worker processes import the modules of the
mechanisms a scenario uses from what :func:`mechanism_paths` and :func:`mechanism_roots` say,
so a mechanism registered after a pool of workers started is known to them too.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

from hiresim.causes import CAUSES, CODE, EXTENSION_CODES
from hiresim.streams import STREAM_NAMES
from hiresim.text import close_matches

if TYPE_CHECKING:
    from hiresim.people import Person
    from hiresim.pipeline import Pipeline
    from hiresim.scenario import Scenario
    from hiresim.spells import Layer
    from hiresim.tasks import Process
    from hiresim.trace import Leg
    from hiresim.world import Candidate, World

#: The built-in mechanisms, one module of this package each, in their fixed order: the order
#: of their ablations (:data:`hiresim.DELAY_SOURCES`), of the report's assumptions, of their
#: cross-checks, and of every phase of a replication. A new one is its module plus its name
#: here (its streams are keyed by its name: its place here changes no draw).
BUILT_IN: tuple[str, ...] = ("approvals", "communication", "absence", "continuity", "priority",
                             "turnover", "reorganization", "requirements", "candidates")

#: Mechanisms shipped with hiresim on the extension point (their blocks are optional, their
#: causes extension slots): imported, and so registered, when the registry is first read.
SHIPPED: tuple[str, ...] = ("hiresim.mechanisms.season", "hiresim.mechanisms.disagreement",
                            "hiresim.mechanisms.recurring_meetings")

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class MechanismSpec(BaseModel):
    """Base of an extension's scenario block: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class Mechanism:
    """A delay source. Subclass it, set the class attributes, override what you need, and
    :func:`register` it.

    Class attributes: ``name``, the scenario block, the ablation and (by default) the random
    stream (``background_check``); ``spec``, the pydantic model of its block (a
    :class:`MechanismSpec`); ``cause``, its own cause label, or ``None`` if its time is
    charged to other causes (with a cause, results have ``delay_<cause>`` and ``wt_<cause>``
    columns, and the accounting identity holds with them); ``stream``, the random stream it
    draws from (default: ``name``); ``switched_off``, what its ablation means.

    An instance lives for one replication: ``self.world`` is its state, ``self.spec`` (and,
    typed by a subclass, ``self.block``) the validated block, ``self.code`` the cause code to
    charge (:meth:`hiresim.trace.Leg.flat`, :func:`hiresim.tasks.wait_until`), and :attr:`rng`
    its own stream (:meth:`sampler` gives it more, keyed by name; work samplers come from
    ``hiresim.tasks.make_work(world, spec, self.stream, name)``). ``__init__`` is the place
    for draws made up front (before people and requisitions exist), from the mechanism's own
    stream.
    """

    name: ClassVar[str]
    spec: ClassVar[type[BaseModel]]
    cause: ClassVar[str | None] = None
    #: The random stream it draws from (default: its name).
    stream: ClassVar[str]
    #: What switching it off means, for ``ablate`` and the report (default: "no NAME").
    switched_off: ClassVar[str | None] = None
    #: Whether :meth:`layer` lays spells over people's calendars (set by overriding it).
    lays_spells: ClassVar[bool] = False

    def __init__(self, world: World, spec: Any, code: int) -> None:
        self.world = world
        self.spec = spec  # type: ignore[misc]  # the instance's block shadows the class's model
        #: The block (a subclass annotates it with its own model, for type checks).
        self.block: Any = spec
        self.code = code
        self._rng: np.random.Generator | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.lays_spells = cls.layer is not Mechanism.layer
        if "name" in cls.__dict__ and "stream" not in cls.__dict__:
            cls.stream = cls.name

    @property
    def rng(self) -> np.random.Generator:
        """The mechanism's own stream: independent of every other (common random numbers)."""
        if self._rng is None:
            self._rng = self.world.streams.generator(self.stream)
        return self._rng

    def sampler(self, name: str) -> np.random.Generator:
        """Another stream of the mechanism's own, keyed by ``name`` (one per sampler, or per
        person: ``self.sampler(person.id)``): its draws depend on the names alone, never on
        what else was drawn or built first (:mod:`hiresim.streams`)."""
        return self.world.streams.generator(self.stream, name)

    # -- the scenario side: class methods, read before anything runs -------------------------

    @classmethod
    def block_in(cls, scenario: Scenario) -> Any | None:
        """The mechanism's block in ``scenario`` (``None``: the scenario does not have it, or
        it is switched off). A user's block is a top-level table, kept in
        ``scenario.extensions``."""
        return scenario.extensions.get(cls.name)

    @classmethod
    def active(cls, scenario: Scenario, block: Any) -> bool:
        """Whether a replication of ``scenario`` needs the mechanism, given its block (not
        ``None``); default: always."""
        return True

    @classmethod
    def check(cls, scenario: Scenario, spec: Any) -> list[tuple[str, str]]:
        """Problems ``(path, message)`` of the block that depend on the rest of the scenario
        (checked before anything runs, like a wrong role name); none by default."""
        return []

    @classmethod
    def ablations(cls) -> dict[str, str]:
        """The ablations it answers to, with what each means (default: its name,
        ``switched_off``)."""
        meaning = cls.switched_off or f"no {cls.name.replace('_', ' ')} (a user mechanism)"
        return {cls.name: meaning}

    @classmethod
    def switch_off(cls, data: dict[str, Any], ablation: str) -> None:
        """Change a scenario's data (``model_dump(mode="python")``) as ``ablation`` says
        (default: the block goes)."""
        data["extensions"][cls.name] = None

    @classmethod
    def describe(cls, scenario: Scenario, spec: Any) -> list[tuple[str, list[str]]]:
        """The block in plain words, for the HR report's assumptions: ``[(heading,
        [sentence, ...]), ...]`` (sentences under a heading another mechanism uses too are
        listed together). Default: the block's own ``describe()``, if it has one."""
        own = getattr(spec, "describe", None)
        return [own()] if callable(own) else []

    # -- one replication, phase by phase (hiresim.model.Replication) ---------------------------

    def applies(self, person: Person) -> bool:
        """Whether :meth:`layer` draws spells for this person (default: everyone)."""
        return True

    def layer(self, person: Person) -> Layer:
        """Spells ``(starts, ends, code)`` (hours) laid over the person's calendar: the person
        is away then, and waits are charged to ``code``."""
        return [], [], self.code

    def build(self, pipeline: Pipeline) -> None:
        """Make the mechanism's work samplers (:func:`hiresim.tasks.make_work`) and whatever
        else needs the people; nothing by default."""

    def install(self, pipeline: Pipeline) -> None:
        """Install the mechanism's hooks on the world and the pipeline; by default, add
        :meth:`step` to the steps before telling the candidate if the subclass overrides it."""
        if type(self).step is not Mechanism.step:
            pipeline.before_telling.append(self.step)

    def start(self) -> None:
        """Start processes of the mechanism's own, once requisitions are open."""

    def step(self, candidate: Candidate, rnd: int, leg: Leg, outcome: str) -> Process | None:
        """A step of the candidate's path after the approvals, before they are told; a
        process (a generator) or ``None`` to do nothing for this candidate."""
        return None


class RoleSpells(Mechanism):
    """Base of the built-in mechanisms that lay spells person by person over the people of
    the roles their block names (``roles``; ``None``: everyone): absence, priority, turnover.
    Their block is the scenario's field of their name, and their ablation removes it."""

    def __init__(self, world: World, spec: Any, code: int) -> None:
        super().__init__(world, spec, code)
        #: The simulated span (hours): spells are drawn over it.
        self.span = world.end

    @classmethod
    def block_in(cls, scenario: Scenario) -> Any | None:
        return getattr(scenario, cls.name)

    @classmethod
    def switch_off(cls, data: dict[str, Any], ablation: str) -> None:
        data[cls.name] = None

    @classmethod
    def check(cls, scenario: Scenario, spec: Any) -> list[tuple[str, str]]:
        """Every role the block names exists."""
        return role_problems(scenario, [(f"{cls.name}.roles.{j}", name)
                                        for j, name in enumerate(spec.roles or [])])

    def applies(self, person: Person) -> bool:
        """Whether the person's role is one the block names (all roles by default)."""
        roles = self.block.roles
        return roles is None or person.role in roles


def role_problems(scenario: Scenario, names: Iterable[tuple[str, str]]
                  ) -> list[tuple[str, str]]:
    """``(path, message)`` for each ``(path, role name)`` that names no role of the scenario,
    with a did-you-mean: the check every block that names roles makes."""
    roles = list(scenario.roles)
    problems = []
    for path, name in names:
        if name not in scenario.roles:
            hint = close_matches(name, roles, n=1, cutoff=0.5)
            more = f"; did you mean {hint[0]!r}?" if hint else ""
            problems.append((path, f"unknown role {name!r}{more} Roles defined: "
                                   f"{', '.join(roles) or 'none'}."))
    return problems


# -- the registries ---------------------------------------------------------------------------

#: Built-in mechanisms by name (:func:`built_in`); filled as their modules are imported.
_BUILT_IN: dict[str, type[Mechanism]] = {}
#: Registered extensions by name.
_REGISTRY: dict[str, type[Mechanism]] = {}
_shipped_loaded = False


def built_in(cls: type[Mechanism]) -> type[Mechanism]:
    """Mark a class of this package as the built-in mechanism its name says (a class
    decorator; the name must be in :data:`BUILT_IN`)."""
    if cls.name not in BUILT_IN:
        raise ValueError(f"{cls.name!r} is not in hiresim.mechanisms.BUILT_IN")
    _BUILT_IN[cls.name] = cls
    return cls


def built_ins() -> list[type[Mechanism]]:
    """The built-in mechanisms, in the order of :data:`BUILT_IN`."""
    for name in BUILT_IN:
        if name not in _BUILT_IN:
            importlib.import_module(f"{__name__}.{name}")
    return [_BUILT_IN[name] for name in BUILT_IN]


def _load_shipped() -> None:
    global _shipped_loaded
    if not _shipped_loaded:
        _shipped_loaded = True
        for module in SHIPPED:
            importlib.import_module(module)


# -- plug-ins ---------------------------------------------------------------------------------

#: The entry-point group in which installed packages declare their mechanisms: each entry
#: point names a module that registers mechanisms when imported (``name = "pkg.module"``), or
#: a :class:`Mechanism` subclass (``name = "pkg.module:Class"``), registered if it is not yet.
ENTRY_POINT_GROUP = "hiresim.mechanisms"
#: Set this environment variable (to anything but empty) to load no entry point of
#: :data:`ENTRY_POINT_GROUP` (a broken installed plug-in can then be looked at).
NO_ENTRY_POINTS = "HIRESIM_NO_PLUGINS"
#: Entry points of :data:`ENTRY_POINT_GROUP` loaded so far, by ``name = value``.
_entry_points_loaded: set[str] = set()
_entry_points_done = False


class PluginError(ImportError):
    """A plug-in that cannot be loaded: not found, failing while it is imported, or registering
    no mechanism. The message names the module (and, for an entry point, its package)."""


def _load_entry_points() -> None:
    """Import the entry points of :data:`ENTRY_POINT_GROUP`, each once per process; a
    :class:`PluginError` names the first that fails (it is tried again at the next read)."""
    global _entry_points_done
    if _entry_points_done or os.environ.get(NO_ENTRY_POINTS):
        return
    from importlib.metadata import entry_points

    for point in entry_points(group=ENTRY_POINT_GROUP):
        key = f"{point.name} = {point.value}"
        if key in _entry_points_loaded:
            continue
        dist = getattr(point, "dist", None)
        origin = (f"entry point {point.name!r} of {dist.name} {dist.version}" if dist is not None
                  else f"entry point {point.name!r}")
        try:
            loaded = point.load()
        except Exception as exc:
            raise PluginError(
                f"plug-in {point.value!r} ({origin}, group {ENTRY_POINT_GROUP!r}) failed to "
                f"load: {type(exc).__name__}: {exc}; fix or uninstall the package, or set "
                f"{NO_ENTRY_POINTS}=1 to load no installed plug-in") from exc
        if isinstance(loaded, type) and issubclass(loaded, Mechanism):
            register(loaded)
        _entry_points_loaded.add(key)
    _entry_points_done = True


def load_plugin(module: str) -> ModuleType:
    """Import a plug-in: a module that registers mechanisms when imported, given by its dotted
    name (``my_company.mechanisms``) or the path of its file (``plugins/background_check.py``,
    imported as ``background_check`` with its folder added to ``sys.path``, so that worker
    processes import it the same way). Importing one twice does nothing more.

    Raises :class:`PluginError` naming the module: not found, an error while it is imported,
    or it registers no mechanism.
    """
    text = str(module).strip()
    before = {name: _path(cls) for name, cls in registered().items()}
    file = Path(text)
    if text.endswith(".py") or os.sep in text or (os.altsep and os.altsep in text):
        name = _import_file(text, file)
    else:
        name = text
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and name != exc.name and not name.startswith(exc.name + "."):
                raise _failed(text, exc) from exc  # the plug-in imports something missing
            raise PluginError(
                f"plug-in {text!r}: no module named {name!r} (is its package installed, or its "
                "folder on PYTHONPATH? a file is given by its path, e.g. "
                "--plugin ./background_check.py)") from None
        except Exception as exc:
            raise _failed(text, exc) from exc
    loaded = sys.modules[name]
    mine = [n for n, cls in _REGISTRY.items()
            if cls.__module__ == name or before.get(n) != _path(cls)]
    if not mine:
        raise PluginError(
            f"plug-in {text!r} registers no mechanism: a plug-in module registers its "
            "mechanisms when imported (@hiresim.mechanisms.register on a Mechanism subclass)")
    return loaded


def _import_file(text: str, file: Path) -> str:
    """Import the module in ``file`` by its name, with its folder on ``sys.path``."""
    if not file.is_file():
        raise PluginError(f"plug-in {text!r}: no such file")
    if file.suffix != ".py" or not file.stem.isidentifier():
        raise PluginError(f"plug-in {text!r}: a plug-in file is a Python module whose name "
                          "is an identifier, e.g. background_check.py")
    file = file.resolve()
    name, folder = file.stem, str(file.parent)
    present = sys.modules.get(name)
    if present is not None:
        where = getattr(present, "__file__", None)
        if where is None or Path(where).resolve() != file:
            raise PluginError(
                f"plug-in {text!r}: a module named {name!r} is imported already (from "
                f"{where or 'no file'}); rename the file")
        return name
    if folder not in sys.path:
        sys.path.append(folder)
    try:
        found = importlib.import_module(name)
    except Exception as exc:
        raise _failed(text, exc) from exc
    where = getattr(found, "__file__", None)
    if where is None or Path(where).resolve() != file:
        raise PluginError(f"plug-in {text!r}: the name {name!r} is another module's ("
                          f"{where or 'built in'}), found first on sys.path; rename the file")
    return name


def _failed(text: str, exc: BaseException) -> PluginError:
    return PluginError(f"plug-in {text!r} failed while it was imported: "
                       f"{type(exc).__name__}: {exc}")


def register(cls: type[Mechanism]) -> type[Mechanism]:
    """Register a user's mechanism (also usable as a class decorator): scenarios may then have
    its block, and ``without(name)`` switches it off."""
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"{cls.__qualname__}.name must be a lowercase identifier "
                         f"(letters, digits, _; at most 40), got {name!r}")
    if name in BUILT_IN or name in STREAM_NAMES or name in CAUSES:
        raise ValueError(f"{name!r} is a built-in name; choose another")
    spec = getattr(cls, "spec", None)
    if not (isinstance(spec, type) and issubclass(spec, BaseModel)):
        raise TypeError(f"{cls.__qualname__}.spec must be a pydantic model class")
    cause = cls.cause
    if cause is not None and (not _NAME.match(cause) or cause in CAUSES):
        raise ValueError(f"{cls.__qualname__}.cause must be a new lowercase label, got {cause!r}")
    other = _REGISTRY.get(name)
    if other is not None and other is not cls and _path(other) != _path(cls):
        raise ValueError(f"a mechanism named {name!r} is registered already ({_path(other)})")
    _REGISTRY[name] = cls
    return cls


def registered() -> dict[str, type[Mechanism]]:
    """The registered extensions by name (a copy), the shipped ones first (the plug-ins of
    installed packages are loaded at the first call: :data:`ENTRY_POINT_GROUP`)."""
    _load_shipped()
    _load_entry_points()
    return dict(_REGISTRY)


def _path(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def import_mechanisms(paths: list[str], roots: Iterable[str] = ()) -> None:
    """Import the modules of extensions by ``module:Class`` (what worker processes do before
    they validate a scenario that uses them), with the folders ``roots`` (from
    :func:`mechanism_roots`) added to ``sys.path`` first if they are not on it: a worker
    started before a module was put on the path finds it all the same."""
    for root in roots:
        if root not in sys.path:
            sys.path.append(root)
    for path in paths:
        module, _, qualname = path.partition(":")
        if module == "__main__":
            raise RuntimeError(
                f"mechanism {qualname} is defined in the main script: worker processes cannot "
                "import it; put it in a module of its own, or run with workers=None")
        importlib.import_module(module)


def mechanism_paths(scenario: Scenario) -> list[str]:
    """``module:Class`` of every extension a scenario uses (for worker processes)."""
    return [_path(_REGISTRY[name]) for name in scenario.extensions]


def mechanism_roots(scenario: Scenario) -> list[str]:
    """The ``sys.path`` folders from which the modules of a scenario's extensions were
    imported (for worker processes, whose ``sys.path`` is the one they started with).

    Raises ``RuntimeError`` for a mechanism of a module no other process can import (defined
    in the main script or in a module without a file).
    """
    roots: list[str] = []
    for name in scenario.extensions:
        cls = _REGISTRY[name]
        module = sys.modules.get(cls.__module__)
        file = getattr(module, "__file__", None)
        if cls.__module__ == "__main__" or not file:
            where = "the main script" if cls.__module__ == "__main__" else (
                f"module {cls.__module__!r}, which has no file")
            raise RuntimeError(
                f"mechanism {cls.__qualname__} ({name!r}) is defined in {where}: worker "
                "processes cannot import it; put it in a module of its own (then "
                "--plugin FILE.py, or hiresim.mechanisms.load_plugin), or run with "
                "workers=None")
        root = Path(file).resolve().parent
        depth = cls.__module__.count(".") + (Path(file).stem == "__init__")
        for _ in range(depth):
            root = root.parent
        if str(root) not in roots:
            roots.append(str(root))
    return roots


def cause_slots(scenario: Scenario) -> dict[str, int]:
    """``{cause label: code}`` of the extension causes of a scenario, in its order."""
    out: dict[str, int] = {}
    for name in scenario.extensions:
        cause = _REGISTRY[name].cause
        if cause is not None and cause not in out:
            if len(out) == len(EXTENSION_CODES):
                raise ValueError(f"at most {len(EXTENSION_CODES)} extension causes per scenario")
            out[cause] = EXTENSION_CODES[len(out)]
    return out


def mechanisms_of(scenario: Scenario) -> list[type[Mechanism]]:
    """Every mechanism a scenario may have: the built-in ones in their order, then the
    extensions it names, in its order (on or off)."""
    return [*built_ins(), *(_REGISTRY[name] for name in scenario.extensions)]


def instances(scenario: Scenario, world: World) -> list[Mechanism]:
    """One instance per mechanism a replication of ``scenario`` needs, in the order of
    :func:`mechanisms_of`: each makes its up-front draws as it is built."""
    slots = cause_slots(scenario)
    out = []
    for cls in mechanisms_of(scenario):
        block = cls.block_in(scenario)
        if block is None or not cls.active(scenario, block):
            continue
        code = -1 if cls.cause is None else CODE.get(cls.cause, slots.get(cls.cause, -1))
        out.append(cls(world, block, code))
    return out
