"""Results of many replications: tidy DataFrames, a manifest, a Parquet round trip and the
ATS export.

A :class:`Results` holds the three tables of design section 3: ``journeys`` (one row per wait
for feedback), ``candidates`` (one row per candidate) and ``events`` (one row per activity
instance, the interval event-log format that process-mining tools read), and a fourth,
``requisitions`` (one row per requisition). It also carries the manifest that makes a run
reproducible: the seed, the resolved scenario and the versions of hiresim and its
dependencies. :meth:`Results.to_ats` writes it as a company's ATS export (design section 7).
"""

from __future__ import annotations

import functools
import json
import platform
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

# the tables' names and protocols, re-exported where they were defined until version 0.2
from hiresim.tables import RESULT_TABLES as RESULT_TABLES
from hiresim.tables import TABLES as TABLES
from hiresim.tables import JourneysLike as JourneysLike
from hiresim.tables import ResultsLike as ResultsLike

if TYPE_CHECKING:  # pandas is imported when tables are built or read, not by ``import hiresim``
    import pandas as pd

    from hiresim.analysis.headline import Headline
    from hiresim.scenario import Scenario

MANIFEST = "manifest.json"
_VERSIONED = ("hiresim", "simpy", "numpy", "pandas", "pydantic", "holidays", "pyarrow")


def dependency_versions() -> dict[str, str]:
    """Versions of hiresim and of the libraries whose behaviour shapes its results (read once
    per process: ~20 ms of package metadata that every ``simulate`` call used to parse)."""
    return dict(_versions())


@functools.cache
def _versions() -> tuple[tuple[str, str], ...]:
    from importlib import metadata  # deferred: ~40 ms that `import hiresim` need not pay

    versions = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:  # pragma: no cover - editable installs have it
            versions[name] = "unknown"
    return tuple(versions.items())


@dataclass
class Results:
    """Everything one call of :func:`hiresim.simulate` produced.

    Attributes
    ----------
    journeys, candidates, events:
        The tidy tables of design section 3. ``events`` is empty when the run was made with
        ``event_log=False``.
    manifest:
        ``seed``, ``replications``, ``scenario`` (the resolved scenario as a plain dict),
        ``versions``; enough to rerun the experiment.
    requisitions:
        One row per requisition: ``replication``, ``requisition``, ``opened_at``,
        ``closed_at`` (NaT while open), ``positions``, ``filled``, ``cancelled``,
        ``recruiter``, ``hiring_manager`` (person ids at opening). Empty for results saved
        before it was recorded and for a sweep's rows (a sweep writes the three tables only).
    """

    journeys: pd.DataFrame
    candidates: pd.DataFrame
    events: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)
    requisitions: pd.DataFrame = field(default=None)

    def __post_init__(self) -> None:
        if self.requisitions is None:
            from hiresim.trace import requisitions_table

            self.requisitions = requisitions_table(None, _epoch(self.manifest))

    @property
    def seed(self) -> int | None:
        return self.manifest.get("seed")

    @property
    def replications(self) -> int:
        return int(self.manifest.get("replications", self.journeys["replication"].nunique()))

    @property
    def scenario(self) -> Scenario | None:
        """The resolved scenario (a :class:`hiresim.Scenario`) the results came from."""
        from hiresim.scenario import Scenario

        raw = self.manifest.get("scenario")
        return None if raw is None else Scenario.model_validate(raw)

    def summary(
        self, q: tuple[float, ...] = (0.1, 0.5, 0.9, 0.95), ci: float = 0.95
    ) -> pd.DataFrame:
        """Quantiles of ``days_to_feedback`` (Kaplan-Meier, censoring-aware) with bootstrap CIs,
        and the headline average wait.

        A shortcut for :func:`hiresim.analysis.quantiles` with its defaults: its
        ``restricted_mean`` row is :meth:`headline` (the same number as every other table
        quotes), and ``attrs["definition"]`` says what it is.
        """
        from hiresim.analysis.curves import quantiles
        from hiresim.analysis.headline import definition

        out = quantiles(self, q=q, ci=ci)
        tau = out.loc[out["statistic"] == "restricted_mean", "tau"]
        out.attrs["definition"] = definition(float(tau.iloc[0]) if len(tau) else float("nan"))
        return out

    def headline(self, ci: float = 0.95) -> Headline:
        """The average wait hiresim quotes everywhere (:func:`hiresim.analysis.headline`):
        ``value``, ``se``, ``lower``, ``upper``, ``tau`` and ``definition``."""
        from hiresim.analysis.headline import headline

        return headline(self, ci=ci)

    def to_parquet(self, path: str | Path) -> Path:
        """Write the tables as Parquet files (``journeys.parquet``, ``candidates.parquet``,
        ``events.parquet``, ``requisitions.parquet``) and a JSON manifest into directory
        ``path``."""
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        for name in RESULT_TABLES:
            getattr(self, name).to_parquet(out / f"{name}.parquet", index=False)
        (out / MANIFEST).write_text(json.dumps(self.manifest, indent=2, default=str))
        return out

    @classmethod
    def read_parquet(cls, path: str | Path) -> Results:
        """Read what :meth:`to_parquet` wrote; the tables compare equal to the originals.

        A folder written before ``requisitions`` was recorded (no ``requisitions.parquet``)
        reads with an empty ``requisitions`` table.
        """
        import pandas as pd

        src = Path(path)
        tables = {name: pd.read_parquet(src / f"{name}.parquet") for name in TABLES}
        if (src / "requisitions.parquet").is_file():
            tables["requisitions"] = pd.read_parquet(src / "requisitions.parquet")
        manifest = json.loads((src / MANIFEST).read_text())
        return cls(**tables, manifest=manifest)

    def to_ats(self, folder: str | Path) -> Path:
        """Write the results as a company's ATS export (design section 7) into ``folder``.

        The files are ``applications.csv`` (one row per candidate: ``application_id`` and
        ``candidate_id`` are the candidate id, ``job_id`` is ``r{replication}-{requisition}``),
        ``stages.csv`` (``screening``, ``round:1``, ..., ``offer``), ``interviews.csv`` (one row
        per wait for feedback in ``journeys``: the interview it follows, with the panel that
        wrote scorecards), ``jobs.csv`` (from ``requisitions``; left out when that table is
        empty, as for results saved before it existed) and ``export.json`` (the end of the
        simulated span). Timestamps are ISO 8601 in local time, to the second. A reader that
        applies the section's rules to them gets back the waits of ``journeys`` (their
        ``days_to_feedback`` and ``outcome``); see docs/reference/results.md for the mapping.

        Candidates left out by the warm-up are not in ``candidates``, so their later journeys
        have no application and are not written.

        The format has one home, :mod:`hiresim.records.ats`, which reads it
        (:func:`hiresim.read_ats`) and writes it (:func:`hiresim.records.ats.write_ats`, which
        this calls).

        Raises:
            ValueError: the results have no event log (``simulate(..., event_log=False)``):
                interviews and stage times come from ``events``.
        """
        from hiresim.records.ats import write_ats

        return write_ats(self, folder)

    def __repr__(self) -> str:
        return (
            f"Results(replications={self.replications}, journeys={len(self.journeys)}, "
            f"candidates={len(self.candidates)}, events={len(self.events)}, "
            f"requisitions={len(self.requisitions)})"
        )


def _epoch(manifest: dict[str, Any]) -> date:
    """The simulation's epoch (its scenario's start), or 2000-01-01 when not known (the
    epoch only places empty tables' timestamps, which have none)."""
    start = (manifest.get("scenario") or {}).get("start")
    try:
        return date.fromisoformat(str(start))
    except ValueError:
        return date(2000, 1, 1)


#: Names that moved to :mod:`hiresim.records.ats` (the ATS format's one home).
_MOVED = {"ATS_STATUS": "FINAL_STATUS", "ATS_COLUMNS": "WRITTEN_COLUMNS"}


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        import warnings

        from hiresim.deprecation import HiresimDeprecationWarning
        from hiresim.records import ats

        new = _MOVED[name]
        warnings.warn(f"hiresim.results.{name} is now hiresim.records.ats.{new}; the old name "
                      "still works but will be removed", HiresimDeprecationWarning, stacklevel=2)
        return getattr(ats, new)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
