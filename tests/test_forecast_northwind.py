"""Forecasts judged on a company hiresim did not build (issue 22, "tests must show").

Northwind (``tests/worlds``) is cut at eight dates, 14 days apart, from 130 days before its
export; each date's open applications are forecast by the simulation and by the records'
own forecast, and compared with what the export says happened after.

The scenario is **hand-built to match Northwind's configuration** (``tests/worlds/config.py``),
not calibrated: the calibrated scenario that makes this comparison fair is being built in
parallel (branch ``i21-calibrate``). It names Northwind's people by id (so the replay of the
recorded past and the panels are theirs), has its two rounds, panels, decision shares, offer
committee, ghosting, patience and calendar load; people's pick-up latencies are their work
durations with a capacity of 20 (latencies overlap, as Northwind's do). It lacks what hiresim
cannot state directly: each team's weekly hiring sync that 30 % / 65 % of decisions wait
for, held rejections (20 %), vacations. So the world's state that matters most is missing.

Measured on this tree (20 replications, 2 workers, seed 1): see the ``xfail`` reasons. The
targets are the issue's and are not loosened; the marks come off when a calibrated scenario
meets them.
"""

from __future__ import annotations

import pandas as pd
import pytest

import hiresim as hs
from tests.worlds import session_root, standard_export

pytestmark = pytest.mark.slow


def _lognormal(median: float, p90: float) -> dict:
    return {"unit": "working_hours", "dist": "lognormal", "median": median, "p90": p90}


def northwind_scenario(truth) -> hs.Scenario:
    """Northwind's configuration, written by hand as a hiresim scenario (see the module)."""
    d = hs.preset("default").model_dump(mode="json")
    for k in ("priority", "turnover", "reorganization", "requirements", "debrief"):
        d.pop(k, None)
    d["name"] = "northwind-by-hand"
    d["calendars"] = {"office": {"weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri"],
                                 "hours": ["09:00", "17:00"], "country": "DE",
                                 "subdivision": "BE"}}
    load = (3 / 5 + 1.5) / 8  # three weekly and 1.5 daily one-hour meetings in an 8 h day
    d["roles"] = {
        role: {"people": list(truth.people[role]), "calendar_load": load, "capacity": 20}
        for role in ("recruiter", "hiring_manager", "interviewer")}
    d["roles"]["committee"] = {"count": 1, "calendar_load": 0.0}
    d["requisitions"] = {"initial": 4, "rate_per_month": 1.5, "positions": 1}
    d["candidates"] = {"arrivals": "poisson", "rate_per_week": 3.0, "max_per_requisition": None,
                       "patience": {"days": {"unit": "calendar_days", "dist": "exponential",
                                             "mean": 30.0}, "never_withdraw": 0.4}}
    # pick-up latency plus work, in working hours (config: (median, p90) + work)
    d["screening"] = {"work": _lognormal(8.5, 40.0), "pass_probability": 0.4}
    d["rounds"] = [
        {"name": "Team Interview", "panel": 2, "panel_role": "interviewer",
         "hiring_manager_attends": False, "interview_minutes": 60,
         "decision": {"advance": 0.5, "offer": 0.0, "reject": 0.5}},
        {"name": "Onsite", "panel": 3, "panel_role": "interviewer",
         "hiring_manager_attends": True, "interview_minutes": 120,
         "decision": {"advance": 0.0, "offer": 0.45, "reject": 0.55}}]
    d["scorecards"] = {"work": _lognormal(3.5, 16.5)}
    d["decision"] = {"work": _lognormal(2.25, 12.0)}
    d["approvals"] = {"steps": [{"name": "offer committee", "roles": ["committee"],
                                 "work": {"unit": "working_hours", "dist": "constant",
                                          "value": 0.0},
                                 "committee": {"weekdays": ["Tue"], "time": "14:00",
                                               "minutes": 60}}]}
    d["communication"] = {"policy": "hr_gated", "handoff": _lognormal(4.0, 24.0),
                          "message": {"unit": "working_hours", "dist": "constant",
                                      "value": 0.25},
                          "hold_rejections_until_filled": False, "ghost_probability": 0.12}
    d["offers"] = {"accept_probability": 0.8}
    d["scheduling"] = {**d["scheduling"], "notice_hours": 24.0, "candidate_load": 0.0}
    return hs.load_scenario(d)


MEASURED = ("measured with the hand-built scenario (no weekly syncs, held rejections or "
            "vacations): {}")


@pytest.fixture(scope="module")
def northwind_backtest(tmp_path_factory):
    e = standard_export(session_root(tmp_path_factory), "1x")
    history = hs.read_ats(e.folder, mapping=e.mapping)
    dates = [history.exported_at.normalize() - pd.Timedelta(days=130 + 14 * k)
             for k in range(8)][::-1]
    return hs.backtest(northwind_scenario(e.truth), history, dates, replications=20, seed=1,
                       methods=["simulation"], workers=2)


@pytest.mark.xfail(strict=False, reason=MEASURED.format(
    "coverage 50/80/90 % = 38 % / 69 % / 79 % (99 % bands 43-57 / 74-86 / 85-94 %), 307 "
    "answers: the intervals are too narrow"))
def test_the_simulations_intervals_are_honest_on_northwind(northwind_backtest):
    cov = northwind_backtest.coverage
    sim = cov[cov["method"] == "simulation"]
    assert len(sim) == 3 and sim["honest"].all(), sim.to_string()


@pytest.mark.xfail(strict=False, reason=MEASURED.format(
    "mean pinball loss 19.0 days against the records' 15.6: 1.22x (CRPS 1.09x), 297 answers "
    "(target <= 0.9x: the weekly syncs make the state matter)"))
def test_the_simulation_beats_the_records_where_the_state_matters(northwind_backtest):
    scores = northwind_backtest.scores.set_index("method")
    assert scores.loc["simulation", "pinball_vs_empirical"] <= 0.9, scores.to_string()
