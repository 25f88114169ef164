"""Run many hiresim checks as isolated child processes, fast: ``python forkserver.py JOBS OUT``.

``tests/test_hostile_inputs.py`` starts this script once (a real subprocess, cwd = the
repository, so it imports the worktree's ``hiresim``). It imports hiresim, its CLI and its runner
once, then forks one child per job, at most ``parallel`` at a time. Each child

* gets its own process group, stdin from ``/dev/null``, stdout and stderr in files, and an
  address-space limit (``RLIMIT_AS``, 1 GB by default) set before it does anything, so a memory
  blow-up ends as a ``MemoryError`` in the child instead of swapping the machine;
* runs one check:

  - ``load``: ``hs.load_scenario(argument)``; writes what it returned or raised as JSON;
  - ``api``: one function of ``api_calls.py`` (reading a company's files: ``hs.read_ats``,
    ``hs.calibrate``, ``hs.forecast``, ``hs.read_calendars``); writes what it returned or
    raised as JSON;
  - ``cli``: the command line exactly as ``python -m hiresim.present.cli ARGS...`` runs it
    (``runpy``, as ``-m`` does, then the interpreter's own top-level handling: an uncaught
    exception prints ``Traceback (most recent call last):`` on stderr and exits 1,
    ``SystemExit`` gives its code);

* is killed (its whole process group) when it outlives its timeout.

Forking from one warm interpreter costs milliseconds per check where a fresh interpreter costs
about 0.6 s (imports), which keeps some 300 checks well under a minute on two cores, while each
check still has its own process, timeout and memory limit. ``test_forkserver_matches_real_process``
checks that a forked CLI behaves like a real ``python -m hiresim.present.cli`` process.

JOBS is a JSON list of ``{"key", "check": "load"|"api"|"cli", "args": [...], "timeout", "dir"}``;
OUT
receives ``{key: {"returncode", "signal", "timed_out", "seconds", "cpu", "stdout", "stderr",
"load"}}`` (``cpu``: the child's CPU seconds, which a loaded machine does not inflate).
"""

from __future__ import annotations

import gc
import json
import os
import resource
import runpy
import signal
import sys
import time
import traceback
from pathlib import Path

#: Output kept per stream (the rest is cut, and the cut is marked).
KEEP = 4 * 1024 * 1024


def _child(job: dict, memory: int) -> None:
    """In the forked child: limits, redirections, the check; never returns."""
    code = 1
    try:
        os.setpgid(0, 0)
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        # a backstop should this server die before it can kill the child: the alarm's default
        # action ends the process
        signal.alarm(int(job["timeout"]) + 60)
        folder = Path(job["dir"])
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        for fd, name in ((1, "stdout"), (2, "stderr")):
            out = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(out, fd)
        if job["check"] == "load":
            code = _load(job["args"][0], folder / "load.json")
        elif job["check"] == "api":
            code = _api(job["args"], folder / "load.json")
        else:
            code = _cli(job["args"])
    except BaseException:  # the harness's own failure: report it as a traceback, exit 1
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _load(argument: str, result: Path) -> int:
    import hiresim as hs

    try:
        hs.load_scenario(argument)
        outcome = {"raised": None, "message": ""}
    except hs.ScenarioError as exc:
        outcome = {"raised": "ScenarioError", "message": str(exc)}
    except BaseException as exc:
        outcome = {"raised": type(exc).__name__, "message": str(exc)[:KEEP],
                   "traceback": "".join(traceback.format_exception(exc)[-6:])}
    result.write_text(json.dumps(outcome), encoding="utf-8")
    return 0


def _api(args: list[str], result: Path) -> int:
    """One call of ``api_calls.py`` (next to this file): ``args`` are its name and arguments."""
    import api_calls

    outcome = api_calls.call(*args)
    result.write_text(json.dumps(outcome), encoding="utf-8")
    return 0


def _cli(args: list[str]) -> int:
    """``python -m hiresim.present.cli ARGS``: the module run as ``__main__``, the exit as the
    interpreter makes it."""
    sys.argv = ["hiresim", *args]
    try:
        runpy.run_module("hiresim.present.cli", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        if exc.code is None:
            return 0
        if isinstance(exc.code, int):
            return exc.code & 0xFF
        print(exc.code, file=sys.stderr)
        return 1
    except BaseException as exc:
        traceback.print_exception(exc)
        return 1
    return 0


def _read(path: Path) -> str:
    try:
        with path.open("rb") as f:
            data = f.read(KEEP + 1)
    except FileNotFoundError:
        return ""
    text = data[:KEEP].decode("utf-8", errors="replace")
    return text + ("\n[... output cut by the harness ...]" if len(data) > KEEP else "")


def main() -> None:
    jobs_path, out_path = sys.argv[1], sys.argv[2]
    parallel = int(os.environ.get("HOSTILE_PARALLEL", "2"))
    memory = int(os.environ.get("HOSTILE_MEMORY", str(1 << 30)))
    jobs = json.loads(Path(jobs_path).read_text(encoding="utf-8"))

    # Warm up: what a check imports, imported once before the first fork (not hiresim.present.cli
    # itself: a CLI check runs it as __main__, as ``-m`` does, and runpy warns if it is loaded).
    import click  # noqa: F401
    import holidays
    import rich.console
    import rich.table  # noqa: F401

    import hiresim
    import hiresim.runner

    # a working calendar with a country checks it against the list of supported countries,
    # which imports every country's module (~0.5 s): once here, not in every check
    holidays.list_supported_countries()
    if os.environ.get("HOSTILE_RECORDS"):  # the records corpus: its readers and their users
        import api_calls  # noqa: F401
        import icalendar  # noqa: F401
        import optuna  # noqa: F401
        import pandas  # noqa: F401
        import recurring_ical_events  # noqa: F401

        import hiresim.inference.calibration
        import hiresim.inference.forecasts
        import hiresim.present.report
        import hiresim.records.ats
        import hiresim.records.ical  # noqa: F401
        from hiresim.text import language_of

        language_of("en")  # Babel's locale data, as `forecast` and `report` check --locale

    # the warm objects are left out of the children's garbage collections, which would
    # otherwise touch (and so copy) their pages
    gc.freeze()
    pending = list(reversed(jobs))
    running: dict[int, tuple[dict, float]] = {}
    results: dict[str, dict] = {}
    while pending or running:
        while pending and len(running) < parallel:
            job = pending.pop()
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _child(job, memory)
            running[pid] = (job, time.monotonic())
        pid, status, usage = os.wait4(-1, os.WNOHANG)
        now = time.monotonic()
        if pid == 0:
            for child, (job, started) in list(running.items()):
                if now - started > job["timeout"] and not job.get("killed"):
                    job["killed"] = True
                    try:
                        os.killpg(child, signal.SIGKILL)
                    except ProcessLookupError:  # not yet its own group leader
                        os.kill(child, signal.SIGKILL)
            time.sleep(0.01)
            continue
        job, started = running.pop(pid)
        folder = Path(job["dir"])
        load = folder / "load.json"
        results[job["key"]] = {
            "returncode": os.waitstatus_to_exitcode(status),
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
            "timed_out": bool(job.get("killed")),
            "seconds": round(now - started, 3),
            "cpu": round(usage.ru_utime + usage.ru_stime, 3),
            "stdout": _read(folder / "stdout"),
            "stderr": _read(folder / "stderr"),
            "load": json.loads(load.read_text(encoding="utf-8")) if load.exists() else None,
        }
    Path(out_path).write_text(json.dumps(results), encoding="utf-8")


if __name__ == "__main__":
    main()
