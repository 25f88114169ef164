"""Analysis of simulated journeys: time-to-feedback distributions, causes, promises, what-ifs.

Every function takes a :class:`hiresim.Results` (or several) and returns a tidy
:class:`pandas.DataFrame`. Censoring is handled throughout: a wait that ended with the candidate
withdrawing, being ghosted, or still open at the horizon tells us only that feedback had not
arrived by then.

=================================  ==============================================================
:func:`headline`                   the one average wait hiresim quotes, with its definition
:func:`survival`                   Kaplan-Meier curve with Greenwood bands, by group
:func:`quantiles`                  KM quantiles and restricted mean, bootstrap CIs by replication
:func:`restricted_mean`            area under the KM curve up to ``tau``
:func:`attribution`                mean/median days per cause and their shares, by group
:func:`cause_intervals`            long table of waiting time per activity and cause
:func:`promise`                    days within which a share of candidates hears back
:func:`still_waiting`              the curve promises read: withdrawn and ghosted never hear
:func:`p_heard_by`                 probability of hearing back within some days
:func:`end_of_week_promise`        probability that "by the end of the week" is kept
:func:`candidate_loss`             withdrawals, how they grow with the wait, declined offers
:func:`compare`                    side-by-side statistics with paired bootstrap differences
:func:`ablate`                     causal effect of each delay source (switch it off, same seed)
:func:`what_if`                    your own changes (``"roles.recruiter.count=3"``), paired likewise
:func:`effects`                    Shapley values: the days of the average wait each source causes
:func:`days_to_answer`             application to the final answer, as Glassdoor measures it
:func:`first_interview_to_offer`   first interview to the offer, as NACE measures it
=================================  ==============================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hiresim.analysis.attribution import attribution, cause_intervals
from hiresim.analysis.curves import quantiles, restricted_mean, survival
from hiresim.analysis.headline import Headline, headline, headline_tau
from hiresim.analysis.promises import (
    CandidateLoss,
    candidate_loss,
    end_of_week_deadline,
    end_of_week_promise,
    p_heard_by,
    promise,
    still_waiting,
)
from hiresim.analysis.published import Estimate, days_to_answer, first_interview_to_offer
from hiresim.analysis.waits import business_days_between, stage_waits

if TYPE_CHECKING:  # at run time these come from __getattr__ below, on first use
    from hiresim.analysis.shapley import effect_sources, effects
    from hiresim.analysis.whatif import (
        ablate,
        compare,
        parse_what_if,
        what_if,
        what_if_scenario,
    )

__all__ = [
    "CandidateLoss",
    "Estimate",
    "Headline",
    "ablate",
    "attribution",
    "business_days_between",
    "candidate_loss",
    "cause_intervals",
    "compare",
    "days_to_answer",
    "effect_sources",
    "effects",
    "end_of_week_deadline",
    "end_of_week_promise",
    "first_interview_to_offer",
    "headline",
    "headline_tau",
    "p_heard_by",
    "parse_what_if",
    "promise",
    "quantiles",
    "restricted_mean",
    "stage_waits",
    "still_waiting",
    "survival",
    "what_if",
    "what_if_scenario",
]

#: The what-ifs run simulations, so they sit above the runner (and above the results, whose
#: ``summary`` uses the measures of this package): they are loaded on first use, and importing
#: a measure (``hiresim.analysis.curves``) never imports the runner.
_WHAT_IFS = frozenset({"ablate", "compare", "parse_what_if", "what_if", "what_if_scenario"})
#: The Shapley values run simulations too (:mod:`hiresim.analysis.shapley`).
_EFFECTS = frozenset({"effect_sources", "effects"})


def __getattr__(name: str) -> object:
    if name in _WHAT_IFS:
        from hiresim.analysis import whatif

        value = getattr(whatif, name)
        globals()[name] = value
        return value
    if name in _EFFECTS:
        from hiresim.analysis import shapley as module

        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'hiresim.analysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHAT_IFS, *_EFFECTS])
