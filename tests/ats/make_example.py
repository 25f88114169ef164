"""Writes hiresim/examples/ats_small/, the small ATS export the documentation reads.

Run from the repository root: ``python tests/ats/make_example.py``. The export is fixed (a
seeded generator, no dependency on the simulation), so rerunning it rewrites the same files.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "hiresim" / "examples" / "ats_small"
EXPORTED = datetime(2026, 4, 30, 18, 0)


def _t(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M")


def _work(value: datetime) -> datetime:
    """The next working moment: weekends move to Monday, hours kept within 9-17."""
    value = value.replace(minute=0)
    if value.hour < 9:
        value = value.replace(hour=9)
    if value.hour >= 17:
        value = (value + timedelta(days=1)).replace(hour=10)
    while value.weekday() >= 5:
        value += timedelta(days=1)
    return value


def main() -> None:
    rng = random.Random(12)
    apps, stages, interviews = [], [], []
    # (job, how the application ends): rounds reached and final status
    plans = [("J1", 2, "hired"), ("J1", 2, "rejected"), ("J1", 1, "rejected"),
             ("J1", 1, "rejected_silent"), ("J1", 2, "withdrawn"), ("J1", 2, "active"),
             ("J1", 0, "rejected"), ("J2", 2, "hired"), ("J2", 1, "rejected"),
             ("J2", 2, "rejected_silent"), ("J2", 1, "withdrawn"), ("J2", 1, "active"),
             ("J2", 2, "offer_declined"), ("J2", 0, "active")]
    for i, (job, rounds, end) in enumerate(plans, start=1):
        app = f"A{i:03d}"
        applied = _work(datetime(2026, 3, 2, 9) + timedelta(days=rng.randint(0, 20),
                                                             hours=rng.randint(0, 7)))
        t = applied
        visits = [("screening", t)]
        t = _work(t + timedelta(days=rng.randint(2, 6)))
        for k in range(1, rounds + 1):
            visits.append((f"round:{k}", t))
            start = _work(t + timedelta(days=rng.randint(2, 7), hours=rng.randint(0, 5)))
            finish = start + timedelta(hours=1)
            panel = ";".join(rng.sample(["u1", "u2", "u3", "u4", "u5"], k))
            interviews.append((app, f"round:{k}", _t(start), _t(finish), panel))
            t = _work(finish + timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 6)))
        status, closed, notified = "active", "", ""
        if end in ("hired", "offer_declined"):
            visits.append(("offer", t))
            closed_at = _work(t + timedelta(days=rng.randint(2, 6)))
            status, closed = end, _t(closed_at)
        elif end == "rejected":
            status, closed, notified = "rejected", _t(t), _t(t + timedelta(hours=2))
        elif end == "rejected_silent":
            status, closed = "rejected", _t(t)
        elif end == "withdrawn":
            status, closed = "withdrawn", _t(t)
        for (name, entered), nxt in zip(visits, [*visits[1:], None], strict=True):
            exited = nxt[1] if nxt else (datetime.strptime(closed, "%Y-%m-%dT%H:%M")
                                         if closed else None)
            stages.append((app, name, _t(entered), _t(exited) if exited else ""))
        apps.append((app, f"C{i:03d}", job, _t(applied), status, closed, notified))
    OUT.mkdir(parents=True, exist_ok=True)
    files = {
        "applications.csv": ("application_id,candidate_id,job_id,applied_at,status,closed_at,"
                             "notified_at", apps),
        "stages.csv": ("application_id,stage,entered_at,exited_at", stages),
        "interviews.csv": ("application_id,stage,start,end,interviewers", interviews),
        "jobs.csv": ("job_id,opened_at,closed_at,recruiter,hiring_manager",
                     [("J1", "2026-02-16T09:00", "", "r1", "m1"),
                      ("J2", "2026-02-23T09:00", "", "r2", "m2")]),
    }
    for name, (header, rows) in files.items():
        text = header + "\n" + "".join(",".join(r) + "\n" for r in rows)
        (OUT / name).write_text(text, encoding="utf-8")
    (OUT / "export.json").write_text(json.dumps({"exported_at": _t(EXPORTED)}) + "\n",
                                     encoding="utf-8")


if __name__ == "__main__":
    main()
