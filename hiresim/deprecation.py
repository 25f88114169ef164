"""Names that still work but will stop working: the warning they raise, and the module paths of
earlier versions, which now resolve to the modules' new homes.

Version 0.2 grouped the modules into wings (``scenario/``, ``records/``, ``inference/``,
``present/``; see ``docs/explanation/architecture.md``). ``import hiresim.ats`` still works:
a finder on :data:`sys.meta_path` hands out the module's new home, ``hiresim.records.ats`` (the
same module object, so ``isinstance`` and monkeypatching behave as before) and warns once with
a :class:`HiresimDeprecationWarning` that names the new path. ``hiresim.plotting`` is a
documented public path of the new home too, and resolves without a warning.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from collections.abc import Sequence
from types import ModuleType


class HiresimDeprecationWarning(FutureWarning):
    """A scenario or call uses a name that hiresim still reads but will stop reading."""


#: Module paths of version 0.1 and where each module lives now.
MOVED: dict[str, str] = {
    "hiresim.calendar": "hiresim.workhours",
    "hiresim.distributions": "hiresim.durations",
    "hiresim.words": "hiresim.text",
    "hiresim.wording": "hiresim.text",
    "hiresim.sizing": "hiresim.scenario.sizing",
    "hiresim.ats": "hiresim.records.ats",
    "hiresim.history": "hiresim.records.history",
    "hiresim.ical": "hiresim.records.ical",
    "hiresim.export": "hiresim.records.eventlog",
    "hiresim.calibration": "hiresim.inference.calibration",
    "hiresim.forecasts": "hiresim.inference.forecasts",
    "hiresim.backtests": "hiresim.inference.backtests",
    "hiresim.report": "hiresim.present.report",
    "hiresim.cli": "hiresim.present.cli",
    "hiresim.analysis.distributions": "hiresim.analysis.curves",
}

#: Public paths that name a module of the new layout, without a warning: the design's
#: contract names ``hiresim.plotting``.
ALIASES: dict[str, str] = {
    "hiresim.plotting": "hiresim.present.plotting",
}


class _Alias(importlib.abc.Loader):
    """Loads an old path as the module of its new home."""

    def __init__(self, target: str, warn: bool) -> None:
        self.target = target
        self.warn = warn

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None  # a placeholder; exec_module puts the real module in its place

    def exec_module(self, module: ModuleType) -> None:
        if self.warn:
            warnings.warn(f"{module.__name__} is now {self.target}; the old path still works "
                          "but will be removed", HiresimDeprecationWarning, stacklevel=2)
        # the import system returns whatever sys.modules holds under the name after exec_module
        sys.modules[module.__name__] = importlib.import_module(self.target)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        new = MOVED.get(fullname) or ALIASES.get(fullname)
        if new is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _Alias(new, fullname in MOVED))


def install() -> None:
    """Resolve the old paths (once per process; ``import hiresim`` does it)."""
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.append(_Finder())
