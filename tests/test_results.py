"""Results: the column contract of design section 3, ids, summary, and the Parquet round trip."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import hiresim as hs
from hiresim.causes import CAUSES, DELAY_COLUMNS, WAIT_COLUMNS
from hiresim.results import MANIFEST, TABLES

JOURNEY_COLUMNS = [
    "replication",
    "candidate",
    "round",
    "requisition",
    "interview_end",
    "feedback_at",
    "outcome",
    "days_to_feedback",
    "censored",
]
CANDIDATE_COLUMNS = [
    "replication",
    "candidate",
    "requisition",
    "applied_at",
    "final_outcome",
    "rounds",
    "days_in_process",
    "censored",
]
EVENT_COLUMNS = [
    "case:concept:name",
    "concept:name",
    "org:resource",
    "org:role",
    "enabled_timestamp",
    "start_timestamp",
    "time:timestamp",
    "replication",
    "stage",
    "requisition",
]


def test_cause_labels_are_the_contract():
    assert CAUSES == (
        "reorganization",
        "requirements",
        "turnover",
        "absence",
        "priority",
        "off_hours",
        "batching",
        "scheduling",
        "communication",
        "contention",
        "work",
    )


def test_journeys_columns(default_results):
    j = default_results.journeys
    assert set(JOURNEY_COLUMNS) <= set(j.columns)
    assert set(DELAY_COLUMNS) <= set(j.columns)
    assert pd.api.types.is_datetime64_any_dtype(j["interview_end"])
    assert pd.api.types.is_datetime64_any_dtype(j["feedback_at"])
    assert isinstance(j["outcome"].dtype, pd.CategoricalDtype)
    assert set(j["outcome"].cat.categories) == {
        "advance",
        "offer",
        "reject",
        "withdrawn",
        "ghosted",
        "open",
    }
    assert j["censored"].dtype == bool
    assert j["censored"].eq(j["outcome"].isin(["withdrawn", "ghosted", "open"])).all()
    assert (j["days_to_feedback"] >= 0).all()
    heard = ~j["censored"]
    assert (j.loc[heard, "feedback_at"] >= j.loc[heard, "interview_end"]).all()
    assert not j[["candidate", "round"]].duplicated().any()


def test_candidates_columns(default_results):
    c = default_results.candidates
    j = default_results.journeys
    assert set(CANDIDATE_COLUMNS) <= set(c.columns)
    assert pd.api.types.is_datetime64_any_dtype(c["applied_at"])
    assert not c["candidate"].duplicated().any(), "one row per candidate, ids unique across reps"
    assert set(j["candidate"]) <= set(c["candidate"])
    assert (c["days_in_process"] >= 0).all()
    rounds = j.groupby("candidate")["round"].max()
    merged = c.set_index("candidate").join(rounds.rename("max_round"), how="inner")
    assert (merged["rounds"] >= merged["max_round"]).all()
    assert c["replication"].nunique() == default_results.replications


def test_events_columns_and_ids(default_results):
    e = default_results.events
    assert set(EVENT_COLUMNS) <= set(e.columns)
    assert set(WAIT_COLUMNS) <= set(e.columns)
    assert (e["start_timestamp"] >= e["enabled_timestamp"]).all()
    assert (e["time:timestamp"] >= e["start_timestamp"]).all()
    candidate_events = e[e["stage"] != "requirements"]
    assert set(candidate_events["case:concept:name"]) <= set(
        default_results.candidates["candidate"]
    )
    # Person ids are unique within a replication: one id never serves two roles.
    roles_per_person = e.groupby(["replication", "org:resource"])["org:role"].nunique()
    assert (roles_per_person == 1).all()
    # Candidate ids name their replication, so they are unique across replications.
    reps_per_case = candidate_events.groupby("case:concept:name")["replication"].nunique()
    assert (reps_per_case == 1).all()


def test_requisitions_columns(default_results):
    """The columns of ``requisitions`` are :data:`hiresim.trace.REQUISITION_COLUMNS`, in that
    order, with rows and without (results saved before the table existed)."""
    from hiresim.trace import REQUISITION_COLUMNS

    assert len(default_results.requisitions)
    assert tuple(default_results.requisitions.columns) == REQUISITION_COLUMNS
    empty = hs.Results(default_results.journeys, default_results.candidates,
                       default_results.events)
    assert tuple(empty.requisitions.columns) == REQUISITION_COLUMNS
    assert (empty.requisitions.dtypes == default_results.requisitions.dtypes).all()


def test_every_event_case_id_is_unique_across_replications(default_results):
    e = default_results.events
    assert (e["stage"] == "requirements").any(), "the default preset rethinks requisitions"
    reps_per_case = e.groupby("case:concept:name")["replication"].nunique()
    assert (reps_per_case == 1).all(), reps_per_case[reps_per_case > 1].index.tolist()


def test_summary_quantiles(default_results):
    s = default_results.summary()
    assert isinstance(s, pd.DataFrame)
    q = s[s["statistic"] == "quantile"].set_index("q")
    assert list(q.index) == [0.1, 0.5, 0.9, 0.95]
    assert q["days"].is_monotonic_increasing
    assert (q["lower"] <= q["days"] + 1e-9).all() and (q["days"] <= q["upper"] + 1e-9).all()


def test_manifest(default_results):
    m = default_results.manifest
    assert m["seed"] == default_results.seed
    assert m["replications"] == default_results.replications
    assert {"hiresim", "simpy", "numpy", "pandas", "pydantic", "python"} <= set(m["versions"])
    assert m["versions"]["hiresim"] == hs.__version__
    assert default_results.scenario == hs.preset("default")
    assert "Results(replications=" in repr(default_results)


def test_parquet_round_trip(default_results, tmp_path):
    path = default_results.to_parquet(tmp_path / "out")
    assert {f"{name}.parquet" for name in TABLES} | {MANIFEST} <= {p.name for p in path.iterdir()}
    back = hs.Results.read_parquet(path)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(back, name), getattr(default_results, name))
    manifest = json.loads((path / MANIFEST).read_text())
    assert manifest["seed"] == default_results.seed
    assert "versions" in manifest and manifest["versions"]["hiresim"] == hs.__version__
    assert back.manifest == json.loads(json.dumps(default_results.manifest, default=str))
    assert back.scenario == default_results.scenario


def test_results_without_event_log():
    a = hs.simulate(hs.preset("mmc"), replications=2, seed=8, event_log=False)
    b = hs.simulate(hs.preset("mmc"), replications=2, seed=8)
    assert a.events.empty
    assert not b.events.empty
    pd.testing.assert_frame_equal(a.journeys, b.journeys)
    pd.testing.assert_frame_equal(a.candidates, b.candidates)


def test_replications_must_be_positive():
    with pytest.raises(ValueError, match="replications"):
        hs.simulate(hs.preset("mmc"), replications=0)


def test_days_to_feedback_is_the_time_between_stamps(default_results):
    j = default_results.journeys
    heard = j[~j["censored"]]
    span = (heard["feedback_at"] - heard["interview_end"]) / pd.Timedelta(days=1)
    np.testing.assert_allclose(span, heard["days_to_feedback"], atol=1e-6)
