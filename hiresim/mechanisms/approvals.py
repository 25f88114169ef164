"""``approvals``: "bureaucracy" — an offer needs sign-offs by people who never met the candidate.

The chain is a list of steps in order. A step is one role, or a parallel group of roles of
which a quorum must sign (``per_role`` asks several people of each role: a works council of
three of whom any two sign); it may be sent back for a revision by the hiring manager (then it is
asked again), escalated to someone higher after a number of working days without a sign-off,
or given only at a committee's periodic sessions (:class:`Committee`: the wait is
``batching``). Approvers' own waits are charged to their causes (``contention``, ``absence``,
``off_hours``, ...); what the chain as a whole costs shows in the ``approvals`` ablation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from hiresim.causes import BATCHING, N_CAUSES, WORK
from hiresim.durations import UniformBlock
from hiresim.fields import WEEKDAYS
from hiresim.tasks import Branch, Process, Work, make_work, parallel, person_task, task, wait_until
from hiresim.trace import Leg
from hiresim.workhours import Timeline

if TYPE_CHECKING:
    from collections.abc import Callable

    from hiresim.people import Person
    from hiresim.scenario import ApprovalsSpec, ApprovalStep, CommitteeSpec
    from hiresim.world import Candidate, Requisition, World

NAME = "approvals"


@dataclass(frozen=True, slots=True)
class Committee:
    """A sign-off given only in a committee's sessions: on fixed weekdays at a fixed time,
    on days that are open in the role's working calendar (no session on a public holiday)."""

    weekdays: frozenset[int]
    hour: float
    minutes: int
    role: str
    timeline: Timeline
    #: Weekday (0 = Monday) of the simulation's day 0.
    first_weekday: int

    @classmethod
    def of(cls, spec: CommitteeSpec, role: str, timeline: Timeline, epoch: date) -> Committee:
        hh, mm = spec.time.split(":")
        return cls(frozenset(WEEKDAYS.index(d) for d in spec.weekdays),
                   int(hh) + int(mm) / 60.0, spec.minutes, role, timeline, epoch.weekday())

    def next_session(self, t: float) -> float:
        """Start (hours) of the next session at or after ``t``; ``inf`` if none within a year."""
        day = math.floor(t / 24.0)
        for d in range(day, day + 366):
            at = d * 24.0 + self.hour
            if (at >= t and (self.first_weekday + d) % 7 in self.weekdays
                    and self.timeline.is_open(at)):
                return at
        return math.inf


class Approvals:
    """One replication's approval chain: each step's work, the revision, the send-back draws
    (a sub-stream of ``decisions``: a send-back is a decision), and the committees."""

    __slots__ = ("committees", "gates", "revision", "send_back", "spec", "work", "world")

    def __init__(self, world: World, spec: ApprovalsSpec, calendars: dict[str, Timeline]
                 ) -> None:
        self.world = world
        self.spec = spec
        self.work: list[Work] = [make_work(world, step.work) for step in spec.steps]
        self.revision = make_work(world, spec.revision)
        self.send_back = UniformBlock(world.streams.sub_generator("decisions"))
        self.committees: list[Committee | None] = [
            None if step.committee is None else
            Committee.of(step.committee, step.roles[0], calendars[step.roles[0]], world.epoch)
            for step in spec.steps]
        #: The pipeline's holds before a stage (``season``'s freezes), asked before each step.
        self.gates: list[Callable[[str, Leg, Person], Process]] = []

    def run(self, c: Candidate, r: int, leg: Leg) -> Process:
        """The offer's sign-offs, step by step; a sent-back step is revised and asked again."""
        w, req = self.world, c.requisition
        for k, step in enumerate(self.spec.steps):
            name = step.name or f"approval {k + 1}"
            for hold in self.gates:  # a freeze stops the next sign-off, on its calendar
                yield from hold("approvals", leg, req.approvers[step.roles[0]])
            while True:
                board = self.committees[k]
                if board is not None:
                    yield from committee(w, board, leg, c.id, name, req.id, r)
                else:
                    makers = [person_task(w, p, self.work[k], c.id, name, "approval", req.id,
                                          r) for p in signers(w, req, step)]
                    if step.escalate_after is None:
                        yield from parallel(w, leg, makers, quorum=step.quorum)
                    else:
                        yield from self.escalating(c, r, leg, step, k, name, makers)
                if step.send_back > 0.0 and self.send_back() < step.send_back:
                    yield from task(w, req.hiring_manager, self.revision, leg, c.id,
                                    f"revise after {name}", "approval", req.id, r)
                    continue
                break

    def escalating(self, c: Candidate, r: int, leg: Leg, step: ApprovalStep, k: int,
                   name: str, makers: list[Branch]) -> Process:
        """A sign-off that goes up a level when it has waited too long.

        The step's own approvers get ``escalate_after`` working days (on the first approver's
        calendar); then the ``escalate_to`` person is asked too, and whoever signs first ends
        the step. The wait is charged along whichever path finished it.
        """
        assert step.escalate_after is not None and step.escalate_to is not None
        w, req = self.world, c.requisition
        env = w.env
        t0 = env.now
        first = req.approvers[step.roles[0]]
        calendar = first.calendar
        deadline = calendar.add_open(calendar.next_open(t0),
                                     step.escalate_after * first.hours_per_day)
        own = Leg(t0)
        leg.branches = [own]
        group = env.process(parallel(w, own, makers, quorum=step.quorum))
        yield group | env.timeout(max(deadline - t0, 0.0))
        if group.triggered:
            leg.absorb(own)
            return
        boss = req.approvers[step.escalate_to]
        before = own.snapshot(env.now)  # the wait so far, charged along the step's own path
        up = Leg(env.now)
        leg.branches = [own, up]
        escalation = env.process(task(w, boss, self.work[k], up, c.id, f"{name} (escalated)",
                                      "approval", req.id, r))
        yield group | escalation
        if group.triggered:
            leg.absorb(own)
            return
        for i, v in enumerate(before):
            leg.acc[i] += v
        leg.absorb(up)


def signers(w: World, req: Requisition, step: ApprovalStep) -> list[Person]:
    """The people asked to sign a step: per role, the requisition's own approver and, with
    ``per_role`` above 1, the next people of the role in turn (a quorum counts them all)."""
    if step.per_role == 1:
        return [req.approvers[role] for role in step.roles]
    out: list[Person] = []
    for role in step.roles:
        members = w.people[role]
        own = members.index(req.approvers[role])
        out += [members[(own + j) % len(members)] for j in range(step.per_role)]
    return out


def committee(w: World, board: Committee, leg: Leg, case: str, activity: str,
              requisition: str, rnd: int) -> Process:
    """An approval given only at the committee's next session: the wait is ``batching``."""
    enabled = w.env.now
    session = board.next_session(enabled)
    yield from wait_until(w, leg, session, BATCHING)
    end = session + board.minutes / 60.0
    yield from wait_until(w, leg, end, WORK)
    if w.event_log:
        wt = [0.0] * N_CAUSES
        wt[BATCHING] = session - enabled
        w.trace.event(case, activity, f"{board.role}-committee", board.role, enabled, session,
                      end, "approval", requisition, rnd, wt)
