"""The real past in a forecast (issue 22, item 1): the look-back window replays the closed
applications along their recorded path — their interviews as their people's busy time at the
recorded times, the work their records imply in their people's queues — so that the open
applications wait behind what really took those people's time."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import hiresim as hs
from hiresim.inference.forecasts import forecast
from hiresim.inference.replay import merge_busy, recorded_past
from hiresim.model import Replication
from tests.test_forecast import named

H = 1.0 / 24.0


def export(folder: Path) -> Path:
    """One job; B1 interviewed Wednesday 10-11 and rejected (told Thursday 10:00); B2
    interviewed Thursday 15:30-16:30 and withdrawn that evening; A1 interviewed Thursday
    23:00-24:00 and waiting on Friday 2026-01-09 00:00 (the export). One interviewer for all."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "applications.csv").write_text(
        "application_id,candidate_id,job_id,applied_at,status,closed_at,notified_at\n"
        "B1,bea,J1,2026-01-05T09:00:00,rejected,2026-01-08T10:00:00,2026-01-08T10:00:00\n"
        "B2,ben,J1,2026-01-05T09:30:00,withdrawn,2026-01-08T20:00:00,\n"
        "A1,anna,J1,2026-01-05T10:00:00,active,,\n")
    (folder / "stages.csv").write_text(
        "application_id,stage,entered_at,exited_at\n"
        "B1,screening,2026-01-05T09:00:00,2026-01-06T09:00:00\n"
        "B1,round:1,2026-01-06T09:00:00,2026-01-08T10:00:00\n"
        "B2,screening,2026-01-05T09:30:00,2026-01-06T09:30:00\n"
        "B2,round:1,2026-01-06T09:30:00,2026-01-08T20:00:00\n"
        "A1,screening,2026-01-05T10:00:00,2026-01-06T10:00:00\n"
        "A1,round:1,2026-01-06T10:00:00,\n")
    (folder / "interviews.csv").write_text(
        "application_id,stage,start,end,interviewers\n"
        "B1,round:1,2026-01-07T10:00:00,2026-01-07T11:00:00,ines.w\n"
        "B2,round:1,2026-01-08T15:30:00,2026-01-08T16:30:00,ines.w\n"
        "A1,round:1,2026-01-08T23:00:00,2026-01-09T00:00:00,ines.w\n")
    (folder / "jobs.csv").write_text(
        "job_id,opened_at,closed_at,recruiter,hiring_manager\n"
        "J1,2026-01-05T00:00:00,,rita.r,hugo.b\n")
    (folder / "export.json").write_text(json.dumps({"exported_at": "2026-01-09T00:00:00"}))
    return folder


def test_closed_work_delays_the_open_application_exactly(tmp_path):
    """Without the past, A1's 2 h scorecard is written Friday 09:00-11:00. B2's scorecard
    (2 h from its interview's end, Thursday 16:30) takes the interviewer's last half hour on
    Thursday and Friday 09:00-10:30: A1's is written 10:30-12:30, in every replication. B1's
    (Wednesday 11:00-13:00) is long done."""
    h = hs.read_ats(export(tmp_path / "ats"))
    f = forecast(named(), h, replications=5, seed=3, keep_results=True, lookback_days=7)
    assert f.draws["A1"]["heard"] == pytest.approx(np.full(5, 12.5 * H))
    ev = f.results.events
    past = ev[ev["case:concept:name"].str.contains("past:")]
    cards = past[past["concept:name"] == "scorecard"].sort_values("start_timestamp")
    assert list(cards["org:resource"].unique()) == ["ines.w"]
    assert [str(t) for t in cards["start_timestamp"].drop_duplicates()] == [
        "2026-01-07 11:00:00", "2026-01-08 16:30:00"]
    assert [str(t) for t in cards["time:timestamp"].drop_duplicates()] == [
        "2026-01-07 13:00:00", "2026-01-09 10:30:00"]
    # the one decided wait (B1) has its decision replayed; the withdrawn one (B2) has none
    decided = past[past["concept:name"] == "decision"]
    assert set(decided["case:concept:name"].str.split(":").str[-1]) <= {"B1"}


def test_without_the_past_the_open_application_is_not_delayed(tmp_path):
    """The same export with the closed applications removed: Friday 09:00-11:00."""
    folder = export(tmp_path / "ats")
    for name in ("applications.csv", "stages.csv", "interviews.csv"):
        lines = (folder / name).read_text().splitlines()
        (folder / name).write_text("\n".join([lines[0], *[x for x in lines[1:]
                                                          if x.startswith("A1")]]) + "\n")
    h = hs.read_ats(folder)
    f = forecast(named(), h, replications=3, seed=3, lookback_days=7)
    assert f.draws["A1"]["heard"] == pytest.approx(np.full(3, 11 * H))


def test_recorded_interviews_are_the_peoples_busy_time_before_the_date(tmp_path):
    """Every recorded interview of the window blocks exactly its interviewer's meeting slots
    at its recorded time, and nothing else: the busy time before the date is the recorded
    one (3 interviews of one hour)."""
    h = hs.read_ats(export(tmp_path / "ats"))
    sc = hs.load_scenario(named(scheduling={"enabled": True}))
    as_of = h.exported_at
    start = pd.Timestamp("2026-01-05")
    past = recorded_past(h, sc, as_of, start, {("A1", 1)}, set())
    assert past.hours_of("ines.w") == pytest.approx(3.0)
    assert past.hours_of("hugo.b") == 0.0
    run_sc = hs.load_scenario({**sc.model_dump(mode="json"), "start": "2026-01-05"})
    with_past = Replication(run_sc, 1, 0, False, merge_busy(None, past))
    without = Replication(run_sc, 1, 0, False)
    slot = run_sc.scheduling.slot_minutes / 60.0
    before = round(4 * 24 / slot)  # slots before Friday 00:00
    for pid in ("ines.w", "hugo.b", "rita.r"):
        for rep in (with_past, without):  # weeks are filled when first searched: fill these
            fills = rep.world.person(pid).fills
            assert fills is not None
            fills.fill(0, before)
        a = with_past.world.person(pid).free[:before]
        b = without.world.person(pid).free[:before]
        blocked = np.flatnonzero(b & ~a) * slot
        if pid == "ines.w":  # Wednesday 10-11, Thursday 15:30-16:30 (A1's, Thursday 23-24,
            # lies outside office hours, where no slot is free anyway)
            assert blocked.tolist() == [58.0, 58.5, 87.5, 88.0]
        else:
            assert not len(blocked)
        assert not (a & ~b).any()  # nothing freed
    # the replay draws nothing from the simulation's streams: the candidates' draws agree
    assert with_past.world.streams.generator("work").random() == \
        without.world.streams.generator("work").random()


def test_the_past_is_empty_when_nothing_is_open(tmp_path):
    """With nothing open the window is empty (start = as_of): nothing is replayed, so the
    forecast's simulation stays a fresh run from the date
    (tests/test_forecast.py::test_a_warm_start_without_open_applications_is_a_fresh_run)."""
    h = hs.read_ats(export(tmp_path / "ats"))
    past = recorded_past(h, hs.load_scenario(named()), h.exported_at,
                         h.exported_at, set(), set())
    assert not past.busy and not past.work


def test_a_manager_who_sits_on_the_panel_may_be_listed_among_its_interviewers(tmp_path):
    """When the round's hiring manager attends, the export lists them with the panel: that
    is no unknown person, and their recorded interviews are their busy time too."""
    from tests.test_forecast import export as one_open

    h = hs.read_ats(one_open(tmp_path / "ats", interviewers="ines.w;hugo.b"))
    data = named()
    data["rounds"][0]["hiring_manager_attends"] = True
    f = forecast(data, h, replications=2, seed=1)
    assert f.answers["samples"].iloc[0] == 2
    past = recorded_past(h, hs.load_scenario(data), h.exported_at,
                         pd.Timestamp("2026-01-05"), {("A1", 1)}, set())
    assert past.hours_of("hugo.b") == pytest.approx(1.0)
    with pytest.raises(hs.ForecastError, match=r"hugo\.b"):
        forecast(named(), h, replications=1, seed=1)  # the manager does not attend here
