"""``hiresim validate``: schema and cross-check problems in one pass, short country messages
with a did-you-mean, words in the right number, and a per-meeting estimate of the days to
find a slot with a warning where a meeting is nearly impossible."""

from __future__ import annotations

import math

import numpy as np
import pytest
from click.testing import CliRunner

import hiresim as hs
from hiresim.present.cli import main
from hiresim.scenario.schema import CalendarSpec
from hiresim.scenario.slots import NEARLY_IMPOSSIBLE_DAYS, day_probability, slot_estimates
from hiresim.workhours import WorkingCalendar

#: Six mistakes: three the schema finds, three only the cross-checks can (names that must
#: refer to something), and a holiday country that does not exist.
SIX_MISTAKES = """
name = "six mistakes"
[calendars.office]
country = "XX"
[roles.recruiter]
count = 2
colour = "red"
[roles.hiring_manager]
count = 1
calendar = "ofice"
[roles.interviewer]
count = 3
[candidates]
rate_per_week = 3
[[rounds]]
panel = 2
panel_role = "interviewers"
decision = {advance = 1.0, reject = 0.5}
[[rounds]]
panel = 2
decision = {offer = 0.5, reject = 0.5}
[absence]
roles = ["recuiter"]
[dissagreement]
"""


def invoke(*args: object):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=True)
    assert "Traceback" not in result.output
    return result


def test_schema_and_cross_checks_in_one_pass(tmp_path):
    path = tmp_path / "six.toml"
    path.write_text(SIX_MISTAKES)
    with pytest.raises(hs.ScenarioError) as err:
        hs.load_scenario(path)
    paths = [p for p, _ in err.value.problems]
    assert paths == [  # the schema's first, then the cross-checks of what is left
        "roles.recruiter.colour", "rounds.0.decision", "dissagreement",
        "roles.hiring_manager.calendar", "rounds.0.panel_role", "absence.roles.0",
        "calendars.office",
    ]
    text = str(err.value)
    assert "7 problems" in text
    assert "did you mean 'disagreement'?" in text and "did you mean 'office'?" in text
    assert "did you mean 'interviewer'?" in text and "did you mean 'recruiter'?" in text
    assert "roles.hiring_manager.calendar: unknown calendar" in text and "(line 10)" in text
    result = invoke("validate", path)
    assert result.exit_code == 2 and "7 problems" in result.output


def test_no_cross_check_of_a_faulty_field_or_when_a_required_value_is_missing(tmp_path):
    # the faulty count is required: nothing sensible is left to cross-check
    path = tmp_path / "count.toml"
    path.write_text(SIX_MISTAKES.replace("count = 3", "count = -3"))
    with pytest.raises(hs.ScenarioError) as err:
        hs.load_scenario(path)
    paths = [p for p, _ in err.value.problems]
    assert "roles.interviewer.count" in paths and "rounds.0.panel_role" not in paths


def test_country_messages_are_short_with_a_did_you_mean():
    with pytest.raises(ValueError) as err:
        WorkingCalendar(country="Germany")
    text = str(err.value)
    assert "did you mean 'DE'?" in text and len(text) < 250
    with pytest.raises(ValueError, match="did you mean 'BY'") as err:
        WorkingCalendar(country="DE", subdivision="BAY")
    assert len(str(err.value)) < 250  # not the 17 states
    with pytest.raises(ValueError) as err:
        WorkingCalendar(country="XX")
    assert len(str(err.value)) < 250 and "ISO 3166" in str(err.value)


def test_validate_speaks_in_the_right_number(tmp_path, minimal):
    import tomlkit

    path = tmp_path / "minimal.toml"
    path.write_text(tomlkit.dumps(_without_none(minimal)))
    result = invoke("validate", path)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "1 round;" in text and "3 roles" in text
    assert "0.0 s" not in text and "1 rounds" not in text


@pytest.mark.parametrize(("hours", "lunch", "slot", "k", "q"), [
    (("09:00", "17:00"), None, 30, 2, 0.3),
    (("09:00", "17:30"), ("12:00", "13:00"), 30, 3, 0.5),
    (("08:15", "16:45"), None, 15, 5, 0.2),
    (("09:00", "17:00"), None, 60, 1, 0.05),
])
def test_slot_probability_agrees_with_a_draw_of_calendars(hours, lunch, slot, k, q):
    """The dynamic programme against 40,000 days of hours drawn as the simulation draws them
    (each hour free with probability q): within 4 standard errors of the simulated share."""
    exact = day_probability([CalendarSpec(hours=hours, lunch=lunch)], slot, k * slot, q)
    start, end = (int(t[:2]) * 60 + int(t[3:]) for t in hours)
    pause = range(0) if lunch is None else range(*(int(t[:2]) * 60 + int(t[3:]) for t in lunch))
    minutes = [start <= m < end and m not in pause for m in range(24 * 60)]
    rng = np.random.default_rng(7)
    n = 40_000
    free = rng.random((n, 24)) < q
    found = np.zeros(n, dtype=bool)
    for first in range(0, 24 * 60 - k * slot + 1, slot):
        last = first + k * slot
        if all(minutes[first:last]):
            found |= free[:, first // 60:(last - 1) // 60 + 1].all(axis=1)
    share = found.mean()
    se = math.sqrt(max(share * (1 - share), 1e-6) / n)
    assert abs(exact - share) < 4 * se, (exact, share, se)


def test_a_nearly_impossible_meeting_is_flagged(tmp_path):
    data = hs.preset("default").model_dump(mode="json")
    sc = hs.load_scenario(data)
    easy = slot_estimates(sc)
    assert [e.meeting for e in easy][:2] == ["round 1 interview", "round 1 debrief"]
    assert all(not e.nearly_impossible for e in easy)
    for role in data["roles"].values():
        role["calendar_load"] = 0.8
    hard = slot_estimates(hs.load_scenario(data))
    flagged = [e for e in hard if e.nearly_impossible]
    assert flagged and all(e.working_days >= NEARLY_IMPOSSIBLE_DAYS for e in flagged)
    assert all(h.working_days > e.working_days for h, e in zip(hard, easy, strict=True))
    path = tmp_path / "hard.toml"
    import tomlkit

    path.write_text(tomlkit.dumps(_without_none(data)))
    result = invoke("validate", path)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "nearly impossible to schedule" in text and "working days" in text


def _without_none(value):
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def test_no_estimate_without_a_slot_search():
    data = hs.preset("default").model_dump(mode="json")
    data["scheduling"]["slot_search"] = False
    assert slot_estimates(hs.load_scenario(data)) == []


def test_no_estimate_for_a_meeting_whose_attendees_have_block_calendars():
    """The estimate assumes independent hours; calendars made of meetings are not that."""
    data = hs.preset("default").model_dump(mode="json")
    data["roles"]["interviewer"]["calendar_blocks"] = {"minutes": [60]}
    plain = slot_estimates(hs.preset("default"))
    assert plain and all("interviewer" in " ".join(e.attendees) for e in plain)
    assert slot_estimates(hs.load_scenario(data)) == []  # every meeting has interviewers
