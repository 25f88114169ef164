"""Scenario.to_toml: every scenario written as TOML reads back equal; overrides of a role's
count or people alone."""

from __future__ import annotations

import tomllib

import pytest

import hiresim as hs
import hiresim.examples.background_check
from hiresim.scenario import load_scenario


@pytest.mark.parametrize("name", hs.presets())
def test_every_preset_round_trips_through_toml(name, tmp_path):
    sc = hs.preset(name)
    path = tmp_path / f"{name}.toml"
    text = sc.to_toml(path)
    assert path.read_text(encoding="utf-8") == text
    tomllib.loads(text)  # plain TOML any reader takes
    assert load_scenario(path) == sc


def test_the_examples_round_trip(tmp_path):
    from importlib.resources import files

    truth = load_scenario(files("hiresim") / "examples" / "acme_truth.toml")
    assert load_scenario(_write(tmp_path / "acme.toml", truth.to_toml())) == truth


def test_a_user_mechanism_block_is_written_as_its_own_table(tmp_path):
    data = hs.preset("default").model_dump(mode="json")
    data["background_check"] = {"share": 0.5}
    sc = load_scenario(data)
    text = sc.to_toml()
    assert "[background_check]" in text and "extensions" not in text
    back = load_scenario(_write(tmp_path / "bc.toml", text))
    assert back == sc and back.extensions["background_check"].share == 0.5


def test_edited_and_named_people_round_trip(tmp_path):
    sc = hs.preset("default").with_overrides(
        {"roles.recruiter.people": ["anna.k", "ben.m"], "rounds.0.panel": 1})
    assert load_scenario(_write(tmp_path / "e.toml", sc.to_toml())) == sc


def test_people_alone_sets_the_count_and_count_alone_numbers_the_people():
    sc = hs.preset("default")
    named = sc.with_overrides({"roles.recruiter.people": ["a", "b", "c"]})
    assert named.roles["recruiter"].count == 3
    assert named.roles["recruiter"].people == ["a", "b", "c"]
    more = named.with_overrides({"roles.recruiter.count": 5})
    assert more.roles["recruiter"].count == 5 and more.roles["recruiter"].people is None
    same = named.with_overrides({"roles.recruiter.count": 3})
    assert same.roles["recruiter"].people == ["a", "b", "c"]
    # both given and disagreeing: the file's rule, a clear error
    with pytest.raises(hs.ScenarioError, match="does not match"):
        sc.with_overrides({"roles.recruiter.people": ["a", "b"], "roles.recruiter.count": 3})


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path
