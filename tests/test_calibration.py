"""Calibration against a known truth: a scenario -> to_ats -> read_ats -> calibrate recovers the
directly estimated parameters within their intervals, its waits agree with held-out data of
the known scenario, and a parameter the data cannot identify is reported as such."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import hiresim as hs
from hiresim.inference.calibration import calibrate, quantile_interval

#: Fits by simulation (a minute or more each): run by ``make test``, left out by ``-m "not slow"``.
pytestmark = pytest.mark.slow

#: The known scenario: the default preset's structure, a year of a company with enough people
#: that its waits are not dominated by one year's luck of load, without the rare organization-
#: wide events (a reorganization or a rethought job changes a whole year, which one history
#: cannot average), and an exponential patience (a constant withdrawal hazard, so that its
#: value is a parameter the history shows).
TRUTH = {
    "horizon_days": 360,
    "drain_days": 60,
    "requisitions.initial": 3,
    "requisitions.rate_per_month": 1.5,
    "candidates.rate_per_week": 1.0,
    "roles.hiring_manager.count": 12,
    "roles.recruiter.count": 8,
    "roles.interviewer.count": 20,
    "reorganization": None,
    "requirements": None,
    "turnover": None,
    "candidates.max_per_requisition": None,
    "candidates.follow_up": None,  # answered follow-ups restart patience (not memoryless)
    "candidates.patience": {"days": {"dist": "exponential", "mean": 40.0,
                                     "unit": "calendar_days"}, "never_withdraw": 0.0},
    "scorecards.work": {"dist": "lognormal", "median": 3.0, "p90": 20.0,
                        "unit": "working_hours"},
}


def truth() -> hs.Scenario:
    return hs.preset("default").with_overrides(TRUTH)


def history_of(scenario: hs.Scenario, seed: int, folder: Path) -> hs.History:
    hs.simulate(scenario, replications=1, seed=seed).to_ats(folder)
    return hs.read_ats(folder)


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ats-train")
    history = history_of(truth(), 1, folder)
    # the base is the known structure with its latent times wrong: scorecards take 3 times as
    # long, calendars are emptier; the fit must find its way back
    base = truth().with_overrides({
        "scorecards.work": {"dist": "lognormal", "median": 9.0, "p90": 60.0,
                            "unit": "working_hours"},
        "roles.interviewer.calendar_load": 0.05, "roles.hiring_manager.calendar_load": 0.1})
    return history, calibrate(history, base=base, budget=30, replications=3, seed=3)


def test_direct_estimates_cover_the_truth(calibrated):
    _, cal = calibrated
    sc = truth()
    est = cal.estimates.set_index("path")
    truths = {
        "requisitions.rate_per_month": sc.requisitions.rate_per_month,
        "candidates.rate_per_week": sc.candidates.rate_per_week,
        "screening.pass_probability": sc.screening.pass_probability,
        "rounds.0.decision.advance": sc.rounds[0].decision.advance,
        "rounds.0.decision.reject": sc.rounds[0].decision.reject,
        "rounds.1.decision.offer": sc.rounds[1].decision.offer,
        "offers.accept_probability": sc.offers.accept_probability,
        "candidates.patience.hazard_per_day": 1.0 / 40.0,
    }
    for path, value in truths.items():
        row = est.loc[path]
        assert row["lower"] <= value <= row["upper"], (path, value, dict(row))


@pytest.mark.xfail(strict=False, reason=(
    "measured 2026-12-07 after the stream layout, lazy slot search and the organisation "
    "learned from the records landed together: round 2 P50 simulated 8.88 d against the "
    "held-out 13.78 (95 % interval 9.96-14.99); issue 21 open"))
def test_calibrated_waits_agree_with_held_out_data(calibrated, tmp_path):
    """P50 and P90 of each round's wait, simulated from the calibrated scenario, lie inside
    the 95 % intervals of a history of the known scenario simulated with another seed."""
    _, cal = calibrated
    held_out = history_of(truth(), 2, tmp_path / "held-out")
    observed = quantile_interval(held_out.waits, (0.5, 0.9)).set_index(["round", "q"])
    sim = hs.simulate(cal.scenario, replications=8, seed=11, event_log=False)
    simulated = quantile_interval(sim.journeys, (0.5, 0.9)).set_index(["round", "q"])
    for key, row in observed.iterrows():
        got = simulated.loc[key, "days"]
        upper = row["upper"] if np.isfinite(row["upper"]) else np.inf  # open-ended band
        assert row["lower"] <= got <= upper, (key, got, dict(row))


def test_the_calibrated_scenario_round_trips_through_toml(calibrated, tmp_path):
    _, cal = calibrated
    path = cal.to_toml(tmp_path / "my_company.toml")
    text = path.read_text()
    assert "estimated:" in text and ("fitted by simulation" in text or "base value" in text)
    again = hs.load_scenario(path)
    assert again.model_dump() == cal.scenario.model_dump()


def test_a_parameter_the_data_cannot_identify_is_reported_and_left_at_base(tmp_path):
    """Nobody ever gets an offer, so the offer approval chain never runs: its work time
    leaves every wait unchanged (a flat profile) and stays at the base value."""
    no_offers = truth().with_overrides({
        "rounds.1.decision": {"advance": 0.0, "offer": 0.0, "reject": 1.0},
        "horizon_days": 120})
    history = history_of(no_offers, 4, tmp_path)
    cal = calibrate(history, base=no_offers, free=["approvals.steps.0.work", "scorecards.work"],
                    budget=6, replications=2, seed=5)
    latent = cal.latent.set_index("path")
    assert not latent.loc["approvals.steps.0.work", "identifiable"]
    assert latent.loc["approvals.steps.0.work", "used"] == 1.0
    assert latent.loc["scorecards.work", "identifiable"]
    assert np.isfinite(cal.distance)


def test_cli_calibrates_the_shipped_example_and_refuses_a_malformed_export(tmp_path):
    import shutil
    from importlib.resources import files

    from click.testing import CliRunner

    from hiresim.present.cli import main

    example = Path(str(files("hiresim") / "examples" / "acme_ats"))
    out = tmp_path / "acme.toml"
    result = CliRunner().invoke(main, ["calibrate", str(example), "--base", "default",
                                       "--out", str(out), "--budget", "3", "-n", "1",
                                       "--accept-misfit"])  # three trials: a rough fit
    assert result.exit_code == 0, result.output
    assert "observed and simulated waits" in result.output
    assert hs.load_scenario(out).name.endswith("(calibrated)")
    broken = tmp_path / "broken"
    shutil.copytree(example, broken)
    lines = (broken / "applications.csv").read_text().splitlines()
    lines[3] = lines[3].replace(lines[3].split(",")[3], "yesterday", 1)
    (broken / "applications.csv").write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(main, ["calibrate", str(broken), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "applications.csv" in result.output and "row 4" in result.output
    assert "Traceback" not in result.output


def test_plot_shows_observed_and_simulated_curves(calibrated):
    import matplotlib

    matplotlib.use("Agg")
    _, cal = calibrated
    ax = cal.plot()
    labels = [line.get_label() for line in ax.get_lines()]
    assert "round 1, observed" in labels and "round 1, simulated" in labels


def test_a_value_set_by_the_user_wins_over_the_records_and_is_not_fitted(tmp_path):
    """``calibrate --set roles.recruiter.count=N`` (``fixed=``): the records name the
    recruiters, yet the user's headcount is the one the calibrated scenario has, it is not
    among the fitted parameters, and a note says so."""
    from importlib.resources import files

    from click.testing import CliRunner

    from hiresim.present.cli import main

    example = Path(str(files("hiresim") / "examples" / "acme_ats"))
    history = hs.read_ats(example)
    learned = calibrate(history, base="default", budget=1, replications=1, seed=1)
    count = learned.scenario.roles["recruiter"].count + 3
    cal = calibrate(history, base="default", budget=1, replications=1, seed=1,
                    fixed={"roles.recruiter.count": count})
    assert cal.scenario.roles["recruiter"].count == count
    assert "roles.recruiter.count" not in set(cal.latent["path"])
    assert any(n.startswith("roles.recruiter.count") for n in cal.notes)
    out = tmp_path / "acme.toml"
    result = CliRunner().invoke(main, ["calibrate", str(example), "--out", str(out),
                                       "--budget", "1", "-n", "1", "--accept-misfit",
                                       "--set", f"roles.recruiter.count={count}"])
    assert result.exit_code == 0, result.output
    assert hs.load_scenario(out).roles["recruiter"].count == count
