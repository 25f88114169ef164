"""Streams: the same random numbers as NumPy's SeedSequence with the documented spawn keys."""

from __future__ import annotations

import random

import numpy as np
import pytest

from hiresim.streams import STREAM_NAMES, Streams, stream_index

SEEDS = [0, 1, 7, 1234, 2**32 - 1, 2**32, 2**63 + 11, 2**128 + 5, 2**200 + 3]


def _reference(seed: int, key: tuple[int, ...]) -> np.random.SeedSequence:
    return np.random.SeedSequence(seed, spawn_key=key)


@pytest.mark.parametrize("seed", SEEDS)
def test_states_equal_numpys_seed_sequence(seed: int) -> None:
    rng = random.Random(seed % 1000)
    for replication in [0, 1, 917, 2**32 + 1, rng.getrandbits(40)]:
        streams = Streams(seed, replication)
        for name in [*STREAM_NAMES, "my_mechanism"]:
            index = stream_index(name)
            for sub in [(), (0,), (1,), (2,), (rng.getrandbits(36),)]:
                ours = streams._sequence(name, *sub)
                ref = _reference(seed, (replication, index, *sub))
                for n_words, dtype in [(4, np.uint32), (4, np.uint64), (7, np.uint32),
                                       (3, np.uint64)]:
                    a = ours.generate_state(n_words, dtype)
                    b = ref.generate_state(n_words, dtype)
                    assert a.dtype == b.dtype and a.tolist() == b.tolist(), (seed, name, sub)


def test_generators_draw_what_seed_sequence_generators_draw() -> None:
    streams = Streams(42, 3)
    ours = [streams.generator("arrivals"), streams.sub_generator("work"),
            streams.sub_generator("work")]
    ref = [np.random.Generator(np.random.PCG64(_reference(42, key)))
           for key in [(3, stream_index("arrivals")), (3, stream_index("work"), 1),
                       (3, stream_index("work"), 2)]]
    for a, b in zip(ours, ref, strict=True):
        assert a.random(50).tolist() == b.random(50).tolist()
        assert a.bit_generator.state == b.bit_generator.state
    state = _reference(42, (3, stream_index("assignment"), 0)).generate_state(4)
    expected = random.Random(int.from_bytes(state.tobytes(), "little")).random()
    assert streams.python_random("assignment").random() == expected


def test_an_unsupported_dtype_is_refused_like_numpy() -> None:
    with pytest.raises(ValueError, match="uint32 or uint64"):
        Streams(1, 0)._sequence("work", 1).generate_state(4, np.int64)
    with pytest.raises(ValueError):
        _reference(1, (0, 1, 1)).generate_state(4, np.int64)
