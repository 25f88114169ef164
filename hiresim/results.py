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

        Raises:
            ValueError: the results have no event log (``simulate(..., event_log=False)``):
                interviews and stage times come from ``events``.
        """
        if not self.manifest.get("event_log", True) or (
                self.events.empty and not self.journeys.empty):
            raise ValueError(
                "to_ats needs the event log (interviews and stage times come from "
                "results.events): simulate with event_log=True")
        return _write_ats(self, Path(folder))

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


# -- the ATS export -------------------------------------------------------------------------

#: Candidates' final outcomes as ATS application statuses (design section 7).
ATS_STATUS = {"hired": "hired", "rejected": "rejected", "cancelled": "rejected",
              "ghosted": "rejected", "withdrawn": "withdrawn", "declined": "offer_declined",
              "open": "active"}
#: Columns of the files :meth:`Results.to_ats` writes.
ATS_COLUMNS = {
    "applications": ("application_id", "candidate_id", "job_id", "applied_at", "status",
                     "closed_at", "notified_at"),
    "stages": ("application_id", "stage", "entered_at", "exited_at"),
    "interviews": ("application_id", "stage", "start", "end", "interviewers"),
    "jobs": ("job_id", "opened_at", "closed_at", "recruiter", "hiring_manager"),
}
_ISO = "%Y-%m-%dT%H:%M:%S"
_OFFER_ORDER = 10_000  # sorts the offer stage after every round


def _iso(stamps: pd.Series) -> pd.Series:
    """Timestamps as ISO 8601 text to the second; NaT as empty."""
    return stamps.dt.round("s").dt.strftime(_ISO).fillna("")


def _write_ats(results: Results, out: Path) -> Path:
    """The work of :meth:`Results.to_ats` (pandas only; vectorised over candidates)."""
    import numpy as np
    import pandas as pd

    NaT = pd.NaT
    scenario = results.scenario
    events = results.events
    cand = results.candidates
    c = pd.DataFrame({
        "app": cand["candidate"].astype(str).to_numpy(),
        "job": ("r" + cand["replication"].astype(str) + "-"
                + cand["requisition"].astype(str)).to_numpy(),
        "applied": cand["applied_at"].to_numpy(),
        "final": cand["final_outcome"].astype(str).to_numpy(),
        "rounds": cand["rounds"].to_numpy(),
        "end": (cand["applied_at"] + pd.to_timedelta(cand["days_in_process"], unit="D")
                ).to_numpy(),
    })
    c["order"] = np.arange(len(c))
    j = results.journeys
    j = j[j["candidate"].isin(c["app"])]
    j = pd.DataFrame({
        "app": j["candidate"].astype(str).to_numpy(),
        "round": j["round"].to_numpy(),
        "interview_end": j["interview_end"].to_numpy(),
        "feedback": j["feedback_at"].to_numpy(),
        "outcome": j["outcome"].astype(str).to_numpy(),
        # when the wait ended: the feedback, or its censoring
        "end": (j["interview_end"] + pd.to_timedelta(j["days_to_feedback"], unit="D")
                ).to_numpy(),
    })
    j["end"] = j["feedback"].where(j["feedback"].notna(), j["end"])
    last = (j.sort_values(["app", "round"]).groupby("app").tail(1)
            .set_index("app").reindex(c["app"]))
    last_outcome = last["outcome"].fillna("").to_numpy()
    last_round = last["round"].fillna(0).astype(int).to_numpy()

    # stage times first: when screening ended (the last screening task's completion)
    is_event = events["concept:name"] == "screening"
    screened = pd.Series(
        events.loc[is_event].groupby("case:concept:name")["time:timestamp"].max()
        .reindex(c["app"]).to_numpy(), index=c.index)
    has_screening = (scenario.screening is not None if scenario is not None
                     else bool(is_event.any()))

    # applications: closed when the status became final (taken from the exact record where
    # there is one: the last feedback, the censoring of the last wait, the screen's end);
    # notified then, unless the candidate was never told (withdrawn, ghosted, still open)
    final = c["final"].to_numpy()
    closed = c["end"].copy()
    heard_last = (np.isin(final, ("hired", "declined", "rejected"))
                  & np.isin(last_outcome, ("offer", "reject")))
    closed[heard_last] = last["feedback"].to_numpy()[heard_last]
    censored_last = np.isin(final, ("withdrawn", "ghosted")) & (last_outcome == final)
    closed[censored_last] = last["end"].to_numpy()[censored_last]  # withdrawal, recorded ghosting
    # rejected at the screen: finished as it ended, before any round (within a millisecond:
    # ``end`` is rebuilt from days_in_process)
    failed = (has_screening & (final != "open") & (c["rounds"].to_numpy() == 0)
              & (last_round == 0)
              & ((closed - screened).abs() < pd.Timedelta(milliseconds=1)).to_numpy())
    closed[failed] = screened[failed]
    closed[final == "open"] = NaT
    c["closed"] = closed
    notified = closed.where(np.isin(final, ("hired", "declined", "rejected", "cancelled")))
    applications = pd.DataFrame({
        "application_id": c["app"], "candidate_id": c["app"], "job_id": c["job"],
        "applied_at": _iso(c["applied"]), "status": c["final"].map(ATS_STATUS),
        "closed_at": _iso(c["closed"]), "notified_at": _iso(notified),
    })

    # stages: screening until it ended; round k from hearing of the advance to hearing the
    # round's decision (or the censoring of that wait); the offer from hearing of it
    frames = []
    if has_screening:
        frames.append(pd.DataFrame({"app": c["app"], "k": 0, "entered": c["applied"],
                                    "exited": screened.fillna(c["closed"])}))
        round1_at = screened
        entered_round1 = round1_at.notna() & ~failed
    else:
        round1_at = c["applied"]
        entered_round1 = pd.Series(True, index=c.index)
    n_rounds = len(scenario.rounds) if scenario is not None else np.iinfo(np.int64).max
    k_max = np.maximum(last_round + (last_outcome == "advance"),
                       entered_round1.to_numpy().astype(int))
    k_max = np.minimum(k_max, n_rounds)
    rows = c.loc[c.index.repeat(k_max), ["app", "closed"]].copy()
    rows["k"] = rows.groupby(level=0).cumcount() + 1
    rows["round1_at"] = round1_at.loc[rows.index]
    rows = rows.reset_index(drop=True)
    this = j.rename(columns={"round": "k"})[["app", "k", "feedback", "end", "outcome"]]
    before = j.assign(k=j["round"] + 1)[["app", "k", "feedback"]].rename(
        columns={"feedback": "advanced"})
    rows = rows.merge(this, on=["app", "k"], how="left").merge(before, on=["app", "k"],
                                                                 how="left")
    entered = rows["advanced"].where(rows["k"] > 1, rows["round1_at"])
    exited = rows["feedback"].where(rows["feedback"].notna(),
                                    rows["end"].where(rows["outcome"] != "open"))
    exited = exited.where(rows["outcome"].notna(), rows["closed"])  # no interview yet
    frames.append(pd.DataFrame({"app": rows["app"], "k": rows["k"], "entered": entered,
                                "exited": exited}))
    offers = j[j["outcome"] == "offer"].merge(c[["app", "closed"]], on="app")
    frames.append(pd.DataFrame({"app": offers["app"], "k": _OFFER_ORDER,
                                "entered": offers["feedback"], "exited": offers["closed"]}))
    st = pd.concat(frames, ignore_index=True)
    st = st.merge(c[["app", "order"]], on="app").sort_values(["order", "k"], kind="stable")
    names = np.where(st["k"] == 0, "screening",
                     np.where(st["k"] == _OFFER_ORDER, "offer", "round:" + st["k"].astype(str)))
    stages = pd.DataFrame({"application_id": st["app"].to_numpy(), "stage": names,
                           "entered_at": _iso(st["entered"]).to_numpy(),
                           "exited_at": _iso(st["exited"]).to_numpy()})

    # interviews: the one each wait follows ("interview k", ending when the wait began), with
    # the people who wrote its scorecards
    held = events[events["concept:name"].str.startswith("interview ")]
    held = pd.DataFrame({"app": held["case:concept:name"].to_numpy(),
                         "round": held["round"].to_numpy(),
                         "interview_end": held["time:timestamp"].to_numpy(),
                         "start": held["start_timestamp"].to_numpy()})
    held = held.drop_duplicates(["app", "round", "interview_end"], keep="last")
    cards = events[events["concept:name"] == "scorecard"]
    panel = (cards.drop_duplicates(["case:concept:name", "round", "org:resource"])
             .groupby(["case:concept:name", "round"], sort=False)["org:resource"]
             .agg(";".join).rename("interviewers").reset_index()
             .rename(columns={"case:concept:name": "app"}))
    iv = (j[["app", "round", "interview_end"]]
          .merge(held, on=["app", "round", "interview_end"], how="left")
          .merge(panel, on=["app", "round"], how="left")
          .merge(c[["app", "order"]], on="app").sort_values(["order", "round"], kind="stable"))
    interviews = pd.DataFrame({
        "application_id": iv["app"].to_numpy(),
        "stage": ("round:" + iv["round"].astype(str)).to_numpy(),
        "start": _iso(iv["start"].fillna(iv["interview_end"])).to_numpy(),
        "end": _iso(iv["interview_end"]).to_numpy(),
        "interviewers": iv["interviewers"].fillna("").to_numpy()})

    if scenario is not None:
        exported = pd.Timestamp(scenario.start) + pd.Timedelta(days=scenario.total_days)
    else:  # no manifest: the latest moment recorded
        exported = max(pd.Series(events["time:timestamp"]).max(), c["end"].max(),
                       j["end"].max() if len(j) else c["end"].max())
    out.mkdir(parents=True, exist_ok=True)
    applications.to_csv(out / "applications.csv", index=False)
    stages.to_csv(out / "stages.csv", index=False)
    interviews.to_csv(out / "interviews.csv", index=False)
    jobs_file = out / "jobs.csv"
    rq = results.requisitions
    if len(rq):
        pd.DataFrame({
            "job_id": "r" + rq["replication"].astype(str) + "-" + rq["requisition"].astype(str),
            "opened_at": _iso(rq["opened_at"]), "closed_at": _iso(rq["closed_at"]),
            "recruiter": rq["recruiter"], "hiring_manager": rq["hiring_manager"],
        }).to_csv(jobs_file, index=False)
    else:
        jobs_file.unlink(missing_ok=True)  # no stale jobs of an earlier export
    (out / "export.json").write_text(
        json.dumps({"exported_at": exported.round("s").strftime(_ISO)}, indent=2) + "\n")
    return out
