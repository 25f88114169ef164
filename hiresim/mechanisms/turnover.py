"""``turnover``: "businesses change" — the contact is fired or quits.

Each seat's holder leaves at a hazard rate; the seat is empty (``turnover``, laid over the
calendar) until a replacement joins after a lag. Work that waited across the change of hands
pays a hand-over (the replacement re-reviews it), and the event log names the new holder
(``recruiter-2~1``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from hiresim.causes import TURNOVER
from hiresim.durations import Duration, DurationSpec
from hiresim.durations import parse_duration as duration
from hiresim.fields import Block, Real
from hiresim.mechanisms import RoleSpells, built_in
from hiresim.spells import HOURS_PER_YEAR, Layer, span_hours
from hiresim.tasks import make_work
from hiresim.text import duration_words, share
from hiresim.workhours import Timeline

if TYPE_CHECKING:
    from hiresim.people import Person
    from hiresim.pipeline import Pipeline
    from hiresim.scenario import Scenario

NAME = "turnover"


class TurnoverSpec(Block):
    """People leave (fired or quit); their seat is empty until a replacement joins."""

    roles: list[str] | None = Field(
        None, description="role names whose people may leave; default all")
    annual_rate: Real = Field(0.15, gt=0.0, le=5.0, description="departures per person-year")
    replacement_lag: Duration = Field(
        duration({"dist": "lognormal", "median": 45.0, "p90": 90.0, "unit": "calendar_days"}),
        description="time the seat stays empty until the replacement joins (calendar days by "
                    "default)")
    handover: Duration = Field(
        duration({"dist": "lognormal", "median": 2.0, "p90": 6.0, "unit": "working_hours"}),
        description="re-review of inherited work by the replacement")


@built_in
class Turnover(RoleSpells):
    """One replication's departures: a stream of ``turnover`` per seat (keyed by its id)."""

    name = NAME
    spec = TurnoverSpec
    cause = "turnover"
    switched_off = "nobody leaves"
    block: TurnoverSpec

    @classmethod
    def describe(cls, scenario: Scenario, spec: TurnoverSpec) -> list[tuple[str, list[str]]]:
        return [("Life inside the company", [
            f"{share(spec.annual_rate)} of staff leave each year; a replacement arrives "
            f"after {duration_words(spec.replacement_lag)}."])]

    def layer(self, person: Person) -> Layer:
        """The seat's vacancies; the replacements' arrival times go to ``person.joins``."""
        rng = self.world.streams.generator(NAME, person.id)
        leaves, joins = vacancies(rng, self.block.annual_rate, self.block.replacement_lag,
                                  person.calendar, person.hours_per_day, self.span)
        person.joins = joins
        return leaves, joins, TURNOVER

    def build(self, pipeline: Pipeline) -> None:
        """The hand-over a replacement pays for work that waited across the change (its
        own stream)."""
        self.handover = make_work(self.world, self.block.handover, NAME, "handover")

    def install(self, pipeline: Pipeline) -> None:
        """Every task reads the hand-over from the world (:mod:`hiresim.tasks`)."""
        self.world.turnover_handover = self.handover


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
