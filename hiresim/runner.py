"""Replications: seeding, executors (serial, local processes, any Executor) and progress.

Replication ``i`` of seed ``s`` is the same computation wherever it runs: its random streams come
from ``SeedSequence(s, spawn_key=(i, ...))`` (see :mod:`hiresim.streams`), so the same seed gives
identical Results with ``workers=None``, an int, or a cluster's executor. Work is sent in chunks of
replications; results are put back in replication order.

:func:`run_units` is the one place where work meets workers: :func:`simulate` sends it chunks of
one scenario, :func:`hiresim.sweep` chunks of many scenarios (one per overrides row). Workers
always return compact NumPy columns and the calling process builds the DataFrames.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, as_completed
from typing import TYPE_CHECKING, Any

import numpy as np

from hiresim.results import Results, dependency_versions
from hiresim.scenario import Scenario, load_scenario
from hiresim.scenario.sizing import check_size
from hiresim.tables import RESULT_TABLES

if TYPE_CHECKING:
    import pandas as pd

#: Seconds a local worker process may sit idle before it exits (the pool starts it again when
#: needed): long enough that ablate, compare, report and sweep reuse the same processes.
POOL_IDLE_SECONDS = 300
#: Replications whose tables are built together when running in this process: a chunk's
#: records go from Python lists to NumPy columns per replication and to DataFrames once.
SERIAL_CHUNK = 32
#: Chunks are planned for this many workers behind an Executor (its size is not knowable).
EXECUTOR_WIDTH = 4

#: Replications of :func:`simulate` unless told otherwise.
DEFAULT_REPLICATIONS = 100
#: Most replications a run with ``precision`` makes unless told otherwise.
MAX_REPLICATIONS = 2000
#: Replications of a run with ``precision`` before its first check.
PRECISION_FIRST = 20
#: Each check of a run with ``precision`` comes after this factor more replications in all.
PRECISION_GROWTH = 1.5
#: Bootstrap resamples of each check of a run with ``precision`` (as many as the HR report and
#: ``hiresim promise`` use: the checks then cost much less than the replications they judge).
PRECISION_BOOT = 200


#: Compact columns of some replications, as :meth:`hiresim.trace.Trace.columns` gives them.
Columns = dict[str, dict[str, Any]]
#: One unit of work: a scenario as a plain dict (what workers receive) and replications of it.
Unit = tuple[dict[str, Any], Sequence[int]]


def simulate(scenario: Scenario | str | os.PathLike[str] | dict[str, Any],
             replications: int = DEFAULT_REPLICATIONS,
             seed: int = 0, workers: int | Executor | None = None, progress: bool = False,
             event_log: bool = True, chunk_size: int | None = None, force: bool = False,
             calendars: Any = None, precision: float | None = None,
             max_replications: int = MAX_REPLICATIONS,
             confidence: float | Sequence[float] = 0.9) -> Results:
    """Simulate ``replications`` independent runs of ``scenario``, or as many as ``precision``
    needs.

    Args:
        scenario: a :class:`Scenario`, a TOML path, or a dict (validated first).
        replications: number of independent replications (leave it out with ``precision``).
        seed: the experiment's seed; the same seed gives identical Results for any ``workers``.
        workers: ``None`` (this process), an int (that many local processes), or any
            :class:`concurrent.futures.Executor` (e.g. a Dask ``Client.get_executor()``).
        progress: show a progress bar (tqdm) over replications.
        event_log: keep the per-activity event log; ``False`` keeps journeys and candidates
            only (less memory and time for very large runs).
        chunk_size: replications per task sent to a worker (default: chunks that shrink as
            the run goes on, so that workers finish together; see :func:`guided_chunks`).
        force: run even if the run's estimated size exceeds :data:`hiresim.scenario.sizing.LIMITS`
            (without it such a run stops with a ScenarioError before anything is simulated).
        calendars: named people's real calendars: a :class:`hiresim.TeamCalendars`
            (:func:`hiresim.read_calendars`) or its :meth:`~hiresim.TeamCalendars.hours` of
            the scenario's start. Their absences are laid over those people's calendars
            (``absence``) and their busy blocks taken out of their meeting slots; ids that
            are not people of the scenario are refused before anything runs.
        precision: stop when the 95 % confidence interval of each headline figure (the days
            within which a share ``confidence`` hears back, and the average wait; see
            :func:`hiresim.analysis.precision.headline_figures`) is at most this many days
            either side of the estimate (a half-width, in calendar days). Replications run in
            the fixed batches of :func:`precision_schedule`, so the result is exactly
            ``simulate(..., replications=n)`` for the ``n`` it needed, whatever ``workers``.
            ``manifest["precision"]`` says how many it needed and the precision reached.
        max_replications: with ``precision``, stop at this many replications even if the
            intervals are still wider (``manifest["precision"]["reached_max"]`` says so).
        confidence: with ``precision``, the share of candidates of the promised days, or
            several shares (one promise each; a share that can never be promised, because
            more candidates never hear back, is left out of the rule).

    Example:
        >>> import hiresim as hs
        >>> res = hs.simulate(hs.preset("default"), replications=2, seed=1)
        >>> sorted(res.journeys["outcome"].unique())[:1]
        ['advance']
    """
    from hiresim import arguments as check

    replications = check.whole("replications", replications, 1)
    if precision is not None and replications != DEFAULT_REPLICATIONS:
        raise ValueError("give replications or precision, not both: with precision, the "
                         "replications are as many as it needs, up to max_replications")
    precision = check.number("precision", precision, 0.0, above=True, none=True,
                             what="a number of days")
    max_replications = check.whole("max_replications", max_replications, 1)
    confidences = check.probabilities("confidence", confidence, empty=False)
    seed = check.seed("seed", seed)
    workers = check.workers("workers", workers)
    chunk_size = check.whole("chunk_size", chunk_size, 1, none=True)
    progress = check.flag("progress", progress)
    event_log = check.flag("event_log", event_log)
    sc = load_scenario(scenario)
    force = check.flag("force", force)
    check_size(sc, max_replications if precision is not None else replications, event_log,
               force)
    own = check.calendars("calendars", calendars, sc)
    payload = worker_payload(sc)
    if own is not None:
        payload[CALENDARS_KEY] = own
    # each chunk arrives as compact NumPy columns (workers never build DataFrames); its tables
    # are built at once, while any workers go on, and concatenated at the end. (Merging all
    # chunks' columns first and building each table once was measured too: no less memory.)
    parts: list[dict[str, pd.DataFrame]] = []
    bar = _progress(max_replications if precision is not None else replications) if (
        progress) else None
    stopped: dict[str, Any] | None = None
    try:
        if precision is None:
            _run_into(parts, sc, payload, range(replications), int(seed), workers, event_log,
                      chunk_size, bar)
        else:
            replications, stopped = _run_precise(parts, sc, payload, int(seed), workers,
                                                 event_log, chunk_size, bar, float(precision),
                                                 max_replications, confidences)
    finally:
        if bar is not None:
            bar.close()
    tables = _tables(parts)
    del parts
    manifest = {
        "seed": int(seed),
        "replications": replications,
        "event_log": event_log,
        "scenario": sc.model_dump(mode="json"),
        "versions": dependency_versions(),
    }
    if own is not None:
        manifest["calendars"] = {pid: [list(x) for x in entry] for pid, entry in own.items()}
    if stopped is not None:
        manifest["precision"] = stopped
    return Results(**tables, manifest=manifest)


def precision_schedule(maximum: int) -> list[int]:
    """Replications done at each check of a run with ``precision``: 20, 30, 50, 80, 120, 180,
    270, 410, ... (each about 1.5 times the last, rounded up to tens), ending at ``maximum``.

    Fixed and independent of the workers, so a run stops at the same count wherever it runs;
    a run needs at most about 1.5 times the replications that would have just sufficed.
    """
    out: list[int] = []
    n = PRECISION_FIRST
    while n < maximum:
        out.append(n)
        n = -(-int(n * PRECISION_GROWTH + 0.5) // 10) * 10
    out.append(maximum)
    return out


def is_precise(figures: pd.DataFrame, precision: float) -> bool:
    """The stopping rule of a run with ``precision``: whether every defined figure of
    :func:`hiresim.analysis.precision.headline_figures` has a half-width of at most
    ``precision`` days (at least one figure must be defined; a promise that cannot be made at
    any precision, with a NaN half-width, is left out)."""
    widths = figures["half_width"].to_numpy(dtype=float)
    defined = ~np.isnan(widths)
    return bool(defined.any() and (widths[defined] <= precision).all())


def _run_precise(parts: list[dict[str, pd.DataFrame]], sc: Scenario, payload: dict[str, Any],
                 seed: int, workers: int | Executor | None, event_log: bool,
                 chunk_size: int | None, bar: Any, precision: float, maximum: int,
                 confidence: list[float]) -> tuple[int, dict[str, Any]]:
    """Run batches of :func:`precision_schedule` into ``parts`` until every headline figure's
    half-width is at most ``precision``; return the replications run and what was reached."""
    from types import SimpleNamespace

    from hiresim.analysis.precision import headline_figures

    done = 0
    checks: list[dict[str, Any]] = []
    precise = False
    for total in precision_schedule(maximum):
        _run_into(parts, sc, payload, range(done, total), seed, workers, event_log,
                  chunk_size, bar)
        done = total
        so_far = SimpleNamespace(journeys=concat_frames([p["journeys"] for p in parts]))
        figures = headline_figures(so_far, confidence, n_boot=PRECISION_BOOT, seed=seed)
        precise = is_precise(figures, precision)
        checks.append({"replications": total, "half_width": _widths(figures)})
        if precise:
            break
    return done, {
        "target": precision,
        "confidence": list(confidence),
        "ci": 0.95,
        "n_boot": PRECISION_BOOT,
        "max_replications": maximum,
        "reached_max": not precise,
        "half_width": checks[-1]["half_width"],
        "checks": checks,
    }


def _widths(figures: pd.DataFrame) -> dict[str, float | None]:
    """``{"promise 90%": half-width, ..., "mean_wait": ...}``; None for an undefined figure."""
    out: dict[str, float | None] = {}
    for name, level, width in figures[["figure", "confidence", "half_width"]].itertuples(
            index=False):
        key = name if name == "mean_wait" else f"{name} {level:.0%}"
        out[key] = None if width != width else float(width)
    return out


def simulate_some(scenario: Scenario, replications: Sequence[int], seed: int = 0,
                  workers: int | Executor | None = None, event_log: bool = True,
                  chunk_size: int | None = None) -> dict[str, pd.DataFrame]:
    """The tables of some replications of ``scenario`` (in the order given), run like
    :func:`simulate` runs its own: replication ``r`` gives the same rows here as there.

    For callers that take the other replications from elsewhere (``ablate`` takes those that
    a switched-off source provably leaves unchanged from the baseline).
    """
    if not replications:
        raise ValueError("simulate_some needs at least one replication")
    parts: list[dict[str, pd.DataFrame]] = []
    _run_into(parts, scenario, worker_payload(scenario), list(replications), int(seed),
              workers, event_log, chunk_size, None)
    return _tables(parts)


def _run_into(parts: list[dict[str, pd.DataFrame]], sc: Scenario, payload: dict[str, Any],
              reps: Sequence[int], seed: int, workers: int | Executor | None, event_log: bool,
              chunk_size: int | None, bar: Any) -> None:
    """Simulate replications ``reps`` of ``sc`` and append their tables, chunk by chunk."""
    chunks = [reps[c.start:c.stop] for c in plan_chunks(len(reps), workers, chunk_size)]
    units = run_units([(payload, chunk) for chunk in chunks], seed, workers, event_log)
    with stop_on_interrupt(workers, units):
        for k, cols in units:
            parts.append(build_tables(cols, sc))
            if bar is not None:
                bar.update(len(chunks[k]))


def _tables(parts: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """The chunks' tables, each concatenated in replication order."""
    return {name: concat_frames([p[name] for p in parts]) for name in RESULT_TABLES}


def concat_frames(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Tables of consecutive chunks as one table (index 0..n-1); a single one is not copied.

    Shared by :func:`simulate` and the sweep's loader, so that a sweep row read back from its
    Parquet chunks is assembled exactly as the same run held in memory.
    """
    import pandas as pd

    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def run_chunk(payload: dict[str, Any], seed: int, replications: Sequence[int],
              event_log: bool) -> dict[str, dict[str, Any]]:
    """Run some replications of a scenario given as a plain dict (what workers receive).

    Returns the chunk's records as compact columns (NumPy arrays and lists of labels, see
    :meth:`hiresim.trace.Trace.columns`): small to send back, and a worker never imports
    pandas. :func:`hiresim.trace.build_tables` turns them into DataFrames.
    """
    return _chunk_columns(scenario_of(payload), seed, replications, event_log,
                          payload.get(CALENDARS_KEY))


#: Key of a worker payload that lists the ``module:Class`` of the user mechanisms it uses.
MECHANISMS_KEY = "__mechanisms__"
#: Key of a worker payload that lists the ``sys.path`` folders those mechanisms come from.
ROOTS_KEY = "__roots__"
#: Key of a worker payload that holds named people's own calendars (hours, plain lists).
CALENDARS_KEY = "__calendars__"
#: Keys of a worker payload that are not fields of the scenario.
_PAYLOAD_KEYS = (MECHANISMS_KEY, ROOTS_KEY, CALENDARS_KEY)


def worker_payload(scenario: Scenario) -> dict[str, Any]:
    """The scenario as a plain dict for a worker process: its fields and, if it uses user
    mechanisms, where to import them from (a worker has not imported the user's module, and
    may have started before the folder it lives in was put on ``sys.path``)."""
    from hiresim.mechanisms import mechanism_paths, mechanism_roots

    payload = scenario.model_dump(mode="json")
    if scenario.extensions:
        payload[MECHANISMS_KEY] = mechanism_paths(scenario)
        payload[ROOTS_KEY] = mechanism_roots(scenario)
    return payload


def scenario_of(payload: dict[str, Any]) -> Scenario:
    """The Scenario of a :func:`worker_payload`, importing the user mechanisms it names."""
    paths = payload.get(MECHANISMS_KEY)
    if paths:
        from hiresim.mechanisms import import_mechanisms

        import_mechanisms(paths, payload.get(ROOTS_KEY, ()))
    if any(key in payload for key in _PAYLOAD_KEYS):
        payload = {k: v for k, v in payload.items() if k not in _PAYLOAD_KEYS}
    return Scenario.model_validate(payload)


def _chunk_columns(scenario: Scenario, seed: int, replications: Sequence[int],
                   event_log: bool, calendars: Any = None) -> dict[str, dict[str, Any]]:
    from hiresim.model import replication_columns
    from hiresim.trace import concat_columns

    return concat_columns([replication_columns(scenario, seed, r, event_log, calendars)
                           for r in replications])


def build_tables(cols: dict[str, dict[str, Any]], scenario: Scenario
                 ) -> dict[str, pd.DataFrame]:
    """The tables of a scenario's columns (:func:`hiresim.trace.build_tables`, imported on
    first use: it needs pandas), with the columns of its user mechanisms' causes."""
    from hiresim.mechanisms import cause_slots
    from hiresim.trace import build_tables as build
    from hiresim.trace import drop_warmup

    cols = drop_warmup(cols, scenario.warmup_days * 24.0)
    return build(cols, scenario.start, cause_slots(scenario))


def in_process(workers: int | Executor | None) -> bool:
    """Whether ``workers`` means running in this process (``None``, or an int <= 1); raises
    ``TypeError`` for a value that is no kind of ``workers``."""
    _check_workers(workers)
    return workers is None or (isinstance(workers, int) and workers <= 1)


def _check_workers(workers: Any) -> None:
    # bool is an int: workers=True would have meant one process, workers=False an error
    if not (workers is None or isinstance(workers, Executor)
            or (isinstance(workers, int) and not isinstance(workers, bool))):
        raise TypeError(f"workers must be None, an int or an Executor, got {workers!r}")


def fixed_chunks(n: int, size: int) -> list[range]:
    """Replications ``0 .. n - 1`` in consecutive chunks of ``size`` (the last one shorter).

    The fixed chunking of ``simulate(..., chunk_size=size)`` and of a sweep's units.
    """
    return [range(i, min(i + size, n)) for i in range(0, n, size)]


def plan_chunks(n: int, workers: int | Executor | None, chunk_size: int | None) -> list[range]:
    """How :func:`simulate` splits ``n`` replications for ``workers``.

    Serially, fixed chunks of ``chunk_size`` or :data:`SERIAL_CHUNK` (tables are built per
    chunk, so some batching pays even here); on workers, fixed chunks of ``chunk_size`` or
    :func:`guided_chunks` for the pool's width (:data:`EXECUTOR_WIDTH` for an Executor).
    """
    if in_process(workers):
        return fixed_chunks(n, chunk_size or SERIAL_CHUNK)
    if chunk_size:
        return fixed_chunks(n, chunk_size)
    return guided_chunks(n, EXECUTOR_WIDTH if isinstance(workers, Executor) else int(workers or 1))


def guided_chunks(n: int, width: int) -> list[range]:
    """Replications ``0 .. n - 1`` in consecutive chunks that shrink as the run goes on.

    Each chunk is about half of what is left divided among the ``width`` workers, down to a
    floor of ``n / (16 * width)``: the first chunks are large (little shipping and table
    building per replication), the last ones small, so that workers run out of work at
    nearly the same time instead of one of them finishing a last large chunk alone. Chunking
    never changes the results (each replication has its own streams).
    """
    floor = max(1, n // (16 * width))
    out: list[range] = []
    start = 0
    while start < n:
        size = max(floor, -(-(n - start) // (2 * width)))
        out.append(range(start, min(start + size, n)))
        start += size
    return out


def run_units(units: Sequence[Unit], seed: int, workers: int | Executor | None = None,
              event_log: bool = True, ordered: bool = True) -> Iterator[tuple[int, Columns]]:
    """Run units of work on ``workers``; yield ``(k, columns)`` for each ``units[k]``.

    Each unit is a scenario payload (``Scenario.model_dump(mode="json")``) and replications of
    it; a worker runs :func:`run_chunk` on it and sends back compact columns, which the caller
    turns into tables with :func:`build_tables` (workers never import pandas). Both
    :func:`simulate` (chunks of one scenario) and :func:`hiresim.sweep` (chunks of every row)
    run through here, so seeding, executors and cancellation work the same for both.

    Args:
        units: ``(payload, replications)`` pairs.
        seed: the experiment's seed (replication ``r`` of ``seed`` is the same everywhere).
        workers: ``None`` or an int <= 1 (this process, one unit after the other), an int
            (that many local processes of the reusable :func:`local_pool`), or any
            :class:`concurrent.futures.Executor` (left running).
        event_log: keep the per-activity event log.
        ordered: yield units in the order given (what :func:`simulate` needs to put tables in
            replication order); ``False`` yields each unit as soon as it finishes (a sweep
            writes it to disk at once). Serial runs are always in order.

    Units not yet started when the caller stops iterating (or a unit fails) are cancelled;
    on Ctrl-C the local pool's workers are killed (see :func:`stop_on_interrupt`).
    """
    if in_process(workers):
        for k, (payload, replications) in enumerate(units):
            yield k, run_chunk(payload, seed, replications, event_log)
        return
    if not units:
        return
    executor = workers if isinstance(workers, Executor) else local_pool(int(workers or 1))
    pending: dict[Future, int] = {}
    try:
        for k, (payload, replications) in enumerate(units):
            pending[executor.submit(run_chunk, payload, seed, replications, event_log)] = k
        finished = None if ordered else as_completed(list(pending))
        while pending:  # a unit's result is let go once yielded, not held to the end
            future = next(iter(pending)) if finished is None else next(finished)
            k = pending.pop(future)
            columns = future.result()
            del future
            yield k, columns
    except KeyboardInterrupt:  # while waiting: stop the workers now (see stop_on_interrupt)
        if _own_pool(workers):
            stop_local_pool()
        raise
    finally:
        for future in pending:
            future.cancel()


#: The executor :func:`local_pool` last returned (``None``: none, or stopped since).
_pool: Executor | None = None


@contextlib.contextmanager
def stop_on_interrupt(workers: int | Executor | None,
                      units: Iterator[tuple[int, Columns]]) -> Iterator[None]:
    """Around a loop over ``units`` (a :func:`run_units`): on Ctrl-C (``KeyboardInterrupt``,
    or an exception derived from it, such as the ``hiresim`` command's SIGTERM) while the loop
    handles a unit, the local pool's workers are killed at once (:func:`stop_local_pool`)
    instead of finishing the units they hold, then ``units`` is closed, and the interrupt goes
    on. (While it waits for a unit, :func:`run_units` does the same itself.) An Executor of
    the caller's own is left alone: its units not started are cancelled."""
    try:
        yield
    except KeyboardInterrupt:
        if _own_pool(workers):
            stop_local_pool()  # before the units are cancelled: loky cannot fail a cancelled one
        raise
    finally:
        close = getattr(units, "close", None)
        if close is not None:
            close()


def _own_pool(workers: int | Executor | None) -> bool:
    """Whether ``workers`` means the local pool (:func:`local_pool`)."""
    return not in_process(workers) and not isinstance(workers, Executor)


def stop_local_pool() -> None:
    """Kill the workers of the local pool (:func:`local_pool`) and shut it down, releasing its
    queues and semaphores; the next run starts a new one. Does nothing without a pool."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, kill_workers=True)  # type: ignore[call-arg]


def local_pool(workers: int) -> Executor:
    """The process's one pool of ``workers`` local processes, reused across calls.

    A loky reusable executor (the pool behind joblib): its workers are started with fork +
    exec and receive work by pickling, so they never re-run the caller's main module — a
    script without an ``if __name__ == "__main__":`` guard, a script fed on standard input and
    a notebook all work. They exit when idle for :data:`POOL_IDLE_SECONDS` and when this
    process dies (see :func:`_exit_with_parent`), and leave Ctrl-C to this process
    (:func:`_start_worker`), which kills them when it stops (:func:`stop_on_interrupt`).
    Asking for another size resizes the same pool.
    """
    from loky import get_reusable_executor

    global _pool
    _pool = get_reusable_executor(max_workers=workers, timeout=POOL_IDLE_SECONDS, reuse=True,
                                  initializer=_start_worker, initargs=(os.getpid(),))
    return _pool


def _start_worker(parent: int) -> None:
    """Run by each local worker as it starts: Ctrl-C is left to the parent (which kills its
    workers when it stops: :func:`stop_on_interrupt`), and the worker ends with its parent
    (:func:`_exit_with_parent`).

    A terminal's Ctrl-C reaches every process of its foreground group, workers included: a
    worker interrupted in the middle of a unit would send the interruption back as its
    result, racing the parent's own stop."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(parent)


#: Seconds between a local worker's checks that the process whose pool it is in still lives.
PARENT_CHECK_SECONDS = 0.25


def _exit_with_parent(parent: int) -> None:
    """Run by each local worker as it starts: a daemon thread ends the worker once ``parent``
    (the process that started it) is gone, even in the middle of a unit.

    loky's workers do not watch their parent: killed with SIGKILL, it would leave them to
    finish their units and then wait for more until the idle timeout, and loky's resource
    tracker with them (it lives while a worker holds its pipe). A dead parent's children are
    given another parent, so ``os.getppid()`` changes (POSIX; on Windows this is a no-op).
    """
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="hiresim-exit-with-parent", daemon=True).start()


def _progress(n: int) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=n, unit="rep", desc="simulating")
