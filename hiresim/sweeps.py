"""Parameter sweeps: many what-if rows of one scenario, written chunk by chunk, resumable.

A sweep runs the base scenario with each row of an *overrides table* applied (columns are
dotted paths such as ``roles.recruiter.count``; an empty cell keeps the base value). Every row
uses the same seed and the same replication indices, so rows differ only through their settings
(common random numbers) and a row equal to the base gives exactly ``simulate(base, ...)``.

The unit of work is one row times one chunk of replications. Each finished unit is written to
Parquet under the output directory as soon as it completes, each file first to a temporary name
in the same directory, flushed to disk, then renamed (atomic on POSIX and Windows). After the
unit's files, its *record* ``unit-rAAAAA-BBBBB.json`` is written the same way: the size and
SHA-256 of each file, the row, the replications and the sweep's identity. A unit counts as done
only when its record exists and every file matches it, so a sweep killed at any moment (even by
SIGKILL in the middle of a write, or between the files and the record) resumes with
``resume=True`` without losing, duplicating or reading a partial replication, and a file
truncated, overwritten or copied from another unit afterwards is noticed (resume runs its unit
again and says so; reading it raises :class:`SweepError` naming the file).

Why a record per unit, written last, rather than checksums in the manifest: each record is
written once, atomically, by the one process that writes the unit's files, so a kill leaves
either the whole record (describing files already renamed and fsynced) or none (the unit is run
again); the manifest, which identifies the sweep, is never rewritten while units are running.

Layout of ``DIR``::

    sweep.json                                   manifest (written first)
    row-0000/journeys-r00000-00049.parquet       row 0, replications 0..49
    row-0000/candidates-r00000-00049.parquet
    row-0000/events-r00000-00049.parquet         (empty when event_log=False)
    row-0000/unit-r00000-00049.json              record: sizes and SHA-256 (written last)
    row-0000/journeys-r00050-00099.parquet
    ...
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from hiresim.results import Results, dependency_versions
from hiresim.runner import (
    build_tables,
    concat_frames,
    fixed_chunks,
    run_units,
    stop_on_interrupt,
    worker_payload,
)
from hiresim.scenario import Scenario, ScenarioError, load_scenario
from hiresim.tables import TABLES

__all__ = ["Sweep", "SweepError", "SweepWarning", "read_sweep", "sweep"]

#: Name of the manifest file in a sweep directory.
MANIFEST = "sweep.json"
#: Format tag stored in the manifest; a directory with another tag is not read.
FORMAT = "hiresim-sweep/1"
#: Manifest fields that must match for ``resume=True`` to continue a sweep.
_IDENTITY = ("format", "base", "overrides", "seed", "replications", "chunk_size", "event_log")
#: Temporary files are named ``.<final name>.<pid>.tmp``; resume removes any left behind.
_TMP_SUFFIX = ".tmp"
#: Manifest field saying that every unit has a record (sizes and checksums of its files).
#: Sweeps written before records existed lack it; see :func:`read_sweep`.
RECORDS = "records"
#: Format tag of a unit's record.
RECORD_FORMAT = "hiresim-sweep-unit/1"
#: Bytes read at a time when computing a checksum.
_BLOCK = 1 << 20
#: Problems listed in one message at most.
_SHOWN = 10


class SweepError(ValueError):
    """A sweep directory that cannot be used as asked (another sweep's, not a sweep, or with
    files that do not match their records)."""


class SweepWarning(UserWarning):
    """Something about a sweep directory worth knowing that does not stop the sweep: units
    run again because their files were damaged, a sweep written without checksums."""


# ---------------------------------------------------------------------------------------------
# Overrides tables


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return isinstance(value, str) and value.strip() == ""


def _plain(value: Any) -> Any:
    """A JSON-friendly Python value: numpy scalars unwrapped, JSON text in CSV cells parsed."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in "[{":
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                return value
        return text
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


#: A CSV cell that pandas reads as a number when its whole column is numbers.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
#: CSV cells that pandas reads as booleans when its whole column is booleans.
_BOOLEANS = {"true": True, "True": True, "TRUE": True,
             "false": False, "False": False, "FALSE": False}


def _csv_cell(value: Any) -> Any:
    """One cell of a CSV column that pandas left as text (a column that mixes JSON and other
    values), typed on its own: JSON if it parses as JSON (``["Tue", "Thu"]``, ``3``, ``2.5``,
    ``true``), else a number or boolean as pandas writes them (``.5``, ``True``), else the
    text. Cells pandas already typed are returned as they are."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        pass
    else:
        if not (isinstance(parsed, float) and not math.isfinite(parsed)):  # NaN, Infinity
            return parsed
    if text in _BOOLEANS:
        return _BOOLEANS[text]
    if _NUMBER.fullmatch(text):  # not JSON: "+3", "007", ".5", "5."
        return int(text) if text.lstrip("+-").isdigit() else float(text)
    return value


def _unfloat(column: pd.Series) -> list[Any]:
    """A column's cells, whole numbers of a float column as ints (pandas makes ints with NaN
    floats)."""
    cells = column.tolist()
    if column.dtype.kind != "f":
        return cells
    return [int(v) if isinstance(v, float) and v.is_integer() else v for v in cells]


def read_overrides(
    overrides: pd.DataFrame | Sequence[Mapping[str, Any]] | str | os.PathLike,
) -> tuple[list[dict[str, Any]], list[str], str]:
    """Normalize an overrides table to ``(rows, columns, label)``.

    ``overrides`` is a DataFrame, a list of dicts, or the path of a CSV file; columns are dotted
    paths and missing cells (NaN, None, empty) mean "keep the base value". CSV cells holding JSON
    (``{"dist": "exponential", "mean": 2}``, ``[1, 2]``) are parsed, each cell on its own: in a
    column that mixes JSON and plain values a number stays a number (see :func:`_csv_cell`).
    """
    label = "overrides"
    from_csv = isinstance(overrides, str | os.PathLike)
    if isinstance(overrides, str | os.PathLike):
        label = str(overrides)
        path = Path(overrides)
        if not path.is_file():
            raise ScenarioError(label, [("", "no such overrides file")])
        try:
            overrides = pd.read_csv(path, skipinitialspace=True)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise ScenarioError(label, [("", f"not a readable CSV table: {exc}")]) from None
    if isinstance(overrides, pd.DataFrame):
        columns = [str(c) for c in overrides.columns]
        cells = [_unfloat(overrides.iloc[:, k]) for k in range(len(columns))]
        if from_csv:
            cells = [[_csv_cell(v) for v in column] for column in cells]
        records = [{c: cells[k][i] for k, c in enumerate(columns)} for i in range(len(overrides))]
    elif isinstance(overrides, Mapping):
        raise TypeError(
            "overrides must be a table (DataFrame, list of dicts or CSV path), "
            "not a single dict; wrap it in a list for a one-row sweep"
        )
    else:
        records = [dict(r) for r in overrides]
        columns = list(dict.fromkeys(str(k) for r in records for k in r))
    rows = [{str(k): _plain(v) for k, v in r.items() if not _is_missing(v)} for r in records]
    if not rows:
        raise ScenarioError(label, [("", "the overrides table has no rows")])
    return rows, columns, label


def _scenarios(base: Scenario, rows: list[dict[str, Any]], label: str) -> list[Scenario]:
    """Each row's scenario; every problem of every row in one :class:`ScenarioError`."""
    out: list[Scenario] = []
    problems: list[tuple[str, str]] = []
    for i, row in enumerate(rows):
        try:
            out.append(base.with_overrides(row, source=f"{label} row {i}"))
        except ScenarioError as exc:
            problems += [
                (f"row {i}: {path}" if path else f"row {i}", message)
                for path, message in exc.problems
            ]
    if problems:
        raise ScenarioError(label, problems)
    return out


# ---------------------------------------------------------------------------------------------
# Files


def _row_dir(root: Path, row: int) -> Path:
    return root / f"row-{row:04d}"


def _unit_name(table: str, reps: range) -> str:
    return f"{table}-r{reps.start:05d}-{reps.stop - 1:05d}.parquet"


def _record_name(reps: range) -> str:
    return f"unit-r{reps.start:05d}-{reps.stop - 1:05d}.json"


def _span(reps: range) -> str:
    return f"{reps.start}-{reps.stop - 1}"


def _sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks of :data:`_BLOCK` bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _sweep_id(manifest: Mapping[str, Any]) -> str:
    """A digest of what identifies a sweep (:data:`_IDENTITY`): a unit's record names the
    sweep it belongs to, so that a unit copied from another sweep is not taken for one of this
    sweep's."""
    identity = {key: manifest.get(key) for key in _IDENTITY}
    text = json.dumps(identity, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def default_chunk_size(replications: int) -> int:
    """Replications per unit when not given: about 4 units per row, at most 50 replications.

    It depends on ``replications`` only (not on the workers), so a sweep can be resumed with
    another executor.
    """
    return max(1, min(50, -(-replications // 4)))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open directories
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse
        pass
    finally:
        os.close(fd)


def _write_parquet(frame: pd.DataFrame, fh: BinaryIO) -> None:
    frame.to_parquet(fh, index=False)


def _atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> dict[str, Any]:
    """Write via ``write(file)`` to a temporary file next to ``path``, fsync, then rename.

    Returns the file's ``bytes`` and ``sha256``, computed from the temporary file once it is on
    disk (what the final name then holds).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}{_TMP_SUFFIX}")
    try:
        with open(tmp, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        stamp = {"bytes": tmp.stat().st_size, "sha256": _sha256(tmp)}
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    return stamp


def _write_json(path: Path, data: dict[str, Any]) -> None:
    text = json.dumps(data, indent=2, default=str).encode()
    _atomic_write(path, lambda fh: fh.write(text))


def _write_unit(
    root: Path, row: int, reps: range, tables: dict[str, pd.DataFrame], sweep_id: str
) -> None:
    """Write a unit's tables, then its record (each file atomically).

    A record left from an earlier run of the unit is removed first, so that at no moment a
    record describes files other than those it was written for: a kill before the new record
    is in place leaves the unit without one, and it is run again.
    """
    folder = _row_dir(root, row)
    folder.mkdir(parents=True, exist_ok=True)
    record = folder / _record_name(reps)
    if record.exists():
        record.unlink()
        _fsync_dir(folder)
    files: dict[str, Any] = {}
    for name in TABLES:
        file = folder / _unit_name(name, reps)
        files[name] = {
            "name": file.name,
            **_atomic_write(file, functools.partial(_write_parquet, tables[name])),
        }
    _write_json(record, _unit_record(sweep_id, row, reps, files))


def _unit_record(sweep_id: str, row: int, reps: range, files: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": RECORD_FORMAT,
        "sweep": sweep_id,
        "row": int(row),
        "replications": [reps.start, reps.stop],
        "files": files,
    }


def _remove_temporaries(root: Path) -> int:
    removed = 0
    for tmp in root.glob(f"row-*/.*{_TMP_SUFFIX}"):
        tmp.unlink(missing_ok=True)
        removed += 1
    return removed


# ---------------------------------------------------------------------------------------------
# The sweep result


@dataclass
class Sweep:
    """A sweep directory: its manifest, its rows, and loaders for what has been computed.

    Get one from :func:`sweep` or :func:`read_sweep`. Nothing is held in memory but the
    manifest; :meth:`results` and :meth:`journeys` read the Parquet files.
    """

    path: Path
    manifest: dict[str, Any]

    # -- description ---------------------------------------------------------------------------

    @property
    def seed(self) -> int:
        return int(self.manifest["seed"])

    @property
    def replications(self) -> int:
        return int(self.manifest["replications"])

    @property
    def chunk_size(self) -> int:
        return int(self.manifest["chunk_size"])

    @property
    def base(self) -> Scenario:
        """The base scenario (rows apply their overrides to it)."""
        return Scenario.model_validate(self.manifest["base"])

    @property
    def overrides(self) -> pd.DataFrame:
        """The overrides table: one row per sweep row, a column per dotted path, NaN = base."""
        columns = self.manifest.get("columns") or None
        table = pd.DataFrame(self.manifest["overrides"], columns=columns)
        table.index.name = "row"
        return table

    def __len__(self) -> int:
        return len(self.manifest["overrides"])

    def scenario(self, row: int) -> Scenario:
        """The scenario of ``row``: the base with that row's overrides."""
        return self.base.with_overrides(self.manifest["overrides"][self._check_row(row)])

    def units(self) -> list[tuple[int, range]]:
        """Every work unit ``(row, replications)`` of the sweep, done or not."""
        chunks = fixed_chunks(self.replications, self.chunk_size)
        return [(row, reps) for row in range(len(self)) for reps in chunks]

    @functools.cached_property
    def sweep_id(self) -> str:
        """The digest of the sweep's identity that every unit's record carries."""
        return _sweep_id(self.manifest)

    @property
    def checksummed(self) -> bool:
        """Whether the sweep was written with a record (sizes, SHA-256) for every unit; sweeps
        of hiresim versions before records were introduced have none (see :func:`read_sweep`)."""
        return RECORDS in self.manifest

    def check(self, row: int, reps: range, checksums: bool = True) -> tuple[str, list[str]]:
        """The state of unit ``(row, reps)`` and what is wrong with it.

        Returns ``(state, problems)``, ``state`` one of

        - ``"done"``: its record is there and every file matches it (its size and, with
          ``checksums``, its SHA-256; without, only sizes are compared);
        - ``"absent"``: no record: never run, or interrupted before its record was written
          (files it left are not used, and are overwritten when it runs);
        - ``"damaged"``: a record is there but a file is missing, has another size or
          checksum, or the record is unreadable or belongs to another unit or sweep;
        - ``"unrecorded"``: a sweep written without records (:attr:`checksummed` false) whose
          files are all there; they can only be checked by reading them.

        Each problem names the file (relative to the sweep directory) and what is wrong.
        """
        folder = _row_dir(self.path, row)
        record_file = folder / _record_name(reps)
        label = record_file.relative_to(self.path).as_posix()
        if not record_file.is_file():
            if not self.checksummed and all(
                (folder / _unit_name(name, reps)).is_file() for name in TABLES
            ):
                return "unrecorded", []
            return "absent", []
        try:
            record = json.loads(record_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            return "damaged", [f"{label}: unreadable record ({exc})"]
        if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT:
            return "damaged", [f"{label}: not a unit record of this format ({RECORD_FORMAT})"]
        if record.get("sweep") != self.sweep_id:
            return "damaged", [f"{label}: the record of another sweep (copied here?)"]
        if record.get("row") != row or record.get("replications") != [reps.start, reps.stop]:
            other = f"row {record.get('row')}, replications {record.get('replications')}"
            return "damaged", [f"{label}: the record of another unit ({other}; copied here?)"]
        problems = []
        files = record.get("files") or {}
        for name in TABLES:
            problem = self._file_problem(folder / _unit_name(name, reps), files.get(name),
                                         checksums)
            if problem:
                problems.append(problem)
        return ("damaged", problems) if problems else ("done", [])

    def _file_problem(self, file: Path, stamp: Any, checksum: bool) -> str | None:
        """What is wrong with ``file`` against its entry ``stamp`` of a unit record, if
        anything: it is missing, has another size or (with ``checksum``) another SHA-256."""
        label = file.relative_to(self.path).as_posix()
        if not isinstance(stamp, dict) or stamp.get("name") != file.name:
            return f"{label}: not in the unit's record"
        try:
            size = file.stat().st_size
        except FileNotFoundError:
            return f"{label}: missing (its unit's record lists it)"
        if size != stamp.get("bytes"):
            return (f"{label}: size mismatch: {size} bytes, the record says {stamp.get('bytes')}"
                    " (truncated, overwritten or replaced since it was written)")
        if checksum and _sha256(file) != stamp.get("sha256"):
            return (f"{label}: checksum mismatch: its SHA-256 is not the recorded one "
                    "(changed or replaced since it was written)")
        return None

    def done(self, row: int, reps: range, verify: bool = True) -> bool:
        """Whether unit ``(row, reps)`` is finished: its record is there and its files match it
        (sizes and SHA-256; only sizes with ``verify=False``). See :meth:`check`."""
        return self.check(row, reps, checksums=verify)[0] in ("done", "unrecorded")

    def missing(self, verify: bool = True) -> list[tuple[int, range]]:
        """The units still to run (what ``resume=True`` would run): those without a record
        and those whose files do not match theirs (sizes only with ``verify=False``)."""
        return [(row, reps) for row, reps in self.units() if not self.done(row, reps, verify)]

    def verify(self) -> list[str]:
        """Every problem with the units that have a record (missing files, sizes, SHA-256
        checksums), one line per file; empty when all is well. Units not run yet are not
        problems (see :meth:`missing`)."""
        return [problem for row, reps in self.units() for problem in self.check(row, reps)[1]]

    @property
    def complete(self) -> bool:
        """Whether every unit is done (every file's checksum verified)."""
        return not self.missing()

    def __repr__(self) -> str:
        units = self.units()
        done = len(units) - len(self.missing(verify=False))
        return (
            f"Sweep({str(self.path)!r}, rows={len(self)}, replications={self.replications}, "
            f"seed={self.seed}, units={done}/{len(units)} done)"
        )

    # -- loading -------------------------------------------------------------------------------

    def _check_row(self, row: int) -> int:
        if not isinstance(row, int | np.integer) or not 0 <= row < len(self):
            raise IndexError(f"row must be an int in [0, {len(self)}), got {row!r}")
        return int(row)

    def _read(self, row: int, table: str) -> pd.DataFrame:
        """The ``table`` of ``row``, each file checked against its unit's record (size and
        SHA-256) just before it is read."""
        row = self._check_row(row)
        chunks = fixed_chunks(self.replications, self.chunk_size)
        states = {reps: self.check(row, reps, checksums=False) for reps in chunks}
        damaged = [p for state, problems in states.values() if state == "damaged"
                   for p in problems]
        if damaged:
            raise self._damaged_error(damaged)
        absent = [reps for reps, (state, _) in states.items() if state == "absent"]
        if absent:
            spans = ", ".join(_span(r) for r in absent)
            raise SweepError(
                f"{self.path}: row {row} is incomplete (replications {spans} "
                "missing); run the sweep again with resume=True"
            )
        folder = _row_dir(self.path, row)
        frames = []
        for reps in chunks:
            file = folder / _unit_name(table, reps)
            if states[reps][0] == "done":
                stamp = self._stamp(row, reps, table)
                problem = self._file_problem(file, stamp, checksum=True)
                if problem:
                    raise self._damaged_error([problem])
            frames.append(self._read_parquet(file))
        return concat_frames(frames)

    def _stamp(self, row: int, reps: range, table: str) -> Any:
        record_file = _row_dir(self.path, row) / _record_name(reps)
        return json.loads(record_file.read_text(encoding="utf-8"))["files"].get(table)

    def _read_parquet(self, file: Path) -> pd.DataFrame:
        frame = _load_parquet(file)
        if isinstance(frame, str):
            raise SweepError(
                f"{file}: {frame}; run the sweep again with resume=True to redo its unit"
            )
        return frame

    def _damaged_error(self, problems: list[str]) -> SweepError:
        return SweepError(
            f"{self.path}: {_listing(problems, 'damaged file')}; run the sweep again with "
            "resume=True to redo their units"
        )

    def results(self, row: int) -> Results:
        """The :class:`Results` of one row, as :func:`hiresim.simulate` of its scenario gives.

        Raises :class:`SweepError` if some of the row's units have not been computed.
        """
        tables = {name: self._read(row, name) for name in TABLES}
        manifest = {
            "seed": self.seed,
            "replications": self.replications,
            "event_log": self.manifest["event_log"],
            "scenario": self.scenario(row).model_dump(mode="json"),
            "versions": self.manifest["versions"],
            "sweep": {
                "path": str(self.path),
                "row": int(row),
                "overrides": self.manifest["overrides"][row],
            },
        }
        return Results(**tables, manifest=manifest)

    def journeys(self, rows: Iterable[int] | None = None) -> pd.DataFrame:
        """The ``journeys`` of several rows (default: all) in one table with a ``row`` column."""
        rows = range(len(self)) if rows is None else list(rows)
        frames = []
        for row in rows:
            frame = self._read(row, "journeys")
            frame.insert(0, "row", int(row))
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def summary(
        self, q: Sequence[float] = (0.5, 0.9), ci: float = 0.95, n_boot: int = 200
    ) -> pd.DataFrame:
        """One line per row: its override values, then statistics of ``days_to_feedback``.

        Columns: ``row``, one per override path (NaN where the row keeps the base value),
        ``journeys``, ``censored_share``, ``mean_days`` (the headline average: Kaplan-Meier
        restricted mean up to one horizon for every row, :func:`hiresim.analysis.headline_tau`
        of all rows' waits pooled, never below a row's own median), ``tau`` (that horizon,
        the same on every row, so that a row can be read beside ``hiresim run`` of its
        scenario: ``headline(sweep.results(row), tau=tau)``) and ``p50``, ``p90``...
        (Kaplan-Meier quantiles), each with ``_lower``/``_upper`` bootstrap bounds over
        replications (see :func:`hiresim.analysis.quantiles`). All rows must be complete.
        """
        from hiresim.analysis.curves import quantiles

        journeys = self.journeys()
        stats = quantiles(_Journeys(journeys), q=q, by="row", ci=ci, n_boot=n_boot, seed=self.seed)
        tau = stats.loc[stats["statistic"] == "restricted_mean", "tau"]
        names = np.where(
            stats["statistic"] == "restricted_mean",
            "mean_days",
            [f"p{100 * float(x):g}" for x in stats["q"].fillna(0)],
        )
        stats = stats.assign(name=names).set_index(["row", "name"])[["days", "lower", "upper"]]
        wide = stats.unstack("name")
        order = ["mean_days"] + [f"p{100 * float(x):g}" for x in q]
        wide = pd.DataFrame(
            {
                f"{name}{suffix}": wide[(col, name)]
                for name in order
                for suffix, col in (("", "days"), ("_lower", "lower"), ("_upper", "upper"))
            }
        )
        counts = journeys.groupby("row").agg(
            journeys=("censored", "size"), censored_share=("censored", "mean")
        )
        wide.insert(3, "tau", float(tau.iloc[0]) if len(tau) else float("nan"))
        out = self.overrides.reset_index()
        return out.join(counts, on="row").join(wide, on="row")


@dataclass
class _Journeys:
    journeys: pd.DataFrame


def _listing(problems: list[str], what: str) -> str:
    """``"2 damaged files: a: ...; b: ..."``, at most :data:`_SHOWN` of them."""
    shown = "; ".join(problems[:_SHOWN])
    more = f"; and {len(problems) - _SHOWN} more" if len(problems) > _SHOWN else ""
    plural = "s" if len(problems) != 1 else ""
    return f"{len(problems)} {what}{plural}: {shown}{more}"


def read_sweep(path: str | os.PathLike, verify: bool = True) -> Sweep:
    """Open the sweep in directory ``path`` (complete or not) to load its rows.

    With ``verify`` (the default), every unit's record is checked against its files' sizes
    (cheap: no file is read) and a mismatch raises :class:`SweepError` naming each damaged
    file; :meth:`Sweep.results` and :meth:`Sweep.journeys` also check each file's SHA-256
    before reading it, and :meth:`Sweep.verify` checks all of them. ``verify=False`` opens a
    damaged sweep anyway (to look at :meth:`Sweep.missing` or :meth:`Sweep.verify`).

    A sweep written before unit records existed (no ``records`` in its manifest) is read as
    then: a unit is there when its files are, and a file that is not readable Parquet raises
    :class:`SweepError` naming it; a :class:`SweepWarning` says that nothing more can be
    checked. Resuming it (``resume=True``) reads every such unit once, records its checksums,
    and runs again those that fail.
    """
    result = _open(Path(path))
    if not result.checksummed:
        warnings.warn(
            f"{result.path}: written without checksums (by an older hiresim): its files are "
            "only checked by reading them as Parquet; resume the sweep (resume=True) to record "
            "their checksums",
            SweepWarning,
            stacklevel=2,
        )
    if verify:
        problems = [
            p for row, reps in result.units() for p in result.check(row, reps, checksums=False)[1]
        ]
        if problems:
            raise result._damaged_error(problems)
    return result


def _open(root: Path) -> Sweep:
    file = root / MANIFEST
    if not file.is_file():
        raise SweepError(f"{root}: not a sweep directory (no {MANIFEST})")
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SweepError(f"{file}: not a readable sweep manifest ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        format_ = manifest.get("format") if isinstance(manifest, dict) else None
        raise SweepError(f"{file}: unknown sweep format {format_!r}")
    return Sweep(root, manifest)


# ---------------------------------------------------------------------------------------------
# Running


def sweep(
    scenario: Scenario | str | os.PathLike[str] | dict[str, Any],
    overrides: pd.DataFrame | Sequence[Mapping[str, Any]] | str | os.PathLike,
    replications: int = 100,
    seed: int = 0,
    out: str | os.PathLike = "sweep",
    workers: int | Executor | None = None,
    resume: bool = False,
    chunk_size: int | None = None,
    event_log: bool = False,
    progress: bool = False,
) -> Sweep:
    """Run ``scenario`` once per row of ``overrides``, writing each finished chunk to ``out``.

    Args:
        scenario: the base scenario (a :class:`Scenario`, a TOML path or a dict).
        overrides: a table with one column per dotted path (``"roles.recruiter.count"``,
            ``"rounds.0.panel"``) and one row per setting to simulate: a DataFrame, a list of
            dicts, or the path of a CSV file. Missing cells (NaN, None, empty) keep the base value;
            CSV cells may hold JSON (``{"dist": "exponential", "mean": 2}``).
        replications: replications per row; every row uses replications ``0..n-1`` of ``seed``
            (common random numbers).
        seed: the experiment's seed.
        out: the output directory (created; see the module docstring for its layout).
        workers: ``None`` (this process), an int (that many local processes, started with
            ``spawn``), or any :class:`concurrent.futures.Executor` (e.g. a Dask
            ``Client.get_executor()``). Files are written by this process only.
        resume: continue the sweep already in ``out``: run only the units that are not done
            (no record, or files that do not match it: every checksum is verified, and damaged
            units are named in a :class:`SweepWarning`). Safe to pass always (a new directory
            is simply started); an ``out`` holding another sweep is an error.
        chunk_size: replications per unit (default :func:`default_chunk_size`; on resume, the
            directory's).
        event_log: keep the per-activity event log (``events`` tables; big). Default off.
        progress: show a progress bar (tqdm) over units, with an ETA.

    Returns:
        A :class:`Sweep`: ``.results(row)``, ``.journeys()``, ``.summary()``.

    Raises:
        ScenarioError: a row sets an unknown path or an invalid value (naming the row and the
            path); raised before anything is written or run.
        SweepError: ``out`` holds another sweep (or, without ``resume``, any sweep) or other
            files.
    """
    if (
        isinstance(replications, bool)
        or not isinstance(replications, int | np.integer)
        or replications < 1
    ):
        raise ValueError(f"replications must be an int >= 1, got {replications!r}")
    replications = int(replications)
    if chunk_size is not None and (isinstance(chunk_size, bool) or int(chunk_size) < 1):
        raise ValueError(f"chunk_size must be an int >= 1, got {chunk_size!r}")
    base = load_scenario(scenario)
    rows, columns, label = read_overrides(overrides)
    scenarios = _scenarios(base, rows, label)  # every row validated before anything runs

    root = Path(out)
    existing = _existing_manifest(root, resume)
    if chunk_size is None:
        chunk_size = existing["chunk_size"] if existing else default_chunk_size(replications)
    manifest = {
        "format": FORMAT,
        "base": base.model_dump(mode="json"),
        "overrides": rows,
        "columns": columns,
        "seed": int(seed),
        "replications": replications,
        "chunk_size": int(chunk_size),
        "event_log": bool(event_log),
        "versions": dependency_versions(),
        RECORDS: "sha256",
    }
    manifest = json.loads(json.dumps(manifest, default=str))  # as it reads back from disk
    if existing is not None:
        _check_compatible(root, existing, manifest)
        result = Sweep(root, existing)
    else:
        root.mkdir(parents=True, exist_ok=True)
        _write_json(root / MANIFEST, manifest)
        result = Sweep(root, manifest)
    _remove_temporaries(root)

    todo = _to_run(result)
    total = len(result.units())
    bar = _progress(total, total - len(todo)) if progress else None
    try:
        _execute(result, scenarios, todo, int(seed), bool(event_log), workers, bar)
    finally:
        if bar is not None:
            bar.close()
    return result


def _existing_manifest(root: Path, resume: bool) -> dict[str, Any] | None:
    if not root.exists():
        return None
    if not root.is_dir():
        raise SweepError(f"{root}: exists and is not a directory")
    if not (root / MANIFEST).is_file():
        if any(root.iterdir()):
            raise SweepError(
                f"{root}: exists, is not empty and holds no sweep ({MANIFEST}); "
                "choose a new output directory"
            )
        return None
    current = _open(root).manifest
    if not resume:
        raise SweepError(
            f"{root}: already holds a sweep; pass resume=True (CLI: --resume) to "
            "continue it, or choose a new output directory"
        )
    return current


def _check_compatible(root: Path, existing: dict[str, Any], new: dict[str, Any]) -> None:
    differ = [key for key in _IDENTITY if existing.get(key) != new.get(key)]
    if differ:
        raise SweepError(
            f"{root}: cannot resume: this sweep differs from the one in the "
            f"directory in {', '.join(differ)}; use the same arguments or a new "
            "output directory"
        )
    old, now = existing.get("versions", {}), new["versions"]
    changed = sorted(k for k in set(old) | set(now) if old.get(k) != now.get(k))
    if changed:
        warnings.warn(
            f"{root}: resuming with other versions than the sweep started with "
            f"({', '.join(changed)}); rows may mix results of both",
            stacklevel=3,
        )


def _to_run(result: Sweep) -> list[tuple[int, range]]:
    """The units to run: those without a record and those whose files do not match it (every
    checksum is verified), the latter named in a :class:`SweepWarning`.

    In a sweep written without records, each unit whose files are all there is read once; the
    readable ones get their record, the others are run again; then the manifest says that the
    sweep has records.
    """
    todo, damaged, redone = [], [], []
    for row, reps in result.units():
        state, problems = result.check(row, reps)
        if state == "unrecorded":
            problems = _record_unrecorded(result, row, reps)
            state = "damaged" if problems else "done"
        if state == "damaged":
            damaged += problems
            redone.append(f"row {row} replications {_span(reps)}")
        if state != "done":
            todo.append((row, reps))
    if not result.checksummed:
        result.manifest[RECORDS] = "sha256"
        _write_json(result.path / MANIFEST, result.manifest)
    if damaged:
        warnings.warn(
            f"{result.path}: {_listing(damaged, 'damaged file')}; running "
            f"{'this unit' if len(redone) == 1 else f'these {len(redone)} units'} again: "
            f"{', '.join(redone)}",
            SweepWarning,
            stacklevel=3,
        )
    return todo


def _load_parquet(file: Path) -> pd.DataFrame | str:
    """The table in ``file``, or what is wrong with it."""
    try:
        return pd.read_parquet(file)
    except (ValueError, OSError) as exc:  # pyarrow's ArrowInvalid, ArrowIOError
        return f"not a readable Parquet file ({type(exc).__name__}: {exc})"


def _record_unrecorded(result: Sweep, row: int, reps: range) -> list[str]:
    """Check a unit of a sweep written without records by reading its files (readable
    Parquet holding only the unit's replications); record their checksums if they pass."""
    folder = _row_dir(result.path, row)
    problems, files = [], {}
    for name in TABLES:
        file = folder / _unit_name(name, reps)
        label = file.relative_to(result.path).as_posix()
        frame = _load_parquet(file)
        if isinstance(frame, str):
            problems.append(f"{label}: {frame}")
            continue
        if "replication" in frame and not frame["replication"].isin(reps).all():
            problems.append(f"{label}: holds replications other than {_span(reps)}")
            continue
        files[name] = {"name": file.name, "bytes": file.stat().st_size, "sha256": _sha256(file)}
    if not problems:
        _write_json(folder / _record_name(reps), _unit_record(result.sweep_id, row, reps, files))
    return problems


def _execute(
    result: Sweep,
    scenarios: list[Scenario],
    todo: list[tuple[int, range]],
    seed: int,
    event_log: bool,
    workers: int | Executor | None,
    bar: Any,
) -> None:
    """Run the units ``todo`` on ``workers`` (see :func:`hiresim.runner.run_units`) and write
    each one's tables here, in the order they finish (a unit on disk is a unit not lost)."""
    payloads: dict[int, dict[str, Any]] = {}  # one per row, shared by the row's units
    for row, _ in todo:
        if row not in payloads:
            payloads[row] = worker_payload(scenarios[row])
    runs = run_units([(payloads[row], reps) for row, reps in todo], seed, workers, event_log,
                     ordered=False)
    with stop_on_interrupt(workers, runs):  # Ctrl-C: the workers stop now, finished units stay
        for k, columns in runs:
            row, reps = todo[k]
            _write_unit(result.path, row, reps, build_tables(columns, scenarios[row]),
                        result.sweep_id)
            if bar is not None:
                bar.update(1)


def _progress(total: int, initial: int) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, unit="chunk", desc="sweep")
