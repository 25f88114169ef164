"""Random spells over the simulated span: Poisson onsets, and lengths in working or elapsed time.

The disruption mechanisms (:mod:`hiresim.mechanisms`) draw when something happens and how long
it lasts with these helpers. Times are hours since the epoch. The samplers differ in how many
numbers they take from their generator (a block sized from the expected count, or one at a
time): that is part of each mechanism's draw order, so they are kept as they are rather than
merged (merging would change every result for a given seed).
"""

from __future__ import annotations

import numpy as np

from hiresim.durations import DurationSpec, to_hours
from hiresim.workhours import Timeline

HOURS_PER_YEAR = 365.0 * 24.0


#: ``(starts, ends, cause code)``: spells laid over a person's calendar (hours since the
#: epoch), as the mechanisms that lay them return them (:meth:`hiresim.mechanisms.Mechanism.layer`)
#: and :meth:`hiresim.workhours.PersonTimeline.over` reads them.
Layer = tuple[list[float], list[float], int]


def span_hours(calendar: Timeline, start: float, value: float, unit: str,
               hours_per_day: float) -> float:
    """End of a spell of ``value`` (in ``unit``) that begins at ``start``.

    Working units count the person's working time (a 3-working-day sick spell from Friday
    covers the weekend and ends on Wednesday); elapsed units are wall-clock time.
    """
    hours, working = to_hours(value, unit, hours_per_day)
    if working:
        return calendar.add_open(calendar.next_open(start), hours)
    return start + hours


def elapsed_hours(unit: str) -> float:
    """Hours per unit for elapsed-time behaviour (a candidate's patience is wall-clock time:
    a "working day" of patience is a day)."""
    return {"hours": 1.0, "working_hours": 1.0, "calendar_days": 24.0, "working_days": 24.0}[unit]


def poisson_times(rng: np.random.Generator, mean_gap: float, t0: float, t1: float
                  ) -> list[float]:
    """Event times of a Poisson process on ``[t0, t1)`` (vectorised draws in blocks sized from
    the expected count, in a fixed order)."""
    expected = (t1 - t0) / mean_gap
    times: list[float] = []
    t = t0
    while True:
        n = int(expected * 1.2 + 16)
        gaps = rng.exponential(mean_gap, n)
        cum = t + np.cumsum(gaps)
        inside = cum[cum < t1]
        times.extend(inside.tolist())
        if inside.size < n:
            return times
        t = float(cum[-1])


def poisson_spells(rng: np.random.Generator, rate_per_year: float, duration: DurationSpec,
                   calendar: Timeline, hours_per_day: float, span: float
                   ) -> tuple[list[float], list[float]]:
    """Spells starting as a Poisson process (per year) with random lengths: sick leave,
    top-priority projects. One block of onsets and one of lengths, each sized 1.5 times the
    expected count plus 10."""
    mean_gap = HOURS_PER_YEAR / rate_per_year
    n = int(span / mean_gap * 1.5 + 10)
    onsets = np.cumsum(rng.exponential(mean_gap, n))
    lengths = duration.sample(rng, n)
    starts, ends = [], []
    for onset, length in zip(onsets.tolist(), lengths.tolist(), strict=True):
        if onset >= span:
            break
        starts.append(onset)
        ends.append(span_hours(calendar, onset, length, duration.unit, hours_per_day))
    return starts, ends
