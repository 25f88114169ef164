"""``turnover``: "businesses change" — the contact is fired or quits.

Each seat's holder leaves at a hazard rate; the seat is empty (``turnover``, laid over the
calendar) until a replacement joins after a lag. Work that waited across the change of hands
pays a hand-over (the replacement re-reviews it), and the event log names the new holder
(``recruiter-2~1``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hiresim.causes import TURNOVER
from hiresim.durations import DurationSpec
from hiresim.spells import HOURS_PER_YEAR, PersonSpells, span_hours
from hiresim.tasks import make_work
from hiresim.workhours import Timeline

if TYPE_CHECKING:
    from hiresim.people import Person
    from hiresim.scenario import TurnoverSpec
    from hiresim.spells import Layer

NAME = "turnover"


class Turnover(PersonSpells):
    """One replication's departures: a sub-stream of ``turnover`` per seat."""

    __slots__ = ()
    spec: TurnoverSpec

    def layer(self, person: Person) -> Layer:
        """The seat's vacancies; the replacements' arrival times go to ``person.joins``."""
        rng = self.world.streams.sub_generator(NAME)
        leaves, joins = vacancies(rng, self.spec.annual_rate, self.spec.replacement_lag,
                                  person.calendar, person.hours_per_day, self.span)
        person.joins = joins
        return leaves, joins, TURNOVER

    def install(self) -> None:
        """The hand-over a replacement pays for work that waited across the change."""
        self.world.turnover_handover = make_work(self.world, self.spec.handover)


def vacancies(rng: np.random.Generator, annual_rate: float, lag: DurationSpec,
              calendar: Timeline, hours_per_day: float, span: float
              ) -> tuple[list[float], list[float]]:
    """Departures of a seat's holders and the replacements' arrivals: ``(leaves, joins)``.

    A renewal process: the next holder's hazard starts when they join (one draw at a time)."""
    mean_gap = HOURS_PER_YEAR / annual_rate
    leaves: list[float] = []
    joins: list[float] = []
    t = 0.0
    while True:
        t += float(rng.exponential(mean_gap))
        if t >= span:
            return leaves, joins
        wait = float(lag.sample(rng, 1)[0])
        join = span_hours(calendar, t, wait, lag.unit, hours_per_day)
        leaves.append(t)
        joins.append(join)
        t = join
