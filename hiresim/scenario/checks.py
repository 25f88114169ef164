"""Cross-checks pydantic cannot do field by field: names that must refer to something, and
combinations that validate but can never happen."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hiresim.busy import room_problem
from hiresim.fields import WEEKDAYS
from hiresim.mechanisms import mechanisms_of, role_problems
from hiresim.scenario.schema import CalendarSpec, Scenario
from hiresim.text import close_matches

if TYPE_CHECKING:
    from hiresim.workhours import WorkingCalendar


def check_references(scenario: Scenario) -> list[tuple[str, str]]:
    """Cross-field checks pydantic cannot do alone: names that must refer to something.

    The scenario's own blocks are checked here; each mechanism checks its block
    (:meth:`hiresim.mechanisms.Mechanism.check`), in the mechanisms' order."""
    problems: list[tuple[str, str]] = []
    roles = scenario.roles

    def need_role(path: str, name: str) -> None:
        problems.extend(role_problems(scenario, [(path, name)]))

    for name, role in roles.items():
        if role.calendar not in scenario.calendars:
            hint = close_matches(role.calendar, list(scenario.calendars), n=1)
            more = f"; did you mean {hint[0]!r}?" if hint else ""
            problems.append((f"roles.{name}.calendar",
                             f"unknown calendar {role.calendar!r}{more} Calendars defined: "
                             f"{', '.join(scenario.calendars)}."))
        blocks = role.calendar_blocks
        cal = scenario.calendars.get(role.calendar)
        if blocks is not None and cal is not None:
            problem = room_problem(blocks, cal)
            if problem is not None:
                problems.append((f"roles.{name}.calendar_blocks.minutes", problem))
    need_role("requisitions.recruiter_role", scenario.requisitions.recruiter_role)
    need_role("requisitions.hiring_manager_role", scenario.requisitions.hiring_manager_role)
    for i, rnd in enumerate(scenario.rounds):
        need_role(f"rounds.{i}.panel_role", rnd.panel_role)
        panel_role = roles.get(rnd.panel_role)
        if (panel_role is not None and panel_role.assignment == "case"
                and rnd.panel > panel_role.count):
            problems.append((f"rounds.{i}.panel",
                             f"a panel of {rnd.panel} needs at least {rnd.panel} people in role "
                             f"{rnd.panel_role!r}, which has {panel_role.count}"))
        if rnd.debrief_minutes is not None and scenario.debrief is None:
            problems.append((f"rounds.{i}.debrief_minutes",
                             "a round's debrief length needs a [debrief] block (who attends); "
                             "add [debrief] or remove debrief_minutes"))
    last = len(scenario.rounds) - 1
    if scenario.rounds[last].decision.advance > 0:
        problems.append((f"rounds.{last}.decision.advance",
                         "the last round cannot advance candidates (there is no next round)"))
    for cls in mechanisms_of(scenario):  # each mechanism checks its own block
        block = cls.block_in(scenario)
        if block is not None:
            problems.extend(cls.check(scenario, block))
    if not problems:  # the checks below read roles and calendars by name
        problems.extend(_check_feasible(scenario))
    problems.extend(_check_calendars(scenario))
    if scenario.requisitions.initial == 0 and scenario.requisitions.rate_per_month == 0:
        problems.append(("requisitions", "no requisition ever opens: set initial >= 1 or "
                                         "rate_per_month > 0"))
    return problems


def _minutes_of(clock: str) -> int:
    hh, mm = clock.split(":")
    return int(hh) * 60 + int(mm)


def longest_meeting(spec: CalendarSpec, slot_minutes: int) -> float:
    """The longest meeting (minutes) that fits in one working day of a calendar, on the slot
    grid: the longest stretch of whole slots between the start of the day, lunch and its end
    (``inf`` for an always-open calendar)."""
    if spec.always_open:
        return math.inf
    start, end = _minutes_of(spec.hours[0]), _minutes_of(spec.hours[1])
    stretches = [(start, end)]
    if spec.lunch is not None:
        stretches = [(start, _minutes_of(spec.lunch[0])), (_minutes_of(spec.lunch[1]), end)]
    return max((b // slot_minutes + (-a) // slot_minutes) * slot_minutes for a, b in stretches)


def _check_feasible(scenario: Scenario) -> list[tuple[str, str]]:
    """Combinations that validate field by field but can never happen: a meeting longer than
    any working day of an attendee (every candidate would wait for ever without a word). (A
    committee that never sits is the approvals' own check.)"""
    s = scenario
    problems: list[tuple[str, str]] = []
    slot = s.scheduling.slot_minutes

    def fits(minutes: int, roles: list[str], path: str) -> None:
        for role in dict.fromkeys(roles):
            name = s.roles[role].calendar
            longest = longest_meeting(s.calendars[name], slot)
            if minutes > longest:
                problems.append((path, f"{minutes} minutes never fit in a working day of "
                                       f"{role!r} (calendar {name!r}: at most {longest:.0f} "
                                       f"minutes in one stretch, see calendars.{name}.hours and "
                                       f"lunch); shorten the meeting or widen the hours"))

    hm, recruiter = s.requisitions.hiring_manager_role, s.requisitions.recruiter_role
    if s.scheduling.enabled:
        for i, rnd in enumerate(s.rounds):
            pool = s.roles[rnd.panel_role].assignment == "pool"
            attendees = [] if pool else [rnd.panel_role]
            if rnd.hiring_manager_attends:
                attendees.append(hm)
            fits(rnd.interview_minutes, attendees or [recruiter], f"rounds.{i}.interview_minutes")
        if s.debrief is not None:
            others = [hm, *([recruiter] if s.debrief.recruiter_attends else [])]
            shared: list[str] = []  # rounds whose debrief is [debrief] minutes long
            for i, rnd in enumerate(s.rounds):
                panel = [rnd.panel_role] if s.roles[rnd.panel_role].assignment == "case" else []
                if rnd.debrief_minutes is None:
                    shared += panel
                else:
                    fits(rnd.debrief_minutes, panel + others, f"rounds.{i}.debrief_minutes")
            if any(rnd.debrief_minutes is None for rnd in s.rounds):
                fits(s.debrief.minutes, shared + others, "debrief.minutes")
    return problems


def _check_calendars(scenario: Scenario) -> list[tuple[str, str]]:
    problems = []
    for name, spec in scenario.calendars.items():
        try:
            calendar_from_spec(spec)
        except ValueError as exc:
            problems.append((f"calendars.{name}", str(exc)))
    return problems


def calendar_from_spec(spec: CalendarSpec) -> WorkingCalendar:
    """The :class:`~hiresim.workhours.WorkingCalendar` a calendar spec describes."""
    from hiresim.workhours import WorkingCalendar

    return WorkingCalendar(
        weekdays=tuple(WEEKDAYS.index(d) for d in spec.weekdays),
        start=spec.hours[0], end=spec.hours[1],
        lunch=None if spec.lunch is None else (spec.lunch[0], spec.lunch[1]),
        country=spec.country, subdivision=spec.subdivision,
        closed_dates=tuple(spec.closed), always_open=spec.always_open,
    )


