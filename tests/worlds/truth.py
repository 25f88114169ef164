"""The ground truth of a run: who works there, how it decides, and every rate it used.

Calibration tests compare hiresim's estimates with these figures: staff counts and ids per
role, teams, panel sizes per round, each team's weekly sync (weekday, hour) and the shares
of decisions that wait for it, the offer committee, and the configuration's rates and
shares (``rates``, the :class:`~tests.worlds.config.WorldConfig` as a dict). ``observed``
counts what the run produced.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from tests.worlds.company import WorldRun
from tests.worlds.config import WEEKDAYS

ROLES = ("recruiter", "hiring_manager", "interviewer")


@dataclass(frozen=True)
class Truth:
    """What the world is, as data (see the module docstring)."""

    #: People per role (``recruiter``, ``hiring_manager``, ``interviewer``; the hiring
    #: managers sitting on round panels are not counted as interviewers).
    counts: dict[str, int]
    people: dict[str, tuple[str, ...]]
    #: Per department: its recruiters and hiring managers.
    departments: dict[str, dict[str, tuple[str, ...]]]
    #: Per hiring manager: the interviewers of their team.
    teams: dict[str, tuple[str, ...]]
    rounds: int
    #: Per round (1-based): ``interviewers`` drawn from the team, ``hiring_manager`` (attends),
    #: ``listed`` (people the export lists per interview), ``minutes``.
    panels: dict[int, dict[str, Any]]
    #: Per hiring manager: (weekday 0=Mon, hour) of the team's weekly hiring sync.
    syncs: dict[str, tuple[int, int]]
    sync_minutes: int
    #: Per round: the share of decisions that wait for the weekly sync.
    sync_share: dict[int, float]
    #: Per round: shares of ``advance``, ``offer``, ``reject``.
    decisions: dict[int, dict[str, float]]
    #: (weekday, hour, minutes) of the weekly offer committee.
    committee: tuple[int, int, int]
    #: The company's stage names and the pipeline stage of each (or ``ignore``).
    stages: dict[str, str]
    #: Each person's vacation days.
    vacations: dict[str, tuple[dt.date, ...]]
    #: Public holidays on working weekdays of the span.
    holidays: tuple[dt.date, ...]
    #: Every field of the configuration.
    rates: dict[str, Any]
    #: What the run produced: ``applications``, ``jobs``, ``interviews`` (per round),
    #: ``hires``, ``decisions`` and ``decisions_at_sync`` (per round).
    observed: dict[str, Any]

    def sync_weekday_names(self) -> dict[str, str]:
        """Per hiring manager, the sync's weekday as ``Mon`` ... ``Fri``."""
        return {hm: WEEKDAYS[d] for hm, (d, _) in self.syncs.items()}


def truth(run: WorldRun) -> Truth:
    """The ground truth of ``run``."""
    cfg, staff = run.cfg, run.staff
    people = {role: tuple(staff.ids(role)) for role in ROLES}
    managers = people["hiring_manager"]
    rounds = {k: r for k, r in enumerate(cfg.rounds, start=1)}
    interviews = {k: 0 for k in rounds}
    for _, r, *_ in run.interviews:
        interviews[r + 1] += 1
    decided = {k: 0 for k in rounds}
    at_sync = {k: 0 for k in rounds}
    for _, r, _, sync, _ in run.decisions:
        decided[r + 1] += 1
        at_sync[r + 1] += int(sync)
    dates = run.clock.dates
    return Truth(
        counts={role: len(ids) for role, ids in people.items()},
        people=people,
        departments={d: {"recruiter": tuple(staff.recruiters[d]),
                         "hiring_manager": tuple(staff.managers[d])} for d in cfg.departments},
        teams={hm: staff.people[hm].team for hm in managers},
        rounds=len(cfg.rounds),
        panels={k: {"interviewers": r.interviewers, "hiring_manager": r.manager_attends,
                    "listed": r.listed, "minutes": r.minutes} for k, r in rounds.items()},
        syncs={hm: cfg.sync_slot(staff.people[hm].team_index) for hm in managers},
        sync_minutes=cfg.sync_minutes,
        sync_share={k: r.sync_share for k, r in rounds.items()},
        decisions={k: {"advance": r.advance, "offer": r.offer, "reject": r.reject}
                   for k, r in rounds.items()},
        committee=(cfg.committee_weekday, cfg.committee_hour, cfg.committee_minutes),
        stages=cfg.stage_names(),
        vacations={pid: tuple(dates[d] for d in sorted(p.vacation))
                   for pid, p in staff.people.items()},
        holidays=tuple(run.clock.holidays),
        rates=dataclasses.asdict(cfg),
        observed={
            "applications": len(run.apps),
            "jobs": len(run.jobs),
            "interviews": interviews,
            "hires": sum(a.status == "hired" for a in run.apps),
            "decisions": decided,
            "decisions_at_sync": at_sync,
        },
    )
