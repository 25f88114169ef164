"""Results.to_ats writes the ATS export format of design section 7, and Results.requisitions.

The waits are read back from the CSV files here by a small reader of the section's rules,
written independently of :mod:`hiresim.records.ats` (pandas only): they must be the waits of
``journeys``, to the second.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import hiresim as hs
from hiresim.records.ats import WRITTEN_COLUMNS
from hiresim.results import RESULT_TABLES

FILES = ("applications.csv", "stages.csv", "interviews.csv", "jobs.csv", "export.json")
STATUSES = {"active", "hired", "rejected", "withdrawn", "offer_declined"}
#: Timestamps are written to the second: a wait read back is within a second of the simulated.
SECOND = 1.0 / 86400.0


@pytest.fixture(scope="module")
def stressed() -> hs.Results:
    """The default preset where every kind of ending is common: jobs cancelled (some of their
    candidates told, some ghosted), runner-ups' rejections held, a warm-up, and a short drain
    so that waits are still open at the export."""
    sc = hs.preset("default").with_overrides({
        "requirements.rate_per_year": 10.0,
        "requirements.cancel_probability": 0.3,
        "requirements.told_when_cancelled": 0.5,
        "communication.hold_rejections_until_filled": True,
        "communication.ghost_probability": 0.3,
        "warmup_days": 20,
        "drain_days": 10,
    })
    return hs.simulate(sc, replications=2, seed=1)


def _read(folder: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
            for name in WRITTEN_COLUMNS}


def _stamp(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.replace("", None), format="%Y-%m-%dT%H:%M:%S")


def waits_by_section_7(folder: Path) -> pd.DataFrame:
    """The waits for feedback of an export, by the rules of design section 7.

    A wait runs from an interview's end to the moment the candidate heard: entering a later
    round's stage or the offer stage, or the ``notified_at`` of a rejection. A withdrawn
    application's wait is censored at ``closed_at``, a rejection without ``notified_at`` is
    ghosted (censored at ``closed_at``), an active one is open until the export time.
    """
    t = _read(folder)
    exported = pd.Timestamp(json.loads((folder / "export.json").read_text())["exported_at"])
    apps = t["applications"].set_index("application_id")
    stages = t["stages"].assign(entered_at=lambda d: _stamp(d["entered_at"]))
    stages["k"] = np.where(stages["stage"] == "offer", np.inf,
                           pd.to_numeric(stages["stage"].str.removeprefix("round:"),
                                         errors="coerce"))
    rows = []
    for iv in t["interviews"].itertuples(index=False):
        k = int(iv.stage.removeprefix("round:"))
        end = pd.Timestamp(iv.end)
        app = apps.loc[iv.application_id]
        later = stages[(stages["application_id"] == iv.application_id) & (stages["k"] > k)
                       & (stages["entered_at"] >= end)]
        if len(later):
            first = later.sort_values("entered_at").iloc[0]
            outcome = "offer" if first["stage"] == "offer" else "advance"
            until = first["entered_at"]
        elif app["status"] == "rejected" and app["notified_at"]:
            outcome, until = "reject", pd.Timestamp(app["notified_at"])
        elif app["status"] == "rejected":
            outcome, until = "ghosted", pd.Timestamp(app["closed_at"])
        elif app["status"] == "withdrawn":
            outcome, until = "withdrawn", pd.Timestamp(app["closed_at"])
        elif app["status"] == "active":
            outcome, until = "open", exported
        else:
            raise AssertionError(f"{iv.application_id}: {app['status']} without an offer stage")
        rows.append((iv.application_id, k, outcome, (until - end) / pd.Timedelta(days=1)))
    return pd.DataFrame(rows, columns=["candidate", "round", "outcome", "days_to_feedback"])


def _exported_journeys(results: hs.Results) -> pd.DataFrame:
    """The journeys an export describes: those of candidates in ``candidates`` (the warm-up
    leaves out candidates who applied during it, not their later waits)."""
    j = results.journeys
    return j[j["candidate"].isin(results.candidates["candidate"])]


@pytest.fixture(scope="module")
def default_export(default_results, tmp_path_factory) -> Path:
    return default_results.to_ats(tmp_path_factory.mktemp("ats") / "export")


@pytest.fixture(scope="module")
def stressed_export(stressed, tmp_path_factory) -> Path:
    return stressed.to_ats(tmp_path_factory.mktemp("ats") / "export")


@pytest.fixture(params=["default", "stressed"])
def case(request) -> tuple[hs.Results, Path]:
    return (request.getfixturevalue(f"{request.param}_results" if request.param == "default"
                                    else request.param),
            request.getfixturevalue(f"{request.param}_export"))


def test_every_file_with_its_columns(default_export):
    assert {p.name for p in default_export.iterdir()} == set(FILES)
    for name, columns in WRITTEN_COLUMNS.items():
        assert tuple(pd.read_csv(default_export / f"{name}.csv", nrows=0).columns) == columns
    exported = json.loads((default_export / "export.json").read_text())
    assert set(exported) == {"exported_at"}
    sc = hs.preset("default")
    assert pd.Timestamp(exported["exported_at"]) == (pd.Timestamp(sc.start)
                                                     + pd.Timedelta(days=sc.total_days))


def test_timestamps_are_iso_local_to_the_second(default_export):
    t = _read(default_export)
    pattern = r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})?$"
    for name, columns in (("applications", ("applied_at", "closed_at", "notified_at")),
                          ("stages", ("entered_at", "exited_at")),
                          ("interviews", ("start", "end")),
                          ("jobs", ("opened_at", "closed_at"))):
        for col in columns:
            assert t[name][col].str.match(pattern).all(), (name, col)
    assert (t["applications"]["applied_at"] != "").all()


def test_ids_are_unique_and_consistent(case):
    results, folder = case
    t = _read(folder)
    apps, jobs = t["applications"], t["jobs"]
    assert apps["application_id"].is_unique and jobs["job_id"].is_unique
    assert (apps["application_id"] == apps["candidate_id"]).all()
    assert list(apps["application_id"]) == list(results.candidates["candidate"])
    assert set(apps["job_id"]) <= set(jobs["job_id"])
    c = results.candidates
    assert list(apps["job_id"]) == list("r" + c["replication"].astype(str) + "-"
                                        + c["requisition"])
    assert not t["stages"].duplicated(["application_id", "stage"]).any()
    assert not t["interviews"].duplicated(["application_id", "stage"]).any()
    for name in ("stages", "interviews"):
        assert set(t[name]["application_id"]) <= set(apps["application_id"])
    assert set(t["stages"]["stage"]) <= {"screening", "offer",
                                         *(f"round:{k}" for k in range(1, 3))}
    assert set(apps["status"]) <= STATUSES


@pytest.mark.xfail(strict=False, reason=(
    "found 2026-12-07 with the draws keyed by name (issue 20): in the 'stressed' case a "
    "journey's interview row lists no interviewer (a panel that wrote no scorecard before the "
    "wait ended); whether the export or the assertion is wrong is not yet decided"))
def test_every_journey_has_its_interview(case):
    results, folder = case
    j = _exported_journeys(results)
    iv = _read(folder)["interviews"]
    assert len(iv) == len(j)
    merged = j.assign(stage="round:" + j["round"].astype(str)).merge(
        iv, left_on=["candidate", "stage"], right_on=["application_id", "stage"], how="left")
    assert merged["end"].notna().all()
    assert (pd.to_datetime(merged["end"]) == merged["interview_end"].dt.round("s")).all()
    assert (pd.to_datetime(merged["start"]) <= pd.to_datetime(merged["end"])).all()
    assert (merged["interviewers"] != "").all()  # every round's panel wrote scorecards
    panels = merged["interviewers"].str.split(";")
    assert panels.map(lambda ids: len(ids) == len(set(ids))).all()
    assert panels.map(lambda ids: all(i.startswith("interviewer-") for i in ids)).all()


def test_section_7_gives_back_the_waits(case):
    results, folder = case
    read = waits_by_section_7(folder)
    j = _exported_journeys(results)
    merged = j.merge(read, on=["candidate", "round"], how="outer", suffixes=("", "_read"),
                     validate="one_to_one", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert (merged["outcome"].astype(str) == merged["outcome_read"]).all(), merged.loc[
        merged["outcome"].astype(str) != merged["outcome_read"],
        ["candidate", "round", "outcome", "outcome_read"]]
    error = (merged["days_to_feedback"] - merged["days_to_feedback_read"]).abs()
    assert error.max() <= SECOND + 1e-9


def test_the_stressed_case_has_every_ending(stressed):
    outcomes = set(_exported_journeys(stressed)["outcome"].astype(str))
    assert outcomes == {"advance", "offer", "reject", "withdrawn", "ghosted", "open"}
    finals = set(stressed.candidates["final_outcome"].astype(str))
    assert finals == {"hired", "rejected", "declined", "withdrawn", "ghosted", "cancelled",
                      "open"}
    assert stressed.requisitions["cancelled"].any()


def test_statuses_map_final_outcomes(case):
    results, folder = case
    apps = _read(folder)["applications"].set_index("application_id")
    final = results.candidates.set_index("candidate")["final_outcome"].astype(str)
    status = apps["status"].reindex(final.index)
    assert ((status == "hired") == (final == "hired")).all()
    expected = final.map({"hired": "hired", "rejected": "rejected", "cancelled": "rejected",
                          "ghosted": "rejected", "withdrawn": "withdrawn",
                          "declined": "offer_declined", "open": "active"})
    assert (status == expected).all()
    closed, notified = apps["closed_at"].reindex(final.index), apps["notified_at"].reindex(
        final.index)
    assert ((closed == "") == (final == "open")).all()
    never_told = final.isin(["ghosted", "withdrawn", "open"])
    assert ((notified == "") == never_told).all()


def test_stage_times_follow_the_journeys(case):
    results, folder = case
    stages = _read(folder)["stages"]
    j = _exported_journeys(results)
    entered = stages.set_index(["application_id", "stage"])["entered_at"]
    exited = stages.set_index(["application_id", "stage"])["exited_at"]
    iso = lambda ts: ts.round("s").strftime("%Y-%m-%dT%H:%M:%S")  # noqa: E731
    for row in j.itertuples(index=False):
        key = (row.candidate, f"round:{row.round}")
        assert key in entered.index
        if row.outcome == "advance":
            assert entered[(row.candidate, f"round:{row.round + 1}")] == iso(row.feedback_at)
        if row.outcome == "offer":
            assert entered[(row.candidate, "offer")] == iso(row.feedback_at)
        if row.outcome in ("advance", "offer", "reject"):
            assert exited[key] == iso(row.feedback_at)
        if row.outcome == "open":
            assert exited[key] == ""
    # every stage is left after it was entered (or not yet left, the current one)
    left = stages[stages["exited_at"] != ""]
    assert (_stamp(left["exited_at"]) >= _stamp(left["entered_at"])).all()
    # round 1 follows the screen, which starts at the application
    apps = _read(folder)["applications"].set_index("application_id")
    screen = stages[stages["stage"] == "screening"].set_index("application_id")
    assert len(screen) == len(apps)
    assert (screen["entered_at"] == apps["applied_at"].reindex(screen.index)).all()
    r1 = stages[stages["stage"] == "round:1"].set_index("application_id")
    assert (r1["entered_at"] == screen["exited_at"].reindex(r1.index)).all()


def test_without_screening_round_1_starts_at_the_application(tmp_path):
    sc = hs.preset("default").model_copy(update={"screening": None})
    results = hs.simulate(sc, replications=1, seed=2)
    folder = results.to_ats(tmp_path / "export")
    stages, apps = _read(folder)["stages"], _read(folder)["applications"]
    assert "screening" not in set(stages["stage"])
    r1 = stages[stages["stage"] == "round:1"].set_index("application_id")
    assert list(r1.index) == list(apps["application_id"])
    assert (r1["entered_at"] == apps.set_index("application_id")["applied_at"]).all()
    read = waits_by_section_7(folder)
    j = results.journeys.merge(read, on=["candidate", "round"], suffixes=("", "_read"))
    assert len(j) == len(results.journeys)
    assert (j["outcome"].astype(str) == j["outcome_read"]).all()
    assert (j["days_to_feedback"] - j["days_to_feedback_read"]).abs().max() <= SECOND + 1e-9


def test_jobs_are_the_requisitions(case):
    results, folder = case
    jobs = _read(folder)["jobs"]
    rq = results.requisitions
    assert list(jobs["job_id"]) == list("r" + rq["replication"].astype(str) + "-"
                                        + rq["requisition"])
    assert list(jobs["recruiter"]) == list(rq["recruiter"])
    assert list(jobs["hiring_manager"]) == list(rq["hiring_manager"])
    assert ((jobs["closed_at"] == "") == rq["closed_at"].isna().to_numpy()).all()


def test_to_ats_needs_the_event_log(tmp_path):
    results = hs.simulate(hs.preset("mmc"), replications=1, seed=1, event_log=False)
    with pytest.raises(ValueError, match="event_log=True"):
        results.to_ats(tmp_path / "export")
    assert not (tmp_path / "export").exists()


# -- Results.requisitions ------------------------------------------------------------------


def test_requisitions_table(default_results):
    rq = default_results.requisitions
    assert list(rq.columns) == ["replication", "requisition", "opened_at", "closed_at",
                                "positions", "filled", "cancelled", "recruiter",
                                "hiring_manager"]
    assert not rq.duplicated(["replication", "requisition"]).any()
    assert (rq["closed_at"].isna() | (rq["closed_at"] >= rq["opened_at"])).all()
    key = ["replication", "requisition"]
    known = set(map(tuple, rq[key].to_numpy()))
    for table in (default_results.journeys, default_results.candidates):
        assert set(map(tuple, table[key].to_numpy())) <= known
    hired = (default_results.candidates[default_results.candidates["final_outcome"] == "hired"]
             .groupby(key).size())
    filled = rq.set_index(key)["filled"]
    assert (filled.reindex(hired.index) == hired).all()
    assert filled.drop(hired.index).eq(0).all()
    # a job is closed when its positions are filled, or when it is cancelled
    done = rq["filled"] >= rq["positions"]
    assert (rq["closed_at"].notna() == (done | rq["cancelled"])).all()


def test_requisitions_with_a_warm_up(stressed):
    rq = stressed.requisitions
    sc = stressed.scenario
    assert sc is not None
    warm = pd.Timestamp(sc.start) + pd.Timedelta(days=sc.warmup_days)
    assert (rq["closed_at"].isna() | (rq["closed_at"] >= warm)).all()
    key = ["replication", "requisition"]
    known = set(map(tuple, rq[key].to_numpy()))
    assert set(map(tuple, stressed.candidates[key].to_numpy())) <= known


def test_requisitions_do_not_depend_on_chunks_or_the_event_log(default_results):
    sc, reps, seed = default_results.scenario, default_results.replications, default_results.seed
    a = hs.simulate(sc, replications=reps, seed=seed, chunk_size=1, event_log=False)
    pd.testing.assert_frame_equal(a.requisitions, default_results.requisitions)


def test_requisitions_in_parquet(default_results, tmp_path):
    path = default_results.to_parquet(tmp_path / "out")
    assert {f"{name}.parquet" for name in RESULT_TABLES} <= {p.name for p in path.iterdir()}
    back = hs.Results.read_parquet(path)
    pd.testing.assert_frame_equal(back.requisitions, default_results.requisitions)
    # a folder written before the table existed reads with an empty one
    (path / "requisitions.parquet").unlink()
    old = hs.Results.read_parquet(path)
    assert old.requisitions.empty
    assert list(old.requisitions.columns) == list(default_results.requisitions.columns)
    assert (old.requisitions.dtypes == default_results.requisitions.dtypes).all()
    pd.testing.assert_frame_equal(old.journeys, default_results.journeys)
    # its ATS export has no jobs file (jobs.csv is optional), the rest as before
    folder = old.to_ats(tmp_path / "export")
    assert not (folder / "jobs.csv").exists()
    assert (folder / "applications.csv").read_text() == (
        default_results.to_ats(tmp_path / "full") / "applications.csv").read_text()


def test_results_made_by_hand_have_an_empty_requisitions_table(default_results):
    r = hs.Results(default_results.journeys, default_results.candidates,
                   default_results.events, default_results.manifest)
    assert r.requisitions.empty
    assert "requisitions=0" in repr(r)


def test_the_writer_lives_with_the_reader(tmp_path: Path) -> None:
    """One home for the format: ``Results.to_ats`` is ``records.ats.write_ats``; the constants
    of ``hiresim.results`` still resolve there, with a deprecation warning."""
    import hiresim.results as results_module
    from hiresim.deprecation import HiresimDeprecationWarning
    from hiresim.records import ats

    res = hs.simulate(hs.preset("mmc"), replications=1, seed=2)
    a, b = tmp_path / "a", tmp_path / "b"
    res.to_ats(a)
    ats.write_ats(res, b)
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    with pytest.warns(HiresimDeprecationWarning, match="WRITTEN_COLUMNS"):
        assert results_module.ATS_COLUMNS is ats.WRITTEN_COLUMNS
    with pytest.warns(HiresimDeprecationWarning, match="FINAL_STATUS"):
        assert results_module.ATS_STATUS is ats.FINAL_STATUS
