"""``priority``: top-priority projects preempt work, which resumes or restarts; a project may
take only the first share of each working day."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

import hiresim as hs
from hiresim import causes
from hiresim.mechanisms.priority import part_time, restart_after_priority
from hiresim.scenario import calendar_from_spec

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
# Preemption: resume or restart


def priority(on_return: str) -> dict[str, Any]:
    # The block must exist for on_return to apply; its random projects hit the recruiter only,
    # who has no work in this scenario (and are removed by `replication` anyway).
    return base(
        calendars=ALWAYS_OPEN,
        scorecards={"work": const(4.0)},
        priority={"roles": ["recruiter"], "on_return": on_return},
    )


def test_on_return_sets_the_worlds_restart_rule():
    assert replication(priority("resume")).world.restart is None
    assert replication(priority("restart")).world.restart is restart_after_priority


def test_priority_preempted_task_resumes_with_remaining_work():
    """4 h of work from 00:00; a project takes the person 01:00-06:00; 3 h remain: done 09:00."""
    rep = replication(priority("resume"))
    overlay(rep, "interviewer-1", FRIDAY + 1, FRIDAY + 6, causes.PRIORITY)
    tables = run(rep)
    check_only(journey(tables), priority=5 * H, work=4 * H)
    card = tables["events"].query("`concept:name` == 'scorecard'").iloc[0]
    assert card["suspended_days"] == pytest.approx(5 * H)
    assert card["time:timestamp"] == pd.Timestamp("2026-01-09 09:00")


def test_priority_preempted_task_restarts():
    """The hour done before the project is lost: 4 h again from 06:00, done 10:00."""
    rep = replication(priority("restart"))
    overlay(rep, "interviewer-1", FRIDAY + 1, FRIDAY + 6, causes.PRIORITY)
    tables = run(rep)
    check_only(journey(tables), priority=5 * H, work=5 * H)
    card = tables["events"].query("`concept:name` == 'scorecard'").iloc[0]
    assert card["time:timestamp"] == pd.Timestamp("2026-01-09 10:00")


# ---------------------------------------------------------------------------------------------
# Part-time projects


def test_part_time_project_takes_the_first_share_of_each_working_day():
    calendar = hs.load_scenario(base()).calendars["office"]
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
