"""Write docs/reference/scenario.md from the scenario schema.

Run: python docs/gen_scenario_reference.py. The page is generated so that it cannot drift from
the code; tests/test_docs.py checks it is up to date.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Annotated, Any, ForwardRef, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from hiresim import scenario as sc
from hiresim.busy import CalendarBlocksSpec
from hiresim.durations import parse_duration
from hiresim.mechanisms import disagreement, recurring_meetings, season

HEADER = """# Scenario file reference

A scenario is a TOML file validated against these tables before anything runs. Unknown keys are
errors (with a did-you-mean). Optional blocks are **off when absent**. Durations are tables
such as `{ dist = "lognormal", median = 2, p90 = 6, unit = "working_hours" }` or a bare number
of working hours (see [durations](durations.md)). `hiresim schema` prints the JSON Schema for
editor completion; `hiresim validate FILE` checks a file.

Blocks of registered user mechanisms (see [add a delay source](../how-to/add-a-mechanism.md))
are top-level tables under the mechanism's name, validated by the mechanism's own model; they
are not listed here, except those shipped with hiresim (`season`, `disagreement`).

This page is generated from the code by `docs/gen_scenario_reference.py`.
"""


def _type(annotation: Any) -> str:
    if "Duration" in repr(annotation):
        return "duration or None" if "None" in repr(annotation) else "duration"
    return _name(annotation)


def _name(annotation: Any) -> str:
    """A type as a reader writes it: ``int or None``, ``list[float]``, ``Literal['a', 'b']``;
    validators and constraints (``Annotated`` metadata) are left out."""
    if annotation is type(None):
        return "None"
    if isinstance(annotation, ForwardRef):
        return annotation.__forward_arg__.replace(" | ", " or ")
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _name(args[0])
    if origin in (Union, types.UnionType):
        return " or ".join(_name(a) for a in args)
    if origin is Literal:
        return "Literal[" + ", ".join(repr(a) for a in args) + "]"
    if origin is not None:
        inner = ", ".join("..." if a is Ellipsis else _name(a) for a in args)
        return f"{getattr(origin, '__name__', str(origin))}[{inner}]"
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def _duration(value: Any) -> str:
    """A duration default as it would be written in TOML (the same whether the schema gives it
    as a number, a dict or a parsed duration)."""
    spec = parse_duration(value)
    data = spec.model_dump(exclude_none=True)
    if data["dist"] == "constant" and data["unit"] == "working_hours":
        return f"`{data['value']!r}`"
    unit = data.pop("unit")
    items = [("dist", data.pop("dist")), *data.items(), ("unit", unit)]
    inner = ", ".join(f"{k} = {v!r}".replace("'", '"') for k, v in items)
    return f"`{{ {inner} }}`"


def _default(field: Any) -> str:
    if field.is_required():
        return "**required**"
    value = field.get_default(call_default_factory=True)
    if value is not None and "Duration" in repr(field.annotation):
        return _duration(value)
    if isinstance(value, BaseModel):
        return "(table)"
    text = repr(value)
    return f"`{text}`" if len(text) < 50 else "(see default.toml)"


def section(name: str, model: type[BaseModel]) -> list[str]:
    # Resolve forward references (a block typed by a model defined further down), so that
    # the page is the same whether or not a scenario was validated before it is rendered.
    model.model_rebuild()
    paragraph = (model.__doc__ or "").strip().split("\n\n")[0]
    doc = " ".join(line.strip() for line in paragraph.splitlines())
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
    ("roles.NAME.calendar_blocks", CalendarBlocksSpec),
    ("requisitions", sc.RequisitionSpec),
    ("candidates", sc.CandidateSpec),
    ("candidates.follow_up", sc.FollowUpSpec),
    ("candidates.patience", sc.PatienceSpec),
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
    ("absence", sc.AbsenceSpec),
    ("continuity", sc.ContinuitySpec),
    ("continuity.default / continuity.roles.NAME", sc.ContinuityRule),
    ("priority", sc.PrioritySpec),
    ("turnover", sc.TurnoverSpec),
    ("reorganization", sc.ReorganizationSpec),
    ("requirements", sc.RequirementsSpec),
    # mechanisms shipped on the extension point (hiresim.mechanisms.SHIPPED)
    ("season", season.SeasonSpec),
    ("[[season.periods]]", season.PeriodSpec),
    ("[[season.freezes]]", season.FreezeSpec),
    ("disagreement", disagreement.DisagreementSpec),
    ("recurring_meetings", recurring_meetings.RecurringMeetingsSpec),
    ("[[recurring_meetings.meetings]]", recurring_meetings.MeetingSpec),
]


def renamed() -> list[str]:
    """The old block and ablation names that are still read, from ``RENAMED`` and
    ``RENAMED_SOURCES``."""
    lines = [
        "## Old names",
        "",
        "These names are still read, with a `hiresim.scenario.HiresimDeprecationWarning` "
        "(a `FutureWarning`) that names the new one; the scenario is the same as with the "
        "new name. Giving a block under both names is an error.",
        "",
        "| old | new |",
        "|---|---|",
    ]
    for old, new in sc.RENAMED.items():
        targets = " and ".join(f"`[{part.strip()}]`" for part in new.split(" and "))
        lines.append(f"| `[{old}]` | {targets} |")
    for old, new in sc.RENAMED_SOURCES.items():
        lines.append(f'| `without("{old}")` (ablation) | `without("{new}")` |')
    return [*lines, ""]


def render() -> str:
    lines = [HEADER]
    for name, model in TABLES:
        lines += section(name, model)
    lines += renamed()
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    target = Path(__file__).parent / "reference" / "scenario.md"
    target.write_text(render())
    sys.stdout.write(f"wrote {target}\n")
