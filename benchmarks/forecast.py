"""(f) ``hiresim forecast`` for 50 open applications with 500 replications on 2 workers.

The company is the default preset with more jobs open at the start (so that about 50
applications are open on the forecast's date), simulated for a year by hiresim itself and
written as its ATS export (``Results.to_ats``). The forecast's date is the first Monday from
mid-year on with at least 50 open applications. The timing is the whole command, a separate
process (``python -m hiresim.present.cli forecast ...``), start-up and reading included: what a user
waits for. Target: under 10 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

import hiresim as hs
from hiresim.inference.calibration import scenario_toml
from hiresim.inference.forecasts import state_at

OPEN = 50
REPLICATIONS = 500
TARGET_SECONDS = 10.0


def company(folder: Path, seed: int) -> tuple[Path, Path, pd.Timestamp, int]:
    """The scenario file, its export and a date with at least :data:`OPEN` open applications."""
    data = hs.preset("default").model_dump(mode="json")
    data["horizon_days"] = 365
    data["requisitions"]["initial"] = 14
    scenario = hs.load_scenario(data)
    path = folder / "company.toml"
    path.write_text(scenario_toml(scenario), encoding="utf-8")
    export = hs.simulate(scenario, replications=1, seed=seed).to_ats(folder / "ats")
    history = hs.read_ats(export)
    for day in pd.date_range("2026-03-02", "2026-12-28", freq="7D"):
        n = len(state_at(history, day, scenario).applications)
        if n >= OPEN:
            return path, export, day, n
    raise RuntimeError("no date with enough open applications: raise requisitions.initial")


def bench_f(args: Any, rows: list[dict[str, Any]]) -> None:
    from run import row  # the table's row format (benchmarks/run.py)

    with tempfile.TemporaryDirectory() as tmp:
        scenario, export, day, n = company(Path(tmp), args.seed)
        command = [sys.executable, "-m", "hiresim.present.cli", "forecast", str(scenario),
                   str(export),
                   "--as-of", str(day.date()), "-n", str(REPLICATIONS), "--workers", "2",
                   "--out", str(Path(tmp) / "forecast.csv")]
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
        answers = pd.read_csv(Path(tmp) / "forecast.csv")
    t = statistics.median(times)
    rows += [
        row("f", f"hiresim forecast: {n} open applications, {REPLICATIONS} replications, "
            f"2 workers (whole command; {int(answers['samples'].min())}-"
            f"{int(answers['samples'].max())} agreeing per application)", t, "s", times,
            f"< {TARGET_SECONDS:g}", t < TARGET_SECONDS),
    ]
