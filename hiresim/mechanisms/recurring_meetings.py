"""``recurring_meetings``: a team decides at its weekly hiring sync — decisions that wait for a
recurring meeting on a fixed weekday and hour.

Each meeting is a weekly slot (``weekday``, ``time``, ``minutes``) held by the teams of the
hiring managers it names (a team is a hiring manager and the requisitions they own; every
hiring manager's team when it names none). After a round's interview, a share of that round's
decisions (``share``: one number for every round, or one per round) wait for the next session
of their team's meeting and are taken at its end:

- ``stage = "debrief"`` (the default): the meeting *is* the round's debrief and decision — a
  decision that waits for it has no ad-hoc debrief and no decision task of its own (the team
  discusses the candidate at its sync once the scorecards are in);
- ``stage = "decision"``: the debrief is held as usual (if the scenario has one) and the
  hiring manager's decision waits for the meeting instead of being a task.

The other decisions go the usual way. A session is held on the meeting's weekday if its start
is a working moment of the hiring manager: it falls out on a public holiday, while they are
away (vacation, sick, a top-priority project) or outside their working hours, and the decision
waits a week more.

Cause. The wait from the moment the decision could be taken to the session's start is charged
to ``batching`` — "a stage that releases only at periodic times" (design section 1), the same
cause as the approvals' committees: decisions pile up and are released together at the next
session, whatever else the people are doing. The session itself is ``work``. A session missed
because the manager is away is still ``batching`` (the team's rhythm, not the person's absence,
sets when the decision comes), as the committees do.

Draws: whether a candidate's decision of a round waits comes from this mechanism's own stream,
keyed by the candidate and the round (not by the order in which decisions fall due), so that a
what-if elsewhere leaves it unchanged (common random numbers); a share of 0 or 1 draws nothing.
The ablation (``without("recurring_meetings")``) takes every decision the usual way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator, model_validator

from hiresim.causes import BATCHING, N_CAUSES, WORK
from hiresim.fields import WEEKDAYS, ClockTime, Name, Real, Weekday, Whole
from hiresim.mechanisms import Mechanism, MechanismSpec, register
from hiresim.tasks import Process, wait_until
from hiresim.text import share
from hiresim.trace import Activity, Leg

if TYPE_CHECKING:
    from hiresim.people import Person
    from hiresim.pipeline import Pipeline
    from hiresim.scenario import Scenario
    from hiresim.world import Candidate

NAME = "recurring_meetings"

#: Where in a round the decision waits for the meeting (see the module docstring).
Stage = Literal["debrief", "decision"]

#: How far ahead a session is looked for (weeks); none in that time: the decision never comes.
SEARCH_WEEKS = 104


class MeetingSpec(MechanismSpec):
    """One weekly meeting at which some of the rounds' decisions are taken."""

    name: Name = Field("hiring sync", min_length=1,
                       description="what the meeting is called (event log and report)")
    hiring_managers: list[str] = Field(
        default_factory=list, max_length=10_000,
        description="ids of the hiring managers whose teams hold this meeting (their "
                    "requisitions' decisions wait for it); default: every hiring manager's "
                    "team, each at this slot")
    weekday: Weekday = Field(description="weekday of the meeting, e.g. \"Thu\"")
    time: ClockTime = Field("10:00", description="start of the meeting, local time \"HH:MM\" "
                                                 "(inside the hiring managers' working hours)")
    minutes: Whole = Field(60, ge=0, le=8 * 60,
                           description="length of the meeting, in minutes: the decision is "
                                       "taken at its end")
    share: Real | list[Real] = Field(
        1.0, description="share of decisions that wait for the meeting: one number for every "
                         "round, or one per round (0: that round's decisions never wait)")
    stage: Stage = Field(
        "debrief",
        description="debrief: the meeting is the round's debrief and decision (no ad-hoc "
                    "debrief, no decision task for the decisions that wait); decision: the "
                    "debrief is held as usual and the decision waits for the meeting")

    @field_validator("share")
    @classmethod
    def _shares(cls, value: float | list[float]) -> float | list[float]:
        values = value if isinstance(value, list) else [value]
        if isinstance(value, list) and not value:
            raise ValueError("give one share for every round, or one per round")
        for k, v in enumerate(values):
            if not (math.isfinite(v) and 0.0 <= v <= 1.0):
                where = f" (round {k + 1})" if isinstance(value, list) else ""
                raise ValueError(f"share{where} is {v!r}; a share is a number from 0 to 1")
        return value

    @field_validator("hiring_managers")
    @classmethod
    def _unique(cls, ids: list[str]) -> list[str]:
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"{', '.join(twice)} listed twice")
        return ids

    def shares(self, rounds: int) -> list[float]:
        """The share of each round's decisions that wait (one per round)."""
        return list(self.share) if isinstance(self.share, list) else [self.share] * rounds


class RecurringMeetingsSpec(MechanismSpec):
    """Weekly meetings (a team's hiring sync) at which decisions are taken."""

    meetings: list[MeetingSpec] = Field(
        min_length=1, max_length=10_000,
        description="the meetings; a hiring manager's team holds at most one")

    @model_validator(mode="after")
    def _one_per_team(self) -> RecurringMeetingsSpec:
        seen: dict[str, int] = {}
        everyone = [k for k, m in enumerate(self.meetings) if not m.hiring_managers]
        if everyone and len(self.meetings) > 1:
            raise ValueError(f"meeting {everyone[0]} names no hiring_managers (every team "
                             "holds it): with several meetings, name each one's hiring "
                             "managers")
        for k, m in enumerate(self.meetings):
            for hm in m.hiring_managers:
                if hm in seen:
                    raise ValueError(f"hiring manager {hm!r} is in meeting {seen[hm]} and "
                                     f"meeting {k}; a team holds one meeting")
                seen[hm] = k
        return self


@dataclass(frozen=True, slots=True)
class Session:
    """One replication's weekly slot of a meeting for one team (its hiring manager's
    working time decides whether a session is held)."""

    name: str
    weekday: int
    hour: float
    minutes: int
    shares: tuple[float, ...]
    stage: str
    manager: Person
    #: Weekday (0 = Monday) of the simulation's day 0.
    first_weekday: int

    def next_session(self, t: float) -> float:
        """Start (hours) of the first session at or after ``t`` that is held (the hiring
        manager at work then); ``inf`` if none within :data:`SEARCH_WEEKS`."""
        day = math.floor(t / 24.0)
        day += (self.weekday - (self.first_weekday + day)) % 7
        timeline = self.manager.timeline
        for _ in range(SEARCH_WEEKS + 1):
            at = day * 24.0 + self.hour
            if at >= t and timeline.is_open(at):
                return at
            day += 7
        return math.inf


@register
class RecurringMeetings(Mechanism):
    """Decisions that wait for the team's weekly meeting and are taken at its end."""

    name = NAME
    spec = RecurringMeetingsSpec
    switched_off = ("no decision waits for a recurring meeting (each is taken at the debrief "
                    "or by the hiring manager as soon as it can be)")
    block: RecurringMeetingsSpec

    # -- the scenario side -------------------------------------------------------------------

    @classmethod
    def check(cls, scenario: Scenario, spec: Any) -> list[tuple[str, str]]:
        """Every hiring manager named exists; shares per round match the rounds; a session
        starts inside the hiring managers' working hours."""
        s: RecurringMeetingsSpec = spec
        role_name = scenario.requisitions.hiring_manager_role
        role = scenario.roles.get(role_name)
        ids = role.person_ids(role_name) if role is not None else []
        problems = []
        cal = None if role is None else scenario.calendars.get(role.calendar)
        for k, m in enumerate(s.meetings):
            path = f"{NAME}.meetings.{k}"
            for j, hm in enumerate(m.hiring_managers):
                if role is not None and hm not in ids:
                    shown = ", ".join(ids[:8]) + (", ..." if len(ids) > 8 else "")
                    problems.append((f"{path}.hiring_managers.{j}",
                                     f"{hm!r} is not a hiring manager (role {role_name!r}: "
                                     f"{shown})"))
            if isinstance(m.share, list) and len(m.share) != len(scenario.rounds):
                problems.append((f"{path}.share",
                                 f"{len(m.share)} shares for {len(scenario.rounds)} rounds: "
                                 "give one number for every round, or one per round"))
            if cal is not None and not cal.always_open:
                hh, mm = m.time.split(":")
                at = f"{hh}:{mm}"
                inside = (cal.hours[0] <= at < cal.hours[1]
                          and not (cal.lunch is not None and cal.lunch[0] <= at < cal.lunch[1]))
                if m.weekday not in cal.weekdays or not inside:
                    problems.append((path, f"the meeting never sits: {m.weekday} at {m.time} is "
                                           f"outside the working time of {role_name!r} "
                                           f"(calendar {role.calendar!r}: "  # type: ignore[union-attr]
                                           f"{', '.join(cal.weekdays)}, "
                                           f"{cal.hours[0]}-{cal.hours[1]})"))
        return problems

    @classmethod
    def describe(cls, scenario: Scenario, spec: RecurringMeetingsSpec
                 ) -> list[tuple[str, list[str]]]:
        """The meetings in plain words, for the HR report's assumptions."""
        lines = []
        rounds = len(scenario.rounds)
        for m in spec.meetings:
            shares = m.shares(rounds)
            if len(set(shares)) == 1:
                waits = f"{share(shares[0])} of the decisions after each round wait"
            else:
                parts = [f"{share(v)} after round {r}" for r, v in enumerate(shares, start=1)]
                waits = (f"{share(shares[0])} of the decisions after round 1 and "
                         + ", ".join(parts[1:]) + " wait")
            n = len(m.hiring_managers)
            teams = ("Every hiring manager's team meets" if not n else
                     "One team meets" if n == 1 else f"{n} teams meet")
            how = ("and are taken there instead of at a debrief of their own"
                   if m.stage == "debrief" else "after the debrief, and are taken there")
            lines.append(f"{teams} every {_DAY_WORDS[m.weekday]} at {m.time} "
                         f"for {m.minutes} minutes ({m.name}): {waits} for it {how}.")
        return [("Recurring meetings", lines)]

    # -- one replication ---------------------------------------------------------------------

    def __init__(self, world: Any, spec: Any, code: int) -> None:
        super().__init__(world, spec, code)
        #: Per hiring manager id, their team's session.
        self.sessions: dict[str, Session] = {}

    def install(self, pipeline: Pipeline) -> None:
        super().install(pipeline)
        w, s = self.world, pipeline.s
        managers = w.people[s.requisitions.hiring_manager_role]
        by_id = {p.id: p for p in managers}
        first = w.epoch.weekday()
        for m in self.block.meetings:
            hh, mm = m.time.split(":")
            shares = tuple(m.shares(len(s.rounds)))
            for pid in m.hiring_managers or list(by_id):
                self.sessions[pid] = Session(m.name, WEEKDAYS.index(m.weekday),
                                             int(hh) + int(mm) / 60.0, m.minutes, shares,
                                             m.stage, by_id[pid], first)
        pipeline.decided_at.append(self.decided_at)

    def waits(self, candidate: Candidate, rnd: int, share: float) -> bool:
        """Whether the candidate's decision of round ``rnd`` waits for the meeting (one
        uniform keyed by the candidate and the round; none for a share of 0 or 1)."""
        if share <= 0.0:
            return False
        if share >= 1.0:
            return True
        rng = self.world.streams.generator(self.stream, f"{candidate.id} round {rnd}")
        return float(rng.random()) < share

    def decided_at(self, candidate: Candidate, rnd: int, leg: Leg
                   ) -> tuple[str, Process] | None:
        """``(stage, process)`` if the round's decision waits for the team's meeting: the
        process holds the candidate until the session ends (``None``: the usual way)."""
        req = candidate.requisition
        session = self.sessions.get(req.hiring_manager.id)
        if session is None or not self.waits(candidate, rnd, session.shares[rnd - 1]):
            return None
        act = Activity(candidate.id, session.name, "decision", req.id, rnd)
        return session.stage, self.sit(session, leg, act)

    def sit(self, session: Session, leg: Leg, act: Activity) -> Process:
        """Wait for the next session (``batching``), sit through it (``work``)."""
        w = self.world
        enabled = w.env.now
        start = session.next_session(enabled)
        if start >= w.end:
            leg.pending(None, BATCHING)
            yield w.never  # no session before the end: censored there
            return
        yield from wait_until(w, leg, start, BATCHING)
        end = start + session.minutes / 60.0
        yield from wait_until(w, leg, end, WORK)
        if w.event_log:
            wt = [0.0] * N_CAUSES
            wt[BATCHING] = start - enabled
            manager = session.manager
            w.trace.event(act, manager.holder(start), manager.role, enabled, start, end, wt)


_DAY_WORDS = {"Mon": "Monday", "Tue": "Tuesday", "Wed": "Wednesday", "Thu": "Thursday",
              "Fri": "Friday", "Sat": "Saturday", "Sun": "Sunday"}
