"""The calibrated presets reproduce their published figures (docs/explanation/presets.md).

For each preset and figure, a fixed-seed run of enough replications that three standard errors
are small; the test asserts that the whole interval ``mean ± 3 SE`` lies inside the published
figure ± 10 %. The standard error is over replications (the independent unit), from
:mod:`hiresim.analysis.published`, so the tolerance comes from the run, not from a guess.
"""

from __future__ import annotations

import tomllib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import resources
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import hiresim as hs
from hiresim.analysis import days_to_answer, first_interview_to_offer

SEED = 20260105
#: Published figure ± this share is what a preset must reproduce.
BAND = 0.10


@dataclass(frozen=True)
class Figure:
    preset: str
    measure: str  # "days_to_answer" or "first_interview_to_offer_business"
    published: float
    replications: int


FIGURES = [
    # Glassdoor 2017, US: application -> offer or rejection, interviewed, answered
    Figure("us", "days_to_answer", 23.8, 400),
    # NACE 2017 Recruiting Benchmarks: interview -> offer, 23.6 (business) days
    Figure("us", "first_interview_to_offer_business", 23.6, 400),
    # Glassdoor 2017, US industry "Government"
    Figure("government", "days_to_answer", 53.8, 300),
    # Glassdoor 2017, country averages
    Figure("uk", "days_to_answer", 27.5, 300),
    Figure("germany", "days_to_answer", 28.5, 300),
]


@pytest.fixture(scope="module")
def pool():
    with ProcessPoolExecutor(max_workers=2) as executor:
        yield executor


@pytest.fixture(scope="module")
def runs(pool):
    """One run per preset (the most replications any of its figures asks for)."""
    cache: dict[str, hs.Results] = {}

    def get(name: str) -> hs.Results:
        if name not in cache:
            n = max(f.replications for f in FIGURES if f.preset == name)
            cache[name] = hs.simulate(hs.preset(name), replications=n, seed=SEED,
                                      workers=pool, event_log=False)
        return cache[name]

    return get


def estimate(results: hs.Results, measure: str):
    if measure == "days_to_answer":
        return days_to_answer(results)
    return first_interview_to_offer(results, days="business")


@pytest.mark.slow
@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f"{f.preset}-{f.measure}")
def test_preset_reproduces_published_figure(figure: Figure, runs) -> None:
    est = estimate(runs(figure.preset), figure.measure)
    low, high = est.interval(3.0)
    assert est.replications == figure.replications
    assert est.n > 1000
    # the run is precise enough for the test to mean something: 3 SE under 7 % of the figure
    assert 3 * est.se < 0.07 * figure.published, est
    assert (1 - BAND) * figure.published <= low, (est, figure)
    assert high <= (1 + BAND) * figure.published, (est, figure)


def test_us_candidates_rarely_withdraw(runs) -> None:
    """Withdrawal means taking another job (a constant hazard for half the candidates): about
    6 % of all candidates withdraw, not the old default's 30 %."""
    final = runs("us").candidates["final_outcome"].astype(str)
    share = float((final == "withdrawn").mean())
    assert 0.03 < share < 0.10


def _preset_text(name: str) -> str:
    folder = resources.files("hiresim.scenario").joinpath("presets")
    return folder.joinpath(f"{name}.toml").read_text("utf-8")


def test_default_is_the_us_preset() -> None:
    """``default`` stands for the calibrated ``us`` preset: the same file below the header."""
    default, us = _preset_text("default"), _preset_text("us")
    body = "start = 2026-01-05"
    assert default[default.index(body):] == us[us.index(body):]
    a, b = tomllib.loads(default), tomllib.loads(us)
    assert (a.pop("name"), b.pop("name")) == ("default", "us")
    a.pop("description"), b.pop("description")
    assert a == b


@pytest.mark.parametrize("name", ["us", "government", "uk", "germany"])
def test_calibrated_presets_cite_their_figure(name: str) -> None:
    text = _preset_text(name)
    assert "Glassdoor" in text and "Chamberlain" in text
    assert hs.preset(name).name == name


# -- the definitions, on tables made by hand ---------------------------------------------------


def _results(candidates: pd.DataFrame, journeys: pd.DataFrame, replications: int):
    return SimpleNamespace(candidates=candidates, journeys=journeys,
                           events=pd.DataFrame(), manifest={"replications": replications})


def test_days_to_answer_counts_interviewed_candidates_who_got_an_answer() -> None:
    c = pd.DataFrame({
        "replication": [0, 0, 0, 0, 1, 1, 1, 1],
        "final_outcome": ["hired", "rejected", "rejected", "ghosted",
                          "declined", "withdrawn", "open", "rejected"],
        "rounds": [2, 1, 0, 1, 2, 1, 1, 1],
        "days_in_process": [30.0, 10.0, 2.0, 99.0, 40.0, 99.0, 99.0, 20.0],
    })
    est = days_to_answer(_results(c, pd.DataFrame(), 2))
    # counted: 30, 10 (replication 0); 40, 20 (replication 1)
    assert est.n == 4 and est.replications == 2
    assert est.mean == pytest.approx(25.0)
    # replication totals 40 and 60 over 2 each: residuals (40 - 50) / 2, (60 - 50) / 2
    assert est.se == pytest.approx(np.sqrt((25 + 25) / 2))


def test_first_interview_to_offer_runs_from_the_first_interview_to_the_offer() -> None:
    t = pd.Timestamp("2026-01-05 10:00")  # a Monday
    d = pd.Timedelta(days=1)
    j = pd.DataFrame({
        "replication": [0, 0, 0, 1, 1],
        "candidate": ["a", "a", "b", "c", "c"],
        "round": [1, 2, 1, 1, 2],
        "interview_end": [t, t + 5 * d, t, t, t + 2 * d],
        "feedback_at": [t + 2 * d, t + 14 * d, t + 3 * d, t + d, t + 7 * d],
        "outcome": ["advance", "offer", "reject", "advance", "offer"],
    })
    res = _results(pd.DataFrame(), j, 3)
    est = first_interview_to_offer(res)
    assert (est.n, est.replications) == (2, 3)  # replication 2 made no offer: it counts, empty
    assert est.mean == pytest.approx((14 + 7) / 2)
    business = first_interview_to_offer(res, days="business")
    assert business.mean == pytest.approx((10 + 5) / 2)  # two weekends and one left out
