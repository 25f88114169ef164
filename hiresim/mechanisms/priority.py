"""``priority``: "priorities change" — a person is pulled onto a top-priority project.

Projects start as a Poisson process per person and last a random time; a project may take only
the first ``share`` of each working day (the mornings). They are laid over the person's
calendar as ``priority``, which suspends work in progress; with ``on_return = "restart"`` the
interrupted task starts over when the person comes back (a restart rule installed on the
world, read by :func:`hiresim.tasks.task`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from hiresim.causes import PRIORITY
from hiresim.durations import Duration
from hiresim.durations import parse_duration as duration
from hiresim.fields import Block, Real
from hiresim.mechanisms import RoleSpells, built_in
from hiresim.spells import Layer, poisson_spells
from hiresim.text import duration_words, plural, roles_words
from hiresim.workhours import Availability, Timeline

if TYPE_CHECKING:
    from hiresim.people import Person
    from hiresim.pipeline import Pipeline
    from hiresim.scenario import Scenario

NAME = "priority"


class PrioritySpec(Block):
    """People pulled onto a top-priority project (a Poisson process per person)."""

    roles: list[str] | None = Field(
        None, description="role names whose people are pulled onto projects; default all")
    rate_per_year: Real = Field(2.0, gt=0.0, le=52.0, description="projects per person-year")
    duration: Duration = Field(
        duration({"dist": "lognormal", "median": 3.0, "p90": 10.0, "unit": "working_days"}),
        description="length of one project (working days by default)")
    on_return: Literal["resume", "restart"] = Field(
        "resume", description="work in progress resumes where it stopped, or starts over")
    share: Real = Field(
        1.0, gt=0.0, le=1.0,
        description="share of each working day the project takes (the first hours of the day)")


@built_in
class Priority(RoleSpells):
    """One replication's project draws: a stream of ``priority`` per person (keyed by id)."""

    name = NAME
    spec = PrioritySpec
    cause = "priority"
    switched_off = "nobody is pulled onto top-priority projects"
    block: PrioritySpec

    @classmethod
    def describe(cls, scenario: Scenario, spec: PrioritySpec) -> list[tuple[str, list[str]]]:
        return [("Life inside the company", [
            f"About {plural(spec.rate_per_year, 'top-priority project')} a year per person "
            f"({roles_words(spec.roles)}), each {duration_words(spec.duration)}."])]

    def layer(self, person: Person) -> Layer:
        spec = self.block
        rng = self.world.streams.generator(NAME, person.id)
        ps, pe = poisson_spells(rng, spec.rate_per_year, spec.duration, person.calendar,
                                person.hours_per_day, self.span)
        ps, pe = part_time(person.calendar, ps, pe, spec.share)
        return ps, pe, PRIORITY

    def install(self, pipeline: Pipeline) -> None:
        """Work interrupted by a project starts over, if the scenario says so."""
        if self.block.on_return == "restart":
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
