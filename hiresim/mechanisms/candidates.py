"""``candidates``: what candidates do while they wait — write in after days of silence, and
withdraw (accept another job) when their patience runs out.

Patience (per round) and follow-up answer draws are made when the candidate arrives, from the
``candidates`` stream, so a what-if that changes the company's side leaves them unchanged.
During a wait for feedback, a follow-up is answered with a probability that depends on the
communication policy (an answer is news: patience starts over); a candidate whose patience
ends withdraws, which ends the wait without feedback (censored) while the company's work goes
on until it tries to tell them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hiresim.spells import elapsed_hours

if TYPE_CHECKING:
    import numpy as np

    from hiresim.scenario import CandidateSpec, Policy
    from hiresim.world import Candidate, World

NAME = "candidates"

#: Follow-up answer draws kept per candidate (used in turn, cyclically).
ANSWER_DRAWS = 8


class Candidates:
    """One replication's candidate behaviour: patience and follow-ups."""

    __slots__ = ("answer_probability", "rng", "rounds", "spec", "world")

    def __init__(self, world: World, spec: CandidateSpec, rounds: int,
                 policy: Policy) -> None:
        self.world = world
        self.spec = spec
        self.rounds = rounds
        self.rng = world.streams.generator(NAME)
        fu = spec.follow_up
        #: Probability that a follow-up is answered under the scenario's policy.
        self.answer_probability = 0.0 if fu is None else fu.answer_probability.get(policy, 0.0)

    def draws(self, n: int, rng: np.random.Generator | None = None
              ) -> list[tuple[list[float], list[float]]]:
        """Per candidate: patience (hours) for each round, and follow-up answer draws (from
        the ``candidates`` stream, or ``rng``: a forecast's candidates already in process)."""
        b, rounds = self.spec, self.rounds
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
        b = self.spec
        c.news_at = self.world.env.now
        if b.patience is not None and math.isfinite(c.patience[r - 1]):
            self._at(c.patience[r - 1], self._patience_check, c, r, c.news_at)
        if b.follow_up is not None:
            self._at(b.follow_up.first_after_days * 24.0, self._follow_up, c, r, 0)

    def watch_next_round(self, c: Candidate, r: int) -> None:
        """After an ``advance`` (news), patience runs until the next interview is booked (the
        candidate then knows its date): one who hears nothing for their next round's patience
        withdraws."""
        b = self.spec
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
        b, w = self.spec, self.world
        assert b.follow_up is not None
        now = w.env.now
        req = c.requisition
        answered = c.answers[k % len(c.answers)] < self.answer_probability
        if w.event_log:
            person = req.recruiter
            w.trace.event(c.id, "follow-up answered" if answered else "follow-up unanswered",
                          person.holder(now), person.role, now, now, now, "follow-up", req.id,
                          r, [0.0] * len(c.journey[2].acc))
        if answered:
            c.news_at = now
            if b.patience is not None and math.isfinite(c.patience[r - 1]):
                self._at(c.patience[r - 1], self._patience_check, c, r, now)
        self._at(b.follow_up.every_days * 24.0, self._follow_up, c, r, k + 1)


def no_draws(n: int) -> list[tuple[list[float], list[float]]]:
    """What :meth:`Candidates.draws` gives when candidates neither follow up nor withdraw."""
    return [([], [])] * n


