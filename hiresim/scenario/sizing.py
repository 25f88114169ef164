"""How big a run will be, estimated from the scenario before anything is simulated.

A scenario can be valid field by field and still describe a run that does not fit: ten
thousand people with a slot mask each over ten years, or a million candidates per replication.
:func:`estimate` gives the expected candidates, event-log rows, memory and time of one
replication (upper-bound arithmetic on the scenario's rates, no simulation); :func:`check_size`
refuses a run above :data:`LIMITS` with a message that names the fields driving it and how to
proceed (``force=True``, ``hiresim run --force``).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hiresim.scenario import ScenarioError
from hiresim.text import plural

if TYPE_CHECKING:
    from hiresim.scenario import Scenario

#: Calendar margin the model adds to the span (see hiresim.model.CALENDAR_MARGIN_DAYS).
_MARGIN_DAYS = 30
#: Bytes of one row of the result tables as pandas holds them (measured with
#: ``memory_usage(deep=True)`` on the presets: candidates 160, journeys 265, event-log rows
#: 535), and of a candidate while a replication runs (its objects and trace buffers).
_CANDIDATE_ROW_BYTES = 170
_JOURNEY_BYTES = 300
_EVENT_BYTES = 550
_CANDIDATE_BYTES = 2_000
#: The process a run starts from: Python, NumPy, pandas, SimPy and hiresim loaded (measured as
#: the peak resident memory of a one-replication run of the mmc preset, less its tables:
#: about 130 MB on CPython 3.11).
PROCESS_BYTES = 130 * 1024**2
#: Peak of the calling process over the tables it ends with: the replications' frames and
#: their concatenation coexist for a moment (measured 1.0-1.5 on the presets and a 3,000-
#: application company).
_CONCAT_FACTOR = 1.2
#: Days from an application to a hire, per step (screening, then each round with its
#: scheduling, waits and decision; the last one carries the offer): candidates keep applying
#: to a requisition while its hires are under way.
_DAYS_PER_STEP = 30.0
#: Days of waiting in which a candidate follows up (the follow-ups the event log records).
_FOLLOW_UP_DAYS = 14.0
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
    """Expected size of one replication of a scenario (estimates, not promises).

    ``journeys`` counts the waits for feedback (candidate x round reached); ``memory_bytes``
    is what one replication holds while it runs (the people's calendars, the candidates,
    its trace).
    """

    requisitions: float
    candidates: float
    events: float
    people: int
    slots: int
    memory_bytes: float
    seconds: float
    journeys: float = 0.0

    def results_bytes(self, replications: int, event_log: bool = True) -> float:
        """Memory the tables of ``replications`` replications take in the calling process."""
        rows = (self.candidates * _CANDIDATE_ROW_BYTES + self.journeys * _JOURNEY_BYTES
                + (self.events * _EVENT_BYTES if event_log else 0.0))
        return rows * replications

    def peak_bytes(self, replications: int, event_log: bool = True) -> float:
        """The expected peak resident memory of a process that runs ``replications``
        replications one after the other and keeps their tables: the process itself
        (:data:`PROCESS_BYTES`), one replication at work, and the tables while they are
        joined."""
        return (PROCESS_BYTES + self.memory_bytes
                + _CONCAT_FACTOR * self.results_bytes(replications, event_log))

    def describe(self) -> str:
        mib = self.memory_bytes / 1024**2
        memory = f"{mib:,.0f} MiB" if mib >= 1 else "under 1 MiB"
        time = (f"{self.seconds:,.1f} s" if self.seconds >= 0.1 else
                f"{self.seconds * 1000:,.0f} ms" if self.seconds >= 0.0005 else "under 1 ms")
        return (f"about {plural(round(self.candidates), 'candidate')}, "
                f"{plural(round(self.events), 'event-log row')}, {memory} and {time} per "
                "replication")


def _hire_share(s: Scenario) -> float:
    """The share of applicants hired: screening passed, every round advanced, the last one's
    offer made and accepted."""
    share = s.screening.pass_probability if s.screening is not None else 1.0
    for k, rnd in enumerate(s.rounds):
        last = k == len(s.rounds) - 1
        share *= rnd.decision.offer if last else rnd.decision.advance
    return share * s.offers.accept_probability


def estimate(scenario: Scenario) -> RunSize:
    """The expected size of one replication of ``scenario`` (see the module docstring).

    A requisition draws candidates until it is filled or the horizon ends: at most
    ``candidates.rate_per_week`` over the weeks it is open (the whole horizon for the initial
    ones, half of it on average for those opening later) and ``max_per_requisition``, and
    about ``positions / hire share`` candidates plus those arriving while the hires are under
    way (:data:`_DAYS_PER_STEP` per step). Journeys and event-log rows follow the shares that
    reach each round.
    """
    s = scenario
    horizon = float(s.horizon_days)
    season = s.extensions.get("season")  # rates that vary by month: bounded by their peak
    peak = season.peak if season is not None else (lambda kind: 1.0)
    initial = float(s.requisitions.initial)
    opened = s.requisitions.rate_per_month * peak("requisitions") * horizon / 30.4375
    split = 1.0 + (s.requirements.split_probability if s.requirements is not None else 0.0)
    requisitions = (initial + opened) * split
    rate = s.candidates.rate_per_week * peak("candidates")
    hired = _hire_share(s)
    lag_weeks = _DAYS_PER_STEP * (len(s.rounds) + 1) / 7.0
    to_fill = (s.requisitions.positions / hired + rate * lag_weeks) if hired > 0 else math.inf

    def per_requisition(weeks: float) -> float:
        n = min(rate * weeks, to_fill)
        if s.candidates.max_per_requisition is not None:
            n = min(n, float(s.candidates.max_per_requisition))
        return n

    candidates = split * (initial * per_requisition(horizon / 7.0)
                          + opened * per_requisition(horizon / 14.0))
    screened = s.screening is not None
    reach = s.screening.pass_probability if s.screening is not None else 1.0
    journeys_per = 0.0
    events_per = 2.0 + screened  # screening, and the final answer's hand-off and telling
    follow_up = s.candidates.follow_up
    follow_ups = (max(0.0, (_FOLLOW_UP_DAYS - follow_up.first_after_days)
                      / follow_up.every_days + 1.0) if follow_up is not None else 0.0)
    for k, rnd in enumerate(s.rounds):
        journeys_per += reach
        events_per += reach * (3.0 + rnd.panel + follow_ups)  # interview, debrief, decision
        last = k == len(s.rounds) - 1
        if last and s.approvals is not None:
            events_per += reach * rnd.decision.offer * 1.5 * len(s.approvals.steps)
        reach *= rnd.decision.advance
    journeys = candidates * journeys_per
    events = candidates * events_per
    people = sum(role.count for role in s.roles.values())
    days = s.total_days + s.scheduling.search_days + _MARGIN_DAYS
    slots = int(days * 24 * 60 / s.scheduling.slot_minutes)
    memory = (people * slots * 2.0 + candidates * _CANDIDATE_BYTES
              + journeys * _JOURNEY_BYTES + events * _EVENT_BYTES)
    seconds = candidates / _CANDIDATES_PER_SECOND + people * slots * 2e-9
    return RunSize(requisitions, candidates, events, people, slots, memory, seconds, journeys)


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
