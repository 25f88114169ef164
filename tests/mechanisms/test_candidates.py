"""``candidates``: follow-ups after silence, withdrawal when patience ends, declined offers;
and the default patience reproduces the survey figures on losing interest without an update.

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
from typing import Any

import numpy as np
import pandas as pd
import pytest

import hiresim as hs
from hiresim import causes
from hiresim.mechanisms.candidates import Candidates
from hiresim.model import Replication
from hiresim.scenario import PatienceSpec

from .helpers import (
    ALWAYS_OPEN,
    FRIDAY,
    H,
    base,
    check_only,
    const,
    journey,
    overlay,
    replication,
    run,
)

# ---------------------------------------------------------------------------------------------
# Follow-ups, withdrawal, declined offers


def waiting(behaviour: dict[str, Any], days: float = 20.0) -> dict[str, pd.DataFrame]:
    """The interviewer is away ``days`` days from the interview; the candidate behaves so
    (``behaviour``: the ``follow_up`` and ``patience`` of the ``candidates`` block)."""
    data = base(calendars=ALWAYS_OPEN)
    data["candidates"].update(copy.deepcopy(behaviour))
    rep = replication(data)
    overlay(rep, "interviewer-1", FRIDAY, FRIDAY + days * 24, causes.ABSENCE)
    return run(rep)


def test_candidates_that_neither_follow_up_nor_withdraw_install_nothing():
    assert replication(base()).pipeline.behaviour is None
    data = base()
    data["candidates"]["patience"] = {}
    assert isinstance(replication(data).pipeline.behaviour, Candidates)


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_follow_ups_are_recorded_and_do_not_end_the_wait(p):
    follow = {"first_after_days": 7, "every_days": 7, "answer_probability": {"direct": p}}
    tables = waiting({"follow_up": follow, "patience": None})
    check_only(journey(tables), absence=20.0, work=2 * H)
    ups = tables["events"].query("stage == 'follow-up'")
    label = "follow-up answered" if p else "follow-up unanswered"
    assert list(ups["concept:name"]) == [label, label]  # days 7 and 14
    stamps = (ups["time:timestamp"] - pd.Timestamp("2026-01-09")) / pd.Timedelta(days=1)
    assert list(stamps) == [7.0, 14.0]


def test_withdrawal_when_patience_runs_out():
    patience = {"days": const(3.0, "calendar_days"), "never_withdraw": 0.0}
    tables = waiting({"follow_up": None, "patience": patience})
    row = journey(tables)
    assert row["outcome"] == "withdrawn" and bool(row["censored"])
    assert pd.isna(row["feedback_at"])
    check_only(row, absence=3.0)
    assert tables["candidates"]["final_outcome"].iloc[0] == "withdrawn"


@pytest.mark.parametrize(("p", "outcome"), [(1.0, "reject"), (0.0, "withdrawn")])
def test_answered_follow_ups_renew_patience(p, outcome):
    """Patience 10 days from the last news; follow-ups on days 7 and 14. Answered, they push
    withdrawal to day 24, after the feedback on day 20; unanswered, the candidate leaves on
    day 10."""
    behaviour = {
        "follow_up": {"first_after_days": 7, "every_days": 7, "answer_probability": {"direct": p}},
        "patience": {"days": const(10.0, "calendar_days"), "never_withdraw": 0.0},
    }
    row = journey(waiting(behaviour))
    assert row["outcome"] == outcome
    assert row["days_to_feedback"] == pytest.approx(20 + 2 * H if p else 10.0)


@pytest.mark.parametrize(("accept", "final"), [(0.0, "declined"), (1.0, "hired")])
def test_offer_declined_or_accepted(accept, final):
    data = base(calendars=ALWAYS_OPEN, offers={"accept_probability": accept})
    data["rounds"][0]["decision"] = {"offer": 1.0, "reject": 0.0}
    tables = run(replication(data))
    assert journey(tables)["outcome"] == "offer"
    cand = tables["candidates"].iloc[0]
    assert cand["final_outcome"] == final
    assert bool(cand["offer_declined"]) is (final == "declined")


# ---------------------------------------------------------------------------------------------
# The default patience against the survey

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
    from conftest import MINIMAL

    spec = PatienceSpec()
    assert spec.days.median == 9.1 and spec.days.p90 == 16.6
    assert spec.never_withdraw == 0.2
    # an empty [candidates.patience] table is the default patience
    data = copy.deepcopy(MINIMAL)
    data["candidates"]["patience"] = {}
    assert hs.load_scenario(data).candidates.patience == spec


def test_default_preset_patience_is_taking_another_job():
    """The default preset's withdrawal is accepting another job (docs/explanation/presets.md):
    an exponential hazard, mean 60 days, for the half who never withdraw otherwise."""
    patience = hs.preset("default").candidates.patience
    assert patience is not None
    assert patience.days.dist == "exponential" and patience.days.mean() == 60.0
    assert patience.days.unit == "calendar_days"
    assert patience.never_withdraw == 0.5


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
    data["candidates"].update(follow_up={}, patience={})  # the defaults of both
    rep = Replication(hs.load_scenario(data), seed=2026, replication=0)
    behaviour = rep.pipeline.behaviour
    assert behaviour is not None
    draws = behaviour.draws(N_DRAWS)
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

    data = copy.deepcopy(MINIMAL)
    data.update(
        horizon_days=14,
        drain_days=30,
        calendars={"office": {"always_open": True}},
    )
    data["candidates"] = {
        "arrivals": "regular",
        "rate_per_week": 48 * 7,
        "max_per_requisition": None,
        "follow_up": None,
        "patience": {},
    }
    rep = Replication(hs.load_scenario(data), seed=7, replication=0)
    for person in rep.people["interviewer"]:
        person.timeline = person.calendar.overlay([0.0], [rep.world.end + 1.0], causes.ABSENCE)
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
