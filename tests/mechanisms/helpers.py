"""Shared helpers of the per-mechanism tests: a tiny deterministic scenario and its checks.

Deterministic tests build a tiny scenario (constant durations, one requisition, one candidate
arriving at a known time, no meeting search) with :func:`base`, build its replication
(:class:`~hiresim.model.Replication`: a World, the pipeline and the mechanism under test) with
every person's random disruptions removed, and lay a known disruption over a person's timeline
(:func:`overlay`), the deterministic core of a random mechanism. :func:`run` runs it and checks
the accounting identity; :func:`check_only` checks the exact delay of each cause.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest

from hiresim.causes import DELAY_COLUMNS
from hiresim.model import Replication
from hiresim.people import Person
from hiresim.scenario import load_scenario
from hiresim.workhours import PersonTimeline, layers_of

H = 1.0 / 24.0  #: one hour, in days
#: Hours since the epoch (Monday 2026-01-05 00:00) of Friday 2026-01-09 00:00, when the single
#: candidate of :func:`base` has their interview (regular arrivals, 4 days apart).
FRIDAY = 96.0

ALWAYS_OPEN = {"office": {"always_open": True}}


def const(value: float, unit: str = "working_hours") -> dict[str, Any]:
    return {"dist": "constant", "value": value, "unit": unit}


def base(**changes: Any) -> dict[str, Any]:
    """One requisition, one candidate interviewed on Friday 00:00, one interviewer whose 2 h
    scorecard is the only work; the decision (reject) reaches the candidate at once."""
    data: dict[str, Any] = {
        "name": "mechanism",
        "start": "2026-01-05",  # a Monday
        "horizon_days": 14,
        "drain_days": 40,
        "calendars": {"office": {"hours": ["09:00", "17:00"]}},
        "roles": {
            "recruiter": {"count": 1},
            "hiring_manager": {"count": 1},
            "interviewer": {"count": 1},
        },
        "candidates": {"arrivals": "regular", "rate_per_week": 1.75, "max_per_requisition": 1},
        "rounds": [{"panel": 1, "interview_minutes": 0, "decision": {"reject": 1.0}}],
        "scorecards": {"work": const(2.0)},
        "communication": {"policy": "direct", "message": 0},
        "scheduling": {"enabled": False},
    }
    data.update(copy.deepcopy(changes))
    return data


def replication(data: dict[str, Any], seed: int = 1) -> Replication:
    """A replication with every person's random disruptions removed (plain calendars)."""
    rep = Replication(load_scenario(data), seed, 0)
    for members in rep.people.values():
        for p in members:
            p.timeline = p.calendar
            p.joins = []
    return rep


def person(rep: Replication, pid: str) -> Person:
    return rep.world.person(pid)


def overlay(rep: Replication, pid: str, start: float, end: float, code: int) -> None:
    """Lay ``[start, end)`` (hours) of cause ``code`` over a person's timeline (and free mask),
    as the model does: their calendar with their own pieces (:meth:`PersonTimeline.over`), so
    that the causal rule sees the working calendar under a disruption."""
    p = person(rep, pid)
    line = p.timeline
    layers = [([start], [end], code)]
    if isinstance(line, PersonTimeline):
        layers += layers_of(line.pieces)
        line = line.calendar
    p.timeline = PersonTimeline.over(line, layers)
    p.free = p.timeline.slot_mask(rep.slots.slot_hours, rep.slots.n_slots)


def run(rep: Replication) -> dict[str, pd.DataFrame]:
    tables = rep.run()
    j = tables["journeys"]
    assert np.allclose(j[list(DELAY_COLUMNS)].sum(axis=1), j["days_to_feedback"], atol=1e-6)
    return tables


def check_only(row: pd.Series, **expected: float) -> None:
    """The row's delay columns are ``expected`` (days) and zero elsewhere."""
    for col in DELAY_COLUMNS:
        want = expected.get(col.removeprefix("delay_"), 0.0)
        assert row[col] == pytest.approx(want, abs=1e-9), col


def journey(tables: dict[str, pd.DataFrame], k: int = 0) -> pd.Series:
    return tables["journeys"].iloc[k]
