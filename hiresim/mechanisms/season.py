"""``season``: a year that is not stationary — arrival and opening rates that change by month
and by dated period, and dated hiring freezes that stop chosen stages.

Rates. Candidates arrive at a requisition, and requisitions open, at the scenario's base rate
times a multiplier: one per calendar month (``candidates_by_month``, ``requisitions_by_month``,
January first) times that of a dated period covering the moment (``periods``). The arrivals are
a non-homogeneous Poisson process, drawn by thinning: a homogeneous process at the peak rate
(from the ``arrivals`` stream, as without the block) of which each point is kept with
probability ``rate(t) / peak`` (one uniform from this mechanism's own stream per point). With
every multiplier at 1 nothing is thinned and no number is drawn: the arrivals are exactly those
of the scenario without the block.

Freezes. A freeze is a range of dates (the last one included), one-off (``2026-12-14``) or
recurring every year (``12-14``), and the stages it stops. A step of a stopped stage that falls
due while the freeze holds does not start: it waits for the first working moment, in the
calendar of the person who would do it, after the freeze lifts (``approvals``: each step of
the offer's chain, on its first approver's calendar). That wait is charged to the
cause ``freeze``, from the first working moment the freeze takes away (the night before it is
``off_hours``, as it would have been anyway) to the first working moment after it; so a freeze
over 10 working days delays a step due at its start by exactly 10 working days, all ``freeze``.
A step already under way when a freeze begins is finished (the freeze stops new work, not work
in hand). Vacation peaks are people's absences and stay in ``absence``.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import BeforeValidator, Field, ValidationInfo, field_validator

from hiresim.mechanisms import Mechanism, MechanismSpec, register
from hiresim.tasks import Process
from hiresim.trace import Leg

if TYPE_CHECKING:
    from hiresim.people import Person
    from hiresim.pipeline import Pipeline
    from hiresim.scenario import Scenario
    from hiresim.world import Candidate

NAME = "season"

#: The stages a freeze can stop, in the order of the candidate's path.
Stage = Literal["screening", "interview", "debrief", "decision", "approvals", "offer"]
STAGES: tuple[Stage, ...] = ("screening", "interview", "debrief", "decision", "approvals",
                             "offer")
MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July",
                           "August", "September", "October", "November", "December")

_DATE = re.compile(r"^(?:(\d{4})-)?(\d{2})-(\d{2})$")


def _year_date(value: Any) -> str:
    """A date as ``YYYY-MM-DD`` (one-off) or ``MM-DD`` (every year); TOML dates are one-off."""
    if isinstance(value, datetime):
        raise ValueError("give a date without a time of day, e.g. 2026-12-14 or \"12-14\"")
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise ValueError(f"expected a date, 2026-12-14 (once) or \"12-14\" (every year), got "
                         f"{value!r}")
    match = _DATE.match(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not a date: write 2026-12-14 (once) or \"12-14\" "
                         "(every year)")
    year, month, day = match.groups()
    if year is None and (month, day) == ("02", "29"):
        raise ValueError("\"02-29\" does not come every year; use 02-28 or 03-01")
    try:
        date(int(year) if year else 2027, int(month), int(day))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date: {exc}") from None
    return value.strip()


YearDate = Annotated[str, BeforeValidator(_year_date)]


def _recurs(value: str) -> bool:
    return len(value) == 5


def _on(value: str, year: int) -> date:
    """The date ``value`` stands for in ``year`` (its own year if it is one-off)."""
    if _recurs(value):
        return date(year, int(value[:2]), int(value[3:]))
    return date.fromisoformat(value)


class _Dated(MechanismSpec):
    """A range of dates, first to last day included: once, or every year."""

    start: YearDate = Field(description="first day: 2026-12-14 (once) or \"12-14\" (every year)")
    end: YearDate = Field(description="last day, included; written like start (once, or every "
                                      "year), not before it")

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: str, info: ValidationInfo) -> str:
        start = info.data.get("start")
        if start is None:
            return end
        if _recurs(start) != _recurs(end):
            raise ValueError(f"start {start!r} and end {end!r} must both be one-off dates "
                             "(2026-12-14) or both every year (\"12-14\")")
        if _on(end, 2027) < _on(start, 2027):
            hint = (" (a range over New Year is two ranges: \"12-20\" to \"12-31\" and "
                    "\"01-01\" to \"01-06\")" if _recurs(start) else "")
            raise ValueError(f"end {end!r} is before start {start!r}{hint}")
        return end

    def days(self, first_year: int, last_year: int) -> list[tuple[date, date]]:
        """``(first day, day after the last)`` of each occurrence in these years."""
        years = range(first_year, last_year + 1) if _recurs(self.start) else [0]
        return [(_on(self.start, y), _on(self.end, y) + timedelta(days=1)) for y in years]

    @property
    def label(self) -> str:
        return f"{self.start} to {self.end}"


class PeriodSpec(_Dated):
    """A dated period whose rates are multiplied (on top of the month's multiplier)."""

    candidates: float = Field(1.0, ge=0.0, le=1000.0,
                              description="multiplier of the candidate arrival rate")
    requisitions: float = Field(1.0, ge=0.0, le=1000.0,
                                description="multiplier of the requisition opening rate")


class FreezeSpec(_Dated):
    """A hiring freeze: the chosen stages do not start new work from start to end."""

    name: str = Field("", max_length=80, description="what the freeze is, for people "
                                                     "(e.g. \"fiscal year-end budget freeze\")")
    stages: list[Stage] = Field(
        default_factory=lambda: list[Stage](STAGES), min_length=1,
        description="stages stopped: screening, interview, debrief, decision, approvals, "
                    "offer (default: all)")

    @field_validator("stages")
    @classmethod
    def _unique(cls, stages: list[str]) -> list[str]:
        twice = sorted({s for s in stages if stages.count(s) > 1})
        if twice:
            raise ValueError(f"{', '.join(twice)} listed twice")
        return stages


def _by_month(value: list[float] | None) -> list[float] | None:
    if value is None:
        return None
    if len(value) != 12:
        raise ValueError(f"needs 12 multipliers, January to December; got {len(value)}")
    for k, v in enumerate(value):
        if not math.isfinite(v) or v < 0.0:
            raise ValueError(f"multiplier {k} ({MONTHS[k]}) is {v!r}; multipliers are "
                             "numbers >= 0 (1 = the base rate)")
    if not any(value):
        raise ValueError("every month is 0: nothing would ever arrive; leave the list out "
                         "for the base rate all year")
    return value


def _overlaps(items: list[_Dated], what: str) -> None:
    """No two ranges of the list share a day (recurring ones compared over two years, one of
    them a leap year; one-off ones in their own years)."""
    years = sorted({int(item.start[:4]) for item in items if not _recurs(item.start)}
                   or {2027})
    first, last = min(years) - 1, max(max(years), 2028) + 1
    spans = [item.days(first, last) for item in items]
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            for a1, b1 in spans[i]:
                for a2, b2 in spans[j]:
                    if a1 < b2 and a2 < b1:
                        raise ValueError(f"{what} {i} ({items[i].label}) and {what} {j} "
                                         f"({items[j].label}) overlap; give each day to one "
                                         f"{what}")


class SeasonSpec(MechanismSpec):
    """Rates that change through the year, and dated hiring freezes."""

    candidates_by_month: list[float] | None = Field(
        None, description="12 multipliers of the candidate arrival rate, January to December "
                          "(default: 1 all year)")
    requisitions_by_month: list[float] | None = Field(
        None, description="12 multipliers of the requisition opening rate, January to December "
                          "(default: 1 all year)")
    periods: list[PeriodSpec] = Field(
        default_factory=list, description="dated periods with rate multipliers of their own "
                                          "(on top of the month's); they may not overlap")
    freezes: list[FreezeSpec] = Field(
        default_factory=list, description="hiring freezes: dates and the stages they stop; "
                                          "they may not overlap")

    @field_validator("candidates_by_month", "requisitions_by_month")
    @classmethod
    def _months(cls, value: list[float] | None) -> list[float] | None:
        return _by_month(value)

    @field_validator("periods")
    @classmethod
    def _periods_apart(cls, periods: list[PeriodSpec]) -> list[PeriodSpec]:
        _overlaps(list(periods), "period")
        return periods

    @field_validator("freezes")
    @classmethod
    def _freezes_apart(cls, freezes: list[FreezeSpec]) -> list[FreezeSpec]:
        _overlaps(list(freezes), "freeze")
        return freezes

    def peak(self, kind: str) -> float:
        """An upper bound of the multiplier of ``kind`` anywhere in the year (for sizing)."""
        months = getattr(self, f"{kind}_by_month") or [1.0]
        return max(months) * max([1.0, *(getattr(p, kind) for p in self.periods)])

    def varies(self, kind: str) -> bool:
        """Whether the rate of ``kind`` (candidates, requisitions) is not 1 everywhere."""
        months = getattr(self, f"{kind}_by_month")
        return ((months is not None and any(m != 1.0 for m in months))
                or any(getattr(p, kind) != 1.0 for p in self.periods))


#: What each stage a freeze stops is, in an HR reader's words.
_STAGE_WORDS = {"screening": "screenings", "interview": "interviews", "debrief": "debriefs",
                "decision": "decisions", "approvals": "offer sign-offs", "offer": "offers"}


def _when(item: _Dated) -> str:
    """A range as a reader reads it: "Every year from 14 December to 31 December"."""
    def day(value: str) -> str:
        d = _on(value, 2027)
        return f"{d.day} {MONTHS[d.month - 1]}" + ("" if _recurs(value) else f" {d.year}")

    text = f"from {day(item.start)} to {day(item.end)}"
    return f"Every year {text}" if _recurs(item.start) else text[0].upper() + text[1:]


def _hours(day: date, epoch: date) -> float:
    return (day - epoch).days * 24.0


@register
class Season(Mechanism):
    """Rates by month and period (thinning), and freezes held at the start of each stage."""

    name = NAME
    spec = SeasonSpec
    cause = "freeze"
    switched_off = "rates are the base rates all year and nothing is frozen"
    block: SeasonSpec

    @classmethod
    def describe(cls, scenario: Scenario, spec: SeasonSpec) -> list[tuple[str, list[str]]]:
        """The year's rates and freezes in plain words, for the HR report's assumptions."""
        lines = []
        for kind, what in (("candidates", "Candidates arrive"),
                           ("requisitions", "New positions open")):
            months = getattr(spec, f"{kind}_by_month")
            if months is not None and any(m != 1.0 for m in months):
                low, high = min(months), max(months)
                lines.append(f"{what} at {low:g} to {high:g} times the base rate through the "
                             f"year (least in {MONTHS[months.index(low)]}, most in "
                             f"{MONTHS[months.index(high)]}).")
        for p in spec.periods:
            lines.append(f"{_when(p)}: candidates ×{p.candidates:g}, new positions "
                         f"×{p.requisitions:g}.")
        for f in spec.freezes:
            words = [_STAGE_WORDS[stage] for stage in f.stages]
            stages = ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]
            lines.append(f"{f.name or 'A hiring freeze'}: {_when(f)[0].lower()}{_when(f)[1:]}, "
                         f"{stages} stop.")
        return [("The year", lines)]

    def __init__(self, world: Any, spec: Any, code: int) -> None:
        super().__init__(world, spec, code)
        s: SeasonSpec = spec
        epoch = world.epoch
        last = epoch + timedelta(hours=world.end) + timedelta(days=400)
        #: Per kind, ``(bounds, multipliers)``: the multiplier from bounds[i] to bounds[i + 1].
        self.rates: dict[str, tuple[list[float], list[float]]] = {
            kind: self._segments(kind, epoch, last) for kind in ("candidates", "requisitions")
            if s.varies(kind)}
        #: Per stage, the freezes that stop it: sorted ``(start, end)`` hours since the epoch.
        self.frozen: dict[str, list[tuple[float, float]]] = {}
        for freeze in s.freezes:
            spans = [(_hours(a, epoch), _hours(b, epoch))
                     for a, b in freeze.days(epoch.year - 1, last.year)]
            for stage in freeze.stages:
                self.frozen.setdefault(stage, []).extend(spans)
        for spans in self.frozen.values():
            spans.sort()
        self._starts = {stage: [a for a, _ in spans] for stage, spans in self.frozen.items()}

    def _segments(self, kind: str, epoch: date, last: date) -> tuple[list[float], list[float]]:
        s = self.block
        months = getattr(s, f"{kind}_by_month") or [1.0] * 12
        cuts = {date(epoch.year, epoch.month, 1)}
        y, m = epoch.year, epoch.month
        while date(y, m, 1) <= last:
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
            cuts.add(date(y, m, 1))
        periods = [(a, b, getattr(p, kind)) for p in s.periods
                   for a, b in p.days(epoch.year - 1, last.year)]
        for a, b, _ in periods:
            cuts.update((a, b))
        bounds = sorted(cuts)
        values = []
        for day in bounds:
            value = months[day.month - 1]
            for a, b, factor in periods:
                if a <= day < b:
                    value *= factor
            values.append(value)
        return [_hours(d, epoch) for d in bounds], values

    def install(self, pipeline: Pipeline) -> None:
        super().install(pipeline)
        if self.rates:
            pipeline.rates = self
        if self.frozen:  # a hold before each stage (and each step of the offer's chain)
            pipeline.gates.append(self.hold)

    # -- rates ---------------------------------------------------------------------------------

    def peak(self, kind: str, t0: float, t1: float) -> float:
        """The highest multiplier of ``kind`` on ``[t0, t1)`` (1 if it does not vary)."""
        rates = self.rates.get(kind)
        if rates is None:
            return 1.0
        bounds, values = rates
        i = max(bisect_right(bounds, t0) - 1, 0)
        j = bisect_right(bounds, t1)
        return max(values[i:max(j, i + 1)])

    def multiplier(self, kind: str, times: np.ndarray) -> np.ndarray:
        """The multiplier of ``kind`` at each of ``times`` (hours since the epoch)."""
        bounds, values = self.rates[kind]
        index = np.searchsorted(np.asarray(bounds), times, side="right") - 1
        return np.asarray(values)[np.clip(index, 0, len(values) - 1)]

    def thin(self, kind: str, times: list[float], peak: float) -> list[float]:
        """Keep each point of a process drawn at ``peak`` times the base rate with probability
        ``multiplier / peak``: a non-homogeneous Poisson process (one uniform per point)."""
        if kind not in self.rates or not times:
            return times
        t = np.asarray(times)
        keep = self.rng.random(t.size) * peak < self.multiplier(kind, t)
        return t[keep].tolist()

    # -- freezes -------------------------------------------------------------------------------

    def _freeze_at(self, stage: str, t: float) -> tuple[float, float] | None:
        spans = self.frozen[stage]
        i = bisect_right(self._starts[stage], t) - 1
        if i >= 0 and t < spans[i][1]:
            return spans[i]
        return None

    def hold(self, stage: str, leg: Leg, person: Person) -> Process:
        """Hold a step of ``stage`` that ``person`` would start now while a freeze stops it,
        until the first working moment after the freeze (charged to ``freeze``)."""
        if stage not in self.frozen:
            return
        w = self.world
        env = w.env
        calendar = person.calendar
        while True:
            first = calendar.next_open(env.now)  # the first moment the step could start
            span = self._freeze_at(stage, first)
            if span is None:
                return
            if first > leg.mark:  # the night (or weekend) before: what it was anyway
                leg.charge(first, person.timeline, self.code)
            resume = calendar.next_open(span[1])
            leg.pending(None, self.code)
            if resume >= w.end:
                yield w.never  # frozen beyond the simulation: censored at its end
                return
            if resume > env.now:
                yield env.timeout(resume - env.now)
            leg.flat(resume, self.code)

    def step(self, candidate: Candidate, rnd: int, leg: Leg, outcome: str) -> Process | None:
        """An offer is not sent while a freeze stops ``offer`` (the recruiter's calendar)."""
        if outcome != "offer" or "offer" not in self.frozen:
            return None
        return self.hold("offer", leg, candidate.requisition.recruiter)

    @classmethod
    def check(cls, scenario: Scenario, spec: Any) -> list[tuple[str, str]]:
        """Cross-field checks: thinning needs Poisson arrivals."""
        s: SeasonSpec = spec
        if s.varies("candidates") and scenario.candidates.arrivals != "poisson":
            return [(f"{NAME}.candidates_by_month",
                     "candidate rates by month or period need candidates.arrivals = "
                     "\"poisson\" (regular arrivals have no rate to vary)")]
        return []
