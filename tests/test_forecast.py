"""Forecasts from a company's state (issue 13, items 3-4): the warm start adds nothing
spurious, conditions on the time already waited, follows the team's real calendars exactly,
checks the export's people, and answers per candidate (dates, probabilities, sentences)."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import hiresim as hs
from hiresim.inference.forecasts import (
    ANSWER_COLUMNS,
    WAITING_FOR,
    ForecastError,
    forecast,
    state_at,
)
from hiresim.text import feedback_sentence
from tests.mechanisms.helpers import base

H = 1.0 / 24.0


def named(**changes) -> dict:
    """The deterministic mechanism scenario (the one interviewer's 2 h scorecard is the only
    work; the rejection reaches the candidate at once) with named people."""
    data = base(**changes)
    data["roles"] = {"recruiter": {"people": ["rita.r"]},
                     "hiring_manager": {"people": ["hugo.b"]},
                     "interviewer": {"people": ["ines.w"]}}
    return data


def export(folder: Path, interviewers: str = "ines.w", recruiter: str = "rita.r",
           exported: str = "2026-01-09T00:00:00") -> Path:
    """One job, one application interviewed until Friday 2026-01-09 00:00, still waiting."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "applications.csv").write_text(
        "application_id,candidate_id,job_id,applied_at,status,closed_at,notified_at\n"
        "A1,anna,J1,2026-01-05T10:00:00,active,,\n")
    (folder / "stages.csv").write_text(
        "application_id,stage,entered_at,exited_at\n"
        "A1,screening,2026-01-05T10:00:00,2026-01-06T10:00:00\n"
        "A1,round:1,2026-01-06T10:00:00,\n")
    (folder / "interviews.csv").write_text(
        "application_id,stage,start,end,interviewers\n"
        f"A1,round:1,2026-01-08T23:00:00,2026-01-09T00:00:00,{interviewers}\n")
    (folder / "jobs.csv").write_text(
        "job_id,opened_at,closed_at,recruiter,hiring_manager\n"
        f"J1,2026-01-05T00:00:00,,{recruiter},hugo.b\n")
    (folder / "export.json").write_text(json.dumps({"exported_at": exported}))
    return folder


def test_the_state_on_a_date(tmp_path):
    h = hs.read_ats(export(tmp_path / "ats"))
    st = state_at(h, h.exported_at, hs.load_scenario(named()))
    (app,) = st.applications
    assert (app.application_id, app.waiting_for, app.round, app.interviewers) == (
        "A1", "feedback", 1, ("ines.w",))
    assert app.since == pd.Timestamp("2026-01-09")
    (job,) = st.jobs
    assert (job.job_id, job.recruiter, job.hiring_manager, job.hires) == (
        "J1", "rita.r", "hugo.b", 0)
    # the day before the interview ended, the same application waited for its interview
    before = state_at(h, "2026-01-08 12:00", hs.load_scenario(named()))
    assert [(a.waiting_for, a.round, a.since) for a in before.applications] == [
        ("interview", 1, pd.Timestamp("2026-01-06 10:00"))]
    assert {app.waiting_for, *(a.waiting_for for a in before.applications)} <= set(WAITING_FOR)


def test_a_deterministic_wait_is_forecast_exactly(tmp_path):
    """The scorecard is written Friday 09:00-11:00 and the rejection sent at once: every
    replication says 11:00 on Friday, so every date column says Friday."""
    h = hs.read_ats(export(tmp_path / "ats"))
    f = forecast(named(), h, replications=20, seed=3)
    a = f.answers.iloc[0]
    assert list(f.answers.columns) == list(ANSWER_COLUMNS)
    assert a["samples"] == 20
    assert f.draws["A1"]["heard"] == pytest.approx(np.full(20, 11 * H))
    assert a["date_50"] == a["date_80"] == a["date_90"] == pd.Timestamp("2026-01-09")
    assert a["p_by_week_end"] == 1.0 and a["week_end"] == pd.Timestamp("2026-01-09")
    assert a["p_never"] == 0.0 and a["p_withdraw_first"] == 0.0
    assert a["main_cause"] == "off_hours"  # 9 of the 11 hours are the night before work
    causes = f.causes.set_index("cause")["days"]
    assert causes["off_hours"] == pytest.approx(9 * H) and causes["work"] == pytest.approx(2 * H)


def test_an_absence_in_the_team_calendar_delays_the_forecast_by_exactly_its_days(tmp_path):
    """``ines.w.ics`` has her away Friday 9 to Thursday 15 January (5 working days): her
    scorecard, and so the candidate's answer, moves exactly 7 calendar days, charged to
    absence."""
    h = hs.read_ats(export(tmp_path / "ats"))
    cal = tmp_path / "calendars"
    cal.mkdir()
    (cal / "ines.w.ics").write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//hiresim tests//EN\nBEGIN:VEVENT\n"
        "UID:vacation-1@test\nDTSTART;VALUE=DATE:20260109\nDTEND;VALUE=DATE:20260116\n"
        "SUMMARY:Urlaub\nEND:VEVENT\nEND:VCALENDAR\n")
    sc = hs.load_scenario(named())
    without = forecast(sc, h, replications=5, seed=3)
    calendars = hs.read_calendars(cal, people=sc)
    with_cal = forecast(sc, h, replications=5, seed=3, calendars=calendars)
    shift = with_cal.draws["A1"]["heard"] - without.draws["A1"]["heard"]
    assert shift == pytest.approx(np.full(5, 7.0), abs=1e-9)
    a = with_cal.answers.iloc[0]
    assert a["date_50"] == pd.Timestamp("2026-01-16") and a["main_cause"] == "absence"
    assert with_cal.causes.set_index("cause")["days"]["absence"] == pytest.approx(7.0)
    assert a["p_by_week_end"] == 0.0


def test_unknown_people_in_the_export_are_named_with_file_and_row(tmp_path):
    h = hs.read_ats(export(tmp_path / "a", interviewers="ines.w;zoe.q"))
    with pytest.raises(ForecastError, match=r"interviews.csv, row 2, column interviewers: "
                                            r"'zoe.q' is not one of the people of role "
                                            r"'interviewer' \('ines.w'\)"):
        forecast(named(), h, replications=2)
    h = hs.read_ats(export(tmp_path / "b", recruiter="rex.x"))
    with pytest.raises(ForecastError, match=r"jobs.csv, row 2, column recruiter: 'rex.x'"):
        forecast(named(), h, replications=2)
    # a role whose people the scenario does not name takes no ids from the export
    unnamed = base()
    forecast(unnamed, h, replications=2)


def test_bad_arguments_are_refused_before_simulating(tmp_path):
    h = hs.read_ats(export(tmp_path / "ats"))
    with pytest.raises(ForecastError, match="after the export"):
        forecast(named(), h, as_of="2026-02-01")
    with pytest.raises(ValueError, match="as_of must be a date"):
        forecast(named(), h, as_of="next tuesday")
    with pytest.raises(TypeError, match="history must be a History"):
        forecast(named(), "some/folder")
    with pytest.raises(ValueError, match="replications"):
        forecast(named(), h, replications=0)


def _closed_history(h: hs.History) -> hs.History:
    """``h`` without its open applications and without jobs: nothing is open at its end."""
    st = state_at(h, h.exported_at)
    open_ids = {a.application_id for a in st.applications}
    apps = h.applications[~h.applications["application_id"].isin(open_ids)
                          & (h.applications["status"] != "active")]
    keep = set(apps["application_id"])
    return dataclasses.replace(
        h, applications=apps.reset_index(drop=True),
        stages=h.stages[h.stages["application_id"].isin(keep)].reset_index(drop=True),
        interviews=h.interviews[h.interviews["application_id"].isin(keep)].reset_index(
            drop=True),
        jobs=h.jobs.iloc[0:0])


def test_a_warm_start_without_open_applications_is_a_fresh_run(tmp_path):
    """With nothing open, the forecast's simulation is the scenario run from ``as_of``
    (``start`` = as_of, arrivals for the horizon, no drain) with the same seed: identical
    tables. The state adds nothing spurious."""
    sc = hs.preset("default")
    truth = hs.simulate(sc, replications=1, seed=5)
    h = _closed_history(hs.read_ats(truth.to_ats(tmp_path / "ats")))
    as_of = h.exported_at.normalize()
    assert not state_at(h, as_of).applications
    f = forecast(sc, h, as_of=as_of, replications=3, seed=9, horizon_days=60,
                 keep_results=True)
    fresh_sc = hs.load_scenario({**sc.model_dump(mode="json"), "start": as_of.date(),
                                 "horizon_days": 60, "drain_days": 0})
    fresh = hs.simulate(fresh_sc, replications=3, seed=9)
    assert f.results is not None and len(fresh.journeys) > 0
    for name in ("journeys", "candidates", "events"):
        pd.testing.assert_frame_equal(getattr(f.results, name), getattr(fresh, name))


@pytest.mark.slow
def test_time_already_waited_conditions_what_is_left(tmp_path):
    """The same application, seen on two dates: a week later, the replications that agree
    with 'not heard yet' are those of slower waits, and what is left of the wait is drawn
    from them (every agreeing draw is after the date)."""
    sc = hs.preset("default")
    truth = hs.simulate(sc, replications=1, seed=21)
    h = hs.read_ats(truth.to_ats(tmp_path / "ats"))
    w = h.waits
    slow = w[(w["outcome"].isin(["advance", "offer", "reject"]))
             & (w["days_to_feedback"] > 12)].iloc[0]
    app = slow["application_id"]
    early = forecast(sc, h, as_of=slow["interview_end"] + pd.Timedelta(hours=1),
                     replications=60, seed=2)
    late = forecast(sc, h, as_of=slow["interview_end"] + pd.Timedelta(days=10),
                    replications=60, seed=2)
    e, la = early.draws[app]["heard"], late.draws[app]["heard"]
    assert (e > 0).all() and (la > 0).all()
    assert late.answers.set_index("application_id").loc[app, "samples"] < 60 * 8
    # heard by the end of the day before, 9 days after the interview, is impossible once 10
    # days have passed without news; it was not impossible seen an hour after the interview
    day_before = (slow["interview_end"] + pd.Timedelta(days=9)).normalize()
    assert early.p_heard_by(app, day_before) > 0.0
    assert late.p_heard_by(app, day_before) == 0.0
    # the whole wait (interview to answer) is longer given 10 days of silence
    whole_early = e[np.isfinite(e)] + 1 / 24
    whole_late = la[np.isfinite(la)] + 10
    assert np.median(whole_late) > np.median(whole_early)


def test_the_same_seed_gives_the_same_forecast_whatever_the_workers(tmp_path):
    sc = hs.preset("default")
    truth = hs.simulate(sc, replications=1, seed=8)
    h = hs.read_ats(truth.to_ats(tmp_path / "ats"))
    as_of = h.exported_at - pd.Timedelta(days=150)
    a = forecast(sc, h, as_of=as_of, replications=24, seed=4)
    b = forecast(sc, h, as_of=as_of, replications=24, seed=4, workers=2)
    assert len(a.answers) > 0
    pd.testing.assert_frame_equal(a.answers, b.answers)
    for app in a.draws:
        np.testing.assert_array_equal(a.draws[app]["heard"], b.draws[app]["heard"])


def test_sentences_in_english_and_german_with_the_locales_date_format():
    day = pd.Timestamp("2026-12-11")
    assert feedback_sentence(day, "en_GB") == "You will hear from us by Friday, 11 December 2026."
    assert feedback_sentence(day, "en") == "You will hear from us by Friday, December 11, 2026."
    assert feedback_sentence(day, "de") == (
        "Sie hören spätestens am Freitag, 11. Dezember 2026, von uns.")
    assert feedback_sentence(None, "de").startswith("Wir können Ihnen noch keinen Termin")
    with pytest.raises(ValueError, match="no sentences in 'fr' yet"):
        feedback_sentence(day, "fr")
    with pytest.raises(ValueError, match="not a known locale"):
        feedback_sentence(day, "xx_YY")


def test_a_forecasts_sentence_uses_its_date_at_the_confidence(tmp_path):
    h = hs.read_ats(export(tmp_path / "ats"))
    f = forecast(named(), h, replications=4, seed=1)
    assert f.sentence("A1", 0.9, "de") == (
        "Sie hören spätestens am Freitag, 9. Januar 2026, von uns.")
    with pytest.raises(KeyError, match="no open application 'B7'"):
        f.sentence("B7")
    assert math.isclose(f.p_heard_by("A1", "2026-01-09"), 1.0)
    ax = f.plot()
    assert ax.get_ylabel() == "probability of having heard back"
