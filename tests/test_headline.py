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


def _headline_cell(header: list[str]) -> int:
    """The column of the headline average: its name, with its horizon beside it."""
    found = [i for i, cell in enumerate(header) if cell.startswith("average wait")]
    assert len(found) == 1, header
    return found[0]


def test_cli_run_table_quotes_the_headline(results, value):
    out = _cli("run", "--preset", "default", "-n", str(N), "--seed", str(SEED))
    header = _row(out, "round")
    cells = _row(out, "all")
    assert cells[_headline_cell(header)] == f"{value:.1f}"
    assert header[_headline_cell(header)] == f"average wait (cap {headline_tau(results):g} d)"
    assert "counting any wait longer than" in out


def test_cli_run_table_explains_itself_in_plain_words(results):
    out = _cli("run", "--preset", "default", "-n", str(N), "--seed", str(SEED))
    header = _row(out, "round")
    assert "ended unanswered" in header and "censored" not in header
    assert "counting as lasting at least as long as it was seen to" in " ".join(out.split())
    interviewed = results.journeys["candidate"].nunique()
    applied = results.candidates["candidate"].nunique()
    assert interviewed < applied  # some never reach an interview: the table says so
    assert _row(out, "all")[header.index("candidates")] == f"{interviewed}"
    assert (f"{applied - interviewed} more candidates applied but never reached one"
            in " ".join(out.split()))


def test_cli_footnote_and_report_use_one_rule_for_never_hearing(scenario, results):
    """The footnote's promise is the report's: withdrawn and ghosted candidates never hear."""
    out = " ".join(_cli("run", "--preset", "default", "-n", str(N), "--seed",
                        str(SEED)).split())
    row = analysis.promise(results, confidence=0.9, n_boot=20).iloc[0]
    if np.isfinite(row["promise_days"]):
        assert f"90 % of candidates hear back within {row['promise_days']:.0f} days" in out
    else:
        assert "90 % cannot be promised" in out
    html = build_report(scenario, replications=N, seed=SEED, ablation=False,
                        n_boot=20).to_html()
    promised = re.search(r'data-promise="calendar-0.9">([^<]+)<', html)
    assert promised is not None
    expected = "never" if not np.isfinite(row["promise_days"]) else f"{row['promise_days']:.0f}"
    assert promised.group(1) == expected


@pytest.fixture(scope="module")
def slower():
    return hs.simulate(hs.preset("mmc"), replications=N, seed=SEED)


def test_compare_quotes_one_average_on_every_surface_in_both_orders(results, slower):
    """``compare A B`` and ``compare B A``: one horizon from both runs pooled, and each run's
    average the same number in the API table (both orders), from ``headline`` with that
    horizon, and in the command's table (both orders)."""
    ab = analysis.compare({"default": results, "mmc": slower}, n_boot=20)
    ba = analysis.compare({"mmc": slower, "default": results}, n_boot=20)
    tau = ab.attrs["tau"]
    assert tau == ba.attrs["tau"] == headline_tau(results, slower) == headline_tau(slower,
                                                                                    results)
    means = []
    for table in (ab, ba):
        mean = table[table["statistic"] == "restricted_mean"].set_index("name")
        assert (mean["tau"] == tau).all()
        means.append(mean["value"].sort_index())
    pd.testing.assert_series_equal(means[0], means[1])
    expected = {"default": headline(results, tau=tau).value,
                "mmc": headline(slower, tau=tau).value}
    assert means[0].to_dict() == expected
    label = f"average wait (cap {tau:g} d)"
    for order in (("preset:default", "preset:mmc"), ("preset:mmc", "preset:default")):
        out = _cli("compare", *order, "-n", str(N), "--seed", str(SEED))
        for name, number in expected.items():
            assert _row(out, name)[1:3] == [label, f"{number:.1f}"], order


def test_no_average_is_reported_below_its_own_median(results, slower):
    table = analysis.compare({"default": results, "mmc": slower}, q=(0.5,), n_boot=20)
    for _, rows in table.groupby("name"):
        mean = rows.loc[rows["statistic"] == "restricted_mean", "value"].iloc[0]
        median = rows.loc[rows["statistic"] == "quantile", "value"].iloc[0]
        assert mean >= median


def test_ablate_quotes_the_headline_on_its_horizon(scenario, results):
    table = analysis.ablate(scenario, ["priority"], replications=N, seed=SEED, n_boot=20)
    tau = table.attrs["tau"]
    base = headline(results, tau=tau).value
    mean = table[table["statistic"] == "restricted_mean"]
    assert (mean["baseline"] == base).all() and (mean["tau"] == tau).all()
    reused = analysis.ablate(scenario, ["priority"], replications=N, seed=SEED, n_boot=20,
                             baseline=results)
    pd.testing.assert_frame_equal(reused, table)
    out = _cli("ablate", "--preset", "default", "-n", str(N), "--seed", str(SEED),
               "--source", "priority")
    header = _row(out, "source")
    assert header[1] == f"average wait (cap {tau:g} d) now"
    assert _row(out, "priority")[1] == f"{base:.1f}"


def test_report_quotes_the_headline_in_both_sections(scenario, results):
    rep = build_report(scenario, replications=N, seed=SEED, ablation_replications=N,
                       sources=["priority"], n_boot=20)
    tau = rep.ablation.attrs["tau"]
    value = headline(results, tau=tau).value
    assert rep.headline.value == value and rep.headline.tau == tau
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
