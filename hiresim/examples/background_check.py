"""A user's own delay source: a background check between the offer's approval and the offer.

Written as a user would write it, against the public extension point only
(docs/how-to/add-a-mechanism.md walks through it). Importing this module registers it: a
scenario may then have a ``[background_check]`` block, results gain ``delay_background_check``
and ``wt_background_check`` columns, and ``without("background_check")`` switches it off.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from hiresim.durations import Duration, DurationSpec, Sampler, parse_duration, to_hours
from hiresim.mechanisms import Mechanism, MechanismSpec, register
from hiresim.tasks import Process, wait_until
from hiresim.text import duration_words, share
from hiresim.trace import Leg
from hiresim.world import Candidate


class BackgroundCheckSpec(MechanismSpec):
    """An outside vendor checks references and records before the offer goes out."""

    days: Duration = Field(
        parse_duration({"dist": "lognormal", "median": 4, "p90": 10, "unit": "calendar_days"}),
        description="the vendor's turnaround (elapsed time)")
    share: float = Field(1.0, ge=0.0, le=1.0, description="share of offers that are checked")

    @field_validator("days")
    @classmethod
    def _elapsed(cls, days: DurationSpec) -> DurationSpec:
        if days.unit not in ("calendar_days", "hours"):
            raise ValueError("the vendor works on the wall clock: use calendar_days or hours")
        return days


@register
class BackgroundCheck(Mechanism):
    """Offers wait for the vendor's check; the wait is charged to ``background_check``."""

    name = "background_check"
    spec = BackgroundCheckSpec
    cause = "background_check"
    switched_off = "offers go out without a background check"
    block: BackgroundCheckSpec  # the scenario's block, typed

    @classmethod
    def describe(cls, scenario: Any, spec: BackgroundCheckSpec) -> list[tuple[str, list[str]]]:
        who = ("Every offer waits" if spec.share == 1.0 else "No offer waits"
               if spec.share == 0.0 else f"{share(spec.share)} of offers wait")
        return [("Background checks", [f"{who} for an outside vendor's background check "
                                       f"({duration_words(spec.days)})."])]

    def start(self) -> None:
        # one sampler and one Bernoulli stream per replication, both from the mechanism's
        # own stream (switching it off changes no other draw)
        self.turnaround = Sampler(self.block.days, self.rng)

    def step(self, candidate: Candidate, rnd: int, leg: Leg, outcome: str) -> Process | None:
        if outcome != "offer" or self.rng.random() >= self.block.share:
            return None
        hours, _ = to_hours(self.turnaround(), self.block.days.unit, 24.0)
        return wait_until(self.world, leg, self.world.env.now + hours, self.code)
