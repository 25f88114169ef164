"""The tables of a run: their names, and the protocols of what reads them.

Everything that measures, draws or exports a run takes an object with these tables, not a
:class:`hiresim.Results` as such: a sweep's rows, a run read back from Parquet, a test's
stand-in and a ``SimpleNamespace(journeys=...)`` all qualify. The protocols live here, below
:mod:`hiresim.analysis` and :mod:`hiresim.results`, so that the measures never name the module
that runs simulations (see ``docs/explanation/architecture.md``, "What each module may import").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # pandas is imported when tables are built or read, not by ``import hiresim``
    import pandas as pd

#: The three tables of design section 3 (what a sweep writes for each of its units).
TABLES = ("journeys", "candidates", "events")
#: Every table of a :class:`hiresim.Results`: :data:`TABLES` and ``requisitions`` (what
#: :meth:`hiresim.Results.to_parquet` writes).
RESULT_TABLES = (*TABLES, "requisitions")


class JourneysLike(Protocol):
    """What the wait statistics (survival, quantiles, promises) read from a run: ``journeys``.

    Grouping ``by="stage"`` reads ``events`` as well: only a :class:`ResultsLike` has them.
    """

    @property
    def journeys(self) -> pd.DataFrame: ...


class ResultsLike(JourneysLike, Protocol):
    """What the analysis, plotting and export functions read from a run: its three tables.

    :class:`hiresim.Results` is one; so is any object with these attributes (the functions
    check for them by name). ``events`` is empty when the run kept no event log.
    """

    @property
    def candidates(self) -> pd.DataFrame: ...
    @property
    def events(self) -> pd.DataFrame: ...
