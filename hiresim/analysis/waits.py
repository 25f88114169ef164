"""Shared helpers of the analysis package: the table of waits, business days, grouping."""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from hiresim import arguments

if TYPE_CHECKING:
    from hiresim.tables import JourneysLike, ResultsLike

DAY = np.timedelta64(1, "D")
#: Outcomes of a wait that end it without the candidate hearing back.
NOT_HEARD = ("withdrawn", "ghosted")
#: Outcome of a wait still running when the simulation horizon was reached.
OPEN = "open"
DAYS_KINDS = ("calendar", "business")
_EPOCH = np.datetime64("1970-01-05", "D")  # a Monday; any fixed date works


def business_days_between(start: Any, end: Any) -> np.ndarray:
    """Length of ``[start, end]`` counted on a Monday-Friday calendar, in (fractional) days.

    Saturdays and Sundays do not count; every weekday counts 24 hours, so a wait from
    Friday 17:00 to Monday 09:00 lasts ``7/24 + 9/24 = 0.667`` business days. NaT gives NaN.

    >>> import pandas as pd
    >>> business_days_between(pd.Timestamp("2024-05-03 17:00"), pd.Timestamp("2024-05-06 09:00"))
    array([0.66666667])
    """
    s, e = _datetimes(start), _datetimes(end)
    s, e = np.broadcast_arrays(s, e)
    bad = np.isnat(s) | np.isnat(e)
    s = np.where(bad, np.datetime64("2000-01-03", "ns"), s)
    e = np.where(bad, np.datetime64("2000-01-03", "ns"), e)
    out = _business_clock(e) - _business_clock(s)
    out[bad] = np.nan
    return out


def _datetimes(x: Any) -> np.ndarray:
    values = pd.to_datetime(np.atleast_1d(np.asarray(x)))
    return np.asarray(values, dtype="datetime64[ns]")


def _business_clock(t: np.ndarray) -> np.ndarray:
    """Business days elapsed from a fixed Monday to ``t`` (monotone in ``t``)."""
    day = t.astype("datetime64[D]")
    frac = (t - day.astype("datetime64[ns]")) / DAY
    return np.busday_count(_EPOCH, day).astype(float) + np.where(np.is_busday(day), frac, 0.0)


def check_days(days: str, name: str = "days") -> str:
    return arguments.choice(name, days, DAYS_KINDS)


def check_bootstrap(ci: float, n_boot: int, seed: int | None) -> None:
    """The arguments of a bootstrap interval: ``ci`` in (0, 1), ``n_boot >= 1`` resamples,
    ``seed`` None or a whole number >= 0."""
    arguments.probability("ci", ci)
    arguments.whole("n_boot", n_boot, 1)
    arguments.seed("seed", seed, none=True)


def as_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def business_days_to_feedback(journeys: pd.DataFrame) -> np.ndarray:
    """The ``business_days_to_feedback`` column, computed from ``interview_end`` and
    ``days_to_feedback`` when the table does not carry it."""
    if "business_days_to_feedback" in journeys:
        return journeys["business_days_to_feedback"].to_numpy(dtype=float)
    start = journeys["interview_end"].to_numpy(dtype="datetime64[ns]")
    span = (journeys["days_to_feedback"].to_numpy(dtype=float) * 86_400e9).astype("int64")
    return business_days_between(start, start + span.astype("timedelta64[ns]"))


def stage_waits(results: ResultsLike) -> pd.DataFrame:
    """One row per (candidate, round, stage) from the event log: the time from the first
    activity of the stage being enabled to the last one completing.

    A stage with an activity that never completed (NaT completion) is censored at the latest
    timestamp seen for it. Columns: ``replication``, ``candidate``, ``round`` (if the log has
    it), ``requisition``, ``stage``, ``days_to_feedback``, ``business_days_to_feedback``,
    ``censored``.
    """
    ev = results.events
    if ev is None or len(ev) == 0 or "stage" not in ev:
        raise ValueError("by='stage' needs the event log (results.events with a 'stage' column)")
    keys = ["replication", "case:concept:name"]
    if "round" in ev:
        keys.append("round")
    keys.append("stage")
    extra = ["requisition"] if "requisition" in ev else []
    g = ev.groupby(keys, observed=True, sort=True)
    start = g["enabled_timestamp"].min()
    end = g["time:timestamp"].max()
    latest = pd.concat([g["enabled_timestamp"].max(), g["start_timestamp"].max(), end], axis=1).max(
        axis=1
    )
    open_ = ev["time:timestamp"].isna().groupby([ev[k] for k in keys], sort=True).any()
    stop = end.where(~open_, latest)
    out = pd.DataFrame(
        {
            "days_to_feedback": (stop - start) / pd.Timedelta(days=1),
            "business_days_to_feedback": business_days_between(start.to_numpy(), stop.to_numpy()),
            "censored": open_.to_numpy(dtype=bool),
        },
        index=start.index,
    )
    if extra:
        out["requisition"] = g["requisition"].first()
    out = out.reset_index().rename(columns={"case:concept:name": "candidate"})
    return out


#: What a what-if measures: each wait for feedback after an interview (the headline), or each
#: interviewed candidate's whole process from the first interview to the final answer.
MEASURES = ("feedback", "final_answer")

#: Final outcomes of a candidate who got a final answer: an offer (accepted or declined) or a
#: rejection they were told of. Ghosted, withdrawn, cancelled and open candidates got none.
ANSWERED = ("hired", "declined", "rejected")


def check_measure(measure: str) -> str:
    return arguments.choice("measure", measure, MEASURES)


def final_answer_waits(results: ResultsLike) -> pd.DataFrame:
    """One row per interviewed candidate: the wait from the end of their first interview to
    their final answer (an offer, accepted or declined, or a rejection they were told of).

    Censoring-aware: a candidate who withdrew, was ghosted, whose requisition was cancelled or
    who was still in the process at the end of the run has a censored wait (up to then), not
    a missing one: counting only candidates who got an offer (as "interview to offer" figures
    do) leaves out exactly the long processes. Columns: ``replication``, ``candidate``,
    ``round`` (the number of rounds the candidate reached), ``requisition``, ``outcome``
    (``final_outcome``), ``days_to_feedback`` (days of this wait), ``business_days_to_feedback``
    and ``censored``."""
    j = results.journeys
    c = results.candidates
    firsts = (j.groupby(["replication", "candidate"], observed=True, sort=True)
              .agg(first=("interview_end", "min"), round=("round", "max")).reset_index())
    both = firsts.merge(c[["replication", "candidate", "requisition", "applied_at",
                           "final_outcome", "days_in_process"]],
                        on=["replication", "candidate"], how="inner", validate="one_to_one")
    start = both["first"].to_numpy(dtype="datetime64[ns]")
    span = (both["days_in_process"].to_numpy(dtype=float) * 86_400e9).astype("int64")
    end = both["applied_at"].to_numpy(dtype="datetime64[ns]") + span.astype("timedelta64[ns]")
    outcome = both["final_outcome"].astype(str)
    return pd.DataFrame({
        "replication": both["replication"].to_numpy(),
        "candidate": both["candidate"].to_numpy(),
        "round": both["round"].to_numpy(),
        "requisition": both["requisition"].to_numpy(),
        "outcome": outcome.to_numpy(),
        "days_to_feedback": np.maximum((end - start) / DAY, 0.0),
        "business_days_to_feedback": np.maximum(business_days_between(start, end), 0.0)
        if len(both) else np.zeros(0),
        "censored": ~outcome.isin(ANSWERED).to_numpy(),
    })


def waits(results: JourneysLike, by: Sequence[str] = (), days: str = "calendar",
          measure: str = "feedback") -> pd.DataFrame:
    """The table of waits to analyse: ``replication``, ``time``, ``event`` (heard back), the
    ``outcome`` when known, and the ``by`` columns. ``by`` containing ``"stage"`` switches to
    :func:`stage_waits` (one wait per candidate, round and stage, from the event log);
    ``measure="final_answer"`` to :func:`final_answer_waits` (one per interviewed candidate)."""
    check_days(days)
    check_measure(measure)
    by = list(by)
    # by="stage" also reads results.events: having them is the caller's side of that option
    if measure == "final_answer":
        if "stage" in by:
            raise ValueError("measure='final_answer' is one wait per candidate: 'stage' is "
                             "not allowed in by")
        src = final_answer_waits(cast("ResultsLike", results))
    else:
        src = (stage_waits(cast("ResultsLike", results)) if "stage" in by
               else results.journeys)
    missing = [c for c in by if c not in src]
    if missing:
        raise KeyError(f"cannot group by {missing}: not a column of the table ({list(src)})")
    if days == "calendar":
        t = src["days_to_feedback"].to_numpy(dtype=float)
    else:
        t = business_days_to_feedback(src)
    out = pd.DataFrame(
        {
            "replication": src["replication"].to_numpy(),
            "time": t,
            "event": ~src["censored"].to_numpy(dtype=bool),
        }
    )
    if "outcome" in src:
        out["outcome"] = src["outcome"].astype(str).to_numpy()
    for c in by:
        out[c] = src[c].to_numpy()
    return out


def groups(
    df: pd.DataFrame, by: Sequence[str]
) -> Iterator[tuple[dict[str, Hashable], pd.DataFrame]]:
    """Yield ``({column: value}, sub-frame)`` per group (one pass with ``{}`` when no ``by``)."""
    by = list(by)
    if not by:
        yield {}, df
        return
    for key, sub in df.groupby(by, observed=True, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        yield dict(zip(by, key, strict=True)), sub


def replication_codes(reps: np.ndarray, universe: np.ndarray) -> np.ndarray:
    """Position of each replication id in the sorted array ``universe``."""
    return np.searchsorted(universe, reps)
