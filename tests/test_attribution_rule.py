"""The causal rule of interval attribution (issue 23, item 1): off hours inside a wait that
exists for another reason belong to that reason, and attribution then agrees with the
counterfactual (ablation and Shapley values) on a scenario with a long slot search and one
with long absences."""

from __future__ import annotations

from itertools import combinations
from types import SimpleNamespace

import numpy as np
import pytest

import hiresim as hs
from hiresim import analysis
from hiresim.analysis import km
from hiresim.analysis.headline import rmst
from hiresim.analysis.waits import replication_codes, waits
from hiresim.causes import (
    ABSENCE,
    CONTENTION,
    N_CAUSES,
    OFF_HOURS,
    OPEN,
    SCHEDULING,
    WORK,
    cause_columns,
)
from hiresim.meetings import charge_meeting_wait
from hiresim.workhours import Availability, PersonTimeline, Timeline, charge_causal

# a day: open 9-17, closed (off hours) 17-33 (next 9:00), open 33-41, ...
NIGHTS = Timeline([0.0, 9.0, 17.0, 33.0, 41.0, 57.0, 65.0, 200.0],
                  [OFF_HOURS, OPEN, OFF_HOURS, OPEN, OFF_HOURS, OPEN, OFF_HOURS])


def _charge(line: Availability, a: float, b: float, default: int, before: int = WORK,
            search: bool = False, fits: float = 0.0) -> tuple[dict[int, float], int]:
    acc = [0.0] * N_CAUSES
    last = charge_causal(line, a, b, default, acc, before, search, fits)
    assert sum(acc) == pytest.approx(b - a)  # the accounting identity holds by construction
    return {i: v for i, v in enumerate(acc) if v}, last


def test_a_night_inside_a_queue_is_the_queue():
    # enabled at 10:00, the person is busy until 12:00 the next day: the night is contention
    got, last = _charge(NIGHTS, 10.0, 36.0, CONTENTION)
    assert got == {CONTENTION: 26.0} and last == CONTENTION


def test_a_night_before_the_wait_could_start_is_off_hours():
    # enabled at 18:00, started at 10:00 next morning after an hour in the queue
    got, _ = _charge(NIGHTS, 18.0, 34.0, CONTENTION)
    assert got == {OFF_HOURS: 15.0, CONTENTION: 1.0}


def test_a_night_during_work_is_off_hours():
    got, _ = _charge(NIGHTS, 15.0, 35.0, WORK)
    assert got == {WORK: 4.0, OFF_HOURS: 16.0}
    # a stretch that starts at night after a queue: the night is still the queue's
    got, _ = _charge(NIGHTS, 17.0, 34.0, CONTENTION, before=CONTENTION)
    assert got == {CONTENTION: 17.0}


def test_the_night_after_an_absence_belongs_to_it():
    line = NIGHTS.overlay([9.0], [17.0], ABSENCE)  # away the whole first working day
    got, last = _charge(line, 9.0, 34.0, CONTENTION)
    assert got == {ABSENCE: 24.0, CONTENTION: 1.0} and last == CONTENTION


def test_an_absence_the_search_ran_into_is_shared_half_and_half():
    line = NIGHTS.overlay([33.0], [41.0], ABSENCE)  # away on the second day
    got, _ = _charge(line, 10.0, 58.0, SCHEDULING, search=True)
    # 10-17 search, night (search), second day away: half search, half absence, then the
    # night after it (the absence's: the piece before it), then an hour of search
    assert got == {SCHEDULING: 7.0 + 16.0 + 4.0 + 1.0, ABSENCE: 4.0 + 16.0}
    # already away when the search began: the absence keeps its time
    got, _ = _charge(line, 33.0, 58.0, SCHEDULING, search=True)
    assert got[ABSENCE] == 8.0 + 16.0


def test_a_meeting_that_could_not_fit_before_the_night_waits_for_the_night():
    # requested 16:45, needs an hour: it could not be held before 09:00 whatever the search
    got, _ = _charge(NIGHTS, 16.75, 34.0, SCHEDULING, fits=1.0)
    assert got == {SCHEDULING: 0.25 + 1.0, OFF_HOURS: 16.0}
    # a 15-minute meeting could have been held at 16:45: the night is the search's
    got, _ = _charge(NIGHTS, 16.75, 34.0, SCHEDULING, fits=0.25)
    assert got == {SCHEDULING: 17.25}


# two working weeks from Monday 00:00: open 09-17 on weekdays, off hours otherwise, so that
# Thursday 17:00 = 89, Friday 00:00 = 96, 09:00 = 105, 17:00 = 113, Saturday 00:00 = 120,
# Monday 00:00 = 168, 09:00 = 177, Tuesday 00:00 = 192, Friday 00:00 = 264, 09:00 = 273
_OPEN = [(24.0 * d + 9.0, 24.0 * d + 17.0) for d in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11)]
WEEKS = Timeline([0.0] + [x for pair in _OPEN for x in pair] + [336.0],
                 [OFF_HOURS, OPEN] * len(_OPEN) + [OFF_HOURS])


def _away(start: float, end: float) -> Availability:
    """Someone on the WEEKS calendar, absent over ``[start, end)`` (as the model builds it)."""
    line = PersonTimeline.over(WEEKS, [([start], [end], ABSENCE)])
    assert isinstance(line, PersonTimeline)
    return line


def test_an_absence_from_midnight_leaves_the_night_before_work_to_off_hours():
    # away Friday 00:00 to the next Friday 00:00; the file arrives Friday 00:00 and takes two
    # hours of queue once work starts. Without the absence: 9 h off hours + 2 h (ends 107).
    # With it the wait ends 7 days (168 h) later at 275, and the absence takes exactly those:
    # 96-105 would have been off hours anyway (the lead), 105-264 is the absence, the night
    # 264-273 after it is the absence's (the piece before it).
    got, last = _charge(_away(96.0, 264.0), 96.0, 275.0, CONTENTION)
    assert got == {OFF_HOURS: 9.0, ABSENCE: 159.0 + 9.0, CONTENTION: 2.0}
    assert last == CONTENTION
    assert _charge(WEEKS, 96.0, 107.0, CONTENTION)[0] == {OFF_HOURS: 9.0, CONTENTION: 2.0}
    # arriving Thursday 17:00: the whole night until Friday 09:00 is the lead
    got, _ = _charge(_away(96.0, 264.0), 89.0, 275.0, CONTENTION)
    assert got == {OFF_HOURS: 7.0 + 9.0, ABSENCE: 168.0, CONTENTION: 2.0}
    # a stretch that continues a queue into the night: the lead is the queue's, as without
    # the absence
    got, _ = _charge(_away(96.0, 264.0), 89.0, 275.0, CONTENTION, before=CONTENTION)
    assert got == {CONTENTION: 7.0 + 9.0 + 2.0, ABSENCE: 168.0}
    # while work is being done, the same split
    got, _ = _charge(_away(96.0, 264.0), 96.0, 275.0, WORK)
    assert got == {OFF_HOURS: 9.0, ABSENCE: 168.0, WORK: 2.0}


def test_an_absence_from_mid_day_keeps_its_time_and_the_weekend_after_it():
    # the file arrives Thursday 20:00; the queue starts Friday 09:00; away Friday 12:00-17:00;
    # the weekend after it is the absence's, then an hour of queue on Monday
    got, last = _charge(_away(108.0, 113.0), 92.0, 178.0, CONTENTION)
    assert got == {OFF_HOURS: 13.0, CONTENTION: 3.0 + 1.0, ABSENCE: 5.0 + 64.0}
    assert last == CONTENTION


def test_an_absence_over_a_weekend_that_leads_the_wait_takes_nothing():
    # arrives Friday 18:00; away Saturday 00:00 to Monday 00:00: the file would have waited
    # until Monday 09:00 anyway, so the absence adds nothing and is charged nothing
    got, last = _charge(_away(120.0, 168.0), 114.0, 178.0, CONTENTION)
    assert got == {OFF_HOURS: 6.0 + 48.0 + 9.0, CONTENTION: 1.0} and last == CONTENTION
    # away until Tuesday 00:00: it takes Monday (15 h from 09:00) and the night after it
    # (9 h): the 24 h it adds to the wait (without it the wait ends Monday 10:00 = 178)
    got, _ = _charge(_away(120.0, 192.0), 114.0, 202.0, CONTENTION)
    assert got == {OFF_HOURS: 63.0, ABSENCE: 15.0 + 9.0, CONTENTION: 1.0}
    # the same absence as a materialized timeline: the calendar under it cannot be seen, so
    # the absence keeps its whole piece (the rule as before)
    line = WEEKS.overlay([120.0], [192.0], ABSENCE)
    got, _ = _charge(line, 114.0, 202.0, CONTENTION)
    assert got == {OFF_HOURS: 6.0, ABSENCE: 72.0 + 9.0, CONTENTION: 1.0}


def test_an_attendees_absence_leaves_the_lead_of_a_meeting_wait_to_off_hours():
    # the organizer has no absence; an attendee is away Friday 00:00 to the next Friday
    # 00:00; the debrief is asked for Friday 00:00 and held the next Friday at 10:00. Without
    # the absence: 9 h off hours + 1 h search. The absence takes the 168 h it adds.
    organizer = SimpleNamespace(timeline=WEEKS)
    away = SimpleNamespace(timeline=_away(96.0, 264.0))
    acc = [0.0] * N_CAUSES
    charge_meeting_wait([organizer, away], organizer, 96.0, 274.0, acc)  # type: ignore[list-item, arg-type]
    assert {i: v for i, v in enumerate(acc) if v} == {OFF_HOURS: 9.0, ABSENCE: 168.0,
                                                      SCHEDULING: 1.0}
    # away over the weekend that leads the wait: the absence is charged nothing
    away = SimpleNamespace(timeline=_away(120.0, 168.0))
    acc = [0.0] * N_CAUSES
    charge_meeting_wait([organizer, away], organizer, 114.0, 178.0, acc)  # type: ignore[list-item, arg-type]
    assert {i: v for i, v in enumerate(acc) if v} == {OFF_HOURS: 63.0, SCHEDULING: 1.0}


SOURCES = ["scheduling", "absence", "contention", "priority"]


def _slot_search() -> hs.Scenario:
    base = hs.preset("default")
    return base.with_overrides({f"roles.{r}.calendar_load": 0.85 for r in base.roles})


def _absences() -> hs.Scenario:
    return hs.preset("default").with_overrides({"absence.vacation_days_per_year": 40,
                                                "absence.sick_spells_per_year": 8})


@pytest.fixture(scope="module", params=["slot search", "absences"])
def effects(request):
    scenario = _slot_search() if request.param == "slot search" else _absences()
    runs = []

    def record(variant, **kwargs):
        results = hs.simulate(variant, **kwargs)
        runs.append(results)
        return results

    table = analysis.effects(scenario, SOURCES, replications=6, seed=5, n_boot=100,
                             simulate=record)
    return request.param, table.set_index("source"), runs


def _replicate_rows(runs, tau: float, seed: int, n_boot: int) -> tuple[np.ndarray, np.ndarray]:
    """Ablation and attributed days of each source (rows in SOURCES order), point estimate
    then the bootstrap resamples over replications, recomputed as :func:`analysis.effects`
    does (the same resample weights, so paired differences keep their correlation).
    ``runs[0]`` is the baseline, ``runs[1 + i]`` the run without ``SOURCES[i]`` (effects
    simulates coalitions smallest first, in source order)."""
    tables = [waits(r, (), "calendar", "feedback") for r in runs[:1 + len(SOURCES)]]
    universe = np.unique(np.concatenate([t["replication"].to_numpy() for t in tables]))
    weights = np.vstack([np.ones((1, universe.size)),
                         km.replication_weights(universe.size, n_boot,
                                                np.random.default_rng(seed))])
    value = [rmst(t["time"].to_numpy(dtype=float), t["event"].to_numpy(dtype=bool),
                  replication_codes(t["replication"].to_numpy(), universe), weights, tau)
             for t in tables]
    ablation = np.array([value[0] - v for v in value[1:]])
    journeys = runs[0].journeys
    cols = cause_columns(journeys.columns)
    per_rep = np.zeros((universe.size, len(cols)))
    np.add.at(per_rep, replication_codes(journeys["replication"].to_numpy(), universe),
              journeys[cols].to_numpy(dtype=float))
    days = weights @ per_rep
    attributed = np.array([days[:, cols.index(f"delay_{s}")] / days.sum(axis=1) * value[0]
                           for s in SOURCES])
    return ablation, attributed


@pytest.mark.slow
def test_ranking_by_attribution_is_the_ranking_by_ablation(effects):
    """``ablation`` is the days saved by switching each source off alone (ablate's
    ``-change``, same seed and replications), ``attributed`` the days attributed to its
    cause, both on the comparison's one average.

    Rankings are compared only where both separate a pair: a pair of sources whose paired
    difference exceeds 3 of its standard errors (bootstrap over replications, the resamples
    of :func:`analysis.effects`) by ablation *and* by attribution must be in the same order;
    a pair tied (within 3 standard errors) in either ranking may come in either order, since
    the draws alone decide it (one false alarm in about 370 pairs when the true order holds).
    Measured on the long absences (6 replications, seed 5): contention and scheduling are
    attributed 1.60 and 1.46 days (difference -0.14, standard error 0.60: a tie) while their
    ablations are 0.97 and 1.73 (difference 0.75, standard error 0.17); the stream layout of
    issue 20 flipped the tied attribution order."""
    _, table, runs = effects
    ablation, attributed = _replicate_rows(runs, table.attrs["tau"], seed=5, n_boot=100)
    # the recomputed point estimates are the table's (the rows are the same computation)
    assert ablation[:, 0] == pytest.approx(table.loc[SOURCES, "ablation"].to_numpy(), abs=1e-9)
    assert attributed[:, 0] == pytest.approx(table.loc[SOURCES, "attributed"].to_numpy(),
                                             abs=1e-9)
    separated = 0
    for i, j in combinations(range(len(SOURCES)), 2):
        signs = []
        for rows in (ablation, attributed):
            diff = rows[i] - rows[j]
            if abs(diff[0]) > 3.0 * diff[1:].std(ddof=1):
                signs.append(np.sign(diff[0]))
        if len(signs) == 2:
            separated += 1
            assert signs[0] == signs[1], (SOURCES[i], SOURCES[j], ablation[:, 0], attributed[:, 0])
    assert separated >= 2  # the comparison is not empty


def _small_interaction(table):
    """Sources whose ablation (switched off alone) is within 3 standard errors of their
    Shapley value (the average over every order): what they add does not depend much on
    what else is on."""
    return table[np.abs(table["ablation"] - table["shapley"]) <= 3.0 * table["se"]]


@pytest.mark.slow
def test_attributed_days_lie_within_the_shapley_interval_where_interactions_are_small(
        effects, request):
    """Tolerance: 3 standard errors of the difference (attributed minus Shapley, from the
    same bootstrap resamples of replications: :data:`hiresim.analysis.shapley.AGREE_Z`): a
    false alarm about once in 370 sources when the two are equal. Measured on the slot
    search scenario (6 replications, seed 5): scheduling is attributed 163.9 days against a
    Shapley value of 185.7 (179.3 to 191.6), a difference of 3.2 standard errors, although
    its ablation (192.6) is within 3 standard errors of its Shapley value: its interactions
    with absence and priority cancel in the ablation but not in the attribution."""
    name, table, _ = effects
    if name == "slot search":
        request.applymarker(pytest.mark.xfail(strict=True, reason=(
            "slot search: scheduling attributed 163.9 vs Shapley 185.7 (179.3 to 191.6)")))
    small = _small_interaction(table)
    assert len(small) >= 2
    assert small["agrees"].all(), small[["shapley", "lower", "upper", "attributed"]]
