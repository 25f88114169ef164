"""``reorganization``: freezes charged to ``reorganization``, and open requisitions handed to
another recruiter who pays a hand-over."""

from __future__ import annotations

from hiresim import causes
from hiresim.mechanisms.reorganization import Reorganization

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


def test_reorganization_freeze_charged_to_reorganization():
    rep = replication(base(calendars=ALWAYS_OPEN))
    overlay(rep, "interviewer-1", FRIDAY - 5, FRIDAY + 30, causes.REORGANIZATION)
    check_only(journey(run(rep)), reorganization=30 * H, work=2 * H)


def test_overlapping_causes_go_to_the_higher_priority():
    """Leave Fri 00:00 - Sun 00:00 and a freeze Sat 00:00 - Mon 00:00: Friday is absence,
    the weekend reorganization (it comes first in the cause order)."""
    rep = replication(base(calendars=ALWAYS_OPEN))
    overlay(rep, "interviewer-1", FRIDAY, FRIDAY + 48, causes.ABSENCE)
    overlay(rep, "interviewer-1", FRIDAY + 24, FRIDAY + 72, causes.REORGANIZATION)
    check_only(journey(run(rep)), absence=1.0, reorganization=2.0, work=2 * H)


def test_reorganization_reassigns_recruiter_who_pays_handover():
    """At a reorganization (hour 90) the requisition moves to the other recruiter, whose first
    task for it (telling the candidate, 1 h) carries the 2 h hand-over."""
    data = base(
        calendars=ALWAYS_OPEN,
        roles={
            "recruiter": {"count": 2},
            "hiring_manager": {"count": 1},
            "interviewer": {"count": 1},
        },
        communication={"policy": "hr_gated", "handoff": 0, "message": const(1.0)},
        reorganization={
            "rate_per_year": 12.0,
            "roles": ["hiring_manager"],
            "reassign_recruiters": True,
            "handover": const(2.0),
        },
    )
    rep = replication(data)
    reorganization = rep.mechanism("reorganization")
    assert isinstance(reorganization, Reorganization)
    assert reorganization.onsets, "the seed must draw at least one onset to start the process"
    # the reassigning process reads the onsets when the run starts: move them to hour 90
    reorganization.onsets[:] = [90.0]
    tables = run(rep)
    check_only(journey(tables), work=5 * H)
    tell = tables["events"].query("`concept:name` == 'tell candidate'").iloc[0]
    assert tell["org:resource"] == "recruiter-2"
    assert rep.world.requisitions[0].recruiter.id == "recruiter-2"
