"""What the Northwind test company is: its size, vocabulary, habits and every rate it uses.

A :class:`WorldConfig` is frozen and hashable (tuples only), so a run can be cached by it.
Durations of people's work are in *working hours* of the person doing it (Mon-Fri 9-17 local,
outside their vacations and the public holidays); waits of candidates are in calendar days.
Lognormal durations are given as ``(median, p90)``.

Nothing here comes from hiresim: the world is the ground truth that hiresim's calibration and
forecasts are judged against, so it must not share hiresim's code, calendars or defaults.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

#: Names of the what-if variants that :meth:`WorldConfig.variant` builds.
WHAT_IFS = ("fast_scorecards", "no_sync")

#: Weekday names as the world uses them (0 = Monday).
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class RoundSpec:
    """One interview round: its stage name, panel, length, decision shares and weekly sync.

    ``interviewers`` are drawn at random from the hiring manager's team; with
    ``manager_attends`` the hiring manager sits on the panel too (and is listed in the
    export's panel). ``sync_share`` of the decisions wait for the team's weekly hiring sync;
    the rest are taken by the hiring manager alone as soon as every scorecard is in.
    """

    stage: str
    interviewers: int
    manager_attends: bool
    minutes: int
    advance: float
    offer: float
    reject: float
    sync_share: float

    @property
    def listed(self) -> int:
        """How many people the export lists for one interview of this round."""
        return self.interviewers + int(self.manager_attends)


#: Northwind's two rounds: a team interview of two, then an onsite of three and the manager.
TWO_ROUNDS = (
    RoundSpec("Team Interview", interviewers=2, manager_attends=False, minutes=60,
              advance=0.5, offer=0.0, reject=0.5, sync_share=0.30),
    RoundSpec("Onsite", interviewers=3, manager_attends=True, minutes=120,
              advance=0.0, offer=0.45, reject=0.55, sync_share=0.65),
)

#: A company with a single interview round (the degraded export "one round only").
ONE_ROUND = (
    RoundSpec("Interview", interviewers=2, manager_attends=True, minutes=90,
              advance=0.0, offer=0.25, reject=0.75, sync_share=0.5),
)


@dataclass(frozen=True)
class WorldConfig:
    """The Northwind company: organisation, arrivals, habits, calendars and candidates.

    The default is about the size of hiresim's default preset (4 recruiters, 6 hiring
    managers, 4 open jobs at the start and 1.5 new ones a month, about 1.2 candidates reaching
    an interview per open job and week); :meth:`scaled` multiplies staff and arrivals,
    :meth:`large` is the company of issue 21 and :meth:`medium` the one of issue 24.
    """

    name: str = "northwind"
    #: First day of the records (a Monday); the company starts with its initial open jobs.
    start: dt.date = dt.date(2025, 1, 6)
    #: Where the offices are: working hours and timestamps are local time there.
    timezone: str = "Europe/Berlin"
    #: Public holidays (``holidays`` package): country and subdivision; None: no holidays.
    holidays_country: str | None = "DE"
    holidays_subdiv: str | None = "BE"
    #: Office hours, local (whole hours), Monday to Friday.
    day_hours: tuple[int, int] = (9, 17)

    # ---- organisation
    departments: tuple[str, ...] = ("Engineering", "Sales")
    recruiters_per_department: int = 2
    managers_per_department: int = 3
    #: Interviewers in each hiring manager's team (each belongs to one team only).
    team_size: int = 3

    # ---- jobs and applications
    initial_jobs_per_department: int = 2
    openings_per_department_month: float = 0.75
    #: Probabilities of a job having 1, 2, 3, ... positions.
    positions: tuple[float, ...] = (0.75, 0.2, 0.05)
    #: A job not filled after this many days is cancelled (its candidates are rejected).
    job_max_open_days: float = 240.0
    #: Applications per open job and week (Poisson, at any hour of any day).
    applications_per_job_week: float = 3.0
    #: Share of applications by someone who applied before (the candidate id is reused).
    repeat_candidate_share: float = 0.05

    # ---- screening (the recruiter's phone screen)
    screen_pickup_hours: tuple[float, float] = (8.0, 40.0)
    screen_work_hours: float = 0.5
    screen_pass: float = 0.4

    # ---- interviews
    rounds: tuple[RoundSpec, ...] = TWO_ROUNDS
    #: No interview is booked sooner than this many calendar hours after it is requested.
    notice_hours: float = 24.0
    #: Scorecards: each panelist picks the scorecard up after a lognormal latency in working
    #: hours, then writes it (work, one scorecard at a time).
    scorecard_pickup_hours: tuple[float, float] = (3.0, 16.0)
    scorecard_work_hours: float = 0.5
    #: A decision the hiring manager takes alone: latency, then work.
    decision_pickup_hours: tuple[float, float] = (2.0, 12.0)
    decision_work_hours: float = 0.25
    #: Each team's weekly hiring sync: weekday and start hour of team k (0-based, in order of
    #: the hiring managers' ids) are ``sync_weekdays[k % n]`` and
    #: ``sync_hours[(k // n) % len(sync_hours)]`` with ``n = len(sync_weekdays)``. A sync falls
    #: out when it is a public holiday or the hiring manager is on vacation.
    sync_weekdays: tuple[int, ...] = (3, 1, 4, 2, 0)
    sync_hours: tuple[int, ...] = (10, 14, 11, 15, 16, 9)
    sync_minutes: int = 60

    # ---- offers
    #: The weekly offer committee approves every offer decided before it starts.
    committee_weekday: int = 1
    committee_hour: int = 14
    committee_minutes: int = 60
    accept_share: float = 0.8
    #: Calendar days a candidate takes to answer an offer.
    consideration_days: tuple[float, float] = (3.0, 8.0)

    # ---- communication: every decision reaches the candidate through the job's recruiter
    relay_pickup_hours: tuple[float, float] = (4.0, 24.0)
    relay_work_hours: float = 0.25
    #: Share of interviewed candidates' rejections held until the job is filled (or closed).
    hold_share: float = 0.2
    #: Share of rejections never told (recorded, but ``notified_at`` stays empty).
    ghost_share: float = 0.12

    # ---- candidates
    #: Share of candidates who never withdraw; the others withdraw when a silence lasts
    #: longer than their patience (exponential, calendar days, drawn per silence).
    never_withdraw: float = 0.4
    patience_days_mean: float = 30.0

    # ---- calendars: busy time as one-hour blocks
    #: Weekly recurring one-hour meetings per person (fixed weekday and hour each).
    recurring_meetings: int = 3
    #: One-off one-hour meetings per person and working day (Poisson).
    adhoc_meetings_per_day: float = 1.5
    vacation_days_per_year: int = 28
    #: Vacation blocks: whole working days, uniform between these bounds.
    vacation_block_days: tuple[int, int] = (1, 10)
    #: Relative chance of a vacation block starting in each month (summer and Christmas).
    vacation_season: tuple[float, ...] = (0.6, 0.6, 0.8, 0.9, 0.9, 1.3, 1.9, 1.9, 0.8, 0.8,
                                          0.9, 1.6)

    #: Free text: what this configuration stands for (carried into the truth).
    note: str = field(default="1x: about hiresim's default preset", compare=False)

    # ------------------------------------------------------------------ derived quantities

    @property
    def recruiters(self) -> int:
        return self.recruiters_per_department * len(self.departments)

    @property
    def hiring_managers(self) -> int:
        return self.managers_per_department * len(self.departments)

    @property
    def interviewers(self) -> int:
        return self.hiring_managers * self.team_size

    def sync_slot(self, team: int) -> tuple[int, int]:
        """(weekday, hour) of team ``team``'s weekly hiring sync."""
        n = len(self.sync_weekdays)
        return self.sync_weekdays[team % n], self.sync_hours[(team // n) % len(self.sync_hours)]

    def stage_names(self) -> dict[str, str]:
        """The company's stage names and the pipeline stage each maps onto (``"ignore"``)."""
        out = {"Applied": "screening", "Phone Screen": "screening"}
        for k, r in enumerate(self.rounds, start=1):
            out[r.stage] = f"round:{k}"
        out["Offer Extended"] = "offer"
        out["Hired"] = "ignore"
        return out

    # ---------------------------------------------------------------------- other worlds

    def scaled(self, k: float) -> WorldConfig:
        """``k`` times the staff (per department) and the arrivals (job openings)."""
        if k <= 0:
            raise ValueError(f"k must be positive, got {k!r}")

        def times(n: float) -> int:
            return max(1, round(n * k))

        return replace(
            self,
            recruiters_per_department=times(self.recruiters_per_department),
            managers_per_department=times(self.managers_per_department),
            initial_jobs_per_department=times(self.initial_jobs_per_department),
            openings_per_department_month=self.openings_per_department_month * k,
            note=f"{k:g}x of: {self.note}",
        )

    @classmethod
    def large(cls) -> WorldConfig:
        """Issue 21's company: 4 departments, 12 recruiters, 32 hiring managers with teams of
        6 interviewers (192), about 7,000 applications a year."""
        return cls(
            departments=("Engineering", "Sales", "Operations", "Finance"),
            recruiters_per_department=3,
            managers_per_department=8,
            team_size=6,
            initial_jobs_per_department=8,
            openings_per_department_month=3.0,
            note="issue 21: 4 departments, 12 recruiters, 32 hiring managers, teams of 6",
        )

    @classmethod
    def medium(cls) -> WorldConfig:
        """Issue 24's company: 6 recruiters, 16 hiring managers, 96 interviewers, about 3,100
        applications a year (issue 24's export had 3,255)."""
        return cls(
            recruiters_per_department=3,
            managers_per_department=8,
            team_size=6,
            initial_jobs_per_department=8,
            openings_per_department_month=2.9,
            note="issue 24: 6 recruiters, 16 hiring managers, teams of 6",
        )

    def one_round(self) -> WorldConfig:
        """The same company with a single interview round (``Interview``: offer or reject)."""
        return replace(self, rounds=ONE_ROUND, note=f"one round: {self.note}")

    def variant(self, what_if: str) -> WorldConfig:
        """The world with one habit changed: ``fast_scorecards`` (scorecards picked up and
        written four times faster) or ``no_sync`` (no decision waits for a weekly sync)."""
        if what_if == "fast_scorecards":
            m, p90 = self.scorecard_pickup_hours
            return replace(self, scorecard_pickup_hours=(m / 4, p90 / 4),
                           scorecard_work_hours=self.scorecard_work_hours / 4)
        if what_if == "no_sync":
            return replace(self, rounds=tuple(replace(r, sync_share=0.0) for r in self.rounds))
        raise ValueError(f"unknown what-if {what_if!r}; the world has {', '.join(WHAT_IFS)}")
