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
from typing import Any, cast

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

    __slots__ = ("_counters", "_prefixes", "replication", "seed")

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = int(seed)
        self.replication = int(replication)
        self._counters: dict[str, int] = {}
        #: SeedSequence pools mixed up to ``(seed, replication, mechanism)``, by mechanism.
        self._prefixes: dict[int, _Pool] = {}

    def _sequence(self, name: str, *sub: int) -> np.random.SeedSequence:
        """``SeedSequence(seed, spawn_key=(replication, index of name, *sub))``, computed as
        :class:`_Seeds` from pools shared with the other streams of the replication (an
        ``ISeedSequence``, which NumPy's bit generators take; its stubs name SeedSequence)."""
        index = stream_index(name)
        prefix = self._prefixes.get(index)
        if prefix is None:
            prefix = self._prefixes[index] = _absorb(_replication_pool(self.seed,
                                                                       self.replication),
                                                     _words(index))
        seeds = _Seeds(_absorb(prefix, [w for k in sub for w in _words(k)]) if sub else prefix)
        return cast(np.random.SeedSequence, seeds)

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


# -- NumPy's SeedSequence, with its pool shared between streams ------------------------------
#
# A replication builds ~100 streams, and ``np.random.SeedSequence(seed, spawn_key=key)`` costs
# ~10 us each (most of it NumPy calls on arrays of a few words), mixing the seed and the whole
# key into a pool of 4 words every time. The pool is mixed word by word, in order (the seed
# first, then the key), so the pool after ``(seed, replication, mechanism)`` is the same for
# every sub-stream of that mechanism: here it is mixed once and kept, and each stream only
# mixes its last words. The arithmetic is NumPy's (``numpy/random/bit_generator.pyx``, 32-bit
# words); ``tests/test_streams.py`` checks the states against ``np.random.SeedSequence`` for
# many seeds and keys, and the golden results would change if they differed.

_M32 = 0xFFFF_FFFF
_POOL_SIZE = 4
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715

#: ``(pool words, hash constant)``: a SeedSequence's state while it mixes entropy in.
_Pool = tuple[list[int], int]


def _words(n: int) -> list[int]:
    """An int as 32-bit words, least significant first (``[0]`` for 0), as SeedSequence
    reads its entropy and spawn-key numbers."""
    if n < 0:
        raise ValueError(f"expected a non-negative integer, got {n}")
    out = []
    while True:
        out.append(n & _M32)
        n >>= 32
        if not n:
            return out


def _absorb(pool: _Pool, words: list[int]) -> _Pool:
    """Mix more entropy words into a full pool (each word into every pool word)."""
    mixer, h = pool[0].copy(), pool[1]
    for word in words:
        for d in range(_POOL_SIZE):
            v = (word ^ h) & _M32
            h = (h * _MULT_A) & _M32
            v = (v * h) & _M32
            v ^= v >> 16
            r = (_MIX_L * mixer[d] - _MIX_R * v) & _M32
            mixer[d] = r ^ (r >> 16)
    return mixer, h


def _seed_pool(seed: int) -> _Pool:
    """The pool after the seed's words (padded with zeros to the pool size, as SeedSequence
    does when there is a spawn key)."""
    entropy = _words(seed)
    entropy += [0] * (_POOL_SIZE - len(entropy))
    h = _INIT_A
    mixer = []
    for word in entropy[:_POOL_SIZE]:
        v = (word ^ h) & _M32
        h = (h * _MULT_A) & _M32
        v = (v * h) & _M32
        mixer.append(v ^ (v >> 16))
    for s in range(_POOL_SIZE):
        for d in range(_POOL_SIZE):
            if s != d:
                v = (mixer[s] ^ h) & _M32
                h = (h * _MULT_A) & _M32
                v = (v * h) & _M32
                v ^= v >> 16
                r = (_MIX_L * mixer[d] - _MIX_R * v) & _M32
                mixer[d] = r ^ (r >> 16)
    return _absorb((mixer, h), entropy[_POOL_SIZE:])


#: Pools after ``(seed, replication)``, kept for the replications run in this process.
_REPLICATION_POOLS: dict[tuple[int, int], _Pool] = {}


def _replication_pool(seed: int, replication: int) -> _Pool:
    key = (seed, replication)
    pool = _REPLICATION_POOLS.get(key)
    if pool is None:
        if len(_REPLICATION_POOLS) >= 4096:
            _REPLICATION_POOLS.clear()
        pool = _REPLICATION_POOLS[key] = _absorb(_seed_pool(seed), _words(replication))
    return pool


class _Seeds(np.random.bit_generator.ISeedSequence):
    """A SeedSequence whose pool is already mixed: what bit generators seed themselves from
    (:meth:`generate_state`, the same words as ``np.random.SeedSequence.generate_state``)."""

    __slots__ = ("pool",)

    def __init__(self, pool: _Pool) -> None:
        self.pool = pool[0]

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        wide = dtype is np.uint64 or np.dtype(dtype) == np.uint64
        if not wide and np.dtype(dtype) != np.uint32:
            raise ValueError("only support uint32 or uint64")
        mixer = self.pool
        h = _INIT_B
        out = []
        for i in range(2 * n_words if wide else n_words):
            v = (mixer[i % _POOL_SIZE] ^ h) & _M32
            h = (h * _MULT_B) & _M32
            v = (v * h) & _M32
            out.append(v ^ (v >> 16))
        state = np.array(out, dtype=np.uint32)
        return state.view(np.uint64) if wide else state
