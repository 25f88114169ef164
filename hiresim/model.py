"""Builds one replication's SimPy environment from a Scenario, runs it, and returns its tables.

Everything random is drawn from the replication's per-mechanism streams
(:class:`~hiresim.streams.Streams`). What does not depend on the simulation's course (when
requisitions open, when candidates arrive, their decision draws and interview panels) is drawn up
front, in a fixed order, so that a what-if which changes the course of events leaves these draws
unchanged (common random numbers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import simpy

from hiresim.calendar import Timeline
from hiresim.distributions import ConstantDuration, Sampler, UniformBlock
from hiresim.people import Person, Pool, SlotFinder, busy_blocks
from hiresim.scenario import WEEKDAYS, Scenario, calendar_from_spec
from hiresim.stages import (
    Process,
    Work,
    committee,
    handoff,
    meeting,
    parallel,
    pool_task,
    task,
)
from hiresim.streams import Streams
from hiresim.trace import Leg, Trace

HOURS_PER_MONTH = 30.4375 * 24.0
HOURS_PER_WEEK = 168.0
#: Extra days of calendar beyond the simulated span, so that work and meeting searches that run
#: past the end still see real working hours.
CALENDAR_MARGIN_DAYS = 30


@dataclass(eq=False)
class Requisition:
    """An open position, owned by one hiring manager and one recruiter."""

    id: str
    index: int
    opened: float
    hiring_manager: Person
    recruiter: Person
    approvers: dict[str, Person]
    positions: int
    filled: int = 0
    closed: bool = False


@dataclass(eq=False)
class Candidate:
    """A candidate's fixed draws: decisions and panels, made at arrival for common numbers."""

    id: str
    requisition: Requisition
    applied: float
    draws: list[float]
    panels: list[list[int]]
    rounds: int = 0
    declined: bool = False
    journey: tuple[int, float, Leg] | None = field(default=None)


class Replication:
    """One run of a scenario: people, requisitions, candidates, and what happened to them."""

    def __init__(self, scenario: Scenario, seed: int, replication: int,
                 event_log: bool = True) -> None:
        self.s = s = scenario
        self.replication = replication
        self.env = simpy.Environment()
        self.streams = Streams(seed, replication)
        self.epoch = s.start
        self.end = s.total_days * 24.0
        self.trace = Trace(replication, event_log)
        self.event_log = event_log
        self.scheduling = s.scheduling.enabled
        self.never = self.env.event()
        self.candidates: dict[str, Candidate] = {}
        self._build_people()
        self._build_work()
        self.u_decide = UniformBlock(self.streams.generator("decisions"))
        self.requisitions: list[Requisition] = []
        self._open_requisitions()

    # -- construction -----------------------------------------------------------------------

    def _build_people(self) -> None:
        s, env = self.s, self.env
        days = s.total_days + s.scheduling.search_days + CALENDAR_MARGIN_DAYS
        slot_hours = s.scheduling.slot_minutes / 60.0
        n_slots = int(days * 24 / slot_hours)
        calendars = {name: calendar_from_spec(spec) for name, spec in s.calendars.items()}
        self.calendar_timelines = {name: cal.timeline(self.epoch, days)
                                   for name, cal in calendars.items()}
        masks = {name: tl.slot_mask(slot_hours, n_slots)
                 for name, tl in self.calendar_timelines.items()}
        load_rng = self.streams.generator("calendar_load")
        self.people: dict[str, list[Person]] = {}
        self.pools: dict[str, Pool] = {}
        for role_name, role in s.roles.items():
            timeline = self.calendar_timelines[role.calendar]
            members = []
            for i in range(role.count):
                free = masks[role.calendar].copy()
                if role.calendar_load > 0.0:
                    free &= busy_blocks(load_rng, role.calendar_load, slot_hours, 0, n_slots)
                members.append(Person(env, f"{role_name}-{i + 1}", role_name, timeline,
                                      calendars[role.calendar].hours_per_day, free))
            self.people[role_name] = members
            if role.assignment == "pool":
                self.pools[role_name] = Pool(env, role_name, members)
        self.slots = SlotFinder(slot_hours, n_slots, int(s.scheduling.search_days * 24 /
                                                         slot_hours),
                                s.scheduling.candidate_load,
                                self.streams.sub_generator("calendar_load"))
        self._committees: list[tuple[frozenset[int], float, int, str, Timeline] | None] = []
        if s.approvals is not None:
            for step in s.approvals.steps:
                if step.committee is None:
                    self._committees.append(None)
                    continue
                role = step.roles[0]
                hh, mm = step.committee.time.split(":")
                self._committees.append((
                    frozenset(WEEKDAYS.index(d) for d in step.committee.weekdays),
                    int(hh) + int(mm) / 60.0, step.committee.minutes, role,
                    self.calendar_timelines[s.roles[role].calendar]))

    def _work(self, spec: ConstantDuration | object) -> Work:
        rng = None if isinstance(spec, ConstantDuration) else self.streams.sub_generator("work")
        zero = isinstance(spec, ConstantDuration) and spec.value == 0
        return Work(Sampler(spec, rng), spec.unit, zero)  # type: ignore[arg-type,attr-defined]

    def _build_work(self) -> None:
        s = self.s
        self.w_screening = self._work(s.screening.work) if s.screening else None
        self.w_scorecard = self._work(s.scorecards.work)
        self.w_decision = self._work(s.decision.work) if s.decision else None
        self.w_handoff = self._work(s.communication.handoff)
        self.w_message = self._work(s.communication.message)
        self.w_steps = [self._work(step.work) for step in s.approvals.steps] if s.approvals else []
        self.w_revision = self._work(s.approvals.revision) if s.approvals else None

    def _open_requisitions(self) -> None:
        """Draw when requisitions open and when their candidates arrive, then start them."""
        s = self.s
        rng = self.streams.generator("arrivals")
        horizon = s.horizon_days * 24.0
        opened = [0.0] * s.requisitions.initial
        if s.requisitions.rate_per_month > 0:
            opened += _poisson_times(rng, HOURS_PER_MONTH / s.requisitions.rate_per_month, 0.0,
                                     horizon)
        decision_rng = self.streams.generator("candidates")
        assign = self.streams.python_random("assignment")
        n_draws = len(s.rounds) + 2
        for index, t_open in enumerate(opened):
            req = self._requisition(index, t_open)
            gap = HOURS_PER_WEEK / s.candidates.rate_per_week
            if s.candidates.arrivals == "poisson":
                times = _poisson_times(rng, gap, t_open, horizon)
            else:
                times = list(np.arange(t_open + gap, horizon, gap))
            if s.candidates.max_per_requisition is not None:
                times = times[: s.candidates.max_per_requisition]
            draws = decision_rng.random((len(times), n_draws)).tolist()
            panels = [[self._panel(rnd, assign) for rnd in s.rounds] for _ in times]
            self.requisitions.append(req)
            self.env.process(self._arrivals(req, times, draws, panels))

    def _panel(self, rnd: object, assign: object) -> list[int]:
        role = self.s.roles[rnd.panel_role]  # type: ignore[attr-defined]
        if role.assignment == "pool":
            return []
        return assign.sample(range(role.count), rnd.panel)  # type: ignore[attr-defined]

    def _requisition(self, index: int, t_open: float) -> Requisition:
        s = self.s
        hms = self.people[s.requisitions.hiring_manager_role]
        recruiters = self.people[s.requisitions.recruiter_role]
        approvers = {}
        if s.approvals is not None:
            for step in s.approvals.steps:
                for role in step.roles:
                    members = self.people[role]
                    approvers[role] = members[index % len(members)]
        return Requisition(
            id=f"R{index + 1}", index=index, opened=t_open,
            hiring_manager=hms[index % len(hms)], recruiter=recruiters[index % len(recruiters)],
            approvers=approvers, positions=s.requisitions.positions)

    # -- hooks the stages call (absences, turnover and reorganizations refine them) ---------

    def timeline_of(self, person: Person, t: float) -> Timeline:
        """The availability timeline that governs ``person``'s work at time ``t``."""
        return person.timeline

    def person_id(self, person: Person, t: float) -> str:
        """Who holds ``person``'s seat at time ``t`` (replacements get new ids)."""
        return person.id

    def handover_cost(self, person: Person, enabled: float, start: float) -> float:
        """Extra working hours when the work changed hands while it waited."""
        return 0.0

    def next_session(self, step_index: int, t: float) -> tuple[float, int, str]:
        """Start of the next session at or after ``t`` of step ``step_index``'s committee."""
        weekdays, hour, minutes, role, timeline = self._committees[step_index]  # type: ignore
        day = math.floor(t / 24.0)
        first = self.epoch.weekday()
        for d in range(day, day + 366):
            at = d * 24.0 + hour
            if at >= t and (first + d) % 7 in weekdays and timeline.is_open(at):
                return at, minutes, role
        return math.inf, minutes, role

    # -- processes -------------------------------------------------------------------------

    def _arrivals(self, req: Requisition, times: list[float], draws: list[list[float]],
                  panels: list[list[list[int]]]) -> Process:
        env = self.env
        if req.opened > env.now:
            yield env.timeout(req.opened - env.now)
        for k, t in enumerate(times):
            if t > env.now:
                yield env.timeout(t - env.now)
            if req.closed:
                return
            cid = f"r{self.replication}-{req.id}-c{k + 1}"
            cand = Candidate(cid, req, env.now, draws[k], panels[k])
            self.candidates[cid] = cand
            env.process(self._candidate(cand))

    def _candidate(self, c: Candidate) -> Process:
        """A candidate's whole process: screen, interview rounds, waits for feedback."""
        s, env, req = self.s, self.env, c.requisition
        scratch = Leg(env.now)
        if self.w_screening is not None:
            yield from task(self, req.recruiter, self.w_screening, scratch, c.id, "screening",
                            "screening", req.id, 0)
            if c.draws[0] >= s.screening.pass_probability or req.closed:  # type: ignore[union-attr]
                self._finish(c, "rejected")
                return
        for r, rnd in enumerate(s.rounds, start=1):
            pool = self.pools.get(rnd.panel_role)
            panel = [] if pool else [self.people[rnd.panel_role][i] for i in c.panels[r - 1]]
            attendees = [*panel, req.hiring_manager] if rnd.hiring_manager_attends else panel
            notice = s.scheduling.notice_hours if self.scheduling else 0.0
            scratch = Leg(env.now)
            yield from meeting(self, attendees, req.recruiter, rnd.interview_minutes, scratch,
                               c.id, f"interview {r}", "interview", req.id, r, candidate=True,
                               notice=notice)
            c.rounds = r
            leg = Leg(env.now)
            c.journey = (r, env.now, leg)
            outcome = yield from self._after_interview(c, r, rnd, pool, panel, leg)
            _, start, _ = c.journey
            self.trace.journey(c.id, r, req.id, start, env.now, env.now, outcome, leg.acc)
            c.journey = None
            if outcome == "advance":
                continue
            if outcome == "offer":
                if c.draws[-1] < s.offers.accept_probability:
                    req.filled += 1
                    req.closed = req.filled >= req.positions
                    self._finish(c, "hired")
                else:
                    c.declined = True
                    self._finish(c, "declined")
            else:
                self._finish(c, "rejected")
            return

    def _after_interview(self, c: Candidate, r: int, rnd: object, pool: Pool | None,
                         panel: list[Person], leg: Leg) -> Process:
        """Scorecards, debrief, decision, approvals and the message: one wait for feedback."""
        s, req = self.s, c.requisition
        w = self.w_scorecard
        if not w.zero:
            if pool is not None:
                makers = [lambda b: pool_task(self, pool, w, b, c.id, "scorecard", "scorecards",
                                              req.id, r)] * rnd.panel  # type: ignore[attr-defined]
            else:
                makers = [_bind(task, self, p, w, c.id, "scorecard", "scorecards", req.id, r)
                          for p in panel]
            yield from parallel(self, leg, makers)
        if s.debrief is not None:
            attendees = [*panel, req.hiring_manager]
            if s.debrief.recruiter_attends:
                attendees.append(req.recruiter)
            yield from meeting(self, attendees, req.hiring_manager, s.debrief.minutes, leg, c.id,
                               "debrief", "debrief", req.id, r, candidate=False)
        if self.w_decision is not None and not self.w_decision.zero:
            yield from task(self, req.hiring_manager, self.w_decision, leg, c.id, "decision",
                            "decision", req.id, r)
        outcome = _decide(c.draws[r], rnd.decision)  # type: ignore[attr-defined]
        if outcome != "reject" and req.closed:
            outcome = "reject"
        if outcome == "offer" and s.approvals is not None:
            yield from self._approvals(c, r, leg)
        yield from self._communicate(c, r, leg)
        return outcome

    def _approvals(self, c: Candidate, r: int, leg: Leg) -> Process:
        s, req = self.s, c.requisition
        for k, step in enumerate(s.approvals.steps):  # type: ignore[union-attr]
            name = step.name or f"approval {k + 1}"
            while True:
                if step.committee is not None:
                    yield from committee(self, leg, k, c.id, name, req.id, r)
                else:
                    w = self.w_steps[k]
                    makers = [_bind(task, self, req.approvers[role], w, c.id, name, "approval",
                                    req.id, r) for role in step.roles]
                    yield from parallel(self, leg, makers, quorum=step.quorum)
                if step.send_back > 0.0 and self.u_decide() < step.send_back:
                    yield from task(self, req.hiring_manager, self.w_revision, leg, c.id,
                                    f"revise after {name}", "approval", req.id, r)
                    continue
                break

    def _communicate(self, c: Candidate, r: int, leg: Leg) -> Process:
        req = c.requisition
        if self.s.communication.policy == "hr_gated":
            if not self.w_handoff.zero:
                yield from handoff(self, leg, req.recruiter, self.w_handoff, c.id, req.id, r)
            messenger = req.recruiter
        else:
            messenger = req.hiring_manager
        if not self.w_message.zero:
            yield from task(self, messenger, self.w_message, leg, c.id, "tell candidate",
                            "communication", req.id, r)

    def _finish(self, c: Candidate, outcome: str) -> None:
        self.trace.candidate(c.id, c.requisition.id, c.applied, self.env.now, outcome, c.rounds,
                             c.declined)
        del self.candidates[c.id]

    # -- running -----------------------------------------------------------------------------

    def run(self) -> dict[str, pd.DataFrame]:
        """Run to the end of the simulated span; censor what is still waiting; build tables."""
        self.env.run(until=self.end)
        end = self.end
        for c in list(self.candidates.values()):
            if c.journey is not None:
                r, start, leg = c.journey
                leg.close(end)
                self.trace.journey(c.id, r, c.requisition.id, start, end, math.nan, "open",
                                   leg.acc)
            self._finish_open(c)
        return self.trace.tables(self.epoch)

    def _finish_open(self, c: Candidate) -> None:
        self.trace.candidate(c.id, c.requisition.id, c.applied, self.end, "open", c.rounds,
                             c.declined)


def _decide(u: float, p: object) -> str:
    if u < p.advance:  # type: ignore[attr-defined]
        return "advance"
    if u < p.advance + p.offer:  # type: ignore[attr-defined]
        return "offer"
    return "reject"


def _bind(fn, *args):
    """``lambda leg: fn(m, person, work, leg, *rest)`` with the arguments bound now."""
    m, person, work, *rest = args
    return lambda leg: fn(m, person, work, leg, *rest)


def _poisson_times(rng: np.random.Generator, mean_gap: float, t0: float, t1: float
                   ) -> list[float]:
    """Event times of a Poisson process on ``[t0, t1)`` (vectorised draws, fixed order)."""
    expected = (t1 - t0) / mean_gap
    times: list[float] = []
    t = t0
    while True:
        n = int(expected * 1.2 + 16)
        gaps = rng.exponential(mean_gap, n)
        cum = t + np.cumsum(gaps)
        inside = cum[cum < t1]
        times.extend(inside.tolist())
        if inside.size < n:
            return times
        t = float(cum[-1])


def run_replication(scenario: Scenario, seed: int, replication: int, event_log: bool = True
                    ) -> dict[str, pd.DataFrame]:
    """Simulate replication ``replication`` of ``scenario`` and return its three tables."""
    return Replication(scenario, seed, replication, event_log).run()
