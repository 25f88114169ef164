"""Pipeline stages as SimPy processes: tasks, meetings, parallel groups, approvals, messages.

Each stage is a generator the candidate's process delegates to (``yield from``), so a stage
costs no extra SimPy process unless it really runs branches in parallel. Every stage charges
the time it takes to the candidate's :class:`~hiresim.trace.Leg` cause by cause as it goes, and
records one activity instance in the event log. This module is the simulation's hot path: it
touches no pandas and no pydantic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from hiresim.causes import (
    BATCHING,
    COMMUNICATION,
    CONTENTION,
    N_CAUSES,
    OFF_HOURS,
    OPEN,
    SCHEDULING,
    WORK,
)
from hiresim.trace import Leg

if TYPE_CHECKING:
    from hiresim.distributions import Sampler
    from hiresim.model import Replication
    from hiresim.people import Person, Pool

Process = Generator[Any, Any, None]

#: Kinds of duration unit, resolved once per sampler (see :class:`Work`).
_WORKING_HOURS, _WORKING_DAYS, _ELAPSED_HOURS, _CALENDAR_DAYS = range(4)
_UNIT_KIND = {"working_hours": _WORKING_HOURS, "working_days": _WORKING_DAYS,
              "hours": _ELAPSED_HOURS, "calendar_days": _CALENDAR_DAYS}


class Work:
    """How long a kind of task takes: a sampler plus what its unit means for a given person."""

    __slots__ = ("draw", "kind", "zero")

    def __init__(self, draw: Sampler, unit: str, zero: bool) -> None:
        self.draw = draw
        self.kind = _UNIT_KIND[unit]
        #: A constant zero: there is nothing to do, so the task is skipped altogether.
        self.zero = zero

    def amount(self, person: Person) -> tuple[float, bool]:
        """``(hours, is_working_time)`` of one draw, for the person who does it."""
        value = self.draw()
        kind = self.kind
        if kind == _WORKING_HOURS:
            return value, True
        if kind == _WORKING_DAYS:
            return value * person.hours_per_day, True
        if kind == _ELAPSED_HOURS:
            return value, False
        return value * 24.0, False


def task(m: Replication, person: Person, work: Work, leg: Leg, case: str, activity: str,
         stage: str, requisition: str, rnd: int, extra: float = 0.0) -> Process:
    """A task for one specific person: queue for them, then work in their available time.

    Waiting in their queue is ``contention`` (or the cause that keeps them away: off hours,
    absence, ...); working time is ``work``, and the closed time it spans goes to its cause.
    ``extra`` adds working hours (a hand-over when the work changed hands).
    """
    env = m.env
    enabled = env.now
    pre: list[float] | None = None
    if m.delegation is not None:
        target, until = m.delegation.target(person, enabled)
        if until > enabled:  # wait for the absent person up to the policy's threshold
            leg.pending(person.timeline, CONTENTION)
            yield env.timeout(until - enabled)
            if m.event_log:
                pre = _wait_vector(person.timeline, enabled, until, CONTENTION)
            leg.charge(until, person.timeline, CONTENTION)
        if target is not person:
            extra += m.delegation.handover(target)
            person = target
    queued = env.now
    timeline = person.timeline
    leg.pending(timeline, CONTENTION)
    queue = person.resource
    request = queue.claim()
    if request is not None:
        yield request
    now = env.now
    start, end, working = _service(m, person, work, now, enabled, extra)
    leg.charge(now, timeline, CONTENTION)
    leg.pending(timeline if working else None, WORK)
    if end > now:
        yield env.timeout(end - now)
    _charge_service(leg, timeline, end, working)
    queue.free(request)
    if m.event_log:
        wt = _wait_vector(timeline, queued, start, CONTENTION)
        if pre is not None:
            wt = [a + b for a, b in zip(wt, pre, strict=True)]
        m.trace.event(case, activity, m.person_id(person, start), person.role, enabled, start,
                      end, stage, requisition, rnd, wt, _suspended(timeline, start, end))


def _service(m: Replication, person: Person, work: Work, now: float, enabled: float,
             extra: float) -> tuple[float, float, bool]:
    """``(start, end, is_working_time)`` of a task its person takes up at ``now``.

    Working time starts at the person's next open moment and runs on their availability
    timeline (suspended by disruptions; started over after a priority project when the
    scenario says so); elapsed time runs on the wall clock. ``extra`` and any turnover
    hand-over add working hours.
    """
    hours, working = work.amount(person)
    if not working:  # hand-over hours then run on the wall clock too
        return now, now + hours + extra + m.handover_cost(person, enabled, now), False
    timeline = person.timeline
    start = timeline.next_open(now)
    hours += extra + m.handover_cost(person, enabled, start)
    end = timeline.add_open(start, hours)
    if m.restart_after_priority:
        end = m.restart_after_priority(timeline, start, end, hours)
    return start, end, True


def _charge_service(leg: Leg, timeline: Any, end: float, working: bool) -> None:
    """Charge a task's service up to ``end``: working time by the person's timeline."""
    if working:
        leg.charge(end, timeline, WORK)
    else:
        leg.flat(end, WORK)


def _suspended(timeline: Any, start: float, end: float) -> float:
    """Time a task in progress spent suspended by a disruption (a project, leave, a freeze)."""
    if not timeline.has_closed or end <= start:
        return 0.0
    service = [0.0] * N_CAUSES
    timeline.charge(start, end, WORK, service)
    return sum(service[:OFF_HOURS])


def pool_task(m: Replication, pool: Pool, work: Work, leg: Leg, case: str, activity: str,
              stage: str, requisition: str, rnd: int) -> Process:
    """A task for whoever of a role is free first (one shared queue: M/M/c when exponential)."""
    env = m.env
    enabled = env.now
    leg.pending(pool.timeline, CONTENTION)
    request = pool.resource.claim()
    if request is not None:
        yield request
    now = env.now
    person = pool.take(now)
    timeline = person.timeline
    start, end, working = _service(m, person, work, now, enabled, 0.0)
    wt = _wait_vector(timeline, enabled, start, CONTENTION) if m.event_log else None
    if now > leg.mark:  # it waited in the queue
        leg.charge(now, timeline, CONTENTION)
    suspended = _suspended(timeline, start, end) if wt is not None else 0.0
    leg.pending(timeline if working else None, WORK)
    if end > now:
        yield env.timeout(end - now)
    _charge_service(leg, timeline, end, working)
    pool.give(person)
    pool.resource.free(request)
    if wt is not None:
        m.trace.event(case, activity, person.id, person.role, enabled, start, end, stage,
                      requisition, rnd, wt, suspended)


def _wait_vector(timeline: Any, a: float, b: float, default: int) -> list[float]:
    wt = [0.0] * N_CAUSES
    timeline.charge(a, b, default, wt)
    return wt


def parallel(m: Replication, leg: Leg, branches: list[Callable[[Leg], Process]],
             quorum: int | None = None) -> Process:
    """Run branches side by side; done when ``quorum`` of them are (all by default).

    The wait is charged along the critical path: the causes of the branch whose completion
    ended the parallel section.
    """
    if len(branches) == 1:
        yield from branches[0](leg)
        return
    env = m.env
    need = len(branches) if quorum is None else quorum
    legs = [Leg(env.now) for _ in branches]
    leg.branches = legs
    finished: list[Leg] = []
    enough = env.event()

    def run(make: Callable[[Leg], Process], branch: Leg) -> Process:
        yield from make(branch)
        branch.done = True
        finished.append(branch)
        if len(finished) == need:
            enough.succeed()

    # When every branch must finish, the first runs in the caller's own process (one SimPy
    # process fewer per group: scorecards, approval rounds); with a quorum the caller must be
    # free to go on while branches still run, so each gets a process of its own.
    inline = need == len(branches)
    for make, branch in zip(branches[inline:], legs[inline:], strict=True):
        env.process(run(make, branch))
    if inline:
        first = legs[0]
        yield from branches[0](first)
        first.done = True
        finished.append(first)
    if len(finished) < need:
        yield enough
    leg.absorb(finished[need - 1])


def meeting(m: Replication, attendees: list[Person], organizer: Person, minutes: int, leg: Leg,
            case: str, activity: str, stage: str, requisition: str, rnd: int,
            candidate: bool, notice: float = 0.0) -> Process:
    """A meeting at the earliest slot where every attendee (and the candidate) is free.

    The wait for the slot is ``scheduling``, except the organizer's off hours (``off_hours``)
    and any attendee's absence or other disruption, which take precedence by the cause order.
    """
    env = m.env
    enabled = env.now
    if m.scheduling:
        start = m.slots.find(attendees, enabled + notice, minutes, organizer, candidate)
    else:
        start = enabled
    leg.pending(m.timeline_of(organizer, enabled), SCHEDULING)
    if math.isinf(start):
        yield m.never  # no common slot before the end of the simulation: the wait is censored
        return
    wt = [0.0] * N_CAUSES
    end = start + minutes / 60.0
    if end > enabled:  # one timeout for the wait and the meeting (the leg knows the split)
        waited = start > enabled
        if waited:
            charge_meeting_wait(m, attendees, organizer, enabled, start, wt)
            if end > start:
                leg.after = (start, wt)
        else:
            leg.pending(None, WORK)
        yield env.timeout(end - enabled)
        leg.after = None
        if waited:
            leg.held(start, wt)
        if end > start:
            leg.flat(end, WORK)
    if m.event_log:
        m.trace.event(case, activity, m.person_id(organizer, start), organizer.role, enabled,
                      start, end, stage, requisition, rnd, wt)


def charge_meeting_wait(m: Replication, attendees: list[Person], organizer: Person, a: float,
                        b: float, acc: list[float]) -> None:
    """Charge ``[a, b)``: attendees' disruptions first, then organizer's closed time, then
    ``scheduling``."""
    organizer_line = m.timeline_of(organizer, a)
    extra: list[tuple[float, float, int]] = []
    for person in attendees:
        if person is organizer:
            continue
        line = m.timeline_of(person, a)
        if line.disrupted:  # off hours alone: the organizer's own charge decides those
            extra += line.disruption_intervals(a, b)
    if not extra:
        organizer_line.charge(a, b, SCHEDULING, acc)
        return
    # Cut [a, b) at the ends of the attendees' disruptions (a few intervals). Outside them the
    # organizer's timeline decides, as above; inside each piece the highest-priority
    # disruption that covers it takes every second the organizer's charge gave to a cause of
    # lower priority (off hours, scheduling, a lesser disruption). The organizer's calendar is
    # charged with its O(log n) tables, never walked segment by segment.
    points = sorted({p for s, e, _ in extra for p in (s, e)})
    done = a
    for lo, hi in pairwise(points):
        code = min((c for s, e, c in extra if s <= lo and hi <= e), default=OPEN)
        if code == OPEN:  # a gap between disruptions: charged with the next stretch
            continue
        if lo > done:
            organizer_line.charge(done, lo, SCHEDULING, acc)
        part = [0.0] * N_CAUSES
        organizer_line.charge(lo, hi, SCHEDULING, part)
        for k, v in enumerate(part):
            if v:
                acc[k if k < code else code] += v
        done = hi
    if b > done:
        organizer_line.charge(done, b, SCHEDULING, acc)


def wait_until(m: Replication, leg: Leg, t: float, code: int) -> Process:
    """Hold the candidate until ``t``, the whole interval charged to one cause."""
    env = m.env
    leg.pending(None, code)
    if t > env.now:
        yield env.timeout(t - env.now)
    leg.flat(t, code)


def committee(m: Replication, leg: Leg, step_index: int, case: str, activity: str,
              requisition: str, rnd: int) -> Process:
    """An approval given only at the committee's next session: the wait is ``batching``."""
    env = m.env
    enabled = env.now
    session, minutes, role = m.next_session(step_index, enabled)
    yield from wait_until(m, leg, session, BATCHING)
    end = session + minutes / 60.0
    yield from wait_until(m, leg, end, WORK)
    if m.event_log:
        wt = [0.0] * N_CAUSES
        wt[BATCHING] = session - enabled
        m.trace.event(case, activity, f"{role}-committee", role, enabled, session, end,
                      "approval", requisition, rnd, wt)


def handoff(m: Replication, leg: Leg, person: Person, work: Work, case: str,
            requisition: str, rnd: int) -> Process:
    """The decision travels to the person allowed to tell the candidate: ``communication``."""
    env = m.env
    enabled = env.now
    hours, working = work.amount(person)
    timeline = m.timeline_of(person, enabled)
    end = timeline.add_open(enabled, hours) if working else enabled + hours
    leg.pending(timeline if working else None, COMMUNICATION)
    if end > enabled:
        yield env.timeout(end - enabled)
    if working:
        leg.charge(end, timeline, COMMUNICATION)
    else:
        leg.flat(end, COMMUNICATION)
    if m.event_log:
        wt = [0.0] * N_CAUSES
        m.trace.event(case, "hand-off to recruiter", m.person_id(person, end), person.role,
                      enabled, enabled, end, "communication", requisition, rnd, wt)
