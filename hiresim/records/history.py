"""A company's hiring history, as read from its ATS export: the observed waits for feedback.

:func:`hiresim.read_ats` builds a :class:`History` from the export folder (design section 7);
:meth:`hiresim.Results.to_ats` writes simulated results in the same format, so a History can
also come from a simulation. The waits table has the columns of ``Results.journeys`` that the
analysis reads, so :func:`hiresim.analysis.survival`, ``quantiles`` and ``promise`` work on a
History as on simulated results; :func:`hiresim.calibrate` fits a scenario to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

#: Pipeline stages an export's stage names are mapped onto (``round:1``, ``round:2``, ...).
PIPELINE_STAGES = ("screening", "round:k", "offer")

#: Columns of :attr:`History.waits` (one row per application and interview round).
WAIT_COLUMNS = ("replication", "candidate", "application_id", "job_id", "round",
                "interview_end", "feedback_at", "outcome", "days_to_feedback", "censored")


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
        source: the folder it was read from.
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
        from hiresim.records.ats import _waits

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
        waits, _ = _waits(apps, stages, iv.assign(_line=iv["row"]), t)
        return History(applications=apps.reset_index(drop=True),
                       stages=stages.reset_index(drop=True), interviews=iv,
                       jobs=jobs.reset_index(drop=True), exported_at=t, waits=waits,
                       source=f"{self.source} (as of {t})")

    def __repr__(self) -> str:
        return (f"History({self.source!r}: {len(self.applications)} applications, "
                f"{len(self.waits)} waits for feedback, {int(self.waits['censored'].sum())} "
                f"censored, {len(self.left_out)} rows left out; exported {self.exported_at})")
