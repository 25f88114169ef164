"""``disagreement``: decision noise — a panel whose scorecards disagree cannot decide at the
debrief and meets again.

Each panel member's scorecard carries a score: the candidate's standing plus the member's own
noise, normal with standard deviation ``score_sd`` (points of the scorecard's scale). The
spread of the panel's scores (highest minus lowest) sets the probability that the debrief ends
without a decision: 0 up to ``agree_within``, 1 from ``split_at`` on, and in between in
proportion (with ``agree_within = split_at`` a threshold: a spread above it always fails). A
debrief without a decision is followed by an extra debrief of the same people at their next
common slot; after it the hiring manager decides, by the round's advance/offer/reject shares
as always (the extra debrief delays the decision, it does not change it).

The whole wait the extra debrief adds — the slot search, off hours, the meeting itself — is
charged to the cause ``disagreement``: it is time that an agreeing panel would not have spent.
A panel of one has no spread and always decides; a round without a ``[debrief]`` has nothing
to repeat (the block needs one).

Draws: each candidate's scores and "no decision" draw per round come from this mechanism's
own stream, keyed by the candidate and the round (not by the order in which debriefs happen),
so that a what-if elsewhere leaves every panel's scores unchanged (common random numbers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field, model_validator

from hiresim.mechanisms import Mechanism, MechanismSpec, register
from hiresim.meetings import meeting
from hiresim.tasks import Process
from hiresim.trace import Activity, Leg

if TYPE_CHECKING:
    from hiresim.people import Person
    from hiresim.pipeline import Pipeline
    from hiresim.scenario import Scenario
    from hiresim.world import Candidate

NAME = "disagreement"


class DisagreementSpec(MechanismSpec):
    """Scorecard scores that disagree, and the extra debrief it takes."""

    score_sd: float = Field(
        0.5, ge=0.0, le=100.0,
        description="standard deviation of one member's score around the panel's view, in "
                    "points of the scorecard's scale (0: every member scores alike)")
    agree_within: float = Field(
        1.0, ge=0.0, le=100.0,
        description="a spread of scores (highest - lowest) up to this always gives a decision")
    split_at: float = Field(
        2.0, ge=0.0, le=100.0,
        description="a spread from this on never gives a decision at the first debrief "
                    "(between the two: in proportion); at least agree_within")
    minutes: int | None = Field(
        None, ge=1, le=8 * 60,
        description="length of the extra debrief, in minutes (default: the debrief's)")

    @model_validator(mode="after")
    def _ordered(self) -> DisagreementSpec:
        if self.split_at < self.agree_within:
            raise ValueError(f"split_at ({self.split_at:g}) must be at least agree_within "
                             f"({self.agree_within:g})")
        return self

    def no_decision(self, scores: np.ndarray | list[float]) -> float:
        """Probability that a debrief with these scores ends without a decision."""
        if len(scores) < 2:
            return 0.0
        spread = float(np.max(scores) - np.min(scores))
        if spread <= self.agree_within:
            return 0.0
        if spread >= self.split_at:
            return 1.0
        return (spread - self.agree_within) / (self.split_at - self.agree_within)


@register
class Disagreement(Mechanism):
    """An extra debrief after a debrief whose panel's scores are too far apart."""

    name = NAME
    spec = DisagreementSpec
    cause = "disagreement"
    switched_off = "every debrief ends with a decision (panels agree)"
    block: DisagreementSpec

    @classmethod
    def describe(cls, scenario: Scenario, spec: DisagreementSpec
                 ) -> list[tuple[str, list[str]]]:
        """The block in plain words, for the HR report's assumptions."""
        extra = f" ({spec.minutes} minutes)" if spec.minutes else ""
        return [("Panels that disagree", [
            f"Interviewers' scores differ by about {spec.score_sd:g} points (standard "
            f"deviation); a panel whose scores are more than {spec.agree_within:g} points "
            f"apart may not decide at the debrief, and one {spec.split_at:g} points apart or "
            f"more always meets again{extra}."])]

    def __init__(self, world: Any, spec: Any, code: int) -> None:
        super().__init__(world, spec, code)
        self.minutes = 30
        self.panels: list[int] = []

    def install(self, pipeline: Pipeline) -> None:
        super().install(pipeline)
        s = pipeline.s
        assert s.debrief is not None  # checked with the scenario
        self.minutes = self.block.minutes or s.debrief.minutes
        self.panels = [rnd.panel for rnd in s.rounds]
        pipeline.after_debrief.append(self.after_debrief)

    def draws(self, candidate: Candidate, rnd: int) -> tuple[np.ndarray, float]:
        """The panel's scores and the "no decision" uniform of a candidate's round."""
        rng = self.world.streams.generator(self.stream, f"{candidate.id} round {rnd}")
        scores = rng.normal(0.0, self.block.score_sd, self.panels[rnd - 1])
        return scores, float(rng.random())

    def after_debrief(self, candidate: Candidate, rnd: int, leg: Leg,
                      attendees: list[Person]) -> Process:
        """Hold an extra debrief if the panel could not decide (charged to ``disagreement``)."""
        spec = self.block
        if spec.score_sd == 0.0 or self.panels[rnd - 1] < 2:
            return
        scores, u = self.draws(candidate, rnd)
        if u >= spec.no_decision(scores):
            return
        w, req = self.world, candidate.requisition
        leg.pending(None, self.code)
        yield from meeting(w, attendees, req.hiring_manager, self.minutes, Leg(w.env.now),
                           Activity(candidate.id, "extra debrief", "debrief", req.id, rnd),
                           candidate=False)
        leg.flat(w.env.now, self.code)

    @classmethod
    def check(cls, scenario: Scenario, spec: Any) -> list[tuple[str, str]]:
        if scenario.debrief is None:
            return [(NAME, "decision noise shows at the debrief: the scenario needs a "
                           "[debrief] block")]
        return []
