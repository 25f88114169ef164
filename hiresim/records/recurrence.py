"""What a recurrence rule (an RFC 5545 ``RRULE``) will cost, known before it is expanded: its
parts checked against their ranges, whether it can occur at all, and bounds of the number of
its occurrences (and of the steps an expansion takes) between two dates.

A calendar file is text from outside: a rule such as ``FREQ=DAILY;BYYEARDAY=366;BYMONTH=1``
never occurs, and the rule engine (:mod:`dateutil.rrule`, under
:mod:`recurring_ical_events`) would look for its first occurrence day after day up to the year
9999, which takes seconds for each such rule; a rule of every minute has half a million
occurrences a year. So every rule is checked here first, in numbers, without expanding it.

How. The Gregorian calendar repeats every 400 years (146,097 days, exactly 20,871 weeks and
4,800 months): month, day of the month and of the year, weekday, the n-th weekday of a month or
a year and week numbers are the same on a day and on the day 400 years later. The day-level
parts of a rule (``BYMONTH``, ``BYWEEKNO``, ``BYYEARDAY``, ``BYMONTHDAY``, ``BYDAY``, with the
defaults the standard takes from ``DTSTART``) are evaluated once over one such cycle as a NumPy
mask; the rule's ``INTERVAL`` selects the periods (days, weeks, months or years) in phase with
its start, and ``BYSETPOS`` picks positions in each period's set. A rule whose mask is empty
over a whole cycle of its phases never occurs. The number of occurrences between two dates is
bounded by the days of the mask in that span times the times of day each day holds (``BYHOUR``,
``BYMINUTE``, ``BYSECOND``, or the arithmetic of a rule of every few hours, minutes or
seconds), and by ``COUNT``.

Every test errs on the side of the rule: a mask is a superset of the days the rule engine
would pick (week numbers are matched in the numbering of the day's year and of its neighbours),
so a rule is said never to occur only when it cannot, and the bounds are upper bounds.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["FREQUENCIES", "Rule", "RuleError", "parse_rule"]

#: The frequencies of RFC 5545, from the shortest.
FREQUENCIES = ("SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: Number parts: (smallest, largest, signed: -largest..-1 allowed too, 0 not).
_RANGES = {"BYSECOND": (0, 60, False), "BYMINUTE": (0, 59, False), "BYHOUR": (0, 23, False),
           "BYMONTHDAY": (1, 31, True), "BYYEARDAY": (1, 366, True),
           "BYWEEKNO": (1, 53, True), "BYMONTH": (1, 12, False), "BYSETPOS": (1, 366, True)}
_KNOWN = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYDAY", *_RANGES}
#: Interval and count: whole numbers from 1 to this.
_MAX_NUMBER = 1_000_000
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$")
#: One cycle of the Gregorian calendar, in days, weeks, months and years.
_CYCLE, _CYCLE_WEEKS, _CYCLE_MONTHS, _CYCLE_YEARS = 146_097, 20_871, 4_800, 400
_REF = _dt.date(2000, 1, 1)
_SECONDS = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600}


class RuleError(ValueError):
    """A rule part out of its range, or a rule that is not RFC 5545: ``str`` says which part,
    what it is and what is allowed."""


@dataclass(frozen=True)
class Rule:
    """A parsed rule (upper-case parts; numbers as ints; ``byday`` as ``(n or 0, weekday)``)."""

    text: str
    freq: str
    interval: int = 1
    count: int | None = None
    until: _dt.datetime | None = None
    wkst: int = 0
    bymonth: tuple[int, ...] = ()
    byweekno: tuple[int, ...] = ()
    byyearday: tuple[int, ...] = ()
    bymonthday: tuple[int, ...] = ()
    byday: tuple[tuple[int, int], ...] = ()
    byhour: tuple[int, ...] = ()
    byminute: tuple[int, ...] = ()
    bysecond: tuple[int, ...] = ()
    bysetpos: tuple[int, ...] = ()

    # -- the day-level mask ----------------------------------------------------------------

    def _day_parts(self, start: _dt.datetime) -> tuple[Any, ...]:
        """The day-level parts, with the defaults RFC 5545 takes from ``DTSTART`` (those of
        :mod:`dateutil.rrule`): a key of the cycle mask."""
        bymonth, bymonthday, byday = self.bymonth, self.bymonthday, self.byday
        if not (self.byweekno or self.byyearday or bymonthday or byday):
            if self.freq == "YEARLY":
                bymonth = bymonth or (start.month,)
                bymonthday = (start.day,)
            elif self.freq == "MONTHLY":
                bymonthday = (start.day,)
            elif self.freq == "WEEKLY":
                byday = ((0, start.weekday()),)
        if self.freq not in ("MONTHLY", "YEARLY"):  # an ordinal counts only in these
            byday = tuple(sorted({(0, wd) for _, wd in byday}))
        scope = "month" if self.freq == "MONTHLY" or bymonth else "year"
        return (bymonth, self.byweekno, self.byyearday, bymonthday, byday, scope, self.wkst)

    def _phase(self, start: _dt.datetime) -> tuple[str, int, int]:
        """The periods in phase with the start: (unit, step, the start's period), the unit
        being ``day``, ``week``, ``month``, ``year`` or ``every`` (all days)."""
        n = self.interval
        day = start.date().toordinal()
        if self.freq in _SECONDS:
            every = n * _SECONDS[self.freq]
            if every % 86_400:
                return "every", 1, 0
            return "day", every // 86_400, day
        if self.freq == "DAILY":
            return "day", n, day
        if self.freq == "WEEKLY":
            return "week", n, _week(day, self.wkst)
        if self.freq == "MONTHLY":
            return "month", n, start.year * 12 + start.month - 1
        return "year", n, start.year

    def times_per_day(self, start: _dt.datetime) -> int:
        """At most this many occurrences on one day the rule picks."""
        hours = len(self.byhour) or 1
        minutes = len(self.byminute) or 1
        seconds = len(self.bysecond) or 1
        if self.freq not in _SECONDS:
            return hours * minutes * seconds
        step = self.interval * _SECONDS[self.freq]
        arithmetic = math.ceil(86_400 / step)
        if self.freq == "HOURLY":
            return min(arithmetic, len(self.byhour) or 24) * minutes * seconds
        if self.freq == "MINUTELY":
            return min(arithmetic, (len(self.byhour) or 24) * (len(self.byminute) or 60)
                       ) * seconds
        return min(arithmetic, (len(self.byhour) or 24) * (len(self.byminute) or 60)
                   * (len(self.bysecond) or 60))

    def never(self, start: _dt.datetime) -> str | None:
        """Why the rule can never occur from ``start`` on, or ``None`` when it can."""
        unit, step, first = self._phase(start)
        g = math.gcd(step, {"day": _CYCLE, "week": _CYCLE_WEEKS, "month": _CYCLE_MONTHS,
                            "year": _CYCLE_YEARS, "every": 1}[unit])
        residue = _cycle_period(unit, first, self.wkst) % g
        sizes = (len(self.byminute) or 1, len(self.bysecond) or 1)
        return _never(self.freq, self.interval, self.wkst, self.bysetpos, sizes,
                      self._day_parts(start), unit, g, residue, self.times_per_day(start))

    def bounds(self, start: _dt.datetime, first: _dt.date, last: _dt.date) -> tuple[int, int]:
        """``(occurrences, steps)``: upper bounds of the occurrences on the days ``first`` to
        ``last`` (both included, clipped to the rule's start and ``UNTIL``), and of the steps an
        expansion from the rule's start to ``last`` takes (the periods it looks at, and the
        occurrences it makes)."""
        if self.until is not None and self.until.date() < last:
            last = self.until.date()
        begin = max(first, start.date())
        occurrences = self._count(start, begin, last)
        walked = self._count(start, start.date(), last)
        span = max(last.toordinal() - start.date().toordinal() + 1, 0)
        unit = {"WEEKLY": 7, "MONTHLY": 30, "YEARLY": 365}.get(self.freq, 1)
        periods = span // (unit * (self.interval if self.freq not in _SECONDS else 1)) + 1
        if self.count is not None:
            occurrences, walked = min(occurrences, self.count), min(walked, self.count)
        return occurrences, periods + walked

    def _count(self, start: _dt.datetime, first: _dt.date, last: _dt.date) -> int:
        if last < first:
            return 0
        days = np.arange(first.toordinal(), last.toordinal() + 1, dtype=np.int64)
        mask = _mask(self._day_parts(start))[(days - _REF.toordinal()) % _CYCLE]
        unit, step, origin = self._phase(start)
        if unit != "every" and step > 1:
            mask &= (_real_period(unit, days, self.wkst) - origin) % step == 0
        n_days = int(mask.sum())
        total = n_days * self.times_per_day(start)
        if self.bysetpos and self.freq not in _SECONDS:
            periods = _real_period({"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month",
                                    "YEARLY": "year"}[self.freq], days[mask], self.wkst)
            total = min(total, len(np.unique(periods)) * len(self.bysetpos))
        return total


@functools.lru_cache(maxsize=4096)
def _never(freq: str, interval: int, wkst: int, bysetpos: tuple[int, ...],
           sizes: tuple[int, int], parts: tuple[Any, ...], unit: str, g: int, residue: int,
           times: int) -> str | None:
    """:meth:`Rule.never` for the things it depends on (rules of one shape share it)."""
    mask = _mask(parts)
    if not mask.any():
        return "no day matches all of its BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY and BYDAY"
    picked = mask
    if g > 1:
        picked = mask & ((_period_ids(unit, wkst) - residue) % g == 0)
        if not picked.any():
            return f"its INTERVAL={interval} never meets a day that its other parts allow"
    if bysetpos:
        need = min(abs(p) for p in bysetpos)
        if freq in _SECONDS:
            size = {"HOURLY": sizes[0] * sizes[1], "MINUTELY": sizes[1], "SECONDLY": 1}[freq]
        else:
            unit_ids = _period_ids({"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month",
                                    "YEARLY": "year"}[freq], wkst)
            size = int(np.bincount(unit_ids[picked]).max()) * times
        if size < need:
            return f"its BYSETPOS asks for position {need} of sets that hold at most {size}"
    return None


def parse_rule(text: str) -> Rule:
    """A :class:`Rule` from the text of an ``RRULE`` (``FREQ=WEEKLY;BYDAY=MO``), or a
    :class:`RuleError` naming the part that is wrong and what is allowed."""
    parts: dict[str, str] = {}
    for item in text.strip().split(";"):
        if not item:
            continue
        key, eq, value = item.partition("=")
        key = key.strip().upper()
        if not eq or not key:
            raise RuleError(f"{item!r} is not NAME=VALUE")
        if key in parts:
            raise RuleError(f"{key} is given twice")
        if key not in _KNOWN:
            raise RuleError(f"{key} is not a part of a rule (RFC 5545: FREQ, INTERVAL, COUNT, "
                            "UNTIL, WKST, BYSECOND, BYMINUTE, BYHOUR, BYDAY, BYMONTHDAY, "
                            "BYYEARDAY, BYWEEKNO, BYMONTH, BYSETPOS)")
        parts[key] = value.strip().upper()
    freq = parts.get("FREQ")
    if freq not in FREQUENCIES:
        raise RuleError(f"FREQ {freq!r} is not one of {', '.join(FREQUENCIES)}" if freq
                        else "FREQ is missing")
    if "COUNT" in parts and "UNTIL" in parts:
        raise RuleError("COUNT and UNTIL are both given (at most one of them)")
    numbers: dict[str, tuple[int, ...]] = {}
    for key, (low, high, signed) in _RANGES.items():
        if key in parts:
            numbers[key] = tuple(_number(key, v, low, high, signed)
                                 for v in parts[key].split(","))
    byday = tuple(_weekday(v, freq) for v in parts["BYDAY"].split(",")) if "BYDAY" in parts \
        else ()
    if freq == "YEARLY" and "BYMONTH" in parts and any(abs(n) > 5 for n, _ in byday):
        raise RuleError("BYDAY: with BYMONTH, an ordinal counts the weekday within the month "
                        "(-5 to -1 or 1 to 5)")
    wkst = parts.get("WKST", "MO")
    if wkst not in WEEKDAYS:
        raise RuleError(f"WKST {wkst!r} is not a weekday ({', '.join(WEEKDAYS)})")
    return Rule(
        text=text, freq=freq,
        interval=_whole("INTERVAL", parts["INTERVAL"]) if "INTERVAL" in parts else 1,
        count=_whole("COUNT", parts["COUNT"]) if "COUNT" in parts else None,
        until=_until(parts["UNTIL"]) if "UNTIL" in parts else None,
        wkst=WEEKDAYS.index(wkst),
        bymonth=numbers.get("BYMONTH", ()), byweekno=numbers.get("BYWEEKNO", ()),
        byyearday=numbers.get("BYYEARDAY", ()), bymonthday=numbers.get("BYMONTHDAY", ()),
        byday=byday, byhour=numbers.get("BYHOUR", ()), byminute=numbers.get("BYMINUTE", ()),
        bysecond=numbers.get("BYSECOND", ()), bysetpos=numbers.get("BYSETPOS", ()))


def _number(key: str, text: str, low: int, high: int, signed: bool) -> int:
    allowed = f"-{high} to -1 or {low} to {high}" if signed else f"{low} to {high}"
    try:
        value = int(text)
    except ValueError:
        raise RuleError(f"{key} {text!r} is not a whole number ({allowed})") from None
    if not (low <= value <= high or (signed and -high <= value <= -low)):
        raise RuleError(f"{key}={value} is out of range: {key} is {allowed}")
    return value


def _whole(key: str, text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= _MAX_NUMBER:
        raise RuleError(f"{key} {text!r} is not a whole number from 1 to {_MAX_NUMBER:,}")
    return int(text)


def _weekday(text: str, freq: str) -> tuple[int, int]:
    m = _BYDAY.match(text)
    if m is None:
        raise RuleError(f"BYDAY {text!r} is not a weekday ({', '.join(WEEKDAYS)}), optionally "
                        "with an ordinal (1MO, -1FR)")
    n = int(m.group(1) or 0)
    high = 5 if freq == "MONTHLY" else 53
    if m.group(1) is not None and not 1 <= abs(n) <= high:
        raise RuleError(f"BYDAY {text!r}: the ordinal is out of range (-{high} to -1 or 1 to "
                        f"{high}{' in a MONTHLY rule' if freq == 'MONTHLY' else ''})")
    return n, WEEKDAYS.index(m.group(2))


def _until(text: str) -> _dt.datetime:
    m = _UNTIL.match(text)
    try:
        if m is None:
            raise ValueError(text)
        y, mo, d, h, mi, s = (int(x) if x else 0 for x in m.groups())
        return _dt.datetime(y, mo, d, h, mi, s)
    except ValueError:
        raise RuleError(f"UNTIL {text!r} is not a date or date-time (YYYYMMDD or "
                        "YYYYMMDDTHHMMSS[Z])") from None


def _week(ordinal: int, wkst: int) -> int:
    """The index of the week (starting on weekday ``wkst``) that holds day ``ordinal``."""
    return (ordinal - 1 - wkst) // 7  # ordinal 1 (0001-01-01) is a Monday


def _real_period(unit: str, days: np.ndarray, wkst: int) -> np.ndarray:
    """Period indices of real day ordinals: the day, week, month or year they are in."""
    if unit == "day":
        return days
    if unit == "week":
        return (days - 1 - wkst) // 7
    dates = (days - _dt.date(1970, 1, 1).toordinal()).astype("datetime64[D]")
    months = dates.astype("datetime64[M]").astype(np.int64) + 1970 * 12
    return months if unit == "month" else months // 12


def _cycle_period(unit: str, first: int, wkst: int) -> int:
    """The period index ``first`` (of :meth:`Rule._phase`) as an index of the cycle."""
    if unit == "day":
        return (first - _REF.toordinal()) % _CYCLE
    if unit == "week":
        return (first - _week(_REF.toordinal(), wkst)) % _CYCLE_WEEKS
    if unit == "month":
        return (first - _REF.year * 12) % _CYCLE_MONTHS
    if unit == "year":
        return (first - _REF.year) % _CYCLE_YEARS
    return 0


@functools.cache
def _period_ids(unit: str, wkst: int) -> np.ndarray:
    """For each day of the cycle, the index of its period within the cycle."""
    days = _REF.toordinal() + np.arange(_CYCLE, dtype=np.int64)
    if unit == "every":
        return np.zeros(_CYCLE, dtype=np.int64)
    real = _real_period(unit, days, wkst)
    return real - real[0] if unit != "week" else (real - _week(_REF.toordinal(), wkst))


@functools.cache
def _calendar() -> dict[str, np.ndarray]:
    """Each day of the cycle 2000-01-01 .. 2399-12-31: its month, day of the month and of
    the year (also counted from the end), weekday and n-th weekday of its month and year."""
    dates = np.arange("2000-01-01", "2400-01-01", dtype="datetime64[D]")
    month = dates.astype("datetime64[M]")
    year = dates.astype("datetime64[Y]")
    mday = (dates - month.astype("datetime64[D]")).astype(np.int64) + 1
    mday_neg = (dates - (month + 1).astype("datetime64[D]")).astype(np.int64)
    yday = (dates - year.astype("datetime64[D]")).astype(np.int64) + 1
    yday_neg = (dates - (year + 1).astype("datetime64[D]")).astype(np.int64)
    return {
        "dates": dates, "year_start": year.astype("datetime64[D]"),
        "month": month.astype(np.int64) % 12 + 1, "mday": mday, "mday_neg": mday_neg,
        "yday": yday, "yday_neg": yday_neg,
        "weekday": (dates.astype(np.int64) + 3) % 7,  # 1970-01-01 was a Thursday
        "nth_month": (mday - 1) // 7 + 1, "nth_month_neg": -((-mday_neg - 1) // 7 + 1),
        "nth_year": (yday - 1) // 7 + 1, "nth_year_neg": -((-yday_neg - 1) // 7 + 1),
    }


def _week_numbers(wkst: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each day's week number (and counted from the end) in the numbering of its year, of
    the year before and of the year after (RFC 5545: week 1 is the first with at least four
    days of the year, weeks start on ``wkst``)."""
    cal = _calendar()
    days = cal["dates"].astype(np.int64)
    year_start = cal["year_start"].astype("datetime64[Y]")

    def week1(year: np.ndarray) -> np.ndarray:
        jan1 = year.astype("datetime64[D]").astype(np.int64)
        offset = ((jan1 + 3) % 7 - wkst) % 7
        return np.where(offset <= 3, jan1 - offset, jan1 + 7 - offset)

    out = []
    for shift in (0, -1, 1):
        year = year_start + shift
        start, following = week1(year), week1(year + 1)
        weeks = (following - start) // 7
        number = (days - start) // 7 + 1
        out.append((number, number - weeks - 1))
    return out


@functools.lru_cache(maxsize=256)  # 146 kB each: a file of many distinct rules stays small
def _mask(parts: tuple[Any, ...]) -> np.ndarray:
    """The days of the cycle that the day-level ``parts`` (see :meth:`Rule._day_parts`)
    allow."""
    bymonth, byweekno, byyearday, bymonthday, byday, scope, wkst = parts
    cal = _calendar()
    mask = np.ones(_CYCLE, dtype=bool)
    if bymonth:
        mask &= np.isin(cal["month"], bymonth)
    if byweekno:
        hit = np.zeros(_CYCLE, dtype=bool)
        for number, from_end in _week_numbers(wkst):
            hit |= np.isin(number, byweekno) | np.isin(from_end, byweekno)
        mask &= hit
    if byyearday:
        mask &= np.isin(cal["yday"], byyearday) | np.isin(cal["yday_neg"], byyearday)
    if bymonthday:
        mask &= np.isin(cal["mday"], bymonthday) | np.isin(cal["mday_neg"], bymonthday)
    if byday:
        plain = [wd for n, wd in byday if n == 0]
        hit = np.isin(cal["weekday"], plain)
        nth, nth_neg = (("nth_month", "nth_month_neg") if scope == "month"
                        else ("nth_year", "nth_year_neg"))
        for n, wd in byday:
            if n:
                hit |= (cal["weekday"] == wd) & ((cal[nth] == n) | (cal[nth_neg] == n))
        mask &= hit
    mask.flags.writeable = False
    return mask
