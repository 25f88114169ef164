"""The scenario schema: presets, overrides, JSON Schema, and clear errors for bad input."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

import hiresim as hs
from hiresim.scenario import DELAY_SOURCES

# ---------------------------------------------------------------------------------------------
# Valid input


def test_presets_listed_and_loadable():
    names = hs.presets()
    assert {"default", "mmc"} <= set(names)
    for name in names:
        scenario = hs.preset(name)
        assert isinstance(scenario, hs.Scenario)
        assert scenario.name == name


def test_unknown_preset_suggests_a_name():
    with pytest.raises(hs.ScenarioError, match="did you mean 'default'"):
        hs.preset("defualt")


def test_load_from_file_dict_and_scenario_agree(tmp_path):
    from conftest import BASE_TOML

    path = tmp_path / "ok.toml"
    path.write_text(BASE_TOML)
    from_file = hs.load_scenario(path)
    from_str = hs.load_scenario(str(path))
    from_dict = hs.load_scenario(tomllib.loads(BASE_TOML))
    assert from_file == from_str == from_dict
    assert hs.load_scenario(from_file) is from_file


def test_scenario_round_trips_through_a_plain_dict():
    scenario = hs.preset("default")
    again = hs.load_scenario(scenario.model_dump(mode="json"))
    assert again == scenario


def test_base_toml_is_valid():
    from conftest import BASE_TOML

    scenario = hs.load_scenario(tomllib.loads(BASE_TOML))
    assert scenario.rounds, "the base scenario has interview rounds"


def test_with_overrides_changes_only_the_path():
    sc = hs.preset("default")
    other = sc.with_overrides({"roles.recruiter.count": 9, "rounds.0.panel": 1})
    assert other.roles["recruiter"].count == 9
    assert other.rounds[0].panel == 1
    assert sc.roles["recruiter"].count != 9  # the original is untouched
    assert other.model_dump(exclude={"roles", "rounds"}) == sc.model_dump(
        exclude={"roles", "rounds"}
    )


@pytest.mark.parametrize(
    ("overrides", "path", "says"),
    [
        ({"roles.recruiter.cuont": 2}, "roles.recruiter.cuont", "did you mean 'count'"),
        ({"rounds.7.panel": 1}, "rounds.7.panel", "rounds.7"),
        ({"offers.accept_probability": 2.0}, "offers.accept_probability", "less than or equal"),
        ({"roles.recruiter.count": 0}, "roles.recruiter.count", "greater than or equal to 1"),
    ],
)
def test_with_overrides_rejects_bad_paths_and_values(overrides, path, says):
    with pytest.raises(hs.ScenarioError) as info:
        hs.preset("default").with_overrides(overrides)
    assert path in str(info.value)
    assert says in str(info.value)


@pytest.mark.parametrize("source", sorted(DELAY_SOURCES))
def test_without_gives_valid_scenarios(source):
    sc = hs.preset("default").without(source)
    assert isinstance(sc, hs.Scenario)


def test_without_unknown_source():
    with pytest.raises(ValueError, match="unknown delay source"):
        hs.preset("default").without("weather")


def test_json_schema_describes_scenarios():
    schema = hs.json_schema()
    text = json.dumps(schema)
    assert json.loads(text) == schema
    assert {"roles", "rounds", "calendars", "candidates"} <= set(schema["properties"])
    assert "roles" in schema["required"]
    assert schema.get("additionalProperties") is False


# ---------------------------------------------------------------------------------------------
# Bad input: every case (tests/conftest.py BAD_CASES) gives a ScenarioError naming the field


def test_there_are_at_least_15_bad_cases():
    from conftest import BAD_CASES

    assert len(BAD_CASES) >= 15
    assert len({c.id for c in BAD_CASES}) == len(BAD_CASES)


def _problem_line(message: str, path: str) -> str:
    """The message line that reports ``path`` (``SOURCE: path: what``)."""
    lines = [line for line in message.splitlines() if f": {path}: " in line or f": {path}." in line]
    assert lines, f"no problem reported at {path!r} in:\n{message}"
    return lines[0]


def test_bad_dict_names_the_field(bad_case):
    data = tomllib.loads(bad_case.text)
    with pytest.raises(hs.ScenarioError) as info:
        hs.load_scenario(data, source="company.toml")
    err = info.value
    assert isinstance(err, ValueError)
    line = _problem_line(str(err), bad_case.path)
    assert line.startswith("company.toml: ")
    assert bad_case.says in line
    assert any(p == bad_case.path or p.startswith(bad_case.path + ".") for p, _ in err.problems)
    assert "Traceback" not in str(err)


def test_bad_file_names_file_and_field(bad_file, bad_case):
    with pytest.raises(hs.ScenarioError) as info:
        hs.load_scenario(bad_file)
    line = _problem_line(str(info.value), bad_case.path)
    assert line.startswith(f"{bad_file}: {bad_case.path}")
    assert bad_case.says in line


def test_bad_file_gives_the_line(bad_file, bad_case):
    with pytest.raises(hs.ScenarioError) as info:
        hs.load_scenario(bad_file)
    line = _problem_line(str(info.value), bad_case.path)
    found = re.search(r"\(line (\d+)\)", line)
    assert found, line
    assert int(found.group(1)) in bad_case.offending_lines(), line


def test_every_problem_is_reported_at_once(tmp_path):
    from conftest import BASE_TOML

    text = (
        BASE_TOML.replace("accept_probability = 0.8", "accept_probability = 1.5")
        .replace("panel = 2", "panel = 0")
        .replace("drain_days = 10", "drain_days = 10\ncolour = 1")
    )
    path = tmp_path / "many.toml"
    path.write_text(text)
    with pytest.raises(hs.ScenarioError) as info:
        hs.load_scenario(path)
    paths = {p for p, _ in info.value.problems}
    assert {"offers.accept_probability", "rounds.0.panel", "colour"} <= paths
    assert str(info.value).startswith(f"3 problems in {path}")


def test_invalid_toml_gives_the_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('name = "x"\nstart = 2026-02-30\n')  # not a date: not even valid TOML
    with pytest.raises(hs.ScenarioError, match=r"not valid TOML.*line 2"):
        hs.load_scenario(path)


def test_missing_file(tmp_path):
    with pytest.raises(hs.ScenarioError, match="no such scenario file"):
        hs.load_scenario(tmp_path / "nope.toml")


def test_scenario_error_is_raised_before_any_simulation(monkeypatch):
    import hiresim.model

    def boom(*args, **kwargs):  # pragma: no cover - must not be reached
        raise AssertionError("simulation started")

    monkeypatch.setattr(hiresim.model, "run_replication", boom)
    data = hs.preset("default").model_dump(mode="json")
    data["offers"]["accept_probability"] = 3.0
    with pytest.raises(hs.ScenarioError, match=r"offers\.accept_probability"):
        hs.simulate(data, replications=1)


# ---------------------------------------------------------------------------------------------
# Old names: still read, with a HiresimDeprecationWarning naming the new name


def _renamed(data: dict) -> dict:
    """The default preset's blocks under the names they had before version 0.2."""
    old = dict(data)
    old["absences"] = old.pop("absence")
    old["priority_shifts"] = old.pop("priority")
    old["reorganizations"] = old.pop("reorganization")
    candidates = dict(old["candidates"])
    old["behaviour"] = {"follow_up": candidates.pop("follow_up"),
                        "patience": candidates.pop("patience")}
    old["candidates"] = candidates
    return old


def test_old_block_names_load_with_a_deprecation_warning_naming_the_new_one():
    from hiresim.scenario import RENAMED, HiresimDeprecationWarning

    assert issubclass(HiresimDeprecationWarning, FutureWarning)
    new = hs.preset("default")
    data = _renamed(new.model_dump(mode="json"))
    assert set(RENAMED) <= set(data)
    with pytest.warns(HiresimDeprecationWarning) as record:
        old = hs.load_scenario(data, source="old.toml")
    assert old == new  # read exactly as the new names
    messages = [str(w.message) for w in record]
    for before, after in [("absences", "absence"), ("priority_shifts", "priority"),
                          ("reorganizations", "reorganization"),
                          ("behaviour", "candidates.follow_up and candidates.patience")]:
        assert any(f"[{before}] is now {after}" in m for m in messages), (before, messages)
    assert all(m.startswith("old.toml: ") for m in messages)


def test_old_behaviour_table_switches_both_on_with_their_defaults():
    from conftest import MINIMAL

    from hiresim.scenario import HiresimDeprecationWarning

    data = {**MINIMAL, "behaviour": {}}
    with pytest.warns(HiresimDeprecationWarning, match=r"\[behaviour\] is now candidates"):
        sc = hs.load_scenario(data)
    assert sc.candidates.follow_up == hs.load_scenario(
        {**MINIMAL, "candidates": {**MINIMAL["candidates"], "follow_up": {}}}).candidates.follow_up
    assert sc.candidates.patience is not None and sc.candidates.follow_up is not None


def test_an_old_and_a_new_name_for_the_same_block_is_an_error():
    from hiresim.scenario import HiresimDeprecationWarning

    data = hs.preset("default").model_dump(mode="json")
    data["absences"] = data["absence"]
    with pytest.warns(HiresimDeprecationWarning), pytest.raises(hs.ScenarioError) as info:
        hs.load_scenario(data)
    assert "absences" in [p for p, _ in info.value.problems]


def test_old_ablation_source_bureaucracy_is_approvals_with_a_warning():
    from hiresim.scenario import HiresimDeprecationWarning

    sc = hs.preset("default")
    with pytest.warns(HiresimDeprecationWarning, match="'bureaucracy' is now 'approvals'"):
        old = sc.without("bureaucracy")
    assert old == sc.without("approvals")
    assert old.approvals is None
    assert "bureaucracy" not in DELAY_SOURCES and "approvals" in DELAY_SOURCES


# -- as_scenario: the one rule that turns a user's argument into a Scenario -------------------


def test_as_scenario_reads_every_kind_of_argument_alike(tmp_path):
    from hiresim.scenario import as_scenario

    mmc = hs.preset("mmc")
    assert as_scenario(mmc) is mmc
    assert as_scenario("mmc") == mmc
    assert as_scenario("preset:mmc") == mmc
    assert as_scenario(mmc.model_dump(mode="json")) == mmc
    from conftest import BASE_TOML

    path = tmp_path / "mine.toml"
    path.write_text(BASE_TOML)
    assert as_scenario(path) == as_scenario(str(path)) == hs.load_scenario(path)


def test_as_scenario_between_files_and_preset_names(tmp_path, monkeypatch):
    """A file named exactly ``preset:NAME`` is that file; a preset's bare name is the preset
    even where a file has that name (as forecast and calibrate always read it)."""
    from conftest import BASE_TOML

    from hiresim.scenario import as_scenario

    monkeypatch.chdir(tmp_path)
    (tmp_path / "preset:mmc").write_text(BASE_TOML)
    (tmp_path / "mmc").write_text(BASE_TOML)
    assert as_scenario("preset:mmc") == hs.load_scenario(tmp_path / "preset:mmc")
    assert as_scenario("preset:mmc").name != "mmc"
    assert as_scenario("mmc") == hs.preset("mmc")
    with pytest.raises(hs.ScenarioError, match="no such preset; did you mean 'mmc'"):
        as_scenario("preset:mmd")
    with pytest.raises(hs.ScenarioError, match="no such scenario file"):
        as_scenario("mmd")
    with pytest.raises(TypeError, match="scenario must be a path, a dict or a Scenario"):
        as_scenario(3)
