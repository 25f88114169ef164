"""Edits of a scenario: values replaced by dotted path, and delay sources switched off
(ablations)."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from typing import Any

from hiresim.deprecation import HiresimDeprecationWarning
from hiresim.mechanisms import built_ins, mechanisms_of, registered
from hiresim.scenario.loading import RENAMED, known_fields, validate
from hiresim.scenario.schema import Scenario, ScenarioError
from hiresim.text import close_matches


def with_overrides(scenario: Scenario, overrides: dict[str, Any], *, source: str = "overrides"
                   ) -> Scenario:
    """Replace values by dotted path (``"roles.recruiter.count"``, ``"rounds.0.panel"``).

    A role's ``count`` and ``people`` need not both be set: setting ``people`` sets the count
    to the number of people named, and setting a different ``count`` alone on a role that
    names its people numbers them instead (``recruiter-1``, ...).
    Unknown paths and invalid values raise :class:`ScenarioError` naming the path, before
    anything runs.
    """
    data = scenario.model_dump(mode="python")
    # the blocks of mechanisms on the extension point are top-level tables, as in a file:
    # ``season.freezes.0.end`` reaches them, and they are validated by their own models
    for name, block in list(data.get("extensions", {}).items()):
        if block is not None:
            data[name] = data["extensions"].pop(name)
    problems: list[tuple[str, str]] = []
    for dotted, value in overrides.items():
        dotted = _renamed_path(dotted, source)
        parts = dotted.split(".")
        node: Any = data
        for depth, part in enumerate(parts[:-1]):
            node = _child(node, part)
            if node is None:
                problems.append((dotted, f"no field {'.'.join(parts[: depth + 1])!r} in the "
                                         "scenario"))
                break
        else:
            last = parts[-1]
            if isinstance(node, list):
                if not last.isdigit() or int(last) >= len(node):
                    problems.append((dotted, f"index {last!r} out of range"))
                    continue
                node[int(last)] = copy.deepcopy(value)
            elif isinstance(node, dict):
                known = known_fields(Scenario, _model_path(parts[:-1], data))
                if known and last not in known:
                    close = close_matches(last, known, n=1)
                    more = f"; did you mean {close[0]!r}?" if close else ""
                    problems.append((dotted, f"unknown field {last!r}{more}"))
                    continue
                node[last] = copy.deepcopy(value)
            else:
                problems.append((dotted, "cannot set a field inside a plain value"))
    if problems:
        raise ScenarioError(source, problems)
    _count_with_people(data, [_renamed_path(d, source) for d in overrides])
    return validate(data, source=source)


def _count_with_people(data: dict[str, Any], paths: list[str]) -> None:
    """A role's ``count`` follows its ``people`` when only the people were set, and named
    people give way to numbered ones when only a different ``count`` was set: one of the
    two says it all, as in a file (where ``count`` is implied by ``people``)."""
    roles = data.get("roles")
    if not isinstance(roles, dict):
        return
    for name, role in roles.items():
        if not isinstance(role, dict):
            continue
        set_people = f"roles.{name}.people" in paths
        set_count = f"roles.{name}.count" in paths
        people = role.get("people")
        if set_people and not set_count and isinstance(people, list):
            role["count"] = len(people)
        elif set_count and not set_people and isinstance(people, list) \
                and role.get("count") != len(people):
            role["people"] = None


def _renamed_path(dotted: str, source: str) -> str:
    """A dotted path under an old block name (``absences.vacation_days_per_year``), moved to
    the new one with a :class:`HiresimDeprecationWarning`."""
    head, _, rest = dotted.partition(".")
    if head not in RENAMED:
        return dotted
    if head == "behaviour":
        new = "candidates" + (f".{rest}" if rest else "")
    else:
        new = RENAMED[head] + (f".{rest}" if rest else "")
    warnings.warn(f"{source}: {dotted} is now {new} (one name per mechanism)",
                  HiresimDeprecationWarning, stacklevel=4)
    return new


def _child(node: Any, part: str) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return None


def _model_path(parts: list[str], data: dict[str, Any]) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in parts]


#: Capacity that stands for "as many tasks at once as arrive" (contention switched off).
UNLIMITED = 1_000_000


def _calendar(data: dict[str, Any]) -> None:
    for cal in data["calendars"].values():
        cal.update(always_open=True, country=None, subdivision=None, closed=[])


def _contention(data: dict[str, Any]) -> None:
    for role in data["roles"].values():
        role["capacity"] = UNLIMITED
        role["hiring_share"] = 1.0


def _scheduling(data: dict[str, Any]) -> None:
    # the search through booked calendars goes, presence does not: a meeting still waits for
    # every attendee to be at work and back from leave (already "as soon as due" when
    # scheduling is disabled: nothing to switch off)
    if data["scheduling"]["enabled"]:
        data["scheduling"]["slot_search"] = False
    data["scheduling"]["cancel_rate_per_day"] = 0.0
    data["scheduling"]["no_show_probability"] = 0.0


def _calendar_load(data: dict[str, Any]) -> None:
    for role in data["roles"].values():
        role["calendar_load"] = 0.0
    data["scheduling"]["candidate_load"] = 0.0


#: The ablations of the primitives (working calendars, queues, the slot search, calendar
#: load): they are not mechanisms, so they live here, each with what it means and how it
#: changes a scenario's data. Every other ablation belongs to a mechanism
#: (:meth:`hiresim.mechanisms.Mechanism.ablations`).
PRIMITIVES: dict[str, tuple[str, Callable[[dict[str, Any]], None]]] = {
    "calendar": ("everyone works around the clock: calendars always open, no holidays",
                 _calendar),
    "contention": ("nobody queues: every person works on all their tasks at once, with all "
                   "their working time (hiring_share 1)", _contention),
    "scheduling": ("no search for a common free slot: a meeting is held at the first slot in "
                   "which every attendee is at work and present (absences and working hours "
                   "still block; calendar load, meetings already booked, the candidate's load "
                   "and the notice period do not), and it never moves (no cancellations or "
                   "no-shows)", _scheduling),
    "calendar_load": ("nobody has other meetings: calendars are empty", _calendar_load),
}

#: Delay sources that :func:`without` can switch off, and what switching off means: the
#: primitives' (:data:`PRIMITIVES`), then the built-in mechanisms' in their order.
DELAY_SOURCES: dict[str, str] = {
    **{name: meaning for name, (meaning, _) in PRIMITIVES.items()},
    **{name: meaning for cls in built_ins() for name, meaning in cls.ablations().items()}}


def delay_sources(scenario: Scenario | None = None) -> dict[str, str]:
    """The delay sources that :func:`without` can switch off: :data:`DELAY_SOURCES`, then the
    user mechanisms the scenario uses."""
    out = dict(DELAY_SOURCES)
    if scenario is not None:
        known = registered()
        for name in scenario.extensions:
            out.update(known[name].ablations())
    return out


#: Ablation names that were renamed (one name per mechanism).
RENAMED_SOURCES = {"bureaucracy": "approvals"}


def without(scenario: Scenario, source: str) -> Scenario:
    """A copy of ``scenario`` with one delay source switched off, for ablation.

    Switching off a source that is already off returns an equal scenario, so its results are
    identical (common random numbers). A primitive's ablation edits the scenario here; a
    mechanism's is the mechanism's own (:meth:`hiresim.mechanisms.Mechanism.switch_off`).
    """
    if source in RENAMED_SOURCES:
        new = RENAMED_SOURCES[source]
        warnings.warn(f"delay source {source!r} is now {new!r}", HiresimDeprecationWarning,
                      stacklevel=2)
        source = new
    allowed = delay_sources(scenario)
    if source not in allowed:
        raise ValueError(f"unknown delay source {source!r}; allowed: {', '.join(allowed)}")
    data = scenario.model_dump(mode="python")
    if source in PRIMITIVES:
        PRIMITIVES[source][1](data)
    else:
        owner = next(cls for cls in mechanisms_of(scenario) if source in cls.ablations())
        owner.switch_off(data, source)
    return Scenario.model_validate(data)

