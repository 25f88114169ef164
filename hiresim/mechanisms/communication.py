"""``communication``: "intentional communication barriers" between the internal decision and
the candidate hearing it.

Only HR may speak (``hr_gated``: the decision travels to the recruiter first, a
:func:`handoff`); legal reviews the wording of chosen outcomes; final-round rejections may be
held until the job is filled; a rejection may never be sent (the candidate is ghosted: a
censored wait); then someone writes to the candidate. Each wait here is ``communication``,
except the people's own queues and calendars.

The ``[communication]`` block is always there (its defaults: HR-gated, a quarter-hour message);
the mechanism is the pipeline's way of telling the candidate (:attr:`Pipeline.telling
<hiresim.pipeline.Pipeline>`). Its ablation has parts: ``communication`` (told at once),
``communication_direct``, ``communication_handoff`` and ``communication_ghosting``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from hiresim.causes import COMMUNICATION, N_CAUSES
from hiresim.durations import Duration, UniformBlock
from hiresim.durations import parse_duration as duration
from hiresim.fields import Block, Outcome, Probability
from hiresim.mechanisms import Mechanism, built_in, role_problems
from hiresim.tasks import Process, Work, make_work, recruiter_handover, task
from hiresim.text import duration_words, share
from hiresim.trace import Activity, Leg

if TYPE_CHECKING:
    from hiresim.people import Person
    from hiresim.pipeline import Pipeline
    from hiresim.scenario import Scenario
    from hiresim.world import Candidate, World

NAME = "communication"


class LegalReviewSpec(Block):
    """Legal reviews outgoing decisions before the candidate hears them."""

    role: str = Field(
        "legal", description="role name of the reviewers: one per requisition (taken in turn)")
    work: Duration = Field(
        duration(1.0), description="work of one review (a bare number: working hours)")
    applies_to: list[Outcome] = Field(
        default_factory=lambda: list[Outcome](["offer", "reject"]), min_length=1,
        description="decisions reviewed: advance, offer, reject (default: offers and "
                    "rejections)")


class CommunicationSpec(Block):
    """How a decision reaches the candidate."""

    policy: Literal["hr_gated", "direct"] = Field(
        "hr_gated",
        description="hr_gated: only the recruiter may speak to candidates (the decision is "
                    "handed off to them first); direct: the hiring manager tells the candidate")
    handoff: Duration = Field(
        duration(0.0),
        description="hr_gated: elapsed time for the decision to reach the recruiter")
    message: Duration = Field(duration(0.25), description="work of writing to the candidate")
    legal_review: LegalReviewSpec | None = Field(
        None, description="legal reviews outgoing decisions before the candidate hears them "
                          "(default: no review)")
    hold_rejections_until_filled: bool = Field(
        False, description="final-round rejections wait until the job is filled or closed")
    ghost_probability: Probability = Field(
        0.0, description="probability that a rejection is never sent")


@built_in
class Communication(Mechanism):
    """One replication's communication policy: its work, and ghosting draws from the
    ``communication`` stream (shared with whether a cancelled job's candidates are told)."""

    name = NAME
    spec = CommunicationSpec
    cause = "communication"
    block: CommunicationSpec

    #: The ablation and its parts, with what each means.
    ABLATIONS: ClassVar[dict[str, str]] = {
        "communication": "decisions reach the candidate at once (direct, no hand-off, no "
                         "message, no legal review, no held rejections, no ghosting)",
        "communication_direct": "the hiring manager tells the candidate (no hand-off to the "
                                "recruiter; everything else of the communication policy kept)",
        "communication_handoff": "the hand-off to the recruiter takes no time (policy, message, "
                                 "review, held rejections and ghosting kept)",
        "communication_ghosting": "every rejection is sent (nobody is ghosted; the rest of the "
                                  "communication policy kept)",
    }

    # -- the scenario side -------------------------------------------------------------------

    @classmethod
    def block_in(cls, scenario: Scenario) -> CommunicationSpec:
        return scenario.communication

    @classmethod
    def check(cls, scenario: Scenario, spec: CommunicationSpec) -> list[tuple[str, str]]:
        if spec.legal_review is None:
            return []
        return role_problems(scenario, [("communication.legal_review.role",
                                         spec.legal_review.role)])

    @classmethod
    def ablations(cls) -> dict[str, str]:
        return dict(cls.ABLATIONS)

    @classmethod
    def switch_off(cls, data: dict[str, Any], ablation: str) -> None:
        block = data["communication"]
        if ablation == "communication":
            data["communication"] = {"policy": "direct", "handoff": 0.0, "message": 0.0}
        elif ablation == "communication_direct":
            block["policy"] = "direct"
        elif ablation == "communication_handoff":
            if block["policy"] == "hr_gated":  # direct: no hand-off to shorten
                block["handoff"] = 0.0
        elif ablation == "communication_ghosting":
            block["ghost_probability"] = 0.0

    @classmethod
    def describe(cls, scenario: Scenario, spec: CommunicationSpec
                 ) -> list[tuple[str, list[str]]]:
        said = [
            "Only the recruiter talks to candidates (decisions are handed over first)."
            if spec.policy == "hr_gated" else "Decision makers tell candidates directly.",
            f"Writing to the candidate: {duration_words(spec.message)}.",
        ]
        if spec.legal_review:
            said.append(f"Legal reviews {', '.join(spec.legal_review.applies_to)} messages "
                        f"({duration_words(spec.legal_review.work)}).")
        if spec.hold_rejections_until_filled:
            said.append("Final-round rejections wait until the job is filled.")
        if spec.ghost_probability:
            said.append(f"{share(spec.ghost_probability)} of rejections are never sent.")
        return [("Communication policy", said)]

    # -- one replication ---------------------------------------------------------------------

    def __init__(self, world: World, spec: CommunicationSpec, code: int) -> None:
        super().__init__(world, spec, code)
        self.last_round = 0
        self.silent = False

    def build(self, pipeline: Pipeline) -> None:
        """The hand-off, the message and the legal review (a stream of its own each), and
        the ghosting draws (the main stream)."""
        w, spec = self.world, self.block
        self.last_round = len(pipeline.rounds)
        self.handoff = make_work(w, spec.handoff, NAME, "handoff")
        self.message = make_work(w, spec.message, NAME, "message")
        self.legal: Work | None = (make_work(w, spec.legal_review.work, NAME, "legal review")
                                   if spec.legal_review else None)
        self.u = UniformBlock(w.streams.generator(NAME))
        #: Nothing to hand off, review, hold, ghost or send for any outcome: skipped (and no
        #: draw is made).
        self.silent = (spec.ghost_probability == 0.0 and not spec.hold_rejections_until_filled
                       and (spec.policy != "hr_gated" or self.handoff.zero)
                       and self.legal is None and self.message.zero)

    def install(self, pipeline: Pipeline) -> None:
        """The pipeline tells candidates this way; each requisition has its own reviewer."""
        pipeline.telling = self
        if self.block.legal_review is not None:
            pipeline.requisition_roles.append(self.block.legal_review.role)

    def told(self, probability: float) -> bool:
        """Whether a message that is sent with ``probability`` is sent (one draw)."""
        return self.u() < probability

    def closed_outcome(self) -> str:
        """How a candidate still waiting for an interview hears that the job was filled: a
        rejection, or nothing (ghosted) with the policy's probability."""
        ghost = self.block.ghost_probability
        return "ghosted" if ghost > 0.0 and self.u() < ghost else "rejected"

    def tell(self, c: Candidate, r: int, leg: Leg, outcome: str) -> Process:
        """Tell the candidate: hand-off, legal review, held rejections, ghosting, the message.

        Returns the outcome as the candidate hears it (``ghosted`` if they never do)."""
        w, spec, req = self.world, self.block, c.requisition
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
                    w.trace.event(Activity(c.id, "rejection held until filled",
                                           "communication", req.id, r),
                                  "", "", enabled, env.now, env.now, wt)
        if spec.policy == "hr_gated":
            if not self.handoff.zero:
                yield from handoff(w, leg, req.recruiter, self.handoff,
                                   Activity(c.id, HANDOFF_ACTIVITY, "communication", req.id, r))
            messenger = req.recruiter
        else:
            messenger = req.hiring_manager
        legal = spec.legal_review
        if self.legal is not None and legal is not None and outcome in legal.applies_to:
            yield from task(w, req.approvers[legal.role], self.legal, leg,
                            Activity(c.id, "legal review", "communication", req.id, r))
        if not self.message.zero:
            extra = recruiter_handover(w, req) if messenger is req.recruiter else 0.0
            yield from task(w, messenger, self.message, leg,
                            Activity(c.id, "tell candidate", "communication", req.id, r), extra)
        return outcome


#: The event log's name of the hand-off: a wait charged to ``communication``, not work (the
#: plots colour it so).
HANDOFF_ACTIVITY = "hand-off to recruiter"


def handoff(w: World, leg: Leg, person: Person, work: Work, act: Activity) -> Process:
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
        w.trace.event(act, person.holder(end), person.role, enabled, enabled, end, wt)
