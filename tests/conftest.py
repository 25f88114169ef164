"""Shared fixtures: a small default-preset run, an M/M/c scenario factory, a minimal scenario."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

import hiresim as hs

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
