"""People and role pools: who does the work, and whose seat it is at a given time.

A :class:`Person` is a SimPy resource of capacity one with their own availability (their
working calendar's :class:`~hiresim.workhours.Timeline`, with absences and other disruptions laid
over it as a :class:`~hiresim.workhours.PersonTimeline` by the mechanisms) and a slot mask of the
times their calendar is free for meetings. A :class:`Pool` is a role whose tasks go to whoever is
free first (a shared queue): that is what an M/M/c queue is. Any role may be one (interview
panels, a recruiter team, an approver or legal pool); meetings still need particular people, so
a requisition keeps its own person of a pool role for the meetings it organizes or attends.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import numpy as np
import simpy

from hiresim.calendarload import FreeSlots
from hiresim.queues import WorkQueue
from hiresim.workhours import Availability, Timeline


class Person:
    """One person of a role; their work queue is a SimPy resource of capacity one."""

    __slots__ = ("calendar", "fills", "free", "hours_per_day", "id", "joins", "pool",
                 "resource", "role", "share", "timeline")

    def __init__(self, env: simpy.Environment, person_id: str, role: str, timeline: Timeline,
                 hours_per_day: float, free: np.ndarray | None = None, capacity: int = 1
                 ) -> None:
        self.id = person_id
        self.role = role
        #: The working calendar alone; ``timeline`` adds leave, projects, vacancies over it.
        self.calendar = timeline
        #: The calendar itself, or a :class:`~hiresim.workhours.PersonTimeline` over it.
        self.timeline: Availability = timeline
        #: Times at which a replacement took this seat (turnover), in order.
        self.joins: list[float] = []
        self.hours_per_day = hours_per_day
        self.resource = WorkQueue(env, capacity=capacity)
        #: Meeting slots in which the person is at work, present and not booked (set by the
        #: model once the person's disruptions are laid over their calendar).
        self.free: np.ndarray = np.zeros(0, dtype=bool) if free is None else free
        #: What fills ``free`` week by week when a search first reaches it (set by the model;
        #: ``None``: ``free`` is complete).
        self.fills: FreeSlots | None = None
        #: The person's role is a pool: a task meant for them goes to whoever of it is free
        #: first (set by the model); ``None``: their tasks are theirs.
        self.pool: Pool | None = None
        #: Share of their working time that hiring tasks may use (their other duties take
        #: the rest): working-time work takes ``1 / share`` as long.
        self.share = 1.0

    def holder(self, t: float) -> str:
        """Id of whoever holds this seat at ``t``: ``recruiter-2``, then ``recruiter-2~1``
        after the first replacement joined (turnover), and so on."""
        if not self.joins:
            return self.id
        k = bisect_right(self.joins, t)
        return self.id if k == 0 else f"{self.id}~{k}"

    def changed_hands(self, enabled: float, start: float) -> bool:
        """Whether a replacement joined the seat while work waited (it pays a hand-over)."""
        joins = self.joins
        k = bisect_left(joins, enabled)
        return k < len(joins) and joins[k] <= start

    def away(self, t: float, horizon: float = 24.0 * 400) -> tuple[int, float] | None:
        """``(cause, until)`` if the person is away for a disruption (leave, project, vacancy,
        freeze) at ``t``; ``None`` if they are at work or merely off hours. ``until`` is the
        end of the whole spell of disruptions that holds at ``t`` (adjacent spells merged)."""
        return self.timeline.disruption_at(t, horizon)

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
