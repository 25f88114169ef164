"""(f) ``hiresim forecast`` for 60 and for 300 open applications, default replications.

The company is the default preset with more jobs open at the start (14 jobs: about 60
applications open on the forecast's date; 70 jobs: about 300), simulated for a year by
hiresim itself and written as its ATS export (``Results.to_ats``). The forecast's date is the
first Monday from mid-year on with at least that many open applications. The timing is the
whole command, a separate process (``python -m hiresim.present.cli forecast ... --workers 2``),
start-up and reading included: what a user waits for. Also reported: the samples per
application that agreed with the time already waited (min / median), which splitting
(:mod:`hiresim.inference.forecasts`) keeps at ``--min-samples`` (default 50) or more, and
the CPU time of the command and its workers (less sensitive to a busy machine than wall
time). Target: 60 open applications in under 10 s on 2 cores.

Run alone: ``python benchmarks/forecast.py [--repeats N] [--sizes 60,300]``.
"""

from __future__ import annotations

import argparse
import resource
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

#: Open applications wanted -> jobs open at the start of the simulated year.
SIZES = {60: 14, 300: 70}
REPLICATIONS = 500  # the CLI's default
TARGET_SECONDS = 10.0


def company(folder: Path, seed: int, want: int) -> tuple[Path, Path, pd.Timestamp, int]:
    """The scenario file, its export and a date with at least ``want`` open applications."""
    data = hs.preset("default").model_dump(mode="json")
    data["horizon_days"] = 365
    data["requisitions"]["initial"] = SIZES[want]
    scenario = hs.load_scenario(data)
    path = folder / "company.toml"
    path.write_text(scenario_toml(scenario), encoding="utf-8")
    export = hs.simulate(scenario, replications=1, seed=seed).to_ats(folder / "ats")
    history = hs.read_ats(export)
    for day in pd.date_range("2026-03-02", "2026-12-28", freq="7D"):
        n = len(state_at(history, day, scenario).applications)
        if n >= want:
            return path, export, day, n
    raise RuntimeError("no date with enough open applications: raise requisitions.initial")


def measure(want: int, seed: int, repeats: int, extra: list[str]) -> dict[str, Any]:
    """Wall times of the whole command and the samples per application of the last run."""
    with tempfile.TemporaryDirectory() as tmp:
        scenario, export, day, n = company(Path(tmp), seed, want)
        out = Path(tmp) / "forecast.csv"
        command = [sys.executable, "-m", "hiresim.present.cli", "forecast", str(scenario),
                   str(export), "--as-of", str(day.date()), "-n", str(REPLICATIONS),
                   "--workers", "2", "--out", str(out), *extra]
        times, cpu = [], []
        for _ in range(repeats):
            c0 = _children_cpu()
            t0 = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
            cpu.append(_children_cpu() - c0)
        samples = pd.read_csv(out)["samples"]
    return {"open": n, "times": times, "cpu": cpu, "min": int(samples.min()),
            "median": float(samples.median())}


def _children_cpu() -> float:
    """CPU seconds (user + system) of every finished descendant: the command and its
    workers. Less sensitive than wall time to other load on a shared machine; on 2 free
    cores the wall time is about half of it, plus start-up."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def bench_f(args: Any, rows: list[dict[str, Any]]) -> None:
    from run import row  # the table's row format (benchmarks/run.py)

    for want in SIZES:
        m = measure(want, args.seed, args.repeats, [])
        t = statistics.median(m["times"])
        target = f"< {TARGET_SECONDS:g}" if want == 60 else ""
        rows.append(row(
            "f", f"hiresim forecast: {m['open']} open applications, {REPLICATIONS} "
            f"replications, 2 workers (whole command; CPU {statistics.median(m['cpu']):.1f} s; "
            f"samples per application min {m['min']}, median {m['median']:g})", t, "s",
            m["times"],
            target, (t < TARGET_SECONDS) if want == 60 else None))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--sizes", default="60,300")
    p.add_argument("--min-samples", type=int, default=0,
                   help="pass --min-samples to the command (0: its default)")
    args = p.parse_args()
    for want in (int(s) for s in args.sizes.split(",")):
        extra = ["--min-samples", str(args.min_samples)] if args.min_samples else []
        m = measure(want, args.seed, args.repeats, extra)
        print(f"{m['open']} open: wall {statistics.median(m['times']):.2f} s "
              f"(runs {', '.join(f'{x:.2f}' for x in m['times'])}), CPU of the command and "
              f"its workers {statistics.median(m['cpu']):.2f} s; samples per application "
              f"min {m['min']}, median {m['median']:g}")


if __name__ == "__main__":
    main()
