"""What-ifs: compare scenarios side by side, ablate delay sources one at a time, try changes.

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

from hiresim import arguments, runner
from hiresim.analysis import km
from hiresim.analysis.headline import common_tau, rmst
from hiresim.analysis.reuse import idle_replications, same_scenario
from hiresim.analysis.waits import (
    as_list,
    check_bootstrap,
    check_days,
    check_measure,
    groups,
    replication_codes,
    waits,
)

if TYPE_CHECKING:
    import os

    from typing_extensions import TypeIs  # typing.TypeIs is 3.13+; annotations only

    from hiresim.scenario import Scenario
    from hiresim.tables import ResultsLike

    #: What :func:`compare` takes per name: a finished run, or what to simulate.
    Run: TypeAlias = ResultsLike | Scenario | str | os.PathLike[str] | dict[str, Any]

#: A function that runs a scenario as :func:`hiresim.simulate` does (``scenario,
#: replications=, seed=, **kwargs``) and returns its tables.
Simulate: TypeAlias = "Callable[..., ResultsLike]"

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
    "tau",
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
    *,
    by: str | Sequence[str] | None = None,
    measure: str = "feedback",
    simulate: Simulate | None = None,
    **simulate_kwargs: Any,
) -> pd.DataFrame:
    """Side-by-side wait statistics of several runs, with CIs of differences to the first.

    Parameters
    ----------
    runs:
        ``{name: Results or Scenario}``; the first entry is the baseline. A value that is not a
        :class:`hiresim.Results` is simulated with ``simulate(value,
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
        Horizon of the restricted mean, common to all runs. Default: one horizon computed
        from the waits of *all* runs pooled (:func:`hiresim.analysis.headline_tau` of them
        all: the 90th percentile of the waits, ended or censored, rounded up to whole days,
        raised where needed so that no run's average is below its own median), so every run
        is measured with the same ruler and the order of ``runs`` changes no number. Each
        row's value is :func:`hiresim.analysis.headline` of that run with this ``tau``; the
        table's ``tau`` column (and ``attrs["tau"]``) gives it. The longest wait seen would
        make the mean hinge on a handful of extreme, heavily censored waits (it flipped the
        sign of small effects).
    by:
        Column(s) of the waits to compare group by group: ``"round"``, ``"outcome"`` (each
        run's own outcome of the wait: ``offer``, ``reject``, ...), ``"requisition"``. One
        horizon for all runs and groups; each group's difference is paired by replication.
    measure:
        ``"feedback"`` (each wait for feedback after an interview: the headline) or
        ``"final_answer"``: each interviewed candidate's whole process, from the end of the
        first interview to the final answer (an offer or a told rejection), censored where the
        candidate withdrew, was ghosted or was still waiting
        (:func:`hiresim.analysis.waits.final_answer_waits`); with ``by="outcome"`` grouped by
        the candidate's final outcome.
    simulate:
        The function that runs the values that are not Results: default
        :func:`hiresim.simulate`.

    Returns
    -------
    Long DataFrame: ``name``, the ``by`` columns, ``statistic`` (``"restricted_mean"``: the
    headline average, or ``"quantile"``), ``q``,
    ``value``, ``lower``, ``upper``, ``diff`` (value minus the baseline's), ``diff_lower``,
    ``diff_upper``, ``tau`` (the horizon of the average, on its rows; NaN on quantiles).
    Identical inputs give differences of exactly zero.

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
    arguments.columns("by", by)
    by = as_list(by)
    check_measure(measure)
    if "stage" in by:
        raise ValueError("compare is about waits for feedback (or the whole process): "
                         "'stage' is not allowed in by")
    run = _simulator(simulate)
    done: dict[str, ResultsLike] = {}
    # the comparison reads the journeys only: an event log would cost time and memory
    simulate_kwargs.setdefault("event_log", False)
    for name, value in runs.items():
        if _is_results(value):
            done[name] = value
        else:
            done[name] = run(value, replications=replications, seed=seed, **simulate_kwargs)
    keys, tables = _group_tables(done, by, days, measure)
    universe = np.unique(np.concatenate([t["replication"].to_numpy()
                                         for t in tables.values()]))
    if tau is None:  # one ruler for every run and group, from all of them: order changes nothing
        tau = common_tau([(t["time"].to_numpy(dtype=float), t["event"].to_numpy(dtype=bool))
                          for t in tables.values()])
    weights = km.replication_weights(universe.size, n_boot, np.random.default_rng(seed))
    ones = np.ones((1, universe.size))
    stats: dict[tuple[str, tuple[Any, ...]], tuple[np.ndarray, np.ndarray]] = {}
    for (name, key), t in tables.items():
        args = (
            t["time"].to_numpy(dtype=float),
            t["event"].to_numpy(dtype=bool),
            replication_codes(t["replication"].to_numpy(), universe),
        )
        stats[name, key] = (_stats(*args, ones, qs, tau)[0], _stats(*args, weights, qs, tau))
    labels = [("restricted_mean", np.nan)] + [("quantile", float(level)) for level in qs]
    first = next(iter(done))
    rows = []
    for name in done:
        for key in keys:
            point, boot = stats[name, key]
            base_point, base_boot = stats[first, key]
            lo, hi = km.percentile_interval(boot, ci)
            d_lo, d_hi = km.percentile_interval(boot - base_boot, ci)
            diff = point - base_point
            for k, (stat, level) in enumerate(labels):
                rows.append((name, *key, stat, level, point[k], lo[k], hi[k], diff[k], d_lo[k],
                             d_hi[k]))
    out = pd.DataFrame(rows, columns=["name", *by, *COMPARE_COLUMNS[1:-1]])
    out["tau"] = np.where(out["statistic"] == "restricted_mean", float(tau), np.nan)
    out.attrs["tau"] = float(tau)
    out.attrs["measure"] = measure
    return out


def _group_tables(done: Mapping[str, ResultsLike], by: list[str], days: str, measure: str
                  ) -> tuple[list[tuple[Any, ...]], dict[tuple[str, tuple[Any, ...]],
                                                          pd.DataFrame]]:
    """The waits of every run split by the ``by`` columns: the sorted union of the groups of
    all runs (a group that a run lacks is an empty table: its statistics are NaN), and the
    table of each (run, group)."""
    tables = {name: waits(res, by, days, measure) for name, res in done.items()}
    if not by:
        return [()], {(name, ()): t for name, t in tables.items()}
    split: dict[tuple[str, tuple[Any, ...]], pd.DataFrame] = {}
    found: set[tuple[Any, ...]] = set()
    for name, t in tables.items():
        for values, sub in groups(t, by):
            split[name, tuple(values.values())] = sub
            found.add(tuple(values.values()))
    keys = sorted(found, key=lambda k: tuple(str(v) for v in k))
    for name, t in tables.items():
        for key in keys:
            split.setdefault((name, key), t.iloc[:0])
    return keys, split


def _simulator(simulate: Simulate | None) -> Simulate:
    """``simulate``, checked, or the runner's :func:`~hiresim.runner.simulate` (looked up
    when called, so that a test may replace it in :mod:`hiresim.runner`)."""
    arguments.callable_or_none("simulate", simulate)
    return runner.simulate if simulate is None else simulate


def _stats(
    time: np.ndarray,
    event: np.ndarray,
    rep: np.ndarray,
    weights: np.ndarray,
    qs: np.ndarray,
    tau: float,
) -> np.ndarray:
    """``(B, 1 + len(qs))``: restricted mean then quantiles, one row per weight row."""
    mean = rmst(time, event, rep, weights, tau)
    quants = [km.curve_quantiles(times, s, 1.0 - qs)
              for times, s in km.km_curves(time, event, rep, weights)]
    return np.column_stack([mean, np.concatenate(quants)])


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
    tau: float | None = None,
    groups: Mapping[str, Iterable[str]] | None = None,
    by: str | Sequence[str] | None = None,
    measure: str = "feedback",
    baseline: Any = None,
    step: Callable[[str], None] | None = None,
    timings: bool = False,
    reuse: bool = True,
    simulate: Simulate | None = None,
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
    tau:
        Horizon of the restricted mean (the headline average); default one horizon from the
        waits of the baseline and every variant pooled, as in :func:`compare` (so the
        ``baseline`` column is :func:`hiresim.analysis.headline` of the baseline run with
        this ``tau``, given in the ``tau`` column).
    groups:
        Sources switched off *together*, each group one more row named by its key:
        ``{"people away": ["absence", "priority", "turnover"]}``. A group's effect includes
        the interactions between its members, so it is not the sum of theirs. With
        ``sources=[]`` only the groups are run.
    by:
        ``"round"``, ``"outcome"`` (or another column of the waits): the effect in each group
        of waits, one row per source, group and statistic (see :func:`compare`). An effect on
        all waits can hide a large one on a few: an approval chain that adds a day on average
        may add weeks to the candidates who get an offer.
    measure:
        ``"feedback"`` (each wait for feedback, the headline) or ``"final_answer"`` (each
        interviewed candidate's process from the first interview to the final answer,
        censoring-aware; see :func:`compare`).
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
        everything (to check that claim, or to time the full cost). Only with the default
        ``simulate``: the proofs are about its replications.
    simulate:
        The function that runs a scenario (default :func:`hiresim.simulate`), called as
        ``simulate(scenario, replications=replications, seed=seed, **simulate_kwargs)``.
    simulate_kwargs:
        Passed to ``simulate`` (``workers``, ``event_log``, ...). Without
        ``event_log`` the runs keep no event log (the comparison reads the journeys only).

    Returns
    -------
    DataFrame: ``source``, the ``by`` columns, ``statistic``, ``q``, ``baseline``, ``value``,
    ``change`` (value minus
    baseline; negative = the source made waits longer by that much), ``lower``, ``upper``,
    ``tau`` (the horizon of the averages, on their rows), and ``seconds`` with
    ``timings=True``.

    Examples
    --------
    >>> import hiresim as hs                                      # doctest: +SKIP
    >>> effects = ablate(hs.preset("default"), replications=100)  # doctest: +SKIP
    >>> effects.query("statistic == 'restricted_mean'").sort_values("change")  # doctest: +SKIP
    >>> ablate(hs.preset("default"), [], groups={"people away": ["absence", "priority"]},
    ...        by="outcome", measure="final_answer", replications=100)  # doctest: +SKIP
    """
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
    _check_effect_arguments(replications, seed, q, ci, n_boot, days, step, timings)
    arguments.flag("reuse", reuse)
    arguments.columns("by", by)
    check_measure(measure)
    bundles = _check_groups(groups)
    run = _simulator(simulate)
    # the comparison reads the journeys only: an event log would cost time and memory
    simulate_kwargs.setdefault("event_log", False)
    # the built-in sources, then the scenario's user mechanisms (switched off by name)
    own = list(getattr(scenario, "extensions", None) or ())
    chosen = list([*DELAY_SOURCES, *own] if sources is None else sources)
    if "baseline" in chosen or "baseline" in bundles:
        raise ValueError("'baseline' is not a delay source")
    clash = sorted(set(chosen) & set(bundles))
    if clash:
        raise ValueError(f"groups: {clash[0]!r} is also a source of its own; name the group "
                         "differently")
    variants = {source: scenario.without(source) for source in chosen}
    for name, members in bundles.items():  # checked (names are validated) before any run
        variant = scenario
        for member in members:
            variant = variant.without(member)
        variants[name] = variant
    tick = step or (lambda label: None)
    if baseline is not None:
        _check_baseline(baseline, scenario, replications, seed)
        runs: dict[str, ResultsLike] = {"baseline": baseline}
    else:
        tick("baseline")
        runs = {"baseline": run(scenario, replications=replications, seed=seed,
                                **simulate_kwargs)}
    return _effects(scenario, variants, runs, replications, seed, q, ci, n_boot, days, tau,
                    tick, timings, "source", simulate_kwargs, reuse, simulate,
                    by=as_list(by), measure=measure)


def _check_groups(groups: Any) -> dict[str, list[str]]:
    """``groups`` of :func:`ablate`: ``{name: [source, ...]}`` with at least one source."""
    if groups is None:
        return {}
    example = "{'people away': ['absence', 'priority', 'turnover']}"
    arguments.mapping("groups", groups, example)
    out: dict[str, list[str]] = {}
    for name, members in groups.items():
        listed = (None if isinstance(members, str) or not isinstance(members, Iterable)
                  else list(members))
        if not isinstance(name, str) or not listed or not all(isinstance(m, str)
                                                              for m in listed):
            raise TypeError(f"groups must map a name to a list of delay sources, such as "
                            f"{example}; got {name!r}: {members!r}")
        out[name] = listed
    return out


def _check_effect_arguments(replications: Any, seed: Any, q: Any, ci: Any, n_boot: Any,
                            days: Any, step: Any, timings: Any) -> None:
    """The arguments :func:`ablate` and :func:`what_if` share, checked before anything runs."""
    arguments.whole("replications", replications, 1)
    arguments.seed("seed", seed)
    arguments.probabilities("q", q)
    check_bootstrap(ci, n_boot, seed)
    check_days(days)
    arguments.callable_or_none("step", step)
    arguments.flag("timings", timings)


def _effects(scenario: Scenario, variants: Mapping[str, Scenario], runs: dict[str, ResultsLike],
             replications: int, seed: int, q: Sequence[float], ci: float, n_boot: int,
             days: str, tau: float | None, tick: Callable[[str], None], timings: bool,
             label: str, simulate_kwargs: dict[str, Any], reuse: bool = True,
             simulate: Simulate | None = None, *, by: list[str] | None = None,
             measure: str = "feedback") -> pd.DataFrame:
    """Simulate each variant with the baseline's seed and replications; the paired change of
    each statistic to ``runs["baseline"]`` (the table of :func:`ablate` and :func:`what_if`).
    With ``reuse``, a variant equal to the scenario is the baseline run, and (with the
    runner's own ``simulate``) a source's replications that it provably leaves unchanged are
    taken from the baseline (:mod:`hiresim.analysis.reuse`)."""
    run = _simulator(simulate)
    seconds: dict[str, float] = {}
    # proofs read a real Scenario's fields (a stand-in with ``without`` only is simulated)
    reuse = reuse and hasattr(scenario, "model_dump") and hasattr(scenario, "extensions")
    idle = (idle_replications(scenario, list(variants), seed, range(replications))
            if reuse and simulate is None and label == "source" else {})
    for name, variant in variants.items():
        tick(f"without {name}" if label == "source" else f"what if {name}")
        started = time.perf_counter()
        if reuse and same_scenario(scenario, variant):
            runs[name] = runs["baseline"]
        elif idle.get(name):
            runs[name] = _partly_reused(runs["baseline"], variant, idle[name], replications,
                                        seed, simulate_kwargs)
        else:
            runs[name] = run(variant, replications=replications, seed=seed, **simulate_kwargs)
        seconds[name] = time.perf_counter() - started
    by = by or []
    table = compare(runs, q=q, ci=ci, n_boot=n_boot, seed=seed, days=days, tau=tau, by=by,
                    measure=measure)
    base = table.loc[table["name"] == "baseline", "value"].to_numpy()
    out = table[table["name"] != "baseline"].drop(columns=["lower", "upper"])
    out["baseline"] = np.tile(base, len(variants))
    out = out.rename(
        columns={"name": label, "diff": "change", "diff_lower": "lower", "diff_upper": "upper"}
    )
    cols = [label, *by, "statistic", "q", "baseline", "value", "change", "lower", "upper",
            "tau"]
    if timings:
        out["seconds"] = out[label].map(seconds)
        cols.append("seconds")
    out = out[cols].reset_index(drop=True)
    out.attrs["tau"] = table.attrs.get("tau")
    out.attrs["measure"] = measure
    return out


def parse_what_if(text: str) -> tuple[str, Any]:
    """``"roles.recruiter.count=3"`` -> ``("roles.recruiter.count", 3)``: a dotted path of the
    scenario, ``=``, and a value read as JSON when it parses (numbers, true/false, lists such
    as ``["Tue","Thu"]``) and as text otherwise, exactly like ``hiresim compare --set``.

    Raises :class:`hiresim.ScenarioError` naming the text when there is no ``PATH=``.
    """
    import json

    from hiresim.scenario import ScenarioError

    if not isinstance(text, str):
        raise TypeError(f"a what-if must be a text PATH=VALUE such as 'roles.recruiter.count=3', "
                        f"got {text!r}")
    path, sep, value = text.partition("=")
    if not sep or not path.strip():
        raise ScenarioError(f"--what-if {text!r}", [("", "expected PATH=VALUE, e.g. "
                                                         "roles.recruiter.count=3")])
    try:
        parsed = json.loads(value.strip())
    except ValueError:
        parsed = value.strip()
    return path.strip(), parsed


def what_if_scenario(scenario: Scenario, text: str) -> Scenario:
    """The scenario of one what-if text: ``"PATH=VALUE"``, or several joined by ``;``, applied
    with :meth:`hiresim.Scenario.with_overrides`. Raises :class:`hiresim.ScenarioError`
    naming ``--what-if 'TEXT'`` and the field path when a path or value is wrong."""
    parts = [parse_what_if(part) for part in text.split(";") if part.strip()] \
        if isinstance(text, str) else [parse_what_if(text)]
    if not parts:
        parse_what_if(text)  # raises: nothing to change
    return scenario.with_overrides(dict(parts), source=f"--what-if {text!r}")


def what_if(
    scenario: Scenario,
    changes: Iterable[str],
    replications: int = 200,
    seed: int = 0,
    q: Sequence[float] = (0.5, 0.9),
    ci: float = 0.95,
    n_boot: int = 500,
    days: str = "calendar",
    *,
    tau: float | None = None,
    baseline: Any = None,
    step: Callable[[str], None] | None = None,
    timings: bool = False,
    simulate: Simulate | None = None,
    **simulate_kwargs: Any,
) -> pd.DataFrame:
    """Your own what-ifs beside :func:`ablate`: each change ``"PATH=VALUE"`` (the dotted paths
    of :meth:`hiresim.Scenario.with_overrides`, as sweeps use) is one variant, simulated with
    the baseline's seed and replications (common random numbers) and compared with a paired
    bootstrap interval.

    Every change is validated before anything is simulated: a wrong path or value raises
    :class:`hiresim.ScenarioError` naming the what-if text and the field path. A change that
    sets several fields at once is a text with ``;`` between them
    (``"roles.recruiter.count=3; roles.recruiter.calendar_load=0.1"``).

    Returns the table of :func:`ablate` with ``what_if`` (the text given) in place of
    ``source``: ``statistic``, ``q``, ``baseline``, ``value``, ``change`` (negative = shorter
    with the change), ``lower``, ``upper`` (and ``seconds`` with ``timings=True``).
    ``simulate`` and ``simulate_kwargs`` are as in :func:`ablate`.

    >>> what_if(hs.preset("default"), ["roles.recruiter.count=3"], replications=50)
    ... # doctest: +SKIP
    """
    if not callable(getattr(scenario, "with_overrides", None)):
        raise TypeError("scenario must be a hiresim.Scenario (hiresim.load_scenario reads a "
                        f"file), got {type(scenario).__name__}")
    if isinstance(changes, str) or not isinstance(changes, Iterable):
        raise TypeError("changes must be a list of texts PATH=VALUE such as "
                        f"['roles.recruiter.count=3'], got {changes!r}")
    texts = list(changes)
    _check_effect_arguments(replications, seed, q, ci, n_boot, days, step, timings)
    run = _simulator(simulate)
    variants = {text: what_if_scenario(scenario, text) for text in texts}
    if len(variants) != len(texts) or "baseline" in variants:
        raise ValueError("what-ifs must be distinct and none may be called 'baseline'")
    tick = step or (lambda label: None)
    if baseline is not None:
        _check_baseline(baseline, scenario, replications, seed)
        runs: dict[str, ResultsLike] = {"baseline": baseline}
    else:
        tick("baseline")
        runs = {"baseline": run(scenario, replications=replications, seed=seed,
                                **simulate_kwargs)}
    return _effects(scenario, variants, runs, replications, seed, q, ci, n_boot, days, tau,
                    tick, timings, "what_if", simulate_kwargs, True, simulate)


def _partly_reused(baseline: ResultsLike, variant: Scenario, same: list[int], replications: int,
                   seed: int, simulate_kwargs: dict[str, Any]) -> ResultsLike:
    """Results of ``variant`` whose replications ``same`` are the baseline's (provably
    unchanged) and the others simulated: the tables :func:`hiresim.simulate` would give."""
    from hiresim.results import Results, dependency_versions
    from hiresim.tables import RESULT_TABLES

    kwargs = dict(simulate_kwargs)
    event_log = arguments.flag("event_log", kwargs.pop("event_log", True))
    if event_log and (baseline.events.empty and not baseline.journeys.empty):
        # the baseline kept no event log to take the unchanged replications' events from
        return runner.simulate(variant, replications=replications, seed=seed,
                               **simulate_kwargs)
    known = {"workers", "chunk_size", "progress", "force"}
    if set(kwargs) - known:
        raise TypeError(f"unexpected arguments for simulate: {sorted(set(kwargs) - known)}")
    taken = set(same)
    rest = [r for r in range(replications) if r not in taken]
    tables: dict[str, pd.DataFrame] = {}
    fresh = (runner.simulate_some(variant, rest, seed, kwargs.get("workers"), event_log,
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
    if baseline.manifest.get("calendars"):
        wrong.append("team calendars (the reruns simulate the scenario without them)")
    if wrong:
        raise ValueError(f"baseline cannot be reused: it was run with {', '.join(wrong)}")
