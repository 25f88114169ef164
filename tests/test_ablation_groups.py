"""Ablation by group of sources, by round and by outcome, and the whole process from the
first interview to the final answer (issue 23, item 4)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import hiresim as hs
from hiresim import analysis
from hiresim.analysis.waits import final_answer_waits

SEED, N = 4, 3


@pytest.fixture(scope="module")
def scenario():
    return hs.preset("default")


@pytest.fixture(scope="module")
def baseline(scenario):
    return hs.simulate(scenario, replications=N, seed=SEED, event_log=False)


def test_a_group_is_its_sources_switched_off_together(scenario, baseline):
    table = analysis.ablate(scenario, [], groups={"people away": ["absence", "priority"]},
                            replications=N, seed=SEED, n_boot=30, baseline=baseline)
    assert set(table["source"]) == {"people away"}
    by_hand = hs.simulate(scenario.without("absence").without("priority"), replications=N,
                          seed=SEED, event_log=False)
    tau = table.attrs["tau"]
    mean = table[table["statistic"] == "restricted_mean"].iloc[0]
    assert mean["value"] == analysis.headline(by_hand, tau=tau).value
    assert mean["baseline"] == analysis.headline(baseline, tau=tau).value


@pytest.mark.parametrize("by", ["round", "outcome"])
def test_ablation_by_group_of_waits(scenario, baseline, by):
    table = analysis.ablate(scenario, ["approvals"], replications=N, seed=SEED, n_boot=30,
                            baseline=baseline, by=by)
    assert list(table.columns[:2]) == ["source", by]
    tau = table.attrs["tau"]
    mean = table[table["statistic"] == "restricted_mean"].set_index(by)
    # each group's baseline is the headline average of that group's waits, on one horizon
    per_group = analysis.quantiles(baseline, q=(), by=by, n_boot=1, tau=tau).set_index(by)
    for key, row in mean.iterrows():
        if key in per_group.index:
            assert row["baseline"] == pytest.approx(per_group.loc[key, "days"], abs=1e-12)
    assert (mean["tau"] == tau).all()


def test_groups_are_checked_before_anything_runs(scenario):
    with pytest.raises(TypeError, match="groups"):
        analysis.ablate(scenario, [], groups={"away": "absence"}, replications=1)
    with pytest.raises(ValueError, match="also a source"):
        analysis.ablate(scenario, ["absence"], groups={"absence": ["absence"]},
                        replications=1)
    with pytest.raises(ValueError, match="absense"):
        analysis.ablate(scenario, [], groups={"away": ["absense"]}, replications=1)


def test_final_answer_waits_count_every_interviewed_candidate(baseline):
    w = final_answer_waits(baseline)
    interviewed = baseline.journeys.groupby(["replication", "candidate"]).ngroups
    assert len(w) == interviewed
    final = w["outcome"]
    assert (w["censored"] == ~final.isin(["hired", "declined", "rejected"])).all()
    assert (w["days_to_feedback"] >= 0).all()
    # an answered candidate's wait ends at their last round's feedback
    j = baseline.journeys
    last = j.sort_values("round").groupby(["replication", "candidate"]).tail(1)
    first = j.groupby(["replication", "candidate"])["interview_end"].min()
    answered = w[~w["censored"]].set_index(["replication", "candidate"])
    ends = last.set_index(["replication", "candidate"])["feedback_at"]
    expect = (ends.loc[answered.index] - first.loc[answered.index]) / pd.Timedelta(days=1)
    assert np.allclose(answered["days_to_feedback"], expect.to_numpy(), atol=1e-6)


def test_final_answer_measure_is_censoring_aware(baseline):
    """Counting only candidates who got an offer (or an answer) leaves out the long
    processes that ended otherwise: the censoring-aware restricted mean is longer than the
    plain mean of answered candidates' processes, up to the same horizon."""
    table = analysis.quantiles(baseline, q=(0.5, 0.9), measure="final_answer", n_boot=20)
    mean = table[table["statistic"] == "restricted_mean"].iloc[0]
    w = final_answer_waits(baseline)
    answered = w.loc[~w["censored"], "days_to_feedback"].clip(upper=mean["tau"]).mean()
    assert w["censored"].any()
    assert mean["days"] > answered
    effect = analysis.ablate(hs.preset("default"), ["approvals"], replications=N, seed=SEED,
                             n_boot=20, baseline=baseline, measure="final_answer",
                             by="outcome")
    assert effect.attrs["measure"] == "final_answer"
    assert "hired" in set(effect["outcome"])
