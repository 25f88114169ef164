"""The hostile corpus of issue 25 for a company's files, as data: ATS exports (and their
mappings) and ``.ics`` calendars.

Each case is one input that a careless analyst or an attacker could hand to hiresim. An ATS case
is an edit of ``hiresim/examples/team_ats`` (a valid export of the ``team.toml`` scenario
that the forecast and calibration checks run), possibly with a mapping; an ``.ics`` case is a
calendar file (or a folder) for the people of ``team.toml``. A case either

* is **refused**: the Python API raises its documented exception (``ATSError``,
  ``CalendarError``) and every command line that takes the file exits 2, and the message
  contains every fragment of ``expect`` (``"a|b"``: either), never a traceback, a raw control
  character, a hang or a memory blow-up; or
* is **accepted** (``accepted=True``): it is read correctly (``expect`` fragments then name
  what must be true of what was read, see ``tests/test_hostile_records.py``), and the commands
  run to the end (exit 0), except that an export with nothing to calibrate (``empty=True``) is
  refused by ``calibrate`` with exit 2 and "no wait for feedback".

``kind`` is the class of the issue the case belongs to (``dialect``, ``file``, ``json``,
``empty``, ``timestamp``, ``value``, ``mapping``, ``unicode``, ``resource``, ``output``, and for
calendars ``ics-file``, ``ics-property``, ``ics-rule``, ``ics-endless``, ``ics-zone``,
``ics-attendees``, ``ics-range``, ``ics-message``). ``note`` says what happened before issue 25
where the issue recorded it.
"""

from __future__ import annotations

import csv
import io
import os
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "hiresim" / "examples"
#: The base export and the scenario its people belong to.
BASE_EXPORT = EXAMPLES / "team_ats"
SCENARIO = EXAMPLES / "calendars" / "team.toml"
BASE_FILES = {p.name: p.read_text(encoding="utf-8") for p in sorted(BASE_EXPORT.iterdir())}

Edit = Callable[[str], "str | bytes"] | str | bytes | None


# ---------------------------------------------------------------------------------------------
# ATS exports


@dataclass(frozen=True)
class AtsCase:
    """One ATS export (and mapping) case."""

    id: str
    kind: str
    expect: tuple[str, ...] = ()
    #: file name -> new content, a function of the base text, or ``None`` (the file removed).
    files: dict[str, Edit] = field(default_factory=dict, compare=False)
    #: A dict (written as TOML), TOML text, or a function ``folder -> path`` of the mapping.
    mapping: dict | str | Callable[[Path], str] | None = field(default=None, compare=False)
    #: For inputs that are not edits of the base: ``build(folder) -> the export argument``.
    build: Callable[[Path], str] | None = field(default=None, compare=False)
    accepted: bool = False
    #: Read correctly, but without a wait for feedback: ``calibrate`` refuses it (exit 2).
    empty: bool = False
    #: Accepted, and only the form of the files differs from the base (dialect, encoding,
    #: blank lines, a mapping): what is read must be what the base reads, so the commands
    #: after reading are checked with ``forecast`` alone (the others run on the base).
    form_only: bool = False
    #: Only these checks (default: all that apply): a case whose reading alone takes long
    #: (two million rows) is read once, by the API, through the same reader as the commands.
    checks: tuple[str, ...] | None = None
    #: Accepted, and also run through ``hiresim report --ats`` (the refused cases all are;
    #: of the accepted ones, those whose records differ in kind from the base's).
    report: bool = False
    #: Read, but a forecast cannot start from it: ``hs.forecast`` raises a ForecastError and
    #: ``hiresim forecast`` and ``report --ats`` exit 2, saying these fragments.
    forecast_expect: tuple[str, ...] = ()
    note: str = ""

    def materialize(self, folder: Path) -> tuple[str, str | None]:
        """Create the export (and mapping) in ``folder``; return the arguments."""
        mapping = _mapping(self.mapping, folder)
        if self.build is not None:
            return self.build(folder), mapping
        export = folder / "export"
        export.mkdir()
        for name, text in BASE_FILES.items():
            edit = self.files.get(name, text)
            if name in self.files and edit is None:
                continue
            new = edit(text) if callable(edit) else edit
            (export / name).write_bytes(new if isinstance(new, bytes) else new.encode("utf-8"))
        for name, edit in self.files.items():  # files the base does not have
            if name not in BASE_FILES and edit is not None:
                data = edit("") if callable(edit) else edit
                (export / name).write_bytes(data if isinstance(data, bytes)
                                            else data.encode("utf-8"))
        return str(export), mapping


def _mapping(mapping: dict | str | Callable[[Path], str] | None, folder: Path) -> str | None:
    if mapping is None:
        return None
    if callable(mapping):
        return mapping(folder)
    path = folder / "mapping.toml"
    path.write_text(mapping if isinstance(mapping, str) else _toml(mapping), encoding="utf-8")
    return str(path)


def _toml(data: dict) -> str:
    """A small TOML writer for the mapping dicts of this corpus: strings (control characters
    and lone surrogates as ``\\uXXXX`` escapes), lists, and tables two levels deep."""
    def value(v: object) -> str:
        if isinstance(v, str):
            return '"' + "".join(
                "\\\\" if ch == "\\" else '\\"' if ch == '"'
                else f"\\u{ord(ch):04x}" if ord(ch) < 0x20 or ord(ch) == 0x7f
                or 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in v) + '"'
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return str(v)

    out = [f"{value(k)} = {value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for k, v in data.items():
        if not isinstance(v, dict):
            continue
        simple = {a: b for a, b in v.items() if not isinstance(b, dict)}
        if simple or all(not isinstance(b, dict) for b in v.values()):
            out.append(f"[{value(k)}]")
            out += [f"{value(a)} = {value(b)}" for a, b in simple.items()]
        for a, b in v.items():
            if isinstance(b, dict):
                out.append(f"[{value(k)}.{value(a)}]")
                out += [f"{value(c)} = {value(d)}" for c, d in b.items()]
    return "\n".join(out) + "\n"


def sub(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    """The base text with ``old`` replaced by ``new`` (``count`` times; ``old`` must occur)."""
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, count)
    return edit


def lines(fn: Callable[[str], str]) -> Callable[[str], str]:
    """Every line (without its end) through ``fn``."""
    def edit(text: str) -> str:
        return "".join(fn(line) + "\n" for line in text.splitlines())
    return edit


def header_only(text: str) -> str:
    return text.splitlines()[0] + "\n"


def _append(extra: str) -> Callable[[str], str]:
    return lambda text: text + extra


def _bytes(data: bytes) -> Callable[[str], bytes]:
    return lambda text: data


def _random_bytes(n: int, seed: int) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(n))


def _fifo(name: str) -> Callable[[Path], str]:
    def build(folder: Path) -> str:
        export = _copy(folder)
        (export / name).unlink(missing_ok=True)
        os.mkfifo(export / name)
        return str(export)
    return build


def _copy(folder: Path) -> Path:
    export = folder / "export"
    shutil.copytree(BASE_EXPORT, export)
    return export


def _replace_with(name: str, make: Callable[[Path, Path], None]) -> Callable[[Path], str]:
    """The base export with ``name`` replaced by what ``make(path, folder)`` creates."""
    def build(folder: Path) -> str:
        export = _copy(folder)
        path = export / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        make(path, folder)
        return str(export)
    return build


def _symlink_loop(path: Path, folder: Path) -> None:
    other = path.with_name("other.csv")
    path.symlink_to(other)
    other.symlink_to(path)


def _dangling(path: Path, folder: Path) -> None:
    path.symlink_to(folder / "nowhere.csv")


def _sparse(size: int) -> Callable[[Path, Path], None]:
    def make(path: Path, folder: Path) -> None:
        with path.open("wb") as f:
            f.write(b"application_id,applied_at,status,closed_at\n")
            f.truncate(size)
    return make


def _directory(path: Path, folder: Path) -> None:
    path.mkdir()
    (path / "inner.csv").write_text("a,b\n1,2\n", encoding="utf-8")


def _deep_json(depth: int) -> str:
    return '{"exported_at": ' + "[" * depth + "]" * depth + "}"


def _dir_case(folder: Path) -> str:
    return str(folder / "no-such-folder")


def _file_as_folder(folder: Path) -> str:
    path = folder / "export.csv"
    path.write_text(BASE_FILES["applications.csv"], encoding="utf-8")
    return str(path)


def _fifo_folder(folder: Path) -> str:
    path = folder / "export"
    os.mkfifo(path)
    return str(path)


def _control_name(folder: Path) -> str:
    """An export folder whose name holds an escape sequence (the name is in every message)."""
    export = folder / "exp\x1b[31mort"
    shutil.copytree(BASE_EXPORT, export)
    (export / "jobs.csv").write_text("job_id\n\x1b]8;;x\x07\n", encoding="utf-8")
    return str(export)


def _separated(delimiter: str) -> Callable[[str], str]:
    """The file written again with ``delimiter`` (the csv module quotes what needs it)."""
    def edit(text: str) -> str:
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(
            csv.reader(io.StringIO(text)))
        return out.getvalue()
    return edit


_semicolons, _tabs = _separated(";"), _separated("\t")


def _many_columns(text: str) -> str:
    first, *rest = text.splitlines()
    extra = "," + ",".join(f"x{i}" for i in range(1_001))
    return "\n".join([first + extra, *(r + "," * 1_001 for r in rest)]) + "\n"


def _many_rows(n: int) -> Callable[[str], str]:
    def edit(text: str) -> str:
        return "job_id\n" + "".join(f"j{i}\n" for i in range(n))
    return edit


def _many_bad_rows(text: str) -> str:
    return text + "".join(f"x{i},x{i},r0-R1,yesterday,rejected,,\n" for i in range(20_000))


def _interviewers(n: int) -> Callable[[str], str]:
    panel = ";".join(f"p{i}" for i in range(n))
    return sub("emil.s;chen.w", panel)


def _mapping_file(make: Callable[[Path], None]) -> Callable[[Path], str]:
    def build(folder: Path) -> str:
        path = folder / "mapping.toml"
        make(path)
        return str(path)
    return build


FORMULA = "=cmd|' /C calc'!A0"
APP = "r0-R1-c7"  # an application open at the export time (interviewed, waiting)
APP_ROW = "r0-R1-c7,r0-R1-c7,r0-R1,2026-10-17T07:36:32,active,,"
FIRST_APP = "r0-R1-c2,r0-R1-c2,r0-R1,2026-10-07T05:48:23,offer_declined"
FIRST_IV = "r0-R1-c2,round:1,2026-10-09T09:00:00,2026-10-09T10:00:00,emil.s;chen.w"
FIRST_STAGE = "r0-R1-c2,round:1,2026-10-07T05:48:23,2026-10-09T11:45:00"
APPS, STAGES, IVS, JOBS, EXPORT = ("applications.csv", "stages.csv", "interviews.csv",
                                   "jobs.csv", "export.json")


def _ids_renamed(old: str, new: str) -> dict[str, Edit]:
    """Every file with application id ``old`` written as ``new`` (a CSV-quoted value)."""
    return {name: sub(old, new, count=-1) for name in (APPS, STAGES, IVS)}


def _q(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


ATS_CASES: list[AtsCase] = [
    # --- the base itself, and CSV dialects a careless analyst produces ---------------------------
    AtsCase("base", "dialect", accepted=True, report=True),
    AtsCase("blank-line-before-header", "dialect", accepted=True, form_only=True,
            files={APPS: lambda t: "\n" + t}, note="pandas 'Length mismatch', exit 1"),
    AtsCase("blank-lines-everywhere", "dialect", accepted=True, form_only=True,
            files={STAGES: lambda t: "\n\n" + t.replace("\n", "\n\n"), IVS: lambda t: t + "\n\n"}),
    AtsCase("rows-of-commas", "dialect", accepted=True, form_only=True,
            files={APPS: lambda t: ",,,,,,\n" + t + ",,,,,,\n,,,,,,\n"}),
    AtsCase("crlf", "dialect", accepted=True, form_only=True,
            files={n: (lambda t: t.replace("\n", "\r\n")) for n in (APPS, STAGES, IVS, JOBS)}),
    AtsCase("cr-only-old-mac", "dialect", accepted=True, form_only=True,
            files={APPS: lambda t: t.replace("\n", "\r"), STAGES: lambda t: t.replace("\n", "\r")},
            note="_csv.Error: new-line character seen in unquoted field"),
    AtsCase("bare-cr-in-unquoted-id", "dialect", ("applications.csv", "row 2", "carriage return"),
            files={APPS: sub("r0-R1-c2,r0-R1-c2", "r0-R1\r-c2,r0-R1-c2")},
            note="_csv.Error: new-line character seen in unquoted field"),
    AtsCase("cr-inside-quoted-value", "dialect", accepted=True,
            files={JOBS: sub("anna.k,ben.m\n", '"anna.k\r",ben.m\n')}),
    AtsCase("newline-inside-quoted-value", "dialect", accepted=True,
            files={APPS: sub("r0-R1-c2,r0-R1-c2,", 'r0-R1-c2,"r0-R1\nc2",')}),
    AtsCase("bom-excel-csv-utf8", "dialect", accepted=True, form_only=True,
            files={n: (lambda t: b"\xef\xbb\xbf" + t.encode()) for n in (APPS, STAGES, IVS, JOBS)},
            note="refused: 'starts with a UTF-8 byte-order mark'"),
    AtsCase("bom-twice", "dialect", accepted=True, form_only=True,
            files={APPS: lambda t: b"\xef\xbb\xbf\xef\xbb\xbf" + t.encode()}),
    AtsCase("excel-sep-line", "dialect", accepted=True, form_only=True,
            files={APPS: lambda t: "sep=;\n" + _semicolons(t)}),
    AtsCase("semicolons-without-mapping", "dialect",
            ("applications.csv", "semicolon", 'delimiter = ";"'),
            files={APPS: _semicolons}),
    AtsCase("semicolons-with-mapping", "dialect", accepted=True, form_only=True,
            files={n: _semicolons for n in (APPS, STAGES, IVS, JOBS)},
            mapping={"delimiter": ";"}),
    AtsCase("tabs-without-mapping", "dialect", ("stages.csv", "tab", "delimiter"),
            files={STAGES: _tabs}),
    AtsCase("tabs-with-mapping-name", "dialect", accepted=True, form_only=True,
            files={n: _tabs for n in (APPS, STAGES, IVS, JOBS)}, mapping={"delimiter": "tab"}),
    AtsCase("trailing-comma-every-row", "dialect",
            ("interviews.csv", "more fields than the header", "end with a comma"),
            files={IVS: lambda t: "".join(line + ",\n" if i else line + "\n"
                                          for i, line in enumerate(t.splitlines()))},
            note="126 'not a timestamp' messages instead of 'more fields than the header'"),
    AtsCase("trailing-comma-header-too", "dialect", accepted=True, form_only=True,
            files={IVS: lines(lambda line: line + ",")}),
    AtsCase("one-row-too-many-fields", "dialect", ("stages.csv", "row 2", "more fields"),
            files={STAGES: sub(FIRST_STAGE, FIRST_STAGE + ",x")}),
    AtsCase("short-rows", "dialect", accepted=True,
            files={APPS: sub(APP_ROW, "r0-R1-c7,r0-R1-c7,r0-R1,2026-10-17T07:36:32,active")}),
    AtsCase("spaces-around-values", "dialect", accepted=True, form_only=True,
            files={JOBS: lines(lambda line: " " + line.replace(",", " ,\t"))}),
    AtsCase("unclosed-quote-at-end", "dialect", ("jobs.csv", "never closed"),
            files={JOBS: _append('r0-R9,"2026-10-05T00:00:00,,anna.k,ben.m\n')}),
    AtsCase("unclosed-quote-large-body", "dialect", ("interviews.csv", "100,000 characters"),
            files={IVS: lambda t: t.replace(FIRST_IV, 'r0-R1-c2,"round:1', 1)
                   + ("x" * 99 + "\n") * 2_000},
            note="_csv.Error: field larger than field limit"),
    AtsCase("text-after-closing-quote", "dialect", ("jobs.csv", "row 2", "quote"),
            files={JOBS: sub("r0-R1,2026", '"r0-R1"x,2026')}),
    AtsCase("quote-inside-unquoted-value", "dialect", ("applications.csv", "not in jobs.csv"),
            files={JOBS: sub("r0-R1,2026", 'r0-"R1"x,2026')}),
    AtsCase("quoted-header", "dialect", accepted=True, form_only=True,
            files={APPS: lambda t: t.replace(t.splitlines()[0], ",".join(
                f'"{h}"' for h in t.splitlines()[0].split(",")), 1)}),
    # --- files that are not what they seem -------------------------------------------------------
    AtsCase("missing-interviews", "file", ("interviews.csv", "missing"), files={IVS: None}),
    AtsCase("missing-interviews-with-typo", "file", ("interviews.csv", "interview.csv"),
            files={IVS: None, "interview.csv": lambda t: BASE_FILES[IVS]}),
    AtsCase("applications-is-directory", "file", ("applications.csv", "directory"),
            build=_replace_with(APPS, _directory)),
    AtsCase("stages-is-fifo", "file", ("stages.csv", "FIFO"), build=_fifo(STAGES)),
    AtsCase("interviews-symlink-loop", "file", ("interviews.csv", "loop"),
            build=_replace_with(IVS, _symlink_loop)),
    AtsCase("jobs-dangling-symlink", "file", ("jobs.csv", "symbolic link"),
            build=_replace_with(JOBS, _dangling)),
    AtsCase("jobs-symlink-to-dev-zero", "file", ("jobs.csv", "device"),
            build=_replace_with(JOBS, lambda p, f: p.symlink_to("/dev/zero"))),
    AtsCase("applications-over-200mb", "file", ("applications.csv", "200 MB"),
            build=_replace_with(APPS, _sparse(210_000_000)),
            note="said 'at most 210 MB' where the docs say 200 MB"),
    AtsCase("empty-file", "file", ("stages.csv", "empty"), files={STAGES: ""}),
    AtsCase("blank-file", "file", ("stages.csv", "empty"), files={STAGES: "\n \n\t\n"}),
    AtsCase("random-bytes", "file", ("applications.csv", "not UTF-8|NUL"),
            files={APPS: _bytes(_random_bytes(4096, 25))}),
    AtsCase("utf-16-excel-unicode-text", "file", ("applications.csv", "UTF-16"),
            files={APPS: lambda t: _tabs(t).encode("utf-16")}),
    AtsCase("latin-1-excel-csv", "file", ("jobs.csv", "not UTF-8", "CSV UTF-8"),
            files={JOBS: lambda t: t.replace("anna.k", "anna.kö").encode("latin-1")}),
    AtsCase("nul-byte-in-cell", "file", ("interviews.csv", "NUL"),
            files={IVS: sub("emil.s;chen.w", "emil.s\x00;chen.w")}),
    AtsCase("gzip-file", "file", ("applications.csv", "not UTF-8|NUL"),
            files={APPS: _bytes(b"\x1f\x8b\x08\x00" + _random_bytes(512, 3))}),
    AtsCase("folder-missing", "file", ("no such folder",), build=_dir_case),
    AtsCase("folder-is-a-file", "file", ("not a folder|is a file",), build=_file_as_folder),
    AtsCase("folder-is-fifo", "file", ("not a folder",), build=_fifo_folder),
    AtsCase("folder-name-escape", "unicode", ("jobs.csv", "\\x1b"), build=_control_name),
    # --- export.json -----------------------------------------------------------------------------
    AtsCase("export-json-nested-100000", "json", ("export.json", "nest"),
            files={EXPORT: _deep_json(100_000)}, note="RecursionError"),
    AtsCase("export-json-directory", "json", ("export.json", "directory", "exported_at"),
            build=_replace_with(EXPORT, _directory),
            note="'give the path of a export.json file (.toml)'"),
    AtsCase("export-json-not-json", "json", ("export.json", "not valid JSON"),
            files={EXPORT: "exported_at: yesterday\n"}),
    AtsCase("export-json-array", "json", ("export.json", "exported_at"), files={EXPORT: "[]"}),
    AtsCase("export-json-number", "json", ("export.json", "not a timestamp"),
            files={EXPORT: '{"exported_at": 20261020}'}),
    AtsCase("export-json-year-9999", "json", ("export.json", "outside the years 1990 to 2200"),
            files={EXPORT: '{"exported_at": "9999-12-31T23:59"}'}),
    AtsCase("export-json-before-data", "json", ("export.json", "before the latest"),
            files={EXPORT: '{"exported_at": "2026-10-01T00:00"}'}),
    AtsCase("export-json-huge", "json", ("export.json", "1 MB"),
            files={EXPORT: '{"exported_at": "2026-10-20T12:00", "pad": "' + "x" * 1_100_000
                   + '"}'}),
    AtsCase("export-json-fifo", "json", ("export.json", "FIFO"), build=_fifo(EXPORT)),
    AtsCase("export-json-bom", "json", accepted=True, form_only=True,
            files={EXPORT: lambda t: b"\xef\xbb\xbf" + t.encode()}),
    AtsCase("export-json-nan", "json", ("export.json", "not a timestamp"),
            files={EXPORT: '{"exported_at": NaN}'}),
    AtsCase("export-json-control-chars", "json", ("export.json", "not a timestamp", "\\x1b"),
            files={EXPORT: '{"exported_at": "\\u001b[2J2026-10-20"}'}),
    # --- empty histories -------------------------------------------------------------------------
    AtsCase("no-interview", "empty", accepted=True, report=True, empty=True,
            files={IVS: header_only},
            note="calibrate: clear message but exit 1"),
    AtsCase("headers-only", "empty", accepted=True, report=True, empty=True,
            files={n: header_only for n in (APPS, STAGES, IVS, JOBS)},
            note="calibrate: clear message but exit 1"),
    AtsCase("interviews-only-in-screening", "empty", accepted=True, empty=True,
            files={IVS: lambda t: t.replace("round:1", "screening")},
            note="calibrate: clear message but exit 1"),
    AtsCase("every-stage-ignored", "empty", accepted=True, empty=True,
            mapping={"stages": {"ignore": ["round:1", "offer"]}}),
    # --- timestamps ------------------------------------------------------------------------------
    AtsCase("year-9999", "timestamp", ("applications.csv", "row 2", "outside the years"),
            files={APPS: sub("2026-10-07T05:48:23", "9999-10-07T05:48:23")},
            note="'not a timestamp' rather than out of range"),
    AtsCase("year-3000", "timestamp", ("stages.csv", "outside the years"),
            files={STAGES: sub("2026-10-07T05:48:23,2026-10-09T11:45:00",
                               "2026-10-07T05:48:23,3000-10-09T11:45:00")}),
    AtsCase("year-1900", "timestamp", ("interviews.csv", "outside the years"),
            files={IVS: sub("2026-10-09T09:00:00", "1900-10-09T09:00:00")}),
    AtsCase("not-a-date", "timestamp", ("jobs.csv", "not a timestamp"),
            files={JOBS: sub("2026-10-05T00:00:00", "next Monday")}),
    AtsCase("february-30", "timestamp", ("applications.csv", "not a timestamp"),
            files={APPS: sub("2026-10-07T05:48:23", "2026-02-30T05:48:23")}),
    AtsCase("hour-25", "timestamp", ("interviews.csv", "not a timestamp"),
            files={IVS: sub("2026-10-09T10:00:00", "2026-10-09T25:00:00")}),
    AtsCase("fullwidth-digits", "timestamp", ("applications.csv", "not a timestamp"),
            files={APPS: sub("2026-10-07T05:48:23", "２０２６-１０-０７T05:48:23")}),
    AtsCase("arabic-indic-digits", "timestamp", ("stages.csv", "not a timestamp"),
            files={STAGES: sub("2026-10-07T05:48:23", "٢٠٢٦-١٠-٠٧T05:48:23")}),
    AtsCase("mixed-offsets-no-zone", "timestamp", ("UTC offset", "timezone"),
            files={APPS: lambda t: t.replace("2026-10-07T05:48:23", "2026-10-07T05:48:23Z")
                   .replace("2026-10-08T02:02:59", "2026-10-08T02:02:59+02:00")}),
    AtsCase("offsets-with-zone", "timestamp", accepted=True,
            files={APPS: lambda t: t.replace("2026-10-07T05:48:23", "2026-10-07T03:48:23Z")},
            mapping={"timezone": "Europe/Berlin"}),
    AtsCase("timestamp-99999-chars", "timestamp", ("applications.csv", "not a timestamp"),
            files={APPS: sub("2026-10-07T05:48:23", "2026-10-07T05:48:23" + "9" * 99_970)}),
    AtsCase("timestamp-escape-code", "timestamp", ("not a timestamp", "\\x1b"),
            files={APPS: sub("2026-10-07T05:48:23", "\x1b[31m2026-10-07")}),
    AtsCase("many-bad-rows", "resource", ("not a timestamp", "more problems"),
            files={APPS: _many_bad_rows}),
    # --- values ----------------------------------------------------------------------------------
    AtsCase("duplicate-application-id", "value", ("applications.csv", "also on row"),
            files={APPS: lambda t: t + APP_ROW + "\n"}),
    AtsCase("unknown-status", "value", ("applications.csv", "status", "not one of"),
            files={APPS: sub(",offer_declined,", ",Declined by candidate,")}),
    AtsCase("status-with-escape", "value", ("status", "\\x1b"),
            files={APPS: sub(",offer_declined,", ",\x1b[2Jhired,")}),
    AtsCase("stage-bidi-override", "value", ("stages.csv", "\\u202e"),
            files={STAGES: sub("r0-R1-c2,round:1", "r0-R1-c2,\u202e1:dnuor")}),
    AtsCase("unknown-application-in-stages", "value", ("stages.csv", "not in applications.csv"),
            files={STAGES: _append("ghost,round:1,2026-10-07T05:48:23,\n")}),
    AtsCase("end-before-start", "value", ("interviews.csv", "ended before it started"),
            files={IVS: sub(FIRST_IV, "r0-R1-c2,round:1,2026-10-09T11:00:00,"
                                      "2026-10-09T10:00:00,emil.s;chen.w")}),
    AtsCase("empty-required-value", "value", ("applications.csv", "applied_at is empty"),
            files={APPS: sub("2026-10-07T05:48:23,offer_declined", ",offer_declined")}),
    AtsCase("duplicate-header", "value", ("stages.csv", "twice"),
            files={STAGES: sub("exited_at", "stage")}),
    AtsCase("formula-in-id", "output", accepted=True, report=True,
            files=_ids_renamed(APP, _q(FORMULA)),
            note="forecast --out wrote the formula unquoted into the CSV"),
    AtsCase("plus-and-at-ids", "output", accepted=True,
            files={**_ids_renamed(APP, "+SUM(1)"), **_ids_renamed("r0-R1-c8", "@cmd")}),
    AtsCase("tab-led-id", "output", accepted=True, files=_ids_renamed(APP, _q("\t=1+1"))),
    AtsCase("id-with-newline", "value", accepted=True, report=True,
            files=_ids_renamed(APP, _q("r0-R1\nc7"))),
    AtsCase("id-99999-chars", "resource", accepted=True,
            files=_ids_renamed(APP, "a" * 99_999)),
    AtsCase("field-over-limit", "resource", ("interviews.csv", "100,000 characters"),
            files={IVS: sub("emil.s;chen.w", "x" * 100_001)},
            note="_csv.Error: field larger than field limit"),
    AtsCase("header-cell-over-limit", "resource", ("stages.csv", "100,000 characters"),
            files={STAGES: lambda t: "y" * 150_000 + "," + t}),
    AtsCase("many-interviewers", "resource", accepted=True, files={IVS: _interviewers(9_000)}),
    AtsCase("columns-over-limit", "resource", ("jobs.csv", "1,000"), files={JOBS: _many_columns}),
    AtsCase("rows-over-limit", "resource", ("jobs.csv", "2,000,000 rows"),
            files={JOBS: _many_rows(2_000_001)}, checks=("read_ats",)),
    # --- mappings --------------------------------------------------------------------------------
    AtsCase("mapping-unknown-key", "mapping", ("mapping", "unknown key", "did you mean 'stages'"),
            mapping={"stagess": {"Onsite": "round:1"}}),
    AtsCase("mapping-key-escape", "mapping", ("unknown key", "\\x1b"),
            mapping={"\x1b[31mcolumns": {}},
            note="the API message carried the raw escape code"),
    AtsCase("mapping-stage-key-bidi", "mapping", ("stages", "\\u202e", "not a stage"),
            mapping={"stages": {"\u202eOnsite": "onsite"}}),
    AtsCase("mapping-directory", "mapping", ("mapping", "directory"),
            mapping=lambda folder: (folder / "m.toml").mkdir() or str(folder / "m.toml")),
    AtsCase("mapping-missing", "mapping", ("no such file",),
            mapping=lambda folder: str(folder / "nope.toml")),
    AtsCase("mapping-not-toml", "mapping", ("not valid TOML",), mapping="stages = [\n"),
    AtsCase("mapping-nested-deep", "mapping", ("nest",),
            mapping="timezone = " + "[" * 5000 + "]" * 5000 + "\n"),
    AtsCase("mapping-bom", "mapping", accepted=True, form_only=True,
            mapping=_mapping_file(lambda p: p.write_bytes(
                b'\xef\xbb\xbftimezone = "Europe/Berlin"\n'))),
    AtsCase("mapping-binary", "mapping", ("mapping", "not UTF-8|NUL"),
            mapping=_mapping_file(lambda p: p.write_bytes(_random_bytes(2048, 7)))),
    AtsCase("mapping-fifo", "mapping", ("FIFO",),
            mapping=_mapping_file(lambda p: os.mkfifo(p))),
    AtsCase("mapping-huge", "mapping", ("1 MB",),
            mapping="# " + "x" * 1_100_000 + "\ntimezone = \"UTC\"\n"),
    AtsCase("timezone-zone-directory", "mapping", ("timezone", "'Europe'"),
            mapping={"timezone": "Europe"}),
    AtsCase("timezone-path-traversal", "mapping", ("timezone", "not a time zone"),
            mapping={"timezone": "../../../etc/passwd"}),
    AtsCase("delimiter-unknown", "mapping", ("delimiter", "not a delimiter"),
            mapping={"delimiter": "::"}),
    AtsCase("column-target-unknown", "mapping", ("columns.applications", "not a column"),
            mapping={"columns": {"applications": {"applied_at": "applied"}}}),
    AtsCase("two-columns-to-one", "mapping", ("would be column 'closed_at'",),
            mapping={"columns": {"applications": {"notified_at": "closed_at"}}}),
    AtsCase("mapping-renames-absent-header", "mapping", ("does not have",),
            mapping={"columns": {"jobs": {"Opened": "opened_at"}}}),
    AtsCase("status-target-unknown", "mapping", ("status.Hired", "not a status"),
            mapping={"status": {"Hired": "employed"}}),
    AtsCase("stage-target-list-of-numbers", "mapping", ("stages.ignore",),
            mapping={"stages": {"ignore": [1, 2]}}),
    AtsCase("mapping-renames-with-mapping", "mapping", accepted=True, form_only=True,
            files={APPS: sub("application_id,candidate_id", "Application,Candidate")},
            mapping={"columns": {"applications": {"Application": "application_id",
                                                  "Candidate": "candidate_id"}}}),
    # --- unicode tricks --------------------------------------------------------------------------
    AtsCase("header-zero-width-space", "unicode", accepted=True, form_only=True,
            files={APPS: sub("application_id,", "application_id\u200b,")}),
    AtsCase("header-cyrillic-a", "unicode", ("missing column 'application_id'", "did you mean"),
            files={APPS: sub("application_id,", "\u0430pplication_id,")}),
    AtsCase("header-fullwidth", "unicode", ("missing column",),
            files={JOBS: sub("job_id,", "ｊｏｂ_ｉｄ,")}),
    AtsCase("nbsp-around-values", "unicode", accepted=True, form_only=True,
            files={JOBS: sub("anna.k,ben.m\n", "\u00a0anna.k\u00a0,ben.m\n")}),
    AtsCase("bom-in-the-middle", "unicode", accepted=True, form_only=True,
            files={STAGES: lambda t: t.replace("\n", "\n\ufeff", 1)}),
    AtsCase("emoji-ids", "unicode", accepted=True, files=_ids_renamed(APP, "👩‍💻-c7")),
    AtsCase("round-beyond-the-scenario-escape-id", "value", accepted=True, report=True,
            files={**{n: sub(APP, _q("\x1b]8;;http://x\x07evil"), count=-1)
                      for n in (APPS, STAGES)},
                   IVS: lambda t: t.replace(APP + ",round:1", _q("\x1b]8;;http://x\x07evil")
                                            + ",round:2"),
                   STAGES: lambda t: t.replace(APP, _q("\x1b]8;;http://x\x07evil")).replace(
                       '\x07evil",round:1', '\x07evil",round:2')},
            forecast_expect=("beyond the scenario", "\\x1b")),
    AtsCase("lone-surrogate-in-mapping", "unicode", ("mapping",),
            mapping={"status": {"Hired": "hi\udcffred"}}),
]


# ---------------------------------------------------------------------------------------------
# iCalendar files


@dataclass(frozen=True)
class IcsCase:
    """One ``.ics`` case: the file's text (events inside one VCALENDAR unless ``raw``)."""

    id: str
    kind: str
    expect: tuple[str, ...] = ()
    #: The VEVENTs (or other lines) inside ``BEGIN:VCALENDAR`` ... ``END:VCALENDAR``.
    body: str = ""
    #: Lines of the VCALENDAR before the events (``X-WR-TIMEZONE``, VTIMEZONEs).
    head: str = ""
    #: The whole file as bytes, instead of ``head`` and ``body``.
    raw: bytes | None = None
    build: Callable[[Path], str] | None = field(default=None, compare=False)
    #: The file's name (a person's id makes it their calendar).
    name: str = "team.ics"
    accepted: bool = False
    #: Only these checks (default: all): a case whose reading alone takes long runs once.
    checks: tuple[str, ...] | None = None
    note: str = ""

    def text(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hiresim hostile corpus//EN\r\n"
                + self.head + self.body + "END:VCALENDAR\r\n").encode("utf-8")

    def materialize(self, folder: Path) -> str:
        if self.build is not None:
            return self.build(folder)
        path = folder / self.name
        path.write_bytes(self.text())
        return str(path)


def event(uid: str = "e1", start: str = "20261012T100000", end: str | None = "20261012T110000",
          extra: str = "", who: str = "anna.k", summary: str = "Interview prep") -> str:
    """One VEVENT (times in local time unless they end in Z)."""
    lines_ = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTART:{start}"]
    if end is not None:
        lines_.append(f"DTEND:{end}")
    lines_ += [f"SUMMARY:{summary}", f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{who}@acme.example"]
    if extra:
        lines_ += extra.split("\n")
    lines_.append("END:VEVENT")
    return "".join(line + "\r\n" for line in lines_)


def rule(text: str, uid: str = "r1", start: str = "20261012T100000",
         end: str = "20261012T103000") -> str:
    return event(uid, start, end, f"RRULE:{text}")


def _hourly(n: int) -> str:
    """``n`` endless hourly events, each of another (unknown) person."""
    return "".join(event(f"h{i}", "20261005T000000", "20261005T001500", "RRULE:FREQ=HOURLY",
                         who=f"p{i}") for i in range(n))


def _attendees(n: int, known: bool = False) -> str:
    who = "".join(f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:p{i}@acme.example\r\n" for i in range(n))
    return ("BEGIN:VEVENT\r\nUID:crowd\r\nDTSTART:20261012T100000\r\nDTEND:20261012T110000\r\n"
            "SUMMARY:All hands\r\n" + who
            + ("ATTENDEE:mailto:anna.k@acme.example\r\n" if known else "") + "END:VEVENT\r\n")


def _ics_fifo(folder: Path) -> str:
    path = folder / "team.ics"
    os.mkfifo(path)
    return str(path)


def _ics_loop(folder: Path) -> str:
    a, b = folder / "team.ics", folder / "other.ics"
    a.symlink_to(b)
    b.symlink_to(a)
    return str(a)


def _ics_folder(files: dict[str, bytes]) -> Callable[[Path], str]:
    def build(folder: Path) -> str:
        root = folder / "calendars"
        root.mkdir()
        for name, data in files.items():
            (root / name).write_bytes(data)
        return str(root)
    return build


def _ics_folder_with_fifo(folder: Path) -> str:
    root = folder / "calendars"
    root.mkdir()
    os.mkfifo(root / "stuck.ics")
    (root / "anna.k.ics").write_bytes(IcsCase("x", "x", body=event()).text())
    return str(root)


def _ics_escape_name(folder: Path) -> str:
    path = folder / "te\x1b[31mam.ics"
    path.write_bytes(IcsCase("x", "x", body=event(end="20261012T090000")).text())
    return str(path)


def _ics_huge(folder: Path) -> str:
    path = folder / "team.ics"
    with path.open("wb") as f:
        f.write(IcsCase("x", "x", body=event()).text())
        f.truncate(11_000_000)
    return str(path)


def _nested_components(depth: int) -> str:
    return "BEGIN:X-A\r\n" * depth + "END:X-A\r\n" * depth


BERLIN = ("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
          "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
          "END:STANDARD\r\nEND:VTIMEZONE\r\n")

ICS_CASES: list[IcsCase] = [
    IcsCase("base", "ics-file", ("anna.k",), body=event() + rule("FREQ=WEEKLY;BYDAY=MO,WE"),
            accepted=True),
    # --- files -----------------------------------------------------------------------------------
    IcsCase("empty", "ics-file", ("VCALENDAR|empty",), raw=b""),
    IcsCase("binary", "ics-file", ("NUL|not UTF-8",), raw=_random_bytes(4096, 11)),
    IcsCase("utf-16", "ics-file", ("UTF-16",),
            raw=IcsCase("x", "x", body=event()).text().decode().encode("utf-16")),
    IcsCase("latin-1", "ics-file", ("not UTF-8",),
            raw=IcsCase("x", "x", body=event(summary="Urlaub Müller")).text().decode()
            .encode("latin-1")),
    IcsCase("bom", "ics-file", ("anna.k",), accepted=True,
            raw=b"\xef\xbb\xbf" + IcsCase("x", "x", body=event()).text()),
    IcsCase("not-a-calendar", "ics-file", ("VCALENDAR",), raw=b"hello,world\r\n1,2\r\n"),
    IcsCase("unclosed-vcalendar", "ics-file", ("VCALENDAR",),
            raw=b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + event().encode()),
    IcsCase("fifo", "ics-file", ("FIFO",), build=_ics_fifo),
    IcsCase("symlink-loop", "ics-file", ("loop",), build=_ics_loop),
    IcsCase("over-10mb", "ics-file", ("10 MB",), build=_ics_huge),
    IcsCase("folder-without-ics", "ics-file", ("no .ics file",),
            build=_ics_folder({"notes.txt": b"nothing"})),
    IcsCase("folder-with-fifo", "ics-file", ("FIFO",), build=_ics_folder_with_fifo),
    IcsCase("folder-of-two", "ics-file", ("anna.k", "ben.m"), accepted=True,
            build=_ics_folder({"anna.k.ics": IcsCase("x", "x", body=event()).text(),
                               "b.ics": IcsCase("x", "x", body=event(who="ben.m")).text()})),
    IcsCase("nested-components-20000", "ics-file", ("nest|parsed|cannot",),
            body=_nested_components(20_000)),
    IcsCase("very-long-line", "ics-file", ("anna.k",), accepted=True,
            body=event(summary="x" * 2_000_000)),
    IcsCase("many-calendars-in-one-file", "ics-file", ("anna.k",), accepted=True,
            raw=IcsCase("x", "x", body=event()).text() * 200),
    # --- properties ------------------------------------------------------------------------------
    IcsCase("duplicate-dtstart", "ics-property", ("e1", "DTSTART", "once|twice|2 times"),
            body=event(extra="DTSTART:20261013T100000"),
            note="AttributeError: 'list' object has no attribute 'dt'"),
    IcsCase("duplicate-dtend", "ics-property", ("e1", "DTEND", "once|twice|2 times"),
            body=event(extra="DTEND:20261013T100000"),
            note="AttributeError: 'list' object has no attribute 'dt'"),
    IcsCase("duplicate-duration", "ics-property", ("e1", "DURATION"),
            body=event(end=None, extra="DURATION:PT1H\nDURATION:PT2H")),
    IcsCase("missing-dtstart", "ics-property", ("DTSTART is missing",),
            body="BEGIN:VEVENT\r\nUID:e1\r\nSUMMARY:x\r\nEND:VEVENT\r\n"),
    IcsCase("broken-dtstart", "ics-property", ("e1", "DTSTART", "not a date"),
            body=event(start="2026-10-12 10:00")),
    IcsCase("dtend-before-dtstart", "ics-property", ("e1", "before"),
            body=event(end="20261011T100000")),
    IcsCase("date-and-datetime", "ics-property", ("e1", "both"),
            body=event(start="20261012", end="20261013T100000").replace(
                "DTSTART:20261012", "DTSTART;VALUE=DATE:20261012")),
    IcsCase("negative-duration", "ics-property", ("DURATION", "negative"),
            body=event(end=None, extra="DURATION:-PT1H")),
    IcsCase("duration-99999999-days", "ics-range", ("e1", "1900|2200|range"),
            body=event(end=None, extra="DURATION:P99999999D")),
    IcsCase("uid-escape-code", "ics-message", ("\\x1b", "before"),
            body=event(uid="\x1b]8;;http://x\x07evil", end="20261011T100000")),
    IcsCase("summary-escape-code", "ics-message", ("anna.k",), accepted=True,
            body=event(summary="\x1b[2J\x1b[31mOut of office")),
    IcsCase("file-name-escape", "ics-message", ("\\x1b",), build=_ics_escape_name),
    IcsCase("cancelled-and-free", "ics-property", ("anna.k",), accepted=True,
            body=event() + event(uid="c", extra="STATUS:CANCELLED")
            + event(uid="f", extra="TRANSP:TRANSPARENT")),
    # --- time zones ------------------------------------------------------------------------------
    IcsCase("x-wr-timezone-directory", "ics-zone", ("X-WR-TIMEZONE", "'Europe'"),
            head="X-WR-TIMEZONE:Europe\r\n", body=event(),
            note="IsADirectoryError"),
    IcsCase("x-wr-timezone-traversal", "ics-zone", ("X-WR-TIMEZONE",),
            head="X-WR-TIMEZONE:../../../../etc/passwd\r\n", body=event()),
    IcsCase("x-wr-timezone-empty", "ics-zone", ("anna.k",), accepted=True,
            head="X-WR-TIMEZONE:\r\n", body=event()),
    IcsCase("x-wr-timezone-twice", "ics-zone", ("X-WR-TIMEZONE",),
            head="X-WR-TIMEZONE:Europe/Berlin\r\nX-WR-TIMEZONE:UTC\r\n", body=event()),
    IcsCase("tzid-directory", "ics-zone", ("TZID", "'Europe'", "line"),
            body=event(start="20261012T100000").replace(
                "DTSTART:", "DTSTART;TZID=Europe:")),
    IcsCase("tzid-escape-code", "ics-zone", ("e1", "TZID|DTSTART", "\\x1b"),
            body=event().replace("DTSTART:", 'DTSTART;TZID="Europe\x1b[31m/Berlin":'),
            note="reported as 'DTSTART is missing'"),
    IcsCase("tzid-unknown", "ics-zone", ("e1", "TZID", "Mars/Olympus"),
            body=event().replace("DTSTART:", "DTSTART;TZID=Mars/Olympus:")),
    IcsCase("tzid-from-vtimezone", "ics-zone", ("anna.k",), accepted=True, head=BERLIN,
            body=event().replace("DTSTART:", "DTSTART;TZID=Europe/Berlin:").replace(
                "DTEND:", "DTEND;TZID=Europe/Berlin:")),
    # --- recurrence rules ------------------------------------------------------------------------
    IcsCase("bymonth-13", "ics-rule", ("r1", "BYMONTH", "1 to 12|1-12"),
            body=rule("FREQ=YEARLY;BYMONTH=13;BYMONTHDAY=1"), note="IndexError"),
    IcsCase("bymonth-0", "ics-rule", ("r1", "BYMONTH"), body=rule("FREQ=YEARLY;BYMONTH=0")),
    IcsCase("bymonthday-32", "ics-rule", ("r1", "BYMONTHDAY"),
            body=rule("FREQ=MONTHLY;BYMONTHDAY=32")),
    IcsCase("byhour-25", "ics-rule", ("r1", "BYHOUR"), body=rule("FREQ=DAILY;BYHOUR=25")),
    IcsCase("byday-ordinal-9-monthly", "ics-rule", ("r1", "BYDAY"),
            body=rule("FREQ=MONTHLY;BYDAY=9MO")),
    IcsCase("interval-zero", "ics-rule", ("r1", "INTERVAL"), body=rule("FREQ=DAILY;INTERVAL=0")),
    IcsCase("freq-unknown", "ics-rule", ("r1", "RRULE"), body=rule("FREQ=FORTNIGHTLY")),
    IcsCase("february-30", "ics-rule", ("r1", "never occur"),
            body=rule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")),
    IcsCase("yearday-366-in-january", "ics-rule", ("r1", "never occur"),
            body=rule("FREQ=DAILY;BYYEARDAY=366;BYMONTH=1")),
    IcsCase("week-1-in-june", "ics-rule", ("r1", "never occur"),
            body=rule("FREQ=MINUTELY;BYWEEKNO=1;BYMONTH=6")),
    IcsCase("interval-7-never-tuesday", "ics-rule", ("r1", "never occur"),
            body=rule("FREQ=DAILY;INTERVAL=7;BYDAY=TU")),
    IcsCase("bysetpos-6-mondays", "ics-rule", ("r1", "never occur"),
            body=rule("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6")),
    IcsCase("many-never-rules", "ics-rule", ("never occur",),
            body="".join(rule(f"FREQ=DAILY;BYYEARDAY={300 + i % 60};BYMONTH=1", uid=f"n{i}")
                         for i in range(200))),
    IcsCase("until-year-9999", "ics-range", ("r1", "1900|2200|range|more than"),
            body=rule("FREQ=MINUTELY;UNTIL=99991231T000000")),
    IcsCase("leap-day-yearly", "ics-rule", ("anna.k",), accepted=True,
            body=event() + rule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29")),
    IcsCase("old-birthday-series", "ics-rule", ("anna.k",), accepted=True,
            body=event() + rule("FREQ=YEARLY", start="19700101", end="19700102").replace(
                "DTSTART:19700101", "DTSTART;VALUE=DATE:19700101").replace(
                "DTEND:19700102", "DTEND;VALUE=DATE:19700102")),
    # --- endless and large expansions ------------------------------------------------------------
    IcsCase("one-minutely-endless", "ics-endless", ("r1", "occurrences"),
            body=rule("FREQ=MINUTELY")),
    IcsCase("one-secondly-endless", "ics-endless", ("r1", "occurrences"),
            body=rule("FREQ=SECONDLY")),
    IcsCase("120-hourly-endless", "ics-endless", ("occurrences", "file"), body=_hourly(120),
            note="1.5 GB and a minute: no total cap"),
    IcsCase("300-hourly-endless", "ics-endless", ("occurrences", "file"), body=_hourly(300),
            note="out of memory: 'cannot expand the events:' with no reason"),
    IcsCase("hourly-for-one-person", "ics-endless", ("anna.k", "occurrences", "20,000"),
            body="".join(rule("FREQ=HOURLY;BYMINUTE=0,20,40", uid=f"p{i}",
                              start="20261005T000000", end="20261005T001000")
                         for i in range(3)), name="anna.k.ics"),
    IcsCase("rdate-flood", "ics-endless", ("anna.k", "occurrences", "20,000"),
            body=event(extra="RDATE:" + ",".join(
                f"2026{m:02d}{d:02d}T{h:02d}{mi:02d}00" for m in (10, 11) for d in range(1, 29)
                for h in range(24) for mi in range(0, 60, 2)))),
    # --- attendees -------------------------------------------------------------------------------
    IcsCase("100k-attendees-no-people", "ics-attendees", body=_attendees(100_000),
            accepted=True, checks=("read_calendars_anyone",),
            note="over a minute: a quadratic membership test"),
    IcsCase("20k-attendees-one-known", "ics-attendees", ("anna.k",), body=_attendees(
        20_000, known=True), accepted=True),
    IcsCase("attendee-escape-code", "ics-attendees", ("anna.k",), accepted=True,
            body=event() + event(uid="e2", who="\x1b[31mmallory")),
    IcsCase("declined-attendee", "ics-attendees", ("anna.k",), accepted=True,
            body=event() + event(uid="e2", who="ben.m").replace(
                "PARTSTAT=ACCEPTED:mailto:ben.m", "PARTSTAT=DECLINED:mailto:ben.m")),
    # --- dates out of range ----------------------------------------------------------------------
    IcsCase("year-3000", "ics-range", ("e1", "1900|2200"),
            body=event(start="30001012T100000", end="30001012T110000"), note="OverflowError"),
    IcsCase("year-9999", "ics-range", ("e1", "1900|2200"),
            body=event(start="99991231T100000", end="99991231T110000"),
            note="OutOfBoundsDatetime without the file's name"),
    IcsCase("year-9999-all-day", "ics-range", ("e1", "1900|2200"),
            body=event(start="99991231", end=None).replace(
                "DTSTART:99991231", "DTSTART;VALUE=DATE:99991231")),
    IcsCase("dtend-year-9999", "ics-range", ("e1", "1900|2200"),
            body=event(end="99991231T110000")),
    IcsCase("year-0001", "ics-range", ("e1", "1900|2200"),
            body=event(start="00010101T100000", end="00010101T110000")),
    IcsCase("exdate-year-9999", "ics-range", ("r1", "1900|2200"),
            body=rule("FREQ=WEEKLY;COUNT=3").replace("END:VEVENT",
                                                     "EXDATE:99991231T100000\r\nEND:VEVENT")),
    IcsCase("recurrence-id-year-9999", "ics-range", ("e1", "1900|2200"),
            body=event(extra="RECURRENCE-ID:99991231T100000")),
]

ATS_IDS = [c.id for c in ATS_CASES]
ICS_IDS = [c.id for c in ICS_CASES]
assert len(set(ATS_IDS)) == len(ATS_IDS) and len(set(ICS_IDS)) == len(ICS_IDS), "duplicate ids"
ATS_BY_ID = {c.id: c for c in ATS_CASES}
ICS_BY_ID = {c.id: c for c in ICS_CASES}
