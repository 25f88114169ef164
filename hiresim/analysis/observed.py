"""The records' own figures, with intervals, to put beside a scenario's: what a company's
export says about its waits for feedback and the promises it could make.

A scenario's numbers about a company are only as good as its match to the company's records.
Wherever the package shows such numbers (the promise table, the HR report, ``hiresim ats
check``) it shows these beside them: Kaplan-Meier figures of the export's own waits, with
exponential-Greenwood 95 % intervals (one export is one sample: there are no replications to
resample), and :func:`disagreements` says in words where the scenario falls outside them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hiresim import arguments
from hiresim.analysis import km
from hiresim.analysis.waits import NOT_HEARD, waits

if TYPE_CHECKING:
    from hiresim.tables import JourneysLike


def _quantile(curve: dict[str, np.ndarray], level: float) -> tuple[float, float, float]:
    """The first day the curve (and each band) is at most ``level``: estimate, low, high."""
    lvl = np.array([level])
    days = curve["days"]
    est = km.curve_quantiles(days, curve["survival"][None, :], lvl)[0, 0]
    low = km.curve_quantiles(days, curve["lower"][None, :], lvl)[0, 0]
    high = km.curve_quantiles(days, curve["upper"][None, :], lvl)[0, 0]
    return float(est), float(low), float(high)


def observed_promise(records: JourneysLike, confidence: float | Sequence[float] = (0.5, 0.8,
                                                                                    0.9),
                     ci: float = 0.95) -> pd.DataFrame:
    """The days within which a share ``confidence`` of the records' candidates heard back
    after an interview, withdrawn and never-told candidates counting as never hearing (as
    :func:`hiresim.analysis.promise` counts them), waits still open censored.

    Returns one row per confidence: ``confidence``, ``days``, ``lower``, ``upper`` (where the
    Greenwood bands reach the level; NaN when never), ``promise_days`` (``days`` rounded up),
    ``p_never`` (share withdrawn or never told) and ``n`` (waits).
    """
    arguments.results_like("records", records)
    confidences = arguments.probabilities("confidence", confidence, empty=False)
    arguments.probability("ci", ci)
    table = waits(records)
    never = table["outcome"].isin(NOT_HEARD).to_numpy() if "outcome" in table else np.zeros(
        len(table), bool)
    time = np.where(never, np.inf, table["time"].to_numpy(float))
    event = table["event"].to_numpy(bool) & ~never
    curve = km.km_table(time, event, ci=ci) if len(time) else None
    rows = []
    for c in confidences:
        est = low = high = float("nan")
        if curve is not None:
            est, low, high = _quantile(curve, 1.0 - c)
        rows.append({"confidence": c, "days": est, "lower": low, "upper": high,
                     "promise_days": float(np.ceil(est - km.EPS)) if np.isfinite(est)
                     else float("nan"),
                     "p_never": float(never.mean()) if len(never) else float("nan"),
                     "n": len(time)})
    return pd.DataFrame(rows)


def observed_waits(records: JourneysLike, q: Sequence[float] = (0.5, 0.9),
                   ci: float = 0.95) -> pd.DataFrame:
    """The records' waits for feedback per round: counts of each end and Kaplan-Meier
    quantiles with Greenwood intervals (every end but hearing is censored, as calibration
    reads them).

    Returns one row per round and quantile: ``round``, ``waits``, ``heard``, ``withdrawn``,
    ``never_told``, ``still_open``, ``q``, ``days``, ``lower``, ``upper``.
    """
    arguments.results_like("records", records)
    levels = arguments.probabilities("q", q, empty=False)
    journeys = records.journeys
    rows = []
    for k, sub in journeys.groupby("round", sort=True):
        outcome = sub["outcome"].astype(str)
        curve = km.km_table(sub["days_to_feedback"].to_numpy(float),
                            ~sub["censored"].to_numpy(bool), ci=ci)
        counts = {"waits": len(sub), "heard": int((~sub["censored"]).sum()),
                  "withdrawn": int((outcome == "withdrawn").sum()),
                  "never_told": int((outcome == "ghosted").sum()),
                  "still_open": int((outcome == "open").sum())}
        for level in levels:
            est, low, high = _quantile(curve, 1.0 - level)
            rows.append({"round": int(k), **counts, "q": level, "days": est, "lower": low,
                         "upper": high})
    return pd.DataFrame(rows, columns=["round", "waits", "heard", "withdrawn", "never_told",
                                       "still_open", "q", "days", "lower", "upper"])


def disagreements(simulated: pd.DataFrame, observed: pd.DataFrame) -> list[str]:
    """Sentences for each promise where the scenario's days lie outside the records'
    interval: ``simulated`` is :func:`hiresim.analysis.promise` (its calendar rows),
    ``observed`` :func:`observed_promise` at the same confidences. Empty when they agree."""
    sim = simulated
    if "days_kind" in sim:
        sim = sim[sim["days_kind"] == "calendar"]
    out = []
    for row in observed.itertuples():
        match = sim[np.isclose(sim["confidence"], row.confidence)]
        if not len(match):
            continue
        got = float(match["days"].iloc[0])
        share = f"{row.confidence:.0%}"
        if not np.isfinite(row.days):
            if np.isfinite(got):
                out.append(f"the scenario says {share} hear within {got:.0f} days; in the "
                           f"records {share} never do (too many withdraw or are never told)")
            continue
        low = row.lower if np.isfinite(row.lower) else row.days
        high = row.upper if np.isfinite(row.upper) else np.inf
        shown = (f"{row.days:.0f} days ({low:.0f} to {high:.0f})" if np.isfinite(high)
                 else f"{row.days:.0f} days (at least {low:.0f})")
        if not np.isfinite(got):
            out.append(f"the scenario says {share} may never hear; the records show {share} "
                       f"heard within {shown}")
        elif not low - 0.5 <= got <= high + 0.5:
            out.append(f"the scenario says {share} hear within {got:.0f} days; the records "
                       f"show {shown}")
    return out


__all__ = ["disagreements", "observed_promise", "observed_waits"]
