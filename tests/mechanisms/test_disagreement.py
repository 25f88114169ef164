"""``disagreement``: the spread of the panel's scorecard scores sets the probability that a
debrief ends without a decision; an extra debrief follows (cause ``disagreement``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

import hiresim as hs
from hiresim.mechanisms.disagreement import DisagreementSpec
from hiresim.model import Replication
from hiresim.scenario import ScenarioError, load_scenario

from .helpers import H, base, check_only, journey, replication

# -- the probability of "no decision" -----------------------------------------------------------


@pytest.mark.parametrize(("scores", "p"), [
    ([3.0, 3.0, 3.0], 0.0),      # identical scores: always a decision
    ([4.0], 0.0),                # a panel of one has no spread
    ([2.0, 3.0], 0.0),           # a spread of agree_within still decides
    ([2.0, 3.5], 0.5),           # half-way between agree_within and split_at
    ([1.0, 3.0, 2.5], 1.0),      # a spread of split_at never decides
    ([1.0, 5.0], 1.0),
])
def test_no_decision_probability_rises_with_the_spread(scores, p):
    spec = DisagreementSpec(agree_within=1.0, split_at=2.0)
    assert spec.no_decision(scores) == pytest.approx(p)


def test_a_threshold_when_agree_within_equals_split_at():
    spec = DisagreementSpec(agree_within=1.0, split_at=1.0)
    assert spec.no_decision([0.0, 1.0]) == 0.0
    assert spec.no_decision([0.0, 1.0 + 1e-9]) == 1.0


# -- deterministic: an extra debrief, or none ---------------------------------------------------


def run(rep: Replication) -> dict[str, pd.DataFrame]:
    """Run; the identity holds with every cause column, the mechanism's among them."""
    tables = rep.run()
    j = tables["journeys"]
    delays = [c for c in j.columns if c.startswith("delay_")]
    assert np.allclose(j[delays].sum(axis=1), j["days_to_feedback"], atol=1e-6)
    return tables


def panel_of_two(**block: Any) -> dict[str, Any]:
    """The candidate of ``base`` interviewed on Friday 00:00 by a panel of two whose 2 h
    scorecards are written 09:00-11:00; the 30-minute debrief is held when due (no slot
    search) at 11:00; the rejection is told at once."""
    data = base(roles={"recruiter": {"count": 1}, "hiring_manager": {"count": 1},
                       "interviewer": {"count": 2}},
                rounds=[{"panel": 2, "interview_minutes": 0, "decision": {"reject": 1.0}}],
                debrief={"minutes": 30})
    if block:
        data["disagreement"] = block
    return data


def check_disagreement_only(row: pd.Series, disagreement: float = 0.0, **expected: float) -> None:
    check_only(row, **expected)
    assert row.get("delay_disagreement", 0.0) == pytest.approx(disagreement, abs=1e-9)


def test_without_the_block_the_debrief_decides():
    row = journey(run(replication(panel_of_two())))
    check_disagreement_only(row, off_hours=9 * H, work=2.5 * H)


def test_identical_scores_never_need_an_extra_debrief():
    tables = run(replication(panel_of_two(score_sd=0.0, agree_within=0.0, split_at=0.0)))
    check_disagreement_only(journey(tables), off_hours=9 * H, work=2.5 * H)
    assert (tables["events"]["concept:name"] != "extra debrief").all()


def test_a_spread_above_the_threshold_always_holds_an_extra_debrief():
    """Scores 100 points apart (SD 100) against a threshold of 0.01: the panel never
    decides at the first debrief; the extra 45 minutes follow at once (11:30-12:15)."""
    for seed in range(1, 6):
        tables = run(replication(panel_of_two(score_sd=100.0, agree_within=0.01,
                                              split_at=0.01, minutes=45), seed=seed))
        check_disagreement_only(journey(tables), disagreement=0.75 * H, off_hours=9 * H,
                                work=2.5 * H)
        assert (tables["events"]["concept:name"] == "extra debrief").sum() == 1


def test_the_extra_debrief_waits_for_a_common_slot_and_the_wait_is_disagreement():
    """With the slot search on, the extra debrief is the attendees' next free half hour after
    the first (11:30, on an empty calendar): the same half hour, all of it disagreement."""
    data = panel_of_two(score_sd=100.0, agree_within=0.01, split_at=0.01)
    data["scheduling"] = {"enabled": True, "notice_hours": 0}
    row = journey(run(replication(data)))
    assert row["delay_disagreement"] == pytest.approx(0.5 * H)


def test_a_panel_of_one_always_decides():
    data = panel_of_two(score_sd=100.0, agree_within=0.01, split_at=0.01)
    data["roles"]["interviewer"]["count"] = 1
    data["rounds"][0]["panel"] = 1
    check_disagreement_only(journey(run(replication(data))), off_hours=9 * H, work=2.5 * H)


# -- the default preset, with common random numbers ---------------------------------------------

SEED = 20260105
N_PAIRED = 8


def default_with(block: dict[str, Any] | None) -> hs.Scenario:
    sc = hs.preset("default").with_overrides(
        {"horizon_days": 90, "drain_days": 60, "candidates.follow_up": None,
         "candidates.patience": None})
    data = sc.model_dump(mode="json")
    if block is not None:
        data["disagreement"] = block
    return load_scenario(data)


def per_replication(sc: hs.Scenario, column: str = "days_to_feedback",
                    replications: int = N_PAIRED) -> pd.Series:
    res = hs.simulate(sc, replications=replications, seed=SEED, event_log=False)
    return res.journeys.groupby("replication")[column].mean()


def paired(a: pd.Series, b: pd.Series) -> tuple[float, float]:
    d = (a - b).dropna()
    return float(d.mean()), float(d.std(ddof=1) / math.sqrt(len(d)))


NOISY = {"score_sd": 1.0, "agree_within": 1.0, "split_at": 2.5}


@pytest.fixture(scope="module")
def noisy() -> pd.Series:
    return per_replication(default_with(NOISY))


def test_switching_disagreement_off_does_not_lengthen_the_wait(noisy):
    diff, se = paired(per_replication(default_with(NOISY).without("disagreement")), noisy)
    assert diff <= 3.0 * se, f"without disagreement: {diff:+.2f} days (SE {se:.2f})"


def test_more_spread_gives_more_delay():
    """Scores twice as spread out (the same draws, scaled): more extra debriefs, more
    ``disagreement`` per wait beyond 3 SE of the paired difference."""
    # 32 pairs: with the draws keyed by name (issue 20) 8 pairs gave +0.27 days at 2.1 SE
    low = per_replication(default_with(NOISY), "delay_disagreement", 32)
    high = per_replication(default_with({**NOISY, "score_sd": 2.0}), "delay_disagreement", 32)
    diff, se = paired(high, low)
    assert diff > 3.0 * se, f"score_sd 1 -> 2: {diff:+.3f} days (SE {se:.3f})"


def test_switched_off_it_is_the_scenario_without_the_block():
    sc = default_with(NOISY).without("disagreement")
    a = hs.simulate(sc, replications=1, seed=SEED, event_log=False).journeys
    b = hs.simulate(default_with(None), replications=1, seed=SEED, event_log=False).journeys
    assert (a["delay_disagreement"] == 0).all()  # the column stays, for the ablation table
    pd.testing.assert_frame_equal(a.drop(columns="delay_disagreement"), b)


def test_ablate_shows_disagreement():
    from hiresim import analysis

    sc = default_with(NOISY).with_overrides({"horizon_days": 30, "drain_days": 30})
    assert "disagreement" in hs.scenario.delay_sources(sc)
    effects = analysis.ablate(sc, ["disagreement"], replications=2, seed=SEED)
    assert "disagreement" in set(effects["source"])


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("block", "path", "words"), [
    ({"agree_within": 2.0, "split_at": 1.0}, "disagreement", "at least agree_within"),
    ({"score_sd": -1.0}, "disagreement.score_sd", "greater than or equal to 0"),
    ({"minutes": 0}, "disagreement.minutes", "greater than or equal to 1"),
    ({"spread": 1.0}, "disagreement.spread", "unknown key"),
])
def test_bad_disagreement_blocks_name_the_field(block, path, words):
    with pytest.raises(ScenarioError) as err:
        load_scenario(panel_of_two(**block))
    message = str(err.value)
    assert f"{path}:" in message and words in message, message


def test_disagreement_needs_a_debrief():
    data = panel_of_two(score_sd=1.0)
    del data["debrief"]
    with pytest.raises(ScenarioError, match=r"disagreement: .*\[debrief\]"):
        load_scenario(data)


def test_scores_are_drawn_per_candidate_and_round_not_by_event_order():
    """The same candidate's round has the same scores in another replication set-up."""
    sc = load_scenario(panel_of_two(score_sd=1.0))
    a, b = Replication(sc, 3, 0), Replication(sc, 3, 0)
    x = a.pipeline.after_debrief[0].__self__  # the Disagreement instance
    y = b.pipeline.after_debrief[0].__self__
    cand = type("C", (), {"id": "r0-R1-c1"})()
    assert np.array_equal(x.draws(cand, 1)[0], y.draws(cand, 1)[0])
    other = type("C", (), {"id": "r0-R1-c2"})()
    assert not np.array_equal(x.draws(cand, 1)[0], x.draws(other, 1)[0])


def test_the_report_states_the_disagreement_among_its_assumptions():
    from hiresim.present.report import assumptions

    said = dict(assumptions(load_scenario(panel_of_two(score_sd=0.5, minutes=45))))
    assert said["Panels that disagree"] == [
        "Interviewers' scores differ by about 0.5 points (standard deviation); a panel whose "
        "scores are more than 1 points apart may not decide at the debrief, and one 2 points "
        "apart or more always meets again (45 minutes)."]
