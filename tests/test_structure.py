"""hs.structure against worlds it did not build: Northwind (tests/worlds, plain SimPy, its own
stage names and habits) at 1x, 5x and issue 21's large company, its degraded exports, and
exports hiresim writes itself (``Results.to_ats``) from the default preset and a 5x variant.

Counts read from ids must be exact; panel sizes are modes and must be exact; the teams' weekly
meetings must be found at their weekday and hour; shares are judged by their reported
intervals (a share's key check allows three standard errors, so that a 95 % interval missing
by chance does not fail the suite, while a biased estimator does); how many of the reported
95 % intervals hold the world's truth is counted and printed (``-s``).
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import hiresim as hs
from hiresim.inference.calibration import direct_estimates
from hiresim.inference.estimates import Quantity
from hiresim.inference.structure import TABLE_COLUMNS
from tests.worlds import Export, WorldConfig, cached_export, session_root, standard_export

WORLDS = ("1x", "5x", "large")
DEGRADED = ("1x-no-jobs", "1x-no-interviewers", "1x-one-round")
Z95 = 1.959963984540054


@pytest.fixture(scope="module")
def read(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """``read(name)``: (export, history, structure) of a standard world export, made once."""
    root = session_root(tmp_path_factory)
    cache: dict[str, tuple[Export, hs.History, hs.Structure]] = {}

    def get(name: str) -> tuple[Export, hs.History, hs.Structure]:
        if name not in cache:
            e = standard_export(root, name)
            history = hs.read_ats(e.folder, mapping=e.mapping)
            cache[name] = (e, history, hs.structure(history))
        return cache[name]

    return get


def within_se(q: Quantity, truth: float, k: float = 3.0) -> bool:
    """``truth`` within ``k`` standard errors of the estimate (the SE read off its 95 %
    interval: half its width over 1.96)."""
    se = (q.high - q.low) / (2 * Z95)
    return abs(q.value - truth) <= k * se


# ------------------------------------------------------------------------------ people


@pytest.mark.parametrize("name", WORLDS)
def test_people_by_id_are_the_worlds(read: Any, name: str) -> None:
    e, _, s = read(name)
    t = e.truth
    for role in ("recruiter", "hiring_manager", "interviewer"):
        assert set(s.people[role]) == set(t.people[role]), role
        q = s.get(f"people.{role}")
        assert q.value == t.counts[role] and q.interval == "exact (counted)", (role, q)


@pytest.mark.parametrize("name", WORLDS)
def test_teams_are_the_worlds(read: Any, name: str) -> None:
    """Every interviewer belongs to one team: the structure finds teams, not a pool, and each
    manager's team is exactly theirs."""
    e, _, s = read(name)
    assert s.organisation == "teams"
    assert {hm: set(team.members) for hm, team in s.teams.items()} == {
        hm: set(members) for hm, members in e.truth.teams.items()}
    assert s.get("teams.size").value == e.truth.rates["team_size"]
    assert s.get("teams.overlap").value == 0.0


@pytest.mark.parametrize("name", WORLDS)
def test_panels_and_rounds_are_exact(read: Any, name: str) -> None:
    e, _, s = read(name)
    t = e.truth
    assert s.rounds == t.rounds == s.get("rounds").value
    for r, spec in t.panels.items():
        panel = s.panels[r]
        assert panel.listed == spec["listed"], (r, panel.sizes)
        assert panel.interviewers == spec["interviewers"], r
        hm = panel.hiring_manager
        assert hm.value == (1.0 if spec["hiring_manager"] else 0.0), (r, hm)


@pytest.mark.parametrize("name", WORLDS)
def test_loads_are_each_persons_interviews(read: Any, name: str) -> None:
    """Every person on a panel has a load row; the loads add up to the panel seats held."""
    e, history, s = read(name)
    seats = Counter(p for ids in history.interviews["interviewers"] for p in ids)
    loads = s.loads.set_index("id")
    for pid, n in seats.items():
        assert loads.loc[pid, "interviews"] == n
        row = loads.loc[pid]
        assert row["low"] <= row["per_week"] <= row["high"], pid
    assert set(loads.index[loads["role"] == "interviewer"]) == set(e.truth.people["interviewer"])


# ----------------------------------------------------------------------------- meetings


@pytest.mark.parametrize("name", WORLDS)
def test_each_teams_weekly_meeting_is_found(read: Any, name: str) -> None:
    """Each team's busiest decision hour is its sync's (weekday and hour) in every world; at
    5x and in the large company every team's meeting is detected, and no detected meeting is
    at a wrong time. At 1x a team records 12-40 rejections a year: the weakest (3 of 13 in
    its hour) is not detected, five of six are."""
    e, _, s = read(name)
    syncs = e.truth.syncs
    scans = {m.scope: m for m in s.meetings if m.kind == "meeting" and m.scope != "company"}
    assert set(scans) == set(syncs)
    for hm, (weekday, hour) in syncs.items():
        assert (scans[hm].weekday, scans[hm].hour) == (weekday, hour), (hm, scans[hm])
    found = [m for m in scans.values() if m.detected]
    assert all((m.weekday, m.hour) == syncs[m.scope] for m in found)
    if name == "1x":
        assert len(found) >= 5
    else:
        assert len(found) == len(syncs)
    assert s.get("meetings.detected").value == len(found)


@pytest.mark.parametrize("name", WORLDS)
def test_the_share_that_waits_for_the_meeting(read: Any, name: str) -> None:
    """The pooled share of each round's decisions that waited for the team's meeting is
    within three standard errors of the world's share, and its 95 % interval holds the share
    the world realised among the rejections it recorded (the stamps it is estimated from)."""
    e, _, s = read(name)
    realised: dict[int, list[bool]] = {}
    for _, r, _, at_sync, outcome in e.run.decisions:
        if outcome == "reject":
            realised.setdefault(r + 1, []).append(at_sync)
    for r, truth in e.truth.sync_share.items():
        q = s.get(f"meetings.round_{r}.share")
        assert within_se(q, truth), (r, truth, q)
        assert q.covers(float(np.mean(realised[r]))), (r, np.mean(realised[r]), q)


@pytest.mark.parametrize("name", WORLDS)
def test_the_offer_committee_is_found(read: Any, name: str) -> None:
    """Offers are told from the hour after the committee ends (Tue 14:00-15:00)."""
    e, _, s = read(name)
    weekday, hour, minutes = e.truth.committee
    committee = [m for m in s.detected if m.kind == "committee"]
    assert len(committee) == 1
    assert committee[0].weekday == weekday
    assert committee[0].hour == hour + minutes // 60
    assert s.get("committee.weekday").value == weekday


def test_no_meeting_where_the_world_has_none(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The same 5x company without its weekly syncs: no team meeting is detected."""
    cfg = WorldConfig().scaled(5).variant("no_sync")
    e = cached_export(session_root(tmp_path_factory), cfg)
    s = hs.structure(hs.read_ats(e.folder, mapping=e.mapping))
    teams = [m for m in s.meetings if m.kind == "meeting" and m.scope != "company"]
    assert len(teams) == cfg.hiring_managers
    assert not [m for m in teams if m.detected]
    assert s.get("meetings.detected").value == 0


# ------------------------------------------------------------------- shares and coverage


def world_truths(e: Export) -> dict[str, float]:
    """The world's value of each quantity it fixes (its configuration)."""
    cfg = e.truth.rates
    positions = np.asarray(cfg["positions"], dtype=float)
    out = {
        "jobs.rate_per_month": cfg["openings_per_department_month"] * len(cfg["departments"]),
        "jobs.positions": float(np.sum(positions * np.arange(1, positions.size + 1))),
        "candidates.rate_per_week": cfg["applications_per_job_week"],
        "screening.pass_probability": cfg["screen_pass"],
        "offers.accept_probability": cfg["accept_share"],
        "offers.consideration_days.p50": cfg["consideration_days"][0],
        "offers.consideration_days.p90": cfg["consideration_days"][1],
        "rejections.untold.share": cfg["ghost_share"],
        "rejections.untold.after_interview": cfg["ghost_share"],
        "rejections.held.share": cfg["hold_share"],
    }
    for r, shares in e.truth.decisions.items():
        for choice, value in shares.items():
            out[f"decision.round_{r}.{choice}"] = value
    for r, value in e.truth.sync_share.items():
        out[f"meetings.round_{r}.share"] = value
    return out


@pytest.mark.parametrize("name", WORLDS)
def test_most_intervals_hold_the_worlds_truth(read: Any, name: str) -> None:
    """Coverage: the world's configured value inside the reported 95 % interval for most
    quantities (printed with ``-s``). Known misses: round 2's decision shares (the world
    decides 45 % offers, but a decided offer finding no position left at the committee is told
    as a rejection, and the records cannot tell the two apart), the held share (a candidate
    still undecided when the job closes is rejected with the held ones), and the world's own
    luck of one year (the large company opened 174 jobs where 143 were expected)."""
    e, _, s = read(name)
    truths = world_truths(e)
    held = {q: s.get(q).covers(v) for q, v in truths.items()}
    missed = sorted(q for q, ok in held.items() if not ok)
    print(f"\n{name}: {sum(held.values())} of {len(held)} intervals hold the truth; missed: "
          f"{', '.join(missed)}")
    assert sum(held.values()) > len(held) / 2, missed


def realised_decisions(e: Export) -> dict[tuple[int, str], float]:
    """The shares of the world's decisions, per round and outcome, as they were taken."""
    count = Counter((r + 1, outcome) for _, r, _, _, outcome in e.run.decisions)
    total = Counter(r + 1 for _, r, _, _, _ in e.run.decisions)
    return {(r, o): n / total[r] for (r, o), n in count.items()}


@pytest.mark.parametrize("name", WORLDS)
def test_decision_shares_within_their_intervals(read: Any, name: str) -> None:
    """Round 1's decision shares are within three standard errors of the shares of the
    decisions the world took that year (round 2's offers are the known miss of the coverage
    test)."""
    e, _, s = read(name)
    realised = realised_decisions(e)
    for choice in ("advance", "reject"):
        q = s.get(f"decision.round_1.{choice}")
        assert within_se(q, realised[1, choice]), (choice, realised[1, choice], q)


def test_the_table_is_tidy(read: Any) -> None:
    _, _, s = read("5x")
    table = s.table()
    assert tuple(table.columns) == TABLE_COLUMNS
    assert table["quantity"].is_unique
    assert (table["source"] != "").all()
    finite = table[np.isfinite(table["value"]) & np.isfinite(table["high"])]
    assert (finite["low"] <= finite["value"] + 1e-12).all()
    assert (finite["value"] <= finite["high"] + 1e-12).all()
    assert (table["interval"].str.contains("95 %") | table["interval"].str.startswith(
        ("exact", "mode", "range", "lower"))).all()


def test_calibration_uses_the_same_estimates(read: Any) -> None:
    """One definition of each quantity: calibrate's direct estimates are the structure's."""
    _, history, s = read("1x")
    paths = {"requisitions.rate_per_month": "jobs.rate_per_month",
             "candidates.rate_per_week": "candidates.rate_per_week",
             "screening.pass_probability": "screening.pass_probability",
             "rounds.0.decision.advance": "decision.round_1.advance",
             "rounds.1.decision.offer": "decision.round_2.offer",
             "offers.accept_probability": "offers.accept_probability",
             "candidates.patience.hazard_per_day": "withdrawals.hazard_per_day"}
    estimates = {e.path: e for e in direct_estimates(history)}
    for path, quantity in paths.items():
        q = s.get(quantity)
        got = estimates[path]
        assert (got.value, got.lower, got.upper, got.n) == (q.value, q.low, q.high, q.n)


# ---------------------------------------------------------------------- degraded exports


@pytest.mark.parametrize("name", DEGRADED)
def test_degraded_exports_give_a_structure_with_notes(read: Any, name: str) -> None:
    e, _, s = read(name)
    table = s.table()
    assert len(table) > 20 and repr(s)
    t = e.truth
    if name == "1x-no-jobs":
        assert s.notes and "jobs.csv" in s.notes[0]
        recruiters = s.get("people.recruiter")
        assert "concurrency" in recruiters.source and recruiters.interval == "lower bound"
        assert 1 <= recruiters.value <= t.counts["recruiter"]
        # jobs grouped by shared interviewers: one group per manager, each manager found on
        # the panels of the round they attend
        assert s.get("people.hiring_manager").value == t.counts["hiring_manager"]
        assert set(s.people["hiring_manager"]) == set(t.people["hiring_manager"])
        assert set(s.people["interviewer"]) == set(t.people["interviewer"])
        assert "panels" in s.get("people.hiring_manager").source
    if name == "1x-no-interviewers":
        assert s.notes and "no interviewers" in s.notes[0]
        interviewers = s.get("people.interviewer")
        assert "concurrency" in interviewers.source and interviewers.interval == "lower bound"
        assert 1 <= interviewers.value <= t.counts["interviewer"]
        assert math.isnan(s.get("panel.size").value) and not s.panels
        assert s.organisation == "unknown"
        assert s.get("people.recruiter").value == t.counts["recruiter"]
    if name == "1x-one-round":
        assert s.rounds == 1
        assert s.panels[1].listed == t.panels[1]["listed"]
        assert s.panels[1].hiring_manager.value == 1.0
        assert s.get("meetings.detected").value >= 1


def test_an_export_with_neither_jobs_nor_interviewer_ids(tmp_path: Path,
                                                         tmp_path_factory: Any) -> None:
    """The poorest export still gives a structure: nothing named, bounds and notes."""
    e = standard_export(session_root(tmp_path_factory), "1x-no-interviewers")
    folder = tmp_path / "ats"
    folder.mkdir()
    for f in e.folder.iterdir():
        if f.name != "jobs.csv":
            (folder / f.name).write_bytes(f.read_bytes())
    s = hs.structure(hs.read_ats(folder, mapping=e.mapping))
    assert math.isnan(s.get("people.hiring_manager").value)
    assert s.get("people.interviewer").interval == "lower bound"
    assert len(s.notes) >= 2 and s.organisation == "unknown"
    assert not [m for m in s.detected if m.kind == "meeting" and m.scope != "company"]


def test_jobs_without_their_hiring_managers(tmp_path: Path, tmp_path_factory: Any) -> None:
    """``jobs.csv`` names the recruiters but not the managers: recruiters are counted, the
    managers come from the panels (each found on the onsite panels of their group's jobs)."""
    e = standard_export(session_root(tmp_path_factory), "1x")
    folder = tmp_path / "ats"
    folder.mkdir()
    for f in e.folder.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    jobs = pd.read_csv(folder / "jobs.csv", dtype=str, keep_default_na=False)
    jobs["Hiring Manager"] = ""
    jobs.to_csv(folder / "jobs.csv", index=False)
    s = hs.structure(hs.read_ats(folder, mapping=e.mapping))
    assert s.get("people.recruiter").value == e.truth.counts["recruiter"]
    assert s.get("people.recruiter").source == "jobs.csv: recruiter"
    assert set(s.people["hiring_manager"]) == set(e.truth.people["hiring_manager"])
    assert "panels" in s.get("people.hiring_manager").source
    assert s.notes and "hiring managers" in s.notes[0]


def test_arguments_are_checked() -> None:
    history = hs.read_ats(hs.records.ats.EXAMPLE)
    with pytest.raises(TypeError, match=r"hiresim\.History"):
        hs.structure("some/folder")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="level"):
        hs.structure(history, level=1.5)
    assert hs.structure(history, level=0.8).get("screening.pass_probability").interval \
        == "Wilson 80 %"


# ------------------------------------------------------------- exports hiresim writes


def five_times(scenario: hs.Scenario) -> hs.Scenario:
    """Five times the staff and the job openings of ``scenario``."""
    o: dict[str, Any] = {f"roles.{r}.count": spec.count * 5 for r, spec in
                         scenario.roles.items()}
    o["requisitions.initial"] = scenario.requisitions.initial * 5
    o["requisitions.rate_per_month"] = scenario.requisitions.rate_per_month * 5
    return scenario.with_overrides(o)


@pytest.fixture(scope="module")
def own_exports(tmp_path_factory: pytest.TempPathFactory
                ) -> dict[str, tuple[hs.Scenario, hs.Results, hs.Structure]]:
    out = {}
    default = hs.preset("default")
    for name, scenario in (("default", default),
                           ("5x", five_times(default).without("turnover"))):
        results = hs.simulate(scenario, replications=1, seed=3)
        folder = results.to_ats(tmp_path_factory.mktemp(f"own-{name}"))
        out[name] = (scenario, results, hs.structure(hs.read_ats(folder)))
    return out


@pytest.mark.xfail(strict=False, reason=(
    "found 2026-12-07 with the draws keyed by name (issue 20): on the default preset's own "
    "export no committee is detected (expected Thursday); the 1x export of "
    "test_calibrate_world sees a spurious Tuesday: the detection's power on hiresim's own "
    "exports needs a look (issue 21 open)"))
@pytest.mark.parametrize("name", ["default", "5x"])
def test_hiresims_own_exports_give_back_the_scenarios_organisation(own_exports: Any,
                                                                   name: str) -> None:
    """The people are those who acted in the simulation (with turnover, a replacement is a new
    id: ``recruiter-2~1``); without turnover, exactly the scenario's counts. Panels are drawn
    from one pool of interviewers: a pool, not teams. The panels list the scorecard writers
    (the hiring manager writes none), the committee sits on Thursdays, and no team meeting is
    found in a company that has none."""
    scenario, results, s = own_exports[name]
    acted = results.events.groupby("org:role")["org:resource"].agg(set)
    for role in ("recruiter", "hiring_manager", "interviewer"):
        assert set(s.people[role]) == acted[role], role
        if name == "5x":
            assert s.get(f"people.{role}").value == scenario.roles[role].count
    assert s.organisation == "pool"
    assert s.rounds == len(scenario.rounds)
    for r, spec in enumerate(scenario.rounds, start=1):
        assert s.panels[r].listed == spec.panel
    committee = [m for m in s.detected if m.kind == "committee"]
    assert [m.weekday for m in committee] == [3]  # the default's committee: Thursdays
    assert not [m for m in s.detected if m.kind == "meeting"]
    truth = {"screening.pass_probability": scenario.screening.pass_probability,
             "offers.accept_probability": scenario.offers.accept_probability,
             "decision.round_1.advance": scenario.rounds[0].decision.advance}
    for quantity, value in truth.items():
        assert within_se(s.get(quantity), value), (quantity, value, s.get(quantity))


def test_a_structure_reads_in_a_notebook_cell(read: Any) -> None:
    """What a user looks at first: the repr, the people, the teams and the detected meetings."""
    _, _, s = read("1x")
    text = repr(s)
    assert "4 recruiters" in text and "6 hiring managers" in text and "teams" in text
    assert all(isinstance(m.when, str) and m.when[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri")
               for m in s.detected)
    assert isinstance(s.open_jobs, pd.DataFrame) and (s.open_jobs["open"] >= 0).all()
