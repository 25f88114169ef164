"""Chunking of replications for workers (guided: a partition in order, large chunks first) and
the one runner, ``run_units``, that both ``simulate`` and ``sweep`` send their chunks through."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest

import hiresim as hs
from hiresim.runner import (
    EXECUTOR_WIDTH,
    SERIAL_CHUNK,
    fixed_chunks,
    guided_chunks,
    plan_chunks,
    run_units,
)


@pytest.mark.parametrize(("n", "width"), [(1, 1), (1, 4), (7, 3), (10, 2), (175, 2), (1000, 4),
                                          (10_000, 64)])
def test_chunks_cover_every_replication_once_in_order(n: int, width: int) -> None:
    chunks = guided_chunks(n, width)
    assert [i for chunk in chunks for i in chunk] == list(range(n))
    sizes = [len(c) for c in chunks]
    assert all(s >= 1 for s in sizes)
    # never growing, except the last chunk which takes what is left
    assert sizes[:-1] == sorted(sizes[:-1], reverse=True)


def test_first_chunk_is_half_a_share_and_the_floor_bounds_the_count() -> None:
    chunks = guided_chunks(1000, 4)
    assert len(chunks[0]) == 125  # half of 1000 / 4
    floor = 1000 // (16 * 4)
    assert min(len(c) for c in chunks[:-1]) >= floor
    # the tail is small, so workers finish close together
    assert len(chunks[-2]) == floor
    assert len(chunks) <= 4 * 16


@pytest.mark.parametrize(("n", "size"), [(1, 5), (10, 3), (12, 4)])
def test_fixed_chunks_are_consecutive_and_full_but_the_last(n: int, size: int) -> None:
    chunks = fixed_chunks(n, size)
    assert [i for chunk in chunks for i in chunk] == list(range(n))
    assert all(len(c) == size for c in chunks[:-1]) and 1 <= len(chunks[-1]) <= size


def test_plan_chunks_follows_the_workers() -> None:
    assert plan_chunks(70, None, None) == fixed_chunks(70, SERIAL_CHUNK)
    assert plan_chunks(70, 1, 8) == fixed_chunks(70, 8)
    assert plan_chunks(70, 3, None) == guided_chunks(70, 3)
    assert plan_chunks(70, 3, 8) == fixed_chunks(70, 8)
    with ThreadPoolExecutor(1) as pool:
        assert plan_chunks(70, pool, None) == guided_chunks(70, EXECUTOR_WIDTH)


@pytest.mark.parametrize("workers", [True, False, "2", 2.0])
def test_workers_of_another_type_are_refused(workers) -> None:
    with pytest.raises(TypeError, match="workers must be"):
        plan_chunks(4, workers, None)
    with pytest.raises(TypeError, match="workers must be"):
        next(run_units([({}, range(1))], 0, workers))


def _same_columns(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for table in a:
        assert a[table].keys() == b[table].keys()
        for name, column in a[table].items():
            np.testing.assert_array_equal(np.asarray(column), np.asarray(b[table][name]))


def test_run_units_gives_each_unit_the_same_columns_serially_and_on_an_executor() -> None:
    """Two scenarios in one call (as a sweep sends them), in order or as they finish."""
    base = hs.preset("mmc").with_overrides({"horizon_days": 20, "drain_days": 10})
    other = base.with_overrides({"roles.recruiter.count": 1})
    units = [(sc.model_dump(mode="json"), reps) for sc in (base, other)
             for reps in (range(0, 2), range(2, 3))]
    serial = list(run_units(units, 5, None, event_log=False))
    assert [k for k, _ in serial] == [0, 1, 2, 3]
    context = multiprocessing.get_context("spawn")  # a caller's own Executor, any start method
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        ordered = list(run_units(units, 5, pool, event_log=False))
        assert [k for k, _ in ordered] == [0, 1, 2, 3]
        finished = dict(run_units(units, 5, pool, event_log=False, ordered=False))
    assert sorted(finished) == [0, 1, 2, 3]
    for k, columns in serial:
        _same_columns(columns, ordered[k][1])
        _same_columns(columns, finished[k])
