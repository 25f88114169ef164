"""Northwind: a small hiring world written in plain SimPy, that hiresim did not build.

Tests of calibration and forecasts read its ATS export through a mapping, as a user would,
and compare hiresim's answers with the world's own truth (see ``tests/worlds/README.md``).
Nothing here imports hiresim.

>>> from tests.worlds import WorldConfig, run_world, write_export, mapping
"""

from tests.worlds.cache import (
    HELD_OUT_SEED,
    SEED,
    STANDARD,
    Export,
    cached_export,
    cached_run,
    session_root,
    standard_export,
)
from tests.worlds.company import OUTCOMES, WorldRun, run_world
from tests.worlds.config import ONE_ROUND, TWO_ROUNDS, WHAT_IFS, RoundSpec, WorldConfig
from tests.worlds.export import (
    COLUMNS,
    STATUSES,
    mapping,
    mapping_toml,
    tables,
    write_calendars,
    write_export,
    write_mapping,
)
from tests.worlds.measure import feedback_quantiles, kaplan_meier, km_quantile, world_effects
from tests.worlds.truth import Truth, truth

__all__ = [
    "COLUMNS",
    "HELD_OUT_SEED",
    "ONE_ROUND",
    "OUTCOMES",
    "SEED",
    "STANDARD",
    "STATUSES",
    "TWO_ROUNDS",
    "WHAT_IFS",
    "Export",
    "RoundSpec",
    "Truth",
    "WorldConfig",
    "WorldRun",
    "cached_export",
    "cached_run",
    "feedback_quantiles",
    "kaplan_meier",
    "km_quantile",
    "mapping",
    "mapping_toml",
    "run_world",
    "session_root",
    "standard_export",
    "tables",
    "truth",
    "world_effects",
    "write_calendars",
    "write_export",
    "write_mapping",
]
