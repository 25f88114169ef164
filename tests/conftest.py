"""Shared fixtures: a small default-preset run, an M/M/c scenario factory, a minimal scenario."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

import hiresim as hs

# figures are drawn off screen (the plot and report tests import pyplot when they run)
os.environ["MPLBACKEND"] = "Agg"

#: Replications and seed of the session-wide default-preset run (kept small: the suite is fast).
DEFAULT_REPLICATIONS = 3
DEFAULT_SEED = 20260105

#: A small valid scenario: one office calendar, three roles, one round, constant durations.
#: Tests copy it (fixture ``minimal``) and change what they need.
MINIMAL: dict[str, Any] = {
    "name": "minimal",
    "start": "2026-01-05",  # a Monday
    "horizon_days": 14,
    "drain_days": 14,
    "calendars": {"office": {"hours": ["09:00", "17:00"]}},
    "roles": {
        "recruiter": {"count": 1, "calendar": "office"},
        "hiring_manager": {"count": 1, "calendar": "office"},
        "interviewer": {"count": 2, "calendar": "office"},
    },
    "candidates": {"arrivals": "regular", "rate_per_week": 1.75, "max_per_requisition": 1},
    "rounds": [{"panel": 1, "interview_minutes": 0, "decision": {"reject": 1.0}}],
    "scorecards": {"work": 2.0},
    "communication": {"policy": "direct", "message": 0},
    "scheduling": {"enabled": False},
}


@pytest.fixture
def minimal() -> dict[str, Any]:
    """A fresh deep copy of :data:`MINIMAL` (regular arrivals: the first on day 4, a Friday)."""
    return copy.deepcopy(MINIMAL)


@pytest.fixture(scope="session")
def default_results() -> hs.Results:
    """The default preset, a few replications, computed once per test session."""
    return hs.simulate(hs.preset("default"), replications=DEFAULT_REPLICATIONS, seed=DEFAULT_SEED)


def make_mmc(
    lam: float, c: int, mu: float, horizon_days: int = 120, drain_days: int = 30
) -> hs.Scenario:
    """The ``mmc`` preset as an M/M/c queue with rates per hour ``lam`` (arrivals), ``mu``
    (service per reviewer) and ``c`` reviewers; arrivals stop at ``horizon_days`` and the queue
    then drains, so no wait is censored."""
    return hs.preset("mmc").with_overrides(
        {
            "roles.reviewer.count": c,
            "candidates.rate_per_week": lam * 168.0,
            "scorecards.work": {"dist": "exponential", "mean": 1.0 / mu, "unit": "hours"},
            "horizon_days": horizon_days,
            "drain_days": drain_days,
        }
    )


@pytest.fixture(scope="session")
def mmc_scenario() -> Callable[..., hs.Scenario]:
    """Factory ``mmc_scenario(lam, c, mu, horizon_days=120, drain_days=30)``."""
    return make_mmc


# ---------------------------------------------------------------------------------------------
# Malformed scenarios (tests/test_scenario.py and tests/test_cli.py): a valid TOML file and, for
# each case, one edit that breaks it. A test that takes the ``bad_case`` argument runs once per
# case (see ``pytest_generate_tests``).

BASE_TOML = """\
name = "bad-input"
start = 2026-01-05
horizon_days = 30
drain_days = 10

[calendars.office]
hours = ["09:00", "17:00"]
lunch = ["12:00", "13:00"]
country = "US"

[roles.recruiter]
count = 2
calendar = "office"

[roles.hiring_manager]
count = 2
calendar = "office"

[roles.interviewer]
count = 4
calendar = "office"
calendar_load = 0.3

[roles.finance]
count = 1
calendar = "office"

[roles.vp]
count = 1
calendar = "office"

[candidates]
rate_per_week = 2.0

[screening]
work = { dist = "lognormal", median = 1.0, p90 = 3.0, unit = "working_hours" }
pass_probability = 0.7

[[rounds]]
panel = 2
decision = { advance = 0.5, offer = 0.0, reject = 0.5 }

[[rounds]]
panel = 3
decision = { advance = 0.0, offer = 0.5, reject = 0.5 }

[scorecards]
work = { dist = "exponential", mean = 2.0, unit = "working_hours" }

[debrief]
minutes = 30

[approvals]
revision = 2.0

[[approvals.steps]]
roles = ["finance", "vp"]
work = 1.0

[offers]
accept_probability = 0.8
"""


@dataclass(frozen=True)
class BadCase:
    """One malformed scenario: ``old`` (unique in :data:`BASE_TOML`) replaced by ``new``."""

    id: str
    old: str
    new: str
    #: The field path the error must name, and a fragment of what it must say.
    path: str
    says: str
    #: A fragment of the offending line in the broken file (the line the error should cite).
    mark: str

    @property
    def text(self) -> str:
        assert BASE_TOML.count(self.old) == 1, self.id
        return BASE_TOML.replace(self.old, self.new)

    def offending_lines(self) -> set[int]:
        """The line of the offending key and the header of the table it stands in."""
        lines = self.text.splitlines()
        hits = [n for n, line in enumerate(lines, start=1) if self.mark in line]
        assert len(hits) == 1, (self.id, hits)
        (line,) = hits
        headers = [n for n in range(line, 0, -1) if lines[n - 1].startswith("[")]
        return {line, headers[0]} if headers else {line}


_SCORECARD_WORK = 'work = { dist = "exponential", mean = 2.0, unit = "working_hours" }'

BAD_CASES: list[BadCase] = [
    BadCase(
        "unknown-key",
        "drain_days = 10",
        'drain_days = 10\ncolour = "blue"',
        "colour",
        "unknown key 'colour'",
        "colour",
    ),
    BadCase(
        "misspelt-key",
        "count = 4",
        "cuont = 4",
        "roles.interviewer.cuont",
        "did you mean 'count'?",
        "cuont",
    ),
    BadCase(
        "negative-duration",
        _SCORECARD_WORK,
        "work = -2.0",
        "scorecards.work",
        "greater than or equal to 0",
        "work = -2.0",
    ),
    BadCase(
        "negative-constant",
        "revision = 2.0",
        'revision = { dist = "constant", value = -1.0 }',
        "approvals.revision",
        "greater than or equal to 0",
        "revision =",
    ),
    BadCase(
        "probability-above-1",
        "accept_probability = 0.8",
        "accept_probability = 1.5",
        "offers.accept_probability",
        "less than or equal to 1",
        "accept_probability",
    ),
    BadCase(
        "decision-not-summing-to-1",
        "advance = 0.5, offer = 0.0, reject = 0.5",
        "advance = 0.5, offer = 0.0, reject = 0.6",
        "rounds.0.decision",
        "sum to 1",
        "reject = 0.6",
    ),
    BadCase(
        "unknown-approver-role",
        'roles = ["finance", "vp"]',
        'roles = ["finanse", "vp"]',
        "approvals.steps.0.roles.0",
        "did you mean 'finance'?",
        "finanse",
    ),
    BadCase(
        "unknown-panel-role",
        "panel = 3",
        'panel = 3\npanel_role = "interviewers"',
        "rounds.1.panel_role",
        "did you mean 'interviewer'?",
        "panel_role",
    ),
    BadCase(
        "p90-below-median",
        "median = 1.0, p90 = 3.0",
        "median = 3.0, p90 = 1.0",
        "screening.work",
        "p90",
        "p90 = 1.0",
    ),
    BadCase(
        "empty-panel",
        "panel = 2",
        "panel = 0",
        "rounds.0.panel",
        "greater than or equal to 1",
        "panel = 0",
    ),
    BadCase(
        "zero-people-in-role",
        "count = 4",
        "count = 0",
        "roles.interviewer.count",
        "greater than or equal to 1",
        "count = 0",
    ),
    BadCase(
        "closed-date-not-a-date",
        'country = "US"',
        'country = "US"\nclosed = ["2026-02-30"]',
        "calendars.office.closed.0",
        "YYYY-MM-DD",
        "closed",
    ),
    BadCase(
        "start-not-a-date",
        "start = 2026-01-05",
        'start = "next monday"',
        "start",
        "YYYY-MM-DD",
        "start =",
    ),
    BadCase(
        "unknown-calendar",
        '[roles.vp]\ncount = 1\ncalendar = "office"',
        '[roles.vp]\ncount = 1\ncalendar = "ofice"',
        "roles.vp.calendar",
        "did you mean 'office'?",
        '"ofice"',
    ),
    BadCase(
        "last-round-advances",
        "advance = 0.0, offer = 0.5, reject = 0.5",
        "advance = 0.4, offer = 0.1, reject = 0.5",
        "rounds.1.decision.advance",
        "last round",
        "advance = 0.4",
    ),
    BadCase(
        "quorum-above-group",
        'roles = ["finance", "vp"]',
        'roles = ["finance", "vp"]\nquorum = 3',
        "approvals.steps.0",
        "quorum 3",
        "quorum",
    ),
    BadCase(
        "lunch-outside-hours",
        'lunch = ["12:00", "13:00"]',
        'lunch = ["18:00", "19:00"]',
        "calendars.office",
        "lunch",
        "lunch",
    ),
    BadCase(
        "unknown-country", 'country = "US"', 'country = "XQ"', "calendars.office", "'XQ'", "XQ"
    ),
    BadCase(
        "hours-reversed",
        'hours = ["09:00", "17:00"]',
        'hours = ["17:00", "09:00"]',
        "calendars.office",
        "17:00",
        "hours =",
    ),
    BadCase(
        "bad-clock-time",
        'hours = ["09:00", "17:00"]',
        'hours = ["9am", "17:00"]',
        "calendars.office.hours.0",
        "HH:MM, e.g. 08:30",
        "9am",
    ),
    BadCase(
        "unknown-distribution",
        'dist = "exponential"',
        'dist = "weibull"',
        "scorecards.work",
        "'weibull'",
        "weibull",
    ),
    BadCase(
        "unknown-unit",
        'mean = 2.0, unit = "working_hours"',
        'mean = 2.0, unit = "fortnights"',
        "scorecards.work.unit",
        "working_days",
        "fortnights",
    ),
    BadCase(
        "wrong-type",
        "horizon_days = 30",
        'horizon_days = "a month"',
        "horizon_days",
        "whole number",
        "horizon_days",
    ),
    BadCase(
        "missing-required",
        "rate_per_week = 2.0",
        'arrivals = "poisson"',
        "candidates.rate_per_week",
        "missing",
        "[candidates]",
    ),
    BadCase(
        "slot-not-allowed",
        "accept_probability = 0.8",
        "accept_probability = 0.8\n\n[scheduling]\nslot_minutes = 45",
        "scheduling.slot_minutes",
        "15, 30 or 60",
        "slot_minutes",
    ),
    BadCase(
        "calendar-fully-booked",
        "calendar_load = 0.3",
        "calendar_load = 1.0",
        "roles.interviewer.calendar_load",
        "less than 1",
        "calendar_load",
    ),
    BadCase(
        "panel-larger-than-role",
        "panel = 3",
        "panel = 5",
        "rounds.1.panel",
        "needs at least 5 people",
        "panel = 5",
    ),
    BadCase(
        "unknown-weekday",
        'hours = ["09:00", "17:00"]',
        'hours = ["09:00", "17:00"]\nweekdays = ["Mon", "Funday"]',
        "calendars.office.weekdays.1",
        "'Mon'",
        "Funday",
    ),
]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "bad_case" in metafunc.fixturenames:
        metafunc.parametrize("bad_case", BAD_CASES, ids=[c.id for c in BAD_CASES])


@pytest.fixture
def bad_file(tmp_path, bad_case: BadCase):
    """The malformed scenario of ``bad_case`` written to a TOML file."""
    path = tmp_path / f"{bad_case.id}.toml"
    path.write_text(bad_case.text, encoding="utf-8")
    return path
