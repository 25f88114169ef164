"""Random streams: one independent, reproducible stream per mechanism and replication.

``SeedSequence(seed)`` has one child per replication (spawn key ``(replication,)``), and each
replication has one child per mechanism (``(replication, k)``) and, inside a mechanism, one per
sampler (``(replication, k, j)``). Streams are built from their spawn keys directly, so a worker
process can rebuild replication 917's streams without spawning the 916 before it, and switching
one mechanism off leaves every other mechanism's draws unchanged (common random numbers).
"""

from __future__ import annotations

import random
import zlib

import numpy as np

#: Mechanisms with a stream of their own. Append new names at the end: the position of a name
#: is part of its spawn key, so reordering would change every result for a given seed.
STREAM_NAMES: tuple[str, ...] = (
    "arrivals",
    "work",
    "absence",
    "priority",
    "turnover",
    "reorganization",
    "requirements",
    "calendar_load",
    "decisions",
    "candidates",
    "assignment",
    "communication",
    "reschedules",
)


_INDEX = {name: i for i, name in enumerate(STREAM_NAMES)}


def stream_index(name: str) -> int:
    """Position of a stream in the spawn key. A user's own mechanism (not in
    :data:`STREAM_NAMES`) gets one from a checksum of its name, past every built-in position,
    so that it does not depend on what else is registered."""
    index = _INDEX.get(name)
    return (1 << 20 | zlib.crc32(name.encode())) if index is None else index


class Streams:
    """The random streams of one replication."""

    __slots__ = ("_counters", "replication", "seed")

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = int(seed)
        self.replication = int(replication)
        self._counters: dict[str, int] = {}

    def _sequence(self, name: str, *sub: int) -> np.random.SeedSequence:
        key = (self.replication, stream_index(name), *sub)
        return np.random.SeedSequence(self.seed, spawn_key=key)

    def generator(self, name: str) -> np.random.Generator:
        """The mechanism's main NumPy generator (the same object's draws for a given name)."""
        return np.random.Generator(np.random.PCG64(self._sequence(name)))

    def sub_generator(self, name: str) -> np.random.Generator:
        """A fresh generator of the mechanism, numbered in order of request (per sampler)."""
        j = self._counters.get(name, 0)
        self._counters[name] = j + 1
        return np.random.Generator(np.random.PCG64(self._sequence(name, 1 + j)))

    def python_random(self, name: str) -> random.Random:
        """A ``random.Random`` for cheap scalar choices (``sample``, ``choice``) of a mechanism."""
        state = self._sequence(name, 0).generate_state(4)
        return random.Random(int.from_bytes(state.tobytes(), "little"))
