"""Pools for any role: a recruiter team, an approver pool, a legal pool (first free takes it)."""

from __future__ import annotations

import math
from typing import Any

import pytest

import hiresim as hs
from hiresim.causes import DELAY_COLUMNS
from tests.mechanisms.helpers import ALWAYS_OPEN, H, base, check_only, const, replication, run
from tests.test_model import erlang_c_wq

# ---------------------------------------------------------------------------------------------
# Deterministic: two candidates 2 h apart, 4 h of work each for one role of two people


def _two_candidates(role: str, assignment: str) -> dict[str, Any]:
    """One requisition, candidates at hours 2 and 4 (regular arrivals), no scorecard; the
    only work is 4 h for ``role``: the recruiter's message (hr_gated), a finance sign-off of
    the offer, or legal's review of the rejection."""
    roles = {"recruiter": {"count": 1}, "hiring_manager": {"count": 1},
             "interviewer": {"count": 1}, role: {"count": 2, "assignment": assignment}}
    data = base(roles=roles, calendars=ALWAYS_OPEN, scorecards={"work": 0})
    data["candidates"] = {"arrivals": "regular", "rate_per_week": 84.0,
                          "max_per_requisition": 2}
    if role == "recruiter":
        data["communication"] = {"policy": "hr_gated", "message": const(4.0)}
    elif role == "finance":
        data["approvals"] = {"steps": [{"roles": ["finance"], "work": const(4.0)}]}
        data["rounds"][0]["decision"] = {"offer": 1.0, "reject": 0.0}
        data["requisitions"] = {"positions": 2}
        data["offers"] = {"accept_probability": 1.0}
    else:
        data["communication"] = {"policy": "direct", "message": 0,
                                 "legal_review": {"role": "legal", "work": const(4.0)}}
    return data


ROLES = ["recruiter", "finance", "legal"]


@pytest.mark.parametrize("role", ROLES)
def test_case_assignment_queues_the_second_candidate(role):
    """The requisition's own person does both: the second waits 2 h (contention)."""
    tables = run(replication(_two_candidates(role, "case")))
    j = tables["journeys"].sort_values("interview_end")
    check_only(j.iloc[0], work=4 * H)
    check_only(j.iloc[1], contention=2 * H, work=4 * H)
    e = tables["events"]
    assert set(e.loc[e["org:role"] == role, "org:resource"]) == {f"{role}-1"}


@pytest.mark.parametrize("role", ROLES)
def test_a_pool_gives_the_second_candidate_the_free_colleague(role):
    tables = run(replication(_two_candidates(role, "pool")))
    j = tables["journeys"].sort_values("interview_end")
    for k in range(2):
        check_only(j.iloc[k], work=4 * H)
    e = tables["events"]
    assert set(e.loc[e["org:role"] == role, "org:resource"]) == {f"{role}-1", f"{role}-2"}


def test_a_pool_of_recruiters_still_organizes_interviews_as_the_requisitions_own():
    """Meetings need a particular person: the interview's organizer is the requisition's own
    recruiter (recruiter-1) even when the recruiters are a pool."""
    data = _two_candidates("recruiter", "pool")
    data["scheduling"] = {"enabled": True, "notice_hours": 0.0, "candidate_load": 0.0}
    data["rounds"][0]["interview_minutes"] = 60
    e = run(replication(data))["events"]
    assert set(e.loc[e["stage"] == "interview", "org:resource"]) == {"recruiter-1"}


def test_any_role_may_be_a_pool(minimal):
    for role in ("recruiter", "hiring_manager"):
        minimal["roles"][role]["assignment"] = "pool"
    sc = hs.load_scenario(minimal)
    assert {r for r, spec in sc.roles.items() if spec.assignment == "pool"} >= {
        "recruiter", "hiring_manager"}


# ---------------------------------------------------------------------------------------------
# Theory: a recruiter pool writing every message is an M/M/c queue (Erlang C)

LAM, C, MU = 1.0, 2, 0.7  # per hour: rho = 0.71
WARMUP_DAYS, DAYS, REPLICATIONS = 60, 800, 8
Z = 3.0


@pytest.mark.slow
def test_recruiter_pool_mean_contention_matches_erlang_c():
    """Always-open calendars, no meetings, no scorecard or decision work: each candidate's
    wait is the recruiter team's queue for the rejection message (exponential work) and the
    message itself. The mean contention after the warm-up is Erlang C's Wq within 3 SE (the
    replication is the independent unit)."""
    scenario = hs.preset("mmc").with_overrides({
        "roles.recruiter": {"count": C, "calendar": "always", "assignment": "pool"},
        "candidates.rate_per_week": LAM * 168.0,
        "scorecards.work": 0,
        "communication": {"policy": "hr_gated",
                          "message": {"dist": "exponential", "mean": 1.0 / MU, "unit": "hours"}},
        "horizon_days": DAYS, "drain_days": 30, "warmup_days": WARMUP_DAYS})
    j = hs.simulate(scenario, replications=REPLICATIONS, seed=99, event_log=False).journeys
    others = [c for c in DELAY_COLUMNS if c not in ("delay_contention", "delay_work")]
    assert (j[others] == 0).all().all()
    per_rep = j.groupby("replication")["delay_contention"].mean() * 24.0
    mean, se = per_rep.mean(), per_rep.std(ddof=1) / math.sqrt(len(per_rep))
    wq = erlang_c_wq(LAM, C, MU)
    assert Z * se < 0.1 * wq, f"run too short: {Z} SE = {Z * se:.3f} h, Wq {wq:.3f} h"
    assert abs(mean - wq) <= Z * se, f"simulated Wq {mean:.3f} h, Erlang C {wq:.3f} h, SE {se:.3f}"
