"""``season``: arrival and opening rates by month and dated period (a non-homogeneous Poisson
process by thinning), and dated hiring freezes that stop chosen stages (cause ``freeze``)."""

from __future__ import annotations

import calendar
import math
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest

import hiresim as hs
from hiresim.model import Replication
from hiresim.scenario import ScenarioError, load_scenario

from .helpers import H, base, check_only, const, journey, replication


def run(rep: Replication) -> dict[str, pd.DataFrame]:
    """Run; the identity holds with every cause column, the freeze's among them."""
    tables = rep.run()
    j = tables["journeys"]
    delays = [c for c in j.columns if c.startswith("delay_")]
    assert np.allclose(j[delays].sum(axis=1), j["days_to_feedback"], atol=1e-6)
    return tables

# -- rates by month: counts against their expected values -------------------------------------

#: Multipliers of the candidate arrival rate, January to December (a closed August).
MONTHS = [0.5, 1.0, 1.5, 2.0, 1.0, 0.25, 1.0, 0.0, 3.0, 1.0, 1.2, 0.6]
#: Replications of the counting tests (the count per month is averaged over them).
N_COUNT = 30


def counting(**changes: Any) -> dict[str, Any]:
    """2026 (a whole year from 1 January), one requisition that never closes, a candidate a
    day on average at the base rate, and a pipeline that costs nothing (rejected at once)."""
    data = base(calendars={"office": {"always_open": True}}, start="2026-01-01",
                horizon_days=365, drain_days=0,
                candidates={"arrivals": "poisson", "rate_per_week": 7.0},
                scorecards={"work": const(0.0)})
    data.update(changes)
    return data


def per_month(stamps: pd.Series, n: int) -> np.ndarray:
    """Mean count per calendar month of 2026 over ``n`` replications."""
    months = pd.to_datetime(stamps).dt.month
    return months.value_counts().reindex(range(1, 13), fill_value=0).to_numpy() / n


def days_in_2026() -> np.ndarray:
    return np.array([calendar.monthrange(2026, m)[1] for m in range(1, 13)], dtype=float)


def check_within_3_se(mean: np.ndarray, expected: np.ndarray, n: int) -> None:
    """Poisson counts: the SE of a mean of ``n`` counts is sqrt(expected / n)."""
    se = np.sqrt(expected / n)
    for m in range(12):
        if expected[m] == 0.0:
            assert mean[m] == 0.0, f"month {m + 1}: {mean[m]} arrivals in a closed month"
        else:
            z = (mean[m] - expected[m]) / se[m]
            assert abs(z) <= 3.0, (f"month {m + 1}: {mean[m]:.2f} per replication, expected "
                                   f"{expected[m]:.2f} (z = {z:+.1f})")


def test_candidate_arrivals_per_month_match_their_expected_counts():
    sc = load_scenario(counting(season={"candidates_by_month": MONTHS}))
    res = hs.simulate(sc, replications=N_COUNT, seed=11, event_log=False)
    mean = per_month(res.candidates["applied_at"], N_COUNT)
    check_within_3_se(mean, days_in_2026() * np.array(MONTHS), N_COUNT)


def test_requisition_openings_per_month_match_their_expected_counts():
    by_month = [2.0, 1.0, 0.5, 1.0, 1.0, 1.0, 0.2, 0.2, 1.5, 1.0, 1.0, 0.0]
    sc = load_scenario(counting(
        requisitions={"initial": 0, "rate_per_month": 30.0},
        candidates={"arrivals": "poisson", "rate_per_week": 0.01, "max_per_requisition": 1},
        season={"requisitions_by_month": by_month}))
    res = hs.simulate(sc, replications=N_COUNT, seed=12, event_log=False)
    expected = 30.0 / 30.4375 * days_in_2026() * np.array(by_month)
    check_within_3_se(per_month(res.requisitions["opened_at"], N_COUNT), expected, N_COUNT)


def test_a_dated_period_multiplies_the_months_rate():
    """Twice the rate from 1 to 14 April (a campus drive), on top of April's 2.0."""
    season = {"candidates_by_month": MONTHS,
              "periods": [{"start": "2026-04-01", "end": "2026-04-14", "candidates": 2.0}]}
    sc = load_scenario(counting(season=season))
    res = hs.simulate(sc, replications=N_COUNT, seed=13, event_log=False)
    expected = days_in_2026() * np.array(MONTHS)
    expected[3] = 14 * 2.0 * 2.0 + 16 * 2.0
    check_within_3_se(per_month(res.candidates["applied_at"], N_COUNT), expected, N_COUNT)


def test_constant_rates_draw_exactly_the_arrivals_of_the_scenario_without_the_block():
    """Multipliers of 1 (and freezes of a stage the scenario does not have): nothing thinned,
    nothing drawn; the results are those without the block, plus a zero ``delay_freeze``."""
    plain = load_scenario(counting(horizon_days=60))
    ones = load_scenario(counting(horizon_days=60, season={
        "candidates_by_month": [1.0] * 12, "requisitions_by_month": [1.0] * 12,
        "freezes": [{"start": "01-10", "end": "01-20", "stages": ["screening"]}]}))
    a = hs.simulate(plain, replications=2, seed=5).journeys
    b = hs.simulate(ones, replications=2, seed=5).journeys
    assert (b["delay_freeze"] == 0).all()
    pd.testing.assert_frame_equal(a, b.drop(columns="delay_freeze"))


def test_a_year_round_block_leaves_the_default_presets_draws_alone():
    """The golden hashes pin the default without the block; with a block of 1s it is equal."""
    sc = hs.preset("default").with_overrides({"horizon_days": 40, "drain_days": 20})
    data = sc.model_dump(mode="json")
    data["season"] = {"candidates_by_month": [1.0] * 12}
    a = hs.simulate(sc, replications=1, seed=3, event_log=False).journeys
    b = hs.simulate(load_scenario(data), replications=1, seed=3, event_log=False).journeys
    pd.testing.assert_frame_equal(a, b.drop(columns="delay_freeze"))


# -- freezes: deterministic ----------------------------------------------------------------------


def freezing(*freezes: dict[str, Any]) -> dict[str, Any]:
    """The single candidate of ``base`` is interviewed on Friday 2026-01-09 at 00:00; with no
    scorecard work the hiring manager's 1 h decision is due then and starts at 09:00."""
    data = base(scorecards={"work": const(0.0)}, decision={"work": const(1.0)})
    if freezes:
        data["season"] = {"freezes": list(freezes)}
    return data


def check_freeze_only(row: pd.Series, freeze: float = 0.0, **expected: float) -> None:
    check_only(row, **expected)
    assert row.get("delay_freeze", 0.0) == pytest.approx(freeze, abs=1e-9)


def test_without_a_freeze_the_decision_is_made_on_friday_morning():
    check_freeze_only(journey(run(replication(freezing()))), off_hours=9 * H, work=1 * H)


def test_a_freeze_over_ten_working_days_delays_the_pending_decision_by_ten_working_days():
    """Frozen Friday 9 to Thursday 22 January (10 working days): the decision due at Friday
    00:00 starts at 09:00 on Friday 23rd, 14 calendar days (10 working days) later, all of
    them charged to the freeze; the night before is off hours as without the freeze."""
    spec = {"name": "budget", "start": "2026-01-09", "end": "2026-01-22",
            "stages": ["decision"]}
    row = journey(run(replication(freezing(spec))))
    check_freeze_only(row, freeze=14.0, off_hours=9 * H, work=1 * H)
    assert row["days_to_feedback"] == pytest.approx(14.0 + 10 * H)


def test_a_recurring_freeze_stops_the_stage_every_year():
    spec = {"start": "01-09", "end": "01-22", "stages": ["decision", "offer"]}
    row = journey(run(replication(freezing(spec))))
    check_freeze_only(row, freeze=14.0, off_hours=9 * H, work=1 * H)


def test_a_freeze_of_another_stage_does_not_hold_the_decision():
    spec = {"start": "2026-01-09", "end": "2026-01-22", "stages": ["screening", "approvals"]}
    check_freeze_only(journey(run(replication(freezing(spec)))), off_hours=9 * H, work=1 * H)


def test_a_freeze_that_begins_after_the_step_started_lets_it_finish():
    """A freeze from Saturday 10th stops new work; Friday's decision was made already."""
    spec = {"start": "2026-01-10", "end": "2026-01-22", "stages": ["decision"]}
    check_freeze_only(journey(run(replication(freezing(spec)))), off_hours=9 * H, work=1 * H)


def test_adjacent_freezes_hold_the_step_through_both():
    first = {"start": "2026-01-09", "end": "2026-01-15", "stages": ["decision"]}
    second = {"start": "2026-01-16", "end": "2026-01-22", "stages": ["decision"]}
    row = journey(run(replication(freezing(first, second))))
    check_freeze_only(row, freeze=14.0, off_hours=9 * H, work=1 * H)


@pytest.mark.parametrize(("end", "days"), [("2026-01-09", 3.0), ("2026-01-15", 7.0),
                                           ("2026-01-22", 14.0), ("2026-01-29", 21.0)])
def test_a_longer_freeze_gives_more_delay(end, days):
    """1, 5, 10 and 15 working days of freeze: the hold is the working days it covers, in
    calendar days to the next working morning (Friday 9 to Monday 12 is 3 days)."""
    spec = {"start": "2026-01-09", "end": end, "stages": ["decision"]}
    row = journey(run(replication(freezing(spec))))
    check_freeze_only(row, freeze=days, off_hours=9 * H, work=1 * H)


def test_an_offer_waits_for_the_freeze_before_it_is_sent():
    data = freezing({"start": "2026-01-09", "end": "2026-01-22", "stages": ["offer"]})
    data["rounds"][0]["decision"] = {"offer": 1.0, "reject": 0.0}
    row = journey(run(replication(data)))
    assert row["outcome"] == "offer"
    # the decision (09:00-10:00 on Friday 9th) is made; the offer goes at 09:00 on the 23rd
    check_freeze_only(row, freeze=14.0 - 1 * H, off_hours=9 * H, work=1 * H)


def test_a_freeze_past_the_end_of_the_simulation_censors_the_wait():
    data = freezing({"start": "2026-01-09", "end": "2026-12-31", "stages": ["decision"]})
    row = journey(run(replication(data)))
    assert row["outcome"] == "open" and row["censored"]
    assert row["delay_freeze"] > 40.0


# -- freezes on the default preset, with common random numbers -----------------------------------

SEED = 20260105
N_PAIRED = 8


def default_with(freezes: list[dict[str, Any]] | None) -> hs.Scenario:
    sc = hs.preset("default").with_overrides(
        {"horizon_days": 90, "drain_days": 60, "candidates.follow_up": None,
         "candidates.patience": None})
    data = sc.model_dump(mode="json")
    if freezes is not None:
        data["season"] = {"freezes": freezes}
    return load_scenario(data)


def mean_wait(sc: hs.Scenario, column: str = "days_to_feedback") -> pd.Series:
    res = hs.simulate(sc, replications=N_PAIRED, seed=SEED, event_log=False)
    return res.journeys.groupby("replication")[column].mean()


def paired(a: pd.Series, b: pd.Series) -> tuple[float, float]:
    d = (a - b).dropna()
    return float(d.mean()), float(d.std(ddof=1) / math.sqrt(len(d)))


#: A quarter-end freeze of approvals and offers, and a two-week freeze of everything.
FREEZES = [{"name": "quarter end", "start": "03-23", "end": "03-31",
            "stages": ["approvals", "offer"]},
           {"name": "reorganized budget", "start": "2026-02-09", "end": "2026-02-20"}]


@pytest.fixture(scope="module")
def frozen() -> pd.Series:
    return mean_wait(default_with(FREEZES))


def test_switching_the_season_off_does_not_lengthen_the_wait(frozen):
    sc = default_with(FREEZES)
    diff, se = paired(mean_wait(sc.without("season")), frozen)
    assert diff <= 3.0 * se, f"without season: {diff:+.2f} days (SE {se:.2f})"
    assert diff < 0.0


def test_a_longer_freeze_gives_more_of_its_cause():
    """Four weeks of freeze instead of two: more ``freeze`` per wait,
    beyond 3 SE of the paired difference (the exact case is the deterministic test above)."""
    longer = [FREEZES[0], {**FREEZES[1], "end": "2026-03-06"}]
    more = mean_wait(default_with(longer), "delay_freeze")
    diff, se = paired(more, mean_wait(default_with(FREEZES), "delay_freeze"))
    assert diff > 3.0 * se, f"a 4-week freeze instead of 2: {diff:+.3f} days (SE {se:.3f})"


def test_the_season_is_a_delay_source_of_ablate():
    sc = default_with(FREEZES)
    assert "season" in hs.scenario.delay_sources(sc)
    assert "season" not in sc.without("season").extensions or (
        sc.without("season").extensions["season"] is None)


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("block", "path", "words"), [
    ({"candidates_by_month": [1.0] * 11}, "season.candidates_by_month", "12 multipliers"),
    ({"requisitions_by_month": [1.0] * 3 + [-0.5] + [1.0] * 8},
     "season.requisitions_by_month", "April"),
    ({"candidates_by_month": [0.0] * 12}, "season.candidates_by_month", "every month is 0"),
    ({"freezes": [{"start": "2026-12-20", "end": "2026-12-01"}]}, "season.freezes.0.end",
     "before start"),
    ({"freezes": [{"start": "12-20", "end": "01-06"}]}, "season.freezes.0.end", "New Year"),
    ({"freezes": [{"start": "2026-12-01", "end": "12-20"}]}, "season.freezes.0.end",
     "both"),
    ({"freezes": [{"start": "12-01", "end": "12-20"}, {"start": "2026-12-15",
                                                       "end": "2026-12-31"}]},
     "season.freezes", "freeze 0 (12-01 to 12-20) and freeze 1"),
    ({"freezes": [{"start": "03-01", "end": "03-31", "stages": ["offers"]}]},
     "season.freezes.0.stages.0", "approvals"),
    ({"freezes": [{"start": "02-29", "end": "03-05"}]}, "season.freezes.0.start",
     "every year"),
    ({"freezes": [{"start": "2026-13-01", "end": "2026-12-05"}]}, "season.freezes.0.start",
     "not a date"),
    ({"periods": [{"start": "03-01", "end": "03-31"}, {"start": "03-31", "end": "04-10"}]},
     "season.periods", "overlap"),
    ({"freezes": [{"start": "03-01", "end": "03-31", "stage": ["offer"]}]},
     "season.freezes.0.stage", "unknown key"),
])
def test_bad_season_blocks_name_the_field(block, path, words):
    with pytest.raises(ScenarioError) as err:
        load_scenario(freezing() | {"season": block})
    message = str(err.value)
    assert f"{path}:" in message and words in message, message


def test_rates_by_month_need_poisson_arrivals():
    with pytest.raises(ScenarioError, match=r"season.candidates_by_month: .*poisson"):
        load_scenario(freezing() | {"season": {"candidates_by_month": MONTHS}})


def test_an_error_in_a_file_names_the_file_field_and_line(tmp_path):
    path = tmp_path / "company.toml"
    path.write_text('''name = "seasonal"
[roles.recruiter]
count = 1
[roles.hiring_manager]
count = 1
[roles.interviewer]
count = 1
[candidates]
rate_per_week = 1.0
[[rounds]]
decision = { reject = 1.0 }
[season]
candidates_by_month = [1, 1, 1]
''')
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert f"{path}: season.candidates_by_month:" in message and "line 13" in message, message


def test_freeze_dates_read_from_toml_dates_and_strings():
    sc = load_scenario(freezing({"start": date(2026, 1, 9), "end": "2026-01-22",
                                 "stages": ["decision"]}))
    assert sc.extensions["season"].freezes[0].start == "2026-01-09"


def test_the_hr_report_explains_a_freeze_that_is_the_largest_part_of_the_wait():
    """The report's lead sentence names the largest cause in words, the freeze's too."""
    from hiresim.present.report import build_report

    data = freezing({"start": "2026-01-09", "end": "2026-01-22", "stages": ["decision"]})
    report = build_report(load_scenario(data), replications=2, seed=1, ablation=False,
                          n_boot=10)
    assert "a dated hiring freeze (budget, quarter end) stopped that stage" in report.to_html()


def test_overrides_reach_the_season_block_by_its_dotted_path():
    spec = {"start": "2026-01-09", "end": "2026-01-15", "stages": ["decision"]}
    sc = load_scenario(freezing(spec))
    longer = sc.with_overrides({"season.freezes.0.end": "2026-01-22"})
    assert longer.extensions["season"].freezes[0].end == "2026-01-22"
    check_freeze_only(journey(run(replication(longer.model_dump(mode="json")))), freeze=14.0,
         off_hours=9 * H, work=1 * H)
    with pytest.raises(ScenarioError, match=r"overrides: season.freezes.0.stages.0: "):
        sc.with_overrides({"season.freezes.0.stages": ["lunch"]})


def test_the_json_schema_has_the_shipped_blocks():
    schema = hs.json_schema()
    assert {"season", "disagreement"} <= set(schema["properties"])
    assert "FreezeSpec" in schema["$defs"]


def test_an_interview_freeze_postpones_the_interview_to_the_first_working_morning_after_it():
    """Interviews frozen 9-22 January: the candidate who would have been interviewed at
    Friday 9th 00:00 is interviewed at 09:00 on Friday 23rd (the recruiter's first working
    moment after it); the wait for feedback, which starts then, is the 2 h scorecard."""
    data = base(season={"freezes": [{"start": "2026-01-09", "end": "2026-01-22",
                                     "stages": ["interview"]}]})
    row = journey(run(replication(data)))
    assert row["interview_end"] == pd.Timestamp("2026-01-23 09:00")
    check_freeze_only(row, work=2 * H)


def test_an_approvals_freeze_stops_the_next_sign_off_not_the_one_in_hand():
    """Finance's 10 h sign-off runs Friday 11:00 to Monday 12th 13:00 and is finished; the
    freeze of approvals from Monday 12th to Friday 16th stops the VP's 1 h sign-off, due at
    13:00, until 09:00 on Monday 19th: 6 days 20 h of freeze."""
    data = base(roles={"recruiter": {"count": 1}, "hiring_manager": {"count": 1},
                       "interviewer": {"count": 1}, "finance": {"count": 1}, "vp": {"count": 1}},
                approvals={"steps": [{"roles": ["finance"], "work": const(10.0)},
                                     {"roles": ["vp"], "work": const(1.0)}]},
                season={"freezes": [{"start": "2026-01-12", "end": "2026-01-16",
                                     "stages": ["approvals"]}]})
    data["rounds"][0]["decision"] = {"offer": 1.0, "reject": 0.0}
    row = journey(run(replication(data)))
    check_freeze_only(row, freeze=(6 * 24 + 20) * H, off_hours=73 * H, work=13 * H)


def test_the_report_states_the_season_among_its_assumptions():
    from hiresim.present.report import assumptions

    data = counting(season={"candidates_by_month": MONTHS, "freezes": [
        {"name": "Year-end budget freeze", "start": "12-07", "end": "12-31",
         "stages": ["approvals", "offer"]}]})
    said = dict(assumptions(load_scenario(data)))["The year"]
    assert said == [
        "Candidates arrive at 0 to 3 times the base rate through the year (least in August, "
        "most in September).",
        "Year-end budget freeze: every year from 7 December to 31 December, offer sign-offs "
        "and offers stop."]


def test_loading_leaves_the_callers_dict_as_it_was():
    data = freezing({"start": "2026-01-09", "end": "2026-01-22", "stages": ["decision"]})
    load_scenario(data)
    assert data["season"] == {"freezes": [{"start": "2026-01-09", "end": "2026-01-22",
                                           "stages": ["decision"]}]}
    assert "extensions" not in data


def test_the_size_estimate_is_an_upper_bound_with_rates_by_month():
    from hiresim.scenario.sizing import estimate

    plain = estimate(load_scenario(counting()))
    seasonal = estimate(load_scenario(counting(season={"candidates_by_month": MONTHS})))
    assert seasonal.candidates == pytest.approx(plain.candidates * max(MONTHS))
