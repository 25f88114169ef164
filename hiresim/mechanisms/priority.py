"""``priority``: "priorities change" — a person is pulled onto a top-priority project.

Projects start as a Poisson process per person and last a random time; a project may take only
the first ``share`` of each working day (the mornings). They are laid over the person's
calendar as ``priority``, which suspends work in progress; with ``on_return = "restart"`` the
interrupted task starts over when the person comes back (a restart rule installed on the
world, read by :func:`hiresim.tasks.task`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hiresim.causes import PRIORITY
from hiresim.spells import PersonSpells, poisson_spells
from hiresim.workhours import Availability, Timeline

if TYPE_CHECKING:
    from hiresim.people import Person
    from hiresim.scenario import PrioritySpec
    from hiresim.spells import Layer

NAME = "priority"


class Priority(PersonSpells):
    """One replication's project draws: a sub-stream of ``priority`` per person."""

    __slots__ = ()
    spec: PrioritySpec

    def layer(self, person: Person) -> Layer:
        spec = self.spec
        rng = self.world.streams.sub_generator(NAME)
        ps, pe = poisson_spells(rng, spec.rate_per_year, spec.duration, person.calendar,
                                person.hours_per_day, self.span)
        ps, pe = part_time(person.calendar, ps, pe, spec.share)
        return ps, pe, PRIORITY

    def install(self) -> None:
        """Work interrupted by a project starts over, if the scenario says so."""
        if self.spec.on_return == "restart":
            self.world.restart = restart_after_priority


def part_time(calendar: Timeline, starts: list[float], ends: list[float], share: float
              ) -> tuple[list[float], list[float]]:
    """Turn spells into the first ``share`` of each working day inside them.

    A project that takes half of someone's time takes their mornings: on each day of the
    spell, the first ``share`` of that day's working hours goes to the project and the rest is
    left for hiring work.
    """
    if share >= 1.0:
        return starts, ends
    out_s: list[float] = []
    out_e: list[float] = []
    for s, e in zip(starts, ends, strict=True):
        day = math.floor(s / 24.0)
        while day * 24.0 < e:
            lo, hi = max(s, day * 24.0), min(e, (day + 1) * 24.0)
            first = calendar.next_open(lo)
            if first < hi:
                take = share * calendar.open_between(day * 24.0, (day + 1) * 24.0)
                stop = min(calendar.add_open(first, take), hi)
                if stop > first:
                    out_s.append(first)
                    out_e.append(stop)
            day += 1
    return out_s, out_e


def restart_after_priority(timeline: Availability, start: float, end: float, hours: float
                           ) -> float:
    """Completion when a top-priority project makes the person start the task over."""
    while True:
        hit = next((iv for iv in timeline.closed_intervals(start, end) if iv[2] == PRIORITY),
                   None)
        if hit is None:
            return end
        start = timeline.next_open(hit[1])
        end = timeline.add_open(start, hours)
