"""``absence``: "HR people have lives too" — planned vacation, random sick leave, and the
continuity policy that decides whether work waits for the absent person or goes to a colleague.

Vacation blocks start at midnight on days drawn with monthly weights (summer and December
peaks) until each person's allowance is used; sick spells start as a Poisson process. Both are
laid over the person's calendar as ``absence``. The continuity policy (:class:`Delegation`) is
installed on the world as a hook that every task consults when it arrives.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from hiresim.causes import ABSENCE
from hiresim.durations import DurationSpec
from hiresim.spells import Layer, PersonSpells, poisson_spells, span_hours
from hiresim.workhours import Timeline

if TYPE_CHECKING:
    from hiresim.people import Person
    from hiresim.scenario import AbsenceSpec
    from hiresim.world import World

NAME = "absence"


class Absence(PersonSpells):
    """One replication's absence draws: a stream per person, a shared vacation-day table."""

    __slots__ = ("day_cdf", "months")
    spec: AbsenceSpec

    def __init__(self, world: World, spec: AbsenceSpec, span: float, days: int) -> None:
        super().__init__(world, spec, span)
        self.months = month_of_day(world, days)
        #: Distribution of vacation start days, the same for everyone: built once.
        self.day_cdf = vacation_day_cdf(spec.seasonality, self.months, world.end)

    def layer(self, person: Person) -> Layer:
        """The person's vacations and sick spells, from their own sub-stream of ``absence``."""
        spec = self.spec
        rng = self.world.streams.sub_generator(NAME)
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
