"""Write a run of the world as Northwind's ATS would export it, and the mapping that reads it.

The export is in the company's own words: its column names (``AppID``, ``Req``,
``Submitted``, ...), stage names (``Applied``, ``Phone Screen``, ``Team Interview``,
``Onsite``, ``Offer Extended``, ``Hired``), statuses (``In Process``, ``Hired``, ``Declined by
Company``, ``Candidate Withdrew``, ``Offer Declined``) and columns hiresim does not read
(``Source``, ``Title``, ...). Timestamps carry their UTC offset (``+01:00`` in winter,
``+02:00`` in summer), except ``jobs.csv``, which writes local wall-clock time. Options give the
degraded exports of issue 21: no ``jobs.csv``, no interviewer ids.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tests.worlds.company import WorldRun
from tests.worlds.config import WorldConfig

#: Northwind's statuses and hiresim's words for them.
STATUSES = {
    "active": "In Process",
    "hired": "Hired",
    "rejected": "Declined by Company",
    "withdrawn": "Candidate Withdrew",
    "offer_declined": "Offer Declined",
}

#: Northwind's column names per file, and the hiresim column each one is.
COLUMNS: dict[str, dict[str, str]] = {
    "applications": {
        "AppID": "application_id",
        "Candidate": "candidate_id",
        "Req": "job_id",
        "Submitted": "applied_at",
        "Status": "status",
        "Status Changed": "closed_at",
        "Candidate Informed": "notified_at",
    },
    "stages": {
        "AppID": "application_id",
        "Stage": "stage",
        "Entered": "entered_at",
        "Left": "exited_at",
    },
    "interviews": {
        "AppID": "application_id",
        "Stage": "stage",
        "Start": "start",
        "End": "end",
        "Panel": "interviewers",
    },
    "jobs": {
        "Req": "job_id",
        "Opened": "opened_at",
        "Closed": "closed_at",
        "Recruiter": "recruiter",
        "Hiring Manager": "hiring_manager",
    },
}


def mapping(cfg: WorldConfig, *, interviewer_ids: bool = True) -> dict[str, Any]:
    """The mapping (as ``hs.read_ats`` takes it) of an export of world ``cfg``."""
    columns = {f: dict(c) for f, c in COLUMNS.items()}
    if not interviewer_ids:
        del columns["interviews"]["Panel"]
    names = cfg.stage_names()
    stages: dict[str, Any] = {k: v for k, v in names.items() if v != "ignore"}
    stages["ignore"] = [k for k, v in names.items() if v == "ignore"]
    return {
        "timezone": cfg.timezone,
        "columns": columns,
        "stages": stages,
        "status": {name: status for status, name in STATUSES.items()},
    }


def mapping_toml(cfg: WorldConfig, *, interviewer_ids: bool = True) -> str:
    """:func:`mapping` as the text of a TOML file."""
    m = mapping(cfg, interviewer_ids=interviewer_ids)

    def q(s: str) -> str:
        return json.dumps(s, ensure_ascii=False)

    lines = ["# ATS mapping: Northwind's export (tests/worlds)", f"timezone = {q(m['timezone'])}"]
    for file, renames in m["columns"].items():
        lines += ["", f"[columns.{file}]"] + [f"{q(k)} = {q(v)}" for k, v in renames.items()]
    lines += ["", "[stages]"]
    for k, v in m["stages"].items():
        if k == "ignore":
            lines.append(f"ignore = [{', '.join(q(s) for s in v)}]")
        else:
            lines.append(f"{q(k)} = {q(v)}")
    lines += ["", "[status]"] + [f"{q(k)} = {q(v)}" for k, v in m["status"].items()]
    return "\n".join(lines) + "\n"


def _aware(run: WorldRun, minutes: np.ndarray) -> np.ndarray:
    """ISO 8601 with the UTC offset (``2025-03-04T14:30:00+01:00``); "" for NaN."""
    m = np.asarray(minutes, dtype=float)
    out = np.full(m.shape, "", dtype=object)
    ok = ~np.isnan(m)
    if ok.any():
        text = pd.Series(run.clock.stamps(m[ok]).strftime("%Y-%m-%dT%H:%M:%S%z"))
        out[ok] = (text.str[:-2] + ":" + text.str[-2:]).to_numpy()
    return out


def _wall(run: WorldRun, minutes: np.ndarray) -> np.ndarray:
    """Local wall-clock time without an offset (``2025-03-04 14:30:00``); "" for NaN."""
    local = run.clock.local(np.asarray(minutes, dtype=float))
    text = pd.Series(pd.DatetimeIndex(local).strftime("%Y-%m-%d %H:%M:%S"))
    return text.fillna("").to_numpy(dtype=object)


def tables(run: WorldRun, *, interviewer_ids: bool = True) -> dict[str, pd.DataFrame]:
    """The export's four tables (``jobs`` included), in the company's words."""
    apps = run.apps
    applications = pd.DataFrame({
        "AppID": [a.id for a in apps],
        "Candidate": [a.candidate for a in apps],
        "Req": [a.job.id for a in apps],
        "Source": [a.source for a in apps],
        "Submitted": _aware(run, np.array([a.submitted for a in apps])),
        "Status": [STATUSES[a.status] for a in apps],
        "Status Changed": _aware(run, np.array([a.closed_at for a in apps])),
        "Candidate Informed": _aware(run, np.array([a.notified_at for a in apps])),
    })
    visits = [(a.id, s, t0, t1) for a in apps for s, t0, t1 in a.stages]
    stages = pd.DataFrame({
        "AppID": [v[0] for v in visits],
        "Stage": [v[1] for v in visits],
        "Entered": _aware(run, np.array([v[2] for v in visits], dtype=float)),
        "Left": _aware(run, np.array([v[3] for v in visits], dtype=float)),
    })
    held = sorted(run.interviews, key=lambda r: (r[2], r[0]))
    rounds = run.cfg.rounds
    interviews = pd.DataFrame({
        "AppID": [apps[r[0]].id for r in held],
        "Stage": [rounds[r[1]].stage for r in held],
        "Format": ["Video" if rounds[r[1]].minutes <= 60 else "On-site" for r in held],
        "Start": _aware(run, np.array([r[2] for r in held], dtype=float)),
        "End": _aware(run, np.array([r[3] for r in held], dtype=float)),
        "Panel": [";".join(r[4]) for r in held],
    })
    if not interviewer_ids:
        interviews = interviews.drop(columns="Panel")
    jobs = pd.DataFrame({
        "Req": [j.id for j in run.jobs],
        "Title": [j.title for j in run.jobs],
        "Department": [j.department for j in run.jobs],
        "Positions": [j.positions for j in run.jobs],
        "Opened": _wall(run, np.array([j.opened for j in run.jobs])),
        "Closed": _wall(run, np.array([j.closed for j in run.jobs])),
        "Close Reason": [{"filled": "Filled", "cancelled": "Cancelled"}.get(j.reason, "")
                         for j in run.jobs],
        "Recruiter": [j.recruiter for j in run.jobs],
        "Hiring Manager": [j.manager for j in run.jobs],
    })
    return {"applications": applications, "stages": stages, "interviews": interviews,
            "jobs": jobs}


def write_export(run: WorldRun, folder: str | os.PathLike[str], *, jobs: bool = True,
                 interviewer_ids: bool = True) -> Path:
    """Write the export folder (CSV files and ``export.json``); returns its path.

    ``jobs=False`` leaves ``jobs.csv`` out; ``interviewer_ids=False`` leaves the ``Panel``
    column out of ``interviews.csv`` (read it with ``mapping(cfg, interviewer_ids=False)``).
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables(run, interviewer_ids=interviewer_ids).items():
        if name == "jobs" and not jobs:
            continue
        frame.to_csv(out / f"{name}.csv", index=False, lineterminator="\n")
    stamp = _aware(run, np.array([run.end]))[0]
    (out / "export.json").write_text(json.dumps(
        {"exported_at": stamp, "system": "Northwind ATS", "company": run.cfg.name},
        indent=2) + "\n", encoding="utf-8")
    return out


def write_mapping(cfg: WorldConfig, path: str | os.PathLike[str], *,
                  interviewer_ids: bool = True) -> Path:
    """Write :func:`mapping_toml` to ``path``."""
    p = Path(path)
    p.write_text(mapping_toml(cfg, interviewer_ids=interviewer_ids), encoding="utf-8")
    return p


def write_calendars(run: WorldRun, folder: str | os.PathLike[str],
                    people: list[str] | None = None, *, meetings: bool = False) -> list[Path]:
    """One ``.ics`` file per person (``<id>.ics``): their vacations as all-day events
    ("Urlaub"), and with ``meetings`` their weekly recurring one-hour meetings.

    ``people`` defaults to everyone. Vacation days in a row of working days (a weekend or a
    holiday between them included) are one event.
    """
    import icalendar

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    clock, cfg = run.clock, run.cfg
    written = []
    for pid in people if people is not None else list(run.staff.people):
        person = run.staff.people[pid]
        cal = icalendar.Calendar()
        cal.add("prodid", "-//Northwind//tests.worlds//EN")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", f"{pid}@northwind.example")
        cal.add("x-wr-timezone", cfg.timezone)
        days = sorted(person.vacation)
        blocks: list[list[int]] = []
        for d in days:
            if blocks and d == blocks[-1][-1] + 1:
                blocks[-1].append(d)
            else:
                blocks.append([d])
        for k, block in enumerate(blocks):
            ev = icalendar.Event()
            ev.add("uid", f"{pid}-vacation-{k}@northwind.example")
            ev.add("summary", "Urlaub")
            ev.add("dtstart", clock.dates[block[0]])
            ev.add("dtend", clock.dates[block[-1]] + dt.timedelta(days=1))
            ev.add("dtstamp", dt.datetime(2024, 12, 1, tzinfo=dt.UTC))
            cal.add_component(ev)
        if meetings:
            for k, (weekday, hour) in enumerate(person.recurring):
                first = cfg.start + dt.timedelta(days=(weekday - cfg.start.weekday()) % 7)
                ev = icalendar.Event()
                ev.add("uid", f"{pid}-weekly-{k}@northwind.example")
                ev.add("summary", "Weekly meeting")
                ev.add("dtstart", dt.datetime.combine(first, dt.time(hour), tzinfo=clock.zone))
                ev.add("duration", dt.timedelta(hours=1))
                ev.add("rrule", {"freq": "weekly"})
                ev.add("dtstamp", dt.datetime(2024, 12, 1, tzinfo=dt.UTC))
                cal.add_component(ev)
        path = out / f"{pid}.ics"
        path.write_bytes(cal.to_ical())
        written.append(path)
    return written
