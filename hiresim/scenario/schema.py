"""The scenario schema: what a company's post-interview process looks like, validated field by
field (pydantic models that forbid unknown keys)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    field_validator,
    model_validator,
)

from hiresim.busy import CalendarBlocksSpec
from hiresim.durations import Duration
from hiresim.durations import parse_duration as duration
from hiresim.fields import (
    KEY_NAME,
    LAST_TIMESTAMP_DATE,
    MAX_KEY,
    MAX_PEOPLE,
    MAX_REQUISITIONS,
    MAX_SPAN_DAYS,
    WORKWEEK,
    Block,
    ClockTime,
    Name,
    Probability,
    Real,
    SimDate,
    Text,
    Weekday,
    Whole,
    whole,
)
from hiresim.mechanisms import registered

# The blocks of the built-in mechanisms live in their modules (hiresim.mechanisms.NAME), and
# are re-exported here: ``hiresim.scenario.schema.CommunicationSpec`` and the like keep working.
from hiresim.mechanisms.absence import AbsenceSpec as AbsenceSpec
from hiresim.mechanisms.approvals import ApprovalsSpec as ApprovalsSpec
from hiresim.mechanisms.approvals import ApprovalStep as ApprovalStep
from hiresim.mechanisms.approvals import CommitteeSpec as CommitteeSpec
from hiresim.mechanisms.candidates import CandidateSpec as CandidateSpec
from hiresim.mechanisms.candidates import FollowUpSpec as FollowUpSpec
from hiresim.mechanisms.candidates import PatienceSpec as PatienceSpec
from hiresim.mechanisms.communication import CommunicationSpec as CommunicationSpec
from hiresim.mechanisms.communication import LegalReviewSpec as LegalReviewSpec
from hiresim.mechanisms.continuity import ContinuityRule as ContinuityRule
from hiresim.mechanisms.continuity import ContinuitySpec as ContinuitySpec
from hiresim.mechanisms.priority import PrioritySpec as PrioritySpec
from hiresim.mechanisms.reorganization import ReorganizationSpec as ReorganizationSpec
from hiresim.mechanisms.requirements import RequirementsSpec as RequirementsSpec
from hiresim.mechanisms.turnover import TurnoverSpec as TurnoverSpec
from hiresim.text import shown


class ScenarioError(ValueError):
    """A scenario that cannot be simulated; ``problems`` lists every ``(path, message)``."""

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        lines = [f"{source}: {path}: {message}" if path else f"{source}: {message}"
                 for path, message in problems]
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{len(problems)} {noun} in {source}:\n" + "\n".join(lines))


class CalendarSpec(Block):
    """A working calendar: when the people who use it can work."""

    weekdays: list[Weekday] = Field(
        default_factory=lambda: list(WORKWEEK), min_length=1,
        description="working weekdays, e.g. [\"Mon\", \"Tue\"] (default: Mon-Fri)")
    hours: tuple[ClockTime, ClockTime] = Field(
        ("09:00", "17:00"),
        description="start and end of the working day, local time \"HH:MM\" (default: 9-17)")
    lunch: tuple[ClockTime, ClockTime] | None = Field(
        None, description="start and end of a daily break inside `hours`, \"HH:MM\" "
                          "(default: no break)")
    country: str | None = Field(None, description="ISO country code for public holidays")
    subdivision: str | None = Field(None, description="state/province code of `country`")
    closed: list[SimDate] = Field(default_factory=list, max_length=10_000,
                                  description="extra closed dates")
    always_open: bool = Field(False, description="24/7, no holidays: for theory checks")

    @model_validator(mode="after")
    def _hours_in_order(self) -> CalendarSpec:
        if self.hours[0] >= self.hours[1]:
            raise ValueError(f"hours: start {self.hours[0]} must be before end {self.hours[1]}")
        if self.lunch is not None and not (
            self.hours[0] <= self.lunch[0] < self.lunch[1] <= self.hours[1]
        ):
            raise ValueError(f"lunch {list(self.lunch)} must lie inside hours {list(self.hours)}")
        if self.subdivision is not None and self.country is None:
            raise ValueError("subdivision needs a country")
        return self


def _person_id(value: str) -> str:
    if not KEY_NAME.match(value):
        raise ValueError(f"person id {shown(value)} is not allowed: use letters, digits, "
                         f"_ - . and spaces, at most {MAX_KEY} characters, e.g. 'anna.k'")
    return value


#: The id of a named person (as in the ATS export and their calendar).
PersonId = Annotated[str, AfterValidator(_person_id)]


class RoleSpec(Block):
    """A pool of people of one role (recruiters, hiring managers, finance approvers, ...).

    Its people are numbered (``recruiter-1``, ``recruiter-2``, ...) unless ``people`` names
    them by the ids the company uses (its ATS export, its calendars); the count is then implied.
    """

    count: Whole = Field(ge=1, le=MAX_PEOPLE,
                         description="number of people in the role (implied by people)")
    people: list[PersonId] | None = Field(
        None, min_length=1, max_length=MAX_PEOPLE,
        description="the people's ids, e.g. ['anna.k', 'ben.m'] (default: numbered ids "
                    "'<role>-1', '<role>-2', ...)")
    calendar: str = Field("office", description="name of a calendar in [calendars]")
    calendar_load: Real = Field(
        0.0, ge=0.0, lt=1.0,
        description="share of working time already booked with other meetings")
    calendar_blocks: CalendarBlocksSpec | None = Field(
        None, description="lay the booked time out as meetings (lengths, a share recurring "
                          "weekly at the same slot, mornings or afternoons kept free) rather "
                          "than independent hours (default: each hour booked independently)")
    capacity: Whole = Field(
        1, ge=1, description="tasks one person works on at once (1: one at a time, a queue)")
    hiring_share: Real = Field(
        1.0, gt=0.0, le=1.0,
        description="share of each person's working time that hiring tasks may use (their "
                    "other duties take the rest): a task of h working hours takes h / share; "
                    "the extra time is charged to contention (default 1: full time)")
    assignment: Literal["case", "pool"] = Field(
        "case",
        description="case: each task goes to the specific person bound to the case; "
                    "pool: to whoever of the role is free first (a shared queue; any role, "
                    "e.g. a recruiter team or an approver pool; meetings keep the "
                    "requisition's own person)")

    @model_validator(mode="before")
    @classmethod
    def _count_from_people(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("people"), list):
            if "count" not in data:
                return {**data, "count": len(data["people"])}
            if data["count"] != len(data["people"]):
                raise ValueError(f"count {data['count']!r} does not match the "
                                 f"{len(data['people'])} people named; write one or the other")
        return data

    @model_validator(mode="after")
    def _room_for_the_load(self) -> RoleSpec:
        blocks = self.calendar_blocks
        if blocks is not None and blocks.free is not None and self.calendar_load >= 0.5:
            raise ValueError(f"calendar_load {self.calendar_load:g} with {blocks.free} kept "
                             "free: the meetings must fit in the other half of each day; "
                             "allowed: a load below 0.5")
        return self

    @model_validator(mode="after")
    def _people_unique(self) -> RoleSpec:
        if self.people is not None and len(set(self.people)) < len(self.people):
            twice = sorted({p for p in self.people if self.people.count(p) > 1})
            raise ValueError(f"people named twice: {', '.join(twice)}")
        return self

    def person_ids(self, role: str) -> list[str]:
        """The ids of the role's people: their names, or ``<role>-1``, ``<role>-2``, ..."""
        return list(self.people) if self.people else [f"{role}-{i + 1}"
                                                      for i in range(self.count)]


class RequisitionSpec(Block):
    """Open positions: how many, how often new ones open, who owns them."""

    initial: Whole = Field(1, ge=0, le=MAX_REQUISITIONS,
                           description="requisitions open on the start date")
    rate_per_month: Real = Field(0.0, ge=0.0, le=1000.0, description="new requisitions per month")
    positions: Whole = Field(1, ge=1, le=10_000, description="hires that fill a requisition")
    recruiter_role: str = Field(
        "recruiter",
        description="role name of the recruiters: one owns each requisition (taken in turn); "
                    "they screen, organize interviews and, under hr_gated, tell candidates")
    hiring_manager_role: str = Field(
        "hiring_manager",
        description="role name of the hiring managers: one owns each requisition (taken in "
                    "turn); they attend debriefs, decide, revise sent-back offers and, under "
                    "direct, tell candidates")


class ScreeningSpec(Block):
    """The recruiter's screen before the first interview is scheduled."""

    work: Duration = Field(
        description="the recruiter's screening work per candidate (a bare number: working "
                    "hours)")
    pass_probability: Probability = Field(
        0.5, description="probability that a screened candidate goes on to the first interview; "
                         "the others are rejected")


class DecisionProbabilities(Block):
    """What the decision after a round is, with what probability (they sum to 1)."""

    advance: Probability = Field(
        0.0, description="probability that the candidate goes on to the next round (must be 0 "
                         "in the last round)")
    offer: Probability = Field(
        0.0, description="probability of an offer (it then goes through the approvals)")
    reject: Probability = Field(1.0, description="probability of a rejection")

    @model_validator(mode="after")
    def _sum_to_one(self) -> DecisionProbabilities:
        total = self.advance + self.offer + self.reject
        if abs(total - 1.0) > 1e-9:
            raise ValueError(
                f"advance + offer + reject must sum to 1, got {total:g}")
        return self


class RoundSpec(Block):
    """One interview round and the decision that follows it."""

    name: Name = Field(
        "", description="name of the round in the report (default: its number)")
    panel: Whole = Field(1, ge=1, le=100, description="interviewers on the panel")
    panel_role: str = Field(
        "interviewer",
        description="role name of the people who interview and write scorecards: a panel is "
                    "drawn from it for each candidate (a pool role: whoever is free writes the "
                    "scorecards)")
    hiring_manager_attends: bool = Field(
        False, description="the requisition's hiring manager is at the interview too (their "
                           "free time is needed for the slot)")
    interview_minutes: Whole = Field(60, ge=0, le=8 * 60,
                                     description="length of the interview, in minutes")
    decision: DecisionProbabilities = Field(
        description="probabilities of the decision that follows the round")
    scorecard_work: Duration | None = Field(
        None, description="this round's work writing one scorecard (default: [scorecards] "
                          "work)")
    debrief_minutes: Whole | None = Field(
        None, ge=0, le=8 * 60,
        description="length of this round's debrief, in minutes; 0: no debrief after this "
                    "round (default: [debrief] minutes; needs a [debrief] block)")
    decision_work: Duration | None = Field(
        None, description="the hiring manager's work deciding after this round (default: "
                          "[decision] work; without a [decision] block, only this round has "
                          "a decision task)")


class ScorecardSpec(Block):
    """Each panel member writes their own scorecard after the interview (parallel tasks)."""

    work: Duration = Field(
        duration(1.0),
        description="one panel member's work writing a scorecard (a bare number: working hours)")


class DebriefSpec(Block):
    """The debrief meeting: panel and hiring manager, at their earliest common free slot."""

    minutes: Whole = Field(30, ge=1, le=8 * 60,
                           description="length of the debrief meeting, in minutes")
    recruiter_attends: bool = Field(
        False, description="the recruiter attends too (their free time is needed for the slot)")


class DecisionSpec(Block):
    """The hiring manager's decision after the debrief."""

    work: Duration = Field(
        duration(0.5),
        description="the hiring manager's work deciding, after each round's scorecards and "
                    "debrief (a bare number: working hours)")


class SchedulingSpec(Block):
    """Meetings (interviews, debriefs) need the earliest slot where all attendees are free."""

    enabled: bool = Field(True, description="false: meetings happen as soon as they are due")
    slot_search: bool = Field(
        True, description="false: no search through booked calendars: a meeting is held at the "
                          "first slot in which every attendee is at work and not absent "
                          "(calendar load, the candidate's load, meetings already booked and "
                          "the notice period do not delay it; the 'scheduling' ablation)")
    slot_minutes: Annotated[Literal[15, 30, 60], BeforeValidator(whole)] = Field(
        30, description="length of one slot of the meeting grid")
    notice_hours: Real = Field(48.0, ge=0.0, le=24.0 * 90,
                                description="minimum lead time before an interview")
    candidate_load: Real = Field(0.2, ge=0.0, lt=1.0,
                                  description="share of working time the candidate is busy")
    search_days: Whole = Field(90, ge=1, le=366, description="how far ahead a slot is searched")
    retry_after_days: Real = Field(
        7.0, ge=0.25, le=90.0,
        description="no common slot within search_days: the organizer tries again this many "
                    "days later (and again, until the meeting is booked or the job closes)")
    cancel_rate_per_day: Real = Field(
        0.0, ge=0.0, le=1000.0,
        description="reschedules: each attendee of a booked meeting (interview or debrief; "
                    "not the candidate) cancels at this rate per day of lead time, so a meeting "
                    "booked d days ahead with n attendees moves with probability "
                    "1 - exp(-rate * n * d); 0: meetings never move")
    no_show_probability: Probability = Field(
        0.0, description="probability that the candidate does not show up for a booked "
                         "interview (the slot is lost and a new one is searched)")
    max_reschedules: Whole = Field(
        2, ge=0, le=20,
        description="a meeting moves at most this many times (cancellations and no-shows "
                    "together); then it is held as booked")


class OfferSpec(Block):
    """Offers made: some are declined."""

    accept_probability: Probability = Field(
        0.85, description="probability that the candidate accepts an offer; the others decline")


class Scenario(Block):
    """A company's post-interview process, as a hiresim simulation sees it.

    Optional blocks (``screening``, ``debrief``, ``decision``, ``approvals``) are off when
    absent: a scenario without ``[debrief]`` has no debrief meeting.
    """

    name: Name = Field("unnamed", description="short name shown in tables and reports")
    description: Text = Field("", description="one line on what the scenario describes")
    start: SimDate = Field(date(2026, 1, 5), description="first day simulated (local time)")
    horizon_days: Whole = Field(180, ge=1, le=MAX_SPAN_DAYS,
                                description="days during which candidates arrive")
    drain_days: Whole = Field(120, ge=0, le=MAX_SPAN_DAYS,
                              description="days simulated after the last arrival")
    warmup_days: Whole = Field(
        0, ge=0, le=MAX_SPAN_DAYS,
        description="days from the start whose waits are left out of the results (the "
                    "system starts empty: a warm-up lets queues reach their usual length)")
    calendars: dict[str, CalendarSpec] = Field(
        default_factory=lambda: {"office": CalendarSpec()},
        description="working calendars by name (default: one Mon-Fri 9-17 'office')")
    roles: dict[str, RoleSpec] = Field(description="people by role name")
    requisitions: RequisitionSpec = Field(RequisitionSpec(), description="open positions")
    candidates: CandidateSpec = Field(description="candidate arrivals")
    screening: ScreeningSpec | None = Field(None, description="recruiter screen (optional)")
    rounds: list[RoundSpec] = Field(min_length=1, max_length=20,
                                    description="interview rounds, in order")
    scorecards: ScorecardSpec = Field(ScorecardSpec(), description="scorecard writing")
    debrief: DebriefSpec | None = Field(None, description="debrief meeting (optional)")
    decision: DecisionSpec | None = Field(None, description="hiring manager's decision task")
    approvals: ApprovalsSpec | None = Field(None, description="offer approval chain")
    communication: CommunicationSpec = Field(CommunicationSpec(),
                                             description="how decisions reach candidates")
    scheduling: SchedulingSpec = Field(SchedulingSpec(), description="meeting slot search")
    offers: OfferSpec = Field(OfferSpec(), description="offer acceptance")
    absence: AbsenceSpec | None = Field(None, description="vacation and sick leave")
    continuity: ContinuitySpec = Field(ContinuitySpec(),
                                       description="wait for absent people, or delegate")
    priority: PrioritySpec | None = Field(None, description="top-priority projects")
    turnover: TurnoverSpec | None = Field(None, description="people leaving")
    reorganization: ReorganizationSpec | None = Field(None, description="reorganizations")
    requirements: RequirementsSpec | None = Field(None, description="jobs rethought")
    extensions: dict[str, Any] = Field(
        default_factory=dict,
        description="blocks of registered user mechanisms by name (written as top-level "
                    "tables, e.g. [background_check]); see hiresim.mechanisms")

    @field_validator("extensions", mode="after")
    @classmethod
    def _extension_blocks(cls, value: dict[str, Any]) -> dict[str, Any]:
        """Each block validated by its mechanism's own model (``None``: switched off)."""
        known = registered()
        out: dict[str, Any] = {}
        for name, block in value.items():
            mech = known.get(name)
            if mech is None:
                raise ValueError(f"no mechanism {name!r} is registered; registered: "
                                 f"{', '.join(known) or 'none'}")
            out[name] = (block if block is None or isinstance(block, mech.spec)
                         else mech.spec.model_validate(block))
        return out

    @model_validator(mode="after")
    def _people_unique_across_roles(self) -> Scenario:
        seen: dict[str, str] = {}
        for name, role in self.roles.items():
            for pid in role.person_ids(name):
                if pid in seen:
                    raise ValueError(f"roles: person {pid!r} is in both {seen[pid]!r} and "
                                     f"{name!r}; a person has one role")
                seen[pid] = name
        return self

    @model_validator(mode="after")
    def _key_names(self) -> Scenario:
        for block, names in (("roles", self.roles), ("calendars", self.calendars)):
            for name in names:
                if not KEY_NAME.match(name):
                    raise ValueError(
                        f"{block}: name {shown(name)} is not allowed: use letters, digits, "
                        f"_ - . and spaces, at most {MAX_KEY} characters, e.g. 'recruiter'")
        last = self.start.toordinal() + self.total_days + self.scheduling.search_days + 31
        if last >= LAST_TIMESTAMP_DATE.toordinal():
            raise ValueError(
                f"horizon_days + drain_days = {self.total_days} days from start {self.start} "
                f"(plus the {self.scheduling.search_days}-day meeting search) run past "
                f"{LAST_TIMESTAMP_DATE}, the last date results can hold; shorten the span")
        if self.warmup_days >= self.horizon_days:
            raise ValueError(f"warmup_days ({self.warmup_days}) must be less than horizon_days "
                             f"({self.horizon_days}): waits after the warm-up are the ones kept")
        return self

    @property
    def total_days(self) -> int:
        return self.horizon_days + self.drain_days

    def with_overrides(self, overrides: dict[str, Any], source: str = "overrides") -> Scenario:
        """A copy with values replaced by dotted path, e.g. ``{"roles.recruiter.count": 3}``.

        Validated like a file: a wrong path or value raises :class:`ScenarioError`.
        """
        from hiresim.scenario.edits import with_overrides

        return with_overrides(self, overrides, source=source)

    def to_toml(self, path: str | os.PathLike[str] | None = None) -> str:
        """The scenario as TOML text that :func:`hiresim.load_scenario` reads back equal to
        this one; written to ``path`` as well when one is given (UTF-8)."""
        from hiresim.scenario.writing import scenario_toml

        text = scenario_toml(self)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def without(self, source: str) -> Scenario:
        """A copy with one delay source switched off (see :data:`DELAY_SOURCES`)."""
        from hiresim.scenario.edits import without

        return without(self, source)


