"""Damaged sweep files are noticed: resume redoes exactly the damaged units (saying which), and
reading a damaged sweep raises a SweepError naming the file, never a bare ArrowInvalid."""

from __future__ import annotations

import importlib
import json
import re
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

import hiresim as hs
from hiresim.results import TABLES
from hiresim.sweeps import MANIFEST, RECORDS, SweepError, SweepWarning

sweeps_module = importlib.import_module("hiresim.sweeps")

SEED = 11
REPLICATIONS = 4
CHUNK = 2
ROWS = [
    {},
    {"roles.recruiter.count": 1},
    {"roles.recruiter.count": 3, "communication.ghost_probability": 0.5},
    {"communication.ghost_probability": 0.2},
]


@pytest.fixture(scope="module")
def base() -> hs.Scenario:
    return hs.preset("default").with_overrides({"horizon_days": 30, "drain_days": 30})


@pytest.fixture(scope="module")
def reference(base, tmp_path_factory) -> hs.Sweep:
    """An uninterrupted serial sweep: 4 rows x 2 units of 2 replications."""
    out = tmp_path_factory.mktemp("reference") / "sweep"
    return hs.sweep(base, ROWS, REPLICATIONS, seed=SEED, out=out, chunk_size=CHUNK)


@pytest.fixture
def copy(reference, tmp_path) -> Path:
    """A copy of the reference sweep's directory, to damage."""
    out = tmp_path / "sweep"
    shutil.copytree(reference.path, out)
    return out


@pytest.fixture
def written(monkeypatch) -> list[tuple[int, int]]:
    """``(row, first replication)`` of every unit the sweep writes from now on."""
    units: list[tuple[int, int]] = []
    real = sweeps_module._write_unit

    def spy(root, row, reps, tables, sweep_id):
        units.append((row, reps.start))
        return real(root, row, reps, tables, sweep_id)

    monkeypatch.setattr(sweeps_module, "_write_unit", spy)
    return units


def resume(base, out: Path) -> hs.Sweep:
    return hs.sweep(base, ROWS, REPLICATIONS, seed=SEED, out=out, resume=True)


def assert_same_sweep(got: hs.Sweep, expected: hs.Sweep) -> None:
    assert got.complete and got.verify() == []
    for row in range(len(ROWS)):
        a, b = got.results(row), expected.results(row)
        for name in TABLES:
            pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    pd.testing.assert_frame_equal(got.journeys(), expected.journeys())


def unit_file(table: str, row: int, start: int) -> str:
    return f"row-{row:04d}/{table}-r{start:05d}-{start + CHUNK - 1:05d}.parquet"


# Each damage: what it does to the directory, the units it damages and what is wrong.


def truncate_half(out: Path) -> None:
    file = out / unit_file("journeys", 1, 0)
    file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])


def truncate_empty(out: Path) -> None:
    (out / unit_file("candidates", 2, 2)).write_bytes(b"")


def zero_64_bytes(out: Path) -> None:
    file = out / unit_file("journeys", 0, 2)
    data = bytearray(file.read_bytes())
    middle = len(data) // 2
    assert data[middle:middle + 64] != bytes(64)
    data[middle:middle + 64] = bytes(64)
    file.write_bytes(bytes(data))


def flip_a_bit(out: Path) -> None:
    file = out / unit_file("candidates", 3, 0)
    data = bytearray(file.read_bytes())
    data[len(data) // 3] ^= 0x10
    file.write_bytes(bytes(data))


def swap_two_units(out: Path) -> None:
    a, b = out / unit_file("journeys", 1, 0), out / unit_file("journeys", 2, 0)
    data_a, data_b = a.read_bytes(), b.read_bytes()
    assert data_a != data_b
    a.write_bytes(data_b)
    b.write_bytes(data_a)


def copy_a_whole_unit_over_another(out: Path) -> None:
    """Files and record of row 1's first unit copied over row 2's: the record is row 1's."""
    for table in TABLES:
        shutil.copyfile(out / unit_file(table, 1, 0), out / unit_file(table, 2, 0))
    record = "unit-r00000-00001.json"
    shutil.copyfile(out / "row-0001" / record, out / "row-0002" / record)


def delete_a_file(out: Path) -> None:
    (out / unit_file("events", 3, 2)).unlink()


DAMAGES = {
    "truncated to half": (truncate_half, [(1, 0)], [unit_file("journeys", 1, 0)], "size mismatch"),
    "truncated to 0 bytes": (
        truncate_empty, [(2, 2)], [unit_file("candidates", 2, 2)], "size mismatch"
    ),
    "64 bytes zeroed": (
        zero_64_bytes, [(0, 2)], [unit_file("journeys", 0, 2)], "checksum mismatch"
    ),
    "a bit flipped": (flip_a_bit, [(3, 0)], [unit_file("candidates", 3, 0)], "checksum mismatch"),
    "two units' files swapped": (
        swap_two_units,
        [(1, 0), (2, 0)],
        [unit_file("journeys", 1, 0), unit_file("journeys", 2, 0)],
        "mismatch",
    ),
    "a unit copied over another": (
        copy_a_whole_unit_over_another,
        [(2, 0)],
        ["row-0002/unit-r00000-00001.json"],
        "the record of another unit",
    ),
    "a file deleted": (delete_a_file, [(3, 2)], [unit_file("events", 3, 2)], "missing"),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_resume_redoes_exactly_the_damaged_units(base, reference, copy, written, damage):
    spoil, units, files, what = DAMAGES[damage]
    spoil(copy)
    problems = hs.read_sweep(copy, verify=False).verify()
    assert [p.split(": ", 1)[0] for p in problems] == files
    assert all(what in p for p in problems), problems
    with pytest.warns(SweepWarning) as caught:
        resumed = resume(base, copy)
    message = "\n".join(str(w.message) for w in caught)
    assert f"{len(files)} damaged file" in message
    for file in files:
        assert file in message
    again = ", ".join(f"row {row} replications {start}-{start + CHUNK - 1}" for row, start in units)
    assert message.endswith(f" again: {again}")
    assert sorted(written) == units
    assert_same_sweep(resumed, reference)
    assert_same_sweep(hs.read_sweep(copy), reference)


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_reading_a_damaged_sweep_names_the_file(reference, copy, damage):
    spoil, units, files, what = DAMAGES[damage]
    spoil(copy)
    row = units[0][0]
    # a size, a missing file or a foreign record is noticed when the sweep is opened; a
    # checksum when the file is read (journeys() and summary() read only journeys files)
    readers = [lambda s: s.results(row)]
    if "checksum" not in what or "journeys" in files[0]:
        readers += [lambda s: s.journeys(), lambda s: s.summary()]
    for read in readers:
        with pytest.raises(SweepError) as info:
            read(hs.read_sweep(copy))
        message = str(info.value)
        assert str(copy) in message and files[0] in message and what in message
        assert "resume=True" in message
        assert "ArrowInvalid" not in message and "magic bytes" not in message
    # rows that are not damaged are read as they were
    for other in set(range(len(ROWS))) - {r for r, _ in units}:
        pd.testing.assert_frame_equal(
            hs.read_sweep(copy, verify=False).results(other).journeys,
            reference.results(other).journeys,
        )


def test_a_unit_from_another_sweep_is_not_taken_for_this_ones(base, reference, tmp_path, written):
    other = hs.sweep(base, ROWS[:1], REPLICATIONS, seed=SEED + 1, out=tmp_path / "other",
                     chunk_size=CHUNK)
    written.clear()
    out = tmp_path / "sweep"
    shutil.copytree(reference.path, out)
    shutil.rmtree(out / "row-0000")
    shutil.copytree(other.path / "row-0000", out / "row-0000")
    with pytest.raises(SweepError, match="the record of another sweep"):
        hs.read_sweep(out)
    with pytest.warns(SweepWarning, match="row-0000/unit-r00000-00001.json: the record of another"):
        resumed = resume(base, out)
    assert sorted(written) == [(0, 0), (0, 2)]
    assert_same_sweep(resumed, reference)


def test_a_unit_whose_record_is_missing_is_run_again_quietly(base, reference, copy, written):
    """What a kill between a unit's files and its record leaves: files, no record."""
    (copy / "row-0001/unit-r00002-00003.json").unlink()
    sweep = hs.read_sweep(copy)  # not damage: the unit is simply not done
    assert [(row, reps.start) for row, reps in sweep.missing()] == [(1, 2)]
    with pytest.raises(SweepError, match="row 1 is incomplete"):
        sweep.results(1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resumed = resume(base, copy)
    assert written == [(1, 2)]
    assert_same_sweep(resumed, reference)


def test_a_record_describes_the_files_written(reference):
    record = json.loads((reference.path / "row-0002/unit-r00002-00003.json").read_text())
    assert record["row"] == 2 and record["replications"] == [2, 4]
    assert record["sweep"] == reference.sweep_id
    for table in TABLES:
        file = reference.path / unit_file(table, 2, 2)
        entry = record["files"][table]
        assert entry["name"] == file.name and entry["bytes"] == file.stat().st_size
        assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])
    assert reference.manifest[RECORDS] == "sha256"
    assert not list(reference.path.rglob("*.tmp"))


def make_old(out: Path) -> None:
    """Turn a sweep into one as written before unit records: no records, no ``records``."""
    for record in out.glob("row-*/unit-*.json"):
        record.unlink()
    manifest = json.loads((out / MANIFEST).read_text())
    del manifest[RECORDS]
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2))


def test_an_old_sweep_without_records_is_read_with_a_warning(reference, copy):
    make_old(copy)
    with pytest.warns(SweepWarning, match="written without checksums"):
        old = hs.read_sweep(copy)
    assert not old.checksummed and old.complete
    assert_same_sweep(old, reference)
    truncate_half(copy)
    with pytest.warns(SweepWarning), pytest.raises(SweepError) as info:
        hs.read_sweep(copy).results(1)
    assert unit_file("journeys", 1, 0) in str(info.value)
    assert "not a readable Parquet file" in str(info.value)


def test_resuming_an_old_sweep_records_it_and_redoes_unreadable_units(
    base, reference, copy, written
):
    make_old(copy)
    truncate_half(copy)
    (copy / unit_file("events", 3, 2)).unlink()  # an unfinished unit of an old sweep
    with pytest.warns(SweepWarning, match=re.escape(unit_file("journeys", 1, 0))):
        resumed = resume(base, copy)
    assert sorted(written) == [(1, 0), (3, 2)]
    assert json.loads((copy / MANIFEST).read_text())[RECORDS] == "sha256"
    assert len(list(copy.glob("row-*/unit-*.json"))) == len(ROWS) * 2
    assert_same_sweep(resumed, reference)
    zero_64_bytes(copy)  # from now on, checksums are checked
    with pytest.raises(SweepError, match="checksum mismatch"):
        hs.read_sweep(copy).results(0)
