"""What-ifs share work: ``ablate`` takes from the baseline the replications that switching a
source off provably leaves unchanged, and its table is the one it gives without reuse."""

from __future__ import annotations

import pandas.testing as pdt
import pytest

import hiresim as hs
from hiresim.analysis import ablate
from hiresim.analysis.reuse import idle_replications, provable, same_scenario
from hiresim.analysis.whatif import _partly_reused
from hiresim.results import RESULT_TABLES
from hiresim.scenario import Scenario


def idle_scenario() -> Scenario:
    """The germany preset with rare departures: reorganization and turnover are idle in many
    replications. Its hand-overs stay random: each draws from a stream of its own, so removing
    a source moves no other draw whatever they are."""
    d = hs.preset("germany").model_dump(mode="python")
    d["turnover"].update(annual_rate=0.02)
    return Scenario.model_validate(d)


SOURCES = ["reorganization", "turnover", "requirements"]


def test_presets_prove_their_idle_replications() -> None:
    """Streams keyed by name: every preset that has the source (and no user mechanism) reuses
    the replications in which it drew nothing, the default preset included."""
    for name in hs.presets():
        sc = hs.preset(name)
        for source in ("reorganization", "turnover"):
            has = getattr(sc, source) is not None and not sc.extensions
            assert provable(sc, source) is has, (name, source)
    assert provable(hs.preset("default"), "turnover")
    sc = idle_scenario()
    assert provable(sc, "reorganization") and provable(sc, "turnover")
    assert not provable(sc, "absence") and not provable(sc, "requirements")


def test_the_continuity_policy_must_not_hinge_on_the_source() -> None:
    d = idle_scenario().model_dump(mode="python")
    d.update(absence=None, priority=None, turnover=None)
    # reorganization is the only thing that makes people away: without it, no continuity policy
    assert not provable(Scenario.model_validate(d), "reorganization")
    d["continuity"]["roles"] = {}
    assert provable(Scenario.model_validate(d), "reorganization")


@pytest.mark.parametrize("event_log", [False, True])
def test_partly_reused_runs_are_the_simulated_ones(event_log: bool) -> None:
    sc, n = idle_scenario(), 10
    idle = idle_replications(sc, ["reorganization", "turnover"], 5, range(n))
    assert 0 < len(idle["reorganization"]) < n and 0 < len(idle["turnover"]) < n
    base = hs.simulate(sc, replications=n, seed=5, event_log=event_log)
    for source in ("reorganization", "turnover"):
        variant = sc.without(source)
        reused = _partly_reused(base, variant, idle[source], n, 5, {"event_log": event_log})
        assert reused.manifest["reused_replications"] == len(idle[source])
        simulated = hs.simulate(variant, replications=n, seed=5, event_log=event_log)
        for name in RESULT_TABLES:
            pdt.assert_frame_equal(getattr(reused, name), getattr(simulated, name))


def test_ablate_with_reuse_is_ablate_without() -> None:
    sc = idle_scenario()
    kwargs = {"sources": SOURCES, "replications": 8, "seed": 3, "n_boot": 50}
    pdt.assert_frame_equal(ablate(sc, reuse=True, **kwargs), ablate(sc, reuse=False, **kwargs))


@pytest.mark.parametrize("preset", ["mmc", "default"])
def test_ablate_with_reuse_is_ablate_without_on_presets(preset: str) -> None:
    # mmc: most sources are off (whole runs reused); default: idle replications are reused
    sc = hs.preset(preset)
    sources = None if preset == "mmc" else ["reorganization", "turnover"]
    kwargs = {"sources": sources, "replications": 3, "seed": 1, "n_boot": 50}
    pdt.assert_frame_equal(ablate(sc, reuse=True, **kwargs), ablate(sc, reuse=False, **kwargs))
    assert same_scenario(sc, sc.without("absence")) is (sc.absence is None)


def test_ablate_with_event_log_and_a_baseline_without_one() -> None:
    sc = idle_scenario()
    base = hs.simulate(sc, replications=4, seed=2, event_log=False)
    kwargs = {"sources": ["reorganization"], "replications": 4, "seed": 2, "n_boot": 30}
    with_log = ablate(sc, baseline=base, event_log=True, **kwargs)
    pdt.assert_frame_equal(with_log, ablate(sc, reuse=False, **kwargs))
