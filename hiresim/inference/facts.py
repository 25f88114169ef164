"""What the structure's estimates share, derived once from a History: per application its job,
hiring manager (or team), last interview, and whether it was closed with its job.

:func:`hiresim.structure` reads a :class:`~hiresim.records.history.History` (its mapped
applications, stages, interviews and jobs tables; the CSV files are not read again). Several
estimates need the same derived facts - which hiring manager an application's job belongs to,
the last round it was interviewed in, whether its rejection was recorded when its job closed -
and :class:`Facts` computes each once, so that two estimates never disagree on them.

Where the export has no ``jobs.csv``, an application's hiring manager is not in the records;
jobs whose panels share interviewers are then grouped (the connected components of the graph
of jobs and the interviewers on their panels), and a group's manager is the one person who sits
on every panel of the rounds they attend (:func:`manager_on_panels`), when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hiresim.records.history import History

__all__ = ["CLOSING_TOLERANCE", "Facts", "facts", "manager_on_panels", "office_hours"]

#: A rejection recorded this close to its job's closing (or to a hire of the job) was recorded
#: *because* the job closed: a held rejection released, or a candidate still in process
#: turned away. It says nothing about when the company decided.
CLOSING_TOLERANCE = pd.Timedelta(minutes=1)
#: Share of a group's interviews of a round that a person must attend to be "on every panel".
FIXED = 0.9
#: A person attending at most this share of a round's interviews is absent from it.
ABSENT = 0.1
#: Interviews of a round a group needs before presence on its panels is judged.
MIN_PRESENCE = 5
#: An hour of the week is an office hour when interviews fill at least this share of the
#: average office hour (interviews are only held when the people meeting are at work).
OFFICE_SHARE = 0.2


@dataclass
class Facts:
    """The facts of a history every estimate of :mod:`hiresim.inference.structure` reads.

    Attributes:
        history: the records.
        apps: one row per application, indexed by ``application_id``: ``job_id``, ``status``,
            ``applied_at``, ``closed_at``, ``notified_at``, ``manager`` (the hiring manager or
            group of its job, "" when unknown), ``last_round`` (the last round interviewed, 0
            if none), ``last_end`` (when that interview ended), ``entered_round1`` (it entered
            the first round's stage: it passed screening), ``at_closing`` (its status became
            final within :data:`CLOSING_TOLERANCE` of its job's closing or of a hire of its
            job).
        interviews: the history's interviews with ``job_id``, ``manager`` and ``size`` (the
            number of people listed) added.
        managers: per job, its hiring manager (or group).
        has_jobs: the export has ``jobs.csv`` with hiring managers.
        has_ids: the interviews name their interviewers.
        groups_from: how ``manager`` was found: ``jobs.csv``, ``panels`` (jobs grouped by
            the interviewers they share) or ``none``.
        office: the office hours of the week, ``(weekday, hour)`` pairs in order (Monday 0).
    """

    history: History
    apps: pd.DataFrame
    interviews: pd.DataFrame
    managers: pd.Series
    has_jobs: bool
    has_ids: bool
    groups_from: str
    office: list[tuple[int, int]]


def facts(history: History) -> Facts:
    """Derive the :class:`Facts` of ``history``."""
    apps = history.applications.drop_duplicates("application_id").set_index("application_id")
    apps = apps[["job_id", "status", "applied_at", "closed_at", "notified_at"]].copy()
    iv = history.interviews.copy()
    iv["job_id"] = iv["application_id"].map(apps["job_id"]).fillna("")
    iv["size"] = iv["interviewers"].map(len).astype("int64")
    has_ids = bool(len(iv)) and bool((iv["size"] > 0).any())
    jobs = history.jobs
    has_jobs = bool(len(jobs)) and bool((jobs["hiring_manager"].astype(str) != "").any())
    if has_jobs:
        managers = (jobs.drop_duplicates("job_id").set_index("job_id")["hiring_manager"]
                    .astype(str))
        groups_from = "jobs.csv"
    elif has_ids:
        managers = _groups(iv)
        groups_from = "panels"
    else:
        managers = pd.Series(dtype=object)
        groups_from = "none"
    apps["manager"] = apps["job_id"].map(managers).fillna("").astype(str)
    iv["manager"] = iv["job_id"].map(managers).fillna("").astype(str)
    if len(iv):
        last = iv.sort_values("end").groupby("application_id")[["round", "end"]].last()
        apps["last_round"] = last["round"].reindex(apps.index).fillna(0).astype("int64")
        apps["last_end"] = last["end"].reindex(apps.index).astype("datetime64[ns]")
    else:
        apps["last_round"] = np.zeros(len(apps), dtype="int64")
        apps["last_end"] = pd.Series(pd.NaT, index=apps.index, dtype="datetime64[ns]")
    st = history.stages
    entered = set(st.loc[st["stage"] == "round:1", "application_id"])
    apps["entered_round1"] = apps.index.isin(entered) | (apps["last_round"] > 0)
    apps["at_closing"] = _at_closing(apps, jobs)
    return Facts(history, apps, iv, managers, has_jobs, has_ids, groups_from,
                 office_hours(iv))


def _at_closing(apps: pd.DataFrame, jobs: pd.DataFrame) -> np.ndarray:
    """Whether each application's status became final when its job closed (or was filled)."""
    closed = apps["closed_at"]
    near = np.zeros(len(apps), dtype=bool)
    if len(jobs):
        job_close = apps["job_id"].map(jobs.drop_duplicates("job_id").set_index("job_id")[
            "closed_at"])
        near |= ((closed - job_close).abs() <= CLOSING_TOLERANCE).to_numpy()
    hires = apps.loc[apps["status"] == "hired", ["job_id", "closed_at"]].dropna()
    if len(hires):
        pairs = (apps[["job_id", "closed_at"]].reset_index()
                 .merge(hires.rename(columns={"closed_at": "hired_at"}), on="job_id"))
        pairs = pairs[(pairs["closed_at"] - pairs["hired_at"]).abs() <= CLOSING_TOLERANCE]
        near |= apps.index.isin(set(pairs["application_id"]))
    return near & (apps["status"] == "rejected").to_numpy()


def _groups(iv: pd.DataFrame) -> pd.Series:
    """Jobs grouped by the interviewers their panels share (no jobs.csv): per job, its group's
    manager id (see :func:`manager_on_panels`) or ``group <k>``."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    pairs = iv[["job_id", "interviewers"]].explode("interviewers").dropna()
    pairs = pairs[(pairs["job_id"] != "") & (pairs["interviewers"] != "")]
    if not len(pairs):
        return pd.Series(dtype=object)
    jobs = pd.Index(pd.unique(iv.sort_values("start")["job_id"]))
    jobs = jobs[jobs != ""]
    people = pd.Index(pd.unique(pairs["interviewers"]))
    a = jobs.get_indexer(pairs["job_id"])
    b = len(jobs) + people.get_indexer(pairs["interviewers"])
    size = len(jobs) + len(people)
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(size, size))
    _, label = connected_components(graph, directed=False)
    job_label = pd.Series(label[: len(jobs)], index=jobs)
    names: dict[int, str] = {}
    for k, comp in enumerate(pd.unique(job_label.to_numpy())):
        members = job_label.index[job_label.to_numpy() == comp]
        manager = manager_on_panels(iv[iv["job_id"].isin(members)])
        names[int(comp)] = manager if manager else f"group {k + 1}"
    return job_label.map(names).astype(str)


def manager_on_panels(iv: pd.DataFrame) -> str:
    """The hiring manager of a group of jobs, read from its panels: the one person who sits on
    (at least :data:`FIXED` of) every panel of each round they attend, while absent from at
    least one round's panels or in company of people who rotate. "" when no single person does.

    A team's interviewers rotate over its panels (a panel draws some of them); the manager,
    where they attend a round, is on every panel of it. A round whose panel takes the whole
    team makes everyone look fixed there: the rounds the manager does not attend tell them apart.
    """
    rounds = iv.groupby("round")
    fixed_everywhere: dict[str, bool] = {}
    rotating = False
    for _, sub in rounds:
        n = len(sub)
        if n < MIN_PRESENCE:
            continue
        counts = sub["interviewers"].explode().dropna().value_counts()
        share = counts / n
        if (share < FIXED).any():
            rotating = True
        for pid, s in share.items():
            if s <= ABSENT:
                continue
            fixed_everywhere[str(pid)] = fixed_everywhere.get(str(pid), True) and s >= FIXED
    candidates = [p for p, ok in fixed_everywhere.items() if ok]
    return candidates[0] if len(candidates) == 1 and rotating else ""


def office_hours(iv: pd.DataFrame) -> list[tuple[int, int]]:
    """The hours of the week in which the company interviews: ``(weekday, hour)`` pairs whose
    interview minutes reach :data:`OFFICE_SHARE` of the average busy hour; Monday to Friday
    9 to 17 when there are no interviews."""
    default = [(d, h) for d in range(5) for h in range(9, 17)]
    if not len(iv):
        return default
    start = iv["start"].to_numpy(dtype="datetime64[m]")
    end = iv["end"].to_numpy(dtype="datetime64[m]")
    minutes = np.zeros((7, 24))
    hour = np.timedelta64(60, "m")
    # every hour an interview overlaps, with the minutes it spends in it (interviews are short:
    # a loop over hour offsets, not over interviews)
    first = start.astype("datetime64[h]")
    longest = int(((end - first.astype("datetime64[m]")) // hour).max()) + 1 if len(iv) else 0
    for k in range(max(min(longest, 48), 1)):
        lo = (first + np.timedelta64(k, "h")).astype("datetime64[m]")
        hi = lo + hour
        used = (np.minimum(end, hi) - np.maximum(start, lo)).astype("int64")
        ok = used > 0
        stamps = pd.DatetimeIndex(lo[ok])
        np.add.at(minutes, (stamps.weekday.to_numpy(), stamps.hour.to_numpy()), used[ok])
    busy = minutes[minutes > 0]
    if not busy.size:
        return default
    keep = minutes >= OFFICE_SHARE * busy.mean()
    return [(int(d), int(h)) for d, h in zip(*np.nonzero(keep), strict=True)]
