"""Backtests of forecasts: would the forecasts made on past dates have been honest?

:func:`backtest` cuts a company's history at each of several dates (:meth:`History.cut`),
forecasts the applications open then (:mod:`hiresim.inference.forecasts`), and compares each
forecast with what happened after, in the same history: when (or whether) the candidate heard.

The comparison is the probability integral transform (PIT): where the realised time falls in
the forecast's distribution. For an honest forecast the PIT is uniform on [0, 1], so its
histogram is flat and a central interval of probability ``p`` (from the ``(1 - p) / 2`` to the
``(1 + p) / 2`` quantile) holds the realised time for a share ``p`` of applications. The
forecast distribution has a point mass at "never" (the candidate withdraws or is never told)
and is cut at the horizon, so the PIT is randomised where the realised value is a tie, "never",
beyond the horizon or censored at the export (a wait still open then, at ``c`` days, is known
only to exceed ``c``): it is drawn uniformly between the forecast's probability of less and of
at most that value — which keeps it exactly uniform for an honest forecast.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from hiresim.inference.forecasts import Forecast, OpenApplication
    from hiresim.records.history import History
    from hiresim.scenario import Scenario

#: Interval probabilities whose coverage is reported.
LEVELS = (0.5, 0.8, 0.9)
#: Probability of the band within which an honest forecast's coverage falls (binomial).
BAND = 0.99


@dataclass
class Backtest:
    """Forecasts made on past dates, compared with what happened (see :func:`backtest`).

    Attributes:
        table: one row per date and application open then: ``as_of``, ``application_id``,
            ``waiting_for``, ``realised_days`` (days from ``as_of`` until the candidate heard;
            ``inf``: never), ``censored`` (still waiting at the export: only known to exceed
            ``realised_days``), ``pit`` (randomised; NaN when no replication agreed with the
            state), and ``covered_50``, ``covered_80``, ``covered_90`` (the realised time lies
            in the central interval of that probability).
        coverage: one row per level: ``level``, ``n``, ``covered`` (share), ``lower`` and
            ``upper`` (the binomial band of probability :data:`BAND` for an honest forecast),
            ``honest`` (``lower <= covered <= upper``), ``no_forecast`` (applications left
            out because no replication agreed with the time they had waited).
        forecasts: the forecast of each date.
        band: the probability of the coverage bands, :data:`BAND` (what :meth:`plot` shades).
    """

    table: pd.DataFrame
    coverage: pd.DataFrame
    forecasts: dict[pd.Timestamp, Forecast]
    band: ClassVar[float] = BAND

    def plot(self, ax: Axes | None = None, bins: int = 10) -> Axes:
        """The PIT histogram, with the flat line and binomial band of an honest forecast."""
        from hiresim.present.plotting import plot_pit

        return plot_pit(self, ax=ax, bins=bins)

    def __repr__(self) -> str:
        cov = ", ".join(f"{r.level:.0%}: {r.covered:.0%} (honest {r.lower:.0%}-{r.upper:.0%})"
                        for r in self.coverage.itertuples())
        return f"Backtest({len(self.forecasts)} dates, {int(self.coverage['n'].max())} " \
               f"forecasts; coverage {cov})"


def backtest(scenario: Scenario | str | dict[str, Any], history: History,
             as_of: Sequence[Any], replications: int = 200, seed: int = 0,
             workers: int | Executor | None = None, calendars: Any = None,
             horizon_days: int = 120, levels: Sequence[float] = LEVELS,
             min_samples: int | None = None) -> Backtest:
    """Forecast the applications open on each date of ``as_of`` from the history known then,
    and compare with what the history says happened after.

    Args:
        scenario: the scenario the forecasts use (calibrated to the history, typically).
        history: the whole history (:func:`hiresim.read_ats`); each forecast sees only what
            was known on its date.
        as_of: the dates to forecast from (each before the export).
        replications, seed, workers, calendars, horizon_days, min_samples: as for
            :func:`hiresim.inference.forecasts` (date ``i`` uses seed ``seed + i``).
        levels: the probabilities of the central intervals whose coverage is reported.

    A date's forecasts are compared with the history's later records; an application counted
    on several dates is counted on each (forecasts from dates further apart than the usual
    wait are nearly independent; close dates make the band too narrow).
    """
    import pandas as pd

    from hiresim import arguments as check
    from hiresim.inference.forecasts import forecast

    levels = check.probabilities("levels", levels, empty=False)
    if isinstance(as_of, (str, bytes)) or not isinstance(as_of, Sequence) or not as_of:
        raise ValueError("as_of must be a non-empty list of dates, e.g. ['2026-03-02', "
                         f"'2026-04-06'], got {as_of!r}")
    dates = [pd.Timestamp(d) for d in as_of]
    rng = np.random.default_rng(np.random.SeedSequence(int(check.seed("seed", seed)),
                                                       spawn_key=(0xB7,)))
    rows: list[dict[str, Any]] = []
    forecasts: dict[pd.Timestamp, Forecast] = {}
    for i, day in enumerate(dates):
        f = forecast(scenario, history, as_of=day, replications=replications, seed=seed + i,
                     workers=workers, calendars=calendars, horizon_days=horizon_days,
                     min_samples=min_samples)
        forecasts[day] = f
        for app in f.state.applications:
            realised, censored = realised_days(history, app, day)
            draws = f.draws[app.application_id]["heard"]
            u = randomised_pit(draws, realised, censored, horizon_days, rng)
            row: dict[str, Any] = {"as_of": day, "application_id": app.application_id,
                                   "waiting_for": app.waiting_for,
                                   "realised_days": realised, "censored": censored, "pit": u}
            for p in levels:
                row[f"covered_{round(p * 100):d}"] = (bool((1 - p) / 2 <= u <= (1 + p) / 2)
                                                     if math.isfinite(u) else None)
            rows.append(row)
    table = pd.DataFrame(rows, columns=["as_of", "application_id", "waiting_for",
                                        "realised_days", "censored", "pit",
                                        *[f"covered_{round(p * 100):d}" for p in levels]])
    return Backtest(table, coverage_table(table["pit"].to_numpy(float), levels), forecasts)


def realised_days(history: History, app: OpenApplication, as_of: pd.Timestamp
                  ) -> tuple[float, bool]:
    """Days from ``as_of`` until the candidate of ``app`` heard, by the full history:
    ``(days, censored)``; ``inf`` when they never heard (withdrew, ghosted); ``censored``
    when the wait was still open at the export (``days`` is then the time to the export)."""
    import pandas as pd

    day = pd.Timedelta(days=1)
    target = max(app.round, 1)
    w = history.waits
    row = w.loc[(w["application_id"] == app.application_id) & (w["round"] == target)]
    if len(row):
        r = row.iloc[0]
        if r["outcome"] == "open":
            return float((history.exported_at - as_of) / day), True
        if pd.isna(r["feedback_at"]):
            return math.inf, False
        return float((r["feedback_at"] - as_of) / day), False
    a = history.applications.loc[history.applications["application_id"]
                                 == app.application_id].iloc[0]
    if pd.notna(a["notified_at"]) and a["notified_at"] > as_of:
        return float((a["notified_at"] - as_of) / day), False
    if a["status"] == "active":
        return float((history.exported_at - as_of) / day), True
    return math.inf, False


def randomised_pit(draws: np.ndarray, realised: float, censored: bool, horizon: float,
                   rng: np.random.Generator) -> float:
    """Where ``realised`` falls in the forecast ``draws`` (days; ``inf``: never or beyond the
    horizon), uniform between the probability of less and of at most it; for a censored or
    beyond-horizon value, between the probability of at most it and 1. NaN without draws."""
    n = len(draws)
    if n == 0:
        return math.nan
    if censored or realised > horizon:
        x = min(realised, horizon)
        low, high = float(np.mean(draws <= x)), 1.0
    elif not math.isfinite(realised):
        low, high = float(np.mean(np.isfinite(draws))), 1.0
    else:
        low, high = float(np.mean(draws < realised)), float(np.mean(draws <= realised))
    return float(low + (high - low) * rng.random())


def coverage_table(pit: np.ndarray, levels: Sequence[float] = LEVELS) -> pd.DataFrame:
    """Share of PITs inside each central interval, with the binomial band of an honest
    forecast (probability :data:`BAND`)."""
    import pandas as pd
    from scipy.stats import binom

    missing = int((~np.isfinite(pit)).sum())
    pit = pit[np.isfinite(pit)]
    n = len(pit)
    rows = []
    for p in levels:
        inside = int(((pit >= (1 - p) / 2) & (pit <= (1 + p) / 2)).sum())
        lo = binom.ppf((1 - BAND) / 2, n, p) / n if n else math.nan
        hi = binom.ppf((1 + BAND) / 2, n, p) / n if n else math.nan
        share = inside / n if n else math.nan
        rows.append({"level": p, "n": n, "covered": share, "lower": lo, "upper": hi,
                     "honest": bool(lo <= share <= hi) if n else False,
                     "no_forecast": missing})
    return pd.DataFrame(rows)
