"""Numbers in words: one plural helper, shares that never read "0 %" (issue 14, item 8)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import hiresim as hs
from hiresim.present.report import assumptions, build_report
from hiresim.text import days, percent, plural, plural_of, share, shown


@pytest.mark.parametrize(("n", "word", "text"), [
    (1, "candidate", "1 candidate"),
    (3, "candidate", "3 candidates"),
    (0, "candidate", "0 candidates"),
    (1, "working hour", "1 working hour"),
    (2.5, "working hour", "2.5 working hours"),
    (3, "person", "3 people"),
    (1, "person", "1 person"),
    (2, "works council member", "2 works council members"),
    (1_500, "wait", "1,500 waits"),
    (2, "box", "2 boxes"),
    (2, "policy", "2 policies"),
    (2, "day", "2 days"),
])
def test_plural(n, word, text):
    assert plural(n, word) == text


def test_plural_of_and_explicit_forms():
    assert plural_of("reorganization") == "reorganizations"
    assert plural(2, "criterion", "criteria") == "2 criteria"
    assert plural(0.5, "working day", digits=1) == "0.5 working days"


@pytest.mark.parametrize(("x", "text"), [
    (0.0, "none"), (0.004, "0.4 %"), (0.25, "25 %"), (1.0, "100 %"), (float("nan"), "–"),
    (None, "–"),
])
def test_share(x, text):
    assert share(x) == text


@pytest.mark.parametrize(("x", "text"), [
    (0.0, "0 %"), (0.004, "0.4 %"), (0.25, "25 %"), (float("nan"), "–"), (None, "–"),
])
def test_percent_is_for_table_cells(x, text):
    """A cell says "0 %" where a sentence says "none"; a small share still keeps a decimal."""
    assert percent(x) == text
    assert percent(0.25, 1) == "25.0 %"


def test_days_in_cells():
    assert days(2.345) == "2.3" and days(2.0, 0) == "2"
    assert days(float("nan")) == days(None) == days(float("inf")) == "–"
    assert days(float("inf"), unknown="never") == "never"


@pytest.mark.parametrize(("value", "text"), [
    ("x" * 70, repr("x" * 70)[:57] + "..."),
    ([1, 2], "list [1, 2]"),
    (np.int64(3), repr(np.int64(3))),  # the repr says the kind
    (None, "None"),
    (2.5, "2.5"),
])
def test_shown_with_its_kind_is_what_argument_checks_print(value, text):
    from hiresim import arguments

    assert shown(value, width=60, kind=True) == text
    with pytest.raises(TypeError) as info:
        arguments.flag("flag", value)
    assert str(info.value) == f"flag must be True or False, got {text}"


@pytest.fixture()
def odd_scenario(minimal):
    """One of everything: one candidate a week, one-hour scorecards, a works council of three,
    a round where nobody gets an offer."""
    data = copy.deepcopy(minimal)
    data["roles"]["works_council"] = {"count": 3, "calendar": "office"}
    data["candidates"]["rate_per_week"] = 1
    data["scorecards"] = {"work": {"dist": "constant", "value": 1.0, "unit": "working_hours"}}
    return hs.load_scenario(data)


def test_assumptions_read_as_sentences(odd_scenario):
    text = " ".join(s for _, items in assumptions(odd_scenario) for s in items)
    assert "Works council: 3 people" in text and "works councils" not in text
    assert "1 candidate a week" in text
    assert "1 working hour." in text and "1 working hours" not in text
    assert "none get an offer" in text and "0 % get an offer" not in text
    assert " 1 candidates" not in text


def test_report_header_counts_in_words(odd_scenario):
    page = build_report(odd_scenario, replications=1, seed=0, ablation=False,
                        n_boot=5).to_html()
    assert "From 1 simulated run of" in page
    assert "1 simulated runs" not in page
    assert "1 replication, seed 0" in page
