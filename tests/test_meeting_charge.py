"""The wait for a meeting slot is charged by the causal rule (charge_meeting_wait)."""

from __future__ import annotations

import random
from itertools import pairwise
from types import SimpleNamespace

import pytest

from hiresim.causes import (
    ABSENCE,
    N_CAUSES,
    OFF_HOURS,
    OPEN,
    PRIORITY,
    REORGANIZATION,
    SCHEDULING,
    TURNOVER,
)
from hiresim.meetings import charge_meeting_wait
from hiresim.workhours import Availability, PersonTimeline, Timeline, WorkingCalendar

DISRUPTIONS = (REORGANIZATION, TURNOVER, ABSENCE, PRIORITY)


def _oracle(lines: list[Availability], organizer: Availability, calendar: Timeline,
            a: float, b: float) -> list[float]:
    """The documented causal rule (docs/explanation/attribution.md, rules 1-4), read from
    scratch: cut ``[a, b)`` at every bound of the plain calendar, the organizer's closed time
    and every attendee's disruptions, and walk the elementary pieces in time order.

    State: ``prev``, the cause of the last piece charged to a cause of its own (``None``
    while the wait has not started); ``free_since``, when the first piece free for everyone
    (no disruption, the organizer open) began (the search could have found a slot from then
    on). Each piece goes, by the highest-priority disruption covering it (attendees' or the
    organizer's):

    - none, the organizer open: ``scheduling`` (the search);
    - none, the organizer in off hours: the piece before it (``off_hours`` if the wait has
      not started: rule 3, rule 2);
    - a disruption over the plain calendar's off hours before the calendar first opens: as
      off hours are (rule 2, the lead);
    - a disruption whose every interval of that code began after a free piece (the search
      ran into it): half ``scheduling``, half the disruption (rule 4);
    - else: the disruption (rule 1).
    """
    pieces = organizer.closed_intervals(a, b) + calendar.closed_intervals(a, b)
    for line in lines:
        pieces += line.disruption_intervals(a, b)
    points = sorted({a, b, *(p[0] for p in pieces), *(p[1] for p in pieces)})
    first_open = calendar.next_open(a)
    own = organizer.disruption_intervals(a, b)
    disruptions = own + [p for line in lines for p in line.disruption_intervals(a, b)]
    acc = [0.0] * N_CAUSES
    prev: int | None = None
    free_since: float | None = None
    for lo, hi in pairwise(points):
        covering = [p for p in disruptions if p[0] <= lo and hi <= p[1]]
        code = min((c for _, _, c in covering), default=OPEN)
        closed = any(s <= lo and hi <= e for s, e, _ in organizer.closed_intervals(lo, hi))
        if code == OPEN:
            if not closed:
                acc[SCHEDULING] += hi - lo
                prev = SCHEDULING
                if free_since is None:
                    free_since = lo
            else:
                acc[OFF_HOURS if prev is None else prev] += hi - lo
        elif hi <= first_open:
            acc[OFF_HOURS if prev is None else prev] += hi - lo
        elif free_since is not None and all(s > free_since for s, _, c in covering
                                            if c == code):
            acc[SCHEDULING] += (hi - lo) / 2.0
            acc[code] += (hi - lo) - (hi - lo) / 2.0
            prev = code
        else:
            acc[code] += hi - lo
            prev = code
    return acc


def _person(line: Timeline) -> SimpleNamespace:
    return SimpleNamespace(timeline=line)


def _random_line(rng: random.Random, calendar: Timeline, horizon: float) -> Availability:
    layers = []
    for code in DISRUPTIONS:
        starts, ends = [], []
        for _ in range(rng.randrange(0, 4)):
            s = rng.uniform(0.0, horizon)
            starts.append(s)
            ends.append(s + rng.choice([rng.uniform(1.0, 30.0), rng.uniform(24.0, 240.0)]))
        layers.append((starts, ends, code))
    return PersonTimeline.over(calendar, layers)


@pytest.mark.xfail(strict=True, reason=(
    "charge_meeting_wait departs from the documented rule where an attendee's disruption cuts "
    "the wait: (A) a disruption counts as met by the search when the organizer had open time "
    "before it (always, with fits=0), even if other attendees' disruptions left no common slot; "
    "(B) charge_causal restarts at each cut, forgetting that the search had opened (the "
    "organizer's own later disruption is not shared) and (C) treating the calendar's off "
    "hours at the cut as a wait's lead (given to the previous cause, not the covering one)"))
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
        want = _oracle([p.timeline for p in people[1:]], organizer.timeline, calendar, a, b)
        assert acc == pytest.approx(want, abs=1e-9)
        assert sum(acc) == pytest.approx(b - a, abs=1e-9)
