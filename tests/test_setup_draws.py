"""Shortcuts in a replication's set-up draw exactly what the plain code draws."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from hiresim.calendar import WorkingCalendar
from hiresim.distributions import parse_duration
from hiresim.people import busy_blocks, vacation_blocks, vacation_day_cdf

EPOCH = dt.date(2026, 1, 5)


def month_of_day(days: int) -> np.ndarray:
    dates = np.datetime64(EPOCH, "D") + np.arange(days + 1)
    return (dates.astype("datetime64[M]").astype(int) % 12).astype(int)


@pytest.mark.parametrize("seasonality", [
    [0.6, 0.6, 0.8, 0.9, 0.9, 1.3, 1.9, 1.9, 0.8, 0.8, 0.9, 1.6],
    [1.0] * 12,
    [0.0, 3.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
])
@pytest.mark.parametrize("unit", ["working_days", "calendar_days"])
def test_vacation_days_from_the_shared_table_are_the_choice_draws(seasonality: list[float],
                                                                   unit: str) -> None:
    days = 240
    span = days * 24.0
    calendar = WorkingCalendar().timeline(EPOCH, days + 30)
    months = month_of_day(days)
    block = parse_duration({"dist": "uniform", "low": 1.0, "high": 8.0, "unit": unit})
    cdf = vacation_day_cdf(seasonality, months, span)
    assert cdf is not None
    for seed in range(40):
        plain = np.random.default_rng(seed)
        shared = np.random.default_rng(seed)
        want = vacation_blocks(plain, 25.0, block, seasonality, months, calendar, 8.0, span)
        got = vacation_blocks(shared, 25.0, block, seasonality, months, calendar, 8.0, span,
                              cdf)
        assert got == want
        assert shared.random() == plain.random()  # the same numbers consumed


def test_no_vacation_table_when_the_span_has_no_weight() -> None:
    only_december = [0.0] * 11 + [1.0]
    assert vacation_day_cdf(only_december, month_of_day(60), 60 * 24.0) is None
    assert vacation_day_cdf([1.0] * 12, month_of_day(60), 12.0) is None  # no whole day


@pytest.mark.parametrize("slot_hours", [1.0, 0.5, 1 / 3, 0.25, 1 / 6, 1 / 12, 2.0])
def test_busy_blocks_repeat_each_hour_over_its_slots(slot_hours: float) -> None:
    per_block = max(1, round(1.0 / slot_hours))
    rng = np.random.default_rng(3)
    for _ in range(30):
        first = int(rng.integers(0, 500))
        stop = first + int(rng.integers(1, 900))
        seed = int(rng.integers(0, 2**31))
        got = busy_blocks(np.random.default_rng(seed), 0.4, slot_hours, first, stop)
        b0, b1 = first // per_block, -(-stop // per_block)
        hours = np.random.default_rng(seed).random(b1 - b0) >= 0.4
        want = np.repeat(hours, per_block)[first - b0 * per_block:][:stop - first]
        assert got.dtype == bool
        assert np.array_equal(got, want)
