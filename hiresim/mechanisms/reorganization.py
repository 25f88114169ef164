"""``reorganization``: "HR reorganized, again" — organization-wide events that freeze hiring
work for a while and may hand every open requisition to a new recruiter.

Onsets are a Poisson process over the span with one freeze length each, drawn once for the
whole organization; each freeze is laid over the calendars of the chosen roles as
``reorganization``. With ``reassign_recruiters``, a process hands open requisitions round to
other recruiters at each onset, and the new recruiter's next task for a requisition pays a
hand-over (:func:`hiresim.tasks.recruiter_handover`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hiresim.causes import REORGANIZATION
from hiresim.spells import HOURS_PER_YEAR, span_hours
from hiresim.tasks import Process, Work, make_work

if TYPE_CHECKING:
    from hiresim.people import Person
    from hiresim.scenario import ReorganizationSpec
    from hiresim.spells import Layer
    from hiresim.world import World

NAME = "reorganization"


class Reorganization:
    """One replication's reorganizations, drawn from the ``reorganization`` stream."""

    __slots__ = ("handover", "lengths", "onsets", "spec", "world")

    def __init__(self, world: World, spec: ReorganizationSpec, span: float) -> None:
        self.world = world
        self.spec = spec
        rng = world.streams.generator(NAME)
        self.onsets = reorganization_times(rng, spec.rate_per_year, span)
        self.lengths: list[float] = (spec.freeze.sample(rng, len(self.onsets)).tolist()
                                     if self.onsets else [])
        self.handover: Work | None = None

    def applies(self, person: Person) -> bool:
        return bool(self.onsets) and (self.spec.roles is None or person.role in self.spec.roles)

    def layer(self, person: Person) -> Layer:
        """Every freeze, in the person's working time from its onset."""
        unit, calendar, hpd = self.spec.freeze.unit, person.calendar, person.hours_per_day
        ends = [span_hours(calendar, t, length, unit, hpd)
                for t, length in zip(self.onsets, self.lengths, strict=True)]
        return list(self.onsets), ends, REORGANIZATION

    def install(self) -> None:
        """The hand-over a recruiter new to a requisition pays."""
        self.handover = self.world.recruiter_handover = make_work(self.world,
                                                                  self.spec.handover)

    def start(self, recruiter_role: str) -> None:
        """Start reassigning recruiters at each onset, if the scenario says so."""
        if self.spec.reassign_recruiters and self.onsets:
            rng = self.world.streams.sub_generator(NAME)
            self.world.env.process(reassign_recruiters(self.world, recruiter_role,
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

