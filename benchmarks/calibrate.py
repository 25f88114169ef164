"""(g) ``hs.calibrate`` on issue 21's company: Northwind's ``large`` export (tests/worlds: about
7,000 applications a year, 12 recruiters, 32 hiring managers, 192 interviewers), default budget.

Reports the wall time, the CPU time of this process and of its workers, the peak memory, and
where the CPU time goes (simulating trials and profiles, building their tables, reading the
records' structure, the fit report); beside them the fit's distance and the held-out errors
(per-round P50 and P75 against four years of the same world with another seed).

Run from the repository's root: ``python benchmarks/calibrate.py [--workers 2] [--budget 40]
[--world large]``. On a shared machine the wall time says little; the CPU times say what a
calibration costs (on two free cores the wall time is about the CPU time of the workers over
two, plus this process's own).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", default="large")
    parser.add_argument("--budget", type=int, default=40)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--held-out", action="store_true",
                        help="also measure the held-out errors (simulates four world years)")
    args = parser.parse_args()

    import hiresim as hs
    import hiresim.runner as runner
    from hiresim.inference.calibration import km_quantiles
    from tests.worlds import HELD_OUT_SEED, STANDARD, feedback_quantiles, standard_export
    from tests.worlds.cache import cached_run

    export = standard_export(Path("/tmp") / "hiresim-bench-worlds", args.world)
    phases: dict[str, float] = {"simulate trials and profiles": 0.0, "build tables": 0.0}
    if args.workers is None:  # in this process: each phase's CPU time can be measured
        chunk, tables = runner.run_chunk, runner.build_tables

        def timed_chunk(*a: Any, **k: Any) -> Any:
            c0 = time.process_time()
            try:
                return chunk(*a, **k)
            finally:
                phases["simulate trials and profiles"] += time.process_time() - c0

        def timed_tables(*a: Any, **k: Any) -> Any:
            c0 = time.process_time()
            try:
                return tables(*a, **k)
            finally:
                phases["build tables"] += time.process_time() - c0

        runner.run_chunk = timed_chunk
        runner.build_tables = timed_tables
    wall, cpu = time.perf_counter(), time.process_time()
    history = hs.read_ats(export.folder, mapping=export.mapping)
    read_cpu = time.process_time() - cpu
    cal = hs.calibrate(history, base="default", budget=args.budget, workers=args.workers)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"export: {args.world}, {len(history.applications)} applications, "
          f"{len(history.waits)} waits")
    print(f"wall {wall:.1f} s; CPU of this process {cpu:.1f} s (reading {read_cpu:.1f} s); "
          f"CPU of finished child processes {children.ru_utime + children.ru_stime:.1f} s; "
          f"peak memory {peak:.0f} MB (this process)")
    if args.workers is None:
        rest = cpu - read_cpu - sum(phases.values())
        for name, seconds in [*phases.items(), ("the rest (structure, final run, fit report)",
                                                rest)]:
            print(f"  {name}: {seconds:.1f} s ({seconds / cpu:.0%})")
    print(cal)
    print(f"misfit: {len(cal.misfit)} warnings")
    for line in cal.misfit:
        print("  -", line)
    if args.held_out:
        cfg = STANDARD[args.world][0]
        truth = feedback_quantiles(cached_run(cfg, HELD_OUT_SEED, 4.0)).set_index("round")
        sim = km_quantiles(hs.simulate(cal.scenario, replications=4, seed=11,
                                       event_log=False).journeys, (0.5, 0.75))
        for r in truth.index:
            for i, col in enumerate(("p50", "p75")):
                want, got = float(truth.loc[r, col]), float(sim[int(r)][i])
                print(f"held-out round {r} {col}: world {want:.2f}, calibrated {got:.2f} "
                      f"({(got - want) / want:+.0%})")


if __name__ == "__main__":
    main()
