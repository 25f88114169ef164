"""Replications: seeding, executors (serial, local processes, any Executor) and progress.

Replication ``i`` of seed ``s`` is the same computation wherever it runs: its random streams come
from ``SeedSequence(s, spawn_key=(i, ...))`` (see :mod:`hiresim.streams`), so the same seed gives
identical Results with ``workers=None``, an int, or a cluster's executor. Work is sent in chunks of
replications; results are put back in replication order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from hiresim.results import TABLES, Results, dependency_versions
from hiresim.scenario import Scenario, load_scenario

if TYPE_CHECKING:
    import pandas as pd

#: Start method of local worker processes. "spawn" is explicit and the same on every platform;
#: hiresim never sets a global start method.
START_METHOD = "spawn"
#: Replications whose tables are built together when running in this process: a chunk's
#: records go from Python lists to NumPy columns per replication and to DataFrames once.
SERIAL_CHUNK = 32


def simulate(scenario: Scenario | str | os.PathLike | dict, replications: int = 100,
             seed: int = 0, workers: int | Executor | None = None, progress: bool = False,
             event_log: bool = True, chunk_size: int | None = None) -> Results:
    """Simulate ``replications`` independent runs of ``scenario``.

    Args:
        scenario: a :class:`Scenario`, a TOML path, or a dict (validated first).
        replications: number of independent replications.
        seed: the experiment's seed; the same seed gives identical Results for any ``workers``.
        workers: ``None`` (this process), an int (that many local processes), or any
            :class:`concurrent.futures.Executor` (e.g. a Dask ``Client.get_executor()``).
        progress: show a progress bar (tqdm) over replications.
        event_log: keep the per-activity event log; ``False`` keeps journeys and candidates
            only (less memory and time for very large runs).
        chunk_size: replications per task sent to a worker (default: chunks that shrink as
            the run goes on, so that workers finish together; see :func:`guided_chunks`).

    Example:
        >>> import hiresim as hs
        >>> res = hs.simulate(hs.preset("default"), replications=2, seed=1)
        >>> sorted(res.journeys["outcome"].unique())[:1]
        ['advance']
    """
    sc = load_scenario(scenario)
    if replications < 1:
        raise ValueError(f"replications must be >= 1, got {replications}")
    payload = sc.model_dump(mode="json")
    # each chunk arrives as compact NumPy columns (workers never build DataFrames); its tables
    # are built at once, while any workers go on, and concatenated at the end. (Merging all
    # chunks' columns first and building each table once was measured too: no less memory.)
    parts = [build_tables(cols, sc.start)
             for cols in _run(payload, int(seed), replications, workers, progress, event_log,
                              chunk_size)]
    tables = {name: _concat([p[name] for p in parts]) for name in TABLES}
    del parts
    manifest = {
        "seed": int(seed),
        "replications": replications,
        "event_log": event_log,
        "scenario": payload,
        "versions": dependency_versions(),
    }
    return Results(**tables, manifest=manifest)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    import pandas as pd

    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def run_chunk(payload: dict[str, Any], seed: int, replications: Sequence[int],
              event_log: bool) -> dict[str, dict[str, Any]]:
    """Run some replications of a scenario given as a plain dict (what workers receive).

    Returns the chunk's records as compact columns (NumPy arrays and lists of labels, see
    :meth:`hiresim.trace.Trace.columns`): small to send back, and a worker never imports
    pandas. :func:`hiresim.trace.build_tables` turns them into DataFrames.
    """
    scenario = Scenario.model_validate(payload)
    return _chunk_columns(scenario, seed, replications, event_log)


def _chunk_columns(scenario: Scenario, seed: int, replications: Sequence[int],
                   event_log: bool) -> dict[str, dict[str, Any]]:
    from hiresim.model import replication_columns
    from hiresim.trace import concat_columns

    return concat_columns([replication_columns(scenario, seed, r, event_log)
                           for r in replications])


def simulate_chunk(scenario: Scenario, seed: int, replications: Sequence[int],
                   event_log: bool = True) -> dict[str, pd.DataFrame]:
    """The tables of some replications of ``scenario``, concatenated in replication order.

    Replication ``r`` gives the same rows here as in :func:`simulate` with the same seed, so
    callers (sweeps, custom schedulers) can split a run any way they like.
    """
    return build_tables(_chunk_columns(scenario, seed, replications, event_log),
                        scenario.start)


def build_tables(cols: dict[str, dict[str, Any]], epoch: Any) -> dict[str, pd.DataFrame]:
    from hiresim.trace import build_tables as build

    return build(cols, epoch)


def _serial(workers: int | Executor | None) -> bool:
    return workers is None or (isinstance(workers, int) and workers <= 1
                               and not isinstance(workers, bool))


def _chunks(n: int, size: int) -> list[range]:
    return [range(i, min(i + size, n)) for i in range(0, n, size)]


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


def _run(payload: dict[str, Any], seed: int, n: int, workers: int | Executor | None,
         progress: bool, event_log: bool, chunk_size: int | None
         ) -> Iterator[dict[str, dict[str, Any]]]:
    bar = _progress(n) if progress else None
    try:
        if _serial(workers):
            for chunk in _chunks(n, chunk_size or SERIAL_CHUNK):
                part = run_chunk(payload, seed, chunk, event_log)
                if bar is not None:
                    bar.update(len(chunk))
                yield part
            return
        if isinstance(workers, Executor):
            executor, owned = workers, False
            width = 4
        elif isinstance(workers, int):
            context = multiprocessing.get_context(START_METHOD)
            executor, owned = ProcessPoolExecutor(max_workers=workers, mp_context=context), True
            width = workers
        else:
            raise TypeError(f"workers must be None, an int or an Executor, got {workers!r}")
        chunks = _chunks(n, chunk_size) if chunk_size else guided_chunks(n, width)
        try:
            futures: list[Future] = [executor.submit(run_chunk, payload, seed, chunk, event_log)
                                     for chunk in chunks]
            for future, chunk in zip(futures, chunks, strict=True):
                part = future.result()
                if bar is not None:
                    bar.update(len(chunk))
                yield part
        finally:
            if owned:
                executor.shutdown(cancel_futures=True)
    finally:
        if bar is not None:
            bar.close()


def _progress(n: int) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=n, unit="rep", desc="simulating")
