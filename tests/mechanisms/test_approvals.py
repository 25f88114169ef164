"""``approvals``: an offer's sign-offs — quorum, send-back, committees, escalation."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

import hiresim as hs
from hiresim import causes
from hiresim.mechanisms.approvals import Approvals

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
# Quorum, send-back, committees


def offer(steps: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    roles = {
        "recruiter": {"count": 1},
        "hiring_manager": {"count": 1},
        "interviewer": {"count": 1},
        "finance": {"count": 1},
        "vp": {"count": 1},
    }
    data = base(
        roles=roles,
        approvals={"steps": steps, "revision": const(4.0)},
        offers={"accept_probability": 1.0},
        **changes,
    )
    data["rounds"][0]["decision"] = {"offer": 1.0, "reject": 0.0}
    return data


@pytest.mark.parametrize(("quorum", "absence"), [(1, 0.0), (None, 102 * H)])
def test_quorum_one_of_two_does_not_wait_for_the_absent_approver(quorum, absence):
    """Finance and the VP sign in parallel (3 h each); the VP is away until hour 200. With a
    1-of-2 quorum finance's signature suffices; with both required the offer waits."""
    step = {"roles": ["finance", "vp"], "quorum": quorum, "work": const(3.0)}
    rep = replication(offer([step], calendars=ALWAYS_OPEN))
    overlay(rep, "vp-1", FRIDAY, 200.0, causes.ABSENCE)
    row = journey(run(rep))
    assert row["outcome"] == "offer"
    check_only(row, absence=absence, work=5 * H)


def test_send_back_adds_revision_and_a_second_pass():
    step = {"name": "finance", "roles": ["finance"], "work": const(3.0), "send_back": 0.5}
    rep = replication(offer([step], calendars=ALWAYS_OPEN))
    approvals = rep.mechanism("approvals")
    assert isinstance(approvals, Approvals)
    draws = iter([0.1, 0.9])  # sent back once, then signed
    approvals.send_back = lambda: next(draws)
    tables = run(rep)
    check_only(journey(tables), work=(2 + 3 + 4 + 3) * H)
    names = list(tables["events"]["concept:name"])
    assert names.count("finance") == 2
    assert names.count("revise after finance") == 1


def test_friday_committee_delays_monday_approval_to_friday():
    """Interview Monday 00:00, scorecard 09:00-11:00; the VP signs only at the Friday 10:00
    committee (1 h): Monday 11:00 to Friday 10:00 is batching."""
    step = {
        "name": "committee",
        "roles": ["vp"],
        "committee": {"weekdays": ["Fri"], "time": "10:00", "minutes": 60},
    }
    data = offer([step])
    data["candidates"]["rate_per_week"] = 1.0  # the candidate arrives Monday 2026-01-12
    tables = run(replication(data))
    row = journey(tables)
    assert row["interview_end"] == pd.Timestamp("2026-01-12 00:00")
    assert row["feedback_at"] == pd.Timestamp("2026-01-16 11:00")
    check_only(row, off_hours=9 * H, work=3 * H, batching=95 * H)


# ---------------------------------------------------------------------------------------------
# Escalation after a timeout


def _offer_with_escalation(**step_changes):
    step = {
        "name": "finance",
        "roles": ["finance"],
        "work": const(1.0),
        "escalate_after": 1.0,
        "escalate_to": "vp",
    }
    step.update(step_changes)
    return base(
        calendars=ALWAYS_OPEN,
        roles={
            "recruiter": {"count": 1},
            "hiring_manager": {"count": 1},
            "interviewer": {"count": 1},
            "finance": {"count": 1},
            "vp": {"count": 1},
        },
        rounds=[{"panel": 1, "interview_minutes": 0, "decision": {"offer": 1.0, "reject": 0.0}}],
        approvals={"steps": [step]},
    )


def test_escalated_step_is_signed_by_the_escalation_role_after_the_timeout():
    """Finance is away for 10 days; after 1 working day (24 h, always open) the VP is asked
    and signs in 1 h: the step ends 25 h after it began, 24 h of it charged to finance's
    absence, the last hour to the VP's work."""
    rep = replication(_offer_with_escalation())
    overlay(rep, "finance-1", FRIDAY, FRIDAY + 240, causes.ABSENCE)
    tables = run(rep)
    row = journey(tables)
    check_only(row, work=2 * H + 1 * H, absence=24 * H)
    names = set(tables["events"]["concept:name"])
    assert "finance (escalated)" in names


def test_step_signed_before_the_timeout_is_not_escalated():
    rep = replication(_offer_with_escalation())
    tables = run(rep)
    check_only(journey(tables), work=3 * H)
    assert not tables["events"]["concept:name"].str.contains("escalated").any()


def test_own_approver_who_returns_first_still_ends_the_step():
    """The VP is away longer than finance: finance returns after 30 h and signs first."""
    rep = replication(_offer_with_escalation())
    overlay(rep, "finance-1", FRIDAY + 2, FRIDAY + 32, causes.ABSENCE)
    overlay(rep, "vp-1", FRIDAY, FRIDAY + 240, causes.ABSENCE)
    row = journey(run(rep))
    check_only(row, work=3 * H, absence=30 * H)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"escalate_after": 1.0, "escalate_to": None}, "approvals.steps.0"),
        ({"escalate_after": -1.0, "escalate_to": "vp"}, "approvals.steps.0.escalate_after"),
        ({"escalate_after": 1.0, "escalate_to": "cfo"}, "approvals.steps.0.escalate_to"),
    ],
)
def test_invalid_escalation_names_the_field(change, field):
    data = _offer_with_escalation(**change)
    with pytest.raises(hs.ScenarioError) as info:
        hs.load_scenario(data)
    assert field in str(info.value)


@pytest.mark.parametrize(("committee", "sits"), [
    ({"weekdays": ["Sat"], "time": "10:00"}, False),   # the office is closed on Saturdays
    ({"weekdays": ["Fri"], "time": "18:00"}, False),   # after hours
    ({"weekdays": ["Fri"], "time": "12:30"}, False),   # over lunch
    ({"weekdays": ["Fri", "Sat"], "time": "10:00"}, True),
])
def test_a_committee_that_never_sits_is_refused(committee, sits):
    """Checked with the scenario, by the approvals' own cross-check, with every other
    problem (a wrong role elsewhere does not hide it)."""
    step = {"name": "board", "roles": ["vp"], "committee": committee}
    data = offer([step], calendars={"office": {"hours": ["09:00", "17:00"],
                                               "lunch": ["12:00", "13:00"]}})
    if sits:
        hs.load_scenario(data)
        return
    data["requisitions"] = {"recruiter_role": "recruter"}
    with pytest.raises(hs.ScenarioError) as err:
        hs.load_scenario(data)
    assert "approvals.steps.0.committee: the committee never sits" in str(err.value)
    assert "requisitions.recruiter_role: unknown role 'recruter'" in str(err.value)
