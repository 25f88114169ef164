"""Which forecast the HR report trusts (issue 22, item 3): the simulation only when it beats
the records' own forecast on the company's own backtest, said in plain words."""

from __future__ import annotations

import pandas as pd
import pytest

import hiresim as hs
from hiresim.inference.backtests import MethodChoice, choose_method
from hiresim.present.report import build_report, render


def test_the_words_say_which_method_and_why():
    dates = tuple(pd.Timestamp(d) for d in ("2026-03-02", "2026-03-30"))
    worse = MethodChoice("empirical", dates, {"simulation": 12.34, "empirical": 10.1}, 40)
    text = worse.words()
    assert "does not beat the records" in text and "12.3" in text and "10.1" in text
    assert "2 past dates" in text and "40 answers" in text
    better = MethodChoice("simulation", dates, {"simulation": 8.0, "empirical": 10.1}, 40)
    assert "the simulation does better here" in better.words()
    assert "too little history" in MethodChoice("simulation", (), {}).words()


def test_too_little_history_keeps_the_simulation(tmp_path):
    """A history shorter than 60 days + 120 days before the date has no cut date."""
    sc = hs.load_scenario({**hs.preset("default").model_dump(mode="json"),
                           "horizon_days": 90, "drain_days": 0})
    h = hs.read_ats(hs.simulate(sc, replications=1, seed=4).to_ats(tmp_path / "ats"))
    choice = choose_method(sc, h, None, replications=5)
    assert choice.method == "simulation" and choice.dates == ()


@pytest.mark.slow
def test_the_report_uses_the_method_that_did_better(tmp_path):
    """A year of the default preset: the report backtests on four dates, uses the better
    method for the open candidates and says so."""
    sc = hs.preset("default")
    h = hs.read_ats(hs.simulate(sc, replications=1, seed=4).to_ats(tmp_path / "ats"))
    rep = build_report(sc, replications=4, ablation=False, n_boot=20, history=h,
                       forecast_replications=10)
    choice = rep.forecast_choice
    assert choice is not None and len(choice.dates) == 4
    assert rep.forecast.method == choice.method
    sim, emp = choice.pinball["simulation"], choice.pinball["empirical"]
    assert choice.method == ("simulation" if sim < emp else "empirical")
    assert choice.words() in render(rep).replace("&#x27;", "'")
