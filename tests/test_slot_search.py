"""SlotFinder.find searches a week at a time and draws the candidate's calendar only for the
weeks it searched: the same slots and bookings as searching the whole window at once, and the
stream advanced by exactly the weeks searched."""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np
import pytest

from hiresim.calendarload import FreeSlots
from hiresim.meetings import SlotFinder, busy_blocks


@dataclass
class _Attendee:
    free: np.ndarray
    fills: FreeSlots | None = None


def _chunks(i0: int, stop: int, week: int) -> list[tuple[int, int]]:
    """``[i0, stop)`` cut at week boundaries."""
    out = []
    lo = i0
    while lo < stop:
        hi = min(stop, (lo // week + 1) * week)
        out.append((lo, hi))
        lo = hi
    return out


def _reference_find(rng, slot_hours, n_slots, search_slots, load, attendees, earliest,
                    minutes, organizer, candidate) -> float:
    """The whole window at once: the candidate's calendar drawn week by week over all of it
    (from a copy of the stream), the first run of ``k`` common slots found by brute force; the
    stream is then advanced by the weeks up to the one where that run ends."""
    k = max(1, math.ceil(minutes / 60.0 / slot_hours - 1e-9))
    i0 = math.ceil(earliest / slot_hours - 1e-9)
    stop = min(i0 + search_slots, n_slots)
    if stop - i0 < k:
        return math.inf
    people = attendees if attendees else [organizer]
    mask = people[0].free[i0:stop].copy()
    for person in people[1:]:
        mask &= person.free[i0:stop]
    chunks = _chunks(i0, stop, round(7 * 24 / slot_hours))
    if candidate and load > 0.0:
        ahead = copy.deepcopy(rng)
        mask &= np.concatenate([busy_blocks(ahead, load, slot_hours, lo, hi)
                                for lo, hi in chunks])
    n = mask.size - k + 1
    run = mask[:n].copy()
    for j in range(1, k):
        run &= mask[j:j + n]
    hit = int(run.argmax()) if n > 0 else 0
    found = n > 0 and bool(run[hit])
    last = i0 + hit + k - 1 if found else stop - 1
    if candidate and load > 0.0:
        for lo, hi in chunks:
            if lo > last:
                break
            busy_blocks(rng, load, slot_hours, lo, hi)
    if not found:
        return math.inf
    first = i0 + hit
    for person in attendees:
        person.free[first:first + k] = False
    return first * slot_hours


@pytest.mark.parametrize("slot_minutes", [15, 30, 60])
@pytest.mark.parametrize("busy", [0.3, 0.75, 0.97])
def test_find_equals_the_whole_window_search(slot_minutes: int, busy: float) -> None:
    """Many finds in a row on shared masks and one stream: every slot, every mask and the
    stream's state after each find are the same; busy calendars make slots beyond the first
    week, runs across a week's end (long meetings) and no slot at all common."""
    slot_hours = slot_minutes / 60.0
    n_slots = int(200 * 24 / slot_hours)
    search = int(30 * 24 / slot_hours)
    setup = np.random.default_rng(slot_minutes)
    masks = [setup.random(n_slots) >= busy for _ in range(5)]
    ours = [_Attendee(m.copy()) for m in masks]
    theirs = [_Attendee(m.copy()) for m in masks]
    finder = SlotFinder(slot_hours, n_slots, search, 0.4, np.random.default_rng(99))
    ref_rng = np.random.default_rng(99)
    plan = np.random.default_rng(7)
    beyond_week = misses = 0
    for _ in range(300):
        who = sorted(plan.choice(5, size=int(plan.integers(0, 4)), replace=False).tolist())
        earliest = float(plan.uniform(0, 190 * 24))
        minutes = int(plan.choice([15, 30, 45, 60, 90, 120]))
        candidate = bool(plan.random() < 0.7)
        organizer = int(plan.integers(0, 5))
        got = finder.find([ours[i] for i in who], earliest, minutes, ours[organizer], candidate)
        want = _reference_find(ref_rng, slot_hours, n_slots, search, 0.4,
                               [theirs[i] for i in who], earliest, minutes, theirs[organizer],
                               candidate)
        assert got == want
        assert finder.rng.bit_generator.state == ref_rng.bit_generator.state
        misses += math.isinf(got)
        beyond_week += math.isfinite(got) and got - earliest > 7 * 24
    for a, b in zip(ours, theirs, strict=True):
        assert np.array_equal(a.free, b.free)
    if busy >= 0.75:  # the cases the first week does not settle were exercised
        assert beyond_week + misses > 0
