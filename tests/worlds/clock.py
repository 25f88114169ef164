"""The world's clock: minutes since the first day's local midnight, working days and slots.

The simulation runs in *absolute* minutes (a minute is a minute, across daylight saving
changes) since local midnight of ``WorldConfig.start``. Office hours are local: each working
day (Mon-Fri, not a public holiday) has its own absolute start, so the offices open at 9:00
in winter and in summer time alike. A working day is cut into 30-minute *slots*
(``slots_per_day`` of them); slot ``s`` is slot ``s % slots_per_day`` of working day
``s // slots_per_day``. Calendars (busy blocks) live on slots, work on working minutes.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pandas as pd

from tests.worlds.config import WorldConfig

SLOT = 30  # minutes
#: "Never" inside the simulated span (simpy cannot wait for infinity).
NEVER = 1e12


class Clock:
    """Working days of the span ``[start, start + days)`` and conversions to local time."""

    def __init__(self, cfg: WorldConfig, days: int):
        self.cfg = cfg
        self.zone = ZoneInfo(cfg.timezone)
        self.t0 = dt.datetime.combine(cfg.start, dt.time(), tzinfo=self.zone)
        self.t0_ns = pd.Timestamp(self.t0).value
        first, last = cfg.day_hours
        self.day_minutes = (last - first) * 60
        self.slots_per_day = self.day_minutes // SLOT
        years = range(cfg.start.year, (cfg.start + dt.timedelta(days=days)).year + 1)
        closed = (holidays.country_holidays(cfg.holidays_country, subdiv=cfg.holidays_subdiv,
                                            years=list(years))
                  if cfg.holidays_country else {})
        dates: list[dt.date] = []
        starts: list[float] = []
        for i in range(days):
            d = cfg.start + dt.timedelta(days=i)
            if d.weekday() >= 5 or d in closed:
                continue
            dates.append(d)
            opening = dt.datetime.combine(d, dt.time(first), tzinfo=self.zone)
            starts.append(self.minute(opening))
        self.dates = dates
        #: Absolute minute at which each working day's office hours begin.
        self.starts = starts
        self.weekday = np.array([d.weekday() for d in dates], dtype=np.int64)
        self.month = np.array([d.month for d in dates], dtype=np.int64)
        self.year = np.array([d.year for d in dates], dtype=np.int64)
        self.n_slots = len(dates) * self.slots_per_day
        self.holidays = sorted(d for d in closed if cfg.start <= d
                               < cfg.start + dt.timedelta(days=days))

    def minute(self, when: dt.datetime) -> float:
        """Absolute minutes from the start to the aware time ``when``."""
        # via UTC: two aware datetimes of one tzinfo subtract as wall-clock times in Python
        return (when.astimezone(dt.UTC) - self.t0.astimezone(dt.UTC)).total_seconds() / 60.0

    # ------------------------------------------------------------------ slots and days

    def slot_start(self, s: int) -> float:
        """Absolute minute at which slot ``s`` begins."""
        day, k = divmod(s, self.slots_per_day)
        return self.starts[day] + k * SLOT

    def first_slot(self, t: float) -> int:
        """The first slot that begins at or after minute ``t`` (``n_slots`` if none)."""
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        off = t - self.starts[i]
        k = 0 if off <= 0 else -(-off // SLOT)
        if k >= self.slots_per_day:
            return (i + 1) * self.slots_per_day
        return i * self.slots_per_day + int(k)

    def next_weekly(self, t: float, weekday: int, hour: int) -> int:
        """The first working day (index) with ``weekday`` whose ``hour`` is at or after ``t``
        (a holiday skips that week); ``len(dates)`` when there is none in the span."""
        offset = (hour - self.cfg.day_hours[0]) * 60
        i = max(bisect_right(self.starts, t - offset) - 1, 0)
        n = len(self.starts)
        while i < n and (self.weekday[i] != weekday or self.starts[i] + offset < t):
            i += 1
        return i

    # ------------------------------------------------------------------ local time

    def stamps(self, minutes: np.ndarray) -> pd.DatetimeIndex:
        """Absolute minutes as local time (aware, the company's zone), to whole seconds."""
        m = np.asarray(minutes, dtype=float)
        ns = self.t0_ns + np.round(m * 60.0).astype(np.int64) * 1_000_000_000
        return pd.DatetimeIndex(ns.astype("datetime64[ns]")).tz_localize("UTC").tz_convert(
            self.cfg.timezone)

    def local(self, minutes: np.ndarray) -> np.ndarray:
        """Absolute minutes as naive local wall-clock time (``datetime64[ns]``), NaT for NaN."""
        m = np.asarray(minutes, dtype=float)
        out = np.full(m.shape, np.datetime64("NaT"), dtype="datetime64[ns]")
        ok = ~np.isnan(m)
        if ok.any():
            out[ok] = self.stamps(m[ok]).tz_localize(None).to_numpy()
        return out


class WorkTime:
    """One person's working minutes: office hours of working days outside their vacations."""

    __slots__ = ("day", "starts")

    def __init__(self, starts: list[float], day_minutes: int):
        self.starts = starts
        self.day = day_minutes

    def after(self, t: float, minutes: float) -> float:
        """The minute at which ``minutes`` of this person's working time after ``t`` are done."""
        starts, day = self.starts, self.day
        i = bisect_right(starts, t) - 1
        if i < 0:
            i, off = 0, 0.0
        else:
            off = t - starts[i]
            if off >= day:
                i, off = i + 1, 0.0
        x = i * day + off + minutes
        j, r = divmod(x, day)
        j = int(j)
        if r == 0 and j > 0 and minutes > 0:
            j, r = j - 1, float(day)
        if j >= len(starts):
            return NEVER
        return starts[j] + r
