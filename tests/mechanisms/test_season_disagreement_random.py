"""``season`` and ``disagreement`` on random valid blocks (Hypothesis): every scenario loads,
runs, and keeps the accounting identity with the extension causes in every row; and a freeze
never charges time outside its stages' holds."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hiresim as hs
from hiresim.mechanisms.season import STAGES

from .helpers import const

START = date(2026, 1, 5)


@st.composite
def freezes(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Up to three disjoint freezes in the first 80 days: one-off or every year."""
    out, day = [], draw(st.integers(0, 20))
    for _ in range(draw(st.integers(0, 3))):
        length = draw(st.integers(1, 20))
        first, last = START + timedelta(days=day), START + timedelta(days=day + length - 1)
        if last.year != first.year:
            break
        every_year = draw(st.booleans())
        fmt = "%m-%d" if every_year else "%Y-%m-%d"
        out.append({"start": first.strftime(fmt), "end": last.strftime(fmt),
                    "stages": draw(st.lists(st.sampled_from(STAGES), min_size=1, max_size=6,
                                            unique=True))})
        day += length + draw(st.integers(0, 15))
    return out


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    months = draw(st.one_of(st.none(), st.lists(
        st.sampled_from([0.0, 0.5, 1.0, 2.0]), min_size=12, max_size=12).filter(any)))
    season: dict[str, Any] = {"freezes": draw(freezes())}
    if months is not None:
        season["candidates_by_month"] = months
    data: dict[str, Any] = {
        "start": START.isoformat(), "horizon_days": 40, "drain_days": 40,
        "roles": {"recruiter": {"count": 1}, "hiring_manager": {"count": 2},
                  "interviewer": {"count": 3, "calendar_load": draw(st.sampled_from([0, 0.3]))},
                  "finance": {"count": 1}},
        "requisitions": {"initial": 2, "rate_per_month": draw(st.sampled_from([0.0, 1.0]))},
        "candidates": {"rate_per_week": 2.0, "max_per_requisition": 5},
        "screening": {"work": const(0.5), "pass_probability": 0.8},
        "rounds": [{"panel": 2, "decision": {"advance": 0.5, "reject": 0.5}},
                   {"panel": draw(st.integers(1, 3)),
                    "decision": {"offer": 0.5, "reject": 0.5}}],
        "debrief": {"minutes": 30},
        "decision": {"work": const(0.5)},
        "approvals": {"steps": [{"roles": ["finance"], "work": const(2.0)},
                                {"roles": ["hiring_manager"], "work": const(1.0)}]},
        "season": season,
    }
    if draw(st.booleans()):
        data["disagreement"] = {"score_sd": draw(st.sampled_from([0.0, 0.5, 2.0])),
                                "agree_within": 0.5, "split_at": 1.5}
    return data


@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=scenarios(), seed=st.integers(0, 2**16))
def test_identity_with_random_seasons_and_panels(data, seed):
    results = hs.simulate(hs.load_scenario(data), replications=1, seed=seed)
    j = results.journeys
    delays = [c for c in j.columns if c.startswith("delay_")]
    np.testing.assert_allclose(j[delays].sum(axis=1), j["days_to_feedback"], atol=1e-6)
    assert (j[delays] >= -1e-9).all().all()
    assert j["feedback_at"].isna().eq(j["censored"]).all()
    if not data["season"]["freezes"]:
        assert (j.get("delay_freeze", pd.Series(0.0)) == 0).all()
    if "disagreement" not in data or data["disagreement"]["score_sd"] == 0.0:
        assert (j.get("delay_disagreement", pd.Series(0.0)) == 0).all()
