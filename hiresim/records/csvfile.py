"""Read and write the CSV files of a company's records: one reader for every CSV file, robust
by construction, and one writer whose cells a spreadsheet will not evaluate.

Reading (:func:`read_csv`). A CSV file comes from an ATS, from Excel, from a script or from an
analyst's hands; every one is read by the same steps, each with a bound and a message:

* the file: a regular file of at most :data:`MAX_FILE_BYTES`, UTF-8 text; a byte-order mark
  is accepted (Excel's "CSV UTF-8" writes one), UTF-16, binary data (NUL bytes) and other
  encodings are refused (:mod:`hiresim.records.files`);
* line ends: ``\\n``, ``\\r\\n`` and old Macintosh ``\\r`` alike; a carriage return inside a
  value that is not quoted is refused, naming its row (it would split the row in two);
* the dialect: fields separated by :data:`delimiter <DELIMITERS>` (a comma unless told
  otherwise), quoted with ``"`` (``""`` inside quotes is a quote); Excel's ``sep=;`` first
  line is read as the delimiter it names. A header of one column that holds a ``;``, a tab
  or a ``|`` is a file separated by that character: the message says so and how to read it;
* blank lines and rows with nothing in them are skipped, before the header too;
* quoting: a quote that opens a value and never closes, or a quote inside a value that is not
  quoted, is refused at the row where the value starts;
* bounds: at most :data:`MAX_COLUMNS` columns, :data:`MAX_FIELD_CHARS` characters in a value
  and :data:`MAX_ROWS` rows;
* shape: a row with more fields than the header is refused (all such rows in one message; when
  the extra fields are empty, the message says that the rows end with a delimiter the header
  does not have); a row with fewer fields reads the missing ones as empty.

Rows are numbered as the lines of the file (the header's line is 1 unless blank lines come
before it); a row that holds a quoted line break is numbered by the line it starts on.

Writing (:func:`write_csv`). A spreadsheet evaluates a cell that starts with ``=``, ``+``,
``-`` or ``@`` (or a tab or carriage return before one) as a formula: an id such as
``=cmd|' /C calc'!A0`` taken from a company's export would run when the file is opened. Every
text cell that starts with one of these characters and is not a plain number is written with
a leading ``'``, which spreadsheets show as text and do not evaluate. Numbers are written as
numbers.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hiresim.records.files import FileRefused, escaped, read_text

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DELIMITERS", "MAX_COLUMNS", "MAX_FIELD_CHARS", "MAX_FILE_BYTES", "MAX_ROWS",
           "CsvError", "CsvTable", "neutralised", "read_csv", "write_csv"]

#: A CSV file larger than this (in bytes; 200 MB) is refused before it is read.
MAX_FILE_BYTES = 200_000_000
#: A CSV file with more rows than this (the header and blank lines not counted) is refused.
MAX_ROWS = 2_000_000
#: A value (or a header cell) longer than this many characters is refused.
MAX_FIELD_CHARS = 100_000
#: A header with more columns than this is refused.
MAX_COLUMNS = 1_000
#: The delimiters a file may be separated by, with their names in messages.
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
#: Characters that make a header cell look other than it is: byte-order marks (a file pasted
#: after another), zero-width spaces and joiners, direction marks. Stripped from header cells,
#: and from the ends of values.
_INVISIBLE_CHARS = "\ufeff\u200b\u200c\u200d\u200e\u200f\u2060"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
#: What the ends of a value lose: white space (what :meth:`str.strip` strips) and the
#: invisible characters above, in one pass.
_STRIP = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
          "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
          + _INVISIBLE_CHARS)
#: A line with nothing in it: spaces, delimiters, empty quotes.
_BLANK = re.compile(r'^[\s,;|"]*$')
#: Excel's first line naming the delimiter: ``sep=;``.
_SEP_LINE = re.compile(r"^sep=(.)\r?\n?$", re.IGNORECASE)
#: A column with more distinct values than this stops sharing one object per value.
_SHARED = 10_000
#: Cells a spreadsheet evaluates: they start with one of these.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A plain number (``-3``, ``+1.5``, ``-2e-3``): a spreadsheet reads it as that number.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


class CsvError(ValueError):
    """A CSV file that cannot be read: ``row`` is the line of the file the problem is on
    (``None`` for the whole file), ``column`` the header's name of the column ("" when the
    problem is not in one column), ``message`` what is wrong and what is allowed."""

    def __init__(self, row: int | None, message: str, column: str = "") -> None:
        self.row = row
        self.column = column
        self.message = message
        where = f"row {row}: " if row is not None else ""
        super().__init__(escaped(where + message))


@dataclass
class CsvTable:
    """What :func:`read_csv` read: the header (cells stripped of spaces and invisible
    characters), the line it is on, the values of the columns asked for (by position in the
    header; every value stripped of surrounding spaces and invisible characters), and the line
    each row starts on."""

    header: list[str]
    header_line: int
    delimiter: str
    values: dict[int, list[str]] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)


def read_csv(path: str | os.PathLike[str], *, delimiter: str | None = None,
             columns: Callable[[list[str]], Iterable[int]] | None = None,
             what: str = "a CSV file") -> CsvTable:
    """Read the CSV file ``path`` by the rules of this module's docstring.

    Args:
        path: the file.
        delimiter: one of :data:`DELIMITERS`; ``None`` means a comma, or the delimiter an
            Excel ``sep=`` first line names.
        columns: called with the header; returns the positions of the columns whose values
            to keep (default: all). Values of the other columns are not kept, which bounds the
            memory a file of many columns takes.
        what: the kind of file, for messages (``"a CSV file"``).

    Raises:
        CsvError: the first problem that stops the reading (with its row), or every row with
            more fields than the header (in one message).
    """
    if delimiter is not None and delimiter not in DELIMITERS:
        raise ValueError(f"delimiter must be one of {', '.join(map(repr, DELIMITERS))}, got "
                         f"{delimiter!r}")
    try:
        text = read_text(Path(path), what, MAX_FILE_BYTES,
                         save_as="UTF-8 (in Excel: CSV UTF-8)")
    except FileRefused as exc:
        raise CsvError(None, exc.reason) from None
    lines = _lines(text)
    before = 0  # blank lines and Excel's "sep=;" line before the header
    for raw in lines:
        sep = _SEP_LINE.match(raw)
        if sep is not None and sep.group(1) in DELIMITERS:
            delimiter = delimiter or sep.group(1)
        elif not _BLANK.match(raw):
            break
        before += 1
    else:
        raise CsvError(1, "the file is empty: it needs a header row naming its columns")
    with _field_limit():
        return _read(itertools.chain([raw], lines), before, delimiter or ",", columns)


def _lines(text: str) -> Iterator[str]:
    """The physical lines, with their ends: split at ``\\n`` (``\\r\\n`` ends stay whole, so
    that a carriage return elsewhere is seen), or at ``\\r`` in a file without ``\\n``. (Sliced
    from the text as they are read: no copy of the whole file.)"""
    end_of_line = "\n" if "\n" in text or "\r" not in text else "\r"
    start, size = 0, len(text)
    while start < size:
        end = text.find(end_of_line, start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end + 1]
        start = end + 1


@contextlib.contextmanager
def _field_limit() -> Iterator[None]:
    """The csv module's field limit set to :data:`MAX_FIELD_CHARS` while reading (it is
    per process: the caller's own setting is put back)."""
    before = csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _read(lines: Iterator[str], before: int, delimiter: str,
          columns: Callable[[list[str]], Iterable[int]] | None) -> CsvTable:
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', strict=True,
                        skipinitialspace=False)
    start = before + 1
    try:
        header_row = next(reader)
    except csv.Error as exc:
        raise _csv_problem(exc, start) from None
    header_line = before + reader.line_num
    start = header_line + 1
    header = [_INVISIBLE.sub("", h).strip() for h in header_row]
    if len(header) > MAX_COLUMNS:
        raise CsvError(header_line, f"the header has {len(header):,} columns; at most "
                                    f"{MAX_COLUMNS:,} are allowed")
    if len(header) == 1:
        for other, name in DELIMITERS.items():
            if other != delimiter and other in header[0]:
                raise CsvError(header_line, f"the header is one column "
                                            f"({_cut(header[0])}): the file seems separated "
                                            f"by {name}s ({other!r}), not {DELIMITERS[delimiter]}s;"
                                            f" say delimiter = {_toml(other)} in the mapping")
    width = len(header)
    keep = sorted(set(columns(header))) if columns is not None else list(range(width))
    values: dict[int, list[str]] = {i: [] for i in keep}
    stores = [(i, values[i].append) for i in keep]
    # one object per distinct value of a column of repeated values (stages, statuses, times),
    # as pandas' parser does; a column of mostly distinct values (ids) stops sharing
    shared: list[dict[str, str] | None] = [{} for _ in keep]
    starts: list[int] = []
    add_start = starts.append
    longer: list[int] = []
    empty_extra = True
    previous = reader.line_num
    try:
        for record in reader:
            line = before + previous + 1
            previous = reader.line_num
            joined = "".join(record)
            if not joined or joined.isspace():  # a blank line, or a row of empty fields
                continue
            n = len(record)
            if n != width:
                if n > width:
                    longer.append(line)
                    if empty_extra and "".join(record[width:]).strip():
                        empty_extra = False
                    continue
                record += [""] * (width - n)
            if len(starts) >= MAX_ROWS:
                raise CsvError(line, f"the file has more than {MAX_ROWS:,} rows; at most "
                                     f"{MAX_ROWS:,} are read (split the export by date)")
            add_start(line)
            for k, (i, store) in enumerate(stores):
                value = record[i].strip(_STRIP)
                same = shared[k]
                if same is not None:
                    value = same.setdefault(value, value)
                    if len(same) > _SHARED:
                        shared[k] = None
                store(value)
    except csv.Error as exc:
        raise _csv_problem(exc, before + previous + 1) from None
    if longer:
        raise CsvError(longer[0], _longer_message(longer, width, delimiter, empty_extra))
    return CsvTable(header, header_line, delimiter, values, starts)


def _longer_message(rows: list[int], width: int, delimiter: str, empty: bool) -> str:
    others = len(rows) - 1
    listed = ", ".join(map(str, rows[1:6])) + (", ..." if others > 5 else "")
    more = (f" (and {others:,} more {'row' if others == 1 else 'rows'}: {listed})"
            if others else "")
    text = f"more fields than the header's {width}{more}"
    if empty:
        return (text + f": the extra fields are empty, so the rows end with a "
                f"{DELIMITERS[delimiter]} ({delimiter!r}) that the header does not; remove it, "
                "or end the header with one too")
    example = f'"Smith{delimiter} Jane"' if delimiter != "\t" else '"Smith<tab>Jane"'
    return (text + f": quote a value that holds a {DELIMITERS[delimiter]} ({delimiter!r}) as "
            f"a whole, e.g. {example}")


def _csv_problem(exc: csv.Error, line: int) -> CsvError:
    """The csv module's error as a message of what is wrong (``line``: where the row starts)."""
    text = str(exc)
    if "field larger than field limit" in text:
        return CsvError(line, f"a value longer than {MAX_FIELD_CHARS:,} characters starts on "
                              "this row (a quote that opens a value and is never closed?); "
                              f"a value has at most {MAX_FIELD_CHARS:,} characters")
    if "unexpected end of data" in text:
        return CsvError(line, "a quote (\") opens a value on this row that is never closed: "
                              "the file ends inside it")
    if "new-line character seen in unquoted field" in text:
        return CsvError(line, "a carriage return (CR) inside a value that is not quoted: "
                              "remove it, or quote the value")
    if "expected after" in text:
        return CsvError(line, "a quote (\") inside a value that is not quoted as a whole: "
                              "quote the whole value and write a quote inside it as \"\"")
    return CsvError(line, f"is not a well-formed CSV row: {text}")


def _cut(text: str, width: int = 60) -> str:
    shown = repr(text)
    return shown if len(shown) <= width else shown[: width - 4] + "...'"


def _toml(delimiter: str) -> str:
    return '"\\t"' if delimiter == "\t" else f'"{delimiter}"'


# -- writing -----------------------------------------------------------------------------------


def neutralised(value: Any) -> Any:
    """``value`` as a spreadsheet may show it: text starting with ``=``, ``+``, ``-``, ``@``,
    a tab or a carriage return gets a leading ``'`` unless it is a plain number; anything
    else is returned as is."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(
            value):
        return "'" + value
    return value


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str], **options: Any) -> Path:
    """Write ``frame`` as CSV (without its index) with :func:`neutralised` text cells.

    Columns of text (object, string or categorical) are neutralised; numbers, booleans and
    timestamps are written as they are. ``options`` go to :meth:`pandas.DataFrame.to_csv`.
    """
    import pandas as pd

    safe = {}
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            if any(_risky(c) for c in column.cat.categories):
                safe[name] = column.astype(object).map(neutralised, na_action="ignore")
        elif (column.dtype == object or isinstance(column.dtype, pd.StringDtype)) and (
                column.map(_risky, na_action="ignore").fillna(False).astype(bool).any()):
            safe[name] = column.map(neutralised, na_action="ignore")
    out = frame.assign(**safe) if safe else frame
    out.to_csv(path, index=False, **options)
    return Path(path)


def _risky(value: Any) -> bool:
    return neutralised(value) is not value
