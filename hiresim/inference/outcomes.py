"""What happens to applications, read from the records: jobs and arrivals, screening, decisions,
offers, held and untold rejections, notification lags, withdrawals and scheduling lags.

Each function takes the :class:`~hiresim.inference.facts.Facts` of a history and returns
:class:`~hiresim.inference.estimates.Quantity` rows (see that module for the intervals). These
are the one definition of each quantity: :func:`hiresim.inference.calibration.direct_estimates`
writes the same numbers into a scenario. Durations are in calendar days.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hiresim.inference.estimates import (
    LEVEL,
    Quantity,
    counted,
    km_quantile,
    mean,
    quantile,
    rate,
    share,
    unknown,
)
from hiresim.inference.facts import Facts

__all__ = ["arrivals", "decisions", "jobs", "never_told", "notifications", "offers", "open_jobs",
           "rejections", "scheduling", "screening", "withdrawals"]

DAY = pd.Timedelta(days=1)
MONTH_DAYS = 30.4375


def _window(f: Facts) -> tuple[pd.Timestamp, pd.Timestamp, float]:
    """The span in which arrivals are observed: first to last application (or the export)."""
    apps = f.history.applications
    t0 = apps["applied_at"].min()
    last = min(apps["applied_at"].max(), f.history.exported_at)
    return t0, last, max((last - t0) / DAY, 1.0)


def _opened(f: Facts) -> tuple[pd.Series, str]:
    jobs = f.history.jobs
    if len(jobs) and jobs["opened_at"].notna().any():
        return jobs.drop_duplicates("job_id").set_index("job_id")["opened_at"], \
            "jobs.csv: opened_at"
    apps = f.history.applications
    return apps.groupby("job_id")["applied_at"].min(), \
        "applications.csv: first applied_at of each job_id (no jobs.csv)"


def jobs(f: Facts, level: float = LEVEL) -> list[Quantity]:
    """How often jobs open (per month), how many were open at the start, and positions per job
    where the records show them (hires of the jobs closed at a hire)."""
    t0, last, days = _window(f)
    opened, source = _opened(f)
    inside = int(((opened > t0) & (opened <= last)).sum())
    months = days / MONTH_DAYS
    out = [rate("jobs.rate_per_month", inside, months, source,
                f"{inside} jobs opened over {months:.1f} months", level),
           counted("jobs.initial", int((opened <= t0).sum()), int((opened <= t0).sum()),
                   source, "jobs open when the first application came")]
    apps = f.apps
    hires = apps[apps["status"] == "hired"]
    if len(f.history.jobs) and len(hires):
        jc = f.history.jobs.drop_duplicates("job_id").set_index("job_id")["closed_at"]
        last_hire = hires.groupby("job_id")["closed_at"].max()
        filled = last_hire.index[((last_hire - jc.reindex(last_hire.index)).abs()
                                  <= pd.Timedelta(minutes=1)).to_numpy()]
        per_job = hires.groupby("job_id").size().reindex(filled)
        out.append(mean("jobs.positions", per_job.to_numpy(float),
                        "jobs.csv: closed_at; applications.csv: hired",
                        f"hires of the {len(per_job)} jobs that closed at a hire (filled); "
                        "jobs cancelled or still open are not counted, so jobs with many "
                        "positions are under-represented", level))
    else:
        out.append(unknown("jobs.positions", "applications.csv: hired",
                           "needs jobs.csv (a job's closing) and hires"))
    return out


def open_jobs(f: Facts) -> pd.DataFrame:
    """How many jobs were open, week by week: ``week`` (its Monday) and ``open`` (jobs open
    at some time in it)."""
    opened, _ = _opened(f)
    jobs_table = f.history.jobs
    if len(jobs_table) and jobs_table["opened_at"].notna().any():
        closed = jobs_table.drop_duplicates("job_id").set_index("job_id")["closed_at"]
    else:
        closed = f.history.applications.groupby("job_id")["closed_at"].max()
    closed = closed.reindex(opened.index)
    end = f.history.exported_at
    closed = closed.fillna(end)
    if not len(opened):
        return pd.DataFrame({"week": pd.Series(dtype="datetime64[ns]"),
                             "open": pd.Series(dtype="int64")})
    first = opened.min().normalize() - pd.Timedelta(days=opened.min().weekday())
    weeks = pd.date_range(first, end, freq="7D")
    o = opened.to_numpy(dtype="datetime64[ns]")
    c = closed.to_numpy(dtype="datetime64[ns]")
    w0 = weeks.to_numpy(dtype="datetime64[ns]")
    w1 = w0 + np.timedelta64(7, "D")
    counts = ((o[None, :] < w1[:, None]) & (c[None, :] >= w0[:, None])).sum(axis=1)
    return pd.DataFrame({"week": weeks, "open": counts.astype("int64")})


def arrivals(f: Facts, cap: int | None = None, level: float = LEVEL) -> Quantity:
    """Applications per open job and week. A job is open from its opening (or the first
    application) to its closing (or the last application seen); with ``cap`` (a scenario's
    candidates per requisition), only until its ``cap``-th application."""
    apps = f.history.applications
    t0, last, _ = _window(f)
    opened, source = _opened(f)
    open_from = opened.reindex(apps["job_id"].unique()).fillna(t0).clip(lower=t0)
    jobs_table = f.history.jobs
    if len(jobs_table) and "closed_at" in jobs_table:
        closes = jobs_table.set_index("job_id")["closed_at"].reindex(open_from.index)
    else:
        closes = apps.groupby("job_id")["closed_at"].max().reindex(open_from.index)
    open_to = closes.fillna(last).clip(upper=last)
    if cap is not None:  # arrivals stop at the cap: count the job open until its cap-th one
        capped = apps.sort_values("applied_at").groupby("job_id").nth(cap - 1)
        reached = pd.Series(capped["applied_at"].to_numpy(), index=capped["job_id"].to_numpy())
        open_to = open_to.where(~open_to.index.isin(reached.index),
                                np.minimum(open_to, reached.reindex(open_to.index)))
    weeks = float(((open_to - open_from) / pd.Timedelta(weeks=1)).clip(lower=0).sum())
    n_apps = len(apps)
    q = rate("candidates.rate_per_week", n_apps, max(weeks, 1e-9),
             f"applications.csv: applied_at, job_id; {source}",
             f"{n_apps} applications over {weeks:.0f} open job-weeks", level)
    return q


def screening(f: Facts, level: float = LEVEL) -> Quantity:
    """The share of screened applications that passed: those that entered the first round's
    stage, among them and those rejected before it. A rejection recorded when the job closed is
    not a screening decision, nor is a withdrawal during screening: neither is counted."""
    apps = f.apps
    passed = apps["entered_round1"]
    failed = ~passed & (apps["status"] == "rejected") & ~apps["at_closing"]
    k, n = int(passed.sum()), int(passed.sum() + failed.sum())
    return share("screening.pass_probability", k, n,
                 "stages.csv: entry into round:1; applications.csv: status, closed_at",
                 f"{k} of {n} screened applications entered round 1 (rejections recorded as "
                 "the job closed and withdrawals are no screening decision)", level)


def decisions(f: Facts, level: float = LEVEL) -> list[Quantity]:
    """Per round, the shares of decided waits that advanced, got an offer or were rejected (a
    ghosted wait is a rejection that was never told)."""
    waits = f.history.waits
    told = waits[waits["outcome"].isin(["advance", "offer", "reject", "ghosted"])]
    out = []
    for k, sub in told.groupby("round"):
        n = len(sub)
        for choice in ("advance", "offer", "reject"):
            hits = int((sub["outcome"] == choice).sum()) + (
                int((sub["outcome"] == "ghosted").sum()) if choice == "reject" else 0)
            out.append(share(f"decision.round_{int(k)}.{choice}", hits, n,
                             "waits for feedback (stages.csv, applications.csv)",
                             f"{hits} of {n} decided waits of round {int(k)}", level))
    return out


def offers(f: Facts, level: float = LEVEL) -> list[Quantity]:
    """The share of offers accepted, and how long candidates consider an offer (offer stage
    entry to hired or declined; offers still open at the export are censored there)."""
    apps = f.apps
    made = apps["status"].isin(["hired", "offer_declined"])
    declined = int((apps["status"] == "offer_declined").sum())
    n = int(made.sum())
    out = [share("offers.accept_probability", n - declined, n,
                 "applications.csv: status (hired, offer_declined)",
                 f"{n - declined} of {n} offers accepted", level)]
    st = f.history.stages
    entry = st[st["stage"] == "offer"].groupby("application_id")["entered_at"].min()
    entry = entry[entry.index.isin(apps.index)]
    a = apps.reindex(entry.index)
    answered = a["status"].isin(["hired", "offer_declined"]) & a["closed_at"].notna()
    still = a["status"] == "active"
    stop = a["closed_at"].where(answered, f.history.exported_at)
    keep = answered | still
    days = ((stop - entry) / DAY)[keep]
    for q in (0.5, 0.9):
        out.append(km_quantile(f"offers.consideration_days.p{round(100 * q)}",
                               days.to_numpy(float), answered[keep].to_numpy(bool), q,
                               "stages.csv: offer entered_at; applications.csv: closed_at",
                               "offer told to accepted or declined; open offers censored at "
                               "the export", level))
    return out


def rejections(f: Facts, level: float = LEVEL) -> list[Quantity]:
    """Held rejections (recorded when the job closed, after an interview) and rejections never
    told (no ``notified_at``)."""
    apps = f.apps
    rejected = apps[(apps["status"] == "rejected") & apps["closed_at"].notna()]
    after = rejected[(rejected["last_round"] > 0) & (rejected["closed_at"] >= rejected["last_end"])]
    held = after[after["at_closing"]]
    source_close = ("applications.csv: closed_at; jobs.csv: closed_at (or the job's hires)"
                    if f.has_jobs else "applications.csv: closed_at of rejections and hires")
    out = [share("rejections.held.share", len(held), len(after), source_close,
                 f"{len(held)} of {len(after)} rejections after an interview were recorded as "
                 "the job closed (held until it closed, or still undecided then)", level)]
    out.append(quantile("rejections.held.days", ((held["closed_at"] - held["last_end"]) / DAY)
                        .to_numpy(float), 0.5, f"{source_close}; interviews.csv: end",
                        "median days from the last interview to the release as the job "
                        "closed: an upper bound of the hold (when it was decided is not "
                        "recorded)", level))
    export = f.history.exported_at
    out.append(never_told("rejections.untold.share", rejected, export,
                          "applications.csv: closed_at, notified_at of rejected applications",
                          "rejections", level))
    out.append(never_told("rejections.untold.after_interview", after, export,
                          "applications.csv: closed_at, notified_at; interviews.csv: end",
                          "rejections after an interview", level))
    return out


def never_told(name: str, rejected: pd.DataFrame, export: pd.Timestamp, source: str,
               what: str, level: float = LEVEL) -> Quantity:
    """The share of rejections never told (ghosted), censoring-aware: the level at which the
    Kaplan-Meier curve of "not told yet" (from ``closed_at`` to ``notified_at``; a rejection not
    told by the export is censored there) settles after its last telling, with the Greenwood
    interval there. A rejection recorded just before the export is not yet a ghosting."""
    from hiresim.analysis.km import km_table

    told = rejected["notified_at"].notna().to_numpy()
    stop = rejected["notified_at"].where(rejected["notified_at"].notna(), export)
    days = ((stop - rejected["closed_at"]) / DAY).clip(lower=0).to_numpy(float)
    untold = int((~told).sum())
    if not told.any():
        return share(name, untold, len(rejected), source,
                     f"{untold} of {len(rejected)} {what} never told", level)
    km = km_table(days, told, ci=level)
    last = int(np.flatnonzero(km["events"] > 0)[-1])
    return Quantity(name, float(km["survival"][last]), float(km["lower"][last]),
                    float(km["upper"][last]), len(rejected), source,
                    f"{untold} of {len(rejected)} {what} not told by the export; the share "
                    f"never told is where the curve of those not told yet settles (after "
                    f"{km['days'][last]:.0f} days)", f"Kaplan-Meier, Greenwood {100 * level:g} %")


def notifications(f: Facts, level: float = LEVEL) -> list[Quantity]:
    """How long a recorded rejection takes to reach the candidate (``closed_at`` to
    ``notified_at``), for those told."""
    apps = f.apps
    told = apps[(apps["status"] == "rejected") & apps["notified_at"].notna()
                & apps["closed_at"].notna()]
    lag = ((told["notified_at"] - told["closed_at"]) / DAY).clip(lower=0).to_numpy(float)
    source = "applications.csv: closed_at, notified_at of rejections"
    return [quantile(f"rejections.told_days.p{round(100 * q)}", lag, q, source,
                     "recorded to told, calendar days", level) for q in (0.5, 0.9)]


def withdrawals(f: Facts, level: float = LEVEL) -> list[Quantity]:
    """Withdrawals: their share of applications, the hazard while waiting for feedback
    (withdrawals per day of waiting, censoring-aware: every wait counts its days until it
    ended, for whatever reason), where they happen, and how long after the candidate last heard
    something."""
    apps = f.apps
    waits = f.history.waits
    gone = apps["status"] == "withdrawn"
    out = [share("withdrawals.share", int(gone.sum()), len(apps), "applications.csv: status",
                 f"{int(gone.sum())} of {len(apps)} applications withdrawn", level)]
    exposure = float(waits["days_to_feedback"].clip(lower=0).sum())
    n = int((waits["outcome"] == "withdrawn").sum())
    out.append(rate("withdrawals.hazard_per_day", n, exposure,
                    "waits for feedback (interviews.csv, stages.csv, applications.csv)",
                    f"{n} withdrawals over {exposure:.0f} days of waiting", level))
    # the stage each withdrawal happened in, and the time since the last stage entry or
    # interview (the last moment the candidate surely heard from the company)
    st = f.history.stages
    w = apps[gone & apps["closed_at"].notna()]
    if len(w):
        visits = st[st["application_id"].isin(w.index)].sort_values("entered_at")
        visits = visits.assign(closed=visits["application_id"].map(w["closed_at"]))
        visits = visits[visits["entered_at"] <= visits["closed"]]
        current = visits.groupby("application_id").last()
        heard = current["entered_at"].reindex(w.index)
        heard = pd.concat([heard, w["last_end"]], axis=1).max(axis=1)
        days = ((w["closed_at"] - heard) / DAY).dropna().clip(lower=0)
        for q in (0.5, 0.9):
            out.append(quantile(f"withdrawals.days_since_heard.p{round(100 * q)}",
                                days.to_numpy(float), q,
                                "applications.csv: closed_at; stages.csv: entered_at; "
                                "interviews.csv: end",
                                "days from the last stage entry or interview to the "
                                "withdrawal", level))
        where = current["stage"].reindex(w.index).fillna("unknown")
        total = len(where)
        for stage, k in where.value_counts().sort_index().items():
            out.append(share(f"withdrawals.stage.{stage}", int(k), total,
                             "stages.csv: the stage open when the application was withdrawn",
                             f"{int(k)} of {total} withdrawals", level))
    return out


def scheduling(f: Facts, level: float = LEVEL) -> list[Quantity]:
    """Per round, the days from entering the round's stage to its interview (Kaplan-Meier:
    an entry without an interview is censored when the stage was left, the application closed,
    or at the export)."""
    st = f.history.stages
    iv = f.history.interviews
    out: list[Quantity] = []
    rounds = sorted(int(r) for r in iv["round"].unique()) if len(iv) else []
    for r in rounds:
        entry = (st[st["stage"] == f"round:{r}"].groupby("application_id")
                 .agg(entered=("entered_at", "min"), exited=("exited_at", "max")))
        first = iv[iv["round"] == r].groupby("application_id")["start"].min()
        entry["interview"] = first.reindex(entry.index)
        closed = f.apps["closed_at"].reindex(entry.index)
        end = pd.concat([entry["exited"], closed], axis=1).min(axis=1).fillna(
            f.history.exported_at)
        event = entry["interview"].notna().to_numpy()
        stop = entry["interview"].where(entry["interview"].notna(), end)
        days = ((stop - entry["entered"]) / DAY).to_numpy(float)
        source = f"stages.csv: round:{r} entered_at; interviews.csv: start"
        for q in (0.5, 0.75, 0.9):
            out.append(km_quantile(f"scheduling.round_{r}.days.p{round(100 * q)}", days, event,
                                   q, source, "round entry to its interview; entries without "
                                   "an interview censored", level))
    return out
