"""Kaplan-Meier engine: the point estimate with Greenwood bands and a vectorized bootstrap.

Pure numpy, no pandas. Two entry points:

* :func:`km_table` - the estimate at every distinct time, with at-risk and event counts and
  exponential-Greenwood ("log(-log)") confidence bands, exactly as lifelines computes them;
* :func:`km_curves` - many weighted Kaplan-Meier curves at once, one per row of a matrix of
  replication weights (a bootstrap over replications), for quantiles and restricted means.
"""

from __future__ import annotations

from collections.abc import Iterator
from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike

#: Tolerance when comparing a survival probability with a level: ``S(t) <= level + EPS``.
#: Products of ratios such as ``(9/10) * (8/9) * ...`` land a few ulps above exact fractions.
EPS = 1e-9

#: Largest number of (bootstrap sample x row) cells handled in one vectorized chunk.
_CHUNK_CELLS = 4_000_000


def z_value(ci: float) -> float:
    """Two-sided normal quantile for a confidence level ``ci`` (0.95 -> 1.959964)."""
    if not 0.0 < ci < 1.0:
        raise ValueError(f"ci must be in (0, 1), got {ci!r}")
    return NormalDist().inv_cdf(1.0 - (1.0 - ci) / 2.0)


def km_table(time: np.ndarray, event: np.ndarray, ci: float = 0.95) -> dict[str, np.ndarray]:
    """Kaplan-Meier estimate with exponential Greenwood confidence bands.

    Returns arrays ``days`` (0 then every distinct time), ``at_risk``, ``events``,
    ``censored``, ``survival``, ``lower``, ``upper``. The bands are lifelines' default:
    ``exp(-exp(log(-log S) -/+ z * sqrt(V) / log S))`` with Greenwood's
    ``V = sum d / (n (n - d))`` (a term with ``n == d`` counts 0), and 1 where undefined.
    """
    time = np.asarray(time, dtype=float)
    event = np.asarray(event, dtype=bool)
    if time.shape != event.shape:
        raise ValueError("time and event must have the same shape")
    if np.isnan(time).any():
        raise ValueError("time contains NaN")
    uniq, inverse = np.unique(time, return_inverse=True)
    removed = np.bincount(inverse, minlength=uniq.size).astype(float)
    deaths = np.bincount(inverse, weights=event.astype(float), minlength=uniq.size)
    if uniq.size == 0 or uniq[0] > 0:
        uniq = np.concatenate([[0.0], uniq])
        removed = np.concatenate([[0.0], removed])
        deaths = np.concatenate([[0.0], deaths])
    n = time.size - np.cumsum(removed) + removed
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.cumsum(np.log(n - deaths) - np.log(n))
        terms = deaths / (n * (n - deaths))
        terms[~np.isfinite(terms)] = 0.0
        var = np.cumsum(terms)
        z = z_value(ci)
        v = log_s
        lower = np.exp(-np.exp(np.log(-v) - z * np.sqrt(var) / v))
        upper = np.exp(-np.exp(np.log(-v) + z * np.sqrt(var) / v))
    lower[np.isnan(lower)] = 1.0
    upper[np.isnan(upper)] = 1.0
    return {
        "days": uniq,
        "survival": np.exp(log_s),
        "lower": lower,
        "upper": upper,
        "at_risk": n.astype(np.int64),
        "events": deaths.astype(np.int64),
        "censored": (removed - deaths).astype(np.int64),
    }


def km_curves(
    time: np.ndarray, event: np.ndarray, rep: np.ndarray, weights: np.ndarray
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Weighted Kaplan-Meier curves, one per row of ``weights`` (shape ``(B, R)``).

    ``rep`` gives each observation's replication code in ``0..R-1``; an observation counts
    ``weights[b, rep]`` times in curve ``b``. Yields ``(times, S)`` chunks with ``S`` of shape
    ``(b, len(times))``: the survival just after each distinct time. Rows are processed in
    chunks so memory stays bounded.
    """
    time = np.asarray(time, dtype=float)
    order = np.argsort(time, kind="stable")
    t = time[order]
    e = np.asarray(event, dtype=float)[order]
    r = np.asarray(rep)[order]
    uniq, starts = np.unique(t, return_index=True)
    weights = np.asarray(weights, dtype=float)
    if t.size == 0:
        yield uniq, np.ones((weights.shape[0], 0))
        return
    step = max(1, _CHUNK_CELLS // max(t.size, 1))
    for lo in range(0, weights.shape[0], step):
        w = weights[lo : lo + step][:, r]
        d = np.add.reduceat(w * e, starts, axis=1)
        m = np.add.reduceat(w, starts, axis=1)
        n = m.sum(axis=1, keepdims=True) - np.cumsum(m, axis=1) + m
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where(n > 0, 1.0 - d / n, 1.0)
        yield uniq, np.cumprod(f, axis=1)


def curve_quantiles(times: np.ndarray, s: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Smallest time with ``S(t) <= level`` per curve and level; NaN where never reached.

    ``s`` has shape ``(B, T)``; returns shape ``(B, len(levels))``.
    """
    out = np.full((s.shape[0], len(levels)), np.nan)
    if times.size == 0:
        return out
    for k, level in enumerate(levels):
        hit = s <= level + EPS
        found = hit.any(axis=1)
        idx = hit.argmax(axis=1)
        out[found, k] = times[idx[found]]
    return out


def curve_rmst(times: np.ndarray, s: np.ndarray, tau: float) -> np.ndarray:
    """Restricted mean ``integral_0^tau S(t) dt`` of right-continuous step curves ``s``."""
    if times.size == 0:
        return np.full(s.shape[0], np.nan)
    edges = np.minimum(np.append(times, tau), tau)
    widths = np.diff(edges)
    head = min(times[0], tau) if times[0] > 0 else 0.0
    fin = np.isfinite(widths)
    return head + s[:, fin] @ widths[fin]


def step_value(times: np.ndarray, s: np.ndarray, at: ArrayLike) -> np.ndarray:
    """Evaluate right-continuous step curves ``s`` (``(B, T)``) at times ``at``: ``(B, len(at))``.

    Before the first time the curve is 1.
    """
    points = np.asarray(at, dtype=float)
    idx = np.searchsorted(times, points, side="right") - 1
    padded = np.concatenate([np.ones((s.shape[0], 1)), s], axis=1)
    return padded[:, idx + 1]


def replication_weights(n_reps: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """``(n_boot, n_reps)`` counts: how often each replication is drawn in each resample."""
    if n_reps == 0:
        return np.zeros((n_boot, 0))
    return rng.multinomial(n_reps, np.full(n_reps, 1.0 / n_reps), size=n_boot).astype(float)


def percentile_interval(samples: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval along axis 0; NaN samples (level never reached) count as
    +inf, and an infinite bound is reported as NaN (unknown)."""
    samples = np.asarray(samples, dtype=float)
    finite = np.where(np.isfinite(samples), samples, -np.inf)
    top = finite.max(axis=0) if samples.size else np.array(np.nan)
    a = np.where(np.isfinite(samples), samples, np.finfo(float).max / 4)
    alpha = (1.0 - ci) / 2.0
    lo = np.quantile(a, alpha, axis=0)
    hi = np.quantile(a, 1.0 - alpha, axis=0)
    lo = np.where(lo <= top, lo, np.nan)
    hi = np.where(hi <= top, hi, np.nan)
    return lo, hi
