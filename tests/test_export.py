"""Event-log export: CSV and Parquet keep the interval log; XES has start/complete events that
PM4Py reads back (optional: PM4Py is AGPL, never a dependency of hiresim or of ``make test``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

import hiresim as hs
from hiresim.records.eventlog import export_events, format_for, lifecycle_events, to_xes

XES = "{http://www.xes-standard.org/}"


@pytest.fixture(scope="module")
def results():
    return hs.simulate(hs.preset("default"), replications=1, seed=5)


def test_csv_and_parquet_round_trip(results, tmp_path):
    events = results.events
    back = pd.read_parquet(export_events(results, tmp_path / "a" / "log.parquet"))
    pd.testing.assert_frame_equal(back, events.reset_index(drop=True))
    csv = pd.read_csv(export_events(results, tmp_path / "log.csv"))
    assert list(csv.columns) == list(events.columns)
    assert len(csv) == len(events)
    got = pd.to_datetime(csv["time:timestamp"]).to_numpy()
    assert np.all(np.abs(got - events["time:timestamp"].to_numpy()) < np.timedelta64(1, "us"))


def test_format_from_suffix_or_argument(tmp_path):
    assert format_for("x.XES") == "xes"
    assert format_for("x.bin", "csv") == "csv"
    with pytest.raises(ValueError, match="suffix"):
        format_for("x.txt")
    with pytest.raises(ValueError, match="allowed"):
        format_for("x.csv", "pdf")


def test_lifecycle_view_has_start_and_complete(results):
    log = lifecycle_events(results)
    events = results.events
    assert len(log) == 2 * len(events)
    counts = log["lifecycle:transition"].value_counts()
    assert counts["start"] == counts["complete"] == len(events)
    pairs = log.pivot(index="activity_instance", columns="lifecycle:transition",
                      values="time:timestamp")
    assert (pairs["start"].to_numpy() == events["start_timestamp"].to_numpy()).all()
    assert (pairs["complete"].to_numpy() == events["time:timestamp"].to_numpy()).all()
    # In time order within each case, a start before its complete.
    for _, case in log.groupby("case:concept:name"):
        assert case["time:timestamp"].is_monotonic_increasing


def test_xes_structure(results, tmp_path):
    path = to_xes(results, tmp_path / "log.xes")
    root = ET.parse(path).getroot()
    assert root.tag == f"{XES}log"
    prefixes = {e.get("prefix") for e in root.findall(f"{XES}extension")}
    assert {"concept", "lifecycle", "org", "time"} <= prefixes
    traces = root.findall(f"{XES}trace")
    assert len(traces) == results.events["case:concept:name"].nunique()
    events = root.findall(f"{XES}trace/{XES}event")
    assert len(events) == 2 * len(results.events)
    first = {a.get("key"): (a.tag.removeprefix(XES), a.get("value")) for a in events[0]}
    assert first["lifecycle:transition"] == ("string", "start")
    assert first["time:timestamp"][0] == "date"
    assert first["concept:name"][0] == "string" and first["org:resource"][0] == "string"
    suspended = int((results.events["suspended_days"] > 0).sum())
    keys = [a.get("key") for a in root.iter() if a.get("key") == "hiresim:suspended_days"]
    assert len(keys) == 2 * suspended


def test_no_event_log_is_an_error(tmp_path):
    res = hs.simulate(hs.preset("mmc"), replications=1, seed=1, event_log=False)
    with pytest.raises(ValueError, match="no event log"):
        export_events(res, tmp_path / "log.xes")


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_pm4py_reads_the_xes(results, tmp_path):
    pm4py = pytest.importorskip("pm4py", reason="pm4py is optional (pip install hiresim[pm4py])")
    path = to_xes(results, tmp_path / "log.xes")
    log = pm4py.read_xes(str(path), return_legacy_log_object=False)
    assert len(log) == 2 * len(results.events)
    assert log["case:concept:name"].nunique() == results.events["case:concept:name"].nunique()
    assert set(log["lifecycle:transition"]) == {"start", "complete"}
    assert set(log["concept:name"]) == set(results.events["concept:name"])
    assert set(log["org:resource"]) == set(results.events["org:resource"])
