"""Bad arguments to the public functions fail at once, with a TypeError or ValueError whose
message names the parameter and says what is allowed (issue 11); bad CLI options exit 2."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from click.testing import CliRunner

import hiresim as hs
from hiresim import analysis as an
from hiresim import plotting
from hiresim.present.cli import main
from hiresim.records.ical import EXAMPLE as ICS_EXAMPLE


@pytest.fixture(scope="module")
def scenario() -> hs.Scenario:
    return hs.preset("mmc").with_overrides({"horizon_days": 14})


@pytest.fixture(scope="module")
def results(scenario) -> hs.Results:
    return hs.simulate(scenario, replications=2, seed=0)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt  # imported once a test has run, not at collection

    plt.close("all")


# (call, bad keyword arguments, exception, the parameter the message must name)
# ``R`` is replaced by the Results fixture, ``S`` by the scenario fixture.
R, S = object(), object()

CASES = [
    # hs.simulate
    *[(hs.simulate, {"replications": v}, TypeError, "replications")
      for v in (True, 1.5, "3", None)],
    *[(hs.simulate, {"replications": v}, ValueError, "replications") for v in (0, -1)],
    *[(hs.simulate, {"seed": v}, TypeError, "seed") for v in (1.5, "x", None, True)],
    (hs.simulate, {"seed": -1}, ValueError, "seed"),
    *[(hs.simulate, {"workers": v}, TypeError, "workers") for v in (True, 1.5, "2")],
    *[(hs.simulate, {"workers": v}, ValueError, "workers") for v in (0, -1)],
    *[(hs.simulate, {"chunk_size": v}, ValueError, "chunk_size") for v in (0, -3)],
    (hs.simulate, {"chunk_size": 1.5}, TypeError, "chunk_size"),
    (hs.simulate, {"progress": "yes"}, TypeError, "progress"),
    (hs.simulate, {"event_log": 1}, TypeError, "event_log"),
    (hs.simulate, {"calendars": "anna.k.ics"}, TypeError, "calendars"),
    (hs.simulate, {"calendars": {"nobody.x": ([], [], [], [])}}, ValueError, "calendars"),
    (hs.simulate, {"calendars": {"reviewer-1": ([1.0], [], [], [])}}, ValueError, "calendars"),
    (hs.simulate, {"calendars": {"reviewer-1": (["9"], ["10"], [], [])}}, TypeError,
     "calendars"),
    # read_calendars
    (hs.read_calendars, {"timezone": 3}, TypeError, "timezone"),
    (hs.read_calendars, {"timezone": "Nowhere/Atlantis"}, ValueError, "timezone"),
    (hs.read_calendars, {"max_occurrences": 0}, ValueError, "max_occurrences"),
    (hs.read_calendars, {"emails": ["a@b.example"]}, TypeError, "emails"),
    (hs.read_calendars, {"people": 3}, TypeError, "people"),
    (hs.read_calendars, {"start": "2026-10-05", "end": "2026-11-05"}, TypeError, "start"),
    # survival
    (an.survival, {"results": "r"}, TypeError, "results"),
    (an.survival, {"by": 3}, TypeError, "by"),
    (an.survival, {"days": "weekdays"}, ValueError, "days"),
    (an.survival, {"ci": 95}, ValueError, "ci"),
    (an.survival, {"ci": "0.9"}, TypeError, "ci"),
    # quantiles
    (an.quantiles, {"q": 50}, ValueError, "q"),
    (an.quantiles, {"q": [0.5, 1.0]}, ValueError, "q"),
    (an.quantiles, {"q": "0.5"}, TypeError, "q"),
    (an.quantiles, {"n_boot": 0}, ValueError, "n_boot"),
    (an.quantiles, {"n_boot": 10.5}, TypeError, "n_boot"),
    (an.quantiles, {"seed": -2}, ValueError, "seed"),
    (an.quantiles, {"ci": 0}, ValueError, "ci"),
    (an.quantiles, {"tau": -1}, ValueError, "tau"),
    (an.quantiles, {"mean": "no"}, TypeError, "mean"),
    (an.restricted_mean, {"tau": "60"}, TypeError, "tau"),
    # attribution
    (an.attribution, {"results": None}, TypeError, "results"),
    (an.attribution, {"by": 1}, TypeError, "by"),
    # promise, p_heard_by, end_of_week_promise
    (an.promise, {"confidence": 1.0}, ValueError, "confidence"),
    (an.promise, {"confidence": [0.5, 90]}, ValueError, "confidence"),
    (an.promise, {"confidence": []}, ValueError, "confidence"),
    (an.promise, {"confidence": "0.9"}, TypeError, "confidence"),
    (an.promise, {"n_boot": -1}, ValueError, "n_boot"),
    (an.promise, {"seed": "s"}, TypeError, "seed"),
    (an.p_heard_by, {"days": -1}, ValueError, "days"),
    (an.p_heard_by, {"days": "10"}, TypeError, "days"),
    (an.p_heard_by, {"days": [5, float("nan")]}, ValueError, "days"),
    (an.p_heard_by, {"days": 5, "days_kind": "weekdays"}, ValueError, "days_kind"),
    (an.end_of_week_promise, {"hour": 24}, ValueError, "hour"),
    # compare and ablate
    (an.compare, {"runs": R}, TypeError, "mapping"),
    (an.compare, {"runs": {}}, ValueError, "mapping"),
    (an.compare, {"q": [2]}, ValueError, "q"),
    (an.compare, {"seed": -1}, ValueError, "seed"),
    (an.compare, {"replications": 0}, ValueError, "replications"),
    (an.compare, {"days": "work"}, ValueError, "days"),
    (an.compare, {"n_boot": 0}, ValueError, "n_boot"),
    (an.ablate, {"scenario": "preset:mmc"}, TypeError, "scenario"),
    (an.ablate, {"sources": "absence"}, TypeError, "sources"),
    (an.ablate, {"replications": 1.5}, TypeError, "replications"),
    (an.ablate, {"seed": -5}, ValueError, "seed"),
    (an.ablate, {"timings": 1}, TypeError, "timings"),
    (an.ablate, {"step": "print"}, TypeError, "step"),
    # plots
    (plotting.plot_survival, {"data": [1, 2]}, TypeError, "data"),
    (plotting.plot_survival, {"promise": 90}, ValueError, "promise"),
    (plotting.plot_survival, {"days": "weekdays"}, ValueError, "days"),
    (plotting.plot_survival, {"ax": "left"}, TypeError, "ax"),
    (plotting.plot_survival, {"band": "no"}, TypeError, "band"),
    (plotting.plot_histogram, {"bins": 0}, ValueError, "bins"),
    (plotting.plot_histogram, {"bins": None}, TypeError, "bins"),
    (plotting.plot_histogram, {"days": 1}, TypeError, "days"),
    (plotting.plot_attribution, {"value": "mode_days"}, ValueError, "value"),
    (plotting.plot_attribution, {"data": 3}, TypeError, "data"),
    (plotting.plot_ablation, {"data": R}, TypeError, "data"),
    (plotting.plot_timeline, {"candidate": 7}, TypeError, "candidate"),
    (plotting.plot_comparison, {"runs": R}, TypeError, "plot_comparison"),
    (plotting.plot_comparison, {"runs": {"a": "b"}}, TypeError, "runs"),
    (plotting.plot_comparison, {"runs": {"a": R}, "ci": 2}, ValueError, "ci"),
]

#: The first argument of each function and its usual value.
FIRST = {
    hs.simulate: ("scenario", S),
    hs.read_calendars: ("path", ICS_EXAMPLE),
    an.compare: ("runs", {"a": R}),
    an.ablate: ("scenario", S),
    plotting.plot_survival: ("data", R),
    plotting.plot_attribution: ("data", R),
    plotting.plot_ablation: ("data", R),
    plotting.plot_comparison: ("runs", {"a": R}),
}


def _resolve(value, results, scenario):
    if value is R:
        return results
    if value is S:
        return scenario
    if isinstance(value, dict):
        return {k: _resolve(v, results, scenario) for k, v in value.items()}
    return value


@pytest.mark.parametrize(
    ("function", "kwargs", "error", "names"),
    CASES,
    ids=[f"{f.__name__}-{next(iter(kw))}={kw[next(iter(kw))]!r}"[:60]
         for f, kw, _, _ in CASES],
)
def test_bad_argument_is_refused_with_its_name(function, kwargs, error, names, results,
                                               scenario):
    first, default = FIRST.get(function, ("results", R))
    call = {first: default, **kwargs}
    call = {k: _resolve(v, results, scenario) for k, v in call.items()}
    with pytest.raises(error) as info:
        function(**call)
    assert names in str(info.value), str(info.value)


def test_message_has_one_shape(scenario):
    with pytest.raises(TypeError) as info:
        hs.simulate(scenario, replications=1.5)
    assert str(info.value) == "replications must be a whole number >= 1, got 1.5"
    with pytest.raises(ValueError) as info:
        hs.simulate(scenario, seed=-1)
    assert str(info.value) == "seed must be a whole number >= 0, got -1"


def test_good_arguments_still_pass(scenario, results):
    import numpy as np

    with ThreadPoolExecutor(1) as pool:
        by_pool = hs.simulate(scenario, replications=np.int64(2), seed=np.int64(0),
                              workers=pool, chunk_size=1, progress=False,
                              event_log=np.bool_(True))
    assert by_pool.journeys.equals(results.journeys)
    assert an.p_heard_by(results, np.array([1.0, 2.0])).shape[0] == 2
    assert len(an.quantiles(results, q=0.5, n_boot=2, seed=None)) == 2


def test_plot_comparison_of_one_results_says_what_it_takes(results):
    with pytest.raises(TypeError) as info:
        plotting.plot_comparison(results)
    assert str(info.value) == (
        "plot_comparison takes a mapping of labels to Results (e.g. {'now': a, 'what-if': b}), "
        "got Results")


def test_promise_with_a_list_gives_one_row_per_confidence(results):
    levels = [0.5, 0.9]
    together = an.promise(results, confidence=levels, n_boot=20, seed=1)
    assert len(together) == 2 * len(levels)  # calendar and business days
    for kind in ("calendar", "business"):
        rows = together[together["days_kind"] == kind].reset_index(drop=True)
        assert rows["confidence"].tolist() == levels
        for k, level in enumerate(levels):
            alone = an.promise(results, confidence=level, n_boot=20, seed=1)
            alone = alone[alone["days_kind"] == kind].reset_index(drop=True)
            assert rows.iloc[[k]].reset_index(drop=True).equals(alone)


def test_promise_with_a_list_and_groups(results):
    out = an.promise(results, confidence=(0.5, 0.8), by="round", n_boot=5)
    rounds = results.journeys["round"].nunique()
    assert len(out) == 2 * rounds * 2


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--preset", "mmc", "--seed", "-5"],
        ["run", "--preset", "mmc", "--seed", "1.5"],
        ["run", "--preset", "mmc", "-n", "0"],
        ["run", "--preset", "mmc", "--workers", "0"],
        ["promise", "--preset", "mmc", "--seed", "-1"],
        ["compare", "--preset", "mmc", "--preset", "mmc", "--seed", "-1"],
        ["ablate", "--preset", "mmc", "-n", "-2"],
        ["sweep", "preset:mmc", "x.csv", "--out", "o", "--seed", "-3"],
        ["report", "--preset", "mmc", "--out", "r.html", "--ablation-replications", "0"],
        ["export", "--preset", "mmc", "--out", "e.csv", "--seed", "-1"],
        ["promise", "--preset", "mmc", "--confidence", "1.5"],
        ["promise", "--preset", "mmc", "--confidence", "nan"],
    ],
)
def test_bad_cli_option_exits_2_without_traceback(args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
