"""Ablation monotonicity: switching any one delay source off does not lengthen the headline
average beyond 3 standard errors of the paired difference (issue 14; design section 5).

Paired by replication (common random numbers): the baseline and the run without the source
share every other random draw, and the standard error is that of the *difference* of their
headline averages (a bootstrap over whole replications, the same resamples for both, on the
baseline's horizon). On the default preset every source is checked; on 50 random valid
scenarios (Hypothesis, derandomized so the suite is reproducible) one source each, drawn from
all of them, so every source meets a few different scenarios.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hiresim as hs
from hiresim.analysis import km
from hiresim.analysis.headline import rmst, tau_of
from hiresim.analysis.waits import replication_codes, waits
from hiresim.scenario import delay_sources

#: Bound in standard errors of the paired difference.
Z = 3.0
SOURCES = sorted(delay_sources())


def paired_difference(on: hs.Results, off: hs.Results, n_boot: int = 400) -> tuple[float, float]:
    """Headline average of ``off`` minus that of ``on`` (on ``on``'s horizon), and the
    bootstrap standard error of that difference (same replication resamples for both)."""
    a, b = waits(on), waits(off)
    tau = tau_of(a["time"].to_numpy(dtype=float))
    universe = np.unique(np.concatenate([a["replication"], b["replication"]]))
    weights = np.vstack([np.ones((1, universe.size)),
                         km.replication_weights(universe.size, n_boot,
                                                 np.random.default_rng(0))])

    def means(t):
        return rmst(t["time"].to_numpy(dtype=float), t["event"].to_numpy(dtype=bool),
                    replication_codes(t["replication"].to_numpy(), universe), weights, tau)

    diff = means(b) - means(a)
    return float(diff[0]), float(np.std(diff[1:], ddof=1))


def check(scenario: hs.Scenario, source: str, replications: int, seed: int) -> None:
    on = hs.simulate(scenario, replications=replications, seed=seed, event_log=False)
    off = hs.simulate(scenario.without(source), replications=replications, seed=seed,
                      event_log=False)
    diff, se = paired_difference(on, off)
    assert diff <= Z * se + 1e-9, (
        f"without {source}: headline average {diff:+.3f} days (SE of the paired difference "
        f"{se:.3f}) in {scenario.name}")


# ---------------------------------------------------------------- the default preset, every source


@pytest.fixture(scope="module")
def short_default() -> hs.Scenario:
    return hs.preset("default").with_overrides({"horizon_days": 91, "drain_days": 60})


@pytest.mark.parametrize("source", SOURCES)
def test_default_preset(short_default, source):
    check(short_default, source, replications=6, seed=14)


# ---------------------------------------------------------------- random valid scenarios


@st.composite
def scenarios(draw: st.DrawFn) -> hs.Scenario:
    """Small valid scenarios: the default preset's structure with every knob that feeds a
    delay source drawn (people, loads, arrivals, policies, disruptions)."""
    fraction = st.floats(0.0, 0.6, allow_nan=False).map(lambda x: round(x, 2))
    changes = {
        "horizon_days": draw(st.integers(28, 49)),
        "drain_days": 30,
        "requisitions.initial": draw(st.integers(1, 3)),
        "requisitions.rate_per_month": draw(st.sampled_from([0.0, 0.5, 1.5])),
        "candidates.rate_per_week": draw(st.sampled_from([0.6, 1.2, 2.0])),
        "roles.recruiter.count": draw(st.integers(1, 3)),
        "roles.hiring_manager.count": draw(st.integers(1, 4)),
        "roles.interviewer.count": draw(st.integers(2, 6)),
        "roles.recruiter.calendar_load": draw(fraction),
        "roles.hiring_manager.calendar_load": draw(fraction),
        "roles.interviewer.calendar_load": draw(fraction),
        "scheduling.enabled": draw(st.booleans()),
        "scheduling.notice_hours": draw(st.sampled_from([0.0, 24.0, 48.0])),
        "communication.policy": draw(st.sampled_from(["hr_gated", "direct"])),
        "communication.ghost_probability": draw(st.sampled_from([0.0, 0.1, 0.3])),
        "communication.hold_rejections_until_filled": draw(st.booleans()),
        "absence.vacation_days_per_year": draw(st.sampled_from([0.0, 13.0, 30.0])),
        "absence.sick_spells_per_year": draw(st.sampled_from([0.0, 3.0, 8.0])),
        "priority.rate_per_year": draw(st.sampled_from([0.5, 2.0, 6.0])),
        "turnover.annual_rate": draw(st.sampled_from([0.05, 0.15, 0.5])),
        "reorganization.rate_per_year": draw(st.sampled_from([0.2, 0.4, 2.0])),
        "requirements.rate_per_year": draw(st.sampled_from([0.5, 1.0, 3.0])),
        "approvals.steps.0.send_back": draw(st.sampled_from([0.0, 0.1, 0.4])),
    }
    # some blocks left out altogether (a source already off changes nothing, exactly)
    for block in ("absence", "priority", "turnover", "reorganization", "requirements",
                  "approvals"):
        if draw(st.booleans()) and draw(st.booleans()):  # one in four
            changes = {k: v for k, v in changes.items() if not k.startswith(block + ".")}
            changes[block] = None
    return hs.preset("default").with_overrides(changes)


@pytest.mark.slow
@settings(max_examples=50, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(), source=st.sampled_from(SOURCES), seed=st.integers(0, 2**16))
def test_random_scenarios(scenario, source, seed):
    check(scenario, source, replications=4, seed=seed)


def test_the_check_fails_when_switching_off_lengthens_the_wait(short_default, monkeypatch):
    """A planted "ablation" that leaves three interviewers of fourteen is caught (about +3.4
    days, SE 0.5)."""
    worse = short_default.with_overrides({"roles.interviewer.count": 3})
    monkeypatch.setattr(hs.Scenario, "without", lambda self, source: worse)
    with pytest.raises(AssertionError, match="without priority: headline average"):
        check(short_default, "priority", replications=6, seed=14)
