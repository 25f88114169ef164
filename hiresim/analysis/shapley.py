"""Causal effects of the delay sources: the average wait shared out by Shapley values.

Attribution (:func:`hiresim.analysis.attribution`) charges every interval of a wait to one
cause: a description of where the days went. Ablation (:func:`hiresim.analysis.ablate`)
switches one source off: a causal effect, but one that depends on what else is on (switching
absences off saves less when there is no slot search left for them to push into next week).
The Shapley value of a source is its ablation effect averaged over every order in which the
sources could be switched off one by one, so the effects of all sources add up exactly to the
average wait now minus the average wait with every source off (the rest: work itself and
whatever no source switch removes). It is the counterfactual decomposition that attribution
should agree with; where they differ, the table says so.

Every coalition (set of sources switched off) is simulated with the same seed and
replications (common random numbers), so the differences between coalitions are sharp, and
every value is read on one horizon from all coalitions' waits pooled
(:func:`hiresim.analysis.headline.common_tau`). With at most ``exact_up_to`` sources all
``2**n`` coalitions are simulated and the values are exact (up to the replications' noise:
a bootstrap over replications gives the interval); with more, ``permutations`` random orders
(each with its reverse, antithetic pairs) are walked, and the interval adds the permutation
sampling's variance to the replications'.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from hiresim import arguments, runner
from hiresim.analysis import km
from hiresim.analysis.headline import common_tau, rmst
from hiresim.analysis.waits import (
    check_bootstrap,
    check_days,
    check_measure,
    replication_codes,
    waits,
)
from hiresim.causes import cause_columns

if TYPE_CHECKING:
    from hiresim.scenario import Scenario
    from hiresim.tables import ResultsLike

#: Columns of :func:`effects`.
EFFECT_COLUMNS = ("source", "cause", "shapley", "lower", "upper", "se", "ablation",
                  "attributed", "difference", "difference_se", "agrees", "method")

#: The cause whose days a source's switch removes, where it is not the source's own name.
CAUSE_OF_SOURCE = {"calendar": "off_hours", "season": "freeze"}

#: Sources that have no cause column of their own (their cost shows only as an effect).
NO_CAUSE = ("approvals", "calendar_load")

#: Sources that are ``2**n`` coalitions or fewer are computed exactly up to this many.
EXACT_UP_TO = 5

#: Tolerance of :attr:`agrees`: the attributed days agree with the Shapley value when their
#: difference is within this many standard errors of the difference (3: a false alarm in
#: about one source in 370 when they are equal).
AGREE_Z = 3.0


def effect_sources(scenario: Scenario) -> list[str]:
    """The sources :func:`effects` shares the wait between by default: every delay source
    (:func:`hiresim.scenario.delay_sources`) whose switch changes ``scenario``, except parts
    of another (``communication_ghosting`` is part of ``communication``, ``calendar_load``
    of what ``calendar`` and ``scheduling`` switch off): a part and its whole as two players
    would split one effect between them."""
    from hiresim.scenario import delay_sources

    names = list(delay_sources(scenario))
    same = scenario.model_dump(mode="json")
    active = [n for n in names if scenario.without(n).model_dump(mode="json") != same]
    return [n for n in active if not any(n != o and n.startswith(f"{o}_") for o in names)]


def effects(
    scenario: Scenario,
    sources: Iterable[str] | None = None,
    replications: int = 100,
    seed: int = 0,
    *,
    exact_up_to: int = EXACT_UP_TO,
    permutations: int = 16,
    ci: float = 0.95,
    n_boot: int = 200,
    days: str = "calendar",
    measure: str = "feedback",
    tau: float | None = None,
    step: Callable[[str], None] | None = None,
    simulate: Callable[..., ResultsLike] | None = None,
    **simulate_kwargs: Any,
) -> pd.DataFrame:
    """Shapley values of the delay sources: the days of the average wait each one causes.

    Parameters
    ----------
    scenario:
        A :class:`hiresim.Scenario`.
    sources:
        The sources to share the wait between (names of :func:`hiresim.scenario.delay_sources`);
        default :func:`effect_sources`. A source already off gets exactly 0.
    replications, seed:
        Of every simulation (common random numbers: the same for every coalition).
    exact_up_to:
        With at most this many sources every coalition is simulated (``2**n`` runs) and the
        values are exact; with more, ``permutations`` orders are sampled.
    permutations:
        Random orders walked when sampling (rounded up to an even number: each order comes
        with its reverse). Each costs up to one simulation per source; coalitions met twice
        are simulated once.
    ci, n_boot:
        Interval level and bootstrap resamples over replications (the same resample for every
        coalition).
    days, measure:
        As in :func:`hiresim.analysis.compare`.
    tau:
        Horizon of the average; default one from all coalitions' waits pooled.
    step:
        Called with a label before each simulation (progress).
    simulate:
        The function that runs a scenario (default :func:`hiresim.simulate`).

    Returns
    -------
    DataFrame, one row per source, largest effect first: ``source``; ``cause`` (the cause
    column its switch empties, ``""`` for ``approvals`` and ``calendar_load``); ``shapley``
    (days of the average wait it causes; the rows add up to the total minus the rest, see
    ``attrs``), ``lower``, ``upper``, ``se``; ``ablation`` (days saved by switching it off
    alone, minus the ``change`` of :func:`hiresim.analysis.ablate`; its difference to
    ``shapley`` is the source's interaction with the others); ``attributed`` (the cause's
    days of the average wait by attribution: its share of the waits' days times the total);
    ``difference`` (attributed minus Shapley) with ``difference_se``; ``agrees`` (within
    :data:`AGREE_Z` standard errors; NaN-free only for sources with a cause); ``method``
    (``"exact"`` or ``"sampled"``). ``attrs``: ``tau``, ``total`` (the average wait now),
    ``rest`` (with every source off), ``coalitions`` (simulations run), ``permutations``.

    >>> table = effects(hs.preset("default"), ["absence", "scheduling"], replications=50)
    ... # doctest: +SKIP
    """
    if not callable(getattr(scenario, "without", None)):
        raise TypeError("scenario must be a hiresim.Scenario (hiresim.load_scenario reads a "
                        f"file), got {type(scenario).__name__}")
    arguments.whole("replications", replications, 1)
    arguments.seed("seed", seed)
    arguments.whole("exact_up_to", exact_up_to, 0)
    arguments.whole("permutations", permutations, 1)
    check_bootstrap(ci, n_boot, seed)
    check_days(days)
    check_measure(measure)
    arguments.number("tau", tau, 0.0, above=True, none=True)
    arguments.callable_or_none("step", step)
    arguments.callable_or_none("simulate", simulate)
    players = _players(scenario, sources)
    run = runner.simulate if simulate is None else simulate
    simulate_kwargs.setdefault("event_log", False)
    tick = step or (lambda label: None)
    n = len(players)
    exact = n <= exact_up_to
    rng = np.random.default_rng([seed, 23])
    orders: list[list[int]] = []
    if exact:
        needed = {frozenset(c) for k in range(n + 1) for c in combinations(range(n), k)}
    else:
        for _ in range(-(-permutations // 2)):
            order = [int(i) for i in rng.permutation(n)]
            orders += [order, order[::-1]]
        needed = {frozenset(order[:k]) for order in orders for k in range(n + 1)}
        needed |= {frozenset([i]) for i in range(n)}
    # coalition = the sources switched OFF; simulated in a fixed order (smallest first)
    runs: dict[frozenset[int], ResultsLike] = {}
    for coalition in sorted(needed, key=lambda c: (len(c), sorted(c))):
        variant = scenario
        for i in sorted(coalition):
            variant = variant.without(players[i])
        label = ("baseline" if not coalition else
                 "without " + " + ".join(players[i] for i in sorted(coalition)))
        tick(label)
        runs[coalition] = run(variant, replications=replications, seed=seed, **simulate_kwargs)
    tables = {c: waits(r, (), days, measure) for c, r in runs.items()}
    if tau is None:
        tau = common_tau([(t["time"].to_numpy(dtype=float), t["event"].to_numpy(dtype=bool))
                          for t in tables.values()])
    universe = np.unique(np.concatenate([t["replication"].to_numpy() for t in tables.values()]))
    weights = np.vstack([np.ones((1, universe.size)),
                         km.replication_weights(universe.size, n_boot,
                                                np.random.default_rng(seed))])
    # value of each coalition: row 0 the point estimate, then the bootstrap resamples
    value = {c: rmst(t["time"].to_numpy(dtype=float), t["event"].to_numpy(dtype=bool),
                     replication_codes(t["replication"].to_numpy(), universe), weights, tau)
             for c, t in tables.items()}
    everything = frozenset(range(n))
    if exact:
        phi = np.zeros((n, weights.shape[0]))
        for i in range(n):
            others = [j for j in range(n) if j != i]
            for k in range(n):
                w = math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n)
                for on in combinations(others, k):
                    # i's marginal contribution when the sources in ``kept`` are on (the
                    # others off): value(kept and i on) - value(kept on)
                    kept = frozenset(on)
                    phi[i] += w * (value[everything - kept - {i}] - value[everything - kept])
        point, boot = phi[:, 0], phi[:, 1:]
        perm_var = np.zeros(n)
    else:
        contrib = np.zeros((len(orders), n, weights.shape[0]))
        for p, order in enumerate(orders):
            # switch the sources off in this order: source i's contribution is what the wait
            # loses when it goes off, given those before it are off already
            off: frozenset[int] = frozenset()
            for i in order:
                contrib[p, i] = value[off] - value[off | {i}]
                off = off | {i}
        pairs = contrib[:, :, 0].reshape(-1, 2, n).mean(axis=1)  # antithetic pairs
        point = contrib[:, :, 0].mean(axis=0)
        boot = contrib[:, :, 1:].mean(axis=0)
        perm_var = (pairs.var(axis=0, ddof=1) / pairs.shape[0] if pairs.shape[0] > 1
                    else np.full(n, np.nan))
    boot_se = boot.std(axis=1, ddof=1) if boot.shape[1] > 1 else np.full(n, np.nan)
    se = np.sqrt(boot_se ** 2 + perm_var)
    if exact:
        lower, upper = km.percentile_interval(boot.T, ci)
    else:
        z = km.z_value(ci)
        lower, upper = point - z * se, point + z * se
    ablation = np.array([value[frozenset()][0] - value[frozenset([i])][0] for i in range(n)])
    causes = [_cause_of(source, runs[frozenset()]) for source in players]
    attributed, attributed_boot = _attributed(runs[frozenset()], causes, value[frozenset()],
                                              weights, universe)
    diff = attributed - point
    diff_boot = attributed_boot - boot
    diff_se = np.sqrt((diff_boot.std(axis=1, ddof=1) if boot.shape[1] > 1
                       else np.full(n, np.nan)) ** 2 + perm_var)
    out = pd.DataFrame({
        "source": players,
        "cause": causes,
        "shapley": point,
        "lower": lower,
        "upper": upper,
        "se": se,
        "ablation": ablation,
        "attributed": attributed,
        "difference": diff,
        "difference_se": diff_se,
        "agrees": np.where(np.isfinite(diff), np.abs(diff) <= AGREE_Z * diff_se, False),
        "method": "exact" if exact else "sampled",
    })
    out = out.sort_values("shapley", ascending=False, kind="stable").reset_index(drop=True)
    out.attrs.update({"tau": float(tau), "total": float(value[frozenset()][0]),
                      "rest": float(value[everything][0]), "coalitions": len(runs),
                      "permutations": len(orders), "measure": measure})
    return out


def _players(scenario: Scenario, sources: Iterable[str] | None) -> list[str]:
    from hiresim.scenario import delay_sources

    if sources is None:
        return effect_sources(scenario)
    listed = (None if isinstance(sources, str) or not isinstance(sources, Iterable)
              else list(sources))
    if listed is None or not all(isinstance(s, str) for s in listed):
        raise TypeError("sources must be None or a list of delay source names such as "
                        f"['absence', 'scheduling'], got {sources!r}")
    allowed = delay_sources(scenario)
    unknown = [s for s in listed if s not in allowed]
    if unknown:
        raise ValueError(f"unknown delay source {unknown[0]!r}; allowed: {', '.join(allowed)}")
    if len(set(listed)) != len(listed):
        raise ValueError(f"sources must be distinct, got {listed}")
    return listed


def _cause_of(source: str, results: ResultsLike) -> str:
    """The cause column that switching ``source`` off empties ("" if none)."""
    cause = CAUSE_OF_SOURCE.get(source, source)
    if source in NO_CAUSE or f"delay_{cause}" not in results.journeys:
        return ""
    return cause


def _attributed(results: ResultsLike, causes: Sequence[str], total: np.ndarray,
                weights: np.ndarray, universe: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Days of the average wait attributed to each cause: its share of the waits' days times
    the average wait, point and bootstrap rows (the same resamples as the Shapley values)."""
    j = results.journeys
    cols = cause_columns(j.columns)
    rep = replication_codes(j["replication"].to_numpy(), universe)
    per_rep = np.zeros((universe.size, len(cols)))
    np.add.at(per_rep, rep, j[cols].to_numpy(dtype=float))
    days = weights @ per_rep  # (1 + B, causes)
    grand = days.sum(axis=1)
    point = np.full(len(causes), np.nan)
    boot = np.full((len(causes), weights.shape[0] - 1), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        for i, cause in enumerate(causes):
            if not cause:
                continue
            share = days[:, cols.index(f"delay_{cause}")] / grand
            both = share * total
            point[i], boot[i] = both[0], both[1:]
    return point, boot


__all__ = ["EFFECT_COLUMNS", "effect_sources", "effects"]
