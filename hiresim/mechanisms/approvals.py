"""``approvals``: "bureaucracy" — an offer needs sign-offs by people who never met the candidate.

The chain is a list of steps in order. A step is one role, or a parallel group of roles of
which a quorum must sign (``per_role`` asks several people of each role: a works council of
three of whom any two sign); it may be sent back for a revision by the hiring manager (then it is
asked again), escalated to someone higher after a number of working days without a sign-off,
or given only at a committee's periodic sessions (:class:`Committee`: the wait is
``batching``). Approvers' own waits are charged to their causes (``contention``, ``absence``,
``off_hours``, ...); what the chain as a whole costs shows in the ``approvals`` ablation.

Two exceptions to "one name per mechanism", kept for identical results: a send-back is a
decision, drawn from the ``decisions`` stream, and the chain has no cause of its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import Field, model_validator

from hiresim.causes import BATCHING, N_CAUSES, WORK
from hiresim.durations import Duration, UniformBlock
from hiresim.durations import parse_duration as duration
from hiresim.fields import WEEKDAYS, Block, ClockTime, Name, Real, Weekday, Whole
from hiresim.mechanisms import Mechanism, built_in, role_problems
from hiresim.tasks import Branch, Process, Work, make_work, parallel, person_task, task, wait_until
from hiresim.text import duration_words, roles_words, share
from hiresim.trace import Activity, Leg
from hiresim.workhours import Timeline

if TYPE_CHECKING:
    from collections.abc import Callable

    from hiresim.people import Person
    from hiresim.pipeline import Pipeline
    from hiresim.scenario import Scenario
    from hiresim.world import Candidate, Requisition, World

NAME = "approvals"


class CommitteeSpec(Block):
    """An approval that is given only in a committee meeting on fixed weekdays."""

    weekdays: list[Weekday] = Field(
        min_length=1,
        description="weekdays the committee sits, e.g. [\"Tue\"]; a day closed in the "
                    "calendar of the step's first role has no session")
    time: ClockTime = Field(
        "10:00", description="start of each session, local time \"HH:MM\" (inside the working "
                             "hours of the step's first role)")
    minutes: Whole = Field(
        60, ge=0, le=8 * 60,
        description="length of a session, in minutes: the approval is given at its end")


class ApprovalStep(Block):
    """A sign-off: one role, or a parallel group of roles with a quorum."""

    name: Name = Field(
        "", description="name of the step in the event log and report (default: "
                        "\"approval N\", or \"reclassification N\" under requirements)")
    roles: list[str] = Field(
        min_length=1,
        description="role names that sign off, one person of each per requisition (taken in "
                    "turn); several roles sign in parallel")
    per_role: Whole = Field(
        1, ge=1, le=100,
        description="people of each role asked to sign: the requisition's own and the next "
                    "ones of the role in turn (a works council of 3: roles = "
                    "[\"works_council\"], per_role = 3)")
    quorum: Whole | None = Field(
        None, ge=1,
        description="k-of-n sign-offs needed, n = len(roles) * per_role; default all")
    work: Duration = Field(
        duration(0.5),
        description="each approver's work on the sign-off (a bare number: working hours; not "
                    "used by a committee step)")
    send_back: Real = Field(0.0, ge=0.0, lt=1.0,
                             description="probability the step returns it for rework (< 1)")
    committee: CommitteeSpec | None = Field(
        None, description="makes the step a committee sitting: the sign-off is given only at "
                          "its sessions (default: the approvers sign off as a task; offer "
                          "approvals only)")
    escalate_after: Real | None = Field(
        None, gt=0.0, description="working days without a sign-off before it is escalated")
    escalate_to: str | None = Field(
        None, description="role that signs off an escalated step (one person, case-bound)")

    @model_validator(mode="after")
    def _quorum_fits(self) -> ApprovalStep:
        asked = len(self.roles) * self.per_role
        if self.quorum is not None and self.quorum > asked:
            who = (f"{len(self.roles)} roles of the group" if self.per_role == 1 else
                   f"{asked} people asked ({len(self.roles)} roles x per_role {self.per_role})")
            raise ValueError(f"quorum {self.quorum} exceeds the {who}")
        if self.per_role > 1 and self.committee is not None:
            raise ValueError("per_role asks several people to sign as tasks; a committee "
                             "decides as one body at its sessions: use one or the other")
        if (self.escalate_after is None) != (self.escalate_to is None):
            raise ValueError("escalate_after and escalate_to go together")
        if self.escalate_after is not None and self.committee is not None:
            raise ValueError("a committee step cannot escalate (it decides at its sessions)")
        return self


class ApprovalsSpec(Block):
    """The offer's approval chain: steps in order; sent-back offers are revised and resubmitted."""

    steps: list[ApprovalStep] = Field(min_length=1, max_length=50,
                                      description="the sign-offs, in order")
    revision: Duration = Field(
        duration(1.0),
        description="the hiring manager's work revising an offer a step sent back, before the "
                    "step is asked again (a bare number: working hours)")


def never_sits(scenario: Scenario, path: str, step: ApprovalStep) -> list[tuple[str, str]]:
    """A committee whose sessions fall outside every working moment of its first role's
    calendar (every offer would wait for ever); nothing to say when that role or its calendar
    is unknown (reported as such)."""
    board, role = step.committee, scenario.roles.get(step.roles[0])
    cal = None if role is None else scenario.calendars.get(role.calendar)
    if board is None or role is None or cal is None or cal.always_open:
        return []

    def minutes(clock: str) -> int:
        hh, mm = clock.split(":")
        return int(hh) * 60 + int(mm)

    at = minutes(board.time)
    inside = minutes(cal.hours[0]) <= at < minutes(cal.hours[1]) and not (
        cal.lunch is not None and minutes(cal.lunch[0]) <= at < minutes(cal.lunch[1]))
    if set(board.weekdays) & set(cal.weekdays) and inside:
        return []
    return [(path, f"the committee never sits: {', '.join(board.weekdays)} at {board.time} is "
                   f"outside the working time of {step.roles[0]!r} (calendar {role.calendar!r}: "
                   f"{', '.join(cal.weekdays)}, {cal.hours[0]}-{cal.hours[1]})")]


def enough_signers(scenario: Scenario, path: str, step: ApprovalStep
                   ) -> list[tuple[str, str]]:
    """A step that asks more people of a role (``per_role``) than the role has."""
    roles = scenario.roles
    return [(f"{path}.per_role",
             f"{step.per_role} people of role {name!r} are asked to sign, but it has "
             f"{roles[name].count}; allowed: 1 to {roles[name].count}")
            for name in step.roles if name in roles and step.per_role > roles[name].count]


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


@built_in
class Approvals(Mechanism):
    """One replication's approval chain: each step's work, the revision, the send-back draws
    (the ``decisions`` stream's ``send back`` sampler: a send-back is a decision), and the
    committees."""

    name = NAME
    spec = ApprovalsSpec
    stream = "decisions"
    switched_off = "no approval chain for offers"
    block: ApprovalsSpec

    # -- the scenario side -------------------------------------------------------------------

    @classmethod
    def block_in(cls, scenario: Scenario) -> ApprovalsSpec | None:
        return scenario.approvals

    @classmethod
    def switch_off(cls, data: dict[str, Any], ablation: str) -> None:
        data[NAME] = None

    @classmethod
    def check(cls, scenario: Scenario, spec: ApprovalsSpec) -> list[tuple[str, str]]:
        """Every role a step names exists and has the people it asks; a committee sits."""
        problems = []
        for i, step in enumerate(spec.steps):
            path = f"approvals.steps.{i}"
            problems += role_problems(scenario, [(f"{path}.roles.{j}", name)
                                                 for j, name in enumerate(step.roles)])
            problems += enough_signers(scenario, path, step)
            if step.escalate_to is not None:
                problems += role_problems(scenario, [(f"{path}.escalate_to", step.escalate_to)])
            if step.committee is not None:
                problems += never_sits(scenario, f"{path}.committee", step)
        return problems

    @classmethod
    def describe(cls, scenario: Scenario, spec: ApprovalsSpec) -> list[tuple[str, list[str]]]:
        steps = []
        for step in spec.steps:
            text = f"“{step.name or '/'.join(step.roles)}” by {roles_words(step.roles)}"
            if step.committee:
                c = step.committee
                text += f", only at the committee on {', '.join(c.weekdays)} at {c.time}"
            else:
                text += f" ({duration_words(step.work)})"
            if step.send_back:
                text += f"; {share(step.send_back)} are sent back for rework"
            steps.append(text + ".")
        return [("Offer approvals (people who never met the candidate)", steps)]

    # -- one replication ---------------------------------------------------------------------

    def __init__(self, world: World, spec: ApprovalsSpec, code: int) -> None:
        super().__init__(world, spec, code)
        #: The pipeline's holds before a stage (``season``'s freezes), asked before each step.
        self.gates: list[Callable[[str, Leg, Person], Process]] = []

    def build(self, pipeline: Pipeline) -> None:
        """Each step's work and the revision (a stream of its own each); the send-back draws;
        each committee on its first role's calendar."""
        w, spec = self.world, self.block
        calendars = {role: w.timelines[r.calendar] for role, r in pipeline.s.roles.items()}
        self.work: list[Work] = [make_work(w, step.work, self.stream, f"step {j}")
                                 for j, step in enumerate(spec.steps)]
        self.revision = make_work(w, spec.revision, self.stream, "revision")
        self.send_back = UniformBlock(w.streams.generator(self.stream, "send back"))
        self.committees: list[Committee | None] = [
            None if step.committee is None else
            Committee.of(step.committee, step.roles[0], calendars[step.roles[0]], w.epoch)
            for step in spec.steps]

    def install(self, pipeline: Pipeline) -> None:
        """The chain runs before the candidate is told of an offer (the first such step);
        each requisition has its own approver of every role the chain names."""
        self.gates = pipeline.gates
        for step in self.block.steps:
            pipeline.requisition_roles += [*step.roles, *filter(None, [step.escalate_to])]
        super().install(pipeline)

    def step(self, candidate: Candidate, rnd: int, leg: Leg, outcome: str) -> Process | None:
        """An offer's sign-offs (nothing to sign for another decision)."""
        return self.run(candidate, rnd, leg) if outcome == "offer" else None

    def run(self, c: Candidate, r: int, leg: Leg) -> Process:
        """The offer's sign-offs, step by step; a sent-back step is revised and asked again."""
        w, req = self.world, c.requisition
        for k, step in enumerate(self.block.steps):
            name = step.name or f"approval {k + 1}"
            for hold in self.gates:  # a freeze stops the next sign-off, on its calendar
                yield from hold("approvals", leg, req.approvers[step.roles[0]])
            while True:
                board = self.committees[k]
                act = Activity(c.id, name, "approval", req.id, r)
                if board is not None:
                    yield from committee(w, board, leg, act)
                else:
                    makers = [person_task(w, p, self.work[k], act)
                              for p in signers(w, req, step)]
                    if step.escalate_after is None:
                        yield from parallel(w, leg, makers, quorum=step.quorum)
                    else:
                        yield from self.escalating(c, r, leg, step, k, act, makers)
                if step.send_back > 0.0 and self.send_back() < step.send_back:
                    yield from task(w, req.hiring_manager, self.revision, leg,
                                    Activity(c.id, f"revise after {name}", "approval", req.id,
                                             r))
                    continue
                break

    def escalating(self, c: Candidate, r: int, leg: Leg, step: ApprovalStep, k: int,
                   act: Activity, makers: list[Branch]) -> Process:
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
        escalation = env.process(task(w, boss, self.work[k], up,
                                      Activity(c.id, f"{act.activity} (escalated)", act.stage,
                                               req.id, r)))
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


def committee(w: World, board: Committee, leg: Leg, act: Activity) -> Process:
    """An approval given only at the committee's next session: the wait is ``batching``."""
    enabled = w.env.now
    session = board.next_session(enabled)
    yield from wait_until(w, leg, session, BATCHING)
    end = session + board.minutes / 60.0
    yield from wait_until(w, leg, end, WORK)
    if w.event_log:
        wt = [0.0] * N_CAUSES
        wt[BATCHING] = session - enabled
        w.trace.event(act, f"{board.role}-committee", board.role, enabled, session, end, wt)
