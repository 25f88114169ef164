"""The Python API calls of the records corpus (``tests/test_hostile_records.py``), as run in a
forked child of ``forkserver.py`` (check ``"api"``): each returns what happened as plain data.

An outcome is ``{"raised": None | "ATSError" | ..., "message": str, "traceback": str, ...}``
plus, for a call that returned, a few facts about what was read (checked by the tests).
"""

from __future__ import annotations

import json
import traceback
from typing import Any

#: What each call may raise: the documented exceptions (anything else is a failure).
DOCUMENTED = {"read_ats": ("ATSError",), "calibrate": ("ATSError",),
              "forecast": ("ForecastError", "ATSError"),
              "read_calendars": ("CalendarError",), "read_calendars_anyone": ("CalendarError",)}


def _mapping(argument: str | None) -> Any:
    """A mapping given as ``json:{...}`` is passed as a dict (the API takes dicts)."""
    if argument is not None and argument.startswith("json:"):
        return json.loads(argument[5:])
    return argument


def read_ats(folder: str, mapping: str | None) -> dict[str, Any]:
    import hiresim as hs

    history = hs.read_ats(folder, mapping=_mapping(mapping))
    return {"applications": sorted(history.applications["application_id"].astype(str)),
            "waits": len(history.waits), "left_out": len(history.left_out),
            "interviewers": max((len(p) for p in history.interviews["interviewers"]),
                                default=0),
            "repr": repr(history)}


def calibrate(folder: str, mapping: str | None, scenario: str) -> dict[str, Any]:
    import hiresim as hs

    history = hs.read_ats(folder, mapping=_mapping(mapping))
    result = hs.calibrate(history, base=scenario, budget=1, replications=1)
    return {"name": result.scenario.name}


def forecast(folder: str, mapping: str | None, scenario: str) -> dict[str, Any]:
    import hiresim as hs

    history = hs.read_ats(folder, mapping=_mapping(mapping))
    result = hs.forecast(scenario, history, replications=2)
    return {"answers": len(result.answers)}


def read_calendars(path: str, scenario: str) -> dict[str, Any]:
    import hiresim as hs

    team = hs.read_calendars(path, people=hs.load_scenario(scenario))
    return {"people": team.people, "absences": len(team.absences), "busy": len(team.busy),
            "unmatched": len(team.unmatched), "describe": team.describe()}


def read_calendars_anyone(path: str) -> dict[str, Any]:
    import hiresim as hs

    team = hs.read_calendars(path)
    return {"people": len(team.people), "absences": len(team.absences),
            "busy": len(team.busy), "unmatched": len(team.unmatched)}


def call(name: str, *args: Any) -> dict[str, Any]:
    """Run one call; never raises."""
    try:
        facts = globals()[name](*args)
        return {"raised": None, "message": "", **facts}
    except BaseException as exc:
        return {"raised": type(exc).__name__, "message": str(exc)[:100_000],
                "documented": type(exc).__name__ in DOCUMENTED.get(name, ()),
                "traceback": "".join(traceback.format_exception(exc)[-8:])}
