"""Calendars with structure (a role's ``calendar_blocks``): the booked share equals the load,
recurring meetings recur at the same slot, kept-free halves stay free, meetings lie in working
time, and in a scenario blocks leave the contiguous free time that a long meeting needs."""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import pytest

import hiresim as hs
from hiresim.busy import (
    CELL_HOURS,
    CalendarBlocksSpec,
    block_params,
    busy_span,
    busy_week,
    weekly_meetings,
)
from hiresim.model import Replication
from hiresim.scenario import ScenarioError, load_scenario

MON_FRI = [0, 1, 2, 3, 4]


def params(load: float = 0.3, **spec):
    return block_params(CalendarBlocksSpec(**spec), load, MON_FRI, (9.0, 17.0), (12.0, 13.0), 0)


def weekly_fractions(p, people: int = 40, weeks: int = 25, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(people):
        person = weekly_meetings(rng, p)
        for k in range(weeks):
            s, e = busy_week(rng, k * 168.0, person)
            out.append(float(np.sum(np.subtract(e, s))) / p.week_hours)
    return np.array(out)


@pytest.mark.parametrize(("load", "spec"), [
    (0.1, {}), (0.3, {}), (0.6, {}), (0.3, {"recurring": 0.0}), (0.3, {"recurring": 1.0}),
    (0.3, {"free": "mornings"}), (0.25, {"free": "afternoons", "minutes": [30, 120]}),
    (0.4, {"minutes": [60, 30], "weights": [3, 1]}),
    (0.4, {"packed": 0.0}), (0.4, {"packed": 1.0, "minutes": [30, 120]}),
])
def test_the_booked_share_of_working_time_is_the_load(load, spec):
    """Averaged over person-weeks, the booked share is the configured load (within 4 standard
    errors of the mean; people are the independent unit, so the error is taken over them)."""
    p = params(load, **spec)
    assert p.week_hours == 35.0
    per_person = weekly_fractions(p).reshape(40, 25).mean(axis=1)
    se = per_person.std(ddof=1) / math.sqrt(len(per_person))
    assert abs(per_person.mean() - load) < 4 * se + 1e-12, (per_person.mean(), se)


def intervals(p, weeks: int, seed: int = 2):
    s, e = busy_span(np.random.default_rng(seed), p, weeks)
    return np.array(s), np.array(e)


def test_recurring_meetings_recur_at_the_same_slot_every_week():
    p = params(0.4, recurring=1.0)
    s, e = intervals(p, 10)
    by_week = [sorted(zip(s[(s >= 168 * k) & (s < 168 * (k + 1))] - 168 * k,
                          e[(s >= 168 * k) & (s < 168 * (k + 1))] - 168 * k, strict=True))
               for k in range(10)]
    assert by_week[0] and all(week == by_week[0] for week in by_week)
    # with half recurring, the recurring half is in every week, the rest changes
    p = params(0.4, recurring=0.5)
    rng = np.random.default_rng(3)
    person = weekly_meetings(rng, p)
    weeks = [busy_week(rng, 168.0 * k, person) for k in range(6)]
    offsets = [{(round(a - 168 * k, 6), round(b - 168 * k, 6)) for a, b in zip(*w, strict=True)}
               for k, w in enumerate(weeks)]
    common = set.intersection(*offsets)
    assert person.recurring
    assert {(f * CELL_HOURS, (f + c) * CELL_HOURS) for f, c in person.recurring} <= common
    assert any(o != offsets[0] for o in offsets[1:])


@pytest.mark.parametrize("free", [None, "mornings", "afternoons"])
def test_meetings_lie_in_working_time_on_the_half_hour_and_do_not_overlap(free):
    p = params(0.45, free=free, minutes=[30, 45, 60, 90, 120])
    s, e = intervals(p, 20)
    day, start, end = s // 24, s % 24, e - 24 * (s // 24)
    assert ((day % 7) < 5).all()  # the epoch is a Monday: weekdays only
    assert (start >= 9).all() and (end <= 17).all()
    assert not ((start < 13) & (end > 12)).any()  # not across lunch
    assert np.allclose((s * 2) % 1, 0)  # on the half hour
    assert set(np.round((e - s) * 60).astype(int)) <= {30, 45, 60, 90, 120}
    order = np.argsort(s)
    assert (s[order][1:] >= e[order][:-1] - 1e-9).all()
    if free == "mornings":
        assert (start >= 13).all()
    elif free == "afternoons":
        assert (end <= 12).all()


def longest_free_run(p, weeks: int = 30) -> np.ndarray:
    """The longest free stretch (hours) of each working day, between 9 and 17."""
    s, e = intervals(p, weeks)
    out = []
    for day in range(7 * weeks):
        if day % 7 >= 5:
            continue
        busy = sorted((a - 24 * day, b - 24 * day) for a, b in zip(s, e, strict=True)
                      if 24 * day <= a < 24 * (day + 1))
        edges = [(9.0, 9.0), *busy, (12.0, 13.0), (17.0, 17.0)]
        edges.sort()
        out.append(max(b[0] - a[1] for a, b in pairwise(edges)))
    return np.array(out)


def test_packed_meetings_keep_free_time_in_one_piece():
    """Meetings booked back to back leave longer free stretches than meetings placed at
    random, at the same load (a difference of means over 150 working days each, bound in
    standard errors; days of one person are not independent, so the bound is generous)."""
    loose = longest_free_run(params(0.45, packed=0.0))
    tight = longest_free_run(params(0.45, packed=1.0))
    se = math.sqrt(loose.var(ddof=1) / len(loose) + tight.var(ddof=1) / len(tight))
    assert tight.mean() - loose.mean() > 4 * se, (loose.mean(), tight.mean(), se)


def test_the_same_generator_gives_the_same_calendar():
    p = params(0.3)
    a, b = intervals(p, 5, seed=7), intervals(p, 5, seed=7)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


# -- in a scenario ----------------------------------------------------------------------------


def onsite(blocks: dict | None, load: float = 0.5) -> hs.Scenario:
    """A 2-hour onsite of four staff and the candidate, at a calendar load of one half."""
    role = {"count": 4, "calendar_load": load}
    if blocks is not None:
        role["calendar_blocks"] = blocks
    return load_scenario({
        "name": "onsite", "start": "2026-01-05", "horizon_days": 120, "drain_days": 60,
        "roles": {"recruiter": {"count": 1}, "hiring_manager": {"count": 1},
                  "interviewer": role},
        "requisitions": {"initial": 2, "positions": 1000},
        "candidates": {"arrivals": "poisson", "rate_per_week": 2},
        "rounds": [{"panel": 4, "interview_minutes": 120, "decision": {"reject": 1.0}}],
        "scorecards": {"work": {"dist": "constant", "value": 0.0}},
        "communication": {"policy": "direct", "message": 0},
        "scheduling": {"candidate_load": 0.0, "notice_hours": 0},
    })


def test_a_block_calendar_is_booked_at_its_load_in_the_slot_masks():
    """The people's meeting-slot masks: the share of working slots taken is the load."""
    sc = onsite({"minutes": [30, 60, 90], "recurring": 0.5})
    rep = Replication(sc, 5, 0)
    taken = []
    for person in rep.people["interviewer"]:
        working = person.calendar.slot_mask(rep.slots.slot_hours, rep.slots.n_slots)
        assert person.fills is not None  # weeks are filled when first searched: fill them all
        person.fills.fill(0, len(person.free))
        taken.append(1.0 - person.free[working].mean())
    taken_arr = np.array(taken)
    # four people over ~60 weeks: a week's booked share has sd ~0.05, so 4 SE ~0.02; public
    # holidays none (no country), so the working slots are the calendar's
    assert abs(taken_arr.mean() - 0.5) < 0.03, taken_arr


def test_free_mornings_leave_the_contiguous_time_a_long_meeting_needs():
    """Independent hours at a load of 0.45 leave a given 2-hour run free for four people with
    probability 0.55^8 (about 1 %); with mornings kept free of meetings, every working morning
    has a common 2-hour slot, so far more onsites are held in the same span (interviews
    held: counts, Poisson standard error)."""
    hours = hs.simulate(onsite(None, 0.45), replications=2, seed=1, event_log=False).journeys
    blocks = hs.simulate(onsite({"free": "mornings"}, 0.45), replications=2, seed=1,
                         event_log=False).journeys
    a, b = len(hours), len(blocks)
    assert b - a > 4 * math.sqrt(a + b), (a, b)


def test_packed_calendars_book_long_meetings_that_scattered_ones_do_not():
    """Meetings placed at random starts fragment free time (fewer onsites than even
    independent hours); booked back to back, they leave the 2-hour runs an onsite needs."""
    scattered = len(hs.simulate(onsite({"packed": 0.0}, 0.45), replications=2, seed=1,
                                event_log=False).journeys)
    packed = len(hs.simulate(onsite({"packed": 1.0}, 0.45), replications=2, seed=1,
                             event_log=False).journeys)
    assert packed - scattered > 4 * math.sqrt(packed + scattered), (scattered, packed)


def test_without_the_slot_search_blocks_book_nothing():
    sc = onsite({"minutes": [60]}).with_overrides({"scheduling.slot_search": False})
    rep = Replication(sc, 5, 0)
    person = rep.people["interviewer"][0]
    working = person.calendar.slot_mask(rep.slots.slot_hours, rep.slots.n_slots)
    assert person.fills is not None  # weeks are filled when first searched: fill them all
    person.fills.fill(0, len(person.free))
    assert person.free[working].all()


@pytest.mark.parametrize(("blocks", "path", "words"), [
    ({"minutes": [50]}, "calendar_blocks.minutes", "whole quarter hours"),
    ({"minutes": [30, 60], "weights": [1]}, "calendar_blocks", "one weight per length"),
    ({"recurring": 1.5}, "calendar_blocks.recurring", "less than or equal to 1"),
    ({"free": "evenings"}, "calendar_blocks.free", "mornings"),
    ({"free": "mornings"}, "roles.interviewer", "below 0.5"),
    ({"length": 3}, "calendar_blocks.length", "unknown key"),
    ({"minutes": [300], "free": "afternoons"}, "calendar_blocks.minutes",
     "does not fit in the mornings"),
])
def test_bad_blocks_name_the_path(blocks, path, words):
    with pytest.raises(ScenarioError) as err:
        onsite(blocks, load=0.6 if blocks == {"free": "mornings"} else 0.3)
    text = str(err.value)
    assert path in text and words.lower() in text.lower(), text


def test_the_example_scenario_uses_both_and_runs():
    """``hiresim/examples/weekly_syncs.toml``: teams' weekly syncs and block calendars."""
    from importlib.resources import files

    sc = hs.load_scenario(files("hiresim") / "examples" / "weekly_syncs.toml")
    assert all(role.calendar_blocks is not None for role in sc.roles.values())
    assert "recurring_meetings" in hs.scenario.delay_sources(sc)
    res = hs.simulate(sc.with_overrides({"horizon_days": 60, "drain_days": 60}),
                      replications=1, seed=7)
    names = set(res.events["concept:name"].astype(str))
    assert {"hiring sync", "team sync"} <= names
    starts = res.events[res.events["concept:name"].astype(str) == "team sync"]
    assert set(starts["start_timestamp"].dt.strftime("%a %H:%M")) == {"Tue 14:00"}


def test_the_report_says_the_calendars_are_meetings():
    from importlib.resources import files

    from hiresim.present.report import assumptions

    sc = hs.load_scenario(files("hiresim") / "examples" / "weekly_syncs.toml")
    people = dict(assumptions(sc))["People"]
    assert any("30 to 120 minutes each, 50 % of that time weekly recurring, 50 % back to "
               "back, mornings kept free" in line for line in people), people
    plain = dict(assumptions(hs.preset("default")))["People"]
    assert not any("recurring" in line for line in plain)
