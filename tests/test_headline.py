"""The headline average: one number, one definition, read from every place that quotes it."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import hiresim as hs
from hiresim import analysis
from hiresim.analysis.headline import definition, headline, headline_tau, tau_of
from hiresim.present.cli import main
from hiresim.present.report import build_report

SEED, N = 2, 3


@pytest.fixture(scope="module")
def scenario():
    return hs.preset("default")


@pytest.fixture(scope="module")
def results(scenario):
    return hs.simulate(scenario, replications=N, seed=SEED)


@pytest.fixture(scope="module")
def value(results):
    return headline(results).value


def _cli(*args: str) -> str:
    out = CliRunner().invoke(main, list(args), env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    return out.output


def _row(output: str, first: str) -> list[str]:
    """The cells of the table row whose first cell is ``first``."""
    for line in output.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃]", line) if c.strip()]
        if cells and cells[0] == first:
            return cells
    raise AssertionError(f"no row {first!r} in\n{output}")


# ---------------------------------------------------------------- the same number in five places


def test_summary_quotes_the_headline(results, value):
    s = results.summary()
    mean = s.loc[s["statistic"] == "restricted_mean"].iloc[0]
    assert mean["days"] == value
    assert mean["tau"] == headline_tau(results)
    assert s.attrs["definition"] == definition(headline_tau(results))
    assert results.headline().value == value


def test_cli_run_table_quotes_the_headline(value):
    out = _cli("run", "--preset", "default", "-n", str(N), "--seed", str(SEED))
    header = _row(out, "round")
    cells = _row(out, "all")
    assert cells[header.index("average wait")] == f"{value:.1f}"
    assert "counting any wait longer than" in out


def test_cli_run_table_explains_itself_in_plain_words(results):
    out = _cli("run", "--preset", "default", "-n", str(N), "--seed", str(SEED))
    header = _row(out, "round")
    assert "ended unanswered" in header and "censored" not in header
    assert "each counts as lasting at least as long as it was seen to" in " ".join(out.split())
    interviewed = results.journeys["candidate"].nunique()
    applied = results.candidates["candidate"].nunique()
    assert interviewed < applied  # some never reach an interview: the table says so
    assert _row(out, "all")[header.index("candidates")] == f"{interviewed}"
    assert (f"{applied - interviewed} more candidates applied but never reached one"
            in " ".join(out.split()))


def test_compare_quotes_the_headline_of_the_first_run(results, value):
    slower = hs.simulate(hs.preset("default").with_overrides({"roles.recruiter.count": 1}),
                         replications=N, seed=SEED)
    table = analysis.compare({"now": results, "one recruiter": slower}, n_boot=20)
    mean = table[(table["statistic"] == "restricted_mean")].set_index("name")
    assert mean.loc["now", "value"] == value
    assert table.attrs["tau"] == headline_tau(results)  # the baseline's ruler for both
    assert mean.loc["one recruiter", "value"] == headline(slower, tau=headline_tau(results)).value
    out = _cli("compare", "--preset", "default", "--set", "roles.recruiter.count=1",
               "-n", str(N), "--seed", str(SEED))
    assert _row(out, "default")[1:3] == ["average wait", f"{value:.1f}"]


def test_ablate_quotes_the_headline_as_its_baseline(scenario, results, value):
    table = analysis.ablate(scenario, ["priority"], replications=N, seed=SEED, n_boot=20)
    assert (table["baseline"][table["statistic"] == "restricted_mean"] == value).all()
    reused = analysis.ablate(scenario, ["priority"], replications=N, seed=SEED, n_boot=20,
                             baseline=results)
    pd.testing.assert_frame_equal(reused, table)
    out = _cli("ablate", "--preset", "default", "-n", str(N), "--seed", str(SEED),
               "--source", "priority")
    header = _row(out, "source")
    assert _row(out, "priority")[header.index("average wait now")] == f"{value:.1f}"


def test_report_quotes_the_headline_in_both_sections(scenario, value):
    rep = build_report(scenario, replications=N, seed=SEED, ablation_replications=N,
                       sources=["priority"], n_boot=20)
    assert rep.headline.value == value
    html = rep.to_html()
    for section in ("causes", "whatif"):
        found = re.search(rf'data-headline="{section}">([0-9.]+) ', html)
        assert found is not None and found.group(1) == f"{value:.1f}", section
    base = rep.ablation.loc[rep.ablation["statistic"] == "restricted_mean", "baseline"]
    assert (base == value).all()
    assert definition(rep.headline.tau) in html


# ---------------------------------------------------------------- what the number is


def test_without_censoring_and_a_long_horizon_it_is_the_sample_mean(results):
    j = results.journeys.assign(censored=False)
    fake = type("R", (), {"journeys": j, "candidates": results.candidates,
                          "events": results.events})()
    longest = float(j["days_to_feedback"].max())
    assert headline(fake, tau=longest).value == pytest.approx(j["days_to_feedback"].mean())
    # the horizon cuts every wait at tau: the mean of min(wait, tau)
    assert headline(fake, tau=5.0).value == pytest.approx(
        np.minimum(j["days_to_feedback"], 5.0).mean())


def test_tau_is_the_90th_percentile_rounded_up_to_whole_days():
    assert tau_of(np.arange(1.0, 101.0)) == 91.0  # P90 of 1..100 is 90.1
    assert tau_of(np.array([0.1, 0.2, 0.3])) == 1.0  # at least one day
    assert tau_of(np.array([np.inf, 4.0, 4.0])) == 4.0
    assert np.isnan(tau_of(np.array([])))


def test_interval_and_standard_error(results):
    h = headline(results, n_boot=100)
    assert h.lower <= h.value <= h.upper
    assert 0 < h.se < h.upper - h.lower
    assert h.waits == len(results.journeys)
    assert "counting any wait longer than" in h.definition


def test_bad_arguments_are_named(results):
    with pytest.raises(ValueError, match="tau"):
        headline(results, tau=-1)
    with pytest.raises(ValueError, match="days"):
        headline(results, days="weekdays")
