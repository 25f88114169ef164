"""The ``hiresim`` command: run, validate, presets, schema; exit 2 and no traceback on bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

import hiresim as hs
from hiresim.present.cli import main


@pytest.fixture
def cli():
    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), catch_exceptions=True)

    return invoke


def _no_traceback(result) -> None:
    assert "Traceback" not in result.output
    # An exception that escaped the command would show up here instead of an exit code.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


def test_presets_lists_default_and_mmc(cli):
    result = cli("presets")
    assert result.exit_code == 0
    assert "default" in result.output
    assert "mmc" in result.output


def test_schema_is_json_with_properties(cli):
    result = cli("schema")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert "properties" in schema
    assert "roles" in schema["properties"]


def test_schema_to_file(cli, tmp_path):
    out = tmp_path / "scenario.schema.json"
    result = cli("schema", "-o", str(out))
    assert result.exit_code == 0
    assert json.loads(out.read_text()) == hs.json_schema()


def test_run_default_preset_prints_the_table(cli):
    result = cli("run", "--preset", "default", "-n", "3", "--seed", "5")
    assert result.exit_code == 0, result.output
    for column in ("P10", "P50", "P90", "P95", "average wait", "ended unanswered",
                   "candidates"):
        assert column in result.output
    assert "3 replications" in result.output


def test_run_out_writes_parquet_and_manifest(cli, tmp_path):
    out = tmp_path / "results"
    result = cli("run", "--preset", "mmc", "-n", "2", "--seed", "9", "--out", str(out))
    assert result.exit_code == 0, result.output
    for name in ("journeys", "candidates", "events"):
        assert (out / f"{name}.parquet").is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 9
    assert manifest["replications"] == 2
    assert manifest["scenario"]["name"] == "mmc"
    # The files hold what the library computes for the same seed.
    expected = hs.simulate(hs.preset("mmc"), replications=2, seed=9)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "journeys.parquet"), expected.journeys)


def test_run_and_validate_a_good_file(cli, tmp_path):
    from conftest import BASE_TOML

    path = tmp_path / "ok.toml"
    path.write_text(BASE_TOML)
    result = cli("validate", str(path))
    assert result.exit_code == 0, result.output
    assert "ok" in result.output
    result = cli("run", str(path), "-n", "1")
    assert result.exit_code == 0, result.output


def test_a_scenario_argument_may_name_a_preset(cli):
    """Every SCENARIO argument is read by :func:`hiresim.scenario.as_scenario`: a file,
    ``preset:NAME`` or a preset's name, as ``forecast`` and ``calibrate`` always took it."""
    for name in ("mmc", "preset:mmc"):
        result = cli("validate", name)
        assert result.exit_code == 0, result.output
        assert "mmc" in result.output


def test_validate_bad_file_exits_2(cli, bad_file, bad_case):
    result = cli("validate", str(bad_file))
    assert result.exit_code == 2, result.output
    _no_traceback(result)
    assert bad_case.path in result.output
    assert bad_file.name in result.output


def test_run_bad_file_exits_2(cli, bad_file, bad_case):
    result = cli("run", str(bad_file), "-n", "1")
    assert result.exit_code == 2, result.output
    _no_traceback(result)
    assert bad_case.path in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("run", "nonexistent.toml"),
        ("validate", "nonexistent.toml"),
        ("run", "--preset", "no-such-preset"),
        ("run", "--preset", "default", "-n", "0"),
        ("run", "--preset", "default", "--workers", "0"),
        ("run", "--preset", "default", "--unknown-option"),
    ],
    ids=[
        "run-missing",
        "validate-missing",
        "unknown-preset",
        "zero-reps",
        "zero-workers",
        "unknown-option",
    ],
)
def test_bad_command_line_exits_2(cli, args):
    result = cli(*args)
    assert result.exit_code == 2, result.output
    _no_traceback(result)


def test_file_and_preset_together_exits_2(cli, tmp_path):
    from conftest import BASE_TOML

    path = tmp_path / "ok.toml"
    path.write_text(BASE_TOML)
    result = cli("run", str(path), "--preset", "default")
    assert result.exit_code == 2
    _no_traceback(result)


def test_real_process_bad_input(tmp_path):
    """The installed entry point, in a real process: exit 2, message on stderr, no traceback."""
    from conftest import BAD_CASES

    case = next(c for c in BAD_CASES if c.id == "misspelt-key")
    path = tmp_path / "bad.toml"
    path.write_text(case.text)
    for command in ("validate", "run"):
        proc = subprocess.run(
            [sys.executable, "-m", "hiresim.present.cli", command, str(path)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr + proc.stdout
        assert "roles.interviewer.cuont" in proc.stderr
        assert "did you mean 'count'?" in proc.stderr
