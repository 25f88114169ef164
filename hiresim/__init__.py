"""hiresim: how long after an interview until the candidate hears back, and why.

A discrete-event simulation (SimPy) of the work that happens inside a company after a job
interview, with every day of the wait charged to its cause.

>>> import hiresim as hs
>>> results = hs.simulate(hs.preset("default"), replications=2, seed=7)
>>> "delay_scheduling" in results.journeys.columns
True
"""

from hiresim.results import Results
from hiresim.runner import simulate
from hiresim.scenario import (
    DELAY_SOURCES,
    Scenario,
    ScenarioError,
    json_schema,
    load_scenario,
    preset,
    presets,
)
from hiresim.sweep import Sweep, read_sweep, sweep

__all__ = [
    "DELAY_SOURCES",
    "Results",
    "Scenario",
    "ScenarioError",
    "Sweep",
    "json_schema",
    "load_scenario",
    "preset",
    "presets",
    "read_sweep",
    "simulate",
    "sweep",
]
__version__ = "0.1.0"
