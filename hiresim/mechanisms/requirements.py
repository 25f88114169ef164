"""``requirements``: "requirements change" — a requisition is rethought: reclassified, split
into two positions, or cancelled.

Rethinks come as a Poisson process per open requisition. While one is in progress the
requisition is on hold: its candidates wait at their next step (:func:`on_hold`, charged to
``requirements``) until a reclassification approval chain completes. The job is then kept,
split (a second requisition opens and draws its own candidates), or cancelled (its candidates
are told, or not).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import Field, model_validator

from hiresim.causes import REQUIREMENTS
from hiresim.fields import Block, Probability, Real
from hiresim.mechanisms import Mechanism, built_in, role_problems
from hiresim.mechanisms.approvals import ApprovalStep, enough_signers, signers
from hiresim.spells import HOURS_PER_YEAR, poisson_times
from hiresim.tasks import Process, Work, make_work, parallel, person_task
from hiresim.text import plural, share
from hiresim.trace import Activity, Leg

if TYPE_CHECKING:
    import numpy as np

    from hiresim.pipeline import Pipeline
    from hiresim.scenario import Scenario
    from hiresim.world import Requisition, World

NAME = "requirements"


class RequirementsSpec(Block):
    """Requisitions rethought: reclassification, a split into two positions, or cancellation."""

    rate_per_year: Real = Field(1.0, gt=0.0, le=52.0, description="rethinks per open req-year")
    approvals: list[ApprovalStep] = Field(min_length=1,
                                          description="the reclassification approval chain")
    split_probability: Probability = Field(
        0.15, description="probability that a rethink splits the job in two (a second "
                          "requisition opens and draws its own candidates)")
    cancel_probability: Probability = Field(
        0.1, description="probability that a rethink cancels the job; otherwise (1 - split - "
                         "cancel) it is kept")
    told_when_cancelled: Probability = Field(
        0.5, description="probability that candidates of a cancelled job are told")

    @model_validator(mode="after")
    def _outcomes(self) -> RequirementsSpec:
        if self.split_probability + self.cancel_probability > 1.0:
            raise ValueError("split_probability + cancel_probability must not exceed 1")
        return self


@built_in
class Requirements(Mechanism):
    """One replication's requirement changes: draws from the ``requirements`` stream."""

    name = NAME
    spec = RequirementsSpec
    cause = "requirements"
    switched_off = "requisitions are never rethought"
    block: RequirementsSpec

    # -- the scenario side -------------------------------------------------------------------

    @classmethod
    def block_in(cls, scenario: Scenario) -> RequirementsSpec | None:
        return scenario.requirements

    @classmethod
    def switch_off(cls, data: dict[str, Any], ablation: str) -> None:
        data[NAME] = None

    @classmethod
    def check(cls, scenario: Scenario, spec: RequirementsSpec) -> list[tuple[str, str]]:
        """Every role of the reclassification chain exists and has the people it asks; its
        steps are tasks (no committees)."""
        problems = []
        for i, step in enumerate(spec.approvals):
            path = f"requirements.approvals.{i}"
            problems += role_problems(scenario, [(f"{path}.roles.{j}", name)
                                                 for j, name in enumerate(step.roles)])
            problems += enough_signers(scenario, path, step)
            if step.committee is not None:
                problems.append((f"{path}.committee", "reclassification steps are tasks; "
                                                      "committees are allowed in the offer "
                                                      "approval chain only"))
        return problems

    @classmethod
    def describe(cls, scenario: Scenario, spec: RequirementsSpec
                 ) -> list[tuple[str, list[str]]]:
        return [("Life inside the company", [
            f"Each open job is rethought about {plural(spec.rate_per_year, 'time')} a year "
            f"({share(spec.split_probability)} split, {share(spec.cancel_probability)} "
            "cancelled)."])]

    # -- one replication ---------------------------------------------------------------------

    def __init__(self, world: World, spec: RequirementsSpec, code: int) -> None:
        super().__init__(world, spec, code)
        self.horizon = world.end
        self._open: Callable[[float, np.random.Generator], Any] | None = None
        self._close: Callable[[Requisition], None] | None = None

    def build(self, pipeline: Pipeline) -> None:
        """The work of each reclassification step (a stream of its own each)."""
        self.work: list[Work] = [make_work(self.world, step.work, self.stream, f"step {j}")
                                 for j, step in enumerate(self.block.approvals)]

    def install(self, pipeline: Pipeline) -> None:
        """Each requisition's rethinks are drawn when it opens; a split opens another one,
        and each requisition has its own signer of every role of the chain."""
        self.horizon = pipeline.horizon
        self._open = pipeline.start_requisition
        self._close = pipeline.close_requisition
        pipeline.opened.append(self.opened)
        for step in self.block.approvals:
            pipeline.requisition_roles += step.roles

    def opened(self, req: Requisition) -> None:
        """Draw when ``req`` is rethought and how each rethink ends; start its process. (A
        split's new requisition draws its arrivals here too: :meth:`split`.)"""
        rng = self.rng
        rethinks = poisson_times(rng, HOURS_PER_YEAR / self.block.rate_per_year, req.opened,
                                 self.horizon)
        outcomes = rng.random(len(rethinks)).tolist()
        if rethinks:
            self.world.env.process(self.rethink(req, rethinks, outcomes))

    def split(self) -> None:
        """A job split in two: a second requisition opens now and draws its own candidates
        (from this mechanism's stream)."""
        assert self._open is not None
        if self.world.env.now < self.horizon:
            self._open(self.world.env.now, self.rng)

    def rethink(self, req: Requisition, times: list[float], draws: list[float]) -> Process:
        """A requisition rethought at the given times: hold, reclassify, then keep, split or
        cancel."""
        w, spec = self.world, self.block
        env = w.env
        case = f"r{w.replication}-{req.id}"  # the requisition is the case (unique overall)
        for t, u in zip(times, draws, strict=True):
            if t > env.now:
                yield env.timeout(t - env.now)
            if req.closed:
                return
            req.hold = env.event()
            scratch = Leg(env.now)
            for k, step in enumerate(spec.approvals):
                act = Activity(case, step.name or f"reclassification {k + 1}", "requirements",
                               req.id, 0)
                makers = [person_task(w, p, self.work[k], act) for p in signers(w, req, step)]
                yield from parallel(w, scratch, makers, quorum=step.quorum)
            hold, req.hold = req.hold, None
            if u < spec.cancel_probability:
                req.cancelled = True
                assert self._close is not None
                self._close(req)
            elif u < spec.cancel_probability + spec.split_probability:
                self.split()
            hold.succeed()
            if req.closed:
                return


def on_hold(w: World, req: Requisition, leg: Leg) -> Process:
    """Wait while the requisition is on hold for a requirement change (``requirements``)."""
    while req.hold is not None:
        leg.pending(None, REQUIREMENTS)
        yield req.hold
        leg.flat(w.env.now, REQUIREMENTS)
