"""Writes the example export hiresim/examples/team_ats/ (the forecast how-to's data).

The small team of hiresim/examples/calendars/team.toml (named people, whose calendars are
the example .ics files next to it), simulated once and exported as its ATS would have looked
on Tuesday 20 October 2026 at noon: applications open then are still ``active``, later
records are not there yet. Run from the repository root: ``python tests/ats/make_team.py``
(the output is deterministic).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd

import hiresim as hs

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "hiresim" / "examples" / "calendars" / "team.toml"
OUT = ROOT / "hiresim" / "examples" / "team_ats"
TODAY = pd.Timestamp("2026-10-20 12:00")
ISO = "%Y-%m-%dT%H:%M:%S"


def _iso(s: pd.Series) -> pd.Series:
    return s.dt.strftime(ISO).fillna("")


def main() -> None:
    scenario = hs.load_scenario(SCENARIO)
    with tempfile.TemporaryDirectory() as tmp:
        full = hs.read_ats(hs.simulate(scenario, replications=1, seed=12).to_ats(tmp))
    h = full.cut(TODAY)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    a = h.applications
    a.assign(**{c: _iso(a[c]) for c in ("applied_at", "closed_at", "notified_at")}).to_csv(
        OUT / "applications.csv", index=False)
    st = h.stages
    pd.DataFrame({"application_id": st["application_id"], "stage": st["stage_raw"],
                  "entered_at": _iso(st["entered_at"]), "exited_at": _iso(st["exited_at"])}
                 ).to_csv(OUT / "stages.csv", index=False)
    iv = h.interviews
    pd.DataFrame({"application_id": iv["application_id"], "stage": iv["stage"],
                  "start": _iso(iv["start"]), "end": _iso(iv["end"]),
                  "interviewers": [";".join(x) for x in iv["interviewers"]]}
                 ).to_csv(OUT / "interviews.csv", index=False)
    j = h.jobs
    pd.DataFrame({"job_id": j["job_id"], "opened_at": _iso(j["opened_at"]),
                  "closed_at": _iso(j["closed_at"]), "recruiter": j["recruiter"],
                  "hiring_manager": j["hiring_manager"]}).to_csv(OUT / "jobs.csv", index=False)
    (OUT / "export.json").write_text(json.dumps({"exported_at": TODAY.strftime(ISO)},
                                                indent=2) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
