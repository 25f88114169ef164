"""Same seed, same Results: serial, local processes and a dask.distributed cluster's executor.

The dask cluster is a real ``LocalCluster`` of two worker processes (what a cluster of machines
looks like to hiresim: an Executor whose workers unpickle the scenario and import hiresim).
"""

from __future__ import annotations

import pandas as pd
import pytest

import hiresim as hs
from hiresim.results import TABLES

SEED = 97
REPLICATIONS = 6
ROWS = [{}, {"roles.recruiter.count": 1}, {"communication.ghost_probability": 0.4}]


def assert_same_results(a: hs.Results, b: hs.Results) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


@pytest.fixture(scope="module")
def base() -> hs.Scenario:
    return hs.preset("default").with_overrides({"horizon_days": 30, "drain_days": 30})


@pytest.fixture(scope="module")
def dask_executor():
    """A dask ``LocalCluster`` of 2 single-threaded worker processes, as an Executor
    (dask is imported here, not when the suite is collected: ~1 s)."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    try:
        yield client.get_executor()
    finally:
        client.close()
        cluster.close()


@pytest.fixture(scope="module")
def serial(base) -> hs.Results:
    return hs.simulate(base, REPLICATIONS, seed=SEED)


def test_local_processes_equal_serial(base, serial):
    assert_same_results(hs.simulate(base, REPLICATIONS, seed=SEED, workers=2), serial)


def test_dask_executor_equals_serial(base, serial, dask_executor):
    on_dask = hs.simulate(base, REPLICATIONS, seed=SEED, workers=dask_executor)
    assert_same_results(on_dask, serial)
    on_dask = hs.simulate(base, REPLICATIONS, seed=SEED, workers=dask_executor, chunk_size=4)
    assert_same_results(on_dask, serial)


def test_dask_ran_on_the_cluster_workers(dask_executor):
    """The executor runs tasks in other processes (the cluster workers), not here."""
    import os

    pids = {dask_executor.submit(os.getpid).result() for _ in range(8)}
    assert os.getpid() not in pids


@pytest.fixture(scope="module")
def serial_sweep(base, tmp_path_factory) -> hs.Sweep:
    out = tmp_path_factory.mktemp("serial") / "sweep"
    return hs.sweep(base, ROWS, REPLICATIONS, seed=SEED, out=out, chunk_size=2)


def test_sweep_on_dask_equals_serial_sweep(base, serial_sweep, dask_executor, tmp_path):
    swept = hs.sweep(
        base,
        ROWS,
        REPLICATIONS,
        seed=SEED,
        out=tmp_path / "dask",
        workers=dask_executor,
        chunk_size=2,
    )
    assert swept.complete
    for row in range(len(ROWS)):
        assert_same_results(swept.results(row), serial_sweep.results(row))


def test_sweep_on_local_processes_equals_serial_sweep(base, serial_sweep, tmp_path):
    swept = hs.sweep(base, ROWS, REPLICATIONS, seed=SEED, out=tmp_path / "procs", workers=2)
    assert swept.chunk_size == serial_sweep.chunk_size == 2  # the default depends on n only
    for row in range(len(ROWS)):
        assert_same_results(swept.results(row), serial_sweep.results(row))


def test_sweep_started_serially_resumes_on_dask(base, serial_sweep, dask_executor, tmp_path):
    out = tmp_path / "mixed"
    hs.sweep(base, ROWS, REPLICATIONS, seed=SEED, out=out, chunk_size=2)
    # as an interruption leaves it: those units' files and their records are not there
    for path in list(out.glob("row-0001/*")) + list(out.glob("row-0002/*-r00004-*")):
        path.unlink()
    resumed = hs.sweep(
        base, ROWS, REPLICATIONS, seed=SEED, out=out, workers=dask_executor, resume=True
    )
    for row in range(len(ROWS)):
        assert_same_results(resumed.results(row), serial_sweep.results(row))
