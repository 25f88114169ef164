"""Work durations per round: a round's own scorecard, debrief and decision durations."""

from __future__ import annotations

import pandas as pd
import pytest

import hiresim as hs
from hiresim.scenario import ScenarioError


def _two_rounds(minimal: dict) -> dict:
    """Always-open calendars and meetings held when due (every hour is exact): round 1 always
    advances, round 2 always rejects; one candidate."""
    minimal["calendars"] = {"office": {"always_open": True}}
    minimal["rounds"] = [
        {"panel": 1, "interview_minutes": 0, "decision": {"advance": 1.0, "reject": 0.0}},
        {"panel": 1, "interview_minutes": 0, "decision": {"reject": 1.0}},
    ]
    minimal["scorecards"] = {"work": 2.0}
    minimal["debrief"] = {"minutes": 30}
    minimal["decision"] = {"work": 0.5}
    return minimal


def _work_hours(data: dict) -> pd.Series:
    j = hs.simulate(data, replications=1, seed=0).journeys.set_index("round")
    assert (j["days_to_feedback"] == j["delay_work"]).all()
    return j["delay_work"] * 24.0


def test_without_overrides_every_round_takes_the_shared_durations(minimal):
    hours = _work_hours(_two_rounds(minimal))
    assert hours.to_dict() == pytest.approx({1: 3.0, 2: 3.0})  # 2 + 0.5 + 0.5


def test_a_round_overrides_each_duration(minimal):
    """Round 1: no debrief (0 minutes), a 1-hour decision; round 2: a 5-hour scorecard and a
    45-minute debrief; what a round leaves out is the shared value."""
    data = _two_rounds(minimal)
    data["rounds"][0].update(debrief_minutes=0, decision_work=1.0)
    data["rounds"][1].update(scorecard_work=5.0, debrief_minutes=45)
    hours = _work_hours(data)
    assert hours[1] == pytest.approx(2.0 + 1.0)
    assert hours[2] == pytest.approx(5.0 + 0.75 + 0.5)
    e = hs.simulate(data, replications=1, seed=0).events
    assert (e["concept:name"] == "debrief").sum() == 1


def test_a_decision_task_for_one_round_only(minimal):
    data = _two_rounds(minimal)
    del data["decision"]
    data["rounds"][1]["decision_work"] = {"dist": "constant", "value": 4, "unit": "hours"}
    hours = _work_hours(data)
    assert hours.to_dict() == pytest.approx({1: 2.5, 2: 6.5})


def test_a_random_round_duration_leaves_other_draws_alone(minimal):
    """A round's own random duration takes a new sub-stream of ``work``: round 1's random
    scorecard draws are unchanged (common random numbers)."""
    data = _two_rounds(minimal)
    data["scorecards"] = {"work": {"dist": "exponential", "mean": 3.0, "unit": "hours"}}
    base = _work_hours(data)
    data["rounds"][1]["scorecard_work"] = {"dist": "exponential", "mean": 9.0, "unit": "hours"}
    moved = _work_hours(data)
    assert moved[1] == base[1]
    assert moved[2] != base[2]


def test_a_round_debrief_needs_a_debrief_block(minimal):
    minimal["rounds"][0]["debrief_minutes"] = 20
    with pytest.raises(ScenarioError, match=r"rounds\.0\.debrief_minutes: .*\[debrief\] block"):
        hs.load_scenario(minimal)


def test_a_round_debrief_that_never_fits_names_the_round(minimal):
    """8 hours fit a 9-17 day, not one with a lunch break (at most 4 hours in one stretch)."""
    minimal["scheduling"] = {"enabled": True}
    minimal["debrief"] = {"minutes": 30}
    minimal["rounds"][0]["debrief_minutes"] = 480  # the whole 9-17 day: fits
    hs.load_scenario(minimal)
    minimal["calendars"]["office"]["lunch"] = ["12:00", "13:00"]
    with pytest.raises(ScenarioError, match=r"rounds\.0\.debrief_minutes: 480 minutes never fit"):
        hs.load_scenario(minimal)


@pytest.mark.parametrize(("field", "value"), [("scorecard_work", -1.0),
                                               ("debrief_minutes", -5),
                                               ("decision_work", {"dist": "nope"})])
def test_bad_round_durations_name_their_field(minimal, field, value):
    minimal["rounds"][0][field] = value
    minimal["debrief"] = {"minutes": 30}
    with pytest.raises(ScenarioError, match=rf"rounds\.0\.{field}"):
        hs.load_scenario(minimal)
