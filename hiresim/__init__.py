"""hiresim: how long after an interview until the candidate hears back, and why.

A discrete-event simulation (SimPy) of the work that happens inside a company after a job
interview, with every day of the wait charged to its cause.

>>> import hiresim as hs
>>> results = hs.simulate(hs.preset("default"), replications=2, seed=7)
>>> "delay_scheduling" in results.journeys.columns
True
"""

from typing import TYPE_CHECKING

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
    from hiresim.ats import read_ats
    from hiresim.backtests import Backtest, backtest
    from hiresim.calibration import Calibration, calibrate
    from hiresim.forecasts import Forecast, ForecastError, forecast
    from hiresim.history import History
    from hiresim.ical import CalendarError, TeamCalendars, read_calendars
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
    "sweep",
]
__version__ = "0.1.0"

#: Names loaded on first use: sweeps (and calendars) need pandas, which worker processes that
#: only simulate should not pay for at start-up (~0.25 s each).
_LAZY = {"sweep": "hiresim.sweeps", "Sweep": "hiresim.sweeps", "read_sweep": "hiresim.sweeps",
         "calibrate": "hiresim.calibration", "Calibration": "hiresim.calibration",
         "read_ats": "hiresim.ats", "History": "hiresim.history",
         "read_calendars": "hiresim.ical", "TeamCalendars": "hiresim.ical",
         "CalendarError": "hiresim.ical", "forecast": "hiresim.forecasts",
         "Forecast": "hiresim.forecasts", "ForecastError": "hiresim.forecasts",
         "backtest": "hiresim.backtests", "Backtest": "hiresim.backtests"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # also replaces the submodule the import bound to this name
        return value
    raise AttributeError(f"module 'hiresim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
