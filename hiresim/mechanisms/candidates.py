"""``candidates``: what candidates do while they wait — write in after days of silence, and
withdraw (accept another job) when their patience runs out.

Patience (per round) and follow-up answer draws are made when the candidate arrives, from the
``candidates`` stream, so a what-if that changes the company's side leaves them unchanged.
During a wait for feedback, a follow-up is answered with a probability that depends on the
communication policy (an answer is news: patience starts over); a candidate whose patience
ends withdraws, which ends the wait without feedback (censored) while the company's work goes
on until it tries to tell them.

The ``[candidates]`` block is always there: it also says how candidates arrive (which the
pipeline reads); the mechanism runs when it has ``follow_up`` or ``patience``, and it is the
pipeline's :attr:`~hiresim.pipeline.Pipeline.behaviour`. It has no ablation: what candidates do
is not a delay of the company's (their withdrawals end waits; they do not lengthen any).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from hiresim.durations import Duration
from hiresim.durations import parse_duration as duration
from hiresim.fields import MIN_FOLLOW_UP_DAYS, Block, Policy, Probability, Real, Whole
from hiresim.mechanisms import Mechanism, built_in
from hiresim.spells import elapsed_hours
from hiresim.text import duration_words, plural, share
from hiresim.trace import Activity

if TYPE_CHECKING:
    import numpy as np

    from hiresim.pipeline import Pipeline
    from hiresim.scenario import Scenario
    from hiresim.world import Candidate, World

NAME = "candidates"

#: Follow-up answer draws kept per candidate (used in turn, cyclically).
ANSWER_DRAWS = 8


class CandidateSpec(Block):
    """Candidates: how they arrive at an open requisition, and what they do while they wait
    (the ``candidates`` mechanism: follow-ups after silence, withdrawal when patience ends)."""

    arrivals: Literal["poisson", "regular"] = Field(
        "poisson", description="poisson: random arrivals at the rate; regular: evenly spaced")
    rate_per_week: Real = Field(gt=0.0, le=10_000.0,
                                description="candidates per open requisition per week")
    max_per_requisition: Whole | None = Field(
        None, ge=1, description="arrivals stop after this many candidates (default: no limit)")
    follow_up: FollowUpSpec | None = Field(
        None, description="candidates write in after days of silence (default: they do not)")
    patience: PatienceSpec | None = Field(
        None, description="candidates withdraw when their patience ends (default: never)")

    @property
    def follows_up_or_withdraws(self) -> bool:
        return self.follow_up is not None or self.patience is not None


class FollowUpSpec(Block):
    """Candidates who hear nothing write in after some days, and again later."""

    first_after_days: Real = Field(7.0, ge=MIN_FOLLOW_UP_DAYS, le=365.0,
                                   description="days of silence before the first follow-up")
    every_days: Real = Field(7.0, ge=MIN_FOLLOW_UP_DAYS, le=365.0,
                             description="days between follow-ups")
    answer_probability: dict[Policy, Probability] = Field(
        default_factory=lambda: dict[Policy, float]({"hr_gated": 0.5, "direct": 0.8}),
        description="probability that a follow-up is answered, by communication policy "
                    "(an answer is news: patience starts over; a policy left out: never)")


class PatienceSpec(Block):
    """How long a candidate waits without news before withdrawing ("keep looking!").

    The defaults of this block reproduce a survey of candidates *losing interest* without an
    update (23 % by 7 days, 62-69 % by 14, 77 % by 21): an upper bound of withdrawal. The
    presets model withdrawal as taking another job instead (docs/explanation/presets.md)."""

    days: Duration = Field(
        duration({"dist": "lognormal", "median": 9.1, "p90": 16.6, "unit": "calendar_days"}),
        description="patience of those who would withdraw, from the last news (default: "
                    "the survey of candidates losing interest, an upper bound)")
    never_withdraw: Probability = Field(0.2, description="share who never withdraw")


@built_in
class Candidates(Mechanism):
    """One replication's candidate behaviour: patience and follow-ups."""

    name = NAME
    spec = CandidateSpec
    block: CandidateSpec

    # -- the scenario side -------------------------------------------------------------------

    @classmethod
    def block_in(cls, scenario: Scenario) -> CandidateSpec:
        return scenario.candidates

    @classmethod
    def active(cls, scenario: Scenario, block: CandidateSpec) -> bool:
        """Only when candidates follow up or withdraw (else they just wait)."""
        return block.follows_up_or_withdraws

    @classmethod
    def ablations(cls) -> dict[str, str]:
        """None: candidates' behaviour ends waits, it does not lengthen them."""
        return {}

    @classmethod
    def describe(cls, scenario: Scenario, spec: CandidateSpec) -> list[tuple[str, list[str]]]:
        said = []
        if spec.follow_up:
            said.append(f"Candidates write in after "
                        f"{plural(spec.follow_up.first_after_days, 'day')} of silence, then "
                        f"every {plural(spec.follow_up.every_days, 'day')}.")
        if spec.patience:
            said.append(f"Candidates without news withdraw after "
                        f"{duration_words(spec.patience.days)}; "
                        f"{share(spec.patience.never_withdraw)} never withdraw.")
        return [("Candidates", said)] if said else []

    # -- one replication ---------------------------------------------------------------------

    def __init__(self, world: World, spec: CandidateSpec, code: int) -> None:
        super().__init__(world, spec, code)
        self.rounds = 0
        #: Probability that a follow-up is answered under the scenario's policy.
        self.answer_probability = 0.0

    def install(self, pipeline: Pipeline) -> None:
        """The pipeline draws each candidate's behaviour when they arrive and starts their
        clock after each interview; follow-ups are answered as the policy says."""
        self.rounds = len(pipeline.rounds)
        fu = self.block.follow_up
        policy = pipeline.s.communication.policy
        self.answer_probability = 0.0 if fu is None else fu.answer_probability.get(policy, 0.0)
        pipeline.behaviour = self

    def draws(self, n: int, rng: np.random.Generator | None = None
              ) -> list[tuple[list[float], list[float]]]:
        """Per candidate: patience (hours) for each round, and follow-up answer draws (from
        the ``candidates`` stream, or ``rng``: a forecast's candidates already in process)."""
        b, rounds = self.block, self.rounds
        rng = self.rng if rng is None else rng
        patience = [[math.inf] * rounds for _ in range(n)]
        if b.patience is not None:
            spec = b.patience.days
            hours = spec.sample(rng, n * rounds) * elapsed_hours(spec.unit)
            never = rng.random(n * rounds) < b.patience.never_withdraw
            hours[never] = math.inf
            patience = hours.reshape(n, rounds).tolist()
        answers = rng.random((n, ANSWER_DRAWS)).tolist()
        return list(zip(patience, answers, strict=True))

    def watch(self, c: Candidate, r: int) -> None:
        """Start the candidate's clock: follow-ups after silence, withdrawal when patience
        ends."""
        b = self.block
        c.news_at = self.world.env.now
        if b.patience is not None and math.isfinite(c.patience[r - 1]):
            self._at(c.patience[r - 1], self._patience_check, c, r, c.news_at)
        if b.follow_up is not None:
            self._at(b.follow_up.first_after_days * 24.0, self._follow_up, c, r, 0)

    def watch_next_round(self, c: Candidate, r: int) -> None:
        """After an ``advance`` (news), patience runs until the next interview is booked (the
        candidate then knows its date): one who hears nothing for their next round's patience
        withdraws."""
        b = self.block
        c.news_at = self.world.env.now
        if b.patience is not None and r < self.rounds and math.isfinite(c.patience[r]):
            self._at(c.patience[r], self._between_rounds_check, c, r, c.news_at)

    def _between_rounds_check(self, c: Candidate, r: int, news_at: float) -> None:
        if (c.rounds == r and c.booked == r and c.journey is None and c.news_at == news_at
                and not c.withdrawn):
            c.withdrawn = True

    def _at(self, delay: float, fn: Callable[..., None], *args: Any) -> None:
        """Call ``fn(*args)`` after ``delay`` hours (a bare timeout callback, no process)."""
        env = self.world.env
        if env.now + delay < self.world.end:
            env.timeout(delay).callbacks.append(lambda _event: fn(*args))

    def _patience_check(self, c: Candidate, r: int, news_at: float) -> None:
        if c.journey is None or c.journey[0] != r or c.news_at != news_at or c.withdrawn:
            return
        _, start, leg = c.journey
        now = self.world.env.now
        self.world.trace.journey(c.id, r, c.requisition.id, start, now, math.nan, "withdrawn",
                                 leg.snapshot(now))
        c.withdrawn = True

    def _follow_up(self, c: Candidate, r: int, k: int) -> None:
        if c.journey is None or c.journey[0] != r or c.withdrawn:
            return
        b, w = self.block, self.world
        assert b.follow_up is not None
        now = w.env.now
        req = c.requisition
        answered = c.answers[k % len(c.answers)] < self.answer_probability
        if w.event_log:
            person = req.recruiter
            what = "follow-up answered" if answered else "follow-up unanswered"
            w.trace.event(Activity(c.id, what, "follow-up", req.id, r), person.holder(now),
                          person.role, now, now, now, [0.0] * len(c.journey[2].acc))
        if answered:
            c.news_at = now
            if b.patience is not None and math.isfinite(c.patience[r - 1]):
                self._at(c.patience[r - 1], self._patience_check, c, r, now)
        self._at(b.follow_up.every_days * 24.0, self._follow_up, c, r, k + 1)

