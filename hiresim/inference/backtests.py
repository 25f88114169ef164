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

Coverage says whether a method's intervals are honest, not whether its answers are useful: the
records' own forecast (:mod:`hiresim.inference.empirical`) is honest too, and a simulation is
worth its cost only where it is sharper. So the backtest also scores each method's answers
(:mod:`hiresim.inference.scores`: pinball loss at the median and the 80 % date, CRPS, bias of
the median, on days capped at 120 — exact for answers still open at the export), and always
scores the records' own forecast beside the others: :attr:`Backtest.scores` gives each method's
pinball loss and CRPS as a ratio to it.
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
        forecasts: the forecast of each date, by the first of ``methods``.
        scores: one row per method (:func:`hiresim.inference.scores.score_table`): mean
            pinball loss (``pinball_50``, ``pinball_80``, ``pinball``), ``crps`` and
            ``bias_50`` over the applications that every method forecast, and
            ``pinball_vs_empirical``, ``crps_vs_empirical`` (below 1: better than the records
            alone).
        methods: the methods scored, the requested ones first, then ``empirical``.
        by_method: each method's forecasts, by date.
        band: the probability of the coverage bands, :data:`BAND` (what :meth:`plot` shades).

    ``table`` and ``coverage`` have a row per method (column ``method``). Each row of
    ``table`` also has the method's scores of that answer: ``cap`` (the days it is scored on:
    120, or fewer for a date closer to the export or a shorter horizon), ``q_50``, ``q_80``
    (the forecast's median and 80 % point, days, capped), ``pinball_50``, ``pinball_80``,
    ``pinball``, ``crps`` and ``residual`` (realised minus forecast median, capped).
    """

    table: pd.DataFrame
    coverage: pd.DataFrame
    forecasts: dict[pd.Timestamp, Forecast]
    scores: pd.DataFrame
    methods: tuple[str, ...]
    by_method: dict[str, dict[pd.Timestamp, Forecast]]
    band: ClassVar[float] = BAND

    def plot(self, ax: Axes | None = None, bins: int = 10) -> Axes:
        """The PIT histogram, with the flat line and binomial band of an honest forecast."""
        from hiresim.present.plotting import plot_pit

        return plot_pit(self, ax=ax, bins=bins)

    def __repr__(self) -> str:
        first = self.coverage.loc[self.coverage["method"] == self.methods[0]]
        cov = ", ".join(f"{r.level:.0%}: {r.covered:.0%} (honest {r.lower:.0%}-{r.upper:.0%})"
                        for r in first.itertuples())
        score = self.scores.set_index("method").loc[self.methods[0]]
        return (f"Backtest({len(self.forecasts)} dates, {int(first['n'].max())} forecasts by "
                f"{self.methods[0]}; coverage {cov}; pinball loss {score['pinball']:.1f} days, "
                f"{score['pinball_vs_empirical']:.2f}x the records' own forecast)")


def backtest(scenario: Scenario | str | dict[str, Any], history: History,
             as_of: Sequence[Any], replications: int = 200, seed: int = 0,
             workers: int | Executor | None = None, calendars: Any = None,
             horizon_days: int = 120, levels: Sequence[float] = LEVELS,
             min_samples: int | None = None,
             methods: str | Sequence[str] = "simulation") -> Backtest:
    """Forecast the applications open on each date of ``as_of`` from the history known then,
    and compare with what the history says happened after.

    Args:
        scenario: the scenario the forecasts use (calibrated to the history, typically);
            ``None`` when only the empirical method is backtested.
        history: the whole history (:func:`hiresim.read_ats`); each forecast sees only what
            was known on its date.
        as_of: the dates to forecast from (each before the export).
        replications, seed, workers, calendars, horizon_days, min_samples: as for
            :func:`hiresim.inference.forecasts` (date ``i`` uses seed ``seed + i``).
        levels: the probabilities of the central intervals whose coverage is reported.
        methods: the forecast method, or several (``"simulation"``, ``"empirical"``: see
            :func:`hiresim.forecast`), forecast on the same dates and scored on the same
            applications. ``empirical`` is always scored too, as the baseline.

    A date's forecasts are compared with the history's later records; an application counted
    on several dates is counted on each (forecasts from dates further apart than the usual
    wait are nearly independent; close dates make the band too narrow).

    How a realised answer is scored: for the coverage, by the randomised PIT (see the
    module): an answer still open at the export is only known to come later, so its PIT is
    drawn between the forecast's probability of hearing by the export and 1. For the pinball
    loss, the CRPS and the bias, on days capped at ``cap`` = the smallest of 120
    (:data:`hiresim.inference.scores.CAP_DAYS`), ``horizon_days`` and the days from the date
    to the export: "never" and "later than the cap" are ``cap`` days on both sides, so an
    answer still open at the export is exactly ``cap`` days and every score is exact (see
    :mod:`hiresim.inference.scores`). Dates at least 120 days before the export score every
    answer on the full scale.
    """
    import pandas as pd

    from hiresim import arguments as check
    from hiresim.inference.forecasts import METHODS, forecast
    from hiresim.inference.scores import BASELINE, CAP_DAYS, ROW_SCORES, row_scores, score_table

    levels = check.probabilities("levels", levels, empty=False)
    asked = [methods] if isinstance(methods, str) else methods
    if not isinstance(asked, Sequence) or not asked:
        raise ValueError(f"methods must be one of {', '.join(map(repr, METHODS))} or a list of "
                         f"them, got {methods!r}")
    chosen = [check.choice("methods", m, METHODS) for m in asked]
    scored = tuple(dict.fromkeys([*chosen, BASELINE]))
    if isinstance(as_of, (str, bytes)) or not isinstance(as_of, Sequence) or not as_of:
        raise ValueError("as_of must be a non-empty list of dates, e.g. ['2026-03-02', "
                         f"'2026-04-06'], got {as_of!r}")
    dates = [pd.Timestamp(d) for d in as_of]
    base_seed = int(check.seed("seed", seed))
    # the first method's PITs draw from the stream they always drew from
    rngs = [np.random.default_rng(np.random.SeedSequence(
        base_seed, spawn_key=(0xB7,) if k == 0 else (0xB7, k))) for k in range(len(scored))]
    rows: list[dict[str, Any]] = []
    by_method: dict[str, dict[pd.Timestamp, Forecast]] = {m: {} for m in scored}
    for i, day in enumerate(dates):
        to_export = float((history.exported_at - day) / pd.Timedelta(days=1))
        cap = min(float(CAP_DAYS), float(horizon_days), to_export)
        for k, method in enumerate(scored):
            f = forecast(scenario, history, as_of=day, replications=replications, seed=seed + i,
                         workers=workers, calendars=calendars, horizon_days=horizon_days,
                         min_samples=min_samples, method=method)
            by_method[method][day] = f
            for app in f.state.applications:
                realised, censored = realised_days(history, app, day)
                d = f.draws[app.application_id]
                u = randomised_pit(d["heard"], realised, censored, horizon_days, rngs[k],
                                   d.get("weight"))
                row: dict[str, Any] = {"as_of": day, "method": method,
                                       "application_id": app.application_id,
                                       "waiting_for": app.waiting_for,
                                       "realised_days": realised, "censored": censored,
                                       "pit": u}
                for p in levels:
                    row[f"covered_{round(p * 100):d}"] = (
                        bool((1 - p) / 2 <= u <= (1 + p) / 2) if math.isfinite(u) else None)
                row["cap"] = cap
                row.update(row_scores(d["heard"], d.get("weight"), realised, cap)
                           if math.isfinite(u) else dict.fromkeys(ROW_SCORES, math.nan))
                rows.append(row)
    table = pd.DataFrame(rows, columns=["as_of", "method", "application_id", "waiting_for",
                                        "realised_days", "censored", "pit",
                                        *[f"covered_{round(p * 100):d}" for p in levels],
                                        "cap", *ROW_SCORES])
    coverage = pd.concat(
        [coverage_table(table.loc[table["method"] == m, "pit"].to_numpy(float), levels)
         .assign(method=m) for m in scored], ignore_index=True)
    coverage = coverage[["method", *[c for c in coverage.columns if c != "method"]]]
    return Backtest(table, coverage, by_method[scored[0]], score_table(table, scored), scored,
                    by_method)


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
                   rng: np.random.Generator, weights: np.ndarray | None = None) -> float:
    """Where ``realised`` falls in the forecast ``draws`` (days; ``inf``: never or beyond the
    horizon), uniform between the probability of less and of at most it; for a censored or
    beyond-horizon value, between the probability of at most it and 1. NaN without draws.
    ``weights``: the draws' probabilities (the empirical method's points); equal without."""
    n = len(draws)
    if n == 0:
        return math.nan
    if weights is not None:
        from hiresim.inference.scores import share_at_most, share_below

        if censored or realised > horizon:
            low, high = float(share_at_most(draws, weights, min(realised, horizon))[0]), 1.0
        elif not math.isfinite(realised):
            low, high = float(np.sum(np.asarray(weights)[np.isfinite(draws)])), 1.0
        else:
            low = share_below(draws, weights, realised)
            high = float(share_at_most(draws, weights, realised)[0])
        return float(low + (high - low) * rng.random())
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


#: Cut dates of :func:`choose_method`'s backtest, and the days between them.
CHOICE_DATES = 4
CHOICE_SPACING_DAYS = 28


@dataclass(frozen=True)
class MethodChoice:
    """Which forecast to trust for a company, from its own backtest (:func:`choose_method`).

    Attributes:
        method: ``simulation`` when it beat the records' own forecast on the backtest (or
            when there was too little history to backtest), else ``empirical``.
        dates: the backtest's cut dates (empty: too little history before ``as_of``).
        pinball: mean pinball loss (days) of each method on the backtest.
        forecasts: the applications scored.
    """

    method: str
    dates: tuple[pd.Timestamp, ...]
    pinball: dict[str, float]
    forecasts: int = 0

    def words(self) -> str:
        """The choice in plain words, for a reader who has never heard of pinball losses."""
        if not self.dates or not all(math.isfinite(v) for v in self.pinball.values()):
            return ("There is too little history before this date to check the forecasts "
                    "against what really happened; the dates below come from the simulation.")
        sim, emp = self.pinball["simulation"], self.pinball["empirical"]
        when = (f"forecasts made on {len(self.dates)} past dates from what was known then, "
                f"{self.forecasts} answers")
        if self.method == "simulation":
            return (f"Checked against this company's own past ({when}), the simulation's dates "
                    f"were off by {sim:.1f} days on average, the records' own past waits by "
                    f"{emp:.1f}: the simulation does better here, and the dates below are "
                    "its dates.")
        return (f"Checked against this company's own past ({when}), the simulation's dates "
                f"were off by {sim:.1f} days on average, but the records' own past waits only "
                f"by {emp:.1f}: the simulation does not beat the records here, so the dates "
                "below come from the records' past waits (the same round's, given how long "
                "each candidate has waited), not from the simulation.")


def choose_method(scenario: Scenario | str | dict[str, Any], history: History, as_of: Any,
                  replications: int = 200, seed: int = 0,
                  workers: int | Executor | None = None, calendars: Any = None,
                  dates: int = CHOICE_DATES) -> MethodChoice:
    """Backtest the simulation against the records' own forecast on ``history`` before
    ``as_of`` and say which to use: the simulation only where its mean pinball loss is lower.

    The cut dates are :data:`CHOICE_SPACING_DAYS` apart, the last one 120 days before
    ``as_of`` (so every answer is scored on the full scale, as far as the history known on
    ``as_of`` goes), none in the first 60 days of the history (too little past to forecast
    from). With no such date the simulation is used, and :meth:`MethodChoice.words` says why.
    """
    import pandas as pd

    from hiresim.inference.scores import CAP_DAYS

    t = history.exported_at if as_of is None else pd.Timestamp(as_of)
    known = history.cut(t) if t < history.exported_at else history
    first = known.applications["applied_at"].min()
    last = t - pd.Timedelta(days=CAP_DAYS)
    cuts = [last - pd.Timedelta(days=CHOICE_SPACING_DAYS * k) for k in range(dates)][::-1]
    cuts = [d.normalize() for d in cuts if pd.notna(first)
            and d >= first + pd.Timedelta(days=60)]
    if not cuts:
        return MethodChoice("simulation", (), {})
    bt = backtest(scenario, known, cuts, replications=replications, seed=seed,
                  workers=workers, calendars=calendars)
    scores = bt.scores.set_index("method")["pinball"]
    pinball = {m: float(scores.get(m, math.nan)) for m in ("simulation", "empirical")}
    better = pinball["simulation"] < pinball["empirical"] or not math.isfinite(
        pinball["empirical"])
    n = int(bt.table.loc[bt.table["method"] == "simulation", "pinball"].notna().sum())
    return MethodChoice("simulation" if better else "empirical", tuple(cuts), pinball, n)
