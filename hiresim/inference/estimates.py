"""A quantity read from a company's records, with its interval, its count and its source.

Everything :func:`hiresim.structure` estimates (and the direct estimates of
:func:`hiresim.calibrate`) is a :class:`Quantity`: a value, an interval at a stated level, the
number of records it rests on (``n``), the file and columns it was read from, and a note. The
interval follows the kind of quantity, so that each is the textbook one a reader can check:

- a **share** (``k`` of ``n``): Wilson's score interval (:func:`share`), which stays inside
  [0, 1] and behaves for small ``n`` and shares near 0 or 1;
- a **rate** (``count`` events over an exposure): the exact Poisson (Garwood) interval
  (:func:`rate`);
- a **quantile** of fully observed values: the distribution-free interval between two order
  statistics, from the binomial distribution of how many values fall below the quantile
  (:func:`quantile`);
- a **quantile of a censored duration**: the Kaplan-Meier estimate, with the interval where the
  exponential-Greenwood bands cross the level (:func:`km_quantile`), as
  :func:`hiresim.analysis.quantiles` reports them for observed waits;
- a **count** read outright (people by id, rounds): exact, its interval is the value itself
  (:func:`counted`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hiresim.analysis.km import curve_quantiles, km_table, z_value

__all__ = ["LEVEL", "Quantity", "counted", "garwood", "km_quantile", "mean", "quantile", "rate",
           "share", "unknown", "wilson"]

#: The default level of every interval.
LEVEL = 0.95


@dataclass(frozen=True)
class Quantity:
    """One estimated quantity: a row of :meth:`hiresim.Structure.table`.

    Attributes:
        quantity: its name, dotted (``panel.round_1.size``, ``people.interviewer``, ...).
        value: the estimate (NaN when the records cannot say).
        low: lower end of the interval.
        high: upper end of the interval.
        n: how many records it rests on (applications, interviews, decisions, ...).
        source: the file and columns it was read from, or how it was estimated ("estimated from
            concurrency", ...).
        note: what the reader should know (a rule applied, a bias, why it is missing).
        interval: the kind of interval and its level (``Wilson 95 %``, ``exact``, ...).
    """

    quantity: str
    value: float
    low: float
    high: float
    n: int
    source: str
    note: str = ""
    interval: str = ""

    def covers(self, value: float) -> bool:
        """Whether ``value`` lies inside the interval (ends included)."""
        return bool(self.low <= value <= self.high)


def _percent(level: float) -> str:
    return f"{100 * level:g} %"


def share(name: str, k: int, n: int, source: str, note: str = "",
          level: float = LEVEL) -> Quantity:
    """``k`` of ``n`` as a share, with Wilson's score interval (``n == 0``: NaN, [0, 1])."""
    if n <= 0:
        return Quantity(name, math.nan, 0.0, 1.0, 0, source, note or "no records to count",
                        f"Wilson {_percent(level)}")
    lo, hi = wilson(k, n, level)
    return Quantity(name, k / n, lo, hi, int(n), source, note, f"Wilson {_percent(level)}")


def wilson(k: int, n: int, level: float = LEVEL) -> tuple[float, float]:
    """Wilson's score interval of a binomial share ``k / n``."""
    if n <= 0:
        return 0.0, 1.0
    z = z_value(level)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    # the ends are exact at k = 0 and k = n (rounding would leave 1e-18 above 0)
    return (0.0 if k == 0 else max(0.0, centre - half),
            1.0 if k == n else min(1.0, centre + half))


def garwood(count: int, exposure: float, level: float = LEVEL) -> tuple[float, float]:
    """The exact (Garwood) interval of a Poisson rate: ``count`` events over ``exposure``."""
    from scipy.stats import chi2

    alpha = 1.0 - level
    lo = 0.0 if count == 0 else chi2.ppf(alpha / 2, 2 * count) / 2.0
    hi = chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2.0
    return float(lo) / exposure, float(hi) / exposure


def rate(name: str, count: int, exposure: float, source: str, note: str = "",
         level: float = LEVEL) -> Quantity:
    """``count`` events over ``exposure`` (a time) as a rate, with the Garwood interval."""
    if not exposure > 0:
        return unknown(name, source, note or "no exposure to divide by")
    lo, hi = garwood(count, exposure, level)
    return Quantity(name, count / exposure, lo, hi, int(count), source, note,
                    f"exact Poisson (Garwood) {_percent(level)}")


def quantile(name: str, values: np.ndarray, q: float, source: str, note: str = "",
             level: float = LEVEL) -> Quantity:
    """The ``q`` quantile of fully observed ``values``, with the distribution-free interval
    between the order statistics that bracket it with probability ``level`` (the number of
    values below the true quantile is binomial(n, q)). An end the sample cannot reach is NaN
    (too few values for that level)."""
    from scipy.stats import binom

    x = np.sort(np.asarray(values, dtype=float))
    x = x[np.isfinite(x)]
    n = x.size
    if n == 0:
        return unknown(name, source, note or "no records to take a quantile of")
    value = float(np.quantile(x, q, method="inverted_cdf"))
    alpha = 1.0 - level
    # ranks (1-based) j < k with P(X_(j) <= Q <= X_(k)) >= level
    j = int(binom.ppf(alpha / 2, n, q))
    k = int(binom.ppf(1 - alpha / 2, n, q)) + 1
    lo = float(x[j - 1]) if j >= 1 else math.nan
    hi = float(x[k - 1]) if k <= n else math.nan
    return Quantity(name, value, lo, hi, n, source, note,
                    f"order statistics {_percent(level)}")


def km_quantile(name: str, time: np.ndarray, event: np.ndarray, q: float, source: str,
                note: str = "", level: float = LEVEL) -> Quantity:
    """The ``q`` quantile of a censored duration (``event`` false: censored at ``time``):
    Kaplan-Meier, with the interval where the exponential-Greenwood bands cross ``1 - q``.
    NaN where the curve (or a band) never gets that low."""
    t = np.asarray(time, dtype=float)
    e = np.asarray(event, dtype=bool)
    keep = np.isfinite(t)
    t, e = np.maximum(t[keep], 0.0), e[keep]
    if t.size == 0:
        return unknown(name, source, note or "no records to take a quantile of")
    km = km_table(t, e, ci=level)
    lvl = np.array([1.0 - q])
    value = float(curve_quantiles(km["days"], km["survival"][None, :], lvl)[0, 0])
    lo = float(curve_quantiles(km["days"], km["lower"][None, :], lvl)[0, 0])
    hi = float(curve_quantiles(km["days"], km["upper"][None, :], lvl)[0, 0])
    return Quantity(name, value, lo, hi, int(t.size), source, note,
                    f"Kaplan-Meier, Greenwood {_percent(level)}")


def mean(name: str, values: np.ndarray, source: str, note: str = "",
         level: float = LEVEL) -> Quantity:
    """The mean of ``values`` with the normal interval (its standard error)."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return unknown(name, source, note or "no records to average")
    m = float(x.mean())
    se = float(x.std(ddof=1) / math.sqrt(x.size)) if x.size > 1 else math.nan
    z = z_value(level)
    return Quantity(name, m, m - z * se, m + z * se, int(x.size), source, note,
                    f"normal (standard error) {_percent(level)}")


def counted(name: str, value: float, n: int, source: str, note: str = "") -> Quantity:
    """A value read outright (a count of ids, the number of rounds): its interval is itself."""
    return Quantity(name, float(value), float(value), float(value), int(n), source, note,
                    "exact (counted)")


def unknown(name: str, source: str, note: str) -> Quantity:
    """A quantity the records cannot give: NaN, with the reason in ``note``."""
    return Quantity(name, math.nan, math.nan, math.nan, 0, source, note, "")
