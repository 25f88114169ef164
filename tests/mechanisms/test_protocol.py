"""One protocol for every delay source: each built-in mechanism, the three shipped on the
extension point and a user's own (``hiresim.examples.background_check``) pass the same tests.

Every mechanism is checked in one scenario that switches them all on (the golden-hash
``intense`` scenario with a season, panels that disagree, a weekly hiring sync and a
background check): its block
validates and round-trips, it names its stream and its cause (and the cause has its column),
each of its ablations removes its effect (measured in a simulated replication, where the effect
is present before), its cross-checks catch a wrong role name, and it says itself in plain words
for the HR report.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest

import hiresim as hs
import hiresim.examples.background_check  # registers the mechanism
from hiresim.mechanisms import Mechanism, MechanismSpec, built_ins, mechanisms_of, registered
from hiresim.model import Replication
from hiresim.streams import STREAM_NAMES
from hiresim.world import World
from tests.golden import golden

SEED = 7

#: Each mechanism's random stream and cause label, as the architecture page lists them.
STREAMS_AND_CAUSES: dict[str, tuple[str, str | None]] = {
    "approvals": ("decisions", None),
    "communication": ("communication", "communication"),
    "absence": ("absence", "absence"),
    "continuity": ("work", None),
    "priority": ("priority", "priority"),
    "turnover": ("turnover", "turnover"),
    "reorganization": ("reorganization", "reorganization"),
    "requirements": ("requirements", "requirements"),
    "candidates": ("candidates", None),
    "season": ("season", "freeze"),
    "disagreement": ("disagreement", "disagreement"),
    "recurring_meetings": ("recurring_meetings", None),
    "background_check": ("background_check", "background_check"),
}


def everything() -> hs.Scenario:
    """Every mechanism switched on (and every one of them has an effect in replication 0)."""
    data = golden.scenario("intense").model_dump(mode="json")
    data["season"] = {"candidates_by_month": [1, 0.5, 1, 1, 2, 1, 1, 1, 1, 1, 1, 3],
                      "freezes": [{"start": "12-14", "end": "12-31"}]}
    data["disagreement"] = {"score_sd": 1.0, "agree_within": 0.5, "split_at": 2.0}
    data["recurring_meetings"] = {"meetings": [{"weekday": "Thu", "time": "10:00",
                                                "share": [0.3, 0.65]}]}
    data["background_check"] = {"share": 0.7}
    return hs.load_scenario(data)


SCENARIO = everything()
MECHANISMS: list[type[Mechanism]] = mechanisms_of(SCENARIO)
IDS = [cls.name for cls in MECHANISMS]


def test_every_mechanism_is_checked():
    """The built-in ones in their order, then the shipped ones and the example."""
    assert IDS[:len(built_ins())] == [cls.name for cls in built_ins()]
    assert set(IDS) == set(STREAMS_AND_CAUSES)
    assert set(registered()) >= {"season", "disagreement", "recurring_meetings",
                                 "background_check"}


@pytest.fixture(scope="module")
def results() -> dict[str, pd.DataFrame]:
    """Replication 0 of the scenario, and of each ablation of it, as tables."""
    out = {"": Replication(SCENARIO, SEED, 0).run()}
    for cls in MECHANISMS:
        for ablation in cls.ablations():
            out[ablation] = Replication(SCENARIO.without(ablation), SEED, 0).run()
    return out


@pytest.mark.parametrize("cls", MECHANISMS, ids=IDS)
def test_block_validates_and_round_trips(cls: type[Mechanism]):
    block = cls.block_in(SCENARIO)
    assert isinstance(block, cls.spec)
    assert cls.spec.model_validate(block.model_dump(mode="json")) == block
    assert cls.block_in(hs.load_scenario(SCENARIO.model_dump(mode="json"))) == block
    # unknown keys are errors, named by their path in the scenario
    data = SCENARIO.model_dump(mode="json")
    where = data if cls.name in data else data["extensions"]
    data[cls.name] = {**where[cls.name], "no_such_key": 1}
    with pytest.raises(hs.ScenarioError, match=rf"{cls.name}\.no_such_key"):
        hs.load_scenario(data)


@pytest.mark.parametrize("cls", MECHANISMS, ids=IDS)
def test_stream_and_cause(cls: type[Mechanism], results):
    stream, cause = STREAMS_AND_CAUSES[cls.name]
    assert cls.stream == stream
    assert cls.cause == cause
    built_in = cls in built_ins()
    assert (stream in STREAM_NAMES) == (built_in or stream == "work")
    assert isinstance(Replication(SCENARIO, SEED, 0).mechanism(cls.name), cls)
    if cls.name != "reorganization":  # (its onsets are drawn from its stream as it is built)
        world = World(SEED, 0, SCENARIO.start, SCENARIO.total_days * 24.0)
        own = cls(world, cls.block_in(SCENARIO), -1).rng.random(4)
        assert (own == world.streams.generator(stream).random(4)).all()
    if cause is not None:
        j = results[""]["journeys"]
        assert f"delay_{cause}" in j.columns
        assert j[f"delay_{cause}"].sum() > 0.0  # the effect is there to be removed


def _effect(name: str, tables: dict[str, pd.DataFrame]) -> float:
    """How much of a mechanism's effect a replication shows (0: none)."""
    j, events = tables["journeys"], tables["events"]
    stages = events["stage"].astype(str)
    activities = events["concept:name"].astype(str)
    if name == "approvals":
        return float((stages == "approval").sum())
    if name == "recurring_meetings":  # its wait is batching, shared with the committees
        return float((activities == "hiring sync").sum())
    if name in ("communication_direct", "communication_handoff"):
        return float((activities == "hand-off to recruiter").sum())
    if name == "communication_ghosting":  # ghosting by the policy (not cancelled jobs)
        return float((j["outcome"].astype(str) == "ghosted").sum())
    cause = STREAMS_AND_CAUSES[name][1]
    assert cause is not None
    return float(j[f"delay_{cause}"].sum())


@pytest.mark.parametrize("cls", MECHANISMS, ids=IDS)
def test_ablation_removes_its_effect(cls: type[Mechanism], results):
    ablations = cls.ablations()
    if cls.name in ("continuity", "candidates"):  # policies of others' delays, not delays
        assert ablations == {}
        return
    assert cls.name in ablations
    for ablation, meaning in ablations.items():
        assert meaning.strip() and ablation in hs.scenario.delay_sources(SCENARIO)
        off = SCENARIO.without(ablation)
        if ablation == cls.name and cls.name != "communication":
            assert cls.block_in(off) is None
            assert Replication(off, SEED, 0).mechanism(cls.name) is None
        base, ablated = results[""], results[ablation]
        if ablation == "communication_ghosting":  # cancelled jobs' candidates may be ghosted
            base = Replication(SCENARIO.without("requirements"), SEED, 0).run()
            ablated = Replication(off.without("requirements"), SEED, 0).run()
        assert _effect(ablation, base) > 0.0, "the effect must be there before"
        assert _effect(ablation, ablated) == 0.0
        # only the mechanism's own block changed
        before, after = SCENARIO.model_dump(mode="json"), off.model_dump(mode="json")
        changed = {k for k in before if before[k] != after[k]}
        assert changed <= {cls.name, "extensions"}


#: What a sentence for people does not contain: code, empty values, identifiers.
NOT_WORDS = re.compile(r"[{}\[\]<>]|\bNone\b|\bnan\b|[a-z]_[a-z]")


@pytest.mark.parametrize("cls", MECHANISMS, ids=IDS)
def test_says_itself_in_plain_words(cls: type[Mechanism]):
    said = cls.describe(SCENARIO, cls.block_in(SCENARIO))
    assert said, "every mechanism that is on says what it assumes"
    for heading, lines in said:
        assert heading.strip() and not NOT_WORDS.search(heading)
        assert lines
        for line in lines:
            assert line.endswith("."), line
            assert line[0].isupper() or line[0].isdigit() or line[0] == "“", line
            assert not NOT_WORDS.search(line), line
    from hiresim.present.report import assumptions

    headings = dict(assumptions(SCENARIO))
    for heading, lines in said:
        assert set(lines) <= set(headings[heading])


#: A wrong role name in each block that names roles: ``(mechanism, path, value)``.
WRONG_ROLES: list[tuple[str, str, Any]] = [
    ("approvals", "approvals.steps.0.roles.0", "financ"),
    ("communication", "communication.legal_review.role", "lawyer"),
    ("absence", "absence.roles.0", "recruter"),
    ("continuity", "continuity.roles.legall", None),
    ("priority", "priority.roles.0", "intervewer"),
    ("turnover", "turnover.roles.0", "ceoo"),
    ("reorganization", "reorganization.roles.0", "hr"),
    ("requirements", "requirements.approvals.0.roles.0", "vpp"),
]


@pytest.mark.parametrize(("name", "path", "value"), WRONG_ROLES, ids=[w[0] for w in WRONG_ROLES])
def test_cross_checks_name_the_path(name: str, path: str, value: Any):
    data = SCENARIO.model_dump(mode="json")
    if value is None:  # a rule for a role that does not exist
        data["continuity"]["roles"]["legall"] = {"policy": "wait"}
    elif path == f"{name}.roles.0":  # a block that names the roles it touches
        data[name]["roles"] = [value]
    else:
        node: Any = data
        *parents, last = path.split(".")
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
    with pytest.raises(hs.ScenarioError) as err:
        hs.load_scenario(data)
    assert path in str(err.value) and "unknown role" in str(err.value)
    cls = next(c for c in MECHANISMS if c.name == name)
    problems = cls.check(SCENARIO.model_construct(**{
        **dict(SCENARIO), name: _block(data, name)}), _block(data, name))
    assert [p for p, _ in problems] == [path]


def _block(data: dict[str, Any], name: str) -> Any:
    cls = next(c for c in MECHANISMS if c.name == name)
    return cls.spec.model_validate(data[name])


def test_a_mechanism_block_is_a_mechanism_spec_or_a_block():
    from hiresim.fields import Block

    for cls in MECHANISMS:
        assert issubclass(cls.spec, MechanismSpec | Block)
