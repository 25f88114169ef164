"""Your own what-ifs beside the per-source ablation (issue 14, item 7)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from click.testing import CliRunner

import hiresim as hs
from hiresim import analysis, runner
from hiresim.present.cli import main
from hiresim.present.report import build_report

SEED, N = 4, 2
WEEKDAYS = 'approvals.steps.1.committee.weekdays=["Tue","Thu"]'


@pytest.fixture(scope="module")
def scenario():
    return hs.preset("default").with_overrides({"horizon_days": 90})


@pytest.fixture(scope="module")
def baseline(scenario):
    return hs.simulate(scenario, replications=N, seed=SEED)


def test_parse_what_if_reads_json_or_text():
    assert analysis.parse_what_if("roles.recruiter.count=3") == ("roles.recruiter.count", 3)
    assert analysis.parse_what_if(WEEKDAYS) == ("approvals.steps.1.committee.weekdays",
                                                ["Tue", "Thu"])
    assert analysis.parse_what_if("communication.policy = direct") == (
        "communication.policy", "direct")


def test_what_if_rows_are_paired_with_the_baseline(scenario, baseline):
    same = f"roles.recruiter.count={scenario.roles['recruiter'].count}"
    # two interviewers instead of fourteen: +5.7 days (3.9 to 6.6) over 12 replications. (One
    # recruiter instead of four, the what-if here before, changes nothing measurable over 12
    # replications, in this tree and the one before; it passed by the luck of two draws.)
    table = analysis.what_if(scenario, [same, "roles.interviewer.count=2", WEEKDAYS],
                             replications=N, seed=SEED, baseline=baseline, n_boot=50)
    assert list(table.columns) == ["what_if", "statistic", "q", "baseline", "value", "change",
                                   "lower", "upper", "tau"]
    mean = table[table["statistic"] == "restricted_mean"].set_index("what_if")
    # an unchanged scenario changes nothing, exactly: common random numbers
    assert mean.loc[same, ["change", "lower", "upper"]].tolist() == [0.0, 0.0, 0.0]
    fewer = mean.loc["roles.interviewer.count=2"]
    assert fewer["lower"] <= fewer["upper"]  # (two replications: the point may sit outside)
    assert fewer["change"] > 0  # two interviewers instead of fourteen: a longer wait
    # the baseline's average on the comparison's one horizon (all runs' waits pooled)
    tau = table.attrs["tau"]
    assert (mean["tau"] == tau).all()
    assert (mean["baseline"] == analysis.headline(baseline, tau=tau).value).all()
    assert np.isfinite(mean.loc[WEEKDAYS, "change"])


def test_several_changes_in_one_what_if(scenario, baseline):
    text = "roles.recruiter.count=1; communication.policy=direct"
    sc = analysis.what_if_scenario(scenario, text)
    assert sc.roles["recruiter"].count == 1 and sc.communication.policy == "direct"


@pytest.mark.parametrize(("text", "says"), [
    ("roles.recruter.count=3", "roles.recruter"),
    ('approvals.steps.1.committee.weekdays=["Tue","Xyz"]',
     "approvals.steps.1.committee.weekdays"),
    ("roles.recruiter.count=-2", "roles.recruiter.count"),
    ("roles.recruiter.count", "expected PATH=VALUE"),
])
def test_a_bad_what_if_names_its_text_and_field_before_anything_runs(scenario, monkeypatch,
                                                                      text, says):
    def boom(*args, **kwargs):
        raise AssertionError("simulated before the what-ifs were checked")

    monkeypatch.setattr(runner, "simulate", boom)
    for call in (lambda: analysis.what_if(scenario, [text], replications=1),
                 lambda: build_report(scenario, replications=1, what_ifs=[text])):
        with pytest.raises(hs.ScenarioError) as info:
            call()
        assert f"--what-if {text!r}" in str(info.value)
        assert says in str(info.value)


def test_report_shows_what_ifs_with_intervals(scenario):
    rep = build_report(scenario, replications=N, seed=SEED, ablation=False,
                       ablation_replications=N, what_ifs=["roles.interviewer.count=2"], n_boot=50)
    assert rep.ablation is None and rep.what_ifs is not None
    html = rep.to_html()
    assert "your what-ifs" in html and 'data-what-if="roles.interviewer.count=2"' in html
    row = re.search(r'data-what-if="roles.interviewer.count=2">([-+0-9.]+)</td>'
                    r'<td class="num">([-+0-9.]+) to ([-+0-9.]+)</td>', html)
    assert row is not None
    saved, lo, hi = (float(x) for x in row.groups())
    assert lo <= hi and saved < 0  # fewer interviewers: days lost, not saved


def test_cli_report_and_ablate_take_what_ifs(tmp_path):
    runner = CliRunner()
    out = tmp_path / "r.html"
    result = runner.invoke(main, ["report", "--preset", "default", "-n", "1", "--out", str(out),
                                  "--no-ablation", "--ablation-replications", "1",
                                  "--what-if", "roles.recruiter.count=2", "--what-if", WEEKDAYS])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert 'data-what-if="roles.recruiter.count=2"' in html
    assert "approvals.steps.1.committee.weekdays=[&quot;Tue&quot;,&quot;Thu&quot;]" in html
    result = runner.invoke(main, ["ablate", "--preset", "default", "-n", "1", "--source",
                                  "priority", "--what-if", "roles.recruiter.count=2"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "roles.recruiter.count=2" in result.output


def test_cli_bad_what_if_exits_2_without_a_traceback(tmp_path):
    result = CliRunner().invoke(main, ["report", "--preset", "default", "-n", "1", "--out",
                                       str(tmp_path / "r.html"), "--what-if",
                                       "roles.recruter.count=3"])
    assert result.exit_code == 2
    assert "--what-if 'roles.recruter.count=3'" in result.output
    assert "roles.recruter" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "r.html").exists()
