"""The default patience reproduces the survey figures on losing interest without an update.

Candidates who hear nothing lose interest: 23 % +- 5 by 7 days, 62-69 % by 14 days, 77 % +- 5
by 21 days. The default :class:`~hiresim.scenario.PatienceSpec` (a lognormal with median 9.1 and
90th percentile 16.6 calendar days for those who would withdraw, 20 % who never do) must land in
these bands analytically, and the draws the model actually makes must match the analytic shares
within sampling error.
"""

from __future__ import annotations

import copy
import math
from statistics import NormalDist

import numpy as np
import pytest

import hiresim as hs
from hiresim.model import Replication
from hiresim.scenario import CandidateBehaviourSpec, PatienceSpec

#: (days, low, high): the survey's bands of the share withdrawn by then.
SURVEY = [(7, 0.18, 0.28), (14, 0.62, 0.69), (21, 0.72, 0.82)]
#: Draws of the empirical check, and its bound in standard errors.
N_DRAWS = 200_000
Z = 4.0


def withdrawn_by(spec: PatienceSpec, days: float) -> float:
    """P(patience <= days) from the spec: a lognormal through its median and p90, scaled by the
    share who would ever withdraw."""
    dist = spec.days
    assert dist.dist == "lognormal" and dist.unit == "calendar_days"
    sigma = math.log(dist.p90 / dist.median) / NormalDist().inv_cdf(0.9)
    z = math.log(days / dist.median) / sigma
    return (1.0 - spec.never_withdraw) * NormalDist().cdf(z)


def test_default_spec_values():
    spec = PatienceSpec()
    assert spec.days.median == 9.1 and spec.days.p90 == 16.6
    assert spec.never_withdraw == 0.2
    assert CandidateBehaviourSpec().patience == spec
    assert hs.preset("default").behaviour.patience == spec


@pytest.mark.parametrize(("days", "low", "high"), SURVEY)
def test_analytic_shares_in_survey_bands(days, low, high):
    assert low <= withdrawn_by(PatienceSpec(), days) <= high


def test_analytic_shares_known_values():
    shares = [withdrawn_by(PatienceSpec(), d) for d, _, _ in SURVEY]
    assert shares == pytest.approx([0.230, 0.657, 0.770], abs=5e-4)


@pytest.fixture(scope="module")
def sampled_patience_days() -> np.ndarray:
    """Patience as the model draws it (hours -> days; inf for those who never withdraw)."""
    from conftest import MINIMAL

    data = copy.deepcopy(MINIMAL)
    data["behaviour"] = {}  # the defaults: follow-ups and patience
    rep = Replication(hs.load_scenario(data), seed=2026, replication=0)
    draws = rep._behaviour_draws(N_DRAWS)
    return np.array([patience[0] for patience, _answers in draws]) / 24.0


def test_sampled_never_withdraw_share(sampled_patience_days):
    share = float(np.isinf(sampled_patience_days).mean())
    se = math.sqrt(0.2 * 0.8 / N_DRAWS)
    assert abs(share - 0.2) <= Z * se


@pytest.mark.parametrize(("days", "low", "high"), SURVEY)
def test_sampled_shares_match_analytic_and_survey(sampled_patience_days, days, low, high):
    p = withdrawn_by(PatienceSpec(), days)
    share = float((sampled_patience_days <= days).mean())
    se = math.sqrt(p * (1.0 - p) / N_DRAWS)
    assert abs(share - p) <= Z * se
    assert low <= share <= high


def test_end_to_end_candidates_who_never_hear_withdraw_per_survey():
    """Every interviewer is away for the whole run, so no candidate ever hears back; without
    follow-ups, the share withdrawn by 7, 14 and 21 days is the patience CDF."""
    from conftest import MINIMAL

    from hiresim import causes

    data = copy.deepcopy(MINIMAL)
    data.update(
        horizon_days=14,
        drain_days=30,
        calendars={"office": {"always_open": True}},
        behaviour={"follow_up": None},
    )
    data["candidates"] = {
        "arrivals": "regular",
        "rate_per_week": 48 * 7,
        "max_per_requisition": None,
    }
    rep = Replication(hs.load_scenario(data), seed=7, replication=0)
    for person in rep.people["interviewer"]:
        person.timeline = person.calendar.overlay([0.0], [rep.end + 1.0], causes.ABSENCE)
    j = rep.run()["journeys"]
    n = len(j)
    assert n > 600 and j["censored"].all()
    assert set(j["outcome"]) <= {"withdrawn", "open"}
    for days, _low, _high in SURVEY:
        p = withdrawn_by(PatienceSpec(), days)
        share = float(((j["outcome"] == "withdrawn") & (j["days_to_feedback"] <= days)).mean())
        assert abs(share - p) <= Z * math.sqrt(p * (1 - p) / n), days
        assert (
            j.loc[j["outcome"] == "withdrawn", "delay_absence"]
            == j.loc[j["outcome"] == "withdrawn", "days_to_feedback"]
        ).all()
