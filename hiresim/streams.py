"""Random streams keyed by name: one independent, reproducible stream per (seed, replication,
mechanism, sampler), whatever the order in which they are requested.

A stream is a NumPy ``PCG64`` whose whole state (128-bit state and 128-bit increment) is the
BLAKE2b digest of its key ``(seed, replication, mechanism, sampler)``, written out in full
(:func:`stream_key`). Nothing is numbered: a stream asked for first or last, or in a run where
another mechanism is switched off or a user's mechanism is added, draws the same numbers. So

- switching one delay source off leaves every other source's draws unchanged (common random
  numbers), and a replication in which the switched-off source drew nothing is the same run
  without it (:mod:`hiresim.analysis.reuse` takes such replications from the baseline);
- the order in which a replication is built (:mod:`hiresim.model`) is not part of any result;
- a worker process rebuilds replication 917's streams without the 916 before it.

Names are a mechanism's ``stream`` (its name, by default) and a sampler's name inside it
(``""``: the mechanism's main stream; ``"handover"``; a person's id for draws made person by
person). A stream drawn piece by piece, such as a person's calendar load week by week, is cut
into pieces far apart (:meth:`Streams.pieces`: piece ``k`` starts ``k * 2**40`` numbers in,
reached by a jump ahead). Building a stream costs a hash and a bit generator seeded from it:
no ``SeedSequence`` mixing, which cost ~10 times as much.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from typing import Any, cast

import numpy as np

#: Streams of the core: the pipeline's and the built-in mechanisms'. A user's mechanism may
#: not take one of these names, so that it never shares a stream with the core. A set: a
#: name's place means nothing.
STREAM_NAMES: frozenset[str] = frozenset({
    "arrivals", "assignment", "calendar_load", "decisions", "pipeline", "reschedules", "work",
    "absence", "approvals", "candidates", "communication", "continuity", "priority",
    "reorganization", "requirements", "turnover",
})


def stream_key(seed: int, replication: int, mechanism: str, sampler: str = "") -> bytes:
    """The 32-byte key of a stream: the BLAKE2b digest of its names, each length-prefixed (so
    that no two different keys write the same bytes)."""
    parts = [str(int(seed)), str(int(replication)), mechanism, sampler]
    text = "".join(f"{len(p)}:{p}" for p in parts)
    return hashlib.blake2b(text.encode(), digest_size=32, person=b"hiresim-stream").digest()


class Streams:
    """The random streams of one replication, by name."""

    __slots__ = ("_counters", "replication", "seed")

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = int(seed)
        self.replication = int(replication)
        self._counters: dict[str, int] = {}

    def generator(self, mechanism: str, sampler: str = "") -> np.random.Generator:
        """The stream ``(mechanism, sampler)`` of this replication: a new generator whose draws
        depend on these names only (the same numbers however often, or in whatever order,
        streams are asked for)."""
        return _generator(stream_key(self.seed, self.replication, mechanism, sampler))

    def numbered(self, mechanism: str) -> np.random.Generator:
        """The mechanism's next numbered sampler (``#1``, ``#2``, ... in order of request), for
        callers that do not name their samplers yet (a forecast's replay of the recorded
        past): their draws depend on the order of requests, everyone else's do not."""
        j = self._counters.get(mechanism, 0) + 1
        self._counters[mechanism] = j
        return self.generator(mechanism, f"#{j}")

    def pieces(self, mechanism: str, sampler: str) -> Pieces:
        """The stream ``(mechanism, sampler)`` cut into pieces (weeks, say), for draws made
        lazily, piece by piece: the same whichever pieces are drawn, and in what order."""
        return Pieces(stream_key(self.seed, self.replication, mechanism, sampler))

    def python_random(self, mechanism: str, sampler: str = "python") -> random.Random:
        """A ``random.Random`` for cheap scalar choices (``sample``, ``choice``) of a
        mechanism, seeded from its key like any other stream."""
        key = stream_key(self.seed, self.replication, mechanism, sampler)
        return random.Random(int.from_bytes(key, "little"))


class Pieces:
    """A stream cut into pieces: piece ``k`` is its draws from number ``k * 2**40`` on (far
    more than a piece ever draws), reached by a jump ahead (``PCG64.advance``) from the
    stream's start. One generator serves every piece: :meth:`__call__` moves it, so a piece's
    generator is good until the next piece is asked for."""

    __slots__ = ("_at", "_key", "_rng", "_start")

    #: Draws between the starts of two pieces.
    STRIDE = 1 << 40

    #: The period of ``PCG64`` (its state is 128 bits): a jump back is a jump ahead modulo it.
    PERIOD = 1 << 128

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._rng: np.random.Generator | None = None
        self._start: Mapping[str, Any] = {}
        #: Where the generator stands (draws from the stream's start) when :meth:`random` left
        #: it there; ``None`` when unknown (a piece's generator was handed out).
        self._at: int | None = None

    def __call__(self, piece: int) -> np.random.Generator:
        rng = self._rng
        if rng is None:  # made on first use: a person who never meets costs nothing
            rng = self._rng = _generator(self._key)
            self._start = rng.bit_generator.state
        else:
            rng.bit_generator.state = self._start
        if piece:
            rng.bit_generator.advance(piece * self.STRIDE)  # type: ignore[attr-defined]
        self._at = None
        return rng

    def random(self, piece: int, n: int) -> np.ndarray:
        """The first ``n`` uniforms of piece ``piece`` (the numbers of
        ``self(piece).random(n)``), cheaper when pieces are drawn one after another: a
        ``PCG64`` double is one 64-bit draw, so the generator's place is known after the call
        and the next piece is one relative jump away, with no reset of the state."""
        at, target = self._at, piece * self.STRIDE
        if at is None:
            rng = self(piece)
        else:
            rng = cast(np.random.Generator, self._rng)
            rng.bit_generator.advance((target - at) % self.PERIOD)  # type: ignore[attr-defined]
        out = rng.random(n)
        self._at = target + n
        return out


def _generator(key: bytes) -> np.random.Generator:
    seeds = cast(np.random.SeedSequence, _Key(key))  # an ISeedSequence; stubs name SeedSequence
    return np.random.Generator(np.random.PCG64(seeds))


class _Key(np.random.bit_generator.ISeedSequence):
    """A key's bytes as the words a bit generator seeds itself from (``generate_state``): the
    digest already mixes the names, so no ``SeedSequence`` pool is needed."""

    __slots__ = ("key",)

    def __init__(self, key: bytes) -> None:
        self.key = key

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        kind = np.dtype(dtype)
        if kind not in (np.dtype(np.uint32), np.dtype(np.uint64)):
            raise ValueError("only support uint32 or uint64")
        if n_words * kind.itemsize > len(self.key):
            raise ValueError(f"a stream key has {len(self.key)} bytes; {n_words} words asked")
        return np.frombuffer(self.key, dtype=kind.newbyteorder("<"), count=n_words).astype(kind)
