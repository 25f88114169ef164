"""``communication``: "intentional communication barriers" between the internal decision and
the candidate hearing it.

Only HR may speak (``hr_gated``: the decision travels to the recruiter first, a
:func:`handoff`); legal reviews the wording of chosen outcomes; final-round rejections may be
held until the job is filled; a rejection may never be sent (the candidate is ghosted: a
censored wait); then someone writes to the candidate. Each wait here is ``communication``,
except the people's own queues and calendars.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hiresim.causes import COMMUNICATION, N_CAUSES
from hiresim.durations import UniformBlock
from hiresim.mechanisms.reorganization import Reorganization, recruiter_handover
from hiresim.tasks import Process, Work, make_work, task
from hiresim.trace import Leg

if TYPE_CHECKING:
    from hiresim.people import Person
    from hiresim.scenario import CommunicationSpec
    from hiresim.world import Candidate, World

NAME = "communication"


class Communication:
    """One replication's communication policy: its work, and ghosting draws from the
    ``communication`` stream (shared with whether a cancelled job's candidates are told)."""

    __slots__ = ("handoff", "last_round", "legal", "message", "reorganization", "silent", "spec",
                 "u", "world")

    def __init__(self, world: World, spec: CommunicationSpec, last_round: int) -> None:
        self.world = world
        self.spec = spec
        self.last_round = last_round
        self.handoff = make_work(world, spec.handoff)
        self.message = make_work(world, spec.message)
        self.legal: Work | None = (make_work(world, spec.legal_review.work)
                                   if spec.legal_review else None)
        self.u = UniformBlock(world.streams.generator(NAME))
        #: Nothing to hand off, review, hold, ghost or send for any outcome: skipped (and no
        #: draw is made).
        self.silent = (spec.ghost_probability == 0.0 and not spec.hold_rejections_until_filled
                       and (spec.policy != "hr_gated" or self.handoff.zero)
                       and self.legal is None and self.message.zero)
        #: Set by the model: a recruiter new to the requisition reads up before writing.
        self.reorganization: Reorganization | None = None

    def told(self, probability: float) -> bool:
        """Whether a message that is sent with ``probability`` is sent (one draw)."""
        return self.u() < probability

    def tell(self, c: Candidate, r: int, leg: Leg, outcome: str) -> Process:
        """Tell the candidate: hand-off, legal review, held rejections, ghosting, the message.

        Returns the outcome as the candidate hears it (``ghosted`` if they never do)."""
        w, spec, req = self.world, self.spec, c.requisition
        env = w.env
        if outcome == "reject":
            if spec.ghost_probability > 0.0 and self.u() < spec.ghost_probability:
                return "ghosted"
            if spec.hold_rejections_until_filled and r == self.last_round and not req.closed:
                enabled = env.now
                leg.pending(None, COMMUNICATION)
                yield req.closed_event
                leg.flat(env.now, COMMUNICATION)
                if w.event_log:
                    wt = [0.0] * N_CAUSES
                    wt[COMMUNICATION] = env.now - enabled
                    w.trace.event(c.id, "rejection held until filled", "", "", enabled,
                                  env.now, env.now, "communication", req.id, r, wt)
        if spec.policy == "hr_gated":
            if not self.handoff.zero:
                yield from handoff(w, leg, req.recruiter, self.handoff, c.id, req.id, r)
            messenger = req.recruiter
        else:
            messenger = req.hiring_manager
        legal = spec.legal_review
        if self.legal is not None and legal is not None and outcome in legal.applies_to:
            yield from task(w, req.approvers[legal.role], self.legal, leg, c.id, "legal review",
                            "communication", req.id, r)
        if not self.message.zero:
            extra = (recruiter_handover(self.reorganization, req)
                     if messenger is req.recruiter else 0.0)
            yield from task(w, messenger, self.message, leg, c.id, "tell candidate",
                            "communication", req.id, r, extra)
        return outcome


#: The event log's name of the hand-off: a wait charged to ``communication``, not work (the
#: plots colour it so).
HANDOFF_ACTIVITY = "hand-off to recruiter"


def handoff(w: World, leg: Leg, person: Person, work: Work, case: str, requisition: str,
            rnd: int) -> Process:
    """The decision travels to the person allowed to tell the candidate: ``communication``."""
    env = w.env
    enabled = env.now
    hours, working = work.amount(person)
    timeline = person.timeline
    end = timeline.add_open(enabled, hours) if working else enabled + hours
    leg.pending(timeline if working else None, COMMUNICATION)
    if end > enabled:
        yield env.timeout(end - enabled)
    if working:
        leg.charge(end, timeline, COMMUNICATION)
    else:
        leg.flat(end, COMMUNICATION)
    if w.event_log:
        wt = [0.0] * N_CAUSES
        w.trace.event(case, HANDOFF_ACTIVITY, person.holder(end), person.role,
                      enabled, enabled, end, "communication", requisition, rnd, wt)
