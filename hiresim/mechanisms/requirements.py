"""``requirements``: "requirements change" — a requisition is rethought: reclassified, split
into two positions, or cancelled.

Rethinks come as a Poisson process per open requisition. While one is in progress the
requisition is on hold: its candidates wait at their next step (:func:`gate`, charged to
``requirements``) until a reclassification approval chain completes. The job is then kept,
split (a second requisition opens and draws its own candidates), or cancelled (its candidates
are told, or not).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from hiresim.causes import REQUIREMENTS
from hiresim.mechanisms.approvals import signers
from hiresim.spells import HOURS_PER_YEAR, poisson_times
from hiresim.tasks import Process, Work, make_work, parallel, person_task
from hiresim.trace import Leg

if TYPE_CHECKING:
    from hiresim.scenario import RequirementsSpec
    from hiresim.world import Requisition, World

NAME = "requirements"


class Requirements:
    """One replication's requirement changes: draws from the ``requirements`` stream."""

    __slots__ = ("rng", "spec", "work", "world")

    def __init__(self, world: World, spec: RequirementsSpec) -> None:
        self.world = world
        self.spec = spec
        #: Work of each reclassification step, in order.
        self.work: list[Work] = [make_work(world, step.work) for step in spec.approvals]
        #: Rethink times and outcomes; a split's new requisition draws its arrivals here too.
        self.rng: np.random.Generator = world.streams.generator(NAME)

    def start(self, req: Requisition, horizon: float,
              open_split: Callable[[Requisition], None],
              close: Callable[[Requisition], None]) -> None:
        """Draw when ``req`` is rethought and how each rethink ends; start its process."""
        rethinks = poisson_times(self.rng, HOURS_PER_YEAR / self.spec.rate_per_year,
                                 req.opened, horizon)
        outcomes = self.rng.random(len(rethinks)).tolist()
        if rethinks:
            self.world.env.process(self.rethink(req, rethinks, outcomes, open_split, close))

    def rethink(self, req: Requisition, times: list[float], draws: list[float],
                open_split: Callable[[Requisition], None],
                close: Callable[[Requisition], None]) -> Process:
        """A requisition rethought at the given times: hold, reclassify, then keep, split or
        cancel."""
        w, spec = self.world, self.spec
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
                name = step.name or f"reclassification {k + 1}"
                makers = [person_task(w, p, self.work[k], case, name, "requirements", req.id,
                                      0) for p in signers(w, req, step)]
                yield from parallel(w, scratch, makers, quorum=step.quorum)
            hold, req.hold = req.hold, None
            if u < spec.cancel_probability:
                req.cancelled = True
                close(req)
            elif u < spec.cancel_probability + spec.split_probability:
                open_split(req)
            hold.succeed()
            if req.closed:
                return


def gate(w: World, req: Requisition, leg: Leg) -> Process:
    """Wait while the requisition is on hold for a requirement change (``requirements``)."""
    while req.hold is not None:
        leg.pending(None, REQUIREMENTS)
        yield req.hold
        leg.flat(w.env.now, REQUIREMENTS)
