"""Writes the example export hiresim/examples/acme_ats/ (the calibration tutorial's data).

The company behind it, "Acme", is the scenario of hiresim/examples/acme_truth.toml, which the
tutorial reveals only at its end so that the reader sees the fit recover it. Run from the
repository root: ``python tests/ats/make_acme.py`` (the output is deterministic).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import hiresim as hs

ROOT = Path(__file__).resolve().parents[2]
TRUTH = ROOT / "hiresim" / "examples" / "acme_truth.toml"
OUT = ROOT / "hiresim" / "examples" / "acme_ats"


def main() -> None:
    scenario = hs.load_scenario(TRUTH)
    if OUT.exists():
        shutil.rmtree(OUT)
    hs.simulate(scenario, replications=1, seed=2026).to_ats(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
