"""Golden hashes of result tables: the guard of refactorings that must not change results.

``python -m tests.golden.golden`` (from the repository root) prints the hashes of
``journeys``, ``candidates`` and ``events`` for every case of :data:`CASES`;
``--write`` pins them in ``hashes.json``. ``tests/test_golden.py`` recomputes them and compares
with the pinned ones, bit for bit: a changed draw order, a rounding difference or a reordered row
is a failure, not a tolerance question. Re-pin only for a change that is meant to alter results,
and say so in the commit.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

import hiresim as hs

HERE = Path(__file__).parent
PINNED = HERE / "hashes.json"
SEEDS = (7, 20261201)
#: name -> (scenario loader, replications)
CASES: dict[str, tuple[str, int]] = {
    "default": ("preset:default", 4),
    "mmc": ("preset:mmc", 2),
    "intense": (str(HERE / "intense.toml"), 3),
}
TABLES = ("journeys", "candidates", "events")


def scenario(name: str) -> hs.Scenario:
    where, _ = CASES[name]
    if where.startswith("preset:"):
        return hs.preset(where.removeprefix("preset:"))
    return hs.load_scenario(where)


def table_hash(df: pd.DataFrame) -> str:
    """SHA-256 of a table's column names, dtypes and every value (exact bits, row order)."""
    h = hashlib.sha256()
    h.update(repr(list(df.columns)).encode())
    h.update(repr([str(t) for t in df.dtypes]).encode())
    h.update(str(len(df)).encode())
    if len(df):
        h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return h.hexdigest()


def hashes(results: hs.Results) -> dict[str, str]:
    return {name: table_hash(getattr(results, name)) for name in TABLES}


def compute(workers: Any = None) -> dict[str, dict[str, str]]:
    out = {}
    for name, (_, reps) in CASES.items():
        sc = scenario(name)
        for seed in SEEDS:
            out[f"{name}/{seed}"] = hashes(hs.simulate(sc, replications=reps, seed=seed,
                                                       workers=workers))
    return out


def main(argv: list[str]) -> int:
    got = compute()
    text = json.dumps(got, indent=2, sort_keys=True) + "\n"
    if "--write" in argv:
        PINNED.write_text(text)
    print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
