"""Runs that stop when asked: Ctrl-C or SIGTERM ends ``hiresim sweep --workers 2`` within a
second, keeps every finished unit, prints the exact command that resumes it, and leaves no
worker and no leaked semaphore behind; the resumed sweep's tables are the uninterrupted ones.

The bound of one second is the issue's, and it is measured from the signal to the exit of the
process (not from the start of the sweep), so a busy machine slows the sweep down but not the
measure. Linux only: the process tree is read from ``/proc``.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import hiresim as hs
from hiresim.present.cli import main
from hiresim.sweeps import read_sweep

pytestmark = pytest.mark.skipif(
    not (sys.platform.startswith("linux") and Path("/proc/self/task").is_dir()),
    reason="reads the process tree from /proc (Linux)",
)

#: The issue's bound: seconds from the signal to the end of the command.
STOP_SECONDS = 1.0
#: Seconds the sweep may take to finish its first unit (a loaded machine is slow to start).
START = 180.0
#: Seconds after the command's exit by which its workers and resource tracker must be gone.
GRACE = 10.0
#: Replications per row: units of 3 (the default chunk size for 12), 8 units in all, so that
#: most are still to run when the first is on disk.
REPLICATIONS = 12


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                out |= {int(c) for c in (task / "children").read_text().split()}
    return out


def _tree(pid: int) -> set[int]:
    found, stack = set(), [pid]
    while stack:
        for child in _children(stack.pop()) - found:
            found.add(child)
            stack.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.fixture
def sweep_setup(tmp_path):
    overrides = tmp_path / "overrides.csv"
    overrides.write_text("roles.recruiter.count,horizon_days,drain_days\n2,60,60\n4,60,60\n")
    return "preset:default", overrides, tmp_path / "sweep"


def _env() -> dict[str, str]:
    root = Path(hs.__file__).resolve().parents[1]  # the hiresim under test
    return {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(root), *filter(None, [os.environ.get("PYTHONPATH")])])}


def _command(args: list[str]) -> list[str]:
    """``hiresim ARGS`` as this interpreter runs it."""
    assert args[0] == "hiresim"
    return [sys.executable, "-m", "hiresim", *args[1:]]


def _stop_mid_sweep(tmp_path: Path, args: list[str], out: Path, signum: int, group: bool
                    ) -> tuple[int, float, str, set[int]]:
    """Start ``hiresim ARGS``, send ``signum`` once its first unit is on disk (to its whole
    process group, as a terminal's Ctrl-C does, or to the command alone, as ``kill`` does);
    return its exit code, the seconds from the signal to its exit, its stderr once every
    process of it is gone, and the processes it had."""
    stderr_path = tmp_path / "stderr.txt"
    with stderr_path.open("wb") as stderr:
        proc = subprocess.Popen(_command(args), env=_env(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=stderr,
                                start_new_session=True)
    tree: set[int] = set()
    try:
        deadline = time.monotonic() + START
        while not list(out.glob("row-*/unit-*.json")):
            assert proc.poll() is None, stderr_path.read_text()
            assert time.monotonic() < deadline, f"no unit finished after {START} s"
            tree |= _tree(proc.pid)
            time.sleep(0.02)
        tree |= _tree(proc.pid)
        assert proc.poll() is None, "the sweep ended before it could be stopped"
        sent = time.monotonic()
        if group:
            os.killpg(proc.pid, signum)
        else:
            os.kill(proc.pid, signum)
        code = proc.wait(timeout=60)
        elapsed = time.monotonic() - sent
        gone = time.monotonic() + GRACE
        while any(_alive(p) for p in tree) and time.monotonic() < gone:
            time.sleep(0.05)
        return code, elapsed, stderr_path.read_text(), {p for p in tree if _alive(p)}
    finally:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        for pid in tree:
            with contextlib.suppress(OSError):
                if _alive(pid):
                    os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _resume_line(stderr: str) -> list[str]:
    lines = stderr.splitlines()
    k = next(i for i, line in enumerate(lines) if "To continue, run:" in line)
    return shlex.split(lines[k + 1])


def test_ctrl_c_stops_a_sweep_within_a_second_and_resume_gives_the_same_tables(sweep_setup,
                                                                                tmp_path):
    scenario, overrides, out = sweep_setup
    args = ["hiresim", "sweep", str(scenario), str(overrides), "--out", str(out), "-n",
            str(REPLICATIONS), "--workers", "2"]
    code, elapsed, stderr, left = _stop_mid_sweep(tmp_path, args, out, signal.SIGINT,
                                                  group=True)
    print(f"stopped {elapsed:.3f} s after SIGINT; stderr:\n{stderr}")
    assert code == 130, stderr
    assert elapsed < STOP_SECONDS, f"{elapsed:.2f} s from SIGINT to exit"
    assert not left, f"processes of the sweep still alive {GRACE} s after it ended: {left}"
    assert "Traceback" not in stderr and "leaked" not in stderr, stderr
    assert "stopped by Ctrl-C (SIGINT)" in stderr

    partial = read_sweep(out)
    done = len(partial.units()) - len(partial.missing())
    assert 0 < done < len(partial.units())  # finished units kept, the rest still to run
    assert f"{done} of {len(partial.units())} units finished and kept" in " ".join(
        stderr.split())
    again = _resume_line(stderr)
    assert again == [*args[:6], "--resume", "-n", str(REPLICATIONS), "--seed", "0",
                     "--workers", "2"]
    resumed = subprocess.run(_command(again), env=_env(), capture_output=True, text=True,
                             timeout=900)
    assert resumed.returncode == 0, resumed.stderr
    result = read_sweep(out)
    assert result.complete
    for row in range(len(result)):
        whole = hs.simulate(result.scenario(row), replications=REPLICATIONS, seed=0,
                            event_log=False)
        got = result.results(row)
        pd.testing.assert_frame_equal(got.journeys, whole.journeys)
        pd.testing.assert_frame_equal(got.candidates, whole.candidates)


def test_sigterm_stops_a_sweep_within_a_second_without_leaks(sweep_setup, tmp_path):
    scenario, overrides, out = sweep_setup
    args = ["hiresim", "sweep", str(scenario), str(overrides), "--out", str(out), "-n",
            str(REPLICATIONS), "--workers", "2"]
    code, elapsed, stderr, left = _stop_mid_sweep(tmp_path, args, out, signal.SIGTERM,
                                                  group=False)
    print(f"stopped {elapsed:.3f} s after SIGTERM; stderr:\n{stderr}")
    assert code == 143, stderr
    assert elapsed < STOP_SECONDS, f"{elapsed:.2f} s from SIGTERM to exit"
    assert not left, f"processes of the sweep still alive {GRACE} s after it ended: {left}"
    assert "leaked" not in stderr and "resource_tracker" not in stderr, stderr
    assert "stopped by SIGTERM" in stderr and "--resume" in stderr


def test_a_stopped_command_says_so_and_exits_130_or_143(monkeypatch, tmp_path):
    """In-process: the messages and exit codes, for a sweep (how to resume) and for a command
    that keeps nothing."""
    import hiresim.runner
    import hiresim.sweeps
    from hiresim.present.stopping import Terminated

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    def terminated(*args, **kwargs):
        raise Terminated

    overrides = tmp_path / "o.csv"
    overrides.write_text("roles.recruiter.count\n2\n")
    monkeypatch.setattr(hiresim.sweeps, "sweep", interrupted)
    result = CliRunner().invoke(main, ["sweep", "preset:mmc", str(overrides), "--out",
                                       str(tmp_path / "s"), "-n", "5", "--events"])
    assert result.exit_code == 130, result.output
    text = " ".join(result.output.split())
    assert "stopped by Ctrl-C (SIGINT): no unit had finished" in text
    assert (f"hiresim sweep preset:mmc {overrides} --out {tmp_path / 's'} --resume -n 5 "
            "--seed 0 --events") in text
    monkeypatch.setattr(hiresim.runner, "simulate", terminated)
    result = CliRunner().invoke(main, ["run", "--preset", "mmc", "-n", "2"])
    assert result.exit_code == 143, result.output
    assert "stopped by SIGTERM: nothing was written" in " ".join(result.output.split())
