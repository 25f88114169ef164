"""What-ifs: compare scenarios side by side, and ablate delay sources one at a time.

Both rest on common random numbers (design section 4): replication ``i`` of every scenario run
with the same seed draws the same arrivals, work times, absences, ..., so differences are
computed *paired by replication* and their bootstrap resamples whole replication indices,
the same ones for every scenario.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pandas as pd

from hiresim import arguments
from hiresim.analysis import _km
from hiresim.analysis._common import check_bootstrap, check_days, replication_codes, waits
from hiresim.analysis.reuse import idle_replications, same_scenario

if TYPE_CHECKING:
    import os

    from typing_extensions import TypeIs  # typing.TypeIs is 3.13+; annotations only

    from hiresim.results import ResultsLike
    from hiresim.scenario import Scenario

    #: What :func:`compare` takes per name: a finished run, or what to simulate.
    Run: TypeAlias = ResultsLike | Scenario | str | os.PathLike[str] | dict[str, Any]

COMPARE_COLUMNS = (
    "name",
    "statistic",
    "q",
    "value",
    "lower",
    "upper",
    "diff",
    "diff_lower",
    "diff_upper",
)


def _is_results(obj: object) -> TypeIs[ResultsLike]:
    return all(hasattr(obj, name) for name in ("journeys", "candidates", "events"))


def compare(
    runs: Mapping[str, Run],
    q: Sequence[float] = (0.5, 0.9),
    ci: float = 0.95,
    n_boot: int = 500,
    seed: int = 0,
    replications: int = 200,
    days: str = "calendar",
    tau: float | None = None,
    **simulate_kwargs: Any,
) -> pd.DataFrame:
    """Side-by-side wait statistics of several runs, with CIs of differences to the first.

    Parameters
    ----------
    runs:
        ``{name: Results or Scenario}``; the first entry is the baseline. A value that is not a
        :class:`hiresim.Results` is simulated with ``hiresim.simulate(value,
        replications=replications, seed=seed, event_log=False, **simulate_kwargs)`` (on the
        same pool of workers as every other run); use the same seed for all
        so replications pair up (common random numbers). Build variants of one scenario with
        the dotted-path override helper of :mod:`hiresim.scenario`.
    q:
        Quantile levels (Kaplan-Meier, censoring-aware) to compare, besides the restricted mean.
    ci, n_boot, seed:
        Percentile bootstrap over replication indices, the same resample for every run, so a
        difference's interval reflects paired sampling; ``seed`` also seeds simulations.
    days:
        ``"calendar"`` or ``"business"``.
    tau:
        Horizon of the restricted mean, common to all runs. Default: the 90th percentile of
        all waits (ended or censored) pooled over the runs. The longest wait seen would make
        the mean hinge on a handful of extreme, heavily censored waits (it flipped the sign of
        small effects); the 90th percentile keeps the comparison on waits that are observed.

    Returns
    -------
    Long DataFrame: ``name``, ``statistic`` (``"restricted_mean"`` or ``"quantile"``), ``q``,
    ``value``, ``lower``, ``upper``, ``diff`` (value minus the baseline's), ``diff_lower``,
    ``diff_upper``. Identical inputs give differences of exactly zero.

    Examples
    --------
    >>> compare({"now": results, "more recruiters": results_3})    # doctest: +SKIP
    >>> compare({"now": scenario, "weekly committee": scenario_b}, replications=300, seed=1)
    ... # doctest: +SKIP
    """
    arguments.mapping("compare", runs, "{'now': a, 'what-if': b}")
    qs = np.asarray(arguments.probabilities("q", q), dtype=float)
    arguments.seed("seed", seed)  # also the simulations' seed: not None
    check_bootstrap(ci, n_boot, seed)
    arguments.whole("replications", replications, 1)
    check_days(days)
    arguments.number("tau", tau, 0.0, above=True, none=True)
    done: dict[str, ResultsLike] = {}
    # the comparison reads the journeys only: an event log would cost time and memory
    simulate_kwargs.setdefault("event_log", False)
    for name, value in runs.items():
        if _is_results(value):
            done[name] = value
        else:
            import hiresim

            done[name] = hiresim.simulate(
                value, replications=replications, seed=seed, **simulate_kwargs
            )
    tables = {name: waits(res, (), days) for name, res in done.items()}
    universe = np.unique(np.concatenate([t["replication"].to_numpy() for t in tables.values()]))
    if tau is None:
        finite = [t["time"].to_numpy()[np.isfinite(t["time"].to_numpy())] for t in tables.values()]
        pooled = np.concatenate(finite) if finite else np.array([])
        tau = float(np.quantile(pooled, TAU_QUANTILE)) if pooled.size else np.nan
    weights = _km.replication_weights(universe.size, n_boot, np.random.default_rng(seed))
    ones = np.ones((1, universe.size))
    stats: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, t in tables.items():
        args = (
            t["time"].to_numpy(dtype=float),
            t["event"].to_numpy(dtype=bool),
            replication_codes(t["replication"].to_numpy(), universe),
        )
        stats[name] = (_stats(*args, ones, qs, tau)[0], _stats(*args, weights, qs, tau))
    labels = [("restricted_mean", np.nan)] + [("quantile", float(level)) for level in qs]
    base_point, base_boot = next(iter(stats.values()))
    rows = []
    for name, (point, boot) in stats.items():
        lo, hi = _km.percentile_interval(boot, ci)
        d_lo, d_hi = _km.percentile_interval(boot - base_boot, ci)
        diff = point - base_point
        for k, (stat, level) in enumerate(labels):
            rows.append((name, stat, level, point[k], lo[k], hi[k], diff[k], d_lo[k], d_hi[k]))
    out = pd.DataFrame(rows, columns=list(COMPARE_COLUMNS))
    out.attrs["tau"] = tau
    return out


#: Default horizon of the restricted mean in comparisons: this quantile of the pooled waits.
TAU_QUANTILE = 0.9


def _stats(
    time: np.ndarray,
    event: np.ndarray,
    rep: np.ndarray,
    weights: np.ndarray,
    qs: np.ndarray,
    tau: float,
) -> np.ndarray:
    """``(B, 1 + len(qs))``: restricted mean then quantiles, one row per weight row."""
    parts = []
    for times, s in _km.km_curves(time, event, rep, weights):
        mean = _km.curve_rmst(times, s, tau) if np.isfinite(tau) else np.full(s.shape[0], np.nan)
        parts.append(np.column_stack([mean, _km.curve_quantiles(times, s, 1.0 - qs)]))
    return np.concatenate(parts)


def ablate(
    scenario: Scenario,
    sources: Iterable[str] | None = None,
    replications: int = 200,
    seed: int = 0,
    q: Sequence[float] = (0.5, 0.9),
    ci: float = 0.95,
    n_boot: int = 500,
    days: str = "calendar",
    *,
    baseline: Any = None,
    step: Callable[[str], None] | None = None,
    timings: bool = False,
    reuse: bool = True,
    **simulate_kwargs: Any,
) -> pd.DataFrame:
    """Causal effect of each delay source: switch it off, rerun with the same seed, compare.

    For each source in ``sources`` (default: ``hiresim.scenario.delay_sources``
    of the scenario: the built-in sources and its user mechanisms) the scenario
    ``scenario.without(source)`` is simulated with the same ``seed`` and ``replications`` as
    the baseline, so every other random draw is unchanged, and the change in the restricted mean
    and the quantiles is reported with a paired bootstrap interval. Interactions are included:
    removing vacations also removes the meetings they pushed into the next week. A source that
    is already off in the scenario changes nothing, exactly.

    Parameters
    ----------
    baseline:
        :class:`hiresim.Results` of ``scenario`` already simulated with this ``seed`` and
        ``replications`` (e.g. the main run of the HR report): used as the baseline instead of
        simulating it again. It must be that run, or the pairing by replication is meaningless,
        so Results with another seed, replication count or scenario raise ``ValueError``.
    step:
        Called with a short label (``"baseline"``, ``"without absence"``, ...) before each
        simulation, so that callers (the CLI, the report) can show progress of this slow
        function without it knowing about progress bars.
    timings:
        Add a column ``seconds``: the wall time of each source's rerun. Off by default because
        it is the only column that differs between two identical calls.
    reuse:
        Take from the baseline, instead of simulating them again, the replications that
        switching a source off provably leaves unchanged (the source is already off; or, for
        ``reorganization`` and ``turnover``, it drew nothing in that replication: see
        :mod:`hiresim.analysis.reuse`). The table is the same either way; ``False`` simulates
        everything (to check that claim, or to time the full cost).
    simulate_kwargs:
        Passed to :func:`hiresim.simulate` (``workers``, ``event_log``, ...). Without
        ``event_log`` the runs keep no event log (the comparison reads the journeys only).

    Returns
    -------
    DataFrame: ``source``, ``statistic``, ``q``, ``baseline``, ``value``, ``change`` (value minus
    baseline; negative = the source made waits longer by that much), ``lower``, ``upper``, and
    ``seconds`` with ``timings=True``.

    Examples
    --------
    >>> import hiresim as hs                                      # doctest: +SKIP
    >>> effects = ablate(hs.preset("default"), replications=100)  # doctest: +SKIP
    >>> effects.query("statistic == 'restricted_mean'").sort_values("change")  # doctest: +SKIP
    """
    import hiresim
    from hiresim.scenario import DELAY_SOURCES

    if not callable(getattr(scenario, "without", None)):  # a Scenario (or one like it)
        raise TypeError("scenario must be a hiresim.Scenario (hiresim.load_scenario reads a "
                        f"file), got {type(scenario).__name__}")
    if sources is not None:
        listed = (None if isinstance(sources, str) or not isinstance(sources, Iterable)
                  else list(sources))
        if listed is None or not all(isinstance(s, str) for s in listed):
            raise TypeError("sources must be None or a list of delay source names such as "
                            f"['absence', 'approvals'], got {sources!r}")
        sources = listed
    arguments.whole("replications", replications, 1)
    arguments.seed("seed", seed)
    arguments.probabilities("q", q)
    check_bootstrap(ci, n_boot, seed)
    check_days(days)
    arguments.callable_or_none("step", step)
    arguments.flag("timings", timings)
    arguments.flag("reuse", reuse)
    # the comparison reads the journeys only: an event log would cost time and memory
    simulate_kwargs.setdefault("event_log", False)
    # the built-in sources, then the scenario's user mechanisms (switched off by name)
    own = list(getattr(scenario, "extensions", None) or ())
    chosen = list([*DELAY_SOURCES, *own] if sources is None else sources)
    if "baseline" in chosen:
        raise ValueError("'baseline' is not a delay source")
    tick = step or (lambda label: None)
    if baseline is not None:
        _check_baseline(baseline, scenario, replications, seed)
        runs: dict[str, ResultsLike] = {"baseline": baseline}
    else:
        tick("baseline")
        runs = {
            "baseline": hiresim.simulate(
                scenario, replications=replications, seed=seed, **simulate_kwargs
            )
        }
    seconds: dict[str, float] = {}
    # proofs read a real Scenario's fields (a stand-in with ``without`` only is simulated)
    reuse = reuse and hasattr(scenario, "model_dump") and hasattr(scenario, "extensions")
    idle = idle_replications(scenario, chosen, seed, range(replications)) if reuse else {}
    for source in chosen:
        tick(f"without {source}")
        started = time.perf_counter()
        variant = scenario.without(source)
        if reuse and same_scenario(scenario, variant):
            runs[source] = runs["baseline"]
        elif idle.get(source):
            runs[source] = _partly_reused(runs["baseline"], variant, idle[source], replications,
                                          seed, simulate_kwargs)
        else:
            runs[source] = hiresim.simulate(
                variant, replications=replications, seed=seed, **simulate_kwargs
            )
        seconds[source] = time.perf_counter() - started
    table = compare(runs, q=q, ci=ci, n_boot=n_boot, seed=seed, days=days)
    base = table.loc[table["name"] == "baseline", "value"].to_numpy()
    out = table[table["name"] != "baseline"].drop(columns=["lower", "upper"])
    out["baseline"] = np.tile(base, len(chosen))
    out = out.rename(
        columns={"name": "source", "diff": "change", "diff_lower": "lower", "diff_upper": "upper"}
    )
    cols = ["source", "statistic", "q", "baseline", "value", "change", "lower", "upper"]
    if timings:
        out["seconds"] = out["source"].map(seconds)
        cols.append("seconds")
    out = out[cols].reset_index(drop=True)
    out.attrs["tau"] = table.attrs.get("tau")
    return out


def _partly_reused(baseline: ResultsLike, variant: Scenario, same: list[int], replications: int,
                   seed: int, simulate_kwargs: dict[str, Any]) -> ResultsLike:
    """Results of ``variant`` whose replications ``same`` are the baseline's (provably
    unchanged) and the others simulated: the tables :func:`hiresim.simulate` would give."""
    import hiresim
    from hiresim.results import RESULT_TABLES, Results, dependency_versions
    from hiresim.runner import simulate_some

    kwargs = dict(simulate_kwargs)
    event_log = arguments.flag("event_log", kwargs.pop("event_log", True))
    if event_log and (baseline.events.empty and not baseline.journeys.empty):
        # the baseline kept no event log to take the unchanged replications' events from
        return hiresim.simulate(variant, replications=replications, seed=seed,
                                **simulate_kwargs)
    known = {"workers", "chunk_size", "progress", "force"}
    if set(kwargs) - known:
        raise TypeError(f"unexpected arguments for simulate: {sorted(set(kwargs) - known)}")
    taken = set(same)
    rest = [r for r in range(replications) if r not in taken]
    tables: dict[str, pd.DataFrame] = {}
    fresh = (simulate_some(variant, rest, seed, kwargs.get("workers"), event_log,
                           kwargs.get("chunk_size")) if rest else None)
    for name in RESULT_TABLES:
        old = getattr(baseline, name)
        if name == "events" and not event_log and fresh is not None:
            tables[name] = fresh[name]
            continue
        kept = old[old["replication"].isin(taken).to_numpy()] if len(old) else old
        parts = [kept] if fresh is None else [kept, fresh[name]]
        both = pd.concat([p for p in parts if len(p)] or [parts[-1]], ignore_index=True)
        tables[name] = both.sort_values("replication", kind="stable").reset_index(drop=True)
    manifest = {
        "seed": int(seed),
        "replications": replications,
        "event_log": event_log,
        "scenario": variant.model_dump(mode="json"),
        "versions": dependency_versions(),
        "reused_replications": len(same),
    }
    return Results(**tables, manifest=manifest)


def _check_baseline(baseline: Any, scenario: Any, replications: int, seed: int) -> None:
    """Refuse a baseline that is not ``scenario`` run with ``seed`` and ``replications``.

    Reusing it is only valid when its replication ``i`` is the one the reruns pair with.
    """
    from hiresim.results import Results

    if not isinstance(baseline, Results):
        raise TypeError(f"baseline must be a hiresim.Results, got {type(baseline).__name__}")
    wrong = []
    if baseline.seed != seed:
        wrong.append(f"seed {baseline.seed!r} (not {seed!r})")
    if baseline.replications != replications:
        wrong.append(f"{baseline.replications} replications (not {replications})")
    ran = baseline.manifest.get("scenario")
    if ran is not None and hasattr(scenario, "model_dump") and ran != scenario.model_dump(
        mode="json"
    ):
        wrong.append("another scenario")
    if wrong:
        raise ValueError(f"baseline cannot be reused: it was run with {', '.join(wrong)}")
