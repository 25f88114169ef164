"""The primitives every stage is made of: work, a task for a person or a pool, parallel
groups, and waiting until a moment.

Each primitive is a generator the candidate's process delegates to (``yield from``), so a stage
costs no extra SimPy process unless it really runs branches in parallel. Every primitive charges
the time it takes to the candidate's :class:`~hiresim.trace.Leg` cause by cause as it goes, and
records one activity instance in the event log. This module is the simulation's hot path: it
touches no pandas and no pydantic.

Mechanisms refine how a task is served through hooks they install on the
:class:`~hiresim.world.World` (the continuity policy, the restart rule of ``priority``, the
hand-overs of ``turnover`` and ``reorganization``); the primitives read them, never the
scenario.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from hiresim.causes import CONTENTION, N_CAUSES, OFF_HOURS, WORK
from hiresim.durations import ConstantDuration, DurationSpec, Sampler
from hiresim.trace import Activity, Leg
from hiresim.workhours import Availability, charge_causal

if TYPE_CHECKING:
    from hiresim.people import Person, Pool
    from hiresim.world import Requisition, World

#: A stage as SimPy runs it: a generator of events, delegated to with ``yield from``.
Process = Generator[Any, Any, Any]
#: A branch of a parallel group: given its own leg, the process that does its work.
Branch = Callable[[Leg], Process]

#: Kinds of duration unit, resolved once per sampler (see :class:`Work`).
_WORKING_HOURS, _WORKING_DAYS, _ELAPSED_HOURS, _CALENDAR_DAYS = range(4)
_UNIT_KIND = {"working_hours": _WORKING_HOURS, "working_days": _WORKING_DAYS,
              "hours": _ELAPSED_HOURS, "calendar_days": _CALENDAR_DAYS}


class Work:
    """How long a kind of task takes: a sampler plus what its unit means for a given person.

    The unit is resolved to a kind once (this runs per task: a table lookup beats
    :func:`hiresim.durations.to_hours` on the hot path; both read units the same way).
    """

    __slots__ = ("draw", "kind", "zero")

    def __init__(self, draw: Callable[[], float], unit: str, zero: bool) -> None:
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


def make_work(w: World, spec: DurationSpec, mechanism: str = "work",
              sampler: str | None = None) -> Work:
    """The :class:`Work` of a duration spec, drawing from the stream ``(mechanism, sampler)``
    (:mod:`hiresim.streams`: keyed by these names, never by the order of requests).
    ``sampler=None`` (callers that do not name their samplers yet: a forecast's replay) takes
    the mechanism's next numbered sampler, ``#1``, ``#2``, ... in order of request.

    A constant needs no stream (and makes none).
    """
    if isinstance(spec, ConstantDuration):
        return Work(Sampler(spec, None), spec.unit, spec.value == 0)
    if sampler is None:
        return Work(Sampler(spec, w.streams.numbered(mechanism)), spec.unit, False)
    return Work(Sampler(spec, w.streams.generator(mechanism, sampler)), spec.unit, False)


def task(w: World, person: Person, work: Work, leg: Leg, act: Activity, extra: float = 0.0
         ) -> Process:
    """A task for one specific person: queue for them, then work in their available time.

    Waiting in their queue is ``contention`` (or the cause that keeps them away: off hours,
    absence, ...); working time is ``work``, and the closed time it spans goes to its cause.
    ``act`` labels it in the event log. ``extra`` adds working hours (a hand-over when the
    work changed hands). A person of a pool role stands for the pool: the task goes to
    whoever of it is free first.
    """
    if person.pool is not None:
        yield from pool_task(w, person.pool, work, leg, act, extra)
        return
    env = w.env
    enabled = env.now
    pre: list[float] | None = None
    if w.delegation is not None:
        target, until = w.delegation.target(person, enabled)
        if until > enabled:  # wait for the absent person up to the policy's threshold
            leg.pending(person.timeline, CONTENTION)
            yield env.timeout(until - enabled)
            if w.event_log:
                pre = _wait_vector(person.timeline, enabled, until, CONTENTION)
            leg.charge(until, person.timeline, CONTENTION)
        if target is not person:
            extra += w.delegation.handover(target)
            person = target
    queued = env.now
    timeline = person.timeline
    leg.pending(timeline, CONTENTION)
    queue = person.resource
    request = queue.claim()
    if request is not None:
        yield request
    now = env.now
    start, end, working = _service(w, person, work, now, enabled, extra)
    ghost = act.case in w.ghosts
    if ghost:  # a forecast's copy: its turn in the queue, not the person's time
        queue.free(request)
    if now > leg.mark:  # it waited (an empty interval charges nothing)
        leg.charge(now, timeline, CONTENTION)
    else:
        leg.mark = now
    leg.pending(timeline if working else None, WORK)
    if end > now:
        yield env.timeout(end - now)
    _charge_service(leg, timeline, end, working, person.share)
    if not ghost:
        queue.free(request)
    if w.event_log:
        wt = _wait_vector(timeline, queued, start, CONTENTION)
        if pre is not None:
            wt = [a + b for a, b in zip(wt, pre, strict=True)]
        w.trace.event(act, person.holder(start), person.role, enabled, start, end, wt,
                      _suspended(timeline, start, end))


def _service(w: World, person: Person, work: Work, now: float, enabled: float,
             extra: float) -> tuple[float, float, bool]:
    """``(start, end, is_working_time)`` of a task its person takes up at ``now``.

    Working time starts at the person's next open moment and runs on their availability
    timeline (suspended by disruptions; started over after a priority project when the
    scenario says so); elapsed time runs on the wall clock. ``extra`` and any turnover
    hand-over add working hours. Working time runs at the person's hiring share (their other
    duties take the rest): ``h`` hours of work take ``h / share`` of their working hours.
    """
    hours, working = work.amount(person)
    if not working:  # hand-over hours then run on the wall clock too
        return now, now + hours + extra + _handover(w, person, enabled, now), False
    timeline = person.timeline
    start = timeline.next_open(now)
    hours = (hours + (extra + (_handover(w, person, enabled, start) if person.joins else 0.0))
             ) / person.share
    end = timeline.add_open(start, hours)
    if w.restart is not None:
        end = w.restart(timeline, start, end, hours)
    return start, end, True


def _handover(w: World, person: Person, enabled: float, start: float) -> float:
    """Extra working hours when a replacement joined the seat while the work waited."""
    if person.joins and person.changed_hands(enabled, start):
        assert w.turnover_handover is not None  # joins exist only where turnover is on
        return w.turnover_handover.amount(person)[0]
    return 0.0


def recruiter_handover(w: World, req: Requisition) -> float:
    """Working hours a recruiter new to the requisition spends reading up on it, on their
    next task for it (once): the hand-over ``reorganization`` installs, when it reassigned
    the requisition."""
    if req.handover_due:
        req.handover_due = False
        assert w.recruiter_handover is not None  # set where reorganizations reassign
        return w.recruiter_handover.amount(req.recruiter)[0]
    return 0.0


def _charge_service(leg: Leg, timeline: Availability, end: float, working: bool,
                    share: float) -> None:
    """Charge a task's service up to ``end``: working time by the person's timeline.

    A person who gives hiring only ``share`` of their working time spends ``1 - share`` of
    each open hour of the service on other duties: that part is ``contention`` (their time is
    taken by other work, as when it queues for other candidates' tasks)."""
    if not working:
        leg.flat(end, WORK)
    elif share == 1.0:
        leg.charge(end, timeline, WORK)
    else:
        acc = leg.acc
        before = acc[WORK]
        leg.charge(end, timeline, WORK)
        other = (acc[WORK] - before) * (1.0 - share)
        acc[WORK] -= other
        acc[CONTENTION] += other


def _suspended(timeline: Availability, start: float, end: float) -> float:
    """Time a task in progress spent suspended by a disruption (a project, leave, a freeze)."""
    if not timeline.has_closed or end <= start:
        return 0.0
    service = [0.0] * N_CAUSES
    charge_causal(timeline, start, end, WORK, service)
    return sum(service[:OFF_HOURS])


def pool_task(w: World, pool: Pool, work: Work, leg: Leg, act: Activity, extra: float = 0.0
              ) -> Process:
    """A task for whoever of a role is free first (one shared queue: M/M/c when exponential).

    ``extra`` adds working hours, as for :func:`task`."""
    env = w.env
    enabled = env.now
    leg.pending(pool.timeline, CONTENTION)
    request = pool.resource.claim()
    if request is not None:
        yield request
    now = env.now
    person = pool.take(now)
    timeline = person.timeline
    start, end, working = _service(w, person, work, now, enabled, extra)
    ghost = act.case in w.ghosts
    if ghost:  # a forecast's copy (see :func:`task`)
        pool.give(person)
        pool.resource.free(request)
    wt = _wait_vector(timeline, enabled, start, CONTENTION) if w.event_log else None
    if now > leg.mark:  # it waited in the queue
        leg.charge(now, timeline, CONTENTION)
    suspended = _suspended(timeline, start, end) if wt is not None else 0.0
    leg.pending(timeline if working else None, WORK)
    if end > now:
        yield env.timeout(end - now)
    _charge_service(leg, timeline, end, working, person.share)
    if not ghost:
        pool.give(person)
        pool.resource.free(request)
    if wt is not None:
        w.trace.event(act, person.id, person.role, enabled, start, end, wt, suspended)


def _wait_vector(timeline: Availability, a: float, b: float, default: int) -> list[float]:
    wt = [0.0] * N_CAUSES
    charge_causal(timeline, a, b, default, wt)
    return wt


def person_task(w: World, person: Person, work: Work, act: Activity) -> Branch:
    """A :func:`task` for ``person`` as a branch of a parallel group (its leg comes later)."""
    return lambda leg: task(w, person, work, leg, act)


def parallel(w: World, leg: Leg, branches: list[Branch], quorum: int | None = None
             ) -> Process:
    """Run branches side by side; done when ``quorum`` of them are (all by default).

    The wait is charged along the critical path: the causes of the branch whose completion
    ended the parallel section.
    """
    if len(branches) == 1:
        yield from branches[0](leg)
        return
    env = w.env
    need = len(branches) if quorum is None else quorum
    legs = [Leg(env.now) for _ in branches]
    leg.branches = legs
    finished: list[Leg] = []
    enough = env.event()

    def run(make: Branch, branch: Leg) -> Process:
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


def wait_until(w: World, leg: Leg, t: float, code: int) -> Process:
    """Hold the candidate until ``t``, the whole interval charged to one cause."""
    env = w.env
    leg.pending(None, code)
    if t > env.now:
        yield env.timeout(t - env.now)
    leg.flat(t, code)
