"""Overrides CSV: each cell typed on its own, so a column mixing JSON and plain numbers keeps the
numbers numbers (pandas reads such a column as text)."""

from __future__ import annotations

import pandas as pd
import pytest

import hiresim as hs
from hiresim.results import TABLES
from hiresim.sweeps import read_overrides

SEED = 5

MIXED_CSV = (
    "approvals.steps.0.work,approvals.steps.1.committee.weekdays,communication.policy,x\n"
    '"{""dist"": ""constant"", ""value"": 2}","[""Tue"",""Thu""]",direct,+3\n'
    "2,,,.5\n"
    '2.5,"[""Mon""]",,True\n'
    ',,,007\n'
    ',,,"[1,"\n'
)


@pytest.fixture(scope="module")
def base() -> hs.Scenario:
    return hs.preset("default").with_overrides({"horizon_days": 30, "drain_days": 30})


def test_a_column_mixing_json_and_numbers_keeps_the_numbers(tmp_path):
    csv = tmp_path / "mixed.csv"
    csv.write_text(MIXED_CSV)
    assert all(d.kind == "O" for d in pd.read_csv(csv).dtypes)  # pandas reads text
    rows, columns, _ = read_overrides(csv)
    work, weekdays, policy, x = columns
    assert [r.get(work) for r in rows] == [{"dist": "constant", "value": 2}, 2, 2.5, None, None]
    assert type(rows[1][work]) is int and type(rows[2][work]) is float
    assert rows[0][weekdays] == ["Tue", "Thu"] and rows[2][weekdays] == ["Mon"]
    assert weekdays not in rows[1]  # an empty cell keeps the base value
    assert rows[0][policy] == "direct"  # text that is not JSON stays text
    # not JSON, but what pandas makes of such cells in a column of their own kind
    assert [r[x] for r in rows] == [3, 0.5, True, 7, "[1,"]
    assert [type(r[x]) for r in rows] == [int, float, bool, int, str]


def test_a_sweep_over_a_mixed_column_runs_each_row_with_its_value(base, tmp_path):
    csv = tmp_path / "durations.csv"
    csv.write_text(
        "approvals.steps.0.work\n"
        '"{""dist"": ""constant"", ""value"": 2, ""unit"": ""working_hours""}"\n'
        "2\n"
        "0.5\n"
    )
    swept = hs.sweep(base, csv, 2, seed=SEED, out=tmp_path / "out")
    steps = [swept.scenario(row).approvals.steps[0].work for row in range(3)]
    assert steps[0] == steps[1] and steps[1].value == 2
    assert steps[2].value == 0.5
    one, two = swept.results(0), swept.results(1)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name))
