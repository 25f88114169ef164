"""Scores of forecast distributions against what happened: pinball loss, CRPS, median bias.

A forecast's answer for one application is a distribution of the days until the candidate
hears, with a mass at ``inf`` ("never", or not within the horizon). It is held as points
(``Forecast.draws[app]["heard"]``): a simulation's agreeing replications, equally weighted, or
the records' own estimate (:mod:`hiresim.inference.empirical`), whose points carry a
``weight``. The functions here read both alike (``weights=None``: equal weights).

**The scale: days capped.** Each realised answer is scored on days after the forecast's date
capped at ``cap`` = the smallest of :data:`CAP_DAYS` (issue 22's definition: 120 days), the
forecast's horizon, and the days from the date to the export. Capping makes every answer known:
"never" and "not within the cap" both count as ``cap`` days, and an answer still open at the
export (*censored*: only known to come after it) is exactly ``cap`` days on the capped scale,
because the export comes after the cap — the cap is shortened to the export for the dates
closer to it than :data:`CAP_DAYS`. The forecast is capped the same way (its quantile beyond
the cap, or "never", is ``cap``), so both sides are compared on what could be observed: the
scores are exact, nothing is imputed, and a censored answer is neither dropped (which would
favour early forecasts) nor scored by a bound. The scores are proper on the capped scale: the
true distribution's quantiles minimise the expected pinball loss, and the true distribution
minimises the expected CRPS. Dates at least :data:`CAP_DAYS` before the export score every
answer on the full scale; a date close to the export scores its answers on a shorter one (on
which every method is judged alike).

- **Pinball loss** at level ``tau`` of the forecast quantile ``q`` (capped) and realised ``y``
  (capped): ``tau (y - q)`` when ``y >= q``, else ``(1 - tau) (q - y)``, in days;
  :data:`PINBALL_LEVELS` are 0.5 and 0.8 (the median and the 80 % date a candidate is given),
  and ``pinball`` is their mean.
- **CRPS**: ``∫_0^cap (F(x) - 1{y <= x})^2 dx`` in days, with ``F`` the forecast's probability
  of having heard by ``x``; it is twice the pinball loss averaged over every level, so it judges
  the whole distribution. Computed exactly on the step function of the points.
- **Bias of the median**: the residual ``y - q_0.5`` (capped) in days; its mean over
  applications is positive when answers come later than the forecasts' medians.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

#: Days at which realised and forecast answers are capped (issue 22: "days capped at 120").
CAP_DAYS = 120
#: Levels of the pinball loss: the median and the 80 % date.
PINBALL_LEVELS = (0.5, 0.8)
#: The method every other is compared with in :func:`score_table`.
BASELINE = "empirical"
#: A share counts as reaching a level within this tolerance (sums of weights in floating point).
_EPS = 1e-9


def share_at_most(points: np.ndarray, weights: np.ndarray | None, x: np.ndarray | float
                  ) -> np.ndarray:
    """Probability of a point ``<= x``, for each ``x`` (NaN without points)."""
    points = np.asarray(points, float)
    x = np.atleast_1d(np.asarray(x, float))
    if not len(points):
        return np.full(x.shape, math.nan)
    order = np.argsort(points, kind="stable")
    below = np.searchsorted(points[order], x, side="right")
    if weights is None:
        return np.asarray(below / len(points))
    cum = np.concatenate([[0.0], np.cumsum(np.asarray(weights, float)[order])])
    return np.asarray(cum[below])


def share_below(points: np.ndarray, weights: np.ndarray | None, x: float) -> float:
    """Probability of a point ``< x``."""
    points = np.asarray(points, float)
    if weights is None:
        return float(np.mean(points < x))
    return float(np.sum(np.asarray(weights, float)[points < x]))


def quantile(points: np.ndarray, weights: np.ndarray | None, level: float) -> float:
    """The smallest point whose probability of at most it reaches ``level`` (``inf`` when only
    "never" or "beyond the horizon" does; NaN without points). Equal weights give NumPy's
    ``inverted_cdf`` quantile."""
    points = np.asarray(points, float)
    if not len(points):
        return math.nan
    if weights is None:
        return float(np.quantile(points, level, method="inverted_cdf"))
    order = np.argsort(points, kind="stable")
    cum = np.cumsum(np.asarray(weights, float)[order])
    hit = np.flatnonzero(cum >= level - _EPS)
    return float(points[order][hit[0]]) if len(hit) else math.inf


def pinball(forecast: np.ndarray | float, realised: np.ndarray | float, level: float
            ) -> np.ndarray:
    """Pinball (quantile) loss at ``level`` of the forecast quantile against the realised
    value: ``level (y - q)`` when ``y >= q``, else ``(1 - level) (q - y)``."""
    diff = np.asarray(realised, float) - np.asarray(forecast, float)
    return np.asarray(np.where(diff >= 0, level * diff, (level - 1.0) * diff))


def crps(points: np.ndarray, weights: np.ndarray | None, realised: float, cap: float) -> float:
    """The CRPS on ``[0, cap]`` of the forecast points against ``realised`` (both capped at
    ``cap``): ``∫_0^cap (F(x) - 1{y <= x})^2 dx``, exact for the step function ``F``."""
    points = np.asarray(points, float)
    if not len(points):
        return math.nan
    y = min(float(realised), cap)
    inside = points[(points > 0) & (points < cap)]
    marks = [0.0, *inside.tolist(), cap] + ([y] if 0 < y < cap else [])
    edges = np.unique(np.asarray(marks, float))
    left = edges[:-1]
    f = share_at_most(points, weights, left)
    told = (y <= left).astype(float)
    return float(np.sum((f - told) ** 2 * np.diff(edges)))


def row_scores(points: np.ndarray, weights: np.ndarray | None, realised: float, cap: float
               ) -> dict[str, float]:
    """One forecast's scores against its realised answer, on days capped at ``cap``:
    ``q_50`` and ``q_80`` (the forecast quantiles of :data:`PINBALL_LEVELS`, capped),
    ``pinball_50``, ``pinball_80``, ``pinball`` (their mean), ``crps`` and ``residual`` (the
    realised days minus the forecast median). NaN without points."""
    y = min(float(realised), cap)
    out: dict[str, float] = {}
    for level in PINBALL_LEVELS:
        name = f"{round(level * 100):d}"
        q = min(quantile(points, weights, level), cap) if len(points) else math.nan
        out[f"q_{name}"] = q
        out[f"pinball_{name}"] = float(pinball(q, y, level))
    out["pinball"] = float(np.mean([out[f"pinball_{round(p * 100):d}"] for p in PINBALL_LEVELS]))
    out["crps"] = crps(points, weights, y, cap)
    out["residual"] = y - out["q_50"]
    return out


#: Columns of :func:`row_scores`, in order.
ROW_SCORES = ("q_50", "q_80", "pinball_50", "pinball_80", "pinball", "crps", "residual")


def score_table(table: pd.DataFrame, methods: Sequence[str]) -> pd.DataFrame:
    """One row per method: its mean scores over the applications that every method forecast
    (the same rows for all, so that they compare), and its pinball loss and CRPS as ratios to
    :data:`BASELINE`'s (NaN when the baseline is not among ``methods``).

    ``table`` is :attr:`hiresim.inference.backtests.Backtest.table`. Columns: ``method``,
    ``n`` (applications scored), ``no_forecast`` (this method's applications without a
    forecast, left out for every method), ``censored`` (share of the scored answers still open
    at the export), ``pinball_50``, ``pinball_80``, ``pinball`` (their mean), ``crps``,
    ``bias_50`` (mean residual of the median, days: positive when answers come later than
    forecast), ``pinball_vs_empirical`` and ``crps_vs_empirical`` (the ratios to
    :data:`BASELINE`'s: below 1, the method beats the records alone).
    """
    import pandas as pd

    key = ["as_of", "application_id"]
    scored = table.loc[table["pinball"].notna()]
    counts = scored.groupby(key).size()
    common = set(counts.index[counts == len(methods)])
    rows = []
    for m in methods:
        own = table.loc[table["method"] == m]
        t = own.loc[[k in common for k in zip(own["as_of"], own["application_id"],
                                               strict=True)]]
        some = len(t) > 0

        def mean(col: str, t: pd.DataFrame = t, some: bool = some) -> float:
            return float(t[col].astype(float).mean()) if some else math.nan

        rows.append({"method": m, "n": len(t), "no_forecast": int(own["pinball"].isna().sum()),
                     "censored": mean("censored"), "pinball_50": mean("pinball_50"),
                     "pinball_80": mean("pinball_80"), "pinball": mean("pinball"),
                     "crps": mean("crps"), "bias_50": mean("residual")})
    out = pd.DataFrame(rows)
    base = out.loc[out["method"] == BASELINE]
    for col in ("pinball", "crps"):
        ref = float(base[col].iloc[0]) if len(base) else math.nan
        out[f"{col}_vs_empirical"] = out[col] / ref if ref > 0 else math.nan
    return out
