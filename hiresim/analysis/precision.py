"""How precise a run's headline figures are: the one place that defines what the stopping rule
of :func:`hiresim.simulate`'s ``precision`` measures (the rule itself,
:func:`hiresim.runner.is_precise`, belongs to the runner that stops).

The headline figures are the two numbers an HR reader takes away:

* ``promise``: the calendar days within which a share ``confidence`` of candidates hears back,
  exactly as :func:`hiresim.analysis.promise` computes its ``days`` (withdrawn and ghosted
  waits never hear back; open waits are censored);
* ``mean_wait``: the headline average (:func:`hiresim.analysis.headline`), the restricted
  mean of ``days_to_feedback`` up to its horizon τ, exactly as :meth:`hiresim.Results.summary`
  and every other table report it.

Both get percentile bootstrap intervals over whole replications (censoring-aware: each
resample is a weighted Kaplan-Meier curve), from the same resamples. ``half_width`` is half the
interval's length; a run is precise enough when every figure's half-width is at most the
``precision`` asked. Swapping the definition of the headline average means changing
:func:`headline_figures` only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hiresim import arguments
from hiresim.analysis import km
from hiresim.analysis.headline import tau_of
from hiresim.analysis.waits import NOT_HEARD, check_bootstrap, replication_codes, waits

if TYPE_CHECKING:
    from hiresim.tables import JourneysLike

#: Columns of :func:`headline_figures`.
FIGURE_COLUMNS = ("figure", "confidence", "days", "lower", "upper", "half_width")
#: Share of candidates the promise is about, unless told otherwise (``promise``'s default).
PROMISE_CONFIDENCE = 0.9


def headline_figures(results: JourneysLike,
                     confidence: float | Sequence[float] = PROMISE_CONFIDENCE,
                     ci: float = 0.95, n_boot: int = 500, seed: int | None = 0
                     ) -> pd.DataFrame:
    """The headline figures with their bootstrap intervals and half-widths (days).

    One row per promise (one per share in ``confidence``, in that order), then ``mean_wait``:
    ``figure``, ``confidence`` (NaN for the mean), ``days``, ``lower``, ``upper``,
    ``half_width`` (``(upper - lower) / 2``). ``half_width`` is infinite when a bound is
    unknown (the share is not reached in too many resamples) and NaN when the figure itself is
    undefined (the share is never reached: more candidates than ``1 - confidence`` never hear
    back): such a promise cannot be made at any precision, and
    :func:`hiresim.runner.is_precise` leaves it out.

    >>> headline_figures(results, confidence=0.8)                 # doctest: +SKIP
          figure  confidence   days  lower  upper  half_width
    0    promise         0.8  30.0   28.9   31.2        1.15
    1  mean_wait         NaN  12.4   12.0   12.9        0.45
    """
    arguments.results_like("results", results)
    levels = np.asarray(arguments.probabilities("confidence", confidence, empty=False),
                        dtype=float)
    check_bootstrap(ci, n_boot, seed)
    table = waits(results)
    time = table["time"].to_numpy(dtype=float)
    event = table["event"].to_numpy(dtype=bool)
    reps = table["replication"].to_numpy()
    universe = np.unique(reps)
    rep = replication_codes(reps, universe)
    weights = km.replication_weights(universe.size, n_boot, np.random.default_rng(seed))
    ones = np.ones((1, universe.size))
    # the promise: withdrawn and ghosted waits never hear back (promises._heard_table)
    never = table["outcome"].isin(NOT_HEARD).to_numpy() if "outcome" in table else (
        np.zeros(time.size, dtype=bool))
    heard_time = np.where(never, np.inf, time)
    heard_event = event & ~never
    promises = np.concatenate([km.curve_quantiles(t, s, 1.0 - levels)
                               for t, s in km.km_curves(heard_time, heard_event, rep, ones)])
    promise_boot = np.concatenate([km.curve_quantiles(t, s, 1.0 - levels)
                                   for t, s in km.km_curves(heard_time, heard_event, rep,
                                                             weights)])
    # the average: the headline average (hiresim.analysis.headline), on its horizon
    tau = tau_of(time)
    mean = np.concatenate([km.curve_rmst(t, s, tau)
                           for t, s in km.km_curves(time, event, rep, ones)])
    mean_boot = np.concatenate([km.curve_rmst(t, s, tau)
                                for t, s in km.km_curves(time, event, rep, weights)])
    points = np.append(promises[0], mean[0])
    lo, hi = km.percentile_interval(np.column_stack([promise_boot, mean_boot]), ci)
    names = [("promise", float(c)) for c in levels] + [("mean_wait", np.nan)]
    rows = []
    for k, (name, level) in enumerate(names):
        if not np.isfinite(points[k]):
            width = np.nan
        elif np.isfinite(lo[k]) and np.isfinite(hi[k]):
            width = (hi[k] - lo[k]) / 2.0
        else:
            width = np.inf
        rows.append((name, level, float(points[k]), float(lo[k]), float(hi[k]), float(width)))
    return pd.DataFrame(rows, columns=list(FIGURE_COLUMNS))

