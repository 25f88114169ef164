"""The model against theory (M/M/c, Little's law), the accounting identity, calendar end to end."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import hiresim as hs
from hiresim.causes import DELAY_COLUMNS, WAIT_COLUMNS

# ---------------------------------------------------------------------------------------------
# M/M/c: mean delay_contention = Erlang C, and Little's law

#: Replications per (lambda, c) setting: the replication is the independent unit, so the
#: standard error is that of the per-replication means.
MMC_REPLICATIONS = 20
#: The queue starts empty: waits that begin in the first days are left out by the scenario's
#: own ``warmup_days`` (at rho = 0.9 the start-up transient biases a short run's Wq by -9 %).
MMC_WARMUP_DAYS = 60
#: Two-sided bound in standard errors.
Z = 3.0
#: The runs are sized so that Z standard errors are below this share of the value checked
#: (the test asserts it: a bound that wide could not see a bias of that size).
PRECISION = 0.05


def erlang_c_wq(lam: float, c: int, mu: float) -> float:
    """Mean wait in queue (hours) of an M/M/c queue, by the Erlang C formula."""
    a = lam / mu
    rho = a / c
    below = sum(a**k / math.factorial(k) for k in range(c))
    top = a**c / math.factorial(c) / (1.0 - rho)
    p_wait = top / (below + top)
    return p_wait / (c * mu - lam)


def test_erlang_c_formula_known_value():
    # M/M/1 is the special case Wq = rho / (mu - lam); M/M/2 with a = 1: P(wait) = 1/3.
    assert erlang_c_wq(0.5, 1, 1.0) == pytest.approx(0.5 / (1.0 - 0.5))
    assert erlang_c_wq(1.0, 2, 1.0) == pytest.approx((1 / 3) / (2.0 - 1.0))


def _hours_since_start(stamps: pd.Series, start: dt.date) -> np.ndarray:
    return ((stamps - pd.Timestamp(start)) / pd.Timedelta(hours=1)).to_numpy(dtype=float)


#: ``(lambda, c, mu)`` per hour and the days of arrivals per replication, sized for
#: :data:`PRECISION` (the variance of a queue's mean wait grows steeply with rho).
MMC_SETTINGS = [
    pytest.param((0.12, 3, 0.05, 24_000), id="c3-rho0.80"),
    pytest.param((0.075, 2, 0.05, 21_000), id="c2-rho0.75"),
    pytest.param((0.135, 3, 0.05, 63_000), id="c3-rho0.90"),
]


@pytest.fixture(scope="module", params=MMC_SETTINGS)
def mmc_run(request, mmc_scenario):
    lam, c, mu, days = request.param
    scenario = mmc_scenario(lam, c, mu, horizon_days=days, drain_days=30).with_overrides(
        {"warmup_days": MMC_WARMUP_DAYS})
    results = hs.simulate(scenario, replications=MMC_REPLICATIONS, seed=4242, event_log=False,
                          workers=2)
    return lam, c, mu, scenario, results


def test_mmc_preset_is_a_single_queue():
    """The preset has nothing but the pooled scorecard: no debrief, decision, approvals,
    screening, message or scheduling that would add waits."""
    sc = hs.preset("mmc")
    assert sc.debrief is None
    assert sc.decision is None
    assert sc.approvals is None
    assert sc.screening is None
    assert sc.scheduling.enabled is False
    assert sc.roles["reviewer"].assignment == "pool"
    assert all(cal.always_open for cal in sc.calendars.values())
    lam, mu, c = sc.candidates.rate_per_week / 168.0, 1 / sc.scorecards.work.mean(), 3
    assert lam / (c * mu) == pytest.approx(0.8)


@pytest.mark.slow
def test_mmc_only_contention_and_work(mmc_run):
    _, _, _, _, results = mmc_run
    j = results.journeys
    assert not j["censored"].any(), "the drain period lets every wait finish"
    others = [c for c in DELAY_COLUMNS if c not in ("delay_contention", "delay_work")]
    assert (j[others] == 0).all().all()
    np.testing.assert_allclose(
        j["delay_contention"] + j["delay_work"], j["days_to_feedback"], atol=1e-9
    )


@pytest.mark.slow
def test_mmc_mean_contention_matches_erlang_c(mmc_run):
    lam, c, mu, scenario, results = mmc_run
    j = results.journeys
    arrival = _hours_since_start(j["interview_end"], scenario.start)
    assert arrival.min() >= MMC_WARMUP_DAYS * 24.0, "the warm-up's waits are left out"
    per_rep = j.groupby("replication")["delay_contention"].mean() * 24.0  # hours
    assert len(per_rep) == MMC_REPLICATIONS
    mean = per_rep.mean()
    se = per_rep.std(ddof=1) / math.sqrt(len(per_rep))
    wq = erlang_c_wq(lam, c, mu)
    assert Z * se < PRECISION * wq, f"run too short: {Z} SE = {Z * se:.2f} h, Wq {wq:.2f} h"
    assert abs(mean - wq) <= Z * se, (
        f"M/M/{c} lam={lam} mu={mu}: simulated Wq {mean:.3f} h, Erlang C {wq:.3f} h, SE {se:.3f} h"
    )


@pytest.mark.slow
def test_mmc_mean_work_is_the_service_time(mmc_run):
    _, _, mu, _, results = mmc_run
    per_rep = results.journeys.groupby("replication")["delay_work"].mean() * 24.0
    se = per_rep.std(ddof=1) / math.sqrt(len(per_rep))
    assert abs(per_rep.mean() - 1.0 / mu) <= Z * se


@pytest.mark.slow
def test_littles_law(mmc_run):
    """Time-average number in system over a window = lambda_hat x mean sojourn (per
    replication), and = lambda (Wq + 1/mu) in theory, both within 3 standard errors."""
    lam, c, mu, scenario, results = mmc_run
    j = results.journeys
    a = _hours_since_start(j["interview_end"], scenario.start)
    d = _hours_since_start(j["feedback_at"], scenario.start)
    # the window opens 30 days after the warm-up, so that customers already in the system at
    # its start are in the results (the warm-up's are not): both edges are then alike
    t0, t1 = (MMC_WARMUP_DAYS + 30) * 24.0, scenario.horizon_days * 24.0
    frame = pd.DataFrame({"rep": j["replication"].to_numpy(), "a": a, "d": d})
    frame["overlap"] = (np.minimum(frame["d"], t1) - np.maximum(frame["a"], t0)).clip(lower=0)
    frame["inside"] = (frame["a"] >= t0) & (frame["a"] < t1)
    frame["sojourn"] = frame["d"] - frame["a"]
    per_rep = frame.groupby("rep").apply(
        lambda g: pd.Series(
            {
                "L": g["overlap"].sum() / (t1 - t0),
                "lw": g["inside"].sum() / (t1 - t0) * g.loc[g["inside"], "sojourn"].mean(),
            }
        ),
        include_groups=False,
    )
    n = len(per_rep)
    diff = per_rep["L"] - per_rep["lw"]
    assert abs(diff.mean()) <= Z * diff.std(ddof=1) / math.sqrt(n)
    theory = lam * (erlang_c_wq(lam, c, mu) + 1.0 / mu)
    se = per_rep["L"].std(ddof=1) / math.sqrt(n)
    assert abs(per_rep["L"].mean() - theory) <= Z * se


# ---------------------------------------------------------------------------------------------
# Accounting identity: the delay_* columns sum to days_to_feedback in every row


def _assert_identity(results: hs.Results) -> None:
    j = results.journeys
    total = j[list(DELAY_COLUMNS)].sum(axis=1)
    bad = (total - j["days_to_feedback"]).abs() > 1e-6
    assert not bad.any(), j.loc[bad, ["candidate", "round", "outcome", "days_to_feedback"]]
    assert (j[list(DELAY_COLUMNS)] >= -1e-9).all().all()
    e = results.events
    if len(e):
        wait = (e["start_timestamp"] - e["enabled_timestamp"]) / pd.Timedelta(days=1)
        np.testing.assert_allclose(e[list(WAIT_COLUMNS)].sum(axis=1), wait, atol=1e-6)


def test_identity_default_preset(default_results):
    j = default_results.journeys
    assert len(j) > 100
    assert set(j["outcome"]) >= {"advance", "reject", "offer"}
    _assert_identity(default_results)


def test_identity_default_preset_censored_rows(default_results):
    """Censored waits (open at the horizon) obey the identity too; only they lack feedback."""
    j = default_results.journeys
    assert j["feedback_at"].isna().eq(j["censored"]).all()
    short = hs.preset("default").with_overrides({"drain_days": 0, "horizon_days": 60})
    res = hs.simulate(short, replications=1, seed=3)
    assert res.journeys["censored"].any()
    _assert_identity(res)


_DURATION_UNITS = st.sampled_from(["hours", "working_hours", "working_days", "calendar_days"])


@st.composite
def durations(draw, allow_zero: bool = True) -> object:
    """A duration spec of any kind, small enough to keep examples short."""
    unit = draw(_DURATION_UNITS)
    scale = 0.5 if unit in ("working_days", "calendar_days") else 4.0
    kind = draw(
        st.sampled_from(
            [
                "bare",
                "constant",
                "exponential",
                "uniform",
                "triangular",
                "gamma",
                "lognormal",
                "lognormal_mu",
                "empirical",
            ]
        )
    )
    x = draw(st.floats(0.05, 1.0)) * scale
    if kind == "bare":
        return 0.0 if allow_zero and draw(st.booleans()) else x
    if kind == "constant":
        return {"dist": "constant", "value": x, "unit": unit}
    if kind == "exponential":
        return {"dist": "exponential", "mean": x, "unit": unit}
    if kind == "uniform":
        return {"dist": "uniform", "low": x / 2, "high": x, "unit": unit}
    if kind == "triangular":
        return {"dist": "triangular", "low": 0.0, "mode": x / 2, "high": x, "unit": unit}
    if kind == "gamma":
        return {"dist": "gamma", "mean": x, "cv": draw(st.floats(0.3, 2.0)), "unit": unit}
    if kind == "lognormal":
        return {
            "dist": "lognormal",
            "median": x,
            "p90": x * draw(st.floats(1.1, 5.0)),
            "unit": unit,
        }
    if kind == "lognormal_mu":
        return {
            "dist": "lognormal",
            "mu": math.log(x),
            "sigma": draw(st.floats(0.1, 1.0)),
            "unit": unit,
        }
    samples = draw(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=5))
    return {"dist": "empirical", "samples": [s * scale for s in samples], "unit": unit}


@st.composite
def calendars(draw) -> dict:
    if draw(st.integers(0, 4)) == 0:
        return {"always_open": True}
    start = draw(st.integers(6, 10))
    end = draw(st.integers(start + 4, 19))
    spec: dict = {"hours": [f"{start:02d}:00", f"{end:02d}:00"]}
    spec["weekdays"] = draw(
        st.sampled_from(
            [
                ["Mon", "Tue", "Wed", "Thu", "Fri"],
                ["Mon", "Wed", "Fri"],
                ["Tue", "Wed", "Thu", "Fri", "Sat"],
            ]
        )
    )
    if draw(st.booleans()):
        spec["lunch"] = [f"{start + 2:02d}:00", f"{start + 2:02d}:30"]
    if draw(st.booleans()):
        spec["country"] = draw(st.sampled_from(["US", "DE", "FR", "GB"]))
    if draw(st.booleans()):
        spec["closed"] = ["2026-01-07", "2026-01-16"]
    return spec


@st.composite
def decisions(draw, last: bool) -> dict:
    advance = 0.0 if last else draw(st.sampled_from([0.0, 0.5, 0.8]))
    offer = draw(st.sampled_from([0.4, 0.7] if last else [0.0, 0.2]))
    return {"advance": advance, "offer": offer, "reject": round(1.0 - advance - offer, 10)}


@st.composite
def scenarios(draw) -> dict:
    """A random valid scenario: small and short, but exercising every mechanism."""
    n_cal = draw(st.integers(1, 2))
    cals = {f"cal{i}": draw(calendars()) for i in range(n_cal)}
    names = list(cals)

    def role(pool: bool = False) -> dict:
        spec = {
            "count": draw(st.integers(1, 3)),
            "calendar": draw(st.sampled_from(names)),
            "calendar_load": draw(st.sampled_from([0.0, 0.3, 0.7])),
        }
        if pool:
            spec["assignment"] = "pool"
        return spec

    roles = {"recruiter": role(), "hiring_manager": role(), "finance": role(), "vp": role()}
    pooled = draw(st.booleans())
    roles["interviewer"] = role(pool=pooled)
    roles["interviewer"]["count"] = draw(st.integers(3, 4))
    n_rounds = draw(st.integers(1, 3))
    rounds = [
        {
            "panel": draw(st.integers(1, 3)),
            "hiring_manager_attends": draw(st.booleans()),
            "interview_minutes": draw(st.sampled_from([0, 30, 60, 90])),
            "decision": draw(decisions(last=i == n_rounds - 1)),
        }
        for i in range(n_rounds)
    ]
    data: dict = {
        "name": "hypothesis",
        "start": draw(st.sampled_from(["2026-01-05", "2026-05-20", "2026-12-18"])),
        "horizon_days": draw(st.integers(10, 30)),
        "drain_days": draw(st.integers(0, 20)),
        "calendars": cals,
        "roles": roles,
        "requisitions": {
            "initial": draw(st.integers(1, 2)),
            "rate_per_month": draw(st.sampled_from([0.0, 2.0])),
            "positions": draw(st.integers(1, 2)),
        },
        "candidates": {
            "arrivals": draw(st.sampled_from(["poisson", "regular"])),
            "rate_per_week": draw(st.floats(2.0, 10.0)),
            "max_per_requisition": draw(st.sampled_from([None, 5])),
        },
        "rounds": rounds,
        "scorecards": {"work": draw(durations())},
        "communication": {
            "policy": draw(st.sampled_from(["hr_gated", "direct"])),
            "handoff": draw(durations()),
            "message": draw(durations()),
        },
        "scheduling": {
            "enabled": draw(st.booleans()),
            "slot_minutes": draw(st.sampled_from([15, 30, 60])),
            "notice_hours": draw(st.sampled_from([0.0, 24.0])),
            "candidate_load": draw(st.sampled_from([0.0, 0.4])),
            "search_days": draw(st.sampled_from([3, 30])),
        },
        "offers": {"accept_probability": draw(st.sampled_from([0.0, 0.5, 1.0]))},
    }
    if draw(st.booleans()):
        data["screening"] = {
            "work": draw(durations()),
            "pass_probability": draw(st.sampled_from([0.6, 1.0])),
        }
    if draw(st.booleans()):
        data["debrief"] = {
            "minutes": draw(st.sampled_from([15, 30, 45])),
            "recruiter_attends": draw(st.booleans()),
        }
    if draw(st.booleans()):
        data["decision"] = {"work": draw(durations())}
    if draw(st.booleans()):
        steps = []
        for _ in range(draw(st.integers(1, 3))):
            group = draw(st.sampled_from([["finance"], ["vp"], ["finance", "vp"]]))
            step: dict = {
                "roles": group,
                "work": draw(durations()),
                "send_back": draw(st.sampled_from([0.0, 0.3])),
            }
            if len(group) == 2 and draw(st.booleans()):
                step["quorum"] = draw(st.integers(1, 2))
            if len(group) == 1 and draw(st.booleans()):
                # a committee that sits: on a working day, at the start of the working hours
                # of its role (one that never sits is a validation error)
                cal = cals[roles[group[0]]["calendar"]]
                days = cal.get("weekdays", ["Mon", "Tue", "Wed", "Thu", "Fri"])
                step["committee"] = {
                    "weekdays": draw(st.sampled_from([days[:1], days[::2]])),
                    "time": "14:00" if cal.get("always_open") else cal["hours"][0],
                    "minutes": draw(st.sampled_from([0, 60])),
                }
            steps.append(step)
        data["approvals"] = {"steps": steps, "revision": draw(durations())}
    return data


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=scenarios(), seed=st.integers(0, 2**16))
def test_identity_random_scenarios(data, seed):
    scenario = hs.load_scenario(data)
    results = hs.simulate(scenario, replications=1, seed=seed)
    _assert_identity(results)
    j = results.journeys
    event(f"journeys: {'0' if j.empty else '1-20' if len(j) <= 20 else '>20'}")
    event(f"approvals: {'approvals' in data}, offers: {(j['outcome'] == 'offer').any()}")
    assert j["feedback_at"].isna().eq(j["censored"]).all()
    finished = ~j["censored"]
    span = (j.loc[finished, "feedback_at"] - j.loc[finished, "interview_end"]) / pd.Timedelta(
        days=1
    )
    np.testing.assert_allclose(span, j.loc[finished, "days_to_feedback"], atol=1e-6)


# ---------------------------------------------------------------------------------------------
# Calendar-driven behaviour end to end


@pytest.mark.parametrize(
    ("start", "country", "feedback", "off_hours_hours"),
    [
        # Friday 2026-01-09 16:30 + 2 working hours: 30 min on Friday, 1.5 h on Monday.
        ("2026-01-05", None, dt.datetime(2026, 1, 12, 10, 30), 64.0),
        # Friday 2026-01-16 16:30; Monday 2026-01-19 is Martin Luther King Jr. Day (US).
        ("2026-01-12", "US", dt.datetime(2026, 1, 20, 10, 30), 88.0),
    ],
    ids=["weekend", "weekend-and-holiday"],
)
def test_friday_afternoon_task_lands_after_the_weekend(
    minimal, start, country, feedback, off_hours_hours
):
    """A scorecard of 2 working hours enabled on a Friday at 16:30 finishes the next working
    morning at 10:30; the nights, weekend (and holiday) are charged to off_hours exactly."""
    minimal["start"] = start
    if country:
        minimal["calendars"]["office"]["country"] = country
    # The candidate arrives on Friday 00:00 (day 4); the 7.5 working-hour screen ends at 16:30,
    # the interview (no scheduling, 0 minutes) at once, and the scorecard is enabled then.
    minimal["screening"] = {"work": 7.5, "pass_probability": 1.0}
    results = hs.simulate(minimal, replications=1, seed=0)
    (row,) = results.journeys.itertuples(index=False)
    friday = feedback - dt.timedelta(hours=2.0 + off_hours_hours)
    assert row.interview_end == pd.Timestamp(friday)
    assert row.interview_end.day_name() == "Friday"
    assert row.interview_end.time() == dt.time(16, 30)
    assert row.feedback_at == pd.Timestamp(feedback)
    assert row.outcome == "reject"
    assert row.delay_work * 24.0 == pytest.approx(2.0, abs=1e-9)
    assert row.delay_off_hours * 24.0 == pytest.approx(off_hours_hours, abs=1e-9)
    assert row.days_to_feedback * 24.0 == pytest.approx(2.0 + off_hours_hours, abs=1e-9)
    others = [c for c in DELAY_COLUMNS if c not in ("delay_work", "delay_off_hours")]
    assert all(getattr(row, c) == 0.0 for c in others)
