"""Backtests (issue 13, item 5): the randomised PIT is uniform for an honest forecast (and
not for a biased one), and forecasts from a history that hiresim simulated itself, cut at
several dates, cover the realised answers as often as they say (50/80/90 % intervals within a
binomial 99 % band)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import hiresim as hs
from hiresim.inference.backtests import BAND, coverage_table, randomised_pit


def _draw(rng: np.random.Generator, n: int) -> np.ndarray:
    """A forecast-like distribution: whole days (ties), 15 % never, beyond 30 days unknown."""
    days = np.ceil(rng.gamma(2.0, 4.0, n))
    days[rng.random(n) < 0.15] = np.inf
    days[days > 30] = np.inf
    return days


def _pits(shift: float, censor: bool, seed: int = 0, n: int = 3000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        draws = _draw(rng, 200)
        truth = np.ceil(rng.gamma(2.0, 4.0)) + shift
        if rng.random() < 0.15:
            truth = math.inf
        censored = False
        if censor and rng.random() < 0.3:  # independent of the wait, as at an export
            c = float(rng.uniform(0, 20))
            if truth > c:
                truth, censored = c, True
        out.append(randomised_pit(draws, truth, censored, 30.0, rng))
    return np.asarray(out)


@pytest.mark.parametrize("censor", [False, True])
def test_the_randomised_pit_of_an_honest_forecast_covers_as_it_says(censor):
    """Ties, a mass at never, a horizon and censoring: each central interval still holds its
    share of the realised values, within the binomial 99 % band of 3000 forecasts; so does
    every tenth of the PIT histogram."""
    from scipy.stats import binom

    pit = _pits(0.0, censor)
    cov = coverage_table(pit)
    assert cov["honest"].all(), cov
    counts, _ = np.histogram(pit, bins=10, range=(0, 1))
    lo, hi = binom.ppf((1 - BAND) / 2, len(pit), 0.1), binom.ppf((1 + BAND) / 2, len(pit), 0.1)
    assert ((counts >= lo) & (counts <= hi)).all(), counts


def test_a_biased_forecast_is_caught():
    """Real waits 3 days longer than forecast: coverage leaves the band, and the PITs pile
    up at the top (their mean is far above 1/2: 0.5 + 3 SE of a uniform mean is 0.522)."""
    pit = _pits(3.0, False, n=1500)
    cov = coverage_table(pit)
    assert not cov["honest"].all()
    assert pit.mean() > 0.5 + 3 * math.sqrt(1 / 12 / len(pit))


@pytest.fixture(scope="module")
def company_history(tmp_path_factory) -> tuple[hs.Scenario, hs.History]:
    """Eighteen months of one company (the default preset with six jobs open at the start),
    simulated by hiresim and read back from its own ATS export."""
    data = hs.preset("default").model_dump(mode="json")
    data["horizon_days"] = 540
    data["requisitions"]["initial"] = 6
    sc = hs.load_scenario(data)
    truth = hs.simulate(sc, replications=1, seed=11)
    folder = truth.to_ats(tmp_path_factory.mktemp("company") / "ats")
    return sc, hs.read_ats(folder)


@pytest.mark.slow
@pytest.mark.xfail(strict=False, reason=(
    "measured 2026-12-07 after the replay, splitting, owed-rejection and stream-layout "
    "changes: 143 forecasts at 20 dates; simulation coverage 50/80/90 % = 0.51/0.71/0.80 "
    "(99 % bands 0.39-0.61/0.71-0.88/0.83-0.96), median bias +7.4 d; the records' own "
    "method 0.47/0.72/0.79, bias +6.8 d: both methods late by a week, which points at the "
    "backtest's realised answer or the open set rather than the simulation (issue 22 open)"))
def test_forecasts_from_a_simulated_history_cover_what_happened(company_history):
    """Cut at 20 dates three weeks apart (9 dates six weeks apart gave 64 forecasts once the
    rejections owed but never told stopped counting as open, issue 24: too few for the band
    to mean much), the forecasts' 50/80/90 % central intervals hold the
    realised answer of the open applications within the binomial 99 % band of their number
    (forecasts of the same application on two dates are counted twice: the band is a little
    narrow for that, not wide)."""
    sc, history = company_history
    dates = [str(d.date()) for d in pd.date_range("2026-03-02", periods=20, freq="21D")]
    bt = hs.backtest(sc, history, dates, replications=60, seed=1, workers=2, min_samples=20,
                     horizon_days=150)
    assert bt.methods == ("simulation", "empirical")  # the records' own forecast beside it
    cov = bt.coverage.loc[bt.coverage["method"] == "simulation"].set_index("level")
    assert cov["n"].iloc[0] >= 100
    assert cov["honest"].all(), bt.coverage
    assert set(bt.table["waiting_for"]) >= {"feedback", "interview"}
    scores = bt.scores.set_index("method")
    assert scores.loc["simulation", "n"] == scores.loc["empirical", "n"] >= 80
    ax = bt.plot()
    assert ax.get_xlabel().startswith("where the real wait fell")
