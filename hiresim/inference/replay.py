"""The recorded past of a forecast's look-back window, replayed: what closed work took.

A forecast (:mod:`hiresim.inference.forecasts`) simulates the applications open on ``as_of``
from when their current wait began. The applications that closed before ``as_of`` — and the
finished rounds of the open ones — took the same people's time meanwhile, and delayed the
open ones. This module reads that past from the export and lays it into each replication:

- **interviews** held in the window are *busy time* of their recorded interviewers at their
  recorded times (the meeting slots a simulated meeting must avoid, as a named person's
  ``.ics`` busy blocks are): deterministic, no random draw;
- **the work the records imply** takes its people's time in their queues, as the
  simulation's own tasks do: each recorded screening (the job's recruiter, from the
  application's time), each finished wait after an interview (the recorded interviewers'
  scorecards from the interview's end, then the hiring manager's decision), and each
  message that told a candidate (the messenger of the communication policy, at the recorded
  time of telling). How long each took is not recorded: it is drawn from the scenario's
  durations, from a stream of its own (:data:`STREAM`), so the simulated candidates draw
  exactly as they would without the replay.

What the replay assumes (docs: explanation/forecasts): the recorded times are right; work
is done by the people the export names (a job without recruiter or hiring manager in
``jobs.csv``, or a person the scenario does not name, replays no work); the scenario's
durations and queues hold for the past as for the future; debriefs and approvals of closed
waits, not recorded, are not replayed; nothing before the window's start is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hiresim.tasks import make_work, parallel, person_task, task
from hiresim.trace import Activity, Leg

if TYPE_CHECKING:
    import pandas as pd

    from hiresim.pipeline import Pipeline
    from hiresim.records.history import History
    from hiresim.scenario import Scenario
    from hiresim.world import World

#: The random stream of the replayed work's durations.
STREAM = "replay"
#: Case ids of replayed work in the event log start with this.
CASE_PREFIX = "past:"


@dataclass(frozen=True)
class Past:
    """The recorded past of a window in simulation hours (plain data: it goes to workers).

    Attributes:
        busy: per person id, ``(starts, ends)`` of the recorded interviews they sat in.
        work: ``(kind, at, round, application id, job id, people, manager)`` per replayed
            piece of work, in time order: ``screening`` (``people`` = the recruiter),
            ``feedback`` (``people`` = the interviewers, ``manager`` the hiring manager who
            decides) and ``tell`` (``people`` = the messenger).
    """

    busy: dict[str, tuple[list[float], list[float]]] = field(default_factory=dict)
    work: tuple[tuple[str, float, int, str, str, tuple[str, ...], str | None], ...] = ()

    def hours_of(self, person: str) -> float:
        """The recorded busy hours of ``person`` in the window."""
        starts, ends = self.busy.get(person, ([], []))
        return float(sum(e - s for s, e in zip(starts, ends, strict=True)))


def recorded_past(history: History, scenario: Scenario, as_of: pd.Timestamp,
                  start: pd.Timestamp, simulated: set[tuple[str, int]],
                  screening: set[str]) -> Past:
    """The past of ``history`` between ``start`` and ``as_of``, in hours since ``start``'s
    midnight (the replication's epoch).

    ``simulated`` are the ``(application id, round)`` waits the forecast simulates (the open
    ones: their work is not replayed, their interview is); ``screening`` the applications it
    simulates from their application on.
    """
    import pandas as pd

    known = history.cut(as_of) if as_of < history.exported_at else history
    origin = start.normalize()

    def hours(t: Any) -> float:
        return float((pd.Timestamp(t) - origin) / pd.Timedelta(hours=1))

    named = {pid for name, spec in scenario.roles.items() for pid in spec.person_ids(name)}
    busy: dict[str, tuple[list[float], list[float]]] = {}
    iv = known.interviews
    iv = iv.loc[(iv["end"] > start) & (iv["start"] < as_of)].sort_values("start",
                                                                          kind="stable")
    panels: dict[tuple[str, int], tuple[str, ...]] = {}
    for row in iv.itertuples(index=False):
        ids = tuple(str(p) for p in row.interviewers)
        panels[(str(row.application_id), int(row.round))] = ids
        for pid in ids:
            if pid in named:
                entry = busy.setdefault(pid, ([], []))
                entry[0].append(max(hours(row.start), 0.0))
                entry[1].append(min(hours(row.end), hours(as_of)))
    jobs = known.jobs
    owners: dict[str, tuple[str | None, str | None]] = {}
    if len(jobs):
        for row in jobs.itertuples(index=False):
            owners[str(row.job_id)] = (_id(row.recruiter, named), _id(row.hiring_manager, named))
    apps = known.applications.drop_duplicates("application_id").set_index("application_id")
    job_of = apps["job_id"].astype(str).to_dict()
    hr_gated = scenario.communication.policy == "hr_gated"
    work: list[tuple[str, float, int, str, str, tuple[str, ...], str | None]] = []
    screened = known.stages.loc[known.stages["stage"] == "screening"]
    for row in screened.itertuples(index=False):
        app = str(row.application_id)
        t = apps["applied_at"].get(app, row.entered_at)
        if app in screening or not start <= t < as_of or pd.isna(row.exited_at):
            continue
        job = job_of.get(app, "")
        recruiter = owners.get(job, (None, None))[0]
        if recruiter is not None:
            work.append(("screening", hours(t), 0, app, job, (recruiter,), None))
    waits = known.waits
    waits = waits.loc[(waits["interview_end"] >= start) & (waits["interview_end"] < as_of)]
    for row in waits.itertuples(index=False):
        app, rnd = str(row.application_id), int(row.round)
        if (app, rnd) in simulated:
            continue
        job = job_of.get(app, "")
        recruiter, manager = owners.get(job, (None, None))
        fb = row.feedback_at
        decided = row.outcome in ("advance", "offer", "reject") and not pd.isna(fb) and fb < as_of
        panel = tuple(p for p in panels.get((app, rnd), ()) if p in named)
        if panel or manager is not None:
            work.append(("feedback", hours(row.interview_end), rnd, app, job, panel,
                         manager if decided else None))
        messenger = recruiter if hr_gated else manager
        if decided and messenger is not None:
            work.append(("tell", hours(fb), rnd, app, job, (messenger,), None))
    work.sort(key=lambda x: (x[1], x[0], x[3]))
    return Past(busy, tuple(work))


def _id(value: Any, named: set[str]) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text if text in named else None


def merge_busy(calendars: dict[str, Any] | None, past: Past) -> dict[str, Any]:
    """Named people's own calendars (:meth:`hiresim.TeamCalendars.hours`) with the recorded
    interviews added to their busy blocks."""
    out: dict[str, Any] = dict(calendars or {})
    for pid, (starts, ends) in past.busy.items():
        a_s, a_e, b_s, b_e = out.get(pid, ([], [], [], []))
        pairs = sorted([*zip(b_s, b_e, strict=True), *zip(starts, ends, strict=True)])
        out[pid] = (list(a_s), list(a_e), [p[0] for p in pairs], [p[1] for p in pairs])
    return out


def start_past(pipeline: Pipeline, past: Past) -> None:
    """Start the replayed work of ``past`` in a replication (the opener calls it first, so
    that its processes come before the simulated candidates' at equal times)."""
    if not past.work:
        return
    s, w = pipeline.s, pipeline.world
    ids = {p.id: p for members in w.people.values() for p in members}
    screening = make_work(w, s.screening.work, STREAM) if s.screening else None
    scorecards = [make_work(w, rnd.scorecard_work or s.scorecards.work, STREAM)
                  for rnd in s.rounds]
    decision_specs = [rnd.decision_work or (s.decision.work if s.decision else None)
                      for rnd in s.rounds]
    decisions = [make_work(w, d, STREAM) if d is not None else None for d in decision_specs]
    message = make_work(w, s.communication.message, STREAM)
    for kind, at, rnd, app, job, people, manager in past.work:
        case = CASE_PREFIX + app
        if kind == "screening" and screening is not None:
            w.env.process(_one(w, at, ids[people[0]], screening,
                               Activity(case, "screening", "screening", job, 0)))
        elif kind == "feedback":
            k = min(rnd, len(s.rounds)) - 1
            w.env.process(_feedback(w, at, [ids[p] for p in people], scorecards[k],
                                    ids.get(manager) if manager else None, decisions[k],
                                    case, job, rnd))
        elif kind == "tell" and not message.zero:
            w.env.process(_one(w, at, ids[people[0]], message,
                               Activity(case, "tell candidate", "communication", job, rnd)))


def _one(w: World, at: float, person: Any, work: Any, act: Activity) -> Any:
    if at > w.env.now:
        yield w.env.timeout(at - w.env.now)
    yield from task(w, person, work, Leg(w.env.now), act)


def _feedback(w: World, at: float, panel: list[Any], scorecards: Any, manager: Any,
              decision: Any, case: str, job: str, rnd: int) -> Any:
    if at > w.env.now:
        yield w.env.timeout(at - w.env.now)
    leg = Leg(w.env.now)
    if panel and not scorecards.zero:
        act = Activity(case, "scorecard", "scorecards", job, rnd)
        yield from parallel(w, leg, [person_task(w, p, scorecards, act) for p in panel])
    if manager is not None and decision is not None and not decision.zero:
        yield from task(w, manager, decision, leg,
                        Activity(case, "decision", "decision", job, rnd))
