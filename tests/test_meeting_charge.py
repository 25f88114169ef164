"""The wait for a meeting slot is charged by priority across attendees (charge_meeting_wait)."""

from __future__ import annotations

import random
from itertools import pairwise
from types import SimpleNamespace

import pytest

from hiresim.causes import ABSENCE, N_CAUSES, OPEN, PRIORITY, REORGANIZATION, SCHEDULING, TURNOVER
from hiresim.meetings import charge_meeting_wait
from hiresim.workhours import Timeline, WorkingCalendar

DISRUPTIONS = (REORGANIZATION, TURNOVER, ABSENCE, PRIORITY)


def _oracle(lines: list[Timeline], organizer: Timeline, a: float, b: float) -> list[float]:
    """Cut [a, b) at every bound of every interval involved; each elementary piece goes to
    the highest-priority cause covering it: attendees' disruptions, the organizer's closed
    time, else scheduling."""
    pieces = organizer.closed_intervals(a, b)
    for line in lines:
        pieces += line.disruption_intervals(a, b)
    points = sorted({a, b, *(p[0] for p in pieces), *(p[1] for p in pieces)})
    acc = [0.0] * N_CAUSES
    for lo, hi in pairwise(points):
        code = min((c for s, e, c in pieces if s <= lo and hi <= e), default=OPEN)
        acc[SCHEDULING if code == OPEN else code] += hi - lo
    return acc


def _person(line: Timeline) -> SimpleNamespace:
    return SimpleNamespace(timeline=line)


def _random_line(rng: random.Random, calendar: Timeline, horizon: float) -> Timeline:
    layers = []
    for code in DISRUPTIONS:
        starts, ends = [], []
        for _ in range(rng.randrange(0, 4)):
            s = rng.uniform(0.0, horizon)
            starts.append(s)
            ends.append(s + rng.choice([rng.uniform(1.0, 30.0), rng.uniform(24.0, 240.0)]))
        layers.append((starts, ends, code))
    return calendar.overlay_many(layers)


@pytest.mark.parametrize("seed", range(12))
def test_meeting_wait_matches_elementary_pieces(seed: int) -> None:
    rng = random.Random(seed)
    calendar = WorkingCalendar(lunch=("12:00", "13:00")).timeline("2026-01-05", 60)
    horizon = 50 * 24.0
    people = [_person(_random_line(rng, calendar, horizon)) for _ in range(rng.randrange(2, 6))]
    organizer = people[0]
    for _ in range(40):
        a = rng.uniform(0.0, horizon - 24.0)
        b = a + rng.choice([rng.uniform(0.0, 8.0), rng.uniform(8.0, 400.0)])
        b = min(b, horizon)
        acc = [0.0] * N_CAUSES
        charge_meeting_wait(people, organizer, a, b, acc)  # type: ignore[arg-type]
        want = _oracle([p.timeline for p in people[1:]], organizer.timeline, a, b)
        assert acc == pytest.approx(want, abs=1e-9)
        assert sum(acc) == pytest.approx(b - a, abs=1e-9)
