"""The scenario schema: what a company's post-interview process looks like, validated up front.

A scenario is a TOML file (or a dict) checked by pydantic v2 models that forbid unknown keys.
Every problem is reported at once, before any simulation starts, as ``FILE: path.to.field:
message`` with a did-you-mean for misspelt keys and unknown role names and, for files, the
line where the offending key stands. :func:`load_scenario` is the one entry point; presets are
scenario files embedded in the package (:func:`preset`, :func:`presets`).
"""

from __future__ import annotations

import copy
import difflib
import errno
import math
import os
import re
import stat
import tomllib
import types
import typing
import warnings
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from hiresim.distributions import Duration
from hiresim.distributions import parse_duration as duration

if TYPE_CHECKING:
    from hiresim.calendar import WorkingCalendar

def _real(value: Any) -> Any:
    """A number, written as one: not text, not true/false, not NaN or infinity."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number, got {_shown(value)}")
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number, got {value}")
    return value


def _whole(value: Any) -> Any:
    """A whole number, written as one (``4``, not ``4.0``, ``"4"`` or ``true``)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be a whole number such as 4, got {_shown(value)}")
    return value


def _close_matches(word: str, options: list[str], n: int = 1, cutoff: float = 0.6
                   ) -> list[str]:
    """:func:`difflib.get_close_matches` for words of a sensible length (it is quadratic in
    the length: a 100,000-character name would take minutes)."""
    if len(word) > 2 * MAX_KEY:
        return []
    return difflib.get_close_matches(word, [o for o in options if len(o) <= 2 * MAX_KEY],
                                     n=n, cutoff=cutoff)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _in_range(value: date) -> date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(f"must be a date from {FIRST_DATE} to {LAST_DATE}, got {value}")
    return value


#: Limits of the values hiresim simulates (documented in the scenario reference): beyond them a
#: run would not fit in memory or time, or the calendar arithmetic would leave its range.
FIRST_DATE = date(1990, 1, 1)
LAST_DATE = date(2200, 12, 31)
MAX_SPAN_DAYS = 100_000
#: Timestamps are nanoseconds since 1970 (pandas): the simulated span must end before this.
LAST_TIMESTAMP_DATE = date(2262, 1, 1)
MAX_PEOPLE = 10_000
MAX_REQUISITIONS = 10_000
MIN_FOLLOW_UP_DAYS = 0.25
MAX_NAME = 200
#: Names of roles and calendars: letters, digits, ``_``, ``-``, ``.`` and spaces, at most this
#: many characters (they appear in ids, tables and the report).
MAX_KEY = 64
_KEY_NAME = re.compile(rf"^[A-Za-z0-9_][A-Za-z0-9_.\- ]{{0,{MAX_KEY - 1}}}$")

#: A date between :data:`FIRST_DATE` and :data:`LAST_DATE`.
SimDate = Annotated[date, AfterValidator(_in_range)]
#: Control characters (C0, DEL, C1) and the bidirectional overrides that can disguise text.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _plain_line(value: str) -> str:
    """One line of text: no control characters (an ESC sequence would reach the terminal)."""
    hit = _CONTROL.search(value)
    if hit:
        raise ValueError(f"must be one line of plain text; it contains the control character "
                         f"U+{ord(hit.group()):04X} at position {hit.start()}")
    return value


def _plain_text(value: str) -> str:
    """Text that may have several lines (tabs and newlines) but no other control character."""
    _plain_line(value.replace("\n", " ").replace("\t", " ").replace("\r", " "))
    return value


#: A name shown in tables and messages: one line, at most :data:`MAX_NAME` characters.
Name = Annotated[str, Field(max_length=MAX_NAME), AfterValidator(_plain_line)]
#: Longer text (a description): at most 10,000 characters, no control characters.
Text = Annotated[str, Field(max_length=10_000), AfterValidator(_plain_text)]
#: A finite number (an int is accepted and becomes a float).
Real = Annotated[float, BeforeValidator(_real)]
#: A whole number.
Whole = Annotated[int, BeforeValidator(_whole)]
Probability = Annotated[Real, Field(ge=0.0, le=1.0)]
_CLOCK_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
ClockTime = Annotated[str, Field(pattern=_CLOCK_PATTERN)]
Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WEEKDAYS: tuple[Weekday, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WORKWEEK: tuple[Weekday, ...] = WEEKDAYS[:5]
Outcome = Literal["advance", "offer", "reject"]
Policy = Literal["hr_gated", "direct"]


class ScenarioError(ValueError):
    """A scenario that cannot be simulated; ``problems`` lists every ``(path, message)``."""

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        lines = [f"{source}: {path}: {message}" if path else f"{source}: {message}"
                 for path, message in problems]
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{len(problems)} {noun} in {source}:\n" + "\n".join(lines))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class CalendarSpec(_Strict):
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
    if not _KEY_NAME.match(value):
        raise ValueError(f"person id {_shown(value)} is not allowed: use letters, digits, "
                         f"_ - . and spaces, at most {MAX_KEY} characters, e.g. 'anna.k'")
    return value


#: The id of a named person (as in the ATS export and their calendar).
PersonId = Annotated[str, AfterValidator(_person_id)]


class RoleSpec(_Strict):
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
    def _people_unique(self) -> RoleSpec:
        if self.people is not None and len(set(self.people)) < len(self.people):
            twice = sorted({p for p in self.people if self.people.count(p) > 1})
            raise ValueError(f"people named twice: {', '.join(twice)}")
        return self

    def person_ids(self, role: str) -> list[str]:
        """The ids of the role's people: their names, or ``<role>-1``, ``<role>-2``, ..."""
        return list(self.people) if self.people else [f"{role}-{i + 1}"
                                                      for i in range(self.count)]


class RequisitionSpec(_Strict):
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


class CandidateSpec(_Strict):
    """Candidates: how they arrive at an open requisition, and what they do while they wait
    (the ``candidates`` mechanism: follow-ups after silence, withdrawal when patience ends)."""

    arrivals: Literal["poisson", "regular"] = Field(
        "poisson", description="poisson: random arrivals at the rate; regular: evenly spaced")
    rate_per_week: Real = Field(gt=0.0, le=10_000.0,
                                description="candidates per open requisition per week")
    max_per_requisition: Whole | None = Field(
        None, ge=1, description="arrivals stop after this many candidates (default: no limit)")
    follow_up: FollowUpSpec | None = Field(
        None, description="candidates write in after days of silence (default: they do not)")
    patience: PatienceSpec | None = Field(
        None, description="candidates withdraw when their patience ends (default: never)")

    @property
    def follows_up_or_withdraws(self) -> bool:
        return self.follow_up is not None or self.patience is not None


class ScreeningSpec(_Strict):
    """The recruiter's screen before the first interview is scheduled."""

    work: Duration = Field(
        description="the recruiter's screening work per candidate (a bare number: working "
                    "hours)")
    pass_probability: Probability = Field(
        0.5, description="probability that a screened candidate goes on to the first interview; "
                         "the others are rejected")


class DecisionProbabilities(_Strict):
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


class RoundSpec(_Strict):
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


class ScorecardSpec(_Strict):
    """Each panel member writes their own scorecard after the interview (parallel tasks)."""

    work: Duration = Field(
        duration(1.0),
        description="one panel member's work writing a scorecard (a bare number: working hours)")


class DebriefSpec(_Strict):
    """The debrief meeting: panel and hiring manager, at their earliest common free slot."""

    minutes: Whole = Field(30, ge=1, le=8 * 60,
                           description="length of the debrief meeting, in minutes")
    recruiter_attends: bool = Field(
        False, description="the recruiter attends too (their free time is needed for the slot)")


class DecisionSpec(_Strict):
    """The hiring manager's decision after the debrief."""

    work: Duration = Field(
        duration(0.5),
        description="the hiring manager's work deciding, after each round's scorecards and "
                    "debrief (a bare number: working hours)")


class CommitteeSpec(_Strict):
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


class ApprovalStep(_Strict):
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


class ApprovalsSpec(_Strict):
    """The offer's approval chain: steps in order; sent-back offers are revised and resubmitted."""

    steps: list[ApprovalStep] = Field(min_length=1, max_length=50,
                                      description="the sign-offs, in order")
    revision: Duration = Field(
        duration(1.0),
        description="the hiring manager's work revising an offer a step sent back, before the "
                    "step is asked again (a bare number: working hours)")


class CommunicationSpec(_Strict):
    """How a decision reaches the candidate."""

    policy: Literal["hr_gated", "direct"] = Field(
        "hr_gated",
        description="hr_gated: only the recruiter may speak to candidates (the decision is "
                    "handed off to them first); direct: the hiring manager tells the candidate")
    handoff: Duration = Field(
        duration(0.0),
        description="hr_gated: elapsed time for the decision to reach the recruiter")
    message: Duration = Field(duration(0.25), description="work of writing to the candidate")
    legal_review: LegalReviewSpec | None = Field(
        None, description="legal reviews outgoing decisions before the candidate hears them "
                          "(default: no review)")
    hold_rejections_until_filled: bool = Field(
        False, description="final-round rejections wait until the job is filled or closed")
    ghost_probability: Probability = Field(
        0.0, description="probability that a rejection is never sent")


class SchedulingSpec(_Strict):
    """Meetings (interviews, debriefs) need the earliest slot where all attendees are free."""

    enabled: bool = Field(True, description="false: meetings happen as soon as they are due")
    slot_search: bool = Field(
        True, description="false: no search through booked calendars: a meeting is held at the "
                          "first slot in which every attendee is at work and not absent "
                          "(calendar load, the candidate's load, meetings already booked and "
                          "the notice period do not delay it; the 'scheduling' ablation)")
    slot_minutes: Annotated[Literal[15, 30, 60], BeforeValidator(_whole)] = Field(
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


class AbsenceSpec(_Strict):
    """Vacations and sick leave: a person on leave does no work."""

    roles: list[str] | None = Field(None, description="roles that take leave; default all")
    vacation_days_per_year: Real = Field(
        15.0, ge=0.0, le=120.0,
        description="vacation per person per year, in the unit of vacation_block (working days "
                    "by default)")
    vacation_block: Duration = Field(
        duration({"dist": "uniform", "low": 1, "high": 10, "unit": "working_days"}),
        description="length of one vacation block, in working days")
    seasonality: list[Real] = Field(
        [0.6, 0.6, 0.8, 0.9, 0.9, 1.3, 1.9, 1.9, 0.8, 0.8, 0.9, 1.6], min_length=12,
        max_length=12, description="relative chance of a vacation starting in each month")
    sick_spells_per_year: Real = Field(
        3.0, ge=0.0, le=52.0,
        description="sick spells per person per year, on average (random onsets; 0: none)")
    sick_duration: Duration = Field(
        duration({"dist": "lognormal", "median": 2.0, "p90": 5.0, "unit": "working_days"}),
        description="length of one sick spell")

    @model_validator(mode="after")
    def _weights(self) -> AbsenceSpec:
        if any(w < 0 for w in self.seasonality) or sum(self.seasonality) <= 0:
            raise ValueError("seasonality weights must be >= 0 and not all zero")
        return self


class ContinuityRule(_Strict):
    """What happens to work whose person is on leave when it arrives."""

    policy: Literal["wait", "delegate_after", "delegate"] = Field(
        "wait",
        description="work that arrives for someone away: wait: it waits for them; "
                    "delegate_after: a colleague of the role at work takes it if they are still "
                    "away after_days later; delegate: a colleague takes it at once")
    after_days: Real = Field(3.0, ge=0.0, description="delegate_after: working days to wait")
    handover: Duration = Field(duration(1.0),
                               description="extra work for the colleague who takes over")


class ContinuitySpec(_Strict):
    """The continuity policy: a default and overrides per role."""

    default: ContinuityRule = Field(
        ContinuityRule(), description="the rule for roles not listed in roles (default: wait)")
    roles: dict[str, ContinuityRule] = Field(
        default_factory=dict, description="rules by role name, overriding the default")


class PrioritySpec(_Strict):
    """People pulled onto a top-priority project (a Poisson process per person)."""

    roles: list[str] | None = Field(
        None, description="role names whose people are pulled onto projects; default all")
    rate_per_year: Real = Field(2.0, gt=0.0, le=52.0, description="projects per person-year")
    duration: Duration = Field(
        duration({"dist": "lognormal", "median": 3.0, "p90": 10.0, "unit": "working_days"}),
        description="length of one project (working days by default)")
    on_return: Literal["resume", "restart"] = Field(
        "resume", description="work in progress resumes where it stopped, or starts over")
    share: Real = Field(
        1.0, gt=0.0, le=1.0,
        description="share of each working day the project takes (the first hours of the day)")


class TurnoverSpec(_Strict):
    """People leave (fired or quit); their seat is empty until a replacement joins."""

    roles: list[str] | None = Field(
        None, description="role names whose people may leave; default all")
    annual_rate: Real = Field(0.15, gt=0.0, le=5.0, description="departures per person-year")
    replacement_lag: Duration = Field(
        duration({"dist": "lognormal", "median": 45.0, "p90": 90.0, "unit": "calendar_days"}),
        description="time the seat stays empty until the replacement joins (calendar days by "
                    "default)")
    handover: Duration = Field(
        duration({"dist": "lognormal", "median": 2.0, "p90": 6.0, "unit": "working_hours"}),
        description="re-review of inherited work by the replacement")


class ReorganizationSpec(_Strict):
    """Organization-wide reorganizations that freeze hiring work for a while."""

    rate_per_year: Real = Field(
        0.4, gt=0.0, le=12.0,
        description="reorganizations per year, for the whole organization (random onsets)")
    roles: list[str] | None = Field(None, description="roles whose hiring work freezes")
    freeze: Duration = Field(
        duration({"dist": "lognormal", "median": 5.0, "p90": 15.0, "unit": "working_days"}),
        description="how long hiring work stops at each reorganization, from its onset (one "
                    "length for everyone; working days by default)")
    reassign_recruiters: bool = Field(
        True, description="at each reorganization, every open requisition goes to another "
                          "recruiter (needs 2 or more recruiters)")
    handover: Duration = Field(
        duration({"dist": "lognormal", "median": 1.0, "p90": 3.0, "unit": "working_hours"}),
        description="work of a recruiter new to a requisition reading up on it, once, on "
                    "their next task for it (working hours by default)")


class RequirementsSpec(_Strict):
    """Requisitions rethought: reclassification, a split into two positions, or cancellation."""

    rate_per_year: Real = Field(1.0, gt=0.0, le=52.0, description="rethinks per open req-year")
    approvals: list[ApprovalStep] = Field(min_length=1,
                                          description="the reclassification approval chain")
    split_probability: Probability = Field(
        0.15, description="probability that a rethink splits the job in two (a second "
                          "requisition opens and draws its own candidates)")
    cancel_probability: Probability = Field(
        0.1, description="probability that a rethink cancels the job; otherwise (1 - split - "
                         "cancel) it is kept")
    told_when_cancelled: Probability = Field(
        0.5, description="probability that candidates of a cancelled job are told")

    @model_validator(mode="after")
    def _outcomes(self) -> RequirementsSpec:
        if self.split_probability + self.cancel_probability > 1.0:
            raise ValueError("split_probability + cancel_probability must not exceed 1")
        return self


class LegalReviewSpec(_Strict):
    """Legal reviews outgoing decisions before the candidate hears them."""

    role: str = Field(
        "legal", description="role name of the reviewers: one per requisition (taken in turn)")
    work: Duration = Field(
        duration(1.0), description="work of one review (a bare number: working hours)")
    applies_to: list[Outcome] = Field(
        default_factory=lambda: list[Outcome](["offer", "reject"]), min_length=1,
        description="decisions reviewed: advance, offer, reject (default: offers and "
                    "rejections)")


class FollowUpSpec(_Strict):
    """Candidates who hear nothing write in after some days, and again later."""

    first_after_days: Real = Field(7.0, ge=MIN_FOLLOW_UP_DAYS, le=365.0,
                                   description="days of silence before the first follow-up")
    every_days: Real = Field(7.0, ge=MIN_FOLLOW_UP_DAYS, le=365.0,
                             description="days between follow-ups")
    answer_probability: dict[Policy, Probability] = Field(
        default_factory=lambda: dict[Policy, float]({"hr_gated": 0.5, "direct": 0.8}),
        description="probability that a follow-up is answered, by communication policy "
                    "(an answer is news: patience starts over; a policy left out: never)")


class PatienceSpec(_Strict):
    """How long a candidate waits without news before withdrawing ("keep looking!").

    The defaults of this block reproduce a survey of candidates *losing interest* without an
    update (23 % by 7 days, 62-69 % by 14, 77 % by 21): an upper bound of withdrawal. The
    presets model withdrawal as taking another job instead (docs/explanation/presets.md)."""

    days: Duration = Field(
        duration({"dist": "lognormal", "median": 9.1, "p90": 16.6, "unit": "calendar_days"}),
        description="patience of those who would withdraw, from the last news (default: "
                    "the survey of candidates losing interest, an upper bound)")
    never_withdraw: Probability = Field(0.2, description="share who never withdraw")


class OfferSpec(_Strict):
    """Offers made: some are declined."""

    accept_probability: Probability = Field(
        0.85, description="probability that the candidate accepts an offer; the others decline")


class Scenario(_Strict):
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
        from hiresim.mechanisms import registered

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
                if not _KEY_NAME.match(name):
                    raise ValueError(
                        f"{block}: name {_shown(name)} is not allowed: use letters, digits, "
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
        return with_overrides(self, overrides, source=source)

    def without(self, source: str) -> Scenario:
        """A copy with one delay source switched off (see :data:`DELAY_SOURCES`)."""
        return without(self, source)


# ---------------------------------------------------------------------------------------------
# Loading and error reporting


def load_scenario(spec: str | os.PathLike[str] | dict[str, Any] | Scenario, *,
                  source: str | None = None
                  ) -> Scenario:
    """Load and validate a scenario from a TOML file path, a dict, or a Scenario.

    Raises :class:`ScenarioError` listing every problem as ``FILE: path: message``.
    """
    if isinstance(spec, Scenario):
        return spec
    text: str | None = None
    if isinstance(spec, dict):
        data, label = spec, source or "<dict>"
    elif isinstance(spec, str | os.PathLike):
        path = Path(spec)
        label = source or str(path)
        text = read_text_file(path, label, "scenario")
        data = parse_toml(text, label)
    else:
        raise TypeError(f"scenario must be a path, a dict or a Scenario, got "
                        f"{type(spec).__name__}")
    return validate(data, source=label, text=text)


#: A scenario file larger than this is refused before it is read (scenarios are a few KB).
MAX_FILE_BYTES = 10 * 1024 * 1024
#: Deepest nesting of arrays and tables a scenario may have (real ones need about 5).
MAX_NESTING = 64


def read_text_file(path: Path, label: str, what: str = "scenario",
                   max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of a UTF-8 file, or a :class:`ScenarioError` that says what the file is
    instead: missing, a directory, a FIFO or device, a symbolic-link loop, too large, not
    UTF-8 (UTF-16, Latin-1, binary), or UTF-8 with a byte-order mark."""
    try:
        info = path.stat()
    except FileNotFoundError:
        problem = (f"symbolic link to a missing file ({os.readlink(path)!r})" if path.is_symlink()
                   else f"no such {what} file")
        raise ScenarioError(label, [("", problem)]) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ScenarioError(label, [("", "is a loop of symbolic links, not a file")]) from None
        raise ScenarioError(label, [("", f"cannot be read: {exc.strerror}")]) from None
    if stat.S_ISDIR(info.st_mode):
        raise ScenarioError(label, [("", f"is a directory; give the path of a {what} file "
                                         "(.toml)")])
    if not stat.S_ISREG(info.st_mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else
                "a socket" if stat.S_ISSOCK(info.st_mode) else "a device")
        raise ScenarioError(label, [("", f"is {kind}, not a regular file")])
    if info.st_size > max_bytes:
        raise ScenarioError(label, [("", f"is {info.st_size / 1e6:.1f} MB; a {what} file is "
                                         f"at most {max_bytes / 1e6:.0f} MB")])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(label, [("", f"cannot be read: {exc.strerror}")]) from None
    return decode_utf8(raw, label)


def decode_utf8(raw: bytes, label: str) -> str:
    """Text of UTF-8 bytes; a byte-order mark, UTF-16/32 or another encoding is a clear error."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise ScenarioError(label, [("", "starts with a UTF-8 byte-order mark (BOM): save it "
                                         "as UTF-8 without BOM")])
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ScenarioError(label, [("", "is UTF-16 text: save it as UTF-8")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        kind = "binary data" if b"\x00" in raw[:4096] else "text in another encoding"
        raise ScenarioError(label, [("", f"is not UTF-8 ({kind}: byte 0x{raw[exc.start]:02x} "
                                         f"on line {line}); save it as UTF-8")]) from None


def parse_toml(text: str, label: str) -> dict[str, Any]:
    """Parse TOML, with errors that say where and why (and no recursion blow-up)."""
    depth = _nesting(text)
    if depth > MAX_NESTING:
        raise ScenarioError(label, [("", f"nesting too deep: arrays and tables nest {depth} "
                                         f"levels; at most {MAX_NESTING} are allowed")])
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(label, [("", f"not valid TOML: {exc}")]) from None
    except RecursionError:
        raise ScenarioError(label, [("", "arrays and tables nest too deeply")]) from None


def _nesting(text: str) -> int:
    """An upper bound of how deep ``[`` and ``{`` nest outside strings and comments (a fast
    scan: TOML's parser recurses once per level)."""
    depth = deepest = 0
    quote = ""
    comment = False
    for ch in text:
        if comment:
            comment = ch != "\n"
        elif quote:
            if ch == quote or ch == "\n":
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            comment = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(depth - 1, 0)
        elif ch == "\n" and depth == 1:
            depth = 0  # a table header's bracket closes on its line
    return deepest


def validate(data: dict[str, Any], *, source: str = "<dict>", text: str | None = None
             ) -> Scenario:
    """Validate a plain dict; ``text`` (the TOML source) lets messages give line numbers.

    Blocks under the names they had before version 0.2 are read with a
    :class:`HiresimDeprecationWarning` (see :data:`RENAMED`); blocks of registered user
    mechanisms are validated by their own models.
    """
    data, problems = _migrate(data, source)
    if isinstance(data, dict):  # the caller's dict stays as it was (blocks are moved below)
        data = dict(data)
    problems += _extension_problems(data, text)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems += [_describe(err, data, text) for err in exc.errors()]
    if problems:
        raise ScenarioError(source, problems) from None
    problems = check_references(scenario)
    if problems:
        raise ScenarioError(source, [(p, m + _line_hint(text, p)) for p, m in problems])
    return scenario


class HiresimDeprecationWarning(FutureWarning):
    """A scenario or call uses a name that hiresim still reads but will stop reading."""


#: Blocks renamed so that each mechanism has one name (its module, cause, ablation, stream).
RENAMED: dict[str, str] = {
    "absences": "absence",
    "priority_shifts": "priority",
    "reorganizations": "reorganization",
    "behaviour": "candidates.follow_up and candidates.patience",
}


def _migrate(data: dict[str, Any], source: str) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The scenario with old block names moved to the new ones (a shallow copy), and the
    problems found (an old and a new name for the same block)."""
    if not isinstance(data, dict) or not any(old in data for old in RENAMED):
        return data, []
    data = dict(data)
    problems: list[tuple[str, str]] = []
    for old, new in RENAMED.items():
        if old not in data:
            continue
        warnings.warn(f"{source}: [{old}] is now {new} (one name per mechanism); it is read "
                      f"as before, but write the new name", HiresimDeprecationWarning,
                      stacklevel=4)
        block = data.pop(old)
        if old == "behaviour":
            candidates = data.get("candidates")
            if not isinstance(block, dict) or not isinstance(candidates, dict):
                problems.append((old, "expected a table with follow_up and patience"))
                continue
            candidates = dict(candidates)
            for key in ("follow_up", "patience"):
                if key in candidates:
                    problems.append((f"candidates.{key}", f"given twice: here and in [{old}]"))
                elif key in block:
                    candidates[key] = block[key]
                else:  # an old [behaviour] table switched both on with their defaults
                    candidates[key] = {}
            data["candidates"] = candidates
        elif new in data:
            problems.append((old, f"given twice: as [{old}] (the old name) and as [{new}]"))
        else:
            data[new] = block
    return data, problems


def _extension_problems(data: dict[str, Any], text: str | None) -> list[tuple[str, str]]:
    """Move blocks of registered user mechanisms into ``extensions``, validated by their own
    models; the problems found in them, with paths from the top of the file."""
    from hiresim.mechanisms import registered

    if not isinstance(data, dict):
        return []
    known = registered()
    present = [name for name in known if name in data]
    if not present:
        return []
    extensions = dict(data.get("extensions") or {})
    problems: list[tuple[str, str]] = []
    for name in present:
        block = data.pop(name)
        try:
            extensions[name] = known[name].spec.model_validate(block)
        except ValidationError as exc:
            for err in exc.errors():
                path = ".".join(str(p) for p in (name, *err["loc"]))
                message = str(err["msg"]).removeprefix("Value error, ")
                if err["type"] == "extra_forbidden":
                    allowed = ", ".join(sorted(known[name].spec.model_fields))
                    message = f"unknown key {err['loc'][-1]!r}. Allowed: {allowed}."
                problems.append((path, message + _line_hint(text, path)))
    data["extensions"] = extensions
    return problems


def _describe(err: Any, data: dict[str, Any], text: str | None) -> tuple[str, str]:
    loc = [part for part in err["loc"] if not _is_union_tag(part)]
    path = ".".join(str(p) for p in loc)
    message = err["msg"]
    if err["type"] == "extra_forbidden":
        known = _known_fields(Scenario, loc[:-1]) or _duration_fields(err["loc"])
        message = f"unknown key {loc[-1]!r}"
        close = _close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        if close:
            message += f"; did you mean {close[0]!r}?"
        if known:
            message += f" Allowed: {', '.join(sorted(known))}."
    elif err["type"] == "missing":
        message = "required field is missing"
    elif err["type"] == "union_tag_invalid":
        message = err["msg"]
    elif err["type"] == "string_pattern_mismatch" and err.get("ctx", {}).get("pattern") == \
            _CLOCK_PATTERN:
        message = f"a time of day is written HH:MM, e.g. 08:30, got {_shown(err['input'])}"
    elif err["type"].startswith(("date_from_datetime", "date_parsing", "date_type")):
        message = (f"a date is written YYYY-MM-DD, e.g. 2026-03-02, got "
                   f"{_shown(err['input'])}")
    message = message.removeprefix("Value error, ")
    return path, message + _line_hint(text, path)


def _duration_fields(loc: tuple[Any, ...]) -> list[str]:
    """Keys allowed in a duration table, from the ``dist`` tag pydantic puts in the location."""
    from hiresim.distributions import DurationSpec

    tags = [part for part in loc if isinstance(part, str) and part in _DIST_TAGS]
    if not tags:
        return []
    for model in typing.get_args(DurationSpec):
        field = model.model_fields.get("dist")
        if field is not None and field.default == tags[-1]:
            return [f.alias or name for name, f in model.model_fields.items()]
    return []


def _is_union_tag(part: Any) -> bool:
    """Pydantic adds the discriminator value and type names to locations; they are noise."""
    return isinstance(part, str) and (part in _DIST_TAGS or part.startswith(("function-", "tuple")))


_DIST_TAGS = {"constant", "exponential", "uniform", "triangular", "gamma", "lognormal",
              "empirical", "float", "int"}


def _known_fields(model: type[BaseModel], loc: list[Any]) -> list[str]:
    """Field names allowed at ``loc`` inside ``model`` (walks dicts, lists and optionals)."""
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return []
            annotation = field.annotation
        else:
            origin = typing.get_origin(annotation)
            args = typing.get_args(annotation)
            if origin is dict and args:
                annotation = args[1]
            elif origin in (list, tuple) and args:
                annotation = args[0]
            else:
                return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            annotation = models[0] if len(models) == 1 else (args[0] if len(args) == 1 else Any)
            if annotation is Any:
                return annotation
        else:
            return annotation


def _line_hint(text: str | None, path: str) -> str:
    """`` (line N)`` where the field at ``path`` (or its nearest written parent) stands."""
    if not text or not path:
        return ""
    lines = _toml_lines(text)
    parts = tuple(path.split("."))
    for n in range(len(parts), 0, -1):
        if parts[:n] in lines:
            return f" (line {lines[parts[:n]]})"
    return ""


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([\w\-\"'.]+?)\s*=")
_INLINE_KEY = re.compile(r"[{,]\s*([\w\-]+)\s*=")


def _toml_lines(text: str) -> dict[tuple[str, ...], int]:
    """Map every table and key path written in a TOML text to its line number.

    Follows table headers (``[roles.vp]``) and arrays of tables (the n-th ``[[rounds]]`` is
    ``rounds.n``), dotted keys, and the keys of one-line inline tables.
    """
    where: dict[tuple[str, ...], int] = {}
    counts: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            names = [p.strip().strip("\"'") for p in header.group(2).split(".")]
            path: list[str] = []
            for name in names[:-1]:
                path.append(name)
                if tuple(path) in counts:
                    path.append(str(counts[tuple(path)] - 1))
            path.append(names[-1])
            if header.group(1) == "[[":
                key = tuple(path)
                counts[key] = counts.get(key, 0) + 1
                path.append(str(counts[key] - 1))
            table = tuple(path)
            where.setdefault(table, number)
            continue
        assignment = _KEY.match(line)
        if assignment:
            full = table + tuple(p.strip().strip("\"'") for p in assignment.group(1).split("."))
            where.setdefault(full, number)
            for inner in _INLINE_KEY.findall(line[assignment.end():]):
                where.setdefault((*full, inner), number)
    return where


def check_references(scenario: Scenario) -> list[tuple[str, str]]:
    """Cross-field checks pydantic cannot do alone: names that must refer to something."""
    problems: list[tuple[str, str]] = []
    roles = scenario.roles
    role_names = list(roles)

    def need_role(path: str, name: str) -> None:
        if name not in roles:
            hint = _close_matches(name, role_names, n=1, cutoff=0.5)
            more = f"; did you mean {hint[0]!r}?" if hint else ""
            problems.append((path, f"unknown role {name!r}{more} Roles defined: "
                                   f"{', '.join(role_names) or 'none'}."))

    for name, role in roles.items():
        if role.calendar not in scenario.calendars:
            hint = _close_matches(role.calendar, list(scenario.calendars), n=1)
            more = f"; did you mean {hint[0]!r}?" if hint else ""
            problems.append((f"roles.{name}.calendar",
                             f"unknown calendar {role.calendar!r}{more} Calendars defined: "
                             f"{', '.join(scenario.calendars)}."))
    need_role("requisitions.recruiter_role", scenario.requisitions.recruiter_role)
    need_role("requisitions.hiring_manager_role", scenario.requisitions.hiring_manager_role)
    for i, rnd in enumerate(scenario.rounds):
        need_role(f"rounds.{i}.panel_role", rnd.panel_role)
        panel_role = roles.get(rnd.panel_role)
        if (panel_role is not None and panel_role.assignment == "case"
                and rnd.panel > panel_role.count):
            problems.append((f"rounds.{i}.panel",
                             f"a panel of {rnd.panel} needs at least {rnd.panel} people in role "
                             f"{rnd.panel_role!r}, which has {panel_role.count}"))
        if rnd.debrief_minutes is not None and scenario.debrief is None:
            problems.append((f"rounds.{i}.debrief_minutes",
                             "a round's debrief length needs a [debrief] block (who attends); "
                             "add [debrief] or remove debrief_minutes"))
    last = len(scenario.rounds) - 1
    if scenario.rounds[last].decision.advance > 0:
        problems.append((f"rounds.{last}.decision.advance",
                         "the last round cannot advance candidates (there is no next round)"))
    def enough_people(path: str, step: ApprovalStep) -> None:
        for name in step.roles:
            if name in roles and step.per_role > roles[name].count:
                problems.append((f"{path}.per_role",
                                 f"{step.per_role} people of role {name!r} are asked to sign, "
                                 f"but it has {roles[name].count}; allowed: 1 to "
                                 f"{roles[name].count}"))

    if scenario.approvals is not None:
        for i, step in enumerate(scenario.approvals.steps):
            for j, name in enumerate(step.roles):
                need_role(f"approvals.steps.{i}.roles.{j}", name)
            enough_people(f"approvals.steps.{i}", step)
            if step.escalate_to is not None:
                need_role(f"approvals.steps.{i}.escalate_to", step.escalate_to)
    for block in ("absence", "priority", "turnover", "reorganization"):
        spec = getattr(scenario, block)
        if spec is not None and spec.roles is not None:
            for j, name in enumerate(spec.roles):
                need_role(f"{block}.roles.{j}", name)
    for name in scenario.continuity.roles:
        need_role(f"continuity.roles.{name}", name)
    if scenario.requirements is not None:
        for i, step in enumerate(scenario.requirements.approvals):
            for j, name in enumerate(step.roles):
                need_role(f"requirements.approvals.{i}.roles.{j}", name)
            enough_people(f"requirements.approvals.{i}", step)
            if step.committee is not None:
                problems.append((f"requirements.approvals.{i}.committee",
                                 "reclassification steps are tasks; committees are allowed in "
                                 "the offer approval chain only"))
    if scenario.communication.legal_review is not None:
        need_role("communication.legal_review.role", scenario.communication.legal_review.role)
    if scenario.extensions:  # a mechanism's checks that depend on the rest of the scenario
        from hiresim.mechanisms import registered

        known = registered()
        for name, block in scenario.extensions.items():
            if block is not None:
                problems.extend(known[name].check(scenario, block))
    if not problems:  # the checks below read roles and calendars by name
        problems.extend(_check_feasible(scenario))
    problems.extend(_check_calendars(scenario))
    if scenario.requisitions.initial == 0 and scenario.requisitions.rate_per_month == 0:
        problems.append(("requisitions", "no requisition ever opens: set initial >= 1 or "
                                         "rate_per_month > 0"))
    return problems


def _minutes_of(clock: str) -> int:
    hh, mm = clock.split(":")
    return int(hh) * 60 + int(mm)


def longest_meeting(spec: CalendarSpec, slot_minutes: int) -> float:
    """The longest meeting (minutes) that fits in one working day of a calendar, on the slot
    grid: the longest stretch of whole slots between the start of the day, lunch and its end
    (``inf`` for an always-open calendar)."""
    if spec.always_open:
        return math.inf
    start, end = _minutes_of(spec.hours[0]), _minutes_of(spec.hours[1])
    stretches = [(start, end)]
    if spec.lunch is not None:
        stretches = [(start, _minutes_of(spec.lunch[0])), (_minutes_of(spec.lunch[1]), end)]
    return max((b // slot_minutes + (-a) // slot_minutes) * slot_minutes for a, b in stretches)


def _check_feasible(scenario: Scenario) -> list[tuple[str, str]]:
    """Combinations that validate field by field but can never happen: a meeting longer than
    any working day of an attendee (every candidate would wait for ever without a word), a
    committee that never sits."""
    s = scenario
    problems: list[tuple[str, str]] = []
    slot = s.scheduling.slot_minutes

    def fits(minutes: int, roles: list[str], path: str) -> None:
        for role in dict.fromkeys(roles):
            name = s.roles[role].calendar
            longest = longest_meeting(s.calendars[name], slot)
            if minutes > longest:
                problems.append((path, f"{minutes} minutes never fit in a working day of "
                                       f"{role!r} (calendar {name!r}: at most {longest:.0f} "
                                       f"minutes in one stretch, see calendars.{name}.hours and "
                                       f"lunch); shorten the meeting or widen the hours"))

    hm, recruiter = s.requisitions.hiring_manager_role, s.requisitions.recruiter_role
    if s.scheduling.enabled:
        for i, rnd in enumerate(s.rounds):
            pool = s.roles[rnd.panel_role].assignment == "pool"
            attendees = [] if pool else [rnd.panel_role]
            if rnd.hiring_manager_attends:
                attendees.append(hm)
            fits(rnd.interview_minutes, attendees or [recruiter], f"rounds.{i}.interview_minutes")
        if s.debrief is not None:
            others = [hm, *([recruiter] if s.debrief.recruiter_attends else [])]
            shared: list[str] = []  # rounds whose debrief is [debrief] minutes long
            for i, rnd in enumerate(s.rounds):
                panel = [rnd.panel_role] if s.roles[rnd.panel_role].assignment == "case" else []
                if rnd.debrief_minutes is None:
                    shared += panel
                else:
                    fits(rnd.debrief_minutes, panel + others, f"rounds.{i}.debrief_minutes")
            if any(rnd.debrief_minutes is None for rnd in s.rounds):
                fits(s.debrief.minutes, shared + others, "debrief.minutes")
    if s.approvals is not None:
        for i, step in enumerate(s.approvals.steps):
            board = step.committee
            if board is None:
                continue
            cal = s.calendars[s.roles[step.roles[0]].calendar]
            if cal.always_open:
                continue
            days = set(board.weekdays) & set(cal.weekdays)
            at = _minutes_of(board.time)
            inside = _minutes_of(cal.hours[0]) <= at < _minutes_of(cal.hours[1]) and not (
                cal.lunch is not None
                and _minutes_of(cal.lunch[0]) <= at < _minutes_of(cal.lunch[1]))
            if not days or not inside:
                problems.append((f"approvals.steps.{i}.committee",
                                 f"the committee never sits: {', '.join(board.weekdays)} at "
                                 f"{board.time} is outside the working time of "
                                 f"{step.roles[0]!r} (calendar {s.roles[step.roles[0]].calendar!r}"
                                 f": {', '.join(cal.weekdays)}, {cal.hours[0]}-{cal.hours[1]})"))
    return problems


def _check_calendars(scenario: Scenario) -> list[tuple[str, str]]:
    problems = []
    for name, spec in scenario.calendars.items():
        try:
            calendar_from_spec(spec)
        except ValueError as exc:
            problems.append((f"calendars.{name}", str(exc)))
    return problems


def calendar_from_spec(spec: CalendarSpec) -> WorkingCalendar:
    """The :class:`~hiresim.calendar.WorkingCalendar` a calendar spec describes."""
    from hiresim.calendar import WorkingCalendar

    return WorkingCalendar(
        weekdays=tuple(WEEKDAYS.index(d) for d in spec.weekdays),
        start=spec.hours[0], end=spec.hours[1],
        lunch=None if spec.lunch is None else (spec.lunch[0], spec.lunch[1]),
        country=spec.country, subdivision=spec.subdivision,
        closed_dates=tuple(spec.closed), always_open=spec.always_open,
    )


# ---------------------------------------------------------------------------------------------
# What-ifs: overrides by dotted path and delay sources switched off


def with_overrides(scenario: Scenario, overrides: dict[str, Any], *, source: str = "overrides"
                   ) -> Scenario:
    """Replace values by dotted path (``"roles.recruiter.count"``, ``"rounds.0.panel"``).

    Unknown paths and invalid values raise :class:`ScenarioError` naming the path, before
    anything runs.
    """
    data = scenario.model_dump(mode="python")
    # the blocks of mechanisms on the extension point are top-level tables, as in a file:
    # ``season.freezes.0.end`` reaches them, and they are validated by their own models
    for name, block in list(data.get("extensions", {}).items()):
        if block is not None:
            data[name] = data["extensions"].pop(name)
    problems: list[tuple[str, str]] = []
    for dotted, value in overrides.items():
        dotted = _renamed_path(dotted, source)
        parts = dotted.split(".")
        node: Any = data
        for depth, part in enumerate(parts[:-1]):
            node = _child(node, part)
            if node is None:
                problems.append((dotted, f"no field {'.'.join(parts[: depth + 1])!r} in the "
                                         "scenario"))
                break
        else:
            last = parts[-1]
            if isinstance(node, list):
                if not last.isdigit() or int(last) >= len(node):
                    problems.append((dotted, f"index {last!r} out of range"))
                    continue
                node[int(last)] = copy.deepcopy(value)
            elif isinstance(node, dict):
                known = _known_fields(Scenario, _model_path(parts[:-1], data))
                if known and last not in known:
                    close = _close_matches(last, known, n=1)
                    more = f"; did you mean {close[0]!r}?" if close else ""
                    problems.append((dotted, f"unknown field {last!r}{more}"))
                    continue
                node[last] = copy.deepcopy(value)
            else:
                problems.append((dotted, "cannot set a field inside a plain value"))
    if problems:
        raise ScenarioError(source, problems)
    return validate(data, source=source)


def _renamed_path(dotted: str, source: str) -> str:
    """A dotted path under an old block name (``absences.vacation_days_per_year``), moved to
    the new one with a :class:`HiresimDeprecationWarning`."""
    head, _, rest = dotted.partition(".")
    if head not in RENAMED:
        return dotted
    if head == "behaviour":
        new = "candidates" + (f".{rest}" if rest else "")
    else:
        new = RENAMED[head] + (f".{rest}" if rest else "")
    warnings.warn(f"{source}: {dotted} is now {new} (one name per mechanism)",
                  HiresimDeprecationWarning, stacklevel=4)
    return new


def _child(node: Any, part: str) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return None


def _model_path(parts: list[str], data: dict[str, Any]) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in parts]


#: Capacity that stands for "as many tasks at once as arrive" (contention switched off).
UNLIMITED = 1_000_000

#: Delay sources that :func:`without` can switch off, and what switching off means.
DELAY_SOURCES: dict[str, str] = {
    "calendar": "everyone works around the clock: calendars always open, no holidays",
    "contention": "nobody queues: every person works on all their tasks at once, with all "
                  "their working time (hiring_share 1)",
    "scheduling": "no search for a common free slot: a meeting is held at the first slot in "
                  "which every attendee is at work and present (absences and working hours "
                  "still block; calendar load, meetings already booked, the candidate's load "
                  "and the notice period do not), and it never moves (no cancellations or "
                  "no-shows)",
    "calendar_load": "nobody has other meetings: calendars are empty",
    "approvals": "no approval chain for offers",
    "communication": "decisions reach the candidate at once (direct, no hand-off, no message, "
                     "no legal review, no held rejections, no ghosting)",
    "communication_direct": "the hiring manager tells the candidate (no hand-off to the "
                            "recruiter; everything else of the communication policy kept)",
    "communication_handoff": "the hand-off to the recruiter takes no time (policy, message, "
                             "review, held rejections and ghosting kept)",
    "communication_ghosting": "every rejection is sent (nobody is ghosted; the rest of the "
                              "communication policy kept)",
    "absence": "nobody takes vacation or sick leave",
    "priority": "nobody is pulled onto top-priority projects",
    "turnover": "nobody leaves",
    "reorganization": "no reorganizations",
    "requirements": "requisitions are never rethought",
}


def delay_sources(scenario: Scenario | None = None) -> dict[str, str]:
    """The delay sources that :func:`without` can switch off: :data:`DELAY_SOURCES`, then the
    user mechanisms the scenario uses."""
    out = dict(DELAY_SOURCES)
    if scenario is not None:
        from hiresim.mechanisms import registered

        known = registered()
        for name in scenario.extensions:
            meaning = getattr(known.get(name), "switched_off", None)
            out[name] = meaning or f"no {name.replace('_', ' ')} (a user mechanism)"
    return out


#: Ablation names that were renamed (one name per mechanism).
RENAMED_SOURCES = {"bureaucracy": "approvals"}


def without(scenario: Scenario, source: str) -> Scenario:
    """A copy of ``scenario`` with one delay source switched off, for ablation.

    Switching off a source that is already off returns an equal scenario, so its results are
    identical (common random numbers). A user mechanism is switched off by its name.
    """
    if source in RENAMED_SOURCES:
        new = RENAMED_SOURCES[source]
        warnings.warn(f"delay source {source!r} is now {new!r}", HiresimDeprecationWarning,
                      stacklevel=2)
        source = new
    allowed = delay_sources(scenario)
    if source not in allowed:
        raise ValueError(f"unknown delay source {source!r}; allowed: {', '.join(allowed)}")
    data = scenario.model_dump(mode="python")
    if source in scenario.extensions:
        data["extensions"][source] = None
    elif source in ("absence", "priority", "turnover", "reorganization", "requirements",
                    "approvals"):
        data[source] = None
    elif source == "calendar":
        for cal in data["calendars"].values():
            cal.update(always_open=True, country=None, subdivision=None, closed=[])
    elif source == "contention":
        for role in data["roles"].values():
            role["capacity"] = UNLIMITED
            role["hiring_share"] = 1.0
    elif source == "scheduling":
        # the search through booked calendars goes, presence does not: a meeting still waits
        # for every attendee to be at work and back from leave (already "as soon as due" when
        # scheduling is disabled: nothing to switch off)
        if data["scheduling"]["enabled"]:
            data["scheduling"]["slot_search"] = False
        data["scheduling"]["cancel_rate_per_day"] = 0.0
        data["scheduling"]["no_show_probability"] = 0.0
    elif source == "calendar_load":
        for role in data["roles"].values():
            role["calendar_load"] = 0.0
        data["scheduling"]["candidate_load"] = 0.0
    elif source == "communication":
        data["communication"] = {"policy": "direct", "handoff": 0.0, "message": 0.0}
    elif source == "communication_direct":
        data["communication"]["policy"] = "direct"
    elif source == "communication_handoff":
        if data["communication"]["policy"] == "hr_gated":  # direct: no hand-off to shorten
            data["communication"]["handoff"] = 0.0
    elif source == "communication_ghosting":
        data["communication"]["ghost_probability"] = 0.0
    return Scenario.model_validate(data)


# ---------------------------------------------------------------------------------------------
# Presets and schema


def presets() -> list[str]:
    """Names of the scenario files embedded in hiresim (``hs.preset(name)`` loads one)."""
    return sorted(p.name.removesuffix(".toml") for p in _preset_folder().iterdir()
                  if p.name.endswith(".toml"))


def _preset_folder() -> Any:
    """The embedded presets: a data folder (not a subpackage, which would shadow
    :func:`presets` as an attribute of the ``hiresim`` package)."""
    return resources.files("hiresim").joinpath("presets")


def preset_description(name: str) -> str:
    """The preset's one-line description (its ``description`` field)."""
    return preset(name).description.strip().splitlines()[0] if preset(name).description else ""


def preset(name: str) -> Scenario:
    """Load an embedded preset by name, e.g. ``hs.preset("default")``."""
    names = presets()
    if name not in names:
        close = _close_matches(name, names, n=1)
        more = f"; did you mean {close[0]!r}?" if close else ""
        raise ScenarioError(f"preset {name!r}", [("", f"no such preset{more} "
                                                       f"Presets: {', '.join(names)}.")])
    resource = _preset_folder().joinpath(f"{name}.toml")
    text = resource.read_text(encoding="utf-8")
    return validate(tomllib.loads(text), source=f"preset:{name}", text=text)


def json_schema() -> dict[str, Any]:
    """JSON Schema of scenario files, for editors that complete and check TOML/JSON."""
    from hiresim.mechanisms import SHIPPED, registered

    schema = Scenario.model_json_schema()
    # the blocks of the mechanisms shipped on the extension point are top-level tables too
    for name, mechanism in registered().items():
        if mechanism.__module__ in SHIPPED:
            block = mechanism.spec.model_json_schema(ref_template="#/$defs/{model}")
            schema.setdefault("$defs", {}).update(block.pop("$defs", {}))
            schema["properties"][name] = {"anyOf": [block, {"type": "null"}], "default": None}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "hiresim scenario"
    return schema
