"""Read named people's out-of-office and busy time from iCalendar (``.ics``) files.

A company's calendars say who is away when, and when their days are already booked: the two
things the simulation otherwise draws at random (``[absence]`` and ``calendar_load``).
:func:`read_calendars` reads one ``.ics`` file or a folder of them with :mod:`icalendar`,
expands recurring events with :mod:`recurring_ical_events` inside a window, classifies every
occurrence and returns :class:`TeamCalendars`: tidy tables ``absences`` and ``busy`` (columns
``person, start, end, uid, summary, file``, times as naive local datetimes) and, through
:meth:`TeamCalendars.hours`, plain per-person lists of hours since an epoch, which is what a
replication lays over people's calendars (``hs.simulate(..., calendars=...)``).

Who an event belongs to (in this order):

1. a file named after a known person (``anna.k.ics``) is that person's calendar (a
   one-per-person export);
2. else a file whose ``X-WR-CALNAME`` is an e-mail address of a known person (Google names
   an exported calendar after its owner's address) is theirs;
3. else it is a team file: each event belongs to every known person among its ``ORGANIZER``
   and ``ATTENDEE`` ``mailto:`` addresses (attendees who declined excepted). An address maps
   through ``emails`` first, else its local part is the person's id.

Events of nobody known are listed in :attr:`TeamCalendars.unmatched`, not an error.

Classification of each occurrence (first rule that applies):

* ``STATUS:CANCELLED`` → ignored;
* marked out of office → **absence**: ``X-MICROSOFT-CDO-BUSYSTATUS:OOF`` (Outlook), a Google
  event type ``outOfOffice`` (``X-GOOGLE-EVENT-TYPE``, when an export carries it), or a
  summary containing a word of :data:`ABSENCE_WORDS` (case-insensitive, whole words);
* ``TRANSP:TRANSPARENT`` or busy status ``FREE`` → ignored (shown as free);
* an all-day event (``DTSTART`` a date; ``DTEND`` exclusive, one day without it) →
  **absence** of those whole days;
* any other timed event → **busy** (meeting slots it overlaps cannot be booked).

Time zones: aware times are converted to ``timezone`` (an IANA name) if given, else to the
file's ``X-WR-TIMEZONE`` (Google writes the calendar's zone there), else each event keeps its
own wall-clock time (a ``TZID`` event at 10:00 stays at 10:00, a UTC time stays UTC); floating
times and all-day dates are local as written. The simulation reads every calendar in one naive
local time (see :mod:`hiresim.workhours`), so the result is naive local datetimes.

Bounded work: a calendar is text from outside, so every file is read within bounds (its size,
its components' nesting), every event is checked and what expanding it costs is counted from
its rule (:mod:`hiresim.records.icsfile`, :mod:`hiresim.records.recurrence`) before any event
is expanded, against a cap per event, per file, per person and for the whole reading; the
expansion then goes in chunks, and attendees are matched once per event, in linear time.

>>> import hiresim as hs
>>> from hiresim.records.ical import EXAMPLE, EXAMPLE_SCENARIO
>>> team = hs.read_calendars(EXAMPLE, people=hs.load_scenario(EXAMPLE_SCENARIO))
>>> sorted(team.absences["person"].unique())
['anna.k', 'ben.m']
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hiresim.records import icsfile
from hiresim.records.files import escaped, megabytes
from hiresim.records.icsfile import shown

if TYPE_CHECKING:
    import pandas as pd

    from hiresim.scenario import Scenario

__all__ = ["ABSENCE_WORDS", "EXAMPLE", "EXAMPLE_SCENARIO", "MAX_BLOCKS", "MAX_FILES",
           "MAX_FILE_BYTES", "MAX_FILE_OCCURRENCES", "MAX_OCCURRENCES", "MAX_PERSON_OCCURRENCES",
           "MAX_RECURRING", "MAX_TOTAL_BYTES", "CalendarError", "Hours", "TeamCalendars",
           "read_calendars"]

#: Example exports (a Google Calendar export of one person, an Outlook team export).
EXAMPLE = Path(__file__).parent.parent / "examples" / "calendars"
#: The small scenario whose named people the example exports belong to.
EXAMPLE_SCENARIO = EXAMPLE / "team.toml"
#: An ``.ics`` file larger than this (10 MB) is refused before it is read.
MAX_FILE_BYTES = 10_000_000
#: The ``.ics`` files of a folder together: at most this many bytes (100 MB).
MAX_TOTAL_BYTES = 100_000_000
#: A folder with more ``.ics`` files than this is refused.
MAX_FILES = 2_000
#: A recurring event that takes more steps than this to expand up to the window's end is
#: refused: its occurrences from its start, and the days, weeks, months or years its rule looks
#: at (an endless rule of every minute would otherwise take the reader's time and memory).
MAX_OCCURRENCES = 100_000
#: A file with more recurring events (with an ``RRULE``) than this is refused: each rule is
#: checked (and its cost counted) before anything is expanded, a millisecond or two a rule.
MAX_RECURRING = 10_000
#: The events of one file together: at most this many steps to expand (counted as for
#: :data:`MAX_OCCURRENCES`; 120 rules of every hour, each under that cap, are not). Expanding
#: takes about a millisecond an occurrence.
MAX_FILE_OCCURRENCES = 100_000
#: One person's occurrences in the window (absences and busy time, from all files): at most
#: this many (a person with a meeting every working hour of a year has about 2,000).
MAX_PERSON_OCCURRENCES = 20_000
#: The blocks a reading makes (an occurrence once per person it belongs to, and the events of
#: nobody known): at most this many.
MAX_BLOCKS = 1_000_000
#: Words of a summary that mark an event as out of office (English and German exports).
ABSENCE_WORDS = ("out of office", "out-of-office", "ooo", "vacation", "holiday", "holidays",
                 "leave", "sick", "pto", "urlaub", "abwesend", "krank", "krankheit")
#: Days of window beyond the last dated event when no window is given: endless rules are
#: expanded this far.
DEFAULT_TAIL_DAYS = 366
COLUMNS = ("person", "start", "end", "uid", "summary", "file")
UNMATCHED_COLUMNS = ("file", "uid", "summary", "start", "end", "addresses")

#: Per person: ``(absence_starts, absence_ends, busy_starts, busy_ends)``, hours since an epoch.
Hours = dict[str, tuple[list[float], list[float], list[float], list[float]]]


class CalendarError(ValueError):
    """An ``.ics`` file (or folder) that cannot be read: the message names the file and, where
    there is one, the event's UID, and says what is allowed."""

    def __init__(self, file: str | Path, message: str, uid: str | None = None) -> None:
        self.file = str(file)
        self.uid = uid
        where = escaped(self.file) if uid is None else (
            f"{escaped(self.file)}: event UID {shown(uid)}")
        super().__init__(f"{where}: {escaped(message)}")


@dataclass
class TeamCalendars:
    """Absences and busy time of named people, read from iCalendar files.

    ``absences`` and ``busy`` have columns ``person, start, end, uid, summary, file`` (naive
    local datetimes, ``end`` exclusive); ``unmatched`` lists the events of nobody known
    (``file, uid, summary, start, end, addresses``). ``window`` is the span expanded.
    """

    absences: pd.DataFrame
    busy: pd.DataFrame
    unmatched: pd.DataFrame
    files: list[str] = field(default_factory=list)
    window: tuple[_dt.datetime, _dt.datetime] | None = None

    @property
    def people(self) -> list[str]:
        """Ids of the people with at least one absence or busy block, sorted."""
        return sorted(set(self.absences["person"]) | set(self.busy["person"]))

    def hours(self, epoch: _dt.date | _dt.datetime) -> Hours:
        """Per person ``(absence_starts, absence_ends, busy_starts, busy_ends)``: plain lists
        of float hours since ``epoch`` (a date means its midnight), sorted by start.

        This is what a replication lays over people's calendars (the simulation's clock is
        hours since midnight of ``scenario.start``): plain lists, so it pickles to worker
        processes without pandas.
        """
        if not isinstance(epoch, _dt.datetime):
            if not isinstance(epoch, _dt.date):
                raise TypeError(f"epoch must be a date or datetime, got {type(epoch).__name__}")
            epoch = _dt.datetime.combine(epoch, _dt.time())
        origin = epoch.replace(tzinfo=None)
        out: Hours = {}
        for k, frame in enumerate((self.absences, self.busy)):
            for person, start, end in sorted(zip(frame["person"], frame["start"], frame["end"],
                                                 strict=True)):
                entry = out.setdefault(person, ([], [], [], []))
                entry[2 * k].append((start - origin).total_seconds() / 3600.0)
                entry[2 * k + 1].append((end - origin).total_seconds() / 3600.0)
        return dict(sorted(out.items()))

    def describe(self) -> str:
        """One line: how many absences and busy blocks of how many people, and unmatched."""
        text = (f"{len(self.absences)} absences and {len(self.busy)} busy blocks of "
                f"{len(self.people)} people from {len(self.files)} file(s)")
        if len(self.unmatched):
            text += f"; {len(self.unmatched)} event(s) matched nobody known"
        return text


def read_calendars(path: str | Path, *, people: Iterable[str] | Scenario | None = None,
                   emails: Mapping[str, str] | None = None, timezone: str | None = None,
                   start: _dt.date | _dt.datetime | None = None,
                   end: _dt.date | _dt.datetime | None = None,
                   max_occurrences: int = MAX_OCCURRENCES) -> TeamCalendars:
    """Read the ``.ics`` file ``path`` (or every ``.ics`` file of a folder) into
    :class:`TeamCalendars`.

    Args:
        path: a ``.ics`` file or a folder of them (one per person, or team files).
        people: the known person ids, or a :class:`~hiresim.Scenario` (its roles' ids). Events
            are matched to these only; ``None`` accepts any id (file names then match only
            the ids of ``emails``).
        emails: ``{"anna.kowalski@acme.example": "anna.k"}``: addresses to ids, tried before
            an address's local part.
        timezone: IANA name the times are converted to (default: each file's
            ``X-WR-TIMEZONE``, else each event's own wall-clock time).
        start, end: the window in which recurring events are expanded (local times; a date
            means its midnight). Default: the scenario's simulated span when ``people`` is a
            Scenario, else from the earliest event to :data:`DEFAULT_TAIL_DAYS` past the
            last dated one.
        max_occurrences: a recurring event with more occurrences than this from its start to
            the window's end is refused.

    Every event is checked, and what expanding it costs is bounded from its rule
    (:mod:`hiresim.records.icsfile`), before any event is expanded: a file refused for an
    event or a bound is refused at once, whatever the size of the rest.

    Raises:
        CalendarError: a file that cannot be read, with the file, the event's UID and what
            is allowed; also an event, a file, a person or the whole reading over its bound
            (:data:`MAX_OCCURRENCES`, :data:`MAX_FILE_OCCURRENCES`,
            :data:`MAX_PERSON_OCCURRENCES`, :data:`MAX_BLOCKS`, :data:`MAX_FILES`,
            :data:`MAX_TOTAL_BYTES`).
    """
    from hiresim import arguments as check

    max_occurrences = check.whole("max_occurrences", max_occurrences, 1)
    ids, window = _known(people, start, end)
    mapping = _emails(emails, ids)
    target = _zone(timezone, "timezone") if timezone is not None else None
    files = _files(Path(path))
    parsed: list[tuple[Path, list[Any]]] = []
    total = 0
    for f in files:
        try:
            cals, size = icsfile.parse(f, MAX_FILE_BYTES)
        except icsfile.IcsProblem as exc:
            raise CalendarError(f, exc.message, exc.uid) from None
        total += size
        if total > MAX_TOTAL_BYTES:
            raise CalendarError(path, f"the .ics files hold more than "
                                      f"{megabytes(MAX_TOTAL_BYTES)} together; at most "
                                      f"{megabytes(MAX_TOTAL_BYTES)} are read at once")
        parsed.append((f, cals))
    reader = _Reader(ids, mapping, target, max_occurrences)
    plans = [reader.check(f, cals) for f, cals in parsed]
    if window is None:
        window = _default_window(plans)
    reader.window = window
    for (f, _), plan in zip(parsed, plans, strict=True):
        reader.bound(f, plan)
    for (f, cals), plan in zip(parsed, plans, strict=True):
        reader.read(f, cals, plan)
    return reader.result([str(f) for f in files], window)


# -- arguments ---------------------------------------------------------------------------------


def _midnight(value: _dt.date | _dt.datetime, name: str) -> _dt.datetime:
    if isinstance(value, _dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, _dt.date):
        return _dt.datetime.combine(value, _dt.time())
    raise TypeError(f"{name} must be a date or datetime, got {type(value).__name__}")


def _known(people: Any, start: Any, end: Any
           ) -> tuple[set[str] | None, tuple[_dt.datetime, _dt.datetime] | None]:
    """The known ids and the window (from a Scenario's span when not given)."""
    from hiresim.scenario import Scenario

    ids: set[str] | None = None
    span: tuple[_dt.datetime, _dt.datetime] | None = None
    if isinstance(people, Scenario):
        ids = {pid for name, role in people.roles.items() for pid in role.person_ids(name)}
        first = _midnight(people.start, "start")
        span = (first, first + _dt.timedelta(days=people.total_days
                                             + people.scheduling.search_days + 31))
    elif people is not None:
        if isinstance(people, str | bytes) or not isinstance(people, Iterable):
            raise TypeError("people must be None, a Scenario or a list of person ids, got "
                            f"{type(people).__name__}")
        ids = set()
        for pid in people:
            if not isinstance(pid, str):
                raise TypeError(f"people must hold person ids (strings), got {pid!r}")
            ids.add(pid)
    if start is None and end is None and span is None:
        return ids, None
    lo = _midnight(start, "start") if start is not None else (span[0] if span else None)
    hi = _midnight(end, "end") if end is not None else (span[1] if span else None)
    if lo is None or hi is None:
        raise TypeError("give both start and end (or neither), or people=a Scenario")
    if hi <= lo:
        raise ValueError(f"end must be after start, got start {lo} and end {hi}")
    for name, value in (("start", lo), ("end", hi)):
        if not icsfile.FIRST_YEAR <= value.year <= icsfile.LAST_YEAR:
            raise ValueError(f"{name} must lie in the years {icsfile.FIRST_YEAR} to "
                             f"{icsfile.LAST_YEAR}, got {value}")
    return ids, (lo, hi)


def _emails(emails: Any, ids: set[str] | None) -> dict[str, str]:
    if emails is None:
        return {}
    if not isinstance(emails, Mapping):
        raise TypeError("emails must be a mapping of e-mail addresses to person ids, got "
                        f"{type(emails).__name__}")
    out = {}
    for address, pid in emails.items():
        if not isinstance(address, str) or not isinstance(pid, str):
            raise TypeError(f"emails must map addresses (strings) to ids (strings), got "
                            f"{address!r}: {pid!r}")
        if ids is not None and pid not in ids:
            raise ValueError(f"emails maps {address!r} to {pid!r}, who is not a known person "
                             f"(known: {_few(ids)})")
        out[address.strip().lower()] = pid
    return out


def _few(ids: Iterable[str], n: int = 5) -> str:
    names = sorted(ids)
    text = ", ".join(repr(x) for x in names[:n])
    return text + (f", ... ({len(names)} in all)" if len(names) > n else "")


def _zone(name: str, where: str, file: Path | None = None) -> _dt.tzinfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not isinstance(name, str):
        raise TypeError(f"{where} must be an IANA time zone name, got {type(name).__name__}")
    message = (f"{where} {shown(name)} is not a known IANA time zone name (such as "
               "'Europe/Berlin', 'America/New_York' or 'UTC')")
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a folder (Europe)
        if file is not None:
            raise CalendarError(file, escaped(message)) from None
        raise ValueError(escaped(message)) from exc


# -- files -------------------------------------------------------------------------------------


def _files(path: Path) -> list[Path]:
    """The ``.ics`` files to read: ``path``, or the ``.ics`` entries of the folder ``path``
    (every one must be a readable file: a FIFO or a folder named ``x.ics`` is refused)."""
    if path.is_dir():
        try:
            entries = sorted(itertools.islice(
                (p for p in path.iterdir() if p.suffix.lower() == ".ics"), MAX_FILES + 1))
        except OSError as exc:
            raise CalendarError(path, f"the folder cannot be read: {exc.strerror}") from None
        if not entries:
            raise CalendarError(path, "the folder holds no .ics file (give a .ics file or a "
                                      "folder of them)")
        if len(entries) > MAX_FILES:
            raise CalendarError(path, f"the folder holds more than {MAX_FILES:,} .ics files; "
                                      f"at most {MAX_FILES:,} are read at once")
        return entries
    if not path.exists() and not path.is_symlink():
        raise CalendarError(path, "no such file or folder (give a .ics file or a folder of "
                                  "them)")
    return [path]


def _default_window(plans: list[list[_Event]]) -> tuple[_dt.datetime, _dt.datetime]:
    """From the earliest start of any event to :data:`DEFAULT_TAIL_DAYS` past the latest."""
    starts = [plan.start for events in plans for _, plan, _ in events]
    if not starts:
        today = _dt.datetime.combine(_dt.date.today(), _dt.time())
        return today, today + _dt.timedelta(days=1)
    return min(starts), max(starts) + _dt.timedelta(days=DEFAULT_TAIL_DAYS)


# -- reading -----------------------------------------------------------------------------------

_WORDS = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in ABSENCE_WORDS)
                    + r")(?![\w-])", re.IGNORECASE)
_ABSENCE, _BUSY, _IGNORED = "absence", "busy", "ignored"


#: A checked VEVENT: the component, its plan, and the person whose calendar it is (or None).
_Event = tuple[Any, "icsfile.EventPlan", str | None]


class _Reader:
    """Checks, bounds, then expands, matches and classifies the events of one file after
    another (see :func:`read_calendars`)."""

    def __init__(self, ids: set[str] | None, emails: dict[str, str],
                 target: _dt.tzinfo | None, cap: int) -> None:
        self.ids = ids
        self.emails = emails
        self.target = target
        self.cap = cap
        self.window = (_dt.datetime(2000, 1, 1), _dt.datetime(2000, 1, 2))  # set by the caller
        self.rows: dict[str, list[tuple[Any, ...]]] = {_ABSENCE: [], _BUSY: []}
        self.unmatched: list[tuple[Any, ...]] = []
        self.per_person: dict[str, int] = {}
        self.blocks = 0
        self._steps: dict[int, int] = {}  # the bound of each event's steps, by its identity
        # what an event's occurrences have in common, by the identity of its UID value
        self._sources: dict[int, tuple[Any, tuple[str, str, str, list[str], str]]] = {}

    def _id_of(self, address: str) -> str | None:
        address = address.strip().lower()
        if address.startswith("mailto:"):
            address = address[7:]
        if "@" not in address:
            return None
        pid = self.emails.get(address)
        if pid is not None:
            return pid
        local = address.split("@", 1)[0]
        if self.ids is None or local in self.ids:
            return local
        return None

    def _owner(self, path: Path, cal: Any) -> str | None:
        """The one person whose calendar the file is (rules 1 and 2), or ``None``."""
        stem = path.stem
        known = self.ids if self.ids is not None else set(self.emails.values())
        if stem in known:
            return stem
        name = str(cal.get("X-WR-CALNAME", "")).strip()
        if "@" in name and " " not in name:
            return self._id_of(name)
        return None

    def _zone_of(self, path: Path, cal: Any) -> _dt.tzinfo | None:
        """The zone times are converted to: ``timezone=``, else the calendar's
        ``X-WR-TIMEZONE`` (an empty one is dropped, spaces around a name are stripped: the
        expansion reads the property too), else none."""
        value = cal.get("X-WR-TIMEZONE")
        if isinstance(value, list):
            raise CalendarError(path, f"X-WR-TIMEZONE is given {len(value)} times; a calendar "
                                      "has one time zone")
        name = str(value).strip() if value is not None else ""
        if value is not None and (not name or name != str(value)):
            del cal["X-WR-TIMEZONE"]
            if name:
                cal["X-WR-TIMEZONE"] = name
        zone = _zone(name, "X-WR-TIMEZONE", path) if name else None
        return self.target if self.target is not None else zone

    def check(self, path: Path, cals: list[Any]) -> list[_Event]:
        """Every VEVENT of the file checked (:func:`icsfile.check_event`), with the person
        whose calendar it is (if any), before anything is expanded; also the calendar's time
        zone."""
        out = []
        recurring = 0
        for cal in cals:
            self._zone_of(path, cal)
            owner = self._owner(path, cal)
            zones = {str(tz.get("TZID", "")) for tz in cal.walk("VTIMEZONE")}
            for ev in cal.walk("VEVENT"):
                if ev.get("RRULE") is not None:
                    recurring += 1
                    if recurring > MAX_RECURRING:
                        raise CalendarError(path, f"the file has more than {MAX_RECURRING:,} "
                                                  "recurring events (with an RRULE); at most "
                                                  f"{MAX_RECURRING:,} are read from one file")
                try:
                    out.append((ev, icsfile.check_event(ev, zones), owner))
                except icsfile.IcsProblem as exc:
                    raise CalendarError(path, exc.message, exc.uid) from None
        return out

    def _span(self) -> tuple[_dt.date, _dt.date]:
        lo, hi = self.window
        margin = _dt.timedelta(days=2)  # the window is local time; events may be in UTC
        return (lo - margin).date(), (hi + margin).date()

    def bound(self, path: Path, events: list[_Event]) -> None:
        """Refuse the file before expansion when an event, the file, a person or the whole
        reading would exceed its cap (bounds from the rules, not from expanding them)."""
        first, last = self._span()
        steps_in_file = 0
        largest: list[tuple[int, str]] = []
        for ev, plan, owner in events:
            inside, steps = plan.bounds(first, last)
            self._steps[id(ev)] = steps
            if steps > self.cap:
                rule = plan.rules[0].text if plan.rules else "RDATE"
                raise CalendarError(path, f"the RRULE {icsfile.shown(rule)} has more than "
                                          f"{self.cap:,} occurrences from the event's start to "
                                          f"the window's end {last:%Y-%m-%d} (counting the "
                                          "days, weeks, months or years its rule looks at); at "
                                          f"most {self.cap:,} are expanded", plan.uid)
            steps_in_file += steps
            largest = sorted([*largest, (steps, plan.uid or "")], reverse=True)[:3]
            if steps_in_file > MAX_FILE_OCCURRENCES:
                names = ", ".join(f"{icsfile.shown(u)} ({n:,})" for n, u in largest)
                raise CalendarError(path, f"its events have more than "
                                          f"{MAX_FILE_OCCURRENCES:,} occurrences together up "
                                          f"to the window's end {last:%Y-%m-%d} (counting the "
                                          "days, weeks, months or years their rules look at); "
                                          f"at most {MAX_FILE_OCCURRENCES:,} are expanded from "
                                          f"one file. The largest events: {names}")
            people = self._people_of(path, ev, owner)
            for pid in people:
                count = self.per_person.get(pid, 0) + inside
                self.per_person[pid] = count
                if count > MAX_PERSON_OCCURRENCES:
                    raise CalendarError(path, f"{icsfile.shown(pid)} would have more than "
                                              f"{MAX_PERSON_OCCURRENCES:,} occurrences in the "
                                              "window (absences and busy blocks, from all "
                                              f"files); at most {MAX_PERSON_OCCURRENCES:,} are "
                                              "read for one person", plan.uid)
            self.blocks += inside * max(len(people), 1)
            if self.blocks > MAX_BLOCKS:
                raise CalendarError(path, f"the calendars have more than {MAX_BLOCKS:,} "
                                          "occurrences in the window, counted once for each "
                                          f"person they belong to; at most {MAX_BLOCKS:,} are "
                                          "read", plan.uid)

    def read(self, path: Path, cals: list[Any], events: list[_Event]) -> None:
        """Expand the file's events in the window (in chunks, so that the expanded copies of
        at most :data:`_CHUNK` occurrences exist at once) and add them."""
        import recurring_ical_events  # type: ignore[import-untyped]

        steps = {id(ev): self._steps.get(id(ev), 1) for ev, _, _ in events}
        lo, hi = self.window
        margin = _dt.timedelta(days=2)
        for cal in cals:
            owner = self._owner(path, cal)
            target = self._zone_of(path, cal)
            for part in _chunks(cal, steps):
                try:
                    occurrences = recurring_ical_events.of(part).between(lo - margin,
                                                                         hi + margin)
                except Exception as exc:  # what the checks did not foresee
                    raise _culprit(path, part, (lo - margin, hi + margin), exc) from None
                for occ in occurrences:
                    self._add(path, occ, owner, target)

    def _people_of(self, path: Path, occ: Any, owner: str | None) -> list[str]:
        if owner is not None:
            return [owner]
        return self._attendees(occ)

    def _local(self, value: Any, target: _dt.tzinfo | None) -> _dt.datetime:
        if isinstance(value, _dt.datetime):
            if value.tzinfo is not None and target is not None:
                value = value.astimezone(target)
            return value.replace(tzinfo=None)
        return _dt.datetime.combine(value, _dt.time())

    def _add(self, path: Path, occ: Any, owner: str | None, target: _dt.tzinfo | None) -> None:
        kind, uid, summary, people, addresses = self._source(occ, owner)
        if kind == _IGNORED:
            return
        begin = occ["DTSTART"].dt
        finish = occ["DTEND"].dt if occ.get("DTEND") is not None else None
        if finish is None:
            finish = (begin + occ["DURATION"].dt if occ.get("DURATION") is not None
                      else begin + _dt.timedelta(days=1) if not isinstance(begin, _dt.datetime)
                      else begin)
        start, end = self._local(begin, target), self._local(finish, target)
        lo, hi = self.window
        if end <= start or end <= lo or start >= hi:
            return
        if not people:
            self.unmatched.append((str(path), uid, summary, start, end, addresses))
            return
        for pid in people:
            self.rows[kind].append((pid, start, end, uid, summary, str(path)))

    def _source(self, occ: Any, owner: str | None) -> tuple[str, str, str, list[str], str]:
        """``(kind, uid, summary, people, addresses)`` of the event an occurrence comes from:
        the same for all its occurrences, so worked out once. The occurrences of an event
        share its property values, so the identity of the UID value names the event (100,000
        attendees are matched once, not once per occurrence)."""
        uid_value = occ.get("UID")
        key = id(uid_value) if uid_value is not None else 0
        hit = self._sources.get(key) if key else None
        if hit is not None and hit[0] is uid_value:
            return hit[1]
        kind = classify(occ)
        people = [owner] if owner is not None else self._attendees(occ)
        addresses = "" if people else ";".join(sorted(self._addresses(occ)))
        facts = (kind, str(uid_value or ""), str(occ.get("SUMMARY", "")), people, addresses)
        if key:
            self._sources[key] = (uid_value, facts)
        return facts

    @staticmethod
    def _addresses(occ: Any) -> list[str]:
        out = []
        for key in ("ORGANIZER", "ATTENDEE"):
            values = occ.get(key)
            if values is None:
                continue
            for v in values if isinstance(values, list) else [values]:
                if str(getattr(v, "params", {}).get("PARTSTAT", "")).upper() == "DECLINED":
                    continue
                out.append(str(v).removeprefix("mailto:").removeprefix("MAILTO:"))
        return out

    def _attendees(self, occ: Any) -> list[str]:
        """The known people among the event's organizer and attendees, in order, each once
        (linear: a dict keeps the order and drops repeats)."""
        return list(dict.fromkeys(pid for pid in map(self._id_of, self._addresses(occ))
                                  if pid is not None))

    def result(self, files: list[str], window: tuple[_dt.datetime, _dt.datetime]
               ) -> TeamCalendars:
        import pandas as pd

        def frame(rows: list[tuple[Any, ...]], columns: tuple[str, ...]) -> pd.DataFrame:
            df = pd.DataFrame(sorted(set(rows)), columns=list(columns))
            for col in ("start", "end"):
                df[col] = pd.to_datetime(df[col]) if len(df) else df[col].astype(
                    "datetime64[ns]")
            return df

        return TeamCalendars(frame(self.rows[_ABSENCE], COLUMNS), frame(self.rows[_BUSY], COLUMNS),
                             frame(self.unmatched, UNMATCHED_COLUMNS), files, window)


#: Expanded copies of at most about this many occurrences exist at once (each copy of an
#: event is a few kB).
_CHUNK = 20_000


def _chunks(cal: Any, steps: dict[int, int]) -> Iterable[Any]:
    """``cal`` itself when its events are small together, else calendars of its time zones
    and of groups of its events (all events of one UID together: an instance moved by
    ``RECURRENCE-ID`` belongs with its series) of at most about :data:`_CHUNK` steps each."""
    events = cal.walk("VEVENT")
    if sum(steps.get(id(ev), 1) for ev in events) <= _CHUNK:
        yield cal
        return
    import icalendar

    by_uid: dict[str, list[Any]] = {}
    for ev in events:
        by_uid.setdefault(str(ev.get("UID", "")), []).append(ev)
    zones = cal.walk("VTIMEZONE")
    group: list[Any] = []
    size = 0
    for members in by_uid.values():
        group += members
        size += sum(steps.get(id(ev), 1) for ev in members)
        if size >= _CHUNK:
            yield _calendar_of(icalendar, cal, zones, group)
            group, size = [], 0
    if group:
        yield _calendar_of(icalendar, cal, zones, group)


def _culprit(path: Path, cal: Any, span: tuple[_dt.datetime, _dt.datetime],
             exc: Exception) -> CalendarError:
    """The error of expanding ``cal``, naming the event that raised it (each series is
    expanded alone to find it: this runs only when expanding failed)."""
    import icalendar
    import recurring_ical_events

    by_uid: dict[str, list[Any]] = {}
    for ev in cal.walk("VEVENT"):
        by_uid.setdefault(str(ev.get("UID", "")), []).append(ev)
    zones = cal.walk("VTIMEZONE")
    for uid, events in by_uid.items():
        try:
            recurring_ical_events.of(_calendar_of(icalendar, cal, zones, events)).between(*span)
        except Exception as own:
            return CalendarError(path, f"the event cannot be expanded: {icsfile.short(own)}",
                                 uid or None)
    return CalendarError(path, f"cannot expand the events: {icsfile.short(exc)}")


def _calendar_of(icalendar: Any, cal: Any, zones: list[Any], events: list[Any]) -> Any:
    part = icalendar.Calendar()
    for key, value in cal.items():
        part[key] = value
    part.subcomponents = [*zones, *events]
    return part


def _text(occ: Any, key: str) -> str:
    return str(occ.get(key, "")).strip().upper()


def classify(occ: Any) -> str:
    """``"absence"``, ``"busy"`` or ``"ignored"``: the rules of this module's docstring."""
    if _text(occ, "STATUS") == "CANCELLED":
        return _IGNORED
    busy_status = _text(occ, "X-MICROSOFT-CDO-BUSYSTATUS") or _text(
        occ, "X-MICROSOFT-CDO-INTENDEDSTATUS")
    google = re.sub(r"[-_ ]", "", _text(occ, "X-GOOGLE-EVENT-TYPE")
                    or _text(occ, "X-GOOGLE-EVENTTYPE"))
    if busy_status == "OOF" or google == "OUTOFOFFICE" or _WORDS.search(
            str(occ.get("SUMMARY", ""))):
        return _ABSENCE
    if _text(occ, "TRANSP") == "TRANSPARENT" or busy_status == "FREE":
        return _IGNORED
    if not isinstance(occ["DTSTART"].dt, _dt.datetime):
        return _ABSENCE
    return _BUSY

