"""workers=2 from a plain script without a ``__main__`` guard, and from a script fed on standard
input: both work (the local pool never re-runs the caller's main module) and give the same
tables as workers=None."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import hiresim as hs
from tests.golden.golden import hashes

ROOT = Path(__file__).resolve().parents[1]

#: Exactly the README quickstart's shape: top-level code, no ``if __name__ == "__main__":``.
SCRIPT = """\
import json
import hiresim as hs
from tests.golden.golden import hashes

results = hs.simulate(hs.preset("default"), replications=4, seed=7, workers=2)
print("HASHES", json.dumps(hashes(results), sort_keys=True))
"""


def _hashes_from(output: str) -> dict[str, str]:
    import json

    line = next(ln for ln in output.splitlines() if ln.startswith("HASHES "))
    return json.loads(line.removeprefix("HASHES "))


@pytest.fixture(scope="module")
def serial() -> dict[str, str]:
    return hashes(hs.simulate(hs.preset("default"), replications=4, seed=7))


def _run(args: list[str], stdin: str | None = None, cwd: Path = ROOT
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], input=stdin, cwd=cwd, capture_output=True,
                          text=True, timeout=180, check=False,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_unguarded_script_file(tmp_path: Path, serial: dict[str, str]) -> None:
    script = tmp_path / "quickstart.py"
    script.write_text(SCRIPT, encoding="utf-8")
    proc = _run([str(script)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert _hashes_from(proc.stdout) == serial


def test_script_on_standard_input(serial: dict[str, str]) -> None:
    proc = _run(["-"], stdin=SCRIPT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert _hashes_from(proc.stdout) == serial


def _pid() -> int:
    import os

    return os.getpid()


def test_one_pool_serves_every_call() -> None:
    """ablate, compare, report and sweep call simulate many times: the same worker processes
    serve them all (no new processes per scenario)."""
    from hiresim.runner import local_pool

    sc = hs.preset("mmc").with_overrides({"horizon_days": 10})
    hs.simulate(sc, replications=2, workers=2)
    first = local_pool(2)
    pids = {first.submit(_pid).result() for _ in range(8)}
    hs.simulate(sc.with_overrides({"roles.reviewer.count": 2}), replications=2, workers=2)
    again = local_pool(2)
    assert again is first
    assert {again.submit(_pid).result() for _ in range(8)} <= pids
    assert len(pids) <= 2
