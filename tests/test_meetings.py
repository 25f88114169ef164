"""Meeting scheduling: the earliest common free slot; waits grow with attendees and load."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

import hiresim as hs
from hiresim.causes import DELAY_COLUMNS
from hiresim.meetings import busy_blocks

# ---------------------------------------------------------------------------------------------
# Deterministic: with no calendar load the slot is the next open one


def _meeting_scenario(minimal: dict, scorecard_hours: float) -> dict:
    """The candidate arrives Friday 2026-01-09 00:00; the interview (60 min) is booked at the
    next open slot, Friday 09:00; the scorecard takes ``scorecard_hours`` working hours; then
    the 30-minute debrief of the panel and the hiring manager is booked."""
    minimal["scheduling"] = {
        "enabled": True,
        "slot_minutes": 30,
        "notice_hours": 0.0,
        "candidate_load": 0.0,
    }
    minimal["rounds"][0]["interview_minutes"] = 60
    minimal["scorecards"] = {"work": scorecard_hours}
    minimal["debrief"] = {"minutes": 30}
    return minimal


@pytest.mark.parametrize(
    ("scorecard_hours", "debrief_at", "scheduling_h", "off_hours_h"),
    [
        (0.5, dt.datetime(2026, 1, 9, 10, 30), 0.0, 0.0),  # ends 10:30, on a slot boundary
        (0.25, dt.datetime(2026, 1, 9, 10, 30), 0.25, 0.0),  # ends 10:15: next slot 10:30
        (6.75, dt.datetime(2026, 1, 12, 9, 0), 0.25, 64.0),  # ends Fri 16:45: Monday 09:00
    ],
    ids=["on-boundary", "next-slot", "after-weekend"],
)
def test_no_load_gives_the_next_open_slot(
    minimal, scorecard_hours, debrief_at, scheduling_h, off_hours_h
):
    results = hs.simulate(_meeting_scenario(minimal, scorecard_hours), replications=1, seed=0)
    events = results.events.set_index("concept:name")
    assert events.loc["interview 1", "start_timestamp"] == pd.Timestamp(2026, 1, 9, 9, 0)
    assert events.loc["interview 1", "wt_off_hours"] * 24 == pytest.approx(9.0)
    debrief = events.loc["debrief"]
    assert debrief["start_timestamp"] == pd.Timestamp(debrief_at)
    assert debrief["time:timestamp"] == pd.Timestamp(debrief_at + dt.timedelta(minutes=30))
    assert debrief["wt_scheduling"] * 24 == pytest.approx(scheduling_h, abs=1e-9)
    assert debrief["wt_off_hours"] * 24 == pytest.approx(off_hours_h, abs=1e-9)
    (row,) = results.journeys.itertuples(index=False)
    assert row.feedback_at == pd.Timestamp(debrief_at + dt.timedelta(minutes=30))
    assert row.delay_scheduling * 24 == pytest.approx(scheduling_h, abs=1e-9)
    assert row.delay_off_hours * 24 == pytest.approx(off_hours_h, abs=1e-9)
    assert row.delay_work * 24 == pytest.approx(scorecard_hours + 0.5, abs=1e-9)
    assert sum(getattr(row, c) for c in DELAY_COLUMNS) == pytest.approx(row.days_to_feedback)


def test_scheduling_off_means_meetings_start_when_due(minimal):
    data = _meeting_scenario(minimal, 0.25)
    data["scheduling"]["enabled"] = False
    results = hs.simulate(data, replications=1, seed=0)
    e = results.events
    meetings = e[e["stage"].isin(["interview", "debrief"])]
    assert len(meetings) == 2
    assert (meetings["start_timestamp"] == meetings["enabled_timestamp"]).all()
    assert (results.journeys["delay_scheduling"] == 0).all()


# ---------------------------------------------------------------------------------------------
# Stochastic: the mean wait for a debrief slot grows with attendees and with calendar load

REPLICATIONS = 12
#: One-sided bound in standard errors of the difference of the two means.
Z = 3.0


def _debrief_scenario(panel: int, load: float) -> dict:
    """Always-open calendars (every wait for a slot is scheduling), debriefs right after the
    interview (no scorecard work), each attendee's calendar ``load`` booked."""
    role = {"count": 6, "calendar": "always", "calendar_load": load}
    return {
        "name": f"debrief-{panel}-{load}",
        "horizon_days": 60,
        "drain_days": 30,
        "calendars": {"always": {"always_open": True}},
        "roles": {
            "recruiter": dict(role, count=2),
            "hiring_manager": dict(role, count=3),
            "interviewer": role,
        },
        "requisitions": {"initial": 3, "positions": 50},
        "candidates": {"rate_per_week": 3.0},
        "rounds": [{"panel": panel, "interview_minutes": 60, "decision": {"reject": 1.0}}],
        "scorecards": {"work": 0},
        "debrief": {"minutes": 30},
        "communication": {"policy": "direct", "message": 0},
        "scheduling": {
            "enabled": True,
            "notice_hours": 0.0,
            "candidate_load": 0.0,
            "search_days": 60,
        },
    }


def _debrief_waits(panel: int, load: float) -> pd.Series:
    """Per-replication mean wait (hours) for the debrief slot."""
    res = hs.simulate(_debrief_scenario(panel, load), replications=REPLICATIONS, seed=77)
    e = res.events[res.events["concept:name"] == "debrief"]
    wait = (e["start_timestamp"] - e["enabled_timestamp"]) / pd.Timedelta(hours=1)
    # Always open: the whole wait is charged to scheduling.
    assert (e["wt_scheduling"] * 24 - wait).abs().max() < 1e-6
    per_rep = wait.groupby(e["replication"]).mean()
    assert len(per_rep) == REPLICATIONS
    return per_rep


def _grows(low: pd.Series, high: pd.Series) -> tuple[float, float]:
    diff = high.mean() - low.mean()
    se = math.sqrt(low.var(ddof=1) / len(low) + high.var(ddof=1) / len(high))
    return diff, se


@pytest.fixture(scope="module")
def waits() -> dict[tuple[int, float], pd.Series]:
    return {key: _debrief_waits(*key) for key in [(1, 0.2), (1, 0.5), (4, 0.5), (4, 0.2)]}


@pytest.mark.parametrize("load", [0.2, 0.5])
def test_scheduling_wait_grows_with_attendees(waits, load):
    diff, se = _grows(waits[(1, load)], waits[(4, load)])
    assert diff > Z * se, (
        f"load {load}: 2 -> 5 attendees changes the mean wait by {diff:.3f} h (SE {se:.3f} h)"
    )


@pytest.mark.parametrize("panel", [1, 4])
def test_scheduling_wait_grows_with_load(waits, panel):
    diff, se = _grows(waits[(panel, 0.2)], waits[(panel, 0.5)])
    assert diff > Z * se, (
        f"panel {panel}: load 0.2 -> 0.5 changes the mean wait by {diff:.3f} h (SE {se:.3f} h)"
    )


# ---------------------------------------------------------------------------------------------
# Calendar load: busy hour blocks, repeated over their slots (the shortcut draws what the plain
# code draws)


@pytest.mark.parametrize("slot_hours", [1.0, 0.5, 1 / 3, 0.25, 1 / 6, 1 / 12, 2.0])
def test_busy_blocks_repeat_each_hour_over_its_slots(slot_hours: float) -> None:
    per_block = max(1, round(1.0 / slot_hours))
    rng = np.random.default_rng(3)
    for _ in range(30):
        first = int(rng.integers(0, 500))
        stop = first + int(rng.integers(1, 900))
        seed = int(rng.integers(0, 2**31))
        got = busy_blocks(np.random.default_rng(seed), 0.4, slot_hours, first, stop)
        b0, b1 = first // per_block, -(-stop // per_block)
        hours = np.random.default_rng(seed).random(b1 - b0) >= 0.4
        want = np.repeat(hours, per_block)[first - b0 * per_block:][:stop - first]
        assert got.dtype == bool
        assert np.array_equal(got, want)
