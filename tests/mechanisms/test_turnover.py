"""``turnover``: a vacant seat until the replacement joins, who re-reviews inherited work."""

from __future__ import annotations

from typing import Any

import pytest

from hiresim import causes
from hiresim.model import Replication

from .helpers import (
    ALWAYS_OPEN,
    FRIDAY,
    H,
    base,
    check_only,
    const,
    journey,
    overlay,
    person,
    replication,
    run,
)


def turnover() -> dict[str, Any]:
    return base(calendars=ALWAYS_OPEN, turnover={"roles": ["recruiter"], "handover": const(3.0)})


def _vacancy(rep: Replication, pid: str, leave: float, join: float) -> None:
    overlay(rep, pid, leave, join, causes.TURNOVER)
    person(rep, pid).joins = [join]


def test_turnover_installs_the_replacements_handover():
    assert replication(base()).world.turnover_handover is None
    handover = replication(turnover()).world.turnover_handover
    assert handover is not None and not handover.zero


def test_turnover_vacancy_then_handover_for_queued_work():
    """Two candidates a day apart (Tue, Wed 00:00), 30 h scorecards. The interviewer leaves 6 h
    into the first; the seat is vacant until the replacement joins at hour 80, who finishes it
    (24 h left). The second scorecard, queued since hour 48, is then re-reviewed: 30 h + 3 h."""
    data = turnover()
    data["scorecards"] = {"work": const(30.0)}
    data["candidates"] = {"arrivals": "regular", "rate_per_week": 7, "max_per_requisition": 2}
    rep = replication(data)
    _vacancy(rep, "interviewer-1", 30.0, 80.0)
    tables = run(rep)
    first, second = tables["journeys"].iloc[0], tables["journeys"].iloc[1]
    check_only(first, turnover=50 * H, work=30 * H)
    check_only(second, turnover=32 * H, contention=24 * H, work=33 * H)
    cards = tables["events"].query("`concept:name` == 'scorecard'")
    assert list(cards["org:resource"]) == ["interviewer-1", "interviewer-1~1"]
    assert cards["suspended_days"].iloc[0] == pytest.approx(50 * H)


def test_turnover_work_arriving_at_a_vacant_seat_waits_for_the_join():
    rep = replication(turnover())
    _vacancy(rep, "interviewer-1", FRIDAY - 10, FRIDAY + 50)
    tables = run(rep)
    row = journey(tables)
    assert row["delay_turnover"] == pytest.approx(50 * H)
    card = tables["events"].query("`concept:name` == 'scorecard'").iloc[0]
    assert card["org:resource"] == "interviewer-1~1"


def test_turnover_work_arriving_at_a_vacant_seat_pays_handover():
    """Issue 3: open work "waits until a replacement joins ..., who then pays a hand-over"."""
    rep = replication(turnover())
    _vacancy(rep, "interviewer-1", FRIDAY - 10, FRIDAY + 50)
    check_only(journey(run(rep)), turnover=50 * H, work=5 * H)
