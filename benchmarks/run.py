"""hiresim benchmarks: overhead over plain SimPy, throughput, parallel speed-up, peak memory.

Run with ``make bench`` (or ``python benchmarks/run.py --help``). Only public tools are used:
``time.perf_counter`` for wall time, ``resource.getrusage`` (in a subprocess) for peak memory,
``cProfile`` for ``--profile``. Every timing is repeated ``--repeats`` times; the median is shown.

(a) M/M/3 (``hs.preset("mmc")``, lambda = 0.12/h, mu = 0.05/h) through hiresim against the same
    queue written in idiomatic plain SimPy, same number of customers, in the same process.
(b) The default preset's simulated candidates per second on one core, with and without the
    event log.
(c) Speed-up of ``workers=2`` over ``workers=1`` on the default preset.
(d) Peak memory (max RSS) of a run with ``event_log=False``, extrapolated to 1,000,000 journeys
    from two smaller runs unless ``--full-memory`` is given.
(w) What-ifs: ``ablate`` of the default preset on 2 workers as it ran before it shared work
    (every source simulated again, with the event log) against today's, alternated; with
    ``--old-tree PATH`` (a checkout of the tree before issue 20), today's ``ablate`` against that
    tree's, each in a fresh process, alternated.
(l) A 5x company (5x the default preset's staff, open requisitions and openings, so 5x the
    arrivals): candidates per CPU second against the default preset's, alternated.
(p) ``hiresim report --preset default --precision 1 --workers 2``: its time and the
    replications it needed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import simpy
from forecast import bench_f

import hiresim as hs

LAMBDA = 0.12  # arrivals per hour (mmc preset)
MU = 0.05  # services per hour per reviewer (mmc preset)
SERVERS = 3
TARGETS = {"a": 1.5, "b": 5000.0, "c": 1.8, "d": 1024.0}


# -- helpers ---------------------------------------------------------------------------------


#: Every timing records wall time (``perf_counter``) and this process's CPU time
#: (``process_time``); CPU time is much less sensitive to other load on a shared machine.
CPU: dict[int, list[float]] = {}


def _timed(fn: Callable[[], Any], wall: list[float], cpu: list[float]) -> Any:
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    cpu.append(time.process_time() - c0)
    wall.append(time.perf_counter() - w0)
    return out


def median_time(fn: Callable[[], Any], repeats: int) -> tuple[float, list[float], Any]:
    """Median wall time of ``fn()`` over ``repeats`` runs, all times, and the last result.

    The CPU times of the same runs are in ``CPU[id(times)]``.
    """
    times: list[float] = []
    cpu: list[float] = []
    out = None
    for _ in range(repeats):
        out = _timed(fn, times, cpu)
    CPU[id(times)] = cpu
    return statistics.median(times), times, out


def interleaved(
    fa: Callable[[], Any], fb: Callable[[], Any], repeats: int
) -> tuple[tuple[float, list[float], Any], tuple[float, list[float], Any]]:
    """Time ``fa`` and ``fb`` alternately (a b a b ...) so both see the same machine load.

    The CPU times of the same runs are in ``CPU[id(times)]``.
    """
    ta: list[float] = []
    tb: list[float] = []
    ca: list[float] = []
    cb: list[float] = []
    ra = rb = None
    for _ in range(repeats):
        ra = _timed(fa, ta, ca)
        rb = _timed(fb, tb, cb)
    CPU[id(ta)], CPU[id(tb)] = ca, cb
    return (statistics.median(ta), ta, ra), (statistics.median(tb), tb, rb)


def cpu_of(times: list[float]) -> list[float]:
    return CPU[id(times)]


def batch_means(values: list[float], batches: int = 20) -> tuple[float, float]:
    """Mean and half-width of a 95 % confidence interval by batch means (waits are correlated)."""
    n = len(values) // batches
    if n < 2:
        return statistics.fmean(values), math.nan
    means = [statistics.fmean(values[k * n : (k + 1) * n]) for k in range(batches)]
    return statistics.fmean(values), 2.09 * statistics.stdev(means) / math.sqrt(batches)


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of M/M/c (hours)."""
    a = lam / mu
    rho = a / c
    top = a**c / math.factorial(c) / (1.0 - rho)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * mu - lam)


def with_fields(scenario: hs.Scenario, **fields: Any) -> hs.Scenario:
    data = scenario.model_dump(mode="json")
    data.update(fields)
    return hs.Scenario.model_validate(data)


# -- (a) M/M/c: hiresim against plain SimPy --------------------------------------------------


def mmc_scenario(customers: int) -> hs.Scenario:
    days = math.ceil(customers / (LAMBDA * 24.0))
    return with_fields(hs.preset("mmc"), horizon_days=days)


def run_hiresim_mmc(scenario: hs.Scenario, seed: int) -> hs.Results:
    return hs.simulate(scenario, replications=1, seed=seed, event_log=False)


def plain_simpy_mmc(customers: int, seed: int) -> list[float]:
    """The same M/M/3 queue in idiomatic SimPy: a source, one process per customer, a Resource.

    Returns the waits in queue (hours) in order of service start.
    """
    rng = random.Random(seed)
    env = simpy.Environment()
    reviewers = simpy.Resource(env, capacity=SERVERS)
    waits: list[float] = []

    def customer(service: float):
        arrived = env.now
        with reviewers.request() as req:
            yield req
            waits.append(env.now - arrived)
            yield env.timeout(service)

    def source():
        for _ in range(customers):
            yield env.timeout(rng.expovariate(LAMBDA))
            env.process(customer(rng.expovariate(MU)))

    env.process(source())
    env.run()
    return waits


_A_CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
import pandas, simpy  # imports are not timed: loaded before the clock starts
import run as bench
import hiresim as hs
import hiresim.model  # imported by the first simulate call otherwise
what, customers, seed = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if what == "hiresim":
    scenario = bench.mmc_scenario(customers)
    c0 = time.process_time()
    n = len(bench.run_hiresim_mmc(scenario, seed).journeys)
else:
    c0 = time.process_time()
    n = len(bench.plain_simpy_mmc(customers, seed))
print(json.dumps({"cpu": time.process_time() - c0, "n": n}))
"""


def process_cpu(what: str, customers: int, seed: int) -> float:
    """CPU seconds of one M/M/3 run in a fresh process, its imports not counted."""
    here = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run([sys.executable, "-c", _A_CHILD, here, what, str(customers), str(seed)],
                         check=True, capture_output=True, text=True)
    return float(json.loads(out.stdout.strip().splitlines()[-1])["cpu"])


def bench_a(args: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    scenario = mmc_scenario(args.customers)
    # one journey per arrived candidate (censored ones included): plain SimPy gets as many
    n = len(run_hiresim_mmc(scenario, args.seed).journeys)
    (t_hs, all_hs, res), (t_ps, all_ps, waits) = interleaved(
        lambda: run_hiresim_mmc(scenario, args.seed),
        lambda: plain_simpy_mmc(n, args.seed),
        args.repeats,
    )
    j = res.journeys
    done = j[~j["censored"]].sort_values("interview_end")
    hs_mean, hs_hw = batch_means((done["delay_contention"] * 24.0).tolist())
    ps_mean, ps_hw = batch_means(waits)
    theory = erlang_c_wait(LAMBDA, MU, SERVERS)
    agree = abs(hs_mean - ps_mean) <= math.hypot(hs_hw, ps_hw)
    ratio = t_hs / t_ps
    c_hs, c_ps = cpu_of(all_hs), cpu_of(all_ps)
    cpu_ratio = statistics.median(c_hs) / statistics.median(c_ps)
    # each hiresim run and the plain run right after it saw the same machine load: their
    # ratios show how much of the spread above is the machine rather than the code
    pairs = [round(h / p, 3) for h, p in zip(c_hs, c_ps, strict=True)]
    # the same two runs, each in a fresh process (nothing warmed up by the other), alternated
    p_hs: list[float] = []
    p_ps: list[float] = []
    for _ in range(args.process_pairs):
        p_hs.append(process_cpu("hiresim", args.customers, args.seed))
        p_ps.append(process_cpu("simpy", n, args.seed))
    rows += [
        row("a", f"M/M/3, {n:,} customers: hiresim (wall)", t_hs, "s", all_hs),
        row("a", f"M/M/3, {n:,} customers: plain SimPy (wall)", t_ps, "s", all_ps),
        row("a", "ratio hiresim / plain SimPy (wall)", ratio, "x", None, "<= 1.5", ratio <= 1.5),
        row("a", "hiresim (CPU)", statistics.median(c_hs), "s", c_hs),
        row("a", "plain SimPy (CPU)", statistics.median(c_ps), "s", c_ps),
        row(
            "a",
            "ratio hiresim / plain SimPy (CPU)",
            cpu_ratio,
            "x",
            None,
            "<= 1.5",
            cpu_ratio <= 1.5,
        ),
        row("a", "ratio of each alternated pair (CPU; information)", statistics.median(pairs),
            "x", pairs),
        row("a", "hiresim, a fresh process per run (CPU, imports not counted)",
            statistics.median(p_hs), "s", p_hs),
        row("a", "plain SimPy, a fresh process per run (CPU, imports not counted)",
            statistics.median(p_ps), "s", p_ps),
        row("a", "ratio of each alternated pair of processes (CPU)",
            statistics.median(h / p for h, p in zip(p_hs, p_ps, strict=True)), "x",
            [round(h / p, 3) for h, p in zip(p_hs, p_ps, strict=True)], "<= 1.10",
            statistics.median(h / p for h, p in zip(p_hs, p_ps, strict=True)) <= 1.10),
        row(
            "a",
            f"mean wait hiresim (h, 95% CI; Erlang C {theory:.2f})",
            hs_mean,
            "h",
            None,
            f"+/- {hs_hw:.2f}",
        ),
        row(
            "a", "mean wait plain SimPy (h, 95% CI)", ps_mean, "h", None, f"+/- {ps_hw:.2f}", agree
        ),
    ]


# -- (b) default preset throughput -----------------------------------------------------------


def bench_b(args: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    scenario = hs.preset("default")
    hs.simulate(scenario, replications=2, seed=args.seed, event_log=False)  # warm caches
    customers = args.customers

    def plain() -> list[float]:
        return plain_simpy_mmc(customers, args.seed)

    for event_log in (False, True):
        run_default = lambda ev=event_log: hs.simulate(  # noqa: E731
            scenario, replications=args.b_reps, seed=args.seed, event_log=ev
        )
        if event_log:
            _t, ts, res = median_time(run_default, args.repeats)
        else:  # alternated with plain SimPy's M/M/3 (a): the ratio of the two rates
            (_t, ts, res), (_p, tp, _) = interleaved(run_default, plain, args.repeats)
        n = len(res.candidates)
        label = "with" if event_log else "without"
        for clock, times in (("wall", ts), ("CPU", cpu_of(ts))):
            rate = n / statistics.median(times)
            ok = rate >= TARGETS["b"] if not event_log else None
            rows.append(
                row(
                    "b",
                    f"default, {args.b_reps} reps ({n:,} candidates), {label} event log ({clock})",
                    rate,
                    "cand/s",
                    [n / x for x in times],
                    ">= 5,000" if not event_log else "",
                    ok,
                )
            )
        if not event_log:
            rate = n / statistics.median(cpu_of(ts))
            simpy_rate = customers / statistics.median(cpu_of(tp))
            pairs = [(n / c) / (customers / p) for c, p in zip(cpu_of(ts), cpu_of(tp), strict=True)]
            rows += [
                row("b", f"plain SimPy M/M/3 (a), {customers:,} customers, alternated (CPU)",
                    simpy_rate, "cust/s", [customers / x for x in cpu_of(tp)]),
                row("b", "candidates per CPU s / plain SimPy customers per CPU s",
                    rate / simpy_rate, "1/x", [1 / x for x in pairs], ">= 1/12",  # runs: 1/...
                    rate / simpy_rate >= 1 / 12),
            ]


# -- (c) parallel speed-up -------------------------------------------------------------------


def bench_c(args: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    scenario = hs.preset("default")
    # size the run for about --parallel-seconds on one worker
    t0 = time.perf_counter()
    hs.simulate(scenario, replications=20, seed=args.seed, event_log=False)
    per_rep = (time.perf_counter() - t0) / 20
    reps = max(8, round(args.parallel_seconds / per_rep))
    (t1, ts1, _), (t2, ts2, _) = interleaved(
        lambda: hs.simulate(
            scenario, replications=reps, seed=args.seed, workers=1, event_log=False
        ),
        lambda: hs.simulate(
            scenario, replications=reps, seed=args.seed, workers=2, event_log=False
        ),
        args.repeats,
    )
    speed = t1 / t2
    capacity = machine_parallelism()
    rows += [
        row(
            "c",
            "calibration: speed-up of 2 busy-loop processes over 1 (cores free now)",
            capacity,
            "x",
            None,
            "~2.0",
        ),
        row("c", f"default, {reps} reps, workers=1", t1, "s", ts1),
        row("c", f"default, {reps} reps, workers=2 (spawn start included)", t2, "s", ts2),
        row("c", "speed-up workers=2 / workers=1", speed, "x", [a / b for a, b in zip(
            ts1, ts2, strict=True)], ">= 1.85", speed >= 1.85),
    ]


def _ablate_timed(scenario: hs.Scenario, reps: int, seed: int, shared: bool
                  ) -> tuple[float, float]:
    """Wall and CPU seconds (this process and its workers) of one ``ablate`` on 2 workers.

    ``shared=False`` is what ablate did before it shared work: every source simulated again,
    with the event log. The pool is shut down after each call (and so started by each, as in
    a fresh process) so that its workers' CPU time is counted by ``RUSAGE_CHILDREN``.
    """
    import resource

    from loky import get_reusable_executor

    from hiresim.analysis import ablate

    kwargs = {} if shared else {"reuse": False, "event_log": True}

    def cpu() -> float:
        return sum(r.ru_utime + r.ru_stime for r in (
            resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))

    get_reusable_executor().shutdown(wait=True)
    w0, c0 = time.perf_counter(), cpu()
    ablate(scenario, replications=reps, seed=seed, workers=2, **kwargs)
    get_reusable_executor().shutdown(wait=True)
    return time.perf_counter() - w0, cpu() - c0


def bench_w(args: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    scenario = hs.preset("default")
    reps = args.ablate_reps
    before: list[tuple[float, float]] = []
    after: list[tuple[float, float]] = []
    for _ in range(args.repeats):  # a b a b ...
        before.append(_ablate_timed(scenario, reps, args.seed, shared=False))
        after.append(_ablate_timed(scenario, reps, args.seed, shared=True))
    wall = statistics.median(b[0] for b in before) / statistics.median(a[0] for a in after)
    cpu = statistics.median(b[1] for b in before) / statistics.median(a[1] for a in after)
    rows += [
        row("w", f"ablate default, {reps} reps/source, 2 workers: every source rerun, wall",
            statistics.median(b[0] for b in before), "s", [b[0] for b in before]),
        row("w", f"ablate default, {reps} reps/source, 2 workers: sharing work, wall",
            statistics.median(a[0] for a in after), "s", [a[0] for a in after]),
        row("w", "ablate speed-up from sharing work, wall", wall, "x", None, ">= 3", wall >= 3),
        row("w", "ablate speed-up from sharing work, CPU (with workers)", cpu, "x",
            [b[1] / a[1] for b, a in zip(before, after, strict=True)], ">= 3", cpu >= 3),
    ]


_W_CHILD = """
import resource, sys, time
sys.path.insert(0, sys.argv[1]) if sys.argv[1] else None
import hiresim as hs
from hiresim.analysis import ablate
from loky import get_reusable_executor
reps, seed = int(sys.argv[2]), int(sys.argv[3])
def cpu():
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))
scenario = hs.preset("default")
w0, c0 = time.perf_counter(), cpu()
ablate(scenario, replications=reps, seed=seed, workers=2)
get_reusable_executor().shutdown(wait=True)
print(time.perf_counter() - w0, cpu() - c0, hs.__file__)
"""


def _ablate_tree(tree: str, reps: int, seed: int) -> tuple[float, float]:
    """Wall and CPU seconds (with its workers) of ``ablate`` of the default preset in a fresh
    process, importing hiresim from ``tree`` (``""``: this one); imports not counted."""
    env = {**os.environ, "PYTHONPATH": tree} if tree else dict(os.environ)
    out = subprocess.run([sys.executable, "-c", _W_CHILD, tree, str(reps), str(seed)],
                         check=True, capture_output=True, text=True, env=env)
    wall, cpu, where = out.stdout.split()[-3:]
    if tree and not where.startswith(os.path.abspath(tree)):
        raise RuntimeError(f"--old-tree: hiresim was imported from {where}, not {tree}")
    return float(wall), float(cpu)


def bench_w_old(args: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    reps = args.ablate_reps
    old: list[tuple[float, float]] = []
    new: list[tuple[float, float]] = []
    for _ in range(args.repeats):  # a b a b ...
        old.append(_ablate_tree(args.old_tree, reps, args.seed))
        new.append(_ablate_tree("", reps, args.seed))
    for k, clock in ((0, "wall"), (1, "CPU, with workers")):
        o = statistics.median(x[k] for x in old)
        n = statistics.median(x[k] for x in new)
        rows += [
            row("w", f"ablate default, {reps} reps/source, 2 workers: tree before issue 20, "
                f"{clock}", o, "s", [x[k] for x in old]),
            row("w", f"ablate default, {reps} reps/source, 2 workers: this tree, {clock}", n,
                "s", [x[k] for x in new]),
            row("w", f"ablate speed-up over the tree before issue 20, {clock}", o / n, "x",
                [a[k] / b[k] for a, b in zip(old, new, strict=True)], ">= 3", o / n >= 3),
        ]


def company(scale: int) -> hs.Scenario:
    """The default preset with ``scale`` times its staff, open requisitions and openings (so
    ``scale`` times the arrivals)."""
    data = hs.preset("default").model_dump(mode="python")
    for role in data["roles"].values():
        role["count"] *= scale
    data["requisitions"]["initial"] *= scale
    data["requisitions"]["rate_per_month"] *= scale
    return hs.Scenario.model_validate(data)


def bench_l(args: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    small, large = hs.preset("default"), company(5)
    hs.simulate(large, replications=1, seed=args.seed, event_log=False)  # warm caches
    reps_large = max(1, args.b_reps // 5)
    (_, ts, rs), (_, tl, rl) = interleaved(
        lambda: hs.simulate(small, replications=args.b_reps, seed=args.seed, event_log=False),
        lambda: hs.simulate(large, replications=reps_large, seed=args.seed, event_log=False),
        args.repeats)
    ns, nl = len(rs.candidates), len(rl.candidates)
    cs, cl = cpu_of(ts), cpu_of(tl)
    rate_s, rate_l = ns / statistics.median(cs), nl / statistics.median(cl)
    pairs = [(nl / b) / (ns / a) for a, b in zip(cs, cl, strict=True)]
    rows += [
        row("l", f"default, {args.b_reps} reps ({ns:,} candidates), CPU", rate_s, "cand/s",
            [ns / x for x in cs]),
        row("l", f"5x company, {reps_large} reps ({nl:,} candidates), CPU", rate_l, "cand/s",
            [nl / x for x in cl]),
        row("l", "5x company / default, candidates per CPU s", rate_l / rate_s, "x", pairs,
            ">= 0.75", rate_l / rate_s >= 0.75),
    ]


def bench_p(args: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    import re
    import tempfile

    times: list[float] = []
    needed: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.repeats):
            cmd = [sys.executable, "-m", "hiresim.present.cli", "report", "--preset", "default",
                   "--precision", "1", "--workers", "2", "--out", f"{tmp}/report-{k}.html"]
            t0 = time.perf_counter()
            env = {**os.environ, "COLUMNS": "200"}  # one line per message
            out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
            times.append(time.perf_counter() - t0)
            found = re.search(r"with\s+(\d+)\s+replications|maximum\s+of\s+(\d+)", out)
            needed.append(float(next(g for g in found.groups() if g)) if found else math.nan)
    rows += [
        row("p", "hiresim report --preset default --precision 1 --workers 2",
            statistics.median(times), "s", times),
        row("p", "replications it needed", statistics.median(needed), "reps", needed),
    ]


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i & 7
    return total


def machine_parallelism(n: int = 8_000_000) -> float:
    """How much 2 processes really get over 1 right now (other load on the machine shows)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as ex:
        list(ex.map(_spin, [1000, 1000]))  # start both workers first
        t0 = time.perf_counter()
        ex.submit(_spin, n).result()
        one = time.perf_counter() - t0
        t0 = time.perf_counter()
        list(ex.map(_spin, [n, n]))
        two = time.perf_counter() - t0
    return 2.0 * one / two


# -- (d) peak memory -------------------------------------------------------------------------

_MEMORY_CHILD = """
import json, resource, sys, time
inherited = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
import hiresim as hs
reps, seed = int(sys.argv[1]), int(sys.argv[2])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
res = hs.simulate(hs.preset("default"), replications=reps, seed=seed, event_log=False)
dt = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
held = sum(int(getattr(res, t).memory_usage(deep=True).sum()) for t in ("journeys", "candidates"))
print(json.dumps({"journeys": len(res.journeys), "candidates": len(res.candidates),
                  "inherited_kb": inherited,
                  "base_kb": base, "peak_kb": peak, "held_bytes": held, "seconds": dt}))
"""


#: Linux keeps the parent's peak RSS in a child's ru_maxrss across fork and exec, so the
#: measuring process is started by a small launcher process, never by this (large) one.
_LAUNCHER = "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"


def memory_run(reps: int, seed: int) -> dict[str, Any]:
    cmd = [sys.executable, "-c", _MEMORY_CHILD, str(reps), str(seed)]
    out = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *cmd],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_d(args: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    target = 1_000_000
    probe = memory_run(20, args.seed)
    per_rep = probe["journeys"] / 20
    if args.full_memory:
        sizes = [math.ceil(target / per_rep)]
    else:
        sizes = [
            math.ceil(args.memory_journeys / per_rep / 4),
            math.ceil(args.memory_journeys / per_rep),
        ]
    runs = []
    for reps in sizes:
        results = [memory_run(reps, args.seed) for _ in range(args.memory_repeats)]
        peak = statistics.median(r["peak_kb"] for r in results) / 1024.0
        runs.append((results[0]["journeys"], peak, results[0]))
        r0 = results[0]
        rows.append(
            row(
                "d",
                f"max RSS, {reps} reps = {r0['journeys']:,} journeys "
                f"({r0['held_bytes'] / 2**20:.0f} MiB in the 2 tables; import "
                f"{r0['base_kb'] / 1024:.0f} MiB; before import {r0['inherited_kb'] / 1024:.0f})",
                peak,
                "MiB",
                [r["peak_kb"] / 1024.0 for r in results],
            )
        )
    if args.full_memory:
        n, peak, _ = runs[0]
        value, how = peak * target / n, "measured (scaled to exactly 1M)"
    else:
        (n1, p1, _), (n2, p2, _) = runs
        slope = (p2 - p1) / (n2 - n1)
        value = p2 + slope * (target - n2)
        how = "EXTRAPOLATED (see note)"
        args.notes.append(
            f"(d) 1,000,000 journeys were not simulated: the peak is extrapolated "
            f"linearly from the two runs above ({slope * 1e6 / 1024:.2f} GiB per "
            f"million journeys on top of {p1:.0f} MiB); --full-memory measures "
            f"it (several minutes)."
        )
    rows.append(
        row(
            "d",
            f"peak memory at 1,000,000 journeys, {how}",
            value,
            "MiB",
            None,
            "< 1 GiB",
            value < TARGETS["d"],
        )
    )


# -- table -----------------------------------------------------------------------------------


def row(
    part: str,
    what: str,
    value: float,
    unit: str,
    runs: list[float] | None,
    target: str = "",
    ok: bool | None = None,
) -> dict[str, Any]:
    return {
        "part": part,
        "what": what,
        "value": value,
        "unit": unit,
        "runs": runs,
        "target": target,
        "ok": ok,
    }


def fmt(value: float, unit: str) -> str:
    if unit in ("cand/s", "cust/s", "MiB", "reps"):
        return f"{value:,.0f} {unit}"
    if unit == "x":
        return f"{value:.2f} x"
    if unit == "1/x":  # a small ratio, shown as one in so many
        return f"1/{1 / value:.1f}"
    return f"{value:.2f} {unit}"


def print_table(rows: list[dict[str, Any]]) -> None:
    width = max(len(r["what"]) for r in rows)
    head = f"{'':2} {'measurement':<{width}}  {'median':>14}  {'target':>9}  ok   runs"
    print(head)
    print("-" * len(head))
    for r in rows:
        ok = "" if r["ok"] is None else ("yes" if r["ok"] else "NO")
        runs = "" if not r["runs"] else " ".join(f"{v:.4g}" for v in r["runs"])
        print(
            f"{r['part']:2} {r['what']:<{width}}  {fmt(r['value'], r['unit']):>14}  "
            f"{r['target']:>9}  {ok:<4} {runs}"
        )


def profile(args: argparse.Namespace) -> None:
    import cProfile
    import pstats

    targets = {
        "a": lambda: run_hiresim_mmc(mmc_scenario(args.customers), args.seed),
        "b": lambda: hs.simulate(
            hs.preset("default"), replications=args.b_reps, seed=args.seed, event_log=False
        ),
    }
    for part in args.parts:
        if part not in targets:
            continue
        prof = cProfile.Profile()
        prof.runcall(targets[part])
        print(f"\n== cProfile of ({part}), by own time ==")
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.profile_top)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--customers", type=int, default=200_000, help="(a) customers (200,000)")
    p.add_argument("--quick", action="store_true", help="small sizes: a smoke run of ~30 s")
    p.add_argument("--repeats", type=int, default=3, help="timings per measurement (median)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--only", default="abcdlwpf", help="parts to run, e.g. --only ab")
    p.add_argument("--old-tree", default="",
                   help="(w) a checkout of the tree before issue 20: time ablate against it")
    p.add_argument("--b-reps", type=int, default=60, help="(b) replications per timing")
    p.add_argument("--process-pairs", type=int, default=5,
                   help="(a) alternated pairs of fresh processes (hiresim, plain SimPy)")
    p.add_argument(
        "--parallel-seconds",
        type=float,
        default=10.0,
        help="(c) size the run for about this long on one worker",
    )
    p.add_argument(
        "--memory-journeys",
        type=int,
        default=200_000,
        help="(d) largest run measured when extrapolating to 1M journeys",
    )
    p.add_argument("--memory-repeats", type=int, default=1, help="(d) runs per size (median)")
    p.add_argument(
        "--full-memory",
        action="store_true",
        help="(d) really simulate 1,000,000 journeys (several minutes)",
    )
    p.add_argument(
        "--profile",
        action="store_true",
        help="profile (a) and (b) with cProfile instead of timing them",
    )
    p.add_argument("--profile-top", type=int, default=25)
    p.add_argument("--ablate-reps", type=int, default=200,
                   help="(w) replications per source of the ablate timings")
    args = p.parse_args(argv)
    if args.quick:
        args.customers = min(args.customers, 20_000)
        args.process_pairs = min(args.process_pairs, 2)
        args.b_reps = min(args.b_reps, 20)
        args.parallel_seconds = min(args.parallel_seconds, 3.0)
        args.memory_journeys = min(args.memory_journeys, 40_000)
        args.ablate_reps = min(args.ablate_reps, 10)
    args.parts = [c for c in args.only if c in "abcdlwpf"]
    if args.profile:
        profile(args)
        return
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(
        f"hiresim {hs.__version__}, simpy {simpy.__version__}, Python "
        f"{platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs{load}; "
        f"wall time (perf_counter) and CPU time (process_time), median of {args.repeats}"
    )
    rows: list[dict[str, Any]] = []
    args.notes = []
    for part in args.parts:
        t0 = time.perf_counter()
        bench_ww = bench_w_old if args.old_tree else bench_w
        {"a": bench_a, "b": bench_b, "c": bench_c, "d": bench_d, "l": bench_l, "w": bench_ww,
         "p": bench_p, "f": bench_f}[part](args, rows)
        print(f"  ({part}) done in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    print()
    print_table(rows)
    for note in args.notes:
        print(note)


if __name__ == "__main__":
    main()
