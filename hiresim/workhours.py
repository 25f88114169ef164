"""Working calendars and working-time arithmetic: when a person can work, and how long things take.

Simulation time is a float number of hours since the *epoch*: midnight at the start of the
scenario's start date, in the naive local wall-clock time of the scenario. Every calendar is read
in that one local time and daylight-saving shifts are ignored (an hour of work is an hour on the
wall clock); people in other time zones are modelled by shifting their working hours.

Two layers:

* :class:`Timeline` — a person's time cut into labelled segments (open, off hours, absence, ...)
  with O(log n) queries. It is on the simulation hot path, so it works on plain Python lists with
  :mod:`bisect` and precomputed cumulative sums, never on NumPy per call.
* :class:`WorkingCalendar` — the plain-parameter description of working hours, weekdays, public
  holidays and closed dates, which builds (and caches) the off-hours :class:`Timeline` of a
  scenario's horizon.
"""

from __future__ import annotations

import datetime as _dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, overload

import numpy as np

from hiresim.causes import CAUSES, N_CAUSES, OFF_HOURS, OPEN, WORK

if TYPE_CHECKING:  # holidays is imported when a calendar with a country is built
    from holidays import HolidayBase

__all__ = ["Availability", "PersonTimeline", "Timeline", "WorkingCalendar", "charge_causal",
           "to_datetime", "to_hours"]

#: Spans of at most this many segments are charged by walking them (exact and cheap); longer
#: spans use the cumulative tables so that ``charge`` stays O(log n) whatever the interval.
_WALK_LIMIT = 4


def _code_name(code: int) -> str:
    return "open" if code == OPEN else CAUSES[code]


class Timeline:
    """A person's time split into labelled segments, with working-time arithmetic.

    Segment ``i`` is ``[bounds[i], bounds[i + 1])`` and carries ``codes[i]``: a cause code of
    :mod:`hiresim.causes` (the person is unavailable for that reason) or :data:`OPEN` (the person
    can work). Time before ``bounds[0]`` and after ``bounds[-1]`` is open, so an empty timeline is
    always open.

    A timeline is immutable once built. Zero-length segments are dropped, adjacent segments with
    the same code are merged and open segments at either end are trimmed, so two timelines that
    describe the same time are equal.
    """

    __slots__ = ("_b", "_c", "_closed_np", "_cum", "_disruptions", "_masks", "_n", "_next", "_np",
                 "_present")

    def __init__(self, bounds: Sequence[float], codes: Sequence[int]) -> None:
        b, c = _normalize(_as_float_list(bounds), [int(x) for x in codes])
        self._setup(b, c, tuple(sorted(set(c) - {OPEN})))

    def _setup(self, b: list[float], c: list[int], present: tuple[int, ...],
               arrays: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        self._b: list[float] = b
        self._c: list[int] = c
        self._n: int = len(c)
        #: Closed codes present (for charge), in priority order.
        self._present: tuple[int, ...] = present
        # Per-code time accumulated at each bound, and the next open moment after each
        # segment: built on first use (most person timelines answer few kinds of query).
        self._cum: list[list[float] | None] = [None] * (N_CAUSES + 1)
        self._next: list[float] | None = None
        self._closed_np: tuple[np.ndarray, np.ndarray] | None = None
        self._masks: dict[tuple[float, int], np.ndarray] | None = None
        #: The bounds and codes as NumPy arrays (for building tables and overlays).
        self._np: tuple[np.ndarray, np.ndarray] | None = arrays
        self._disruptions: tuple[list[float], list[float], list[int]] | None = None

    @classmethod
    def _from_normalized(cls, b: np.ndarray, c: np.ndarray, present: tuple[int, ...]
                         ) -> Timeline:
        """A timeline from segments already in normal form (NumPy arrays, no validation)."""
        tl = cls.__new__(cls)
        tl._setup(b.tolist(), c.tolist(), present, (b, c))
        return tl

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        arrays = self._np
        if arrays is None:
            arrays = self._np = (np.asarray(self._b, float), np.asarray(self._c, np.int64))
        return arrays

    def _cum_of(self, code: int) -> list[float]:
        cum = self._cum[code]
        if cum is None:
            cum = self._cum[code] = _cumulative(*self._arrays(), code)
        return cum

    def _next_starts(self) -> list[float]:
        nxt = self._next
        if nxt is None:
            nxt = self._next = _next_open_starts(*self._arrays())
        return nxt

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def always_open(cls) -> Timeline:
        """A timeline with no closed time: what theory checks (M/M/c) run on."""
        return cls([], [])

    def overlay(self, starts: Iterable[float], ends: Iterable[float], code: int) -> Timeline:
        """Return a new timeline with ``code`` laid over the intervals ``[starts[k], ends[k])``.

        Inside the intervals ``code`` replaces the existing code only where it has the higher
        priority (the lower number; :data:`OPEN` is the lowest of all), so a vacation overlaid
        on a calendar turns weekends into ``absence`` but never opens off hours, and overlaying
        ``OPEN`` changes nothing. Intervals may overlap each other and come in any order; empty
        or reversed ones are ignored.
        """
        return self.overlay_many([(starts, ends, code)])

    def overlay_many(self, layers: Iterable[tuple[Iterable[float], Iterable[float], int]]
                     ) -> Timeline:
        """:meth:`overlay` of several ``(starts, ends, code)`` layers in one pass.

        The result is the same as overlaying them one after the other (in any order: each
        piece of time keeps the highest-priority code among those that cover it), but the
        segments are merged and the timeline built once.
        """
        unions = []
        for starts, ends, code in layers:
            _check_code(code)
            s = np.asarray(list(starts) if not isinstance(starts, np.ndarray) else starts, float)
            e = np.asarray(list(ends) if not isinstance(ends, np.ndarray) else ends, float)
            if s.shape != e.shape or s.ndim != 1:
                raise ValueError("overlay needs as many starts as ends (1-d sequences)")
            keep = e > s
            if code == OPEN or not keep.any():
                continue
            unions.append((*_union(s[keep], e[keep]), code))
        if not unions:
            return self
        old_b, old_c = self._arrays()
        points = np.unique(np.concatenate([old_b, *(u[0] for u in unions),
                                           *(u[1] for u in unions)]))
        mids = 0.5 * (points[:-1] + points[1:])
        # Existing code at each elementary piece (outside the old bounds: open).
        i = np.searchsorted(old_b, mids, side="right") - 1
        inside = (i >= 0) & (i < len(old_c))
        new = np.full(len(mids), OPEN, np.int64)
        new[inside] = old_c[i[inside]]
        for us, ue, code in unions:
            # Whether the piece lies inside the union of the overlaid intervals.
            k = np.searchsorted(us, mids, side="right") - 1
            covered = k >= 0
            covered[covered] = mids[covered] < ue[k[covered]]
            new[covered] = np.minimum(new[covered], code)
        return _normalized_timeline(points, new)

    # -- inspection -------------------------------------------------------------------------

    @property
    def has_closed(self) -> bool:
        """Whether any time is closed (callers skip all arithmetic when it is not)."""
        return self._n > 0

    @property
    def bounds(self) -> list[float]:
        """Segment bounds after normalization (a copy)."""
        return list(self._b)

    @property
    def codes(self) -> list[int]:
        """Segment codes after normalization (a copy)."""
        return list(self._c)

    def __len__(self) -> int:
        return self._n

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Timeline):
            return NotImplemented
        return self._b == other._b and self._c == other._c

    def __hash__(self) -> int:
        return hash((tuple(self._b), tuple(self._c)))

    def __repr__(self) -> str:
        if not self._n:
            return "Timeline.always_open()"
        return (
            f"<Timeline {self._n} segments in [{self._b[0]:g}, {self._b[-1]:g}), "
            f"codes {[_code_name(c) for c in self._present]}>"
        )

    # -- point queries ----------------------------------------------------------------------

    def _code_at(self, i: int) -> int:
        return self._c[i] if 0 <= i < self._n else OPEN

    def is_open(self, t: float) -> bool:
        """Whether the person can work at moment ``t`` (segments are half-open ``[start, end)``)."""
        if not self._n:
            return True
        return self._code_at(bisect_right(self._b, t) - 1) == OPEN

    def next_open(self, t: float) -> float:
        """The earliest moment ``>= t`` at which the person can work (``t`` itself if open)."""
        if not self._n:
            return t
        i = bisect_right(self._b, t) - 1
        if self._code_at(i) == OPEN:
            return t
        return self._next_starts()[i]

    def calendar_off_until(self, t: float) -> float:
        """The end of the working calendar's off hours running at ``t`` (``t`` itself when the
        calendar is not in off hours at ``t``).

        For the causal rule (:func:`charge_causal`): the off hours at the start of a wait would
        have passed whatever else happened, even under a disruption. A plain timeline cannot
        see its calendar under a disruption segment, so there it answers ``t`` (the disruption
        keeps the time); :meth:`PersonTimeline.calendar_off_until` looks through the pieces.
        Adjacent segments of one code are merged, so the off hours at ``t`` are one segment.
        """
        if not self._n:
            return t
        i = bisect_right(self._b, t) - 1
        if self._code_at(i) != OFF_HOURS:
            return t
        return self._b[i + 1]

    # -- working-time arithmetic ------------------------------------------------------------

    def _measure(self, code: int, i: int, t: float) -> float:
        """Time of ``code`` in ``[bounds[0], t)``, given ``i`` = index of the segment holding t.

        Before ``bounds[0]`` the open measure is negative (``t - bounds[0]``) so that it stays a
        continuous, non-decreasing function of ``t`` on the whole real line.
        """
        b = self._b
        cum = self._cum_of(code)
        if i < 0:
            return t - b[0] if code == OPEN else 0.0
        if i >= self._n:
            return cum[-1] + (t - b[-1] if code == OPEN else 0.0)
        return cum[i] + (t - b[i] if self._c[i] == code else 0.0)

    def add_open(self, t: float, hours: float) -> float:
        """The moment at which ``hours`` of open time have elapsed, starting from ``t``.

        This is the smallest such moment: work exhausted exactly at closing time finishes at
        closing time (Friday 15:00 + 2 h with a 17:00 close is Friday 17:00, not Monday 09:00),
        while Friday 16:30 + 2 h lands on Monday 10:30. ``add_open(t, 0) == t``.
        """
        if hours <= 0.0:
            if hours == 0.0:
                return t
            raise ValueError(f"hours must be >= 0, got {hours!r}")
        if not self._n:
            return t + hours
        b = self._b
        i = bisect_right(b, t) - 1
        code = self._code_at(i)
        if code == OPEN and (i >= self._n or t + hours <= b[i + 1]):
            return t + hours  # fast path: finishes inside the current open stretch
        target = self._measure(OPEN, i, t) + hours
        cum = self._cum_of(OPEN)
        j = bisect_left(cum, target)
        if j == 0:  # before the first bound (only reachable through rounding)
            return max(t, b[0] + target)
        if j > self._n:  # after the last bound: everything is open
            return max(t, b[-1] + (target - cum[-1]))
        # cum[j-1] < target <= cum[j]: segment j-1 is open and holds the end of the work.
        return max(t, min(b[j - 1] + (target - cum[j - 1]), b[j]))

    def open_between(self, a: float, b: float) -> float:
        """Open time in ``[a, b)`` (0 when ``b <= a``)."""
        if b <= a:
            return 0.0
        if not self._n:
            return b - a
        bs = self._b
        ia = bisect_right(bs, a) - 1
        ib = bisect_right(bs, b) - 1
        if ia == ib:
            return b - a if self._code_at(ia) == OPEN else 0.0
        return self._measure(OPEN, ib, b) - self._measure(OPEN, ia, a)

    def charge(self, a: float, b: float, default: int, acc: list[float]) -> None:
        """Attribute the interval ``[a, b)`` to causes, adding to ``acc`` in place.

        Time in a closed segment goes to that segment's code; open time goes to ``default`` (the
        cause the caller is waiting for: contention, scheduling, ...). What is added sums to
        ``b - a`` (up to float rounding): this is how the accounting identity of the results
        holds by construction.
        """
        if b <= a:
            return
        if not self._n:
            acc[default] += b - a
            return
        bs = self._b
        ia = bisect_right(bs, a) - 1
        ib = bisect_right(bs, b) - 1
        if ib - ia <= _WALK_LIMIT:
            self._charge_walk(a, b, ia, ib, default, acc)
            return
        closed = 0.0
        for code in self._present:
            d = self._measure(code, ib, b) - self._measure(code, ia, a)
            if d:
                acc[code] += d
                closed += d
        acc[default] += (b - a) - closed

    def _charge_walk(
        self, a: float, b: float, ia: int, ib: int, default: int, acc: list[float]
    ) -> None:
        """Charge ``[a, b)`` segment by segment (the few-segment case, exact pieces)."""
        bs = self._b
        lo = a
        for i in range(ia, ib + 1):
            hi = b if i == ib else bs[i + 1]
            code = self._code_at(i)
            acc[default if code == OPEN else code] += hi - lo
            lo = hi

    def closed_intervals(self, a: float, b: float) -> list[tuple[float, float, int]]:
        """Closed segments ``(start, end, code)`` intersecting ``[a, b)``, clipped to it.

        For Gantt charts and event logs; not for the hot path.
        """
        if b <= a or not self._n:
            return []
        bs, cs = self._b, self._c
        i0 = max(bisect_right(bs, a) - 1, 0)
        i1 = min(bisect_left(bs, b, i0), self._n)  # segments i0 .. i1 - 1 start before b
        out = [(bs[i], bs[i + 1], cs[i]) for i in range(i0, i1) if cs[i] != OPEN]
        # bounds are strictly increasing, so only the first piece can start before a and only
        # the last can end after b; every piece is non-empty
        if out:
            if out[0][0] < a:
                out[0] = (a, out[0][1], out[0][2])
            if out[-1][1] > b:
                out[-1] = (out[-1][0], b, out[-1][2])
        return out

    def disruption_intervals(self, a: float, b: float) -> list[tuple[float, float, int]]:
        """:meth:`closed_intervals` with a disruption code (below :data:`OFF_HOURS`) only,
        found in a table of those segments (a person has few; their calendar has many)."""
        if b <= a or not self._n:
            return []
        table = self._disruptions
        if table is None:
            b_np, c_np = self._arrays()
            hit = np.flatnonzero(c_np < OFF_HOURS)
            table = self._disruptions = (b_np[hit].tolist(), b_np[hit + 1].tolist(),
                                         c_np[hit].tolist())
        ds, de, dc = table
        out = []
        j = bisect_right(de, a)
        while j < len(ds) and ds[j] < b:
            out.append((max(ds[j], a), min(de[j], b), dc[j]))
            j += 1
        return out

    def disruption_at(self, t: float, horizon: float) -> tuple[int, float] | None:
        """``(code, until)`` if ``t`` lies in a segment closed by a disruption (a code below
        :data:`OFF_HOURS`), else ``None``. ``until`` is the end of the run of adjacent
        disruption segments from there (clipped at ``t + horizon``).

        The same answer as scanning :meth:`closed_intervals` over ``[t, t + horizon)``, but it
        walks only the segments of the spell, so it is cheap on the hot path.
        """
        if not self._n:
            return None
        bs, cs = self._b, self._c
        i = bisect_right(bs, t) - 1
        if i < 0 or i >= self._n or cs[i] >= OFF_HOURS:
            return None
        stop = t + horizon
        code = cs[i]
        until = min(bs[i + 1], stop)
        i += 1
        while i < self._n and bs[i] < stop and cs[i] < OFF_HOURS:
            until = min(bs[i + 1], stop)
            i += 1
        return code, until

    @property
    def disrupted(self) -> bool:
        """Whether any segment is closed by a disruption (not merely off hours)."""
        return bool(self._present) and self._present[0] < OFF_HOURS

    def slot_mask(self, slot_hours: float, n_slots: int) -> np.ndarray:
        """Boolean array: slot ``k`` = ``[k * slot_hours, (k + 1) * slot_hours)`` is fully open.

        Meeting scheduling intersects these masks across attendees to find common free slots.
        """
        return self.shared_slot_mask(slot_hours, n_slots).copy()

    def shared_slot_mask(self, slot_hours: float, n_slots: int) -> np.ndarray:
        """:meth:`slot_mask` itself, cached with the timeline and shared by everyone on it (read
        only: a person's slots are filled from it week by week,
        :class:`hiresim.calendarload.FreeSlots`)."""
        if slot_hours <= 0:
            raise ValueError(f"slot_hours must be > 0, got {slot_hours!r}")
        if not self._n:
            ones = np.ones(n_slots, dtype=bool)
            ones.flags.writeable = False
            return ones
        key = (float(slot_hours), int(n_slots))
        if self._masks is None:
            self._masks = {}
        mask = self._masks.get(key)
        if mask is None:
            starts, ends = slot_grid(slot_hours, n_slots)
            cs, ce = self._closed_arrays()
            # First closed segment ending after the slot start; the slot is blocked iff it
            # starts before the slot ends (closed segments are disjoint and sorted).
            j = np.searchsorted(ce, starts, side="right")
            blocked = j < len(cs)
            blocked[blocked] = cs[j[blocked]] < ends[blocked]
            mask = self._masks[key] = ~blocked
            mask.flags.writeable = False
        return mask

    def _closed_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        if self._closed_np is None:
            b, c = self._arrays()
            closed = c != OPEN
            self._closed_np = (b[:-1][closed], b[1:][closed])
        return self._closed_np


class PersonTimeline:
    """A person's availability: their shared working calendar plus their own disruptions.

    Answers every query of :class:`Timeline` with the same results as the materialized
    ``calendar.overlay_many(layers)`` (sums and times up to float rounding), but is built in
    O(number of the person's own intervals) instead of O(calendar). The calendar
    :class:`Timeline` is shared by everyone on it and cached across replications, with its
    cumulative tables; a person adds only a short sorted list of disjoint pieces ``(start,
    end, code)`` of absence, projects, vacancies and freezes. Materializing instead copied
    the whole calendar (~1,200 segments for a default scenario) per person and replication,
    then built that person's cumulative tables again.

    This works because every code of a piece is a disruption (below :data:`OFF_HOURS`) and
    every code of the calendar is not: a piece always wins over the calendar, so time inside
    a piece has the piece's code and time outside it has the calendar's. Queries walk the
    pieces and ask the calendar (O(log n)) about the gaps between them; a query rarely meets
    more than one piece. Build one with :meth:`over`, which falls back to the materialized
    timeline when the premise does not hold.
    """

    __slots__ = ("_cal", "_e", "_k", "_mat", "_s")

    def __init__(self, calendar: Timeline, starts: list[float], ends: list[float],
                 codes: list[int]) -> None:
        """Pieces must be non-empty, sorted, disjoint, with codes below :data:`OFF_HOURS`,
        and adjacent pieces must have different codes (what :meth:`over` builds)."""
        self._cal = calendar
        self._s = starts
        self._e = ends
        self._k = codes
        self._mat: Timeline | None = None

    @classmethod
    def over(cls, calendar: Timeline,
             layers: Iterable[tuple[Iterable[float], Iterable[float], int]]
             ) -> Timeline | PersonTimeline:
        """``calendar`` with the ``(starts, ends, code)`` layers laid over it.

        The same availability as :meth:`Timeline.overlay_many` (intervals in any order,
        overlapping or not; empty or reversed ones ignored; the lowest code wins where they
        overlap): the calendar itself when no interval is left, a :class:`PersonTimeline`
        when every layer is a disruption and the calendar has none, else the materialized
        timeline.
        """
        pieces: list[tuple[float, float, int]] = []
        materialize = calendar.disrupted
        for starts, ends, code in layers:
            _check_code(code)
            s = starts.tolist() if isinstance(starts, np.ndarray) else list(starts)
            e = ends.tolist() if isinstance(ends, np.ndarray) else list(ends)
            if len(s) != len(e) or any(isinstance(x, np.ndarray) and x.ndim != 1
                                       for x in (starts, ends)):
                raise ValueError("overlay needs as many starts as ends (1-d sequences)")
            if code == OPEN:
                continue
            for a, b in zip(s, e):  # noqa: B905 (lengths checked above)
                if b > a:
                    pieces.append((float(a), float(b), code))
            if code >= OFF_HOURS:
                materialize = True
        if not pieces:
            return calendar
        if materialize:
            return calendar.overlay_many(layers_of(pieces))
        return cls(calendar, *_resolve(pieces))

    def materialize(self) -> Timeline:
        """The same availability as a plain :class:`Timeline` (built once, on demand)."""
        mat = self._mat
        if mat is None:
            mat = self._mat = self._cal.overlay_many(
                layers_of(list(zip(self._s, self._e, self._k, strict=True))))
        return mat

    @property
    def calendar(self) -> Timeline:
        """The shared calendar under the person's own pieces."""
        return self._cal

    @property
    def own_intervals(self) -> tuple[list[float], list[float]]:
        """``(starts, ends)`` of the person's own disruptions (sorted, disjoint; not copied)."""
        return self._s, self._e

    @property
    def pieces(self) -> list[tuple[float, float, int]]:
        """The person's own disruptions ``(start, end, code)``: sorted, disjoint (a copy)."""
        return list(zip(self._s, self._e, self._k, strict=True))

    # -- inspection (as Timeline) -------------------------------------------------------------

    @property
    def has_closed(self) -> bool:
        """Always true: a person timeline has at least one disruption."""
        return True

    @property
    def disrupted(self) -> bool:
        """Always true: a person timeline has at least one disruption."""
        return True

    @property
    def bounds(self) -> list[float]:
        """Segment bounds of the materialized timeline (a copy)."""
        return self.materialize().bounds

    @property
    def codes(self) -> list[int]:
        """Segment codes of the materialized timeline (a copy)."""
        return self.materialize().codes

    def __len__(self) -> int:
        return len(self.materialize())

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PersonTimeline):
            other = other.materialize()
        if not isinstance(other, Timeline):
            return NotImplemented
        return self.materialize() == other

    def __hash__(self) -> int:
        return hash(self.materialize())

    def __repr__(self) -> str:
        codes = sorted(set(self._k))
        return (f"<PersonTimeline {len(self._s)} pieces in [{self._s[0]:g}, {self._e[-1]:g}), "
                f"codes {[_code_name(c) for c in codes]} over {self._cal!r}>")

    def overlay(self, starts: Iterable[float], ends: Iterable[float], code: int) -> Timeline:
        """:meth:`Timeline.overlay` of the materialized timeline."""
        return self.materialize().overlay(starts, ends, code)

    def overlay_many(self, layers: Iterable[tuple[Iterable[float], Iterable[float], int]]
                     ) -> Timeline:
        """:meth:`Timeline.overlay_many` of the materialized timeline."""
        return self.materialize().overlay_many(layers)

    # -- point queries ------------------------------------------------------------------------

    def is_open(self, t: float) -> bool:
        """:meth:`Timeline.is_open`."""
        j = bisect_right(self._s, t) - 1
        if j >= 0 and t < self._e[j]:
            return False
        return self._cal.is_open(t)

    def next_open(self, t: float) -> float:
        """:meth:`Timeline.next_open`: skip own pieces and closed calendar time in turn."""
        s, e, cal = self._s, self._e, self._cal
        n = len(s)
        j = bisect_right(s, t) - 1
        while True:
            if j >= 0 and t < e[j]:  # in piece j: skip it and any piece adjacent to it
                t = e[j]
                j += 1
                while j < n and s[j] <= t:
                    t = e[j]
                    j += 1
                j -= 1
            u = cal.next_open(t)
            if u == t:
                return t
            t = u
            while j + 1 < n and s[j + 1] <= t:
                j += 1

    def calendar_off_until(self, t: float) -> float:
        """:meth:`Timeline.calendar_off_until` of the working calendar alone, the own pieces
        looked through: a vacation that starts at midnight covers a night that would have been
        off hours anyway (unlike the materialized timeline, which cannot see under it)."""
        return self._cal.calendar_off_until(t)

    # -- working-time arithmetic --------------------------------------------------------------

    def add_open(self, t: float, hours: float) -> float:
        """:meth:`Timeline.add_open`: the calendar's arithmetic between own pieces."""
        if hours <= 0.0:
            if hours == 0.0:
                return t
            raise ValueError(f"hours must be >= 0, got {hours!r}")
        s, e, cal = self._s, self._e, self._cal
        n = len(s)
        j = bisect_right(s, t) - 1
        if j >= 0 and t < e[j]:
            t = e[j]
        j += 1  # the first piece that may start at or after t
        while j < n:
            sj = s[j]
            if sj > t:
                end = cal.add_open(t, hours)
                if end <= sj:
                    return end
                hours -= cal.open_between(t, sj)
                if hours <= 0.0:  # float rounding: the work just fits before the piece
                    return sj
            t = e[j]
            j += 1
        return cal.add_open(t, hours)

    def open_between(self, a: float, b: float) -> float:
        """:meth:`Timeline.open_between`: the calendar's open time in the gaps."""
        if b <= a:
            return 0.0
        s, e, cal = self._s, self._e, self._cal
        n = len(s)
        j = bisect_right(e, a)  # the first piece ending after a
        if j >= n or s[j] >= b:
            return cal.open_between(a, b)
        total = 0.0
        lo = a
        while j < n and s[j] < b:
            if s[j] > lo:
                total += cal.open_between(lo, s[j])
            lo = e[j]
            j += 1
        if lo < b:
            total += cal.open_between(lo, b)
        return total

    def charge(self, a: float, b: float, default: int, acc: list[float]) -> None:
        """:meth:`Timeline.charge`: own pieces to their codes, the gaps by the calendar."""
        if b <= a:
            return
        s, e, cal = self._s, self._e, self._cal
        n = len(s)
        j = bisect_right(e, a)
        if j >= n or s[j] >= b:
            cal.charge(a, b, default, acc)
            return
        k = self._k
        lo = a
        while j < n and s[j] < b:
            sj = s[j]
            if sj > lo:
                cal.charge(lo, sj, default, acc)
                lo = sj
            hi = e[j] if e[j] < b else b
            acc[k[j]] += hi - lo
            lo = hi
            j += 1
        if lo < b:
            cal.charge(lo, b, default, acc)

    def closed_intervals(self, a: float, b: float) -> list[tuple[float, float, int]]:
        """:meth:`Timeline.closed_intervals` (normalized: equal neighbours already merged)."""
        if b <= a:
            return []
        s, e, k, cal = self._s, self._e, self._k, self._cal
        n = len(s)
        j = bisect_right(e, a)
        out: list[tuple[float, float, int]] = []
        lo = a
        while j < n and s[j] < b:
            sj = s[j]
            if sj > lo:
                out += cal.closed_intervals(lo, sj)
                lo = sj
            hi = e[j] if e[j] < b else b
            out.append((lo, hi, k[j]))
            lo = hi
            j += 1
        if lo < b:
            out += cal.closed_intervals(lo, b)
        return out

    def disruption_intervals(self, a: float, b: float) -> list[tuple[float, float, int]]:
        """:meth:`Timeline.disruption_intervals`: the own pieces meeting ``[a, b)``, clipped."""
        if b <= a:
            return []
        s, e, k = self._s, self._e, self._k
        n = len(s)
        out = []
        j = bisect_right(e, a)
        while j < n and s[j] < b:
            out.append((max(s[j], a), min(e[j], b), k[j]))
            j += 1
        return out

    def disruption_at(self, t: float, horizon: float) -> tuple[int, float] | None:
        """:meth:`Timeline.disruption_at`: the piece holding ``t`` and those adjacent after it."""
        s, e = self._s, self._e
        j = bisect_right(s, t) - 1
        if j < 0 or t >= e[j]:
            return None
        n = len(s)
        stop = t + horizon
        code = self._k[j]
        until = min(e[j], stop)
        j += 1
        while j < n and s[j] < stop and s[j] == e[j - 1]:
            until = min(e[j], stop)
            j += 1
        return code, until

    def slot_mask(self, slot_hours: float, n_slots: int) -> np.ndarray:
        """:meth:`Timeline.slot_mask`: the calendar's mask with the own pieces blocked."""
        mask = self._cal.slot_mask(slot_hours, n_slots)
        block_slots(mask, self._s, self._e, slot_hours)
        return mask


#: What holds a person's availability: a plain timeline or a calendar with own disruptions.
Availability = Timeline | PersonTimeline


def charge_causal(timeline: Availability, a: float, b: float, default: int,
                  acc: list[float], before: int = WORK, search: bool = False,
                  fits: float = 0.0) -> int:
    """Charge ``[a, b)`` as :meth:`Timeline.charge` does, by the causal rule for off hours;
    returns the cause of the last piece that was not off hours (``before`` if none).

    The rule (docs/explanation/attribution.md): off hours are charged to ``off_hours`` only
    where a wait exists because work stops at night, that is while work is being done
    (``default`` is ``work``) or at the very start of a stretch of waiting (``before`` is
    ``work``: the time until work can start again would have passed without any other
    cause). A night or weekend *inside* a wait that exists for another reason (a queue, the
    search for a common slot, a relay, an absence that ran into the weekend) belongs to that
    reason: the piece just before it. ``before`` is the cause of the piece just before ``a``
    (``work`` when the stretch starts a wait). Disruptions (absence, priority, ...) keep
    their own time, working time and the nights and weekends inside them, except the off
    hours of the working calendar that lead the stretch (from ``a`` until the calendar
    would first open, :meth:`Timeline.calendar_off_until`): those would have passed without
    the disruption and are charged as the lead is (to ``before``, or ``off_hours`` when the
    stretch starts a wait). A vacation from Friday 00:00 leaves Friday 00:00-09:00 to
    ``off_hours`` and takes exactly the days it adds to the wait.

    ``search`` (the wait for a common slot): a disruption that *begins* after the timeline
    first opened inside ``[a, b)`` is charged half to it and half to ``default``: that part
    of the wait needs both (without the search the meeting would have been held before the
    disruption began; without the disruption the search would have ended sooner), and the
    Shapley value of a two-way interaction gives each cause half. One already running at
    ``a`` keeps its own cause.

    ``fits`` (hours; a meeting's length): open time counts as the wait having started only in
    a stretch at least that long. A meeting requested at 16:45 on a Friday that needs 30
    minutes could not have been held before Monday whatever the search: the 15 minutes are
    ``default``, the weekend ``off_hours``.

    Fast path (no disruption in ``[a, b)``): the closed time is all off hours; the first
    stretch of it (until the timeline opens) goes to ``before`` (or ``off_hours``), the rest
    to ``default`` (or ``off_hours`` while working). Otherwise the pieces are walked in order.
    """
    if b <= a:
        return before
    if default == WORK and before == WORK and not timeline.disrupted:
        timeline.charge(a, b, WORK, acc)  # work and nights only: the plain charge
        return WORK
    part = [0.0] * N_CAUSES
    timeline.charge(a, b, default, part)
    off = part[OFF_HOURS]
    mine = part[default]
    # time of disruptions: everything that is neither off hours nor the default (one C-level
    # sum; charges are sums of non-negative pieces)
    disrupted = sum(part) - off - mine > 1e-12 * (b - a)
    if not disrupted:
        if not off:  # open time only (the most common case)
            acc[default] += mine
            return default if mine else before
        if default == WORK and before == WORK:
            acc[WORK] += mine
            acc[OFF_HOURS] += off
            return WORK if mine else before
        opens = timeline.next_open(a)
        if not fits or timeline.open_between(opens, opens + fits) >= fits - 1e-9:
            lead = (opens if opens < b else b) - a
            if lead > off:  # float rounding of the tables: never more than the off hours
                lead = off
            acc[before if before != WORK else OFF_HOURS] += lead
            acc[default if default != WORK else OFF_HOURS] += off - lead
            acc[default] += mine
            return default if mine else before
    # disruptions (or a meeting's short first stretch): walk the pieces in order
    walked = [0.0] * N_CAUSES
    prev = before
    lo = a
    opened = False
    leading = True  # still in the wait's lead: nothing has been charged to a cause of its own
    for start, end, code in timeline.closed_intervals(a, b):
        if start > lo:  # open time before this piece
            walked[default] += start - lo
            if start - lo >= fits - 1e-9:  # long enough for the work to have started
                prev = default
                opened = True
                leading = False
        if code == OFF_HOURS:
            walked[prev if prev != WORK else OFF_HOURS] += end - start
        elif leading and (off := timeline.calendar_off_until(start)) > start:
            # a disruption over the calendar's off hours in the lead: those hours lead the wait
            # as they would without it; the disruption takes the rest of its piece (if any)
            cut = off if off < end else end
            walked[prev if prev != WORK else OFF_HOURS] += cut - start
            if cut < end:
                walked[code] += end - cut
                prev = code
                leading = False
        elif search and opened:
            half = (end - start) / 2.0
            walked[default] += half
            walked[code] += (end - start) - half
            prev = code
        else:
            walked[code] += end - start
            prev = code
            leading = False
        lo = end
    if lo < b:
        walked[default] += b - lo
        prev = default
    for i, v in enumerate(walked):
        if v:
            acc[i] += v
    return prev


def layers_of(pieces: list[tuple[float, float, int]]
              ) -> list[tuple[list[float], list[float], int]]:
    """``(start, end, code)`` pieces as ``(starts, ends, code)`` layers, one per code."""
    by_code: dict[int, tuple[list[float], list[float], int]] = {}
    for a, b, code in pieces:
        layer = by_code.get(code)
        if layer is None:
            layer = by_code[code] = ([], [], code)
        layer[0].append(a)
        layer[1].append(b)
    return list(by_code.values())


def _resolve(pieces: list[tuple[float, float, int]]
             ) -> tuple[list[float], list[float], list[int]]:
    """Overlapping ``(start, end, code)`` intervals as sorted disjoint pieces, the lowest
    code winning where they overlap and equal neighbours merged (what ``overlay_many`` does
    to them)."""
    events: list[tuple[float, int, int]] = []
    for a, b, code in pieces:
        events.append((a, code, 1))
        events.append((b, code, -1))
    events.sort()
    count = [0] * OPEN
    starts: list[float] = []
    ends: list[float] = []
    codes: list[int] = []
    cur = OPEN
    n = len(events)
    for i in range(n):
        t, code, d = events[i]
        count[code] += d
        if i + 1 < n and events[i + 1][0] == t:
            continue  # settle every interval starting or ending at t first
        new = OPEN
        for c in range(OPEN):
            if count[c]:
                new = c
                break
        if new != cur:
            if cur != OPEN:
                ends.append(t)
            if new != OPEN:
                starts.append(t)
                codes.append(new)
            cur = new
    return starts, ends, codes


# -- Timeline helpers ---------------------------------------------------------------------------


def _as_float_list(values: Sequence[float]) -> list[float]:
    if isinstance(values, np.ndarray):
        return values.astype(float).tolist()
    return [float(x) for x in values]


def _check_code(code: int) -> None:
    if not 0 <= code <= OPEN:
        raise ValueError(
            f"code must be a cause code in 0..{N_CAUSES - 1} or OPEN={OPEN}, got {code}"
        )


def _normalize(b: list[float], c: list[int]) -> tuple[list[float], list[int]]:
    """Drop empty segments, merge equal neighbours, trim open ends; validate the input."""
    if not b:
        if c:
            raise ValueError("codes given without bounds")
        return [], []
    if len(c) != len(b) - 1:
        raise ValueError(f"need len(codes) == len(bounds) - 1, got {len(c)} and {len(b)}")
    for code in set(c):
        _check_code(code)
    nb: list[float] = [b[0]]
    nc: list[int] = []
    for i, code in enumerate(c):
        end = b[i + 1]
        if not end >= b[i]:  # also rejects NaN
            raise ValueError(f"bounds must be non-decreasing, got {b[i]} then {end}")
        if end == b[i]:
            continue
        if nc and nc[-1] == code:
            nb[-1] = end
        else:
            nc.append(code)
            nb.append(end)
    while nc and nc[0] == OPEN:
        nc.pop(0)
        nb.pop(0)
    while nc and nc[-1] == OPEN:
        nc.pop()
        nb.pop()
    if not nc:
        return [], []
    return nb, nc


def _cumulative(b: np.ndarray, c: np.ndarray, code: int) -> list[float]:
    """Time of ``code`` in ``[b[0], b[i])`` for every bound ``i``.

    ``np.cumsum`` adds left to right like a Python loop (adding 0.0 for other codes changes
    nothing), so the sums are the same floats as ``acc += b[i + 1] - b[i]``.
    """
    pieces = np.where(c == code, b[1:] - b[:-1], 0.0)
    out = np.zeros(len(b))
    np.cumsum(pieces, out=out[1:])
    return out.tolist()


def _next_open_starts(bs: np.ndarray, c: np.ndarray) -> list[float]:
    """For each segment, the first open moment at or after its end (the last bound if none):
    the start of the first open segment after it, else the last bound."""
    n = len(c)
    if not n:
        return []
    opens = np.flatnonzero(c == OPEN)
    k = np.searchsorted(opens, np.arange(n), side="right")
    found = k < len(opens)
    out = np.full(n, bs[-1])
    out[found] = bs[opens[k[found]]]
    return out.tolist()


def _normalized_timeline(points: np.ndarray, codes: np.ndarray) -> Timeline:
    """A timeline from strictly increasing ``points`` and the code of each piece between them:
    equal neighbours merged and open ends trimmed (what :func:`_normalize` does), in NumPy."""
    if codes.size == 0:
        return Timeline.always_open()
    first = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]]))
    c = codes[first]
    b = np.append(points[first], points[-1])
    lo, hi = 0, len(c)
    if c[0] == OPEN:
        lo = 1
    if hi > lo and c[hi - 1] == OPEN:
        hi -= 1
    if hi <= lo:
        return Timeline.always_open()
    c = c[lo:hi]
    b = b[lo:hi + 1]
    present = tuple(int(x) for x in np.unique(c) if x != OPEN)
    return Timeline._from_normalized(b, c, present)


def slot_grid(slot_hours: float, n_slots: int) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends (hours) of meeting slots ``0 .. n_slots - 1`` (read-only, cached)."""
    key = (float(slot_hours), int(n_slots))
    grid = _SLOT_GRIDS.get(key)
    if grid is None:
        starts = np.arange(n_slots, dtype=float) * slot_hours
        ends = starts + slot_hours
        starts.flags.writeable = False
        ends.flags.writeable = False
        if len(_SLOT_GRIDS) > 16:
            _SLOT_GRIDS.clear()
        grid = _SLOT_GRIDS[key] = (starts, ends)
    return grid


_SLOT_GRIDS: dict[tuple[float, int], tuple[np.ndarray, np.ndarray]] = {}


def block_slots(mask: np.ndarray, starts: Sequence[float], ends: Sequence[float],
                slot_hours: float) -> None:
    """Mark as not free (in place) every slot of ``mask`` that meets ``[starts[k], ends[k])``.

    The same test as :meth:`Timeline.slot_mask` (a slot is blocked when a closed interval
    overlaps it), applied to extra intervals: a person's mask is their calendar's mask with
    their own absences, projects and freezes blocked on top.
    """
    if not len(starts):
        return
    s = np.asarray(starts, float)
    e = np.asarray(ends, float)
    keep = e > s
    slot_starts, slot_ends = slot_grid(slot_hours, len(mask))
    lo = np.searchsorted(slot_ends, s[keep], side="right").tolist()
    hi = np.searchsorted(slot_starts, e[keep], side="left").tolist()
    for a, b in zip(lo, hi, strict=True):
        if b > a:
            mask[a:b] = False


def _union(s: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Union of intervals ``[s, e)`` as sorted disjoint ``(starts, ends)``."""
    order = np.argsort(s, kind="stable")
    s, e = s[order], e[order]
    reach = np.maximum.accumulate(e)
    new = s[1:] > reach[:-1]
    first = np.concatenate([[True], new])
    last = np.concatenate([new, [True]])
    return s[first], reach[last]


# -- WorkingCalendar ----------------------------------------------------------------------------

TimeLike = str | _dt.time


def _parse_clock(value: TimeLike, name: str) -> float:
    """Hours after midnight of ``"HH:MM"`` (``"24:00"`` allowed as the end of a day)."""
    if isinstance(value, _dt.time):
        return value.hour + value.minute / 60 + value.second / 3600
    try:
        hh, mm = str(value).strip().split(":")
        h, m = int(hh), int(mm)
    except ValueError:
        raise ValueError(f"{name} must be a time 'HH:MM', got {value!r}") from None
    if not (0 <= m < 60 and (0 <= h < 24 or (h == 24 and m == 0))):
        raise ValueError(f"{name} must be a time between 00:00 and 24:00, got {value!r}")
    return h + m / 60


class WorkingCalendar:
    """When a person works: hours of the day, weekdays, public holidays and closed dates.

    Parameters are plain values so that the scenario schema (and users) can build one directly.
    Holidays come from the ``holidays`` package (``country`` is an ISO 3166 code it supports,
    ``subdivision`` a state/province code of that country), with observed days included, e.g. a
    US Independence Day on a Saturday closes the Friday before. ``always_open=True`` ignores
    everything else: work runs around the clock, which is what theory checks need.

    Built timelines are cached per ``(epoch, days)`` because many people share one calendar.
    """

    def __init__(
        self,
        weekdays: Iterable[int] = (0, 1, 2, 3, 4),
        start: TimeLike = "09:00",
        end: TimeLike = "17:00",
        lunch: tuple[TimeLike, TimeLike] | None = None,
        country: str | None = None,
        subdivision: str | None = None,
        closed_dates: Iterable[_dt.date | str] = (),
        always_open: bool = False,
    ) -> None:
        self.always_open = bool(always_open)
        self.weekdays: tuple[int, ...] = _check_weekdays(weekdays)
        self.start = start
        self.end = end
        self.lunch = None if lunch is None else (lunch[0], lunch[1])
        self._start_h = _parse_clock(start, "start")
        self._end_h = _parse_clock(end, "end")
        if not self._start_h < self._end_h:
            raise ValueError(f"start ({start}) must be before end ({end}) within one day")
        self._lunch_h = self._check_lunch(lunch)
        self.country = None if country is None else str(country).upper()
        self.subdivision = None if subdivision is None else str(subdivision)
        self._holidays = _make_holidays(self.country, self.subdivision)
        self.closed_dates: frozenset[_dt.date] = frozenset(_as_date(d) for d in closed_dates)
        self._cache: dict[tuple[_dt.date, int], Timeline] = {}

    def _check_lunch(self, lunch: tuple[TimeLike, TimeLike] | None) -> tuple[float, float] | None:
        if lunch is None:
            return None
        if len(lunch) != 2:
            raise ValueError(f"lunch must be a pair (start, end), got {lunch!r}")
        lo = _parse_clock(lunch[0], "lunch start")
        hi = _parse_clock(lunch[1], "lunch end")
        if not self._start_h < lo < hi < self._end_h:
            raise ValueError(
                f"lunch {lunch[0]}-{lunch[1]} must be a non-empty break strictly inside "
                f"working hours {self.start}-{self.end}"
            )
        return lo, hi

    @property
    def hours_per_day(self) -> float:
        """Working hours of a normal working day: converts 'working days' into hours."""
        if self.always_open:
            return 24.0
        hours = self._end_h - self._start_h
        if self._lunch_h is not None:
            hours -= self._lunch_h[1] - self._lunch_h[0]
        return hours

    def is_holiday(self, date: _dt.date) -> bool:
        """Whether ``date`` is a public holiday of the calendar's country or a closed date."""
        date = _as_date(date)
        if date in self.closed_dates:
            return True
        return self._holidays is not None and date in self._holidays

    def is_working_day(self, date: _dt.date) -> bool:
        """Whether ``date`` has working hours (right weekday, not a holiday or closed date)."""
        date = _as_date(date)
        if self.always_open:
            return True
        return date.weekday() in self.weekdays and not self.is_holiday(date)

    def timeline(self, epoch: _dt.date, days: int) -> Timeline:
        """Off-hours timeline of ``days`` days from ``epoch``: closed time is ``OFF_HOURS``.

        It covers ``[0, days * 24)`` hours; beyond it the timeline is open, so ``days`` must
        reach past the simulation horizon (plus any work that may run over it).
        """
        epoch = _as_date(epoch)
        days = int(days)
        if days < 0:
            raise ValueError(f"days must be >= 0, got {days}")
        key = (epoch, days)
        tl = self._cache.get(key)
        if tl is None:
            tl = self._build(epoch, days)
            self._cache[key] = tl
        return tl

    def _build(self, epoch: _dt.date, days: int) -> Timeline:
        if self.always_open or days == 0:
            return Timeline.always_open()
        day = np.arange(days)
        working = np.isin((epoch.weekday() + day) % 7, self.weekdays)
        for d in self._closed_days(epoch, days):
            working[d] = False
        base = day[working] * 24.0
        if self._lunch_h is None:
            pieces = [(self._start_h, self._end_h)]
        else:
            pieces = [(self._start_h, self._lunch_h[0]), (self._lunch_h[1], self._end_h)]
        # Open intervals per working day, interleaved in time order: (s0, e0, s1, e1, ...).
        edges = np.stack([base + h for piece in pieces for h in piece], axis=1).ravel()
        bounds = np.concatenate([[0.0], edges, [days * 24.0]])
        codes = np.full(len(bounds) - 1, OFF_HOURS, np.int64)
        codes[1::2] = OPEN
        return Timeline(bounds.tolist(), codes.tolist())

    def _closed_days(self, epoch: _dt.date, days: int) -> list[int]:
        """Day offsets in ``[0, days)`` that are holidays or closed dates."""
        last = epoch + _dt.timedelta(days=days - 1)
        dates = {d for d in self.closed_dates if epoch <= d <= last}
        if self._holidays is not None and self.country is not None:  # one implies the other
            years = range(epoch.year, last.year + 1)
            hols = _make_holidays(self.country, self.subdivision, years)
            dates.update(d for d in hols if epoch <= d <= last)
        return [(d - epoch).days for d in dates]

    def _key(self) -> tuple:
        return (
            self.always_open,
            self.weekdays,
            self._start_h,
            self._end_h,
            self._lunch_h,
            self.country,
            self.subdivision,
            self.closed_dates,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkingCalendar):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        if self.always_open:
            return "WorkingCalendar(always_open=True)"
        parts = [f"weekdays={self.weekdays}", f"start={self.start!r}", f"end={self.end!r}"]
        if self.lunch is not None:
            parts.append(f"lunch={self.lunch!r}")
        if self.country is not None:
            parts.append(f"country={self.country!r}")
        if self.subdivision is not None:
            parts.append(f"subdivision={self.subdivision!r}")
        if self.closed_dates:
            parts.append(f"closed_dates=<{len(self.closed_dates)} dates>")
        return f"WorkingCalendar({', '.join(parts)})"


def _check_weekdays(weekdays: Iterable[int]) -> tuple[int, ...]:
    days = tuple(sorted(set(int(d) for d in weekdays)))
    if not days:
        raise ValueError("weekdays must name at least one day (0 = Monday ... 6 = Sunday)")
    if days[0] < 0 or days[-1] > 6:
        raise ValueError(f"weekdays must be in 0..6 (0 = Monday ... 6 = Sunday), got {days}")
    return days


@overload
def _make_holidays(
    country: str, subdivision: str | None, years: Iterable[int] = ...
) -> HolidayBase: ...
@overload
def _make_holidays(
    country: str | None, subdivision: str | None, years: Iterable[int] = ...
) -> HolidayBase | None: ...
def _make_holidays(
    country: str | None, subdivision: str | None, years: Iterable[int] = ()
) -> HolidayBase | None:
    """The ``holidays`` object for a country/subdivision, with errors that say what is allowed."""
    if country is None:
        if subdivision is not None:
            raise ValueError(f"subdivision {subdivision!r} given without a country")
        return None
    import holidays  # deferred: keeps `import hiresim` light

    supported = holidays.list_supported_countries()
    if country not in supported:
        raise ValueError(_unknown_country(country, supported))
    try:
        return holidays.country_holidays(country, subdiv=subdivision, years=list(years) or None)
    except NotImplementedError:
        from hiresim.text import close_matches

        allowed = list(supported[country])
        if not allowed:
            listed = "none (this country has no subdivisions): leave subdivision out"
        elif len(allowed) <= _LISTED:
            listed = f"allowed: {', '.join(allowed)}"
        else:
            listed = (f"{country} has {len(allowed)} in the 'holidays' package, e.g. "
                      f"{', '.join(allowed[:_LISTED // 2])}, ...")
        hint = close_matches(str(subdivision).upper(), allowed, n=1, cutoff=0.5)
        more = f"did you mean {hint[0]!r}? " if hint else ""
        raise ValueError(
            f"unknown subdivision {subdivision!r} of country {country!r}: {more}{listed}"
        ) from None


#: Most codes a message lists in full (a longer list is cut, with a did-you-mean).
_LISTED = 12


def _unknown_country(country: str, supported: dict[str, list[str]]) -> str:
    """The message for a country code the ``holidays`` package does not know: a did-you-mean
    (by code, or by the country's name, so "Germany" suggests "DE"), never the whole list."""
    from holidays import registry

    from hiresim.text import close_matches

    names = {entry[0]: entry[1] for entry in registry.COUNTRIES.values()}  # "UnitedStates": "US"
    key = "".join(ch for ch in country.title() if ch.isalpha())
    hint = names.get(key)
    if hint is None:
        by_name = close_matches(key, list(names), n=1, cutoff=0.75)
        hint = names[by_name[0]] if by_name else None
    if hint is None:
        codes = close_matches(country, [c for c in supported if len(c) == len(country)], n=1,
                              cutoff=0.5)
        hint = codes[0] if codes else None
    more = f"; did you mean {hint!r}?" if hint else ""
    count = sum(1 for code in supported if len(code) == 2)
    return (f"unknown holiday country {country!r}{more} Use an ISO 3166 code such as DE, FR, "
            f"GB or US: any of the {count} countries of the 'holidays' package")


def _as_date(value: _dt.date | str) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"expected a date 'YYYY-MM-DD', got {value!r}") from None


# -- conversions --------------------------------------------------------------------------------


def _midnight(epoch: _dt.date) -> _dt.datetime:
    return _dt.datetime.combine(_as_date(epoch), _dt.time())


def to_hours(dt: _dt.datetime | _dt.date, epoch: _dt.date) -> float:
    """Simulation time (hours since midnight of ``epoch``) of a naive local datetime.

    Time-zone aware datetimes are refused: simulation time is the scenario's naive wall-clock
    time, and silently converting would shift working hours.
    """
    if not isinstance(dt, _dt.datetime):
        dt = _midnight(dt)
    if dt.tzinfo is not None:
        raise ValueError(f"expected a naive local datetime, got time-zone aware {dt!r}")
    return (dt - _midnight(epoch)).total_seconds() / 3600.0


def to_datetime(hours: float, epoch: _dt.date) -> _dt.datetime:
    """Naive local datetime of simulation time ``hours`` (inverse of :func:`to_hours`)."""
    return _midnight(epoch) + _dt.timedelta(hours=float(hours))
