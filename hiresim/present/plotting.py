"""Matplotlib figures of waits, causes and what-ifs; every function takes and returns an Axes.

Each function accepts ``ax=None`` (a new figure is created) and returns the Axes it drew on, so
figures compose: ``fig, axes = plt.subplots(1, 2); plot_survival(r, ax=axes[0]); ...``.
Nothing here calls ``plt.show()``. Causes always get the same colour, from :data:`CAUSE_COLORS`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hiresim import analysis, arguments
from hiresim.analysis.curves import SURVIVAL_COLUMNS
from hiresim.analysis.waits import DAYS_KINDS
from hiresim.causes import CAUSES, cause_columns
from hiresim.mechanisms.communication import HANDOFF_ACTIVITY

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from typing_extensions import TypeIs  # typing.TypeIs is 3.13+; annotations only

    from hiresim.inference.backtests import Backtest
    from hiresim.inference.forecasts import Forecast
    from hiresim.tables import ResultsLike

#: One colour per cause label, used by every plot (colour-blind friendly where possible).
CAUSE_COLORS: dict[str, str] = dict(
    zip(
        CAUSES,
        (
            "#7f3b08",  # reorganization
            "#b35806",  # requirements
            "#e08214",  # turnover
            "#d6604d",  # absence
            "#b2182b",  # priority
            "#bababa",  # off_hours
            "#8073ac",  # batching
            "#2166ac",  # scheduling
            "#4393c3",  # communication
            "#1b7837",  # contention
            "#5aae61",  # work
        ),
        strict=True,
    )
)
#: Colours for the causes of user mechanisms, in the order they appear.
EXTENSION_COLORS = ("#c51b7d", "#de77ae", "#762a83", "#35978f")


def cause_color(cause: str, causes: list[str] | None = None) -> str:
    """The colour of a cause label; a user mechanism's cause takes the next free colour."""
    if cause in CAUSE_COLORS:
        return CAUSE_COLORS[cause]
    extra = [c for c in (causes or [cause]) if c not in CAUSE_COLORS]
    k = extra.index(cause) if cause in extra else 0
    return EXTENSION_COLORS[k % len(EXTENSION_COLORS)]


#: Colour of the working part (start -> completion) of an activity in :func:`plot_timeline`.
WORKING_COLOR = "#404040"
#: Activities whose start -> completion is a wait, not work, and the cause it is charged to.
WAIT_ACTIVITIES: dict[str, str] = {HANDOFF_ACTIVITY: "communication"}

_DAY_LABEL = {"calendar": "calendar days", "business": "business days"}


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    return ax


def _is_results(obj: object) -> TypeIs[ResultsLike]:
    return all(hasattr(obj, n) for n in ("journeys", "candidates", "events"))


def plot_survival(
    data: ResultsLike | pd.DataFrame,
    ax: Axes | None = None,
    promise: float | None = None,
    by: str | None = None,
    days: str = "calendar",
    ci: float = 0.95,
    label: str | None = None,
    color: str | None = None,
    band: bool = True,
) -> Axes:
    """Kaplan-Meier curve of the share still waiting, as a step line with its confidence band.

    Parameters
    ----------
    data:
        A :class:`hiresim.Results`, or a DataFrame returned by
        :func:`hiresim.analysis.survival` (its group columns become one curve each).
    promise:
        A confidence level such as ``0.9``: marks the day by which that share of candidates has
        heard back (dashed vertical line, dotted level line and a dot). With Results the curve
        drawn is then the one :func:`hiresim.analysis.promise` reads,
        :func:`hiresim.analysis.still_waiting` (withdrawn and ghosted candidates never hear
        back, so it levels off at their share), and the marker is that promise: marker and
        curve use one definition, and "never reached" means the curve stays above the level.
        With a survival DataFrame the marker is the curve's own quantile.
    by, days, ci:
        Passed to :func:`hiresim.analysis.survival` when ``data`` is Results.

    Examples
    --------
    >>> from hiresim.present.plotting import plot_survival                 # doctest: +SKIP
    >>> ax = plot_survival(results, promise=0.9)                    # doctest: +SKIP
    >>> ax.figure.savefig("wait.png")                               # doctest: +SKIP
    """
    arguments.results_or_frame("data", data, "hiresim.analysis.survival")
    if isinstance(data, pd.DataFrame):
        arguments.frame("data", data, "hiresim.analysis.survival",
                        ("days", "survival", "lower", "upper"))
    arguments.axes("ax", ax)
    arguments.number("promise", promise, 0.0, 1.0, above=True, below=True, none=True,
                     what="a confidence level")
    arguments.columns("by", by)
    arguments.choice("days", days, DAYS_KINDS)
    arguments.probability("ci", ci)
    arguments.optional_text("label", label)
    arguments.flag("band", band)
    ax = _axes(ax)
    promised = promise is not None and _is_results(data)
    if promised:  # the curve the promise is read from, so the marker sits on it
        table = analysis.still_waiting(data, by=by, days=days, ci=ci)
    elif _is_results(data):
        table = analysis.survival(data, by=by, days=days, ci=ci)
    else:
        table = data
    group_cols = [c for c in table.columns if c not in SURVIVAL_COLUMNS]
    parts = table.groupby(group_cols, observed=True, sort=True) if group_cols else [(None, table)]
    for key, sub in parts:
        name = label
        if key is not None:
            key = key if isinstance(key, tuple) else (key,)
            text = ", ".join(f"{c}={v}" for c, v in zip(group_cols, key, strict=True))
            name = f"{label}: {text}" if label else text
        (line,) = ax.step(
            sub["days"], sub["survival"], where="post", label=name, color=color, linewidth=1.8
        )
        if band:
            ax.fill_between(
                sub["days"],
                sub["lower"],
                sub["upper"],
                step="post",
                color=line.get_color(),
                alpha=0.2,
                linewidth=0,
            )
    if promise is not None:
        _mark_promise(ax, data, table, promise, days)
    ax.set_xlabel(f"time since interview ({_DAY_LABEL.get(days, days)})")
    ax.set_ylabel("share not yet heard back (withdrawn and ghosted never do)" if promised
                  else "share still waiting for feedback")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    ax.grid(True, alpha=0.3)
    if ax.get_legend_handles_labels()[1]:
        ax.legend(frameon=False)
    return ax


def _mark_promise(
    ax: Axes, data: ResultsLike | pd.DataFrame, table: pd.DataFrame, confidence: float, days: str
) -> None:
    level = 1.0 - confidence
    if _is_results(data):
        p = analysis.promise(data, confidence=confidence, n_boot=1)
        x = p.loc[p["days_kind"] == days, "promise_days"].iloc[0]
    else:
        hit = table.loc[table["survival"] <= level + 1e-9, "days"]
        x = float(np.ceil(hit.min() - 1e-9)) if len(hit) else np.nan
    if not np.isfinite(x):
        ax.axhline(level, color="0.3", linestyle=":", linewidth=1)
        ax.text(
            0.98,
            level,
            f" {confidence:.0%} never reached",
            ha="right",
            va="bottom",
            transform=ax.get_yaxis_transform(),
        )
        return
    unit = "business days" if days == "business" else "days"
    ax.axhline(level, color="0.3", linestyle=":", linewidth=1)
    ax.axvline(x, color="0.3", linestyle="--", linewidth=1)
    ax.plot(
        [x], [level], "o", color="black", label=f"{confidence:.0%} hear back within {x:g} {unit}"
    )


def plot_histogram(
    results: ResultsLike,
    ax: Axes | None = None,
    days: str = "calendar",
    bins: int | Sequence[float] | str = "auto",
) -> Axes:
    """Histogram of waits, stacked: feedback received vs. wait ended without it (censored).

    >>> ax = plot_histogram(results, days="business")             # doctest: +SKIP
    """
    arguments.results_like("results", results)
    arguments.axes("ax", ax)
    arguments.choice("days", days, DAYS_KINDS)
    if isinstance(bins, bool) or not isinstance(bins, int | str | Sequence | np.ndarray):
        raise TypeError(f"bins must be a number of bins, a list of bin edges or a numpy rule "
                        f"such as 'auto', got {bins!r}")
    if isinstance(bins, int):
        arguments.whole("bins", bins, 1)
    ax = _axes(ax)
    table = analysis.waits.waits(results, (), days)
    heard = table.loc[table["event"], "time"].to_numpy()
    cut = table.loc[~table["event"], "time"].to_numpy()
    edges = np.histogram_bin_edges(np.concatenate([heard, cut]), bins=bins)
    ax.hist(
        [heard, cut],
        bins=edges.tolist(),  # the same edges; matplotlib's stubs want a Sequence
        stacked=True,
        color=["#2166ac", "#bababa"],
        label=["heard back", "withdrawn, ghosted or open (censored)"],
    )
    ax.set_xlabel(f"wait for feedback ({_DAY_LABEL.get(days, days)})")
    ax.set_ylabel("number of waits")
    ax.legend(frameon=False)
    return ax


def plot_attribution(
    data: ResultsLike | pd.DataFrame,
    by: str | None = "round",
    ax: Axes | None = None,
    value: str | None = None,
    effects: pd.DataFrame | None = None,
) -> Axes:
    """Stacked bars of the wait by cause, one bar per group (stage, round, outcome, ...).

    With ``effects`` (the table of :func:`hiresim.analysis.effects`) and no groups
    (``by=None``), a second bar beside the attribution shows the causal effects: each
    source's Shapley value in its cause's colour (hatched), and the rest of the wait (every
    source off) in grey, so both bars add up to the same average wait; the sources whose
    attributed days differ from their Shapley value (beyond its interval) are named under
    the bars.

    ``data`` is a :class:`hiresim.Results` (then :func:`hiresim.analysis.attribution` is called
    with ``by``) or an attribution DataFrame. ``value`` is ``"headline_days"`` (the default
    where the table has it: each bar is the group's headline average, the number every table
    quotes, split by the causes' shares), ``"mean_days"`` (plain means of the waits as far as
    they were seen; the default by stage, whose waits are not waits for feedback),
    ``"median_days"``, ``"total_days"`` or ``"share"``. The y label says which, and the
    horizon of the average. Colours come from :data:`CAUSE_COLORS`.

    >>> ax = plot_attribution(results, by="stage")                 # doctest: +SKIP
    """
    arguments.results_or_frame("data", data, "hiresim.analysis.attribution")
    if isinstance(data, pd.DataFrame):
        arguments.frame("data", data, "hiresim.analysis.attribution",
                        ("cause",) if value is None else ("cause", value))
    arguments.columns("by", by)
    arguments.axes("ax", ax)
    values = ("headline_days", "mean_days", "median_days", "total_days", "share")
    if value is not None:
        arguments.choice("value", value, values)
    table = analysis.attribution(data, by=by) if _is_results(data) else data
    if value is None:
        has_headline = ("headline_days" in table
                        and bool(np.isfinite(table["headline_days"].to_numpy(float)).any()))
        value = "headline_days" if has_headline else "mean_days"
    if value not in table:
        raise ValueError(f"value={value!r}: not a column of this attribution table "
                         f"(it has {[c for c in values if c in table]})")
    if effects is not None and value == "headline_days" and "total" in effects.attrs:
        # one average for both bars: the effects' (its horizon pools every coalition's waits)
        table = table.assign(headline_days=table["share"] * float(effects.attrs["total"]))
        table.attrs["tau"] = float(effects.attrs.get("tau", float("nan")))
    ax = _axes(ax)
    group_cols = [
        c
        for c in table.columns
        if c not in ("cause", *values, "n")
    ]
    if group_cols:
        wide = table.pivot_table(
            index=group_cols, columns="cause", values=value, observed=True, aggfunc="sum"
        )
        labels = [", ".join(map(str, k)) if isinstance(k, tuple) else str(k) for k in wide.index]
    else:
        wide = table.set_index("cause")[[value]].T
        labels = ["all waits"]
    x = np.arange(len(wide))
    bottom = np.zeros(len(wide))
    present = [str(c) for c in wide.columns]
    order = [*(c for c in CAUSES if c in present), *(c for c in present if c not in CAUSES)]
    for cause in order:
        height = wide[cause].fillna(0).to_numpy(dtype=float)
        if not np.any(height > 0):
            continue
        ax.bar(x, height, bottom=bottom, color=cause_color(cause, order), label=cause,
               width=0.7)
        bottom += height
    if effects is not None:
        if group_cols:
            raise ValueError("effects= is drawn beside the attribution of all waits: use "
                             "by=None")
        arguments.frame("effects", effects, "hiresim.analysis.effects",
                        ("source", "cause", "shapley", "lower", "upper", "agrees",
                         "attributed"))
        x, labels = _effects_bar(ax, effects, order, x, labels)
    crowded = len(labels) * max((len(t) for t in labels), default=0) > 40
    ax.set_xticks(x, labels, rotation=30 if crowded else 0, ha="right" if crowded else "center")
    ax.set_xlabel(", ".join(group_cols) if group_cols else "")
    tau = table.attrs.get("tau", float("nan"))
    cap = f" (cap {tau:g} d)" if isinstance(tau, float) and np.isfinite(tau) else ""
    ax.set_ylabel(
        {
            "headline_days": f"average wait{cap}, split by cause (days)",
            "mean_days": "plain mean days per wait (as far as seen)",
            "median_days": "median days per wait",
            "total_days": "total days",
            "share": "share of waiting time",
        }.get(value, value)
    )
    handles, names = ax.get_legend_handles_labels()
    ax.legend(
        handles[::-1],
        names[::-1],
        title="cause",
        frameon=False,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
    )
    return ax


def _effects_bar(ax: Axes, effects: pd.DataFrame, order: list[str], x: np.ndarray,
                 labels: list[str]) -> tuple[np.ndarray, list[str]]:
    """The bar of causal effects beside the attribution (see :func:`plot_attribution`)."""
    where = float(len(x))
    bottom = 0.0
    for row in effects.sort_values("shapley", ascending=False).itertuples():
        cause = str(row.cause) or str(row.source)
        height = float(row.shapley)
        if not height > 0:
            continue
        ax.bar([where], [height], bottom=bottom, width=0.7, hatch="//", edgecolor="white",
               color=cause_color(cause, [*order, cause]), label=f"{row.source} (effect)")
        bottom += height
    rest = float(effects.attrs.get("rest", float("nan")))
    if np.isfinite(rest) and rest > 0:
        ax.bar([where], [rest], bottom=bottom, width=0.7, color="#d0d0d0",
               label="the rest (every source off)")
    differ = effects[~effects["agrees"].astype(bool) & (effects["cause"] != "")]
    if len(differ):
        words = "\n".join(f"{r.source}: attributed {r.attributed:.1f} days, causal effect "
                           f"{r.shapley:.1f} ({r.lower:.1f} to {r.upper:.1f})"
                           for r in differ.itertuples())
        ax.annotate(f"attribution and causal effect differ:\n{words}", (0.0, -0.45),
                    xycoords="axes fraction", fontsize="small", va="top")
    return np.append(x, where), [*labels, "causal effects (Shapley)"]


def plot_ablation(
    data: pd.DataFrame,
    ax: Axes | None = None,
    statistic: str = "restricted_mean",
    q: float | None = None,
) -> Axes:
    """Tornado chart of :func:`hiresim.analysis.ablate`: change in the wait when each delay
    source is switched off, with its confidence interval, largest effect on top.

    >>> ax = plot_ablation(ablate(scenario, replications=100))     # doctest: +SKIP
    """
    arguments.frame("data", data, "hiresim.analysis.ablate",
                    ("source", "statistic", "q", "change", "lower", "upper"))
    arguments.axes("ax", ax)
    arguments.choice("statistic", statistic, ("restricted_mean", "quantile"))
    if statistic == "quantile" and q is None:
        raise ValueError("q must be a quantile level such as 0.9 when statistic='quantile', "
                         "got None")
    if q is not None:
        arguments.probability("q", q)
    ax = _axes(ax)
    rows = data[data["statistic"] == statistic]
    if q is not None:
        rows = rows[np.isclose(rows["q"], q)]
    rows = rows.assign(_size=rows["change"].abs()).sort_values("_size")
    y = np.arange(len(rows))
    change = rows["change"].to_numpy(dtype=float)
    err = np.vstack(
        [
            change - rows["lower"].to_numpy(dtype=float),
            rows["upper"].to_numpy(dtype=float) - change,
        ]
    )
    colors = np.where(change <= 0, "#2166ac", "#b2182b")
    ax.barh(
        y,
        change,
        # a bootstrap interval need not contain the point estimate (tiny samples): clip at 0
        xerr=np.clip(np.nan_to_num(err), 0.0, None),
        color=colors,
        height=0.6,
        error_kw={"ecolor": "black", "capsize": 3, "linewidth": 1},
    )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, rows["source"].astype(str))
    what = ("the average wait (restricted mean)" if statistic == "restricted_mean"
            else f"the {q:g} quantile of the wait")
    ax.set_xlabel(f"change in {what} when switched off (calendar days)")
    ax.set_ylabel("delay source")
    return ax


def plot_timeline(
    results: ResultsLike,
    candidate: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Gantt chart of one candidate's journey from the event log.

    One row per activity: the waiting part (enabled -> start) coloured by its dominant cause
    (the ``wt_`` column with most days) and the working part (start -> completion) in dark
    grey. An activity that is itself a wait (the decision's hand-off to the recruiter: nobody
    works on it, the journey charges it to ``communication``) is drawn in its cause's colour
    and labelled as that wait, not as work.
    Feedback (from ``journeys``) is marked by vertical lines. ``candidate`` defaults to the
    first in the log.

    >>> ax = plot_timeline(results, candidate="r0-c12")           # doctest: +SKIP
    """
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    arguments.results_like("results", results, ("journeys", "events"))
    arguments.optional_text("candidate", candidate)
    arguments.axes("ax", ax)
    ax = _axes(ax)
    ev = results.events
    if ev is None or len(ev) == 0:
        raise ValueError("plot_timeline needs the event log (results.events is empty)")
    if candidate is None:
        candidate = ev["case:concept:name"].iloc[0]
    rows = ev[ev["case:concept:name"] == candidate].sort_values(
        ["enabled_timestamp", "start_timestamp"]
    )
    if rows.empty:
        raise KeyError(f"no events for candidate {candidate!r}")
    cols = cause_columns(rows.columns, "wt_")
    used: dict[str, str] = {}
    y = np.arange(len(rows))[::-1]
    for yi, (_, r) in zip(y, rows.iterrows(), strict=True):
        enabled = mdates.date2num(r["enabled_timestamp"])
        waits = r[cols].to_numpy(dtype=float)
        if pd.notna(r["start_timestamp"]):
            start = mdates.date2num(r["start_timestamp"])
            if start > enabled:
                cause = cols[int(np.argmax(waits))][3:] if waits.sum() > 0 else "work"
                color = cause_color(cause, [c[3:] for c in cols])
                ax.barh(yi, start - enabled, left=enabled, color=color, height=0.6)
                used[cause] = color
            if pd.notna(r["time:timestamp"]):
                end = mdates.date2num(r["time:timestamp"])
                waited = WAIT_ACTIVITIES.get(str(r["concept:name"]))
                color = (cause_color(waited, [c[3:] for c in cols]) if waited
                         else WORKING_COLOR)
                ax.barh(yi, max(end - start, 1e-3), left=start, color=color, height=0.6)
                used[waited or "working"] = color
    ax.set_yticks(y, rows["concept:name"].astype(str))
    j = results.journeys
    fb = j.loc[j["candidate"] == candidate, "feedback_at"].dropna()
    for t in fb:
        ax.axvline(mdates.date2num(t), color="black", linestyle="--", linewidth=1)
    if len(fb):
        used["feedback"] = "black"
    ax.xaxis_date()
    ax.tick_params(axis="x", labelrotation=30)
    ax.set_xlabel("date")
    ax.set_ylabel("activity")
    ax.set_title(f"journey of candidate {candidate}")
    handles = [
        Line2D([], [], color=c, linestyle="--", label=n)
        if n == "feedback"
        else Patch(facecolor=c, label=f"waiting: {n}" if n in CAUSE_COLORS else n)
        for n, c in used.items()
    ]
    ax.legend(handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


def plot_comparison(
    runs: Mapping[str, ResultsLike | pd.DataFrame],
    ax: Axes | None = None,
    days: str = "calendar",
    ci: float = 0.95,
    band: bool = True,
) -> Axes:
    """Overlaid survival curves of several runs, ``{name: Results or survival DataFrame}``.

    >>> ax = plot_comparison({"now": results, "3 recruiters": results_3})  # doctest: +SKIP
    """
    arguments.mapping("plot_comparison", runs, "{'now': a, 'what-if': b}")
    for name, data in runs.items():
        try:
            arguments.results_or_frame("runs", data, "hiresim.analysis.survival")
        except TypeError:
            raise TypeError(f"runs[{name!r}] must be a hiresim.Results or a DataFrame from "
                            f"hiresim.analysis.survival, got {type(data).__name__}") from None
    arguments.axes("ax", ax)
    arguments.choice("days", days, DAYS_KINDS)
    arguments.probability("ci", ci)
    arguments.flag("band", band)
    ax = _axes(ax)
    for name, data in runs.items():
        plot_survival(data, ax=ax, days=days, ci=ci, label=str(name), band=band)
    return ax


def plot_forecast(forecast: Forecast, ax: Axes | None = None, max_lines: int = 20) -> Axes:
    """Probability of having heard by each day after the forecast's date, one step curve per
    open application (the first ``max_lines``), with the end of the week marked. A curve that
    stays below 1 is the chance of never hearing (or not within the horizon)."""
    ax = _axes(ax)
    max_lines = arguments.whole("max_lines", max_lines, 1)
    days = np.linspace(0.0, float(forecast.horizon_days), 400)
    answers = forecast.answers.head(max_lines)
    for app in answers["application_id"]:
        if not len(forecast.draws[app]["heard"]):
            continue
        share = forecast.p_heard_within(app, days)
        ax.step(days, share, where="post", lw=1.2, label=str(app))
    if len(forecast.answers):
        week = float((forecast.answers["week_end"].iloc[0] + pd.Timedelta(days=1)
                      - forecast.as_of) / pd.Timedelta(days=1))
        ax.axvline(week, color="0.4", ls=":", lw=1)
        ax.annotate("end of this week", (week, 0.02), rotation=90, fontsize=8, color="0.3",
                    ha="right", va="bottom")
    ax.set_xlabel(f"days after {forecast.as_of.date()}")
    ax.set_ylabel("probability of having heard back")
    ax.set_ylim(0, 1.02)
    ax.set_title("When will each open candidate hear back?")
    if len(answers) <= 12 and len(answers):
        ax.legend(fontsize=7, loc="lower right")
    return ax


def plot_pit(backtest: Backtest, ax: Axes | None = None, bins: int = 10) -> Axes:
    """The backtest's PIT histogram: flat (within the shaded binomial band of probability
    ``backtest.band``, :data:`hiresim.inference.backtests.BAND`) when the forecasts are
    honest; a U shape means intervals too narrow, a hump too wide, a slope a bias. The first
    method's as bars, every other method's (the records' own forecast) as an outline; the band
    is the first's."""
    from scipy.stats import binom

    band = backtest.band
    ax = _axes(ax)
    bins = arguments.whole("bins", bins, 2, 100)
    n = 0
    for k, method in enumerate(backtest.methods):
        pit = backtest.table.loc[backtest.table["method"] == method, "pit"].to_numpy(float)
        pit = pit[np.isfinite(pit)]
        counts, edges = np.histogram(pit, bins=bins, range=(0.0, 1.0))
        density = counts / max(len(pit), 1) * bins
        if k == 0:  # the method asked for: bars; the others (the records' own): outlines
            n = len(pit)
            ax.bar(edges[:-1], density, width=1.0 / bins, align="edge", color="#4393c3",
                   edgecolor="white", label=f"{method}: {n} forecasts")
        else:
            ax.stairs(density, edges, color=["#d6604d", "#1b7837", "#762a83"][(k - 1) % 3],
                      lw=1.5, label=f"{method}: {len(pit)} forecasts")
    if n:
        lo = binom.ppf((1 - band) / 2, n, 1 / bins) / n * bins
        hi = binom.ppf((1 + band) / 2, n, 1 / bins) / n * bins
        ax.axhspan(lo, hi, color="0.85", zorder=0, label=f"honest ({band:.0%} band)")
    ax.axhline(1.0, color="0.3", lw=1)
    ax.set_xlim(0, 1)
    ax.set_xlabel("where the real wait fell in its forecast (PIT)")
    ax.set_ylabel("density")
    ax.set_title("Backtest: are the forecasts honest?")
    ax.legend(fontsize=8)
    return ax
