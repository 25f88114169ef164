"""``absence``: leave laid over a person's calendar, the continuity policy, and the vacation
draws (the shared start-day table draws exactly what ``Generator.choice`` draws)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from hiresim import causes
from hiresim.durations import parse_duration
from hiresim.mechanisms.absence import vacation_blocks, vacation_day_cdf
from hiresim.mechanisms.continuity import Delegation
from hiresim.workhours import WorkingCalendar

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
# Leave: exact delay, exact cause


def test_absence_five_working_days_delays_by_exactly_that():
    """The only interviewer is on leave Friday to Thursday (5 working days): the scorecard is
    written the next Friday, 7 calendar days later, all of them charged to absence."""
    rep = replication(base())
    overlay(rep, "interviewer-1", FRIDAY, FRIDAY + 7 * 24, causes.ABSENCE)
    row = journey(run(rep))
    assert row["days_to_feedback"] == pytest.approx(7 + 11 * H)
    check_only(row, absence=7.0, off_hours=9 * H, work=2 * H)


def test_absence_always_open_calendar_exact():
    rep = replication(base(calendars=ALWAYS_OPEN))
    overlay(rep, "interviewer-1", FRIDAY, FRIDAY + 5 * 24, causes.ABSENCE)
    row = journey(run(rep))
    check_only(row, absence=5.0, work=2 * H)


def test_absence_of_meeting_attendee_is_charged_to_absence():
    """A debrief waits for an attendee on leave: the wait is absence, not scheduling."""
    data = base(calendars=ALWAYS_OPEN, debrief={"minutes": 60}, scorecards={"work": 0})
    data["scheduling"] = {"enabled": True, "notice_hours": 0, "candidate_load": 0.0}
    rep = replication(data)
    overlay(rep, "hiring_manager-1", FRIDAY, FRIDAY + 3 * 24, causes.ABSENCE)
    row = journey(run(rep))
    check_only(row, absence=3.0, work=1 * H)


# ---------------------------------------------------------------------------------------------
# The continuity policy


def continuity(policy: str, **rule: Any) -> dict[str, Any]:
    """The hiring manager's 2 h decision is the only work; two managers; the requisition's
    manager (hiring_manager-1) is on leave for 5 working days from Friday 00:00."""
    data = base(
        roles={
            "recruiter": {"count": 1},
            "hiring_manager": {"count": 2},
            "interviewer": {"count": 1},
        },
        scorecards={"work": 0},
        decision={"work": const(2.0)},
        # the block must exist for a continuity policy to apply; it draws no leave here
        absence={"vacation_days_per_year": 0, "sick_spells_per_year": 0},
        continuity={"default": {"policy": policy, "handover": const(1.0), **rule}},
    )
    return data


def run_continuity(data: dict[str, Any]) -> dict[str, pd.DataFrame]:
    rep = replication(data)
    overlay(rep, "hiring_manager-1", FRIDAY, FRIDAY + 7 * 24, causes.ABSENCE)
    return run(rep)


def test_continuity_wait_installs_no_delegation():
    """``wait`` for every role: no hook on the world, work waits for its owner."""
    assert replication(continuity("wait")).world.delegation is None
    assert isinstance(replication(continuity("delegate")).world.delegation, Delegation)


def test_continuity_wait_waits_for_the_person():
    tables = run_continuity(continuity("wait"))
    check_only(journey(tables), absence=7.0, off_hours=9 * H, work=2 * H)
    assert (tables["events"]["org:resource"] == "hiring_manager-1").any()


def test_continuity_delegate_hands_over_at_once():
    """A colleague takes the decision at once and pays the 1 h hand-over: Friday 09:00-12:00."""
    tables = run_continuity(continuity("delegate"))
    check_only(journey(tables), off_hours=9 * H, work=3 * H)
    decision = tables["events"].query("`concept:name` == 'decision'").iloc[0]
    assert decision["org:resource"] == "hiring_manager-2"


def test_continuity_delegate_after_threshold():
    """Wait 2 working days (Friday 09-17, Monday 09-17: until Monday 17:00), then the colleague
    starts Tuesday 09:00 and works 2 h + 1 h hand-over. Friday 00:00-09:00 leads the wait (off
    hours, with or without the absence); the absence takes Friday 09:00 to Monday 17:00 (80 h)
    and the night after it (16 h, docs/explanation/attribution.md): the 97 h it adds to the
    wait, less the hour of hand-over work."""
    tables = run_continuity(continuity("delegate_after", after_days=2))
    check_only(journey(tables), absence=(80 + 16) * H, off_hours=9 * H, work=3 * H)
    decision = tables["events"].query("`concept:name` == 'decision'").iloc[0]
    assert decision["org:resource"] == "hiring_manager-2"


def test_continuity_delegate_after_short_absence_waits():
    """An absence that ends before the threshold is waited out by the person themselves."""
    tables = run_continuity(continuity("delegate_after", after_days=10))
    check_only(journey(tables), absence=7.0, off_hours=9 * H, work=2 * H)


# ---------------------------------------------------------------------------------------------
# Vacation draws: the shared start-day table is a shortcut for Generator.choice

EPOCH = dt.date(2026, 1, 5)


def month_of_day(days: int) -> np.ndarray:
    dates = np.datetime64(EPOCH, "D") + np.arange(days + 1)
    return (dates.astype("datetime64[M]").astype(int) % 12).astype(int)


@pytest.mark.parametrize("seasonality", [
    [0.6, 0.6, 0.8, 0.9, 0.9, 1.3, 1.9, 1.9, 0.8, 0.8, 0.9, 1.6],
    [1.0] * 12,
    [0.0, 3.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
])
@pytest.mark.parametrize("unit", ["working_days", "calendar_days"])
def test_vacation_days_from_the_shared_table_are_the_choice_draws(seasonality: list[float],
                                                                   unit: str) -> None:
    days = 240
    span = days * 24.0
    calendar = WorkingCalendar().timeline(EPOCH, days + 30)
    months = month_of_day(days)
    block = parse_duration({"dist": "uniform", "low": 1.0, "high": 8.0, "unit": unit})
    cdf = vacation_day_cdf(seasonality, months, span)
    assert cdf is not None
    for seed in range(40):
        plain = np.random.default_rng(seed)
        shared = np.random.default_rng(seed)
        want = vacation_blocks(plain, 25.0, block, seasonality, months, calendar, 8.0, span)
        got = vacation_blocks(shared, 25.0, block, seasonality, months, calendar, 8.0, span,
                              cdf)
        assert got == want
        assert shared.random() == plain.random()  # the same numbers consumed


def test_no_vacation_table_when_the_span_has_no_weight() -> None:
    only_december = [0.0] * 11 + [1.0]
    assert vacation_day_cdf(only_december, month_of_day(60), 60 * 24.0) is None
    assert vacation_day_cdf([1.0] * 12, month_of_day(60), 12.0) is None  # no whole day
