"""Time-to-feedback distributions: Kaplan-Meier survival, quantiles and restricted means.

Withdrawn, ghosted and open waits are *censored*: we know the candidate had not heard back
after ``days_to_feedback`` days, not when they would have. The Kaplan-Meier estimator uses that
information without biasing the curve towards short waits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hiresim import arguments
from hiresim.analysis import km
from hiresim.analysis.headline import common_tau
from hiresim.analysis.waits import (
    as_list,
    check_bootstrap,
    check_days,
    groups,
    replication_codes,
    waits,
)

if TYPE_CHECKING:
    from hiresim.tables import JourneysLike

SURVIVAL_COLUMNS = ("days", "survival", "lower", "upper", "at_risk", "events", "censored")
QUANTILE_COLUMNS = ("statistic", "q", "days", "lower", "upper")


def survival(
    results: JourneysLike,
    by: str | Sequence[str] | None = None,
    days: str = "calendar",
    ci: float = 0.95,
) -> pd.DataFrame:
    """Kaplan-Meier estimate of the probability that a candidate is still waiting after ``days``.

    Censored waits (outcome ``withdrawn``, ``ghosted`` or ``open``) leave the risk set without
    an event. Confidence bands are the exponential Greenwood ("log(-log)") bands that lifelines'
    ``KaplanMeierFitter`` reports by default. Where nothing is censored the curve is one minus
    the empirical CDF.

    Parameters
    ----------
    results:
        A :class:`hiresim.Results`.
    by:
        Column(s) of ``results.journeys`` to estimate one curve per group, e.g. ``"round"``,
        ``"outcome"``, ``"requisition"``. ``"stage"`` estimates the time spent in each stage of
        the pipeline (first activity enabled to last activity completed, from the event log).
    days:
        ``"calendar"`` (``days_to_feedback``) or ``"business"`` (Monday-Friday days,
        ``business_days_to_feedback``).
    ci:
        Confidence level of the bands.

    Returns
    -------
    DataFrame with the group columns, then ``days`` (0 and every distinct time), ``survival``,
    ``lower``, ``upper``, ``at_risk``, ``events`` (feedback given at that time) and ``censored``.

    Examples
    --------
    >>> km = survival(results, by="round")                       # doctest: +SKIP
    >>> km.loc[km["days"] <= 14].groupby("round")["survival"].last()  # doctest: +SKIP
    """
    arguments.results_like("results", results)
    arguments.columns("by", by)
    check_days(days)
    arguments.probability("ci", ci)
    by = as_list(by)
    table = waits(results, by, days)
    frames = []
    for key, sub in groups(table, by):
        est = km.km_table(sub["time"].to_numpy(), sub["event"].to_numpy(), ci=ci)
        frame = pd.DataFrame(est, columns=list(SURVIVAL_COLUMNS))
        for i, (col, val) in enumerate(key.items()):
            frame.insert(i, col, val)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[*by, *SURVIVAL_COLUMNS])
    return pd.concat(frames, ignore_index=True)


def quantiles(
    results: JourneysLike,
    q: Sequence[float] = (0.1, 0.5, 0.9, 0.95),
    by: str | Sequence[str] | None = None,
    ci: float = 0.95,
    n_boot: int = 500,
    seed: int | None = 0,
    days: str = "calendar",
    mean: bool = True,
    tau: float | None = None,
    measure: str = "feedback",
) -> pd.DataFrame:
    """Kaplan-Meier quantiles of the wait and its restricted mean, with bootstrap intervals.

    The ``q`` quantile is the smallest time ``t`` with ``S(t) <= 1 - q``: the day by which a
    share ``q`` of candidates has heard back, censoring accounted for. It is NaN when the curve
    never gets that low (too much censoring). Confidence intervals are percentile bootstrap
    intervals that resample whole *replications* with replacement (the replication is the
    independent unit; candidates of one replication share people and calendars). A bound is NaN
    when more than ``(1 - ci) / 2`` of the resamples never reach the level.

    With ``mean=True`` a row ``statistic="restricted_mean"`` gives the area under the curve up to
    ``tau``: by default the horizon of the headline average
    (:func:`hiresim.analysis.headline_tau` of the groups' waits pooled, the same for every
    group and never below a group's median: see :func:`hiresim.analysis.headline.common_tau`),
    so the ungrouped row *is* :func:`hiresim.analysis.headline`. With ``tau`` at least the longest
    wait and no censoring it equals the sample mean.

    ``measure="final_answer"`` measures each interviewed candidate's whole process instead of
    each wait for feedback: from the end of the first interview to the final answer (an offer,
    accepted or declined, or a rejection they were told of), censored where the candidate
    withdrew, was ghosted, saw the job cancelled or was still waiting
    (:func:`hiresim.analysis.waits.final_answer_waits`); ``by="outcome"`` then groups by the
    final outcome. Unlike "first interview to offer" figures, which count only candidates who
    got an offer, it keeps the long processes that ended otherwise.

    Returns
    -------
    DataFrame: group columns, ``statistic`` (``"quantile"`` or ``"restricted_mean"``), ``q``
    (NaN for the mean), ``days``, ``lower``, ``upper``.

    Examples
    --------
    >>> quantiles(results, q=(0.5, 0.9))                          # doctest: +SKIP
      statistic    q   days  lower  upper
    0  quantile  0.5   6.02   5.71   6.40
    1  quantile  0.9  17.85  16.90  19.11
    2  restricted_mean NaN 8.13 7.80 8.49
    """
    arguments.results_like("results", results)
    qs = np.asarray(arguments.probabilities("q", q), dtype=float)
    arguments.columns("by", by)
    check_bootstrap(ci, n_boot, seed)
    check_days(days)
    arguments.flag("mean", mean)
    arguments.number("tau", tau, 0.0, above=True, none=True)
    by = as_list(by)
    table = waits(results, by, days, measure)
    if tau is None:  # one ruler for every group: the headline's horizon
        tau = common_tau([(sub["time"].to_numpy(dtype=float), sub["event"].to_numpy(dtype=bool))
                          for _, sub in groups(table, by)])
    universe = np.unique(table["replication"].to_numpy())
    weights = km.replication_weights(universe.size, n_boot, np.random.default_rng(seed))
    frames = []
    for key, sub in groups(table, by):
        stats = _bootstrap_stats(sub, universe, weights, qs, ci, mean, tau)
        for i, (col, val) in enumerate(key.items()):
            stats.insert(i, col, val)
        frames.append(stats)
    if not frames:
        return pd.DataFrame(columns=[*by, *QUANTILE_COLUMNS])
    return pd.concat(frames, ignore_index=True)


def restricted_mean(
    results: JourneysLike,
    tau: float | None = None,
    by: str | Sequence[str] | None = None,
    ci: float = 0.95,
    n_boot: int = 500,
    seed: int | None = 0,
    days: str = "calendar",
) -> pd.DataFrame:
    """Restricted mean wait ``integral_0^tau S(t) dt`` with a bootstrap interval over replications.

    ``tau`` defaults to the headline average's horizon (:func:`hiresim.analysis.headline_tau`,
    one for all groups). Without censoring the restricted mean up to the longest wait is the
    sample mean.

    >>> restricted_mean(results, tau=60)                          # doctest: +SKIP
             statistic  q  days  lower  upper   tau
    0  restricted_mean NaN  8.1    7.8    8.5  60.0
    """
    out = quantiles(results, q=(), by=by, ci=ci, n_boot=n_boot, seed=seed, days=days, tau=tau)
    return out


def _bootstrap_stats(
    sub: pd.DataFrame,
    universe: np.ndarray,
    weights: np.ndarray,
    qs: np.ndarray,
    ci: float,
    mean: bool,
    tau: float | None,
) -> pd.DataFrame:
    time = sub["time"].to_numpy(dtype=float)
    event = sub["event"].to_numpy(dtype=bool)
    rep = replication_codes(sub["replication"].to_numpy(), universe)
    horizon = float(tau) if tau is not None else np.nan
    point_q, point_m = _curve_stats(time, event, rep, np.ones((1, universe.size)), qs, horizon)
    boot_q = np.empty((weights.shape[0], qs.size))
    boot_m = np.empty(weights.shape[0])
    _fill_stats(time, event, rep, weights, qs, horizon, boot_q, boot_m)
    rows = []
    if qs.size:
        lo, hi = km.percentile_interval(boot_q, ci)
        for k, level in enumerate(qs):
            rows.append(("quantile", level, point_q[0, k], lo[k], hi[k]))
    if mean:
        lo_m, hi_m = km.percentile_interval(boot_m[:, None], ci)
        rows.append(("restricted_mean", np.nan, point_m[0], lo_m[0], hi_m[0]))
    out = pd.DataFrame(rows, columns=list(QUANTILE_COLUMNS))
    if mean:
        out["tau"] = np.where(out["statistic"] == "restricted_mean", horizon, np.nan)
    return out


def _curve_stats(
    time: np.ndarray,
    event: np.ndarray,
    rep: np.ndarray,
    weights: np.ndarray,
    qs: np.ndarray,
    tau: float,
) -> tuple[np.ndarray, np.ndarray]:
    boot_q = np.empty((weights.shape[0], qs.size))
    boot_m = np.empty(weights.shape[0])
    _fill_stats(time, event, rep, weights, qs, tau, boot_q, boot_m)
    return boot_q, boot_m


def _fill_stats(
    time: np.ndarray,
    event: np.ndarray,
    rep: np.ndarray,
    weights: np.ndarray,
    qs: np.ndarray,
    tau: float,
    out_q: np.ndarray,
    out_m: np.ndarray,
) -> None:
    row = 0
    for times, s in km.km_curves(time, event, rep, weights):
        b = s.shape[0]
        out_q[row : row + b] = km.curve_quantiles(times, s, 1.0 - qs)
        out_m[row : row + b] = km.curve_rmst(times, s, tau) if np.isfinite(tau) else np.nan
        row += b
