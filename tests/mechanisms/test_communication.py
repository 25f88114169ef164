"""``communication``: hand-off to HR, legal review, held rejections and ghosting."""

from __future__ import annotations

import pandas as pd
import pytest

from .helpers import ALWAYS_OPEN, H, base, check_only, const, journey, replication, run


def test_hr_gated_handoff_is_communication():
    """The decision reaches the recruiter after 4 working hours (11:00-15:00, communication);
    the recruiter writes for 1 h (work)."""
    data = base(communication={"policy": "hr_gated", "handoff": const(4.0), "message": const(1.0)})
    tables = run(replication(data))
    check_only(journey(tables), off_hours=9 * H, communication=4 * H, work=3 * H)
    tell = tables["events"].query("`concept:name` == 'tell candidate'").iloc[0]
    assert tell["org:resource"] == "recruiter-1"


def test_direct_policy_manager_tells_without_handoff():
    data = base(communication={"policy": "direct", "handoff": const(4.0), "message": const(1.0)})
    tables = run(replication(data))
    check_only(journey(tables), off_hours=9 * H, work=3 * H)
    tell = tables["events"].query("`concept:name` == 'tell candidate'").iloc[0]
    assert tell["org:resource"] == "hiring_manager-1"


def test_nothing_to_tell_is_silent():
    """No message, hand-off, review, hold or ghosting: the step is skipped (no draw)."""
    assert replication(base()).pipeline.telling.silent
    data = base(communication={"policy": "direct", "message": const(1.0)})
    assert not replication(data).pipeline.telling.silent


@pytest.mark.parametrize(("applies_to", "extra"), [(["reject"], 2.0), (["offer"], 0.0)])
def test_legal_review_adds_its_task(applies_to, extra):
    """Legal reads rejections for 2 h (a task: its time is the lawyer's work, and its event is
    in the communication stage); a review that applies to offers only leaves rejections alone."""
    roles = {
        "recruiter": {"count": 1},
        "hiring_manager": {"count": 1},
        "interviewer": {"count": 1},
        "legal": {"count": 1},
    }
    data = base(
        calendars=ALWAYS_OPEN,
        roles=roles,
        communication={
            "policy": "direct",
            "message": 0,
            "legal_review": {"role": "legal", "work": const(2.0), "applies_to": applies_to},
        },
    )
    tables = run(replication(data))
    check_only(journey(tables), work=(2 + extra) * H)
    reviews = tables["events"].query("`concept:name` == 'legal review'")
    assert len(reviews) == (1 if extra else 0)
    if extra:
        assert reviews["stage"].iloc[0] == "communication"
        assert reviews["org:resource"].iloc[0] == "legal-1"


def test_held_rejection_waits_until_filled():
    """A final-round rejection ready at hour 98 is held until the job closes at hour 150."""
    data = base(
        calendars=ALWAYS_OPEN,
        communication={"policy": "direct", "message": 0, "hold_rejections_until_filled": True},
    )
    rep = replication(data)
    env = rep.world.env

    def fill():
        yield env.timeout(150.0)
        rep.pipeline.close_requisition(rep.world.requisitions[0])

    env.process(fill())
    tables = run(rep)
    check_only(journey(tables), communication=52 * H, work=2 * H)
    held = tables["events"].query("`concept:name` == 'rejection held until filled'").iloc[0]
    assert held["wt_communication"] == pytest.approx(52 * H)


def test_ghosted_rejection_is_censored():
    data = base(
        calendars=ALWAYS_OPEN,
        communication={"policy": "direct", "message": 0, "ghost_probability": 1.0},
    )
    tables = run(replication(data))
    row = journey(tables)
    assert row["outcome"] == "ghosted"
    assert bool(row["censored"])
    assert pd.isna(row["feedback_at"])
    check_only(row, work=2 * H)  # censored when the company decided never to write
    cand = tables["candidates"].iloc[0]
    assert cand["final_outcome"] == "ghosted" and bool(cand["censored"])
