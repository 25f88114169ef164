"""Sweeps: common random numbers, validation before any run, atomic units, resume after SIGKILL."""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

import hiresim as hs
from hiresim.results import TABLES
from hiresim.sweeps import MANIFEST, SweepError, SweepWarning, read_overrides

#: Every unit of a sweep runs through runner.run_chunk (serially, in this process): patch it
#: to spy on what runs.
runner_module = importlib.import_module("hiresim.runner")

SEED = 11
REPLICATIONS = 4


@pytest.fixture(scope="module")
def base() -> hs.Scenario:
    return hs.preset("default").with_overrides({"horizon_days": 30, "drain_days": 30})


#: Row 0 and row 3 set nothing / the base value: both must equal the base.
ROWS = [
    {},
    {"roles.recruiter.count": 1},
    {"roles.recruiter.count": 3, "communication.ghost_probability": 0.5},
    {"horizon_days": 30},
]


def assert_same_results(a: hs.Results, b: hs.Results) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


@pytest.fixture(scope="module")
def reference(base, tmp_path_factory) -> hs.Sweep:
    """An uninterrupted serial sweep of :data:`ROWS`, two replications per unit."""
    out = tmp_path_factory.mktemp("reference") / "sweep"
    return hs.sweep(base, ROWS, REPLICATIONS, seed=SEED, out=out, chunk_size=2)


def test_a_row_equal_to_the_base_gives_simulate_of_the_base(base, reference):
    expected = hs.simulate(base, REPLICATIONS, seed=SEED, event_log=False)
    assert_same_results(reference.results(0), expected)
    assert_same_results(reference.results(3), expected)
    assert reference.results(0).manifest["scenario"] == base.model_dump(mode="json")


def test_every_row_equals_simulate_of_its_scenario(base, reference):
    for row in (1, 2):
        scenario = base.with_overrides(ROWS[row])
        assert reference.scenario(row) == scenario
        expected = hs.simulate(scenario, REPLICATIONS, seed=SEED, event_log=False)
        assert_same_results(reference.results(row), expected)


def test_rows_differ_only_where_their_settings_do(reference):
    base_j = reference.results(0).journeys
    ghosting = reference.results(2).journeys
    assert not base_j["days_to_feedback"].equals(ghosting["days_to_feedback"])
    assert (ghosting["outcome"] == "ghosted").mean() > (base_j["outcome"] == "ghosted").mean()


def test_event_log_and_chunking_give_the_same_rows(base, tmp_path):
    one = hs.sweep(base, [{}], 3, seed=SEED, out=tmp_path / "a", event_log=True, chunk_size=1)
    assert_same_results(one.results(0), hs.simulate(base, 3, seed=SEED))
    whole = hs.sweep(base, [{}], 3, seed=SEED, out=tmp_path / "b", event_log=True, chunk_size=5)
    assert_same_results(one.results(0), whole.results(0))


def test_layout_manifest_and_loader(base, reference, tmp_path):
    root = reference.path
    manifest = json.loads((root / MANIFEST).read_text())
    assert manifest["seed"] == SEED and manifest["replications"] == REPLICATIONS
    assert manifest["chunk_size"] == 2 and manifest["overrides"] == ROWS
    assert manifest["base"] == base.model_dump(mode="json")
    assert {"hiresim", "numpy", "pandas", "simpy"} <= set(manifest["versions"])
    names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.parquet"))
    assert len(names) == len(ROWS) * 2 * len(TABLES)
    assert "row-0003/journeys-r00002-00003.parquet" in names
    again = hs.read_sweep(root)
    assert again.complete and len(again) == len(ROWS)
    assert_same_results(again.results(2), reference.results(2))
    table = again.overrides
    assert list(table.columns) == [
        "roles.recruiter.count",
        "communication.ghost_probability",
        "horizon_days",
    ]
    assert pd.isna(table.loc[0]).all() and table.loc[2, "roles.recruiter.count"] == 3


def test_summary_has_one_line_per_row_with_its_settings(reference):
    summary = reference.summary(q=(0.5, 0.9), n_boot=20)
    assert list(summary["row"]) == list(range(len(ROWS)))
    for column in (
        "roles.recruiter.count",
        "journeys",
        "censored_share",
        "mean_days",
        "p50",
        "p90",
        "p90_lower",
        "p90_upper",
    ):
        assert column in summary
    journeys = reference.journeys()
    assert list(journeys.columns[:2]) == ["row", "replication"]
    counts = journeys.groupby("row").size()
    assert summary["journeys"].tolist() == counts.tolist()
    assert summary.loc[0, "p50"] == summary.loc[3, "p50"]  # identical rows
    assert (summary["censored_share"].between(0, 1)).all()


def test_overrides_from_a_csv_file_with_empty_cells(base, tmp_path):
    csv = tmp_path / "overrides.csv"
    csv.write_text(
        "roles.recruiter.count,scorecards.work\n"
        ",\n"
        '2,"{""dist"": ""exponential"", ""mean"": 3, ""unit"": ""working_hours""}"\n'
    )
    rows, columns, label = read_overrides(csv)
    assert columns == ["roles.recruiter.count", "scorecards.work"]
    assert rows[0] == {} and rows[1]["roles.recruiter.count"] == 2
    assert rows[1]["scorecards.work"] == {"dist": "exponential", "mean": 3, "unit": "working_hours"}
    assert label == str(csv)
    swept = hs.sweep(base, csv, 2, seed=SEED, out=tmp_path / "out")
    assert_same_results(swept.results(0), hs.simulate(base, 2, seed=SEED, event_log=False))
    assert swept.scenario(1).roles["recruiter"].count == 2
    json.dumps(swept.manifest)  # plain JSON, no numpy scalars


def test_dataframe_overrides_with_nan_keep_the_base(base, tmp_path):
    table = pd.DataFrame({"roles.recruiter.count": [float("nan"), 3.0]})
    swept = hs.sweep(base, table, 2, seed=SEED, out=tmp_path / "out")
    assert swept.manifest["overrides"] == [{}, {"roles.recruiter.count": 3}]
    assert type(swept.manifest["overrides"][1]["roles.recruiter.count"]) is int
    assert swept.scenario(1).roles["recruiter"].count == 3


@pytest.mark.parametrize(
    ("override", "path"),
    [
        ({"roles.recruiter.cuont": 2}, "roles.recruiter.cuont"),  # unknown field
        ({"colour": "blue"}, "colour"),  # unknown top-level field
        ({"roles.recruiter.count": "many"}, "roles.recruiter.count"),  # wrong type
        ({"horizon_days": -5}, "horizon_days"),  # invalid value
        ({"rounds.9.panel": 2}, "rounds.9"),  # index out of range
        ({"rounds.first.panel": 2}, "rounds.first"),  # not an index
        ({"roles.nobody.count": 2}, "roles.nobody"),  # unknown key of a mapping
    ],
)
def test_bad_override_fails_before_anything_runs(base, tmp_path, monkeypatch, override, path):
    ran = []
    monkeypatch.setattr(runner_module, "run_chunk", lambda *a, **k: ran.append(a))
    out = tmp_path / "out"
    rows = [{}, {"roles.recruiter.count": 2}, override]  # the bad row is the last one
    with pytest.raises(hs.ScenarioError) as info:
        hs.sweep(base, rows, 2, seed=SEED, out=out)
    message = str(info.value)
    assert f"row 2: {path}" in message
    assert any(p.startswith(f"row 2: {path}") for p, _ in info.value.problems)
    assert not ran and not out.exists()


def test_every_bad_row_is_reported_at_once(base, tmp_path):
    rows = [{"roles.recruiter.cuont": 2}, {}, {"horizon_days": "a month"}]
    with pytest.raises(hs.ScenarioError) as info:
        hs.sweep(base, rows, 2, out=tmp_path / "out")
    paths = [p for p, _ in info.value.problems]
    assert paths == ["row 0: roles.recruiter.cuont", "row 2: horizon_days"]
    assert "did you mean 'count'?" in str(info.value)


def test_an_existing_directory_is_never_silently_overwritten(base, reference, tmp_path):
    before = {p: p.stat().st_mtime_ns for p in reference.path.rglob("*")}
    with pytest.raises(SweepError, match="resume=True"):
        hs.sweep(base, ROWS, REPLICATIONS, seed=SEED, out=reference.path, chunk_size=2)
    for field, kwargs in [
        ("seed", {"seed": SEED + 1}),
        ("replications", {"replications": REPLICATIONS + 1}),
        ("chunk_size", {"chunk_size": 1}),
        ("overrides", {"overrides": ROWS[:2]}),
        ("event_log", {"event_log": True}),
    ]:
        args = {"overrides": ROWS, "replications": REPLICATIONS, "seed": SEED, "chunk_size": 2}
        args.update(kwargs)
        with pytest.raises(SweepError, match=f"differs .* in {field}"):
            hs.sweep(base, out=reference.path, resume=True, **args)
    with pytest.raises(SweepError, match="base"):
        hs.sweep(
            base.with_overrides({"horizon_days": 31}),
            ROWS,
            REPLICATIONS,
            seed=SEED,
            out=reference.path,
            resume=True,
        )
    assert before == {p: p.stat().st_mtime_ns for p in reference.path.rglob("*")}
    other = tmp_path / "notes"
    other.mkdir()
    (other / "README.txt").write_text("mine")
    with pytest.raises(SweepError, match="holds no sweep"):
        hs.sweep(base, ROWS, 2, out=other, resume=True)


def test_resume_of_a_complete_sweep_runs_nothing(base, reference, monkeypatch):
    monkeypatch.setattr(runner_module, "run_chunk", lambda *a, **k: pytest.fail("ran"))
    again = hs.sweep(base, ROWS, REPLICATIONS, seed=SEED, out=reference.path, resume=True)
    assert again.complete  # chunk_size comes from the directory


def test_resume_reruns_exactly_the_missing_units(base, reference, tmp_path):
    out = tmp_path / "sweep"
    hs.sweep(base, ROWS, REPLICATIONS, seed=SEED, out=out, chunk_size=2)
    # a unit with one table lost (damage: its record lists it), a unit killed before its
    # record was written (some files, no record), a temp file from a write cut short
    (out / "row-0001/events-r00002-00003.parquet").unlink()
    (out / "row-0002/unit-r00000-00001.json").unlink()
    (out / "row-0002/journeys-r00000-00001.parquet").unlink()
    partial = out / "row-0002/.journeys-r00000-00001.parquet.999.tmp"
    partial.write_bytes(b"PAR1 half a file")
    with pytest.raises(SweepError, match=r"row-0001/events-r00002-00003\.parquet: missing"):
        hs.read_sweep(out)
    interrupted = hs.read_sweep(out, verify=False)
    assert [(r, (c.start, c.stop)) for r, c in interrupted.missing()] == [(1, (2, 4)), (2, (0, 2))]
    with pytest.raises(SweepError, match="row 2 is incomplete"):
        interrupted.results(2)
    with pytest.warns(SweepWarning, match="1 damaged file: row-0001/events-r00002-00003"):
        resumed = hs.sweep(base, ROWS, REPLICATIONS, seed=SEED, out=out, resume=True)
    assert not partial.exists()
    for row in range(len(ROWS)):
        assert_same_results(resumed.results(row), reference.results(row))


def test_progress_bar_counts_units(base, tmp_path, capsys):
    hs.sweep(base, [{}, {}], 2, seed=SEED, out=tmp_path / "out", chunk_size=1, progress=True)
    err = capsys.readouterr().err
    assert "sweep" in err and "4/4" in err


# ---------------------------------------------------------------------------------------------
# A real kill: a subprocess runs the sweep serially (each unit made slow), is sent SIGKILL once
# some units are on disk, and the sweep is resumed here.

KILLED_SCRIPT = """
import time
import sys
import hiresim as hs
import hiresim.runner as runner

real = runner.run_chunk

def slow(*args, **kwargs):
    columns = real(*args, **kwargs)
    time.sleep(0.25)
    return columns

runner.run_chunk = slow
base = hs.preset("default").with_overrides({{"horizon_days": 30, "drain_days": 30}})
hs.sweep(base, {rows!r}, {reps}, seed={seed}, out={out!r}, chunk_size=1)
"""


def _finished_units(out: Path) -> int:
    return len(list(out.glob("row-*/unit-*.json")))  # a unit's record is written last


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_a_sweep_killed_mid_run_resumes_to_the_uninterrupted_rows(base, reference, tmp_path):
    out = tmp_path / "killed"
    total = len(ROWS) * REPLICATIONS  # chunk_size=1: one unit per replication
    script = KILLED_SCRIPT.format(rows=ROWS, reps=REPLICATIONS, seed=SEED, out=str(out))
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while _finished_units(out) < 2:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the sweep did not start"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    killed = hs.read_sweep(out)
    done = total - len(killed.missing())
    assert 2 <= done < total, done
    # a write cut short by the kill leaves a temporary file: plant one to be sure
    (out / "row-0003").mkdir(exist_ok=True)
    junk = out / "row-0003/.journeys-r00003-00003.parquet.4242.tmp"
    junk.write_bytes(b"PAR1\x00\x00 truncated")

    resumed = hs.sweep(base, ROWS, REPLICATIONS, seed=SEED, out=out, resume=True)
    assert resumed.complete and not junk.exists()
    assert resumed.chunk_size == 1
    for row in range(len(ROWS)):
        got = resumed.results(row)
        assert not got.candidates.duplicated(["replication", "candidate"]).any()
        assert sorted(got.journeys["replication"].unique()) == list(range(REPLICATIONS))
        assert_same_results(got, reference.results(row))
