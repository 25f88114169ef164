"""Northwind's hiring, as plain SimPy processes: jobs, applications, interviews, decisions.

Each member of staff is a ``simpy.Resource`` of capacity one (their own tasks queue); a task is
a latency in the person's working time (picking the task up) followed by work that holds the
person. The world records what happened as it happens - stage visits, interviews held, status
changes, and for each interview the candidate's wait for feedback: when and how it ended
(told of the next stage, of an offer or of a rejection) or was censored (withdrawn, a
rejection never told, still open when the run ends). These records are the ground truth that
the export (:mod:`tests.worlds.export`) writes in the company's own words.

Randomness comes from named streams (:func:`tests.worlds.staff.stream`): one per application
(its path's draws), one per application for its patience, one per job (its applications),
one per department (job openings) and one per person (calendar, vacations). A what-if that
changes one habit therefore leaves every other draw of a path where it was.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Generator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import simpy

from tests.worlds.clock import NEVER, Clock
from tests.worlds.config import WorldConfig
from tests.worlds.staff import Staff, stream

DAY = 1440.0
HOUR = 60.0
Z90 = 1.2815515655446004  # standard normal 90 % quantile

TITLES = {
    "Engineering": ("Backend Engineer", "Data Engineer", "QA Engineer", "Site Reliability "
                    "Engineer"),
    "Sales": ("Account Executive", "Sales Development Rep", "Solutions Consultant"),
    "Operations": ("Operations Analyst", "Logistics Coordinator", "Facilities Lead"),
    "Finance": ("Financial Analyst", "Accountant", "Controller"),
}
SOURCES = ("Career Site", "LinkedIn", "Referral", "Job Board", "Agency")

#: Outcomes of a wait for feedback (those after the first three are censored).
OUTCOMES = ("advance", "offer", "reject", "withdrawn", "ghosted", "open")


def lognormal(rng: random.Random, median: float, p90: float) -> float:
    """A lognormal draw with the given median and 90 % quantile (one normal deviate)."""
    return median * math.exp(math.log(p90 / median) / Z90 * rng.gauss(0.0, 1.0))


@dataclass
class Job:
    index: int
    id: str
    department: str
    title: str
    manager: str
    recruiter: str
    positions: int
    opened: float
    closed: float = math.nan
    reason: str = ""
    hired: int = 0
    offers_out: int = 0
    apps: list[App] = field(default_factory=list)
    held: list[App] = field(default_factory=list)

    @property
    def open(self) -> bool:
        return math.isnan(self.closed)


@dataclass(eq=False)
class App:
    index: int
    id: str
    candidate: str
    source: str
    job: Job
    submitted: float
    rng: random.Random
    patience: random.Random
    never_withdraw: bool
    status: str = "active"
    closed_at: float = math.nan
    notified_at: float = math.nan
    stages: list[list[Any]] = field(default_factory=list)  # [stage, entered, exited]
    epoch: int = 0  # bumped whenever the candidate hears something (patience restarts)
    busy_until: float = -1.0  # end of the interview going on
    offer_out: bool = False
    held: bool = False
    ghost: float = math.nan  # the ghosting draw, taken with the decision
    wait: tuple[int, float] | None = None  # (round, interview end) of the open wait


@dataclass
class WorldRun:
    """Everything one run of the world recorded, and the people it ran with."""

    cfg: WorldConfig
    seed: int
    days: int
    clock: Clock
    staff: Staff
    jobs: list[Job]
    apps: list[App]
    #: (application index, round, start, end, attendees) per interview held.
    interviews: list[tuple[int, int, float, float, tuple[str, ...]]]
    #: (application index, round, interview end, stop, outcome) per wait for feedback.
    wait_records: list[tuple[int, int, float, float, str]]
    #: Absolute minute of the export (local midnight ``days`` after the start).
    end: float
    #: Decisions taken, per round: (application index, round, minute, at_sync, outcome).
    decisions: list[tuple[int, int, float, bool, str]]

    @property
    def exported_at(self) -> pd.Timestamp:
        return pd.Timestamp(self.clock.local(np.array([self.end]))[0])

    @property
    def waits(self) -> pd.DataFrame:
        """The world's own waits for feedback, one per interview held (each round has one):
        ``application_id``, ``round``, ``interview_end`` and ``stop`` (naive local time, as
        the export shows them), ``outcome`` (:data:`OUTCOMES`), ``censored``, and ``days``
        from the interview's end to ``stop`` on the local wall clock (a daylight saving
        change inside a wait adds or removes its hour, as in the company's own records).

        ``stop`` is when the candidate heard (``advance``, ``offer``, ``reject``), withdrew,
        when a rejection never told was recorded (``ghosted``: also a rejection recorded and
        not yet told when the run ends), or the end of the run (``open``).
        """
        rec = self.wait_records
        app = np.array([r[0] for r in rec], dtype=np.int64)
        end = self.clock.local(np.array([r[2] for r in rec], dtype=float))
        stop = self.clock.local(np.array([r[3] for r in rec], dtype=float))
        outcome = np.array([r[4] for r in rec], dtype=object)
        frame = pd.DataFrame({
            "application_id": [self.apps[i].id for i in app],
            "round": np.array([r[1] for r in rec], dtype=np.int64) + 1,
            "interview_end": end,
            "stop": stop,
            "outcome": pd.Categorical(outcome.astype(str), categories=OUTCOMES),
            "censored": np.isin(outcome.astype(str), OUTCOMES[3:]),
            "days": (stop - end) / np.timedelta64(1, "D"),
        })
        return frame.sort_values(["application_id", "round"], kind="stable").reset_index(
            drop=True)


class Company:
    """One run of the world: builds the SimPy processes and collects the records."""

    def __init__(self, cfg: WorldConfig, seed: int, days: int):
        self.cfg = cfg
        self.seed = seed
        self.days = days
        self.clock = Clock(cfg, days + 200)  # working days beyond the end: late tasks finish
        self.staff = Staff(cfg, self.clock, seed)
        self.env = simpy.Environment()
        for p in self.staff.people.values():
            p.resource = simpy.Resource(self.env, capacity=1)
        self.jobs: list[Job] = []
        self.apps: list[App] = []
        self.candidates: list[str] = []
        self.interviews: list[tuple[int, int, float, float, tuple[str, ...]]] = []
        self.waits: list[tuple[int, int, float, float, str]] = []
        self.decisions: list[tuple[int, int, float, bool, str]] = []
        self.open_jobs: dict[str, int] = dict.fromkeys(self.staff.people, 0)
        last = dt.datetime.combine(cfg.start + dt.timedelta(days=days), dt.time(),
                                   tzinfo=self.clock.zone)
        self.end = self.clock.minute(last)

    # ------------------------------------------------------------------ the run

    def run(self) -> WorldRun:
        cfg = self.cfg
        for dept in cfg.departments:
            rng = stream(self.seed, "initial", dept)
            for _ in range(cfg.initial_jobs_per_department):
                self.open_job(dept, rng)
            self.env.process(self.openings(dept))
        self.env.run(until=self.end)
        for app in self.apps:  # waits still open when the export is taken
            if app.wait is not None:
                if app.status == "rejected":  # recorded, not yet told: the export shows it so
                    self.close_wait(app, "ghosted", app.closed_at)
                else:
                    self.close_wait(app, "open", self.end)
        return WorldRun(cfg, self.seed, self.days, self.clock, self.staff, self.jobs,
                        self.apps, self.interviews, self.waits, self.end, self.decisions)

    def openings(self, dept: str) -> Generator[simpy.Event, Any, None]:
        rng = stream(self.seed, "openings", dept)
        rate = self.cfg.openings_per_department_month / (30.4375 * DAY)
        while True:
            yield self.env.timeout(rng.expovariate(rate))
            self.open_job(dept, rng)

    def open_job(self, dept: str, rng: random.Random) -> None:
        cfg, staff = self.cfg, self.staff
        hm = min(staff.managers[dept], key=lambda h: (self.open_jobs[h], rng.random()))
        rec = min(staff.recruiters[dept], key=lambda r: (self.open_jobs[r], rng.random()))
        u, positions = rng.random(), 1
        for k, p in enumerate(np.cumsum(cfg.positions), start=1):
            positions = k
            if u < p:
                break
        titles = TITLES.get(dept, (f"{dept} Specialist",))
        title = titles[int(rng.random() * len(titles))]
        job = Job(len(self.jobs), f"REQ-{2400 + len(self.jobs)}", dept, title, hm, rec,
                  positions, self.env.now)
        self.jobs.append(job)
        self.open_jobs[hm] += 1
        self.open_jobs[rec] += 1
        self.env.process(self.arrivals(job))
        expiry = self.env.timeout(cfg.job_max_open_days * DAY)
        expiry.callbacks.append(lambda _: self.close_job(job, "cancelled") if job.open else None)

    def arrivals(self, job: Job) -> Generator[simpy.Event, Any, None]:
        rng = stream(self.seed, "job", job.index)
        rate = self.cfg.applications_per_job_week / (7 * DAY)
        while True:
            yield self.env.timeout(rng.expovariate(rate))
            if not job.open:
                return
            self.apply(job)

    def close_job(self, job: Job, reason: str) -> None:
        """The job is filled or cancelled: every candidate still in process is rejected (held
        rejections are released); one in an interview is rejected when it ends."""
        now = self.env.now
        job.closed, job.reason = now, reason
        self.open_jobs[job.manager] -= 1
        self.open_jobs[job.recruiter] -= 1
        for app in job.apps:
            if app.status != "active" or app.offer_out:
                continue
            if app.busy_until > now:
                later = self.env.timeout(app.busy_until - now)
                later.callbacks.append(partial(self._reject_later, app))
            else:
                self.record_rejection(app)

    def _reject_later(self, app: App, _: simpy.Event) -> None:
        if app.status == "active":
            self.record_rejection(app)

    # ------------------------------------------------------------------ a candidate

    def apply(self, job: Job) -> None:
        cfg, i = self.cfg, len(self.apps)
        rng = stream(self.seed, "app", i)
        if self.candidates and rng.random() < cfg.repeat_candidate_share:
            candidate = self.candidates[int(rng.random() * len(self.candidates))]
        else:
            candidate = f"CAND-{50001 + len(self.candidates)}"
            self.candidates.append(candidate)
        source = SOURCES[int(rng.random() * len(SOURCES))]
        app = App(i, f"NW-{100001 + i}", candidate, source, job, self.env.now, rng,
                  stream(self.seed, "patience", i), rng.random() < cfg.never_withdraw)
        self.apps.append(app)
        job.apps.append(app)
        self.enter(app, "Applied")
        self.heard(app)
        self.env.process(self.screen(app))

    def enter(self, app: App, stage: str) -> None:
        now = self.env.now
        if app.stages:
            app.stages[-1][2] = now
        app.stages.append([stage, now, math.nan])

    def heard(self, app: App) -> None:
        """The candidate heard something: their patience starts again."""
        app.epoch += 1
        if app.never_withdraw:
            return
        days = app.patience.expovariate(1.0 / self.cfg.patience_days_mean)
        ev = self.env.timeout(days * DAY)
        ev.callbacks.append(partial(self._patience, app, app.epoch))

    def _patience(self, app: App, epoch: int, _: simpy.Event) -> None:
        if (app.epoch != epoch or app.status != "active" or app.offer_out
                or app.busy_until > self.env.now):
            return
        now = self.env.now
        app.status, app.closed_at = "withdrawn", now
        app.stages[-1][2] = now
        self.close_wait(app, "withdrawn", now)

    def close_wait(self, app: App, outcome: str, at: float) -> None:
        if app.wait is not None:
            r, end = app.wait
            self.waits.append((app.index, r, end, at, outcome))
            app.wait = None

    def work(self, pid: str, latency_hours: float,
             work_hours: float) -> Generator[simpy.Event, Any, None]:
        """A task of person ``pid``: picked up after a latency in their working time, then
        worked on (one task at a time)."""
        env, person = self.env, self.staff.people[pid]
        t = person.work.after(env.now, latency_hours * HOUR)
        yield env.timeout(t - env.now)
        with person.resource.request() as req:  # type: ignore[attr-defined]
            yield req
            t = person.work.after(env.now, work_hours * HOUR)
            yield env.timeout(t - env.now)

    def screen(self, app: App) -> Generator[simpy.Event, Any, None]:
        cfg, env = self.cfg, self.env
        rec = self.staff.people[app.job.recruiter]
        latency = lognormal(app.rng, *cfg.screen_pickup_hours)
        passed = app.rng.random() < cfg.screen_pass
        t = rec.work.after(env.now, latency * HOUR)
        yield env.timeout(t - env.now)
        if app.status != "active":
            return
        with rec.resource.request() as req:  # type: ignore[attr-defined]
            yield req
            if app.status != "active":
                return
            self.enter(app, "Phone Screen")  # the call: the candidate hears from us
            self.heard(app)
            t = rec.work.after(env.now, cfg.screen_work_hours * HOUR)
            yield env.timeout(t - env.now)
        if app.status != "active":
            return
        if passed:
            self.enter(app, cfg.rounds[0].stage)  # told on the call
            self.heard(app)
            env.process(self.interview(app, 0))
        else:
            self.reject(app, may_hold=False)

    def interview(self, app: App, r: int) -> Generator[simpy.Event, Any, None]:
        cfg, env, staff = self.cfg, self.env, self.staff
        spec = cfg.rounds[r]
        hm = staff.people[app.job.manager]
        attendees = app.rng.sample(hm.team, spec.interviewers)
        if spec.manager_attends:
            attendees.append(hm.id)
        slot = staff.find_slot(attendees, env.now + cfg.notice_hours * HOUR, spec.minutes)
        if slot is None:
            return
        staff.book(attendees, slot, spec.minutes)
        start = self.clock.slot_start(slot)
        end = start + spec.minutes
        yield env.timeout(start - env.now)
        if app.status != "active":
            return
        app.busy_until = end
        self.heard(app)
        yield env.timeout(end - start)
        if app.status != "active":
            return
        self.interviews.append((app.index, r, start, end, tuple(attendees)))
        app.wait = (r, end)
        self.heard(app)
        latencies = [lognormal(app.rng, *cfg.scorecard_pickup_hours) for _ in attendees]
        u_sync, u_decision = app.rng.random(), app.rng.random()
        decision_latency = lognormal(app.rng, *cfg.decision_pickup_hours)
        cards = [env.process(self.work(pid, lat, cfg.scorecard_work_hours))
                 for pid, lat in zip(attendees, latencies, strict=True)]
        yield env.all_of(cards)
        if app.status != "active":
            return
        at_sync = u_sync < spec.sync_share
        if at_sync:
            weekday, hour = cfg.sync_slot(hm.team_index)
            offset = (hour - cfg.day_hours[0]) * HOUR
            clock, n = self.clock, len(self.clock.starts)
            day = clock.next_weekly(env.now, weekday, hour)
            while day < n and day in hm.vacation:
                day = clock.next_weekly(clock.starts[day] + offset + 1.0, weekday, hour)
            t = clock.starts[day] + offset + cfg.sync_minutes if day < n else NEVER
            yield env.timeout(t - env.now)
        else:
            yield from self.work(hm.id, decision_latency, cfg.decision_work_hours)
        if app.status != "active":
            return
        if u_decision < spec.advance:
            outcome = "advance"
        elif u_decision < spec.advance + spec.offer:
            outcome = "offer"
        else:
            outcome = "reject"
        self.decisions.append((app.index, r, env.now, at_sync, outcome))
        if outcome == "advance":
            latency = lognormal(app.rng, *cfg.relay_pickup_hours)
            yield from self.work(app.job.recruiter, latency, cfg.relay_work_hours)
            if app.status != "active":
                return
            self.enter(app, cfg.rounds[r + 1].stage)
            self.close_wait(app, "advance", env.now)
            self.heard(app)
            env.process(self.interview(app, r + 1))
        elif outcome == "offer":
            env.process(self.offer(app))
        else:
            self.reject(app, may_hold=True)

    def offer(self, app: App) -> Generator[simpy.Event, Any, None]:
        cfg, env, clock = self.cfg, self.env, self.clock
        job = app.job
        offset = (cfg.committee_hour - cfg.day_hours[0]) * HOUR
        day = clock.next_weekly(env.now, cfg.committee_weekday, cfg.committee_hour)
        t = (clock.starts[day] + offset + cfg.committee_minutes if day < len(clock.starts)
             else NEVER)
        latency = lognormal(app.rng, *cfg.relay_pickup_hours)
        consider = lognormal(app.rng, *cfg.consideration_days)
        accepts = app.rng.random() < cfg.accept_share
        yield env.timeout(t - env.now)
        if app.status != "active":
            return
        if not job.open or job.hired + job.offers_out >= job.positions:
            self.reject(app, may_hold=True)  # a runner-up: no position left for them
            return
        job.offers_out += 1
        app.offer_out = True
        yield from self.work(job.recruiter, latency, cfg.relay_work_hours)
        self.enter(app, "Offer Extended")
        told = env.now
        self.close_wait(app, "offer", told)
        yield env.timeout(consider * DAY)
        job.offers_out -= 1
        app.closed_at, app.notified_at = env.now, told
        if accepts:
            app.status = "hired"
            self.enter(app, "Hired")
            job.hired += 1
            if job.hired >= job.positions and job.open:
                self.close_job(job, "filled")
        else:
            app.status = "offer_declined"
            app.stages[-1][2] = env.now

    def reject(self, app: App, may_hold: bool) -> None:
        """A rejection decided now: held until the job closes (a share of those after an
        interview), else recorded now and told (or never told)."""
        hold = app.rng.random() < self.cfg.hold_share
        app.ghost = app.rng.random()
        if may_hold and hold and app.job.open:
            app.held = True
            app.job.held.append(app)
            return
        self.record_rejection(app)

    def record_rejection(self, app: App) -> None:
        now = self.env.now
        app.status, app.closed_at = "rejected", now
        app.stages[-1][2] = now
        if math.isnan(app.ghost):
            app.ghost = app.rng.random()
        if app.ghost < self.cfg.ghost_share:
            self.close_wait(app, "ghosted", now)
            return
        self.env.process(self.tell_rejection(app))

    def tell_rejection(self, app: App) -> Generator[simpy.Event, Any, None]:
        latency = lognormal(app.rng, *self.cfg.relay_pickup_hours)
        yield from self.work(app.job.recruiter, latency, self.cfg.relay_work_hours)
        app.notified_at = self.env.now
        self.close_wait(app, "reject", self.env.now)


def run_world(cfg: WorldConfig, seed: int, years: float = 1.0) -> WorldRun:
    """Run the world ``cfg`` with ``seed`` for ``years`` (365 days each) from its start."""
    days = round(years * 365)
    if days < 1:
        raise ValueError(f"years must cover at least a day, got {years!r}")
    return Company(cfg, seed, days).run()
