"""The one average wait hiresim quotes: the restricted mean up to a stated horizon.

Every table and page that gives "the average wait" (``Results.summary()``, the ``hiresim run``
table, :func:`~hiresim.analysis.compare`, :func:`~hiresim.analysis.ablate`, the HR report's
"where the days go" and "what would help" sections) calls :func:`headline`, so one run gives
one number everywhere. Why this statistic (see ``docs/explanation/headline.md``):

* a wait that ended with the candidate withdrawing, being ghosted or still open at the end of
  the simulation is *censored*: we know it lasted at least that long, not how long it would
  have lasted. The plain mean of ``days_to_feedback`` treats those waits as answered when they
  were cut short (too low); the mean of answered waits leaves them out (too low again, as long
  waits are the ones cut short). The Kaplan-Meier curve uses what censored waits tell us;
* the area under it up to ``tau`` (the restricted mean) is the average wait *counting any
  wait longer than tau as tau*: a statement an HR reader can check, and the standard
  censoring-aware mean (the full mean does not exist when some waits never end);
* ``tau`` is the 90th percentile of all waits of the run (answered or not), rounded up to whole
  days, so at least one wait in ten is still observed at ``tau`` and the curve is well
  estimated up to it. A comparison (``compare``, ``ablate``, a sweep, the report) computes one
  ``tau`` from the waits of *all* its runs pooled (:func:`common_tau`), so a what-if changes
  the wait, not the ruler, and the order in which runs are named changes nothing;
* an average is never reported below its own median: a cap below a run's median would make
  its "average" describe the cap, not the run (``compare startup bigco`` once gave bigco 8.2
  days against a median of 11.2). When the pooled ``tau`` would do that to any run, ``tau`` is
  raised to the smallest whole day at which it does not (:func:`common_tau`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hiresim import arguments
from hiresim.analysis import km
from hiresim.analysis.waits import check_bootstrap, check_days, replication_codes, waits

if TYPE_CHECKING:
    from hiresim.tables import JourneysLike

#: ``tau`` is this quantile of all waits (answered or censored), rounded up to whole days.
TAU_QUANTILE = 0.9

#: The name the tables print beside the number.
NAME = "average wait"


def headline_tau(*results: JourneysLike, days: str = "calendar") -> float:
    """The horizon of the headline average of one run or of a comparison of several.

    The 90th percentile of all waits of the runs pooled (answered or not, in ``days``),
    rounded up to a whole day, raised where needed so that no run's average falls below its
    own median (:func:`common_tau`); NaN without waits. The order of ``results`` does not
    matter.

    >>> import hiresim as hs
    >>> a = hs.simulate(hs.preset("mmc"), replications=2, seed=1)
    >>> b = hs.simulate(hs.preset("mmc").with_overrides({"roles.reviewer.count": 2}),
    ...                 replications=2, seed=1)
    >>> headline_tau(a, b) == headline_tau(b, a) >= headline_tau(a)
    True
    """
    check_days(days)
    if not results:
        raise TypeError("headline_tau needs at least one run")
    for item in results:
        arguments.results_like("results", item)
    tables = [waits(item, (), days) for item in results]
    return common_tau([(t["time"].to_numpy(dtype=float), t["event"].to_numpy(dtype=bool))
                       for t in tables])


def common_tau(runs: Sequence[tuple[np.ndarray, np.ndarray]]) -> float:
    """The one horizon of a comparison of ``runs`` (each ``(time, event)`` arrays of waits).

    1. :func:`tau_of` of all waits pooled: the 90th percentile, rounded up to whole days
       (for one run, its own headline horizon);
    2. if the restricted mean of some run up to it is below that run's Kaplan-Meier median,
       the smallest whole day above it at which no run's is (the restricted mean grows with
       the horizon and the median does not move, so the first such day is found by
       bisection), and at most the longest wait seen, rounded up: beyond it nothing changes.
       Only a run whose waits are mostly just below its median and rarely far above (a mean
       below the median even uncapped) can still have its average below it there.

    >>> common_tau([(np.arange(1.0, 101.0), np.ones(100, bool))])
    91.0
    >>> fast = (np.full(90, 1.0), np.ones(90, bool))
    >>> slow = (np.linspace(10.0, 30.0, 10), np.ones(10, bool))
    >>> tau_of(np.concatenate([fast[0], slow[0]])), common_tau([fast, slow])  # median of slow: 18.9
    (2.0, 25.0)
    """
    times = [np.asarray(t, dtype=float) for t, _ in runs]
    pooled = np.concatenate(times) if times else np.empty(0)
    tau = tau_of(pooled)
    if not np.isfinite(tau):
        return tau
    curves = []
    for time, event in runs:
        time = np.asarray(time, dtype=float)
        keep = np.isfinite(time)
        if not keep.any():
            continue
        rep = np.zeros(int(keep.sum()), dtype=np.int64)
        grid, s = next(km.km_curves(time[keep], np.asarray(event, dtype=bool)[keep], rep,
                                    np.ones((1, 1))))
        median = km.curve_quantiles(grid, s, np.array([0.5]))[0, 0]
        if np.isfinite(median):
            curves.append((grid, s, float(median)))

    def holds(horizon: float) -> bool:
        return all(km.curve_rmst(grid, s, horizon)[0] >= median - 1e-9
                   for grid, s, median in curves)

    if holds(tau):
        return tau
    top = float(max(tau, np.ceil(np.nanmax(pooled[np.isfinite(pooled)]) - 1e-9)))
    low, high = tau, top  # holds(low) is False; the answer is in (low, high]
    while high - low > 1.0:
        middle = float(np.floor((low + high) / 2.0))
        if holds(middle):
            high = middle
        else:
            low = middle
    return high


def tau_of(times: np.ndarray) -> float:
    """:func:`headline_tau` of an array of wait lengths (NaN/inf ignored)."""
    finite = times[np.isfinite(times)]
    if not finite.size:
        return float("nan")
    return float(max(1.0, np.ceil(np.quantile(finite, TAU_QUANTILE) - 1e-9)))


def definition(tau: float, days: str = "calendar") -> str:
    """The sentence printed beside the headline average."""
    unit = "calendar days" if days == "calendar" else "working days (Mon-Fri)"
    horizon = "–" if not np.isfinite(tau) else f"{tau:g}"
    return (f"{NAME}: {unit} from the interview to an answer, counting any wait longer than "
            f"{horizon} days as {horizon}; a wait that ended without an answer counts as long "
            "as it lasted and then goes on like the answered waits of that length "
            "(Kaplan-Meier restricted mean)")


@dataclass(frozen=True)
class Headline:
    """The headline average of one run: ``value`` (days) with its bootstrap ``se`` and
    ``lower``/``upper`` interval at level ``ci``, the horizon ``tau`` and its ``definition``."""

    value: float
    se: float
    lower: float
    upper: float
    tau: float
    ci: float
    days: str
    waits: int

    @property
    def definition(self) -> str:
        return definition(self.tau, self.days)

    def __str__(self) -> str:
        return f"{self.value:.1f} days ({self.lower:.1f} to {self.upper:.1f})"


def headline(
    results: JourneysLike,
    tau: float | None = None,
    ci: float = 0.95,
    n_boot: int = 200,
    seed: int | None = 0,
    days: str = "calendar",
) -> Headline:
    """The average wait that hiresim quotes, with its standard error and interval.

    Parameters
    ----------
    results:
        A :class:`hiresim.Results` (or anything with ``journeys``).
    tau:
        Horizon in days; default :func:`headline_tau` of ``results``. Give a comparison's
        ``tau`` to read a run on its ruler (``compare`` and ``ablate`` print theirs).
    ci, n_boot, seed:
        Percentile bootstrap over whole replications (the independent unit); ``se`` is the
        standard deviation of the resampled values.
    days:
        ``"calendar"`` or ``"business"``.

    >>> import hiresim as hs
    >>> h = headline(hs.simulate(hs.preset("mmc"), replications=2, seed=1))
    >>> h.value > 0 and h.lower <= h.value <= h.upper and "counting any wait" in h.definition
    True
    """
    arguments.results_like("results", results)
    check_bootstrap(ci, n_boot, seed)
    check_days(days)
    arguments.number("tau", tau, 0.0, above=True, none=True)
    table = waits(results, (), days)
    time = table["time"].to_numpy(dtype=float)
    event = table["event"].to_numpy(dtype=bool)
    horizon = common_tau([(time, event)]) if tau is None else float(tau)
    if not time.size:
        nan = float("nan")
        return Headline(nan, nan, nan, nan, horizon, ci, days, 0)
    universe = np.unique(table["replication"].to_numpy())
    rep = replication_codes(table["replication"].to_numpy(), universe)
    point = rmst(time, event, rep, np.ones((1, universe.size)), horizon)[0]
    weights = km.replication_weights(universe.size, n_boot, np.random.default_rng(seed))
    boot = rmst(time, event, rep, weights, horizon)
    lo, hi = km.percentile_interval(boot[:, None], ci)
    se = float(np.std(boot, ddof=1)) if boot.size > 1 else float("nan")
    return Headline(float(point), se, float(lo[0]), float(hi[0]), horizon, ci, days, time.size)


def rmst(time: np.ndarray, event: np.ndarray, rep: np.ndarray, weights: np.ndarray,
         tau: float) -> np.ndarray:
    """The restricted mean up to ``tau`` of each weighted Kaplan-Meier curve (one per row of
    ``weights``): the computation behind every headline number."""
    parts = [km.curve_rmst(times, s, tau) if np.isfinite(tau) else np.full(s.shape[0], np.nan)
             for times, s in km.km_curves(time, event, rep, weights)]
    return np.concatenate(parts) if parts else np.full(weights.shape[0], np.nan)
