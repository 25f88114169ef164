"""The hostile-input corpus of issue 11, as data.

Every case is one scenario argument that ``hs.load_scenario``, ``hiresim validate`` and
``hiresim run -n 2`` must refuse cleanly: a :class:`hiresim.ScenarioError` (exit 2 on the command
line) whose text names the field or the problem, never a traceback, a hang or more than 1 GB.
A few ``accepted`` cases are legitimate inputs that only look hostile (markup characters in a
name): they must load, validate and run, and be printed literally.

Text cases are one edit (or one small group of edits that change one thing) of ``base.toml``, a
copy of the ``default`` preset; ``tests/test_hostile_inputs.py`` checks that the base itself
loads, validates and runs, so each case tests exactly its own edit. Cases that cannot be kept as
text (random bytes, other encodings, a FIFO, a symlink loop, a directory, a 50 MB file) have a
``build`` function that makes them in a temporary folder at test time.

``expect`` lists message fragments that must all appear (case-insensitive) in the error; a
fragment ``"a|b"`` is satisfied by either alternative. The file's own path is removed from the
message before matching, so a fragment cannot match the temporary path.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BASE = (Path(__file__).with_name("base.toml")).read_text(encoding="utf-8")

#: Where a case's file is written in its folder (a neutral name: no word a fragment could match).
FILE_NAME = "s.toml"


@dataclass(frozen=True)
class Case:
    """One hostile input."""

    id: str
    kind: str
    expect: tuple[str, ...]
    #: ``(old, new)`` replacements applied to :data:`BASE`; each ``old`` occurs exactly once.
    edits: tuple[tuple[str, str], ...] = ()
    #: For cases that are not an edit of the base: ``build(folder) -> argument`` makes the input
    #: in ``folder`` and returns what is passed as the SCENARIO argument.
    build: Callable[[Path], str] | None = field(default=None, compare=False)
    #: What happened when the corpus was written (before the fixes), for the record.
    note: str = ""
    #: A legitimate input that only looks hostile (markup in a name): it must load, validate
    #: and run, and ``expect`` must then appear literally in what the CLI prints.
    accepted: bool = False

    def text(self) -> str:
        text = BASE
        for old, new in self.edits:
            assert text.count(old) == 1, (self.id, old)
            text = text.replace(old, new)
        return text

    def materialize(self, folder: Path) -> str:
        """Create the input in ``folder`` (empty, one per case); return the SCENARIO argument."""
        if self.build is not None:
            return self.build(folder)
        path = folder / FILE_NAME
        path.write_text(self.text(), encoding="utf-8")
        return str(path)


def edit(old: str, new: str) -> tuple[tuple[str, str], ...]:
    return ((old, new),)


# ---------------------------------------------------------------------------------------------
# Builders of the cases that are not an edit of the base


def _write_bytes(data: bytes) -> Callable[[Path], str]:
    def build(folder: Path) -> str:
        path = folder / FILE_NAME
        path.write_bytes(data)
        return str(path)

    return build


def _random_bytes(folder: Path) -> str:
    rng = random.Random(20260105)
    return _write_bytes(bytes(rng.randrange(256) for _ in range(4096)))(folder)


_LATIN1_TEXT = BASE.replace('name = "default"', 'name = "Café Müller"')


def _fifo(folder: Path) -> str:
    path = folder / FILE_NAME
    os.mkfifo(path)
    return str(path)


def _symlink_loop(folder: Path) -> str:
    a, b = folder / FILE_NAME, folder / "other.toml"
    a.symlink_to(b)
    b.symlink_to(a)
    return str(a)


def _directory(folder: Path) -> str:
    path = folder / FILE_NAME
    path.mkdir()
    (path / "inner.toml").write_text(BASE, encoding="utf-8")
    return str(path)


def _huge(folder: Path) -> str:
    """A valid scenario padded with comments to 50 MB."""
    path = folder / FILE_NAME
    line = "# " + "x" * 97 + "\n"  # 100 bytes
    with path.open("w", encoding="utf-8") as f:
        f.write(BASE)
        f.write(line * 500_000)
    return str(path)


def _nested(open_: str, close: str, depth: int) -> str:
    return open_ * depth + "1" + close * depth


def _missing(folder: Path) -> str:
    return str(folder / FILE_NAME)


# ---------------------------------------------------------------------------------------------
# Handy pieces of the base

_SEASONALITY = "seasonality = [0.6, 0.6, 0.8,"
_RATE_PER_WEEK = "rate_per_week = 1.2 "
_NOTICE = "notice_hours = 48 "
_ESCALATE = "escalate_after = 5 "
_RECRUITER_COUNT = "count = 4 "
_INTERVIEWER_COUNT = "count = 14 "
_HORIZON = "horizon_days = 182 "
_DRAIN = "drain_days = 120 "
_START = "start = 2026-01-05 "
_SEARCH = "search_days = 90"
_INITIAL = "initial = 4 "
_EVERY = "every_days = 7"
_NAME = 'name = "default"'
_DESCRIPTION = 'description = "A mid-size'
#: Interviewers on a calendar of three hours a day (two edits, one change).
_EARLY = (("[roles.recruiter]",
           '[calendars.early]\nhours = ["07:30", "10:30"]\n\n[roles.recruiter]'),
          ('day job\ncalendar = "office"', 'day job\ncalendar = "early"'))
_HOURS = 'hours = ["09:00", "17:00"]'
_SCREEN_WORK = 'work = { dist = "lognormal", median = 0.75, p90 = 2.0, unit = "working_hours" }'
_PASS = "pass_probability = 0.7"
_FIRST_DECISION = "decision = { advance = 0.45, offer = 0.0, reject = 0.55 }"
_FIRST_MINUTES = "interview_minutes = 60"
_COMMITTEE = 'committee = { weekdays = ["Thu"], time = "14:00", minutes = 60 }'
_VP_STEP = 'roles = ["vp"]'
_FINANCE_STEP = 'roles = ["finance"]'


def _name(value: str) -> tuple[tuple[str, str], ...]:
    """The scenario's name set to a TOML basic string ``value`` (escapes allowed)."""
    return edit(_NAME, f'name = "{value}"')


CASES: list[Case] = [
    # --- NaN and infinity in float fields -------------------------------------------------
    Case("seasonality-nan", "non-finite", ("absence.seasonality", "nan|finite"),
         edit(_SEASONALITY, "seasonality = [nan, 0.6, 0.8,")),
    Case("seasonality-inf", "non-finite", ("absence.seasonality", "inf|finite"),
         edit(_SEASONALITY, "seasonality = [inf, 0.6, 0.8,")),
    Case("rate-per-week-inf", "non-finite", ("candidates.rate_per_week", "inf|finite"),
         edit(_RATE_PER_WEEK, "rate_per_week = inf ")),
    Case("notice-hours-inf", "non-finite", ("scheduling.notice_hours", "inf|finite"),
         edit(_NOTICE, "notice_hours = inf ")),
    Case("escalate-after-inf", "non-finite", ("approvals.steps.0.escalate_after", "inf|finite"),
         edit(_ESCALATE, "escalate_after = inf ")),
    Case("calendar-load-nan", "non-finite", ("roles.recruiter.calendar_load", "nan|finite"),
         edit("calendar_load = 0.3         # recruiters", "calendar_load = nan  # recruiters")),
    Case("probability-nan", "non-finite", ("screening.pass_probability", "nan|finite"),
         edit(_PASS, "pass_probability = nan")),
    Case("decision-nan", "non-finite", ("rounds.0.decision", "nan|finite"),
         edit(_FIRST_DECISION, "decision = { advance = nan, offer = 0.0, reject = 0.55 }")),
    Case("duration-median-nan", "non-finite", ("screening.work", "nan|finite"),
         edit(_SCREEN_WORK,
              'work = { dist = "lognormal", median = nan, p90 = 2.0, unit = "working_hours" }')),
    Case("duration-constant-inf", "non-finite", ("scorecards.work", "inf|finite"),
         edit('[scorecards]                # "usually an hour; one in ten takes a day and a half '
              'to come in"\nwork = { dist = "lognormal", median = 1.0, p90 = 12.0, unit = '
              '"working_hours" }',
              '[scorecards]\nwork = { dist = "constant", value = inf, unit = "working_hours" }')),
    Case("after-days-inf", "non-finite", ("continuity.roles.recruiter.after_days", "inf|finite"),
         edit("after_days = 2", "after_days = inf")),
    Case("first-follow-up-nan", "non-finite",
         ("candidates.follow_up.first_after_days", "nan|finite"),
         edit("first_after_days = 7", "first_after_days = nan")),
    Case("vacation-days-nan", "non-finite", ("absence.vacation_days_per_year", "nan|finite"),
         edit("vacation_days_per_year = 13", "vacation_days_per_year = nan")),
    # --- integers that are not integers ---------------------------------------------------
    Case("count-float", "not-integer", ("roles.recruiter.count", "whole number|integer"),
         edit(_RECRUITER_COUNT, "count = 4.0 ")),
    Case("count-string", "not-integer", ("roles.recruiter.count", "whole number|integer"),
         edit(_RECRUITER_COUNT, 'count = "4" ')),
    Case("count-bool", "not-integer", ("roles.recruiter.count", "whole number|integer"),
         edit(_RECRUITER_COUNT, "count = true ")),
    Case("count-fractional", "not-integer", ("roles.recruiter.count", "whole number|integer"),
         edit(_RECRUITER_COUNT, "count = 4.5 ")),
    Case("count-1e400", "not-integer", ("roles.recruiter.count",),  # 1e400 is inf in TOML
         edit(_RECRUITER_COUNT, "count = 1e400 ")),
    Case("horizon-bigint", "not-integer", ("horizon_days",),
         edit(_HORIZON, "horizon_days = 99999999999999999999 ")),
    Case("slot-minutes-float", "not-integer", ("scheduling.slot_minutes",),
         edit("slot_minutes = 30", "slot_minutes = 30.0")),
    # --- dates out of range and date formats ----------------------------------------------
    Case("start-9999", "date", ("start",), edit(_START, "start = 9999-12-01 ")),
    Case("start-year-1", "date", ("start",), edit(_START, "start = 0001-01-01 ")),
    Case("start-dotted-string", "date", ("start", "YYYY-MM-DD"),
         edit(_START, 'start = "02.03.2026" ')),
    Case("start-datetime", "date", ("start",), edit(_START, "start = 2026-01-05T09:30:00 ")),
    Case("horizon-1e9", "resource", ("horizon_days",), edit(_HORIZON, "horizon_days = 1e9 ")),
    Case("horizon-100000", "resource", ("horizon_days",),
         edit(_HORIZON, "horizon_days = 100000 ")),
    Case("drain-1e8", "resource", ("drain_days",), edit(_DRAIN, "drain_days = 1e8 ")),
    Case("count-1e9", "resource", ("roles.interviewer.count",),
         edit(_INTERVIEWER_COUNT, "count = 1e9 ")),
    Case("search-days-1e9", "resource", ("scheduling.search_days",),
         edit(_SEARCH, "search_days = 1e9")),
    Case("initial-requisitions-1e6", "resource", ("requisitions.initial",),
         edit(_INITIAL, "initial = 1e6 ")),
    Case("rate-per-month-1e9", "resource", ("requisitions.rate_per_month",),
         edit("rate_per_month = 1.5", "rate_per_month = 1e9")),
    Case("rate-per-week-1e9", "resource", ("candidates.rate_per_week",),
         edit(_RATE_PER_WEEK, "rate_per_week = 1e9 ")),
    Case("follow-up-every-1e-300", "resource", ("candidates.follow_up.every_days",),
         edit(_EVERY, "every_days = 1e-300")),
    Case("interview-longer-than-day", "cannot-work", ("rounds.0", "interview_minutes|480"),
         (*_EARLY, (_FIRST_MINUTES, "interview_minutes = 480"))),
    Case("debrief-longer-than-day", "cannot-work", ("debrief.minutes",),
         (*_EARLY, ("minutes = 30                # panel", "minutes = 240  # panel"))),
    Case("random-bytes", "file", ("not UTF-8",), build=_random_bytes),
    Case("utf-16", "file", ("UTF-16|not UTF-8",), build=_write_bytes(BASE.encode("utf-16"))),
    Case("latin-1", "file", ("not UTF-8",), build=_write_bytes(_LATIN1_TEXT.encode("latin-1"))),
    Case("utf-8-bom", "file", ("BOM",), build=_write_bytes(b"\xef\xbb\xbf" + BASE.encode())),
    Case("nested-arrays-5000", "file", ("nesting|nested",),
         edit(_DESCRIPTION, f"description = {_nested('[', ']', 5000)}\n# ")),
    Case("nested-inline-tables-5000", "file", ("nesting|nested",),
         edit(_DESCRIPTION, f"description = {_nested('{a=', '}', 5000)}\n# ")),
    Case("dotted-key-5000", "file", ("nesting|nested|unknown key",),
         edit(_DRAIN, "drain_days = 120\n" + ".".join(["a"] * 5000) + " = 1\n#")),
    Case("nested-arrays-200", "file", ("description|nest",),
         edit(_DESCRIPTION, f"description = {_nested('[', ']', 200)}\n# ")),
    Case("fifo", "file", ("FIFO|not a regular file",), build=_fifo),
    Case("symlink-loop", "file", ("symbolic link|symlink",), build=_symlink_loop),
    Case("directory", "file", ("directory",), build=_directory),
    Case("dev-zero", "file", ("not a regular file|device",), build=lambda folder: "/dev/zero"),
    Case("empty-file", "file", ("empty|missing",), build=_write_bytes(b"")),
    Case("comments-only", "file", ("empty|missing",), build=_write_bytes(b"# nothing here\n\n")),
    Case("huge-file-50mb", "file", ("large|too big|size|MB",), build=_huge),
    Case("nul-byte", "file", ("not valid TOML|NUL|control",),
         build=_write_bytes(BASE.replace('name = "default"', 'name = "def\x00ault"').encode())),
    Case("missing-file", "file", ("no such",), build=_missing),
    # --- names and text with markup or control sequences -----------------------------------
    # markup in a name is legitimate text ("Team [EU]"): printed as written, never interpreted
    Case("name-markup-close", "markup", ("[/]",), _name("[/]"), accepted=True),
    Case("name-markup-link", "markup", ("[link=https://x]click[/link]",),
         _name("[link=https://x]click[/link]"), accepted=True),
    Case("name-markup-bold", "markup", ("[bold]loud",), _name("[bold]loud"), accepted=True),
    Case("name-osc8-hyperlink", "markup", ("name",),
         _name("\\u001b]8;;http://x\\u001b\\\\click\\u001b]8;;\\u001b\\\\")),
    Case("name-csi-colour", "markup", ("name",), _name("\\u001b[31mred")),
    Case("name-newline", "markup", ("name",), _name("two\\nlines")),
    Case("name-nul", "markup", ("name",), _name("a\\u0000b")),
    Case("name-bidi-override", "markup", ("name",), _name("\u202eemanevil")),
    Case("name-100k", "markup", ("name",), _name("x" * 100_000)),
    Case("description-esc", "markup", ("description",),
         edit(_DESCRIPTION, 'description = "\\u001b[2J\\u001b[HA mid-size')),
    Case("round-name-esc", "markup", ("rounds.0.name",),
         edit('name = "first interview"', 'name = "\\u001b[31mfirst interview"')),
    Case("unknown-calendar-markup", "markup", ("roles.recruiter.calendar", "unknown calendar"),
         edit('calendar = "office"\ncalendar_load = 0.3         # recruiters',
              'calendar = "[/]"\ncalendar_load = 0.3         # recruiters')),
    Case("unknown-role-markup", "markup", ("approvals.steps.0.roles.0", "unknown role"),
         edit(_FINANCE_STEP, 'roles = ["[/bold]"]')),
    # --- misspellings and formats ----------------------------------------------------------
    Case("duration-unix-for-unit", "typo", ("screening.work", "did you mean 'unit'"),
         edit(_SCREEN_WORK,
              'work = { dist = "lognormal", median = 0.75, p90 = 2.0, unix = "working_hours" }')),
    Case("duration-misspelt-dist", "typo", ("screening.work", "lognormal"),
         edit(_SCREEN_WORK,
              'work = { dist = "lognormall", median = 0.75, p90 = 2.0, unit = "working_hours" }')),
    Case("hours-no-leading-zero", "typo", ("calendars.office.hours", "HH:MM"),
         edit(_HOURS, 'hours = ["8:30", "17:00"]')),
    Case("committee-time-2pm", "typo", ("approvals.steps.1.committee.time", "HH:MM"),
         edit(_COMMITTEE, 'committee = { weekdays = ["Thu"], time = "2pm", minutes = 60 }')),
    Case("misspelt-block", "typo", ("absense", "did you mean 'absence'"),
         edit("[absence]", "[absense]")),
    Case("unknown-extension-block", "typo", ("background_check",),
         edit("[offers]", "[background_check]\ndays = 3\n\n[offers]")),
    Case("key-in-wrong-table", "typo", ("candidates.panel",),
         edit("max_per_requisition = 12", "max_per_requisition = 12\npanel = 2")),
    # --- TOML syntax -----------------------------------------------------------------------
    Case("duplicate-key", "syntax", ("not valid TOML", "line"),
         edit(_RECRUITER_COUNT, "count = 4\ncount = 5 ")),
    Case("duplicate-table", "syntax", ("not valid TOML", "line"),
         edit("[offers]", "[roles.vp]\ncount = 2\n\n[offers]")),
    Case("unterminated-string", "syntax", ("not valid TOML", "line"),
         edit(_NAME, 'name = "default')),
    Case("unterminated-array", "syntax", ("not valid TOML", "line"),
         edit(_HOURS, 'hours = ["09:00", "17:00"')),
    Case("unterminated-inline-table", "syntax", ("not valid TOML", "line"),
         edit(_FIRST_DECISION, "decision = { advance = 0.45, offer = 0.0, reject = 0.55")),
    # --- negative, zero and out-of-range values --------------------------------------------
    Case("horizon-zero", "range", ("horizon_days",), edit(_HORIZON, "horizon_days = 0 ")),
    Case("drain-negative", "range", ("drain_days",), edit(_DRAIN, "drain_days = -1 ")),
    Case("rate-per-week-zero", "range", ("candidates.rate_per_week",),
         edit(_RATE_PER_WEEK, "rate_per_week = 0 ")),
    Case("rate-per-week-negative", "range", ("candidates.rate_per_week",),
         edit(_RATE_PER_WEEK, "rate_per_week = -1.2 ")),
    Case("count-negative", "range", ("roles.recruiter.count",),
         edit(_RECRUITER_COUNT, "count = -4 ")),
    Case("probability-above-1", "range", ("screening.pass_probability",),
         edit(_PASS, "pass_probability = 1.7")),
    Case("probability-negative", "range", ("communication.ghost_probability",),
         edit("ghost_probability = 0.1", "ghost_probability = -0.1")),
    Case("follow-up-every-zero", "range", ("candidates.follow_up.every_days",),
         edit(_EVERY, "every_days = 0")),
    Case("notice-hours-negative", "range", ("scheduling.notice_hours",),
         edit(_NOTICE, "notice_hours = -48 ")),
    Case("quorum-zero", "range", ("approvals.steps.0.quorum",),
         edit(_FINANCE_STEP, 'roles = ["finance"]\nquorum = 0')),
    Case("quorum-above-roles", "range", ("approvals.steps.1", "quorum"),
         edit(_VP_STEP, 'roles = ["vp"]\nquorum = 2')),
    # --- unknown names ---------------------------------------------------------------------
    Case("unknown-role-reorganization", "reference",
         ("reorganization.roles.1", "did you mean 'hiring_manager'"),
         edit('roles = ["recruiter", "hiring_manager"]\nfreeze',
              'roles = ["recruiter", "hiring_mgr"]\nfreeze')),
    Case("unknown-escalate-to", "reference", ("approvals.steps.0.escalate_to", "unknown role"),
         edit('escalate_to = "vp"', 'escalate_to = "cfo"')),
    Case("unknown-recruiter-role", "reference",
         ("requisitions.recruiter_role", "did you mean 'recruiter'"),
         edit('recruiter_role = "recruiter"', 'recruiter_role = "recruiters"')),
    Case("unknown-preset", "reference", ("no such",), build=lambda folder: "preset:defualt"),
    # --- wrong types for tables ------------------------------------------------------------
    Case("string-for-decision-table", "type", ("rounds.0.decision",),
         edit(_FIRST_DECISION, 'decision = "advance"')),
    Case("string-for-committee-table", "type", ("approvals.steps.1.committee",),
         edit(_COMMITTEE, 'committee = "Thursdays at two"')),
    Case("string-for-screening-table", "type", ("screening",),
         ((_DRAIN, 'drain_days = 120\nscreening = "phone screen"\n#'),
          ("[screening]                 # the recruiter's phone screen before the first "
           f"interview\n{_SCREEN_WORK}\n{_PASS}\n", ""))),
    Case("array-of-tables-for-requisitions", "type", ("requisitions",),
         edit("[requisitions]", "[[requisitions]]")),
    Case("array-of-tables-for-role", "type", ("roles.recruiter",),
         edit("[roles.recruiter]", "[[roles.recruiter]]")),
    Case("array-of-tables-for-follow-up", "type", ("candidates.follow_up",),
         edit("[candidates.follow_up]", "[[candidates.follow_up]]")),
    Case("table-for-role-list", "type", ("approvals.steps.0.roles",),
         edit(_FINANCE_STEP, "roles = { finance = true }")),
    Case("table-for-round-array", "type", ("rounds",),
         (("[[rounds]]\nname = \"first interview\"", "[rounds.first]\nname = \"first interview\""),
          ("[[rounds]]\nname = \"onsite\"", "[rounds.onsite]\nname = \"onsite\""))),
]

#: Cases whose text is deliberately not valid TOML (the others must parse: see the tests).
NOT_TOML = {"nested-arrays-5000", "nested-inline-tables-5000"}

IDS = [case.id for case in CASES]
assert len(set(IDS)) == len(IDS), "duplicate case ids"
BY_ID = {case.id: case for case in CASES}
