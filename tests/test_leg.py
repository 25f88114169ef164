"""Leg: the running account of a wait, charged cause by cause (snapshot and close included)."""

from __future__ import annotations

import pytest

from hiresim.causes import ABSENCE, CONTENTION, N_CAUSES, SCHEDULING, WORK
from hiresim.trace import Leg
from hiresim.workhours import WorkingCalendar

CAL = WorkingCalendar().timeline("2026-01-05", 30)  # Mon 2026-01-05, 09:00-17:00 weekdays


def _vector(**by_cause: float) -> list[float]:
    from hiresim.causes import CODE

    out = [0.0] * N_CAUSES
    for name, v in by_cause.items():
        out[CODE[name]] = v
    return out


def test_pending_by_timeline_charges_closed_time_by_the_causal_rule() -> None:
    leg = Leg(16.0)  # Monday 16:00
    leg.pending(CAL, CONTENTION)
    snap = leg.snapshot(24.0 + 10.0)  # Tuesday 10:00
    # the night comes inside a wait that exists because of the queue: the queue's
    assert snap == pytest.approx(_vector(contention=18.0))
    leg.close(34.0)
    assert leg.acc == snap and leg.mark == 34.0
    # a wait that starts at night: the night until work can start is off hours
    late = Leg(18.0)  # Monday 18:00
    late.pending(CAL, CONTENTION)
    assert late.snapshot(34.0) == pytest.approx(_vector(off_hours=15.0, contention=1.0))


def test_meeting_split_before_the_meeting_is_charged_like_a_wait() -> None:
    wt = _vector(absence=5.0, off_hours=3.0, scheduling=2.0)
    leg = Leg(0.0)
    leg.pending(CAL, SCHEDULING)
    leg.after = (10.0, wt)
    # before the meeting starts: the organizer's calendar decides, as for any pending wait
    plain = Leg(0.0)
    plain.pending(CAL, SCHEDULING)
    assert leg.snapshot(9.5) == plain.snapshot(9.5)


def test_meeting_split_after_the_meeting_starts_adds_the_wait_then_work() -> None:
    wt = _vector(absence=5.0, off_hours=3.0, scheduling=2.0)
    leg = Leg(0.0)
    leg.acc[CONTENTION] = 1.0  # charged earlier in the leg
    leg.mark = 0.0
    leg.pending(CAL, SCHEDULING)
    leg.after = (10.0, wt)
    want = _vector(absence=5.0, off_hours=3.0, scheduling=2.0, contention=1.0, work=0.5)
    assert leg.snapshot(10.5) == pytest.approx(want)
    assert leg.acc[ABSENCE] == 0.0  # a snapshot changes nothing
    leg.close(10.5)
    assert leg.acc == pytest.approx(want)
    assert leg.mark == 10.5 and leg.after is None
    assert sum(leg.acc) - 1.0 == pytest.approx(10.5)


def test_held_then_flat_is_what_the_meeting_charges_when_it_ends() -> None:
    wt = _vector(off_hours=4.0, scheduling=6.0)
    leg = Leg(0.0)
    leg.held(10.0, wt)
    leg.flat(11.0, WORK)
    assert leg.acc == pytest.approx(_vector(off_hours=4.0, scheduling=6.0, work=1.0))
    assert leg.mark == 11.0
