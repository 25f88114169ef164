"""Recurring meetings read from the records: the weekday and hour at which decisions gather,
and the share of decisions that wait for them.

A team that decides at its weekly hiring sync records those decisions at the sync: they pile up
in one hour of the week, while the decisions its manager takes alone spread over the office
hours. An approval committee that sits weekly releases every offer after it: offers are told
from that hour on, each after the recruiter's relay. Two scans find these rhythms.

**Meetings (a spike).** The stamps are the moments rejections were recorded (``closed_at`` of a
rejected application after its last interview; a rejection recorded when its job closed is left
out, it was recorded because the job closed). An advance or an offer is only seen when the
candidate is told (the next stage's entry), after a relay of hours or days, so it cannot show
the hour of a decision. Each stamp falls in an hour of the week, counted as the hour *ending*
at or after it, ``(h:00, h+1:00]``: a decision recorded at 11:00 sharp, as a meeting from 10 to
11 ends, belongs to the hour starting at 10. Among the stamps in office hours (the ``B`` hours
of the week in which the company interviews), the hour with the most, ``k`` of ``n``, is tested
against a uniform spread over the office hours: ``p = B * P(Binomial(n, 1/B) >= k)``
(Bonferroni over the hours scanned).

**Committees and releases (an onset).** For offers (and advances) told at the company level,
the office hours are put in their weekly order, in a circle, and the hour ``b`` that maximises
``N[b, b+L) - N[b-L, b)`` (``L`` = :data:`ONSET_HOURS`) is where releases start: the committee
sits just before it. ``p`` is the chance that uniform stamps rise as much at a given hour
(exact: :func:`rise_tail`), times the ``B`` hours scanned (Bonferroni).

**Detection rule.** Every scan of a history is one family of tests; a rhythm is *detected*
when its ``p`` passes the Benjamini-Hochberg procedure at a false-discovery rate of
:data:`FDR` and its hour holds at least :data:`MIN_STAMPS` stamps. A company without weekly
meetings then shows none (at most :data:`FDR` of the time), while a company where most teams
have one does not lose the weaker teams to a correction over all of them.

**The share that waits (a mixture).** In a detected meeting hour the ``k`` stamps are the
meeting's ``S`` decisions plus the background's share ``1/B`` of the ``n - S`` others:
``k = S + (n - S) / B``, so ``S = (k - n / B) / (1 - 1 / B)``, and the share of all the
round's decisions (``n_all``, office hours or not) that waited for the meeting is ``S /
n_all``. Its interval maps the Wilson interval of ``k / n`` through the same line. Pooled over
teams, the standard errors add (a normal interval). For a committee, the background is the
level just before the onset: ``1 - B * (trough / L) / n`` of the offers waited for it, a lower
bound (relays slower than a week look like background).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hiresim.analysis.km import z_value
from hiresim.inference.estimates import LEVEL, Quantity, counted, garwood, wilson
from hiresim.inference.facts import Facts

__all__ = ["FDR", "MIN_STAMPS", "ONSET_HOURS", "WEEKDAYS", "Meeting", "Scan",
           "benjamini_hochberg", "committee_share", "decision_stamps", "find", "hour_of_week",
           "mixture_share", "onset", "pooled_share", "rise_tail", "spike", "told_stamps"]

#: False-discovery rate of the detection rule.
FDR = 0.05
#: A detected hour holds at least this many stamps.
MIN_STAMPS = 3
#: Office hours on each side of an onset (one working day).
ONSET_HOURS = 8
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Scan:
    """The busiest (``spike``) or rising (``onset``) hour of a set of stamps."""

    how: str  # "spike" or "onset"
    weekday: int
    hour: int
    #: Stamps in that hour (spike), or the rise ``N[b, b+L) - N[b-L, b)`` (onset).
    k: int
    #: Stamps in office hours, and in all.
    n_office: int
    n: int
    #: Office hours of the week scanned.
    hours: int
    p: float
    #: Stamps in the ``ONSET_HOURS`` before the onset (onset only).
    trough: int = 0


@dataclass
class Meeting:
    """A weekly rhythm found in the records (see the module docstring).

    Attributes:
        scope: whose it is: a hiring manager's id (their team), a group of jobs, or
            ``company``.
        kind: ``meeting`` (decisions recorded at it: a spike) or ``committee`` (offers released
            after it: an onset), ``release`` (advances released after a weekly time).
        weekday: 0 = Monday.
        hour: for a meeting, the hour the decisions are recorded in (``(h:00, h+1:00]``: a
            meeting from 10 to 11 recording its decisions as it ends is hour 10); for a
            committee or release, the first hour in which the released are told.
        detected: the detection rule holds.
        p: the scan's p-value (before the false-discovery correction).
        k: stamps in the hour (meeting) or the rise (committee).
        n: stamps scanned.
        shares: per round (0 for offers), the share of decisions that waited for it.
        stamps: what was scanned.
    """

    scope: str
    kind: str
    weekday: int
    hour: int
    detected: bool
    p: float
    k: int
    n: int
    shares: dict[int, Quantity] = field(default_factory=dict)
    stamps: str = ""

    @property
    def when(self) -> str:
        """``Thu 10:00``."""
        return f"{WEEKDAYS[self.weekday]} {self.hour:02d}:00"

    def __repr__(self) -> str:
        found = "detected" if self.detected else "not detected"
        return (f"Meeting({self.scope!r}, {self.kind}, {self.when}, {found}, p={self.p:.2g}, "
                f"{self.k} of {self.n})")


def hour_of_week(stamps: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``(weekday, hour)`` of each stamp, the hour being the one that ends at or after it:
    ``(h:00, h+1:00]`` is hour ``h`` (a stamp on the hour belongs to the hour before it)."""
    t = pd.DatetimeIndex(pd.to_datetime(stamps).dropna()) - pd.Timedelta(seconds=1)
    return t.weekday.to_numpy(), t.hour.to_numpy()


def _counts(weekday: np.ndarray, hour: np.ndarray, office: list[tuple[int, int]]
            ) -> np.ndarray:
    index = {wh: i for i, wh in enumerate(office)}
    pos = np.fromiter((index.get((int(d), int(h)), -1) for d, h in
                       zip(weekday, hour, strict=True)), dtype=np.int64, count=len(weekday))
    return np.bincount(pos[pos >= 0], minlength=len(office))


def spike(stamps: pd.Series, office: list[tuple[int, int]]) -> Scan | None:
    """The busiest office hour of ``stamps`` and its scan p-value (None: no stamps in office
    hours)."""
    from scipy.stats import binom

    weekday, hour = hour_of_week(stamps)
    counts = _counts(weekday, hour, office)
    n_office, hours = int(counts.sum()), len(office)
    if n_office == 0 or hours == 0:
        return None
    best = int(np.argmax(counts))
    k = int(counts[best])
    p = min(1.0, hours * float(binom.sf(k - 1, n_office, 1.0 / hours)))
    d, h = office[best]
    return Scan("spike", d, h, k, n_office, len(weekday), hours, p)


def onset(stamps: pd.Series, office: list[tuple[int, int]], width: int = ONSET_HOURS
          ) -> Scan | None:
    """The office hour after which ``stamps`` rise most (releases start), and its scan p-value
    (None: too few office hours, or no stamp in them)."""
    weekday, hour = hour_of_week(stamps)
    counts = _counts(weekday, hour, office)
    n_office, hours = int(counts.sum()), len(office)
    if n_office == 0 or hours < 2 * width:
        return None
    rise = _rises(counts[None, :], width)[0]
    best = int(np.argmax(rise))
    p = min(1.0, hours * rise_tail(int(rise[best]), n_office, 2.0 * width / hours))
    trough = int(np.roll(counts, width - best)[:width].sum())
    start = best  # releases start at the first hour with a stamp at or after the rise
    while counts[start % hours] == 0 and start < best + width:
        start += 1
    d, h = office[start % hours]
    return Scan("onset", d, h, int(rise[best]), n_office, len(weekday), hours, p, trough)


def rise_tail(rise: int, n: int, q: float) -> float:
    """``P(A - B >= rise)`` where ``(A, B)`` are the counts of ``n`` uniform stamps in two
    disjoint windows that together hold a share ``q`` of the hours and each half of it: given
    ``M = A + B ~ Binomial(n, q)``, ``A ~ Binomial(M, 1/2)`` (exact)."""
    from scipy.stats import binom

    m = np.arange(n + 1)
    need = np.ceil((m + rise) / 2.0)  # A >= (M + rise) / 2
    tail = binom.sf(need - 1, m, 0.5)
    return float(np.sum(binom.pmf(m, n, q) * tail))


def _rises(counts: np.ndarray, width: int) -> np.ndarray:
    """``N[b, b+width) - N[b-width, b)`` for every b of each row (circular)."""
    c = np.concatenate([counts, counts, counts], axis=1).cumsum(axis=1)
    hours = counts.shape[1]
    b = np.arange(hours) + hours
    after = c[:, b + width - 1] - c[:, b - 1]
    before = c[:, b - 1] - c[:, b - width - 1]
    return np.asarray(after - before)


def benjamini_hochberg(p: list[float], rate: float = FDR) -> list[bool]:
    """Which of the ``p``-values are discoveries at the false-discovery ``rate``."""
    m = len(p)
    if m == 0:
        return []
    order = np.argsort(p, kind="stable")
    passed = np.asarray(p)[order] <= rate * np.arange(1, m + 1) / m
    last = int(np.nonzero(passed)[0].max()) + 1 if passed.any() else 0
    out = np.zeros(m, dtype=bool)
    out[order[:last]] = True
    return out.tolist()


def mixture_share(name: str, k: int, n_office: int, n: int, hours: int, source: str,
                  note: str = "", level: float = LEVEL) -> Quantity:
    """The share of ``n`` decisions that waited for a meeting in whose hour ``k`` of the
    ``n_office`` office-hour stamps fell (see the module docstring)."""
    if n == 0 or n_office == 0 or hours < 2:
        return Quantity(name, math.nan, 0.0, 1.0, int(n), source,
                        note or "no decision recorded in office hours", "")
    b = 1.0 / hours

    def waited(q: float) -> float:
        return min(max((q - b) / (1.0 - b) * n_office / n, 0.0), 1.0)

    lo, hi = wilson(k, n_office, level)
    return Quantity(name, waited(k / n_office), waited(lo), waited(hi), int(n), source, note,
                    f"Wilson {100 * level:g} % through the mixture")


def pooled_share(name: str, parts: list[tuple[int, int, int, int]], source: str,
                 note: str = "", level: float = LEVEL) -> Quantity:
    """The share that waited, pooled over meetings: ``parts`` are ``(k, n_office, n, hours)``
    of each (see :func:`mixture_share`); the estimated counts add, and so do their variances
    (a normal interval)."""
    n = sum(p[2] for p in parts)
    if n == 0:
        return Quantity(name, math.nan, 0.0, 1.0, 0, source, note or "no meeting detected", "")
    waited, var = 0.0, 0.0
    for k, n_office, _, hours in parts:
        if n_office == 0 or hours < 2:
            continue
        b = 1.0 / hours
        q = k / n_office
        waited += (k - n_office * b) / (1.0 - b)
        var += n_office * q * (1.0 - q) / (1.0 - b) ** 2
    value = waited / n
    half = z_value(level) * math.sqrt(var) / n
    return Quantity(name, min(max(value, 0.0), 1.0), max(value - half, 0.0),
                    min(value + half, 1.0), int(n), source, note,
                    f"normal {100 * level:g} % (pooled mixture)")


def committee_share(name: str, scan: Scan, width: int, source: str, note: str = "",
                    level: float = LEVEL) -> Quantity:
    """A lower bound of the share of offers that waited for a committee: one minus the
    background (the level of the ``width`` hours before its onset, spread over the week)."""
    if scan.n_office == 0:
        return Quantity(name, math.nan, 0.0, 1.0, 0, source, note, "")
    per_hour = scan.trough / width
    lo_rate, hi_rate = garwood(scan.trough, width, level)

    def waited(level_per_hour: float) -> float:
        return min(max(1.0 - level_per_hour * scan.hours / scan.n_office, 0.0), 1.0)

    return Quantity(name, waited(per_hour), waited(hi_rate), waited(lo_rate), scan.n_office,
                    source, note, f"exact Poisson {100 * level:g} % on the level before it")


# ------------------------------------------------------------------ scanning a history

#: What each kind of scan reads.
STAMPS = {"meeting": "applications.csv: closed_at of rejections after an interview",
          "committee": "stages.csv: offer entered_at",
          "release": "stages.csv: entered_at of rounds after the first"}


def decision_stamps(f: Facts) -> pd.DataFrame:
    """The moments rejections were decided: recorded after the last interview, not as the job
    closed. Columns ``manager``, ``last_round``, ``closed_at``, ``weekday``, ``hour`` (see
    :func:`hour_of_week`) and ``office`` (in office hours)."""
    a = f.apps
    ok = ((a["status"] == "rejected") & (a["last_round"] > 0) & a["closed_at"].notna()
          & (a["closed_at"] >= a["last_end"]) & ~a["at_closing"])
    stamps = a.loc[ok, ["manager", "last_round", "closed_at"]]
    weekday, hour = hour_of_week(stamps["closed_at"])
    office = set(f.office)
    return stamps.assign(weekday=weekday, hour=hour,
                         office=[(int(d), int(h)) in office
                                 for d, h in zip(weekday, hour, strict=True)])


def told_stamps(f: Facts, kind: str) -> pd.Series:
    """When candidates were told of an offer (``committee``) or of an advance to a later
    round (``release``): the first entry into those stages."""
    st = f.history.stages
    if kind == "committee":
        return st[st["stage"] == "offer"].groupby("application_id")["entered_at"].min()
    later = st[st["stage"].str.match(r"^round:([2-9]|[1-9][0-9]+)$")]
    return later.groupby(["application_id", "stage"])["entered_at"].min()


def _at(stamps: pd.DataFrame, hours: set[tuple[int, int]]) -> np.ndarray:
    return np.array([(int(d), int(h)) in hours for d, h in
                     zip(stamps["weekday"], stamps["hour"], strict=True)], dtype=bool)


def find(f: Facts, level: float = LEVEL, notes: list[str] | None = None
         ) -> tuple[list[Meeting], list[Quantity]]:
    """Every weekly rhythm of a history (see the module docstring), and the table's rows.

    Two passes. First each team's recorded decisions are scanned for a spike, and offers and
    advances for an onset. Then the decisions at no detected team meeting are scanned together
    for a company-wide hour (one sync for everyone; every team's when the jobs have no
    manager). All scans are one family for the false-discovery rule. Decisions recorded in a
    company-wide hour - the detected one, and the hour in which a detected committee sits (it
    refuses runner-ups when no position is left) - are not a team's: a team's shares are
    estimated without them, and without those hours in the null.
    """
    notes = [] if notes is None else notes
    office = f.office
    stamps = decision_stamps(f)
    scans: list[tuple[str, str, Scan]] = []
    for g in sorted(set(stamps["manager"]) - {""}):
        scan = spike(stamps.loc[stamps["manager"] == g, "closed_at"], office)
        if scan is not None:
            scans.append((g, "meeting", scan))
    for kind in ("committee", "release"):
        scan = onset(told_stamps(f, kind), office)
        if scan is not None:
            scans.append(("company", kind, scan))

    def found(hits: list[bool]) -> list[bool]:
        return [bool(h) and sc.k >= MIN_STAMPS for (_, _, sc), h in zip(scans, hits,
                                                                        strict=True)]

    first = found(benjamini_hochberg([sc.p for _, _, sc in scans]))
    team_hour = {g: (sc.weekday, sc.hour) for (g, kind, sc), ok in zip(scans, first, strict=True)
                 if ok and kind == "meeting"}
    company_hours: set[tuple[int, int]] = set()
    for (_, kind, sc), ok in zip(scans, first, strict=True):
        if ok and kind == "committee":  # it sits in the office hour before the first told
            company_hours.add(office[(office.index((sc.weekday, sc.hour)) - 1) % len(office)])
    own = np.array([team_hour.get(g) == (int(d), int(h)) for g, d, h in
                    zip(stamps["manager"], stamps["weekday"], stamps["hour"], strict=True)],
                   dtype=bool)
    residual = stamps[~own & ~_at(stamps, company_hours)]
    company = spike(residual["closed_at"], office)
    if company is not None:
        scans.append(("company", "meeting", company))
    final = found(benjamini_hochberg([sc.p for _, _, sc in scans]))
    if company is not None and final[-1]:
        company_hours.add((company.weekday, company.hour))
    meetings: list[Meeting] = []
    rows: list[Quantity] = []
    pooled: dict[int, list[tuple[int, int, int, int]]] = {}
    for (scope, kind, scan), ok in zip(scans, final, strict=True):
        m = Meeting(scope, kind, scan.weekday, scan.hour, ok, scan.p, scan.k, scan.n,
                    stamps=STAMPS[kind])
        meetings.append(m)
        if not ok:
            continue
        if kind == "meeting":
            if scope == "company":
                mine = residual
                others: set[tuple[int, int]] = set()
            else:
                mine = stamps[stamps["manager"] == scope]
                others = company_hours - {(scan.weekday, scan.hour)}
            mine = mine[~_at(mine, others)]  # decisions in a company-wide hour: not the team's
            hours_left = len(office) - len(others)
            window = _at(mine, {(scan.weekday, scan.hour)})
            rounds = mine["last_round"].to_numpy()
            in_office = mine["office"].to_numpy(dtype=bool)
            for r in sorted(set(rounds.tolist())):
                sel = rounds == r
                k, n_office, n = (int((window & sel).sum()), int((in_office & sel).sum()),
                                  int(sel.sum()))
                m.shares[int(r)] = mixture_share(
                    f"meeting.{scope}.round_{r}.share", k, n_office, n, hours_left, m.stamps,
                    f"round-{r} decisions of {scope} that waited for the meeting at "
                    f"{m.when}: {k} of {n_office} recorded in its hour", level)
                if scope != "company":
                    pooled.setdefault(int(r), []).append((k, n_office, n, hours_left))
        elif kind == "committee":
            m.shares[0] = committee_share(
                "committee.share", scan, ONSET_HOURS, m.stamps,
                "offers released after the committee: a lower bound (relays slower than a "
                "week look like background)", level)
        rows += _rows(m, scan, level)
    team_scans = [m for m in meetings if m.kind == "meeting" and m.scope != "company"]
    rows.append(counted("meetings.detected", len(team_hour and [m for m in team_scans
                                                                 if m.detected]),
                        len(team_scans), STAMPS["meeting"],
                        f"teams (or groups) whose recorded decisions gather in one weekly "
                        f"hour, of {len(team_scans)} scanned"))
    for r, parts in sorted(pooled.items()):
        rows.append(pooled_share(
            f"meetings.round_{r}.share", parts, STAMPS["meeting"],
            f"round-{r} decisions that waited for their team's weekly meeting, over the "
            f"{len(parts)} teams with one", level))
    if not any(m.detected for m in meetings if m.kind == "committee"):
        notes.append("no weekly release of offers (a committee) detected")
    return meetings, rows


def _rows(m: Meeting, scan: Scan, level: float) -> list[Quantity]:
    """The table's rows of a detected rhythm: weekday, hour, and its shares."""
    name = f"meeting.{m.scope}" if m.kind == "meeting" else m.kind
    if m.kind == "meeting":
        what = f"decisions recorded {m.when}-{m.hour + 1:02d}:00"
        if m.scope == "company":
            what += " company-wide, besides the teams' own meetings"
    else:
        what = f"told from {m.when} on"
    counted_as = ("of" if m.kind == "meeting"
                  else "more in the day after it than in the day before, of")
    note = (f"{what}: {scan.k} {counted_as} {scan.n_office} stamps in office hours "
            f"(p = {scan.p:.2g}, Benjamini-Hochberg {FDR:.0%})")
    return [counted(f"{name}.weekday", scan.weekday, scan.n, m.stamps,
                    f"{WEEKDAYS[scan.weekday]}; {note}"),
            counted(f"{name}.hour", scan.hour, scan.n, m.stamps, note),
            *m.shares.values()]
