"""The figures that published hiring studies report, computed the way they define them.

One definition, one function: each function below states which candidates it counts and what it
measures, and names the published figures that share its definition, so that a simulated number
is compared only with a published number of the same kind (the presets in
``hiresim/scenario/presets`` are calibrated with them; see ``docs/explanation/presets.md``).

=================================  ===========================================================
:func:`days_to_answer`             application to the final answer, interviewed candidates who
                                   got one (Glassdoor's "interview process duration")
:func:`first_interview_to_offer`   end of the first interview to the offer (NACE's "interview
                                   to offer")
=================================  ===========================================================

Each returns an :class:`Estimate`: the mean over the candidates counted, pooled across
replications, with its standard error over replications (the replications are the independent
unit; candidates of one replication share its queues and disruptions and are not independent).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hiresim import arguments
from hiresim.analysis.waits import business_days_between, check_days

if TYPE_CHECKING:
    from hiresim.tables import ResultsLike

#: Final outcomes of a candidate who got an answer: an offer (accepted or declined) or a
#: rejection they were told of. Ghosted, withdrawn, cancelled and open candidates got none.
ANSWERED = ("hired", "declined", "rejected")


@dataclass(frozen=True)
class Estimate:
    """A mean over candidates with its standard error over replications.

    ``mean``: the pooled mean (sum over all replications / count over all replications);
    ``se``: its standard error, from the spread of the replications' sums around it (the
    ratio estimator's standard error, replications as clusters); NaN with fewer than two
    replications. ``n``: candidates counted; ``replications``: replications in the results.
    """

    mean: float
    se: float
    n: int
    replications: int

    def interval(self, z: float = 3.0) -> tuple[float, float]:
        """``mean ± z · se``."""
        return self.mean - z * self.se, self.mean + z * self.se


def days_to_answer(results: ResultsLike) -> Estimate:
    """Mean days from application to the final answer, among interviewed candidates who got one.

    **Counted:** every candidate with at least one interview (``candidates.rounds >= 1``) whose
    final outcome is an answer: ``hired``, ``declined`` (an offer is an answer) or
    ``rejected`` (told). Candidates ghosted, withdrawn, cancelled or still open at the end of
    the run are left out, as are those rejected at the screen without an interview.
    **Measured:** ``candidates.days_in_process``, calendar days from ``applied_at`` (the
    candidate's arrival: the application that reaches the recruiter) to the moment they hear
    the final answer (the feedback of their last journey).

    **Published figures of this definition:** Glassdoor Economic Research (A. Chamberlain,
    "How long does it take to hire? Interview duration in 25 countries", 9 August 2017;
    83,921 interview reviews, January-June 2017): the interview process is "the time it takes
    to interview at a company, from application submission to receiving an offer or rejection
    letter", as reported by candidates who interviewed. United States 23.8 days (22.9 in 2014,
    Chamberlain, "Why is hiring taking longer?", 2015); United Kingdom 27.5; Germany 28.5;
    France 38.9; US government sector 53.8.
    """
    arguments.results_like("results", results, ("candidates",))
    c = results.candidates
    final = c["final_outcome"].astype(str)
    keep = (c["rounds"].to_numpy() >= 1) & final.isin(ANSWERED).to_numpy()
    days = c["days_in_process"].to_numpy(dtype=float)[keep]
    reps = c["replication"].to_numpy()[keep]
    return _pooled(days, reps, _replications(results))


def first_interview_to_offer(results: ResultsLike, days: str = "calendar") -> Estimate:
    """Mean days from the end of the first interview to the offer, among candidates offered.

    **Counted:** every candidate who heard an offer (a journey with outcome ``offer``; the
    offer may then be accepted or declined). **Measured:** from the end of their first
    interview (``interview_end`` of round 1) to the moment they heard the offer
    (``feedback_at`` of the offer's journey), in calendar days, or with ``days="business"`` in
    Monday-Friday days (as :func:`hiresim.analysis.business_days_between` counts them).

    **Published figures of this definition:** the National Association of Colleges and
    Employers (NACE) Recruiting Benchmarks Survey measures the time "from interview to
    notification of an offer" for new college graduates: 23.6 days in the 2017 survey (19.9 in
    2015, 24.5 in 2018 and 2021); the 2012 survey gave 24.2 and stated the unit: business
    days. 23.6 business days are about 33 calendar days. NACE's population (campus
    recruiting at mostly large employers) is not Glassdoor's: see
    ``docs/explanation/presets.md``.
    """
    arguments.results_like("results", results, ("journeys",))
    check_days(days)
    j = results.journeys
    outcome = j["outcome"].astype(str).to_numpy()
    offers = j.loc[outcome == "offer", ["replication", "candidate", "feedback_at"]]
    firsts = j.loc[j["round"].to_numpy() == 1, ["candidate", "interview_end"]]
    both = offers.merge(firsts, on="candidate", how="inner", validate="one_to_one")
    start = both["interview_end"].to_numpy(dtype="datetime64[ns]")
    end = both["feedback_at"].to_numpy(dtype="datetime64[ns]")
    if days == "calendar":
        values = (end - start) / np.timedelta64(1, "D")
    else:
        values = business_days_between(start, end) if len(both) else np.zeros(0)
    return _pooled(np.asarray(values, dtype=float), both["replication"].to_numpy(),
                   _replications(results))


def _replications(results: ResultsLike) -> np.ndarray:
    """The replication ids of a run: from the manifest when it says how many, else those that
    appear in its tables (a replication with nobody counted still counts, with zero)."""
    manifest = getattr(results, "manifest", None) or {}
    seen = [pd.unique(t["replication"]) for t in (results.candidates, results.journeys)
            if "replication" in t]
    ids = np.unique(np.concatenate(seen)) if seen else np.zeros(0, dtype=int)
    count = manifest.get("replications")
    if isinstance(count, int) and count >= len(ids) and (len(ids) == 0 or ids.max() < count):
        return np.arange(count)
    return ids


def _pooled(values: np.ndarray, reps: np.ndarray, universe: np.ndarray) -> Estimate:
    """Pooled mean of ``values`` and its standard error with replications as clusters."""
    n = len(values)
    r = len(universe)
    if n == 0:
        return Estimate(np.nan, np.nan, 0, r)
    codes = np.searchsorted(universe, reps)
    sums = np.bincount(codes, weights=values, minlength=r)
    counts = np.bincount(codes, minlength=r).astype(float)
    mean = float(sums.sum() / counts.sum())
    if r < 2:
        return Estimate(mean, np.nan, n, r)
    # ratio estimator: residual totals s_r - mean * n_r, scaled by the mean count per replication
    resid = (sums - mean * counts) / counts.mean()
    se = float(np.sqrt((resid ** 2).sum() / (r * (r - 1))))
    return Estimate(mean, se, n, r)
