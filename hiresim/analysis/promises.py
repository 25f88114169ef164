"""What HR can promise candidates, and what long waits cost: promises and candidate loss.

Here a wait that ended with the candidate withdrawing or being ghosted is **not censored**: the
candidate never heard back, and a promise to them was broken. The curve used is the share of
all waits that have heard back by ``t`` (withdrawn and ghosted waits never do). Waits still
*open* at the simulation horizon are treated as censored (they may still hear back; the
Kaplan-Meier construction keeps them out of both numerator and denominator after the horizon).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from hiresim import arguments
from hiresim.analysis import km
from hiresim.analysis.waits import (
    DAY,
    NOT_HEARD,
    as_list,
    check_bootstrap,
    check_days,
    groups,
    replication_codes,
    waits,
)
from hiresim.scenario import WEEKDAYS

if TYPE_CHECKING:
    from hiresim.tables import JourneysLike, ResultsLike


def _heard_table(results: JourneysLike, by: list[str], days: str) -> pd.DataFrame:
    if "stage" in by:
        raise ValueError("promises are about the whole wait for feedback: 'stage' is not allowed")
    table = waits(results, by, days)
    never = table["outcome"].isin(NOT_HEARD).to_numpy()
    table.loc[never, "time"] = np.inf
    table.loc[never, "event"] = False
    return table


def still_waiting(
    results: JourneysLike,
    by: str | Sequence[str] | None = None,
    days: str = "calendar",
    ci: float = 0.95,
) -> pd.DataFrame:
    """The curve :func:`promise` reads: the share of candidates who have not heard back ``days``
    after the interview, withdrawn and ghosted candidates never doing so (it levels off at their
    share), waits open at the horizon censored.

    The table has the columns of :func:`hiresim.analysis.survival` (``days``, ``survival``,
    ``lower``, ``upper``, ``at_risk``, ``events``, ``censored``), so the plots draw it the same
    way; ``promise(results, c)["days"]`` is the first day where its ``survival`` is at most
    ``1 - c``.

    >>> curve = still_waiting(results)                            # doctest: +SKIP
    """
    from hiresim.analysis.curves import SURVIVAL_COLUMNS

    arguments.results_like("results", results)
    arguments.columns("by", by)
    check_days(days)
    arguments.probability("ci", ci)
    cols = as_list(by)
    table = _heard_table(results, cols, days)
    frames = []
    for key, sub in groups(table, cols):
        est = km.km_table(sub["time"].to_numpy(), sub["event"].to_numpy(), ci=ci)
        frame = pd.DataFrame(est, columns=list(SURVIVAL_COLUMNS))
        frame = frame[np.isfinite(frame["days"])]  # "never" is no day on the axis
        for i, (col, val) in enumerate(key.items()):
            frame.insert(i, col, val)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[*cols, *SURVIVAL_COLUMNS])
    return pd.concat(frames, ignore_index=True)


def promise(
    results: JourneysLike,
    confidence: float | Sequence[float] = 0.9,
    by: str | Sequence[str] | None = None,
    ci: float = 0.95,
    n_boot: int = 500,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Days within which a share ``confidence`` of candidates hears back after an interview.

    ``confidence`` is one share (``0.9``) or several (``[0.5, 0.8, 0.9]``: one row per share,
    all from the same bootstrap resamples, so each equals the call with that share alone).

    Withdrawn and ghosted candidates count as *not heard* (ever); waits open at the horizon are
    censored. ``days`` is the smallest time at which the share heard reaches ``confidence``;
    ``promise_days`` rounds it up to whole days, the number to put in an e-mail. Both calendar
    days and business days (Monday-Friday) are reported. ``days`` is NaN when the share is never
    reached (e.g. more than ``1 - confidence`` of candidates are ghosted).

    Returns
    -------
    DataFrame, one row per days kind, group and confidence (in the order given): group
    columns, ``days_kind`` (``"calendar"``/``"business"``), ``confidence``,
    ``days``, ``lower``, ``upper`` (bootstrap over replications), ``promise_days``, ``p_heard``
    (share heard within ``promise_days``, at least ``confidence``), ``p_never`` (share withdrawn
    or ghosted).

    Examples
    --------
    >>> promise(results, confidence=0.9)                          # doctest: +SKIP
      days_kind  confidence   days  lower  upper  promise_days  p_heard  p_never
    0  calendar         0.9  19.4   18.1   21.0          20.0    0.903    0.041
    1  business         0.9  13.9   13.0   15.0          14.0    0.905    0.041
    """
    arguments.results_like("results", results)
    confidences = arguments.probabilities("confidence", confidence, empty=False)
    arguments.columns("by", by)
    check_bootstrap(ci, n_boot, seed)
    by = as_list(by)
    rows = []
    for kind in ("calendar", "business"):
        table = _heard_table(results, by, kind)
        universe = np.unique(table["replication"].to_numpy())
        weights = km.replication_weights(universe.size, n_boot, np.random.default_rng(seed))
        levels = 1.0 - np.array(confidences)
        for key, sub in groups(table, by):
            time = sub["time"].to_numpy()
            event = sub["event"].to_numpy()
            rep = replication_codes(sub["replication"].to_numpy(), universe)
            times, s = next(km.km_curves(time, event, rep, np.ones((1, universe.size))))
            points = km.curve_quantiles(times, s, levels)[0]
            curves = km.km_curves(time, event, rep, weights)
            boot = np.concatenate([km.curve_quantiles(t, b, levels) for t, b in curves])
            lo, hi = km.percentile_interval(boot, ci)
            for k, confidence_k in enumerate(confidences):
                point = points[k]
                whole = np.ceil(point - km.EPS) if np.isfinite(point) else np.nan
                heard = (1.0 - km.step_value(times, s, [whole])[0, 0] if np.isfinite(whole)
                         else np.nan)
                rows.append(
                    {
                        **key,
                        "days_kind": kind,
                        "confidence": confidence_k,
                        "days": point,
                        "lower": lo[k],
                        "upper": hi[k],
                        "promise_days": whole,
                        "p_heard": heard,
                        "p_never": float(np.mean(np.isinf(time))) if time.size else np.nan,
                    }
                )
    return pd.DataFrame(rows)


def p_heard_by(
    results: JourneysLike,
    days: float | Sequence[float] | np.ndarray,
    days_kind: str = "calendar",
    by: str | Sequence[str] | None = None,
) -> float | pd.DataFrame:
    """Probability that a candidate hears back within ``days`` of the interview.

    Withdrawn and ghosted candidates count as never hearing back; waits open at the horizon are
    censored (see :func:`promise`). A scalar ``days`` without ``by`` gives a float; otherwise a
    DataFrame with the group columns, ``days`` and ``p_heard``.

    >>> p_heard_by(results, 10)                                   # doctest: +SKIP
    0.62
    >>> p_heard_by(results, [5, 10, 15], days_kind="business")    # doctest: +SKIP
    """
    arguments.results_like("results", results)
    _check_days_list(days)
    check_days(days_kind, "days_kind")
    arguments.columns("by", by)
    by = as_list(by)
    at = np.atleast_1d(np.asarray(days, dtype=float))
    table = _heard_table(results, by, days_kind)
    frames = []
    for key, sub in groups(table, by):
        rep = np.zeros(len(sub), dtype=np.int64)
        times, s = next(
            km.km_curves(sub["time"].to_numpy(), sub["event"].to_numpy(), rep, np.ones((1, 1)))
        )
        frame = pd.DataFrame({"days": at, "p_heard": 1.0 - km.step_value(times, s, at)[0]})
        for i, (col, val) in enumerate(key.items()):
            frame.insert(i, col, val)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[*by, "days", "p_heard"])
    out = pd.concat(frames, ignore_index=True)
    if not by and np.ndim(days) == 0:
        return float(out["p_heard"].iloc[0])
    return out


def _check_days_list(days: Any) -> None:
    """``days`` of :func:`p_heard_by`: a number of days >= 0 or a sequence of them."""
    allowed = "a number of days >= 0 or a sequence of them"
    if isinstance(days, np.ndarray):
        days = days.tolist()
    values = days if isinstance(days, Sequence) and not isinstance(days, str) else [days]
    for value in values:
        try:
            arguments.number("days", value, 0.0)
        except (TypeError, ValueError) as exc:
            shown = f"{value!r} in {days!r}" if values is days else repr(days)
            raise type(exc)(f"days must be {allowed}, got {shown}") from None


def end_of_week_deadline(interview_end: Any, hour: int = 17) -> np.ndarray:
    """Deadline of "we'll let you know by the end of the week": Friday ``hour``:00 of the
    interview's week; an interview on a weekend, or on Friday after that hour, rolls to the next
    Friday."""
    t = pd.to_datetime(pd.Series(np.atleast_1d(interview_end)))
    day = t.dt.normalize()
    dow = t.dt.dayofweek.to_numpy()
    ahead = np.where(dow <= 4, 4 - dow, 11 - dow)
    deadline = day + pd.to_timedelta(ahead, unit="D") + pd.Timedelta(hours=hour)
    deadline = deadline.where(deadline >= t, deadline + pd.Timedelta(days=7))
    return deadline.to_numpy(dtype="datetime64[ns]")


def end_of_week_promise(
    results: JourneysLike,
    hour: int = 17,
    ci: float = 0.95,
    n_boot: int = 500,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Probability that a "we'll let you know by the end of the week" promise is kept.

    The promise is made on the interview day; the deadline is Friday ``hour``:00 of that week
    (a weekend interview, or a Friday interview after that hour, gets the next Friday). It is
    kept when feedback arrives by the deadline. Withdrawn and ghosted candidates did not hear
    back, so their promise counts as broken; waits open at the horizon before the deadline are
    left out (we cannot tell).

    Returns
    -------
    DataFrame with one row per interview weekday and a last row ``"all"``: ``interview_day``,
    ``n``, ``kept``, ``p_kept``, ``lower``, ``upper`` (bootstrap over replications).

    >>> end_of_week_promise(results).set_index("interview_day")["p_kept"]  # doctest: +SKIP
    """
    arguments.results_like("results", results)
    arguments.whole("hour", hour, 0, 23)
    check_bootstrap(ci, n_boot, seed)
    j = results.journeys
    start = j["interview_end"].to_numpy(dtype="datetime64[ns]")
    deadline = end_of_week_deadline(start, hour)
    limit = (deadline - start) / DAY
    days = j["days_to_feedback"].to_numpy(dtype=float)
    outcome = j["outcome"].astype(str).to_numpy()
    heard = ~j["censored"].to_numpy(dtype=bool)
    kept = heard & (days <= limit + 1e-12)
    unknown = (outcome == "open") & (days < limit)
    use = ~unknown
    dow = pd.DatetimeIndex(start).dayofweek.to_numpy()
    reps = j["replication"].to_numpy()
    universe = np.unique(reps)
    code = replication_codes(reps, universe)
    weights = km.replication_weights(universe.size, n_boot, np.random.default_rng(seed))
    rows = []
    for label, mask in [*((WEEKDAYS[d], dow == d) for d in range(7)), ("all", np.ones_like(use))]:
        m = mask & use
        if not m.any():
            continue
        n_rep = np.bincount(code[m], minlength=universe.size).astype(float)
        k_rep = np.bincount(code[m], weights=kept[m], minlength=universe.size)
        with np.errstate(invalid="ignore", divide="ignore"):
            boot = (weights @ k_rep) / (weights @ n_rep)
        lo, hi = km.percentile_interval(boot[:, None], ci)
        rows.append(
            {
                "interview_day": label,
                "n": int(m.sum()),
                "kept": int(kept[m].sum()),
                "p_kept": float(kept[m].mean()),
                "lower": lo[0],
                "upper": hi[0],
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class CandidateLoss:
    """What long waits cost. ``summary``: one row of overall shares; ``by_wait``: a life table
    of withdrawals by wait length."""

    summary: pd.DataFrame
    by_wait: pd.DataFrame


def candidate_loss(
    results: ResultsLike, bins: Sequence[float] = (0, 3, 7, 14, 21, 28, 42, 56, np.inf)
) -> CandidateLoss:
    """Share of candidates who withdraw, how withdrawal grows with the wait, declined offers.

    ``summary`` (one row): ``candidates``, ``share_withdrawn``, ``share_ghosted`` (of
    candidates, by ``final_outcome``), ``offers`` and ``share_declined`` (of offers: candidates
    with ``offer_declined`` or ``final_outcome`` in hired/declined), ``waits`` and
    ``share_waits_withdrawn`` (of journeys).

    ``by_wait`` (one row per calendar-day bin ``[start, stop)`` of the wait): ``at_risk``
    (waits still running at ``start``), ``withdrawn`` and ``heard`` in the bin,
    ``withdrawal_rate`` (``withdrawn / at_risk``: the chance that a candidate still waiting at
    ``start`` withdraws before ``stop``) and ``cumulative_withdrawn`` (share of all waits
    withdrawn before ``stop``).

    >>> loss = candidate_loss(results)                            # doctest: +SKIP
    >>> loss.by_wait[["start", "stop", "withdrawal_rate"]]          # doctest: +SKIP
    """
    arguments.results_like("results", results, ("journeys", "candidates"))
    c = results.candidates
    final = c["final_outcome"].astype(str)
    declined = (
        c["offer_declined"].to_numpy(dtype=bool)
        if "offer_declined" in c
        else (final == "declined").to_numpy()
    )
    offered = declined | final.isin(["hired", "declined"]).to_numpy()
    j = results.journeys
    days = j["days_to_feedback"].to_numpy(dtype=float)
    outcome = j["outcome"].astype(str).to_numpy()
    withdrawn = outcome == "withdrawn"
    heard = ~j["censored"].to_numpy(dtype=bool)
    summary = pd.DataFrame(
        {
            "candidates": [len(c)],
            "share_withdrawn": [float((final == "withdrawn").mean()) if len(c) else np.nan],
            "share_ghosted": [float((final == "ghosted").mean()) if len(c) else np.nan],
            "offers": [int(offered.sum())],
            "share_declined": [declined[offered].mean() if offered.any() else np.nan],
            "waits": [len(j)],
            "share_waits_withdrawn": [float(withdrawn.mean()) if len(j) else np.nan],
        }
    )
    edges = np.asarray(bins, dtype=float)
    if edges.ndim != 1 or edges.size < 2 or (np.diff(edges) <= 0).any():
        raise ValueError("bins must be an increasing sequence of at least two edges")
    rows = []
    for a, b in itertools.pairwise(edges):
        inside = (days >= a) & (days < b)
        at_risk = int((days >= a).sum())
        w = int((inside & withdrawn).sum())
        rows.append(
            {
                "start": a,
                "stop": b,
                "at_risk": at_risk,
                "withdrawn": w,
                "heard": int((inside & heard).sum()),
                "withdrawal_rate": w / at_risk if at_risk else np.nan,
                "cumulative_withdrawn": float((withdrawn & (days < b)).sum() / len(j))
                if len(j)
                else np.nan,
            }
        )
    return CandidateLoss(summary=summary, by_wait=pd.DataFrame(rows))
