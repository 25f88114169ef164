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
            ``start``, ``end``, ``interviewers`` (a tuple of ids).
        jobs: one row per requisition (``job_id``, ``opened_at``, ``closed_at``,
            ``recruiter``, ``hiring_manager``); empty when the export has no jobs file.
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

    def __repr__(self) -> str:
        return (f"History({self.source!r}: {len(self.applications)} applications, "
                f"{len(self.waits)} waits for feedback, {int(self.waits['censored'].sum())} "
                f"censored, {len(self.left_out)} rows left out; exported {self.exported_at})")
