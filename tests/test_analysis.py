"""Tests of hiresim.analysis on synthetic Results with known distributions."""

from __future__ import annotations

import importlib
import sys
import types

import numpy as np
import pandas as pd
import pytest

from hiresim import analysis as an
from hiresim.causes import CAUSES, DELAY_COLUMNS, WAIT_COLUMNS
from hiresim.results import Results

STAGES = ("debrief", "approval", "communication")
HEARD = ("advance", "offer", "reject")
CENSORED = ("withdrawn", "ghosted", "open")


def make_results(
    replications: int = 8,
    per_replication: int = 40,
    seed: int = 0,
    mean_wait: float = 7.0,
    censor_mean: float | None = 30.0,
    censor_kinds: tuple[str, ...] = CENSORED,
    round_to: float | None = None,
    shift: float = 0.0,
) -> Results:
    """Synthetic Results: exponential waits (mean ``mean_wait`` days) plus ``shift``, censored
    by an independent exponential (mean ``censor_mean``; None = no censoring) labelled with one
    of ``censor_kinds``. Delays split across causes, and an event log of three stages whose
    intervals add up to each wait."""
    rng = np.random.default_rng(seed)
    n = replications * per_replication
    rep = np.repeat(np.arange(replications), per_replication)
    cand = np.array(
        [
            f"r{r}-c{i}"
            for r, i in zip(rep, np.tile(np.arange(per_replication), replications), strict=True)
        ]
    )
    wait = shift + rng.exponential(mean_wait, n)
    cens = rng.exponential(censor_mean, n) if censor_mean else np.full(n, np.inf)
    if round_to:
        wait = np.maximum(np.round(wait / round_to) * round_to, round_to)
        cens = np.maximum(np.round(cens / round_to) * round_to, round_to)
    censored = cens < wait
    days = np.where(censored, cens, wait)
    outcome = np.where(
        censored,
        rng.choice(np.array(censor_kinds), n),
        rng.choice(np.array(HEARD), n),
    )
    start = pd.Timestamp("2024-01-01 09:00") + pd.to_timedelta(rng.integers(0, 120 * 24, n), "h")
    span = pd.to_timedelta(days, "D")
    split = rng.dirichlet(np.ones(len(CAUSES)), n) * days[:, None]
    journeys = pd.DataFrame(
        {
            "replication": rep,
            "candidate": cand,
            "round": rng.integers(1, 4, n),
            "requisition": rng.choice(["req-A", "req-B"], n),
            "interview_end": start,
            "feedback_at": (start + span).where(~censored, pd.NaT),
            "outcome": pd.Categorical(outcome, categories=[*HEARD, *CENSORED]),
            "days_to_feedback": days,
            "censored": censored,
        }
    )
    for col, k in zip(DELAY_COLUMNS, range(len(CAUSES)), strict=True):
        journeys[col] = split[:, k]
    final = np.where(censored, outcome, rng.choice(["hired", "rejected", "declined"], n))
    final = np.where(final == "open", "open", final)
    candidates = pd.DataFrame(
        {
            "replication": rep,
            "candidate": cand,
            "requisition": journeys["requisition"],
            "applied_at": start - pd.Timedelta(days=10),
            "final_outcome": final,
            "rounds": journeys["round"],
            "days_in_process": days + 10,
            "censored": censored,
            "offer_declined": final == "declined",
        }
    )
    # event log: three sequential activities; each splits its share into waiting and working
    rows = []
    frac = rng.dirichlet(np.ones(3), n)
    for i in range(n):
        t0 = start[i]
        for s, stage in enumerate(STAGES):
            length = days[i] * frac[i, s]
            wait_part = 0.7 * length
            enabled = t0
            begun = enabled + pd.Timedelta(days=wait_part)
            done = begun + pd.Timedelta(days=length - wait_part)
            last_open = censored[i] and s == 2
            row = {
                "case:concept:name": cand[i],
                "concept:name": f"{stage} task",
                "org:resource": f"p{s}",
                "org:role": "recruiter",
                "enabled_timestamp": enabled,
                "start_timestamp": begun,
                "time:timestamp": pd.NaT if last_open else done,
                "replication": rep[i],
                "stage": stage,
                "requisition": journeys["requisition"].iloc[i],
                "round": journeys["round"].iloc[i],
            }
            w = rng.dirichlet(np.ones(len(CAUSES))) * wait_part
            row.update(dict(zip(WAIT_COLUMNS, w, strict=True)))
            rows.append(row)
            t0 = done
    events = pd.DataFrame(rows)
    manifest = {"seed": seed, "replications": replications}
    return Results(journeys, candidates, events, manifest)


@pytest.fixture(scope="module")
def res() -> Results:
    return make_results(round_to=0.5)  # ties and censoring


@pytest.fixture(scope="module")
def res_uncensored() -> Results:
    return make_results(censor_mean=None, seed=3)


def _lifelines(t, e, alpha=0.05):
    """lifelines' Kaplan-Meier fit, the reference (imported here: ~2 s that collecting the
    suite need not pay)."""
    from lifelines import KaplanMeierFitter

    return KaplanMeierFitter(alpha=alpha).fit(t, e)


# ---------------------------------------------------------------- survival


def test_survival_matches_lifelines_with_ties_and_censoring(res):
    km = an.survival(res)
    j = res.journeys
    assert j["censored"].any() and j["days_to_feedback"].duplicated().any()
    k = _lifelines(j["days_to_feedback"], ~j["censored"])
    np.testing.assert_allclose(km["days"], k.survival_function_.index.to_numpy())
    np.testing.assert_allclose(km["survival"], k.survival_function_.iloc[:, 0], rtol=1e-12)
    np.testing.assert_allclose(km["lower"], k.confidence_interval_.iloc[:, 0], rtol=1e-10)
    np.testing.assert_allclose(km["upper"], k.confidence_interval_.iloc[:, 1], rtol=1e-10)
    table = k.event_table
    np.testing.assert_array_equal(km["at_risk"], table["at_risk"])
    np.testing.assert_array_equal(km["events"], table["observed"])
    np.testing.assert_array_equal(km["censored"], table["censored"])


def test_survival_ci_level_matches_lifelines_alpha(res):
    km = an.survival(res, ci=0.8)
    j = res.journeys
    k = _lifelines(j["days_to_feedback"], ~j["censored"], alpha=0.2)
    np.testing.assert_allclose(km["lower"], k.confidence_interval_.iloc[:, 0], rtol=1e-10)
    np.testing.assert_allclose(km["upper"], k.confidence_interval_.iloc[:, 1], rtol=1e-10)


def test_survival_until_zero_matches_lifelines():
    t = np.array([1.0, 2.0, 2.0, 3.0, 4.0])
    e = np.array([True, True, False, True, True])
    est = an.km.km_table(t, e)
    k = _lifelines(t, e)
    np.testing.assert_allclose(est["survival"], k.survival_function_.iloc[:, 0])
    np.testing.assert_allclose(est["lower"], k.confidence_interval_.iloc[:, 0])
    np.testing.assert_allclose(est["upper"], k.confidence_interval_.iloc[:, 1])


@pytest.mark.parametrize("by", ["round", "outcome", "requisition", ["round", "requisition"]])
def test_survival_by_group_matches_lifelines_per_group(res, by):
    km = an.survival(res, by=by)
    cols = [by] if isinstance(by, str) else by
    assert list(km.columns[: len(cols)]) == cols
    for key, sub in res.journeys.groupby(cols, observed=True):
        key = key if isinstance(key, tuple) else (key,)
        mask = np.logical_and.reduce([km[c] == v for c, v in zip(cols, key, strict=True)])
        k = _lifelines(sub["days_to_feedback"], ~sub["censored"])
        np.testing.assert_allclose(km.loc[mask, "survival"], k.survival_function_.iloc[:, 0])
        np.testing.assert_allclose(km.loc[mask, "upper"], k.confidence_interval_.iloc[:, 1])


def test_survival_without_censoring_is_scipy_ecdf(res_uncensored):
    j = res_uncensored.journeys
    assert not j["censored"].any()
    from scipy import stats

    km = an.survival(res_uncensored)
    e = stats.ecdf(j["days_to_feedback"].to_numpy())
    np.testing.assert_allclose(
        1 - km["survival"], e.cdf.evaluate(km["days"].to_numpy()), atol=1e-12
    )
    np.testing.assert_allclose(km["survival"], e.sf.evaluate(km["days"].to_numpy()), atol=1e-12)


def test_survival_by_stage_uses_event_log(res):
    km = an.survival(res, by="stage")
    assert set(km["stage"]) == set(STAGES)
    sw = an.stage_waits(res)
    # the communication stage is the open one in censored journeys
    comm = sw[sw["stage"] == "communication"]
    np.testing.assert_array_equal(
        comm.sort_values("candidate")["censored"].to_numpy(),
        res.journeys.sort_values("candidate")["censored"].to_numpy(),
    )


def test_business_days_between():
    fri = pd.Timestamp("2024-05-03 17:00")
    mon = pd.Timestamp("2024-05-06 09:00")
    np.testing.assert_allclose(an.business_days_between(fri, mon), [16 / 24])
    np.testing.assert_allclose(an.business_days_between(mon, mon + pd.Timedelta(days=7)), [5.0])
    sat = pd.Timestamp("2024-05-04 10:00")
    np.testing.assert_allclose(an.business_days_between(sat, mon), [9 / 24])
    assert np.isnan(an.business_days_between(fri, pd.NaT)[0])


def test_business_survival_uses_given_or_computed_column(res):
    computed = an.survival(res, days="business")
    j = res.journeys.copy()
    end = j["interview_end"] + pd.to_timedelta(j["days_to_feedback"], "D")
    j["business_days_to_feedback"] = an.business_days_between(j["interview_end"], end)
    given = an.survival(Results(j, res.candidates, res.events), days="business")
    np.testing.assert_allclose(computed["survival"], given["survival"])
    assert computed["days"].max() < an.survival(res)["days"].max()
    with pytest.raises(ValueError, match="days must be one of"):
        an.survival(res, days="weekdays")


# ---------------------------------------------------------------- quantiles


def test_quantiles_point_estimates_match_lifelines(res):
    j = res.journeys
    k = _lifelines(j["days_to_feedback"], ~j["censored"])
    out = an.quantiles(res, q=(0.25, 0.5, 0.75), n_boot=50,
                       tau=float(res.journeys["days_to_feedback"].max()))
    qrows = out[out["statistic"] == "quantile"]
    for level, days in zip(qrows["q"], qrows["days"], strict=True):
        assert days == pytest.approx(k.percentile(1 - level))
    mean = out[out["statistic"] == "restricted_mean"].iloc[0]
    from lifelines.utils import restricted_mean_survival_time

    expected = restricted_mean_survival_time(k, t=j["days_to_feedback"].max())
    assert mean["days"] == pytest.approx(expected, rel=1e-9)
    assert (qrows["lower"] <= qrows["days"]).all() and (qrows["days"] <= qrows["upper"]).all()


def test_quantile_is_nan_when_curve_never_reaches_level():
    r = make_results(censor_mean=2.0, mean_wait=30.0, seed=5)
    out = an.quantiles(r, q=(0.1, 0.99), n_boot=50)
    q99 = out[out["q"] == 0.99].iloc[0]
    assert np.isnan(q99["days"]) and np.isnan(q99["upper"])
    assert np.isfinite(out[out["q"] == 0.1]["days"].iloc[0])


def test_restricted_mean_without_censoring_is_sample_mean(res_uncensored):
    longest = float(res_uncensored.journeys["days_to_feedback"].max())
    out = an.restricted_mean(res_uncensored, n_boot=50, tau=longest)
    assert out["days"].iloc[0] == pytest.approx(res_uncensored.journeys["days_to_feedback"].mean())
    tau = an.restricted_mean(res_uncensored, tau=5.0, n_boot=50)["days"].iloc[0]
    d = res_uncensored.journeys["days_to_feedback"]
    assert tau == pytest.approx(np.minimum(d, 5.0).mean())


def test_quantiles_by_group_and_business_days(res):
    out = an.quantiles(res, by="round", n_boot=50, days="business")
    assert set(out["round"]) == {1, 2, 3}
    assert list(out.columns) == ["round", "statistic", "q", "days", "lower", "upper", "tau"]


def test_quantiles_bootstrap_is_seeded(res):
    a = an.quantiles(res, n_boot=100, seed=4)
    b = an.quantiles(res, n_boot=100, seed=4)
    pd.testing.assert_frame_equal(a, b)


def test_results_summary_uses_quantiles(res):
    s = res.summary()
    assert list(s.loc[s["statistic"] == "quantile", "q"]) == [0.1, 0.5, 0.9, 0.95]


@pytest.mark.slow
def test_bootstrap_over_replications_covers_true_quantile():
    """Percentile bootstrap over replications covers the true exponential quantile in >= 90 %
    of 200 seeded trials (nominal 95 %)."""
    mean_wait = 7.0
    truth = {0.5: mean_wait * np.log(2), 0.9: mean_wait * np.log(10)}
    hits = {0.5: 0, 0.9: 0}
    trials = 200
    for trial in range(trials):
        r = make_results(
            replications=20,
            per_replication=10,
            seed=1000 + trial,
            censor_mean=60.0,
            mean_wait=mean_wait,
        )
        r.events = r.events.iloc[:0]
        out = an.quantiles(r, q=(0.5, 0.9), n_boot=200, seed=trial, mean=False)
        for level, lo, hi in zip(out["q"], out["lower"], out["upper"], strict=True):
            hits[level] += bool(lo <= truth[level] <= hi)
    for level, h in hits.items():
        assert h / trials >= 0.90, (level, h)


def test_bootstrap_resamples_replications_not_candidates():
    """If every replication is a single shared shift, the spread must reflect replications."""
    r = make_results(replications=10, per_replication=50, censor_mean=None, seed=2)
    shift = np.repeat(np.arange(10) * 3.0, 50)
    r.journeys["days_to_feedback"] = r.journeys["days_to_feedback"] + shift
    wide = an.quantiles(r, q=(0.5,), n_boot=300, mean=False).iloc[0]
    r.journeys["replication"] = np.arange(len(r.journeys))  # every candidate independent
    narrow = an.quantiles(r, q=(0.5,), n_boot=300, mean=False).iloc[0]
    assert wide["upper"] - wide["lower"] > 1.5 * (narrow["upper"] - narrow["lower"])


# ---------------------------------------------------------------- attribution


def test_attribution_means_and_shares_add_up(res):
    a = an.attribution(res)
    assert list(a["cause"]) == list(CAUSES)
    assert a["share"].sum() == pytest.approx(1.0)
    assert a["mean_days"].sum() == pytest.approx(res.journeys["days_to_feedback"].mean())
    j = res.journeys
    assert a.set_index("cause").loc["work", "median_days"] == pytest.approx(
        j["delay_work"].median()
    )


def test_attribution_by_round_and_outcome(res):
    a = an.attribution(res, by=["round", "outcome"])
    assert list(a.columns[:2]) == ["round", "outcome"]
    sums = a.groupby(["round", "outcome"], observed=True)["share"].sum()
    np.testing.assert_allclose(sums, 1.0)


def test_attribution_by_stage_from_event_log(res):
    a = an.attribution(res, by="stage")
    assert set(a["stage"]) == set(STAGES)
    ev = res.events
    total = (ev["start_timestamp"] - ev["enabled_timestamp"]) / pd.Timedelta(days=1)
    got = a.groupby("stage")["total_days"].sum()
    np.testing.assert_allclose(got.sum(), total.sum(), rtol=1e-9)


def test_cause_intervals_sum_to_waiting_time(res):
    ci = an.cause_intervals(res)
    assert {"case", "activity", "stage", "cause", "days"} <= set(ci.columns)
    assert (ci["days"] > 0).all()
    ev = res.events
    total = (ev["start_timestamp"] - ev["enabled_timestamp"]) / pd.Timedelta(days=1)
    assert ci["days"].sum() == pytest.approx(total.sum(), rel=1e-9)
    assert len(an.cause_intervals(res, nonzero=False)) == len(ev) * len(CAUSES)


# ---------------------------------------------------------------- promises


def test_promise_matches_survival_quantile_when_everyone_hears_or_is_open():
    r = make_results(censor_kinds=("open",), seed=8)
    p = an.promise(r, confidence=0.8, n_boot=50)
    cal = p[p["days_kind"] == "calendar"].iloc[0]
    q = an.quantiles(r, q=(0.8,), n_boot=10, mean=False)["days"].iloc[0]
    assert cal["days"] == pytest.approx(q)
    assert cal["p_never"] == 0.0


@pytest.mark.parametrize("confidence", [0.5, 0.75, 0.9])
def test_p_heard_by_at_promised_day_reaches_confidence(confidence):
    res = make_results(censor_mean=80.0, round_to=0.25, seed=12)
    p = an.promise(res, confidence=confidence, n_boot=50)
    assert p["days"].notna().all()
    for kind, row in p.set_index("days_kind").iterrows():
        assert row["promise_days"] == np.ceil(row["days"])
        assert an.p_heard_by(res, row["promise_days"], days_kind=kind) >= confidence
        assert an.p_heard_by(res, row["days"], days_kind=kind) >= confidence - 1e-9
        assert an.p_heard_by(res, row["days"] - 1e-6, days_kind=kind) < confidence
        assert row["p_heard"] >= confidence


def test_ghosted_and_withdrawn_count_as_not_heard():
    r = make_results(censor_kinds=("withdrawn", "ghosted"), seed=9)
    j = r.journeys
    for t in (3.0, 7.0, 20.0, 1000.0):
        heard = (~j["censored"] & (j["days_to_feedback"] <= t)).mean()
        assert an.p_heard_by(r, t) == pytest.approx(heard)
    # the censoring-aware KM quantile is more optimistic than the promise
    p = an.promise(r, confidence=0.5, n_boot=20)
    q = an.quantiles(r, q=(0.5,), n_boot=10, mean=False)["days"].iloc[0]
    assert p.loc[p["days_kind"] == "calendar", "days"].iloc[0] >= q
    assert p["p_never"].iloc[0] == pytest.approx(j["censored"].mean())


def test_promise_nan_when_too_many_never_hear():
    r = make_results(censor_kinds=("ghosted",), censor_mean=3.0, seed=10)
    p = an.promise(r, confidence=0.95, n_boot=20)
    assert p["days"].isna().all() and p["promise_days"].isna().all()


def test_p_heard_by_array_and_groups(res):
    out = an.p_heard_by(res, [1, 5, 10, 50])
    assert list(out.columns) == ["days", "p_heard"]
    assert out["p_heard"].is_monotonic_increasing
    g = an.p_heard_by(res, 10, by="round")
    assert set(g["round"]) == {1, 2, 3}


def test_end_of_week_deadline():
    t = pd.to_datetime(
        ["2024-05-06 10:00", "2024-05-10 16:00", "2024-05-10 18:00", "2024-05-11 11:00"]
    )
    got = an.end_of_week_deadline(t)
    want = pd.to_datetime(
        ["2024-05-10 17:00", "2024-05-10 17:00", "2024-05-17 17:00", "2024-05-17 17:00"]
    )
    np.testing.assert_array_equal(got, want.to_numpy())


def test_end_of_week_promise_counts(res):
    out = an.end_of_week_promise(res, n_boot=50)
    j = res.journeys
    deadline = an.end_of_week_deadline(j["interview_end"].to_numpy())
    end = j["interview_end"] + pd.to_timedelta(j["days_to_feedback"], "D")
    unknown = (j["outcome"] == "open") & (end < deadline)
    kept = ~j["censored"] & (end <= deadline)
    row = out.set_index("interview_day").loc["all"]
    assert row["n"] == (~unknown).sum()
    assert row["p_kept"] == pytest.approx(kept[~unknown].mean())
    assert row["lower"] <= row["p_kept"] <= row["upper"]
    assert out["n"].iloc[:-1].sum() == row["n"]


def test_candidate_loss(res):
    loss = an.candidate_loss(res)
    c = res.candidates
    s = loss.summary.iloc[0]
    assert s["share_withdrawn"] == pytest.approx((c["final_outcome"] == "withdrawn").mean())
    offers = c["final_outcome"].isin(["hired", "declined"])
    assert s["share_declined"] == pytest.approx((c["final_outcome"] == "declined")[offers].mean())
    b = loss.by_wait
    assert b["withdrawn"].sum() == (res.journeys["outcome"] == "withdrawn").sum()
    assert b["cumulative_withdrawn"].iloc[-1] == pytest.approx(s["share_waits_withdrawn"])
    assert b["at_risk"].iloc[0] == len(res.journeys)


# ---------------------------------------------------------------- compare / ablate


def test_compare_identical_results_gives_exact_zero_differences(res):
    out = an.compare({"a": res, "b": res}, q=(0.5, 0.9), n_boot=100)
    b = out[out["name"] == "b"]
    assert (b["diff"] == 0).all() and (b["diff_lower"] == 0).all() and (b["diff_upper"] == 0).all()
    a = out[out["name"] == "a"]
    np.testing.assert_array_equal(a["value"].to_numpy(), b["value"].to_numpy())


def test_compare_detects_a_shift_paired_by_replication(res_uncensored):
    shifted = make_results(censor_mean=None, seed=3, shift=2.0)
    # a horizon past every wait: without censoring the restricted mean is the plain mean
    out = an.compare({"base": res_uncensored, "slower": shifted}, q=(0.5,), n_boot=300, tau=1e6)
    row = out[(out["name"] == "slower")].set_index("statistic")
    mean = row.loc["restricted_mean"]
    assert mean["diff"] == pytest.approx(2.0)
    assert mean["diff_lower"] == pytest.approx(2.0) and mean["diff_upper"] == pytest.approx(2.0)
    q = row.loc["quantile"]
    assert q["diff_lower"] <= q["diff"] <= q["diff_upper"]
    assert q["diff"] == pytest.approx(2.0, abs=1e-9)


def test_compare_simulates_scenarios_lazily(monkeypatch, res):
    calls = []

    def fake_simulate(scenario, replications, seed, **kw):
        calls.append((scenario, replications, seed, kw))
        return res

    out = an.compare({"given": res, "sim": "a-scenario"}, replications=7, seed=3, n_boot=20,
                     simulate=fake_simulate)
    assert calls == [("a-scenario", 7, 3, {"event_log": False})]  # journeys only
    assert (out.loc[out["name"] == "sim", "diff"] == 0).all()


def test_compare_runs_the_runners_simulate_unless_given_another(monkeypatch, res):
    """The default is looked up in :mod:`hiresim.runner` when called (what-ifs take their
    simulate function explicitly instead of reaching up to ``hiresim.simulate``)."""
    import hiresim.runner

    calls = []

    def fake_simulate(scenario, replications, seed, **kw):
        calls.append(scenario)
        return res

    monkeypatch.setattr(hiresim.runner, "simulate", fake_simulate)
    an.compare({"given": res, "sim": "a-scenario"}, replications=2, n_boot=20)
    assert calls == ["a-scenario"]
    with pytest.raises(TypeError, match=r"simulate must be None or a function, got 'hiresim\."):
        an.compare({"given": res, "sim": "a-scenario"}, simulate="hiresim.simulate")


def test_ablate_with_stub_simulator(monkeypatch, res, res_uncensored):
    """Sources already off change nothing exactly; an active source shows its effect."""

    class Scenario:
        def __init__(self, off=frozenset()):
            self.off = frozenset(off)

        def without(self, source):
            return Scenario(self.off | {source})

    faster = make_results(round_to=0.5, shift=-0.0)
    faster.journeys["days_to_feedback"] = res.journeys["days_to_feedback"] * 0.5

    def fake_simulate(scenario, replications, seed, **kw):
        return faster if "vacations" in scenario.off else res

    module = types.ModuleType("hiresim.scenario")
    module.DELAY_SOURCES = ("vacations", "bureaucracy")
    monkeypatch.setitem(sys.modules, "hiresim.scenario", module)
    out = an.ablate(Scenario(off={"bureaucracy"}), replications=5, seed=1, n_boot=50,
                    simulate=fake_simulate)
    assert list(out.columns) == [
        "source",
        "statistic",
        "q",
        "baseline",
        "value",
        "change",
        "lower",
        "upper",
        "tau",
    ]
    off = out[out["source"] == "bureaucracy"]
    assert (off["change"] == 0).all() and (off["lower"] == 0).all() and (off["upper"] == 0).all()
    on = out[(out["source"] == "vacations") & (out["statistic"] == "restricted_mean")].iloc[0]
    assert on["change"] < 0 and on["upper"] < 0


def _simulator_available() -> bool:
    try:
        hs = importlib.import_module("hiresim")
        scenario = importlib.import_module("hiresim.scenario")
    except Exception:
        return False
    return all(hasattr(hs, n) for n in ("simulate", "preset")) and hasattr(
        scenario, "DELAY_SOURCES"
    )


HAS_SIMULATOR = _simulator_available()


@pytest.mark.skipif(not HAS_SIMULATOR, reason="hiresim.simulate is not available yet")
def test_ablating_a_source_that_is_off_changes_nothing_exactly():
    import hiresim as hs
    from hiresim.scenario import DELAY_SOURCES

    source = next(iter(DELAY_SOURCES))
    scenario = hs.preset("default").without(source)
    out = an.ablate(scenario, sources=[source], replications=4, seed=11, n_boot=50)
    assert (out["change"] == 0).all() and (out["lower"] == 0).all() and (out["upper"] == 0).all()


@pytest.mark.skipif(not HAS_SIMULATOR, reason="hiresim.simulate is not available yet")
def test_compare_of_the_same_scenario_and_seed_is_exactly_zero():
    import hiresim as hs

    scenario = hs.preset("default")
    out = an.compare({"a": scenario, "b": scenario}, replications=4, seed=5, n_boot=50)
    assert (out["diff"].fillna(0) == 0).all()


@pytest.mark.skipif(not HAS_SIMULATOR, reason="hiresim.simulate is not available yet")
def test_ablate_reuses_a_given_baseline_with_the_same_numbers():
    import hiresim as hs

    scenario, sources = hs.preset("mmc"), ["absence", "contention"]
    plain = an.ablate(scenario, sources=sources, replications=3, seed=4, n_boot=50)
    labels: list[str] = []
    baseline = hs.simulate(scenario, replications=3, seed=4)
    reused = an.ablate(scenario, sources=sources, replications=3, seed=4, n_boot=50,
                       baseline=baseline, step=labels.append, timings=True)
    assert labels == ["without absence", "without contention"]  # the baseline is not rerun
    assert (reused["seconds"] >= 0).all()
    pd.testing.assert_frame_equal(reused.drop(columns="seconds"), plain)
    labels.clear()
    an.ablate(scenario, sources=sources[:1], replications=3, seed=4, n_boot=10, step=labels.append)
    assert labels == ["baseline", "without absence"]


@pytest.mark.skipif(not HAS_SIMULATOR, reason="hiresim.simulate is not available yet")
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"seed": 5}, "seed 4"), ({"replications": 2}, "3 replications"), ({}, "another scenario")],
)
def test_ablate_refuses_a_baseline_of_another_run(kwargs, message):
    import hiresim as hs

    baseline = hs.simulate(hs.preset("mmc"), replications=3, seed=4)
    scenario = hs.preset("mmc") if kwargs else hs.preset("default")
    args = {"replications": 3, "seed": 4, **kwargs}
    with pytest.raises(ValueError, match=message):
        an.ablate(scenario, sources=["absence"], n_boot=10, baseline=baseline, **args)


def test_the_what_ifs_load_on_first_use():
    """Importing the measures does not import the what-ifs (which run simulations); asking for
    one loads it, as ``hiresim.analysis.ablate`` always worked."""
    import subprocess

    code = ("import sys, hiresim.analysis as an, hiresim.analysis.curves; "
            "print('hiresim.analysis.whatif' in sys.modules); "
            "print(an.ablate.__module__, 'ablate' in dir(an))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    assert out == ["False", "hiresim.analysis.whatif", "True"]
    with pytest.raises(AttributeError, match="has no attribute 'ablation'"):
        an.ablation  # noqa: B018
