"""Forecasts for the applications open on a date: when will each candidate hear back?

:func:`forecast` starts the simulation from the company's state on ``as_of`` (a *warm start*),
read from its ATS export (a :class:`~hiresim.records.history.History`): every open application at
its current stage, the open jobs with their owners and hires so far, the people's known absences
(from their calendars, :mod:`hiresim.records.ical`), and new candidates and jobs arriving at the
scenario's rates from then on.

**How time already waited conditions what is left.** The export says where an application is
(in screening, waiting for an interview, or waiting for feedback after interview ``k``) and
since when, but not what is happening inside the company (scorecards written? debrief booked?
approvals under way?). So each open application is simulated from the last moment the export
fixes — its application, its entry into the round, or its interview's end — through the days
already waited, and a sample counts for that application only if it agrees with what is
known on ``as_of``: the candidate has not heard, has not withdrawn, and (for one waiting for an
interview) has not been interviewed yet. What is left of the wait is then drawn from the
samples that agree: the model's distribution of the remaining wait *given* the time already
waited, whatever stage of the work that time implies.

**Splitting, so that no application starves.** Rejection alone costs ``1 / P(agree)``
replications per sample: the longest waits get the thinnest answers. After the first batch,
an application short of ``min_samples`` agreeing samples is started again, many times, in each
replication of the next batches: its *copies* (``World.ghosts``) take their turn in every
queue, wait for every absence and weekly meeting, and take nobody's time, so they see the
replication's state without changing it. A copy costs one candidate's path, not a replication
(:func:`copies_wanted`). The answers report ``acceptance`` and ``effective_samples``.

**The real past.** The replication starts :data:`REPLAY_DAYS` before the oldest open wait
began; the closed applications of that window follow their recorded path
(:mod:`hiresim.inference.replay`), taking their people's time as they did.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from hiresim.causes import CAUSES, N_CAUSES
from hiresim.inference.replay import Past, start_past
from hiresim.trace import FINAL_OUTCOMES, OUTCOMES, Leg
from hiresim.world import Candidate

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from hiresim.pipeline import Pipeline
    from hiresim.records.history import History
    from hiresim.results import Results
    from hiresim.scenario import Scenario
    from hiresim.world import Requisition, World

#: Name of the random stream of the candidates already in process (their decisions, panels,
#: patience): its own, so that new arrivals draw exactly as in a fresh run.
STREAM = "forecast"
#: The stream of the copies of open applications (splitting): the originals draw as before.
COPIES_STREAM = "forecast_copies"
#: Agreeing samples wanted per open application when ``min_samples`` is not given.
MIN_SAMPLES = 50
#: The recorded past is replayed from this many days before the earliest open wait began
#: (no earlier than ``lookback_days`` before ``as_of``): what the closed applications' work
#: left in the people's queues when the first open wait began.
REPLAY_DAYS = 28
#: At most this many copies of one application in one replication.
MAX_COPIES = 256
#: Where an open application waits (``waiting_for`` in :attr:`Forecast.answers`).
WAITING_FOR = ("screening", "interview", "feedback")
#: How :func:`forecast` answers: ``simulation`` (from the scenario, this module) or
#: ``empirical`` (from the records' past waits alone: :mod:`hiresim.inference.empirical`).
METHODS = ("simulation", "empirical")
#: At most this many batches are run while some application has fewer than ``min_samples``
#: agreeing samples: the first of ``replications``, then batches of a tenth as many with
#: copies of the applications still short (a fixed schedule: the same answers whatever
#: ``workers``).
MAX_BATCHES = 8
_OUTCOME_OPEN = OUTCOMES.index("open")
_OUTCOME_WITHDRAWN = OUTCOMES.index("withdrawn")
_OUTCOME_GHOSTED = OUTCOMES.index("ghosted")
_FINAL_WITHDRAWN = FINAL_OUTCOMES.index("withdrawn")
_FINAL_GHOSTED = FINAL_OUTCOMES.index("ghosted")
_FINAL_OPEN = FINAL_OUTCOMES.index("open")


class ForecastError(ValueError):
    """An export or argument that a forecast cannot start from (names the file and row).
    Control characters that came from the export are escaped in the message."""

    def __init__(self, message: str) -> None:
        from hiresim.records.files import escaped

        super().__init__(escaped(message, lines=True))


@dataclass(frozen=True)
class OpenApplication:
    """One application open on the forecast's date, as the export shows it."""

    application_id: str
    candidate_id: str
    job_id: str
    #: The export's stage, mapped: ``screening``, ``round:1``, ``round:2``, ...
    stage: str
    #: ``screening``, ``interview`` (the round's interview is still to be held) or
    #: ``feedback`` (interviewed, waiting to hear).
    waiting_for: str
    round: int
    #: When the current wait began: application, entry into the round, or interview end.
    since: pd.Timestamp
    applied_at: pd.Timestamp
    #: A rejection is recorded but the candidate has not been told yet.
    decided: bool = False
    interviewers: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpenJob:
    """A requisition open on the forecast's date."""

    job_id: str
    recruiter: str | None
    hiring_manager: str | None
    hires: int = 0
    #: Offers made and not yet answered (their acceptance is drawn on the date).
    offers_out: int = 0


@dataclass(frozen=True)
class OwedRejection:
    """A candidate owed a rejection on the forecast's date: the decision is made (recorded
    more than the owed cut-off ago, or their job is closed) and they have not been told. Not
    a wait to forecast: only the company can end it, by telling them."""

    application_id: str
    candidate_id: str
    job_id: str
    #: The export's stage, mapped (``screening``, ``round:1``, ...).
    stage: str
    #: Since when they are owed it: the rejection's record, or the job's closing.
    since: pd.Timestamp
    days_owed: float
    #: ``rejected`` (a rejection recorded, not told) or ``job closed`` (still active on a job
    #: that ``jobs.csv`` closed).
    reason: str


@dataclass(frozen=True)
class OfferOut:
    """An offer made and not yet answered on the forecast's date (the candidate has heard:
    the company awaits their answer)."""

    application_id: str
    candidate_id: str
    job_id: str
    offered_at: pd.Timestamp
    days_waiting: float


#: Days an untold rejection may have been recorded and still count as a decision on its way
#: to the candidate when the records give no lag to go by (no rejection told after its record).
OWED_CUTOFF_DAYS = 14.0


@dataclass
class CompanyState:
    """What the export says on ``as_of``: the open applications and jobs, the candidates
    owed a rejection and the offers awaiting an answer."""

    as_of: pd.Timestamp
    applications: list[OpenApplication]
    jobs: list[OpenJob]
    #: Jobs are known from the export (``jobs.csv`` or open applications); ``False``: the
    #: scenario's ``requisitions.initial`` jobs are taken to be open.
    jobs_known: bool = True
    notes: list[str] = field(default_factory=list)
    owed: list[OwedRejection] = field(default_factory=list)
    offers: list[OfferOut] = field(default_factory=list)
    #: The owed cut-off used (days): an untold rejection recorded longer ago is owed.
    owed_cutoff_days: float = OWED_CUTOFF_DAYS


def owed_cutoff(history: History) -> float:
    """The default owed cut-off (days) of ``history``: the 95th percentile of the lag from a
    rejection's record (``closed_at``) to its telling (``notified_at``) among the rejections
    told, at least one day; :data:`OWED_CUTOFF_DAYS` when none was told after its record.

    An untold rejection younger than that is a decision the company usually still tells in
    its own time (a relay through HR, a held runner-up): it is forecast. An older one is
    not on its way: the candidate is owed it."""
    apps = history.applications
    told = apps.loc[(apps["status"] == "rejected") & apps["notified_at"].notna()
                    & apps["closed_at"].notna()]
    import pandas as pd

    lag = ((told["notified_at"] - told["closed_at"]) / pd.Timedelta(days=1)).to_numpy(float)
    lag = lag[np.isfinite(lag) & (lag >= 0)]
    if lag.size == 0:
        return OWED_CUTOFF_DAYS
    return max(1.0, float(np.quantile(lag, 0.95)))


def state_at(history: History, as_of: Any, scenario: Scenario | None = None,
             owed_cutoff_days: float | None = None) -> CompanyState:
    """The open applications and jobs of ``history`` on ``as_of``.

    An application is open when it was made by ``as_of`` and the candidate had not heard its
    last decision by then: not withdrawn, no offer made, no rejection told. Two kinds of
    untold ends are not open waits and are listed apart: a rejection recorded more than
    ``owed_cutoff_days`` before ``as_of`` (default :func:`owed_cutoff`), or any rejection or
    active application on a job that ``jobs.csv`` closed by then, is *owed*
    (:attr:`CompanyState.owed`: forecasting it would reopen the job or wait for a telling
    that is not on its way); an
    offer made and not answered is *out* (:attr:`CompanyState.offers`). A rejection
    recorded more recently and not yet told is open, with its outcome known. People's ids
    (recruiter, hiring manager, interviewers) are checked against ``scenario``'s roles: an id
    unknown to a role whose people the scenario names is an error naming the file and row.
    """
    import pandas as pd

    t = pd.Timestamp(as_of)
    h = history.cut(t) if t < history.exported_at else history
    cutoff = owed_cutoff(h) if owed_cutoff_days is None else float(owed_cutoff_days)
    apps = h.applications
    stages = h.stages
    iv = h.interviews
    notes: list[str] = []
    offer_entered = set(stages.loc[stages["stage"] == "offer", "application_id"])
    told = apps["notified_at"].notna()
    gone = (apps["status"].isin(["withdrawn", "hired", "offer_declined"])
            & apps["closed_at"].notna())
    open_apps = apps.loc[~told & ~gone & ~apps["application_id"].isin(offer_entered)]
    pending_offers = apps.loc[apps["application_id"].isin(offer_entered)
                              & (apps["status"] == "active")]
    last_stage = (stages.sort_values("entered_at", kind="stable")
                  .groupby("application_id").tail(1).set_index("application_id"))
    last_iv = (iv.sort_values("end", kind="stable").groupby("application_id").tail(1)
               .set_index("application_id"))
    jt = h.jobs
    closed_jobs: dict[str, pd.Timestamp] = {}
    if len(jt):
        shut = jt.loc[jt["closed_at"].notna() & (jt["closed_at"] <= t)]
        closed_jobs = dict(zip(shut["job_id"].astype(str), shut["closed_at"], strict=True))
    day = pd.Timedelta(days=1)
    out: list[OpenApplication] = []
    owed: list[OwedRejection] = []
    for row in open_apps.itertuples(index=False):
        app = str(row.application_id)
        stage = str(last_stage["stage"].get(app, "screening"))
        entered = last_stage["entered_at"].get(app, row.applied_at)
        k = int(stage.split(":")[1]) if stage.startswith("round:") else 0
        decided = row.status == "rejected"
        interviewed = app in last_iv.index and int(last_iv.loc[app, "round"]) == k and k > 0
        job = str(row.job_id)
        recorded = pd.Timestamp(row.closed_at) if decided and pd.notna(row.closed_at) else None
        if decided and (recorded is None or (t - recorded) / day > cutoff
                        or not interviewed or job in closed_jobs):
            since = recorded if recorded is not None else pd.Timestamp(row.applied_at)
            owed.append(OwedRejection(app, str(row.candidate_id), job, stage, since,
                                      max(0.0, (t - since) / day), "rejected"))
            continue
        if job in closed_jobs:
            since = pd.Timestamp(closed_jobs[job])
            owed.append(OwedRejection(app, str(row.candidate_id), job, stage, since,
                                      max(0.0, (t - since) / day), "job closed"))
            continue
        if interviewed:
            out.append(OpenApplication(app, str(row.candidate_id), job, stage,
                                       "feedback", k, pd.Timestamp(last_iv.loc[app, "end"]),
                                       pd.Timestamp(row.applied_at), decided,
                                       tuple(last_iv.loc[app, "interviewers"])))
        elif k == 0:
            out.append(OpenApplication(app, str(row.candidate_id), job, "screening",
                                       "screening", 0, pd.Timestamp(row.applied_at),
                                       pd.Timestamp(row.applied_at)))
        else:
            out.append(OpenApplication(app, str(row.candidate_id), job, stage,
                                       "interview", k, pd.Timestamp(entered),
                                       pd.Timestamp(row.applied_at)))
    waiting_offers: list[OfferOut] = []
    offer_stage = stages.loc[stages["stage"] == "offer"].sort_values("entered_at",
                                                                       kind="stable")
    offered_at = offer_stage.groupby("application_id")["entered_at"].last()
    for row in pending_offers.itertuples(index=False):
        app = str(row.application_id)
        when = pd.Timestamp(offered_at.get(app, row.applied_at))
        waiting_offers.append(OfferOut(app, str(row.candidate_id), str(row.job_id), when,
                               max(0.0, (t - when) / day)))
    hires = apps.loc[apps["status"] == "hired"].groupby("job_id").size()
    offers = pending_offers.groupby("job_id").size()
    jobs: list[OpenJob] = []
    open_jobs = jt.loc[jt["closed_at"].isna()] if len(jt) else jt
    listed = set()
    for row in open_jobs.itertuples(index=False):
        job = str(row.job_id)
        listed.add(job)
        jobs.append(OpenJob(job, _id(row.recruiter), _id(row.hiring_manager),
                            int(hires.get(job, 0)), int(offers.get(job, 0))))
    for job in dict.fromkeys([a.job_id for a in out]):
        if job not in listed:
            if len(jt):
                notes.append(f"job {job} has open applications but is closed or missing in "
                             "jobs.csv: taken to be open")
            jobs.append(OpenJob(job, None, None, int(hires.get(job, 0)),
                                int(offers.get(job, 0))))
    state = CompanyState(t, out, jobs, jobs_known=bool(len(jt)) or bool(out), notes=notes,
                         owed=owed, offers=waiting_offers, owed_cutoff_days=cutoff)
    if scenario is not None:
        check_people(state, history, scenario)
    return state


def _id(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def check_people(state: CompanyState, history: History, scenario: Scenario) -> None:
    """Every person id of the open jobs and applications that a named role must know."""
    problems: list[str] = []
    req = scenario.requisitions
    jobs_rows = (dict(zip(history.jobs["job_id"].astype(str), history.jobs["row"], strict=True))
                 if len(history.jobs) else {})
    iv = history.interviews
    for job in state.jobs:
        for column, role, pid in (("recruiter", req.recruiter_role, job.recruiter),
                                  ("hiring_manager", req.hiring_manager_role,
                                   job.hiring_manager)):
            spec = scenario.roles[role]
            if pid is not None and spec.people and pid not in spec.people:
                problems.append(f"jobs.csv, row {jobs_rows.get(job.job_id, '?')}, column "
                                f"{column}: {pid!r} is not one of the people of role {role!r} "
                                f"({_few(spec.people)})")
    for app in state.applications:
        if app.waiting_for != "feedback":
            continue
        rnd = scenario.rounds[min(app.round, len(scenario.rounds)) - 1]
        role = rnd.panel_role
        spec = scenario.roles[role]
        if not spec.people:
            continue
        allowed = set(spec.people)
        if rnd.hiring_manager_attends:  # the export lists the manager among the panel
            allowed |= set(scenario.roles[req.hiring_manager_role].people or ())
        rows = iv.loc[(iv["application_id"] == app.application_id)
                      & (iv["round"] == app.round), "row"]
        for pid in app.interviewers:
            if pid not in allowed:
                problems.append(f"interviews.csv, row {int(rows.iloc[-1]) if len(rows) else '?'}"
                                f", column interviewers: {pid!r} is not one of the people of "
                                f"role {role!r} ({_few(spec.people)})")
    too_deep = [a for a in state.applications if a.round > len(scenario.rounds)]
    for app in too_deep:
        problems.append(f"application {app.application_id}: stage {app.stage} is beyond the "
                        f"scenario's {len(scenario.rounds)} round(s)")
    if problems:
        more = f"\n  ... and {len(problems) - 10} more" if len(problems) > 10 else ""
        raise ForecastError(f"{history.source or 'the export'}: people or stages the scenario "
                            "does not know:\n  " + "\n  ".join(problems[:10]) + more)


def _few(ids: Sequence[str]) -> str:
    shown = ", ".join(repr(i) for i in ids[:5])
    return shown + (f", ... ({len(ids)} in all)" if len(ids) > 5 else "")


# -- the simulation from the state ---------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """The state in simulation hours (what a worker receives: plain data, no pandas)."""

    as_of: float
    #: ``(job id, recruiter id, hiring manager id, hires, offers out)``.
    jobs: tuple[tuple[str, str | None, str | None, int, int], ...]
    #: ``(application id, job index, round, waiting_for, since, applied, decided, panel ids)``.
    apps: tuple[tuple[str, int, int, str, float, float, bool, tuple[str, ...]], ...]
    jobs_known: bool
    #: Per application, the copies started beside it in each replication (splitting: they
    #: take their turn in every queue but nobody's time; empty: none).
    copies: tuple[int, ...] = ()
    #: The recorded past of the window, replayed (:mod:`hiresim.inference.replay`).
    past: Past = field(default_factory=Past)


def _plan(state: CompanyState, epoch: date) -> Plan:
    import pandas as pd

    origin = pd.Timestamp(epoch)

    def hours(t: pd.Timestamp) -> float:
        return float((t - origin) / pd.Timedelta(hours=1))

    index = {j.job_id: i for i, j in enumerate(state.jobs)}
    apps = tuple((a.application_id, index[a.job_id], max(a.round, 1), a.waiting_for,
                  max(hours(a.since), 0.0), hours(a.applied_at), a.decided, a.interviewers)
                 for a in state.applications)
    jobs = tuple((j.job_id, j.recruiter, j.hiring_manager, j.hires, j.offers_out)
                 for j in state.jobs)
    return Plan(hours(state.as_of), jobs, apps, state.jobs_known)


class _Opener:
    """Opens the jobs of a :class:`Plan` and starts its applications (``Replication``'s
    ``opener``); notes, per application, what a replication must agree with."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.started: list[tuple[Candidate, Leg | None]] = []
        #: The application (index into ``plan.apps``) of each started candidate.
        self.owner: list[int] = []
        #: Per application: the charges up to ``as_of`` of the wait in progress then.
        self.snap_before: dict[int, list[float]] = {}
        self.snap_journey: dict[int, list[float]] = {}

    def __call__(self, pipeline: Pipeline) -> None:
        plan, s, w = self.plan, pipeline.s, pipeline.world
        start_past(pipeline, plan.past)
        rng = pipeline.arrival_rng
        opened = pipeline.requisition_times(plan.as_of)
        reqs: list[Requisition] = []
        if plan.jobs_known:
            for job in plan.jobs:
                reqs.append(pipeline.start_requisition(
                    0.0, rng, arrivals_from=plan.as_of, setup=_owners(w, job)))
        else:
            for _ in range(s.requisitions.initial):
                pipeline.start_requisition(0.0, rng, arrivals_from=plan.as_of)
        for t in opened:
            pipeline.start_requisition(t, rng)
        own = w.streams.generator(STREAM)
        pick = w.streams.python_random(STREAM)
        for i, job in enumerate(plan.jobs):
            if job[4] and reqs:
                w.env.process(self._offers(pipeline, reqs[i], job[4], own))
        for k, app in enumerate(plan.apps):
            self._start(pipeline, reqs, k, app, own, pick)
        if any(plan.copies):  # after every original: their draws stay as without copies
            own = w.streams.generator(COPIES_STREAM)
            pick = w.streams.python_random(COPIES_STREAM)
            for k, n in enumerate(plan.copies):
                for j in range(1, n + 1):
                    self._start(pipeline, reqs, k, plan.apps[k], own, pick, j)
        w.env.timeout(plan.as_of).callbacks.append(lambda _e: self._snapshot())

    def _offers(self, pipeline: Pipeline, req: Requisition, n: int,
                rng: np.random.Generator) -> Any:
        """Offers out on the date: each accepted with the scenario's probability, then."""
        env = pipeline.world.env
        accepted = int((rng.random(n) < pipeline.s.offers.accept_probability).sum())
        if self.plan.as_of > env.now:
            yield env.timeout(self.plan.as_of - env.now)
        if accepted and not req.closed:
            req.filled += accepted
            if req.filled >= req.positions:
                pipeline.close_requisition(req)

    def _start(self, pipeline: Pipeline, reqs: list[Requisition], k: int,
               app: tuple[str, int, int, str, float, float, bool, tuple[str, ...]],
               rng: np.random.Generator, pick: Any, copy: int = 0) -> None:
        s, w = pipeline.s, pipeline.world
        app_id, job, rnd, waiting_for, since, applied, decided, panel_ids = app
        req = reqs[job]
        draws = rng.random(len(s.rounds) + 2).tolist()
        if decided:
            draws[rnd] = 1.0  # a recorded rejection: the decision is known
        panels: list[list[int]] = []
        for r, spec in enumerate(s.rounds, start=1):
            if s.roles[spec.panel_role].assignment == "pool":
                panels.append([])
                continue
            members = w.people[spec.panel_role]
            ids = [p.id for p in members]
            known = [ids.index(pid) for pid in panel_ids if pid in ids] if r == rnd else []
            if r == rnd and waiting_for == "feedback" and known:
                panels.append(known)
            else:
                panels.append(pick.sample(range(len(members)), spec.panel))
        patience, answers = (pipeline.behaviour.draws(1, rng)[0]
                             if pipeline.behaviour is not None else ([], []))
        c = Candidate(f"copy{copy}:{app_id}" if copy else f"open:{app_id}", req, applied,
                      draws, panels, patience, answers)
        if copy:
            w.ghosts.add(c.id)
        before = None if waiting_for == "feedback" else Leg(since)
        self.started.append((c, before))
        self.owner.append(k)
        w.env.process(self._run(pipeline, c, rnd, waiting_for, since, before))

    def _run(self, pipeline: Pipeline, c: Candidate, rnd: int, waiting_for: str, since: float,
             before: Leg | None) -> Any:
        env = pipeline.world.env
        if since > env.now:
            yield env.timeout(since - env.now)
        pipeline.world.in_process[c.id] = c
        if waiting_for == "interview" and rnd > 1:
            c.rounds = c.booked = rnd - 1  # heard of the advance: patience runs again
            if pipeline.behaviour is not None:
                pipeline.behaviour.watch_next_round(c, rnd - 1)
        yield from pipeline.candidate(c, rnd, waiting_for, before)

    def watch(self, pipeline: Pipeline) -> Any:
        """A process that ends once every open application has its answer (heard, will
        never hear, withdrew, or disagrees with the state), checked daily from ``as_of``; or
        at the end of the span."""
        w = pipeline.world
        env, end = w.env, w.end
        if self.plan.as_of > env.now:
            yield env.timeout(self.plan.as_of - env.now)
        targets = [self.plan.apps[k][2] for k in self.owner]
        while env.now + 24.0 < end:
            if all(_answered(w, c, r) for (c, _), r in zip(self.started, targets, strict=True)):
                return
            yield env.timeout(24.0)
        yield env.timeout(end - env.now)

    def _snapshot(self) -> None:
        t = self.plan.as_of
        for k, (c, before) in enumerate(self.started):
            if c.journey is not None:
                self.snap_journey[k] = c.journey[2].snapshot(t)
            elif before is not None:
                self.snap_before[k] = before.snapshot(t)


def _answered(w: World, c: Candidate, target: int) -> bool:
    """Whether a started application's answer is known: the candidate is done, withdrew, or
    the wait after the target round's interview has ended."""
    return (c.id not in w.in_process or c.withdrawn
            or (c.rounds >= target and c.journey is None))


def _owners(w: World, job: tuple[str, str | None, str | None, int, int]) -> Any:
    job_id, recruiter, hm, hires, _ = job

    def setup(req: Requisition) -> None:
        req.id = job_id
        ids = {p.id: p for members in w.people.values() for p in members}
        if recruiter in ids:
            req.recruiter = ids[recruiter]
        if hm in ids:
            req.hiring_manager = ids[hm]
        req.filled = hires
        req.positions = max(req.positions, hires + 1)

    return setup


def simulate_from(scenario: Scenario, plan: Plan, seed: int, replications: Sequence[int],
                  calendars: Any = None, tables: bool = False
                  ) -> tuple[dict[str, np.ndarray], Any]:
    """Run replications from a :class:`Plan`; one sample per started candidate (an open
    application or one of its copies) and replication: its application (``app``), the
    replication (``rep``), when the candidate hears (hours, ``inf``: never), whether they
    withdrew first or were still waiting at the end, whether the sample agrees with the state
    on the date, and what the remaining wait was charged to. With ``tables``, also the
    replications' columns (for Results)."""
    from hiresim.model import Replication
    from hiresim.trace import concat_columns

    parts: list[dict[str, np.ndarray]] = []
    cols = []
    for r in replications:
        opener = _Opener(plan)
        rep = Replication(scenario, seed, r, tables, calendars, opener)
        if tables:
            trace = rep.trace_run()
        else:  # nothing after every open application's answer matters: stop there
            env = rep.world.env
            env.run(until=env.process(opener.watch(rep.pipeline)))
            rep.pipeline.censor()
            trace = rep.world.trace
        parts.append(_collect(trace, opener, plan, r))
        if tables:
            cols.append(trace.columns())
    out = ({k: np.concatenate([p[k] for p in parts]) for k in parts[0]} if parts
           else _samples(0))
    return out, (concat_columns(cols) if tables else None)


def _samples(n: int) -> dict[str, np.ndarray]:
    return {"app": np.zeros(n, np.int64), "rep": np.zeros(n, np.int64),
            "heard": np.full(n, np.inf), "withdrew": np.zeros(n, bool),
            "beyond": np.zeros(n, bool), "agrees": np.zeros(n, bool),
            "charged": np.zeros((n, N_CAUSES))}


def _collect(trace: Any, opener: _Opener, plan: Plan, replication: int
             ) -> dict[str, np.ndarray]:
    t0 = plan.as_of
    out = _samples(len(opener.started))
    out["app"][:] = opener.owner
    out["rep"][:] = replication
    heard, withdrew, beyond, agrees, charged = (out["heard"], out["withdrew"], out["beyond"],
                                                out["agrees"], out["charged"])
    index = {c.id: k for k, (c, _) in enumerate(opener.started)}
    target = [plan.apps[k][2] for k in opener.owner]
    found = np.zeros(len(opener.started), bool)
    acc = np.frombuffer(trace.j_acc, dtype=float).reshape(-1, N_CAUSES) if len(
        trace.j_acc) else np.zeros((0, N_CAUSES))
    for j, cid in enumerate(trace.j_candidate):
        k = index.get(cid)
        if k is None or found[k] or trace.j_round[j] != target[k]:
            continue
        found[k] = True
        _, _, _, waiting_for, _, _, decided, _ = plan.apps[opener.owner[k]]
        start, end, fb, code = (trace.j_start[j], trace.j_end[j], trace.j_feedback[j],
                                trace.j_outcome[j])
        if waiting_for == "feedback":
            ok = end > t0 or (decided and code == _OUTCOME_GHOSTED)
            if decided and math.isfinite(fb) and fb <= t0:
                ok = False
        else:
            ok = start > t0 and end > t0
        agrees[k] = ok
        heard[k] = fb if math.isfinite(fb) else math.inf
        withdrew[k] = code == _OUTCOME_WITHDRAWN
        beyond[k] = code == _OUTCOME_OPEN
        rest = acc[j].copy()
        if k in opener.snap_journey:
            rest -= opener.snap_journey[k]
        before = opener.started[k][1]
        if before is not None:
            rest += np.asarray(before.acc) - opener.snap_before.get(k, 0.0)
        charged[k] = rest
    for j, cid in enumerate(trace.c_candidate):  # ended before the target interview
        k = index.get(cid)
        if k is None or found[k]:
            continue
        found[k] = True
        end, code = trace.c_end[j], trace.c_outcome[j]
        agrees[k] = end > t0
        withdrew[k] = code == _FINAL_WITHDRAWN
        beyond[k] = code == _FINAL_OPEN
        heard[k] = math.inf if code in (_FINAL_WITHDRAWN, _FINAL_GHOSTED, _FINAL_OPEN) else end
        before = opener.started[k][1]
        if before is not None:
            charged[k] = np.asarray(before.snapshot(end)) - opener.snap_before.get(k, 0.0)
    return out


def forecast_chunk(payload: dict[str, Any], plan: Plan, seed: int, replications: Sequence[int],
                   calendars: Any = None, tables: bool = False
                   ) -> tuple[dict[str, np.ndarray], Any]:
    """:func:`simulate_from` on a scenario given as a plain dict (what workers receive)."""
    from hiresim.runner import scenario_of

    return simulate_from(scenario_of(payload), plan, seed, replications, calendars, tables)


# -- the public function -------------------------------------------------------------------------


@dataclass
class Forecast:
    """When each application open on :attr:`as_of` will hear back (see :func:`forecast`).

    Attributes:
        answers: one row per open application (see :func:`forecast`).
        causes: the mean remaining wait by cause, one row per application and cause
            (``application_id``, ``cause``, ``days``).
        state: what the export said on the date (:class:`CompanyState`).
        draws: per application, the agreeing replications' times of hearing (days after
            ``as_of``; ``inf``: never, or not within the horizon — see ``after_horizon``).
            The empirical method's points carry a probability each (key ``weight``); without
            it the points are equally likely.
        results: the forward simulation's tables (only with ``keep_results=True``).
        method: ``simulation`` or ``empirical`` (see :func:`forecast`).
    """

    as_of: pd.Timestamp
    answers: pd.DataFrame
    causes: pd.DataFrame
    state: CompanyState
    draws: dict[str, dict[str, np.ndarray]]
    horizon_days: int
    replications: int
    results: Results | None = None
    method: str = "simulation"

    def sentence(self, application_id: str, confidence: float = 0.8, locale: str = "en"
                 ) -> str:
        """A message for the candidate: the date by which they hear back with probability
        ``confidence``, in the language and date format of ``locale`` (``en``, ``en_GB``,
        ``de``, ``de_CH``, ...). When the forecast cannot promise a date at that confidence
        (they may never hear, or not within the horizon), a message that promises none."""
        from hiresim.text import feedback_sentence

        return feedback_sentence(self.promised_day(application_id, confidence), locale)

    def promised_day(self, application_id: str, confidence: float = 0.8) -> pd.Timestamp | None:
        """The day by whose end the candidate has heard with probability ``confidence``
        (``None``: that probability is not reached — they may never hear, or not within the
        horizon)."""
        from hiresim import arguments as check

        confidence = check.number("confidence", confidence, 0.0, 1.0, above=True, below=True)
        self._row(application_id)
        d = self.draws[application_id]
        return _quantile_day(d["heard"], confidence, self.as_of, d.get("weight"))

    def p_heard_by(self, application_id: str, when: Any) -> float:
        """Probability that the candidate has heard by the end of the day ``when``."""
        import pandas as pd

        self._row(application_id)
        limit = _days_until_end_of(pd.Timestamp(when), self.as_of)
        d = self.draws[application_id]
        if "weight" in d:
            from hiresim.inference.scores import share_at_most

            return float(share_at_most(d["heard"], d["weight"], limit)[0])
        heard = d["heard"]
        return float(np.mean(heard <= limit)) if len(heard) else math.nan

    def p_heard_within(self, application_id: str, days: Any) -> np.ndarray:
        """Probability that the candidate has heard within each of ``days`` days after
        :attr:`as_of` (an array; NaN without a forecast)."""
        from hiresim.inference.scores import share_at_most

        self._row(application_id)
        d = self.draws[application_id]
        return share_at_most(d["heard"], d.get("weight"), np.asarray(days, float))

    def plot(self, ax: Axes | None = None) -> Axes:
        """The probability of having heard by each day, one curve per open application."""
        from hiresim.present.plotting import plot_forecast

        return plot_forecast(self, ax=ax)

    def _row(self, application_id: str) -> pd.Series:
        rows = self.answers.loc[self.answers["application_id"] == application_id]
        if not len(rows):
            known = list(self.answers["application_id"][:5])
            raise KeyError(f"no open application {application_id!r} on {self.as_of.date()}; "
                           f"open ones: {known}{' ...' if len(self.answers) > 5 else ''}")
        return rows.iloc[0]

    def __repr__(self) -> str:
        source = (f"{self.replications} replications" if self.method == "simulation"
                  else "from the records' past waits")
        return (f"Forecast(as of {self.as_of}: {len(self.answers)} open applications, "
                f"{source}, horizon {self.horizon_days} days)")


def forecast(scenario: Scenario | str | dict[str, Any] | None, history: History,
             as_of: Any = None, replications: int = 500, seed: int = 0, calendars: Any = None,
             workers: int | Executor | None = None, horizon_days: int = 120,
             lookback_days: int = 365, by: Any = None, min_samples: int | None = None,
             keep_results: bool = False, method: str = "simulation",
             owed_cutoff_days: float | None = None) -> Forecast:
    """Forecast when each application open on ``as_of`` hears back (a warm start).

    Args:
        scenario: the company's scenario (ideally calibrated to ``history``:
            :func:`hiresim.calibrate`); a Scenario, a TOML path, a preset name or a dict.
            The empirical method does not use it (it may be ``None`` then).
        history: the company's ATS export (:func:`hiresim.read_ats`).
        as_of: the date of the state to start from (default: the export's time). An
            earlier date forecasts from what was known then (:meth:`History.cut`).
        replications: replications to run (more with ``min_samples``).
        seed: the same seed gives the same forecast, whatever ``workers``.
        calendars: the team's calendars (:func:`hiresim.read_calendars`): known absences
            and busy time of named people, before and after ``as_of``.
        workers: ``None``, an int (local processes) or an Executor, as for
            :func:`hiresim.simulate`.
        horizon_days: days simulated after ``as_of``; a candidate who has not heard by then
            counts as not heard (``p_after_horizon``).
        lookback_days: the simulation starts :data:`REPLAY_DAYS` before the earliest open
            wait's beginning (the recorded past replayed from there), but no earlier than this
            many days before ``as_of`` (older waits start then: their time before is not
            replayed, and ``replayed_from`` says so).
        by: a date for the column ``p_by_date`` (the end of that day).
        min_samples: agreeing samples wanted per application (default ``None``:
            :data:`MIN_SAMPLES`, or ``replications`` when fewer): while one has fewer, further
            batches of a tenth of ``replications`` start copies of it (splitting, see the
            module), up to :data:`MAX_BATCHES` batches; ``samples`` in the answers says how
            many agreed.
            For the empirical method: the past waits at risk wanted before the waits of every
            round of the kind are pooled (default
            :data:`hiresim.inference.empirical.MIN_AT_RISK`).
        keep_results: keep the forward simulation's tables in :attr:`Forecast.results`.
        owed_cutoff_days: how many days before ``as_of`` a rejection may have been recorded
            without being told and still count as a decision on its way (forecast); an older
            one is owed (:attr:`CompanyState.owed`, listed in the report, never forecast).
            Default: from the records (:func:`owed_cutoff`). Candidates on a job closed by
            then are owed whatever their age; offers awaiting an answer are in
            :attr:`CompanyState.offers`.
        method: ``"simulation"`` (default: simulate on from the state, as above) or
            ``"empirical"``: the records' own forecast, from the same round's past waits in
            ``history`` up to ``as_of``, conditioned on the days already waited, without
            simulating (:mod:`hiresim.inference.empirical`; ``replications``, ``seed``,
            ``calendars``, ``workers`` and ``lookback_days`` do not apply). The baseline that a
            simulated forecast must beat in :func:`hiresim.backtest`.

    Returns:
        A :class:`Forecast` whose ``answers`` has one row per open application:
        ``application_id``, ``candidate_id``, ``job_id``, ``stage`` (as mapped from the
        export), ``waiting_for`` (``screening``, ``interview`` or ``feedback``), ``since``,
        ``days_waited``, ``p_by_week_end`` (by the end of the Friday of ``as_of``'s week —
        the next Friday on a weekend), ``week_end``, ``p_by_date`` (with ``by``),
        ``date_50``, ``date_80``, ``date_90`` (the day by which the candidate has heard with
        that probability; NaT when the probability is not reached: they may never hear, see
        ``p_never``, or not within the horizon), ``p_never`` (withdraws or is never told),
        ``p_withdraw_first``, ``p_after_horizon``, ``main_cause`` (the most likely cause of the
        remaining wait: the one that most often takes its largest part), ``samples``
        (simulated copies that agreed with the state), ``acceptance`` (the share of the
        application's copies that agreed), ``effective_samples`` (a lower bound of the
        independent ones: agreeing copies of one replication share its state, counted by
        Kish's formula over replications, ``(sum n_r)^2 / sum n_r^2``) and
        ``replayed_from``. The empirical
        method's answers have the same columns, read from the records (see
        :func:`hiresim.inference.empirical.forecast_from_records`), and ``basis``.
    """
    import pandas as pd

    from hiresim import arguments as check
    from hiresim.mechanisms import cause_slots
    from hiresim.runner import plan_chunks, worker_payload
    from hiresim.scenario import Scenario as ScenarioType
    from hiresim.scenario import as_scenario

    replications = check.whole("replications", replications, 1)
    seed = check.seed("seed", seed)
    workers = check.workers("workers", workers)
    horizon_days = check.whole("horizon_days", horizon_days, 1, 3660)
    lookback_days = check.whole("lookback_days", lookback_days, 0, 3660)
    min_samples = check.whole("min_samples", min_samples, 1, none=True)
    keep_results = check.flag("keep_results", keep_results)
    method = check.choice("method", method, METHODS)
    if owed_cutoff_days is not None:
        owed_cutoff_days = check.number("owed_cutoff_days", owed_cutoff_days, 0.0, 3660.0)
    from hiresim.records.history import History as HistoryType

    if not isinstance(history, HistoryType):
        raise TypeError(f"history must be a History (hiresim.read_ats(folder)), got "
                        f"{type(history).__name__}")
    if method == "empirical" and keep_results:
        raise ValueError("keep_results=True needs method='simulation': the empirical method "
                         "simulates nothing")
    if scenario is None and method == "simulation":
        raise TypeError("scenario must be a Scenario, a preset name, a TOML path or a dict: "
                        "only method='empirical' forecasts without one")
    base = None if scenario is None else as_scenario(scenario)
    t = history.exported_at if as_of is None else check.timestamp("as_of", as_of)
    if t > history.exported_at:
        raise ForecastError(f"as_of {t} is after the export ({history.exported_at}): the "
                            "state then is not known")
    week_end = _week_end(t)
    by_t = None if by is None else check.timestamp("by", by)
    if method == "empirical" or base is None:
        from hiresim.inference.empirical import forecast_from_records

        to_by = None if by_t is None else _days_until_end_of(by_t, t)
        return forecast_from_records(history, t, week_end, to_by, horizon_days, min_samples,
                                     owed_cutoff_days)
    state = state_at(history, t, base, owed_cutoff_days)
    earliest = min([a.since for a in state.applications], default=t)
    if state.applications:  # the recorded past fills the queues before the first open wait
        earliest -= pd.Timedelta(days=REPLAY_DAYS)
    start = max(earliest, t - pd.Timedelta(days=lookback_days)).normalize()
    days = math.ceil((t - start) / pd.Timedelta(days=1)) + horizon_days
    sc = ScenarioType.model_validate({**base.model_dump(mode="json"), "start": start.date(),
                                      "horizon_days": days, "drain_days": 0,
                                      "warmup_days": 0})
    from hiresim.inference.replay import merge_busy, recorded_past

    past = recorded_past(history, base, t, start,
                         {(a.application_id, a.round) for a in state.applications
                          if a.waiting_for == "feedback"},
                         {a.application_id for a in state.applications
                          if a.waiting_for == "screening"})
    plan = dataclasses.replace(_plan(state, sc.start), past=past)
    hours = None
    if calendars is not None:
        hours = calendars.hours(sc.start) if hasattr(calendars, "hours") else calendars
    if past.busy:
        hours = merge_busy(hours, past)
    payload = worker_payload(sc)
    want = min(MIN_SAMPLES, replications) if min_samples is None else min_samples
    n_apps = len(plan.apps)
    parts: list[dict[str, np.ndarray]] = []
    cols: list[Any] = []
    done, size, batch_plan = 0, replications, plan
    for _batch in range(MAX_BATCHES):
        chunks = [range(done + c.start, done + c.stop)
                  for c in plan_chunks(size, workers, None)]
        for out, c in _run_chunks(payload, batch_plan, int(seed), chunks, workers, hours,
                                  keep_results):
            parts.append(out)
            if c is not None:
                cols.append(c)
        done += size
        apps_of = np.concatenate([p["app"] for p in parts])
        agrees = np.concatenate([p["agrees"] for p in parts])
        agreeing = np.bincount(apps_of[agrees], minlength=n_apps)
        if n_apps == 0 or keep_results or int(np.min(agreeing)) >= want:
            break
        size = max(1, math.ceil(replications / 10))
        batch_plan = dataclasses.replace(plan, copies=copies_wanted(
            agreeing, np.bincount(apps_of, minlength=n_apps), want, size))
    draws_all = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    labels = list(CAUSES) + list(cause_slots(sc))
    answers, causes, draws = _answers(state, plan, draws_all, t, week_end, by_t, labels,
                                      pd.Timestamp(sc.start))
    results = None
    if keep_results:
        from hiresim.results import Results
        from hiresim.runner import build_tables, concat_frames
        from hiresim.trace import concat_columns

        tables = build_tables(concat_columns(cols), sc)
        results = Results(**{k: concat_frames([v]) for k, v in tables.items()},
                          manifest={"seed": int(seed), "replications": done,
                                    "event_log": True, "scenario": sc.model_dump(mode="json")})
    return Forecast(t, answers, causes, state, draws, horizon_days, done, results)


def copies_wanted(agreeing: np.ndarray, started: np.ndarray, want: int, replications: int
                  ) -> tuple[int, ...]:
    """Copies per application for the next batch of ``replications`` (splitting).

    An application with ``agreeing`` of its ``started`` samples agreeing so far agrees at a
    rate of about ``p = (agreeing + 1/2) / (started + 1)``; to find the ``want - agreeing``
    samples it still lacks in the next batch, each replication starts it ``(want -
    agreeing) / (replications * p)`` times: the original and that many copies less one (at
    most :data:`MAX_COPIES`). A copy costs one candidate's path, not a replication: the cost
    grows with ``1 / p`` only in copies, and the replications (the expensive part) stay as
    many as without conditioning.
    """
    out = []
    for a, n in zip(agreeing.tolist(), started.tolist(), strict=True):
        if a >= want:
            out.append(0)
            continue
        p = (a + 0.5) / (n + 1.0)
        per_rep = (want - a) / (replications * p)
        out.append(int(min(MAX_COPIES, max(0, math.ceil(per_rep) - 1))))
    return tuple(out)


def _run_chunks(payload: dict[str, Any], plan: Plan, seed: int, chunks: list[range],
                workers: int | Executor | None, calendars: Any, tables: bool
                ) -> Iterable[tuple[dict[str, np.ndarray], Any]]:
    """Chunks of replications in order, here or on workers (the runner's reusable pool)."""
    from hiresim.runner import in_process, local_pool, stop_local_pool

    if in_process(workers):
        for chunk in chunks:
            yield forecast_chunk(payload, plan, seed, chunk, calendars, tables)
        return
    executor = workers if isinstance(workers, Executor) else local_pool(int(workers or 1))
    futures = [executor.submit(forecast_chunk, payload, plan, seed, chunk, calendars, tables)
               for chunk in chunks]
    try:
        for future in futures:
            yield future.result()
    except KeyboardInterrupt:  # Ctrl-C: the workers stop now (before their chunks are cancelled)
        if executor is not workers:
            stop_local_pool()
        raise
    finally:
        for future in futures:
            future.cancel()


def _week_end(t: pd.Timestamp) -> pd.Timestamp:
    """The end of the Friday of ``t``'s week (the next Friday on a weekend)."""
    import pandas as pd

    day = t.normalize()
    ahead = (4 - day.weekday()) % 7
    return day + pd.Timedelta(days=ahead + 1)


def _days_until_end_of(day: pd.Timestamp, as_of: pd.Timestamp) -> float:
    import pandas as pd

    end = day.normalize() + pd.Timedelta(days=1)
    return float((end - as_of) / pd.Timedelta(days=1))


def _quantile_day(heard: np.ndarray, q: float, as_of: pd.Timestamp,
                  weight: np.ndarray | None = None) -> pd.Timestamp | None:
    """The day by whose end a share ``q`` has heard (``None``: never reached); ``weight``:
    the points' probabilities (the empirical method's), equally likely without."""
    import pandas as pd

    if not len(heard):
        return None
    if weight is None:
        v = float(np.quantile(heard, q, method="inverted_cdf"))
    else:
        from hiresim.inference.scores import quantile

        v = quantile(heard, weight, q)
    if not math.isfinite(v):
        return None
    return (as_of + pd.Timedelta(days=v)).normalize()


def _answers(state: CompanyState, plan: Plan, d: dict[str, np.ndarray], as_of: pd.Timestamp,
             week_end: pd.Timestamp, by: pd.Timestamp | None, labels: list[str],
             epoch: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame,
                                           dict[str, dict[str, np.ndarray]]]:
    import pandas as pd

    a_h = plan.as_of
    rows, cause_rows = [], []
    draws: dict[str, dict[str, np.ndarray]] = {}
    to_week_end = float((week_end - as_of) / pd.Timedelta(days=1))
    to_by = None if by is None else _days_until_end_of(by, as_of)
    for k, app in enumerate(state.applications):
        mine = d["app"] == k
        ok = mine & d["agrees"]
        heard = (d["heard"][ok] - a_h) / 24.0
        withdrew = d["withdrew"][ok]
        beyond = d["beyond"][ok]
        charged = d["charged"][ok, :] / 24.0
        per_rep = np.unique(d["rep"][ok], return_counts=True)[1].astype(float)
        draws[app.application_id] = {"heard": heard, "withdrew": withdrew, "after_horizon": beyond}
        n = int(ok.sum())
        share = _share if n else _no_share

        mean_by_cause = charged.mean(axis=0) if n else np.zeros(charged.shape[1])
        main = _most_likely_cause(charged[:, :len(labels)], labels)
        for code, label in enumerate(labels):
            cause_rows.append((app.application_id, label, float(mean_by_cause[code])))
        rows.append({
            "application_id": app.application_id, "candidate_id": app.candidate_id,
            "job_id": app.job_id, "stage": app.stage, "waiting_for": app.waiting_for,
            "since": app.since, "days_waited": (as_of - app.since) / pd.Timedelta(days=1),
            "p_by_week_end": share(heard <= to_week_end), "week_end": week_end - pd.Timedelta(
                days=1),
            "p_by_date": share(heard <= to_by) if to_by is not None else math.nan,
            "date_50": _quantile_day(heard, 0.5, as_of),
            "date_80": _quantile_day(heard, 0.8, as_of),
            "date_90": _quantile_day(heard, 0.9, as_of),
            "p_never": share(~np.isfinite(heard) & ~beyond),
            "p_withdraw_first": share(withdrew),
            "p_after_horizon": share(beyond),
            "main_cause": main, "samples": n,
            "acceptance": n / int(mine.sum()) if mine.any() else math.nan,
            "effective_samples": (float(per_rep.sum() ** 2 / (per_rep ** 2).sum()) if n
                                  else 0.0),
            "replayed_from": max(app.since, epoch),
        })
    answers = pd.DataFrame(rows, columns=ANSWER_COLUMNS)
    for col in ("date_50", "date_80", "date_90", "since", "week_end", "replayed_from"):
        answers[col] = pd.to_datetime(answers[col])
    causes = pd.DataFrame(cause_rows, columns=["application_id", "cause", "days"])
    return answers, causes, draws


def _most_likely_cause(charged: np.ndarray, labels: list[str]) -> str:
    """The cause that most often takes the largest part of the remaining wait, over the
    replications (``""`` when none is left to wait)."""
    waited = charged.sum(axis=1) > 0
    if not waited.any():
        return ""
    top = np.argmax(charged[waited], axis=1)
    return labels[int(np.bincount(top, minlength=len(labels)).argmax())]


def _share(x: np.ndarray) -> float:
    return float(np.mean(x))


def _no_share(x: np.ndarray) -> float:
    return math.nan


#: Columns of :attr:`Forecast.answers`, in order.
ANSWER_COLUMNS = ("application_id", "candidate_id", "job_id", "stage", "waiting_for", "since",
                  "days_waited", "p_by_week_end", "week_end", "p_by_date", "date_50",
                  "date_80", "date_90", "p_never", "p_withdraw_first", "p_after_horizon",
                  "main_cause", "samples", "acceptance", "effective_samples", "replayed_from")
