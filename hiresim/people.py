"""People and role pools: who can work when, and who is free for a meeting.

A :class:`Person` is a SimPy resource of capacity one with their own availability
:class:`~hiresim.calendar.Timeline` (working calendar, with absences and other disruptions laid
over it) and a slot mask of the times their calendar is free for meetings. A :class:`Pool` is a
role whose tasks go to whoever is free first (a shared queue): that is what an M/M/c queue is.
"""

from __future__ import annotations

import math

import numpy as np
import simpy

from hiresim.calendar import Timeline


class Person:
    """One person of a role; their work queue is a SimPy resource of capacity one."""

    __slots__ = ("free", "hours_per_day", "id", "resource", "role", "timeline")

    def __init__(self, env: simpy.Environment, person_id: str, role: str, timeline: Timeline,
                 hours_per_day: float, free: np.ndarray) -> None:
        self.id = person_id
        self.role = role
        self.timeline = timeline
        self.hours_per_day = hours_per_day
        self.resource = simpy.Resource(env, capacity=1)
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

    __slots__ = ("idle", "people", "resource", "role", "timeline")

    def __init__(self, env: simpy.Environment, role: str, people: list[Person]) -> None:
        self.role = role
        self.people = people
        self.idle = list(reversed(people))
        self.resource = simpy.Resource(env, capacity=len(people))
        #: The role's calendar, for charging queue time to off hours.
        self.timeline = people[0].timeline

    def take(self, now: float) -> Person:
        idle = self.idle
        if len(idle) == 1 or not idle[-1].timeline.has_closed:
            return idle.pop()
        best = min(range(len(idle)), key=lambda k: idle[k].timeline.next_open(now))
        return idle.pop(best)

    def give(self, person: Person) -> None:
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
    free = np.repeat(rng.random(b1 - b0) >= load, per_block)
    offset = first - b0 * per_block
    return free[offset:offset + stop - first]
