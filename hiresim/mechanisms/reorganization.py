"""``reorganization``: "HR reorganized, again" — organization-wide events that freeze hiring
work for a while and may hand every open requisition to a new recruiter.

Onsets are a Poisson process over the span with one freeze length each, drawn once for the
whole organization (up front); each freeze is laid over the calendars of the chosen roles as
``reorganization``. With ``reassign_recruiters``, a process hands open requisitions round to
other recruiters at each onset, and the new recruiter's next task for a requisition pays a
hand-over (:func:`hiresim.tasks.recruiter_handover`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from hiresim.causes import REORGANIZATION
from hiresim.durations import Duration
from hiresim.durations import parse_duration as duration
from hiresim.fields import Block, Real
from hiresim.mechanisms import RoleSpells, built_in
from hiresim.spells import HOURS_PER_YEAR, Layer, span_hours
from hiresim.tasks import Process, make_work
from hiresim.text import duration_words, plural

if TYPE_CHECKING:
    from hiresim.people import Person
    from hiresim.pipeline import Pipeline
    from hiresim.scenario import Scenario
    from hiresim.world import World

NAME = "reorganization"


class ReorganizationSpec(Block):
    """Organization-wide reorganizations that freeze hiring work for a while."""

    rate_per_year: Real = Field(
        0.4, gt=0.0, le=12.0,
        description="reorganizations per year, for the whole organization (random onsets)")
    roles: list[str] | None = Field(None, description="roles whose hiring work freezes")
    freeze: Duration = Field(
        duration({"dist": "lognormal", "median": 5.0, "p90": 15.0, "unit": "working_days"}),
        description="how long hiring work stops at each reorganization, from its onset (one "
                    "length for everyone; working days by default)")
    reassign_recruiters: bool = Field(
        True, description="at each reorganization, every open requisition goes to another "
                          "recruiter (needs 2 or more recruiters)")
    handover: Duration = Field(
        duration({"dist": "lognormal", "median": 1.0, "p90": 3.0, "unit": "working_hours"}),
        description="work of a recruiter new to a requisition reading up on it, once, on "
                    "their next task for it (working hours by default)")


@built_in
class Reorganization(RoleSpells):
    """One replication's reorganizations, drawn from the ``reorganization`` stream."""

    name = NAME
    spec = ReorganizationSpec
    cause = "reorganization"
    switched_off = "no reorganizations"
    block: ReorganizationSpec

    @classmethod
    def describe(cls, scenario: Scenario, spec: ReorganizationSpec
                 ) -> list[tuple[str, list[str]]]:
        return [("Life inside the company", [
            f"{plural(spec.rate_per_year, 'reorganization')} a year, each freezing "
            f"hiring work for {duration_words(spec.freeze)}."])]

    def __init__(self, world: World, spec: ReorganizationSpec, code: int) -> None:
        """The onsets and their freeze lengths, drawn up front (the same for everyone)."""
        super().__init__(world, spec, code)
        rng = self.rng
        self.onsets = reorganization_times(rng, spec.rate_per_year, self.span)
        self.lengths: list[float] = (spec.freeze.sample(rng, len(self.onsets)).tolist()
                                     if self.onsets else [])
        self.recruiter_role = ""

    def applies(self, person: Person) -> bool:
        return bool(self.onsets) and super().applies(person)

    def layer(self, person: Person) -> Layer:
        """Every freeze, in the person's working time from its onset."""
        unit, calendar, hpd = self.block.freeze.unit, person.calendar, person.hours_per_day
        ends = [span_hours(calendar, t, length, unit, hpd)
                for t, length in zip(self.onsets, self.lengths, strict=True)]
        return list(self.onsets), ends, REORGANIZATION

    def build(self, pipeline: Pipeline) -> None:
        """The hand-over a recruiter new to a requisition pays (its own stream)."""
        self.handover = make_work(self.world, self.block.handover, NAME, "handover")

    def install(self, pipeline: Pipeline) -> None:
        """Every task reads the hand-over from the world
        (:func:`hiresim.tasks.recruiter_handover`); reassignments move recruiters."""
        self.world.recruiter_handover = self.handover
        self.recruiter_role = pipeline.s.requisitions.recruiter_role

    def start(self) -> None:
        """Start reassigning recruiters at each onset, if the scenario says so."""
        if self.block.reassign_recruiters and self.onsets:
            rng = self.world.streams.generator(NAME, "reassign")
            self.world.env.process(reassign_recruiters(self.world, self.recruiter_role,
                                                       self.onsets, rng))


def reorganization_times(rng: np.random.Generator, rate_per_year: float, span: float
                         ) -> list[float]:
    """Onsets of organization-wide reorganizations (a Poisson process over the span, one
    draw at a time)."""
    mean_gap = HOURS_PER_YEAR / rate_per_year
    times: list[float] = []
    t = 0.0
    while True:
        t += float(rng.exponential(mean_gap))
        if t >= span:
            return times
        times.append(t)


def reassign_recruiters(w: World, recruiter_role: str, times: list[float],
                        rng: np.random.Generator) -> Process:
    """At each reorganization, every open requisition gets another recruiter (a new contact)."""
    env = w.env
    recruiters = w.people[recruiter_role]
    for t in times:
        if t > env.now:
            yield env.timeout(t - env.now)
        if len(recruiters) < 2:
            continue
        shift = int(rng.integers(1, len(recruiters)))
        for req in w.requisitions:
            if not req.closed:
                k = recruiters.index(req.recruiter)
                req.recruiter = recruiters[(k + shift) % len(recruiters)]
                req.handover_due = True

