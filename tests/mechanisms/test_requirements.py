"""``requirements``: a requisition rethought is on hold while it is reclassified, then kept,
split in two or cancelled."""

from __future__ import annotations

from typing import Any

import pytest

from hiresim.mechanisms.requirements import Requirements
from hiresim.model import Replication

from .helpers import ALWAYS_OPEN, FRIDAY, H, base, check_only, const, journey, replication, run


def requirements(**spec: Any) -> dict[str, Any]:
    roles = {
        "recruiter": {"count": 1},
        "hiring_manager": {"count": 1},
        "interviewer": {"count": 1},
        "finance": {"count": 1},
    }
    block = {
        "rate_per_year": 1e-3,  # no random rethink in the span; the test starts one
        "approvals": [{"roles": ["finance"], "work": const(10.0)}],
        "split_probability": 0.3,
        "cancel_probability": 0.2,
        **spec,
    }
    return base(calendars=ALWAYS_OPEN, roles=roles, requirements=block)


def rethink_at(rep: Replication, t: float, u: float) -> None:
    """Start a rethink of requisition R1 at ``t`` whose outcome draw is ``u`` (cancel below
    0.2, split below 0.5, keep above)."""
    requirements = rep.mechanism("requirements")
    assert isinstance(requirements, Requirements)
    rethink = requirements.rethink(rep.world.requisitions[0], [t], [u])
    rep.world.env.process(rethink)


def test_requirements_hold_charged_to_requirements():
    """Rethought at hour 1 after the interview; the 10 h reclassification ends at hour 11: the
    decision, ready at hour 2, is held 9 h."""
    rep = replication(requirements())
    rethink_at(rep, FRIDAY + 1, 0.9)
    tables = run(rep)
    check_only(journey(tables), requirements=9 * H, work=2 * H)
    assert len(rep.world.requisitions) == 1
    assert (tables["events"]["stage"] == "requirements").sum() == 1


def test_requirements_split_opens_a_second_requisition():
    rep = replication(requirements())
    rethink_at(rep, FRIDAY + 1, 0.3)
    tables = run(rep)
    check_only(journey(tables), requirements=9 * H, work=2 * H)
    assert len(rep.world.requisitions) == 2
    assert set(tables["candidates"]["requisition"]) == {"R1", "R2"}


@pytest.mark.parametrize(("told", "outcome"), [(1.0, "reject"), (0.0, "ghosted")])
def test_requirements_cancel_rejects_or_ghosts(told, outcome):
    rep = replication(requirements(told_when_cancelled=told))
    rethink_at(rep, FRIDAY + 1, 0.1)
    tables = run(rep)
    row = journey(tables)
    assert row["outcome"] == outcome
    assert bool(row["censored"]) is (outcome == "ghosted")
    check_only(row, requirements=9 * H, work=2 * H)
    req = rep.world.requisitions[0]
    assert req.cancelled and req.closed
