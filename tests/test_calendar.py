"""Tests of working calendars and the working-time arithmetic of Timeline."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hiresim.causes import ABSENCE, N_CAUSES, OFF_HOURS, OPEN, PRIORITY, WORK
from hiresim.workhours import Timeline, WorkingCalendar, to_datetime, to_hours

# 2026-07-01 is a Wednesday; Friday 2026-07-03 is the observed US Independence Day.
EPOCH = dt.date(2026, 6, 1)  # a Monday
DAYS = 120


def h(*args: int) -> float:
    """Simulation hours of a wall-clock moment (year, month, day, hour, minute)."""
    return to_hours(dt.datetime(*args), EPOCH)


def when(hours: float) -> dt.datetime:
    return to_datetime(hours, EPOCH)


@pytest.fixture(scope="module")
def plain() -> Timeline:
    return WorkingCalendar().timeline(EPOCH, DAYS)


@pytest.fixture(scope="module")
def us() -> Timeline:
    return WorkingCalendar(country="US").timeline(EPOCH, DAYS)


# -- working calendar boundaries ------------------------------------------------------------------


def test_friday_afternoon_plus_two_hours_lands_monday(plain: Timeline) -> None:
    end = plain.add_open(h(2026, 6, 5, 16, 30), 2.0)  # Friday 16:30
    assert when(end) == dt.datetime(2026, 6, 8, 10, 30)  # Monday 10:30


def test_work_ending_at_closing_time_stays_that_day(plain: Timeline) -> None:
    end = plain.add_open(h(2026, 6, 5, 15, 0), 2.0)
    assert when(end) == dt.datetime(2026, 6, 5, 17, 0)


def test_zero_work_is_instant(plain: Timeline) -> None:
    t = h(2026, 6, 6, 11, 0)  # Saturday: closed, yet zero work takes no time
    assert plain.add_open(t, 0.0) == t


def test_negative_work_is_refused(plain: Timeline) -> None:
    with pytest.raises(ValueError, match="hours"):
        plain.add_open(0.0, -1.0)


def test_observed_public_holiday_is_skipped(us: Timeline) -> None:
    # Independence Day 2026 is a Saturday; the US observes it on Friday 2026-07-03.
    assert WorkingCalendar(country="US").is_holiday(dt.date(2026, 7, 3))
    end = us.add_open(h(2026, 7, 2, 16, 0), 2.0)  # Thursday 16:00
    assert when(end) == dt.datetime(2026, 7, 6, 10, 0)  # Monday 10:00, Friday skipped
    assert not us.is_open(h(2026, 7, 3, 12, 0))


def test_christmas_is_skipped() -> None:
    tl = WorkingCalendar(country="US").timeline(dt.date(2026, 12, 1), 60)
    t0 = to_hours(dt.datetime(2026, 12, 24, 16, 0), dt.date(2026, 12, 1))
    end = to_datetime(tl.add_open(t0, 3.0), dt.date(2026, 12, 1))
    assert end == dt.datetime(2026, 12, 28, 11, 0)  # Christmas Friday, then the weekend


def test_holidays_follow_subdivision() -> None:
    bavaria = WorkingCalendar(country="DE", subdivision="BY")
    berlin = WorkingCalendar(country="DE", subdivision="BE")
    epiphany = dt.date(2026, 1, 6)
    assert bavaria.is_holiday(epiphany)
    assert not berlin.is_holiday(epiphany)


def test_lunch_break_is_skipped() -> None:
    tl = WorkingCalendar(lunch=("12:00", "13:00")).timeline(EPOCH, 14)
    end = tl.add_open(h(2026, 6, 1, 11, 0), 2.0)
    assert when(end) == dt.datetime(2026, 6, 1, 14, 0)
    assert not tl.is_open(h(2026, 6, 1, 12, 30))
    assert WorkingCalendar(lunch=("12:00", "13:00")).hours_per_day == 7.0


def test_next_open_on_weekend_is_monday_morning(plain: Timeline) -> None:
    assert when(plain.next_open(h(2026, 6, 6, 10, 0))) == dt.datetime(2026, 6, 8, 9, 0)
    assert when(plain.next_open(h(2026, 6, 5, 17, 0))) == dt.datetime(2026, 6, 8, 9, 0)
    inside = h(2026, 6, 5, 16, 59)
    assert plain.next_open(inside) == inside
    assert plain.next_open(h(2026, 6, 5, 9, 0)) == h(2026, 6, 5, 9, 0)  # opening is open


def test_open_between_across_weekend(plain: Timeline) -> None:
    a, b = h(2026, 6, 5, 15, 0), h(2026, 6, 8, 11, 0)  # Friday 15:00 -> Monday 11:00
    assert plain.open_between(a, b) == pytest.approx(4.0)
    assert plain.open_between(b, a) == 0.0
    one_week = plain.open_between(h(2026, 6, 1, 0, 0), h(2026, 6, 8, 0, 0))
    assert one_week == pytest.approx(40.0)


def test_charge_across_weekend(plain: Timeline) -> None:
    acc = [0.0] * (N_CAUSES + 1)
    a, b = h(2026, 6, 5, 15, 0), h(2026, 6, 8, 11, 0)
    plain.charge(a, b, WORK, acc)
    assert acc[WORK] == pytest.approx(4.0)
    assert acc[OFF_HOURS] == pytest.approx(b - a - 4.0)
    assert sum(acc) == pytest.approx(b - a)


def test_closed_dates_are_honoured() -> None:
    cal = WorkingCalendar(closed_dates=["2026-06-03", dt.date(2026, 6, 4)])
    assert cal.is_holiday(dt.date(2026, 6, 3))
    tl = cal.timeline(EPOCH, 14)
    end = tl.add_open(h(2026, 6, 2, 16, 0), 2.0)  # Tuesday 16:00
    assert when(end) == dt.datetime(2026, 6, 5, 10, 0)  # Friday 10:00


def test_custom_weekdays() -> None:
    tl = WorkingCalendar(weekdays=(5, 6), start="10:00", end="14:00").timeline(EPOCH, 14)
    assert when(tl.next_open(h(2026, 6, 1, 9, 0))) == dt.datetime(2026, 6, 6, 10, 0)


def test_always_open_calendar() -> None:
    cal = WorkingCalendar(always_open=True, country="US")
    tl = cal.timeline(EPOCH, DAYS)
    assert not tl.has_closed
    assert tl.add_open(h(2026, 6, 5, 16, 30), 2.0) == h(2026, 6, 5, 18, 30)
    assert tl.open_between(3.0, 10.0) == 7.0
    acc = [0.0] * (N_CAUSES + 1)
    tl.charge(3.0, 10.0, WORK, acc)
    assert acc[WORK] == 7.0 and sum(acc) == 7.0
    assert cal.hours_per_day == 24.0
    assert Timeline.always_open().slot_mask(1.0, 5).all()


def test_timelines_are_cached_per_epoch_and_days() -> None:
    cal = WorkingCalendar()
    assert cal.timeline(EPOCH, 30) is cal.timeline(EPOCH, 30)
    assert cal.timeline(EPOCH, 31) is not cal.timeline(EPOCH, 30)


def test_timeline_covers_requested_days_only(plain: Timeline) -> None:
    assert plain.bounds[0] == 0.0 and plain.bounds[-1] <= DAYS * 24.0
    assert plain.is_open(DAYS * 24.0 + 3.0)  # beyond the horizon: open


def test_hours_per_day() -> None:
    assert WorkingCalendar().hours_per_day == 8.0
    assert WorkingCalendar(start="08:30", end="24:00").hours_per_day == 15.5


# -- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"start": "17:00", "end": "09:00"}, "before end"),
        ({"start": "9am"}, "HH:MM"),
        ({"end": "25:00"}, "between 00:00 and 24:00"),
        ({"lunch": ("08:00", "09:30")}, "inside working hours"),
        ({"lunch": ("13:00", "12:00")}, "inside working hours"),
        ({"weekdays": ()}, "at least one day"),
        ({"weekdays": (0, 7)}, "0..6"),
        ({"country": "XX"}, "unknown holiday country 'XX'.*US"),
        ({"country": "US", "subdivision": "ZZ"}, "subdivision 'ZZ'.*CA"),
        ({"subdivision": "CA"}, "without a country"),
        ({"closed_dates": ["2026-13-01"]}, "YYYY-MM-DD"),
    ],
)
def test_invalid_calendars_are_refused(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        WorkingCalendar(**kwargs)


def test_aware_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        to_hours(dt.datetime(2026, 6, 1, tzinfo=dt.UTC), EPOCH)


def test_conversions_round_trip() -> None:
    moment = dt.datetime(2026, 7, 3, 13, 45)
    assert to_datetime(to_hours(moment, EPOCH), EPOCH) == moment
    assert to_hours(dt.date(2026, 6, 2), EPOCH) == 24.0


# -- Timeline construction and overlay ----------------------------------------------------------


def test_construction_merges_and_trims() -> None:
    tl = Timeline([0, 1, 2, 2, 3, 4, 5], [OPEN, OFF_HOURS, WORK, OFF_HOURS, OFF_HOURS, OPEN])
    assert tl.bounds == [1.0, 4.0]  # open ends trimmed, empty WORK dropped, OFF_HOURS merged
    assert tl.codes == [OFF_HOURS]
    assert Timeline([0, 5], [OPEN]) == Timeline.always_open()
    assert not Timeline([0, 5], [OPEN]).has_closed


def test_construction_drops_empty_segments() -> None:
    tl = Timeline([0.0, 1.0, 1.0, 2.0], [OFF_HOURS, ABSENCE, OFF_HOURS])
    assert tl.bounds == [0.0, 2.0]
    assert tl.codes == [OFF_HOURS]


@pytest.mark.parametrize(
    ("bounds", "codes"),
    [([0, 1, 2], [OFF_HOURS]), ([0, 2, 1], [OFF_HOURS, OPEN]), ([0, 1], [N_CAUSES + 1])],
)
def test_bad_timelines_are_refused(bounds: list, codes: list) -> None:
    with pytest.raises(ValueError):
        Timeline(bounds, codes)


def test_overlay_absence_beats_off_hours_on_weekend(plain: Timeline) -> None:
    a, b = h(2026, 6, 4, 0, 0), h(2026, 6, 10, 0, 0)  # Thursday to Wednesday
    tl = plain.overlay([a], [b], ABSENCE)
    saturday = h(2026, 6, 6, 12, 0)
    assert tl.closed_intervals(saturday, saturday + 1) == [(saturday, saturday + 1, ABSENCE)]
    assert tl.open_between(a, b) == 0.0
    assert tl.is_open(h(2026, 6, 10, 9, 0))
    acc = [0.0] * (N_CAUSES + 1)
    tl.charge(a, b, WORK, acc)
    assert acc[ABSENCE] == pytest.approx(b - a)


def test_overlay_lower_priority_does_not_override(plain: Timeline) -> None:
    absent = plain.overlay([h(2026, 6, 5, 0, 0)], [h(2026, 6, 9, 0, 0)], ABSENCE)
    tl = absent.overlay([h(2026, 6, 1, 0, 0)], [h(2026, 6, 12, 0, 0)], PRIORITY)
    saturday = h(2026, 6, 6, 12, 0)
    assert tl.closed_intervals(saturday, saturday + 1)[0][2] == ABSENCE
    # priority outranks off hours: nights inside the shift are charged to priority.
    night = h(2026, 6, 2, 2, 0)
    assert tl.closed_intervals(night, night + 1)[0][2] == PRIORITY
    assert tl.overlay([0.0], [1e6], OPEN) is tl  # OPEN never overrides


def test_overlay_overlapping_unsorted_intervals() -> None:
    tl = Timeline.always_open().overlay([5.0, 1.0, 2.0, 9.0], [6.0, 3.0, 4.0, 9.0], ABSENCE)
    assert tl.closed_intervals(0, 100) == [(1.0, 4.0, ABSENCE), (5.0, 6.0, ABSENCE)]
    assert tl.add_open(0.0, 2.0) == 5.0  # [0, 1) and [4, 5) are open


def test_closed_intervals_clips(plain: Timeline) -> None:
    a, b = h(2026, 6, 5, 16, 0), h(2026, 6, 8, 10, 0)
    got = plain.closed_intervals(a, b)
    assert got == [(h(2026, 6, 5, 17, 0), h(2026, 6, 8, 9, 0), OFF_HOURS)]
    assert plain.closed_intervals(h(2026, 6, 1, 10, 0), h(2026, 6, 1, 11, 0)) == []


def test_slot_mask(plain: Timeline) -> None:
    mask = plain.slot_mask(1.0, 24 * 7)
    expected = np.zeros(24 * 7, dtype=bool)
    for day in range(5):
        expected[day * 24 + 9 : day * 24 + 17] = True
    np.testing.assert_array_equal(mask, expected)
    half = plain.slot_mask(3.0, 8)  # 09:00-12:00 and 12:00-15:00 are open; 15-18 is not
    np.testing.assert_array_equal(half, [False, False, False, True, True, False, False, False])


# -- properties on random timelines -------------------------------------------------------------

CLOSED_CODES = st.sampled_from([ABSENCE, PRIORITY, OFF_HOURS, 0])


@st.composite
def timelines(draw: st.DrawFn) -> Timeline:
    n = draw(st.integers(0, 30))
    lengths = draw(st.lists(st.floats(0.0, 50.0), min_size=n, max_size=n))
    codes = draw(st.lists(st.one_of(st.just(OPEN), CLOSED_CODES), min_size=n, max_size=n))
    start = draw(st.floats(-100.0, 100.0))
    bounds = np.concatenate([[start], start + np.cumsum(lengths)]).tolist() if n else []
    return Timeline(bounds, codes)


times = st.floats(-200.0, 2000.0)
durations = st.floats(0.0, 300.0)


@settings(max_examples=300)
@given(timelines(), times, durations)
def test_add_open_inverts_open_between(tl: Timeline, t: float, hours: float) -> None:
    end = tl.add_open(t, hours)
    assert end >= t
    assert tl.open_between(t, end) == pytest.approx(hours, abs=1e-9)


@settings(max_examples=300)
@given(timelines(), times, durations)
def test_add_open_is_the_earliest_end(tl: Timeline, t: float, hours: float) -> None:
    end = tl.add_open(t, hours)
    assume(hours > 1e-6)
    # Just before the end, not all of the work is done yet.
    assert tl.open_between(t, end - 1e-6) < hours


@settings(max_examples=300)
@given(timelines(), times, times)
def test_charge_sums_to_interval_and_matches_open_time(tl: Timeline, a: float, b: float) -> None:
    a, b = min(a, b), max(a, b)
    acc = [0.0] * (N_CAUSES + 1)
    tl.charge(a, b, WORK, acc)
    assert sum(acc) == pytest.approx(b - a, abs=1e-9)
    assert acc[WORK] == pytest.approx(tl.open_between(a, b), abs=1e-9)
    assert acc[OPEN] == 0.0
    for start, end, code in tl.closed_intervals(a, b):
        assert end > start and code != OPEN
    closed = {}
    for start, end, code in tl.closed_intervals(a, b):
        closed[code] = closed.get(code, 0.0) + end - start
    for code, total in closed.items():
        assert acc[code] == pytest.approx(total, abs=1e-9)


@settings(max_examples=300)
@given(timelines(), times)
def test_next_open_is_open_and_earliest(tl: Timeline, t: float) -> None:
    nxt = tl.next_open(t)
    assert nxt >= t
    assert tl.is_open(nxt)
    assert tl.open_between(t, nxt) == 0.0


@settings(max_examples=300)
@given(timelines(), times, times, durations)
def test_add_open_is_monotonic(tl: Timeline, t1: float, t2: float, hours: float) -> None:
    t1, t2 = min(t1, t2), max(t1, t2)
    assert tl.add_open(t1, hours) <= tl.add_open(t2, hours)
    assert tl.add_open(t1, hours) <= tl.add_open(t1, hours + 1.0)


@settings(max_examples=200)
@given(
    timelines(),
    st.lists(st.tuples(times, durations), max_size=5),
    st.sampled_from([ABSENCE, PRIORITY, 0, OFF_HOURS]),
    times,
)
def test_overlay_priority(tl: Timeline, spans: list, code: int, t: float) -> None:
    starts = [s for s, _ in spans]
    ends = [s + d for s, d in spans]
    over = tl.overlay(starts, ends, code)
    inside = any(s <= t < e for s, e in zip(starts, ends, strict=True))
    tick = math.nextafter(t, math.inf)  # [t, tick) lies inside the segment holding t
    before = tl.closed_intervals(t, tick)
    after = over.closed_intervals(t, tick)
    old = before[0][2] if before else OPEN
    new = after[0][2] if after else OPEN
    assert new == (min(old, code) if inside else old)


@settings(max_examples=200)
@given(timelines(), st.sampled_from([0.5, 1.0, 2.0]), st.integers(0, 200))
def test_slot_mask_matches_open_between(tl: Timeline, slot: float, n: int) -> None:
    mask = tl.slot_mask(slot, n)
    expected = [not tl.closed_intervals(k * slot, (k + 1) * slot) for k in range(n)]
    np.testing.assert_array_equal(mask, np.array(expected, dtype=bool))


@pytest.mark.parametrize(("kwargs", "days"), [
    # Epiphany (Tue 6 Jan) is a Bavarian holiday; 24 December a closed date; 7 Jan a Wednesday
    ({"country": "DE", "subdivision": "BY", "closed_dates": ["2026-12-24"]},
     {"2026-01-06": False, "2026-12-24": False, "2026-01-07": True, "2026-01-10": False}),
    # Saturday is a working day here; the observed Independence Day (Fri 3 July) is not
    ({"weekdays": (1, 2, 3, 5), "country": "US"},
     {"2026-01-06": True, "2026-01-10": True, "2026-07-03": False, "2026-01-05": False}),
    ({"always_open": True}, {"2026-01-10": True, "2026-12-25": True}),
], ids=["bavaria", "us-tue-thu-sat", "always-open"])
def test_is_working_day_says_whether_the_timeline_has_working_hours_that_day(kwargs, days):
    """Day by day over a year: the day has open time in the calendar's timeline exactly when
    ``is_working_day`` says so (weekday, public holidays and closed dates alike)."""
    calendar = WorkingCalendar(**kwargs)
    epoch = dt.date(2026, 1, 1)
    timeline = calendar.timeline(epoch, 366)
    for k in range(365):
        day = epoch + dt.timedelta(days=k)
        has_hours = timeline.open_between(24.0 * k, 24.0 * (k + 1)) > 0
        assert calendar.is_working_day(day) == has_hours, day
    assert {d: calendar.is_working_day(dt.date.fromisoformat(d)) for d in days} == days
