"""hiresim: how long after an interview until the candidate hears back, and why.

A discrete-event simulation (SimPy) of the work that happens inside a company after a job
interview, with every day of the wait charged to its cause.

>>> import hiresim as hs
>>> results = hs.simulate(hs.preset("default"), replications=2, seed=7)
>>> "delay_scheduling" in results.journeys.columns
True
"""

from typing import TYPE_CHECKING

from hiresim import deprecation
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

if TYPE_CHECKING:  # at run time these come from __getattr__ below, on first use
    from hiresim.inference.backtests import Backtest, backtest
    from hiresim.inference.calibration import Calibration, calibrate
    from hiresim.inference.forecasts import Forecast, ForecastError, forecast
    from hiresim.inference.structure import Structure, structure
    from hiresim.records.ats import read_ats
    from hiresim.records.history import History
    from hiresim.records.ical import CalendarError, TeamCalendars, read_calendars
    from hiresim.sweeps import Sweep, read_sweep, sweep

__all__ = [
    "DELAY_SOURCES",
    "Backtest",
    "CalendarError",
    "Calibration",
    "Forecast",
    "ForecastError",
    "History",
    "Results",
    "Scenario",
    "ScenarioError",
    "Structure",
    "Sweep",
    "TeamCalendars",
    "backtest",
    "calibrate",
    "forecast",
    "json_schema",
    "load_scenario",
    "preset",
    "presets",
    "read_ats",
    "read_calendars",
    "read_sweep",
    "simulate",
    "structure",
    "sweep",
]
__version__ = "0.1.0"

# module paths of earlier versions (``hiresim.ats``, ...) resolve to their new homes
deprecation.install()

#: Names loaded on first use: sweeps (and calendars) need pandas, which worker processes that
#: only simulate should not pay for at start-up (~0.25 s each).
_LAZY = {"sweep": "hiresim.sweeps", "Sweep": "hiresim.sweeps", "read_sweep": "hiresim.sweeps",
         "calibrate": "hiresim.inference.calibration",
         "Calibration": "hiresim.inference.calibration",
         "structure": "hiresim.inference.structure",
         "Structure": "hiresim.inference.structure",
         "read_ats": "hiresim.records.ats", "History": "hiresim.records.history",
         "read_calendars": "hiresim.records.ical", "TeamCalendars": "hiresim.records.ical",
         "CalendarError": "hiresim.records.ical", "forecast": "hiresim.inference.forecasts",
         "Forecast": "hiresim.inference.forecasts", "ForecastError": "hiresim.inference.forecasts",
         "backtest": "hiresim.inference.backtests", "Backtest": "hiresim.inference.backtests"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # also replaces the submodule the import bound to this name
        return value
    raise AttributeError(f"module 'hiresim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
