"""Quorum over the people of a role: a works council of three of whom any two sign."""

from __future__ import annotations

from typing import Any

import pytest

import hiresim as hs
from hiresim import causes
from hiresim.scenario import ScenarioError

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


def council(quorum: int | None, **step: Any) -> dict[str, Any]:
    """An offer signed by a works council of three (3 h of work each), asked all at once."""
    data = base(
        roles={"recruiter": {"count": 1}, "hiring_manager": {"count": 1},
               "interviewer": {"count": 1}, "council": {"count": 3}},
        approvals={"steps": [{"roles": ["council"], "per_role": 3, "quorum": quorum,
                              "work": const(3.0), **step}]},
        offers={"accept_probability": 1.0},
        calendars=ALWAYS_OPEN,
    )
    data["rounds"][0]["decision"] = {"offer": 1.0, "reject": 0.0}
    return data


@pytest.mark.parametrize(("quorum", "absence"), [(2, 0.0), (None, 102 * H), (3, 102 * H)])
def test_two_of_three_do_not_wait_for_the_absent_member(quorum, absence):
    """The step starts at hour 98 (after the 2 h scorecard); council-1 is away until hour 200.
    Two of three: council-2 and council-3 sign at 101 h; all three: the offer waits for
    council-1 (102 h of absence), whose 3 h run alongside."""
    rep = replication(council(quorum))
    overlay(rep, "council-1", FRIDAY, 200.0, causes.ABSENCE)
    row = journey(run(rep))
    assert row["outcome"] == "offer"
    check_only(row, absence=absence, work=5 * H)


def test_two_of_three_wait_for_the_first_of_two_absent_members():
    """council-1 away until 200 h and council-2 until 150 h: the second signature is
    council-2's at 153 h, so 52 h of absence."""
    rep = replication(council(2))
    overlay(rep, "council-1", FRIDAY, 200.0, causes.ABSENCE)
    overlay(rep, "council-2", FRIDAY, 150.0, causes.ABSENCE)
    check_only(journey(run(rep)), absence=52 * H, work=5 * H)


def test_every_member_asked_appears_in_the_event_log():
    tables = run(replication(council(2)))
    e = tables["events"]
    signed = e[e["stage"] == "approval"]
    assert sorted(signed["org:resource"]) == ["council-1", "council-2", "council-3"]


def test_members_are_taken_in_turn_from_the_requisitions_own():
    """Two requisitions, a council of 3, two asked: the first asks members 1 and 2, the second
    (whose own approver is member 2) members 2 and 3."""
    from hiresim.mechanisms.approvals import signers

    data = council(None, per_role=2)
    data["requisitions"] = {"initial": 2}
    rep = replication(data)
    step = rep.scenario.approvals.steps[0]
    asked = [[p.id for p in signers(rep.world, req, step)] for req in rep.world.requisitions]
    assert asked == [["council-1", "council-2"], ["council-2", "council-3"]]


@pytest.mark.parametrize(("change", "path", "message"), [
    ({"per_role": 4}, "approvals.steps.0.per_role", "4 people of role 'council'"),
    ({"quorum": 4}, "approvals.steps.0", "quorum 4 exceeds the 3 people asked"),
    ({"committee": {"weekdays": ["Tue"]}}, "approvals.steps.0", "a committee decides"),
])
def test_bad_people_quorum_names_the_field(change, path, message):
    data = council(2)
    data["approvals"]["steps"][0].update(change)
    with pytest.raises(ScenarioError, match=rf"{path}: .*{message}"):
        hs.load_scenario(data)
