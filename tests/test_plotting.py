"""Tests of hiresim.plotting: every function returns an Axes holding the expected artists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

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


@pytest.fixture(scope="module")
def plt():
    """pyplot, imported when a plot test runs, not when the suite is collected (~1 s; the
    conftest sets the Agg backend)."""
    import matplotlib.pyplot

    return matplotlib.pyplot


@pytest.fixture(autouse=True)
def _close(plt):
    yield
    plt.close("all")


def _is_axes(ax) -> bool:
    from matplotlib.axes import Axes

    return isinstance(ax, Axes)


def _bands(ax):
    from matplotlib.collections import PolyCollection

    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def test_cause_colors_cover_every_cause_once():
    assert list(hp.CAUSE_COLORS) == list(CAUSES)
    assert len(set(hp.CAUSE_COLORS.values())) == len(CAUSES)


def test_plot_survival_from_results_with_promise(res):
    ax = hp.plot_survival(res, promise=0.8)
    assert _is_axes(ax)
    assert len(ax.get_lines()) >= 2  # curve + promise dot (+ reference lines)
    assert len(_bands(ax)) == 1
    assert "calendar days" in ax.get_xlabel()
    assert ax.get_ylabel() == "share not yet heard back (withdrawn and ghosted never do)"
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    p = an.promise(res, confidence=0.8, n_boot=1)
    days = p.loc[p["days_kind"] == "calendar", "promise_days"].iloc[0]
    assert texts == [f"80% hear back within {days:g} days"]
    curve = ax.get_lines()[0]
    # with a promise the curve is the one the promise reads, not the Kaplan-Meier curve
    np.testing.assert_allclose(curve.get_xdata(), an.still_waiting(res)["days"])


def _at(line, x: float) -> float:
    """Value of a step ("post") line at ``x``."""
    xs, ys = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
    return float(ys[np.searchsorted(xs, x, side="right") - 1])


@pytest.mark.parametrize("confidence", [0.5, 0.8])
def test_promise_marker_sits_on_its_curve(res, confidence):
    """The dot at (promise days, 1 - confidence): the curve is at or below the level there and
    above it just before the day the share is first reached."""
    ax = hp.plot_survival(res, promise=confidence)
    curve, dot = ax.get_lines()[0], ax.get_lines()[-1]
    (x,), (y,) = dot.get_xdata(), dot.get_ydata()
    assert y == pytest.approx(1 - confidence)
    assert _at(curve, x) <= y + 1e-9
    p = an.promise(res, confidence=confidence, n_boot=1)
    first = p.loc[p["days_kind"] == "calendar", "days"].iloc[0]
    assert _at(curve, first - 1e-6) > y


def test_never_reached_means_the_curve_stays_above_the_level():
    ghosted = make_results(replications=3, per_replication=40, seed=5, censor_mean=5.0,
                           censor_kinds=("ghosted",))
    never = an.promise(ghosted, confidence=0.9, n_boot=1)["p_never"].iloc[0]
    assert never > 0.1  # more than one in ten never hear: 90 % cannot be promised
    ax = hp.plot_survival(ghosted, promise=0.9)
    texts = [t.get_text() for t in ax.texts]
    assert any("90% never reached" in t for t in texts)
    curve = ax.get_lines()[0]
    assert min(curve.get_ydata()) > 0.1
    assert min(curve.get_ydata()) == pytest.approx(never, abs=1e-9)


def test_plot_survival_from_dataframe_by_group_on_given_axes(res, plt):
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
    # the headline average split by cause; by stage (not waits for feedback) the plain mean
    tau = an.attribution(res, by=by).attrs["tau"] if by != "stage" else None
    assert ax.get_ylabel() == ("plain mean days per wait (as far as seen)" if by == "stage"
                               else f"average wait (cap {tau:g} d), split by cause (days)")
    if by != "stage":  # each bar is its group's headline average
        heights = {}
        for patch in ax.patches:
            x = round(patch.get_x(), 6)
            heights[x] = heights.get(x, 0.0) + patch.get_height()
        table = an.quantiles(res, q=(), by=by, n_boot=1)
        assert sorted(heights.values()) == pytest.approx(sorted(table["days"]))


def test_plot_attribution_colors_are_the_cause_colors(res):
    from matplotlib.colors import to_rgba

    ax = hp.plot_attribution(res, by="round")
    for handle, text in zip(
        ax.get_legend().legend_handles, ax.get_legend().get_texts(), strict=True
    ):
        want = to_rgba(hp.CAUSE_COLORS[text.get_text()])
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
    from matplotlib.container import BarContainer

    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(bars) == 1 and bars[0].errorbar is not None
    assert "change in the average wait (restricted mean)" in ax.get_xlabel()
    assert "days" in ax.get_xlabel()


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


def test_plot_timeline_draws_the_hand_off_as_a_communication_wait():
    from matplotlib.colors import to_hex

    import hiresim as hs
    from hiresim.mechanisms.communication import HANDOFF_ACTIVITY

    results = hs.simulate(hs.preset("default").with_overrides({"horizon_days": 60}),
                          replications=1, seed=2)
    ev = results.events
    cand = ev.loc[ev["concept:name"] == HANDOFF_ACTIVITY, "case:concept:name"].iloc[0]
    ax = hp.plot_timeline(results, candidate=cand)
    rows = [label.get_position()[1] for label in ax.get_yticklabels()
            if label.get_text() == HANDOFF_ACTIVITY]
    assert rows
    for at in rows:
        colors = {to_hex(bar.get_facecolor()) for bar in ax.patches
                  if bar.get_y() == pytest.approx(at - 0.3)}
        assert colors == {hp.CAUSE_COLORS["communication"]}  # not the dark grey of work
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "waiting: communication" in legend


def test_plot_comparison(res):
    other = make_results(replications=4, per_replication=30, seed=22, shift=3.0)
    ax = hp.plot_comparison({"now": res, "slower": other})
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["now", "slower"]
    assert len(_bands(ax)) == 2
    assert len(ax.get_lines()) == 2
