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
  estimated up to it. Comparisons use the first (baseline) run's ``tau`` for every variant, so
  a what-if changes the wait, not the ruler.
"""

from __future__ import annotations

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


def headline_tau(results: JourneysLike, days: str = "calendar") -> float:
    """The horizon of the headline average: the 90th percentile of all waits of ``results``
    (answered or not, in ``days``), rounded up to a whole day; NaN without waits."""
    check_days(days)
    t = waits(results, (), days)["time"].to_numpy(dtype=float)
    return tau_of(t)


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
        Horizon in days; default :func:`headline_tau` of ``results``. Give the baseline's
        ``tau`` to put a variant on the same ruler (``compare`` and ``ablate`` do).
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
    horizon = tau_of(time) if tau is None else float(tau)
    if not time.size:
        nan = float("nan")
        return Headline(nan, nan, nan, nan, horizon, ci, days, 0)
    event = table["event"].to_numpy(dtype=bool)
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
