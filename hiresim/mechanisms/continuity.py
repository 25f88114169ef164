"""``continuity``: the continuity policy — does work wait for a person who is away, or go to a
colleague?

A person is away on leave (``absence``), on a top-priority project (``priority``), because
their seat is empty (``turnover``) or while a reorganization freezes their work
(``reorganization``). The ``[continuity]`` block says, by role, whether work that arrives for
them waits for them "for the sake of continuity" or is delegated to a colleague at work, who
pays a hand-over. The policy is installed on the world as a hook every task consults when it
arrives (:class:`Delegation`), in replications where someone can be away at all.

It is not a delay source of its own: it has no cause (the waits it shortens or adds are the
absent person's causes and the hand-over's work), no stream of its own (each role's hand-over
draws from ``work``'s sampler ``handover ROLE``) and no ablation (its off position is its
default, ``wait``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from hiresim.durations import Duration
from hiresim.durations import parse_duration as duration
from hiresim.fields import Block, Real
from hiresim.mechanisms import Mechanism, built_in, role_problems
from hiresim.tasks import Work, make_work
from hiresim.text import plural

if TYPE_CHECKING:
    from hiresim.people import Person
    from hiresim.pipeline import Pipeline
    from hiresim.scenario import Scenario
    from hiresim.world import World

NAME = "continuity"

#: The mechanisms that take people away: continuity matters only when one of them is on.
AWAY: tuple[str, ...] = ("absence", "priority", "turnover", "reorganization")


class ContinuityRule(Block):
    """What happens to work whose person is on leave when it arrives."""

    policy: Literal["wait", "delegate_after", "delegate"] = Field(
        "wait",
        description="work that arrives for someone away: wait: it waits for them; "
                    "delegate_after: a colleague of the role at work takes it if they are still "
                    "away after_days later; delegate: a colleague takes it at once")
    after_days: Real = Field(3.0, ge=0.0, description="delegate_after: working days to wait")
    handover: Duration = Field(duration(1.0),
                               description="extra work for the colleague who takes over")


class ContinuitySpec(Block):
    """The continuity policy: a default and overrides per role."""

    default: ContinuityRule = Field(
        ContinuityRule(), description="the rule for roles not listed in roles (default: wait)")
    roles: dict[str, ContinuityRule] = Field(
        default_factory=dict, description="rules by role name, overriding the default")


class Delegation:
    """The continuity policy: does work wait for an absent person, or go to a colleague?

    ``wait``: the work waits for that very person ("for the sake of continuity").
    ``delegate_after`` N working days: if the person is still away N working days after the
    work arrived, a colleague of the same role who is at work takes it over and pays a
    hand-over. ``delegate``: a colleague takes it at once. The decision is taken when the work
    arrives, from the absence in progress then.
    """

    __slots__ = ("_handover", "_rules", "_team")

    def __init__(self, rules: dict[str, tuple[str, float]], handover: dict[str, Work],
                 team: dict[str, list[Person]]) -> None:
        self._rules = rules          # role -> (policy, threshold in working hours)
        self._handover = handover    # role -> the colleague's hand-over work
        self._team = team

    def target(self, person: Person, t: float) -> tuple[Person, float]:
        """``(who does the work, until when it waits for the absent person first)``."""
        rule = self._rules.get(person.role)
        if rule is None:
            return person, t
        away = person.away(t)
        if away is None:
            return person, t
        policy, threshold = rule
        back = away[1]
        if policy == "delegate_after":
            switch = person.calendar.add_open(person.calendar.next_open(t), threshold)
            if back <= switch:
                return person, t
        else:
            switch = t
        for colleague in self._team[person.role]:
            if colleague is not person and colleague.away(switch) is None:
                return colleague, switch
        return person, t

    def handover(self, person: Person) -> float:
        hours, _ = self._handover[person.role].amount(person)
        return hours


@built_in
class Continuity(Mechanism):
    """One replication's continuity policy: the hand-over work of each delegating role."""

    name = NAME
    spec = ContinuitySpec
    stream = "work"
    block: ContinuitySpec

    # -- the scenario side -------------------------------------------------------------------

    @classmethod
    def block_in(cls, scenario: Scenario) -> ContinuitySpec:
        return scenario.continuity

    @classmethod
    def active(cls, scenario: Scenario, block: ContinuitySpec) -> bool:
        """Only where people can be away at all (leave, projects, vacancies or freezes)."""
        return any(getattr(scenario, name) is not None for name in AWAY)

    @classmethod
    def ablations(cls) -> dict[str, str]:
        """None: the policy's off position is its default (work waits)."""
        return {}

    @classmethod
    def check(cls, scenario: Scenario, spec: ContinuitySpec) -> list[tuple[str, str]]:
        return role_problems(scenario, [(f"continuity.roles.{name}", name)
                                        for name in spec.roles])

    @classmethod
    def describe(cls, scenario: Scenario, spec: ContinuitySpec
                 ) -> list[tuple[str, list[str]]]:
        rule = spec.default
        said = ["Work of someone on leave " + (
            "waits for them." if rule.policy == "wait" else
            f"goes to a colleague after {plural(rule.after_days, 'working day')}."
            if rule.policy == "delegate_after" else "goes to a colleague at once.")]
        for role, r in spec.roles.items():
            said.append(f"For {role.replace('_', ' ')}s: " + (
                "work waits for them." if r.policy == "wait" else
                f"a colleague takes over after {plural(r.after_days, 'working day')}."
                if r.policy == "delegate_after" else "a colleague takes over at once."))
        return [("Life inside the company", said)]

    # -- one replication ---------------------------------------------------------------------

    def __init__(self, world: World, spec: ContinuitySpec, code: int) -> None:
        super().__init__(world, spec, code)
        self.rules: dict[str, tuple[str, float]] = {}
        self.handover: dict[str, Work] = {}

    def build(self, pipeline: Pipeline) -> None:
        """The rule and hand-over of each role that delegates (a stream of its own each,
        keyed by the role); a pool role needs none (whoever is free works)."""
        w, spec = self.world, self.block
        for role_name, role in pipeline.s.roles.items():
            rule = spec.roles.get(role_name, spec.default)
            if rule.policy == "wait" or role.assignment == "pool":
                continue
            hpd = w.people[role_name][0].hours_per_day
            self.rules[role_name] = (rule.policy, rule.after_days * hpd)
            self.handover[role_name] = make_work(w, rule.handover, self.stream,
                                                 f"handover {role_name}")

    def install(self, pipeline: Pipeline) -> None:
        """Every task consults the policy when it arrives (:func:`hiresim.tasks.task`)."""
        if self.rules:
            self.world.delegation = Delegation(self.rules, self.handover, self.world.people)
