"""Run-size estimates before anything is simulated, and the refusal of runs that do not fit."""

from __future__ import annotations

from pathlib import Path

import pytest

import hiresim as hs
from hiresim.scenario.sizing import LIMITS, check_size, estimate


def test_estimate_matches_the_expected_count_where_it_is_exact():
    """mmc: one requisition open all along, Poisson arrivals: the estimate is the expected
    count, and the mean of 4 replications lies within 4 standard errors of it."""
    sc = hs.preset("mmc")
    per_rep = len(hs.simulate(sc, replications=4, seed=3, event_log=False).candidates) / 4
    expected = estimate(sc).candidates
    assert abs(per_rep - expected) < 4 * (expected / 4) ** 0.5


def test_estimate_is_an_upper_bound_of_the_right_order_on_the_default_preset():
    """Requisitions that open late or fill early draw fewer candidates than the estimate."""
    sc = hs.preset("default")
    per_rep = len(hs.simulate(sc, replications=4, seed=3, event_log=False).candidates) / 4
    assert per_rep <= estimate(sc).candidates <= 3 * per_rep


def huge() -> hs.Scenario:
    return hs.preset("default").with_overrides({
        "horizon_days": 3000, "requisitions.initial": 5000, "candidates.rate_per_week": 50.0,
        "candidates.max_per_requisition": None, "roles.interviewer.count": 10_000})


def test_a_run_too_large_stops_before_simulating_and_names_its_fields():
    with pytest.raises(hs.ScenarioError) as err:
        hs.simulate(huge(), replications=2)
    text = str(err.value)
    assert "too large" in text and "candidates per replication" in text
    for field in ("horizon_days", "requisitions.initial", "candidates.rate_per_week",
                  "roles.*.count"):
        assert field in text
    assert "force=True" in text and "--force" in text


def test_force_lets_it_through_the_check():
    size = check_size(huge(), force=True)
    assert size.candidates > LIMITS["candidates per replication"]


def test_many_replications_of_a_normal_run_are_limited_by_the_result_tables():
    sc = hs.preset("default")
    check_size(sc, replications=1_000)
    with pytest.raises(hs.ScenarioError, match="event_log=False"):
        check_size(sc, replications=2_000_000)
    check_size(sc, replications=2_000_000, event_log=False, force=True)


def test_a_long_replication_is_announced_up_front():
    from hiresim.scenario.sizing import LongRunWarning

    long_one = hs.preset("mmc").with_overrides(
        {"horizon_days": 25_000, "drain_days": 0, "candidates.rate_per_week": 100.0})
    with pytest.warns(LongRunWarning, match="each replication takes about"):
        check_size(long_one)


# -- the estimate against the measured peak (issue 24: 32.9 GiB estimated, 0.44 GB used) -------

#: The peak is read from /proc/self/status (VmHWM, this program's own high-water mark), not
#: from ru_maxrss: on Linux a child's ru_maxrss starts at the parent's resident size at fork
#: (a large pytest process would be measured, not the run).
_PEAK_SCRIPT = """
import sys
import hiresim as hs
sc = hs.load_scenario(sys.argv[1])
hs.simulate(sc, replications=int(sys.argv[2]), seed=1, event_log=sys.argv[3] == "1")
with open("/proc/self/status") as status:
    hwm = next(line for line in status if line.startswith("VmHWM:"))
print(int(hwm.split()[1]) * 1024)
"""


def measured_peak(scenario: hs.Scenario, replications: int, event_log: bool, tmp_path) -> float:
    """Peak resident memory (bytes) of a fresh process that simulates."""
    import subprocess
    import sys

    path = tmp_path / f"{scenario.name}.toml"
    scenario.to_toml(path)
    out = subprocess.run([sys.executable, "-c", _PEAK_SCRIPT, str(path), str(replications),
                          "1" if event_log else "0"], capture_output=True, text=True,
                         check=True, timeout=900)
    return float(out.stdout.strip().splitlines()[-1])


def _within_twice(scenario: hs.Scenario, replications: int, event_log: bool, tmp_path) -> None:
    estimated = estimate(scenario).peak_bytes(replications, event_log)
    measured = measured_peak(scenario, replications, event_log, tmp_path)
    assert measured / 2 <= estimated <= 2 * measured, (
        f"{scenario.name}: estimated {estimated / 1e6:.0f} MB, measured {measured / 1e6:.0f} MB")


needs_proc = pytest.mark.skipif(not Path("/proc/self/status").exists(),
                                reason="the peak is read from /proc (Linux)")


@needs_proc
@pytest.mark.parametrize("name", [pytest.param(n, marks=() if n == "default" else pytest.mark.slow)
                                  for n in hs.presets()])
def test_the_estimated_peak_is_within_twice_the_measured_one_for_every_preset(name, tmp_path):
    _within_twice(hs.preset(name), 20, True, tmp_path)


@needs_proc
@pytest.mark.slow
def test_the_estimated_peak_of_the_example_company(tmp_path):
    from importlib.resources import files

    truth = hs.load_scenario(files("hiresim") / "examples" / "acme_truth.toml")
    _within_twice(truth, 5, True, tmp_path)
    _within_twice(truth, 5, False, tmp_path)


def medium_company() -> hs.Scenario:
    """A scenario the shape of issue 24's company (Northwind medium, tests/worlds): 6
    recruiters, 16 hiring managers, 96 interviewers, 16 open jobs and 5.8 new a month, 3
    applicants a job and week, a year, no cap per job (as calibrate writes it): about 3,000
    applications a year."""
    return hs.preset("default").with_overrides({
        "name": "medium", "horizon_days": 365, "requisitions.initial": 16,
        "requisitions.rate_per_month": 5.8, "candidates.max_per_requisition": None,
        "candidates.rate_per_week": 3.0, "roles.recruiter.count": 6,
        "roles.hiring_manager.count": 16, "roles.interviewer.count": 96})


@needs_proc
@pytest.mark.slow
def test_the_estimated_peak_of_a_3000_application_company(tmp_path):
    _within_twice(medium_company(), 4, True, tmp_path)


def test_a_3000_application_company_is_not_refused_at_the_commands_defaults():
    """promise and report run 100 replications, forecast 500 with its own tables: none of
    them is refused (the issue's estimate was 32.9 GiB for 100)."""
    size = check_size(medium_company(), replications=100)
    assert 2_000 < size.candidates < 8_000
