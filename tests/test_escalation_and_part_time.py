"""Approval escalation after a timeout, and top-priority projects that take part of a day."""

from __future__ import annotations

import pytest
from test_mechanisms import (
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

import hiresim as hs
from hiresim import causes
from hiresim.people import part_time


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


def test_part_time_project_takes_the_first_share_of_each_working_day():
    calendar = hs.load_scenario(base()).calendars["office"]
    from hiresim.scenario import calendar_from_spec

    timeline = calendar_from_spec(calendar).timeline(hs.load_scenario(base()).start, 14)
    # Monday 00:00 to Wednesday 00:00: two working days of 9-17; half of each is 9-13.
    starts, ends = part_time(timeline, [0.0], [48.0], 0.5)
    assert starts == [9.0, 33.0]
    assert ends == [13.0, 37.0]
    assert part_time(timeline, [0.0], [48.0], 1.0) == ([0.0], [48.0])


def test_half_time_project_delays_a_task_to_the_afternoon():
    """The interviewer spends mornings on a project all week: a 2 h scorecard due Friday
    00:00 is written 13:00-15:00 (9-13 charged to priority, the night to off hours)."""
    rep = replication(base())
    person = next(p for p in rep.people["interviewer"])
    starts, ends = part_time(person.calendar, [FRIDAY], [FRIDAY + 24 * 7], 0.5)
    person.timeline = person.calendar.overlay(starts, ends, causes.PRIORITY)
    row = journey(run(rep))
    check_only(row, off_hours=9 * H, priority=4 * H, work=2 * H)
