"""Guided chunking of replications for workers: a partition in order, large chunks first."""

from __future__ import annotations

import pytest

from hiresim.runner import guided_chunks


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
