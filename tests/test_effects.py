"""Shapley values of the delay sources (``analysis.effects``): the formula on a game whose
values are known, efficiency, a source already off, and sampling against exact values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import hiresim as hs
from hiresim import analysis


class _Game:
    """A stand-in scenario: ``without`` switches a source off; the fake ``simulate`` gives
    every wait ``10 + 3 [a on] + 2 [b on] + 4 [a and b on]`` days (no censoring)."""

    def __init__(self, off: frozenset[str] = frozenset()) -> None:
        self.off = off

    def without(self, source: str) -> _Game:
        return _Game(self.off | {source})

    def model_dump(self, mode: str = "json") -> dict[str, list[str]]:
        return {"off": sorted(self.off)}


def _simulate(game: _Game, replications: int, seed: int, **kwargs: object) -> object:
    a, b = "absence" not in game.off, "scheduling" not in game.off
    days = 10.0 + 3.0 * a + 2.0 * b + 4.0 * (a and b)
    reps = np.repeat(np.arange(replications), 5)
    journeys = pd.DataFrame({"replication": reps, "days_to_feedback": days,
                             "censored": False, "outcome": "advance",
                             "delay_absence": 3.0 * a, "delay_scheduling": 2.0 * b,
                             "delay_work": days - 3.0 * a - 2.0 * b})
    return type("R", (), {"journeys": journeys, "candidates": None, "events": None})()


@pytest.fixture(autouse=True)
def _known_sources(monkeypatch):
    import hiresim.scenario as scenario

    monkeypatch.setattr(scenario, "delay_sources",
                        lambda s=None: {"absence": "", "scheduling": ""})


def test_exact_values_of_a_known_game():
    table = analysis.effects(_Game(), ["absence", "scheduling"], replications=4, seed=1,
                             n_boot=20, tau=1e6, simulate=_simulate).set_index("source")
    # Shapley: each source's own effect plus half of the interaction (4 days)
    assert table.loc["absence", "shapley"] == pytest.approx(3.0 + 2.0)
    assert table.loc["scheduling", "shapley"] == pytest.approx(2.0 + 2.0)
    # switched off alone, each takes the whole interaction with it
    assert table.loc["absence", "ablation"] == pytest.approx(3.0 + 4.0)
    assert table.attrs["total"] == pytest.approx(19.0) and table.attrs["rest"] == 10.0
    assert table.loc["absence", "attributed"] == pytest.approx(3.0)
    assert (table["method"] == "exact").all() and table.attrs["coalitions"] == 4


def test_sampled_orders_of_two_sources_are_exact():
    """Two sources have two orders: every antithetic pair covers both."""
    table = analysis.effects(_Game(), ["absence", "scheduling"], replications=4, seed=1,
                             n_boot=20, tau=1e6, exact_up_to=0, permutations=2,
                             simulate=_simulate).set_index("source")
    assert table.loc["absence", "shapley"] == pytest.approx(5.0)
    assert (table["method"] == "sampled").all()


@pytest.fixture(scope="module")
def exact():
    return analysis.effects(hs.preset("default"), ["calendar", "absence", "scheduling"],
                            replications=4, seed=3, n_boot=50)


def test_efficiency_and_intervals_on_a_preset(exact, monkeypatch):
    monkeypatch.undo()
    assert exact["shapley"].sum() == pytest.approx(exact.attrs["total"] - exact.attrs["rest"],
                                                   abs=1e-9)
    assert (exact["lower"] <= exact["upper"]).all() and (exact["se"] > 0).all()
    assert list(exact["shapley"]) == sorted(exact["shapley"], reverse=True)


def test_sampling_agrees_with_the_exact_values(exact, monkeypatch):
    """Same runs (common random numbers, same bootstrap): the sampled values differ from the
    exact ones only by the permutation sampling, whose standard error is inside ``se``; the
    tolerance is 3 of those standard errors."""
    monkeypatch.undo()
    sampled = analysis.effects(hs.preset("default"), ["calendar", "absence", "scheduling"],
                               replications=4, seed=3, n_boot=50, exact_up_to=0,
                               permutations=4).set_index("source")
    both = exact.set_index("source").join(sampled, rsuffix="_sampled")
    assert (np.abs(both["shapley"] - both["shapley_sampled"])
            <= 3.0 * both["se_sampled"]).all()


def test_a_source_already_off_gets_exactly_nothing(monkeypatch):
    monkeypatch.undo()
    table = analysis.effects(hs.preset("mmc"), ["contention", "absence"], replications=2,
                             seed=1, n_boot=20).set_index("source")
    assert table.loc["absence", "shapley"] == 0.0
    assert table.loc["contention", "shapley"] == pytest.approx(
        table.attrs["total"] - table.attrs["rest"])


def test_bad_sources_are_refused(monkeypatch):
    monkeypatch.undo()
    with pytest.raises(ValueError, match="unknown delay source 'absense'"):
        analysis.effects(hs.preset("mmc"), ["absense"], replications=1)
    with pytest.raises(TypeError, match="sources"):
        analysis.effects(hs.preset("mmc"), "absence", replications=1)
