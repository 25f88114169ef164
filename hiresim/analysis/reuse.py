"""Which replications a what-if provably leaves unchanged, so that :func:`ablate` takes them
from the baseline instead of simulating them again.

Only proofs that are cheap and sound are used; every other replication is simulated:

* **the whole run**: the source is already off, so ``scenario.without(source)`` is the same
  scenario (same fields) and gives the same results;
* **a replication in which the source drew nothing**, for ``reorganization`` (no onset in the
  span) and ``turnover`` (no seat's holder leaves in the span). Both draw up front, from their
  own streams, when the replication is built, so drawing them (without running anything) tells.
  A source that drew nothing lays no spell over anyone's calendar and starts no process, and
  removing its block moves no other random draw (every stream is keyed by its names,
  :mod:`hiresim.streams`: its hand-over's stream is its own, and nothing is numbered after
  it), so the run is the same without it, provided that

  - the continuity policy, which is installed only while some source can make people absent,
    stays installed: another such source remains, or no role delegates;
  - no user mechanism is there (it may read anything): a scenario with one gets no
    per-replication reuse.

Other sources (``absence``, ``priority``, ``requirements``, ...) act in practically every
replication of a realistic scenario or draw during the run; they are always simulated.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hiresim.scenario import Scenario

#: Sources whose idle replications can be proved unchanged (see the module's docstring).
PER_REPLICATION = ("reorganization", "turnover")


def same_scenario(scenario: Scenario, variant: Scenario) -> bool:
    """Whether ``variant`` has the same fields as ``scenario`` (the source was already off)."""
    return bool(scenario.model_dump(mode="json") == variant.model_dump(mode="json"))


def provable(scenario: Scenario, source: str) -> bool:
    """Whether switching ``source`` off leaves every replication in which it drew nothing
    unchanged (the structural conditions of the module's docstring)."""
    s = scenario
    if source not in PER_REPLICATION or getattr(s, source) is None or s.extensions:
        return False
    others = [getattr(s, name) for name in ("absence", "priority", "turnover", "reorganization")
              if name != source]
    return any(x is not None for x in others) or not _delegating(s)


def _delegating(s: Scenario) -> list[Any]:
    """The continuity rules that delegate (what
    :class:`~hiresim.mechanisms.continuity.Continuity` makes work for)."""
    rules = []
    for role_name, role in s.roles.items():
        rule = s.continuity.roles.get(role_name, s.continuity.default)
        if rule.policy != "wait" and role.assignment != "pool":
            rules.append(rule)
    return rules


def idle_replications(scenario: Scenario, sources: Sequence[str], seed: int,
                      replications: Sequence[int]) -> dict[str, list[int]]:
    """``{source: replications in which it drew nothing}`` for the :func:`provable` sources
    among ``sources``, drawn by the model's own code: a reorganization's onsets by its
    mechanism alone, a seat's departures by building the replication (not running it)."""
    from hiresim.causes import REORGANIZATION
    from hiresim.mechanisms.reorganization import Reorganization
    from hiresim.model import Replication
    from hiresim.world import World

    s = scenario
    chosen = [name for name in sources if provable(s, name)]
    out: dict[str, list[int]] = {name: [] for name in chosen}
    span = s.total_days * 24.0
    for r in replications:
        if "reorganization" in chosen:
            assert s.reorganization is not None
            world = World(seed, r, s.start, span, False, s.scheduling.enabled)
            if not Reorganization(world, s.reorganization, REORGANIZATION).onsets:
                out["reorganization"].append(r)
        if "turnover" in chosen:
            rep = Replication(s, seed, r, event_log=False)
            if not any(p.joins for people in rep.people.values() for p in people):
                out["turnover"].append(r)
    return out
