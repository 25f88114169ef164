"""The extension point: a user's own mechanism (hiresim.examples.background_check, written
against the public API only) adds its cause, is switched off by ablation with common random
numbers, keeps the accounting identity, and runs in worker processes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import hiresim as hs
from hiresim import analysis
from hiresim.causes import cause_columns
from hiresim.examples.background_check import BackgroundCheck
from hiresim.mechanisms import Mechanism, MechanismSpec, register, registered

H = 1.0 / 24.0


def offer_scenario(**check) -> hs.Scenario:
    """One candidate interviewed on Friday 2026-01-09 00:00; a 2 h scorecard; an offer told at
    once: the wait is 9 h off hours + 2 h work, plus whatever the check adds."""
    return hs.load_scenario({
        "start": "2026-01-05", "horizon_days": 14, "drain_days": 40,
        "calendars": {"office": {"hours": ["09:00", "17:00"]}},
        "roles": {"recruiter": {"count": 1}, "hiring_manager": {"count": 1},
                  "interviewer": {"count": 1}},
        "candidates": {"arrivals": "regular", "rate_per_week": 1.75, "max_per_requisition": 1},
        "rounds": [{"panel": 1, "interview_minutes": 0, "decision": {"offer": 1.0, "reject": 0.0}}],
        "scorecards": {"work": {"dist": "constant", "value": 2.0, "unit": "working_hours"}},
        "communication": {"policy": "direct", "message": 0},
        "scheduling": {"enabled": False},
        **({"background_check": check} if check else {}),
    })


def test_exact_delay_in_its_own_cause_column():
    sc = offer_scenario(days={"dist": "constant", "value": 3, "unit": "calendar_days"})
    row = hs.simulate(sc, replications=1, seed=1).journeys.iloc[0]
    assert row["outcome"] == "offer"
    assert row["delay_background_check"] == pytest.approx(3.0, abs=1e-9)
    assert row["delay_off_hours"] == pytest.approx(9 * H, abs=1e-9)
    assert row["delay_work"] == pytest.approx(2 * H, abs=1e-9)
    assert row["days_to_feedback"] == pytest.approx(3.0 + 11 * H, abs=1e-9)


def test_without_the_block_there_is_no_column_and_no_delay():
    row = hs.simulate(offer_scenario(), replications=1, seed=1).journeys.iloc[0]
    assert "delay_background_check" not in row.index
    assert row["days_to_feedback"] == pytest.approx(11 * H, abs=1e-9)


def test_share_zero_checks_nobody_but_keeps_the_column():
    sc = offer_scenario(share=0.0)
    j = hs.simulate(sc, replications=1, seed=1).journeys
    assert (j["delay_background_check"] == 0).all()


def default_with_check() -> hs.Scenario:
    data = hs.preset("default").model_dump(mode="json")
    data.update(horizon_days=90, drain_days=60)
    data["background_check"] = {}
    return hs.load_scenario(data)


def test_identity_holds_with_the_extension_cause():
    res = hs.simulate(default_with_check(), replications=3, seed=3)
    j = res.journeys
    cols = cause_columns(j.columns)
    assert cols[-1] == "delay_background_check"
    np.testing.assert_allclose(j[cols].sum(axis=1), j["days_to_feedback"], atol=1e-6)
    assert j.loc[j["outcome"] == "offer", "delay_background_check"].gt(0).any()
    ev = res.events
    wt = cause_columns(ev.columns, "wt_")
    assert wt[-1] == "wt_background_check"


def test_ablation_switches_it_off_with_common_random_numbers():
    sc = default_with_check()
    off = sc.without("background_check")
    assert off.extensions == {"background_check": None}
    a = hs.simulate(sc, replications=4, seed=5)
    b = hs.simulate(off, replications=4, seed=5)
    # the check draws from its own stream only: every wait that never reached an offer is
    # identical with and without it (until an offer changes who is still competing)
    ja, jb = a.journeys, b.journeys
    assert (jb["delay_background_check"] == 0).all()
    first = ja.groupby("replication")["interview_end"].min()
    assert first.equals(jb.groupby("replication")["interview_end"].min())
    table = analysis.ablate(sc, ["background_check"], replications=4, seed=5, n_boot=50)
    mean = table[table["statistic"] == "restricted_mean"].iloc[0]
    assert mean["change"] <= 0.0  # switching the check off does not lengthen the wait
    assert "background_check" in set(analysis.ablate(sc, replications=2, seed=5,
                                                     n_boot=10)["source"])


def test_same_results_in_worker_processes():
    sc = default_with_check()
    serial = hs.simulate(sc, replications=3, seed=9)
    pooled = hs.simulate(sc, replications=3, seed=9, workers=2)
    pd.testing.assert_frame_equal(serial.journeys, pooled.journeys)
    pd.testing.assert_frame_equal(serial.events, pooled.events)


def test_attribution_and_report_pick_it_up():
    res = hs.simulate(default_with_check(), replications=3, seed=3)
    att = analysis.attribution(res)
    assert "background_check" in set(att["cause"].astype(str))
    assert att["share"].sum() == pytest.approx(1.0)


def test_bad_blocks_are_scenario_errors_with_paths():
    with pytest.raises(hs.ScenarioError) as err:
        offer_scenario(days={"dist": "constant", "value": 3, "unit": "working_days"}, shear=1)
    text = str(err.value)
    assert "background_check.days" in text and "wall clock" in text
    assert "background_check.shear" in text and "Allowed: days, share" in text


def test_registration_rules():
    assert registered()["background_check"] is BackgroundCheck

    class Spec(MechanismSpec):
        pass

    class Clash(Mechanism):
        name = "absence"
        spec = Spec

    with pytest.raises(ValueError, match="built-in"):
        register(Clash)

    class NoSpec(Mechanism):
        name = "no_spec_here"

    with pytest.raises(TypeError, match="pydantic model"):
        register(NoSpec)

    class BadCause(Mechanism):
        name = "bad_cause_here"
        spec = Spec
        cause = "work"

    with pytest.raises(ValueError, match="new lowercase label"):
        register(BadCause)
    with pytest.raises(ValueError, match="unknown delay source"):
        offer_scenario().without("no_such_source")


def test_the_hr_report_shows_its_what_if():
    from hiresim.present.report import build_report

    rep = build_report(default_with_check(), replications=2, seed=3, ablation_replications=2,
                       sources=["background_check", "approvals"], n_boot=20)
    assert "background_check" in set(rep.ablation["source"])
    page = rep.to_html()
    assert 'data-ablation="background_check"' in page
    assert "No background check (your own mechanism)" in page
