"""What happened in one replication, recorded in flat lists, with the cause of every wait.

The simulation appends plain Python values here (no pandas, no pydantic on the hot path); at the
end of a replication they become NumPy columns (:meth:`Trace.columns`), and the tables of a
whole chunk of replications are built at once by :func:`build_tables` (pandas is imported
there, only when tables are made). A :class:`Leg` is the
running account of one stretch of a candidate's wait: the time from its ``mark`` onwards is not
charged yet, and ``timeline``/``default`` say how it will be charged if the simulation ends
before the stretch does (the wait is then censored, and the identity still holds).
"""

from __future__ import annotations

from array import array
from datetime import date
from typing import Any, NamedTuple

import numpy as np

from hiresim.causes import DELAY_COLUMNS, N_CAUSES, OFF_HOURS, SCHEDULING, WAIT_COLUMNS, WORK
from hiresim.workhours import Availability, charge_causal

OUTCOMES: tuple[str, ...] = ("advance", "offer", "reject", "withdrawn", "ghosted", "open")
FINAL_OUTCOMES: tuple[str, ...] = ("hired", "rejected", "declined", "withdrawn", "ghosted",
                                   "cancelled", "open")
CENSORED_OUTCOMES = frozenset({"withdrawn", "ghosted", "open"})


class Activity(NamedTuple):
    """The event log's label of one activity instance, passed as one record through the
    primitives (:func:`hiresim.tasks.task`, :func:`hiresim.meetings.meeting`) to
    :meth:`Trace.event`.

    ``case`` is the candidate's id (or the requisition's, for work on the job itself),
    ``activity`` what is done (``"scorecard"``, ``"interview 2"``), ``stage`` where in the
    path it is (``"scorecards"``, ``"approval"``, ...), ``requisition`` the job's id and
    ``round`` the interview round it follows (0: before the first).
    """

    case: str
    activity: str
    stage: str
    requisition: str
    round: int


class Leg:
    """A stretch of a wait, charged cause by cause as it goes."""

    __slots__ = ("acc", "after", "branches", "default", "done", "mark", "prev", "timeline")

    def __init__(self, t: float) -> None:
        self.acc: list[float] = [0.0] * N_CAUSES
        self.mark = t
        self.timeline: Availability | None = None
        self.default = WORK
        self.done = False
        #: The cause of the last piece charged that was not off hours (``work`` when none):
        #: a night right after it belongs to it (:func:`hiresim.workhours.charge_causal`).
        self.prev = WORK
        #: Parallel branches in progress (scorecards, approval groups), if any.
        self.branches: list[Leg] | None = None
        #: ``(at, charges)``: one wait that turns into work at ``at`` (a meeting waited for and
        #: then held, in one timeout): ``[mark, at)`` is ``charges``, the rest is ``work``.
        self.after: tuple[float, list[float]] | None = None

    def pending(self, timeline: Availability | None, default: int) -> None:
        """Say how the time from ``mark`` on is charged until the next checkpoint."""
        self.timeline = timeline
        self.default = default

    def flat(self, t: float, code: int) -> None:
        """Charge ``[mark, t)`` to one cause."""
        if t > self.mark and code != OFF_HOURS:
            self.prev = code
        self.acc[code] += t - self.mark
        self.mark = t

    def charge(self, t: float, timeline: Availability, default: int) -> None:
        """Charge ``[mark, t)`` by a person's timeline: disruptions to their cause, open time
        to ``default``, off hours by the causal rule (:func:`~hiresim.workhours.charge_causal`:
        to ``off_hours`` while working or at the start of a wait, else to the cause of the
        piece before them)."""
        self.prev = charge_causal(timeline, self.mark, t, default, self.acc, self.prev)
        self.mark = t

    def held(self, at: float, charges: list[float]) -> None:
        """Charge ``[mark, at)`` as ``charges`` (a wait already attributed cause by cause)."""
        acc = self.acc
        for i, v in enumerate(charges):
            acc[i] += v
        if charges[SCHEDULING] > 0:
            self.prev = SCHEDULING
        self.mark = at

    def absorb(self, branch: Leg) -> None:
        """Join a parallel section: the wait is the branch that finished it (critical path)."""
        acc = self.acc
        for i, v in enumerate(branch.acc):
            acc[i] += v
        self.mark = branch.mark
        self.prev = branch.prev
        self.branches = None

    def snapshot(self, t: float) -> list[float]:
        """What :meth:`close` would charge up to ``t``, without changing the leg (withdrawal
        ends the candidate's wait while the company's work goes on)."""
        acc = self.acc.copy()
        if self.branches:
            branch = next((b for b in self.branches if not b.done), self.branches[-1])
            return [a + b for a, b in zip(acc, branch.snapshot(t), strict=True)]
        if t > self.mark:
            after = self.after
            if after is not None and t > after[0]:
                for i, v in enumerate(after[1]):
                    acc[i] += v
                acc[WORK] += t - after[0]
            elif self.timeline is None:
                acc[self.default] += t - self.mark
            else:
                charge_causal(self.timeline, self.mark, t, self.default, acc, self.prev)
        return acc

    def close(self, t: float) -> None:
        """Charge what is left up to ``t`` the way :meth:`pending` said (censoring)."""
        if self.branches:
            branch = next((b for b in self.branches if not b.done), self.branches[-1])
            branch.close(t)
            self.absorb(branch)
            return
        if t <= self.mark:
            return
        after = self.after
        if after is not None and t > after[0]:
            self.after = None
            self.held(*after)
            self.flat(t, WORK)
        elif self.timeline is None:
            self.flat(t, self.default)
        else:
            self.charge(t, self.timeline, self.default)


class Trace:
    """Flat records of one replication: journeys, candidates, activity instances and
    requisitions.

    Every field is appended to a column of its own (no record tuples: a million small tuples
    keep the garbage collector busy), outcomes as their category codes, and the per-cause
    vectors flattened, ``N_CAUSES`` floats per record. Numbers go into typed
    :class:`array.array` buffers, which copy each value while it is fresh: a Python list
    would keep one float object per value (32 bytes instead of 8), scattered over the heap,
    and turning it into NumPy at the end would cost a cache miss per value. :meth:`columns`
    wraps the buffers as NumPy arrays without copying; labels stay lists of ``str``.
    :func:`build_tables` makes the DataFrames, once per chunk of replications.
    """

    def __init__(self, replication: int, event_log: bool = True) -> None:
        self.replication = replication
        self.event_log = event_log
        # journeys
        self.j_candidate: list[str] = []
        self.j_round = array("q")
        self.j_requisition: list[str] = []
        self.j_start = array("d")
        self.j_end = array("d")
        self.j_feedback = array("d")
        self.j_outcome = array("b")
        self.j_acc = array("d")
        # candidates
        self.c_candidate: list[str] = []
        self.c_requisition: list[str] = []
        self.c_applied = array("d")
        self.c_end = array("d")
        self.c_outcome = array("b")
        self.c_rounds = array("q")
        self.c_declined = array("b")
        # events
        self.e_text: tuple[list[str], ...] = ([], [], [], [], [], [])  # case .. requisition
        self.e_num = (array("d"), array("d"), array("d"), array("d"))  # enabled .. suspended
        self.e_round = array("q")
        self.e_wt = array("d")
        # requisitions: a row appended when one opens, filled in when it closes (row = index)
        self.r_requisition: list[str] = []
        self.r_opened = array("d")
        self.r_closed = array("d")
        self.r_positions = array("q")
        self.r_filled = array("q")
        self.r_cancelled = array("b")
        self.r_recruiter: list[str] = []
        self.r_hiring_manager: list[str] = []

    def journey(self, candidate: str, rnd: int, requisition: str, start: float, end: float,
                feedback: float, outcome: str, acc: list[float]) -> None:
        """A wait for feedback; ``end`` is when it ended (feedback or censoring)."""
        self.j_candidate.append(candidate)
        self.j_round.append(rnd)
        self.j_requisition.append(requisition)
        self.j_start.append(start)
        self.j_end.append(end)
        self.j_feedback.append(feedback)
        self.j_outcome.append(_OUTCOME_CODE[outcome])
        self.j_acc.fromlist(acc)

    def candidate(self, candidate: str, requisition: str, applied: float, end: float,
                  outcome: str, rounds: int, declined: bool) -> None:
        self.c_candidate.append(candidate)
        self.c_requisition.append(requisition)
        self.c_applied.append(applied)
        self.c_end.append(end)
        self.c_outcome.append(_FINAL_CODE[outcome])
        self.c_rounds.append(rounds)
        self.c_declined.append(declined)

    def event(self, act: Activity, resource: str, role: str, enabled: float, start: float,
              end: float, wt: list[float], suspended: float = 0.0) -> None:
        """An activity instance: who did it (``resource``, ``role``), when it was enabled,
        started and completed, its wait by cause (``wt``) and the time it spent suspended."""
        case, activity, stage, requisition, rnd = act
        text, num = self.e_text, self.e_num
        text[0].append(case)
        text[1].append(activity)
        text[2].append(resource)
        text[3].append(role)
        text[4].append(stage)
        text[5].append(requisition)
        num[0].append(enabled)
        num[1].append(start)
        num[2].append(end)
        num[3].append(suspended)
        self.e_round.append(rnd)
        self.e_wt.fromlist(wt)

    def requisition(self, requisition: str, opened: float, positions: int, recruiter: str,
                    hiring_manager: str) -> int:
        """A requisition opened (its owners' person ids at opening); returns its row."""
        self.r_requisition.append(requisition)
        self.r_opened.append(opened)
        self.r_closed.append(np.nan)
        self.r_positions.append(positions)
        self.r_filled.append(0)
        self.r_cancelled.append(False)
        self.r_recruiter.append(recruiter)
        self.r_hiring_manager.append(hiring_manager)
        return len(self.r_opened) - 1

    def requisition_closed(self, row: int, requisition: str, closed: float, filled: int,
                           cancelled: bool) -> None:
        """Requisition ``row`` closed at ``closed`` (filled, or cancelled); one that was not
        recorded at opening (made outside the pipeline) is not in the table."""
        if row >= len(self.r_requisition) or self.r_requisition[row] != requisition:
            return
        self.r_closed[row] = closed
        self.r_filled[row] = filled
        self.r_cancelled[row] = cancelled

    def requisition_filled(self, row: int, requisition: str, filled: int) -> None:
        """Positions of requisition ``row`` filled by the end of the span (offers already out
        when it closed may still be accepted afterwards)."""
        if row < len(self.r_requisition) and self.r_requisition[row] == requisition:
            self.r_filled[row] = filled

    # -- tables ------------------------------------------------------------------------------

    def columns(self) -> dict[str, dict[str, Any]]:
        """The records as compact columns (NumPy arrays; lists of ``str`` for labels)."""
        n_j, n_c, n_e = len(self.j_round), len(self.c_rounds), len(self.e_round)
        n_r = len(self.r_opened)
        return {
            "journeys": {
                "replication": np.full(n_j, self.replication, dtype=np.int64),
                "candidate": self.j_candidate,
                "round": _wrap(self.j_round, np.int64),
                "requisition": self.j_requisition,
                "start": _wrap(self.j_start, float),
                "end": _wrap(self.j_end, float),
                "feedback": _wrap(self.j_feedback, float),
                "outcome": _wrap(self.j_outcome, np.int8),
                "acc": _wrap(self.j_acc, float).reshape(n_j, N_CAUSES),
            },
            "candidates": {
                "replication": np.full(n_c, self.replication, dtype=np.int64),
                "candidate": self.c_candidate,
                "requisition": self.c_requisition,
                "applied": _wrap(self.c_applied, float),
                "end": _wrap(self.c_end, float),
                "outcome": _wrap(self.c_outcome, np.int8),
                "rounds": _wrap(self.c_rounds, np.int64),
                "declined": _wrap(self.c_declined, bool),
            },
            "events": {
                "replication": np.full(n_e, self.replication, dtype=np.int64),
                **{name: self.e_text[k] for k, name in enumerate(_EVENT_TEXT)},
                **{name: _wrap(self.e_num[k], float) for k, name in enumerate(_EVENT_NUM)},
                "round": _wrap(self.e_round, np.int64),
                "wt": _wrap(self.e_wt, float).reshape(n_e, N_CAUSES),
            },
            "requisitions": {
                "replication": np.full(n_r, self.replication, dtype=np.int64),
                "requisition": self.r_requisition,
                "opened": _wrap(self.r_opened, float),
                "closed": _wrap(self.r_closed, float),
                "positions": _wrap(self.r_positions, np.int64),
                "filled": _wrap(self.r_filled, np.int64),
                "cancelled": _wrap(self.r_cancelled, bool),
                "recruiter": self.r_recruiter,
                "hiring_manager": self.r_hiring_manager,
            },
        }

    def tables(self, epoch: date, extensions: dict[str, int] | None = None) -> dict[str, Any]:
        """The replication's ``journeys``, ``candidates``, ``events`` and ``requisitions``
        DataFrames
        (``extensions``: the extension causes' ``{label: code}``, see :func:`build_tables`)."""
        return build_tables(self.columns(), epoch, extensions)


def _wrap(buffer: array, dtype: Any) -> np.ndarray:
    """A NumPy view of a typed buffer (no copy; the array keeps the buffer alive)."""
    return np.frombuffer(buffer, dtype=dtype)


_OUTCOME_CODE = {name: i for i, name in enumerate(OUTCOMES)}
_FINAL_CODE = {name: i for i, name in enumerate(FINAL_OUTCOMES)}
_EVENT_TEXT = ("case", "activity", "resource", "role", "stage", "requisition")
_EVENT_NUM = ("enabled", "start", "end", "suspended")


def concat_columns(parts: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Columns of several replications or chunks (in order) as one set of columns.

    The parts are consumed column by column (each part's piece is dropped as soon as it is
    copied), so merging holds little more than one copy of the data.
    """
    if len(parts) == 1:
        return parts[0]
    out: dict[str, dict[str, Any]] = {}
    for table in parts[0]:
        merged: dict[str, Any] = {}
        for name in list(parts[0][table]):
            pieces = [p[table].pop(name) for p in parts]
            if isinstance(pieces[0], list):
                merged[name] = [x for piece in pieces for x in piece]
            else:
                merged[name] = np.concatenate(pieces)
            del pieces
        out[table] = merged
    return out


def drop_warmup(cols: dict[str, dict[str, Any]], hours: float) -> dict[str, dict[str, Any]]:
    """Leave out what started during the warm-up (the first ``hours``): journeys whose wait
    began then, candidates who applied then, activity instances enabled then, requisitions
    closed then (one opened during the warm-up and still open after it is kept: its later
    candidates apply to it). The system starts empty; these records describe its start-up, not
    its usual state."""
    if hours <= 0:
        return cols
    keys = {"journeys": "start", "candidates": "applied", "events": "enabled",
            "requisitions": "closed"}
    for table, key in keys.items():
        part = cols.get(table)
        if part is None:
            continue
        keep = part[key] >= hours
        if table == "requisitions":  # never closed: still open after the warm-up
            keep |= np.isnan(part[key])
        if keep.all():
            continue
        index = np.flatnonzero(keep)
        for name, values in part.items():
            part[name] = ([values[i] for i in index] if isinstance(values, list)
                          else values[keep])
    return cols


def build_tables(cols: dict[str, dict[str, Any]], epoch: date,
                 extensions: dict[str, int] | None = None) -> dict[str, Any]:
    """The ``journeys``, ``candidates``, ``events`` and ``requisitions`` DataFrames of some
    columns (columns without ``requisitions``, as before it was recorded, give an empty one).

    ``cols`` is consumed: the frames take its arrays over without copying them. Every built-in
    cause has its ``delay_``/``wt_`` column; ``extensions`` (``{label: code}``) adds one for
    each cause of a user's own mechanism, after the built-in ones.
    """
    import pandas as pd

    delay_columns = [*enumerate(DELAY_COLUMNS)]
    wait_columns = [*enumerate(WAIT_COLUMNS)]
    for label, code in (extensions or {}).items():
        delay_columns.append((code, f"delay_{label}"))
        wait_columns.append((code, f"wt_{label}"))

    j = cols.pop("journeys")
    start, end, feedback = j["start"], j["end"], j["feedback"]
    outcome = pd.Categorical.from_codes(j["outcome"], categories=OUTCOMES)
    # one contiguous row per cause, so that each delay column is a plain array (no copy below)
    delays = np.divide(j.pop("acc").T, 24.0, order="C")
    # copy=False: the columns are fresh arrays already; pandas then keeps them as they are
    # instead of copying them into consolidated 2-D blocks (time and peak memory)
    journeys = pd.DataFrame({
        "replication": j["replication"],
        "candidate": _objects(j["candidate"]),
        "round": j["round"],
        "requisition": _objects(j["requisition"]),
        "interview_end": to_timestamps(start, epoch),
        "feedback_at": to_timestamps(feedback, epoch),
        "outcome": outcome,
        "days_to_feedback": (end - start) / 24.0,
        "business_days_to_feedback": business_days(start, end, epoch),
        "censored": np.isin(j["outcome"], _CENSORED_CODES),
        **{name: delays[k] for k, name in delay_columns},
    }, copy=False)
    del j, start, end, feedback, outcome, delays
    c = cols.pop("candidates")
    candidates = pd.DataFrame({
        "replication": c["replication"],
        "candidate": _objects(c["candidate"]),
        "requisition": _objects(c["requisition"]),
        "applied_at": to_timestamps(c["applied"], epoch),
        "final_outcome": pd.Categorical.from_codes(c["outcome"], categories=FINAL_OUTCOMES),
        "rounds": c["rounds"],
        "days_in_process": (c["end"] - c["applied"]) / 24.0,
        "censored": np.isin(c["outcome"], _FINAL_CENSORED_CODES),
        "offer_declined": c["declined"],
    }, copy=False)
    del c
    e = cols.pop("events")
    wt = np.divide(e.pop("wt").T, 24.0, order="C")
    events = pd.DataFrame({
        "case:concept:name": _objects(e["case"]),
        "concept:name": _objects(e["activity"]),
        "org:resource": _objects(e["resource"]),
        "org:role": _objects(e["role"]),
        "enabled_timestamp": to_timestamps(e["enabled"], epoch),
        "start_timestamp": to_timestamps(e["start"], epoch),
        "time:timestamp": to_timestamps(e["end"], epoch),
        "replication": e["replication"],
        "stage": _objects(e["stage"]),
        "requisition": _objects(e["requisition"]),
        "round": e["round"],
        "suspended_days": e["suspended"] / 24.0,
        **{name: wt[k] for k, name in wait_columns},
    }, copy=False)
    del e, wt
    requisitions = requisitions_table(cols.pop("requisitions", None), epoch)
    return {"journeys": journeys, "candidates": candidates, "events": events,
            "requisitions": requisitions}


#: Columns of the ``requisitions`` table, in order.
REQUISITION_COLUMNS = ("replication", "requisition", "opened_at", "closed_at", "positions",
                       "filled", "cancelled", "recruiter", "hiring_manager")


def requisitions_table(r: dict[str, Any] | None, epoch: date) -> Any:
    """The ``requisitions`` DataFrame of its columns (``None``: an empty one, same dtypes)."""
    import pandas as pd

    labels: Any = _objects
    if r is None:  # labels as empty object arrays: the dtypes of a table with rows
        labels = np.asarray
        none = np.zeros(0, dtype=object)
        r = {"replication": np.zeros(0, dtype=np.int64), "requisition": none,
             "opened": np.zeros(0), "closed": np.zeros(0),
             "positions": np.zeros(0, dtype=np.int64), "filled": np.zeros(0, dtype=np.int64),
             "cancelled": np.zeros(0, dtype=bool), "recruiter": none, "hiring_manager": none}
    return pd.DataFrame({
        "replication": r["replication"],
        "requisition": labels(r["requisition"]),
        "opened_at": to_timestamps(r["opened"], epoch),
        "closed_at": to_timestamps(r["closed"], epoch),
        "positions": r["positions"],
        "filled": r["filled"],
        "cancelled": r["cancelled"],
        "recruiter": labels(r["recruiter"]),
        "hiring_manager": labels(r["hiring_manager"]),
    }, copy=False)


def _objects(values: list[str]) -> np.ndarray | list[str]:
    """A label column as an object array (pandas would scan a list for its type first).

    An empty list is passed on as it is, so that empty tables keep the dtypes they had."""
    if not values:
        return values
    return np.fromiter(values, dtype=object, count=len(values))


_CENSORED_CODES = [_OUTCOME_CODE[o] for o in OUTCOMES if o in CENSORED_OUTCOMES]
_FINAL_CENSORED_CODES = [_FINAL_CODE[o] for o in ("open", "withdrawn", "ghosted")]


def to_timestamps(hours: np.ndarray, epoch: date) -> np.ndarray:
    """Hours since the epoch's midnight as ``datetime64[ns]`` (NaN and inf become NaT)."""
    hours = np.asarray(hours, dtype=float)
    finite = np.isfinite(hours)
    ns = np.zeros(hours.shape, dtype=np.int64)
    ns[finite] = np.round(hours[finite] * 3.6e12).astype(np.int64)
    stamps = np.datetime64(epoch, "ns") + ns.astype("timedelta64[ns]")
    stamps[~finite] = np.datetime64("NaT")
    return stamps


def business_days(start: np.ndarray, end: np.ndarray, epoch: date) -> np.ndarray:
    """Monday-to-Friday days elapsed between two moments (fractions of a 24 h weekday count).

    Weekends do not count; public holidays do (a business-day promise is a weekday count).
    """
    offset = epoch.weekday() * 24.0  # hours from the Monday midnight before the epoch

    def weekday_hours_until(t: np.ndarray) -> np.ndarray:
        u = t + offset
        weeks = np.floor(u / 168.0)
        rest = u - weeks * 168.0
        return weeks * 120.0 + np.minimum(rest, 120.0)

    start = np.asarray(start, dtype=float)
    end = np.asarray(end, dtype=float)
    return (weekday_hours_until(end) - weekday_hours_until(start)) / 24.0

