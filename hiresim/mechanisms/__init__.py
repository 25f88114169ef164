"""One module per delay source, and the extension point for a user's own.

Each built-in module is named by its mechanism: that name is also its scenario block, its
cause label (where it has one), its ablation and its random stream — ``absence``, ``priority``,
``turnover``, ``reorganization``, ``requirements``, ``approvals``, ``communication``, and
``candidates`` (what candidates do while they wait). Two more are shipped on the extension
point (:data:`SHIPPED`): ``season`` (rates by month, dated hiring freezes; cause ``freeze``)
and ``disagreement`` (scorecard scores that disagree; an extra debrief).

A user's own delay source is a subclass of :class:`Mechanism`, registered with
:func:`register` (a class decorator). It names its scenario block (a pydantic
model), optionally its own cause label, and acts through hooks: spells laid over people's
calendars when the world is built (:meth:`Mechanism.applies` and :meth:`Mechanism.layer`), a
step of the candidate's path between the approvals and telling the candidate
(:meth:`Mechanism.step`), or processes of its own (:meth:`Mechanism.start`). Switching it off
(the ablation of its name) removes its block. See ``docs/how-to/add-a-mechanism.md``.
"""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

from hiresim.causes import CAUSES, EXTENSION_CODES
from hiresim.streams import STREAM_NAMES

if TYPE_CHECKING:
    from hiresim.mechanisms.absence import Layer
    from hiresim.people import Person
    from hiresim.pipeline import Pipeline
    from hiresim.scenario import Scenario
    from hiresim.tasks import Process
    from hiresim.trace import Leg
    from hiresim.world import Candidate, World

#: The built-in mechanisms, in the order of the design's delay-source table.
BUILT_IN: tuple[str, ...] = ("absence", "priority", "turnover", "reorganization", "requirements",
                             "approvals", "communication", "candidates")

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class MechanismSpec(BaseModel):
    """Base of an extension's scenario block: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class Mechanism:
    """A user's own delay source. Subclass it, set the class attributes, override the hooks
    you need, and :func:`register` it.

    Its class attributes are ``name``, the scenario block, the ablation and the random stream
    (``background_check``); ``spec``, the pydantic model of its block (a
    :class:`MechanismSpec`); and ``cause``, its own cause label, or ``None`` if its time is
    charged to built-in causes. With a cause, results have ``delay_<cause>`` and
    ``wt_<cause>`` columns, and the accounting identity holds with them.

    An instance lives for one replication: ``self.world`` is its state, ``self.spec`` the
    validated block, ``self.code`` the cause code to charge (:meth:`hiresim.trace.Leg.flat`,
    :func:`hiresim.tasks.wait_until`), and :attr:`rng` its own stream.
    """

    name: ClassVar[str]
    spec: ClassVar[type[BaseModel]]
    cause: ClassVar[str | None] = None
    #: What switching it off means, for ``ablate`` and the report (default: "no NAME").
    switched_off: ClassVar[str | None] = None
    #: Whether :meth:`layer` lays spells over people's calendars (set by overriding it).
    lays_spells: ClassVar[bool] = False

    def __init__(self, world: World, spec: Any, code: int) -> None:
        self.world = world
        self.spec = spec  # type: ignore[misc]  # the instance's block shadows the class's model
        self.code = code
        self._rng: np.random.Generator | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.lays_spells = cls.layer is not Mechanism.layer

    @property
    def rng(self) -> np.random.Generator:
        """The mechanism's own stream: independent of every other (common random numbers)."""
        if self._rng is None:
            self._rng = self.world.streams.generator(self.name)
        return self._rng

    # -- hooks (override what you need) ------------------------------------------------------

    def applies(self, person: Person) -> bool:
        """Whether :meth:`layer` draws spells for this person (default: everyone)."""
        return True

    def layer(self, person: Person) -> Layer:
        """Spells ``(starts, ends, code)`` (hours) laid over the person's calendar: the person
        is away then, and waits are charged to ``code``."""
        return [], [], self.code

    def step(self, candidate: Candidate, rnd: int, leg: Leg, outcome: str) -> Process | None:
        """A step of the candidate's path after the approvals, before they are told; a
        process (a generator) or ``None`` to do nothing for this candidate."""
        return None

    def start(self) -> None:
        """Start processes of the mechanism's own, once the world is built."""

    @classmethod
    def check(cls, scenario: Scenario, spec: Any) -> list[tuple[str, str]]:
        """Problems ``(path, message)`` of the block that depend on the rest of the scenario
        (checked before anything runs, like a wrong role name); none by default."""
        return []

    def install(self, pipeline: Pipeline) -> None:
        """Add :meth:`step` to the pipeline if the subclass overrides it."""
        if type(self).step is not Mechanism.step:
            pipeline.before_telling.append(self._run_step)

    def _run_step(self, candidate: Candidate, rnd: int, leg: Leg, outcome: str) -> Process:
        process = self.step(candidate, rnd, leg, outcome)
        if process is not None:
            yield from process


#: Registered extensions by name.
_REGISTRY: dict[str, type[Mechanism]] = {}

#: Mechanisms shipped with hiresim on the extension point (their blocks are optional, their
#: causes extension slots): imported, and so registered, when the registry is first read.
SHIPPED: tuple[str, ...] = ("hiresim.mechanisms.season", "hiresim.mechanisms.disagreement")
_shipped_loaded = False


def _load_shipped() -> None:
    global _shipped_loaded
    if not _shipped_loaded:
        _shipped_loaded = True
        for module in SHIPPED:
            importlib.import_module(module)


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
    """The registered extensions by name (a copy), the shipped ones first."""
    _load_shipped()
    return dict(_REGISTRY)


def _path(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def import_mechanisms(paths: list[str]) -> None:
    """Import the modules of extensions by ``module:Class`` (what worker processes do before
    they validate a scenario that uses them)."""
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


def extensions_of(scenario: Scenario, world: World) -> list[Mechanism]:
    """One instance per extension that is switched on in the scenario, in its order."""
    slots = cause_slots(scenario)
    out = []
    for name, spec in scenario.extensions.items():
        if spec is None:
            continue
        cls = _REGISTRY[name]
        out.append(cls(world, spec, slots.get(cls.cause, -1) if cls.cause else -1))
    return out


#: What model.py and type hints call an instance of a user's mechanism.
Extension = Mechanism
