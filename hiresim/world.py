"""One replication's state: the clock, the records, the random streams, people, requisitions
and candidates. State only: what happens to it lives in :mod:`hiresim.pipeline` and
:mod:`hiresim.mechanisms`, and :mod:`hiresim.model` builds it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import simpy

from hiresim.streams import Streams
from hiresim.trace import Leg, Trace
from hiresim.workhours import Availability, Timeline

if TYPE_CHECKING:
    from hiresim.mechanisms.continuity import Delegation
    from hiresim.meetings import Reschedules, SlotFinder
    from hiresim.people import Person, Pool
    from hiresim.tasks import Work

#: ``restart(timeline, start, end, hours) -> end``: when work in progress must start over.
RestartRule = Callable[[Availability, float, float, float], float]


@dataclass(eq=False, slots=True)
class Requisition:
    """An open position, owned by one hiring manager and one recruiter."""

    id: str
    index: int
    opened: float
    hiring_manager: Person
    recruiter: Person
    approvers: dict[str, Person]
    positions: int
    closed_event: simpy.Event
    filled: int = 0
    closed: bool = False
    cancelled: bool = False
    #: A requirement change in progress: candidates wait at their next step until it succeeds.
    hold: simpy.Event | None = None
    #: A new recruiter took over (reorganization): their next task for it pays a hand-over.
    handover_due: bool = False


@dataclass(eq=False, slots=True)
class Candidate:
    """A candidate's fixed draws: decisions and panels, made at arrival for common numbers."""

    id: str
    requisition: Requisition
    applied: float
    draws: list[float]
    panels: list[list[int]]
    patience: list[float] = field(default_factory=list)
    answers: list[float] = field(default_factory=list)
    rounds: int = 0
    declined: bool = False
    withdrawn: bool = False
    journey: tuple[int, float, Leg] | None = field(default=None)
    #: When the candidate last heard anything (interview end, or an answered follow-up).
    news_at: float = 0.0
    #: The last round whose interview date the candidate has been given.
    booked: int = 0


class World:
    """Everything one replication knows, for the pipeline and the mechanisms to act on.

    The model fills it in a fixed order (people, their disruptions, the mechanisms' hooks,
    requisitions); nothing here draws a random number or starts a process.
    """

    __slots__ = ("delegation", "end", "env", "epoch", "event_log", "ghosts", "in_process", "never",
                 "people", "pools", "recruiter_handover", "replication", "requisitions",
                 "reschedules", "restart", "retry_hours", "scheduling", "slots", "streams",
                 "timelines", "trace", "turnover_handover")

    def __init__(self, seed: int, replication: int, epoch: date, end: float,
                 event_log: bool = True, scheduling: bool = True) -> None:
        self.env = simpy.Environment()
        self.replication = replication
        #: One independent stream per mechanism (common random numbers across what-ifs).
        self.streams = Streams(seed, replication)
        #: Simulation time 0 is this date's midnight; times are hours since then.
        self.epoch = epoch
        #: End of the simulated span (hours): what is still waiting then is censored.
        self.end = end
        self.trace = Trace(replication, event_log)
        self.event_log = event_log
        #: Meetings search a common free slot (``False``: they happen when due).
        self.scheduling = scheduling
        #: No slot found: the organizer searches again this many hours later.
        self.retry_hours = 7 * 24.0
        #: An event that never fires: a wait that cannot end before the horizon.
        self.never = self.env.event()
        #: Candidates in process, by id: from arrival to their final outcome (a Candidate of
        #: this module; "candidates" alone names the mechanism and its block).
        self.in_process: dict[str, Candidate] = {}
        #: Candidates that take their turn but nobody's time (a forecast's copies of an open
        #: application: :mod:`hiresim.inference.forecasts`): their tasks queue as any other
        #: and hand the person on at once, their meetings book no slot, their hire fills no
        #: position. Empty in a simulation.
        self.ghosts: set[str] = set()
        self.requisitions: list[Requisition] = []
        #: People by role, in the scenario's order.
        self.people: dict[str, list[Person]] = {}
        #: Roles whose tasks go to whoever is free first.
        self.pools: dict[str, Pool] = {}
        #: Working-calendar timelines by calendar name (shared by the people who use them).
        self.timelines: dict[str, Timeline] = {}
        self.slots: SlotFinder | None = None
        #: Booked meetings that may move (cancellations, no-shows); ``None``: they never do.
        self.reschedules: Reschedules | None = None
        # Hooks the mechanisms install (None: the mechanism is off)
        #: ``absence``: does work wait for an absent person, or go to a colleague?
        self.delegation: Delegation | None = None
        #: ``priority``: work interrupted by a top-priority project starts over.
        self.restart: RestartRule | None = None
        #: ``turnover``: the replacement's re-review of inherited work.
        self.turnover_handover: Work | None = None
        #: ``reorganization``: a recruiter new to a requisition reads up on it.
        self.recruiter_handover: Work | None = None

    def person(self, person_id: str) -> Person:
        """The person with this id (``recruiter-1``, or a named person's id)."""
        for members in self.people.values():
            for p in members:
                if p.id == person_id:
                    return p
        known = [p.id for members in self.people.values() for p in members]
        raise KeyError(f"no person {person_id!r}; people: {', '.join(known)}")
