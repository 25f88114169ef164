"""Meetings: the earliest slot in which every attendee is free, and the wait it charges.

Time is cut into slots; each person has a mask of the slots in which they are at work, present
and not already booked (their calendar load). :class:`SlotFinder` finds the first run of free
slots common to all attendees (and the candidate, for interviews); :func:`meeting` is the
process that waits for it and charges the wait: ``scheduling``, except the organizer's off hours
(``off_hours``) and any attendee's absence or other disruption, which take precedence by the
cause order. Booked meetings may move (:class:`Reschedules`: an attendee cancels, the candidate
does not show): the slot is searched again, and the whole wait stays ``scheduling``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from hiresim.calendarload import LOAD_BLOCK_HOURS, week_slots
from hiresim.causes import N_CAUSES, OFF_HOURS, OPEN, SCHEDULING, WORK
from hiresim.durations import UniformBlock
from hiresim.tasks import Process
from hiresim.trace import Activity, Leg
from hiresim.workhours import charge_causal

if TYPE_CHECKING:
    from hiresim.people import Person
    from hiresim.scenario import SchedulingSpec
    from hiresim.world import World

class SlotFinder:
    """Finds the earliest meeting slot in which every attendee is free.

    Time is cut into slots of ``slot_hours``; a person's ``free`` mask says which slots are
    inside their working hours, outside absences and not already booked. A meeting of ``k`` slots
    takes the first run of ``k`` slots free for everyone (the candidate included for interviews)
    at or after the earliest allowed start, searched up to ``search_slots`` ahead, and is then
    booked into the attendees' masks. With ``book=False`` (no slot search: the ``scheduling``
    ablation) the masks carry only working hours and absences, nothing is booked and no notice
    is asked: a meeting takes the first slot in which everyone is at work and present.
    """

    __slots__ = ("book", "candidate_load", "n_slots", "rng", "search_slots", "slot_hours",
                 "week_slots")

    def __init__(self, slot_hours: float, n_slots: int, search_slots: int,
                 candidate_load: float, rng: np.random.Generator, book: bool = True) -> None:
        self.book = book
        self.slot_hours = slot_hours
        self.n_slots = n_slots
        self.search_slots = search_slots
        self.candidate_load = candidate_load
        self.rng = rng
        #: Slots of a week: the window is searched a week at a time.
        self.week_slots = week_slots(slot_hours)

    def find(self, attendees: list[Person], earliest: float, minutes: int,
             organizer: Person, candidate: bool, book: bool = True) -> float:
        """Start time (hours) of the booked slot, or ``inf`` if none within the search window.

        The window is searched a week at a time (to the end of the week of ``earliest``, then
        week by week): most meetings find a slot within days, and only the weeks searched are
        filled (the attendees' calendar load, :mod:`hiresim.calendarload`) or drawn (the
        candidate's calendar, one uniform per hour block searched, from the ``calendar_load``
        stream's ``candidates`` sampler). ``book=False`` finds the slot and leaves it free (a
        forecast's copy of an application takes nobody's time).
        """
        k = max(1, math.ceil(minutes / 60.0 / self.slot_hours - 1e-9))
        i0 = math.ceil(earliest / self.slot_hours - 1e-9)
        stop = min(i0 + self.search_slots, self.n_slots)
        if stop - i0 < k:
            return math.inf
        people = attendees if attendees else [organizer]
        load = self.candidate_load if candidate else 0.0
        ws = self.week_slots
        base = lo = i0  # mask[0] is slot base; slots [lo, ...) are not searched yet
        mask: np.ndarray | None = None
        while True:
            hi = min(stop, (lo // ws + 1) * ws)
            part = _common(people, lo, hi)
            if load > 0.0:
                part &= busy_blocks(self.rng, load, self.slot_hours, lo, hi)
            mask = part if mask is None or not len(mask) else np.concatenate((mask, part))
            hit = _first_run(mask, k)
            if hit >= 0:
                first = base + hit
                break
            if hi >= stop:
                return math.inf
            keep = min(len(mask), k - 1)  # a run may start in this week and end in the next
            base = hi - keep
            mask = mask[len(mask) - keep:]
            lo = hi
        if self.book and book:
            for person in attendees:
                person.free[first:first + k] = False
        return first * self.slot_hours


def _common(people: list[Person], i0: int, stop: int) -> np.ndarray:
    """Slots ``[i0, stop)`` free for every one of ``people`` (a new array), their weeks filled
    first if they were not yet (:class:`hiresim.calendarload.FreeSlots`)."""
    first = people[0]
    if first.fills is not None:
        first.fills.fill(i0, stop)
    mask = first.free[i0:stop].copy()
    for person in people[1:]:
        if person.fills is not None:
            person.fills.fill(i0, stop)
        mask &= person.free[i0:stop]
    return mask


def _first_run(mask: np.ndarray, k: int) -> int:
    """Index of the first run of ``k`` true slots in ``mask``, or -1 (one search in C over the
    mask's bytes, which are 0 and 1)."""
    return mask.tobytes().find(b"\x01" * k)


def _slots_of(ok: np.ndarray, per_block: int) -> np.ndarray:
    """A mask of hour blocks as a mask of their slots (each block's value ``per_block``
    times)."""
    if per_block == 1:
        return ok
    if per_block <= 4:  # a few strided copies beat np.repeat (the same array)
        free = np.empty(len(ok) * per_block, dtype=bool)
        for j in range(per_block):
            free[j::per_block] = ok
        return free
    return np.repeat(ok, per_block)


class Reschedules:
    """Booked meetings that move: an attendee cancels, or the candidate does not show.

    Each attendee cancels at ``cancel_rate`` per day between the booking and the slot (a
    Poisson hazard), so a meeting of ``n`` attendees booked ``d`` days ahead is cancelled with
    probability ``1 - exp(-rate * n * d)``, at an exponential time after the booking: far-ahead
    bookings move more often, as people's plans change. A candidate who is not cancelled on
    may still not show (``no_show``, interviews only), learnt at the slot's start. Draws come
    from the ``reschedules`` stream, one uniform per booking (and one more for a no-show), so
    that switching reschedules on leaves every other draw alone.
    """

    __slots__ = ("cancel_rate", "max_moves", "no_show", "u")

    def __init__(self, spec: SchedulingSpec, rng: np.random.Generator) -> None:
        #: Cancellations per attendee per hour of lead time.
        self.cancel_rate = spec.cancel_rate_per_day / 24.0
        self.no_show = spec.no_show_probability
        self.max_moves = spec.max_reschedules
        self.u = UniformBlock(rng)

    @classmethod
    def of(cls, spec: SchedulingSpec, rng: Callable[[], np.random.Generator]
           ) -> Reschedules | None:
        """The scenario's reschedules, or ``None`` (no stream is made) when meetings never
        move."""
        if spec.max_reschedules == 0 or (spec.cancel_rate_per_day == 0.0
                                         and spec.no_show_probability == 0.0):
            return None
        return cls(spec, rng())

    def lost_at(self, attendees: int, booked_at: float, start: float, candidate: bool
                ) -> float:
        """When the booking made at ``booked_at`` for ``start`` is lost (``inf``: it holds)."""
        lead = start - booked_at
        if self.cancel_rate > 0.0 and lead > 0.0:
            # the first cancellation among the attendees comes after an exponential time
            u = self.u()
            at = -math.log1p(-u) / (self.cancel_rate * attendees)
            if at < lead:
                return booked_at + at
        if candidate and self.no_show > 0.0 and self.u() < self.no_show:
            return start
        return math.inf


def busy_blocks(rng: np.random.Generator, load: float, slot_hours: float, first: int,
                stop: int) -> np.ndarray:
    """Free mask for slots ``[first, stop)`` of someone whose calendar is ``load`` booked.

    Each clock hour is already taken with probability ``load`` (existing meetings are hour
    blocks, so free time comes in contiguous chunks as in real calendars).
    """
    per_block = max(1, round(LOAD_BLOCK_HOURS / slot_hours))
    b0 = first // per_block
    b1 = -(-stop // per_block)
    ok = rng.random(b1 - b0) >= load
    offset = first - b0 * per_block
    return _slots_of(ok, per_block)[offset:offset + stop - first]


def meeting(w: World, attendees: list[Person], organizer: Person, minutes: int, leg: Leg,
            act: Activity, candidate: bool, notice: float = 0.0,
            stop: Callable[[], bool] | None = None, booked: Callable[[], None] | None = None
            ) -> Process:
    """A meeting at the earliest slot where every attendee (and the candidate) is free;
    ``act`` labels it in the event log.

    The wait for the slot is ``scheduling``, except the organizer's off hours (``off_hours``)
    and any attendee's absence or other disruption, which take precedence by the cause order.
    When no common slot lies within the search window, the organizer searches again
    :attr:`~hiresim.world.World.retry_hours` later, until one is booked; ``stop()`` true at a
    retry (the job was filled meanwhile) ends the attempt; ``booked()`` is called when a slot
    is booked (the attendees, the candidate among them, now know the date). Returns whether
    the meeting was held (``False``: stopped, or no slot before the end of the simulation).
    """
    env = w.env
    enabled = env.now
    leg.pending(organizer.timeline, SCHEDULING)
    if w.scheduling:
        slots = w.slots
        assert slots is not None  # the model builds the slot finder with the people
        if not slots.book:  # no slot search: no notice period either
            notice = 0.0
        book = act.case not in w.ghosts
        start = slots.find(attendees, enabled + notice, minutes, organizer, candidate, book)
        if math.isinf(start) or w.reschedules is not None:
            start = yield from _book(w, attendees, organizer, minutes, candidate, notice, stop,
                                     booked, start, book)
            if math.isnan(start):
                return False
    else:
        start = enabled
    if booked is not None:
        booked()
    wt = [0.0] * N_CAUSES
    end = start + minutes / 60.0
    if end > env.now:  # one timeout for the wait and the meeting (the leg knows the split)
        waited = start > enabled
        if waited:
            charge_meeting_wait(attendees, organizer, enabled, start, wt,
                                search=w.slots is not None and w.slots.book,
                                fits=minutes / 60.0)
            if end > start:
                leg.after = (start, wt)
        else:
            leg.pending(None, WORK)
        yield env.timeout(end - env.now)
        leg.after = None
        if waited:
            leg.held(start, wt)
        if end > start:
            leg.flat(end, WORK)
    if w.event_log:
        w.trace.event(act, organizer.holder(start), organizer.role, enabled, start, end, wt)
    return True


def _book(w: World, attendees: list[Person], organizer: Person, minutes: int, candidate: bool,
          notice: float, stop: Callable[[], bool] | None, booked: Callable[[], None] | None,
          start: float, book: bool = True) -> Process:
    """The slot a meeting is finally held in, from a first search's ``start``; ``nan`` if it is
    not held (stopped, or no slot before the end of the simulation).

    No slot in the window: the organizer searches again :attr:`~hiresim.world.World.retry_hours`
    later. A booking lost to a cancellation or a no-show (:class:`Reschedules`) is searched
    again from the moment it is lost (plus the notice), never before the lost slot's end
    (that slot stays taken), up to ``max_reschedules`` times.
    """
    env, slots, moves = w.env, w.slots, w.reschedules
    assert slots is not None
    moved = 0
    while True:
        while math.isinf(start):  # nothing free in the window: try again later
            retry = env.now + w.retry_hours
            if retry >= w.end:
                yield w.never  # the wait is censored at the end of the simulation
                return math.nan
            yield env.timeout(w.retry_hours)
            if stop is not None and stop():
                return math.nan
            start = slots.find(attendees, retry + notice, minutes, organizer, candidate, book)
        if moves is None or moved >= moves.max_moves:
            return start
        lost = moves.lost_at(len(attendees) or 1, env.now, start, candidate)
        if math.isinf(lost):
            return start
        if booked is not None:  # the candidate had a date, even if it moves
            booked()
        moved += 1
        if lost > env.now:
            yield env.timeout(lost - env.now)
        if stop is not None and stop():
            return math.nan
        earliest = max(lost + notice, start + max(minutes / 60.0, slots.slot_hours))
        start = slots.find(attendees, earliest, minutes, organizer, candidate, book)


def charge_meeting_wait(attendees: list[Person], organizer: Person, a: float, b: float,
                        acc: list[float], search: bool = True, fits: float = 0.0) -> None:
    """Charge ``[a, b)``: attendees' disruptions first, then organizer's closed time, then
    ``scheduling``, off hours by the causal rule (:func:`~hiresim.workhours.charge_causal`
    with ``fits``, the meeting's length, and ``search``: whether slots are searched)."""
    organizer_line = organizer.timeline
    extra: list[tuple[float, float, int]] = []
    late: set[tuple[float, float, int]] = set()
    for person in attendees:
        if person is organizer:
            continue
        line = person.timeline
        if line.disrupted:  # off hours alone: the organizer's own charge decides those
            pieces = line.disruption_intervals(a, b)
            extra += pieces
            # a disruption that begins after the search could have found a slot is where
            # the search pushed the meeting: half of it is the search's (charge_causal)
            if search:
                late.update(p for p in pieces
                            if p[0] > a and organizer_line.open_between(a, p[0]) >= fits)
    if not extra:
        charge_causal(organizer_line, a, b, SCHEDULING, acc, search=search, fits=fits)
        return
    # Cut [a, b) at the ends of the attendees' disruptions (a few intervals). Outside them the
    # organizer's timeline decides, as above; inside each piece the highest-priority
    # disruption that covers it takes every second the organizer's charge gave to a cause of
    # lower priority (off hours, scheduling, a lesser disruption). The organizer's calendar is
    # charged with its O(log n) tables, never walked segment by segment.
    # Off hours follow the causal rule (charge_causal): those at the start of the wait are
    # off_hours, even under an attendee's absence (with the default scheduling, charge_causal
    # charges off_hours only to the lead), a night after an attendee's absence belongs to that
    # absence, the others to the search itself.
    points = sorted({p for s, e, _ in extra for p in (s, e)})
    done = a
    prev = WORK
    for lo, hi in pairwise(points):
        covering = [p for p in extra if p[0] <= lo and hi <= p[1]]
        code = min((p[2] for p in covering), default=OPEN)
        if code == OPEN:  # a gap between disruptions: charged with the next stretch
            continue
        shared = all(p in late for p in covering if p[2] == code)
        if lo > done:
            prev = charge_causal(organizer_line, done, lo, SCHEDULING, acc, prev, search, fits)
        part = [0.0] * N_CAUSES
        last = charge_causal(organizer_line, lo, hi, SCHEDULING, part, prev, search, fits)
        took = False
        for k, v in enumerate(part):
            if v:
                if k == OFF_HOURS:  # only the wait's lead is off_hours here: it stays so
                    acc[k] += v
                    continue
                took = True
                if shared and k >= code:  # half the search's, half the disruption's
                    acc[k] += v / 2.0
                    acc[code] += v - v / 2.0
                else:
                    acc[k if k < code else code] += v
        prev = code if took else last
        done = hi
    if b > done:
        charge_causal(organizer_line, done, b, SCHEDULING, acc, prev, search, fits)
