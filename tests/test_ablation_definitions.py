"""Each ablation switches off its own friction and nothing else (issue 14, item 6)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import hiresim as hs
from hiresim.meetings import SlotFinder
from hiresim.present.report import Report, render

# ---------------------------------------------------------------- scheduling: presence still counts


def _meetings(minimal: dict, load: float, notice: float) -> dict:
    """``minimal`` with meetings on the slot grid: a 60-minute interview, a 15-minute scorecard,
    then a 30-minute debrief; the interviewer's calendar is ``load`` booked."""
    minimal["scheduling"] = {"enabled": True, "slot_minutes": 30, "notice_hours": notice,
                             "candidate_load": 0.5}
    minimal["rounds"][0]["interview_minutes"] = 60
    minimal["scorecards"] = {"work": 0.25}
    minimal["debrief"] = {"minutes": 30}
    minimal["roles"]["interviewer"]["calendar_load"] = load
    return minimal


def test_without_scheduling_meetings_take_the_first_slot_everyone_is_at_work(minimal):
    """No notice, no calendar load, no candidate load: the interview is at Friday 09:00 (the
    next working slot) and the debrief at the next slot after the scorecard, exactly."""
    sc = hs.load_scenario(_meetings(minimal, load=0.9, notice=48.0)).without("scheduling")
    assert sc.scheduling.enabled and not sc.scheduling.slot_search
    events = hs.simulate(sc, replications=1, seed=0).events.set_index("concept:name")
    assert events.loc["interview 1", "start_timestamp"] == pd.Timestamp(2026, 1, 9, 9, 0)
    assert events.loc["interview 1", "wt_off_hours"] * 24 == pytest.approx(9.0)
    assert events.loc["debrief", "start_timestamp"] == pd.Timestamp(2026, 1, 9, 10, 30)
    assert events.loc["debrief", "wt_scheduling"] * 24 == pytest.approx(0.25)


def test_with_scheduling_the_same_meetings_wait_for_notice_and_load(minimal):
    events = hs.simulate(_meetings(minimal, load=0.9, notice=48.0), replications=1,
                         seed=0).events.set_index("concept:name")
    assert events.loc["interview 1", "start_timestamp"] >= pd.Timestamp(2026, 1, 11)  # notice


def test_without_scheduling_absences_still_block_meetings():
    """Vacations and sick leave keep holding meetings (charged ``absence``): switching the slot
    search off does not let a meeting happen while an attendee is away."""
    sc = hs.preset("default").without("scheduling")
    ev = hs.simulate(sc, replications=2, seed=3).events
    meetings = ev[ev["stage"].isin(["interview", "debrief"])]
    assert meetings["wt_absence"].sum() > 1.0  # days of meetings waiting for people on leave
    assert meetings["wt_scheduling"].sum() < 0.05 * meetings["wt_absence"].sum()


def test_slot_finder_without_booking_books_nothing():
    rng = np.random.default_rng(0)

    class Someone:
        fills = None  # the whole mask is there (nothing filled lazily)

        def __init__(self, free):
            self.free = np.asarray(free, dtype=bool)

    a, b = Someone([0, 1, 1, 1, 1, 0]), Someone([0, 0, 1, 1, 1, 1])
    finder = SlotFinder(1.0, 6, 6, 0.0, rng, book=False)
    assert finder.find([a, b], 0.0, 60, a, candidate=False) == 2.0
    assert finder.find([a, b], 0.0, 60, a, candidate=False) == 2.0  # nothing was booked
    booking = SlotFinder(1.0, 6, 6, 0.0, rng)
    assert booking.find([a, b], 0.0, 60, a, candidate=False) == 2.0
    assert booking.find([a, b], 0.0, 60, a, candidate=False) == 3.0


def test_scheduling_already_off_is_left_alone():
    sc = hs.preset("mmc")
    assert not sc.scheduling.enabled
    assert sc.without("scheduling") == sc


# ---------------------------------------------------------------- communication and its parts


PARTS = {
    "communication_direct": {"policy": "direct"},
    "communication_handoff": {"handoff": 0.0},
    "communication_ghosting": {"ghost_probability": 0.0},
}


@pytest.mark.parametrize("part", sorted(PARTS))
def test_each_part_of_communication_changes_only_its_field(part):
    sc = hs.preset("default")
    before = sc.communication.model_dump()
    after = sc.without(part).communication.model_dump()
    changed = {k for k in before if before[k] != after[k]}
    assert changed == set(PARTS[part])
    assert sc.without(part).model_dump(exclude={"communication"}) == sc.model_dump(
        exclude={"communication"})


def test_the_whole_of_communication_includes_every_part():
    sc = hs.preset("default")
    whole = sc.without("communication").communication
    for part in PARTS:
        for field in PARTS[part]:
            if field != "handoff" or whole.policy == "hr_gated":
                assert getattr(whole, field) == getattr(sc.without(part).communication, field)
    assert whole.legal_review is None and not whole.hold_rejections_until_filled


def test_without_ghosting_nobody_is_ghosted_and_a_part_already_off_changes_nothing():
    sc = hs.preset("default").with_overrides({"horizon_days": 60})
    results = hs.simulate(sc.without("communication_ghosting"), replications=2, seed=1)
    assert not (results.journeys["outcome"] == "ghosted").any()
    direct = sc.with_overrides({"communication.policy": "direct"})
    assert direct.without("communication_direct") == direct
    assert direct.without("communication_handoff") == direct


# ---------------------------------------------------------------- the report explains a longer wait


def _ablation(change: float, lower: float, upper: float, source: str) -> pd.DataFrame:
    rows = [(source, "restricted_mean", np.nan, 10.0, 10.0 + change, change, lower, upper, 1.0),
            (source, "quantile", 0.9, 20.0, 20.0 + change, change, lower, upper, 1.0)]
    out = pd.DataFrame(rows, columns=["source", "statistic", "q", "baseline", "value",
                                      "change", "lower", "upper", "seconds"])
    out.attrs["tau"] = 30.0
    return out


@pytest.fixture(scope="module")
def small_report() -> Report:
    from hiresim.present.report import build_report

    return build_report(hs.preset("mmc"), replications=2, seed=1, ablation=False, n_boot=10)


def test_the_report_explains_a_clearly_longer_wait_in_plain_words(small_report):
    from dataclasses import replace

    rep = replace(small_report, ablation=_ablation(0.7, 0.3, 1.1, "communication_ghosting"),
                  ablation_replications=5)
    html = render(rep)
    assert "longer (see below)" in html
    assert "does not mean that this source of delay is good for candidates" in html
    assert "now receive a rejection" in html  # the reason for ghosting, in words


def test_the_report_calls_a_small_increase_within_the_noise(small_report):
    from dataclasses import replace

    rep = replace(small_report, ablation=_ablation(0.2, -0.4, 0.8, "scheduling"),
                  ablation_replications=5)
    html = render(rep)
    assert "the small increase is within the noise" in html
    assert "longer (see below)" not in html
