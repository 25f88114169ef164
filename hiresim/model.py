"""Builds one replication from a Scenario and a seed — its :class:`~hiresim.world.World`,
people with their disruptions, the pipeline and the mechanisms — and runs it.

Everything random is drawn from the replication's streams, each keyed by its names
(:class:`~hiresim.streams.Streams`: seed, replication, mechanism, sampler), never by the order
in which it is requested. What does not depend on the simulation's course (when requisitions
open, when candidates arrive, their decision draws and interview panels, every person's
absences, projects, vacancies and freezes) is drawn up front, so that a what-if which changes
the course of events leaves these draws unchanged (common random numbers). A person's calendar
load is drawn week by week, when a meeting search first reaches the week, from the person's own
stream for that week (:mod:`hiresim.calendarload`).

A replication is built in five phases, always in this order (:class:`Replication`):

1. **Up-front draws.** The world, and one instance of every mechanism the scenario switches on
   (:func:`hiresim.mechanisms.instances`): the built-in ones in the order of
   :data:`hiresim.mechanisms.BUILT_IN`, then the scenario's own in the order of its blocks.
   An instance makes its up-front draws from its own stream as it is built (the
   reorganizations' onsets).
2. **Spells.** People, role by role and person by person; each person's spells from every
   mechanism that lays them (:meth:`~hiresim.mechanisms.Mechanism.layer`, from the
   mechanism's stream for that person); then the person's meeting slots (filled lazily).
3. **Work samplers.** The pipeline's own (screening, scorecards, decision), then each
   mechanism's (:meth:`~hiresim.mechanisms.Mechanism.build`), in the mechanisms' order.
4. **Hooks.** Each mechanism installs its hooks on the world and the pipeline
   (:meth:`~hiresim.mechanisms.Mechanism.install`), in the mechanisms' order: hooks of one
   kind run in that order (an offer's approvals before a user's step). Then the rounds' own
   work samplers.
5. **Processes.** Requisitions open (or a forecast's ``opener`` opens them), each starting its
   arrivals and what a mechanism does when a requisition opens (``requirements`` draws its
   rethinks); then each mechanism's own processes (:meth:`~hiresim.mechanisms.Mechanism.start`),
   in the mechanisms' order.

The order of phases 1 to 4 is not part of any result: every sampler's stream is keyed by its
names, so building them in another order draws the same numbers. What is part of every result,
bit for bit, is the order in which SimPy processes start (phase 5: simultaneous events are
processed in the order they were scheduled) and the order of hooks of one kind (phase 4).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from hiresim.busy import BlockParams, busy_week, params_of, weekly_meetings
from hiresim.calendarload import WEEK_HOURS, Busy, FreeSlots, WeekSampler, hour_blocks
from hiresim.causes import ABSENCE
from hiresim.mechanisms import Mechanism, cause_slots, instances
from hiresim.meetings import Reschedules, SlotFinder
from hiresim.people import Person, Pool
from hiresim.pipeline import Pipeline
from hiresim.scenario import CalendarSpec, Scenario, calendar_from_spec
from hiresim.trace import Trace, build_tables, drop_warmup
from hiresim.workhours import PersonTimeline, WorkingCalendar
from hiresim.world import World

#: Extra days of calendar beyond the simulated span, so that work and meeting searches that run
#: past the end still see real working hours.
CALENDAR_MARGIN_DAYS = 30


#: Named people's own calendars (:meth:`hiresim.TeamCalendars.hours`): per person id,
#: ``(absence_starts, absence_ends, busy_starts, busy_ends)`` in hours since the epoch.
OwnCalendars = Mapping[str, tuple[Sequence[float], Sequence[float], Sequence[float],
                                  Sequence[float]]]


class Replication:
    """One run of a scenario: the world, its pipeline and mechanisms, ready to run.

    ``Replication(scenario, seed, replication)`` builds everything (and draws everything that
    is drawn up front); :meth:`run` simulates to the end of the span and returns the tables.
    ``opener``, if given, opens the requisitions and starts the candidates instead of
    :meth:`Pipeline.open_requisitions` (a forecast starts from a company's state on a date:
    :mod:`hiresim.inference.forecasts`).

    ``calendars`` are named people's real calendars (a :class:`hiresim.TeamCalendars` or its
    :meth:`~hiresim.TeamCalendars.hours` of the scenario's start): each person's absences are
    laid over their calendar as ``absence`` and their busy blocks taken out of their meeting
    slots. They draw no random number, so everything else stays as it was.
    """

    def __init__(self, scenario: Scenario, seed: int, replication: int,
                 event_log: bool = True, calendars: Any = None,
                 opener: Callable[[Pipeline], None] | None = None) -> None:
        s = self.scenario = scenario
        if calendars is not None and hasattr(calendars, "hours"):
            calendars = calendars.hours(s.start)
        self.calendars: OwnCalendars = calendars or {}
        span = s.total_days * 24.0
        w = self.world = World(seed, replication, s.start, span, event_log,
                               s.scheduling.enabled)
        w.retry_hours = s.scheduling.retry_after_days * 24.0
        # the phases of the module's docstring, in order
        # 1. up-front draws: the mechanisms the scenario switches on, in their order
        self.mechanisms: list[Mechanism] = instances(s, w)
        # 2. people, with every mechanism's spells laid over their calendars
        days = s.total_days + s.scheduling.search_days + CALENDAR_MARGIN_DAYS
        self._build_people(days, [m for m in self.mechanisms if m.lays_spells])
        # 3. work samplers: the pipeline's own, then the mechanisms'
        self.pipeline = pipeline = Pipeline(w, s)
        pipeline.build_work()
        for m in self.mechanisms:
            m.build(pipeline)
        # 4. hooks, then the rounds' own samplers
        for m in self.mechanisms:
            m.install(pipeline)
        pipeline.build_round_work()
        # 5. processes: requisitions and their arrivals, then the mechanisms' own
        if opener is None:
            pipeline.open_requisitions()
        else:
            opener(pipeline)
        for m in self.mechanisms:
            m.start()

    def _build_people(self, days: int, disruptions: list[Mechanism]) -> None:
        """Everyone of every role, with their disruptions laid over their calendar and their
        meeting-slot mask (calendar load drawn from ``calendar_load``, person by person; a named
        person's own calendar, if given, adds their absences and busy blocks)."""
        s, w = self.scenario, self.world
        slot_hours = s.scheduling.slot_minutes / 60.0
        n_slots = int(days * 24 / slot_hours)
        calendars = {name: _calendar(spec) for name, spec in s.calendars.items()}
        w.timelines = {name: cal.timeline(w.epoch, days) for name, cal in calendars.items()}
        # without the slot search (the scheduling ablation) calendars carry no load: only
        # working hours and absences block a meeting
        search = s.scheduling.slot_search
        for role_name, role in s.roles.items():
            calendar = w.timelines[role.calendar]
            hours_per_day = calendars[role.calendar].hours_per_day
            blocks = (None if role.calendar_blocks is None or role.calendar_load <= 0.0
                      else params_of(role.calendar_blocks, role.calendar_load,
                                     s.calendars[role.calendar], s.start.weekday()))
            members = []
            for person_id in role.person_ids(role_name):
                person = Person(w.env, person_id, role_name, calendar, hours_per_day, None,
                                role.capacity)
                layers = [d.layer(person) for d in disruptions if d.applies(person)]
                own = self.calendars.get(person_id)
                if own is not None and len(own[0]):
                    layers.append((list(own[0]), list(own[1]), ABSENCE))
                person.timeline = timeline = PersonTimeline.over(calendar, layers)
                # the person's slots, filled week by week when a search first reaches them:
                # the calendar's mask (shared), their own disruptions, their booked time and
                # their calendar load (drawn per week from their own stream)
                blocked: list[tuple[Sequence[float], Sequence[float]]] = []
                if isinstance(timeline, PersonTimeline):
                    base = timeline.calendar.shared_slot_mask(slot_hours, n_slots)
                    blocked.append(timeline.own_intervals)
                else:
                    base = timeline.shared_slot_mask(slot_hours, n_slots)
                if own is not None and len(own[2]) and search:  # booked: the search's to avoid
                    blocked.append((own[2], own[3]))
                load: WeekSampler | None = None
                if role.calendar_load > 0.0 and search:
                    load = (hour_blocks(role.calendar_load) if blocks is None else
                            block_weeks(blocks, w.streams, person_id))
                fills = FreeSlots(base, slot_hours, blocked, load,
                                  w.streams.pieces("calendar_load", person_id))
                person.free = fills.mask
                person.fills = fills
                person.share = role.hiring_share
                members.append(person)
            w.people[role_name] = members
            if role.assignment == "pool":
                pool = w.pools[role_name] = Pool(w.env, role_name, members, role.capacity)
                for person in members:
                    person.pool = pool
        w.slots = SlotFinder(slot_hours, n_slots,
                             int(s.scheduling.search_days * 24 / slot_hours),
                             s.scheduling.candidate_load if search else 0.0,
                             w.streams.generator("calendar_load", "candidates"), book=search)
        w.reschedules = Reschedules.of(s.scheduling, lambda: w.streams.generator("reschedules"))

    # -- running -----------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        """Run to the end of the simulated span; censor what is still waiting; build tables."""
        cols = drop_warmup(self.trace_run().columns(), self.scenario.warmup_days * 24.0)
        return build_tables(cols, self.world.epoch, cause_slots(self.scenario))

    def trace_run(self) -> Trace:
        """Run to the end of the simulated span, censor what is still waiting; the records."""
        self.world.env.run(until=self.world.end)
        self.pipeline.censor()
        return self.world.trace

    # conveniences for tests and notebooks that look inside a replication
    @property
    def people(self) -> dict[str, list[Person]]:
        return self.world.people

    def mechanism(self, name: str) -> Mechanism | None:
        """The replication's instance of the mechanism ``name`` (``None``: it is off)."""
        return next((m for m in self.mechanisms if m.name == name), None)

    @property
    def slots(self) -> SlotFinder:
        assert self.world.slots is not None
        return self.world.slots


#: WorkingCalendars by calendar spec, kept across replications in a process: a calendar caches
#: its timeline (and that timeline its slot masks), which every replication would otherwise
#: rebuild from the holiday tables.
_CALENDARS: dict[str, WorkingCalendar] = {}


def _calendar(spec: CalendarSpec) -> WorkingCalendar:
    key = spec.model_dump_json()
    cal = _CALENDARS.get(key)
    if cal is None:
        if len(_CALENDARS) >= 64:  # a sweep over many calendars: keep the cache bounded
            _CALENDARS.clear()
        cal = _CALENDARS[key] = calendar_from_spec(spec)
    return cal


def run_replication(scenario: Scenario, seed: int, replication: int, event_log: bool = True,
                    calendars: Any = None) -> dict[str, Any]:
    """Simulate replication ``replication`` of ``scenario`` and return its three tables."""
    return Replication(scenario, seed, replication, event_log, calendars).run()


def replication_columns(scenario: Scenario, seed: int, replication: int,
                        event_log: bool = True, calendars: Any = None
                        ) -> dict[str, dict[str, Any]]:
    """Simulate one replication and return its records as compact columns (no pandas);
    :func:`hiresim.trace.build_tables` makes tables of any number of them."""
    return Replication(scenario, seed, replication, event_log, calendars).trace_run().columns()


def block_weeks(params: BlockParams, streams: Any, person_id: str) -> WeekSampler:
    """The week sampler of a person whose calendar is made of meetings (a role's
    ``calendar_blocks``, :mod:`hiresim.busy`): their recurring meetings are drawn once, on
    first use, from their stream ``("calendar_load", "<id> recurring")``; each week's one-off
    meetings from the week's own piece."""
    person: list[Any] = []

    def sample(rng: Any, week: int) -> Busy:
        if not person:
            person.append(weekly_meetings(
                streams.generator("calendar_load", f"{person_id} recurring"), params))
        starts, ends = busy_week(rng, week * WEEK_HOURS, person[0])
        return np.asarray(starts, float), np.asarray(ends, float)

    return sample
