"""Duration distributions: parse them from scenario files and sample them with a numpy Generator.

A duration in a scenario file is a TOML table such as
``{dist = "lognormal", median = 2, p90 = 6, unit = "working_hours"}`` or a bare non-negative
number (shorthand for a constant in working hours). :data:`Duration` is the pydantic type that
validates either form into one of the frozen models below, each of which knows its analytic
``mean()``, its ``quantile(p)`` and how to draw a vectorized ``sample(rng, size)``.

The simulation hot path must not pay a numpy call per draw (about 400 ns each, against about
40-80 ns for a value drawn in advance), so :class:`Sampler`, :class:`UniformBlock` and
:class:`ExponentialBlock` serve scalar Python floats from blocks drawn in one vectorized call.

Every draw goes through a ``numpy.random.Generator`` that the caller owns (one child stream per
mechanism, design section 4); nothing here keeps global random state. Sampling uses only draws
whose stream position advances element by element, so drawing ``n`` values in blocks gives exactly
the values of one draw of ``n`` (a Sampler's block size never changes results).
"""

from __future__ import annotations

import math
import numbers
from statistics import NormalDist
from typing import Annotated, Any, Literal, TypeAlias

import numpy as np
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    model_validator,
)

__all__ = [
    "DISTRIBUTIONS",
    "DURATION_UNITS",
    "WORKING_UNITS",
    "Z_90",
    "ConstantDuration",
    "Duration",
    "DurationSpec",
    "EmpiricalDuration",
    "ExponentialBlock",
    "ExponentialDuration",
    "GammaDuration",
    "LognormalDuration",
    "Sampler",
    "TriangularDuration",
    "UniformBlock",
    "UniformDuration",
    "parse_duration",
    "to_hours",
]

#: Units a duration can be given in. ``hours`` and ``calendar_days`` are elapsed wall-clock time
#: (the clock runs through nights, weekends and absences); ``working_hours`` and ``working_days``
#: are work that progresses only while the person doing it is available.
DURATION_UNITS: tuple[str, ...] = ("hours", "working_hours", "working_days", "calendar_days")

#: The units that measure work (progressing only in the doer's available time).
WORKING_UNITS: frozenset[str] = frozenset({"working_hours", "working_days"})

Unit: TypeAlias = Literal["hours", "working_hours", "working_days", "calendar_days"]

#: Standard normal 90th percentile: a lognormal with median m and 90th percentile p90 has
#: sigma = ln(p90 / m) / Z_90.
Z_90: float = 1.2815515655446004

_STD_NORMAL = NormalDist()

NonNegFloat = Annotated[float, Field(ge=0)]


def to_hours(value: float, unit: str, hours_per_day: float) -> tuple[float, bool]:
    """Convert a duration to hours and say whether those hours are working time.

    The caller (who knows the person and their calendar) supplies ``hours_per_day``: a working
    day is that calendar's working hours, while a calendar day is always 24 elapsed hours.

    Returns:
        ``(amount_in_hours, is_working_time)``. Working time advances only while the person is
        available; elapsed time advances with the wall clock.
    """
    if unit == "working_hours":
        return float(value), True
    if unit == "hours":
        return float(value), False
    if unit == "working_days":
        return float(value) * hours_per_day, True
    if unit == "calendar_days":
        return float(value) * 24.0, False
    raise ValueError(f"unknown duration unit {unit!r}; allowed: {', '.join(DURATION_UNITS)}")


def _check_p(p: float) -> float:
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"quantile probability must be in [0, 1], got {p}")
    return p


class _DurationBase(BaseModel):
    """Shared configuration: unknown keys are errors, specs are immutable and hashable."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    unit: Unit = Field(
        default="working_hours",
        description=(
            "'hours'/'calendar_days' are elapsed wall-clock time; 'working_hours'/'working_days' "
            "are work that progresses only while the person doing it is available."
        ),
    )

    @property
    def is_working_time(self) -> bool:
        """True when the duration is work that progresses only in the doer's available time."""
        return self.unit in WORKING_UNITS

    def mean(self) -> float:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def quantile(self, p: float) -> float:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError


class ConstantDuration(_DurationBase):
    """Always the same duration. Sampling consumes no random numbers, so making a mechanism
    constant leaves every other draw of its stream where it was."""

    dist: Literal["constant"] = "constant"
    value: float = Field(ge=0, description="The duration, in `unit`.")

    def mean(self) -> float:
        return self.value

    def quantile(self, p: float) -> float:
        _check_p(p)
        return self.value

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, self.value, dtype=float)


class ExponentialDuration(_DurationBase):
    """Memoryless duration with the given mean: the textbook service time (M/M/c theory)."""

    dist: Literal["exponential"] = "exponential"
    mean_: float = Field(gt=0, alias="mean", description="Mean duration, in `unit`.")

    model_config = ConfigDict(
        validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )

    def mean(self) -> float:
        return self.mean_

    def quantile(self, p: float) -> float:
        p = _check_p(p)
        return math.inf if p == 1.0 else -self.mean_ * math.log1p(-p)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean_, size)


class UniformDuration(_DurationBase):
    """Any value between ``low`` and ``high`` equally likely: "somewhere between 1 and 3 days"."""

    dist: Literal["uniform"] = "uniform"
    low: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> UniformDuration:
        if self.high < self.low:
            raise ValueError(
                f"high ({self.high}) must be greater than or equal to low ({self.low})"
            )
        return self

    def mean(self) -> float:
        return 0.5 * (self.low + self.high)

    def quantile(self, p: float) -> float:
        return self.low + _check_p(p) * (self.high - self.low)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)


class TriangularDuration(_DurationBase):
    """Three-point estimate (shortest, most likely, longest), as in PERT-style planning."""

    dist: Literal["triangular"] = "triangular"
    low: float = Field(ge=0)
    mode: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> TriangularDuration:
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"mode ({self.mode}) must lie between low ({self.low}) and high ({self.high}), "
                "i.e. low <= mode <= high"
            )
        return self

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3.0

    def _ppf(self, u: np.ndarray) -> np.ndarray:
        a, c, b = self.low, self.mode, self.high
        width = b - a
        if width == 0.0:
            return np.full(np.shape(u), a, dtype=float)
        fc = (c - a) / width
        left = a + np.sqrt(u * width * (c - a))
        right = b - np.sqrt((1.0 - u) * width * (b - c))
        return np.where(u < fc, left, right)

    def quantile(self, p: float) -> float:
        return float(self._ppf(np.asarray(_check_p(p))))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        # Inverse transform (not rng.triangular): handles low == high and keeps quantile() and
        # sample() the same function of one uniform draw.
        return self._ppf(rng.random(size))


class GammaDuration(_DurationBase):
    """Gamma by mean and coefficient of variation (std / mean), the way practitioners describe
    spread: cv = 1 is exponential, cv < 1 is more regular, cv > 1 more erratic.

    Shape k = 1 / cv**2 and scale = mean * cv**2.
    """

    dist: Literal["gamma"] = "gamma"
    mean_: float = Field(gt=0, alias="mean", description="Mean duration, in `unit`.")
    cv: float = Field(gt=0, description="Coefficient of variation: standard deviation / mean.")

    model_config = ConfigDict(
        validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )

    @property
    def shape(self) -> float:
        return 1.0 / (self.cv * self.cv)

    @property
    def scale(self) -> float:
        return self.mean_ * self.cv * self.cv

    def mean(self) -> float:
        return self.mean_

    def quantile(self, p: float) -> float:
        p = _check_p(p)
        if p == 0.0:
            return 0.0
        if p == 1.0:
            return math.inf
        k = self.shape
        # Bracket, then bisect geometrically on the regularized incomplete gamma function (no
        # scipy needed); geometric steps keep relative precision for tiny quantiles (small k).
        lo = hi = max(k, 1.0)
        while _gamma_p(k, hi) < p:
            hi *= 2.0
        while lo > 1e-300 and _gamma_p(k, lo) >= p:
            lo *= 0.5
        for _ in range(300):
            mid = math.sqrt(lo * hi)
            if _gamma_p(k, mid) < p:
                lo = mid
            else:
                hi = mid
            if hi - lo <= 1e-15 * hi:
                break
        return math.sqrt(lo * hi) * self.scale

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.gamma(self.shape, self.scale, size)


def _gamma_p(a: float, x: float) -> float:
    """Regularized lower incomplete gamma P(a, x): series for x < a + 1, else continued fraction
    (Numerical Recipes, section 6.2)."""
    if x <= 0.0:
        return 0.0
    log_prefactor = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1.0:
        term = total = 1.0 / a
        ap = a
        for _ in range(100_000):
            ap += 1.0
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return min(1.0, total * math.exp(log_prefactor))
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 100_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return max(0.0, 1.0 - math.exp(log_prefactor) * h)


class LognormalDuration(_DurationBase):
    """Right-skewed duration: most cases are quick, a few take much longer.

    Give either ``median`` and ``p90`` ("usually 2 days, 1 in 10 takes a week"), which is how
    people estimate durations, or ``mu`` and ``sigma`` of the underlying normal (``ln X``).
    Exactly one of the two pairs.
    """

    dist: Literal["lognormal"] = "lognormal"
    median: float | None = Field(default=None, gt=0, description="50th percentile, in `unit`.")
    p90: float | None = Field(default=None, gt=0, description="90th percentile, in `unit`.")
    mu: float | None = Field(default=None, description="Mean of ln X (X in `unit`).")
    sigma: float | None = Field(default=None, gt=0, description="Standard deviation of ln X.")

    @model_validator(mode="after")
    def _one_parametrisation(self) -> LognormalDuration:
        median, p90 = self.median, self.p90
        by_quantiles = (median is not None, p90 is not None)
        by_log = (self.mu is not None, self.sigma is not None)
        if any(by_quantiles) and any(by_log):
            raise ValueError(
                "give either median and p90, or mu and sigma, not both parametrisations"
            )
        if median is not None and p90 is not None:
            if p90 <= median:
                raise ValueError(f"p90 ({p90}) must be greater than median ({median})")
            return self
        if all(by_log):
            return self
        if any(by_quantiles):
            raise ValueError("median and p90 must be given together")
        if any(by_log):
            raise ValueError("mu and sigma must be given together")
        raise ValueError("a lognormal needs either median and p90, or mu and sigma")

    @property
    def log_mu(self) -> float:
        """Mean of ln X, whichever parametrisation was given."""
        if self.mu is not None:
            return self.mu
        assert self.median is not None, "validated: mu or median is set"
        return math.log(self.median)

    @property
    def log_sigma(self) -> float:
        """Standard deviation of ln X, whichever parametrisation was given."""
        if self.sigma is not None:
            return self.sigma
        assert self.p90 is not None and self.median is not None, "validated: sigma or p90+median"
        return math.log(self.p90 / self.median) / Z_90

    def mean(self) -> float:
        s = self.log_sigma
        return math.exp(self.log_mu + 0.5 * s * s)

    def quantile(self, p: float) -> float:
        p = _check_p(p)
        if p == 0.0:
            return 0.0
        if p == 1.0:
            return math.inf
        return math.exp(self.log_mu + self.log_sigma * _STD_NORMAL.inv_cdf(p))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.lognormal(self.log_mu, self.log_sigma, size)


class EmpiricalDuration(_DurationBase):
    """Observed durations, resampled with equal probability (a bootstrap of real data)."""

    dist: Literal["empirical"] = "empirical"
    samples: tuple[NonNegFloat, ...] = Field(
        min_length=1, description="Observed durations (non-empty, each >= 0), in `unit`."
    )

    def mean(self) -> float:
        return math.fsum(self.samples) / len(self.samples)

    def quantile(self, p: float) -> float:
        """Inverse of the empirical CDF: the smallest observed value x with F(x) >= p."""
        p = _check_p(p)
        ordered = sorted(self.samples)
        return ordered[max(math.ceil(p * len(ordered)) - 1, 0)]

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        values = np.asarray(self.samples, dtype=float)
        n = values.size
        # floor(U * n) rather than rng.integers: integers() buffers 32-bit halves within one
        # call, so block-wise draws would differ from one big draw.
        idx = np.minimum((rng.random(size) * n).astype(np.intp), n - 1)
        return values[idx]


#: Any validated duration model.
DurationSpec: TypeAlias = (
    ConstantDuration
    | ExponentialDuration
    | UniformDuration
    | TriangularDuration
    | GammaDuration
    | LognormalDuration
    | EmpiricalDuration
)

#: ``dist`` tag -> model class.
DISTRIBUTIONS: dict[str, type[_DurationBase]] = {
    "constant": ConstantDuration,
    "exponential": ExponentialDuration,
    "uniform": UniformDuration,
    "triangular": TriangularDuration,
    "gamma": GammaDuration,
    "lognormal": LognormalDuration,
    "empirical": EmpiricalDuration,
}


def _shorthand(value: Any) -> Any:
    """Turn a bare number into a constant in working hours; demand a ``dist`` key in tables."""
    if isinstance(value, _DurationBase):
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return {"dist": "constant", "value": value}
    if isinstance(value, dict):
        if "dist" not in value:
            raise ValueError(
                f"a duration table needs a 'dist' key, one of: {', '.join(DISTRIBUTIONS)}"
            )
        return value
    raise ValueError(
        "a duration is a non-negative number (working hours) or a table with dist = one of "
        f"{', '.join(DISTRIBUTIONS)}; got {type(value).__name__} {value!r}"
    )


#: Pydantic field type for durations in scenario models: a table discriminated on ``dist``, or a
#: bare non-negative number meaning that many working hours.
Duration = Annotated[
    Annotated[DurationSpec, Field(discriminator="dist")],
    BeforeValidator(_shorthand),
]

_ADAPTER: TypeAdapter[DurationSpec] = TypeAdapter(Duration, config=ConfigDict(title="Duration"))


def parse_duration(value: Any) -> DurationSpec:
    """Validate a duration given as a dict (a TOML table), a bare number, or a model."""
    return _ADAPTER.validate_python(value)


class _Block:
    """Serve scalar floats from blocks drawn in one vectorized call.

    The block is reversed and popped from the end: ``list.pop()`` is the cheapest way in CPython
    to hand out the next pre-drawn Python float (no index bookkeeping in the hot path).
    """

    __slots__ = ("_buf", "block")

    def __init__(self, block: int) -> None:
        if block < 1:
            raise ValueError(f"block must be a positive integer, got {block}")
        self.block = int(block)
        self._buf: list[float] = []

    def _draw(self) -> np.ndarray:  # pragma: no cover - subclasses override
        raise NotImplementedError

    def __call__(self) -> float:
        try:
            return self._buf.pop()
        except IndexError:
            buf = self._draw().tolist()
            buf.reverse()
            self._buf = buf
            return buf.pop()


class Sampler(_Block):
    """Scalar draws from a duration spec for the simulation hot path.

    ``Sampler(spec, rng)()`` returns a Python float in the spec's unit (times ``scale``). Values
    come from ``spec.sample(rng, block)`` blocks, so a Sampler yields exactly the sequence of one
    vectorized ``spec.sample(rng, n)`` with the same generator state, whatever ``block`` is. A
    constant spec returns its value without touching ``rng``.

    Args:
        spec: the validated duration.
        rng: the mechanism's own generator (its child stream).
        block: values drawn per refill.
        scale: multiply every draw (e.g. a calendar's hours per day for ``working_days``).
    """

    __slots__ = ("rng", "scale", "spec")

    def __new__(cls, spec: DurationSpec, *args: Any, **kwargs: Any) -> Sampler:
        if cls is Sampler and isinstance(spec, ConstantDuration):
            return super().__new__(_ConstantSampler)
        return super().__new__(cls)

    def __init__(
        self,
        spec: DurationSpec,
        rng: np.random.Generator | None = None,
        block: int = 1024,
        *,
        scale: float = 1.0,
    ) -> None:
        super().__init__(block)
        if rng is None and not isinstance(spec, ConstantDuration):
            raise ValueError(f"a {spec.dist} duration needs a numpy Generator to sample from")
        self.spec = spec
        self.rng = rng
        self.scale = float(scale)

    def _draw(self) -> np.ndarray:
        rng = self.rng  # once per block, not per draw
        assert rng is not None, "checked in __init__: only a constant samples without a generator"
        values = self.spec.sample(rng, self.block)
        return values * self.scale if self.scale != 1.0 else values

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec!r}, block={self.block}, scale={self.scale})"


class _ConstantSampler(Sampler):
    """A Sampler for a constant: returns the value, never touches the generator."""

    __slots__ = ("_value",)

    def __init__(
        self,
        spec: ConstantDuration,
        rng: np.random.Generator | None = None,
        block: int = 1024,
        *,
        scale: float = 1.0,
    ) -> None:
        super().__init__(spec, rng, block, scale=scale)
        self._value = float(spec.value) * self.scale

    def __call__(self) -> float:
        return self._value


class UniformBlock(_Block):
    """Uniform floats in [0, 1) served from blocks: Bernoulli decisions (``u() < p``)."""

    __slots__ = ("rng",)

    def __init__(self, rng: np.random.Generator, block: int = 4096) -> None:
        super().__init__(block)
        self.rng = rng

    def _draw(self) -> np.ndarray:
        return self.rng.random(self.block)


class ExponentialBlock(_Block):
    """Exponential floats with the given mean served from blocks: Poisson-process gaps."""

    __slots__ = ("mean", "rng")

    def __init__(self, rng: np.random.Generator, mean: float, block: int = 1024) -> None:
        if not mean > 0:
            raise ValueError(f"mean must be greater than 0, got {mean}")
        super().__init__(block)
        self.rng = rng
        self.mean = float(mean)

    def _draw(self) -> np.ndarray:
        return self.rng.exponential(self.mean, self.block)
