"""People and role pools: who can work when, and who is free for a meeting.

A :class:`Person` is a SimPy resource of capacity one with their own availability (their
working calendar's :class:`~hiresim.calendar.Timeline`, with absences and other disruptions laid
over it as a :class:`~hiresim.calendar.PersonTimeline`) and a slot mask of the times their
calendar is free for meetings. A :class:`Pool` is a role whose tasks go to whoever is free first
(a shared queue): that is what an M/M/c queue is.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right

import numpy as np
import simpy

from hiresim.calendar import Availability, Timeline
from hiresim.distributions import DurationSpec
from hiresim.queues import WorkQueue


class Person:
    """One person of a role; their work queue is a SimPy resource of capacity one."""

    __slots__ = ("calendar", "free", "hours_per_day", "id", "joins", "resource", "role",
                 "timeline")

    def __init__(self, env: simpy.Environment, person_id: str, role: str, timeline: Timeline,
                 hours_per_day: float, free: np.ndarray, capacity: int = 1) -> None:
        self.id = person_id
        self.role = role
        #: The working calendar alone; ``timeline`` adds leave, projects, vacancies over it.
        self.calendar = timeline
        #: The calendar itself, or a :class:`~hiresim.calendar.PersonTimeline` over it.
        self.timeline: Availability = timeline
        #: Times at which a replacement took this seat (turnover), in order.
        self.joins: list[float] = []
        self.hours_per_day = hours_per_day
        self.resource = WorkQueue(env, capacity=capacity)
        #: Meeting slots in which the person is at work, present and not booked.
        self.free = free

    def __repr__(self) -> str:
        return f"Person({self.id!r})"


class Pool:
    """A role served from one shared queue: a task goes to the first person who is free.

    The queue is one SimPy resource whose capacity is the number of people; which person takes
    a granted task is the idle one whose calendar opens first (all of them, for an always-open
    calendar), so with exponential work this is exactly M/M/c.
    """

    __slots__ = ("always_open", "idle", "people", "resource", "role", "timeline", "turn")

    def __init__(self, env: simpy.Environment, role: str, people: list[Person],
                 capacity: int = 1) -> None:
        self.role = role
        self.people = people
        #: Idle people, when each works on one task at a time; ``None`` when they multitask.
        self.idle = list(reversed(people)) if capacity == 1 else None
        self.turn = 0
        self.resource = WorkQueue(env, capacity=len(people) * capacity)
        #: The role's calendar, for charging queue time to off hours.
        self.timeline = people[0].timeline
        #: Nobody's time is ever closed: whoever is idle can start at once.
        self.always_open = not any(p.timeline.has_closed for p in people)

    def take(self, now: float) -> Person:
        idle = self.idle
        if idle is None:  # people multitask: hand tasks round
            self.turn += 1
            return self.people[self.turn % len(self.people)]
        if len(idle) == 1 or self.always_open:
            return idle.pop()
        best = min(range(len(idle)), key=lambda k: idle[k].timeline.next_open(now))
        return idle.pop(best)

    def give(self, person: Person) -> None:
        if self.idle is not None:
            self.idle.append(person)


class SlotFinder:
    """Finds the earliest meeting slot in which every attendee is free.

    Time is cut into slots of ``slot_hours``; a person's ``free`` mask says which slots are
    inside their working hours, outside absences and not already booked. A meeting of ``k`` slots
    takes the first run of ``k`` slots free for everyone (the candidate included for interviews)
    at or after the earliest allowed start, searched up to ``search_slots`` ahead, and is then
    booked into the attendees' masks.
    """

    __slots__ = ("candidate_load", "n_slots", "rng", "search_slots", "slot_hours")

    def __init__(self, slot_hours: float, n_slots: int, search_slots: int,
                 candidate_load: float, rng: np.random.Generator) -> None:
        self.slot_hours = slot_hours
        self.n_slots = n_slots
        self.search_slots = search_slots
        self.candidate_load = candidate_load
        self.rng = rng

    def find(self, attendees: list[Person], earliest: float, minutes: int,
             organizer: Person, candidate: bool) -> float:
        """Start time (hours) of the booked slot, or ``inf`` if none within the search window."""
        k = max(1, math.ceil(minutes / 60.0 / self.slot_hours - 1e-9))
        i0 = math.ceil(earliest / self.slot_hours - 1e-9)
        stop = min(i0 + self.search_slots, self.n_slots)
        if stop - i0 < k:
            return math.inf
        people = attendees if attendees else [organizer]
        mask = people[0].free[i0:stop].copy()
        for person in people[1:]:
            mask &= person.free[i0:stop]
        if candidate and self.candidate_load > 0.0:
            mask &= busy_blocks(self.rng, self.candidate_load, self.slot_hours, i0, stop)
        if k > 1:
            n = mask.size - k + 1
            run = mask[:n].copy()
            for j in range(1, k):
                run &= mask[j:j + n]
            mask = run
        hit = int(mask.argmax())
        if not mask[hit]:
            return math.inf
        first = i0 + hit
        for person in attendees:
            person.free[first:first + k] = False
        return first * self.slot_hours


#: Existing meetings come in blocks of this many hours (calendar load is drawn per block).
LOAD_BLOCK_HOURS = 1.0


def busy_blocks(rng: np.random.Generator, load: float, slot_hours: float, first: int,
                stop: int) -> np.ndarray:
    """Free mask for slots ``[first, stop)`` of someone whose calendar is ``load`` booked.

    Each clock hour is already taken with probability ``load`` (existing meetings are hour
    blocks, so free time comes in contiguous chunks as in real calendars).
    """
    per_block = max(1, round(LOAD_BLOCK_HOURS / slot_hours))
    b0 = first // per_block
    b1 = -(-stop // per_block)
    ok = rng.random(b1 - b0) >= load
    if per_block == 1:
        free = ok
    elif per_block <= 4:  # a few strided copies beat np.repeat (the same array)
        free = np.empty(len(ok) * per_block, dtype=bool)
        for j in range(per_block):
            free[j::per_block] = ok
    else:
        free = np.repeat(ok, per_block)
    offset = first - b0 * per_block
    return free[offset:offset + stop - first]


def seat_holder(person: Person, t: float) -> str:
    """Id of whoever holds ``person``'s seat at ``t``: ``recruiter-2``, then ``recruiter-2~1``
    after the first replacement joined, and so on."""
    k = bisect_right(person.joins, t)
    return person.id if k == 0 else f"{person.id}~{k}"


def changed_hands(person: Person, enabled: float, start: float) -> bool:
    """Whether a replacement joined the seat while the work waited (it pays a hand-over)."""
    joins = person.joins
    k = bisect_left(joins, enabled)
    return k < len(joins) and joins[k] <= start


def disrupted_at(person: Person, t: float, horizon: float = 24.0 * 400) -> tuple[int, float] | None:
    """``(cause, until)`` if ``person`` is away for a disruption (leave, project, vacancy, freeze)
    at ``t``; ``None`` if they are at work or merely off hours. ``until`` is the end of the
    whole spell of disruptions that holds at ``t`` (adjacent spells merged)."""
    return person.timeline.disruption_at(t, horizon)


# -------------------------------------------------------------------------------------------
# Disruptions drawn per person over the simulated span (hours since the epoch)


def span_hours(calendar: Timeline, start: float, value: float, unit: str,
               hours_per_day: float) -> float:
    """End of a spell of ``value`` (in ``unit``) that begins at ``start``.

    Working units count the person's working time (a 3-working-day sick spell from Friday
    covers the weekend and ends on Wednesday); elapsed units are wall-clock time.
    """
    if unit == "working_days":
        return calendar.add_open(calendar.next_open(start), value * hours_per_day)
    if unit == "working_hours":
        return calendar.add_open(calendar.next_open(start), value)
    if unit == "calendar_days":
        return start + value * 24.0
    return start + value


def poisson_spells(rng: np.random.Generator, rate_per_year: float, duration: DurationSpec,
                   calendar: Timeline, hours_per_day: float, span: float
                   ) -> tuple[list[float], list[float]]:
    """Spells starting as a Poisson process (per year) with random lengths: sick leave,
    top-priority projects."""
    mean_gap = 365.0 * 24.0 / rate_per_year
    n = int(span / mean_gap * 1.5 + 10)
    onsets = np.cumsum(rng.exponential(mean_gap, n))
    lengths = duration.sample(rng, n)
    starts, ends = [], []
    for onset, length in zip(onsets.tolist(), lengths.tolist(), strict=True):
        if onset >= span:
            break
        starts.append(onset)
        ends.append(span_hours(calendar, onset, length, duration.unit, hours_per_day))
    return starts, ends


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
    starts, ends = [], []
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


def vacancies(rng: np.random.Generator, annual_rate: float, lag: DurationSpec,
              calendar: Timeline, hours_per_day: float, span: float
              ) -> tuple[list[float], list[float]]:
    """Departures of a seat's holders and the replacements' arrivals: ``(leaves, joins)``."""
    mean_gap = 365.0 * 24.0 / annual_rate
    leaves, joins = [], []
    t = 0.0
    while True:
        t += float(rng.exponential(mean_gap))
        if t >= span:
            return leaves, joins
        wait = float(lag.sample(rng, 1)[0])
        join = span_hours(calendar, t, wait, lag.unit, hours_per_day)
        leaves.append(t)
        joins.append(join)
        t = join


class Delegation:
    """The continuity policy: does work wait for an absent person, or go to a colleague?

    ``wait``: the work waits for that very person ("for the sake of continuity").
    ``delegate_after`` N working days: if the person is still away N working days after the
    work arrived, a colleague of the same role who is at work takes it over and pays a
    hand-over. ``delegate``: a colleague takes it at once. The decision is taken when the work
    arrives, from the absence in progress then.
    """

    __slots__ = ("_handover", "_rules", "_team")

    def __init__(self, rules: dict[str, tuple[str, float]], handover: dict[str, object],
                 team: dict[str, list[Person]]) -> None:
        self._rules = rules          # role -> (policy, threshold in working hours)
        self._handover = handover    # role -> Work-like with .amount(person)
        self._team = team

    def target(self, person: Person, t: float) -> tuple[Person, float]:
        """``(who does the work, until when it waits for the absent person first)``."""
        rule = self._rules.get(person.role)
        if rule is None:
            return person, t
        away = disrupted_at(person, t)
        if away is None:
            return person, t
        policy, threshold = rule
        back = away[1]
        if policy == "delegate_after":
            switch = person.calendar.add_open(person.calendar.next_open(t), threshold)
            if back <= switch:
                return person, t
        else:
            switch = t
        for colleague in self._team[person.role]:
            if colleague is not person and disrupted_at(colleague, switch) is None:
                return colleague, switch
        return person, t

    def handover(self, person: Person) -> float:
        hours, _ = self._handover[person.role].amount(person)  # type: ignore[attr-defined]
        return hours


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
