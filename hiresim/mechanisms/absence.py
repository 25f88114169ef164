"""``absence``: "HR people have lives too" — planned vacation and random sick leave.

Vacation blocks start at midnight on days drawn with monthly weights (summer and December
peaks) until each person's allowance is used; sick spells start as a Poisson process. Both are
laid over the person's calendar as ``absence``. Whether work waits for the absent person or
goes to a colleague is the continuity policy (:mod:`hiresim.mechanisms.continuity`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field, model_validator

from hiresim.causes import ABSENCE
from hiresim.durations import Duration, DurationSpec
from hiresim.durations import parse_duration as duration
from hiresim.fields import Block, Real
from hiresim.mechanisms import RoleSpells, built_in
from hiresim.spells import Layer, poisson_spells, span_hours
from hiresim.text import duration_words, plural, roles_words
from hiresim.workhours import Timeline

if TYPE_CHECKING:
    from hiresim.people import Person
    from hiresim.scenario import Scenario
    from hiresim.world import World

NAME = "absence"


class AbsenceSpec(Block):
    """Vacations and sick leave: a person on leave does no work."""

    roles: list[str] | None = Field(None, description="roles that take leave; default all")
    vacation_days_per_year: Real = Field(
        15.0, ge=0.0, le=120.0,
        description="vacation per person per year, in the unit of vacation_block (working days "
                    "by default)")
    vacation_block: Duration = Field(
        duration({"dist": "uniform", "low": 1, "high": 10, "unit": "working_days"}),
        description="length of one vacation block, in working days")
    seasonality: list[Real] = Field(
        [0.6, 0.6, 0.8, 0.9, 0.9, 1.3, 1.9, 1.9, 0.8, 0.8, 0.9, 1.6], min_length=12,
        max_length=12, description="relative chance of a vacation starting in each month")
    sick_spells_per_year: Real = Field(
        3.0, ge=0.0, le=52.0,
        description="sick spells per person per year, on average (random onsets; 0: none)")
    sick_duration: Duration = Field(
        duration({"dist": "lognormal", "median": 2.0, "p90": 5.0, "unit": "working_days"}),
        description="length of one sick spell")

    @model_validator(mode="after")
    def _weights(self) -> AbsenceSpec:
        if any(w < 0 for w in self.seasonality) or sum(self.seasonality) <= 0:
            raise ValueError("seasonality weights must be >= 0 and not all zero")
        return self


@built_in
class Absence(RoleSpells):
    """One replication's absence draws: a stream per person, a shared vacation-day table."""

    name = NAME
    spec = AbsenceSpec
    cause = "absence"
    switched_off = "nobody takes vacation or sick leave"
    block: AbsenceSpec

    @classmethod
    def describe(cls, scenario: Scenario, spec: AbsenceSpec) -> list[tuple[str, list[str]]]:
        return [("Life inside the company", [
            f"{plural(spec.vacation_days_per_year, 'vacation day')} a year and about "
            f"{plural(spec.sick_spells_per_year, 'sick spell')} "
            f"({duration_words(spec.sick_duration)}) for {roles_words(spec.roles)}."])]

    def __init__(self, world: World, spec: AbsenceSpec, code: int) -> None:
        super().__init__(world, spec, code)
        self.months = month_of_day(world, round(self.span / 24.0))
        #: Distribution of vacation start days, the same for everyone: built once.
        self.day_cdf = vacation_day_cdf(spec.seasonality, self.months, world.end)

    def layer(self, person: Person) -> Layer:
        """The person's vacations and sick spells, from their own stream (keyed by their id)."""
        spec = self.block
        rng = self.world.streams.generator(NAME, person.id)
        calendar, hpd = person.calendar, person.hours_per_day
        vs, ve = vacation_blocks(rng, spec.vacation_days_per_year, spec.vacation_block,
                                 spec.seasonality, self.months, calendar, hpd, self.span,
                                 self.day_cdf)
        ss, se = ([], []) if spec.sick_spells_per_year == 0 else poisson_spells(
            rng, spec.sick_spells_per_year, spec.sick_duration, calendar, hpd, self.span)
        return vs + ss, ve + se, ABSENCE


def month_of_day(world: World, days: int) -> np.ndarray:
    """Month index (0-11) of each day of the span, for seasonal vacation weights."""
    dates = np.datetime64(world.epoch, "D") + np.arange(days + 1)
    return (dates.astype("datetime64[M]").astype(int) % 12).astype(int)


def vacation_day_cdf(seasonality: list[float], first_weekday_month: np.ndarray, span: float
                     ) -> np.ndarray | None:
    """The cumulative distribution of a vacation's start day over the span's days, for
    :func:`vacation_blocks` (the same for everyone: a replication builds it once).

    It is the table ``Generator.choice(n_days, p=weights)`` builds on every call (normalized
    weights, cumulated, divided by the last), so searching it with ``rng.random(size)`` draws
    the same days from the same numbers. ``None`` when the weights cannot be normalized (no
    weight in the span's months): ``choice`` itself then reports it.
    """
    n_days = int(span // 24)
    weights = np.asarray(seasonality, dtype=float)[first_weekday_month[:n_days]]
    total = weights.sum()
    if n_days == 0 or not (np.isfinite(total) and total > 0.0):
        return None
    cdf = (weights / total).cumsum()
    cdf /= cdf[-1]
    return cdf


def vacation_blocks(rng: np.random.Generator, days_per_year: float, block: DurationSpec,
                    seasonality: list[float], first_weekday_month: np.ndarray,
                    calendar: Timeline, hours_per_day: float, span: float,
                    day_cdf: np.ndarray | None = None) -> tuple[list[float], list[float]]:
    """Planned vacation: blocks starting at midnight on days drawn with monthly weights, until
    the person's allowance for the span is used. ``day_cdf``, if given, is
    :func:`vacation_day_cdf` of the same arguments (the draws are the same with or without)."""
    n_days = int(span // 24)
    if days_per_year <= 0 or n_days == 0:
        return [], []
    allowance = days_per_year * n_days / 365.0
    starts: list[float] = []
    ends: list[float] = []
    used = 0.0
    lengths = block.sample(rng, 64).tolist()
    if day_cdf is None:
        weights = np.asarray(seasonality, dtype=float)[first_weekday_month[:n_days]]
        weights = weights / weights.sum()
        days = rng.choice(n_days, size=64, p=weights).tolist()
    else:
        days = day_cdf.searchsorted(rng.random(64), side="right").tolist()
    for length, day in zip(lengths, days, strict=True):
        if used >= allowance:
            break
        length = min(length, allowance - used)
        start = day * 24.0
        end = span_hours(calendar, start, length, block.unit, hours_per_day)
        starts.append(start)
        ends.append(math.ceil(end / 24.0) * 24.0 if block.unit == "working_days" else end)
        used += length
    return starts, ends
