"""The whole path on the command line for an HR analyst (issue 24, items 1, 3, 4 and 6):
``hiresim ats check``, ``--mapping`` and ``--force`` where they belong, ``--set`` on
calibrate, ISO 8601 dates only, owed rejections apart, tolerant CSV reading."""

from __future__ import annotations

import csv
import shutil
from importlib.resources import files

import pytest
from click.testing import CliRunner

from hiresim.present.cli import main

TEAM = files("hiresim") / "examples" / "team_ats"
ACME = files("hiresim") / "examples" / "acme_ats"


def invoke(*args: object):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=True)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_ats_check_reports_what_was_left_out_and_the_observed_waits():
    out = invoke("ats", "check", ACME)
    assert out.exit_code == 0, out.output
    assert "1,860 applications" in out.output
    assert "left out" in out.output and "no interview in a round" in out.output
    assert "rejections recorded and never told" in out.output
    assert "observed waits for feedback, per round" in out.output
    assert "P50" in out.output and "P90" in out.output


@pytest.mark.parametrize("bad", ["3.11.2025", "27/11/2025", "next tuesday", "20251103"])
def test_dates_are_iso_8601_or_refused(bad, tmp_path):
    out = invoke("forecast", "default", TEAM, "--as-of", bad)
    assert out.exit_code == 2
    assert "ISO 8601" in out.output and "YYYY-MM-DD" in out.output


def test_mapping_on_report_needs_the_export(tmp_path):
    out = invoke("report", "--preset", "mmc", "--out", tmp_path / "r.html", "--mapping",
                 tmp_path / "m.toml")
    assert out.exit_code == 2 and "--mapping needs --ats" in out.output


def test_every_command_that_simulates_takes_force():
    for command in ("run", "promise", "report", "compare", "ablate", "export"):
        out = invoke(command, "--help")
        assert "--force" in out.output, command
    for command in ("forecast", "report", "promise", "calibrate"):
        assert "--mapping" in invoke(command, "--help").output, command
    assert "--set" in invoke("calibrate", "--help").output
    assert "--owed-cutoff" in invoke("forecast", "--help").output


def test_calibrate_set_is_checked_before_anything_runs(tmp_path):
    out = invoke("calibrate", TEAM, "--out", tmp_path / "c.toml", "--set",
                 "roles.recruiter.cuont=6")
    assert out.exit_code == 2 and "did you mean 'count'" in out.output


def test_promise_shows_the_records_beside_the_scenario_and_warns(tmp_path):
    out = invoke("promise", "--preset", "default", "-n", "3", "--ats", ACME)
    assert out.exit_code == 0, out.output
    text = out.output
    assert "does not match the company's records" in text  # a warning in words, at the top
    assert text.index("warning:") < text.index("what to promise")
    assert "records" in text.split("what to promise")[1]  # the records' column


def test_forecast_lists_owed_rejections_apart():
    out = invoke("forecast", "hiresim/examples/calendars/team.toml", TEAM, "-n", "4",
                 "--owed-cutoff", "0")
    assert out.exit_code == 0, out.output
    assert "Owed a rejection" in out.output and "r0-R3-c9" in out.output


def _resave(src, dst, delimiter: str, bom: bool) -> None:
    dst.mkdir(parents=True)
    for path in src.iterdir():
        if path.suffix != ".csv":
            shutil.copy(path, dst / path.name)
            continue
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        with open(dst / path.name, "w", newline="",
                  encoding="utf-8-sig" if bom else "utf-8") as f:
            csv.writer(f, delimiter=delimiter).writerows(rows)


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_excel_csv_with_a_bom_and_another_delimiter(delimiter, tmp_path):
    folder = tmp_path / "ats"
    _resave(TEAM, folder, delimiter, bom=True)
    out = invoke("ats", "check", folder)
    assert out.exit_code == 2
    assert "seems separated by" in out.output and "delimiter =" in out.output
    mapping = tmp_path / "m.toml"
    mapping.write_text(f'delimiter = "{delimiter.encode("unicode_escape").decode()}"\n')
    out = invoke("ats", "check", folder, "--mapping", mapping)
    assert out.exit_code == 0, out.output


def test_public_holidays_follow_the_exports_time_zone(tmp_path):
    from hiresim.records.regions import country_of_timezone

    assert country_of_timezone("Europe/Berlin") == "DE"
    assert country_of_timezone("America/New_York") == "US"
    assert country_of_timezone("UTC") is None and country_of_timezone(None) is None
    mapping = tmp_path / "m.toml"
    mapping.write_text('timezone = "Europe/Berlin"\n')
    # a --set that does not validate stops before the fit, after the holidays were chosen
    out = invoke("calibrate", TEAM, "--mapping", mapping, "--out", tmp_path / "c.toml",
                 "--set", "roles.recruiter.cuont=6")
    assert out.exit_code == 2
    assert "public holidays: DE (from the export's time zone Europe/Berlin)" in out.output
    out = invoke("calibrate", TEAM, "--country", "DE-BE", "--out", tmp_path / "c.toml",
                 "--set", "roles.recruiter.cuont=6")
    assert "public holidays: DE-BE (from --country)" in out.output
    out = invoke("calibrate", TEAM, "--country", "XX", "--out", tmp_path / "c.toml")
    assert out.exit_code == 2 and "XX" in out.output


@pytest.mark.slow
@pytest.mark.parametrize("command", ["run", "promise"])
def test_the_commands_run_at_their_defaults_on_a_3000_application_company(command, tmp_path):
    """Issue 24: `hiresim promise` at its defaults was refused ("32.9 GiB of result
    tables") for a company of about 3,000 applications a year."""
    from tests.test_sizing import medium_company

    path = tmp_path / "medium.toml"
    medium_company().to_toml(path)
    out = invoke(command, path)
    assert out.exit_code == 0, out.output
    assert "too large" not in out.output
