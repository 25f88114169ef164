"""Read one ``.ics`` file and check its events before anything is expanded: the file, its
components, each event's properties, dates, time zones and recurrence rules, and what each
event will cost to expand.

:func:`parse` turns a file into its VCALENDARs or an :class:`IcsProblem` (the file is not a
readable UTF-8 iCalendar file, its components nest too deeply, a ``TZID`` names a folder of
the time zone database instead of a zone: the parser would fail on any of them without saying
where). :func:`check_event` looks at one VEVENT: a property given twice where the standard
allows one, a date or date-time that does not parse, dates outside :data:`FIRST_YEAR` to
:data:`LAST_YEAR`, an end before the start, a negative duration, a ``TZID`` that is no time
zone, a rule whose parts are out of range or that can never occur
(:mod:`hiresim.records.recurrence`). It returns an :class:`EventPlan` whose
:meth:`~EventPlan.bounds` say, before expansion, how many occurrences the event has in a window
and how many steps expanding it takes: what :func:`hiresim.read_calendars` caps.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hiresim.records.files import FileRefused, decode, escaped, read_bytes
from hiresim.records.recurrence import Rule, RuleError, parse_rule

__all__ = ["FIRST_YEAR", "LAST_YEAR", "MAX_NESTING", "EventPlan", "IcsProblem", "check_event",
           "parse"]

#: Dates of events lie in these years (recurring series started long ago, such as
#: birthdays, are common; the simulation's own dates lie in 1990-2200).
FIRST_YEAR, LAST_YEAR = 1900, 2200
#: Components (``BEGIN:...``) nest at most this deep (a calendar needs three or four).
MAX_NESTING = 32
#: Properties an event has at most once (RFC 5545, section 3.6.1).
ONCE = ("UID", "DTSTART", "DTEND", "DURATION", "RECURRENCE-ID")
_LINE = re.compile(rb"^(BEGIN|END):", re.IGNORECASE | re.MULTILINE)
_TZID = re.compile(r'TZID=(?:"([^"]*)"|([^;:,\r\n]*))', re.IGNORECASE)
_DATE_HINT = "(YYYYMMDD or YYYYMMDDTHHMMSS[Z])"


class IcsProblem(ValueError):
    """One problem of an ``.ics`` file: ``message`` (what is wrong and what is allowed), the
    event's ``uid`` when it is about one event, the ``line`` when it is known."""

    def __init__(self, message: str, uid: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.uid = uid
        self.line = line
        super().__init__(message)


def parse(path: Path, max_bytes: int) -> tuple[list[Any], int]:
    """The VCALENDARs of the file ``path`` and its size in bytes, or an :class:`IcsProblem`."""
    import icalendar

    try:
        data = read_bytes(path, "an .ics file", max_bytes)
        text = decode(data, "UTF-8 .ics (export the calendar again)")
    except FileRefused as exc:
        raise IcsProblem(exc.reason) from None
    if "BEGIN:VCALENDAR" not in text.upper():
        raise IcsProblem("no BEGIN:VCALENDAR: not an iCalendar file")
    _check_nesting(data)
    _check_zone_names(text)
    try:
        cals = icalendar.Calendar.from_ical(text, multiple=True)
    except RecursionError:
        raise IcsProblem(f"components nest too deeply (at most {MAX_NESTING} levels)") from None
    except Exception as exc:  # icalendar raises ValueError, KeyError, IndexError ...
        raise IcsProblem(f"cannot be parsed as iCalendar: {short(exc)}") from exc
    cals = [c for c in cals if getattr(c, "name", "") == "VCALENDAR"]
    if not cals:
        raise IcsProblem("no complete VCALENDAR (BEGIN:VCALENDAR ... END:VCALENDAR): a "
                         "truncated or not an iCalendar file")
    return cals, len(data)


def _check_nesting(data: bytes) -> None:
    depth = 0
    for m in _LINE.finditer(data):
        depth += 1 if m.group(1).upper() == b"BEGIN" else -1
        if depth > MAX_NESTING:
            line = data.count(b"\n", 0, m.start()) + 1
            raise IcsProblem(f"components (BEGIN:...) nest more than {MAX_NESTING} levels "
                             f"deep (line {line}); a calendar needs three or four", line=line)


def _check_zone_names(text: str) -> None:
    """A ``TZID`` that names a folder of the time zone database (``Europe``) or a path makes
    the parser fail with an error about a file: refuse it here, with its line."""
    import zoneinfo

    defined = {m.group(1).strip() for m in re.finditer(r"^TZID:(.*)$", text, re.MULTILINE)}
    seen: set[str] = set()
    for m in _TZID.finditer(text):
        name = (m.group(1) if m.group(1) is not None else m.group(2)).strip()
        if name in seen or name in defined:
            continue
        seen.add(name)
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue  # not a zone: the parser keeps the time as written, check_event says so
        except Exception:  # a folder of the zone database, a file that is no zone ...
            line = text.count("\n", 0, m.start()) + 1
            raise IcsProblem(f"TZID {shown(name)} (line {line}) is not a time zone: name one "
                             "such as 'Europe/Berlin', or define it in a VTIMEZONE",
                             line=line) from None


@dataclass
class EventPlan:
    """One VEVENT, checked: its UID, start (naive), rules and extra dates (``RDATE``)."""

    uid: str | None
    start: _dt.datetime
    rules: list[Rule] = field(default_factory=list)
    rdates: int = 0

    def bounds(self, first: _dt.date, last: _dt.date) -> tuple[int, int]:
        """``(occurrences, steps)``: at most this many occurrences on the days ``first`` to
        ``last``, and at most this many steps to expand the event up to ``last``."""
        if not self.rules:
            inside = int(first <= self.start.date() <= last)
            return inside + self.rdates, 1 + self.rdates
        occurrences = steps = 0
        for rule in self.rules:
            n, s = rule.bounds(self.start, first, last)
            occurrences, steps = occurrences + n, steps + s
        return occurrences + self.rdates, steps + self.rdates


def check_event(ev: Any, zones: set[str]) -> EventPlan:
    """Check one VEVENT (see the module's docstring); ``zones`` are the TZIDs the file's
    VTIMEZONEs define. Raises :class:`IcsProblem` with the event's UID."""
    from icalendar.timezone import tzp

    uid_prop = ev.get("UID")
    uid = str(uid_prop[0] if isinstance(uid_prop, list) else uid_prop or "") or None
    for key in ONCE:
        values = ev.get(key)
        if isinstance(values, list):
            raise IcsProblem(f"{key} is given {len(values)} times; an event has it once", uid)
    if ev.get("DTSTART") is None:
        said = [str(e[1]) for e in getattr(ev, "errors", ()) if "DTSTART" in str(e[1])]
        if said:
            raise IcsProblem(f"DTSTART cannot be read: {short(said[0])}", uid)
        raise IcsProblem("DTSTART is missing (every event needs a start)", uid)
    for key in ("DTSTART", "DTEND", "RECURRENCE-ID", "DURATION"):
        prop = ev.get(key)
        if prop is None:
            continue
        if broken(prop):
            raise IcsProblem(f"{key} {shown(str(prop))} is not a date or date-time "
                             f"{_DATE_HINT}", uid)
        tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
        if tzid and str(tzid) not in zones and _zone_or_none(tzp, str(tzid)) is None:
            raise IcsProblem(f"{key} has TZID {shown(str(tzid))}, which is neither an IANA time "
                             "zone nor defined by a VTIMEZONE of the file", uid)
    begin = ev["DTSTART"].dt
    for key in ("DTSTART", "DTEND", "RECURRENCE-ID"):
        if ev.get(key) is not None:
            _in_range(key, ev[key].dt, uid)
    for key in ("RDATE", "EXDATE"):
        for value in _date_values(ev.get(key), key, uid):
            _in_range(key, value, uid)
    finish = ev["DTEND"].dt if ev.get("DTEND") is not None else None
    if finish is None and ev.get("DURATION") is not None:
        duration = ev["DURATION"].dt
        if not isinstance(duration, _dt.timedelta):
            raise IcsProblem(f"DURATION {shown(str(duration))} is not a duration (such as PT1H)",
                             uid)
        if duration < _dt.timedelta(0):
            raise IcsProblem(f"DURATION {duration} is negative", uid)
        try:
            _in_range("the end (DTSTART + DURATION)", begin + duration, uid)
        except OverflowError:
            raise IcsProblem(f"DURATION {duration} ends after the year {LAST_YEAR}",
                             uid) from None
    if finish is not None:
        if isinstance(begin, _dt.datetime) != isinstance(finish, _dt.datetime):
            raise IcsProblem("DTSTART and DTEND must both be dates (an all-day event) or both "
                             "date-times", uid)
        if (isinstance(begin, _dt.datetime) and begin.tzinfo is not None
                and finish.tzinfo is not None):
            late = finish < begin
        else:
            late = plain(finish) < plain(begin)
        if late:
            raise IcsProblem(f"DTEND {finish} is before DTSTART {begin}", uid)
    start = plain(begin)
    plan = EventPlan(uid, start, rdates=len(_date_values(ev.get("RDATE"), "RDATE", uid)))
    rules = ev.get("RRULE")
    for prop in rules if isinstance(rules, list) else ([rules] if rules is not None else []):
        plan.rules.append(_rule(prop, start, uid))
    return plan


def _rule(prop: Any, start: _dt.datetime, uid: str | None) -> Rule:
    from dateutil.rrule import rrulestr  # type: ignore[import-untyped]

    text = str(prop) if broken(prop) else prop.to_ical().decode(errors="replace")
    try:
        rule = parse_rule(text)
    except RuleError as exc:
        raise IcsProblem(f"RRULE {shown(text)}: {exc}", uid) from None
    try:
        rrulestr(text, dtstart=start, ignoretz=True)
    except Exception as exc:
        raise IcsProblem(f"RRULE {shown(text)} does not parse as an RFC 5545 rule (such as "
                         f"FREQ=WEEKLY;BYDAY=MO;UNTIL=20261231): {short(exc)}", uid) from None
    why = rule.never(start)
    if why is not None:
        raise IcsProblem(f"RRULE {shown(text)} can never occur: {why}", uid)
    return rule


def _date_values(prop: Any, key: str, uid: str | None) -> list[Any]:
    """The dates of an ``RDATE`` or ``EXDATE`` property (or of several)."""
    out: list[Any] = []
    for item in prop if isinstance(prop, list) else ([prop] if prop is not None else []):
        if broken(item) or not hasattr(item, "dts"):
            raise IcsProblem(f"{key} {shown(str(item))} is not a list of dates or date-times "
                             f"{_DATE_HINT}", uid)
        for value in item.dts:
            dt = value.dt
            out.append(dt[0] if isinstance(dt, tuple) else dt)  # a PERIOD: its start
    return out


def _in_range(key: str, value: Any, uid: str | None) -> None:
    year = getattr(value, "year", None)
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise IcsProblem(f"{key} {value} is outside the years {FIRST_YEAR} to {LAST_YEAR}", uid)


def _zone_or_none(tzp: Any, name: str) -> Any:
    try:
        return tzp.timezone(name)
    except Exception:  # a folder of the zone database, a name that is a path ...
        return None


def plain(value: Any) -> _dt.datetime:
    """A date or date-time as a naive date-time (a date is its midnight)."""
    if isinstance(value, _dt.datetime):
        return value.replace(tzinfo=None)
    return _dt.datetime.combine(value, _dt.time())


def broken(prop: Any) -> bool:
    """Whether icalendar kept a property it could not parse (``vBroken``)."""
    return type(prop).__name__ == "vBroken"


def shown(text: str, width: int = 60) -> str:
    """``text`` in quotes for a message: control characters escaped, cut to ``width``."""
    out = repr(text)
    return escaped(out if len(out) <= width else out[: width - 4] + "...'")


def short(exc: object, width: int = 160) -> str:
    """An exception's text for a message: one line, escaped, cut to ``width``."""
    text = escaped(" ".join(str(exc).split()))
    return text if len(text) <= width else text[: width - 3] + "..."
