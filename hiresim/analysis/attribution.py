"""Cause attribution: which share of the wait each delay source accounts for.

Every day of a wait is charged to exactly one cause (design section 3), so the ``delay_<cause>``
columns of ``journeys`` add up to ``days_to_feedback`` and the ``wt_<cause>`` columns of
``events`` add up to each activity's waiting time. This labelling is descriptive; the causal
effect of removing a source (interactions included) is :func:`hiresim.analysis.ablate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from hiresim import arguments
from hiresim.analysis.headline import common_tau, rmst
from hiresim.analysis.waits import as_list, groups, waits
from hiresim.causes import CAUSES, cause_columns

if TYPE_CHECKING:
    from hiresim.tables import ResultsLike

ATTRIBUTION_COLUMNS = ("cause", "mean_days", "median_days", "total_days", "share",
                       "headline_days", "n")
_CAUSE_TYPE = pd.CategoricalDtype(list(CAUSES), ordered=True)


def _cause_type(causes: list[str]) -> pd.CategoricalDtype:
    """The built-in causes in their order, then any user mechanism's cause."""
    extra = [c for c in causes if c not in CAUSES]
    return pd.CategoricalDtype([*CAUSES, *extra], ordered=True) if extra else _CAUSE_TYPE


def attribution(results: ResultsLike, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Mean and median days per cause, and each cause's share of the total wait.

    Parameters
    ----------
    results:
        A :class:`hiresim.Results`.
    by:
        Column(s) of ``journeys`` (``"round"``, ``"outcome"``, ``"requisition"``, ...) to
        attribute per group. ``"stage"`` (alone or with ``"round"``) uses the event log instead:
        the waiting time before the activities of each stage (enabled -> start, the ``wt_``
        columns), summed per candidate, round and stage; working time is not included there.

    Returns
    -------
    Long DataFrame: group columns, ``cause`` (ordered categorical, priority order),
    ``mean_days`` and ``median_days`` (over waits, zeros included), ``total_days``, ``share``
    (of the group's total; shares add up to 1 per group), ``headline_days`` (the group's
    headline average, :func:`hiresim.analysis.headline`, split by those shares, so the
    causes of a group add up to the average every other table quotes; one horizon for all
    groups, given in ``attrs["tau"]``; NaN by stage, whose waits are not waits for feedback)
    and ``n`` (number of waits).

    ``mean_days`` is the plain mean of each wait as far as it was seen (a wait cut short
    counts as long as it lasted), so its causes add up to more or less than the headline
    average; ``headline_days`` is what a chart beside the headline average should show.

    Examples
    --------
    >>> a = attribution(results, by="round")                      # doctest: +SKIP
    >>> a.pivot(index="cause", columns="round", values="share")    # doctest: +SKIP
    """
    arguments.results_like("results", results)
    arguments.columns("by", by)
    by = as_list(by)
    if "stage" in by:
        table, cols = _stage_table(results, by)
    else:
        table = results.journeys
        missing = [c for c in by if c not in table]
        if missing:
            raise KeyError(f"cannot group by {missing}: not a column of journeys")
        cols = cause_columns(table.columns)
    causes = [c.split("_", 1)[1] for c in cols]
    heads = _headlines(results, by) if "stage" not in by else {}
    frames = []
    for key, sub in groups(table, by):
        values = sub[cols].to_numpy(dtype=float)
        total = values.sum(axis=0)
        grand = total.sum()
        frame = pd.DataFrame(
            {
                "cause": pd.Categorical(causes, dtype=_cause_type(causes)),
                "mean_days": values.mean(axis=0) if len(sub) else np.nan,
                "median_days": np.median(values, axis=0) if len(sub) else np.nan,
                "total_days": total,
                "share": total / grand if grand > 0 else np.nan,
                "headline_days": (total / grand if grand > 0 else np.nan)
                * heads.get(tuple(key.values()), np.nan),
                "n": len(sub),
            }
        )
        for i, (col, val) in enumerate(key.items()):
            frame.insert(i, col, val)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=[*by, *ATTRIBUTION_COLUMNS])
    out = pd.concat(frames, ignore_index=True)
    out.attrs["tau"] = heads.get("tau", np.nan)
    return out


def _headlines(results: ResultsLike, by: list[str]) -> dict[Any, float]:
    """The headline average of each group of waits (key: the tuple of its ``by`` values), on
    one horizon for all (:func:`~hiresim.analysis.headline.common_tau`), and ``"tau"``."""
    table = waits(results, by)
    parts = [(tuple(key.values()), sub["time"].to_numpy(dtype=float),
              sub["event"].to_numpy(dtype=bool)) for key, sub in groups(table, by)]
    tau = common_tau([(t, e) for _, t, e in parts])
    out: dict[Any, float] = {"tau": tau}
    for key, time, event in parts:
        rep = np.zeros(time.size, dtype=np.int64)
        out[key] = float(rmst(time, event, rep, np.ones((1, 1)), tau)[0]) if time.size \
            else np.nan
    return out


def _stage_table(results: ResultsLike, by: list[str]) -> tuple[pd.DataFrame, list[str]]:
    ev = results.events
    if ev is None or len(ev) == 0 or "stage" not in ev:
        raise ValueError("by='stage' needs the event log (results.events with a 'stage' column)")
    cols = cause_columns(ev.columns, "wt_")
    keys = ["replication", "case:concept:name"] + [c for c in by if c != "replication"]
    missing = [c for c in keys if c not in ev]
    if missing:
        raise KeyError(f"cannot group by {missing}: not a column of events")
    table = ev.groupby(keys, observed=True, sort=True)[cols].sum().reset_index()
    return table, cols


def cause_intervals(results: ResultsLike, nonzero: bool = True) -> pd.DataFrame:
    """The event log's waiting time split by cause, one row per (activity instance, cause).

    Columns: ``replication``, ``case`` (candidate), ``activity``, ``stage``, ``round`` (when the
    log has it), ``resource``, ``role``, ``enabled``, ``start``, ``cause``, ``days``. With
    ``nonzero=True`` rows with zero days are dropped.

    >>> ci = cause_intervals(results)                              # doctest: +SKIP
    >>> ci.groupby(["stage", "cause"], observed=True)["days"].sum()  # doctest: +SKIP
    """
    arguments.results_like("results", results, ("events",))
    arguments.flag("nonzero", nonzero)
    ev = results.events
    cols = cause_columns(ev.columns, "wt_")
    rename = {
        "case:concept:name": "case",
        "concept:name": "activity",
        "org:resource": "resource",
        "org:role": "role",
        "enabled_timestamp": "enabled",
        "start_timestamp": "start",
    }
    ids = [c for c in ("replication", *rename, "stage", "round") if c in ev]
    frame = ev[ids + cols].rename(columns=rename).reset_index(names="event")
    long = frame.melt(
        id_vars=["event", *(rename.get(c, c) for c in ids)],
        value_vars=cols,
        var_name="cause",
        value_name="days",
    )
    labels = long["cause"].str.slice(3)
    long["cause"] = pd.Categorical(labels, dtype=_cause_type([c[3:] for c in cols]))
    if nonzero:
        long = long[long["days"] > 0]
    long = long.sort_values(["event", "cause"]).drop(columns="event")
    return long.reset_index(drop=True)
