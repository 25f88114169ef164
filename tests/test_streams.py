"""Streams are keyed by name: the same names give the same draws, whatever was asked for
before and in whatever order; different names (or seeds, replications, pieces) give different
ones; building a replication in another order, or with another mechanism switched off, leaves
every stream's draws unchanged."""

from __future__ import annotations

import numpy as np
import pytest

import hiresim as hs
from hiresim.calendarload import FreeSlots, hour_blocks, week_slots
from hiresim.streams import Streams, stream_key


def _draws(rng: np.random.Generator) -> list[float]:
    return rng.random(4).tolist()


def test_the_same_names_give_the_same_draws_in_any_order() -> None:
    names = [("work", ""), ("pipeline", "screening"), ("absence", "recruiter-1"),
             ("approvals", "step 0"), ("my_mechanism", "")]
    first = {n: _draws(Streams(42, 3).generator(*n)) for n in names}
    streams = Streams(42, 3)
    again = {n: _draws(streams.generator(*n)) for n in reversed(names)}
    assert first == again
    assert len({tuple(v) for v in first.values()}) == len(names)


def test_seed_replication_and_piece_are_part_of_the_key() -> None:
    base = _draws(Streams(1, 0).generator("absence", "hm-1"))
    assert _draws(Streams(2, 0).generator("absence", "hm-1")) != base
    assert _draws(Streams(1, 1).generator("absence", "hm-1")) != base
    pieces = Streams(1, 0).pieces("calendar_load", "hm-1")
    weeks = [_draws(pieces(w)) for w in range(3)]
    assert len({tuple(x) for x in [base, *weeks]}) == 4
    # a piece does not depend on which pieces were drawn before, or how much of them
    other = Streams(1, 0).pieces("calendar_load", "hm-1")
    other(1).random(1000)
    assert _draws(other(2)) == weeks[2]
    assert _draws(other(0)) == weeks[0] == _draws(Streams(1, 0).generator("calendar_load",
                                                                            "hm-1"))


def test_keys_are_unambiguous() -> None:
    """Names are length-prefixed: moving a character from one name to the next is another
    key."""
    assert stream_key(1, 0, "ab", "c") != stream_key(1, 0, "a", "bc")
    assert stream_key(12, 3, "a") != stream_key(1, 23, "a")


def test_python_random_is_keyed_too() -> None:
    a = Streams(5, 2).python_random("assignment").random()
    b = Streams(5, 2).python_random("assignment").random()
    c = Streams(5, 3).python_random("assignment").random()
    assert a == b != c


@pytest.mark.parametrize("slot_minutes", [15, 30, 45, 60])
def test_calendar_load_filled_lazily_is_the_same_in_any_order(slot_minutes: int) -> None:
    """A person's slots filled week by week, in any order, equal the slots filled in one go:
    each week's load comes from the week's own stream."""
    slot_hours = slot_minutes / 60.0
    n = int(60 * 24 / slot_hours)
    calendar = np.random.default_rng(0).random(n) >= 0.5
    blocked = [([10.0, 300.5], [30.25, 400.0])]
    pieces = Streams(9, 4).pieces("calendar_load", "p")

    def slots() -> FreeSlots:
        return FreeSlots(calendar, slot_hours, blocked, hour_blocks(0.4),
                         lambda w: pieces(w))

    whole = slots()
    whole.fill(0, n)
    ws = week_slots(slot_hours)
    bits = slots()
    order = np.random.default_rng(1).permutation(n // ws + 1)
    for week in order:
        lo = int(week) * ws
        bits.fill(lo + 3, min(n, lo + 5))
    assert np.array_equal(whole.mask, bits.mask)
    # any week sampler plugs in: the built-in one called as a plain function (busy intervals)
    # gives the mask its fast path gives
    load = hour_blocks(0.4)
    plain = FreeSlots(calendar, slot_hours, blocked, lambda rng, week: load(rng, week),
                      lambda w: pieces(w))
    plain.fill(0, n)
    assert np.array_equal(whole.mask, plain.mask)
    # the mask is the calendar less the blocked hours less roughly 40 % of the hours
    assert not (whole.mask & ~calendar).any()
    assert not whole.mask[int(10.0 / slot_hours):int(30.25 / slot_hours)].any()
    if 60 % slot_minutes == 0:  # a slot lies in one hour block: free with probability 0.6
        share = whole.mask.sum() / calendar.sum()
        assert 0.5 < share < 0.7


def test_pieces_random_is_the_pieces_draws_in_any_order() -> None:
    """``Pieces.random`` (a relative jump from where the last call left the generator) gives
    the numbers of ``pieces(k).random(n)`` (a jump from the stream's start), whatever pieces
    came before, backwards too, and with a piece's generator handed out in between."""
    a = Streams(3, 1).pieces("calendar_load", "p")
    b = Streams(3, 1).pieces("calendar_load", "p")
    order = np.random.default_rng(2)
    for i in range(200):
        k = int(order.integers(0, 60))
        n = int(order.choice([1, 5, 168, 336]))
        if i % 17 == 0:
            a(int(order.integers(0, 60))).random(3)
        assert np.array_equal(a.random(k, n), b(k).random(n)), (i, k, n)


@pytest.mark.parametrize("slot_minutes", [5, 15, 30, 45, 60])
def test_calendar_load_from_pieces_is_the_same_as_from_any_stream(slot_minutes: int) -> None:
    """Slots filled from a ``Pieces`` (the relative jumps of ``Pieces.random``), weeks in a
    shuffled order, equal those filled from a plain ``week -> generator`` function."""
    slot_hours = slot_minutes / 60.0
    n = int(60 * 24 / slot_hours)
    calendar = np.random.default_rng(0).random(n) >= 0.3
    blocked = [([10.0, 300.5, 1000.0], [30.25, 400.0, 1000.5])]
    ref = Streams(9, 4).pieces("calendar_load", "p")
    plain = FreeSlots(calendar, slot_hours, blocked, hour_blocks(0.4), lambda w: ref(w))
    plain.fill(0, n)
    direct = FreeSlots(calendar, slot_hours, blocked, hour_blocks(0.4),
                       Streams(9, 4).pieces("calendar_load", "p"))
    ws = week_slots(slot_hours)
    for week in np.random.default_rng(1).permutation(n // ws + 1):
        direct.fill(int(week) * ws, min(n, int(week) * ws + 1))
    assert np.array_equal(plain.mask, direct.mask)


def _work_draws(rep) -> dict[str, float]:
    """One draw of each of a replication's work samplers that draws (not a constant)."""
    p = rep.pipeline
    works = {"screening": p.screening, "scorecard": p.scorecard, "decision": p.decision}
    for m in rep.mechanisms:
        for name, value in vars(m).items():
            if hasattr(value, "draw") and hasattr(value, "zero"):
                works[f"{m.name}.{name}"] = value
    return {k: w.draw() for k, w in works.items()
            if w is not None and getattr(w.draw, "rng", None) is not None}


def test_build_order_and_other_sources_do_not_move_draws(monkeypatch) -> None:
    """Every work sampler draws the same numbers when the mechanisms are built in reverse
    order, or when another source is switched off: nothing is numbered by order any more."""
    import hiresim.model as model

    s = hs.preset("default")
    base = _work_draws(model.Replication(s, 11, 2, event_log=False))
    assert len(base) >= 3
    for source in ("turnover", "reorganization", "priority"):
        other = _work_draws(model.Replication(s.without(source), 11, 2, event_log=False))
        assert {k: v for k, v in base.items() if not k.startswith(source)} == other
    real = model.instances
    monkeypatch.setattr(model, "instances", lambda *a: list(reversed(real(*a))))
    assert _work_draws(model.Replication(s, 11, 2, event_log=False)) == base
