"""Calendar load: the meetings already in a person's calendar, drawn week by week when their
slots are first searched.

A person's meeting slots (:class:`FreeSlots`) are free where their working calendar is open,
none of their own disruptions (absence, projects, vacancies, freezes, a named person's busy
blocks) holds, and their calendar load leaves the time free. Nothing of this is laid out when
the replication is built: a week's slots are filled the first time a search reaches them, so
a replication's set-up does not grow with its span, and people who never meet cost nothing.

The load of a week comes from a *week sampler*: a function ``(rng, week) -> (starts, ends)``
of busy intervals, in hours since the epoch (the scenario's start), inside the week's hours
``[week * 168, (week + 1) * 168)`` (week ``w`` is the slots that start in them; to the slot,
when a slot does not divide 168 hours). ``rng`` is the person's own stream for that week
(piece ``week`` of ``Streams.pieces("calendar_load", person_id)``), so a week's draws are the
same whichever weeks were drawn before, and whatever else the replication did.
:func:`hour_blocks` is the built-in one; another model of load (meetings of a length
distribution, some recurring weekly) is another week sampler.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from hiresim.streams import Pieces

#: Hours in a week: week ``w`` is ``[w * WEEK_HOURS, (w + 1) * WEEK_HOURS)`` since the epoch.
WEEK_HOURS = 168.0

#: Existing meetings come in blocks of this many hours (:func:`hour_blocks`).
LOAD_BLOCK_HOURS = 1.0

#: Busy intervals ``(starts, ends)`` in hours since the epoch.
Busy = tuple[np.ndarray, np.ndarray]

#: A week's busy time: ``(the person's stream for the week, week number) -> busy intervals``.
WeekSampler = Callable[[np.random.Generator, int], Busy]

#: ``week number -> the person's stream for that week``.
WeekStreams = Callable[[int], np.random.Generator]


class HourBlocks:
    """The built-in calendar load: each clock hour of the week is already taken with
    probability ``load``, independently (existing meetings are hour blocks, so free time comes
    in contiguous chunks as in real calendars). One uniform per hour of the week.

    A week sampler (``HourBlocks(load)(rng, week)`` gives the busy hours); when a slot divides
    the hour, :class:`FreeSlots` reads the same uniforms straight into the week's slots
    (:meth:`free_hours`), which gives the same mask.
    """

    __slots__ = ("load",)

    #: Hour blocks in a week.
    PER_WEEK = round(WEEK_HOURS / LOAD_BLOCK_HOURS)

    def __init__(self, load: float) -> None:
        self.load = load

    def free_hours(self, rng: np.random.Generator) -> np.ndarray:
        """Whether each hour block of the week is free (the draws of :meth:`__call__`)."""
        return rng.random(self.PER_WEEK) >= self.load

    def __call__(self, rng: np.random.Generator, week: int) -> Busy:
        taken = np.flatnonzero(~self.free_hours(rng))
        starts = week * WEEK_HOURS + taken * LOAD_BLOCK_HOURS
        return starts, starts + LOAD_BLOCK_HOURS


def hour_blocks(load: float) -> HourBlocks:
    """The built-in week sampler of a calendar ``load`` booked (:class:`HourBlocks`)."""
    return HourBlocks(load)


def week_slots(slot_hours: float) -> int:
    """Slots in a week (a week's hours, rounded to whole slots when a slot does not divide
    them)."""
    return max(1, round(WEEK_HOURS / slot_hours))


class FreeSlots:
    """A person's meeting-slot mask (``mask``, slot ``k`` = ``[k * slot_hours, (k + 1) *
    slot_hours)``), filled week by week on first use (:meth:`fill`).

    ``calendar`` is the working calendar's mask (shared, cached across replications, never
    written); ``blocked`` the person's own disruptions and busy blocks ``(starts, ends)``
    (hours); ``load`` the week sampler of their calendar load (``None``: no load) and
    ``streams`` their stream for each week. Bookings write into ``mask`` directly.
    """

    __slots__ = ("_blocked", "_calendar", "_drawn", "_ends", "_load", "_per_hour", "_streams",
                 "mask", "slot_hours", "week_slots")

    def __init__(self, calendar: np.ndarray, slot_hours: float,
                 blocked: Sequence[tuple[Sequence[float], Sequence[float]]],
                 load: WeekSampler | None, streams: WeekStreams | None) -> None:
        self._calendar = calendar
        self.slot_hours = slot_hours
        #: Slots per week: week ``w`` is slots ``[w * week_slots, (w + 1) * week_slots)``.
        self.week_slots = week_slots(slot_hours)
        self.mask = np.zeros(len(calendar), dtype=bool)
        #: The own intervals, as their union: sorted, disjoint ``(start, end)`` pairs.
        self._blocked = _union([(float(a), float(b)) for starts, ends in blocked
                                for a, b in zip(starts, ends, strict=True) if b > a])
        self._ends = [e for _, e in self._blocked]
        self._load = load
        self._streams = streams
        #: Slots per hour block when a slot divides the hour (the fast path of
        #: :class:`HourBlocks`), else 0.
        per_hour = LOAD_BLOCK_HOURS / slot_hours
        self._per_hour = round(per_hour) if isinstance(load, HourBlocks) and abs(
            per_hour - round(per_hour)) < 1e-9 and round(per_hour) >= 1 else 0
        #: Weeks filled so far, 1 each (grown as searches reach further).
        self._drawn = bytearray()

    def fill(self, first: int, stop: int) -> np.ndarray:
        """Make sure slots ``[first, stop)`` are filled; returns ``mask``."""
        ws = self.week_slots
        w0 = first // ws
        w1 = (stop - 1) // ws if stop > first else w0 - 1
        drawn = self._drawn
        if w1 >= len(drawn):
            drawn.extend(bytes(w1 + 1 - len(drawn)))
        elif drawn.find(0, w0, w1 + 1) < 0:
            return self.mask
        for week in range(w0, w1 + 1):
            if not drawn[week]:
                drawn[week] = 1
                self._fill_week(week)
        return self.mask

    def _fill_week(self, week: int) -> None:
        sh, ws = self.slot_hours, self.week_slots
        a = week * ws
        b = min(a + ws, len(self.mask))
        if b <= a:
            return
        load, streams = self._load, self._streams
        ph = self._per_hour
        if ph and b - a == ws and streams is not None:
            # the fast path of HourBlocks on a whole week: the week's hours straight into the
            # mask (no copy of the calendar, no np.repeat), the same numbers as free_hours
            assert isinstance(load, HourBlocks)
            u = (streams.random(week, load.PER_WEEK) if isinstance(streams, Pieces)
                 else streams(week).random(load.PER_WEEK))
            hours = u >= load.load
            out = self.mask[a:b]
            if ph == 1:
                np.logical_and(self._calendar[a:b], hours, out=out)
            elif ph <= 4:  # a few strided copies beat a broadcast (the same mask)
                for j in range(ph):
                    out[j::ph] = hours
                out &= self._calendar[a:b]
            else:
                np.logical_and(self._calendar[a:b].reshape(-1, ph), hours[:, None],
                               out=out.reshape(-1, ph))
            self._block_own(out, a, b)
            return
        free = self._calendar[a:b].copy()
        if load is not None and streams is not None:
            rng = streams(week)
            if self._per_hour:
                assert isinstance(load, HourBlocks)
                hours = load.free_hours(rng)
                free &= (hours if self._per_hour == 1 else
                         np.repeat(hours, self._per_hour))[:b - a]
            else:
                starts, ends = load(rng, week)
                _block(free, a, sh, zip(np.asarray(starts, float).tolist(),
                                        np.asarray(ends, float).tolist(), strict=True))
        self._block_own(free, a, b)
        self.mask[a:b] = free

    def _block_own(self, free: np.ndarray, a: int, b: int) -> None:
        """Mark the own intervals meeting slots ``[a, b)`` busy in ``free`` (those slots)."""
        blocked = self._blocked
        if not blocked:
            return
        sh = self.slot_hours
        j = bisect_right(self._ends, a * sh)  # the first own interval ending in the week
        n, hi_h = len(blocked), b * sh
        while j < n and blocked[j][0] < hi_h:  # the test of _block, without its iterators
            s, e = blocked[j]
            j += 1
            if e > s:
                lo = max(0, math.floor(s / sh) - a)
                hi = min(b - a, math.ceil(e / sh) - a)
                if hi > lo:
                    free[lo:hi] = False


def _union(pairs: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Intervals as their union: sorted, disjoint."""
    out: list[tuple[float, float]] = []
    for s, e in sorted(pairs):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _block(free: np.ndarray, a: int, slot_hours: float,
           intervals: Iterable[tuple[float, float]]) -> None:
    """Mark as not free (in place) every slot of ``free`` (slots ``a``, ``a + 1``, ...) that
    meets an interval ``[start, end)`` (hours; the test of
    :func:`hiresim.workhours.block_slots`: slot ``k`` meets it iff ``k * slot_hours < end``
    and ``(k + 1) * slot_hours > start``)."""
    n = len(free)
    for s, e in intervals:
        if e <= s:
            continue
        lo = max(0, math.floor(s / slot_hours) - a)
        hi = min(n, math.ceil(e / slot_hours) - a)
        if hi > lo:
            free[lo:hi] = False
