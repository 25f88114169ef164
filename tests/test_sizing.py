"""Run-size estimates before anything is simulated, and the refusal of runs that do not fit."""

from __future__ import annotations

import pytest

import hiresim as hs
from hiresim.scenario.sizing import LIMITS, check_size, estimate


def test_estimate_matches_the_expected_count_where_it_is_exact():
    """mmc: one requisition open all along, Poisson arrivals: the estimate is the expected
    count, and the mean of 4 replications lies within 4 standard errors of it."""
    sc = hs.preset("mmc")
    per_rep = len(hs.simulate(sc, replications=4, seed=3, event_log=False).candidates) / 4
    expected = estimate(sc).candidates
    assert abs(per_rep - expected) < 4 * (expected / 4) ** 0.5


def test_estimate_is_an_upper_bound_of_the_right_order_on_the_default_preset():
    """Requisitions that open late or fill early draw fewer candidates than the estimate."""
    sc = hs.preset("default")
    per_rep = len(hs.simulate(sc, replications=4, seed=3, event_log=False).candidates) / 4
    assert per_rep <= estimate(sc).candidates <= 3 * per_rep


def huge() -> hs.Scenario:
    return hs.preset("default").with_overrides({
        "horizon_days": 3000, "requisitions.initial": 5000, "candidates.rate_per_week": 50.0,
        "candidates.max_per_requisition": None, "roles.interviewer.count": 10_000})


def test_a_run_too_large_stops_before_simulating_and_names_its_fields():
    with pytest.raises(hs.ScenarioError) as err:
        hs.simulate(huge(), replications=2)
    text = str(err.value)
    assert "too large" in text and "candidates per replication" in text
    for field in ("horizon_days", "requisitions.initial", "candidates.rate_per_week",
                  "roles.*.count"):
        assert field in text
    assert "force=True" in text and "--force" in text


def test_force_lets_it_through_the_check():
    size = check_size(huge(), force=True)
    assert size.candidates > LIMITS["candidates per replication"]


def test_many_replications_of_a_normal_run_are_limited_by_the_result_tables():
    sc = hs.preset("default")
    check_size(sc, replications=1_000)
    with pytest.raises(hs.ScenarioError, match="event_log=False"):
        check_size(sc, replications=2_000_000)
    check_size(sc, replications=2_000_000, event_log=False, force=True)


def test_a_long_replication_is_announced_up_front():
    from hiresim.scenario.sizing import LongRunWarning

    long_one = hs.preset("mmc").with_overrides(
        {"horizon_days": 25_000, "drain_days": 0, "candidates.rate_per_week": 100.0})
    with pytest.warns(LongRunWarning, match="each replication takes about"):
        check_size(long_one)
