"""How long finding a meeting slot takes, estimated from the scenario alone (no simulation).

The simulation books each meeting (an interview, a debrief) into the first run of slots in which
every attendee is at work and free. A person's calendar load is drawn per clock hour: each hour
is already taken with probability ``calendar_load``, independently (see
:class:`hiresim.calendarload.HourBlocks`); the candidate's ``candidate_load`` likewise, for
interviews. So an hour is free for all attendees with probability ``q``, the product of their
``1 - load``, and a meeting of ``k`` slots fits at a start slot when every hour it touches is free.

:func:`slot_estimates` computes, for each meeting of a scenario, the exact probability ``p``
that a common working day has at least one such start (a small dynamic programme over the
day's hours: the length of the run of free hours so far), and from it the expected number of
common working days the organizer searches until the first one, ``1 / p`` (days are drawn
independently). It is a lower bound of what the simulation shows: meetings booked by the
simulation itself, absences, holidays and the notice period only make slots rarer. A meeting
with an attendee whose role's calendar is made of meetings (``calendar_blocks``:
:mod:`hiresim.busy`) has no estimate: its free time is not independent hours. A meeting
whose estimate is :data:`NEARLY_IMPOSSIBLE_DAYS` working days or more is flagged: with eight
attendees whose calendars are 60 % booked, one common free hour is rarer than one a year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hiresim.calendarload import LOAD_BLOCK_HOURS
from hiresim.fields import WEEKDAYS
from hiresim.scenario.schema import CalendarSpec, Scenario
from hiresim.text import plural

#: An estimate of at least this many common working days (about a month) is flagged.
NEARLY_IMPOSSIBLE_DAYS = 20.0
#: Calendar load is drawn per block of this many minutes (one clock hour).
BLOCK_MINUTES = round(LOAD_BLOCK_HOURS * 60)
_DAY = 24 * 60


@dataclass(frozen=True)
class SlotEstimate:
    """One meeting's chance of a common free slot and the working days to find one."""

    #: What the meeting is, e.g. ``"round 1 interview"``.
    meeting: str
    #: The field that sets its length, e.g. ``"rounds.0.interview_minutes"``.
    path: str
    minutes: int
    #: Who must be free, e.g. ``["2 interviewers", "the candidate"]``.
    attendees: list[str]
    #: Probability that an hour is free for every attendee.
    hour_free: float
    #: Probability that a common working day has at least one slot for the meeting.
    p_day: float
    #: Expected common working days searched until the first day with a slot (``1 / p_day``;
    #: ``inf`` when no day can have one).
    working_days: float
    #: Probability that the organizer's search window (``scheduling.search_days``) holds no
    #: slot at all (the organizer then tries again ``retry_after_days`` later).
    p_window_empty: float

    @property
    def nearly_impossible(self) -> bool:
        return self.working_days >= NEARLY_IMPOSSIBLE_DAYS

    def warning(self) -> str | None:
        """A sentence for a meeting flagged :attr:`nearly_impossible`, else ``None``."""
        if not self.nearly_impossible:
            return None
        days = ("never (no common stretch of working time is long enough)"
                if math.isinf(self.working_days) else
                f"about {self.working_days:,.0f} working days")
        return (f"{self.meeting} ({self.path}: {self.minutes} minutes, "
                f"{', '.join(self.attendees)}) is nearly impossible to schedule: an hour is free "
                f"for all of them {self.hour_free:.1%} of the time, so the first common slot "
                f"takes {days}; the search window finds none {self.p_window_empty:.0%} of the "
                "time. Fewer attendees, lighter calendars (calendar_load) or a shorter "
                "meeting help")


def slot_estimates(scenario: Scenario) -> list[SlotEstimate]:
    """For every meeting of ``scenario`` (each round's interview, each round's debrief), the
    chance of a common free slot on a working day and the expected working days to the first
    one; empty when meetings are not scheduled (``scheduling.enabled`` or ``slot_search``
    false: a meeting then needs only everyone at work)."""
    s = scenario
    if not (s.scheduling.enabled and s.scheduling.slot_search):
        return []
    hm, recruiter = s.requisitions.hiring_manager_role, s.requisitions.recruiter_role
    out: list[SlotEstimate | None] = []
    for i, rnd in enumerate(s.rounds):
        case = s.roles[rnd.panel_role].assignment == "case"
        panel = [rnd.panel_role] * rnd.panel if case else []
        interview = panel + ([hm] if rnd.hiring_manager_attends else [])
        out.append(_estimate(s, f"round {i + 1} interview", f"rounds.{i}.interview_minutes",
                             rnd.interview_minutes, interview or [recruiter], candidate=True))
        minutes = rnd.debrief_minutes
        path = f"rounds.{i}.debrief_minutes"
        if minutes is None and s.debrief is not None:
            minutes, path = s.debrief.minutes, "debrief.minutes"
        if s.debrief is not None and minutes:
            debrief = panel + [hm] + ([recruiter] if s.debrief.recruiter_attends else [])
            out.append(_estimate(s, f"round {i + 1} debrief", path, minutes, debrief,
                                 candidate=False))
    return [e for e in out if e is not None]


def _estimate(s: Scenario, meeting: str, path: str, minutes: int, roles: list[str],
              candidate: bool) -> SlotEstimate | None:
    if any(s.roles[role].calendar_blocks is not None for role in roles):
        return None  # calendars made of meetings: the independent-hours estimate does not hold
    slot = s.scheduling.slot_minutes
    q = math.prod(1.0 - s.roles[role].calendar_load for role in roles)
    if candidate:
        q *= 1.0 - s.scheduling.candidate_load
    calendars = [s.calendars[s.roles[role].calendar] for role in dict.fromkeys(roles)]
    p_day = day_probability(calendars, slot, minutes, q)
    weekdays = set.intersection(*(set(c.weekdays) for c in calendars))
    window_days = s.scheduling.search_days * len(weekdays) / len(WEEKDAYS)
    days = math.inf if p_day <= 0.0 else 1.0 / p_day
    words = [plural(n, role.replace("_", " ")) for role, n in _counts(roles)]
    if candidate:
        words.append("the candidate")
    return SlotEstimate(meeting, path, minutes, words, q, p_day, days,
                        (1.0 - p_day) ** window_days)


def day_probability(calendars: list[CalendarSpec], slot_minutes: int, minutes: int,
                    hour_free: float) -> float:
    """Probability that a working day common to ``calendars`` has a start, on the grid of
    ``slot_minutes``, for a meeting of ``minutes`` in everyone's working time (whole slots)
    whose clock hours are all free, each hour free with probability ``hour_free``
    independently."""
    k = max(1, math.ceil(minutes / slot_minutes - 1e-9))
    windows = _windows(_common_minutes(calendars), slot_minutes, k)
    return _p_some_window(windows, hour_free)


def _counts(roles: list[str]) -> list[tuple[str, int]]:
    return [(role, roles.count(role)) for role in dict.fromkeys(roles)]


def _common_minutes(calendars: list[CalendarSpec]) -> list[bool]:
    """Which minutes of a day every calendar is at work (hours minus lunch)."""
    common = [True] * _DAY
    for cal in calendars:
        if cal.always_open:
            continue
        start, end = _clock(cal.hours[0]), _clock(cal.hours[1])
        lunch = (0, 0) if cal.lunch is None else (_clock(cal.lunch[0]), _clock(cal.lunch[1]))
        for m in range(_DAY):
            if not (start <= m < end) or lunch[0] <= m < lunch[1]:
                common[m] = False
    return common


def _clock(text: str) -> int:
    """Minutes since midnight of ``"HH:MM"``."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _windows(open_minutes: list[bool], slot: int, k: int) -> dict[int, int]:
    """``{last hour: fewest hours}``: each start slot on the day's grid at which ``k`` slots
    lie in working time, as the clock hours it touches (those must all be free), keeping for
    each last hour the shortest run of hours that ends there."""
    out: dict[int, int] = {}
    for first in range(0, _DAY - k * slot + 1, slot):
        last = first + k * slot
        if all(open_minutes[first:last]):
            b0, b1 = first // BLOCK_MINUTES, (last - 1) // BLOCK_MINUTES
            out[b1] = min(out.get(b1, b1 - b0 + 1), b1 - b0 + 1)
    return out


def _p_some_window(windows: dict[int, int], q: float) -> float:
    """Probability that some window's hours are all free, each hour free with probability
    ``q`` independently: the distribution of the run of free hours that ends at each hour,
    mass moved to "found" as soon as a window ending there is covered."""
    if not windows:
        return 0.0
    longest = max(windows.values())
    run = [1.0] + [0.0] * longest  # run[r]: no window found yet, r free hours end here
    found = 0.0
    for hour in range(max(windows) + 1):
        nxt = [0.0] * (longest + 1)
        nxt[0] = sum(run) * (1.0 - q)
        for r, mass in enumerate(run):
            nxt[min(r + 1, longest)] += mass * q
        need = windows.get(hour)
        if need is not None:
            found += sum(nxt[need:])
            for r in range(need, longest + 1):
                nxt[r] = 0.0
        run = nxt
    return found
