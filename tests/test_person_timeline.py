"""PersonTimeline (a shared calendar plus a person's own disruptions) against the materialized
timeline ``calendar.overlay_many(layers)``: every query must give the same answer.

Randomized with fixed seeds. Half of the cases put every bound on a 1/8-hour grid, so that the
arithmetic is exact and ties (work ending exactly where a disruption starts, a query exactly
on a bound, pieces touching each other or a weekend) are hit often and compared exactly; the
other half use arbitrary floats and compare sums and times up to rounding.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

import numpy as np
import pytest

import hiresim as hs
from hiresim.causes import (
    ABSENCE,
    BATCHING,
    CONTENTION,
    N_CAUSES,
    OFF_HOURS,
    OPEN,
    PRIORITY,
    REORGANIZATION,
    REQUIREMENTS,
    SCHEDULING,
    TURNOVER,
    WORK,
)
from hiresim.mechanisms.priority import restart_after_priority
from hiresim.model import Replication
from hiresim.workhours import PersonTimeline, Timeline, WorkingCalendar

EPOCH = dt.date(2026, 6, 1)  # a Monday
DAYS = 42
HORIZON = DAYS * 24.0
DISRUPTIONS = (REORGANIZATION, REQUIREMENTS, TURNOVER, ABSENCE, PRIORITY)


def approx(x: object) -> object:
    return pytest.approx(x, rel=1e-12, abs=1e-9)


def calendars() -> list[tuple[str, Timeline]]:
    """Real working calendars and timeline literals (codes at or after off hours only)."""
    return [
        ("office", WorkingCalendar().timeline(EPOCH, DAYS)),
        ("us-lunch", WorkingCalendar(lunch=("12:00", "13:00"), country="US",
                                     start="08:30", end="17:15").timeline(dt.date(2026, 6, 22),
                                                                          DAYS)),
        ("weekends", WorkingCalendar(weekdays=(5, 6), start="10:00", end="14:00")
         .timeline(EPOCH, DAYS)),
        ("always-open", Timeline.always_open()),
        ("literal", Timeline([5.0, 20.0, 30.0, 31.5, 50.0, 80.0, 200.0],
                             [OFF_HOURS, BATCHING, OFF_HOURS, OPEN, WORK, OFF_HOURS])),
        ("short", Timeline([100.0, 110.0], [OFF_HOURS])),
    ]


def _point(rng: random.Random, bounds: list[float], grid: bool) -> float:
    """A moment: anywhere (also before the first and after the last bound) or on a bound."""
    u = rng.random()
    if bounds and u < 0.35:
        return rng.choice(bounds)
    t = rng.uniform(-60.0, HORIZON + 60.0)
    return round(t * 8) / 8 if grid else t


def random_layers(rng: random.Random, calendar: Timeline, grid: bool
                  ) -> list[tuple[object, object, int]]:
    """Overlapping, adjacent, unsorted, zero-length and reversed intervals in 1-5 layers,
    some on the calendar's bounds (touching weekends), some beyond its ends."""
    cal_bounds = calendar.bounds
    layers: list[tuple[object, object, int]] = []
    for _ in range(rng.randint(1, 5)):
        code = rng.choice(DISRUPTIONS)
        starts: list[float] = []
        ends: list[float] = []
        for _ in range(rng.randint(0, 12)):
            a = _point(rng, cal_bounds, grid)
            kind = rng.random()
            if kind < 0.1:
                b = a  # zero length
            elif kind < 0.15:
                b = a - 3.0  # reversed: ignored
            elif kind < 0.35 and cal_bounds:
                b = rng.choice(cal_bounds)  # up to a calendar bound (may be reversed)
            else:
                length = rng.expovariate(1 / 30.0)
                b = a + (round(length * 8) / 8 if grid else length)
            starts.append(a)
            ends.append(b)
            if rng.random() < 0.25:  # an adjacent interval after it
                c = b + (rng.randint(1, 40) / 8 if grid else rng.uniform(0.1, 5.0))
                starts.append(b)
                ends.append(c)
        order = list(range(len(starts)))
        rng.shuffle(order)
        s = [starts[k] for k in order]
        e = [ends[k] for k in order]
        if rng.random() < 0.3:
            layers.append((np.array(s, float), np.array(e, float), code))
        else:
            layers.append((s, e, code))
    if rng.random() < 0.2 and layers:  # the same intervals again under another code
        s, e, _ = layers[0]
        layers.append((s, e, rng.choice(DISRUPTIONS)))
    return layers


def normalized(intervals: list[tuple[float, float, int]]) -> list[tuple[float, float, int]]:
    """Adjacent intervals with the same code merged (what a materialized timeline does)."""
    out: list[tuple[float, float, int]] = []
    for s, e, c in intervals:
        if out and out[-1][2] == c and out[-1][1] == s:
            out[-1] = (out[-1][0], e, c)
        else:
            out.append((s, e, c))
    return out


def assert_intervals(got: list, want: list, exact: bool) -> None:
    got, want = normalized(got), normalized(want)
    if exact:
        assert got == want
    else:
        assert [c for *_, c in got] == [c for *_, c in want]
        assert [x for s, e, _ in got for x in (s, e)] == approx(
            [x for s, e, _ in want for x in (s, e)])


def check_equivalent(pt: PersonTimeline, mat: Timeline, rng: random.Random, grid: bool,
                     n: int = 150) -> None:
    """Every query of ``pt`` against the materialized timeline ``mat``."""
    exact = grid
    same = (lambda x: x) if exact else approx
    assert pt.has_closed == mat.has_closed
    assert pt.disrupted == mat.disrupted
    assert len(pt) == len(mat)
    assert bool(pt) == bool(mat)
    assert pt.bounds == mat.bounds and pt.codes == mat.codes
    assert pt == mat and mat == pt and hash(pt) == hash(mat)
    bounds = mat.bounds
    eps = 0.125 if grid else 1e-9  # just either side of every bound
    edges = bounds + [b + eps for b in bounds] + [b - eps for b in bounds]
    points = [bounds[0] - 100.0, bounds[-1] + 100.0, bounds[0], bounds[-1]]
    points += [_point(rng, bounds, grid) for _ in range(n)]
    points += rng.sample(edges, min(len(edges), n // 3))
    for t in points:
        assert pt.is_open(t) == mat.is_open(t), t
        assert pt.next_open(t) == mat.next_open(t), t
        for horizon in (24.0 * 400, rng.choice([1.0, 7.5, 48.0])):
            assert pt.disruption_at(t, horizon) == mat.disruption_at(t, horizon), (t, horizon)
        hours_choices = [0.0, rng.uniform(0.0, 4.0), rng.uniform(0.0, 200.0),
                         rng.expovariate(1 / 8.0)]
        if grid:
            hours_choices = [round(x * 8) / 8 for x in hours_choices]
            # exactly the open time up to a bound: work that ends right where a piece starts
            up_to = rng.choice(bounds)
            hours_choices.append(mat.open_between(t, up_to))
        for hours in hours_choices:
            assert pt.add_open(t, hours) == same(mat.add_open(t, hours)), (t, hours)
    for _ in range(n):
        a = _point(rng, bounds, grid)
        b = a + rng.choice([0.0, -1.0, rng.uniform(0.0, 10.0), rng.uniform(0.0, 400.0)])
        if grid:
            b = round(b * 8) / 8
        if rng.random() < 0.2:
            b = _point(rng, bounds, grid)
        assert pt.open_between(a, b) == same(mat.open_between(a, b)), (a, b)
        default = rng.choice([CONTENTION, SCHEDULING, WORK])
        start = [rng.random() for _ in range(N_CAUSES)]
        got, want = start.copy(), start.copy()
        pt.charge(a, b, default, got)
        mat.charge(a, b, default, want)
        assert got == approx(want), (a, b)
        if b > a:
            assert sum(got) - sum(start) == approx(b - a)
        assert_intervals(pt.closed_intervals(a, b), mat.closed_intervals(a, b), exact)
        assert pt.disruption_intervals(a, b) == mat.disruption_intervals(a, b), (a, b)
        hours = rng.uniform(0.0, 12.0)
        start_at = mat.next_open(a)
        end = mat.add_open(start_at, hours)
        assert restart_after_priority(pt, start_at, pt.add_open(start_at, hours), hours) == \
            approx(restart_after_priority(mat, start_at, end, hours))
    for slot_hours, n_slots in ((0.25, 8 * 24 * 4), (0.5, (DAYS + 4) * 48), (1.0, 100)):
        assert np.array_equal(pt.slot_mask(slot_hours, n_slots),
                              mat.slot_mask(slot_hours, n_slots))


#: The names of :func:`calendars` (listed, not computed: building the US calendar loads the
#: holiday tables, which collecting the suite need not pay).
CALENDARS = ("office", "us-lunch", "weekends", "always-open", "literal", "short")
CASES = [(name, seed, grid) for name in CALENDARS for seed in range(6)
         for grid in (True, False)]


def test_the_calendar_names_are_the_calendars():
    assert tuple(name for name, _ in calendars()) == CALENDARS


@pytest.mark.parametrize(("name", "seed", "grid"), CASES)
def test_person_timeline_answers_like_the_materialized_timeline(name: str, seed: int,
                                                                grid: bool) -> None:
    calendar = dict(calendars())[name]
    rng = random.Random(f"{name}-{seed}-{grid}")
    checked = 0
    for _ in range(8):
        layers = random_layers(rng, calendar, grid)
        got = PersonTimeline.over(calendar, layers)
        want = calendar.overlay_many(layers)
        if got is calendar:  # nothing left to lay over it
            assert want is calendar
            continue
        assert isinstance(got, PersonTimeline)
        assert got.calendar is calendar
        pieces = got.pieces
        assert pieces == sorted(pieces)
        assert all(s < e for s, e, _ in pieces)
        assert all(e0 <= s1 for (_, e0, _), (s1, _, _) in itertools.pairwise(pieces))
        check_equivalent(got, want, rng, grid, n=60)
        checked += 1
    assert checked >= 4


def test_overlapping_adjacent_and_touching_pieces_resolve_by_priority() -> None:
    calendar = WorkingCalendar().timeline(EPOCH, 14)  # weekends at 120-168, 288-336
    layers = [
        ([130.0, 100.0], [170.0, 110.0], ABSENCE),  # over a weekend's end, unsorted
        ([105.0], [140.0], REORGANIZATION),  # wins where it overlaps the absence
        ([140.0, 150.0], [150.0, 160.0], ABSENCE),  # adjacent same code: merged
        ([170.0], [180.0], PRIORITY),  # adjacent to the absence, another code
        ([200.0, 200.0], [200.0, 190.0], TURNOVER),  # empty and reversed: ignored
    ]
    pt = PersonTimeline.over(calendar, layers)
    assert isinstance(pt, PersonTimeline)
    assert pt.pieces == [(100.0, 105.0, ABSENCE), (105.0, 140.0, REORGANIZATION),
                         (140.0, 170.0, ABSENCE), (170.0, 180.0, PRIORITY)]
    mat = calendar.overlay_many(layers)
    assert pt == mat
    assert pt.disruption_at(101.0, 1000.0) == mat.disruption_at(101.0, 1000.0) \
        == (ABSENCE, 180.0)
    assert pt.disruption_at(101.0, 10.0) == (ABSENCE, 111.0)
    assert pt.next_open(101.0) == mat.next_open(101.0) == 180.0  # Monday 12:00
    check_equivalent(pt, mat, random.Random(1), grid=True)


def test_hours_zero_and_edges() -> None:
    calendar = WorkingCalendar().timeline(EPOCH, 14)
    pt = PersonTimeline.over(calendar, [([9.0 + 24.0], [13.0 + 24.0], ABSENCE)])
    mat = calendar.overlay_many([([33.0], [37.0], ABSENCE)])
    for t in (-5.0, 0.0, 9.0, 33.0, 37.0, 336.0, 1000.0):
        assert pt.add_open(t, 0.0) == t == mat.add_open(t, 0.0)
    assert pt.add_open(9.0, 8.0) == mat.add_open(9.0, 8.0) == 17.0  # ends at closing time
    assert pt.add_open(16.0, 1.0) == 17.0
    assert pt.add_open(16.0, 2.0) == mat.add_open(16.0, 2.0) == 38.0  # piece skipped
    assert pt.add_open(-10.0, 3.0) == mat.add_open(-10.0, 3.0) == -7.0  # before all bounds
    assert pt.add_open(2000.0, 3.0) == 2003.0  # after all bounds: open
    with pytest.raises(ValueError, match="hours"):
        pt.add_open(0.0, -1.0)


def test_falls_back_to_the_materialized_timeline_when_the_premise_fails() -> None:
    calendar = WorkingCalendar().timeline(EPOCH, 14)
    # nothing to lay over: the calendar itself
    assert PersonTimeline.over(calendar, []) is calendar
    # (an empty spell, and a spell of OPEN, which opens nothing)
    assert PersonTimeline.over(calendar, [([5.0], [5.0], ABSENCE), ([1.0], [2.0], OPEN)]) \
        is calendar
    # a layer that is not a disruption, or a calendar that already has disruptions
    layers = [([100.0], [150.0], ABSENCE), ([10.0], [12.0], OFF_HOURS)]
    got = PersonTimeline.over(calendar, layers)
    assert type(got) is Timeline and got == calendar.overlay_many(layers)
    disrupted = Timeline([0.0, 10.0, 20.0], [ABSENCE, OFF_HOURS])
    got = PersonTimeline.over(disrupted, [([5.0], [15.0], PRIORITY)])
    assert type(got) is Timeline and got == disrupted.overlay_many([([5.0], [15.0], PRIORITY)])
    # over a person timeline: materialized, the same as overlaying the materialized one
    pt = PersonTimeline.over(calendar, [([100.0], [150.0], ABSENCE)])
    more = [([140.0], [160.0], REORGANIZATION)]
    assert PersonTimeline.over(pt, more) == pt.materialize().overlay_many(more) \
        == pt.overlay_many(more) == pt.overlay(*more[0])


def test_layers_may_be_any_iterables() -> None:
    calendar = WorkingCalendar().timeline(EPOCH, 14)
    got = PersonTimeline.over(calendar, iter([((t for t in (30.0, 100.0)), iter([40.0, 90.0]),
                                               ABSENCE)]))
    assert got == calendar.overlay_many([([30.0, 100.0], [40.0, 90.0], ABSENCE)])
    assert got.pieces == [(30.0, 40.0, ABSENCE)]


def test_invalid_layers_are_refused_like_overlay_many() -> None:
    calendar = WorkingCalendar().timeline(EPOCH, 14)
    for layers in ([([1.0], [2.0], 99)], [([1.0, 2.0], [3.0], ABSENCE)],
                   [(np.ones((2, 2)), np.ones((2, 2)) * 2, ABSENCE)]):
        with pytest.raises(ValueError):
            calendar.overlay_many(layers)
        with pytest.raises(ValueError):
            PersonTimeline.over(calendar, layers)


def test_people_of_a_default_replication_answer_like_their_materialized_timelines() -> None:
    rep = Replication(hs.preset("default"), 7, 0, False)
    rng = random.Random(7)
    people = [p for members in rep.people.values() for p in members]
    composite = [p for p in people if isinstance(p.timeline, PersonTimeline)]
    assert len(composite) >= len(people) // 2
    for person in composite[:8]:
        pt = person.timeline
        assert pt.calendar is person.calendar
        check_equivalent(pt, pt.materialize(), rng, grid=False, n=80)
