"""Organization-level events: reorganizations that freeze hiring work, requirement changes.

A reorganization freezes the hiring work of chosen roles for a while (laid over their timelines
as ``reorganization``) and may hand every requisition to a new recruiter, who pays a hand-over.
A requirement change puts a requisition on hold while a reclassification approval chain runs;
its candidates wait at their next step (``requirements``). The job is then kept, split into two
positions (a second requisition opens and draws its own candidates), or cancelled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hiresim.stages import Process, parallel, task
from hiresim.trace import Leg

if TYPE_CHECKING:
    from hiresim.model import Replication, Requisition


def reorganization_times(rng: np.random.Generator, rate_per_year: float, span: float
                         ) -> list[float]:
    """Onsets of organization-wide reorganizations (a Poisson process over the span)."""
    mean_gap = 365.0 * 24.0 / rate_per_year
    times, t = [], 0.0
    while True:
        t += float(rng.exponential(mean_gap))
        if t >= span:
            return times
        times.append(t)


def reassign_recruiters(m: Replication, times: list[float], rng: np.random.Generator
                        ) -> Process:
    """At each reorganization, every open requisition gets another recruiter (a new contact)."""
    env = m.env
    recruiters = m.people[m.s.requisitions.recruiter_role]
    for t in times:
        if t > env.now:
            yield env.timeout(t - env.now)
        if len(recruiters) < 2:
            continue
        shift = int(rng.integers(1, len(recruiters)))
        for req in m.requisitions:
            if not req.closed:
                k = recruiters.index(req.recruiter)
                req.recruiter = recruiters[(k + shift) % len(recruiters)]
                req.handover_due = True


def rethink(m: Replication, req: Requisition, times: list[float], draws: list[float]
            ) -> Process:
    """A requisition rethought at the given times: hold, reclassify, then keep, split or cancel.
    """
    env = m.env
    spec = m.s.requirements
    assert spec is not None
    for t, u in zip(times, draws, strict=True):
        if t > env.now:
            yield env.timeout(t - env.now)
        if req.closed:
            return
        req.hold = env.event()
        scratch = Leg(env.now)
        for k, step in enumerate(spec.approvals):
            name = step.name or f"reclassification {k + 1}"
            work = m.w_reclass[k]
            makers = [_approver_task(m, req, role, work, name) for role in step.roles]
            yield from parallel(m, scratch, makers, quorum=step.quorum)
        hold, req.hold = req.hold, None
        if u < spec.cancel_probability:
            req.cancelled = True
            m.close_requisition(req)
        elif u < spec.cancel_probability + spec.split_probability:
            m.open_split(req)
        hold.succeed()
        if req.closed:
            return


def _approver_task(m: Replication, req: Requisition, role: str, work, name: str):
    person = req.approvers[role]
    case = f"r{m.replication}-{req.id}"  # the requisition is the case: unique across replications
    return lambda leg: task(m, person, work, leg, case, name, "requirements", req.id, 0)
