"""Scenarios: what a company's post-interview process looks like, validated before anything runs.

A scenario is a TOML file (or a dict) checked by pydantic v2 models that forbid unknown keys.
Every problem is reported at once, before any simulation starts, as ``FILE: path.to.field:
message`` with a did-you-mean for misspelt keys and unknown role names and, for files, the
line where the offending key stands. :func:`load_scenario` is the one entry point; presets are
scenario files embedded in the package (:func:`preset`, :func:`presets`).

The package's modules, one job each: :mod:`~hiresim.scenario.schema` (the blocks and their
fields), :mod:`~hiresim.scenario.loading` (files, TOML, old names, messages),
:mod:`~hiresim.scenario.checks` (cross-checks), :mod:`~hiresim.scenario.edits` (overrides
and ablations), :mod:`~hiresim.scenario.library` (presets, :func:`as_scenario`, JSON
Schema) and :mod:`~hiresim.scenario.sizing` (how big a run will be).
"""

from hiresim.deprecation import HiresimDeprecationWarning
from hiresim.fields import WEEKDAYS, WORKWEEK, Policy
from hiresim.scenario.checks import calendar_from_spec, check_references, longest_meeting
from hiresim.scenario.edits import (
    DELAY_SOURCES,
    RENAMED_SOURCES,
    UNLIMITED,
    delay_sources,
    with_overrides,
    without,
)
from hiresim.scenario.library import (
    PRESET_PREFIX,
    as_scenario,
    json_schema,
    preset,
    preset_description,
    presets,
)
from hiresim.scenario.loading import (
    MAX_FILE_BYTES,
    MAX_NESTING,
    RENAMED,
    decode_utf8,
    load_scenario,
    parse_toml,
    read_text_file,
    validate,
)
from hiresim.scenario.schema import (
    AbsenceSpec,
    ApprovalsSpec,
    ApprovalStep,
    CalendarSpec,
    CandidateSpec,
    CommitteeSpec,
    CommunicationSpec,
    ContinuityRule,
    ContinuitySpec,
    DebriefSpec,
    DecisionProbabilities,
    DecisionSpec,
    FollowUpSpec,
    LegalReviewSpec,
    OfferSpec,
    PatienceSpec,
    PrioritySpec,
    ReorganizationSpec,
    RequirementsSpec,
    RequisitionSpec,
    RoleSpec,
    RoundSpec,
    Scenario,
    ScenarioError,
    SchedulingSpec,
    ScorecardSpec,
    ScreeningSpec,
    TurnoverSpec,
)

__all__ = [
    "DELAY_SOURCES", "MAX_FILE_BYTES", "MAX_NESTING", "PRESET_PREFIX", "RENAMED",
    "RENAMED_SOURCES", "UNLIMITED",
    "WEEKDAYS", "WORKWEEK", "AbsenceSpec", "ApprovalStep", "ApprovalsSpec", "CalendarSpec",
    "CandidateSpec", "CommitteeSpec", "CommunicationSpec", "ContinuityRule", "ContinuitySpec",
    "DebriefSpec", "DecisionProbabilities", "DecisionSpec", "FollowUpSpec",
    "HiresimDeprecationWarning", "LegalReviewSpec", "OfferSpec", "PatienceSpec", "Policy",
    "PrioritySpec", "ReorganizationSpec", "RequirementsSpec", "RequisitionSpec", "RoleSpec",
    "RoundSpec", "Scenario", "ScenarioError", "SchedulingSpec", "ScorecardSpec",
    "ScreeningSpec", "TurnoverSpec", "as_scenario", "calendar_from_spec", "check_references",
    "decode_utf8", "delay_sources", "json_schema", "load_scenario", "longest_meeting",
    "parse_toml", "preset", "preset_description", "presets", "read_text_file", "validate",
    "with_overrides", "without",
]
