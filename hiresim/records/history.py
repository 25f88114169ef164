"""A company's hiring history, as read from its ATS export: the observed waits for feedback,
and the wait rule that measures them.

:func:`hiresim.read_ats` builds a :class:`History` from the export folder (design section 7);
:meth:`hiresim.Results.to_ats` writes simulated results in the same format, so a History can
also come from a simulation. The waits table has the columns of ``Results.journeys`` that the
analysis reads, so :func:`hiresim.analysis.survival`, ``quantiles`` and ``promise`` work on a
History as on simulated results; :func:`hiresim.calibrate` fits a scenario to it.
:func:`measure_waits` is the format's wait rule (from an interview's end to when the candidate
heard, or to the censoring): the reader and :meth:`History.cut` both apply it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from hiresim.trace import OUTCOMES

#: Pipeline stages an export's stage names are mapped onto (``round:1``, ``round:2``, ...).
PIPELINE_STAGES = ("screening", "round:k", "offer")

#: Columns of :attr:`History.waits` (one row per application and interview round).
WAIT_COLUMNS = ("replication", "candidate", "application_id", "job_id", "round",
                "interview_end", "feedback_at", "outcome", "days_to_feedback", "censored")
#: A round's stage name: ``round:1`` to ``round:999``.
ROUND = re.compile(r"^round:([1-9][0-9]{0,2})$")
#: The rank of the offer stage: after every round.
OFFER_RANK = 10_000


def is_stage(name: str) -> bool:
    """Whether ``name`` is a pipeline stage: ``screening``, ``round:k`` or ``offer``."""
    return name in ("screening", "offer") or ROUND.match(name) is not None


def stage_rank(stage: pd.Series) -> pd.Series:
    """Order of mapped pipeline stages: screening 0, ``round:k`` k, offer
    :data:`OFFER_RANK` (after every round); anything else NaN."""
    names = pd.Series(stage.unique())
    rounds = pd.to_numeric(names.str.extract(ROUND)[0], errors="coerce")
    ranks = rounds.mask(names == "screening", 0).mask(names == "offer", OFFER_RANK)
    return stage.map(dict(zip(names, ranks, strict=True))).astype(float)


@dataclass
class History:
    """The records of one company, mapped onto hiresim's pipeline.

    Attributes:
        applications: one row per application: ``application_id``, ``candidate_id``,
            ``job_id``, ``applied_at``, ``status`` (``active``, ``hired``, ``rejected``,
            ``withdrawn``, ``offer_declined``), ``closed_at``, ``notified_at``.
        stages: one row per stage visit: ``application_id``, ``stage`` (mapped:
            ``screening``, ``round:1``, ..., ``offer``; the export's name in
            ``stage_raw``), ``entered_at``, ``exited_at``.
        interviews: one row per interview: ``application_id``, ``stage``, ``round``,
            ``start``, ``end``, ``interviewers`` (a tuple of ids), ``row`` (its line in
            ``interviews.csv``, for messages).
        jobs: one row per requisition (``job_id``, ``opened_at``, ``closed_at``,
            ``recruiter``, ``hiring_manager``, ``row``); empty when the export has no jobs
            file.
        exported_at: when the export was taken: waits still open then are censored there.
        waits: the waits for feedback, one row per application and round (see
            :data:`WAIT_COLUMNS`): ``outcome`` is ``advance``, ``offer``, ``reject``,
            ``withdrawn``, ``ghosted`` or ``open``; ``days_to_feedback`` runs from the
            interview's end to when the candidate heard, or to the censoring; ``censored`` is
            true for withdrawn, ghosted and open waits. ``replication`` is 0 and
            ``candidate`` the application id, as in simulated journeys.
        left_out: every row of the export that was not used, and why: ``file``, ``row``
            (1-based line in the file, the header being line 1), ``column``, ``reason``.
        source: the folder it was read from (its control characters escaped: the text that
            messages show).
    """

    applications: pd.DataFrame
    stages: pd.DataFrame
    interviews: pd.DataFrame
    jobs: pd.DataFrame
    exported_at: pd.Timestamp
    waits: pd.DataFrame
    left_out: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["file", "row", "column", "reason"]))
    source: str = ""

    @property
    def journeys(self) -> pd.DataFrame:
        """The waits, under the name the analysis functions read (like ``Results``)."""
        return self.waits

    def cut(self, as_of: object) -> History:
        """The history as it was known at ``as_of``: what a forecast made then could see.

        Applications that came later are dropped; a status that became final later is
        ``active`` again (``closed_at`` and ``notified_at`` after ``as_of`` are cleared); stage
        visits entered later are dropped and exits after ``as_of`` cleared; interviews that
        had not ended are dropped; jobs opened later are dropped and closings after ``as_of``
        cleared. The export time becomes ``as_of``, and the waits are measured again from
        these tables by the rules of the export format (waits open then are censored there).
        :mod:`hiresim.inference.backtests` compares forecasts from such cuts with what happened
        after.
        """
        t = pd.Timestamp(as_of)
        apps = self.applications.loc[self.applications["applied_at"] <= t].copy()
        later = ~(apps["closed_at"] <= t)
        apps.loc[later, "status"] = "active"
        apps.loc[later, "closed_at"] = pd.NaT
        apps.loc[~(apps["notified_at"] <= t), "notified_at"] = pd.NaT
        known = set(apps["application_id"])
        stages = self.stages.loc[(self.stages["entered_at"] <= t)
                                 & self.stages["application_id"].isin(known)].copy()
        stages.loc[~(stages["exited_at"] <= t), "exited_at"] = pd.NaT
        iv = self.interviews.loc[(self.interviews["end"] <= t)
                                 & self.interviews["application_id"].isin(known)].copy()
        jobs = self.jobs.loc[self.jobs["opened_at"] <= t].copy()
        jobs.loc[~(jobs["closed_at"] <= t), "closed_at"] = pd.NaT
        iv = iv.reset_index(drop=True)
        waits, _ = measure_waits(apps, stages, iv.assign(_line=iv["row"]), t)
        return History(applications=apps.reset_index(drop=True),
                       stages=stages.reset_index(drop=True), interviews=iv,
                       jobs=jobs.reset_index(drop=True), exported_at=t, waits=waits,
                       source=f"{self.source} (as of {t})")

    def __repr__(self) -> str:
        return (f"History({self.source!r}: {len(self.applications)} applications, "
                f"{len(self.waits)} waits for feedback, {int(self.waits['censored'].sum())} "
                f"censored, {len(self.left_out)} rows left out; exported {self.exported_at})")


def measure_waits(apps: pd.DataFrame, stages: pd.DataFrame, iv: pd.DataFrame,
                  exported_at: pd.Timestamp) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """The wait rule of the export format: one wait per application and round, and the
    rounds left out (their ``_line`` in ``interviews.csv`` and why).

    ``apps``, ``stages`` and ``iv`` are the tables of a :class:`History` (mapped stages,
    naive local timestamps); ``iv`` carries each interview's line in the file as ``_line``.
    The rules, in the order of the table in ``docs/reference/ats-format.md``: the first that
    holds decides. :func:`hiresim.read_ats` and :meth:`History.cut` both measure waits here.
    """
    last = iv.sort_values(["end", "_line"]).groupby(["application_id", "round"], sort=False).tail(1)
    w = last[["application_id", "round", "end", "_line"]].rename(columns={"end": "E"})
    top = iv.groupby("application_id")["round"].max().rename("top_round")
    w = w.join(top, on="application_id")
    # the first entry into a later stage (a later round or the offer) at or after the end
    st = stages.assign(rank=stage_rank(stages["stage"].astype(str)))[
        ["application_id", "rank", "entered_at", "stage"]]
    pairs = w[["application_id", "round", "E"]].merge(st, on="application_id")
    pairs = pairs.loc[pairs["rank"] > pairs["round"]]
    after = pairs.loc[pairs["entered_at"] >= pairs["E"]].sort_values("entered_at")
    nxt = after.groupby(["application_id", "round"]).first()[["entered_at", "stage"]]
    early = pairs.loc[pairs["entered_at"] < pairs["E"]].sort_values("entered_at").groupby(
        ["application_id", "round"]).first()[["entered_at", "stage"]]
    w = w.join(nxt, on=["application_id", "round"])
    w = w.join(early.add_prefix("early_"), on=["application_id", "round"])
    w = w.join(apps.drop_duplicates("application_id").set_index("application_id")[
        ["job_id", "status", "closed_at", "notified_at"]], on="application_id")
    n = len(w)
    outcome = np.full(n, "", dtype=object)
    heard = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    stop = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    reason = np.full(n, "", dtype=object)
    E = w["E"].to_numpy(dtype="datetime64[ns]")
    has_next = w["entered_at"].notna().to_numpy()
    nxt_at = w["entered_at"].to_numpy(dtype="datetime64[ns]")
    nxt_offer = (w["stage"] == "offer").to_numpy()
    status = w["status"].to_numpy(dtype=object)
    closed = w["closed_at"].to_numpy(dtype="datetime64[ns]")
    notified = w["notified_at"].to_numpy(dtype="datetime64[ns]")
    has_notified = ~np.isnat(notified)
    later_round = (w["top_round"] > w["round"]).to_numpy()
    has_early = w["early_entered_at"].notna().to_numpy()
    export = np.datetime64(exported_at.to_datetime64(), "ns")
    rejected, withdrawn, active = (status == "rejected"), (status == "withdrawn"), (status
                                                                                 == "active")
    # the rules in the order of the reference's table: the first that holds decides
    rules = [
        (has_next & nxt_offer, "offer", nxt_at, nxt_at),
        (has_next, "advance", nxt_at, nxt_at),
        (has_early, "", heard, heard),
        (later_round, "", heard, heard),
        (rejected & has_notified, "reject", notified, notified),
        (rejected, "ghosted", heard, closed),
        (withdrawn, "withdrawn", heard, closed),
        (active, "open", heard, np.full(n, export)),
        (has_notified, "offer", notified, notified),
    ]
    decided = np.zeros(n, dtype=bool)
    for cond, name, heard_at, stop_at in rules:
        now = cond & ~decided
        outcome[now] = name
        heard[now], stop[now] = heard_at[now], stop_at[now]
        decided |= now
    backwards = (outcome != "") & (stop < E)
    keep = (outcome != "") & ~backwards
    fmt = _fmt
    for i in np.flatnonzero(~keep):
        e = E[i]
        if backwards[i]:
            what = {"reject": "notified_at", "ghosted": "closed_at",
                    "withdrawn": "closed_at", "offer": "notified_at"}.get(outcome[i], "")
            reason[i] = (f"{what} {fmt(stop[i])} is before the interview ended ({fmt(e)})"
                         if outcome[i] != "open" else
                         f"the interview ended ({fmt(e)}) after the export ({fmt(stop[i])})")
        elif has_early[i]:
            reason[i] = (f"stage {w['early_stage'].iat[i]} was entered at "
                         f"{fmt(w['early_entered_at'].iat[i])}, before this round's interview "
                         f"ended ({fmt(e)}): when the candidate heard is not recorded")
        elif later_round[i]:
            reason[i] = (f"a later round was interviewed, but stages.csv has no entry into a "
                         f"later stage after this interview ended ({fmt(e)})")
        else:
            reason[i] = (f"status {status[i]!r}, but neither an offer stage entry nor "
                         "notified_at records when the candidate heard")
    lines = w["_line"].to_numpy()
    left = [(int(lines[i]), str(reason[i])) for i in np.flatnonzero(~keep)]
    k = keep
    waits = pd.DataFrame({
        "replication": np.zeros(int(k.sum()), dtype="int64"),
        "candidate": w["application_id"].to_numpy(dtype=object)[k],
        "application_id": w["application_id"].to_numpy(dtype=object)[k],
        "job_id": w["job_id"].to_numpy(dtype=object)[k],
        "round": w["round"].to_numpy(dtype="int64")[k],
        "interview_end": E[k],
        "feedback_at": heard[k],
        "outcome": pd.Categorical(outcome[k].astype(str), categories=OUTCOMES),
        "days_to_feedback": (stop[k] - E[k]) / np.timedelta64(1, "D"),
        "censored": np.isin(outcome[k].astype(str), ("withdrawn", "ghosted", "open")),
    })[list(WAIT_COLUMNS)]
    order = {a: i for i, a in enumerate(apps["application_id"])}
    waits = waits.assign(_o=waits["application_id"].map(order)).sort_values(
        ["_o", "round"], kind="stable").drop(columns="_o").reset_index(drop=True)
    return waits, left


def _fmt(t: Any) -> str:
    return str(pd.Timestamp(t)).removesuffix(":00")
