"""What happened in one replication, recorded in flat lists, with the cause of every wait.

The simulation appends plain Python values here (no pandas, no pydantic on the hot path); a
replication's tables are built once, at its end, by :meth:`Trace.tables`. A :class:`Leg` is the
running account of one stretch of a candidate's wait: the time from its ``mark`` onwards is not
charged yet, and ``timeline``/``default`` say how it will be charged if the simulation ends
before the stretch does (the wait is then censored, and the identity still holds).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from hiresim.calendar import Timeline
from hiresim.causes import DELAY_COLUMNS, N_CAUSES, WAIT_COLUMNS, WORK

OUTCOMES: tuple[str, ...] = ("advance", "offer", "reject", "withdrawn", "ghosted", "open")
FINAL_OUTCOMES: tuple[str, ...] = ("hired", "rejected", "declined", "withdrawn", "ghosted",
                                   "cancelled", "open")
CENSORED_OUTCOMES = frozenset({"withdrawn", "ghosted", "open"})


class Leg:
    """A stretch of a wait, charged cause by cause as it goes."""

    __slots__ = ("acc", "branches", "default", "done", "mark", "timeline")

    def __init__(self, t: float) -> None:
        self.acc: list[float] = [0.0] * N_CAUSES
        self.mark = t
        self.timeline: Timeline | None = None
        self.default = WORK
        self.done = False
        #: Parallel branches in progress (scorecards, approval groups), if any.
        self.branches: list[Leg] | None = None

    def pending(self, timeline: Timeline | None, default: int) -> None:
        """Say how the time from ``mark`` on is charged until the next checkpoint."""
        self.timeline = timeline
        self.default = default

    def flat(self, t: float, code: int) -> None:
        """Charge ``[mark, t)`` to one cause."""
        self.acc[code] += t - self.mark
        self.mark = t

    def charge(self, t: float, timeline: Timeline, default: int) -> None:
        """Charge ``[mark, t)`` by a person's timeline: closed time to its cause, open time to
        ``default``."""
        timeline.charge(self.mark, t, default, self.acc)
        self.mark = t

    def absorb(self, branch: Leg) -> None:
        """Join a parallel section: the wait is the branch that finished it (critical path)."""
        acc = self.acc
        for i, v in enumerate(branch.acc):
            acc[i] += v
        self.mark = branch.mark
        self.branches = None

    def snapshot(self, t: float) -> list[float]:
        """What :meth:`close` would charge up to ``t``, without changing the leg (withdrawal
        ends the candidate's wait while the company's work goes on)."""
        acc = self.acc.copy()
        if self.branches:
            branch = next((b for b in self.branches if not b.done), self.branches[-1])
            return [a + b for a, b in zip(acc, branch.snapshot(t), strict=True)]
        if t > self.mark:
            if self.timeline is None:
                acc[self.default] += t - self.mark
            else:
                self.timeline.charge(self.mark, t, self.default, acc)
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
        if self.timeline is None:
            self.flat(t, self.default)
        else:
            self.charge(t, self.timeline, self.default)


class Trace:
    """Flat records of one replication: journeys, candidates and activity instances."""

    def __init__(self, replication: int, event_log: bool = True) -> None:
        self.replication = replication
        self.event_log = event_log
        self.journeys: list[tuple[Any, ...]] = []
        self.journey_acc: list[list[float]] = []
        self.candidates: list[tuple[Any, ...]] = []
        self.events: list[tuple[Any, ...]] = []
        self.event_wt: list[list[float]] = []

    def journey(self, candidate: str, rnd: int, requisition: str, start: float, end: float,
                feedback: float, outcome: str, acc: list[float]) -> None:
        """A wait for feedback; ``end`` is when it ended (feedback or censoring)."""
        self.journeys.append((candidate, rnd, requisition, start, end, feedback, outcome))
        self.journey_acc.append(acc)

    def candidate(self, candidate: str, requisition: str, applied: float, end: float,
                  outcome: str, rounds: int, declined: bool) -> None:
        self.candidates.append((candidate, requisition, applied, end, outcome, rounds, declined))

    def event(self, case: str, activity: str, resource: str, role: str, enabled: float,
              start: float, end: float, stage: str, requisition: str, rnd: int,
              wt: list[float], suspended: float = 0.0) -> None:
        self.events.append((case, activity, resource, role, enabled, start, end, stage,
                            requisition, rnd, suspended))
        self.event_wt.append(wt)

    # -- tables ------------------------------------------------------------------------------

    def tables(self, epoch: date) -> dict[str, pd.DataFrame]:
        """The replication's ``journeys``, ``candidates`` and ``events`` DataFrames."""
        return {
            "journeys": self._journeys(epoch),
            "candidates": self._candidates(epoch),
            "events": self._events(epoch),
        }

    def _journeys(self, epoch: date) -> pd.DataFrame:
        cols = list(zip(*self.journeys, strict=True)) if self.journeys else [()] * 7
        start = np.asarray(cols[3], dtype=float)
        end = np.asarray(cols[4], dtype=float)
        feedback = np.asarray(cols[5], dtype=float)
        outcome = pd.Categorical(list(cols[6]), categories=OUTCOMES)
        delays = np.asarray(self.journey_acc, dtype=float).reshape(-1, N_CAUSES) / 24.0
        frame = pd.DataFrame({
            "replication": np.full(len(start), self.replication, dtype=np.int64),
            "candidate": list(cols[0]),
            "round": np.asarray(cols[1], dtype=np.int64),
            "requisition": list(cols[2]),
            "interview_end": to_timestamps(start, epoch),
            "feedback_at": to_timestamps(feedback, epoch),
            "outcome": outcome,
            "days_to_feedback": (end - start) / 24.0,
            "business_days_to_feedback": business_days(start, end, epoch),
            "censored": np.isin(np.asarray(cols[6], dtype=object), list(CENSORED_OUTCOMES)),
        })
        for k, name in enumerate(DELAY_COLUMNS):
            frame[name] = delays[:, k]
        return frame

    def _candidates(self, epoch: date) -> pd.DataFrame:
        cols = list(zip(*self.candidates, strict=True)) if self.candidates else [()] * 7
        applied = np.asarray(cols[2], dtype=float)
        end = np.asarray(cols[3], dtype=float)
        outcome = list(cols[4])
        return pd.DataFrame({
            "replication": np.full(len(applied), self.replication, dtype=np.int64),
            "candidate": list(cols[0]),
            "requisition": list(cols[1]),
            "applied_at": to_timestamps(applied, epoch),
            "final_outcome": pd.Categorical(outcome, categories=FINAL_OUTCOMES),
            "rounds": np.asarray(cols[5], dtype=np.int64),
            "days_in_process": (end - applied) / 24.0,
            "censored": np.isin(np.asarray(outcome, dtype=object), ["open", "withdrawn",
                                                                   "ghosted"]),
            "offer_declined": np.asarray(cols[6], dtype=bool),
        })

    def _events(self, epoch: date) -> pd.DataFrame:
        cols = list(zip(*self.events, strict=True)) if self.events else [()] * 11
        wt = np.asarray(self.event_wt, dtype=float).reshape(-1, N_CAUSES) / 24.0
        frame = pd.DataFrame({
            "case:concept:name": list(cols[0]),
            "concept:name": list(cols[1]),
            "org:resource": list(cols[2]),
            "org:role": list(cols[3]),
            "enabled_timestamp": to_timestamps(np.asarray(cols[4], dtype=float), epoch),
            "start_timestamp": to_timestamps(np.asarray(cols[5], dtype=float), epoch),
            "time:timestamp": to_timestamps(np.asarray(cols[6], dtype=float), epoch),
            "replication": np.full(len(cols[0]), self.replication, dtype=np.int64),
            "stage": list(cols[7]),
            "requisition": list(cols[8]),
            "round": np.asarray(cols[9], dtype=np.int64),
            "suspended_days": np.asarray(cols[10], dtype=float) / 24.0,
        })
        for k, name in enumerate(WAIT_COLUMNS):
            frame[name] = wt[:, k]
        return frame


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

