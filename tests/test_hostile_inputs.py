"""Issue 11: hostile inputs through ``hs.load_scenario``, ``hiresim validate`` and ``hiresim run``.

The corpus is ``tests/hostile/cases.py`` (one case per hostile input, with the message fragments
its error must contain). For every case:

* ``test_load_scenario``: ``hs.load_scenario(path)`` raises :class:`hs.ScenarioError` (no other
  exception) whose text contains the fragments;
* ``test_validate``: ``hiresim validate PATH`` exits 2 within the timeout, prints no traceback and
  no raw control character, and its output contains the fragments;
* ``test_run``: ``hiresim run PATH -n 2`` exits 2 within the timeout, with no traceback and no
  raw control character. (No case is meant to run: the CLI has no ``--force`` today, and every
  case here is one the issue wants refused up front.)

Every check runs in its own process with a timeout and a 1 GB address-space limit, so a hang or
a memory blow-up is a failed test, not a stuck or swapping machine. The processes are forked from
one warm interpreter (``tests/hostile/forkserver.py``, started once per test session as a real
subprocess) because ~300 fresh interpreters at ~0.6 s of imports each would take well over a
minute on two cores; ``test_forkserver_matches_real_process`` checks the forked CLI against real
``python -m hiresim.present.cli`` processes. All checks of the selected cases run in one
batch, two or more at a time (``HOSTILE_PARALLEL``, default: the number of CPUs, at least 2).
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hostile.cases import BASE, BY_ID, CASES, FILE_NAME, IDS, NOT_TOML, Case

ROOT = Path(__file__).resolve().parents[1]
FORKSERVER = Path(__file__).with_name("hostile") / "forkserver.py"

#: Seconds each check may take (a refusal takes well under one second).
TIMEOUT = {"load": 20.0, "validate": 20.0, "run": 20.0}
#: Address-space limit of each check.
MEMORY = 1 << 30
PARALLEL = int(os.environ.get("HOSTILE_PARALLEL", max(2, os.cpu_count() or 2)))

#: Characters that must never reach the terminal raw: C0 controls but tab/newline/CR, DEL, C1
#: controls, and bidirectional overrides/isolates.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

CHECKS = ("load", "validate", "run")


def _argv(check: str, argument: str) -> list[str]:
    return {"load": [argument], "validate": ["validate", argument],
            "run": ["run", argument, "-n", "2"]}[check]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("FORCE_COLOR", "TTY_COMPATIBLE", "HIRESIM_DEBUG", "COLUMNS")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["HOSTILE_PARALLEL"] = str(PARALLEL)
    env["HOSTILE_MEMORY"] = str(MEMORY)
    env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = "1"
    return env


def _selected(session: pytest.Session) -> list[str]:
    """Ids of the cases whose tests are selected (so ``-k`` runs only those checks)."""
    ids = {item.callspec.params["case"] for item in session.items
           if hasattr(item, "callspec") and "case" in item.callspec.params}
    return [i for i in IDS if i in ids]


@pytest.fixture(scope="module")
def outcomes(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
             ) -> dict[str, Any]:
    """Every check of every selected case (and of the base), run once in one batch."""
    top = tmp_path_factory.mktemp("hostile")
    inputs: dict[str, str] = {}
    jobs: list[dict[str, Any]] = []
    base_dir = top / "base"
    base_dir.mkdir()
    (base_dir / FILE_NAME).write_text(BASE, encoding="utf-8")
    inputs["base"] = str(base_dir / FILE_NAME)
    for number, case_id in enumerate(_selected(request.session)):
        folder = top / f"c{number:03d}"
        folder.mkdir()
        inputs[case_id] = BY_ID[case_id].materialize(folder)
    for name, argument in inputs.items():
        for check in CHECKS:
            work = top / "out" / name / check
            work.mkdir(parents=True)
            jobs.append({"key": f"{name}/{check}", "check": "load" if check == "load" else "cli",
                         "args": _argv(check, argument), "timeout": TIMEOUT[check],
                         "dir": str(work)})
    jobs_file, out_file = top / "jobs.json", top / "results.json"
    jobs_file.write_text(json.dumps(jobs), encoding="utf-8")
    started = time.monotonic()
    budget = 60 + sum(TIMEOUT[j["key"].rsplit("/", 1)[1]] for j in jobs) / PARALLEL
    proc = subprocess.run([sys.executable, str(FORKSERVER), str(jobs_file), str(out_file)],
                          cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=budget,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-5000:]
    results = json.loads(out_file.read_text(encoding="utf-8"))
    results["_inputs"] = inputs
    results["_seconds"] = time.monotonic() - started
    return results


def _strip(text: str, argument: str) -> str:
    """The text without the input's own path (so that a fragment cannot match the path)."""
    return text.replace(argument, "<SCENARIO>")


def _missing_fragments(case: Case, text: str) -> list[str]:
    low = text.lower()
    return [frag for frag in case.expect
            if not any(alt.lower() in low for alt in frag.split("|"))]


def _head(text: str, n: int = 600) -> str:
    text = CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if len(text) <= n else text[:n] + f"... [{len(text):,} chars]"


def _describe(out: dict[str, Any], argument: str) -> str:
    """What a CLI check did, in a few lines, for the failure message."""
    if out["timed_out"]:
        what = f"killed after {out['seconds']:.0f} s timeout"
    elif out["signal"]:
        what = f"killed by signal {out['signal']}"
    else:
        what = f"exit {out['returncode']} after {out['seconds']:.1f} s"
    err = _strip(out["stderr"], argument).strip()
    if "Traceback (most recent call last)" in err:
        err = "traceback ending: " + err.strip().splitlines()[-1]
    return (f"{what}\nstderr: {_head(err)}\nstdout: {_head(_strip(out['stdout'], argument))}")


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 60
    assert {c.kind for c in CASES} >= {"non-finite", "not-integer", "date", "resource", "file",
                                       "markup", "cannot-work", "typo", "syntax", "range",
                                       "reference", "type"}


@pytest.mark.parametrize("case", [c.id for c in CASES if c.build is None and c.kind != "syntax"
                                  and c.id not in NOT_TOML])
def test_case_is_valid_toml(case: str) -> None:
    """A corpus check: an edit meant to break a value, not the TOML syntax, still parses."""
    tomllib.loads(BY_ID[case].text())


def test_base_is_valid(outcomes: dict[str, Any]) -> None:
    """The base loads, validates and runs: each case's edit is the only thing wrong with it."""
    assert outcomes["base/load"]["load"] == {"raised": None, "message": ""}
    for check in ("validate", "run"):
        out = outcomes[f"base/{check}"]
        assert out["returncode"] == 0, _describe(out, outcomes["_inputs"]["base"])


@pytest.mark.parametrize("case", IDS)
def test_load_scenario(case: str, outcomes: dict[str, Any]) -> None:
    argument = outcomes["_inputs"][case]
    out = outcomes[f"{case}/load"]
    load = out["load"]
    if load is None:  # the child died before it could report
        pytest.fail(f"hs.load_scenario did not finish: {_describe(out, argument)}")
    if BY_ID[case].accepted:
        assert load["raised"] is None, f"refused a legitimate input: {load['message']}"
        return
    if load["raised"] is None:
        pytest.fail("hs.load_scenario accepted it (no ScenarioError)")
    message = _strip(load["message"], argument)
    assert load["raised"] == "ScenarioError", (
        f"raised {load['raised']}: {_head(message)}\n{load.get('traceback', '')}")
    missing = _missing_fragments(BY_ID[case], message)
    assert not missing, f"ScenarioError does not say {missing}: {_head(message)}"


def _cli_check(case: str, check: str, outcomes: dict[str, Any], *, fragments: bool) -> None:
    argument = outcomes["_inputs"][case]
    out = outcomes[f"{case}/{check}"]
    said = out["stdout"] + out["stderr"]
    problems = []
    want = 0 if BY_ID[case].accepted else 2
    if out["timed_out"]:
        problems.append(f"did not finish within {TIMEOUT[check]:.0f} s")
    elif out["returncode"] != want:
        problems.append(f"exit code {out['returncode']}, not {want}")
    if "Traceback (most recent call last)" in said:
        problems.append("printed a traceback")
    if CONTROL.search(_strip(said, argument)):
        problems.append("printed a raw control character")
    if fragments and not out["timed_out"]:
        missing = _missing_fragments(BY_ID[case], _strip(said, argument))
        if missing:
            problems.append(f"output does not say {missing}")
    assert not problems, "; ".join(problems) + "\n" + _describe(out, argument)


@pytest.mark.parametrize("case", IDS)
def test_validate(case: str, outcomes: dict[str, Any]) -> None:
    _cli_check(case, "validate", outcomes, fragments=True)


@pytest.mark.parametrize("case", IDS)
def test_run(case: str, outcomes: dict[str, Any]) -> None:
    _cli_check(case, "run", outcomes, fragments=BY_ID[case].accepted)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


@pytest.mark.parametrize("case", ["base", "unterminated-string", "name-markup-close"])
def test_forkserver_matches_real_process(case: str, outcomes: dict[str, Any],
                                         tmp_path: Path) -> None:
    """A forked CLI check behaves like ``python -m hiresim.present.cli validate`` in a fresh
    process: same exit code, same stdout, a traceback in both or in neither."""
    argument = outcomes["_inputs"].get(case)
    if argument is None:
        pytest.skip(f"case {case!r} not selected")
    proc = subprocess.run([sys.executable, "-m", "hiresim.present.cli", "validate", argument],
                          cwd=ROOT, env=_env(), capture_output=True, text=True,
                          timeout=TIMEOUT["validate"], preexec_fn=_limit_memory, check=False)
    forked = outcomes[f"{case}/validate"]
    assert forked["returncode"] == proc.returncode
    assert forked["stdout"] == proc.stdout
    assert ("Traceback" in forked["stderr"]) == ("Traceback" in proc.stderr)
    if "Traceback" not in proc.stderr:
        assert forked["stderr"] == proc.stderr
