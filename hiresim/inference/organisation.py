"""The calibrated scenario's organisation: a company's people, teams, panels, office hours,
committee and communication habits from :func:`hiresim.structure`, written into a base scenario.

:func:`hiresim.calibrate` starts from the company, not from the base preset's organisation
(design section 8): the base supplies only what the records cannot show (the approval chain's
people, disruptions, absences, the distributions' shapes), and this module replaces the rest
with what :class:`~hiresim.inference.structure.Structure` read from the export:

- **people by id**: the recruiter and hiring manager roles name the ids of ``jobs.csv``, the
  panel role the interviewers of ``interviews.csv`` (a person has one role: a recruiter who
  also sits on panels stays a recruiter). Where the export has no ``jobs.csv`` the hiring
  managers are the groups of jobs that share interviewers; where it has no interviewer ids
  the interviewers are counted from the interviews held at once (a lower bound, times the
  panel size). Each such count carries a note.
- **teams**: when most interviewers belong to one hiring manager's team
  (:data:`~hiresim.inference.structure.TEAM_SHARE`), ``requisitions.teams`` draws each job's
  panels from its manager's team; a pool otherwise.
- **panels and rounds**: per round, the interviewers on a panel (the mode), whether the hiring
  manager sits on it (on most panels; kept from the base when no panel of the export lists a
  hiring manager), and the interview's length (the median).
- **office hours**: the weekdays and hours in which the company interviews.
- **communication**: rejections never told (``ghost_probability``), held rejections (the
  scenario can only hold all final-round rejections or none: held when most are).
- **committee**: a weekly committee found in the records sets the committee step's weekday
  and time (the hour before offers start to be told).
- **weekly meetings**: each team whose decisions gather in one hour of the week
  (:mod:`hiresim.inference.recurring`) holds a ``recurring_meetings`` meeting at that weekday
  and hour (an hour long, its decisions taken at its end, as they are recorded), which is the
  round's debrief and decision for the share of decisions that wait for it: the share pooled
  over the teams, per round (one team's share rests on a handful of decisions).

Every value written is an :class:`~hiresim.inference.calibration.Estimate` with its interval
and source (what :meth:`hiresim.Calibration.to_toml` writes as a comment), and every
substitution a note (:attr:`hiresim.Calibration.notes`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from hiresim.fields import KEY_NAME
from hiresim.inference.recurring import WEEKDAYS

if TYPE_CHECKING:
    from hiresim.inference.estimates import Quantity
    from hiresim.inference.structure import Structure
    from hiresim.records.history import History

__all__ = ["HOLD", "Organisation", "organise"]

#: Held rejections are switched on when at least this share of the rejections after an
#: interview were held until the job closed (the scenario holds all final-round ones or none).
HOLD = 0.5


@dataclass
class Organisation:
    """What :func:`organise` wrote: the scenario data, the estimates behind it and notes."""

    data: dict[str, Any]
    #: ``(path, quantity)`` pairs: what each written value rests on.
    placed: list[tuple[str, Quantity]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def organise(data: dict[str, Any], history: History, st: Structure) -> Organisation:
    """Write the company's organisation (see the module docstring) into ``data`` (a scenario
    as a dict, changed in place and returned in the :class:`Organisation`)."""
    out = Organisation(data)
    _people(out, history, st)
    _rounds(out, history, st)
    _office(out, history)
    _communication(out, st)
    _committee(out, st)
    _meetings(out, st)
    return out


# ------------------------------------------------------------------------------ people


def _panel_role(data: dict[str, Any]) -> str:
    roles = {r.get("panel_role", "interviewer") for r in data["rounds"]}
    return sorted(roles)[0] if len(roles) == 1 else "interviewer"


def _people(out: Organisation, history: History, st: Structure) -> None:
    from hiresim.inference.estimates import counted

    data = out.data
    req = data["requisitions"]
    hm_role, rec_role = req["hiring_manager_role"], req["recruiter_role"]
    panel_role = _panel_role(data)
    for r in data["rounds"]:
        r["panel_role"] = panel_role
    if panel_role not in data["roles"]:
        data["roles"][panel_role] = {"count": 1, "calendar": "office"}
    taken: set[str] = set()

    def name(role: str, ids: tuple[str, ...], quantity: str) -> None:
        q = st.get(quantity)
        spec = data["roles"][role]
        if not all(KEY_NAME.match(i) for i in ids):  # e.g. e-mail addresses
            bad = next(i for i in ids if not KEY_NAME.match(i))
            spec.pop("people", None)
            spec["count"] = len(ids)
            out.notes.append(f"{role}: {len(ids)} people counted by id; ids such as {bad!r} "
                             "are not scenario ids (letters, digits, _ - . and spaces), so "
                             "they are numbered")
        else:
            spec.pop("count", None)
            spec["people"] = list(ids)
            taken.update(ids)
        out.placed.append((f"roles.{role}.count", q))

    def count(role: str, k: int, quantity: Quantity, note: str) -> None:
        spec = data["roles"][role]
        spec.pop("people", None)
        spec["count"] = max(1, int(k))
        out.placed.append((f"roles.{role}.count", quantity))
        out.notes.append(note)

    recruiters = st.people["recruiter"]
    if recruiters:
        name(rec_role, recruiters, "people.recruiter")
    else:
        q = st.get("people.recruiter")
        k = int(q.value) if math.isfinite(q.value) and q.value >= 1 else int(
            data["roles"][rec_role].get("count", 1))
        count(rec_role, k, q, f"recruiters: not named in the export ({q.source}); "
              f"{k} recruiters ({q.interval or 'the base value'}: {q.note})")
    managers = st.people["hiring_manager"]
    groups = sorted(set(st.teams))
    if managers and st.get("people.hiring_manager").source.startswith("jobs.csv"):
        name(hm_role, managers, "people.hiring_manager")
    elif groups:
        ids = tuple(g for g in groups if g not in taken)
        spec = data["roles"][hm_role]
        spec.pop("count", None)
        spec["people"] = list(ids)
        taken.update(ids)
        q = st.get("people.hiring_manager")
        out.placed.append((f"roles.{hm_role}.count", q))
        out.notes.append(f"hiring managers: no jobs.csv; {len(ids)} groups of jobs that share "
                         "interviewers, one hiring manager each (named where one person sits "
                         "on every panel of a round)")
    else:
        q = st.get("people.hiring_manager")
        k = int(data["roles"][hm_role].get("count", 1))
        count(hm_role, k, q, "hiring managers: neither jobs.csv nor interviewer ids: the "
              f"base scenario's {k} hiring managers are kept")
    interviewers = tuple(p for p in st.people["interviewer"] if p not in taken)
    if interviewers:
        shared = len(st.people["interviewer"]) - len(interviewers)
        name(panel_role, interviewers, "people.interviewer")
        if shared:
            out.notes.append(f"{shared} people on panels are recruiters or hiring managers: "
                             "they keep that role (a person has one role in a scenario)")
    else:
        q = st.get("people.interviewer")
        panel = max((int(r.get("panel", 1)) for r in data["rounds"]), default=1)
        at_once = int(q.value) if math.isfinite(q.value) else 0
        k = max(at_once * panel, int(data["roles"][panel_role].get("count", 1)))
        estimate = counted(f"people.{panel_role}", k, q.n,
                           f"estimated from concurrency ({q.source})",
                           f"{at_once} interviews at once times the largest panel ({panel})")
        count(panel_role, k, estimate,
              f"interviewers: no ids in interviews.csv; {k} interviewers estimated from "
              f"concurrency (at most {at_once} interviews at once, panels of up to {panel}; "
              "the base's count where larger): a lower bound, the fit sees calendars as "
              "fuller than they are if there are more")
    _teams(out, st, hm_role, panel_role)


def _teams(out: Organisation, st: Structure, hm_role: str, panel_role: str) -> None:
    data = out.data
    if st.organisation not in ("teams", "mixed") or not st.teams:
        if st.organisation == "pool":
            out.notes.append("panels: interviewers serve every hiring manager (a pool)")
        data["requisitions"]["teams"] = None
        return
    managers = set(data["roles"][hm_role].get("people") or [])
    members_ok = set(data["roles"][panel_role].get("people") or [])
    largest = max(int(r.get("panel", 1)) for r in data["rounds"])
    teams: dict[str, list[str]] = {}
    short: list[str] = []
    for manager, team in st.teams.items():
        if manager not in managers:
            continue
        members = [p for p in team.members if p in members_ok]
        if len(members) < largest:  # too few members of their own: add those seen
            members += [p for p in team.seen if p in members_ok and p not in members]
        if len(members) < largest:
            short.append(manager)
            continue
        teams[manager] = members
    data["requisitions"]["teams"] = teams or None
    q = st.get("teams.home_share")
    out.placed.append(("requisitions.teams", q))
    if short:
        out.notes.append(f"teams: {len(short)} hiring managers have fewer interviewers than "
                         f"a panel ({', '.join(short[:5])}{', ...' if len(short) > 5 else ''}): "
                         "their panels are drawn from all interviewers")


# ------------------------------------------------------------------------------ rounds


def _rounds(out: Organisation, history: History, st: Structure) -> None:
    from hiresim.inference.estimates import counted, quantile

    data = out.data
    iv = history.interviews
    # an export whose panels never list a hiring manager may leave them out (hiresim's own
    # exports list the scorecard writers): then whether they attend is not in the records
    listed = any(p.hiring_manager.value > 0 for p in st.panels.values()
                 if math.isfinite(p.hiring_manager.value))
    if st.panels and not listed:
        out.notes.append("panels: no panel lists its job's hiring manager; whether they attend "
                         "is kept from the base scenario")
    for k, rnd in enumerate(data["rounds"], start=1):
        panel = st.panels.get(k)
        if panel is not None:
            rnd["panel"] = max(1, panel.interviewers)
            out.placed.append((f"rounds.{k - 1}.panel", st.get(f"panel.round_{k}.interviewers")))
            hm = panel.hiring_manager
            if listed and math.isfinite(hm.value):
                rnd["hiring_manager_attends"] = bool(hm.value >= 0.5)
                out.placed.append((f"rounds.{k - 1}.hiring_manager_attends", hm))
        sub = iv[iv["round"] == k]
        minutes = ((sub["end"] - sub["start"]).dt.total_seconds() / 60.0).to_numpy(float)
        minutes = minutes[np.isfinite(minutes) & (minutes > 0)]
        if minutes.size:
            q = quantile(f"interview.round_{k}.minutes", minutes, 0.5,
                         "interviews.csv: start, end", "median length of the round's "
                         "interviews")
            rnd["interview_minutes"] = int(min(max(round(q.value), 1), 8 * 60))
            out.placed.append((f"rounds.{k - 1}.interview_minutes", q))
    if st.rounds and st.rounds != len(data["rounds"]):
        out.notes.append(f"rounds: the export shows {st.rounds}, the scenario has "
                         f"{len(data['rounds'])}")
    out.placed.append(("rounds", counted("rounds", len(data["rounds"]),
                                         st.get("rounds").n, st.get("rounds").source)))


def _office(out: Organisation, history: History) -> None:
    """The weekdays and hours in which the company interviews, as the office calendar of every
    role that meets (the base's country and holidays are kept)."""
    from hiresim.inference.facts import office_hours

    iv = history.interviews
    if len(iv) < 20:
        return
    hours = office_hours(iv)
    if not hours:
        return
    days = sorted({d for d, _ in hours})
    first = min(h for _, h in hours)
    last = max(h for _, h in hours) + 1
    calendar = dict(out.data["calendars"].get("office", {}))
    calendar["weekdays"] = [WEEKDAYS[d] for d in days]
    calendar["hours"] = [f"{first:02d}:00", f"{min(last, 24) % 24:02d}:00" if last < 24
                         else "23:59"]
    lunch = calendar.get("lunch")
    if lunch and not (calendar["hours"][0] <= lunch[0] < lunch[1] <= calendar["hours"][1]):
        calendar.pop("lunch")
    out.data["calendars"]["office"] = calendar
    out.notes.append(f"office hours: {', '.join(calendar['weekdays'])} "
                     f"{calendar['hours'][0]}-{calendar['hours'][1]} (when the company "
                     "interviews); the base's public holidays are kept")


# ----------------------------------------------------------------------- communication


def _communication(out: Organisation, st: Structure) -> None:
    comm = out.data["communication"]
    ghost = st.get("rejections.untold.share")
    if math.isfinite(ghost.value):
        comm["ghost_probability"] = round(float(min(max(ghost.value, 0.0), 1.0)), 6)
        out.placed.append(("communication.ghost_probability", ghost))
    held = st.get("rejections.held.share")
    if math.isfinite(held.value):
        comm["hold_rejections_until_filled"] = bool(held.value >= HOLD)
        out.placed.append(("communication.hold_rejections_until_filled", held))
        if 0.0 < held.value < HOLD or HOLD <= held.value < 1.0:
            out.notes.append(
                f"held rejections: {held.value:.0%} of rejections after an interview were "
                f"held until the job closed; the scenario holds all final-round rejections or "
                f"none, and {'holds them' if held.value >= HOLD else 'holds none'}")


def _committee(out: Organisation, st: Structure) -> None:
    found = [m for m in st.detected if m.kind == "committee"]
    approvals = out.data.get("approvals")
    if not found or not approvals:
        return
    steps = [k for k, s in enumerate(approvals["steps"]) if s.get("committee")]
    if not steps:
        out.notes.append(f"a weekly committee was found ({found[0].when}); the base scenario's "
                         "approval chain has no committee step to hold it")
        return
    m = found[0]
    hour = (m.hour - 1) % 24
    committee = approvals["steps"][steps[-1]]["committee"]
    committee["weekdays"] = [WEEKDAYS[m.weekday]]
    committee["time"] = f"{hour:02d}:00"
    out.placed.append((f"approvals.steps.{steps[-1]}.committee.weekdays",
                       st.get("committee.weekday")))
    out.notes.append(f"committee: weekly on {WEEKDAYS[m.weekday]} at {hour:02d}:00, the hour "
                     f"before offers start to be told ({m.when})")


def _meetings(out: Organisation, st: Structure) -> None:
    """Detected weekly team meetings as ``recurring_meetings`` (see the module docstring)."""
    data = out.data
    managers = set(data["roles"][data["requisitions"]["hiring_manager_role"]].get("people")
                   or [])
    found = [m for m in st.detected if m.kind == "meeting" and m.scope in managers]
    if not found:
        return
    shares = []
    for k in range(1, len(data["rounds"]) + 1):
        try:
            q = st.get(f"meetings.round_{k}.share")
        except KeyError:
            shares.append(0.0)
            continue
        value = q.value if math.isfinite(q.value) else 0.0
        shares.append(round(float(min(max(value, 0.0), 1.0)), 6))
        out.placed.append((f"recurring_meetings.share.round_{k}", q))
    if not any(shares):
        return
    meetings = [{"name": f"hiring sync {m.scope}", "hiring_managers": [m.scope],
                 "weekday": WEEKDAYS[m.weekday], "time": f"{m.hour:02d}:00", "minutes": 60,
                 "share": shares, "stage": "debrief"} for m in found]
    data.setdefault("extensions", {})["recurring_meetings"] = {"meetings": meetings}
    out.notes.append(
        f"weekly meetings: {len(found)} teams decide at a weekly meeting ("
        + ", ".join(f"{m.scope} {m.when}" for m in found[:6])
        + (", ..." if len(found) > 6 else "")
        + "); shares that wait, per round: " + ", ".join(f"{v:.0%}" for v in shares))
