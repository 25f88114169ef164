"""``recurring_meetings``: decisions that wait for a team's weekly meeting (cause ``batching``):
the exact wait in a tiny world, the mean wait in theory, the shares, teams, and bad blocks."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import hiresim as hs
from hiresim.scenario import ScenarioError, load_scenario

from .helpers import ALWAYS_OPEN, H, base, check_only, const, journey, replication, run

NAME = "recurring_meetings"


def sync(**meeting: Any) -> dict[str, Any]:
    return {"meetings": [{"weekday": "Tue", "time": "10:00", "minutes": 60, **meeting}]}


# -- deterministic: the exact wait and its causes ----------------------------------------------


def test_a_decision_waits_for_the_next_session_and_is_taken_at_its_end():
    """Scorecard Friday 09:00-11:00; the team meets Tuesday 10:00-11:00: the decision waits
    from Friday 11:00 to Tuesday 10:00 (batching, 95 h) and is taken at 11:00 (work, 1 h)."""
    rep = replication(base(recurring_meetings=sync()))
    row = journey(run(rep))
    assert row["days_to_feedback"] == pytest.approx(11 * H + 95 * H + 1 * H)
    check_only(row, off_hours=9 * H, work=2 * H + 1 * H, batching=95 * H)


def test_without_the_block_the_decision_is_taken_at_once():
    data = base(recurring_meetings=sync())
    rep = replication(load_scenario(data).without(NAME).model_dump(mode="json"))
    check_only(journey(run(rep)), off_hours=9 * H, work=2 * H)


def test_the_meeting_replaces_the_debrief_and_the_decision_task():
    """With a debrief and a decision task: stage debrief skips both for the decisions that
    wait; stage decision holds the debrief first (at 11:00, no slot search) and then waits."""
    extra = {"debrief": {"minutes": 30}, "decision": {"work": const(1.0)}}
    row = journey(run(replication(base(recurring_meetings=sync(), **extra))))
    check_only(row, off_hours=9 * H, work=3 * H, batching=95 * H)
    events = run(replication(base(recurring_meetings=sync(), **extra)))["events"]
    assert set(events["concept:name"].astype(str)) == {"interview 1", "scorecard", "hiring sync"}
    row = journey(run(replication(base(recurring_meetings=sync(stage="decision"), **extra))))
    # debrief 11:00-11:30, then the wait to Tuesday 10:00
    check_only(row, off_hours=9 * H, work=2 * H + 0.5 * H + 1 * H, batching=94.5 * H)


def test_a_session_on_a_day_off_falls_out():
    """Tuesday 2026-01-13 is closed: the decision waits for the next Tuesday's session."""
    data = base(recurring_meetings=sync())
    data["calendars"]["office"]["closed"] = ["2026-01-13"]
    row = journey(run(replication(data)))
    check_only(row, off_hours=9 * H, work=3 * H, batching=(95 + 168) * H)


def test_share_zero_for_a_round_never_waits():
    row = journey(run(replication(base(recurring_meetings=sync(share=[0.0])))))
    check_only(row, off_hours=9 * H, work=2 * H)


def test_only_the_named_teams_wait():
    roles = {"recruiter": {"count": 1}, "interviewer": {"count": 1},
             "hiring_manager": {"people": ["ann", "bob"]}}
    # one requisition: its hiring manager is the first, ann
    theirs = base(roles=roles, recurring_meetings=sync(hiring_managers=["bob"]))
    check_only(journey(run(replication(theirs))), off_hours=9 * H, work=2 * H)
    ours = base(roles=roles, recurring_meetings=sync(hiring_managers=["ann"]))
    check_only(journey(run(replication(ours))), off_hours=9 * H, work=3 * H, batching=95 * H)


def test_the_event_log_has_the_meeting_with_its_wait():
    events = run(replication(base(recurring_meetings=sync())))["events"]
    row = events[events["concept:name"].astype(str) == "hiring sync"].iloc[0]
    assert row["org:role"] == "hiring_manager" and row["stage"] == "decision"
    assert row["wt_batching"] == pytest.approx(95 * H)
    assert row["start_timestamp"].strftime("%a %H:%M") == "Tue 10:00"


# -- theory: the mean wait for a weekly meeting --------------------------------------------------


def uniform_world(share: float | list[float], minutes: int = 0) -> hs.Scenario:
    """A 24/7 world without scheduling or work: decisions fall due at interview ends, which
    Poisson arrivals spread uniformly over the week."""
    return load_scenario({
        "name": "uniform", "start": "2026-01-05", "horizon_days": 364, "drain_days": 21,
        "calendars": ALWAYS_OPEN,
        "roles": {"recruiter": {"count": 1}, "hiring_manager": {"count": 1},
                  "interviewer": {"count": 50, "capacity": 100}},
        "requisitions": {"initial": 1, "positions": 10_000},
        "candidates": {"arrivals": "poisson", "rate_per_week": 20},
        "rounds": [{"panel": 1, "interview_minutes": 0, "decision": {"reject": 1.0}}],
        "scorecards": {"work": const(0.0)},
        "communication": {"policy": "direct", "message": 0},
        "scheduling": {"enabled": False},
        NAME: sync(weekday="Thu", time="10:00", minutes=minutes, share=share),
    })


def test_a_decision_due_uniformly_in_the_week_waits_half_a_week_on_average():
    """Due times uniform over the week: the wait for the weekly session is uniform on [0, 7)
    days, mean 3.5 and standard deviation 7 / sqrt(12)."""
    j = hs.simulate(uniform_world(1.0), replications=2, seed=3, event_log=False).journeys
    wait = j["delay_batching"].to_numpy()
    n = len(wait)
    assert n > 1500
    se = 7.0 / math.sqrt(12.0) / math.sqrt(n)
    assert abs(wait.mean() - 3.5) < 4 * se, (wait.mean(), se)
    assert wait.max() < 7.0 and wait.min() >= 0.0
    # the wait is all batching: days_to_feedback is the wait to the session
    np.testing.assert_allclose(j["days_to_feedback"], wait, atol=1e-9)


def test_the_share_that_waits_is_the_share_asked():
    share = 0.3
    j = hs.simulate(uniform_world(share), replications=2, seed=5, event_log=False).journeys
    waited = (j["delay_batching"] > 0).to_numpy()
    n = len(waited)
    se = math.sqrt(share * (1 - share) / n)
    assert abs(waited.mean() - share) < 4 * se
    # and those that wait, wait half a week on average
    w = j.loc[waited, "delay_batching"].to_numpy()
    assert abs(w.mean() - 3.5) < 4 * 7.0 / math.sqrt(12.0 * len(w))


def test_the_draws_are_common_random_numbers():
    """Which decisions wait depends on the candidate and the round, not on the course of
    events: a slower meeting changes no one's draw."""
    a = hs.simulate(uniform_world(0.5), replications=1, seed=9, event_log=False).journeys
    b = hs.simulate(uniform_world(0.5, minutes=120), replications=1, seed=9,
                    event_log=False).journeys
    waited_a = (a.set_index("candidate")["delay_batching"] > 0).sort_index()
    waited_b = (b.set_index("candidate")["delay_batching"] > 0).sort_index()
    assert len(waited_a) > 500 and waited_a.index.equals(waited_b.index)
    assert (waited_a == waited_b).all()


# -- the default preset: the effect and its ablation ------------------------------------------


def test_on_the_default_preset_the_meeting_lengthens_the_waits_and_its_ablation_removes_it():
    data = hs.preset("default").with_overrides({"horizon_days": 60, "drain_days": 60}
                                               ).model_dump(mode="json")
    data[NAME] = sync(weekday="Thu", share=[0.3, 0.65])
    sc = hs.load_scenario(data)
    on = hs.simulate(sc, replications=2, seed=11, event_log=True)
    off = hs.simulate(sc.without(NAME), replications=2, seed=11, event_log=True)
    syncs = on.events[on.events["concept:name"].astype(str) == "hiring sync"]
    assert len(syncs) > 20
    assert (off.events["concept:name"].astype(str) == "hiring sync").sum() == 0
    assert set(syncs["start_timestamp"].dt.strftime("%a %H:%M")) == {"Thu 10:00"}
    assert on.journeys["delay_batching"].mean() > off.journeys["delay_batching"].mean()


# -- bad blocks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("block", "path", "words"), [
    (sync(share=1.5), "meetings.0.share", "from 0 to 1"),
    (sync(share=[0.3, 0.6]), "meetings.0.share", "2 shares for 1 rounds"),
    (sync(weekday="Sat"), "meetings.0", "never sits"),
    (sync(time="18:00"), "meetings.0", "never sits"),
    (sync(hiring_managers=["nobody"]), "meetings.0.hiring_managers.0", "not a hiring manager"),
    ({"meetings": [{"weekday": "Tue"}, {"weekday": "Wed"}]}, "", "name each one's hiring"),
    ({"meetings": [{"weekday": "Tue", "hiring_managers": ["hiring_manager-1"]},
                   {"weekday": "Wed", "hiring_managers": ["hiring_manager-1"]}]}, "",
     "a team holds one meeting"),
    (sync(stage="offer"), "meetings.0.stage", "debrief"),
])
def test_bad_blocks_name_the_path(block, path, words):
    with pytest.raises(ScenarioError) as err:
        load_scenario(base(recurring_meetings=block))
    text = str(err.value)
    assert f"{NAME}.{path}".rstrip(".") in text and words in text, text
