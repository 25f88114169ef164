"""Tests of hiresim.plotting: every function returns an Axes holding the expected artists."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.container import BarContainer

from hiresim import analysis as an
from hiresim import plotting as hp
from hiresim.causes import CAUSES

try:  # the synthetic Results generator lives with the analysis tests
    from tests.test_analysis import make_results
except ImportError:  # pragma: no cover - tests/ not a package
    from test_analysis import make_results


@pytest.fixture(scope="module")
def res():
    return make_results(replications=4, per_replication=30, seed=21, censor_mean=60.0)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _bands(ax):
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def test_cause_colors_cover_every_cause_once():
    assert list(hp.CAUSE_COLORS) == list(CAUSES)
    assert len(set(hp.CAUSE_COLORS.values())) == len(CAUSES)


def test_plot_survival_from_results_with_promise(res):
    ax = hp.plot_survival(res, promise=0.8)
    assert isinstance(ax, Axes)
    assert len(ax.get_lines()) >= 2  # curve + promise dot (+ reference lines)
    assert len(_bands(ax)) == 1
    assert "calendar days" in ax.get_xlabel()
    assert ax.get_ylabel() == "share still waiting for feedback"
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    p = an.promise(res, confidence=0.8, n_boot=1)
    days = p.loc[p["days_kind"] == "calendar", "promise_days"].iloc[0]
    assert texts == [f"80% hear back within {days:g} days"]
    curve = ax.get_lines()[0]
    km = an.survival(res)
    np.testing.assert_allclose(curve.get_xdata(), km["days"])


def test_plot_survival_from_dataframe_by_group_on_given_axes(res):
    _fig, axes = plt.subplots(1, 2)
    km = an.survival(res, by="round", days="business")
    ax = hp.plot_survival(km, ax=axes[1], days="business", promise=0.5)
    assert ax is axes[1]
    assert len(_bands(ax)) == 3
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:3] == ["round=1", "round=2", "round=3"]
    assert "business days" in ax.get_xlabel()
    assert not axes[0].get_lines()


def test_plot_histogram(res):
    ax = hp.plot_histogram(res, bins=10)
    assert len(ax.patches) == 20  # two stacked series of 10 bins
    assert sum(p.get_height() for p in ax.patches) == len(res.journeys)
    assert ax.get_legend().get_texts()[0].get_text() == "heard back"
    assert ax.get_ylabel() == "number of waits"


@pytest.mark.parametrize("by", ["round", "stage", None])
def test_plot_attribution(res, by):
    ax = hp.plot_attribution(res, by=by)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sorted(legend, key=CAUSES.index) == list(CAUSES)
    n_groups = {"round": 3, "stage": 3, None: 1}[by]
    assert len(ax.patches) == n_groups * len(CAUSES)
    assert ax.get_ylabel() == "mean days per wait"


def test_plot_attribution_colors_are_the_cause_colors(res):
    ax = hp.plot_attribution(res, by="round")
    for handle, text in zip(
        ax.get_legend().legend_handles, ax.get_legend().get_texts(), strict=True
    ):
        want = matplotlib.colors.to_rgba(hp.CAUSE_COLORS[text.get_text()])
        assert handle.get_facecolor() == pytest.approx(want)


def test_plot_ablation_tornado():
    table = pd.DataFrame(
        {
            "source": ["calendar", "bureaucracy", "scheduling"],
            "statistic": "restricted_mean",
            "q": np.nan,
            "baseline": 10.0,
            "value": [6.0, 9.5, 8.0],
            "change": [-4.0, -0.5, -2.0],
            "lower": [-4.5, -0.9, -2.6],
            "upper": [-3.6, -0.1, -1.5],
        }
    )
    ax = hp.plot_ablation(table)
    assert len(ax.patches) == 3
    assert [t.get_text() for t in ax.get_yticklabels()] == ["bureaucracy", "scheduling", "calendar"]
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(bars) == 1 and bars[0].errorbar is not None
    assert "change in restricted mean" in ax.get_xlabel() and "days" in ax.get_xlabel()


def test_plot_timeline(res):
    cand = res.journeys.loc[~res.journeys["censored"], "candidate"].iloc[0]
    ax = hp.plot_timeline(res, candidate=cand)
    n_act = (res.events["case:concept:name"] == cand).sum()
    assert len(ax.get_yticklabels()) == n_act
    assert len(ax.patches) == 2 * n_act  # waiting + working part per activity
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "working" in legend and "feedback" in legend
    assert any(t.startswith("waiting: ") for t in legend)
    assert ax.get_xlabel() == "date"
    with pytest.raises(KeyError):
        hp.plot_timeline(res, candidate="nobody")


def test_plot_comparison(res):
    other = make_results(replications=4, per_replication=30, seed=22, shift=3.0)
    ax = hp.plot_comparison({"now": res, "slower": other})
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["now", "slower"]
    assert len(_bands(ax)) == 2
    assert len(ax.get_lines()) == 2
