"""The Northwind world itself: deterministic, read by hiresim as a user would, and what its
configuration says it is.

The decisive check is that hiresim's reader, given only the export and the mapping, measures
exactly the waits the world recorded as they happened: it shows that the export and the
mapping say what the world did, so tests of calibration and forecasts can trust both.
"""

from __future__ import annotations

import ast
import dataclasses
import math
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import hiresim as hs
from tests.worlds import (
    HELD_OUT_SEED,
    SEED,
    WHAT_IFS,
    Export,
    WorldConfig,
    feedback_quantiles,
    kaplan_meier,
    km_quantile,
    world_effects,
    write_calendars,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
#: The one-year exports every reading test runs on (the degraded ones of issue 21 included).
ONE_YEAR = ("1x", "5x", "1x-no-jobs", "1x-no-interviewers", "1x-one-round")

WorldExport = Callable[[str], Export]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_world_does_not_import_hiresim() -> None:
    """The world must not share hiresim's code: only the tests of it may import hiresim."""
    for path in sorted(HERE.glob("*.py")):
        if path.name.startswith("test_") or path.name == "conftest.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [n for n in names if n.split(".")[0] == "hiresim"], path.name


def test_same_seed_same_bytes_in_another_process(world_export: WorldExport,
                                                 tmp_path: Path) -> None:
    """A fresh interpreter (another string hash seed) writes byte-identical files."""
    mine = world_export("1x")
    out = tmp_path / "again"
    code = ("import sys; from tests.worlds import WorldConfig, run_world, write_export, "
            "write_mapping; cfg = WorldConfig(); "
            f"write_export(run_world(cfg, {SEED}, 1.0), sys.argv[1]); "
            "write_mapping(cfg, sys.argv[1] + '/mapping.toml')")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, env=env, check=True)
    again = _files(out)
    assert again.pop("mapping.toml") == mine.mapping_path.read_bytes()
    assert again == _files(mine.folder)


def test_another_seed_another_world(world_export: WorldExport) -> None:
    a = world_export("1x").folder / "applications.csv"
    b = world_export("1x-held-out").folder / "applications.csv"
    assert a.read_bytes()[:2000] != b.read_bytes()[:2000]


@pytest.mark.parametrize("name", ONE_YEAR)
def test_hiresim_reads_the_export_with_the_mapping(world_export: WorldExport, name: str) -> None:
    """Every variant reads without error, from the dict and from the TOML file alike, and
    holds what the world did: every application, interview and job."""
    e = world_export(name)
    h = hs.read_ats(e.folder, mapping=e.mapping)
    from_toml = hs.read_ats(e.folder, mapping=e.mapping_path)
    pd.testing.assert_frame_equal(h.waits, from_toml.waits)
    run = e.run
    assert len(h.applications) == len(run.apps)
    assert len(h.interviews) == len(run.interviews)
    per_round = h.interviews["round"].value_counts().sort_index()
    assert per_round.to_dict() == e.truth.observed["interviews"]
    assert len(h.jobs) == (len(run.jobs) if e.jobs else 0)
    assert h.exported_at == run.exported_at
    panels = h.interviews["interviewers"].map(len)
    if e.interviewer_ids:
        listed = h.interviews["round"].map(lambda r: e.truth.panels[r]["listed"])
        assert (panels == listed).all()
    else:
        assert (panels == 0).all()
    # only rows that carry no wait are left out: the applications never interviewed and the
    # visits of the ignored stage `Hired`; every interview is used
    left = h.left_out["file"].value_counts().to_dict()
    interviewed = {i for i, *_ in run.interviews}
    hired_visits = sum(s == "Hired" for a in run.apps for s, *_ in a.stages)
    assert left == {"applications.csv": len(run.apps) - len(interviewed),
                    "stages.csv": hired_visits}, h.left_out["reason"].value_counts()


@pytest.mark.parametrize("name", ONE_YEAR)
def test_hiresim_measures_the_waits_the_world_recorded(world_export: WorldExport,
                                                       name: str) -> None:
    """hiresim's waits, from the export's tables by the rules of design section 7, are the
    waits the world recorded as they happened: same applications and rounds, same end of
    the interview, same outcome, same moment heard or censored, same days."""
    e = world_export(name)
    ours = e.run.waits
    theirs = hs.read_ats(e.folder, mapping=e.mapping).waits
    both = theirs.merge(ours, on=["application_id", "round"], how="outer", indicator=True,
                        suffixes=("", "_world"))
    assert (both["_merge"] == "both").all(), both["_merge"].value_counts()
    assert len(both) == len(ours) > 100
    assert (both["interview_end"] == both["interview_end_world"]).all()
    assert (both["outcome"].astype(str) == both["outcome_world"].astype(str)).all()
    assert (both["censored"] == both["censored_world"]).all()
    heard = ~both["censored"]
    assert (both.loc[heard, "feedback_at"] == both.loc[heard, "stop"]).all()
    assert both.loc[~heard, "feedback_at"].isna().all()
    np.testing.assert_array_equal(both["days_to_feedback"], both["days"])
    # every outcome occurs, so every rule of the reader was exercised
    assert set(ours["outcome"].astype(str)) == {"advance", "offer", "reject", "withdrawn",
                                                "ghosted", "open"} - (
        {"advance"} if name == "1x-one-round" else set())


@pytest.mark.parametrize("name", ["1x", "5x", "1x-one-round"])
def test_staff_in_the_export_is_the_truth(world_export: WorldExport, name: str) -> None:
    """The distinct ids of each role in the export are the truth's people, and every panel is
    drawn from the team of the job's hiring manager."""
    e = world_export(name)
    t = e.truth
    folder = e.folder
    jobs = pd.read_csv(folder / "jobs.csv", dtype=str)
    apps = pd.read_csv(folder / "applications.csv", dtype=str)
    iv = pd.read_csv(folder / "interviews.csv", dtype=str)
    assert sorted(set(jobs["Recruiter"])) == sorted(t.people["recruiter"])
    assert sorted(set(jobs["Hiring Manager"])) == sorted(t.people["hiring_manager"])
    listed = {p for panel in iv["Panel"] for p in panel.split(";")}
    assert sorted(listed - set(t.people["hiring_manager"])) == sorted(t.people["interviewer"])
    assert t.counts == {role: len(ids) for role, ids in t.people.items()}
    cfg = e.run.cfg
    assert t.counts == {"recruiter": cfg.recruiters, "hiring_manager": cfg.hiring_managers,
                        "interviewer": cfg.interviewers}
    manager = iv["AppID"].map(apps.set_index("AppID")["Req"]).map(
        jobs.set_index("Req")["Hiring Manager"])
    rounds = {name: k for name, k in t.stages.items()}
    for stage, hm, panel in zip(iv["Stage"], manager, iv["Panel"], strict=True):
        r = int(rounds[stage].split(":")[1])
        people = panel.split(";")
        assert len(people) == t.panels[r]["listed"]
        assert (hm in people) == t.panels[r]["hiring_manager"]
        assert set(people) - {hm} <= set(t.teams[hm])


def test_the_world_keeps_its_habits(world_export: WorldExport) -> None:
    """Decision shares and the shares that wait for the weekly sync are the configured ones
    (within 4 binomial standard errors), and every decision taken at a sync is taken when
    the team's sync ends."""
    e = world_export("5x")
    run, t = e.run, e.truth
    d = pd.DataFrame(run.decisions, columns=["app", "round", "at", "sync", "outcome"])
    d["round"] += 1
    for r, g in d.groupby("round"):
        n = len(g)
        assert n > 300
        shares = {"sync": (g["sync"].mean(), t.sync_share[r])}
        for outcome, p in t.decisions[r].items():
            shares[outcome] = ((g["outcome"] == outcome).mean(), p)
        for what, (seen, p) in shares.items():
            assert abs(seen - p) <= 4 * math.sqrt(p * (1 - p) / n) + 1e-12, (r, what, seen, p)
    at_sync = d[d["sync"]]
    local = pd.DatetimeIndex(run.clock.local(at_sync["at"].to_numpy()))
    hm = [run.apps[i].job.manager for i in at_sync["app"]]
    expected = [t.syncs[m] for m in hm]
    assert list(local.weekday) == [w for w, _ in expected]
    ends = local.hour * 60 + local.minute
    assert list(ends) == [h * 60 + t.sync_minutes for _, h in expected]


def test_scaled_and_named_companies() -> None:
    base = WorldConfig()
    assert (base.recruiters, base.hiring_managers, base.interviewers) == (4, 6, 18)
    five = base.scaled(5)
    assert (five.recruiters, five.hiring_managers, five.interviewers) == (20, 30, 90)
    assert five.openings_per_department_month == pytest.approx(
        5 * base.openings_per_department_month)
    big = WorldConfig.large()
    assert (len(big.departments), big.recruiters, big.hiring_managers, big.interviewers) == (
        4, 12, 32, 192)
    mid = WorldConfig.medium()
    assert (mid.recruiters, mid.hiring_managers, mid.interviewers) == (6, 16, 96)
    with pytest.raises(ValueError, match="no_sync"):
        base.variant("faster")


def test_what_ifs_change_one_habit_each() -> None:
    base = dataclasses.asdict(WorldConfig())
    fast = dataclasses.asdict(WorldConfig().variant("fast_scorecards"))
    changed = {k for k in base if base[k] != fast[k]}
    assert changed == {"scorecard_pickup_hours", "scorecard_work_hours"}
    assert fast["scorecard_pickup_hours"] == tuple(x / 4 for x in base["scorecard_pickup_hours"])
    no_sync = WorldConfig().variant("no_sync")
    assert [r.sync_share for r in no_sync.rounds] == [0.0, 0.0]
    assert dataclasses.replace(no_sync, rounds=WorldConfig().rounds) == WorldConfig()


def test_what_ifs_shorten_the_world_s_own_waits() -> None:
    """Over four years (the held-out seed) both what-ifs shorten every round's median wait:
    the world's own effects, which hiresim's predictions are judged against, exist."""
    effects = world_effects(WorldConfig(), HELD_OUT_SEED, 4.0)
    assert list(effects["variant"].unique()) == ["base", *WHAT_IFS]
    changed = effects[effects["variant"] != "base"]
    assert (changed["effect_p50"] < 0).all(), changed


def test_own_kaplan_meier_agrees_with_lifelines(world_export: WorldExport) -> None:
    """The world's small Kaplan-Meier is the textbook one (lifelines is the reference)."""
    from lifelines import KaplanMeierFitter

    e = world_export("1x-held-out")
    w = e.run.waits
    q = feedback_quantiles(e.run)
    for r, g in w.groupby("round"):
        days, event = g["days"].to_numpy(), ~g["censored"].to_numpy()
        times, survival = kaplan_meier(days, event)
        kmf = KaplanMeierFitter().fit(days, event)
        reference = kmf.survival_function_at_times(times).to_numpy()
        np.testing.assert_allclose(survival, reference, rtol=0, atol=1e-12)
        for level in (0.5, 0.75):
            hit = np.flatnonzero(reference <= 1 - level + 1e-9)
            assert km_quantile(days, event, level) == times[hit[0]]
        row = q.set_index("round").loc[r]
        assert row["n"] == len(g)
        assert row["p50"] == km_quantile(days, event, 0.5)


def test_vacation_calendars_read_back(world_export: WorldExport, tmp_path: Path) -> None:
    """The ``.ics`` files carry each person's vacation days, as hiresim's calendar reader sees
    them."""
    e = world_export("1x")
    people = [e.truth.people[role][0] for role in ("recruiter", "hiring_manager", "interviewer")]
    write_calendars(e.run, tmp_path, people, meetings=True)
    team = hs.read_calendars(tmp_path, people=people, timezone=e.run.cfg.timezone)
    for pid in people:
        mine = team.absences[team.absences["person"] == pid]
        covered = {day.date() for s, end in zip(mine["start"], mine["end"], strict=True)
                   for day in pd.date_range(s, end - pd.Timedelta(seconds=1), freq="D")}
        vacation = set(e.truth.vacations[pid])
        working = set(e.run.clock.dates)
        assert vacation and covered & working == vacation
        assert len(team.busy[team.busy["person"] == pid]) > 0
