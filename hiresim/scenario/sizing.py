"""How big a run will be, estimated from the scenario before anything is simulated.

A scenario can be valid field by field and still describe a run that does not fit: ten
thousand people with a slot mask each over ten years, or a million candidates per replication.
:func:`estimate` gives the expected candidates, event-log rows, memory and time of one
replication (upper-bound arithmetic on the scenario's rates, no simulation); :func:`check_size`
refuses a run above :data:`LIMITS` with a message that names the fields driving it and how to
proceed (``force=True``, ``hiresim run --force``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hiresim.scenario import ScenarioError
from hiresim.text import plural

if TYPE_CHECKING:
    from hiresim.scenario import Scenario

#: Calendar margin the model adds to the span (see hiresim.model.CALENDAR_MARGIN_DAYS).
_MARGIN_DAYS = 30
#: Bytes per candidate while they are in the process, per journey row, per event-log row (as
#: measured on the default preset: about 0.66 KB per journey with the event log off).
_CANDIDATE_BYTES = 2_000
_JOURNEY_BYTES = 700
_EVENT_BYTES = 400
#: Candidates simulated per second on one core (the default preset on this project's
#: machines: 4,400-5,200; a round number on the slow side).
_CANDIDATES_PER_SECOND = 4_000

#: What one call may use before it needs ``force=True``.
LIMITS = {
    "candidates per replication": 500_000,
    "memory per replication (bytes)": 4 * 1024**3,
    "memory of the results (bytes)": 8 * 1024**3,
}


#: A replication expected to take longer than this (seconds) is announced up front: the
#: progress bar moves once per replication, so a single long one would look stuck.
LONG_REPLICATION_SECONDS = 60.0


class LongRunWarning(UserWarning):
    """A run whose replications each take a long time (announced before it starts)."""


@dataclass(frozen=True)
class RunSize:
    """Expected size of one replication of a scenario (estimates, not promises)."""

    requisitions: float
    candidates: float
    events: float
    people: int
    slots: int
    memory_bytes: float
    seconds: float

    def results_bytes(self, replications: int, event_log: bool = True) -> float:
        """Memory the tables of ``replications`` replications take in the calling process."""
        rows = self.candidates * (_JOURNEY_BYTES + (self.events / max(self.candidates, 1.0)
                                                    * _EVENT_BYTES if event_log else 0.0))
        return rows * replications

    def describe(self) -> str:
        mib = self.memory_bytes / 1024**2
        memory = f"{mib:,.0f} MiB" if mib >= 1 else "under 1 MiB"
        time = (f"{self.seconds:,.1f} s" if self.seconds >= 0.1 else
                f"{self.seconds * 1000:,.0f} ms" if self.seconds >= 0.0005 else "under 1 ms")
        return (f"about {plural(round(self.candidates), 'candidate')}, "
                f"{plural(round(self.events), 'event-log row')}, {memory} and {time} per "
                "replication")


def estimate(scenario: Scenario) -> RunSize:
    """The expected size of one replication of ``scenario`` (see the module docstring)."""
    s = scenario
    horizon = float(s.horizon_days)
    season = s.extensions.get("season")  # rates that vary by month: bounded by their peak
    peak = season.peak if season is not None else (lambda kind: 1.0)
    requisitions = (s.requisitions.initial + s.requisitions.rate_per_month
                    * peak("requisitions") * horizon / 30.4375)
    if s.requirements is not None:  # splits open more requisitions
        requisitions *= 1.0 + s.requirements.split_probability
    per_requisition = s.candidates.rate_per_week * peak("candidates") * horizon / 7.0
    if s.candidates.max_per_requisition is not None:
        per_requisition = min(per_requisition, float(s.candidates.max_per_requisition))
    candidates = requisitions * per_requisition
    per_round = 4.0 + max(r.panel for r in s.rounds)
    if s.approvals is not None:
        per_round += len(s.approvals.steps)
    follow_up = s.candidates.follow_up
    if follow_up is not None:  # while a candidate waits, at most the span long
        per_round += min(float(s.total_days), 90.0) / follow_up.every_days
    events = candidates * len(s.rounds) * per_round
    people = sum(role.count for role in s.roles.values())
    days = s.total_days + s.scheduling.search_days + _MARGIN_DAYS
    slots = int(days * 24 * 60 / s.scheduling.slot_minutes)
    memory = (people * slots * 2.0 + candidates * _CANDIDATE_BYTES
              + candidates * len(s.rounds) * _JOURNEY_BYTES + events * _EVENT_BYTES)
    seconds = candidates / _CANDIDATES_PER_SECOND + people * slots * 2e-9
    return RunSize(requisitions, candidates, events, people, slots, memory, seconds)


def drivers(scenario: Scenario) -> str:
    """The fields a run's size grows with, and their values."""
    s = scenario
    fields = [("horizon_days", s.horizon_days), ("drain_days", s.drain_days),
              ("requisitions.initial", s.requisitions.initial),
              ("requisitions.rate_per_month", s.requisitions.rate_per_month),
              ("candidates.rate_per_week", s.candidates.rate_per_week),
              ("candidates.max_per_requisition", s.candidates.max_per_requisition),
              ("people (roles.*.count)", sum(r.count for r in s.roles.values())),
              ("scheduling.search_days", s.scheduling.search_days)]
    if s.candidates.follow_up is not None:
        fields.append(("candidates.follow_up.every_days", s.candidates.follow_up.every_days))
    return ", ".join(f"{name} = {value}" for name, value in fields)


def check_size(scenario: Scenario, replications: int = 1, event_log: bool = True,
               force: bool = False) -> RunSize:
    """The run's :class:`RunSize`; a :class:`ScenarioError` if it exceeds :data:`LIMITS`
    and ``force`` is false (before anything is simulated)."""
    size = estimate(scenario)
    over = []
    if size.candidates > LIMITS["candidates per replication"]:
        over.append(f"{size.candidates:,.0f} candidates per replication (limit "
                    f"{LIMITS['candidates per replication']:,})")
    if size.memory_bytes > LIMITS["memory per replication (bytes)"]:
        over.append(f"{size.memory_bytes / 1024**3:,.1f} GiB per replication (limit "
                    f"{LIMITS['memory per replication (bytes)'] / 1024**3:.0f} GiB)")
    results = size.results_bytes(replications, event_log)
    if results > LIMITS["memory of the results (bytes)"]:
        over.append(f"{results / 1024**3:,.1f} GiB of result tables for {replications:,} "
                    f"replications (limit {LIMITS['memory of the results (bytes)'] / 1024**3:.0f}"
                    " GiB; event_log=False keeps far less, a sweep writes chunks to disk)")
    if over and not force:
        raise ScenarioError(scenario.name, [("", (
            f"this run is too large: {'; '.join(over)}. It grows with {drivers(scenario)}. "
            "Make the scenario smaller, or run it anyway with force=True "
            "(hiresim run --force)."))])
    if size.seconds > LONG_REPLICATION_SECONDS:
        warnings.warn(f"{scenario.name}: each replication takes about {size.seconds:,.0f} s "
                      f"({size.candidates:,.0f} candidates); progress shows whole replications",
                      LongRunWarning, stacklevel=3)
    return size
