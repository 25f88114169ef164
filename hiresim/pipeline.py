"""The candidate's path, as people tell it: requisitions open and candidates arrive; the
recruiter screens them; each interview round is scheduled and held; the panel writes
scorecards; a debrief finds a slot; the hiring manager decides; offers go through approvals;
and the decision is communicated. One wait for feedback runs from each interview's end to the
moment the candidate hears (or stops waiting).

Each step is a primitive of :mod:`hiresim.tasks` or :mod:`hiresim.meetings`, or a
mechanism's own process (:mod:`hiresim.mechanisms`); the pipeline only strings them together,
in order, and records the journeys. Mechanisms act through a few named hooks of the path —
holds before a stage, what follows a debrief, steps before telling, what happens when a
requisition opens, rates of arrivals and openings, what candidates do while they wait, and
how they are told — which they install themselves.
"""

from __future__ import annotations

import contextlib
import gc
import math
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING, Protocol

import numpy as np

from hiresim.flows import Flow
from hiresim.mechanisms.requirements import on_hold
from hiresim.meetings import meeting
from hiresim.spells import poisson_times
from hiresim.tasks import (
    Branch,
    Process,
    make_work,
    parallel,
    person_task,
    pool_task,
    recruiter_handover,
    task,
)
from hiresim.trace import Activity, Leg
from hiresim.world import Candidate, Requisition

#: The stream name of the pipeline's own work samplers (:mod:`hiresim.streams`).
PIPELINE = "pipeline"

if TYPE_CHECKING:
    from hiresim.people import Person, Pool
    from hiresim.scenario import DecisionProbabilities, RoundSpec, Scenario
    from hiresim.world import World

HOURS_PER_MONTH = 30.4375 * 24.0
HOURS_PER_WEEK = 168.0

#: A step that a mechanism adds before the decision is communicated:
#: ``step(candidate, round, leg, outcome)`` is a process, or ``None`` when there is nothing to
#: do for this candidate (see :mod:`hiresim.mechanisms`).
Step = Callable[[Candidate, int, Leg, str], "Process | None"]
#: A hold before a stage starts (a hiring freeze): ``gate(stage, leg, person)`` is a process.
#: The stages: ``screening``, ``interview``, ``debrief``, ``decision``, ``approvals`` (before
#: each step of the offer's chain) and ``offer``.
StageGate = Callable[[str, Leg, "Person"], Process]
#: What follows the debrief when the panel cannot decide (an extra debrief):
#: ``after(candidate, round, leg, attendees)`` is a process.
AfterDebrief = Callable[[Candidate, int, Leg, "list[Person]"], Process]
#: Where a round's decision is taken when not at the debrief and by the decision task (a
#: team's weekly meeting: ``recurring_meetings``): ``decided_at(candidate, round, leg)`` is
#: ``(stage, process)`` — the process takes the place of the debrief and the decision task
#: (stage ``debrief``) or of the decision task only (``decision``) — or ``None``: the usual way.
DecidedAt = Callable[[Candidate, int, Leg], "tuple[str, Process] | None"]


class Rates(Protocol):
    """Arrival and opening rates that change through the year (``season``): drawn at the
    peak rate, kept at the moment's (thinning)."""

    def peak(self, kind: str, t0: float, t1: float) -> float:
        """The highest multiplier of ``kind`` (``candidates``, ``requisitions``) on
        ``[t0, t1)``."""
        ...

    def thin(self, kind: str, times: list[float], peak: float) -> list[float]:
        """The points of a process drawn at ``peak`` times the base rate that are kept."""
        ...


class Behaviour(Protocol):
    """What candidates do while they wait (the ``candidates`` mechanism)."""

    def draws(self, n: int, rng: np.random.Generator | None = None
              ) -> list[tuple[list[float], list[float]]]:
        """Per candidate: patience per round, and follow-up answer draws."""
        ...

    def watch(self, c: Candidate, r: int) -> None:
        """Start the candidate's clock after round ``r``'s interview."""
        ...

    def watch_next_round(self, c: Candidate, r: int) -> None:
        """Keep the clock running from an advance until the next interview is booked."""
        ...


class Telling(Protocol):
    """How a decision reaches the candidate (the ``communication`` mechanism)."""

    #: Nothing to hand off, review, hold, ghost or send for any outcome (no draw is made).
    silent: bool

    def tell(self, c: Candidate, r: int, leg: Leg, outcome: str) -> Process:
        """Tell the candidate; the outcome as they hear it (``ghosted``: never)."""
        ...

    def told(self, probability: float) -> bool:
        """Whether a message sent with ``probability`` is sent (one draw)."""
        ...

    def closed_outcome(self) -> str:
        """How a candidate still waiting for an interview hears that the job was filled."""
        ...


#: The candidate's final outcome after a last journey that ended in anything but an offer.
_FINAL_OUTCOME = {"ghosted": "ghosted", "cancelled": "cancelled"}


class Pipeline:
    """The candidate's path through one replication's world."""

    def __init__(self, world: World, scenario: Scenario) -> None:
        s = self.s = scenario
        self.world = world
        # Hooks: what the mechanisms add to the path. Each mechanism installs its own
        # (:meth:`hiresim.mechanisms.Mechanism.install`, in the model's fixed order); no
        # mechanism has a slot of its own here, and none reaches into another.
        #: Holds before a stage starts, in turn (``season``'s freezes).
        self.gates: list[StageGate] = []
        #: What follows a debrief, in turn (``disagreement``'s extra debrief).
        self.after_debrief: list[AfterDebrief] = []
        #: Where a round's decision may be taken instead, the first that takes it
        #: (``recurring_meetings``' weekly team meetings).
        self.decided_at: list[DecidedAt] = []
        #: Steps between the decision and telling the candidate, in turn (an offer's
        #: ``approvals``, a user's background check, ``season``'s offers held in a freeze).
        self.before_telling: list[Step] = []
        #: What happens when a requisition opens, in turn (``requirements`` draws when it is
        #: rethought).
        self.opened: list[Callable[[Requisition], None]] = []
        #: Roles of which each requisition has its own person, taken in turn (its approvers,
        #: reviewers), besides its recruiter and hiring manager.
        self.requisition_roles: list[str] = []
        #: Arrival and opening rates that change through the year (``season``; ``None``: the
        #: base rates).
        self.rates: Rates | None = None
        #: What candidates do while they wait: follow up, withdraw when their patience ends
        #: (``candidates``; ``None``: they wait, silently, for as long as it takes).
        self.behaviour: Behaviour | None = None
        #: How a decision reaches the candidate (``communication``, always there).
        self.telling: Telling
        self.rounds = s.rounds
        #: The event log's name of each round's interview.
        self.interviews = [f"interview {r}" for r in range(1, len(s.rounds) + 1)]
        self.horizon = s.horizon_days * 24.0
        self.notice = s.scheduling.notice_hours if world.scheduling else 0.0
        self.arrival_rng = world.streams.generator("arrivals")
        self.decision_rng = world.streams.generator("decisions")
        self.assign = world.streams.python_random("assignment")
        self.round_pools: list[Pool | None] = [world.pools.get(rnd.panel_role)
                                               for rnd in s.rounds]
        self.all_pools = all(pool is not None for pool in self.round_pools)
        self.no_panels: list[list[int]] = [[] for _ in s.rounds]
        #: Per round, ``(range of the panel role's people, panel size)``, or ``None`` for a pool
        #: round (no panel is drawn): looked up once, not per candidate.
        self.panel_draws: list[tuple[range, int] | None] = [
            None if s.roles[rnd.panel_role].assignment == "pool"
            else (range(s.roles[rnd.panel_role].count), rnd.panel) for rnd in s.rounds]
        #: ``requisitions.teams``: per hiring manager id, the panel draws of their
        #: requisitions (each round from the team's members of its panel role).
        self.team_draws: dict[str, list[tuple[Sequence[int], int] | None]] = {}
        for manager, members in (s.requisitions.teams or {}).items():
            draws: list[tuple[Sequence[int], int] | None] = []
            for rnd, d in zip(s.rounds, self.panel_draws, strict=True):
                ids = s.roles[rnd.panel_role].person_ids(rnd.panel_role)
                index = {pid: i for i, pid in enumerate(ids)}
                draws.append(None if d is None else
                             ([index[m] for m in members if m in index], rnd.panel))
            self.team_draws[manager] = draws

    def build_work(self) -> None:
        """The pipeline's own work (screening, scorecards, decision), each from its stream
        ``("pipeline", what)``."""
        s, w = self.s, self.world
        self.screening = make_work(w, s.screening.work, PIPELINE, "screening") if s.screening \
            else None
        self.scorecard = make_work(w, s.scorecards.work, PIPELINE, "scorecard")
        self.decision = make_work(w, s.decision.work, PIPELINE, "decision") if s.decision \
            else None
        #: Per round: the scorecard work, the decision work (``None``: no decision task) and
        #: the debrief's minutes (0: no debrief); rounds' own values in :meth:`build_round_work`.
        self.scorecards = [self.scorecard] * len(s.rounds)
        self.decisions = [self.decision] * len(s.rounds)
        self.debrief_minutes = [s.debrief.minutes if s.debrief else 0] * len(s.rounds)

    def build_round_work(self) -> None:
        """Rounds' own work durations (``scorecard_work``, ``decision_work``,
        ``debrief_minutes``): a round's own duration draws from a stream of its own
        (``("pipeline", "round 2 scorecard")``) and leaves every other one alone."""
        s, w = self.s, self.world
        for k, rnd in enumerate(s.rounds):
            if rnd.scorecard_work is not None:
                self.scorecards[k] = make_work(w, rnd.scorecard_work, PIPELINE,
                                               f"round {k + 1} scorecard")
            if rnd.decision_work is not None:
                self.decisions[k] = make_work(w, rnd.decision_work, PIPELINE,
                                              f"round {k + 1} decision")
            if rnd.debrief_minutes is not None and s.debrief is not None:
                self.debrief_minutes[k] = rnd.debrief_minutes

    # -- requisitions and arrivals ----------------------------------------------------------

    def open_requisitions(self) -> None:
        """Draw when requisitions open and when their candidates arrive, then start them."""
        opened = [0.0] * self.s.requisitions.initial + self.requisition_times(0.0)
        for t_open in opened:
            self.start_requisition(t_open, self.arrival_rng)

    def requisition_times(self, start: float) -> list[float]:
        """When new requisitions open from ``start`` to the horizon (from ``arrivals``; with a
        ``season``, by thinning: drawn at the peak rate, kept at the month's)."""
        s = self.s
        if s.requisitions.rate_per_month <= 0:
            return []
        rates, peak = self.rates, 1.0
        if rates is not None:
            peak = rates.peak("requisitions", start, self.horizon)
        if peak <= 0.0:
            return []
        times = poisson_times(self.arrival_rng,
                              HOURS_PER_MONTH / (s.requisitions.rate_per_month * peak),
                              start, self.horizon)
        return times if rates is None else rates.thin("requisitions", times, peak)

    def start_requisition(self, t_open: float, rng: np.random.Generator,
                          arrivals_from: float | None = None,
                          setup: Callable[[Requisition], None] | None = None) -> Requisition:
        """Open a requisition: draw its candidates' arrivals and fixed draws, start it.

        ``arrivals_from`` (default: when it opens) is when its candidates start to arrive, and
        ``setup`` may change the requisition before it starts (a forecast opens the jobs that
        are open on its date, with their owners and hires so far, and new candidates from then
        on: :mod:`hiresim.inference.forecasts`).
        """
        s, w = self.s, self.world
        req = self.new_requisition(len(w.requisitions), t_open)
        if setup is not None:
            setup(req)
        first = t_open if arrivals_from is None else arrivals_from
        gap = HOURS_PER_WEEK / s.candidates.rate_per_week
        if s.candidates.arrivals == "poisson":
            rates = self.rates
            if rates is None:
                times = poisson_times(rng, gap, first, self.horizon)
            else:  # thinning: drawn at the peak rate, kept at the month's
                peak = rates.peak("candidates", first, self.horizon)
                times = (rates.thin("candidates", poisson_times(rng, gap / peak, first,
                                                                self.horizon), peak)
                         if peak > 0.0 else [])
        else:
            times = np.arange(first + gap, self.horizon, gap).tolist()
        if s.candidates.max_per_requisition is not None:
            times = times[: s.candidates.max_per_requisition]
        with _gc_paused():  # one small list per candidate: no point in collecting meanwhile
            draws = self.decision_rng.random((len(times), len(s.rounds) + 2)).tolist()
        if self.all_pools:  # pool rounds draw no panel: share one list of empty panels
            panels = [self.no_panels] * len(times)
        else:
            sample = self.assign.sample
            draws_of = self.team_draws.get(req.hiring_manager.id, self.panel_draws)
            panels = [[[] if d is None else sample(*d) for d in draws_of] for _ in times]
        behaviour = (self.behaviour.draws(len(times)) if self.behaviour is not None
                     else [([], [])] * len(times))  # no patience, no follow-ups to draw
        w.requisitions.append(req)
        w.trace.requisition(req.id, t_open, req.positions, req.recruiter.holder(t_open),
                            req.hiring_manager.holder(t_open))
        w.env.process(self.arrivals(req, times, draws, panels, behaviour))
        for hook in self.opened:
            hook(req)
        return req

    def new_requisition(self, index: int, t_open: float) -> Requisition:
        """A requisition and its people: owners and approvers taken round-robin by index."""
        s, people = self.s, self.world.people
        hms = people[s.requisitions.hiring_manager_role]
        recruiters = people[s.requisitions.recruiter_role]
        approvers = {}
        for role in self.requisition_roles:
            members = people[role]
            approvers[role] = members[index % len(members)]
        return Requisition(
            id=f"R{index + 1}", index=index, opened=t_open,
            hiring_manager=hms[index % len(hms)], recruiter=recruiters[index % len(recruiters)],
            approvers=approvers, positions=s.requisitions.positions,
            closed_event=self.world.env.event())

    def close_requisition(self, req: Requisition) -> None:
        if not req.closed:
            req.closed = True
            req.closed_event.succeed()
            self.world.trace.requisition_closed(req.index, req.id, self.world.env.now,
                                                req.filled, req.cancelled)

    def arrivals(self, req: Requisition, times: list[float], draws: list[list[float]],
                 panels: list[list[list[int]]],
                 behaviour: list[tuple[list[float], list[float]]]) -> Process:
        env = self.world.env
        if req.opened > env.now:
            yield env.timeout(req.opened - env.now)
        # names looked up once: this loop runs once per candidate of the replication
        timeout, start = env.timeout, self.candidate
        in_process = self.world.in_process
        prefix = f"r{self.world.replication}-{req.id}-c"
        now = env.now
        # Candidates are flows (hiresim.flows), started by this loop right after it has
        # scheduled its next arrival: the same order of events as SimPy's Initialize, one
        # event fewer per candidate (and none when the candidate is done).
        arrived: list[Flow] = []
        for k, (t, drawn, panel, (patience, answers)) in enumerate(
                zip(times, draws, panels, behaviour, strict=True), start=1):
            if t > now:
                next_arrival = timeout(t - now)
                for flow in arrived:
                    flow.start()
                arrived.clear()
                yield next_arrival
                now = env.now
            if req.closed:
                break
            cid = f"{prefix}{k}"
            cand = in_process[cid] = Candidate(cid, req, now, drawn, panel, patience, answers)
            arrived.append(Flow(env, start(cand)))
        for flow in arrived:
            flow.start()

    # -- the candidate's path ----------------------------------------------------------------

    def candidate(self, c: Candidate, first_round: int = 1, at: str = "screening",
                  before: Leg | None = None) -> Process:
        """A candidate's whole process: screen, interview rounds, waits for feedback.

        A forecast starts candidates part-way (:mod:`hiresim.inference.forecasts`): at round
        ``first_round``, ``at`` its ``"screening"`` (round 1 only), its ``"interview"`` (the
        interview still to be scheduled and held) or its ``"feedback"`` (the interview just
        held: the wait for feedback begins now); ``before``, if given, accounts for the wait
        before that round's interview.
        """
        s, w, req = self.s, self.world, c.requisition
        env = w.env
        # ``scratch`` legs account for waits outside a journey (screening, holds, interview
        # scheduling); nothing reads them afterwards, so they are made only when needed
        if self.screening is not None and at == "screening":
            assert s.screening is not None
            pre = before or Leg(env.now)
            for hold in self.gates:
                yield from hold("screening", pre, req.recruiter)
            yield from task(w, req.recruiter, self.screening, pre,
                            Activity(c.id, "screening", "screening", req.id, 0),
                            recruiter_handover(w, req))
            if c.draws[0] >= s.screening.pass_probability or req.closed:
                self.finish(c, "rejected")
                return
        for r, rnd in enumerate(self.rounds, start=1):
            if r < first_round:
                continue
            resume = r == first_round and at == "feedback"  # its interview was just held
            scratch = before if r == first_round else None
            if not resume:
                if self.gates:  # a freeze first: the checks below see its end
                    scratch = scratch or Leg(env.now)
                    for hold in self.gates:
                        yield from hold("interview", scratch, req.recruiter)
                if req.hold is not None:
                    scratch = scratch or Leg(env.now)
                    yield from on_hold(w, req, scratch)
                if req.cancelled:
                    self.finish(c, "cancelled")
                    return
                if req.closed:  # filled while the candidate waited for this round
                    self.finish(c, self.telling.closed_outcome())
                    return
            pool = self.round_pools[r - 1]
            people = w.people[rnd.panel_role]
            panel = [] if pool else [people[i] for i in c.panels[r - 1]]
            # an unscheduled zero-minute interview with no event log does nothing: skip it
            if not resume and (w.scheduling or rnd.interview_minutes or w.event_log):
                attendees = [*panel, req.hiring_manager] if rnd.hiring_manager_attends else panel
                held = yield from meeting(
                    w, attendees, req.recruiter, rnd.interview_minutes, scratch or Leg(env.now),
                    Activity(c.id, self.interviews[r - 1], "interview", req.id, r),
                    candidate=True, notice=self.notice, stop=lambda: req.closed,
                    booked=partial(booked, c, r))
                if not held:  # the job was filled while the recruiter looked for a slot
                    self.finish(c, self.telling.closed_outcome())
                    return
                if c.withdrawn:  # their patience ran out before the interview
                    self.finish(c, "withdrawn")
                    return
            c.rounds = r
            leg = Leg(env.now)
            c.journey = (r, env.now, leg)
            if self.behaviour is not None:
                self.behaviour.watch(c, r)
            outcome = yield from self.after_interview(c, r, rnd, pool, panel, leg)
            if c.withdrawn:  # the company learns it when it tries to tell the candidate
                self.finish(c, "withdrawn")
                return
            _, start, _ = c.journey
            feedback = math.nan if outcome == "ghosted" else env.now
            w.trace.journey(c.id, r, req.id, start, env.now, feedback, outcome, leg.acc)
            c.journey = None
            if outcome == "advance":
                if self.behaviour is not None:  # patience runs on until the next interview
                    self.behaviour.watch_next_round(c, r)
                continue
            if outcome == "offer":
                if c.draws[-1] < s.offers.accept_probability:
                    if c.id not in w.ghosts:  # a forecast's copy fills no position
                        req.filled += 1
                        if req.filled >= req.positions:
                            self.close_requisition(req)
                    self.finish(c, "hired")
                else:
                    c.declined = True
                    self.finish(c, "declined")
            else:
                self.finish(c, _FINAL_OUTCOME.get(outcome, "rejected"))
            return

    def after_interview(self, c: Candidate, r: int, rnd: RoundSpec, pool: Pool | None,
                        panel: list[Person], leg: Leg) -> Process:
        """Scorecards, debrief, decision, approvals and the message: one wait for feedback."""
        s, w, req = self.s, self.world, c.requisition
        work = self.scorecards[r - 1]
        if not work.zero:
            act = Activity(c.id, "scorecard", "scorecards", req.id, r)
            if pool is not None and rnd.panel == 1:
                # what ``parallel`` does with one branch, without its two generator layers
                yield from pool_task(w, pool, work, leg, act)
            else:
                makers: list[Branch]
                if pool is not None:
                    shared = pool
                    makers = [lambda b: pool_task(w, shared, work, b, act)] * rnd.panel
                else:
                    makers = [person_task(w, p, work, act) for p in panel]
                yield from parallel(w, leg, makers)
        elsewhere: tuple[str, Process] | None = None
        for where in self.decided_at:  # a team's weekly meeting, say
            elsewhere = where(c, r, leg)
            if elsewhere is not None:
                break
        minutes = self.debrief_minutes[r - 1]
        if minutes and (elsewhere is None or elsewhere[0] != "debrief"):
            assert s.debrief is not None
            attendees = [*panel, req.hiring_manager]
            if s.debrief.recruiter_attends:
                attendees.append(req.recruiter)
            for hold in self.gates:
                yield from hold("debrief", leg, req.hiring_manager)
            yield from meeting(w, attendees, req.hiring_manager, minutes, leg,
                               Activity(c.id, "debrief", "debrief", req.id, r), candidate=False)
            for after in self.after_debrief:
                yield from after(c, r, leg, attendees)
        if req.hold is not None:
            yield from on_hold(w, req, leg)
        decision = self.decisions[r - 1]
        if elsewhere is not None:  # taken at the meeting, at its end
            for hold in self.gates:
                yield from hold("decision", leg, req.hiring_manager)
            yield from elsewhere[1]
        elif decision is not None and not decision.zero:
            for hold in self.gates:
                yield from hold("decision", leg, req.hiring_manager)
            yield from task(w, req.hiring_manager, decision, leg,
                            Activity(c.id, "decision", "decision", req.id, r))
        outcome = decide(c.draws[r], rnd.decision)
        if outcome != "reject" and req.closed:
            outcome = "reject"
        for step in self.before_telling:
            process = step(c, r, leg, outcome)
            if process is not None:
                yield from process
        if req.hold is not None:
            yield from on_hold(w, req, leg)
        telling = self.telling
        if req.cancelled:
            assert s.requirements is not None
            if not telling.told(s.requirements.told_when_cancelled):
                return "ghosted"
            outcome = "reject"
        if telling.silent:  # nothing to hand off, review, hold, ghost or send
            return outcome
        return (yield from telling.tell(c, r, leg, outcome))

    def finish(self, c: Candidate, outcome: str) -> None:
        """Record the candidate's whole process and forget them."""
        w = self.world
        w.trace.candidate(c.id, c.requisition.id, c.applied, w.env.now, outcome, c.rounds,
                          c.declined)
        del w.in_process[c.id]

    def censor(self) -> None:
        """At the end of the span: what is still waiting is censored there."""
        w = self.world
        end = w.end
        for req in w.requisitions:  # offers out when a job closed may be accepted after it
            w.trace.requisition_filled(req.index, req.id, req.filled)
        for c in list(w.in_process.values()):
            if c.withdrawn:
                self.finish(c, "withdrawn")
                continue
            if c.journey is not None:
                r, start, leg = c.journey
                leg.close(end)
                w.trace.journey(c.id, r, c.requisition.id, start, end, math.nan, "open",
                                leg.acc)
            w.trace.candidate(c.id, c.requisition.id, c.applied, end, "open", c.rounds,
                              c.declined)


def booked(c: Candidate, r: int) -> None:
    """The candidate is given the date of round ``r``'s interview (news: no withdrawal for
    silence while they wait for it)."""
    c.booked = r


def decide(u: float, p: DecisionProbabilities) -> str:
    """The round's decision from one uniform draw: advance, offer or reject."""
    if u < p.advance:
        return "advance"
    if u < p.advance + p.offer:
        return "offer"
    return "reject"


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
