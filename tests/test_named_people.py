"""Roles may name their people by the ids the company uses (issue 13, item 1): the simulation,
its event log and its ATS export refer to those people; unnamed roles keep numbered ids."""

from __future__ import annotations

import pytest

import hiresim as hs

NAMES = ["anna.k", "ben.m", "chen.w", "dora.p"]


def named(**changes) -> hs.Scenario:
    overrides = {"roles.recruiter.people": NAMES, "roles.recruiter.count": len(NAMES),
                 "horizon_days": 60, "drain_days": 30}
    overrides.update(changes)
    return hs.preset("default").with_overrides(overrides)


def test_count_is_implied_by_the_names():
    data = hs.preset("default").model_dump(mode="json")
    data["roles"]["recruiter"] = {"people": NAMES}
    sc = hs.load_scenario(data)
    assert sc.roles["recruiter"].count == 4
    assert sc.roles["recruiter"].person_ids("recruiter") == NAMES
    assert sc.roles["interviewer"].person_ids("interviewer")[:2] == ["interviewer-1",
                                                                     "interviewer-2"]


def test_the_simulation_uses_the_names():
    res = hs.simulate(named(), replications=2, seed=3)
    recruiters = set(res.events.loc[res.events["org:role"] == "recruiter", "org:resource"])
    assert recruiters and {r.split("~")[0] for r in recruiters} <= set(NAMES)
    assert set(res.requisitions["recruiter"].str.split("~").str[0]) <= set(NAMES)


def test_the_ats_export_carries_the_names(tmp_path):
    hs.simulate(named(), replications=1, seed=3).to_ats(tmp_path)
    history = hs.read_ats(tmp_path)
    assert {r.split("~")[0] for r in history.jobs["recruiter"]} <= set(NAMES)


@pytest.mark.parametrize(("people", "count", "says"), [
    (["anna.k", "anna.k"], None, "named twice"),
    (["anna.k", "ben.m"], 3, "does not match"),
    (["anna<script>"], None, "person id"),
    ([], None, "at least 1"),
])
def test_bad_names_are_refused(people, count, says):
    data = hs.preset("default").model_dump(mode="json")
    data["roles"]["recruiter"] = {"people": people} | ({"count": count} if count else {})
    with pytest.raises(hs.ScenarioError, match=says):
        hs.load_scenario(data)


def test_a_person_has_one_role():
    data = hs.preset("default").model_dump(mode="json")
    data["roles"]["recruiter"] = {"people": ["anna.k"]}
    data["roles"]["hiring_manager"] = {"people": ["anna.k", "ben.m"]}
    with pytest.raises(hs.ScenarioError, match="in both 'recruiter' and 'hiring_manager'"):
        hs.load_scenario(data)


def test_unnamed_roles_are_unchanged():
    """Numbered ids, as before (the golden hashes guard the rest)."""
    res = hs.simulate(hs.preset("mmc").with_overrides({"horizon_days": 10}), replications=1)
    assert set(res.events["org:resource"]) <= {"reviewer-1", "reviewer-2", "reviewer-3",
                                               "recruiter-1"}  # organizes the interviews
