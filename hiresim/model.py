"""Builds one replication's SimPy environment from a Scenario, runs it, and returns its tables.

Everything random is drawn from the replication's per-mechanism streams
(:class:`~hiresim.streams.Streams`). What does not depend on the simulation's course (when
requisitions open, when candidates arrive, their decision draws and interview panels) is drawn up
front, in a fixed order, so that a what-if which changes the course of events leaves these draws
unchanged (common random numbers).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from hiresim import org
from hiresim.calendar import Availability, PersonTimeline, Timeline, WorkingCalendar
from hiresim.causes import (
    ABSENCE,
    COMMUNICATION,
    PRIORITY,
    REORGANIZATION,
    REQUIREMENTS,
    TURNOVER,
)
from hiresim.distributions import ConstantDuration, Sampler, UniformBlock
from hiresim.people import (
    Delegation,
    Person,
    Pool,
    SlotFinder,
    busy_blocks,
    changed_hands,
    part_time,
    poisson_spells,
    seat_holder,
    span_hours,
    vacancies,
    vacation_blocks,
    vacation_day_cdf,
)
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
        self.u_decide = UniformBlock(self.streams.sub_generator("decisions"))
        self.u_communicate = UniformBlock(self.streams.generator("communication"))
        self.requisitions: list[Requisition] = []
        self._open_requisitions()
        self._start_organization_events()

    # -- construction -----------------------------------------------------------------------

    def _build_people(self) -> None:
        s, env = self.s, self.env
        days = s.total_days + s.scheduling.search_days + CALENDAR_MARGIN_DAYS
        span = s.total_days * 24.0
        slot_hours = s.scheduling.slot_minutes / 60.0
        n_slots = int(days * 24 / slot_hours)
        calendars = {name: _calendar(spec) for name, spec in s.calendars.items()}
        self.calendar_timelines = {name: cal.timeline(self.epoch, days)
                                   for name, cal in calendars.items()}
        load_rng = self.streams.generator("calendar_load")
        reorganizations = self._reorganization_freezes(span)
        self.people: dict[str, list[Person]] = {}
        self.pools: dict[str, Pool] = {}
        for role_name, role in s.roles.items():
            calendar = self.calendar_timelines[role.calendar]
            hours_per_day = calendars[role.calendar].hours_per_day
            members = []
            for i in range(role.count):
                person = Person(env, f"{role_name}-{i + 1}", role_name, calendar, hours_per_day,
                                None, role.capacity)  # type: ignore[arg-type]
                self._disrupt(person, span, reorganizations)
                # the calendar's mask (cached across replications) with the person's own
                # disruptions blocked on top
                free = person.timeline.slot_mask(slot_hours, n_slots)
                if role.calendar_load > 0.0:
                    free &= busy_blocks(load_rng, role.calendar_load, slot_hours, 0, n_slots)
                person.free = free
                members.append(person)
            self.people[role_name] = members
            if role.assignment == "pool":
                self.pools[role_name] = Pool(env, role_name, members, role.capacity)
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

    def _reorganization_freezes(self, span: float) -> list[tuple[float, float]]:
        """Onsets of reorganizations and their freeze lengths (drawn once, for all roles)."""
        spec = self.s.reorganizations
        self.reorganization_onsets: list[float] = []
        if spec is None:
            return []
        rng = self.streams.generator("reorganization")
        onsets = org.reorganization_times(rng, spec.rate_per_year, span)
        lengths = spec.freeze.sample(rng, len(onsets)).tolist() if onsets else []
        self.reorganization_onsets = onsets
        return list(zip(onsets, lengths, strict=True))

    def _disrupt(self, person: Person, span: float, reorganizations: list[tuple[float, float]]
                 ) -> list[tuple[list[float], list[float], int]]:
        """Lay absences, projects, vacancies and freezes over the person's calendar.

        Each mechanism draws from its own stream, person by person in a fixed order, so
        switching one off leaves the others' draws unchanged. The person's timeline is the
        shared calendar with their own disruptions on top (:meth:`PersonTimeline.over`: built
        from the few own intervals, the calendar is not copied); the layers are returned.
        """
        s = self.s
        calendar, hpd, role = person.calendar, person.hours_per_day, person.role
        layers: list[tuple[list[float], list[float], int]] = []
        spec_a = s.absences
        if spec_a is not None and (spec_a.roles is None or role in spec_a.roles):
            rng = self._person_rng("absence")
            vs, ve = vacation_blocks(rng, spec_a.vacation_days_per_year, spec_a.vacation_block,
                                     spec_a.seasonality, self._month_of_day, calendar, hpd, span,
                                     self._vacation_day_cdf)
            ss, se = ([], []) if spec_a.sick_spells_per_year == 0 else poisson_spells(
                rng, spec_a.sick_spells_per_year, spec_a.sick_duration, calendar, hpd, span)
            layers.append((vs + ss, ve + se, ABSENCE))
        spec_p = s.priority_shifts
        if spec_p is not None and (spec_p.roles is None or role in spec_p.roles):
            rng = self._person_rng("priority")
            ps, pe = poisson_spells(rng, spec_p.rate_per_year, spec_p.duration, calendar, hpd,
                                    span)
            ps, pe = part_time(calendar, ps, pe, spec_p.share)
            layers.append((ps, pe, PRIORITY))
        spec_t = s.turnover
        if spec_t is not None and (spec_t.roles is None or role in spec_t.roles):
            rng = self._person_rng("turnover")
            leaves, joins = vacancies(rng, spec_t.annual_rate, spec_t.replacement_lag, calendar,
                                      hpd, span)
            layers.append((leaves, joins, TURNOVER))
            person.joins = joins
        spec_r = s.reorganizations
        if reorganizations and (spec_r.roles is None or role in spec_r.roles):  # type: ignore
            starts = [t for t, _ in reorganizations]
            ends = [span_hours(calendar, t, length, spec_r.freeze.unit, hpd)  # type: ignore
                    for t, length in reorganizations]
            layers.append((starts, ends, REORGANIZATION))
        person.timeline = PersonTimeline.over(calendar, layers)
        return layers

    def _person_rng(self, mechanism: str) -> np.random.Generator:
        return self.streams.sub_generator(mechanism)

    @functools.cached_property
    def _month_of_day(self) -> np.ndarray:
        """Month index (0-11) of each day of the span, for seasonal vacation weights."""
        days = np.arange(self.s.total_days + 1)
        dates = np.datetime64(self.epoch, "D") + days
        return (dates.astype("datetime64[M]").astype(int) % 12).astype(int)

    @functools.cached_property
    def _vacation_day_cdf(self) -> np.ndarray | None:
        """Distribution of vacation start days, shared by everyone (see vacation_day_cdf)."""
        return vacation_day_cdf(self.s.absences.seasonality,  # type: ignore[union-attr]
                                self._month_of_day, self.end)

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
        legal = s.communication.legal_review
        self.w_legal = self._work(legal.work) if legal else None
        self.w_steps = [self._work(step.work) for step in s.approvals.steps] if s.approvals else []
        self.w_revision = self._work(s.approvals.revision) if s.approvals else None
        self.w_reclass = ([self._work(step.work) for step in s.requirements.approvals]
                          if s.requirements else [])
        self.w_turnover = self._work(s.turnover.handover) if s.turnover else None
        self.w_reorg = self._work(s.reorganizations.handover) if s.reorganizations else None
        comm = s.communication
        #: ``_communicate`` has nothing to do (and draws nothing) for any outcome.
        self._silent = (comm.ghost_probability == 0.0 and not comm.hold_rejections_until_filled
                        and (comm.policy != "hr_gated" or self.w_handoff.zero)
                        and self.w_legal is None and self.w_message.zero)
        self.delegation = self._delegation()
        self.restart_after_priority = (
            _restart_after_priority if s.priority_shifts is not None
            and s.priority_shifts.on_return == "restart" else None)

    def _delegation(self) -> Delegation | None:
        """The continuity policy, if any role delegates and people can be away."""
        s = self.s
        if not any((s.absences, s.priority_shifts, s.turnover, s.reorganizations)):
            return None
        rules, handover = {}, {}
        for role_name, role in s.roles.items():
            rule = s.continuity.roles.get(role_name, s.continuity.default)
            if rule.policy == "wait" or role.assignment == "pool":
                continue
            hpd = self.people[role_name][0].hours_per_day
            rules[role_name] = (rule.policy, rule.after_days * hpd)
            handover[role_name] = self._work(rule.handover)
        return Delegation(rules, handover, self.people) if rules else None

    def _open_requisitions(self) -> None:
        """Draw when requisitions open and when their candidates arrive, then start them."""
        s = self.s
        rng = self.streams.generator("arrivals")
        horizon = s.horizon_days * 24.0
        opened = [0.0] * s.requisitions.initial
        if s.requisitions.rate_per_month > 0:
            opened += _poisson_times(rng, HOURS_PER_MONTH / s.requisitions.rate_per_month, 0.0,
                                     horizon)
        self._decision_rng = self.streams.generator("decisions")
        self._behaviour_rng = self.streams.generator("candidates")
        self._assign = self.streams.python_random("assignment")
        self._requirements_rng = self.streams.generator("requirements")
        self._all_pools = all(s.roles[rnd.panel_role].assignment == "pool" for rnd in s.rounds)
        self._round_pools = [self.pools.get(rnd.panel_role) for rnd in s.rounds]
        self._no_panels: list[list[int]] = [[] for _ in s.rounds]
        #: Per round, ``(range of the panel role's people, panel size)``, or ``None`` for a pool
        #: round (no panel is drawn): looked up once, not per candidate.
        self._panel_draws = [None if s.roles[rnd.panel_role].assignment == "pool"
                             else (range(s.roles[rnd.panel_role].count), rnd.panel)
                             for rnd in s.rounds]
        for t_open in opened:
            self._start_requisition(t_open, rng, horizon)

    def _start_requisition(self, t_open: float, rng: np.random.Generator, horizon: float
                           ) -> Requisition:
        """Open a requisition: draw its candidates' arrivals and fixed draws, start it."""
        s = self.s
        req = self._requisition(len(self.requisitions), t_open)
        gap = HOURS_PER_WEEK / s.candidates.rate_per_week
        if s.candidates.arrivals == "poisson":
            times = _poisson_times(rng, gap, t_open, horizon)
        else:
            times = np.arange(t_open + gap, horizon, gap).tolist()
        if s.candidates.max_per_requisition is not None:
            times = times[: s.candidates.max_per_requisition]
        with _gc_paused():  # one small list per candidate: no point in collecting meanwhile
            draws = self._decision_rng.random((len(times), len(s.rounds) + 2)).tolist()
        if self._all_pools:  # pool rounds draw no panel: share one list of empty panels
            panels = [self._no_panels] * len(times)
        else:
            sample = self._assign.sample
            panels = [[[] if d is None else sample(*d) for d in self._panel_draws]
                      for _ in times]
        behaviour = self._behaviour_draws(len(times))
        self.requisitions.append(req)
        self.env.process(self._arrivals(req, times, draws, panels, behaviour))
        if s.requirements is not None:
            spec = s.requirements
            rethinks = _poisson_times(self._requirements_rng, 365.0 * 24.0 / spec.rate_per_year,
                                      t_open, horizon)
            outcomes = self._requirements_rng.random(len(rethinks)).tolist()
            if rethinks:
                self.env.process(org.rethink(self, req, rethinks, outcomes))
        return req

    def _behaviour_draws(self, n: int) -> list[tuple[list[float], list[float]]]:
        """Per candidate: patience (hours) for each round, and follow-up answer draws."""
        b = self.s.behaviour
        if b is None:
            return [([], [])] * n
        rounds = len(self.s.rounds)
        rng = self._behaviour_rng
        patience = [[math.inf] * rounds for _ in range(n)]
        if b.patience is not None:
            spec = b.patience.days
            hours = spec.sample(rng, n * rounds) * _unit_hours(spec.unit)
            never = rng.random(n * rounds) < b.patience.never_withdraw
            hours[never] = math.inf
            patience = hours.reshape(n, rounds).tolist()
        answers = rng.random((n, 8)).tolist()
        return list(zip(patience, answers, strict=True))

    def open_split(self, req: Requisition) -> None:
        """A job split in two: a second requisition opens now and draws its own candidates."""
        horizon = self.s.horizon_days * 24.0
        if self.env.now < horizon:
            self._start_requisition(self.env.now, self._requirements_rng, horizon)

    def close_requisition(self, req: Requisition) -> None:
        if not req.closed:
            req.closed = True
            req.closed_event.succeed()

    def _start_organization_events(self) -> None:
        spec = self.s.reorganizations
        if spec is not None and spec.reassign_recruiters and self.reorganization_onsets:
            rng = self.streams.sub_generator("reorganization")
            self.env.process(org.reassign_recruiters(self, self.reorganization_onsets, rng))

    def _requisition(self, index: int, t_open: float) -> Requisition:
        s = self.s
        hms = self.people[s.requisitions.hiring_manager_role]
        recruiters = self.people[s.requisitions.recruiter_role]
        approvers = {}
        if s.approvals is not None:
            for step in s.approvals.steps:
                for role in [*step.roles, *([step.escalate_to] if step.escalate_to else [])]:
                    members = self.people[role]
                    approvers[role] = members[index % len(members)]
        if s.requirements is not None:
            for step in s.requirements.approvals:
                for role in step.roles:
                    members = self.people[role]
                    approvers.setdefault(role, members[index % len(members)])
        if s.communication.legal_review is not None:
            lawyers = self.people[s.communication.legal_review.role]
            approvers.setdefault(s.communication.legal_review.role,
                                 lawyers[index % len(lawyers)])
        return Requisition(
            id=f"R{index + 1}", index=index, opened=t_open,
            hiring_manager=hms[index % len(hms)], recruiter=recruiters[index % len(recruiters)],
            approvers=approvers, positions=s.requisitions.positions,
            closed_event=self.env.event())

    # -- hooks the stages call (absences, turnover and reorganizations refine them) ---------

    def timeline_of(self, person: Person, t: float) -> Availability:
        """The availability timeline that governs ``person``'s work at time ``t``."""
        return person.timeline

    def person_id(self, person: Person, t: float) -> str:
        """Who holds ``person``'s seat at time ``t`` (replacements get new ids)."""
        return seat_holder(person, t) if person.joins else person.id

    def handover_cost(self, person: Person, enabled: float, start: float) -> float:
        """Extra working hours when a replacement joined while the work waited."""
        if person.joins and changed_hands(person, enabled, start):
            return self.w_turnover.amount(person)[0]  # type: ignore[union-attr]
        return 0.0

    def recruiter_handover(self, req: Requisition) -> float:
        """A recruiter new to the requisition (reorganization) first reads up on it."""
        if req.handover_due:
            req.handover_due = False
            return self.w_reorg.amount(req.recruiter)[0]  # type: ignore[union-attr]
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
                  panels: list[list[list[int]]],
                  behaviour: list[tuple[list[float], list[float]]]) -> Process:
        env = self.env
        if req.opened > env.now:
            yield env.timeout(req.opened - env.now)
        # names looked up once: this loop runs once per candidate of the replication
        timeout, process, start = env.timeout, env.process, self._candidate
        candidates = self.candidates
        prefix = f"r{self.replication}-{req.id}-c"
        now = env.now
        for k, (t, drawn, panel, (patience, answers)) in enumerate(
                zip(times, draws, panels, behaviour, strict=True), start=1):
            if t > now:
                yield timeout(t - now)
                now = env.now
            if req.closed:
                return
            cid = f"{prefix}{k}"
            cand = candidates[cid] = Candidate(cid, req, now, drawn, panel, patience, answers)
            process(start(cand))

    def _candidate(self, c: Candidate) -> Process:
        """A candidate's whole process: screen, interview rounds, waits for feedback."""
        s, env, req = self.s, self.env, c.requisition
        # ``scratch`` legs account for waits outside a journey (screening, holds, interview
        # scheduling); nothing reads them afterwards, so they are made only when needed
        if self.w_screening is not None:
            yield from task(self, req.recruiter, self.w_screening, Leg(env.now), c.id,
                            "screening", "screening", req.id, 0, self.recruiter_handover(req))
            if c.draws[0] >= s.screening.pass_probability or req.closed:  # type: ignore[union-attr]
                self._finish(c, "rejected")
                return
        for r, rnd in enumerate(s.rounds, start=1):
            scratch = None
            if req.hold is not None:
                scratch = Leg(env.now)
                yield from self._gate(req, scratch)
            if req.cancelled:
                self._finish(c, "cancelled")
                return
            pool = self._round_pools[r - 1]
            panel = [] if pool else [self.people[rnd.panel_role][i] for i in c.panels[r - 1]]
            # an unscheduled zero-minute interview with no event log does nothing: skip it
            if self.scheduling or rnd.interview_minutes or self.event_log:
                attendees = [*panel, req.hiring_manager] if rnd.hiring_manager_attends else panel
                notice = s.scheduling.notice_hours if self.scheduling else 0.0
                yield from meeting(self, attendees, req.recruiter, rnd.interview_minutes,
                                   scratch or Leg(env.now), c.id, f"interview {r}",
                                   "interview", req.id, r, candidate=True, notice=notice)
            c.rounds = r
            leg = Leg(env.now)
            c.journey = (r, env.now, leg)
            if s.behaviour is not None:
                self._watch(c, r)
            outcome = yield from self._after_interview(c, r, rnd, pool, panel, leg)
            if c.withdrawn:  # the company learns it when it tries to tell the candidate
                self._finish(c, "withdrawn")
                return
            _, start, _ = c.journey
            feedback = math.nan if outcome == "ghosted" else env.now
            self.trace.journey(c.id, r, req.id, start, env.now, feedback, outcome, leg.acc)
            c.journey = None
            if outcome == "advance":
                continue
            if outcome == "offer":
                if c.draws[-1] < s.offers.accept_probability:
                    req.filled += 1
                    if req.filled >= req.positions:
                        self.close_requisition(req)
                    self._finish(c, "hired")
                else:
                    c.declined = True
                    self._finish(c, "declined")
            else:
                self._finish(c, _FINAL_OUTCOME.get(outcome, "rejected"))
            return

    def _gate(self, req: Requisition, leg: Leg) -> Process:
        """Wait while the requisition is on hold for a requirement change (``requirements``)."""
        while req.hold is not None:
            leg.pending(None, REQUIREMENTS)
            yield req.hold
            leg.flat(self.env.now, REQUIREMENTS)

    def _after_interview(self, c: Candidate, r: int, rnd: object, pool: Pool | None,
                         panel: list[Person], leg: Leg) -> Process:
        """Scorecards, debrief, decision, approvals and the message: one wait for feedback."""
        s, req = self.s, c.requisition
        w = self.w_scorecard
        if not w.zero:
            if pool is not None and rnd.panel == 1:  # type: ignore[attr-defined]
                # what ``parallel`` does with one branch, without its two generator layers
                yield from pool_task(self, pool, w, leg, c.id, "scorecard", "scorecards",
                                     req.id, r)
            else:
                if pool is not None:
                    makers = [lambda b: pool_task(self, pool, w, b, c.id, "scorecard",
                                                  "scorecards", req.id, r)
                              ] * rnd.panel  # type: ignore[attr-defined]
                else:
                    makers = [_bind(task, self, p, w, c.id, "scorecard", "scorecards", req.id,
                                    r) for p in panel]
                yield from parallel(self, leg, makers)
        if s.debrief is not None:
            attendees = [*panel, req.hiring_manager]
            if s.debrief.recruiter_attends:
                attendees.append(req.recruiter)
            yield from meeting(self, attendees, req.hiring_manager, s.debrief.minutes, leg, c.id,
                               "debrief", "debrief", req.id, r, candidate=False)
        if req.hold is not None:
            yield from self._gate(req, leg)
        if self.w_decision is not None and not self.w_decision.zero:
            yield from task(self, req.hiring_manager, self.w_decision, leg, c.id, "decision",
                            "decision", req.id, r)
        outcome = _decide(c.draws[r], rnd.decision)  # type: ignore[attr-defined]
        if outcome != "reject" and req.closed:
            outcome = "reject"
        if outcome == "offer" and s.approvals is not None:
            yield from self._approvals(c, r, leg)
        if req.hold is not None:
            yield from self._gate(req, leg)
        if req.cancelled:
            told = self.u_communicate() < s.requirements.told_when_cancelled  # type: ignore
            if not told:
                return "ghosted"
            outcome = "reject"
        if self._silent:  # nothing to hand off, review, hold, ghost or send
            return outcome
        return (yield from self._communicate(c, r, leg, outcome))

    def _watch(self, c: Candidate, r: int) -> None:
        """Start the candidate's clock: follow-ups after silence, withdrawal when patience ends.
        """
        b = self.s.behaviour
        if b is None:
            return
        c.news_at = self.env.now
        if b.patience is not None and math.isfinite(c.patience[r - 1]):
            self._at(c.patience[r - 1], self._patience_check, c, r, c.news_at)
        if b.follow_up is not None:
            self._at(b.follow_up.first_after_days * 24.0, self._follow_up, c, r, 0)

    def _at(self, delay: float, fn, *args) -> None:
        """Call ``fn(*args)`` after ``delay`` hours (a bare timeout callback, no process)."""
        if self.env.now + delay < self.end:
            self.env.timeout(delay).callbacks.append(lambda _event: fn(*args))

    def _patience_check(self, c: Candidate, r: int, news_at: float) -> None:
        if c.journey is None or c.journey[0] != r or c.news_at != news_at or c.withdrawn:
            return
        _, start, leg = c.journey
        now = self.env.now
        self.trace.journey(c.id, r, c.requisition.id, start, now, math.nan, "withdrawn",
                           leg.snapshot(now))
        c.withdrawn = True

    def _follow_up(self, c: Candidate, r: int, k: int) -> None:
        if c.journey is None or c.journey[0] != r or c.withdrawn:
            return
        b = self.s.behaviour
        now = self.env.now
        req = c.requisition
        p = b.follow_up.answer_probability.get(self.s.communication.policy, 0.0)  # type: ignore
        answered = c.answers[k % len(c.answers)] < p
        if self.event_log:
            person = req.recruiter
            self.trace.event(c.id, "follow-up answered" if answered else "follow-up unanswered",
                             self.person_id(person, now), person.role, now, now, now,
                             "follow-up", req.id, r, [0.0] * len(c.journey[2].acc))
        if answered:
            c.news_at = now
            if b.patience is not None and math.isfinite(c.patience[r - 1]):  # type: ignore
                self._at(c.patience[r - 1], self._patience_check, c, r, now)
        self._at(b.follow_up.every_days * 24.0, self._follow_up, c, r, k + 1)  # type: ignore

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
                    if step.escalate_after is None:
                        yield from parallel(self, leg, makers, quorum=step.quorum)
                    else:
                        yield from self._escalating(c, r, leg, step, k, name, makers)
                if step.send_back > 0.0 and self.u_decide() < step.send_back:
                    yield from task(self, req.hiring_manager, self.w_revision, leg, c.id,
                                    f"revise after {name}", "approval", req.id, r)
                    continue
                break

    def _escalating(self, c: Candidate, r: int, leg: Leg, step: object, k: int, name: str,
                    makers: list) -> Process:
        """A sign-off that goes up a level when it has waited too long.

        The step's own approvers get ``escalate_after`` working days (on the first approver's
        calendar); then the ``escalate_to`` person is asked too, and whoever signs first ends
        the step. The wait is charged along whichever path finished it.
        """
        env, req = self.env, c.requisition
        t0 = env.now
        first = req.approvers[step.roles[0]]  # type: ignore[attr-defined]
        calendar = first.calendar
        deadline = calendar.add_open(calendar.next_open(t0),
                                     step.escalate_after * first.hours_per_day)  # type: ignore
        own = Leg(t0)
        leg.branches = [own]
        group = env.process(parallel(self, own, makers, quorum=step.quorum))  # type: ignore
        yield group | env.timeout(max(deadline - t0, 0.0))
        if group.triggered:
            leg.absorb(own)
            return
        boss = req.approvers[step.escalate_to]  # type: ignore[attr-defined]
        before = own.snapshot(env.now)  # the wait so far, charged along the step's own path
        up = Leg(env.now)
        leg.branches = [own, up]
        escalation = env.process(task(self, boss, self.w_steps[k], up, c.id,
                                      f"{name} (escalated)", "approval", req.id, r))
        yield group | escalation
        if group.triggered:
            leg.absorb(own)
            return
        for i, v in enumerate(before):
            leg.acc[i] += v
        leg.absorb(up)

    def _communicate(self, c: Candidate, r: int, leg: Leg, outcome: str) -> Process:
        """Tell the candidate: hand-off, legal review, held rejections, ghosting, the message.
        """
        s, env, req = self.s, self.env, c.requisition
        comm = s.communication
        if outcome == "reject":
            if comm.ghost_probability > 0.0 and self.u_communicate() < comm.ghost_probability:
                return "ghosted"
            if comm.hold_rejections_until_filled and r == len(s.rounds) and not req.closed:
                enabled = env.now
                leg.pending(None, COMMUNICATION)
                yield req.closed_event
                leg.flat(env.now, COMMUNICATION)
                if self.event_log:
                    wt = [0.0] * len(leg.acc)
                    wt[COMMUNICATION] = env.now - enabled
                    self.trace.event(c.id, "rejection held until filled", "", "", enabled,
                                     env.now, env.now, "communication", req.id, r, wt)
        if comm.policy == "hr_gated":
            if not self.w_handoff.zero:
                yield from handoff(self, leg, req.recruiter, self.w_handoff, c.id, req.id, r)
            messenger = req.recruiter
        else:
            messenger = req.hiring_manager
        if self.w_legal is not None and outcome in comm.legal_review.applies_to:  # type: ignore
            yield from task(self, req.approvers[comm.legal_review.role], self.w_legal,  # type: ignore
                            leg, c.id, "legal review", "communication", req.id, r)
        if not self.w_message.zero:
            extra = self.recruiter_handover(req) if messenger is req.recruiter else 0.0
            yield from task(self, messenger, self.w_message, leg, c.id, "tell candidate",
                            "communication", req.id, r, extra)
        return outcome

    def _finish(self, c: Candidate, outcome: str) -> None:
        cid = c.id
        self.trace.candidate(cid, c.requisition.id, c.applied, self.env.now, outcome, c.rounds,
                             c.declined)
        del self.candidates[cid]

    # -- running -----------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        """Run to the end of the simulated span; censor what is still waiting; build tables."""
        return self.trace_run().tables(self.epoch)

    def trace_run(self) -> Trace:
        """Run to the end of the simulated span, censor what is still waiting; the records."""
        self.env.run(until=self.end)
        end = self.end
        for c in list(self.candidates.values()):
            if c.withdrawn:
                self._finish(c, "withdrawn")
                continue
            if c.journey is not None:
                r, start, leg = c.journey
                leg.close(end)
                self.trace.journey(c.id, r, c.requisition.id, start, end, math.nan, "open",
                                   leg.acc)
            self._finish_open(c)
        return self.trace

    def _finish_open(self, c: Candidate) -> None:
        self.trace.candidate(c.id, c.requisition.id, c.applied, self.end, "open", c.rounds,
                             c.declined)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many small lists are made at once (it would
    walk the growing heap again and again; the lists hold floats only, so there is nothing
    for it to find). Results do not depend on it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _unit_hours(unit: str) -> float:
    """Hours per unit for elapsed-time behaviour (patience is wall-clock time)."""
    return {"hours": 1.0, "working_hours": 1.0, "calendar_days": 24.0, "working_days": 24.0}[unit]


def _restart_after_priority(timeline: Availability, start: float, end: float, hours: float
                            ) -> float:
    """Completion when a top-priority project makes the person start the task over."""
    while True:
        hit = next((iv for iv in timeline.closed_intervals(start, end) if iv[2] == PRIORITY),
                   None)
        if hit is None:
            return end
        start = timeline.next_open(hit[1])
        end = timeline.add_open(start, hours)


#: WorkingCalendars by calendar spec, kept across replications in a process: a calendar caches
#: its timeline (and that timeline its slot masks), which every replication would otherwise
#: rebuild from the holiday tables.
_CALENDARS: dict[str, WorkingCalendar] = {}


def _calendar(spec: object) -> WorkingCalendar:
    key = spec.model_dump_json()  # type: ignore[attr-defined]
    cal = _CALENDARS.get(key)
    if cal is None:
        if len(_CALENDARS) >= 64:  # a sweep over many calendars: keep the cache bounded
            _CALENDARS.clear()
        cal = _CALENDARS[key] = calendar_from_spec(spec)
    return cal


#: The candidate's final outcome after a last journey that ended in anything but an offer.
_FINAL_OUTCOME = {"ghosted": "ghosted", "cancelled": "cancelled"}


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
                    ) -> dict[str, Any]:
    """Simulate replication ``replication`` of ``scenario`` and return its three tables."""
    return Replication(scenario, seed, replication, event_log).run()


def replication_columns(scenario: Scenario, seed: int, replication: int,
                        event_log: bool = True) -> dict[str, dict[str, Any]]:
    """Simulate one replication and return its records as compact columns (no pandas);
    :func:`hiresim.trace.build_tables` makes tables of any number of them."""
    return Replication(scenario, seed, replication, event_log).trace_run().columns()
