"""The world's own per-round quantiles of the wait for feedback, and its own what-if effects.

Measured from the world's event records (:attr:`WorldRun.waits`), never through hiresim: a
small Kaplan-Meier estimator (withdrawn, ghosted and still-open waits censored, as design
section 7 defines them) and its quantiles - the smallest time at which the survival curve
falls to ``1 - q`` or below. :func:`world_effects` runs the world and its what-if variants
with the same seed (common random numbers) and reports each variant's change of P50 and P75
per round: the effect a calibrated scenario's prediction is judged against.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.worlds.cache import cached_run
from tests.worlds.company import WorldRun
from tests.worlds.config import WHAT_IFS, WorldConfig

#: Tolerance when comparing a survival probability with a level (products of ratios land a
#: few ulps off exact fractions).
EPS = 1e-9


def kaplan_meier(days: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct event-or-censoring times and the survival just after each."""
    days = np.asarray(days, dtype=float)
    event = np.asarray(event, dtype=bool)
    times, inverse = np.unique(days, return_inverse=True)
    removed = np.bincount(inverse, minlength=times.size)
    deaths = np.bincount(inverse, weights=event.astype(float), minlength=times.size)
    at_risk = days.size - np.cumsum(removed) + removed
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(at_risk > 0, 1.0 - deaths / at_risk, 1.0)
    return times, np.cumprod(factor)


def km_quantile(days: np.ndarray, event: np.ndarray, q: float) -> float:
    """The ``q`` quantile of the Kaplan-Meier estimate; NaN when the curve stays above."""
    times, survival = kaplan_meier(days, event)
    hit = np.flatnonzero(survival <= 1.0 - q + EPS)
    return float(times[hit[0]]) if hit.size else float("nan")


def feedback_quantiles(run: WorldRun, q: tuple[float, ...] = (0.5, 0.75)) -> pd.DataFrame:
    """Per round: ``n`` waits, ``events`` (heard), and the Kaplan-Meier quantiles of the wait
    for feedback in days, one column per level of ``q`` (``p50``, ``p75``); NaN where the
    curve never falls that far."""
    w = run.waits
    rows = []
    for r, g in w.groupby("round", sort=True):
        row: dict[str, float] = {"round": int(r), "n": len(g),
                                 "events": int((~g["censored"]).sum())}
        for level in q:
            row[f"p{round(level * 100)}"] = km_quantile(g["days"].to_numpy(),
                                                        ~g["censored"].to_numpy(), level)
        rows.append(row)
    return pd.DataFrame(rows)


def world_effects(cfg: WorldConfig, seed: int, years: float = 4.0,
                  what_ifs: tuple[str, ...] = WHAT_IFS) -> pd.DataFrame:
    """The world's own effect of each what-if on the per-round P50 and P75.

    One row per variant (``base`` first) and round: ``p50``, ``p75`` and, for the what-ifs,
    ``effect_p50`` / ``effect_p75`` (variant minus base, days; negative is shorter).
    """
    frames = []
    base = feedback_quantiles(cached_run(cfg, seed, years))
    frames.append(base.assign(variant="base"))
    for name in what_ifs:
        q = feedback_quantiles(cached_run(cfg.variant(name), seed, years))
        q = q.assign(variant=name,
                     effect_p50=q["p50"].to_numpy() - base["p50"].to_numpy(),
                     effect_p75=q["p75"].to_numpy() - base["p75"].to_numpy())
        frames.append(q)
    out = pd.concat(frames, ignore_index=True)
    return out[["variant", "round", "n", "events", "p50", "p75", "effect_p50", "effect_p75"]]
