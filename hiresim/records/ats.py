"""Read a company's ATS export (design section 7) into a :class:`hiresim.History`.

An export is a folder of UTF-8 CSV files with a header row: ``applications.csv``,
``stages.csv`` and ``interviews.csv`` (required), ``jobs.csv`` and ``export.json``
(optional). A *mapping* renames the export's columns to hiresim's and maps the company's stage
names onto the pipeline (``screening``, ``round:1``, ``round:2``, ..., ``offer``). The format,
the wait rules and the mapping file are documented in ``docs/reference/ats-format.md``.

Every problem of an export is reported at once, each with its file, row (the line in the file,
the header being line 1) and column, in one :class:`ATSError`. Rows that are valid but cannot
be used (an interview in an ignored stage, an application never interviewed, a wait whose end
the records do not show) are listed in :attr:`History.left_out` with the reason: nothing is
dropped silently.

>>> import hiresim as hs
>>> history = hs.read_ats(hs.records.ats.EXAMPLE)
>>> sorted(history.waits["outcome"].unique())
['advance', 'ghosted', 'offer', 'open', 'reject', 'withdrawn']
"""

from __future__ import annotations

import itertools
import json
import os
import re
import stat
from collections import abc
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from hiresim.records import csvfile
from hiresim.records.csvfile import DELIMITERS, CsvError, read_csv, write_csv
from hiresim.records.files import FileRefused, escaped, read_text
from hiresim.records.history import OFFER_RANK, History, is_stage, measure_waits, stage_rank
from hiresim.scenario import ScenarioError, parse_toml
from hiresim.text import close_matches, shown

if TYPE_CHECKING:
    from hiresim.results import Results

__all__ = ["EXAMPLE", "FINAL_STATUS", "MAX_FILE_BYTES", "MAX_PROBLEMS", "STATUSES",
           "WRITTEN_COLUMNS", "ATSError", "ATSMapping", "load_mapping", "read_ats", "require_waits",
           "write_ats"]

#: A small example export (a few dozen rows), used by the documentation.
EXAMPLE = Path(__file__).parent.parent / "examples" / "ats_small"
#: A CSV file larger than this (200 MB) is refused before it is read; the other bounds of a
#: CSV file are those of :mod:`hiresim.records.csvfile`.
MAX_FILE_BYTES = csvfile.MAX_FILE_BYTES
#: A mapping file larger than this (1 MB) is refused before it is read.
MAX_MAPPING_BYTES = 1_000_000
#: An ``export.json`` larger than this (1 MB) is refused before it is read.
MAX_EXPORT_JSON_BYTES = 1_000_000
#: At most this many problems are listed in an :class:`ATSError` (the rest are counted).
MAX_PROBLEMS = 50
MAPPING = "the mapping"
#: The keys of a mapping.
KEYS = ("columns", "stages", "status", "timezone", "delimiter")
#: Statuses of an application (after the mapping's ``[status]`` renames).
STATUSES = ("active", "hired", "rejected", "withdrawn", "offer_declined")
#: The CSV files of an export, in the order they are read and reported.
FILES = ("applications", "stages", "interviews", "jobs")
REQUIRED_FILES = ("applications", "stages", "interviews")
#: Columns of each file: (required, optional). An optional column that is absent is empty.
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "applications": (("application_id", "applied_at", "status", "closed_at"),
                     ("candidate_id", "job_id", "notified_at")),
    "stages": (("application_id", "stage", "entered_at"), ("exited_at",)),
    "interviews": (("application_id", "start", "end"), ("stage", "interviewers")),
    "jobs": (("job_id",), ("opened_at", "closed_at", "recruiter", "hiring_manager")),
}
#: Columns holding timestamps; the others are text.
TIMESTAMPS = {
    "applications": ("applied_at", "closed_at", "notified_at"),
    "stages": ("entered_at", "exited_at"),
    "interviews": ("start", "end"),
    "jobs": ("opened_at", "closed_at"),
}
#: Columns that must not be empty on any row.
NON_EMPTY = {
    "applications": ("application_id", "applied_at", "status"),
    "stages": ("application_id", "stage", "entered_at"),
    "interviews": ("application_id", "stage", "start", "end"),
    "jobs": ("job_id",),
}
#: Statuses whose ``closed_at`` decides a censored wait: it must be given.
NEEDS_CLOSED = ("rejected", "withdrawn")
#: Timestamps outside these dates are refused (the range hiresim simulates).
FIRST, LAST = pd.Timestamp("1990-01-01"), pd.Timestamp("2201-01-01")
TIMESTAMP_HINT = "(ISO 8601, e.g. 2026-03-02T14:30)"
IGNORE = "ignore"
_ISO = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?))?"
    r"(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?$")


Problem = tuple[str, int | None, str, str]


class ATSError(ValueError):
    """An ATS export (or mapping) that cannot be read.

    ``problems`` lists ``(file, row, column, message)``: ``row`` is the line in the file (the
    header is line 1) or ``None`` when the problem is not on one row; ``column`` is the
    column's name in the file ("" when the problem is not in one column). At most
    :data:`MAX_PROBLEMS` are kept; ``more`` counts the others.
    """

    def __init__(self, source: str, problems: list[Problem], more: int = 0,
                 what: str = "the ATS export"):
        self.source = source
        self.problems = problems
        self.more = more
        total = len(problems) + more
        noun = "problem" if total == 1 else "problems"
        lines = [format_problem(p) for p in problems]
        if more:
            lines.append(f"... and {more} more {'problem' if more == 1 else 'problems'}")
        super().__init__(f"{total} {noun} in {what} {escaped(source)}:\n" + "\n".join(lines))


def format_problem(problem: Problem) -> str:
    """``applications.csv, row 17, column applied_at: message``, on one line: control
    characters of the file's names and values are escaped
    (:func:`hiresim.records.files.escaped`)."""
    file, row, column, message = problem
    where = [escaped(file)] if file else []
    if row is not None:
        where.append(f"row {row}")
    if column:
        where.append(f"column {escaped(column)}")
    return f"{', '.join(where)}: {escaped(message)}" if where else escaped(message)


class _Problems:
    """Problems collected while reading: all are counted, the first ones kept."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.count = 0

    def add(self, file: str, row: int | None, column: str, message: str) -> None:
        self.count += 1
        if len(self.items) < 20 * MAX_PROBLEMS:  # sorted and cut to MAX_PROBLEMS at the end
            self.items.append((file, row, column, message))

    def rows(self, table: _Table, mask: Any, column: str, message: Any) -> None:
        """One problem per row of ``table`` where ``mask`` holds; ``message(row)`` says it."""
        mask = np.asarray(mask, dtype=bool)
        n = int(mask.sum())
        if not n:
            return
        picked = table.frame.loc[mask].head(MAX_PROBLEMS)
        label = table.label(column) if column else ""
        for _, row in picked.iterrows():
            self.add(table.file, int(row["_line"]), label, message(row))
        self.count += n - len(picked)

    def raise_if_any(self, source: str) -> None:
        if not self.count:
            return
        order = {f"{name}.csv": i for i, name in enumerate(FILES)}
        items = sorted(self.items, key=lambda p: (order.get(p[0], -1), p[1] or 0))
        kept = items[:MAX_PROBLEMS]
        raise ATSError(source, kept, self.count - len(kept))


# ------------------------------------------------------------------------------------ mapping


@dataclass
class ATSMapping:
    """A parsed mapping: column renames per file, stage names, statuses, time zone (called
    ``Mapping`` before version 0.2, a name that shadowed :class:`collections.abc.Mapping`)."""

    columns: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    stages: dict[str, str] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()
    status: dict[str, str] = field(default_factory=dict)
    timezone: str | None = None
    #: The files' delimiter (``None``: a comma, or what an Excel ``sep=`` line says).
    delimiter: str | None = None

    def stage_names(self) -> list[str]:
        return sorted(self.stages) + sorted(self.ignore)


def load_mapping(mapping: abc.Mapping[str, Any] | str | os.PathLike[str] | None) -> ATSMapping:
    """An :class:`ATSMapping` from a dict, the path of a TOML file, or ``None`` (no renames)."""
    if mapping is None:
        return ATSMapping()
    if isinstance(mapping, str | os.PathLike):
        label = escaped(os.fspath(mapping))
        try:
            data = parse_toml(read_text(Path(mapping), "a mapping file (TOML)",
                                        MAX_MAPPING_BYTES), label)
        except FileRefused as exc:
            raise ATSError(label, [(label, None, "", exc.reason)], what=MAPPING) from None
        except ScenarioError as exc:
            raise ATSError(label, [(label, None, "", m) for _, m in exc.problems],
                           what=MAPPING) from None
    elif isinstance(mapping, abc.Mapping):
        label, data = "<mapping>", dict(mapping)
    else:
        raise TypeError(f"mapping must be a dict or the path of a TOML file, got "
                        f"{type(mapping).__name__}")
    problems: list[Problem] = []

    def bad(where: str, message: str) -> None:
        problems.append((label, None, where, message))

    out = ATSMapping()
    for key in data:
        if key not in KEYS:
            hint = close_matches(str(key), list(KEYS))
            bad(str(key), "unknown key" + (f" (did you mean {hint[0]!r}?)" if hint else "")
                + "; a mapping has [columns.<file>], [stages], [status], timezone and "
                "delimiter")
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        bad("columns", "must be a table of tables: [columns.applications] ...")
        columns = {}
    for file, renames in columns.items():
        if file not in COLUMNS:
            bad(f"columns.{file}", f"unknown file; the files are {', '.join(FILES)}")
            continue
        if not isinstance(renames, dict):
            bad(f"columns.{file}", 'must be a table: "Export header" = "hiresim_column"')
            continue
        known = [*COLUMNS[file][0], *COLUMNS[file][1]]
        table: dict[str, tuple[str, ...]] = {}
        for header, target in renames.items():
            targets = [target] if isinstance(target, str) else target
            if not isinstance(targets, list) or not targets or not all(
                    isinstance(t, str) for t in targets):
                bad(f"columns.{file}.{header}", "must be a column name or a list of them")
                continue
            for t in targets:
                if t not in known:
                    hint = close_matches(t, known)
                    bad(f"columns.{file}.{header}",
                        f"{t!r} is not a column of {file}.csv"
                        + (f" (did you mean {hint[0]!r}?)" if hint else "")
                        + f"; its columns are {', '.join(known)}")
            table[str(header)] = tuple(targets)
        out.columns[file] = table
    stages = data.get("stages", {})
    if not isinstance(stages, dict):
        bad("stages", 'must be a table: "Company stage" = "round:1"')
        stages = {}
    ignore: set[str] = set()
    for name, target in stages.items():
        if name == IGNORE and isinstance(target, list):
            if not all(isinstance(t, str) for t in target):
                bad("stages.ignore", "must be a list of stage names")
            ignore |= {t for t in target if isinstance(t, str)}
        elif isinstance(target, str) and (target == IGNORE or is_stage(target)):
            if target == IGNORE:
                ignore.add(name)
            else:
                out.stages[name] = target
        else:
            bad(f"stages.{name}", f"{shown(target)} is not a stage: use screening, round:1, "
                                  f"round:2, ..., offer, or \"ignore\"")
    both = sorted(ignore & set(out.stages))
    for name in both:
        bad(f"stages.{name}", "is both mapped to a stage and ignored")
    out.ignore = frozenset(ignore)
    status = data.get("status", {})
    if not isinstance(status, dict):
        bad("status", 'must be a table: "Company status" = "rejected"')
        status = {}
    for name, target in status.items():
        if target not in STATUSES:
            bad(f"status.{name}", f"{shown(target)} is not a status: use "
                                  + ", ".join(STATUSES))
        else:
            out.status[str(name)] = target
    tz = data.get("timezone")
    if tz is not None:
        if not isinstance(tz, str):
            bad("timezone", 'must be a time zone name such as "Europe/Berlin"')
        else:
            try:
                pd.Timestamp("2026-01-01", tz=tz)
                out.timezone = tz
            except Exception:
                bad("timezone", f"{shown(tz)} is not a time zone name (IANA, e.g. "
                                "\"Europe/Berlin\")")
    delimiter = data.get("delimiter")
    if delimiter is not None:
        named = {name: d for d, name in DELIMITERS.items()}
        if isinstance(delimiter, str) and delimiter in named:
            out.delimiter = named[delimiter]
        elif isinstance(delimiter, str) and delimiter in DELIMITERS:
            out.delimiter = delimiter
        else:
            bad("delimiter", f"{shown(delimiter)} is not a delimiter: use "
                             + ", ".join(f'"{d}"' if d != "\t" else '"\\t" (tab)'
                                         for d in DELIMITERS)
                             + " or its name (comma, semicolon, tab, vertical bar)")
    if problems:
        raise ATSError(label, problems[:MAX_PROBLEMS], max(len(problems) - MAX_PROBLEMS, 0),
                       what=MAPPING)
    return out


# ------------------------------------------------------------------------------ reading files


@dataclass
class _Table:
    """One CSV file read as text: hiresim column names, and ``_line`` (line in the file)."""

    file: str
    frame: pd.DataFrame
    origin: dict[str, str]  # hiresim column -> the export's header

    def label(self, column: str) -> str:
        return self.origin.get(column, column)


def _read_file(folder: Path, name: str, mapping: ATSMapping, problems: _Problems,
               required: bool) -> _Table | None:
    file = f"{name}.csv"
    path = folder / file
    if not path.exists() and not path.is_symlink():
        if required:
            hint = close_matches(file, _csv_names(folder))
            problems.add(file, None, "", "missing: an export needs applications.csv, "
                         "stages.csv and interviews.csv"
                         + (f" (is {shown(hint[0])} this file?)" if hint else ""))
        return None
    renames = mapping.columns.get(name, {})
    required_cols, optional_cols = COLUMNS[name]
    known = {*required_cols, *optional_cols}
    origin: dict[str, str] = {}  # hiresim column -> the export's header
    used: dict[str, int] = {}  # hiresim column -> position in the header

    def pick(header: list[str]) -> list[int]:
        for i, h in enumerate(header):
            for target in renames.get(h, (h,)):
                if target in known and target not in origin:
                    origin[target], used[target] = h, i
        return sorted(set(used.values()))

    try:
        table = read_csv(path, delimiter=mapping.delimiter, columns=pick)
    except CsvError as exc:
        problems.add(file, exc.row, exc.column, exc.message)
        return None
    header, at = table.header, table.header_line
    seen: dict[str, int] = {}
    twice = False
    for i, h in enumerate(header):
        if h and h in seen:
            twice = True
            problems.add(file, at, h, f"the header names {shown(h)} twice (columns "
                         f"{seen[h] + 1} and {i + 1})")
        seen.setdefault(h, i)
    if twice:
        return None
    for h in header:  # two export columns renamed to one hiresim column
        for target in renames.get(h, (h,)):
            if target in known and origin.get(target) not in (None, h):
                problems.add(file, at, h, f"both {shown(origin[target])} and {shown(h)} would "
                             f"be column {target!r}: rename only one of them in the mapping")
    for h in renames:
        if h not in seen:
            problems.add(file, at, "", f"the mapping renames column {shown(h)}, which the "
                         f"header does not have (it has {_few(header)})")
    ok = True
    for col in required_cols:
        if col not in origin:
            ok = False
            hint = close_matches(col, [h for h in header if h not in origin.values()],
                                  cutoff=0.5)
            problems.add(file, at, col, f"missing column {col!r}"
                         + (f" (did you mean {shown(hint[0])}?)" if hint else "")
                         + f"; the header has {_few(header)}. Rename the export's column in "
                         f"the mapping's [columns.{name}]")
    if not ok:
        return None
    n = len(table)
    out = pd.DataFrame({col: np.asarray(table.values[used[col]], dtype=object)
                        if col in used else np.full(n, "", dtype=object)
                        for col in (*required_cols, *optional_cols)})
    out["_line"] = np.asarray(table.lines, dtype=np.int64)
    return _Table(file, out, origin)


def _csv_names(folder: Path) -> list[str]:
    """The CSV files of ``folder`` (at most a few thousand looked at), for a hint."""
    try:
        return sorted(itertools.islice((p.name for p in folder.iterdir()
                                        if p.suffix.lower() == ".csv"), 5000))
    except OSError:
        return []


def _few(names: list[str], n: int = 12) -> str:
    """The first ``n`` of ``names`` as a message shows them, and how many more."""
    text = ", ".join(shown(h) for h in names[:n])
    return text + (f", ... ({len(names)} columns)" if len(names) > n else "")


class _Clock:
    """Parses timestamps of every file into naive local time (see the format reference)."""

    def __init__(self, timezone: str | None):
        self.timezone = timezone
        self.offsets: dict[str, tuple[str, int, str]] = {}  # offset -> first (file, row, col)

    def parse(self, table: _Table, column: str, problems: _Problems) -> pd.Series:
        text = table.frame[column].astype(str)
        given = text != ""
        # fast path (C parser): the usual layouts without offset; the others by the pattern
        wall = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
        for layout in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
                       "%Y-%m-%d %H:%M", "%Y-%m-%d"):
            todo = given & wall.isna()
            if not todo.any():
                break
            wall[todo] = pd.to_datetime(text[todo], format=layout, errors="coerce")
        rest = given & wall.isna()
        parts = pd.DataFrame({"date": pd.Series(np.nan, index=text.index, dtype=object),
                              "time": np.nan, "offset": np.nan}, dtype=object)
        if rest.any():
            parts.loc[rest, :] = text[rest].str.extract(_ISO).to_numpy()
            some = rest & parts["date"].notna()
            wall_text = (parts.loc[some, "date"] + " "
                         + parts.loc[some, "time"].fillna("00:00").str.replace(",", "."))
            wall[some] = pd.to_datetime(wall_text, format="ISO8601", errors="coerce")
        bad = given & wall.isna()
        # a timestamp of the year 9999 is out of range, not "not a timestamp" (pandas' range
        # ends in 2262, so it did not parse)
        year = pd.to_numeric(parts["date"].str[:4], errors="coerce")
        far = bad & ((year < FIRST.year) | (year >= LAST.year)).to_numpy()
        bad &= ~far
        problems.rows(table, bad, column, lambda r: f"{shown(r[column])} is not a timestamp "
                                                    f"{TIMESTAMP_HINT}")
        out_of_range = far | (given & wall.notna() & ((wall < FIRST) | (wall >= LAST)))
        problems.rows(table, out_of_range, column,
                      lambda r: f"{shown(r[column])} is outside the years 1990 to 2200")
        wall = wall.where(~out_of_range)
        offset = parts["offset"].where(wall.notna())
        aware = offset.notna().to_numpy()
        if aware.any():
            if self.timezone is not None:
                minutes = offset[aware].map(_offset_minutes).astype("int64")
                utc = wall[aware] - pd.to_timedelta(minutes, unit="min")
                local = (utc.dt.tz_localize("UTC").dt.tz_convert(self.timezone)
                         .dt.tz_localize(None))
                wall = wall.copy()
                wall[aware] = local
            else:
                lines = table.frame["_line"].to_numpy()
                for off, i in pd.Series(np.flatnonzero(aware)).groupby(
                        offset[aware].map(_normal_offset).to_numpy()).first().items():
                    self.offsets.setdefault(str(off), (table.file, int(lines[i]),
                                                       table.label(column)))
        return wall.astype("datetime64[ns]")

    def check(self, problems: _Problems) -> None:
        """Offset-aware timestamps with different offsets need the mapping's time zone."""
        if self.timezone is None and len(self.offsets) > 1:
            (first, _), *rest = sorted(self.offsets.items(), key=lambda kv: kv[1][:2])
            for off, (file, row, col) in rest[:5]:
                problems.add(file, row, col,
                             f"this timestamp has UTC offset {off}, others have {first}: say "
                             "the company's time zone in the mapping, e.g. timezone = "
                             "\"Europe/Berlin\", so that they are converted to its local time")


def _offset_minutes(text: str) -> int:
    if text == "Z":
        return 0
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return sign * (int(digits[:2]) * 60 + int(digits[2:4] or 0))


def _normal_offset(text: str) -> str:
    m = _offset_minutes(text)
    return f"{'+' if m >= 0 else '-'}{abs(m) // 60:02d}:{abs(m) % 60:02d}"


# ------------------------------------------------------------------------------- validation


def _map_stages(table: _Table, mapping: ATSMapping, problems: _Problems) -> pd.Series:
    """The mapped stage of each row: a pipeline stage, ``ignore``, or "" (empty/unknown)."""
    raw = table.frame["stage"].astype(str)
    mapped = raw.map(mapping.stages)
    identity = raw.where(raw.map(is_stage) & mapped.isna())
    ignored = raw.where(raw.isin(mapping.ignore)).notna()
    result = mapped.fillna(identity).fillna("")
    result[ignored] = IGNORE
    unknown = (result == "") & (raw != "")
    if unknown.any():
        known = ", ".join([*map(repr, mapping.stage_names()), "screening", "round:1",
                           "round:2", "...", "offer"])
        sub = table.frame.loc[unknown.to_numpy()]
        for name, rows in _first_groups(sub, "stage", problems):
            hint = close_matches(str(name), [*mapping.stage_names(), "screening", "offer"])
            more = f" (and on {len(rows) - 1} more rows)" if len(rows) > 1 else ""
            problems.add(table.file, int(rows.iloc[0]), table.label("stage"),
                         f"stage {shown(name)} is not in the mapping"
                         + (f" (did you mean {hint[0]!r}?)" if hint else "")
                         + f"{more}; the known stages are {known}. Map it in [stages], or "
                         f"leave it out with ignore = [{shown(name)}]")
            problems.count += len(rows) - 1
    return result


def _first_groups(sub: pd.DataFrame, column: str, problems: _Problems
                  ) -> Iterator[tuple[Any, pd.Series]]:
    """The rows of ``sub`` by value of ``column`` (in order of first appearance), for the
    first :data:`MAX_PROBLEMS` values: the rows of the others are only counted (100,000
    unknown stage names are not each compared with the known ones)."""
    seen = 0
    for k, (name, rows) in enumerate(sub.groupby(column, sort=False)["_line"]):
        if k == MAX_PROBLEMS:
            problems.count += len(sub) - seen
            return
        seen += len(rows)
        yield name, rows


def _non_empty(table: _Table, problems: _Problems, skip: tuple[str, ...] = ()) -> pd.Series:
    ok = pd.Series(True, index=table.frame.index)
    for col in NON_EMPTY[table.file[:-4]]:
        if col in skip or (col == "stage" and col not in table.origin):
            continue
        empty = table.frame[col] == ""
        problems.rows(table, empty, col, lambda r, c=col: f"{c} is empty")
        ok &= ~empty
    return ok


def _order(table: _Table, early: str, late: str, a: pd.Series, b: pd.Series,
           problems: _Problems, what: str) -> None:
    before = (b < a).fillna(False).to_numpy(dtype=bool)
    problems.rows(table, before, late,
                  lambda r: f"{what}: {late} {r[late]} is before {early} {r[early]}")


def read_ats(folder: str | os.PathLike[str],
             mapping: abc.Mapping[str, Any] | str | os.PathLike[str] | None = None) -> History:
    """Read the ATS export in ``folder`` into a :class:`hiresim.History`.

    ``mapping`` is a dict or the path of a TOML file with ``[columns.<file>]`` renames
    (export header = hiresim column), ``[stages]`` (company stage = ``screening``,
    ``round:k``, ``offer`` or ``"ignore"``; ``ignore = [...]`` lists stages to leave out),
    ``[status]`` (company status = hiresim status) and ``timezone`` (IANA name: offset-aware
    timestamps are converted to its local time). Raises :class:`ATSError` listing every
    problem with its file, row and column.
    """
    source = escaped(str(folder))  # for messages: a control character of the name is escaped
    root = Path(folder)
    try:
        info = root.stat()
    except OSError:
        raise ATSError(source, [(source, None, "", "no such folder")]) from None
    if not stat.S_ISDIR(info.st_mode):
        raise ATSError(source, [(source, None, "", "is not a folder: give the folder that "
                                                   "holds applications.csv, stages.csv and "
                                                   "interviews.csv")])
    rules = load_mapping(mapping)
    problems = _Problems()
    tables = {name: _read_file(root, name, rules, problems, name in REQUIRED_FILES)
              for name in FILES}
    clock = _Clock(rules.timezone)
    times: dict[str, dict[str, pd.Series]] = {}
    for name, table in tables.items():
        if table is not None:
            times[name] = {c: clock.parse(table, c, problems) for c in TIMESTAMPS[name]}
    exported_at = _export_time(root, times, problems, clock)
    clock.check(problems)
    apps, stages, interviews, jobs = (tables[n] for n in FILES)
    left_out: list[tuple[str, int, str, str]] = []
    app_ids: pd.Index | None = None
    if apps is not None:
        app_ids = _check_applications(apps, times["applications"], rules, problems)
    if jobs is not None:
        jt = times["jobs"]
        _non_empty(jobs, problems)
        dup = jobs.frame["job_id"].duplicated() & (jobs.frame["job_id"] != "")
        problems.rows(jobs, dup, "job_id", lambda r: f"job id {shown(r['job_id'])} is on an "
                                                      "earlier row too")
        _order(jobs, "opened_at", "closed_at", jt["opened_at"], jt["closed_at"], problems,
               "closed before it opened")
        if apps is not None:
            given = apps.frame["job_id"] != ""
            unknown = given & ~apps.frame["job_id"].isin(jobs.frame["job_id"])
            problems.rows(apps, unknown, "job_id",
                          lambda r: f"job id {shown(r['job_id'])} is not in jobs.csv")
    stage_map = None
    if stages is not None:
        st = times["stages"]
        _non_empty(stages, problems)
        stage_map = _map_stages(stages, rules, problems)
        _order(stages, "entered_at", "exited_at", st["entered_at"], st["exited_at"], problems,
               "exited before it was entered")
        _known_ids(stages, app_ids, problems)
    iv_map = None
    if interviews is not None:
        it = times["interviews"]
        _non_empty(interviews, problems)
        if "stage" in interviews.origin:
            iv_map = _map_stages(interviews, rules, problems)
        _order(interviews, "start", "end", it["start"], it["end"], problems,
               "ended before it started")
        _known_ids(interviews, app_ids, problems)
    problems.raise_if_any(source)
    assert apps is not None and stages is not None and interviews is not None
    assert stage_map is not None
    # -------------------------------------------------------------------------- the tables
    at = times["applications"]
    status = apps.frame["status"].map(lambda s: rules.status.get(s, s))
    applications = pd.DataFrame({
        "application_id": apps.frame["application_id"].to_numpy(),
        "candidate_id": apps.frame["candidate_id"].where(apps.frame["candidate_id"] != "",
                                                         apps.frame["application_id"]),
        "job_id": apps.frame["job_id"].to_numpy(),
        "applied_at": at["applied_at"].to_numpy(),
        "status": status.to_numpy(),
        "closed_at": at["closed_at"].to_numpy(),
        "notified_at": at["notified_at"].to_numpy(),
    })
    st = times["stages"]
    used_stage = (stage_map != IGNORE).to_numpy()
    for line in stages.frame.loc[~used_stage, "_line"]:
        left_out.append((stages.file, int(line), stages.label("stage"),
                         "the stage is ignored by the mapping"))
    stage_table = pd.DataFrame({
        "application_id": stages.frame["application_id"].to_numpy(),
        "stage": stage_map.to_numpy(),
        "stage_raw": stages.frame["stage"].to_numpy(),
        "entered_at": st["entered_at"].to_numpy(),
        "exited_at": st["exited_at"].to_numpy(),
        "_line": stages.frame["_line"].to_numpy(),
    }).loc[used_stage].reset_index(drop=True)
    it = times["interviews"]
    iv = pd.DataFrame({
        "application_id": interviews.frame["application_id"].to_numpy(),
        "start": it["start"].to_numpy(),
        "end": it["end"].to_numpy(),
        "interviewers": [tuple(x.strip() for x in s.split(";") if x.strip())
                         for s in interviews.frame["interviewers"]],
        "_line": interviews.frame["_line"].to_numpy(),
    })
    if iv_map is not None:
        iv["stage"] = iv_map.to_numpy()
    else:
        iv["stage"] = _stage_at(iv, stage_table)
        for line in iv.loc[iv["stage"] == "", "_line"]:
            left_out.append((interviews.file, int(line), interviews.label("start"),
                             "no stage visit in stages.csv contains the interview's start, "
                             "and interviews.csv has no stage column"))
    iv["round"] = stage_rank(iv["stage"].astype(str))
    in_round = iv["round"].between(1, OFFER_RANK - 1).to_numpy()
    stage_label = interviews.label("stage") if iv_map is not None else ""
    for line, s in iv.loc[~in_round & (iv["stage"] != ""), ["_line", "stage"]].itertuples(
            index=False):
        reason = ("the stage is ignored by the mapping" if s == IGNORE else
                  f"an interview in stage {s!r} is not an interview round: waits for feedback "
                  "are measured after rounds (round:1, round:2, ...)")
        left_out.append((interviews.file, int(line), stage_label, reason))
    iv = iv.loc[in_round].reset_index(drop=True)
    iv["round"] = iv["round"].astype("int64")
    waits, wait_left = measure_waits(applications, stage_table, iv, exported_at)
    left_out += [(interviews.file, line, interviews.label("end"), reason)
                 for line, reason in wait_left]
    interviewed = set(iv["application_id"])
    for line, app_id in apps.frame[["_line", "application_id"]].itertuples(index=False):
        if app_id not in interviewed:
            left_out.append((apps.file, int(line), "", "no interview in a round (round:1, "
                             "round:2, ...): no wait for feedback to measure"))
    if jobs is not None:
        jt = times["jobs"]
        job_table = pd.DataFrame({
            "job_id": jobs.frame["job_id"].to_numpy(),
            "opened_at": jt["opened_at"].to_numpy(),
            "closed_at": jt["closed_at"].to_numpy(),
            "recruiter": jobs.frame["recruiter"].to_numpy(),
            "hiring_manager": jobs.frame["hiring_manager"].to_numpy(),
            "row": jobs.frame["_line"].to_numpy(),
        })
    else:
        job_table = pd.DataFrame({
            "job_id": pd.Series(dtype=object), "opened_at": pd.Series(dtype="datetime64[ns]"),
            "closed_at": pd.Series(dtype="datetime64[ns]"),
            "recruiter": pd.Series(dtype=object), "hiring_manager": pd.Series(dtype=object),
            "row": pd.Series(dtype="int64")})
    order = {f"{n}.csv": i for i, n in enumerate(FILES)}
    left = pd.DataFrame(sorted(left_out, key=lambda r: (order[r[0]], r[1])),
                        columns=["file", "row", "column", "reason"])
    left["row"] = left["row"].astype("int64")
    return History(
        applications=applications,
        stages=stage_table.drop(columns="_line"),
        interviews=iv[["application_id", "stage", "round", "start", "end", "interviewers",
                       "_line"]].rename(columns={"_line": "row"}),
        jobs=job_table,
        exported_at=exported_at,
        waits=waits,
        left_out=left,
        source=source,
    )


def require_waits(history: History, purpose: str = "calibrate on") -> None:
    """Refuse a history without a single wait for feedback, with an :class:`ATSError` that says
    why there is none: the export's rows left out, by their most common reasons.

    A history read correctly can still hold nothing to measure (an export of headers only, of
    applications never interviewed, of interviews only in screening); what needs waits
    (:func:`hiresim.calibrate`) calls this first. ``purpose`` ends the sentence "no wait for
    feedback to ...".
    """
    if len(history.waits):
        return
    left = history.left_out
    if len(left):
        counts = left.groupby(["file", "reason"], sort=False).size().sort_values(
            ascending=False, kind="stable")
        reasons = "; ".join(f"{n} {'row' if n == 1 else 'rows'} of {file}: {reason}"
                            for (file, reason), n in counts.head(3).items())
        why = f"every row was left out ({reasons})"
    elif len(history.applications):
        why = "no application has an interview in a round (round:1, round:2, ...)"
    else:
        why = "applications.csv has no application"
    raise ATSError(history.source or "<history>", [
        ("", None, "", f"the export has no wait for feedback to {purpose}: {why}. A wait "
                       "starts when an interview of a round ends (see History.left_out)")])


def _check_applications(apps: _Table, times: dict[str, pd.Series], rules: ATSMapping,
                        problems: _Problems) -> pd.Index:
    f = apps.frame
    _non_empty(apps, problems, skip=("status",) if "" in rules.status else ())
    ids = f["application_id"]
    dup = ids.duplicated() & (ids != "")
    if dup.any():
        first = f.loc[~ids.duplicated()].set_index("application_id")["_line"]
        problems.rows(apps, dup, "application_id",
                      lambda r: f"application id {shown(r['application_id'])} is also on row "
                                f"{first[r['application_id']]}")
    status = f["status"].map(lambda s: rules.status.get(s, s))
    unknown = (status != "") & ~status.isin(STATUSES)
    if unknown.any():
        sub = f.loc[unknown.to_numpy()]
        for name, rows in _first_groups(sub, "status", problems):
            hint = close_matches(str(name), [*STATUSES, *rules.status])
            more = f" (and on {len(rows) - 1} more rows)" if len(rows) > 1 else ""
            problems.add(apps.file, int(rows.iloc[0]), apps.label("status"),
                         f"status {shown(name)} is not one of {', '.join(STATUSES)}"
                         + (f" (did you mean {hint[0]!r}?)" if hint else "")
                         + f"{more}; map the company's statuses in the mapping's [status]")
            problems.count += len(rows) - 1
    no_close = status.isin(NEEDS_CLOSED) & (f["closed_at"] == "")
    problems.rows(apps, no_close, "closed_at",
                  lambda r: f"status {rules.status.get(r['status'], r['status'])!r} needs "
                            "closed_at (when the application was closed)")
    _order(apps, "applied_at", "closed_at", times["applied_at"], times["closed_at"], problems,
           "closed before the application")
    _order(apps, "applied_at", "notified_at", times["applied_at"], times["notified_at"],
           problems, "notified before the application")
    return pd.Index(ids[ids != ""])


def _known_ids(table: _Table, app_ids: pd.Index | None, problems: _Problems) -> None:
    if app_ids is None:
        return
    ids = table.frame["application_id"]
    unknown = (ids != "") & ~ids.isin(app_ids)
    problems.rows(table, unknown, "application_id",
                  lambda r: f"application id {shown(r['application_id'])} is not in "
                            "applications.csv")


def _export_time(root: Path, times: dict[str, dict[str, pd.Series]], problems: _Problems,
                 clock: _Clock) -> pd.Timestamp:
    latest = pd.NaT
    latest_at: tuple[str, str] = ("", "")
    for name, cols in times.items():
        for col, values in cols.items():
            top = values.max()
            if pd.notna(top) and (pd.isna(latest) or top > latest):
                latest, latest_at = top, (f"{name}.csv", col)
    path = root / "export.json"
    if not path.exists() and not path.is_symlink():
        return pd.Timestamp(latest) if pd.notna(latest) else pd.Timestamp("1990-01-01")
    try:
        data = json.loads(read_text(path, "a JSON file", MAX_EXPORT_JSON_BYTES))
    except FileRefused as exc:
        problems.add("export.json", None, "", f"{exc.reason} (export.json holds "
                     '{"exported_at": TIMESTAMP}; leave it out to take the latest timestamp '
                     "in the files)")
        return pd.Timestamp(latest)
    except json.JSONDecodeError as exc:
        problems.add("export.json", exc.lineno, "", f"is not valid JSON: {exc.msg}")
        return pd.Timestamp(latest)
    except RecursionError:
        problems.add("export.json", None, "", "is not an export time: its arrays and objects "
                     'nest too deeply (export.json holds {"exported_at": TIMESTAMP})')
        return pd.Timestamp(latest)
    value = data.get("exported_at") if isinstance(data, dict) else None
    parts = _ISO.match(value) if isinstance(value, str) else None
    if parts is None:
        problems.add("export.json", None, "exported_at",
                     f"{shown(value)} is not a timestamp {TIMESTAMP_HINT}"
                     if value is not None else
                     'needs {"exported_at": TIMESTAMP} (leave the file out to take the latest '
                     "timestamp in the files)")
        return pd.Timestamp(latest)
    table = _Table("export.json", pd.DataFrame({"exported_at": [value], "_line": [1]}), {})
    parsed = clock.parse(table, "exported_at", problems).iloc[0]
    if pd.isna(parsed):
        return pd.Timestamp(latest)
    if pd.notna(latest) and parsed < latest:
        problems.add("export.json", None, "exported_at",
                     f"{value} is before the latest timestamp in the files ({latest} in "
                     f"{latest_at[0]}, column {latest_at[1]})")
    return pd.Timestamp(parsed)


def _stage_at(iv: pd.DataFrame, stages: pd.DataFrame) -> np.ndarray:
    """The stage each interview was in: the last stage entered at or before its start."""
    out = np.full(len(iv), "", dtype=object)
    if not len(iv) or not len(stages):
        return out
    left = iv[["application_id", "start"]].assign(_i=np.arange(len(iv))).sort_values("start")
    right = stages[["application_id", "entered_at", "stage"]].sort_values("entered_at")
    joined = pd.merge_asof(left, right, left_on="start", right_on="entered_at",
                           by="application_id", direction="backward")
    found = joined["stage"].notna().to_numpy()
    out[joined["_i"].to_numpy()[found]] = joined["stage"].to_numpy()[found]
    return out


# ------------------------------------------------------------------------------ writing


#: Candidates' final outcomes as ATS application statuses (design section 7).
FINAL_STATUS = {"hired": "hired", "rejected": "rejected", "cancelled": "rejected",
              "ghosted": "rejected", "withdrawn": "withdrawn", "declined": "offer_declined",
              "open": "active"}
#: Columns of the files :func:`write_ats` writes, in order.
WRITTEN_COLUMNS = {
    "applications": ("application_id", "candidate_id", "job_id", "applied_at", "status",
                     "closed_at", "notified_at"),
    "stages": ("application_id", "stage", "entered_at", "exited_at"),
    "interviews": ("application_id", "stage", "start", "end", "interviewers"),
    "jobs": ("job_id", "opened_at", "closed_at", "recruiter", "hiring_manager"),
}
_WRITTEN_TIME = "%Y-%m-%dT%H:%M:%S"


def _iso(stamps: pd.Series) -> pd.Series:
    """Timestamps as ISO 8601 text to the second; NaT as empty."""
    return stamps.dt.round("s").dt.strftime(_WRITTEN_TIME).fillna("")


def write_ats(results: Results, folder: str | os.PathLike[str]) -> Path:
    """Write simulated ``results`` as a company's ATS export into ``folder``, in the format
    :func:`read_ats` reads; :meth:`hiresim.Results.to_ats` documents the files and calls this.

    Vectorised over candidates (pandas only). Returns the folder.

    Raises:
        ValueError: the results have no event log (``simulate(..., event_log=False)``):
            interviews and stage times come from ``events``.
    """
    if not results.manifest.get("event_log", True) or (
            results.events.empty and not results.journeys.empty):
        raise ValueError(
            "to_ats needs the event log (interviews and stage times come from "
            "results.events): simulate with event_log=True")
    out = Path(folder)
    NaT = pd.NaT
    scenario = results.scenario
    events = results.events
    cand = results.candidates
    c = pd.DataFrame({
        "app": cand["candidate"].astype(str).to_numpy(),
        "job": ("r" + cand["replication"].astype(str) + "-"
                + cand["requisition"].astype(str)).to_numpy(),
        "applied": cand["applied_at"].to_numpy(),
        "final": cand["final_outcome"].astype(str).to_numpy(),
        "rounds": cand["rounds"].to_numpy(),
        "end": (cand["applied_at"] + pd.to_timedelta(cand["days_in_process"], unit="D")
                ).to_numpy(),
    })
    c["order"] = np.arange(len(c))
    j = results.journeys
    j = j[j["candidate"].isin(c["app"])]
    j = pd.DataFrame({
        "app": j["candidate"].astype(str).to_numpy(),
        "round": j["round"].to_numpy(),
        "interview_end": j["interview_end"].to_numpy(),
        "feedback": j["feedback_at"].to_numpy(),
        "outcome": j["outcome"].astype(str).to_numpy(),
        # when the wait ended: the feedback, or its censoring
        "end": (j["interview_end"] + pd.to_timedelta(j["days_to_feedback"], unit="D")
                ).to_numpy(),
    })
    j["end"] = j["feedback"].where(j["feedback"].notna(), j["end"])
    last = (j.sort_values(["app", "round"]).groupby("app").tail(1)
            .set_index("app").reindex(c["app"]))
    last_outcome = last["outcome"].fillna("").to_numpy()
    last_round = last["round"].fillna(0).astype(int).to_numpy()

    # stage times first: when screening ended (the last screening task's completion)
    is_event = events["concept:name"] == "screening"
    screened = pd.Series(
        events.loc[is_event].groupby("case:concept:name")["time:timestamp"].max()
        .reindex(c["app"]).to_numpy(), index=c.index)
    has_screening = (scenario.screening is not None if scenario is not None
                     else bool(is_event.any()))

    # applications: closed when the status became final (taken from the exact record where
    # there is one: the last feedback, the censoring of the last wait, the screen's end);
    # notified then, unless the candidate was never told (withdrawn, ghosted, still open)
    final = c["final"].to_numpy()
    closed = c["end"].copy()
    heard_last = (np.isin(final, ("hired", "declined", "rejected"))
                  & np.isin(last_outcome, ("offer", "reject")))
    closed[heard_last] = last["feedback"].to_numpy()[heard_last]
    censored_last = np.isin(final, ("withdrawn", "ghosted")) & (last_outcome == final)
    closed[censored_last] = last["end"].to_numpy()[censored_last]  # withdrawal, recorded ghosting
    # rejected at the screen: finished as it ended, before any round (within a millisecond:
    # ``end`` is rebuilt from days_in_process)
    failed = (has_screening & (final != "open") & (c["rounds"].to_numpy() == 0)
              & (last_round == 0)
              & ((closed - screened).abs() < pd.Timedelta(milliseconds=1)).to_numpy())
    closed[failed] = screened[failed]
    closed[final == "open"] = NaT
    c["closed"] = closed
    notified = closed.where(np.isin(final, ("hired", "declined", "rejected", "cancelled")))
    applications = pd.DataFrame({
        "application_id": c["app"], "candidate_id": c["app"], "job_id": c["job"],
        "applied_at": _iso(c["applied"]), "status": c["final"].map(FINAL_STATUS),
        "closed_at": _iso(c["closed"]), "notified_at": _iso(notified),
    })

    # stages: screening until it ended; round k from hearing of the advance to hearing the
    # round's decision (or the censoring of that wait); the offer from hearing of it
    frames = []
    if has_screening:
        frames.append(pd.DataFrame({"app": c["app"], "k": 0, "entered": c["applied"],
                                    "exited": screened.fillna(c["closed"])}))
        round1_at = screened
        entered_round1 = round1_at.notna() & ~failed
    else:
        round1_at = c["applied"]
        entered_round1 = pd.Series(True, index=c.index)
    n_rounds = len(scenario.rounds) if scenario is not None else np.iinfo(np.int64).max
    k_max = np.maximum(last_round + (last_outcome == "advance"),
                       entered_round1.to_numpy().astype(int))
    k_max = np.minimum(k_max, n_rounds)
    rows = c.loc[c.index.repeat(k_max), ["app", "closed"]].copy()
    rows["k"] = rows.groupby(level=0).cumcount() + 1
    rows["round1_at"] = round1_at.loc[rows.index]
    rows = rows.reset_index(drop=True)
    this = j.rename(columns={"round": "k"})[["app", "k", "feedback", "end", "outcome"]]
    before = j.assign(k=j["round"] + 1)[["app", "k", "feedback"]].rename(
        columns={"feedback": "advanced"})
    rows = rows.merge(this, on=["app", "k"], how="left").merge(before, on=["app", "k"],
                                                                 how="left")
    entered = rows["advanced"].where(rows["k"] > 1, rows["round1_at"])
    exited = rows["feedback"].where(rows["feedback"].notna(),
                                    rows["end"].where(rows["outcome"] != "open"))
    exited = exited.where(rows["outcome"].notna(), rows["closed"])  # no interview yet
    frames.append(pd.DataFrame({"app": rows["app"], "k": rows["k"], "entered": entered,
                                "exited": exited}))
    offers = j[j["outcome"] == "offer"].merge(c[["app", "closed"]], on="app")
    frames.append(pd.DataFrame({"app": offers["app"], "k": OFFER_RANK,
                                "entered": offers["feedback"], "exited": offers["closed"]}))
    st = pd.concat(frames, ignore_index=True)
    st = st.merge(c[["app", "order"]], on="app").sort_values(["order", "k"], kind="stable")
    names = np.where(st["k"] == 0, "screening",
                     np.where(st["k"] == OFFER_RANK, "offer", "round:" + st["k"].astype(str)))
    stages = pd.DataFrame({"application_id": st["app"].to_numpy(), "stage": names,
                           "entered_at": _iso(st["entered"]).to_numpy(),
                           "exited_at": _iso(st["exited"]).to_numpy()})

    # interviews: the one each wait follows ("interview k", ending when the wait began), with
    # the people who wrote its scorecards
    held = events[events["concept:name"].str.startswith("interview ")]
    held = pd.DataFrame({"app": held["case:concept:name"].to_numpy(),
                         "round": held["round"].to_numpy(),
                         "interview_end": held["time:timestamp"].to_numpy(),
                         "start": held["start_timestamp"].to_numpy()})
    held = held.drop_duplicates(["app", "round", "interview_end"], keep="last")
    cards = events[events["concept:name"] == "scorecard"]
    panel = (cards.drop_duplicates(["case:concept:name", "round", "org:resource"])
             .groupby(["case:concept:name", "round"], sort=False)["org:resource"]
             .agg(";".join).rename("interviewers").reset_index()
             .rename(columns={"case:concept:name": "app"}))
    iv = (j[["app", "round", "interview_end"]]
          .merge(held, on=["app", "round", "interview_end"], how="left")
          .merge(panel, on=["app", "round"], how="left")
          .merge(c[["app", "order"]], on="app").sort_values(["order", "round"], kind="stable"))
    interviews = pd.DataFrame({
        "application_id": iv["app"].to_numpy(),
        "stage": ("round:" + iv["round"].astype(str)).to_numpy(),
        "start": _iso(iv["start"].fillna(iv["interview_end"])).to_numpy(),
        "end": _iso(iv["interview_end"]).to_numpy(),
        "interviewers": iv["interviewers"].fillna("").to_numpy()})

    if scenario is not None:
        exported = pd.Timestamp(scenario.start) + pd.Timedelta(days=scenario.total_days)
    else:  # no manifest: the latest moment recorded
        exported = max(pd.Series(events["time:timestamp"]).max(), c["end"].max(),
                       j["end"].max() if len(j) else c["end"].max())
    out.mkdir(parents=True, exist_ok=True)
    write_csv(applications, out / "applications.csv")
    write_csv(stages, out / "stages.csv")
    write_csv(interviews, out / "interviews.csv")
    jobs_file = out / "jobs.csv"
    rq = results.requisitions
    if len(rq):
        write_csv(pd.DataFrame({
            "job_id": "r" + rq["replication"].astype(str) + "-" + rq["requisition"].astype(str),
            "opened_at": _iso(rq["opened_at"]), "closed_at": _iso(rq["closed_at"]),
            "recruiter": rq["recruiter"], "hiring_manager": rq["hiring_manager"],
        }), jobs_file)
    else:
        jobs_file.unlink(missing_ok=True)  # no stale jobs of an earlier export
    (out / "export.json").write_text(
        json.dumps({"exported_at": exported.round("s").strftime(_WRITTEN_TIME)}, indent=2) + "\n")
    return out


def __getattr__(name: str) -> Any:
    if name == "Mapping":  # the name of ATSMapping before version 0.2
        import warnings

        from hiresim.deprecation import HiresimDeprecationWarning

        warnings.warn("hiresim.records.ats.Mapping is now ATSMapping; the old name still works "
                      "but will be removed", HiresimDeprecationWarning, stacklevel=2)
        return ATSMapping
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
