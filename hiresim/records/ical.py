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

>>> import hiresim as hs
>>> from hiresim.records.ical import EXAMPLE, EXAMPLE_SCENARIO
>>> team = hs.read_calendars(EXAMPLE, people=hs.load_scenario(EXAMPLE_SCENARIO))
>>> sorted(team.absences["person"].unique())
['anna.k', 'ben.m']
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from hiresim.scenario import Scenario

__all__ = ["ABSENCE_WORDS", "EXAMPLE", "EXAMPLE_SCENARIO", "MAX_FILE_BYTES", "MAX_OCCURRENCES",
           "CalendarError", "Hours", "TeamCalendars", "read_calendars"]

#: Example exports (a Google Calendar export of one person, an Outlook team export).
EXAMPLE = Path(__file__).parent.parent / "examples" / "calendars"
#: The small scenario whose named people the example exports belong to.
EXAMPLE_SCENARIO = EXAMPLE / "team.toml"
#: An ``.ics`` file larger than this is refused before it is read.
MAX_FILE_BYTES = 10 * 1024 * 1024
#: A recurring event with more occurrences than this up to the window's end is refused (an
#: endless rule of every minute would otherwise take the reader's time and memory).
MAX_OCCURRENCES = 100_000
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
        where = self.file if uid is None else f"{self.file}: event UID {uid!r}"
        super().__init__(f"{where}: {message}")


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

    Raises:
        CalendarError: a file that cannot be read, with the file, the event's UID and what
            is allowed.
    """
    from hiresim import arguments as check

    max_occurrences = check.whole("max_occurrences", max_occurrences, 1)
    ids, window = _known(people, start, end)
    mapping = _emails(emails, ids)
    target = _zone(timezone, "timezone") if timezone is not None else None
    files = _files(Path(path))
    parsed = [(f, _parse(f)) for f in files]
    if window is None:
        window = _default_window(parsed)
    reader = _Reader(ids, mapping, target, window, max_occurrences)
    for f, cals in parsed:
        reader.read(f, cals)
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

    message = (f"{where} {name!r} is not a known IANA time zone name (such as "
               "'Europe/Berlin', 'America/New_York' or 'UTC')")
    if not isinstance(name, str):
        raise TypeError(f"{where} must be an IANA time zone name, got {type(name).__name__}")
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        if file is not None:
            raise CalendarError(file, message) from exc
        raise ValueError(message) from exc


# -- files -------------------------------------------------------------------------------------


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir()
                       if p.suffix.lower() == ".ics" and p.is_file())
        if not files:
            raise CalendarError(path, "the folder holds no .ics file (give a .ics file or a "
                                      "folder of them)")
        return files
    if not path.is_file():
        raise CalendarError(path, "no such file or folder (give a .ics file or a folder of "
                                  "them)")
    return [path]


def _parse(path: Path) -> list[Any]:
    """The VCALENDARs of a file, or a CalendarError saying why not."""
    import icalendar

    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise CalendarError(path, f"the file is {size / 2**20:.1f} MB, more than the "
                                  f"{MAX_FILE_BYTES // 2**20} MB allowed for one .ics file")
    data = path.read_bytes()
    if b"\x00" in data:
        raise CalendarError(path, "not a text file (it holds NUL bytes): an .ics file is UTF-8 "
                                  "text starting with BEGIN:VCALENDAR")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise CalendarError(path, f"not UTF-8 text (line {line}, byte {exc.start}): export "
                                  "the calendar as UTF-8 .ics") from exc
    if "BEGIN:VCALENDAR" not in text.upper():
        raise CalendarError(path, "no BEGIN:VCALENDAR: not an iCalendar file")
    try:
        cals = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # icalendar raises ValueError, KeyError, IndexError ...
        raise CalendarError(path, f"cannot be parsed as iCalendar: {_short(exc)}") from exc
    cals = [c for c in cals if getattr(c, "name", "") == "VCALENDAR"]
    if not cals:
        raise CalendarError(path, "no complete VCALENDAR (BEGIN:VCALENDAR ... END:VCALENDAR): "
                                  "a truncated or not an iCalendar file")
    return cals


def _short(exc: BaseException) -> str:
    text = str(exc).replace("\r", " ").replace("\n", " ")
    return text if len(text) <= 160 else text[:157] + "..."


def _default_window(parsed: list[tuple[Path, list[Any]]]) -> tuple[_dt.datetime, _dt.datetime]:
    """From the earliest start of any event to :data:`DEFAULT_TAIL_DAYS` past the last date
    any event (or rule's UNTIL) names."""
    times: list[_dt.datetime] = []
    for _, cals in parsed:
        for cal in cals:
            for ev in cal.walk("VEVENT"):
                for key in ("DTSTART", "DTEND"):
                    t = _plain(ev.get(key))
                    if t is not None:
                        times.append(t)
    if not times:
        today = _dt.datetime.combine(_dt.date.today(), _dt.time())
        return today, today + _dt.timedelta(days=1)
    return min(times), max(times) + _dt.timedelta(days=DEFAULT_TAIL_DAYS)


def _plain(prop: Any) -> _dt.datetime | None:
    """A DTSTART/DTEND property as a naive datetime (``None`` when absent or broken)."""
    value = getattr(prop, "dt", None) if prop is not None and not _broken(prop) else None
    if isinstance(value, _dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, _dt.date):
        return _dt.datetime.combine(value, _dt.time())
    return None


def _broken(prop: Any) -> bool:
    return type(prop).__name__ == "vBroken"


# -- reading -----------------------------------------------------------------------------------

_WORDS = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in ABSENCE_WORDS)
                    + r")(?![\w-])", re.IGNORECASE)
_ABSENCE, _BUSY, _IGNORED = "absence", "busy", "ignored"


class _Reader:
    """Matches and classifies the events of one file after another."""

    def __init__(self, ids: set[str] | None, emails: dict[str, str],
                 target: _dt.tzinfo | None, window: tuple[_dt.datetime, _dt.datetime],
                 cap: int) -> None:
        self.ids = ids
        self.emails = emails
        self.target = target
        self.window = window
        self.cap = cap
        self.rows: dict[str, list[tuple[Any, ...]]] = {_ABSENCE: [], _BUSY: []}
        self.unmatched: list[tuple[Any, ...]] = []

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

    def read(self, path: Path, cals: list[Any]) -> None:
        import recurring_ical_events  # type: ignore[import-untyped]

        for cal in cals:
            owner = self._owner(path, cal)
            target = self.target
            if target is None and cal.get("X-WR-TIMEZONE"):
                target = _zone(str(cal["X-WR-TIMEZONE"]), "X-WR-TIMEZONE", path)
            zones = {str(tz.get("TZID", "")) for tz in cal.walk("VTIMEZONE")}
            for ev in cal.walk("VEVENT"):
                self._check(path, ev, zones)
            lo, hi = self.window
            margin = _dt.timedelta(days=2)  # the window is local time; events may be in UTC
            try:
                occurrences = recurring_ical_events.of(cal).between(lo - margin, hi + margin)
            except Exception as exc:  # what _check did not foresee
                raise CalendarError(path, f"cannot expand the events: {_short(exc)}") from exc
            for occ in occurrences:
                self._add(path, occ, owner, target)

    def _check(self, path: Path, ev: Any, zones: set[str]) -> None:
        """Every problem of one VEVENT that would make its occurrences wrong or endless."""
        from icalendar.timezone import tzp

        uid = str(ev.get("UID", "")) or None
        if ev.get("DTSTART") is None:
            raise CalendarError(path, "DTSTART is missing (every event needs a start)", uid)
        for key in ("DTSTART", "DTEND", "RECURRENCE-ID", "DURATION"):
            prop = ev.get(key)
            if prop is not None and _broken(prop):
                raise CalendarError(path, f"{key} {str(prop)!r} is not a date or date-time "
                                          "(YYYYMMDD or YYYYMMDDTHHMMSS[Z])", uid)
            tzid = prop.params.get("TZID") if prop is not None and hasattr(prop, "params") \
                else None
            if tzid and tzid not in zones and tzp.timezone(str(tzid)) is None:
                raise CalendarError(path, f"{key} has TZID {str(tzid)!r}, which is neither an "
                                          "IANA time zone nor defined by a VTIMEZONE of the "
                                          "file", uid)
        begin, finish = ev["DTSTART"].dt, None
        if ev.get("DTEND") is not None:
            finish = ev["DTEND"].dt
        elif ev.get("DURATION") is not None:
            duration = ev["DURATION"].dt
            if isinstance(duration, _dt.timedelta) and duration < _dt.timedelta(0):
                raise CalendarError(path, f"DURATION {duration} is negative", uid)
        if finish is not None:
            if isinstance(begin, _dt.datetime) != isinstance(finish, _dt.datetime):
                raise CalendarError(path, "DTSTART and DTEND must both be dates (an all-day "
                                          "event) or both date-times", uid)
            a, b = _plain(ev["DTSTART"]), _plain(ev["DTEND"])
            if (isinstance(begin, _dt.datetime) and begin.tzinfo is not None
                    and finish.tzinfo is not None):
                late = finish < begin
            else:
                late = a is not None and b is not None and b < a
            if late:
                raise CalendarError(path, f"DTEND {finish} is before DTSTART {begin}", uid)
        self._check_rules(path, ev, uid)

    def _check_rules(self, path: Path, ev: Any, uid: str | None) -> None:
        from dateutil.rrule import rrulestr  # type: ignore[import-untyped]

        rules = ev.get("RRULE")
        if rules is None:
            return
        start = _plain(ev["DTSTART"])
        assert start is not None  # checked above
        stop = self.window[1] + _dt.timedelta(days=2)
        for rule in rules if isinstance(rules, list) else [rules]:
            text = str(rule) if _broken(rule) else rule.to_ical().decode()
            try:
                if _broken(rule):
                    raise ValueError(text)
                parsed = rrulestr(text, dtstart=start, ignoretz=True)
            except Exception as exc:
                raise CalendarError(path, f"RRULE {text!r} does not parse as an RFC 5545 rule "
                                          "(such as FREQ=WEEKLY;BYDAY=MO;UNTIL=20261231)",
                                    uid) from exc
            if _never(rule):  # the rule engine would search to the year 9999 for one
                raise CalendarError(path, f"RRULE {text!r} can never occur: no month of its "
                                          "BYMONTH has a day of its BYMONTHDAY", uid)
            for n, t in enumerate(parsed, 1):  # lazily: an endless rule stops at the
                if t > stop:                      # window's end or at the cap
                    break
                if n > self.cap:
                    raise CalendarError(path, f"the RRULE {text!r} has more than "
                                              f"{self.cap:,} occurrences before the window's "
                                              f"end {self.window[1]:%Y-%m-%d} (at most "
                                              f"{self.cap:,} are expanded)", uid)

    def _local(self, value: Any, target: _dt.tzinfo | None) -> _dt.datetime:
        if isinstance(value, _dt.datetime):
            if value.tzinfo is not None and target is not None:
                value = value.astimezone(target)
            return value.replace(tzinfo=None)
        return _dt.datetime.combine(value, _dt.time())

    def _add(self, path: Path, occ: Any, owner: str | None, target: _dt.tzinfo | None) -> None:
        kind = classify(occ)
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
        uid, summary = str(occ.get("UID", "")), str(occ.get("SUMMARY", ""))
        people = [owner] if owner is not None else self._attendees(occ)
        if not people:
            addresses = ";".join(sorted(self._addresses(occ)))
            self.unmatched.append((str(path), uid, summary, start, end, addresses))
            return
        for pid in people:
            self.rows[kind].append((pid, start, end, uid, summary, str(path)))

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
        found: list[str] = []
        for address in self._addresses(occ):
            pid = self._id_of(address)
            if pid is not None and pid not in found:
                found.append(pid)
        return found

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


#: The most days each month can have (February of a leap year).
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _never(rule: Any) -> bool:
    """Whether a rule's BYMONTHDAY falls in none of its months (30 February): dateutil
    would look for an occurrence day by day up to the year 9999."""
    days, months = rule.get("BYMONTHDAY"), rule.get("BYMONTH") or range(1, 13)
    if not days:
        return False
    return not any(abs(int(d)) <= _MONTH_DAYS[int(m) - 1] for d in days for m in months)


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

