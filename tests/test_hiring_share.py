"""A share of each person's working time for hiring: work takes 1/share as long, the rest is
``contention`` (their other duties)."""

from __future__ import annotations

import math

import pytest

import hiresim as hs
from hiresim.scenario import ScenarioError
from tests.mechanisms.helpers import ALWAYS_OPEN, H, base, check_only, const, replication, run
from tests.test_model import erlang_c_wq

Z = 3.0


@pytest.mark.parametrize(("share", "contention"), [(1.0, 0.0), (0.5, 2.0), (0.25, 6.0)])
def test_work_takes_one_over_share_as_long_around_the_clock(share, contention):
    """A 2 h scorecard by an interviewer who gives hiring ``share`` of their time."""
    data = base(calendars=ALWAYS_OPEN)
    data["roles"]["interviewer"]["hiring_share"] = share
    row = run(replication(data))["journeys"].iloc[0]
    check_only(row, work=2 * H, contention=contention * H)
    assert row["days_to_feedback"] == pytest.approx(2 / share * H)


def test_other_duties_fill_the_working_day_not_the_night():
    """Office hours: the candidate is interviewed Friday 00:00; a 2 h scorecard at share 0.25
    takes the whole 8-hour Friday: 9 h of night, then 2 h of work and 6 h of other duties."""
    data = base()
    data["roles"]["interviewer"]["hiring_share"] = 0.25
    row = run(replication(data))["journeys"].iloc[0]
    check_only(row, off_hours=9 * H, work=2 * H, contention=6 * H)


def test_elapsed_durations_are_not_stretched():
    """A hand-off in elapsed hours runs on the wall clock, whatever the share."""
    data = base(calendars=ALWAYS_OPEN, scorecards={"work": 0})
    data["roles"]["recruiter"]["hiring_share"] = 0.5
    data["communication"] = {"policy": "hr_gated", "handoff": const(3.0, "hours"),
                             "message": const(1.0)}
    row = run(replication(data))["journeys"].iloc[0]
    check_only(row, communication=3 * H, work=1 * H, contention=1 * H)


def test_contention_off_gives_everyone_their_whole_time(minimal):
    minimal["roles"]["recruiter"]["hiring_share"] = 0.4
    off = hs.load_scenario(minimal).without("contention")
    assert all(role.hiring_share == 1.0 for role in off.roles.values())


@pytest.mark.parametrize("value", [0.0, -0.2, 1.5, "half"])
def test_a_bad_share_names_the_field(minimal, value):
    minimal["roles"]["recruiter"]["hiring_share"] = value
    with pytest.raises(ScenarioError, match=r"roles\.recruiter\.hiring_share"):
        hs.load_scenario(minimal)


def test_part_time_recruiter_pool_is_a_slower_queue():
    """Two recruiters who give hiring 70 % of their time serve at 0.7 mu: the queue is
    M/M/2 at that rate (working hours: the always-open calendar's every hour). Each
    message's 1/mu hours of work stay ``work``; the mean
    ``contention`` is Erlang C's Wq at rate 0.7 mu plus the other duties' (1 - 0.7) / (0.7 mu),
    within 3 SE."""
    lam, c, mu, share = 0.6, 2, 0.7, 0.7
    scenario = hs.preset("mmc").with_overrides({
        "roles.recruiter": {"count": c, "calendar": "always", "assignment": "pool",
                            "hiring_share": share},
        "candidates.rate_per_week": lam * 168.0,
        "scorecards.work": 0,
        "communication": {"policy": "hr_gated",
                          "message": {"dist": "exponential", "mean": 1.0 / mu,
                                      "unit": "working_hours"}},
        "horizon_days": 800, "drain_days": 30, "warmup_days": 60})
    j = hs.simulate(scenario, replications=8, seed=5, event_log=False).journeys
    per_rep = j.groupby("replication")[["delay_contention", "delay_work"]].mean() * 24.0
    n = len(per_rep)
    theory = erlang_c_wq(lam, c, mu * share) + (1.0 - share) / (mu * share)
    mean, se = per_rep["delay_contention"].mean(), per_rep["delay_contention"].std() / math.sqrt(n)
    assert Z * se < 0.1 * theory
    assert abs(mean - theory) <= Z * se, f"{mean:.3f} h vs {theory:.3f} h (SE {se:.3f})"
    work, se_w = per_rep["delay_work"].mean(), per_rep["delay_work"].std() / math.sqrt(n)
    assert abs(work - 1.0 / mu) <= Z * se_w

