"""Write docs/reference/scenario.md from the scenario schema.

Run: python docs/gen_scenario_reference.py. The page is generated so that it cannot drift from
the code; tests/test_docs.py checks it is up to date.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from hiresim import scenario as sc

HEADER = """# Scenario file reference

A scenario is a TOML file validated against these tables before anything runs. Unknown keys are
errors (with a did-you-mean). Optional blocks are **off when absent**. Durations are tables
such as `{ dist = "lognormal", median = 2, p90 = 6, unit = "working_hours" }` or a bare number
of working hours (see [durations](durations.md)). `hiresim schema` prints the JSON Schema for
editor completion; `hiresim validate FILE` checks a file.

This page is generated from the code by `docs/gen_scenario_reference.py`.
"""


def _type(annotation: Any) -> str:
    text = repr(annotation).replace("typing.", "").replace("hiresim.scenario.", "")
    text = text.replace("<class '", "").replace("'>", "")
    if "Duration" in text:
        return "duration or None" if "None" in text else "duration"
    text = text.replace("Annotated[", "").replace("NoneType", "None")[:60]
    return text.replace(" | ", " or ")


def _default(field: Any) -> str:
    if field.is_required():
        return "**required**"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return "(table)"
    text = repr(value)
    return f"`{text}`" if len(text) < 50 else "(see default.toml)"


def section(name: str, model: type[BaseModel]) -> list[str]:
    doc = (model.__doc__ or "").strip().splitlines()[0]
    lines = [f"## `{name}`", "", doc, "", "| key | type | default | meaning |", "|---|---|---|---|"]
    for key, field in model.model_fields.items():
        alias = field.alias or key
        meaning = (field.description or "").replace("|", "/")
        lines.append(f"| `{alias}` | {_type(field.annotation)} | {_default(field)} | {meaning} |")
    return [*lines, ""]


TABLES: list[tuple[str, type[BaseModel]]] = [
    ("(top level)", sc.Scenario),
    ("calendars.NAME", sc.CalendarSpec),
    ("roles.NAME", sc.RoleSpec),
    ("requisitions", sc.RequisitionSpec),
    ("candidates", sc.CandidateSpec),
    ("screening", sc.ScreeningSpec),
    ("[[rounds]]", sc.RoundSpec),
    ("rounds.decision", sc.DecisionProbabilities),
    ("scorecards", sc.ScorecardSpec),
    ("debrief", sc.DebriefSpec),
    ("decision", sc.DecisionSpec),
    ("approvals", sc.ApprovalsSpec),
    ("[[approvals.steps]]", sc.ApprovalStep),
    ("approvals.steps.committee", sc.CommitteeSpec),
    ("communication", sc.CommunicationSpec),
    ("communication.legal_review", sc.LegalReviewSpec),
    ("scheduling", sc.SchedulingSpec),
    ("offers", sc.OfferSpec),
    ("absences", sc.AbsenceSpec),
    ("continuity", sc.ContinuitySpec),
    ("continuity.default / continuity.roles.NAME", sc.ContinuityRule),
    ("priority_shifts", sc.PrioritySpec),
    ("turnover", sc.TurnoverSpec),
    ("reorganizations", sc.ReorganizationSpec),
    ("requirements", sc.RequirementsSpec),
    ("behaviour", sc.CandidateBehaviourSpec),
    ("behaviour.follow_up", sc.FollowUpSpec),
    ("behaviour.patience", sc.PatienceSpec),
]


def render() -> str:
    lines = [HEADER]
    for name, model in TABLES:
        lines += section(name, model)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    target = Path(__file__).parent / "reference" / "scenario.md"
    target.write_text(render())
    sys.stdout.write(f"wrote {target}\n")
