"""Local workers die with their parent: SIGKILL of ``hiresim sweep --workers 2`` leaves no
process of it behind (workers, loky's resource tracker), even while the workers are busy.

Linux only: the process tree is read from ``/proc``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hiresim

pytestmark = pytest.mark.skipif(
    not (sys.platform.startswith("linux") and Path("/proc/self/task").is_dir()),
    reason="reads the process tree from /proc (Linux)",
)

#: Seconds after the SIGKILL by which every process of the sweep must be gone.
GRACE = 10.0
#: Seconds the sweep may take to start its workers.
START = 90.0

Process = tuple[int, str]  # pid and start time: a pid reused by another process is not it


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()  # [state, ppid, ...]; comm may hold spaces


def _identity(pid: int) -> Process | None:
    fields = _stat(pid)
    return None if fields is None else (pid, fields[19])  # field 22: starttime


def _alive(process: Process) -> bool:
    fields = _stat(process[0])
    return fields is not None and fields[19] == process[1] and fields[0] not in ("Z", "X")


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                out |= {int(c) for c in (task / "children").read_text().split()}
    return out


def _descendants(pid: int) -> set[Process]:
    found: set[Process] = set()
    stack = [pid]
    while stack:
        for child in _children(stack.pop()):
            identity = _identity(child)
            if identity is not None and identity not in found:
                found.add(identity)
                stack.append(child)
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "?"


def _kill(processes: set[Process]) -> None:
    for process in processes:
        if _alive(process):
            with contextlib.suppress(OSError):
                os.kill(process[0], signal.SIGKILL)


def test_sigkill_of_a_sweep_leaves_no_worker_behind(tmp_path):
    overrides = tmp_path / "overrides.csv"
    overrides.write_text("roles.recruiter.count\n2\n4\n6\n")
    root = Path(hiresim.__file__).resolve().parents[1]  # the hiresim under test
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(root), *filter(None, [os.environ.get("PYTHONPATH")])])}
    stderr = (tmp_path / "stderr.txt").open("wb")
    # 3 rows x 400 replications in units of 50: each unit takes seconds, so the workers are
    # busy when the main process is killed
    proc = subprocess.Popen(
        [sys.executable, "-m", "hiresim.present.cli", "sweep", "preset:default", str(overrides),
         "--out", str(tmp_path / "sweep"), "-n", "400", "--workers", "2"],
        cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=stderr, start_new_session=True,
    )
    tree: set[Process] = set()
    try:
        deadline = time.monotonic() + START
        workers: set[Process] = set()
        while len(workers) < 2:
            assert proc.poll() is None, (tmp_path / "stderr.txt").read_text()
            assert time.monotonic() < deadline, f"no 2 workers after {START} s: {tree}"
            tree |= _descendants(proc.pid)
            workers = {p for p in tree if "loky" in _cmdline(p[0]) and "--process-name" in
                       _cmdline(p[0])}
            time.sleep(0.05)
        time.sleep(1.0)  # the workers are running their first units
        tree |= _descendants(proc.pid)
        assert proc.poll() is None and all(_alive(w) for w in workers), "the sweep ended"
        names = {pid: _cmdline(pid) for pid, _ in tree}

        os.kill(proc.pid, signal.SIGKILL)  # the main process only
        killed = time.monotonic()
        proc.wait(timeout=GRACE)
        survivors = set(tree)
        while survivors and time.monotonic() - killed < GRACE:
            time.sleep(0.05)
            survivors = {p for p in survivors if _alive(p)}
        elapsed = time.monotonic() - killed
        print(f"last of {len(tree)} processes gone {elapsed:.2f} s after SIGKILL")
        assert not survivors, (
            f"alive {GRACE} s after SIGKILL of the main process: "
            + "; ".join(f"{pid} {names[pid]}" for pid, _ in sorted(survivors))
        )
    finally:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)  # the whole session's group, whatever happened
        _kill(tree)
        if proc.poll() is None:
            proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=GRACE)
        stderr.close()
