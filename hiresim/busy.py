"""Busy time in people's calendars as meetings: blocks of drawn lengths, some recurring weekly
at the same slot, optionally kept off mornings or afternoons (a role's ``calendar_blocks``).

A role's ``calendar_load`` is the share of its working time already booked with other
meetings. By default each clock hour is booked independently with that probability
(:func:`hiresim.meetings.busy_blocks`). Real calendars are meetings: an hour's one-to-one, a
weekly team meeting every Tuesday at ten, mornings kept free for focused work. With
``calendar_blocks`` the same share is booked as such meetings:

- **lengths**: each meeting lasts one of ``minutes`` (drawn with ``weights``), starting on a
  half hour, inside one stretch of working time (not across lunch or the end of the day);
- **recurring**: a share ``recurring`` of the booked time is meetings that recur every week at
  the same weekday and time (drawn once per person); the rest are one-off meetings drawn anew
  each week in the time the recurring ones leave;
- **packed**: a share ``packed`` of the meetings is booked back to back with another meeting
  or at the edge of a stretch of working time (either edge of a free run where it fits, drawn
  uniformly), the others at a half hour drawn uniformly where they fit: meetings dropped at
  random starts fragment free time (a 2-hour slot becomes rarer than with independent hours),
  packed ones keep it in one piece;
- **free**: ``mornings`` (or ``afternoons``) keeps that half of each working day (before or
  after lunch, or the middle of the day without one) free of meetings: the load is booked in
  the other half.

The target of each kind is hours of the week: ``load * recurring * W`` recurring and ``load *
(1 - recurring) * W`` one-off, ``W`` being the working hours of a week of the role's calendar
(public holidays aside: nobody is at work then anyway). Meetings are placed one after another
at a start drawn uniformly among those where they fit; the last one is kept with probability
``(target - booked) / length``, so that the booked hours equal the target on average (exactly,
as long as every meeting finds room: at a load near the room there is, the last ones may not,
and the calendar is a little less full than asked).

The sampler is a function of a week: :func:`weekly_meetings` ``(rng, params)`` draws a
person's recurring meetings once (a :class:`PersonWeek`), and :func:`busy_week` ``(rng,
week_start, person)`` gives one week's busy intervals, so that a caller may draw weeks lazily,
each from a stream of its own, as the model does (:func:`hiresim.model.block_weeks`);
:func:`busy_span` draws a person's recurring meetings and then every week of a span from one
generator.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
from pydantic import Field, field_validator, model_validator

from hiresim.fields import WEEKDAYS, Block, Real, Whole

#: Meetings start on the half hour; their lengths are whole quarter hours.
CELL_HOURS = 0.25
START_CELLS = 2
HOURS_PER_WEEK = 168.0
CELLS_PER_WEEK = round(HOURS_PER_WEEK / CELL_HOURS)


class CalendarBlocksSpec(Block):
    """How a role's booked time (``calendar_load``) is laid out: meetings, not single hours."""

    minutes: list[Whole] = Field(
        default_factory=lambda: [30, 60, 60, 90], min_length=1, max_length=50,
        description="lengths of the meetings, in minutes (whole quarter hours, 15 to 480), "
                    "drawn with weights (default: 30, 60, 60, 90)")
    weights: list[Real] | None = Field(
        None, description="relative frequency of each length in minutes (default: equal)")
    recurring: Real = Field(
        0.5, ge=0.0, le=1.0,
        description="share of the booked time in meetings that recur every week at the same "
                    "weekday and time; the rest are one-off meetings drawn anew each week")
    packed: Real = Field(
        0.5, ge=0.0, le=1.0,
        description="share of the meetings booked back to back with another meeting or at "
                    "the edge of a stretch of working time (people keep their free time in "
                    "one piece); the others start at a half hour drawn uniformly where they fit")
    free: Literal["mornings", "afternoons"] | None = Field(
        None, description="half of each working day kept free of meetings (before or after "
                          "lunch, or the middle of the day): the load is booked in the other "
                          "half (default: none)")

    @field_validator("minutes")
    @classmethod
    def _quarters(cls, minutes: list[int]) -> list[int]:
        for k, m in enumerate(minutes):
            if m < 15 or m > 480 or m % 15:
                raise ValueError(f"minutes {k} is {m}; a meeting lasts whole quarter hours, "
                                 "15 to 480 minutes")
        return minutes

    @model_validator(mode="after")
    def _weights(self) -> CalendarBlocksSpec:
        w = self.weights
        if w is not None:
            if len(w) != len(self.minutes):
                raise ValueError(f"{len(w)} weights for {len(self.minutes)} lengths in "
                                 "minutes: give one weight per length")
            if any(not np.isfinite(x) or x < 0 for x in w) or sum(w) <= 0:
                raise ValueError("weights are numbers >= 0, not all 0")
        return self


@dataclass(frozen=True)
class BlockParams:
    """A role's block calendar, ready to draw weeks: everything in quarter-hour cells from the
    start of a week (which need not be a Monday)."""

    #: Booked share of working time.
    load: float
    #: Meeting lengths in cells, and the cumulative probability of each.
    lengths: tuple[int, ...]
    cumulative: tuple[float, ...]
    recurring: float
    #: Share of meetings placed against an edge of a free run.
    packed: float
    #: Runs ``[first, end)`` of cells in which a meeting may lie (working time, less lunch and
    #: a kept-free half); a meeting lies within one run.
    runs: tuple[tuple[int, int], ...]
    #: Working hours of a week (the load's denominator).
    week_hours: float

    @property
    def targets(self) -> tuple[float, float]:
        """Booked hours per week: recurring, one-off."""
        booked = self.load * self.week_hours
        return booked * self.recurring, booked * (1.0 - self.recurring)


def block_params(spec: CalendarBlocksSpec, load: float, weekdays: list[int],
                 hours: tuple[float, float], lunch: tuple[float, float] | None,
                 first_weekday: int) -> BlockParams:
    """The parameters of a role whose calendar works ``weekdays`` (0 = Monday) from
    ``hours[0]`` to ``hours[1]`` (hours of the day), with ``lunch`` off, in weeks that start on
    weekday ``first_weekday`` (the scenario's start)."""
    work = np.zeros(CELLS_PER_WEEK, dtype=bool)
    allowed = np.zeros(CELLS_PER_WEEK, dtype=bool)
    per_day = round(24 / CELL_HOURS)
    a, b = round(hours[0] / CELL_HOURS), round(hours[1] / CELL_HOURS)
    split = (round(lunch[0] / CELL_HOURS) if lunch is not None
             else round((a + b) / 2 / START_CELLS) * START_CELLS)
    for i in range(7):
        if (first_weekday + i) % 7 not in weekdays:
            continue
        day = np.zeros(per_day, dtype=bool)
        day[a:b] = True
        if lunch is not None:
            day[round(lunch[0] / CELL_HOURS):round(lunch[1] / CELL_HOURS)] = False
        work[i * per_day:(i + 1) * per_day] = day
        ok = day.copy()
        if spec.free == "mornings":
            ok[:split] = False
        elif spec.free == "afternoons":
            ok[split:] = False
        allowed[i * per_day:(i + 1) * per_day] = ok
    edges = np.flatnonzero(np.diff(np.concatenate(([0], allowed.astype(np.int8), [0]))))
    runs = tuple((int(x), int(y)) for x, y in zip(edges[::2], edges[1::2], strict=True))
    raw = np.asarray(spec.weights if spec.weights is not None else [1.0] * len(spec.minutes),
                     dtype=float)
    cumulative = np.cumsum(raw / raw.sum())
    cumulative[-1] = 1.0
    return BlockParams(load, tuple(round(m / 60 / CELL_HOURS) for m in spec.minutes),
                       tuple(cumulative.tolist()), spec.recurring, spec.packed, runs,
                       float(work.sum()) * CELL_HOURS)


class WorkingWeek(Protocol):
    """What the block sampler reads of a working calendar (a scenario's ``CalendarSpec``)."""

    @property
    def weekdays(self) -> Sequence[str]: ...
    @property
    def hours(self) -> tuple[str, str]: ...
    @property
    def lunch(self) -> tuple[str, str] | None: ...
    @property
    def always_open(self) -> bool: ...


def _clock(value: str) -> float:
    hh, mm = value.split(":")
    return int(hh) + int(mm) / 60.0


def params_of(spec: CalendarBlocksSpec, load: float, calendar: WorkingWeek,
              first_weekday: int) -> BlockParams:
    """A role's block calendar in the terms of its working calendar's week (weeks start on
    weekday ``first_weekday``, the scenario's start)."""
    if calendar.always_open:
        return block_params(spec, load, list(range(7)), (0.0, 24.0), None, first_weekday)
    lunch = calendar.lunch
    return block_params(spec, load, [WEEKDAYS.index(d) for d in calendar.weekdays],
                        (_clock(calendar.hours[0]), _clock(calendar.hours[1])),
                        None if lunch is None else (_clock(lunch[0]), _clock(lunch[1])),
                        first_weekday)


def room_problem(spec: CalendarBlocksSpec, calendar: WorkingWeek) -> str | None:
    """Why no meeting of the block fits in a stretch of working time (``None``: one does)."""
    params = params_of(spec, 0.0, calendar, 0)
    longest = max((b - a for a, b in params.runs), default=0)
    if min(params.lengths) <= longest:
        return None
    where = f"the {'afternoons' if spec.free == 'mornings' else 'mornings'}" if spec.free \
        else "a stretch of working time"
    return (f"the shortest meeting ({min(spec.minutes)} minutes) does not fit in {where} "
            f"({longest * CELL_HOURS * 60:g} minutes at most): nothing would be booked; "
            "give shorter minutes")


class _Uniforms:
    """Uniforms on [0, 1) drawn from a generator in batches (a scalar NumPy call per number
    would cost more than the placement itself)."""

    __slots__ = ("batch", "rng", "values")

    def __init__(self, rng: np.random.Generator, batch: int = 64) -> None:
        self.rng, self.batch = rng, batch
        self.values: list[float] = []

    def __call__(self) -> float:
        if not self.values:
            self.values = self.rng.random(self.batch).tolist()[::-1]
        return self.values.pop()


def _fill(u: _Uniforms, params: BlockParams, runs: list[tuple[int, int]], target: float
          ) -> list[tuple[int, int]]:
    """Place meetings in the free ``runs`` of cells (changed in place) until ``target`` hours
    are booked (the last one kept in proportion): ``(first cell, cells)`` of each. A meeting
    starts on a half hour drawn uniformly among those where it fits in a run."""
    out: list[tuple[int, int]] = []
    booked = 0.0
    lengths, cumulative, packed = params.lengths, params.cumulative, params.packed
    while booked < target:
        cells = lengths[min(bisect_right(cumulative, u()), len(lengths) - 1)]
        hours = cells * CELL_HOURS
        if booked + hours > target and u() >= (target - booked) / hours:
            break
        # half-hour starts s = 2m with a <= s and s + cells <= b, in each run [a, b)
        total = 0
        upto = []  # starts in the runs up to each one
        for a, b in runs:
            n = (b - cells) // START_CELLS - (a + 1) // START_CELLS + 1
            if n > 0:
                total += n
            upto.append(total)
        if not total:
            break  # no room left for a meeting of this length
        if packed and u() < packed:  # against an edge of a run where it fits
            edges = []
            for a, b in runs:
                lo = -(-a // START_CELLS) * START_CELLS
                hi = (b - cells) // START_CELLS * START_CELLS
                if lo <= hi:
                    edges.append(lo)
                    if hi != lo:
                        edges.append(hi)
            first = edges[min(int(u() * len(edges)), len(edges) - 1)]
            j = next(k for k, (a, b) in enumerate(runs) if a <= first < b)
            a, b = runs[j]
        else:
            pick = min(int(u() * total), total - 1)
            j = bisect_right(upto, pick)
            a, b = runs[j]
            first = ((a + 1) // START_CELLS + pick - (upto[j - 1] if j else 0)) * START_CELLS
        runs[j:j + 1] = [r for r in ((a, first), (first + cells, b)) if r[1] > r[0]]
        out.append((first, cells))
        booked += hours
    return out


@dataclass(frozen=True)
class PersonWeek:
    """One person's week of meetings, ready to draw: their role's parameters, their recurring
    meetings ``(first cell, cells)`` (the same every week) and the runs of cells those leave
    free for one-off meetings."""

    params: BlockParams
    recurring: tuple[tuple[int, int], ...]
    free: tuple[tuple[int, int], ...]


def weekly_meetings(rng: np.random.Generator, params: BlockParams) -> PersonWeek:
    """Draw a person's recurring meetings (once per person): their :class:`PersonWeek`."""
    recurring = sorted(_fill(_Uniforms(rng), params, list(params.runs), params.targets[0]))
    runs = list(params.runs)
    for first, cells in recurring:
        for j, (a, b) in enumerate(runs):
            if a <= first and first + cells <= b:
                runs[j:j + 1] = [r for r in ((a, first), (first + cells, b)) if r[1] > r[0]]
                break
    return PersonWeek(params, tuple(recurring), tuple(runs))


def busy_week(rng: np.random.Generator, week_start: float, person: PersonWeek
              ) -> tuple[list[float], list[float]]:
    """The busy intervals (hours since the epoch, sorted) of the week starting at
    ``week_start`` (a multiple of 168 hours from the epoch: the week the parameters describe
    starts on the scenario's first weekday): the person's recurring meetings and this week's
    one-off ones, drawn from ``rng``."""
    params = person.params
    meetings = [*person.recurring,
                *_fill(_Uniforms(rng, 16), params, list(person.free), params.targets[1])]
    meetings.sort()
    starts = [week_start + s * CELL_HOURS for s, _ in meetings]
    ends = [week_start + (s + c) * CELL_HOURS for s, c in meetings]
    return starts, ends


def busy_span(rng: np.random.Generator, params: BlockParams, weeks: int
              ) -> tuple[list[float], list[float]]:
    """A person's busy intervals over ``weeks`` weeks from the epoch: their recurring meetings
    (drawn first), then each week's one-off ones in turn, all from ``rng``."""
    person = weekly_meetings(rng, params)
    starts: list[float] = []
    ends: list[float] = []
    for k in range(weeks):
        s, e = busy_week(rng, k * HOURS_PER_WEEK, person)
        starts += s
        ends += e
    return starts, ends
