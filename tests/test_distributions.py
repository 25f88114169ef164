"""Tests for hiresim.durations: moments, quantiles, block sampling, validation, shorthand."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
from pydantic import BaseModel, ValidationError

from hiresim.durations import (
    DURATION_UNITS,
    Z_90,
    ConstantDuration,
    Duration,
    EmpiricalDuration,
    ExponentialBlock,
    ExponentialDuration,
    GammaDuration,
    LognormalDuration,
    Sampler,
    TriangularDuration,
    UniformBlock,
    UniformDuration,
    parse_duration,
    to_hours,
)

SEED = 20240611

SPECS = {
    "constant": {"dist": "constant", "value": 2.5},
    "exponential": {"dist": "exponential", "mean": 3.0},
    "uniform": {"dist": "uniform", "low": 1.0, "high": 4.0},
    "triangular": {"dist": "triangular", "low": 0.5, "mode": 1.0, "high": 6.0},
    "triangular_left": {"dist": "triangular", "low": 2.0, "mode": 2.0, "high": 3.0},
    "gamma": {"dist": "gamma", "mean": 5.0, "cv": 0.7},
    "gamma_erratic": {"dist": "gamma", "mean": 2.0, "cv": 2.0},
    "lognormal_quantiles": {"dist": "lognormal", "median": 2.0, "p90": 6.0},
    "lognormal_log": {"dist": "lognormal", "mu": 0.3, "sigma": 0.5, "unit": "working_days"},
    "empirical": {"dist": "empirical", "samples": [0.0, 1.0, 1.5, 4.0, 12.0]},
}
RANDOM_SPECS = {k: v for k, v in SPECS.items() if k != "constant"}


def _ids(d: dict) -> list[str]:
    return list(d)


@pytest.mark.parametrize("raw", SPECS.values(), ids=_ids(SPECS))
def test_sample_mean_matches_analytic_mean(raw: dict) -> None:
    spec = parse_duration(raw)
    n = 200_000
    x = spec.sample(np.random.default_rng(SEED), n)
    assert x.shape == (n,)
    assert x.dtype == np.float64
    assert (x >= 0).all()
    se = x.std(ddof=1) / math.sqrt(n)
    if se == 0.0:  # constant
        assert x.mean() == pytest.approx(spec.mean())
    else:
        assert abs(x.mean() - spec.mean()) <= 4 * se


def _binomial_tol(p: float, n: int) -> float:
    """Four standard deviations of an empirical CDF value at the true p-quantile."""
    return 4 * math.sqrt(p * (1 - p) / n)


def test_lognormal_by_median_p90_matches_empirical_quantiles() -> None:
    spec = parse_duration({"dist": "lognormal", "median": 2.0, "p90": 7.0})
    assert spec.log_mu == pytest.approx(math.log(2.0))
    assert spec.log_sigma == pytest.approx(math.log(3.5) / Z_90)
    n = 100_000
    x = spec.sample(np.random.default_rng(SEED), n)
    for p, q in ((0.5, 2.0), (0.9, 7.0)):
        # The fraction of draws below the true p-quantile is Binomial(n, p) / n.
        assert abs((x <= q).mean() - p) <= _binomial_tol(p, n)
        assert spec.quantile(p) == pytest.approx(q, rel=1e-12)


def test_lognormal_parametrisations_agree() -> None:
    by_q = LognormalDuration(median=3.0, p90=9.0)
    by_log = LognormalDuration(mu=math.log(3.0), sigma=math.log(3.0) / Z_90)
    for p in (0.1, 0.5, 0.9, 0.99):
        assert by_q.quantile(p) == pytest.approx(by_log.quantile(p), rel=1e-12)
    assert by_q.mean() == pytest.approx(by_log.mean(), rel=1e-12)


def _analytic_cdf(spec, x: float) -> float:
    if isinstance(spec, ExponentialDuration):
        return 1 - math.exp(-x / spec.mean())
    if isinstance(spec, UniformDuration):
        return (x - spec.low) / (spec.high - spec.low)
    if isinstance(spec, LognormalDuration):
        return NormalDist(spec.log_mu, spec.log_sigma).cdf(math.log(x))
    if isinstance(spec, TriangularDuration):
        a, c, b = spec.low, spec.mode, spec.high
        if x <= c:
            return (x - a) ** 2 / ((b - a) * (c - a))
        return 1 - (b - x) ** 2 / ((b - a) * (b - c))
    if isinstance(spec, GammaDuration):
        stats = pytest.importorskip("scipy.stats")
        return float(stats.gamma(spec.shape, scale=spec.scale).cdf(x))
    raise AssertionError(spec)


PROBS = (0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99)
CONTINUOUS = {k: v for k, v in RANDOM_SPECS.items() if k != "empirical"}


@pytest.mark.parametrize("raw", CONTINUOUS.values(), ids=_ids(CONTINUOUS))
def test_quantile_inverts_cdf(raw: dict) -> None:
    spec = parse_duration(raw)
    qs = [spec.quantile(p) for p in PROBS]
    assert qs == sorted(qs)
    for p, q in zip(PROBS, qs, strict=True):
        assert _analytic_cdf(spec, q) == pytest.approx(p, abs=1e-9)


@pytest.mark.parametrize("raw", RANDOM_SPECS.values(), ids=_ids(RANDOM_SPECS))
def test_quantile_agrees_with_samples(raw: dict) -> None:
    spec = parse_duration(raw)
    n = 100_000
    x = spec.sample(np.random.default_rng(SEED + 1), n)
    for p in PROBS:
        q = spec.quantile(p)
        below_or_at = (x <= q).mean()
        below = (x < q).mean()
        # Generalized inverse: P(X < q) <= p <= P(X <= q), up to sampling error.
        assert below - _binomial_tol(p, n) <= p <= below_or_at + _binomial_tol(p, n)


def test_empirical_quantile_is_inverse_ecdf() -> None:
    spec = EmpiricalDuration(samples=[5.0, 1.0, 3.0, 2.0])
    assert spec.quantile(0.0) == 1.0
    assert spec.quantile(0.25) == 1.0
    assert spec.quantile(0.26) == 2.0
    assert spec.quantile(0.5) == 2.0
    assert spec.quantile(1.0) == 5.0


def test_empirical_draws_only_given_values_uniformly() -> None:
    values = [0.0, 1.0, 7.0]
    x = EmpiricalDuration(samples=values).sample(np.random.default_rng(SEED), 30_000)
    assert set(np.unique(x)) == set(values)
    for v in values:
        assert abs((x == v).mean() - 1 / 3) <= _binomial_tol(1 / 3, x.size)


def test_quantile_edges_and_bad_probability() -> None:
    assert ExponentialDuration(mean=1.0).quantile(0.0) == 0.0
    assert ExponentialDuration(mean=1.0).quantile(1.0) == math.inf
    assert LognormalDuration(median=1, p90=2).quantile(1.0) == math.inf
    assert GammaDuration(mean=1, cv=1).quantile(0.5) == pytest.approx(math.log(2))
    assert UniformDuration(low=1, high=3).quantile(1.0) == 3.0
    assert TriangularDuration(low=2, mode=2, high=2).quantile(0.3) == 2.0
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        UniformDuration(low=1, high=3).quantile(1.5)


@pytest.mark.parametrize("block", [1, 7, 64, 1024])
@pytest.mark.parametrize("raw", SPECS.values(), ids=_ids(SPECS))
def test_sampler_equals_one_vectorized_draw(raw: dict, block: int) -> None:
    spec = parse_duration(raw)
    n = 2 * 1024 + 5  # crosses several block refills for every block size
    sampler = Sampler(spec, np.random.default_rng(SEED), block=block)
    draws = [sampler() for _ in range(n)]
    assert all(type(v) is float for v in draws)
    expected = spec.sample(np.random.default_rng(SEED), n).tolist()
    assert draws == expected


def test_sampler_scale() -> None:
    spec = parse_duration({"dist": "exponential", "mean": 0.5, "unit": "working_days"})
    sampler = Sampler(spec, np.random.default_rng(SEED), block=3, scale=8.0)
    draws = [sampler() for _ in range(10)]
    expected = (spec.sample(np.random.default_rng(SEED), 10) * 8.0).tolist()
    assert draws == pytest.approx(expected, rel=1e-15)


def test_constant_sampler_consumes_no_randomness() -> None:
    rng = np.random.default_rng(SEED)
    state = rng.bit_generator.state
    sampler = Sampler(parse_duration(4), rng)
    assert isinstance(sampler, Sampler)
    values = [sampler() for _ in range(5000)]
    assert values == [4.0] * 5000
    assert type(values[0]) is float
    assert rng.bit_generator.state == state
    assert Sampler(ConstantDuration(value=2.0), None, scale=8.0)() == 16.0


def test_sampler_needs_rng_for_random_spec() -> None:
    with pytest.raises(ValueError, match="Generator"):
        Sampler(ExponentialDuration(mean=1.0), None)
    with pytest.raises(ValueError, match="block"):
        Sampler(ExponentialDuration(mean=1.0), np.random.default_rng(), block=0)


def test_uniform_and_exponential_blocks() -> None:
    u = UniformBlock(np.random.default_rng(SEED), block=5)
    drawn = [u() for _ in range(23)]
    assert drawn == np.random.default_rng(SEED).random(23).tolist()
    assert all(0.0 <= v < 1.0 for v in drawn)
    e = ExponentialBlock(np.random.default_rng(SEED), mean=2.0, block=4)
    drawn = [e() for _ in range(17)]
    assert drawn == np.random.default_rng(SEED).exponential(2.0, 17).tolist()
    with pytest.raises(ValueError, match="mean"):
        ExponentialBlock(np.random.default_rng(), mean=0.0)


INVALID = [
    ({"dist": "lognormal", "median": 3.0, "p90": 2.0}, "p90 (2.0) must be greater than median"),
    ({"dist": "lognormal", "median": 3.0, "p90": 3.0}, "p90 (3.0) must be greater than median"),
    (
        {"dist": "lognormal", "median": 2.0, "p90": 6.0, "mu": 0.0, "sigma": 1.0},
        "not both",
    ),
    ({"dist": "lognormal", "median": 2.0, "sigma": 1.0}, "not both"),
    ({"dist": "lognormal", "median": 2.0}, "median and p90 must be given together"),
    ({"dist": "lognormal", "mu": 2.0}, "mu and sigma must be given together"),
    ({"dist": "lognormal"}, "either median and p90, or mu and sigma"),
    ({"dist": "lognormal", "mu": 0.0, "sigma": 0.0}, "greater than 0"),
    ({"dist": "lognormal", "median": -1.0, "p90": 2.0}, "greater than 0"),
    ({"dist": "uniform", "low": 3.0, "high": 1.0}, "high (1.0) must be greater than or equal"),
    ({"dist": "uniform", "low": -1.0, "high": 1.0}, "greater than or equal to 0"),
    ({"dist": "triangular", "low": 1.0, "mode": 5.0, "high": 3.0}, "low <= mode <= high"),
    ({"dist": "triangular", "low": 1.0, "mode": 0.5, "high": 3.0}, "low <= mode <= high"),
    ({"dist": "triangular", "low": -1.0, "mode": 0.0, "high": 3.0}, "greater than or equal"),
    ({"dist": "constant", "value": -2.0}, "greater than or equal to 0"),
    ({"dist": "exponential", "mean": 0.0}, "greater than 0"),
    ({"dist": "gamma", "mean": 2.0, "cv": -1.0}, "greater than 0"),
    ({"dist": "gamma", "mean": 2.0}, "Field required"),
    ({"dist": "empirical", "samples": []}, "at least 1"),
    ({"dist": "empirical", "samples": [1.0, -0.5]}, "greater than or equal to 0"),
    ({"dist": "weibull", "scale": 1.0}, "'constant', 'exponential'"),
    ({"dist": "constant", "value": 1.0, "vaule": 2.0}, "Extra inputs are not permitted"),
    ({"dist": "constant", "value": 1.0, "unit": "days"}, "'working_days'"),
    ({"dist": "exponential", "mean": float("inf")}, "finite"),
    ({"value": 1.0}, "needs a 'dist' key"),
    (-3, "greater than or equal to 0"),
    ("three", "constant"),
    (True, "got bool"),
]


@pytest.mark.parametrize(("raw", "message"), INVALID)
def test_invalid_durations_name_the_problem(raw: object, message: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_duration(raw)
    assert message in str(err.value)


def test_bare_number_is_constant_working_hours() -> None:
    for raw in (3, 2.5, 0):
        spec = parse_duration(raw)
        assert spec == ConstantDuration(value=raw)
        assert spec.unit == "working_hours"
        assert spec.is_working_time


def test_duration_as_field_type() -> None:
    class Stage(BaseModel):
        work: Duration
        wait: Duration = 0

    stage = Stage.model_validate(
        {"work": {"dist": "lognormal", "median": 2, "p90": 6, "unit": "calendar_days"}}
    )
    assert isinstance(stage.work, LognormalDuration)
    assert not stage.work.is_working_time
    assert Stage(work=1.5).work == ConstantDuration(value=1.5)
    with pytest.raises(ValidationError) as err:
        Stage.model_validate({"work": {"dist": "uniform", "low": 2, "high": 1}})
    assert "work.uniform" in str(err.value)


def test_specs_are_frozen_hashable_and_round_trip() -> None:
    for raw in SPECS.values():
        spec = parse_duration(raw)
        assert parse_duration(spec.model_dump()) == spec
        assert parse_duration(spec.model_dump(exclude_none=True)) == spec
        hash(spec)
    spec = parse_duration(SPECS["exponential"])
    assert spec.model_dump()["mean"] == 3.0
    with pytest.raises(ValidationError):
        spec.unit = "hours"


def test_units_and_to_hours() -> None:
    assert DURATION_UNITS == ("hours", "working_hours", "working_days", "calendar_days")
    assert to_hours(3, "hours", 8) == (3.0, False)
    assert to_hours(3, "working_hours", 8) == (3.0, True)
    assert to_hours(2, "working_days", 7.5) == (15.0, True)
    assert to_hours(2, "calendar_days", 7.5) == (48.0, False)
    with pytest.raises(ValueError, match="working_days"):
        to_hours(1, "fortnights", 8)
