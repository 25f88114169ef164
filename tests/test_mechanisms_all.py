"""Every mechanism together: the baseline of the per-mechanism tests, ablation and intensity on
the default preset, identity with every mechanism on, and validation of every block.

The deterministic "exact delay, exact cause" tests of each mechanism are in
``tests/mechanisms/test_<name>.py``. Here random mechanisms are checked on the default preset with
common random numbers: switching a source off does not lengthen the mean wait, and more of it
gives more of its cause (paired by replication, bounds in standard errors).
"""

from __future__ import annotations

import math
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import pytest
from mechanisms.helpers import H, base, check_only, journey, replication, run

import hiresim as hs
from hiresim import causes
from hiresim.causes import DELAY_COLUMNS
from hiresim.mechanisms.reorganization import Reorganization
from hiresim.model import Replication

# ---------------------------------------------------------------------------------------------
# The baseline the deterministic tests add to


def test_baseline_friday_scorecard():
    row = journey(run(replication(base())))
    assert row["interview_end"] == pd.Timestamp("2026-01-09 00:00")
    assert row["outcome"] == "reject"
    assert row["days_to_feedback"] == pytest.approx(11 * H)
    check_only(row, off_hours=9 * H, work=2 * H)


# ---------------------------------------------------------------------------------------------
# The default preset with common random numbers: ablation and intensity

#: Replications of the paired comparisons: the replication is the independent unit, and a
#: difference of replication means paired by replication (common random numbers) has a
#: standard error estimated across replications.
N_PAIRED = 8
#: Replications of the intensity comparisons (rare org-wide events vary a lot between runs).
N_INTENSITY = 16
#: Send-back is measured on offers only (a few per replication): more replications.
N_SEND_BACK = 48
SEED = 20260105
#: One-sided bound, in standard errors.
Z = 3.0


@pytest.fixture(scope="module")
def short_default() -> hs.Scenario:
    """The default preset over a shorter span. Candidate behaviour is off: withdrawal censors
    long waits, which would hide part of what a delay source adds to ``days_to_feedback``."""
    return hs.preset("default").with_overrides(
        {"horizon_days": 90, "drain_days": 60, "candidates.follow_up": None,
         "candidates.patience": None}
    )


def per_replication(results: hs.Results, column: str, n: int, rows=None) -> pd.Series:
    j = results.journeys if rows is None else rows(results.journeys)
    return j.groupby("replication")[column].mean().reindex(range(n))


def paired(a: pd.Series, b: pd.Series) -> tuple[float, float]:
    """Mean and standard error of the paired difference ``a - b`` across replications."""
    d = (a - b).dropna()
    assert len(d) >= 3
    return float(d.mean()), float(d.std(ddof=1) / math.sqrt(len(d)))


@pytest.fixture(scope="module")
def baseline(short_default) -> hs.Results:
    # replication i is the same computation whatever the count: ablations use the first ones
    return hs.simulate(short_default, replications=N_INTENSITY, seed=SEED, event_log=False)


@pytest.mark.parametrize("source", list(hs.DELAY_SOURCES))
def test_switching_a_source_off_does_not_lengthen_the_wait(short_default, baseline, source):
    n = N_PAIRED
    sc, on = short_default, per_replication(baseline, "days_to_feedback", N_INTENSITY)[:n]
    off = hs.simulate(sc.without(source), replications=n, seed=SEED, event_log=False)
    diff, se = paired(per_replication(off, "days_to_feedback", n), on)
    assert diff <= Z * se, f"without {source}: mean wait {diff:+.2f} days (SE {se:.2f})"


def offers(j: pd.DataFrame) -> pd.DataFrame:
    return j[j["outcome"] == "offer"]


def ghosted_share(results: hs.Results, n: int) -> pd.Series:
    j = results.journeys
    return (j["outcome"] == "ghosted").groupby(j["replication"]).mean().reindex(range(n))


#: (knob, high, measure): raising the knob from the preset's value (the ``baseline`` run) to
#: ``high`` gives more of ``measure``: a delay column, or a function of the results.
INTENSITY = [
    ("absence.vacation_days_per_year", 40, "delay_absence"),  # preset: 13
    ("absence.sick_spells_per_year", 12, "delay_absence"),  # preset: 3
    ("priority.rate_per_year", 8, "delay_priority"),  # preset: 2
    ("turnover.annual_rate", 1.0, "delay_turnover"),  # preset: 0.15
    ("reorganization.rate_per_year", 12.0, "delay_reorganization"),  # preset: 0.4
    ("requirements.rate_per_year", 12.0, "delay_requirements"),  # preset: 1
    ("communication.ghost_probability", 0.5, ghosted_share),  # preset: 0.1
    ("approvals.steps.0.send_back", 0.9, "offer days_to_feedback"),  # preset: 0.1
]


def measured(res: hs.Results, measure, n: int = N_INTENSITY) -> pd.Series:
    if callable(measure):
        return measure(res, n)
    if measure.startswith("offer "):
        return per_replication(res, measure.split()[1], n, rows=offers)
    return per_replication(res, measure, n)


#: One-sided level of the intensity tests: the normal tail beyond 3 standard errors.
ALPHA = 0.00135


def sign_test(d: pd.Series) -> float:
    """One-sided p-value of the paired sign test that differences ``d`` tend to be positive.

    Rare organization-wide events (a reorganization freezes every recruiter at once) make the
    replication means heavy-tailed: one replication can carry most of the total, so a mean's
    standard error says little with a few replications. The sign test only asks whether more
    replications go up than down; ties (no difference) are left out.
    """
    d = d[d != 0].dropna()
    n, k = len(d), int((d > 0).sum())
    return sum(math.comb(n, i) for i in range(k, n + 1)) / 2.0**n


@pytest.mark.parametrize(("knob", "high", "measure"), INTENSITY, ids=[k[0] for k in INTENSITY])
def test_more_of_a_source_gives_more_of_its_cause(short_default, baseline, knob, high, measure):
    n = N_SEND_BACK if knob.endswith("send_back") else N_INTENSITY
    more = hs.simulate(
        short_default.with_overrides({knob: high}), replications=n, seed=SEED, event_log=False
    )
    if n != N_INTENSITY:  # replication i is the same whatever the count: extend the baseline
        baseline = hs.simulate(short_default, replications=n, seed=SEED, event_log=False)
    a, b = measured(more, measure, n), measured(baseline, measure, n)
    diff, se = paired(a, b)
    p = sign_test(a - b)
    # either paired test at the 3-sigma level (together: level <= 2 * ALPHA)
    assert diff > 0 and (diff > Z * se or p < ALPHA), (
        f"{knob} -> {high}: {diff:+.3f} (SE {se:.3f}), sign p={p:.2g}"
    )


# ---------------------------------------------------------------------------------------------
# Identity, reproducibility and common random numbers with every mechanism on


@pytest.fixture(scope="module")
def everything_on() -> hs.Scenario:
    return hs.preset("default").with_overrides({"horizon_days": 90, "drain_days": 60})


def test_every_mechanism_is_on_in_the_default_preset():
    sc = hs.preset("default")
    for block in (
        "absence",
        "priority",
        "turnover",
        "reorganization",
        "requirements",
        "approvals",
    ):
        assert getattr(sc, block) is not None, block
    comm = sc.communication
    assert comm.policy == "hr_gated" and comm.legal_review is not None
    assert comm.ghost_probability > 0
    assert any(step.committee for step in sc.approvals.steps)
    assert any(step.send_back > 0 for step in sc.approvals.steps)
    assert sc.candidates.follow_up is not None and sc.candidates.patience is not None


def test_identity_every_row_all_mechanisms_on(everything_on):
    res = hs.simulate(everything_on, replications=4, seed=SEED)
    j = res.journeys
    assert len(j) > 100
    # every outcome that the mechanisms produce shows up
    assert {"withdrawn", "ghosted", "offer", "reject"} <= set(j["outcome"])
    np.testing.assert_allclose(
        j[list(DELAY_COLUMNS)].sum(axis=1), j["days_to_feedback"], rtol=0, atol=1e-6
    )
    assert (j[list(DELAY_COLUMNS)] >= -1e-9).all().all()
    for cause in (
        "absence",
        "priority",
        "turnover",
        "requirements",
        "batching",
        "scheduling",
        "communication",
    ):
        assert j[f"delay_{cause}"].sum() > 0, cause
    e = res.events
    wait = (e["start_timestamp"] - e["enabled_timestamp"]) / pd.Timedelta(days=1)
    wt = e[[c for c in e.columns if c.startswith("wt_")]].sum(axis=1)
    np.testing.assert_allclose(wt, wait, rtol=0, atol=1e-6)


def test_same_seed_identical_results(everything_on):
    a = hs.simulate(everything_on, replications=2, seed=99)
    b = hs.simulate(everything_on, replications=2, seed=99)
    for name in ("journeys", "candidates", "events"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def _arrivals(res: hs.Results) -> dict[tuple[int, str], list[pd.Timestamp]]:
    c = res.candidates.sort_values("applied_at")
    return {k: list(g["applied_at"]) for k, g in c.groupby(["replication", "requisition"])}


@pytest.mark.parametrize("source", ["absence", "priority", "turnover", "reorganization"])
def test_switching_a_mechanism_off_leaves_arrivals_unchanged(everything_on, source):
    """Arrival times are drawn up front from their own stream. A requisition stops sourcing
    when it is filled (which the mechanism may hasten or delay), so one run's arrivals to a
    requisition are a prefix of the other's. Requirement changes are off: a split opens a
    requisition mid-run, which renumbers those opened after it."""
    sc = everything_on.with_overrides({"requirements": None})
    on = _arrivals(hs.simulate(sc, replications=3, seed=SEED, event_log=False))
    off = _arrivals(hs.simulate(sc.without(source), replications=3, seed=SEED, event_log=False))
    assert on.keys() == off.keys()
    for key in on:
        a, b = on[key], off[key]
        k = min(len(a), len(b))
        assert k > 0 and a[:k] == b[:k], key


def _draws(sc: hs.Scenario) -> dict[str, Any]:
    rep = Replication(sc, SEED, 0)
    people = [p for members in rep.people.values() for p in members]
    reorganization = rep.mechanism("reorganization")
    assert reorganization is None or isinstance(reorganization, Reorganization)

    def spells(code: int) -> dict[str, list[tuple[float, float]]]:
        return {
            p.id: [(s, e) for s, e, c in p.timeline.closed_intervals(0, rep.world.end) if c == code]
            for p in people
        }

    return {
        "reorganization": [] if reorganization is None else list(reorganization.onsets),
        "turnover": {p.id: list(p.joins) for p in people},
        "absence": spells(causes.ABSENCE),
        "free": {p.id: p.free.copy() for p in people},
    }


@pytest.mark.parametrize(
    ("kept", "switched"),
    [
        ("reorganization", "turnover"),
        ("reorganization", "absence"),
        ("reorganization", "priority"),
        ("turnover", "absence"),
        ("turnover", "priority"),
        ("turnover", "reorganization"),
        ("absence", "priority"),
    ],
)
def test_switching_a_mechanism_off_leaves_the_others_draws_unchanged(everything_on, kept, switched):
    """A mechanism's own draws (reorganization onsets, replacements' joins, leave spells) are
    the same with and without another mechanism. Leave spells are compared where nothing of a
    higher cause priority can cover them (priority shifts rank below absence)."""
    a = _draws(everything_on)
    b = _draws(everything_on.without(switched))
    assert a[kept] == b[kept]


# ---------------------------------------------------------------------------------------------
# Invalid parameters: a ScenarioError naming the field

INVALID = [
    ("absence.vacation_days_per_year", -1, "absence.vacation_days_per_year"),
    ("absence.seasonality", [1.0] * 11, "absence.seasonality"),
    ("absence.sick_spells_per_year", -2, "absence.sick_spells_per_year"),
    ("absence.roles", ["recruiter", "recruter"], "absence.roles.1"),
    ("continuity.default.policy", "maybe", "continuity.default.policy"),
    ("continuity.roles.recruiter.after_days", -1, "continuity.roles.recruiter.after_days"),
    ("priority.rate_per_year", 0, "priority.rate_per_year"),
    ("priority.on_return", "later", "priority.on_return"),
    ("turnover.annual_rate", -0.1, "turnover.annual_rate"),
    ("reorganization.rate_per_year", 0, "reorganization.rate_per_year"),
    ("requirements.split_probability", 0.95, "requirements"),
    (
        "requirements.approvals",
        [{"roles": ["vp"], "committee": {"weekdays": ["Fri"]}}],
        "requirements.approvals.0.committee",
    ),
    ("approvals.steps.0.send_back", 1.5, "approvals.steps.0.send_back"),
    ("approvals.steps.0.quorum", 2, "approvals.steps.0"),
    ("communication.policy", "email", "communication.policy"),
    ("communication.legal_review.role", "lawyer", "communication.legal_review.role"),
    ("communication.ghost_probability", 2, "communication.ghost_probability"),
    ("candidates.follow_up.first_after_days", 0, "candidates.follow_up.first_after_days"),
    ("candidates.patience.never_withdraw", 1.5, "candidates.patience.never_withdraw"),
    ("offers.accept_probability", -0.1, "offers.accept_probability"),
]


@pytest.mark.parametrize(("field", "value", "path"), INVALID, ids=[c[0] for c in INVALID])
def test_invalid_mechanism_parameter_names_the_field(field, value, path):
    with pytest.raises(hs.ScenarioError) as info:
        hs.preset("default").with_overrides({field: value})
    assert [p for p, _ in info.value.problems] == [path]
    assert path in str(info.value)
    assert "no field" not in str(info.value)  # a bad value of a block that exists


def test_invalid_parameter_in_a_file_names_file_field_and_line(tmp_path):
    text = (resources.files("hiresim.scenario").joinpath("presets", "default.toml")).read_text(
        encoding="utf-8"
    )
    bad = text.replace("annual_rate = 0.15", "annual_rate = -0.15")
    assert bad != text
    path = tmp_path / "company.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(hs.ScenarioError) as info:
        hs.load_scenario(path)
    message = str(info.value)
    assert "company.toml" in message and "turnover.annual_rate" in message
    line = next(i for i, s in enumerate(bad.splitlines(), 1) if "annual_rate = -0.15" in s)
    assert f"(line {line})" in message
