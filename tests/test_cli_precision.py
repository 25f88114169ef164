"""``--precision`` on ``run``, ``promise`` and ``report``: runs that stop when precise enough
say how many replications they needed, or that the maximum stopped them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import hiresim as hs
from hiresim import runner
from hiresim.analysis.precision import headline_figures
from hiresim.present import cli
from hiresim.present.cli import main


def invoke(*args: str):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=True)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_the_cli_default_maximum_is_the_library_one() -> None:
    assert cli.MAX_REPLICATIONS == runner.MAX_REPLICATIONS


def test_run_says_how_many_replications_the_precision_needed() -> None:
    result = invoke("run", "--preset", "germany", "--precision", "3", "--seed", "0")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    # 20 replications; the 90 % promise can never be made in germany; the half-width printed
    # is that of the headline average's interval (analysis.precision.headline_figures)
    assert "(20 replications, seed 0)" in text
    assert "precision ±3 days reached with 20 replications" in text
    res = hs.simulate(hs.preset("germany"), replications=20, seed=0, event_log=False)
    fig = headline_figures(res, (0.9,), n_boot=runner.PRECISION_BOOT, seed=0)
    width = fig.set_index("figure").loc["mean_wait", "half_width"]
    assert "promise 90%: can never be promised" in text and f"mean wait ±{width:.2f}" in text


def test_promise_says_when_the_maximum_stopped_it() -> None:
    result = invoke("promise", "--preset", "germany", "--precision", "1",
                    "--max-replications", "25", "--confidence", "0.5,0.8")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "(25 replications, seed 0)" in text
    assert "precision not reached: stopped at the maximum of 25 replications before ±1 day" in text
    assert "promise 80% ±" in text


def test_report_notes_the_precision(tmp_path) -> None:
    out = tmp_path / "r.html"
    result = invoke("report", "--preset", "mmc", "--precision", "1", "--no-ablation",
                    "--out", out)
    assert result.exit_code == 0, result.output
    assert "precision ±1 day reached with 20 replications" in " ".join(result.output.split())
    assert "20 replications (what a precision of ±1 day needed)" in out.read_text()


def _out(command: str, tmp_path) -> list[str]:
    return [] if command == "promise" else ["--out", str(tmp_path / "x")]


@pytest.mark.parametrize("command", ["run", "promise", "report"])
@pytest.mark.parametrize("value", ["0", "-1", "inf", "nan", "soon"])
def test_a_bad_precision_is_refused(command: str, value: str, tmp_path) -> None:
    result = invoke(command, "--preset", "mmc", "--precision", value, *_out(command, tmp_path))
    assert result.exit_code == 2
    assert "--precision" in result.output


@pytest.mark.parametrize("command", ["run", "promise", "report"])
def test_replications_and_precision_exclude_each_other(command: str, tmp_path) -> None:
    result = invoke(command, "--preset", "mmc", "-n", "5", "--precision", "1",
                    *_out(command, tmp_path))
    assert result.exit_code == 2
    assert "give -n/--replications or --precision, not both" in result.output
