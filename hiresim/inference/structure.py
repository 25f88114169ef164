"""The organisation of a company read from its records alone: people, teams, panels, rounds,
loads, jobs, shares and lags, and its recurring meetings, each with an interval and a source.

:func:`structure` takes a :class:`~hiresim.records.history.History` (:func:`hiresim.read_ats`)
and returns a :class:`Structure`: plain dataclasses a user can read and edit, and
:meth:`Structure.table`, one row per estimated quantity (``quantity``, ``value``, ``low``,
``high``, ``interval``, ``n``, ``source``, ``note``). Nothing is simulated: these are the
things an export shows outright (design section 8). How each is estimated is in
``docs/explanation/calibration.md``; in short:

- **people** by id: recruiters and hiring managers from ``jobs.csv``, interviewers from the
  panels of ``interviews.csv`` (hiring managers sitting on panels are not counted as
  interviewers). Without ``jobs.csv``, jobs whose panels share interviewers are grouped, one
  group per hiring manager, and recruiters are bounded below by the most screening calls held
  at once; without interviewer ids, interviewers are bounded below by the most interviews held
  at once. The table says so in ``source`` and ``note``.
- **teams**: the interviewers seen on each hiring manager's jobs. An interviewer belongs to a
  manager's team when at least :data:`TEAM_SHARE` of their interviews are for that manager's
  jobs; the company has *teams* when most interviewers belong to one, a *pool* when few do.
- **panels**: per round, how many people each interview lists (the distribution and its mode)
  and how often the job's hiring manager is among them.
- **loads**: each person's interviews per week while active, jobs per recruiter and manager.
- **jobs, screening, decisions, offers, rejections, withdrawals, scheduling**: see
  :mod:`hiresim.inference.outcomes`.
- **recurring meetings and committees**: see :mod:`hiresim.inference.recurring`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hiresim.inference import outcomes, recurring
from hiresim.inference.estimates import LEVEL, Quantity, counted, share, unknown
from hiresim.inference.facts import Facts, facts
from hiresim.inference.recurring import Meeting
from hiresim.records.history import History

__all__ = ["CALL", "MIN_TEAM_INTERVIEWS", "TABLE_COLUMNS", "TEAMS", "TEAM_SHARE", "Panel",
           "Structure", "Team", "most_at_once", "structure"]

#: An interviewer belongs to a hiring manager's team when at least this share of their
#: interviews are for that manager's jobs.
TEAM_SHARE = 0.8
#: Interviews an interviewer needs before their team is judged.
MIN_TEAM_INTERVIEWS = 3
#: The company has teams when at least this share of its interviewers belong to one; a pool
#: when at most ``1 - TEAMS``.
TEAMS = 0.8
#: A screening stage whose visits last at most this long (median) is a call held by one
#: recruiter: how many are held at once bounds the recruiters from below.
CALL = pd.Timedelta(hours=2)
#: Columns of :meth:`Structure.table`.
TABLE_COLUMNS = ("quantity", "value", "low", "high", "interval", "n", "source", "note")
WEEK = pd.Timedelta(weeks=1)


@dataclass
class Team:
    """Who interviews for a hiring manager.

    Attributes:
        hiring_manager: the manager's id (or ``group <k>`` when only panels group the jobs).
        members: the interviewers at least :data:`TEAM_SHARE` of whose interviews are for this
            manager's jobs.
        seen: every interviewer seen on this manager's panels (members and shared ones).
        interviews: interviews held for this manager's jobs.
    """

    hiring_manager: str
    members: tuple[str, ...]
    seen: tuple[str, ...]
    interviews: int


@dataclass
class Panel:
    """The panels of one interview round.

    Attributes:
        round: 1, 2, ...
        sizes: people listed per interview -> how many interviews listed that many.
        listed: the most common number of people listed (the mode).
        interviewers: the most common number of interviewers, the hiring manager not counted.
        hiring_manager: the share of the round's interviews whose panel lists the job's
            hiring manager.
    """

    round: int
    sizes: dict[int, int]
    listed: int
    interviewers: int
    hiring_manager: Quantity


@dataclass
class Structure:
    """A company's organisation as its records show it (see the module docstring).

    Every field is plain data: edit it to say what the records cannot (a manager on leave all
    year, a team the export merges), before the structure is turned into a scenario.

    Attributes:
        people: ids per role: ``recruiter``, ``hiring_manager``, ``interviewer`` (empty when the
            export does not name them).
        teams: per hiring manager, their :class:`Team`.
        organisation: ``teams``, ``pool``, ``mixed`` or ``unknown`` (see :data:`TEAM_SHARE`).
        rounds: interview rounds.
        panels: per round, its :class:`Panel` (empty without interviewer ids).
        meetings: every weekly rhythm scanned, detected or not (:class:`Meeting`).
        loads: one row per person: ``id``, ``role``, ``team``, ``interviews``, ``per_week``,
            ``low``, ``high`` (interviews per week while active, Gamma interval), ``jobs``.
        open_jobs: week by week, the number of jobs open.
        quantities: every estimate (the rows of :meth:`table`).
        notes: what the records lacked and what was done instead.
        level: the level of every interval.
        source: the export it was read from.
    """

    people: dict[str, tuple[str, ...]]
    teams: dict[str, Team]
    organisation: str
    rounds: int
    panels: dict[int, Panel]
    meetings: list[Meeting]
    loads: pd.DataFrame
    open_jobs: pd.DataFrame
    quantities: list[Quantity]
    notes: list[str] = field(default_factory=list)
    level: float = LEVEL
    source: str = ""

    def table(self) -> pd.DataFrame:
        """One row per estimated quantity: ``quantity``, ``value``, ``low``, ``high``,
        ``interval`` (its kind and level), ``n`` (records it rests on), ``source`` (file and
        columns, or how it was estimated), ``note``."""
        rows = [{c: getattr(q, c) for c in TABLE_COLUMNS} for q in self.quantities]
        frame = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
        return frame.astype({"value": float, "low": float, "high": float, "n": "int64"})

    def get(self, quantity: str) -> Quantity:
        """The estimate named ``quantity`` (a row of :meth:`table`)."""
        for q in self.quantities:
            if q.quantity == quantity:
                return q
        raise KeyError(f"no quantity {quantity!r} in the structure; see Structure.table()")

    @property
    def detected(self) -> list[Meeting]:
        """The meetings and committees the detection rule found."""
        return [m for m in self.meetings if m.detected]

    def __repr__(self) -> str:
        counts = []
        for role, ids in self.people.items():
            words = role.replace("_", " ") + "s"
            q = next((q for q in self.quantities if q.quantity == f"people.{role}"), None)
            if q is None or not math.isfinite(q.value):
                continue
            if q.interval == "lower bound":
                counts.append(f">= {q.value:g} {words}")
            elif len(ids) == q.value:
                counts.append(f"{len(ids)} {words}")
            else:
                counts.append(f"{q.value:g} {words} ({len(ids)} named)")
        return (f"Structure({self.source!r}: {', '.join(counts) or 'no people counted'}, "
                f"{self.rounds} rounds, {self.organisation}, {len(self.detected)} weekly "
                f"meetings; {len(self.quantities)} quantities, {len(self.notes)} notes)")


def structure(history: History, level: float = LEVEL) -> Structure:
    """Estimate a company's organisation from its records (see the module docstring).

    Args:
        history: the company's records (:func:`hiresim.read_ats`).
        level: the level of every interval (0.95).
    """
    from hiresim import arguments as check

    level = check.probability("level", level)
    if not isinstance(history, History):
        raise TypeError(f"history must be a hiresim.History (hs.read_ats(folder)), got "
                        f"{type(history).__name__}")
    f = facts(history)
    notes: list[str] = []
    quantities: list[Quantity] = []
    people, staff = _people(f, notes)
    quantities += staff
    teams, organisation, team_rows = _teams(f, people, level)
    quantities += team_rows
    rounds = int(f.interviews["round"].max()) if len(f.interviews) else 0
    quantities.append(counted("rounds", rounds, len(f.interviews),
                              "interviews.csv: stage (mapped to round:k)"))
    panels, panel_rows = _panels(f, level)
    quantities += panel_rows
    if not f.has_ids:
        notes.append("interviews.csv names no interviewers: panels, teams and loads are "
                     "unknown; the interviewers are bounded from the interviews held at once")
    if not f.has_jobs:
        notes.append("no hiring managers in jobs.csv: they are not named; "
                     + ("jobs are grouped by the interviewers they share (one group per "
                        "hiring manager)" if f.has_ids else
                        "without interviewer ids the hiring managers cannot be counted"))
    loads, load_rows = _loads(f, people, teams, level)
    quantities += load_rows
    quantities += outcomes.jobs(f, level)
    quantities.append(outcomes.arrivals(f, level=level))
    quantities.append(outcomes.screening(f, level))
    quantities += outcomes.decisions(f, level)
    quantities += outcomes.offers(f, level)
    quantities += outcomes.rejections(f, level)
    quantities += outcomes.notifications(f, level)
    quantities += outcomes.withdrawals(f, level)
    quantities += outcomes.scheduling(f, level)
    meetings, meeting_rows = recurring.find(f, level, notes)
    quantities += meeting_rows
    return Structure(people=people, teams=teams, organisation=organisation, rounds=rounds,
                     panels=panels, meetings=meetings, loads=loads,
                     open_jobs=outcomes.open_jobs(f), quantities=quantities, notes=notes,
                     level=level, source=history.source)


# ------------------------------------------------------------------------------ people


def most_at_once(start: pd.Series, end: pd.Series) -> int:
    """The largest number of intervals ``[start, end)`` that overlap at one moment."""
    s = start.to_numpy(dtype="datetime64[ns]")
    e = end.to_numpy(dtype="datetime64[ns]")
    ok = ~(np.isnat(s) | np.isnat(e)) & (e > s)
    if not ok.any():
        return 0
    times = np.concatenate([s[ok], e[ok]])
    steps = np.concatenate([np.ones(int(ok.sum()), dtype=np.int64),
                            -np.ones(int(ok.sum()), dtype=np.int64)])
    order = np.lexsort((steps, times))  # an end before a start at the same moment
    return int(np.cumsum(steps[order]).max())


def _people(f: Facts, notes: list[str]) -> tuple[dict[str, tuple[str, ...]], list[Quantity]]:
    jobs = f.history.jobs
    iv = f.interviews
    on_panels = sorted({p for ids in iv["interviewers"] for p in ids})
    out: list[Quantity] = []
    named = tuple(sorted(set(jobs["recruiter"].astype(str)) - {""}))
    if named:
        recruiters = named
        out.append(counted("people.recruiter", len(recruiters), len(jobs),
                           "jobs.csv: recruiter", "distinct ids"))
    else:
        recruiters = ()
        out.append(_recruiters_at_once(f))
    if f.has_jobs:
        managers = tuple(sorted(set(jobs["hiring_manager"].astype(str)) - {""}))
        out.append(counted("people.hiring_manager", len(managers), len(jobs),
                           "jobs.csv: hiring_manager", "distinct ids"))
    else:
        managers = tuple(sorted(g for g in set(f.managers) if not g.startswith("group ")))
        groups = sorted(set(f.managers))
        if groups:
            out.append(counted("people.hiring_manager", len(groups), len(iv),
                               "estimated from panels: groups of jobs that share "
                               "interviewers (no jobs.csv)",
                               f"one hiring manager per group; {len(managers)} of them named "
                               "by sitting on every panel of a round; a pool shared by all "
                               "managers shows as one group"))
        else:
            out.append(unknown("people.hiring_manager", "jobs.csv: hiring_manager",
                               "no jobs.csv and no interviewer ids: the hiring managers are "
                               "not in the records"))
    if f.has_ids:
        interviewers = tuple(p for p in on_panels if p not in set(managers))
        sitting = len(on_panels) - len(interviewers)
        out.append(counted("people.interviewer", len(interviewers), len(iv),
                           "interviews.csv: interviewers",
                           f"distinct ids on panels; {sitting} hiring managers on panels not "
                           "counted" if sitting else "distinct ids on panels"))
    else:
        interviewers = ()
        k = most_at_once(iv["start"], iv["end"])
        out.append(Quantity("people.interviewer", float(k), float(k), math.nan, len(iv),
                            "estimated from concurrency: interviews.csv start, end (no "
                            "interviewer ids)",
                            f"a lower bound: at most {k} interviews were held at the same "
                            "moment, each needs at least one interviewer", "lower bound"))
    if f.has_jobs and f.has_ids:
        others = sorted(set(on_panels) & set(recruiters) - set(managers))
        if others:
            notes.append(f"{len(others)} recruiters sit on panels and are counted as "
                         "interviewers too")
    return ({"recruiter": recruiters, "hiring_manager": managers,
             "interviewer": interviewers}, out)


def _recruiters_at_once(f: Facts) -> Quantity:
    """Recruiters without jobs.csv: at least as many as screening calls held at once."""
    st = f.history.stages
    screens = st[(st["stage"] == "screening") & st["exited_at"].notna()]
    if len(screens):
        length = (screens["exited_at"] - screens["entered_at"]).groupby(
            screens["stage_raw"]).median()
        calls = length[length <= CALL]
        if len(calls):
            raw = str(calls.idxmin())
            visits = screens[screens["stage_raw"] == raw]
            k = most_at_once(visits["entered_at"], visits["exited_at"])
            return Quantity("people.recruiter", float(k), float(k), math.nan, len(visits),
                            f"estimated from concurrency: stages.csv visits of {raw!r} "
                            "(no jobs.csv)",
                            f"a lower bound: at most {k} screening calls ({raw!r}, median "
                            f"{calls.min() / pd.Timedelta(minutes=1):.0f} minutes) were held at "
                            "the same moment, each by one recruiter", "lower bound")
    return unknown("people.recruiter", "jobs.csv: recruiter",
                   "no jobs.csv, and no screening stage short enough to be a call: the "
                   "recruiters are not in the records")


# ------------------------------------------------------------------------------- teams


def _teams(f: Facts, people: dict[str, tuple[str, ...]], level: float
           ) -> tuple[dict[str, Team], str, list[Quantity]]:
    iv = f.interviews
    if not f.has_ids or not (iv["manager"] != "").any():
        return {}, "unknown", [unknown("teams.home_share", "interviews.csv: interviewers",
                                       "needs interviewer ids and each job's hiring manager")]
    interviewers = set(people["interviewer"])
    seats = iv[iv["manager"] != ""][["manager", "interviewers"]].explode("interviewers")
    seats = seats[seats["interviewers"].isin(interviewers)]
    if not len(seats):
        return {}, "unknown", [unknown("teams.home_share", "interviews.csv: interviewers",
                                       "no interviewer but the hiring managers on the panels")]
    counts = seats.groupby(["interviewers", "manager"]).size()
    per_person = counts.groupby(level=0)
    home = per_person.idxmax().map(lambda pair: pair[1])
    top = per_person.max()
    total = per_person.sum()
    judged = total >= MIN_TEAM_INTERVIEWS
    member = judged & (top / total >= TEAM_SHARE)
    teams: dict[str, Team] = {}
    for manager in sorted(set(iv["manager"]) - {""}):
        sub = iv[iv["manager"] == manager]
        seen = sorted({p for ids in sub["interviewers"] for p in ids} & interviewers)
        members = sorted(p for p in seen if member.get(p, False) and home[p] == manager)
        teams[manager] = Team(manager, tuple(members), tuple(seen), len(sub))
    n_judged = int(judged.sum())
    belong = int(member.sum()) / n_judged if n_judged else math.nan
    organisation = ("unknown" if not n_judged else "teams" if belong >= TEAMS
                    else "pool" if belong <= 1 - TEAMS else "mixed")
    source = ("interviews.csv: interviewers; jobs.csv: hiring_manager" if f.has_jobs else
              "interviews.csv: interviewers; jobs grouped by shared interviewers")
    rule = (f"an interviewer belongs to a team when >= {TEAM_SHARE:.0%} of their interviews "
            f"are for one manager: {int(member.sum())} of {n_judged} interviewers with "
            f">= {MIN_TEAM_INTERVIEWS} interviews do ({organisation})")
    rows = [share("teams.home_share", int(top.sum()), int(total.sum()), source,
                  "seats on panels filled by the interviewer's most frequent manager: 1 for "
                  "separate teams, about 1 / managers for one shared pool; " + rule, level)]
    sizes = np.array([len(t.members) for t in teams.values()], dtype=float)
    if sizes.size:
        rows.append(Quantity("teams.size", float(np.median(sizes)), float(sizes.min()),
                             float(sizes.max()), len(sizes), source,
                             "members per team: the median, and the smallest and largest team",
                             f"range over {len(sizes)} teams"))
    sets = [set(t.seen) for t in teams.values()]
    pairs = [(a, b) for i, a in enumerate(sets) for b in sets[i + 1:]]
    if pairs:
        overlap = float(np.mean([len(a & b) / len(a | b) if a | b else 0.0 for a, b in pairs]))
        rows.append(counted("teams.overlap", overlap, len(pairs), source,
                            "mean Jaccard overlap of the interviewers seen by two managers (0: "
                            "separate teams, near 1: one pool)"))
    return teams, organisation, rows


# ------------------------------------------------------------------------------ panels


def _panels(f: Facts, level: float) -> tuple[dict[int, Panel], list[Quantity]]:
    iv = f.interviews
    out: dict[int, Panel] = {}
    rows: list[Quantity] = []
    if not f.has_ids:
        rows.append(unknown("panel.size", "interviews.csv: interviewers",
                            "no interviewer ids: panel sizes are not in the records"))
        return out, rows
    for r, sub in iv.groupby("round"):
        r = int(r)
        sizes = sub["size"].value_counts().sort_index()
        listed = int(sizes.idxmax())
        with_manager = np.array([m != "" and m in ids for m, ids in
                                 zip(sub["manager"], sub["interviewers"], strict=True)])
        known = (sub["manager"] != "").to_numpy()
        others = sub["size"].to_numpy() - with_manager.astype(int)
        interviewers = int(pd.Series(others).mode().min())
        dist = ", ".join(f"{int(k)}: {int(v)}" for k, v in sizes.items())
        source = "interviews.csv: interviewers"
        hm = share(f"panel.round_{r}.hiring_manager", int(with_manager.sum()), int(known.sum()),
                   f"{source}; " + ("jobs.csv: hiring_manager" if f.has_jobs
                                    else "the group's manager found on its panels"),
                   "share of the round's interviews whose panel lists the job's hiring "
                   "manager", level)
        out[r] = Panel(r, {int(k): int(v) for k, v in sizes.items()}, listed, interviewers, hm)
        rows.append(Quantity(f"panel.round_{r}.listed", float(listed), float(listed),
                             float(listed), len(sub), source,
                             f"people listed per interview: the mode; distribution {dist}",
                             "mode (counted)"))
        rows.append(Quantity(f"panel.round_{r}.interviewers", float(interviewers),
                             float(interviewers), float(interviewers), len(sub), source,
                             "interviewers per interview, the hiring manager not counted: "
                             "the mode", "mode (counted)"))
        rows.append(hm)
    return out, rows


# ------------------------------------------------------------------------------- loads


def _loads(f: Facts, people: dict[str, tuple[str, ...]], teams: dict[str, Team],
           level: float) -> tuple[pd.DataFrame, list[Quantity]]:
    """Interviews per week of each person on panels, while active: ``(n - 1)`` interviews over
    the time from their first to their last (an exact Gamma interval); with fewer than three
    interviews or less than a week between them, ``n`` over the span of the export's
    interviews."""
    from scipy.stats import gamma

    iv = f.interviews
    columns = ["id", "role", "team", "interviews", "per_week", "low", "high", "jobs"]
    jobs = f.history.jobs
    job_counts = (pd.concat([jobs["recruiter"], jobs["hiring_manager"]]).astype(str)
                  .value_counts() if f.has_jobs else pd.Series(dtype="int64"))
    rows = []
    quantities: list[Quantity] = []
    team_of = {p: t.hiring_manager for t in teams.values() for p in t.members}
    if f.has_ids and len(iv):
        seats = iv[["start", "interviewers"]].explode("interviewers").dropna()
        span = max((iv["end"].max() - iv["start"].min()) / WEEK, 1.0)
        alpha = 1.0 - level
        roles = {p: role for role, ids in people.items() for p in ids}
        for pid, times in seats.groupby("interviewers")["start"]:
            pid = str(pid)
            n = len(times)
            active = (times.max() - times.min()) / WEEK
            if n >= 3 and active >= 1.0:
                value = (n - 1) / active
                lo = float(gamma.ppf(alpha / 2, n - 1)) / active
                hi = float(gamma.ppf(1 - alpha / 2, n - 1)) / active
                note = (f"{n} interviews; {n - 1} after the first over the {active:.1f} weeks "
                        "to the last")
            else:
                value = n / span
                lo = float(gamma.ppf(alpha / 2, n)) / span if n else 0.0
                hi = float(gamma.ppf(1 - alpha / 2, n + 1)) / span
                note = f"{n} interviews over the export's {span:.1f} weeks of interviews"
            role = roles.get(pid, "interviewer")
            rows.append({"id": pid, "role": role, "team": team_of.get(pid, ""),
                         "interviews": n, "per_week": value, "low": lo, "high": hi,
                         "jobs": int(job_counts.get(pid, 0))})
            quantities.append(Quantity(f"load.{role}.{pid}", value, lo, hi, n,
                                       "interviews.csv: interviewers, start", note,
                                       f"Gamma {100 * level:g} %"))
    listed = {r["id"] for r in rows}
    for role in ("recruiter", "hiring_manager"):
        for pid in people[role]:
            if pid in listed:
                continue
            rows.append({"id": pid, "role": role, "team": "", "interviews": 0,
                         "per_week": 0.0, "low": math.nan, "high": math.nan,
                         "jobs": int(job_counts.get(pid, 0))})
    frame = pd.DataFrame(rows, columns=columns)
    if len(frame):
        frame = frame.sort_values(["role", "id"], kind="stable").reset_index(drop=True)
    return frame, quantities
