"""Northwind's people: ids, departments, teams, and each person's calendar and vacations.

Everyone has an employee number (``E`` and four digits, shuffled: the number does not say the
role). A calendar is a boolean array over the span's working slots (:mod:`tests.worlds.clock`):
weekly recurring one-hour meetings, one-off one-hour meetings, the team's weekly hiring sync,
whole vacation days, and the interviews booked while the world runs. Vacations also stop the
person's work (:class:`~tests.worlds.clock.WorkTime`).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

import numpy as np

from tests.worlds.clock import SLOT, Clock, WorkTime
from tests.worlds.config import WorldConfig


def seed_of(seed: int, *names: object) -> int:
    """A 64-bit seed for the stream ``names`` of run ``seed`` (independent of draw order)."""
    text = ":".join(str(x) for x in (seed, *names)).encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "little")


def stream(seed: int, *names: object) -> random.Random:
    """The scalar random stream ``names`` of run ``seed``."""
    return random.Random(seed_of(seed, *names))


def np_stream(seed: int, *names: object) -> np.random.Generator:
    """The vectorised random stream ``names`` of run ``seed``."""
    return np.random.default_rng(seed_of(seed, *names))


@dataclass
class Person:
    """One member of staff: id, role, department, calendar and working time."""

    id: str
    role: str  # "recruiter", "hiring_manager" or "interviewer"
    department: str
    busy: np.ndarray
    work: WorkTime
    vacation: frozenset[int]  # working-day indices
    #: (weekday, hour) of each weekly recurring one-hour meeting.
    recurring: tuple[tuple[int, int], ...] = ()
    manager: str = ""  # an interviewer's hiring manager
    team: tuple[str, ...] = ()  # a hiring manager's interviewers
    team_index: int = -1  # a hiring manager's position (its weekly sync's slot)
    resource: object = field(default=None, repr=False)  # the simpy.Resource, set by the run


class Staff:
    """All people of one run, with the slot search that books interviews in their calendars."""

    def __init__(self, cfg: WorldConfig, clock: Clock, seed: int):
        self.cfg = cfg
        self.clock = clock
        total = cfg.recruiters + cfg.hiring_managers + cfg.interviewers
        numbers = list(range(1000, 1000 + max(4 * total, 1000)))
        stream(seed, "ids").shuffle(numbers)
        ids = iter(f"E{n}" for n in numbers)
        self.people: dict[str, Person] = {}
        self.recruiters: dict[str, list[str]] = {}
        self.managers: dict[str, list[str]] = {}
        team_index = 0
        for dept in cfg.departments:
            self.recruiters[dept] = [self._add(seed, next(ids), "recruiter", dept)
                                     for _ in range(cfg.recruiters_per_department)]
            self.managers[dept] = []
            for _ in range(cfg.managers_per_department):
                hm = self._add(seed, next(ids), "hiring_manager", dept)
                team = tuple(self._add(seed, next(ids), "interviewer", dept, manager=hm)
                             for _ in range(cfg.team_size))
                p = self.people[hm]
                p.team, p.team_index = team, team_index
                team_index += 1
                self.managers[dept].append(hm)
        # the weekly hiring sync blocks the manager's and the team's calendars
        per_day = clock.slots_per_day
        for dept in cfg.departments:
            for hm in self.managers[dept]:
                p = self.people[hm]
                weekday, hour = cfg.sync_slot(p.team_index)
                k = (hour - cfg.day_hours[0]) * 60 // SLOT
                days = np.flatnonzero(clock.weekday == weekday)
                for pid in (hm, *p.team):
                    for j in range(cfg.sync_minutes // SLOT):
                        self.people[pid].busy[days * per_day + k + j] = True

    def _add(self, seed: int, pid: str, role: str, dept: str, manager: str = "") -> str:
        cfg, clock = self.cfg, self.clock
        rng = np_stream(seed, "calendar", pid)
        n_days, per_day = len(clock.dates), clock.slots_per_day
        busy = np.zeros(n_days * per_day + per_day, dtype=bool)  # one spare day at the end
        hours = cfg.day_hours[1] - cfg.day_hours[0]
        per_hour = 60 // SLOT
        # weekly recurring one-hour meetings
        recurring = []
        for _ in range(cfg.recurring_meetings):
            weekday, hour = int(rng.integers(0, 5)), int(rng.integers(0, hours))
            recurring.append((weekday, cfg.day_hours[0] + hour))
            days = np.flatnonzero(clock.weekday == weekday)
            for j in range(per_hour):
                busy[days * per_day + hour * per_hour + j] = True
        # one-off one-hour meetings
        counts = rng.poisson(cfg.adhoc_meetings_per_day, n_days)
        days = np.repeat(np.arange(n_days), counts)
        at = rng.integers(0, hours, days.size)
        for j in range(per_hour):
            busy[days * per_day + at * per_hour + j] = True
        # vacations: blocks of working days, starting more often in summer and at Christmas
        vacation: set[int] = set()
        season = np.asarray(cfg.vacation_season, dtype=float)
        lo, hi = cfg.vacation_block_days
        for year in np.unique(clock.year):
            in_year = np.flatnonzero(clock.year == year)
            share = in_year.size / 250.0  # a part year gets its part of the days
            target = round(cfg.vacation_days_per_year * min(share, 1.0))
            w = season[clock.month[in_year] - 1]
            w = w / w.sum()
            taken = 0
            while taken < target:
                length = min(int(rng.integers(lo, hi + 1)), target - taken)
                first = int(rng.choice(in_year, p=w))
                vacation.update(range(first, min(first + length, n_days)))
                taken += length
        for d in vacation:
            busy[d * per_day:(d + 1) * per_day] = True
        busy[n_days * per_day:] = True
        starts = [s for i, s in enumerate(clock.starts) if i not in vacation]
        self.people[pid] = Person(pid, role, dept, busy, WorkTime(starts, clock.day_minutes),
                                  frozenset(vacation), tuple(recurring), manager=manager)
        return pid

    # ------------------------------------------------------------------ calendars

    def find_slot(self, attendees: list[str], earliest: float, minutes: int) -> int | None:
        """The first slot at or after minute ``earliest`` at which every attendee is free for
        ``minutes`` within one working day; ``None`` when there is none in the span."""
        clock = self.clock
        per_day = clock.slots_per_day
        need = -(-minutes // SLOT)
        s = clock.first_slot(earliest)
        window = 10 * per_day
        cal = [self.people[a].busy for a in attendees]
        while s < clock.n_slots:
            hi = min(s + window, clock.n_slots)
            taken = cal[0][s:hi + need].copy()
            for b in cal[1:]:
                taken |= b[s:hi + need]
            free = ~taken
            ok = free[: hi - s].copy()
            for j in range(1, need):
                ok &= free[j: hi - s + j]
            ok &= (np.arange(s, hi) % per_day) <= per_day - need
            hit = np.flatnonzero(ok)
            if hit.size:
                return s + int(hit[0])
            s = hi
        return None

    def book(self, attendees: list[str], slot: int, minutes: int) -> None:
        need = -(-minutes // SLOT)
        for a in attendees:
            self.people[a].busy[slot:slot + need] = True

    def ids(self, role: str) -> list[str]:
        """The ids of one role, in order of creation (department by department)."""
        return [p.id for p in self.people.values() if p.role == role]
